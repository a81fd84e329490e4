"""Where ssj writes: ``ssj init`` (with the calendar template) and the one rule for --out and export paths."""

from __future__ import annotations

from pathlib import Path

import pytest

from shuangsuiji.actions.output import REPORT, SHEET, check_output
from shuangsuiji.deadlines.workdays import CALENDAR_TEMPLATE
from shuangsuiji.errors import OutputRefused
from shuangsuiji.workspace import Workspace
from tests.helpers import tree_digest


def test_init_writes_the_calendar_template_the_hint_names(ssj, tmp_path):
    new = tmp_path / "ws2031"
    res = ssj("init", str(new), "--year", "2031")
    assert res.exit_code == 0, res.output
    example = new / "calendar" / "2031.yaml.example"
    assert example.read_text(encoding="utf-8") == CALENDAR_TEMPLATE.format(year=2031)
    assert "已创建 " + example.as_posix() in res.stdout
    # The template alone is not a calendar: check still passes...
    from typer.testing import CliRunner

    from shuangsuiji.cli import app

    assert CliRunner().invoke(app, ["--root", str(new), "check"]).exit_code == 0
    # ...and copied unfilled it is refused, naming the file, so its placeholders are never used as dates.
    (new / "calendar" / "2031.yaml").write_bytes(example.read_bytes())
    res = CliRunner().invoke(app, ["--root", str(new), "check"])
    assert res.exit_code == 2 and "calendar/2031.yaml" in res.output


def test_init_keeps_an_existing_calendar_template(ssj, ws):
    (ws / "calendar").mkdir()
    (ws / "calendar" / "2023.yaml.example").write_text("# 我的笔记\n", encoding="utf-8")
    assert ssj("init", str(ws), "--year", "2023").exit_code == 0
    assert (ws / "calendar" / "2023.yaml.example").read_text(encoding="utf-8") == "# 我的笔记\n"


# --- the output-path rule, directly -------------------------------------------------------------


@pytest.mark.parametrize("rel", [
    "draws/ledger.jsonl", "draws/2022/coal-r1.json", "draws/2022/public/coal-r1-2022-05-01.html",
    "data/entities.csv", "data/new.html", "plans/2022.yaml", "calendar/2022.yaml", "draws/report.html",
    "draws/2022/public/x-sheet.html",
])
def test_no_output_inside_ssj_folders(tmp_path, rel):
    ws = Workspace(tmp_path)
    for kind in (SHEET, REPORT):
        with pytest.raises(OutputRefused, match="不能写入"):
            check_output(ws, tmp_path / rel, kind, force=True)


def test_a_sheet_may_go_where_ssj_puts_sheets(tmp_path):
    ws = Workspace(tmp_path)
    check_output(ws, tmp_path / "draws" / "2022" / "coal-r1-sheet.html", SHEET, force=False)
    with pytest.raises(OutputRefused):
        check_output(ws, tmp_path / "draws" / "2022" / "coal-r1-sheet.html", REPORT, force=False)


def test_an_existing_file_needs_force(tmp_path):
    ws = Workspace(tmp_path / "ws")
    target = tmp_path / "报告.html"
    check_output(ws, target, REPORT, force=False)  # not there yet
    target.write_text("x", encoding="utf-8")
    with pytest.raises(OutputRefused, match="已存在，不会覆盖"):
        check_output(ws, target, REPORT, force=False)
    check_output(ws, target, REPORT, force=True)
    with pytest.raises(OutputRefused, match="文件夹"):
        check_output(ws, tmp_path, REPORT, force=True)


# --- through the CLI ----------------------------------------------------------------------------


@pytest.fixture
def drawn(ssj, ws, monkeypatch):
    """The workspace with one coal draw and one notice; the current directory is the workspace."""
    assert ssj("draw", "--task", "coal", "--seed", "s", "--today", "2022-04-06").exit_code == 0
    monkeypatch.chdir(ws)
    return ws


@pytest.mark.parametrize("args", [
    ["sheet", "--task", "coal", "--round", "1", "--out", "draws/ledger.jsonl"],
    ["sheet", "--task", "coal", "--round", "1", "--out", "draws/ledger.jsonl", "--force"],
    ["sheet", "--task", "coal", "--round", "1", "--out", "draws/2022/coal-r1.json", "--force"],
    ["sheet", "--task", "coal", "--round", "1", "--out", "data/entities.csv"],
    ["report", "--year", "2022", "--today", "2022-05-01", "--out", "data/entities.csv"],
    ["report", "--year", "2022", "--today", "2022-05-01", "--format", "html", "--out", "draws/ledger.jsonl", "--force"],
    ["report", "--year", "2022", "--today", "2022-05-01", "--out", "plans/2022.html"],
])
def test_out_never_replaces_ssj_files(ssj, drawn, args):
    before = tree_digest(drawn)
    res = ssj(*args)
    assert res.exit_code == 2, res.output
    assert "不能写入" in res.stderr and "Traceback" not in res.output
    assert tree_digest(drawn) == before


def test_out_refuses_an_existing_file_without_force(ssj, drawn):
    mine = drawn / "记录表.html"
    mine.write_text("我的文件", encoding="utf-8")
    res = ssj("sheet", "--task", "coal", "--round", "1", "--out", "记录表.html")
    assert res.exit_code == 2 and "记录表.html 已存在，不会覆盖" in res.stderr and "--force" in res.stderr
    assert mine.read_text(encoding="utf-8") == "我的文件"
    res = ssj("report", "--year", "2022", "--today", "2022-05-01", "--out", "记录表.html")
    assert res.exit_code == 2 and mine.read_text(encoding="utf-8") == "我的文件"
    res = ssj("sheet", "--task", "coal", "--round", "1", "--out", "记录表.html", "--force")
    assert res.exit_code == 0, res.output
    assert mine.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_the_default_sheet_and_its_own_place_still_work(ssj, drawn):
    assert ssj("sheet", "--task", "coal", "--round", "1").exit_code == 0
    assert ssj("sheet", "--task", "coal", "--round", "1").exit_code == 0  # regenerating its own default file
    path = Path("draws/2022/coal-r1-sheet.html")
    assert path.is_file()
    assert ssj("sheet", "--task", "coal", "--round", "1", "--out", "draws/2022/coal-r1-sheet.html", "--force").exit_code == 0


def test_export_never_replaces_a_notice_and_asks_before_overwriting(ssj, drawn):
    ssj("record", "--task", "coal", "--from", str(_all_results(drawn)), "--today", "2022-04-07")
    assert ssj("publish", "--task", "coal", "--date", "2022-04-07", "--today", "2022-04-07", "--format", "xlsx").exit_code == 0
    (notice,) = sorted((drawn / "draws" / "2022" / "public").glob("*.xlsx"))
    before = tree_digest(drawn)
    for args in (["export", "entities", str(notice)], ["export", "entities", str(notice), "--force"],
                 ["export", "inspectors", "data/inspectors.xlsx"]):
        res = ssj(*args)
        assert res.exit_code == 2 and "不能写入" in res.stderr, res.output
    assert tree_digest(drawn) == before
    mine = drawn / "名录库.xlsx"
    mine.write_bytes(b"mine")
    res = ssj("export", "entities", "名录库.xlsx")
    assert res.exit_code == 2 and "已存在，不会覆盖" in res.stderr and mine.read_bytes() == b"mine"
    assert ssj("export", "entities", "名录库.xlsx", "--force").exit_code == 0 and mine.read_bytes() != b"mine"


def _all_results(ws: Path) -> Path:
    """A results file with no_problem for every pick of coal round 1."""
    import json

    line = json.loads((ws / "draws" / "ledger.jsonl").read_text(encoding="utf-8").splitlines()[0])
    path = ws.parent / "结果.csv"
    path.write_text("entity,date,result\n" + "".join(f"{e},2022-04-07,no_problem\n" for e in line["picks"]), encoding="utf-8")
    return path
