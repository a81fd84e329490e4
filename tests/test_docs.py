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
