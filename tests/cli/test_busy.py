"""The progress bar of long commands: on a terminal's stderr only, never with --json or on a pipe."""

from __future__ import annotations

import io
import time

from shuangsuiji.cli.busy import busy, wanted


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_only_a_terminal_without_json_gets_a_bar():
    assert wanted(Terminal(), as_json=False)
    assert not wanted(Terminal(), as_json=True)
    assert not wanted(io.StringIO(), as_json=False)  # a pipe, a file, cron
    closed = io.StringIO()
    closed.close()  # isatty() raises ValueError
    assert not wanted(closed, as_json=False)


def test_the_bar_appears_after_the_delay_and_is_removed():
    term = Terminal()
    with busy("正在复核账本和摇号记录……", stream=term, delay=0.0):
        time.sleep(0.3)
    assert "正在复核账本和摇号记录" in term.getvalue()


def test_quick_work_and_pipes_show_nothing():
    term, pipe = Terminal(), io.StringIO()
    with busy("正在摇号……", stream=term, delay=5.0):
        pass
    with busy("正在摇号……", stream=pipe, delay=0.0):
        time.sleep(0.2)
    with busy("正在摇号……", as_json=True, stream=term, delay=0.0):
        time.sleep(0.2)
    assert term.getvalue() == "" and pipe.getvalue() == ""


def test_an_error_in_the_work_still_removes_the_bar():
    term = Terminal()
    try:
        with busy("正在生成年度报告……", stream=term, delay=0.0):
            time.sleep(0.2)
            raise ValueError("boom")
    except ValueError:
        pass
    written = term.getvalue()
    time.sleep(0.2)
    assert term.getvalue() == written  # stopped: nothing more is drawn
