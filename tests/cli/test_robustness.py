"""Odd but real input through the CLI: text that looks like markup, unwritable paths, a clerk's
stray files, a narrow console encoding. Each must end in a clear message, never a traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.helpers import REPO, draw, ledger_bytes, ok, record_all, tree_digest

NAME = "长子县示例丹朱第1煤业有限公司"


def _rename_entity(ws: Path, new: str) -> None:
    path = ws / "data" / "entities.csv"
    path.write_bytes(path.read_bytes().replace(NAME.encode("utf-8"), new.encode("utf-8")))


def test_names_and_seeds_that_look_like_markup_are_printed_as_they_are(ssj, ws):
    odd = "长子县[示例]丹朱[/]第1煤业[bold有限公司"
    _rename_entity(ws, odd)
    res = ssj("draw", "--task", "coal", "--seed", "骰子[/]3-5", "--today", "2022-04-06")
    assert res.exit_code == 0, res.output
    assert odd in res.stdout.replace("\n", "") or "[/]" in res.stdout
    res = ssj("draws")
    assert res.exit_code == 0, res.output
    assert "骰子[/]3-5" in res.stdout


def test_an_unwritable_output_path_is_a_clear_error(ssj, ws, tmp_path):
    draw(ssj)
    blocker = tmp_path / "afile"
    blocker.write_text("x", encoding="utf-8")
    res = ssj("sheet", "--task", "hazchem", "--out", str(blocker / "sheet.html"))
    assert res.exit_code == 2, res.output
    assert "Traceback" not in res.output
    assert "无法" in res.stderr and "提示" in res.stderr
    res = ssj("init", str(blocker / "ws"), "--year", "2023")
    assert res.exit_code == 2, res.output
    assert "提示" in res.stderr


def test_void_dated_before_the_draw_is_refused(ssj, ws):
    draw(ssj, "hazchem", "2022-04-06")
    before = ledger_bytes(ws)
    res = ssj("void", "--task", "hazchem", "--round", "1", "--reason", "录入错误", "--today", "2022-04-05")
    assert res.exit_code == 2, res.output
    assert "早于" in res.stderr and "2022-04-06" in res.stderr
    assert ledger_bytes(ws) == before


def test_files_left_by_excel_wps_and_windows_are_not_orphan_notices(ssj, ws):
    rec = draw(ssj, "hazchem", "2022-04-06")
    record_all(ssj, rec, "2022-04-20")
    ok(ssj("publish", "--task", "hazchem", "--today", "2022-04-21"))
    public = ws / "draws" / "2022" / "public"
    (public / "~$hazchem-r1-2022-04-21.xlsx").write_bytes(b"owner file while Excel has it open")
    (public / "Thumbs.db").write_bytes(b"\0")
    (public / "desktop.ini").write_text("[.ShellClassInfo]\n", encoding="utf-8")
    res = ssj("verify")
    assert res.exit_code == 0, res.output
    (public / "stray.csv").write_text("x", encoding="utf-8")
    assert ssj("verify").exit_code == 1  # a real stray file is still named


def test_a_blank_line_in_the_ledger_is_named_as_such(ssj, ws):
    draw(ssj)
    draw(ssj, "coal")
    path = ws / "draws" / "ledger.jsonl"
    lines = path.read_bytes().split(b"\n")
    path.write_bytes(lines[0] + b"\n\n" + b"\n".join(lines[1:]))  # a blank line between the two events
    res = ssj("verify", "--json")
    assert res.exit_code == 1
    failures = json.loads(res.stdout)["failures"]
    assert len(failures) == 1, failures  # the chain around the blank line is intact
    assert failures[0]["file"] == "draws/ledger.jsonl:2" and "空行" in failures[0]["message"]
    res = ssj("draws")
    assert res.exit_code == 2 and "空行" in res.stderr


def _run(ws: Path, *args: str) -> subprocess.CompletedProcess:
    """``python -m shuangsuiji`` with a console that only knows GBK (cmd.exe output redirected to a file)."""
    env = dict(os.environ, PYTHONIOENCODING="gbk")
    return subprocess.run(
        [sys.executable, "-m", "shuangsuiji", "--root", str(ws), *args],
        capture_output=True, env=env, cwd=str(REPO), timeout=120,
    )


def test_output_to_a_gbk_console_never_crashes(ws):
    rare = "长子县示例𠀀丹朱第1煤业有限公司"  # U+20000 is in GB18030 but not in GBK
    _rename_entity(ws, rare)
    before = tree_digest(ws)
    res = _run(ws, "draw", "--task", "coal", "--seed", "s", "--today", "2022-04-06", "--dry-run")
    assert res.returncode == 0, res.stderr.decode("gbk", "replace")
    assert "示例".encode("gbk") in res.stdout
    res = _run(ws, "draw", "--task", "coal", "--seed", "s", "--today", "2022-04-06", "--dry-run", "--json")
    assert res.returncode == 0, res.stderr.decode("gbk", "replace")
    record = json.loads(res.stdout.decode("gbk"))  # valid JSON, and nothing lost
    assert rare in [p["name"] for p in record["picks"]]
    assert tree_digest(ws) == before


def test_report_to_a_gbk_console_never_crashes():
    sample = REPO / "examples" / "2022"
    for fmt in ("table", "md"):
        res = _run(sample, "report", "--year", "2022", "--today", "2023-01-31", "--format", fmt)
        assert res.returncode == 0, res.stderr.decode("gbk", "replace")
        assert "计划执行情况".encode("gbk") in res.stdout


def test_usage_errors_are_chinese_with_exit_2(tmp_path):
    """Click's own usage errors (missing option, bad value, unknown command) through the real console script."""
    import shutil
    import subprocess
    import sys

    root = tmp_path / "ws"
    shutil.copytree(REPO / "plans", root / "plans")
    shutil.copytree(REPO / "data", root / "data")
    cases = [
        (["draw"], "缺少必需的选项 --task"),
        (["draw", "--task"], "选项 --task 后面缺少取值"),
        (["draw", "--task", "coal", "--round", "x"], "选项 --round 的值无效：应为整数"),
        (["nosuch"], "没有命令 nosuch"),
        (["draw", "--bogus"], "没有选项 --bogus"),
        (["import"], "缺少必需的参数"),
    ]
    for args, message in cases:
        res = subprocess.run([sys.executable, "-m", "shuangsuiji", "--root", str(root), *args],
                             capture_output=True, text=True, encoding="utf-8")
        assert res.returncode == 2, (args, res.stderr)
        assert message in res.stderr, (args, res.stderr)
        assert "Traceback" not in res.stderr and "提示：运行 ssj" in res.stderr


def test_bare_ssj_prints_plain_help(tmp_path):
    """No command: the help as it is (Click >= 8.2 exits 2, older Click 0), not dressed up as a usage error."""
    import subprocess
    import sys

    res = subprocess.run([sys.executable, "-m", "shuangsuiji"], capture_output=True, text=True, encoding="utf-8",
                         cwd=str(tmp_path))
    assert res.returncode in (0, 2), res.stderr
    out = res.stdout + res.stderr
    assert "用法：ssj" in out and "draw" in out and "Usage:" not in out
    assert "命令用法有误" not in out and "Traceback" not in out


def test_codes_mangled_by_excel_name_excel(ssj, ws):
    path = ws / "data" / "inspectors.csv"
    text = path.read_text(encoding="utf-8-sig").replace("1404282201001,", "1.40428E+12,", 1)
    path.write_text(text, encoding="utf-8-sig")
    res = ssj("check")
    assert res.exit_code == 2
    assert "data/inspectors.csv:2: 执法证号 1.40428E+12 被 Excel/WPS 改成了科学计数法" in res.stderr
    assert "文本" in res.stderr


def test_draw_dated_before_the_plan_year_is_refused(ssj, ws):
    before = tree_digest(ws)
    res = ssj("draw", "--task", "coal", "--seed", "s", "--today", "2021-04-06")
    assert res.exit_code == 2 and "早于计划年度 2022" in res.stderr
    assert tree_digest(ws) == before


def test_import_skips_a_title_row_above_the_header(ssj, ws, tmp_path):
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["长子县检查对象名录库（示例）"])
    sheet.append([])
    sheet.append(["统一社会信用代码", "名称", "类别", "乡镇", "状态", "风险等级"])
    text = (ws / "data" / "entities.csv").read_text(encoding="utf-8-sig").splitlines()[1:]
    for row in text:
        sheet.append(row.split(","))
    path = tmp_path / "名录库.xlsx"
    book.save(path)
    before = (ws / "data" / "entities.csv").read_bytes()
    res = ssj("import", "entities", str(path))
    assert res.exit_code == 0, res.output
    assert "新增 0，删除 0，修改 0" in res.stdout
    assert (ws / "data" / "entities.csv").read_bytes() == before
