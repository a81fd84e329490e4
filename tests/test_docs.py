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
