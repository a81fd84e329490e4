"""Every help page is Chinese, every command has a one-line description, publish-due names its tasks."""

from __future__ import annotations

import re

import pytest
import typer.main
from typer.testing import CliRunner

from shuangsuiji.cli import app

COMMANDS = typer.main.get_command(app).commands

# What Click and Typer write on their own, and what a clerk cannot read.
ENGLISH = ("Usage:", "Options:", "Commands:", "Arguments:", "Show this message", "[required]", "env var",
           "default:", "<str>", "<int>", "<path>", "<list[", "TEXT", "INTEGER", "PATH", "[OPTIONS]")


def _help(*args: str) -> str:
    res = CliRunner().invoke(app, [*args, "--help"])
    assert res.exit_code == 0, res.output
    return res.stdout


@pytest.mark.parametrize("args", [[]] + [[name] for name in sorted(COMMANDS)])
def test_help_pages_are_chinese(args):
    page = _help(*args)
    assert page.startswith(f"用法：ssj {' '.join(args)}".rstrip() + " [选项]")
    assert "选项：" in page and "显示本帮助并退出" in page
    for word in ENGLISH:
        assert word not in page, f"ssj {' '.join(args)} --help shows {word!r}"
    # ssj appends （必填） to a required option's help; one that says 必填 itself said it twice
    assert not re.search(r"必填[^）]*）\s*（必填）", page), f"ssj {' '.join(args)} --help says 必填 twice"


def test_every_command_has_a_one_line_description_in_the_list():
    page = _help()
    listed = dict(re.findall(r"^  ([a-z-]+) +(\S.*)$", page.split("命令：", 1)[1].split("\n\n", 1)[0], flags=re.M))
    assert set(listed) == set(COMMANDS)
    for name, text in listed.items():
        assert text == COMMANDS[name].short_help and text.endswith("。") and "..." not in text, name


def test_the_exit_codes_are_in_the_help():
    page = _help()
    for code in ("0 成功", "1 检查未通过", "2 输入有误", "3 内部错误"):
        assert code in page


def test_options_show_chinese_placeholders():
    page = _help("draw")
    assert "--task <任务代号>" in page and "--today <日期>" in page and "--round <轮次>" in page
    assert "--dry-run  " in page  # a flag takes no value
    assert "<文件夹>" in _help("init")


def test_publish_due_names_the_task_in_chinese(ssj):
    assert ssj("draw", "--task", "coal", "--seed", "s", "--today", "2022-04-06").exit_code == 0
    res = ssj("publish-due", "--today", "2022-12-29", "--quiet")
    assert res.exit_code == 0, res.output
    task_column = "".join(line.split("│")[2].strip() for line in res.stdout.splitlines() if line.startswith("│"))
    assert task_column == "2022年煤矿企业双随机抽查计划（coal）"


def _lazy(args: list[str]) -> tuple[int, str, str]:
    """What ``main()`` prints and returns (its root group: ``cli.root.root_command``), captured like CliRunner does."""
    from shuangsuiji.cli import _run

    runner = CliRunner()
    with runner.isolation() as (out, err, _):
        code = _run(args)
        return code, out.getvalue().decode("utf-8"), err.getvalue().decode("utf-8")


@pytest.mark.parametrize("args", [["--help"], [], ["nosuch"], ["blacklist"], ["blacklist", "nosuch"], ["draw"], ["--version"]]
                         + [[*name.split(), "--help"] for name in sorted(COMMANDS)] + [["blacklist", "add", "--help"]])
def test_the_root_group_main_runs_says_what_typers_group_says(args, monkeypatch):
    """main() converts only the command it runs (start-up): every page and usage error is as with Typer's whole group."""
    import shuangsuiji.cli.root

    lazy = _lazy(args)
    monkeypatch.setattr(shuangsuiji.cli.root, "root_command", typer.main.get_command)
    assert lazy == _lazy(args)


def test_the_root_group_converts_no_command_for_its_help_page_and_one_to_run_it():
    from shuangsuiji.cli.root import LazyCommands, root_command

    group = root_command(app)
    assert isinstance(group.commands, LazyCommands) and list(group.commands) == list(COMMANDS)
    page = CliRunner().invoke(app, ["--help"]).stdout
    assert all(name in page for name in COMMANDS)
    with CliRunner().isolation():
        try:
            group(args=["--help"], prog_name="ssj", standalone_mode=False)
        except SystemExit:
            pass
    groups = {g.name for g in app.registered_groups}  # a group (ssj blacklist) is converted for its line
    assert set(group.commands.built) == groups
    assert group.commands.get("draws").name == "draws" and set(group.commands.built) == groups | {"draws"}
    assert group.commands.get("nosuch") is None
