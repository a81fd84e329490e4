"""Every command is documented: non-empty help in the CLI, and a mention in README.md."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import typer.main
from typer.testing import CliRunner

from shuangsuiji.cli import app

REPO = Path(__file__).resolve().parent.parent
COMMANDS = typer.main.get_command(app).commands  # name -> command, as registered on the app


def test_there_are_commands():
    assert {"check", "plan", "init", "import"} <= set(COMMANDS)


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_command_has_help(name):
    command = COMMANDS[name]
    assert (command.help or "").strip(), f"ssj {name} has no help text"
    for param in command.params:
        assert (getattr(param, "help", None) or "").strip(), f"ssj {name}: {param.name} has no help text"


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_command_help_runs(name):
    res = CliRunner().invoke(app, [name, "--help"])
    assert res.exit_code == 0, res.output
    assert COMMANDS[name].help.strip()[:10] in res.stdout


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_command_is_in_readme(name):
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert re.search(rf"\bssj {re.escape(name)}\b", readme), f"README.md never mentions `ssj {name}`"


def test_top_level_help_lists_every_command():
    res = CliRunner().invoke(app, ["--help"])
    assert res.exit_code == 0
    for name in COMMANDS:
        assert name in res.stdout


def _readme_command(marker: str) -> str:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    after = text.split(f"<!-- {marker} -->", 1)[1]
    return after.split("```", 2)[1].strip()


def test_ci_runs_the_readme_test_command():
    # .ci/run reads the line after the marker; the line must install the test extra and run pytest.
    cmd = _readme_command("test-command")
    assert "pip install" in cmd and '".[test]"' in cmd and "pytest" in cmd
    assert "test-command" in (REPO / ".ci" / "run").read_text(encoding="utf-8")


def test_readme_main_command_runs_on_a_copy_of_the_workspace(ssj):
    """The quickstart's ssj invocations, run in order, all succeed on the shipped data."""
    import shlex

    cmd = _readme_command("main-command")
    assert "pip install -e ." in cmd
    steps = [shlex.split(part.strip()) for part in cmd.split("&&")]
    ssj_steps = [s[1:] for s in steps if s[0].endswith("/ssj")]
    assert ssj_steps and ssj_steps[-1][0] == "draw"
    for args in ssj_steps:
        res = ssj(*args)
        assert res.exit_code == 0, (args, res.output)
    assert ssj("verify").exit_code == 0


def test_readme_main_command_is_safe_to_run_twice(ssj, ws):
    """The second run of the quickstart's draw is refused with a clear message; the ledger keeps one draw."""
    import shlex

    cmd = _readme_command("main-command")
    draw = next(shlex.split(part.strip())[1:] for part in cmd.split("&&") if shlex.split(part.strip())[1:2] == ["draw"])
    assert "--round" in draw
    assert ssj(*draw).exit_code == 0
    again = ssj(*draw)
    assert again.exit_code == 2
    assert "第 1 轮" in again.stderr and "Traceback" not in again.output
    assert len((ws / "draws" / "ledger.jsonl").read_text(encoding="utf-8").splitlines()) == 1


def test_readme_tells_how_to_run_ssj_after_setup():
    """Activating the venv (Linux, Windows cmd and PowerShell) or the full path; the files it names exist."""
    import sys

    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text.split("### 安装以后怎样运行 `ssj`", 1)[1].split("\n## ", 1)[0]
    for needle in ("source .venv/bin/activate", r".venv\Scripts\activate", r".venv\Scripts\Activate.ps1",
                   ".venv/bin/ssj check", r".venv\Scripts\ssj check"):
        assert needle in section, needle
    if sys.prefix != sys.base_prefix:  # running in a venv: the script it tells people to source is there
        scripts = Path(sys.executable).parent
        assert (scripts / "activate").is_file() or (scripts / "activate.bat").is_file()


def _layout_tree() -> set[str]:
    """The files the tree in docs/architecture.md names, as paths under the repository (each on one line only)."""
    text = (REPO / "docs" / "architecture.md").read_text(encoding="utf-8")
    block = text.split("<!-- layout -->", 1)[1].split("```", 2)[1]
    stack: list[tuple[int, str]] = []
    files: list[str] = []
    for line in block.splitlines():
        if not line.strip():
            continue
        depth = len(line) - len(line.lstrip(" "))
        name = line.split()[0]
        while stack and stack[-1][0] >= depth:
            stack.pop()
        path = "/".join([p for _, p in stack] + [name.rstrip("/")])
        if name.endswith("/"):
            stack.append((depth, name.rstrip("/")))
        else:
            files.append(path)
    twice = sorted({f for f in files if files.count(f) > 1})
    assert not twice, f"docs/architecture.md lists these more than once: {twice}"
    return set(files)


def _docstring_only(path: Path) -> bool:
    import ast

    body = ast.parse(path.read_text(encoding="utf-8")).body
    return len(body) <= 1 and all(isinstance(n, ast.Expr) and isinstance(n.value, ast.Constant) for n in body)


def test_the_layout_tree_names_every_module():
    """docs/architecture.md lists each module of shuangsuiji/ on its own line (a docstring-only __init__ aside)."""
    package = REPO / "shuangsuiji"
    files = {p.relative_to(REPO).as_posix(): p for p in package.rglob("*.py") if "__pycache__" not in p.parts}
    required = {name for name, p in files.items() if not (p.name == "__init__.py" and p.parent != package and _docstring_only(p))}
    tree = _layout_tree()
    assert not required - tree, f"missing from the tree in docs/architecture.md: {sorted(required - tree)}"
    assert not tree - set(files), f"the tree in docs/architecture.md names files that are gone: {sorted(tree - set(files))}"


def test_the_layout_tree_parser_sees_a_missing_module():
    assert "shuangsuiji/cli/help.py" in _layout_tree() and "shuangsuiji/workspace.py" in _layout_tree()


def test_readme_links_the_architecture():
    text = (REPO / "README.md").read_text(encoding="utf-8")
    assert "(docs/architecture.md)" in text


def _drawn_coal(ssj) -> dict:
    import json

    res = ssj("draw", "--task", "coal", "--seed", "README 种子", "--today", "2022-04-06", "--json")
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout)


def test_readme_on_batch_errors_is_true(ssj, ws, tmp_path):
    """“任何一行有错，全部不写入，所有错误连同 文件:行号 一次列出”: every error of every row, nothing written."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    assert "任何一行有错，全部不写入，所有错误连同 `文件:行号` 一次列出" in text
    first, second = (p["entity"] for p in _drawn_coal(ssj)["picks"][:2])
    ledger = (ws / "draws" / "ledger.jsonl").read_bytes()
    batch = tmp_path / "结果.csv"
    batch.write_text(
        f"entity,date,result\n{first},2022-04-07,no_problem\n{second},不是日期,不是结果\n91140428MA0010110X,2022-04-07,no_problem\n",
        encoding="utf-8",
    )
    res = ssj("record", "--task", "coal", "--from", str(batch), "--today", "2022-04-08")
    assert res.exit_code == 2
    shown = batch.as_posix()
    lines = [line for line in res.stderr.splitlines() if line.startswith(shown + ":")]
    assert [line.split(": ", 1)[0] for line in lines] == [f"{shown}:3", f"{shown}:3", f"{shown}:4"], res.stderr
    assert (ws / "draws" / "ledger.jsonl").read_bytes() == ledger


def test_readme_on_the_sheet_is_true(ssj, ws):
    """Page 1 holds the seed, the picks with their inspectors and the signatures; the appendix holds the rest."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    assert "**第 1 页**供在场人员签字" in text and "**附页**（从第\n2 页起）供复核" in text
    record = _drawn_coal(ssj)
    assert ssj("sheet", "--task", "coal", "--round", "1").exit_code == 0
    html = (ws / "draws" / "2022" / "coal-r1-sheet.html").read_text(encoding="utf-8")
    page_one, appendix = html.split('<section class="appendix">', 1)
    for needle in ("README 种子", "摇号人", "监督人", "见证人", record["picks"][0]["entity"], record["picks"][0]["inspector_names"][0]):
        assert needle in page_one, needle
    for needle in ("sha256sum", "备选池", "排序值", "SHA-256"):
        assert needle in appendix, needle
    assert "sha256sum" not in page_one
