"""The package's layers hold: no import circle, no import from a lower layer to a higher one.

Every ``import`` and ``from ... import`` in ``shuangsuiji/`` is parsed, those inside
functions too (a lazy import is still a dependency).
"""

from __future__ import annotations

import ast
from pathlib import Path

import shuangsuiji

PACKAGE = Path(shuangsuiji.__file__).parent


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _resolve(name: str) -> str | None:
    """The module a dotted name refers to (a symbol's module when it names a symbol)."""
    while name.startswith("shuangsuiji"):
        rel = Path(*name.split("."))
        if (PACKAGE.parent / rel).with_suffix(".py").exists() or (PACKAGE.parent / rel / "__init__.py").exists():
            return name
        name = name.rpartition(".")[0]
    return None


def import_graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        mod = _module_name(path)
        deps: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                for alias in node.names:
                    target = _resolve(f"{node.module}.{alias.name}")
                    if target:
                        deps.add(target)
            elif isinstance(node, ast.ImportFrom) and node.level:
                raise AssertionError(f"{path}: relative import; write shuangsuiji.… in full")
            elif isinstance(node, ast.Import):
                deps.update(t for a in node.names if (t := _resolve(a.name)))
        deps.discard(mod)
        deps.discard("shuangsuiji")  # __version__ and LAYERS only
        graph[mod] = deps
    return graph


def layer_of(module: str) -> int:
    top = module.split(".")[1] if "." in module else ""
    assert top in shuangsuiji.LAYERS, f"{module}: its package {top!r} has no layer in shuangsuiji.LAYERS"
    return shuangsuiji.LAYERS[top]


def test_every_module_has_a_layer():
    for mod in import_graph():
        if mod != "shuangsuiji":
            layer_of(mod)


def test_no_upward_import():
    upward = [
        f"{mod} (layer {layer_of(mod)}) imports {dep} (layer {layer_of(dep)})"
        for mod, deps in import_graph().items() if mod != "shuangsuiji"
        for dep in sorted(deps) if layer_of(dep) > layer_of(mod)
    ]
    assert not upward, "\n".join(upward)


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import circle as a list of modules (first == last), or None."""
    state: dict[str, int] = {}  # 1 on the stack, 2 done
    stack: list[str] = []

    def visit(m: str) -> list[str] | None:
        state[m] = 1
        stack.append(m)
        for d in sorted(graph.get(m, ())):
            if state.get(d) == 1:
                return stack[stack.index(d):] + [d]
            if d not in state and (found := visit(d)):
                return found
        stack.pop()
        state[m] = 2
        return None

    for m in sorted(graph):
        if m not in state and (found := visit(m)):
            return found
    return None


def test_no_import_circle():
    cycle = find_cycle(import_graph())
    assert cycle is None, " -> ".join(cycle or [])


def test_the_cycle_finder_finds_a_circle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_cli_parses_no_files_and_folds_no_rounds():
    """The CLI calls actions; it never reads registries or folds the ledger itself."""
    forbidden = ("shuangsuiji.inputs.entities", "shuangsuiji.inputs.inspectors", "shuangsuiji.inputs.entity_table",
                 "shuangsuiji.files.tables", "shuangsuiji.ledger.state", "shuangsuiji.files.text")
    found = [f"{mod} imports {dep}" for mod, deps in import_graph().items() if mod.startswith("shuangsuiji.cli")
             for dep in sorted(deps) if dep in forbidden]
    assert not found, "\n".join(found)
