"""Option values read without Pydantic (``cli.root.PlainValue``) are what Typer's own conversion gives.

Every option of every command that ``main()`` converts gets a ``PlainValue`` when it is a str, int,
Path or bool of one value; each is checked against Typer's own conversion (``build_runtime_param``,
Pydantic) on the same values: the same value of the same type, or the same error with the same message.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import typer
from hypothesis import given, settings
from hypothesis import strategies as st
from typer._click import Context
from typer._coercion import build_runtime_param

from shuangsuiji.cli import app
from shuangsuiji.cli.root import PlainValue, root_command


def _converted() -> list[tuple[str, object, object]]:
    """(where, command, option) for every option main()'s root group gives its commands, --help included."""
    group = root_command(app)
    out = []

    def walk(path: str, command: object) -> None:
        for param in [*command.params, command.get_help_option(Context(command))]:
            out.append((path, command, param))
        subs = getattr(command, "commands", {})
        for name in list(subs):
            walk(f"{path} {name}", subs[name])

    walk("ssj", group)
    return out


OPTIONS = _converted()
PLAIN = [(where, param) for where, _, param in OPTIONS if isinstance(getattr(param, "_runtime_param", None), PlainValue)]
SAMPLES = ["", " ", "0", "7", "007", "12", " 12", "12 ", "-3", "+4", "1_000", "1.0", "1e3", "２", "²", "٣", "x",
           "2022-04-06", "hazchem", "a\udcff", "a\x00b", "测试", "a//b/", ".", "..", "~", "-", "99999999999999999999999"]


def _outcome(runtime: object, param: object, value: object) -> tuple:
    try:
        got = runtime.coerce(value, param=param, ctx=None)
    except typer.BadParameter as exc:
        return ("error", type(exc).__name__, exc.message)
    except Exception as exc:  # noqa: BLE001  (Typer's own lets some through: a path with a NUL byte)
        return ("error", type(exc).__name__, str(exc))
    return ("value", type(got), got)


def _same(param: object, value: object) -> None:
    ours = _outcome(param._runtime_param, param, value)
    theirs = _outcome(build_runtime_param(param.type_descriptor), param, value)
    assert ours == theirs, (param.name, value)


def test_the_options_main_runs_get_plain_values():
    kinds = {type(getattr(p, "_runtime_param", None)).__name__ for _, p in PLAIN}
    names = {(where, p.name) for where, p in PLAIN}
    assert kinds == {"PlainValue"}
    assert {("ssj", "root"), ("ssj record", "round_"), ("ssj record", "from_"), ("ssj record", "task"),
            ("ssj publish-due", "today_"), ("ssj blacklist add", "reason"), ("ssj record", "help"), ("ssj", "help")} <= names
    assert {"source", "expect"} <= {p.name for _, p in PLAIN if p.multiple}


@pytest.mark.parametrize("value", SAMPLES + [None, 5, True, False, 0, Path("a"), (), [], ("1", "2"), ["a", "b c"], ("1", 2)])
def test_every_plain_option_reads_a_value_as_typer_does(value):
    for _, param in PLAIN:
        _same(param, value)


@settings(max_examples=60, deadline=None)
@given(st.one_of(st.text(), st.from_regex(r"\A[0-9]{1,25}\Z"), st.from_regex(r"\A[ +-]?[0-9_]{0,5}[ .]?[0-9]{0,3}\Z")))
def test_any_text_is_read_as_typer_reads_it(value):
    for _, param in PLAIN:
        _same(param, value)


def test_paths_that_exist_are_read_as_typer_reads_them(tmp_path):
    (tmp_path / "file.csv").write_text("x", encoding="utf-8")
    values = [str(tmp_path), str(tmp_path / "file.csv"), str(tmp_path / "missing"), str(tmp_path) + "//file.csv"]
    for _, param in PLAIN:
        if param._runtime_param.kind is Path:
            for value in values:
                _same(param, value)


def test_main_imports_no_pydantic_for_a_command_with_options(ws):
    """publish-due and a result with --root, --task, --round, --entity, --date: no option needs Pydantic."""
    probe = (
        "import runpy, sys\n"
        "sys.argv = ['ssj', *sys.argv[1:]]\n"
        "try:\n    runpy.run_module('shuangsuiji', run_name='__main__')\n"
        "except SystemExit as exc:\n    code = exc.code\n"
        "print(code, 'pydantic' in sys.modules, file=sys.stderr)\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "SSJ_ROOT"}
    runs = [
        (0, ["publish-due", "--today", "2022-04-06"]),
        (0, ["draw", "--task", "coal", "--seed", "s", "--round", "1", "--today", "2022-04-06"]),
        (0, ["results", "--task", "coal", "--round", "1", "--json"]),
        (1, ["verify", "--expect", "0" * 64, "--json"]),  # no such line: the check fails, the option was read
    ]
    for code, args in runs:
        proc = subprocess.run([sys.executable, "-c", probe, "--root", str(ws), *args], capture_output=True, env=env, timeout=120)
        assert proc.stderr.split()[-2:] == [str(code).encode(), b"False"], (args, proc.stderr.decode("utf-8", "replace"))
