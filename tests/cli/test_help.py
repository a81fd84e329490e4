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
