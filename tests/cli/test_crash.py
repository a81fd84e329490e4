"""The console script's last line of defence, run for real in a subprocess.

A closed pipe (``ssj report | head``) ends quietly with exit 0; a bug (an exception no
command expected, injected here through a ``sitecustomize`` on PYTHONPATH) prints one
Chinese line and exits 3, with the traceback only under ``--debug`` or ``SSJ_DEBUG``.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import REPO, console_script, tree_digest


@pytest.fixture
def year(tmp_path: Path) -> Path:
    """A copy of the sample year examples/2022 (every command has something to print)."""
    root = tmp_path / "ex"
    shutil.copytree(REPO / "examples" / "2022", root)
    return root


def _env(extra: dict[str, str] | None = None, inject: str | None = None, tmp: Path | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("SSJ_DEBUG", "SSJ_ROOT")}
    env.update(extra or {})
    if inject is not None and tmp is not None:
        site = tmp / "site"
        site.mkdir(exist_ok=True)
        (site / "sitecustomize.py").write_text(inject, encoding="utf-8")
        env["PYTHONPATH"] = os.pathsep.join([str(site), env.get("PYTHONPATH", "")])
    return env


@pytest.mark.parametrize("args", [
    ["report", "--year", "2022", "--today", "2023-01-31"],
    ["check"],
    ["draws"],
    ["results"],
    ["publish-due", "--today", "2022-12-01"],
    ["--help"],
])
def test_a_reader_that_left_ends_the_run_quietly(year, args):
    """`ssj ... | head`: the reader closes the pipe before ssj writes; exit 0, nothing on stderr but what the
    command says there anyway (ssj check's warnings: the sample year's seeds were typed by hand)."""
    whole = subprocess.run([*console_script(), "--root", str(year), *args], capture_output=True, env=_env(), timeout=120)
    proc = subprocess.Popen([*console_script(), "--root", str(year), *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=_env())
    proc.stdout.close()
    err = proc.stderr.read()
    proc.stderr.close()
    assert proc.wait(timeout=120) == 0, err.decode("utf-8", "replace")
    assert err == whole.stderr
    assert (err == b"") == (args != ["check"])


BUG = """
import shuangsuiji.actions.listing as listing

def broken(*args, **kwargs):
    raise ZeroDivisionError("injected")

listing.draw_rows = broken
"""

BUG_AFTER_WRITING = """
import shuangsuiji.cli.draw as cli_draw

def broken(*args, **kwargs):
    raise KeyError("injected")

cli_draw._render_draw = broken
"""


def test_an_internal_error_is_one_line_and_exit_3(year, tmp_path):
    before = tree_digest(year)
    res = subprocess.run([*console_script(), "--root", str(year), "draws"], capture_output=True,
                         env=_env(inject=BUG, tmp=tmp_path), timeout=120)
    err = res.stderr.decode("utf-8")
    assert res.returncode == 3, err
    assert err.count("\n") == 1 and err.startswith("内部错误：运行 ssj draws 时出现意外错误（ZeroDivisionError）")
    assert "没有改动任何文件" in err and "报告" in err and "--debug" in err
    assert "Traceback" not in err and res.stdout == b""
    assert tree_digest(year) == before


def test_debug_shows_the_traceback(year, tmp_path):
    res = subprocess.run([*console_script(), "--debug", "--root", str(year), "draws"], capture_output=True,
                         env=_env(inject=BUG, tmp=tmp_path), timeout=120)
    err = res.stderr.decode("utf-8")
    assert res.returncode == 3
    assert err.startswith("内部错误：") and "Traceback (most recent call last)" in err and "ZeroDivisionError: injected" in err


def test_ssj_debug_writes_the_traceback_to_a_log_file(year, tmp_path):
    log = tmp_path / "错误.log"
    res = subprocess.run([*console_script(), "--root", str(year), "draws"], capture_output=True,
                         env=_env({"SSJ_DEBUG": str(log)}, inject=BUG, tmp=tmp_path), timeout=120)
    err = res.stderr.decode("utf-8")
    assert res.returncode == 3 and "Traceback" not in err and err.count("\n") == 1
    assert f"详细信息已写入 {log.as_posix()}" in err
    text = log.read_text(encoding="utf-8")
    assert "ssj --root" in text and "ZeroDivisionError: injected" in text


def test_an_internal_error_names_the_files_already_written(ws, tmp_path):
    res = subprocess.run(
        [*console_script(), "--root", str(ws), "draw", "--task", "coal", "--seed", "s", "--today", "2022-04-06"],
        capture_output=True, env=_env(inject=BUG_AFTER_WRITING, tmp=tmp_path), timeout=120,
    )
    err = res.stderr.decode("utf-8")
    assert res.returncode == 3, err
    kept = sorted(f"draws/inputs/{hashlib.sha256((ws / f).read_bytes()).hexdigest()}.{f.rsplit('.', 1)[1]}"
                  for f in ("plans/2022.yaml", "data/entities.csv", "data/inspectors.csv"))  # the draw's kept inputs
    assert f"已改动的文件：{'、'.join(['draws/2022/coal-r1.json', *kept, 'draws/ledger.jsonl'])}（" in err and "ssj verify" in err


def test_version_starts_without_the_heavy_modules(tmp_path):
    """`ssj --version` (and so every command's start) loads no spreadsheet, YAML, report or renderer code."""
    probe = (
        "import runpy, sys\n"
        "sys.argv = ['ssj', '--version']\n"
        "try:\n    runpy.run_module('shuangsuiji', run_name='__main__')\n"
        "except SystemExit as exc:\n    assert exc.code == 0, exc.code\n"
        "heavy = ('openpyxl', 'yaml', 'chinese_calendar', 'shuangsuiji.report', 'shuangsuiji.render', 'shuangsuiji.inputs',\n"
        "         'shuangsuiji.draw', 'shuangsuiji.ledger', 'shuangsuiji.files', 'shuangsuiji.actions')\n"
        "print(sorted(m for m in sys.modules if m.startswith(heavy)))\n"
    )
    res = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=tmp_path, timeout=60,
                         env=_env())
    assert res.returncode == 0, res.stderr
    assert res.stdout.strip().endswith("[]"), res.stdout


def test_the_handler_itself_never_fails(year, tmp_path):
    broken_report = BUG + """
import shuangsuiji.cli.crash as crash

def broken_report(*args, **kwargs):
    raise RuntimeError("the reporter broke too")

crash._report = broken_report
"""
    res = subprocess.run([*console_script(), "--root", str(year), "draws"], capture_output=True,
                         env=_env(inject=broken_report, tmp=tmp_path), timeout=120)
    err = res.stderr.decode("utf-8")
    assert res.returncode == 3
    assert err == "内部错误：ssj 出现意外错误（退出码 3）。\n"
