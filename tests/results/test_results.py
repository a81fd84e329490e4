"""Recording results: codes and labels, `ssj record` (one entity or a batch file), corrections, `ssj results`."""

from __future__ import annotations

import json
from datetime import date

import pytest

from shuangsuiji.codes import FOUND_PROBLEM, RESULT_CODES
from shuangsuiji.results.check import parse_date_text, parse_result
from tests.helpers import draw, ledger_bytes, ledger_events, ok, tree_digest

DAY = "2022-04-06"


def test_result_codes_follow_the_plan():
    assert list(RESULT_CODES.items()) == [
        ("no_problem", "未发现问题"),
        ("rectify", "发现问题，责令整改"),
        ("penalty", "立案查处"),
        ("transfer", "移交有权监管部门"),
        ("judicial", "移送司法机关"),
        ("not_operating", "未生产经营/无法检查"),
    ]
    assert FOUND_PROBLEM == ("rectify", "penalty", "transfer", "judicial")


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("no_problem", "no_problem"), (" Penalty ", "penalty"), ("未发现问题", "no_problem"),
        ("发现问题，责令整改", "rectify"), ("发现问题,责令整改", "rectify"), ("发现问题， 责令整改", "rectify"),
        ("未生产经营/无法检查", "not_operating"), ("未生产经营／无法检查", "not_operating"),
        ("移送司法机关", "judicial"), ("移交有权监管部门", "transfer"), ("立案查处", "penalty"),
        ("", None), ("ok", None), ("发现问题", None), ("no-problem", None),
    ],
)
def test_parse_result_accepts_code_or_label(text, code):
    assert parse_result(text) == code


@pytest.mark.parametrize(
    ("text", "expected"),
    [("2022-06-20", date(2022, 6, 20)), ("2022/6/20", date(2022, 6, 20)), ("2022.06.20", date(2022, 6, 20)),
     ("2022年6月20日", date(2022, 6, 20)), ("2022-06-20T00:00:00", date(2022, 6, 20)), ("２０２２-06-20", date(2022, 6, 20)),
     ("2022-02-30", None), ("20220620", date(2022, 6, 20)), ("6/20/2022", None), ("", None)],
)
def test_parse_date_text(text, expected):
    assert parse_date_text(text) == expected


# --------------------------------------------------------------------------- one entity


def test_record_appends_result_event(ssj, ws):
    rec = draw(ssj)
    entity = rec["picks"][2]["entity"]
    res = ok(ssj("record", "--task", "hazchem", "--entity", entity.lower(), "--date", "2022-05-10",
                 "--result", "发现问题，责令整改", "--measures", "责令限期整改", "--note", "复查 6 月", "--today", "2022-05-12"))
    assert "已登记 1 条检查结果（账本第 2 号事件）" in res.stdout
    assert "已登记 1/9 户" in res.stdout and "检查中" in res.stdout
    ev = ledger_events(ws)[-1]
    assert ev["type"] == "result"
    assert {k: v for k, v in ev.items() if k not in ("seq", "type", "at", "prev")} == {
        "year": 2022, "task": "hazchem", "round": 1, "entity": entity, "date": "2022-05-10",
        "result": "rectify", "measures": "责令限期整改", "note": "复查 6 月",
    }
    rows = json.loads(ok(ssj("results", "--json")).stdout)
    assert len(rows) == 9
    (row,) = [r for r in rows if r["entity"] == entity]
    assert (row["name"], row["result"], row["result_label"], row["date"]) == (rec["picks"][2]["name"], "rectify", "发现问题，责令整改", "2022-05-10")
    assert sum(1 for r in rows if r["result"] is None) == 8


def test_correction_supersedes_and_history_is_kept(ssj, ws):
    rec = draw(ssj)
    entity = rec["picks"][0]["entity"]
    base = ("record", "--task", "hazchem", "--round", "1", "--entity", entity)
    ok(ssj(*base, "--date", "2022-05-10", "--result", "no_problem", "--today", "2022-05-10"))
    ok(ssj(*base, "--date", "2022-05-11", "--result", "penalty", "--measures", "立案调查", "--today", "2022-05-12"))
    res = ok(ssj(*base, "--date", "2022-05-11", "--result", "立案查处", "--measures", "立案调查", "--today", "2022-05-12"))
    assert "1 条与已登记的结果相同，未重复写入" in res.stdout
    assert len(ledger_events(ws)) == 3  # draw + two results; the identical third was not appended
    (row,) = [r for r in json.loads(ok(ssj("results", "--task", "hazchem", "--json")).stdout) if r["entity"] == entity]
    assert (row["result"], row["date"], row["measures"]) == ("penalty", "2022-05-11", "立案调查")
    assert [(h["result"], h["seq"]) for h in row["history"]] == [("no_problem", 2), ("penalty", 3)]
    human = ok(ssj("results", "--task", "hazchem", "--round", "1"))
    assert "立案查处（已更正）" in human.stdout
    assert "更正记录：第 1 户 " + entity + " 原登记 2022-05-10 未发现问题（第 2 号事件），已被第 3 号事件更正" in human.stdout


def test_correction_after_publication_asks_to_publish_again(ssj):
    rec = draw(ssj)
    for p in rec["picks"]:
        ok(ssj("record", "--task", "hazchem", "--entity", p["entity"], "--date", "2022-06-01", "--result", "no_problem", "--today", "2022-06-01"))
    ok(ssj("publish", "--task", "hazchem", "--today", "2022-06-02"))
    res = ok(ssj("record", "--task", "hazchem", "--entity", rec["picks"][0]["entity"], "--date", "2022-06-01",
                 "--result", "rectify", "--today", "2022-06-03"))
    assert "已于 2022-06-02 公示" in res.stdout and "ssj publish --task hazchem --round 1" in res.stdout


def test_late_result_is_recorded_with_a_warning(ssj, ws):
    rec = draw(ssj)
    res = ok(ssj("record", "--task", "hazchem", "--entity", rec["picks"][0]["entity"], "--date", "2022-07-02",
                 "--result", "no_problem", "--today", "2022-07-04"))
    assert "晚于任务 hazchem 的抽查时间" in res.stdout and "逾期完成" in res.stdout


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"--entity": "91140428MA001007XX"}, "企业 91140428MA001007XX 不是 hazchem 第 1 轮抽中的对象"),
        ({"--date": "2022-04-05"}, "检查日期 2022-04-05 早于 hazchem 第 1 轮的摇号日期 2022-04-06"),
        ({"--date": "2022-05-13"}, "检查日期 2022-05-13 晚于今天（2022-05-12）"),
        ({"--date": "2022-5-32"}, "检查日期 2022-5-32 无法识别"),
        ({"--result": "合格"}, "未知的检查结果：合格"),
        ({"--task": "nosuch"}, "2022 年计划中没有任务 nosuch"),
        ({"--round": "3"}, "2022 年任务 hazchem 没有第 3 轮"),
    ],
)
def test_bad_record_exits_2_and_leaves_ledger_byte_identical(ssj, ws, change, message):
    rec = draw(ssj)
    args = {"--task": "hazchem", "--round": "1", "--entity": rec["picks"][0]["entity"], "--date": "2022-05-10",
            "--result": "no_problem", "--today": "2022-05-12"} | change
    before = ledger_bytes(ws)
    res = ssj("record", *[x for kv in args.items() for x in kv])
    assert res.exit_code == 2, res.output
    assert message in res.stderr and "提示：" in res.stderr
    assert ledger_bytes(ws) == before


def test_record_needs_its_options(ssj):
    draw(ssj)
    res = ssj("record", "--task", "hazchem", "--today", "2022-05-12")
    assert res.exit_code == 2 and "缺少 --entity、--date、--result" in res.stderr
    res = ssj("record", "--from", "x.csv", "--entity", "E", "--today", "2022-05-12")
    assert res.exit_code == 2 and "--from 不能与" in res.stderr


def test_voided_round_takes_no_results(ssj, ws):
    rec = draw(ssj)
    ok(ssj("void", "--task", "hazchem", "--round", "1", "--reason", "名录库有误", "--today", "2022-04-07"))
    before = ledger_bytes(ws)
    res = ssj("record", "--task", "hazchem", "--round", "1", "--entity", rec["picks"][0]["entity"],
              "--date", "2022-05-10", "--result", "no_problem", "--today", "2022-05-12")
    assert res.exit_code == 2 and "已于 2022-04-07 作废" in res.stderr
    res = ssj("record", "--task", "hazchem", "--entity", rec["picks"][0]["entity"],
              "--date", "2022-05-10", "--result", "no_problem", "--today", "2022-05-12")
    assert res.exit_code == 2 and "还没有有效的摇号" in res.stderr
    assert ledger_bytes(ws) == before


def test_default_round_is_the_latest_live_one(ssj, ws):
    draw(ssj)
    second = draw(ssj, "hazchem", "2022-05-06", "s2")
    ok(ssj("record", "--task", "hazchem", "--entity", second["picks"][0]["entity"], "--date", "2022-05-10",
           "--result", "no_problem", "--today", "2022-05-12"))
    assert ledger_events(ws)[-1]["round"] == 2


# --------------------------------------------------------------------------- batch


def batch_csv(rec: dict, rows: list[list[str]], header: str = "统一社会信用代码,企业名称,检查日期,检查结果,处理措施,备注") -> str:
    return header + "\r\n" + "".join(",".join(r) + "\r\n" for r in rows)


def test_batch_csv_in_gbk_with_chinese_headers(ssj, ws, tmp_path):
    rec = draw(ssj)
    rows = [[p["entity"], p["name"], f"2022/6/{10 + i}", "未发现问题" if i % 2 else "rectify", "责令整改" if not i % 2 else "", ""]
            for i, p in enumerate(rec["picks"])]
    path = tmp_path / "结果.csv"
    path.write_bytes(batch_csv(rec, rows).encode("gb18030"))
    res = ok(ssj("record", "--task", "hazchem", "--from", str(path), "--today", "2022-06-30"))
    assert "已登记 9 条检查结果（账本第 2–10 号事件）" in res.stdout
    assert "已登记 9/9 户，检查结束日 2022-06-18，公示截止 2022-06-28" in res.stdout
    events = ledger_events(ws)[1:]
    assert [e["entity"] for e in events] == [p["entity"] for p in rec["picks"]]
    assert events[0]["result"] == "rectify" and events[1]["result"] == "no_problem" and events[0]["date"] == "2022-06-10"
    assert ok(ssj("verify")).exit_code == 0
    again = ok(ssj("record", "--task", "hazchem", "--from", str(path), "--today", "2022-06-30"))
    assert "9 条与已登记的结果相同" in again.stdout and len(ledger_events(ws)) == 10


def test_batch_xlsx_with_task_and_round_columns(ssj, ws, tmp_path):
    import openpyxl

    rec = draw(ssj)
    coal = draw(ssj, "coal")
    wb = openpyxl.Workbook()
    sheet = wb.active
    sheet.append(["task", "round", "entity", "date", "result", "measures", "note"])
    sheet.append(["hazchem", 1, rec["picks"][0]["entity"], date(2022, 5, 10), "no_problem", None, None])
    sheet.append(["coal", "", coal["picks"][0]["entity"], "2022-05-11", "立案查处", "立案调查", "见笔录"])
    path = tmp_path / "results.xlsx"
    wb.save(path)
    ok(ssj("record", "--from", str(path), "--today", "2022-05-12"))
    a, b = ledger_events(ws)[-2:]
    assert (a["task"], a["round"], a["date"], a["result"]) == ("hazchem", 1, "2022-05-10", "no_problem")
    assert (b["task"], b["round"], b["result"], b["measures"], b["note"]) == ("coal", 1, "penalty", "立案调查", "见笔录")


def test_batch_is_all_or_nothing_and_lists_every_problem(ssj, ws, tmp_path):
    rec = draw(ssj)
    p = rec["picks"]
    rows = [
        [p[0]["entity"], p[0]["name"], "2022-05-10", "no_problem", "", ""],
        [p[1]["entity"], p[1]["name"], "2022-04-01", "no_problem", "", ""],  # line 3: before the draw
        ["91140428MA001007XX", "", "2022-05-10", "no_problem", "", ""],  # line 4: not a pick
        [p[2]["entity"], p[2]["name"], "2022-05-10", "合格", "", ""],  # line 5: unknown code
        [p[3]["entity"], p[3]["name"], "2022-09-01", "no_problem", "", ""],  # line 6: future
        [p[4]["entity"], p[5]["name"], "2022-05-10", "no_problem", "", ""],  # line 7: name of another pick
        [p[0]["entity"], "", "2022-05-11", "no_problem", "", ""],  # line 8: twice
    ]
    path = tmp_path / "r.csv"
    path.write_text(batch_csv(rec, rows), encoding="utf-8-sig")
    before = tree_digest(ws)
    res = ssj("record", "--task", "hazchem", "--from", str(path), "--today", "2022-05-12")
    assert res.exit_code == 2
    shown = path.as_posix()
    for line, text in [(3, "早于 hazchem 第 1 轮的摇号日期"), (4, "不是 hazchem 第 1 轮抽中的对象"), (5, "未知的检查结果：合格"),
                       (6, "晚于今天"), (7, "与摇号记录中"), (8, f"出现了两次（另一处：{shown}:2）")]:
        assert f"{shown}:{line}: " in res.stderr and text in res.stderr, (line, res.stderr)
    assert f"{shown}:2:" not in res.stderr
    assert tree_digest(ws) == before


def test_batch_file_problems(ssj, ws, tmp_path):
    draw(ssj)
    before = ledger_bytes(ws)
    res = ssj("record", "--from", str(tmp_path / "missing.csv"), "--today", "2022-05-12")
    assert res.exit_code == 2 and "结果文件不存在" in res.stderr
    empty = tmp_path / "empty.csv"
    empty.write_text("entity,date,result\n", encoding="utf-8")
    res = ssj("record", "--from", str(empty), "--task", "hazchem", "--today", "2022-05-12")
    assert res.exit_code == 2 and "没有数据行" in res.stderr
    no_task = tmp_path / "no_task.csv"
    no_task.write_text("entity,date,result\n91140428MA001007XX,2022-05-10,no_problem\n", encoding="utf-8")
    res = ssj("record", "--from", str(no_task), "--today", "2022-05-12")
    assert res.exit_code == 2 and f"{no_task.as_posix()}:2: 没有指定任务" in res.stderr
    bad_header = tmp_path / "bad.csv"
    bad_header.write_text("entity,date,结论\n", encoding="utf-8")
    res = ssj("record", "--from", str(bad_header), "--task", "hazchem", "--today", "2022-05-12")
    assert res.exit_code == 2 and "未知的列：结论" in res.stderr and "缺少列：result（检查结果）" in res.stderr
    assert ledger_bytes(ws) == before


def test_results_filters(ssj):
    draw(ssj)
    draw(ssj, "coal")
    assert {r["task"] for r in json.loads(ok(ssj("results", "--json")).stdout)} == {"hazchem", "coal"}
    assert {r["task"] for r in json.loads(ok(ssj("results", "--task", "coal", "--json")).stdout)} == {"coal"}
    assert json.loads(ok(ssj("results", "--year", "2022", "--task", "nosuch", "--json")).stdout) == []
    res = ssj("results", "--round", "1")
    assert res.exit_code == 2 and "--round 须与 --task 一起使用" in res.stderr
    res = ssj("results", "--task", "coal", "--round", "9")
    assert res.exit_code == 2 and "没有找到任务 coal 的第 9 轮" in res.stderr
    assert "未登记" in ok(ssj("results", "--task", "coal")).stdout


def test_a_day_that_does_not_exist_is_refused_with_the_reason(ssj):
    """Issue 9 item 8: 2022-02-30 is refused saying why, from --date and from a batch file alike."""
    from tests.helpers import draw

    rec = draw(ssj)
    entity = rec["picks"][0]["entity"]
    res = ssj("record", "--task", "hazchem", "--entity", entity, "--date", "2022-02-30", "--result", "no_problem", "--today", "2022-05-01")
    assert res.exit_code == 2
    assert "检查日期 2022-02-30 无法识别：2022 年 2 月只有 28 天，没有 30 日" in res.stderr
    assert "2023/4/1" in res.stderr  # the hint names the accepted forms


def test_a_round_longer_than_a_terminal_table_lists_its_first_rows_and_says_where_the_rest_are(ssj, monkeypatch):
    """A province round of 55,501 picks took 27 s to draw as a terminal table: the table stops at TABLE_ROWS rows,
    and a line gives the counts and the --json command that lists every row."""
    import shuangsuiji.cli.publish as publish_cli

    monkeypatch.setattr(publish_cli, "TABLE_ROWS", 3)
    rec = draw(ssj, "hazchem")
    first = rec["picks"][0]["entity"]
    ok(ssj("record", "--task", "hazchem", "--round", "1", "--entity", first, "--date", "2022-05-06",
           "--result", "no_problem", "--today", "2022-05-06"))
    res = ok(ssj("results", "--task", "hazchem", "--round", "1"))
    shown = [p["entity"] for p in rec["picks"] if p["entity"] in res.stdout]
    assert shown == [p["entity"] for p in rec["picks"][:3]]
    n = len(rec["picks"])
    assert f"共 {n} 户（已登记 1 户，未登记 {n - 1} 户），上表只列出前 3 户；" in res.stdout.replace("\n", "")
    assert "ssj results --task hazchem --round 1 --json" in res.stdout.replace("\n", "")
    rows = json.loads(ok(ssj("results", "--task", "hazchem", "--round", "1", "--json")).stdout)
    assert len(rows) == n  # --json lists every row
