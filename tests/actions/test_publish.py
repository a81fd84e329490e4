"""Publication deadlines and notices through the CLI: `ssj publish-due` and `ssj publish`.

The due dates are the plan's "7 working days after the check ends, the end day not
counted" on the State Council's schedule, checked against dates worked out by hand:

- 2022-06-30 (Thu) -> 2022-07-11: 07-01, 04..08, 11.
- 2022-09-30 (Fri) -> 2022-10-14: 10-01..07 off; Sat 10-08 and Sun 10-09 worked; 10..14.
- 2022-12-31 (Sat) -> 2023-01-11: 01-01..02 off; 01-03..06, 09..11.
- 2024-02-08 (Thu) -> 2024-02-23: 02-09 a workday (eve of the break), 02-10..17 off,
  Sun 02-18 worked, 19..23.
- 2027-09-30 (Thu): no schedule -> weekends only, 2027-10-11, provisional; with a
  calendar/2027.yaml (10-01..07 off, Sat 10-09 worked) -> 2027-10-15, firm.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from shuangsuiji.ledger.chain import Ledger
from tests.helpers import (
    FULL_2027,
    draw,
    due,
    ledger_bytes,
    ledger_events,
    ok,
    plan_for_year,
    record_all,
    tree_digest,
)

JSON_KEYS = {"task", "round", "state", "check_end", "due", "workdays_left", "level", "provisional"}


# --------------------------------------------------------------------------- due dates


@pytest.mark.parametrize(
    ("task", "drawn", "end", "expected"),
    [
        ("hazchem", "2022-04-06", "2022-06-30", "2022-07-11"),
        ("industry", "2022-07-04", "2022-09-30", "2022-10-14"),
        ("coalwash", "2022-10-10", "2022-12-31", "2023-01-11"),
    ],
)
def test_due_dates_2022(ssj, task, drawn, end, expected):
    rec = draw(ssj, task, drawn)
    record_all(ssj, rec, end)
    (item,) = due(ssj, end)
    assert set(item) == JSON_KEYS
    assert item == {
        "task": task, "round": 1, "state": "pending", "check_end": end, "due": expected,
        "workdays_left": 7, "level": "normal", "provisional": False,
    }


def test_due_date_across_2024_spring_festival(ssj, ws):
    plan_for_year(ws, 2024)
    rec = draw(ssj, "coal", "2024-01-05")
    assert rec["year"] == 2024 and len(rec["picks"]) == 6
    record_all(ssj, rec, "2024-02-08")
    (item,) = due(ssj, "2024-02-08")
    assert (item["check_end"], item["due"], item["provisional"]) == ("2024-02-08", "2024-02-23", False)
    assert item["workdays_left"] == 7


def test_year_without_holiday_data_is_provisional_until_a_calendar_file_is_added(ssj, ws):
    plan_for_year(ws, 2027)
    rec = draw(ssj, "industry", "2027-07-05")
    record_all(ssj, rec, "2027-09-30")

    res = ok(ssj("publish-due", "--today", "2027-09-30", "--json"))
    (item,) = json.loads(res.stdout)
    assert (item["due"], item["provisional"]) == ("2027-10-11", True)
    assert "calendar/2027.yaml" in res.stderr and "暂定" in res.stderr
    human = ok(ssj("publish-due", "--today", "2027-09-30"))
    assert "2027-10-11（暂定）" in human.stdout

    (ws / "calendar").mkdir()
    (ws / "calendar" / "2027.yaml").write_text(FULL_2027, encoding="utf-8")
    res = ok(ssj("publish-due", "--today", "2027-09-30", "--json"))
    (item,) = json.loads(res.stdout)
    assert (item["due"], item["provisional"]) == ("2027-10-15", False)
    assert res.stderr == ""


def test_partial_calendar_file_is_refused_and_nothing_is_written(ssj, ws):
    rec = draw(ssj)
    record_all(ssj, rec, "2022-06-20")
    (ws / "calendar").mkdir()
    (ws / "calendar" / "2022.yaml").write_text("year: 2022\nholidays:\n  - name: 国庆节\n    days: [2022-10-01, 2022-10-07]\nworkdays: []\n", encoding="utf-8")
    before = tree_digest(ws)
    for args in (("publish-due", "--today", "2022-06-21"), ("publish", "--task", "hazchem", "--today", "2022-06-21")):
        res = ssj(*args)
        assert res.exit_code == 2, res.output
        assert "calendar/2022.yaml:2" in res.stderr and "日历不完整" in res.stderr and "提示" in res.stderr
    assert tree_digest(ws) == before


# --------------------------------------------------------------------------- states


def state(ssj, today: str) -> dict:
    (item,) = due(ssj, today)
    return item


def test_late_completion_then_late_publication(ssj, ws):
    rec = draw(ssj, "hazchem", "2022-04-06")
    s = state(ssj, "2022-05-01")
    assert (s["state"], s["level"], s["check_end"], s["due"]) == ("checking", "normal", None, "2022-07-11")
    assert s["workdays_left"] == 48
    assert state(ssj, "2022-06-27")["level"] == "normal"  # 3 working days to the period end
    assert (state(ssj, "2022-06-28")["state"], state(ssj, "2022-06-28")["level"]) == ("checking", "near")
    s = state(ssj, "2022-07-01")  # the period is over, results missing
    assert (s["state"], s["level"], s["due"], s["workdays_left"]) == ("incomplete_late", "overdue", "2022-07-11", 6)

    record_all(ssj, rec, "2022-07-05")  # completed late: the due date still counts from the period end
    s = state(ssj, "2022-07-05")
    assert (s["state"], s["check_end"], s["due"], s["workdays_left"], s["level"]) == ("pending", "2022-07-05", "2022-07-11", 4, "normal")
    assert (state(ssj, "2022-07-07")["workdays_left"], state(ssj, "2022-07-07")["level"]) == (2, "near")
    assert (state(ssj, "2022-07-11")["workdays_left"], state(ssj, "2022-07-11")["level"]) == (0, "near")
    s = state(ssj, "2022-07-12")
    assert (s["state"], s["level"], s["workdays_left"]) == ("publish_late", "overdue", -1)
    human = ok(ssj("publish-due", "--today", "2022-07-12"))
    assert "逾期未公示" in human.stdout and "2022-07-05（逾期完成）" in human.stdout

    res = ssj("publish-due", "--today", "2022-07-12", "--fail-on-overdue", "--quiet")
    assert res.exit_code == 1 and "逾期未公示" in res.stdout

    res = ok(ssj("publish", "--task", "hazchem", "--today", "2022-07-12"))
    assert "逾期" in res.stdout
    ev = ledger_events(ws)[-1]
    assert ev["type"] == "publish"
    assert {k: ev[k] for k in ("date", "check_end", "due", "on_time", "partial", "provisional")} == {
        "date": "2022-07-12", "check_end": "2022-07-05", "due": "2022-07-11", "on_time": False, "partial": False, "provisional": False,
    }
    assert due(ssj, "2022-07-12") == []
    assert ok(ssj("publish-due", "--today", "2022-07-12", "--quiet", "--fail-on-overdue")).output == ""


def test_on_time_round(ssj, ws):
    rec = draw(ssj, "industry", "2022-07-04")
    record_all(ssj, rec, "2022-07-20")
    s = state(ssj, "2022-07-20")
    assert (s["state"], s["due"], s["workdays_left"], s["level"]) == ("pending", "2022-07-29", 7, "normal")
    s = state(ssj, "2022-07-27")
    assert (s["workdays_left"], s["level"]) == (2, "near")
    ok(ssj("publish", "--task", "industry", "--today", "2022-07-28"))
    ev = ledger_events(ws)[-1]
    assert (ev["on_time"], ev["due"], ev["check_end"]) == (True, "2022-07-29", "2022-07-20")
    assert ev["entities"] == [p["entity"] for p in rec["picks"]]


def test_rounds_sorted_by_due_date_and_year_filter(ssj, ws):
    draw(ssj, "coal", "2022-04-06")  # full year: due in January
    haz = draw(ssj, "hazchem", "2022-04-06")
    record_all(ssj, haz, "2022-05-10")
    items = due(ssj, "2022-05-10")
    assert [(i["task"], i["state"]) for i in items] == [("hazchem", "pending"), ("coal", "checking")]
    assert items[1]["due"] == "2023-01-11"
    assert due(ssj, "2022-05-10", "--year", "2022") == items
    plan_for_year(ws, 2023)
    assert due(ssj, "2022-05-10", "--year", "2023") == []
    assert due(ssj, "2022-05-10") == items  # 2022's rounds still listed once 2023's plan exists


def test_quiet_prints_nothing_when_all_is_normal(ssj):
    draw(ssj)
    res = ok(ssj("publish-due", "--today", "2022-05-01", "--quiet"))
    assert res.output == ""
    res = ok(ssj("publish-due", "--today", "2022-05-01", "--quiet", "--json"))
    assert res.output == ""
    assert "检查中" in ok(ssj("publish-due", "--today", "2022-05-01")).stdout
    res = ok(ssj("publish-due", "--today", "2022-06-29", "--quiet"))
    assert "临近" in res.stdout
    assert ok(ssj("publish-due", "--today", "2022-06-29", "--fail-on-overdue")).exit_code == 0


def test_voided_rounds_are_not_listed(ssj):
    draw(ssj)
    ok(ssj("void", "--task", "hazchem", "--round", "1", "--reason", "名录库有误", "--today", "2022-04-07"))
    assert due(ssj, "2022-07-20") == []
    res = ok(ssj("publish-due", "--today", "2022-07-20"))
    assert "没有尚未公示的轮次" in res.stdout


def test_empty_ledger(ssj):
    assert due(ssj, "2022-07-20") == []


# --------------------------------------------------------------------------- publish


def test_publish_writes_files_and_event_with_hashes(ssj, ws):
    rec = draw(ssj)
    record_all(ssj, rec, "2022-06-20")
    res = ok(ssj("publish", "--task", "hazchem", "--today", "2022-06-22", "--json"))
    ev = json.loads(res.stdout)
    assert list(ev) == ["year", "task", "round", "date", "check_end", "due", "provisional", "on_time", "partial", "entities", "files", "seq"]
    assert ev["year"] == 2022 and ev["round"] == 1 and ev["date"] == "2022-06-22" and ev["due"] == "2022-06-29"
    assert [f["path"] for f in ev["files"]] == [f"2022/public/hazchem-r1-2022-06-22.{x}" for x in ("csv", "xlsx", "html", "md")]
    for f in ev["files"]:
        assert hashlib.sha256((ws / "draws" / f["path"]).read_bytes()).hexdigest() == f["sha256"]
    assert ok(ssj("verify")).exit_code == 0
    assert ok(ssj("check")).exit_code == 0


def test_publish_date_option_and_format_choice(ssj, ws):
    rec = draw(ssj)
    record_all(ssj, rec, "2022-06-20")
    ok(ssj("publish", "--task", "hazchem", "--round", "1", "--date", "2022-06-21", "--format", "html, CSV", "--today", "2022-06-30"))
    ev = ledger_events(ws)[-1]
    assert ev["date"] == "2022-06-21" and ev["on_time"] is True
    assert sorted(p.name for p in (ws / "draws" / "2022" / "public").iterdir()) == ["hazchem-r1-2022-06-21.csv", "hazchem-r1-2022-06-21.html"]


def test_publishing_again_adds_files_and_overwrites_nothing(ssj, ws):
    rec = draw(ssj)
    record_all(ssj, rec, "2022-06-20")
    ok(ssj("publish", "--task", "hazchem", "--today", "2022-06-22"))
    public = ws / "draws" / "2022" / "public"
    first = {p.name: p.read_bytes() for p in public.iterdir()}
    ok(ssj("record", "--task", "hazchem", "--entity", rec["picks"][0]["entity"], "--date", "2022-06-21",
           "--result", "rectify", "--measures", "责令限期整改，已复查合格", "--today", "2022-06-23"))
    res = ok(ssj("publish", "--task", "hazchem", "--today", "2022-06-23"))
    assert "此前已于 2022-06-22 公示过" in res.stdout
    res = ok(ssj("publish", "--task", "hazchem", "--today", "2022-06-23"))
    names = sorted(p.name for p in public.iterdir())
    assert len(names) == 12 and "hazchem-r1-2022-06-23-2.csv" in names
    for name, data in first.items():
        assert (public / name).read_bytes() == data
    pubs = [e for e in ledger_events(ws) if e["type"] == "publish"]
    assert len(pubs) == 3
    assert "责令限期整改，已复查合格" in (public / "hazchem-r1-2022-06-23.md").read_text(encoding="utf-8")
    assert ok(ssj("verify")).exit_code == 0


def test_publish_refused_while_results_missing_unless_partial(ssj, ws):
    rec = draw(ssj)
    first = rec["picks"][0]
    ok(ssj("record", "--task", "hazchem", "--entity", first["entity"], "--date", "2022-05-10", "--result", "no_problem", "--today", "2022-05-10"))
    before = tree_digest(ws)
    res = ssj("publish", "--task", "hazchem", "--today", "2022-05-11")
    assert res.exit_code == 2
    assert "还有 8 户没有登记检查结果" in res.stderr and rec["picks"][1]["name"] in res.stderr and "--partial" in res.stderr
    assert tree_digest(ws) == before

    ok(ssj("publish", "--task", "hazchem", "--partial", "--today", "2022-05-11"))
    ev = ledger_events(ws)[-1]
    assert (ev["partial"], ev["entities"], ev["check_end"], ev["due"], ev["on_time"]) == (True, [first["entity"]], None, "2022-07-11", True)
    (item,) = due(ssj, "2022-05-11")
    assert item["state"] == "checking"  # a partial notice does not close the round
    record_all(ssj, rec, "2022-05-20")
    ok(ssj("publish", "--task", "hazchem", "--today", "2022-05-20"))
    assert due(ssj, "2022-05-20") == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--date", "2022-06-25", "--today", "2022-06-24"), "晚于今天"),
        (("--date", "2022-06-19", "--today", "2022-06-24"), "早于最后一户的检查日期"),
        (("--date", "2022-13-01", "--today", "2022-06-24"), "--date 的日期 2022-13-01 无法识别"),
        (("--format", "pdf", "--today", "2022-06-24"), "未知的格式：pdf"),
        (("--round", "2", "--today", "2022-06-24"), "没有第 2 轮"),
    ],
)
def test_bad_publish_input_exits_2_and_writes_nothing(ssj, ws, args, message):
    rec = draw(ssj)
    record_all(ssj, rec, "2022-06-20")
    before = tree_digest(ws)
    res = ssj("publish", "--task", "hazchem", *args)
    assert res.exit_code == 2, res.output
    assert message in res.stderr
    assert tree_digest(ws) == before


def test_publish_of_voided_or_empty_round_is_refused(ssj, ws):
    draw(ssj)
    res = ssj("publish", "--task", "hazchem", "--partial", "--today", "2022-04-07")
    assert res.exit_code == 2 and "还没有登记任何检查结果" in res.stderr
    ok(ssj("void", "--task", "hazchem", "--round", "1", "--reason", "名录库有误", "--today", "2022-04-07"))
    before = ledger_bytes(ws)
    res = ssj("publish", "--task", "hazchem", "--round", "1", "--today", "2022-04-08")
    assert res.exit_code == 2 and "已于 2022-04-07 作废" in res.stderr
    assert ledger_bytes(ws) == before


def test_published_round_cannot_be_voided(ssj):
    rec = draw(ssj)
    record_all(ssj, rec, "2022-06-20")
    ok(ssj("publish", "--task", "hazchem", "--today", "2022-06-22"))
    res = ssj("void", "--task", "hazchem", "--round", "1", "--reason", "x", "--today", "2022-06-23")
    assert res.exit_code == 2 and "已经公示" in res.stderr


def test_tampered_or_orphan_notice_fails_verify(ssj, ws):
    rec = draw(ssj)
    record_all(ssj, rec, "2022-06-20")
    ok(ssj("publish", "--task", "hazchem", "--format", "md", "--today", "2022-06-22"))
    public = ws / "draws" / "2022" / "public"
    md = public / "hazchem-r1-2022-06-22.md"
    (public / "extra.csv").write_text("x", encoding="utf-8")
    res = ssj("verify")
    assert res.exit_code == 1 and "孤立的公示文件" in res.stderr and "draws/2022/public/extra.csv" in res.stderr
    (public / "extra.csv").unlink()
    md.write_text(md.read_text(encoding="utf-8").replace("未发现问题", "未发现问题。", 1), encoding="utf-8")
    res = ssj("verify")
    assert res.exit_code == 1 and "公示文件内容与账本记录的 SHA-256 不符" in res.stderr


def test_tampered_draw_record_blocks_publication(ssj, ws):
    rec = draw(ssj)
    record_all(ssj, rec, "2022-06-20")
    path = ws / "draws" / "2022" / "hazchem-r1.json"
    path.write_text(path.read_text(encoding="utf-8").replace("示例", "样例", 1), encoding="utf-8")
    before = ledger_bytes(ws)
    res = ssj("publish", "--task", "hazchem", "--today", "2022-06-22")
    assert res.exit_code == 2 and "摇号记录的 SHA-256 与账本第 1 号事件不符" in res.stderr
    assert ledger_bytes(ws) == before
    assert not (ws / "draws" / "2022" / "public").exists()


def test_check_reports_result_and_publish_events_that_point_nowhere(ssj, ws):
    rec = draw(ssj)
    ledger = Ledger(ws / "draws" / "ledger.jsonl")
    with ledger.locked():  # events no ssj command would write, appended behind its back
        ledger.append("result", {"year": 2022, "task": "hazchem", "round": 1, "entity": rec["picks"][0]["entity"],
                                 "date": "2022-04-01", "result": "bogus", "measures": "", "note": ""})
        ledger.append("publish", {"year": 2022, "task": "hazchem", "round": 1, "date": "2022-06-22", "check_end": None,
                                  "due": "2022-07-11", "provisional": False, "on_time": True, "partial": True,
                                  "entities": ["91140428MA001007XX"], "files": []})
    res = ssj("check")
    assert res.exit_code == 2
    assert "draws/ledger.jsonl:2" in res.stderr and "bogus 不是已知的结果代码" in res.stderr
    assert "早于摇号日期" in res.stderr
    assert "draws/ledger.jsonl:3" in res.stderr and "公示了不是该轮抽中的企业：91140428MA001007XX" in res.stderr
    assert ssj("verify").exit_code == 1


def test_publication_in_january_finds_last_years_round(ssj, ws):
    rec = draw(ssj, "coalwash", "2022-10-10")
    plan_for_year(ws, 2023)
    record_all(ssj, rec, "2022-12-30", "2023-01-04")  # no --year: the 2022 round is found
    ok(ssj("publish", "--task", "coalwash", "--today", "2023-01-05"))
    ev = ledger_events(ws)[-1]
    assert (ev["year"], ev["due"], ev["on_time"]) == (2022, "2023-01-11", True)
    assert Path(ws / "draws" / "2022" / "public" / "coalwash-r1-2023-01-05.csv").exists()
