"""`ssj report`: a realistic year built through the CLI, every JSON number against counts made here.

The year: coal drawn twice (the second round with a corrected result, never published),
hazchem drawn, voided and drawn again (results partly by a batch file, published late),
industry half-checked and published in part, coalwash still in its period, coal's first
round with one result of every code and published on time. The expected numbers are
counted in this file from what the test itself did, with plain Python and the registries
read by the csv module: nothing of ``shuangsuiji.report.numbers`` is used to make them.
"""

from __future__ import annotations

import csv
import json
import statistics
from collections import Counter
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import pytest

from tests.helpers import CODES, REPO, TODAY, Rnd, report_json

PROBLEMS = {"rectify", "penalty", "transfer", "judicial"}
CATEGORIES = {"coal": ["coal_mine"], "hazchem": ["hazchem_production", "hazchem_trading"],
              "industry": ["industry_trade"], "coalwash": ["coal_washing"]}
PERIOD_END = {"coal": "2022-12-31", "hazchem": "2022-06-30", "industry": "2022-09-30", "coalwash": "2022-12-31"}


def percent(num: int, den: int) -> str | None:
    """Independent of report.Share: Decimal arithmetic on the exact fraction, rounded half up."""
    if den == 0:
        return None
    f = Fraction(num * 100, den)
    return str((Decimal(f.numerator) / Decimal(f.denominator)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def share(num: int, den: int) -> dict:
    return {"num": num, "den": den, "percent": percent(num, den)}


def registry(name: str) -> list[dict]:
    with (REPO / "data" / name).open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def expected_state(r: Rnd) -> str:
    full = [p for p in r.published if not p[2]]
    if full:
        return "on_time" if full[0][1] else "late"
    # By construction: coal r2 finished 2022-09-16 and industry's period ended 2022-09-30,
    # both long past 7 working days before TODAY; coalwash is still within its period.
    return "pending" if r.task == "coalwash" else "overdue"


def test_every_number_of_the_json_report(year, ssj):
    rep = report_json(ssj)
    entities = registry("entities.csv")
    inspectors = registry("inspectors.csv")
    live = [r for r in year.rounds if not r.voided]

    assert rep["schema"] == "ssj.report/1" and rep["year"] == 2022 and rep["today"] == TODAY
    assert rep["integrity"]["ok"] is True and rep["integrity"]["failures"] == []
    assert rep["integrity"]["draws"] == len(year.rounds)
    assert [t["id"] for t in rep["tasks"]] == ["coal", "hazchem", "industry", "coalwash"]

    all_scope = 0
    for t in rep["tasks"]:
        mine = [r for r in year.rounds if r.task == t["id"]]
        alive = [r for r in mine if not r.voided]
        scope = {e["id"] for e in entities if e["status"] == "在营" and e["category"] in CATEGORIES[t["id"]]}
        all_scope += len(scope)
        drawn = {e for r in alive for e in r.picks}
        codes = Counter(code for r in alive for code, _, _ in r.results.values())
        inspected = sum(len(r.results) for r in alive)
        found = sum(codes[c] for c in PROBLEMS)
        states = Counter(expected_state(r) for r in alive)
        ratio = {"coal": Fraction(1), "hazchem": Fraction(1, 5)}.get(t["id"], Fraction(1, 10))
        assert t["scope"] == len(scope)
        assert t["per_round"] == -(-len(scope) * ratio.numerator // ratio.denominator)
        assert t["rounds_drawn"] == len(alive)
        assert t["rounds_voided"] == len(mine) - len(alive)
        assert t["picks"] == sum(len(r.picks) for r in alive)
        assert t["entities_drawn"] == len(drawn)
        assert t["coverage"] == share(len(drawn & scope), len(scope))
        assert t["inspected"] == inspected
        assert t["not_inspected"] == t["picks"] - inspected
        assert t["results"] == {c: codes[c] for c in CODES}
        assert t["found_problems"] == found
        assert t["problem_share"] == share(found, inspected - codes["not_operating"])
        assert t["publications"] == {s: states[s] for s in ("on_time", "late", "pending", "overdue")}
        assert t["period_ended"] == (PERIOD_END[t["id"]] < TODAY)
        assert [(x["round"], x["voided"], x["date"]) for x in t["rounds"]] == [(r.number, r.voided, r.date) for r in mine]
        for x, r in zip(t["rounds"], mine):
            assert x["picks"] == len(r.picks) and x["k"] == r.record["k"]
            if r.voided:
                assert x["publication"] is None and x["void_date"] == "2022-04-07" and x["void_reason"] == "见证人未到场"
                continue
            assert x["inspected"] == len(r.results)
            assert x["publication"] == expected_state(r)
            full = [p for p in r.published if not p[2]]
            assert x["published"] == (full[0][0] if full else None)
            assert x["publish_events"] == len(r.published)
            complete = len(r.results) == len(r.picks)
            assert x["check_end"] == (max(d for _, d, _ in r.results.values()) if complete else None)

    # Totals and the summary cards.
    tot = rep["totals"]
    codes = Counter(code for r in live for code, _, _ in r.results.values())
    inspected = sum(len(r.results) for r in live)
    found = sum(codes[c] for c in PROBLEMS)
    states = Counter(expected_state(r) for r in live)
    assert tot["scope"] == all_scope == 133
    assert tot["rounds_drawn"] == 5 and tot["rounds_voided"] == 1
    assert tot["picks"] == sum(len(r.picks) for r in live)
    assert tot["entities_drawn"] == len({e for r in live for e in r.picks})
    assert tot["results"] == {c: codes[c] for c in CODES}
    assert all(codes[c] > 0 for c in CODES)  # the year has a result of every code
    assert tot["found_problems"] == found
    assert tot["problem_share"] == share(found, inspected - codes["not_operating"])
    assert tot["publications"] == {"on_time": 1, "late": 1, "pending": 1, "overdue": 2} == {s: states[s] for s in tot["publications"]}
    summary = rep["summary"]
    assert summary["rounds_drawn"] == 5 and summary["rounds_voided"] == 1
    assert summary["picks"] == tot["picks"] and summary["inspected"] == inspected and summary["found_problems"] == found
    assert (summary["published_on_time"], summary["published_late"], summary["pending"], summary["overdue"]) == (1, 1, 1, 2)

    # Frequency: coal is drawn twice, the others once; coal (100%) is the only key industry and fully covered.
    freq = rep["frequency"]
    assert freq["min_rounds"] == 2
    assert {t["id"]: t["rounds"] for t in freq["tasks"]} == {"coal": 2, "hazchem": 1, "industry": 1, "coalwash": 1}
    assert {t["id"] for t in freq["tasks"] if not t["meets_min_rounds"]} == {"hazchem", "industry", "coalwash"}
    assert freq["key_categories"] == ["coal_mine"]
    by_code = {c["code"]: c for c in freq["categories"]}
    for code, c in by_code.items():
        task = next(t for t, cats in CATEGORIES.items() if code in cats)
        alive = [r for r in live if r.task == task]
        cat_of = {e["id"]: e["category"] for e in entities}
        picks = [e for r in alive for e in r.picks if cat_of[e] == code]
        scope = {e["id"] for e in entities if e["status"] == "在营" and e["category"] == code}
        assert c["rounds"] == len(alive)
        assert c["rounds_with_picks"] == sum(1 for r in alive if any(cat_of[e] == code for e in r.picks))
        assert c["picks"] == len(picks) and c["entities"] == len(set(picks)) and c["scope"] == len(scope)
        assert c["coverage"] == share(len(set(picks) & scope), len(scope))
    assert by_code["coal_mine"]["fully_covered"] and by_code["coal_mine"]["uncovered"] == []
    assert freq["ok"] is False
    short = [f for f in freq["findings"] if "少于计划“全年开展随机抽查频次一般不少于2次”" in f]
    assert len(short) == 3 and any("（hazchem）" in f for f in short) and not any("（coal）" in f for f in short)
    assert "（coalwash）" in short[-1] and short[-1].endswith("（抽查时间至 2022-12-31，尚未结束）。")
    never = [c for c in by_code.values() if c["rounds"] and not c["picks"]]  # in a drawn scope, never picked
    assert len(freq["findings"]) == len(short) + len(never)
    for c in never:
        assert any(f.startswith(f"类别“{c['label']}”") and "全年未抽中该类企业" in f for f in freq["findings"])

    # Inspectors, counted from the draw records the CLI printed.
    load = Counter(i for r in live for p in r.record["picks"] for i in p["inspectors"])
    on_duty = [row["id"] for row in inspectors if row["status"] == "在岗"]
    population = set(on_duty) | set(load)
    counts = [load.get(i, 0) for i in population]
    ins = rep["inspectors"]
    assert ins["population"] == len(population)
    assert (ins["min"], ins["max"]) == (min(counts), max(counts))
    med = statistics.median(counts)
    assert ins["median"] == (str(int(med)) if med == int(med) else str(med))
    assert {row["id"]: row["checks"] for row in ins["rows"]} == {i: load.get(i, 0) for i in population}
    assert sum(row["checks"] for row in ins["rows"]) == 2 * tot["picks"]  # every team has two
    assert [x["id"] for x in ins["never_drawn"]] == sorted(i for i in on_duty if not load.get(i))
    assert ins["small_teams"] == []
    avoided = [(r.task, r.number, p["entity"], x["id"]) for r in live for p in r.record["picks"]
               for x in p["excluded_inspectors"] if x["reason"] in ("conflict", "local")]
    assert ins["avoidance"]["total"] == len(avoided)
    assert sorted((a["task"], a["round"], a["entity"], a["inspector"]) for a in ins["avoidance"]["items"]) == sorted(avoided)
    assert ins["rounds_without_record"] == []

    # Follow-up: every pick whose result in force found a problem, by date.
    follow = sorted(
        (d, r.task, r.number, e, code) for r in live for e, (code, d, _) in r.results.items() if code in PROBLEMS
    )
    assert [(f["date"], f["task"], f["round"], f["entity"], f["result"]) for f in rep["follow_up"]] == follow
    assert all(f["measures"] for f in rep["follow_up"])  # the clerk's text, or the default for the result
    transfer = next(f for f in rep["follow_up"] if f["result"] == "transfer" and f["task"] == "hazchem")
    assert transfer["measures"] == "移交市场监管局" and transfer["label"] == "移交有权监管部门"
    assert next(f for f in rep["follow_up"] if f["result"] == "transfer" and f["task"] == "coal")["measures"] == "移交有权监管部门处理"
    assert not any(f["task"] == "coal" and f["round"] == 2 for f in rep["follow_up"])  # corrected to no_problem

    # Timeline: months of draws, of results in force, of publish events.
    months = {m["month"]: m for m in rep["timeline"]}
    assert list(months) == [f"2022-{m:02d}" for m in range(1, 13)]
    draws = Counter(r.date[:7] for r in year.rounds)
    voids = Counter(r.date[:7] for r in year.rounds if r.voided)
    checks = Counter(d[:7] for r in live for _, d, _ in r.results.values())
    pubs = Counter(d[:7] for r in live for d, _, _ in r.published)
    for m, row in months.items():
        assert (row["draws"], row["voided"], row["checks"], row["publications"]) == (draws[m], voids[m], checks[m], pubs[m])


def test_csv_is_the_per_task_table_with_bom(year, ssj, tmp_path):
    out = tmp_path / "report.csv"
    res = ssj("report", "--year", "2022", "--today", TODAY, "--out", str(out))
    assert res.exit_code == 0, res.output
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    every = list(csv.reader(data.decode("utf-8-sig").splitlines()))
    rows = every[:every.index([])]  # the per-task table, then (after an empty row) the credit section's tables
    assert every[len(rows) + 1:len(rows) + 3] == [["各信用风险等级抽查情况"], [
        "信用风险等级", "在营企业（家）", "抽中企业（家）", "覆盖率（%）", "抽查户次", "已检查", "未生产经营/无法检查", "发现问题", "问题发现率（%）"]]
    assert rows[0][:3] == ["序号", "任务代号", "抽查任务"]
    assert [r[1] for r in rows[1:]] == ["coal", "hazchem", "industry", "coalwash", ""]
    assert rows[-1][2] == "合计"
    rep = report_json(ssj)
    col = rows[0].index("抽查户次")
    assert [int(r[col]) for r in rows[1:5]] == [t["picks"] for t in rep["tasks"]]
    assert int(rows[-1][col]) == rep["totals"]["picks"]
    pct = rows[0].index("覆盖率（%）")
    assert [r[pct] for r in rows[1:5]] == [t["coverage"]["percent"] for t in rep["tasks"]]


def test_a_year_with_no_draws_is_the_plan_with_zeros(ssj):
    rep = report_json(ssj)
    assert [t["scope"] for t in rep["tasks"]] == [6, 41, 55, 31]
    assert [t["per_round"] for t in rep["tasks"]] == [6, 9, 6, 4]
    for t in rep["tasks"]:
        assert t["rounds_drawn"] == t["picks"] == t["inspected"] == 0 and t["rounds"] == []
        assert t["coverage"] == {"num": 0, "den": t["scope"], "percent": "0.0"}
        assert t["problem_share"] == {"num": 0, "den": 0, "percent": None}
    assert rep["follow_up"] == [] and rep["integrity"]["ok"] is True
    assert all(m["draws"] == m["checks"] == m["publications"] == 0 for m in rep["timeline"])
    assert rep["inspectors"]["max"] == 0 and len(rep["inspectors"]["never_drawn"]) == rep["inspectors"]["population"]
    res = ssj("report", "--year", "2022", "--today", TODAY)
    assert res.exit_code == 0, res.output
    assert res.stdout.splitlines()[0].startswith("账本复核通过")
    assert "全年尚未摇号" in res.stdout


def test_a_year_without_a_plan_is_a_clear_error(ssj):
    res = ssj("report", "--year", "2021", "--today", TODAY)
    assert res.exit_code == 2
    assert "没有 2021 年的计划文件 plans/2021.yaml" in res.stderr
    assert "提示" in res.stderr and "Traceback" not in res.output


def test_a_broken_ledger_is_said_on_the_first_line(year, ssj, ws):
    path = ws / "draws" / "ledger.jsonl"
    lines = path.read_bytes().split(b"\n")
    assert b'"result":"no_problem"' in lines[1]  # coal round 1, first pick
    lines[1] = lines[1].replace(b'"result":"no_problem"', b'"result":"penalty"')
    path.write_bytes(b"\n".join(lines))
    res = ssj("report", "--year", "2022", "--today", TODAY)
    assert res.exit_code == 1
    assert res.stdout.splitlines()[0].startswith("警告：账本复核未通过")
    res = ssj("report", "--year", "2022", "--today", TODAY, "--format", "md")
    assert res.exit_code == 1
    assert res.stdout.splitlines()[2].startswith("> 警告：账本复核未通过")
    res = ssj("report", "--year", "2022", "--today", TODAY, "--format", "json")
    rep = json.loads(res.stdout)
    assert rep["integrity"]["ok"] is False and rep["integrity"]["failures"]


@pytest.mark.parametrize("args, message", [
    (["--format", "pdf"], "不支持的报告格式 pdf"),
    (["--format", "xlsx"], "XLSX 报告必须写入文件"),
    (["--out", "report.docx"], "无法从文件名 report.docx 判断报告格式"),
    (["--today", "2022-13-01"], "--today 的日期 2022-13-01 无法识别"),
])
def test_bad_options_are_explained(ssj, args, message):
    res = ssj("report", "--year", "2022", *args)
    assert res.exit_code == 2
    assert message in res.stderr and "提示" in res.stderr


def test_out_writes_the_format_of_its_suffix(year, ssj, tmp_path):
    for name, check in (("r.json", lambda b: json.loads(b)["schema"] == "ssj.report/1"),
                        ("r.md", lambda b: b.startswith("# 长子县应急管理局2022年".encode())),
                        ("r.html", lambda b: b.startswith(b"<!DOCTYPE html>")),
                        ("r.xlsx", lambda b: b[:2] == b"PK")):
        out = tmp_path / name
        res = ssj("report", "--year", "2022", "--today", TODAY, "--out", str(out))
        assert res.exit_code == 0, res.output
        assert check(out.read_bytes()), name
    assert not list(tmp_path.glob(".*.tmp"))


def test_a_ledger_too_broken_to_sum_up_is_a_clear_failure(year, ssj, ws):
    path = ws / "draws" / "ledger.jsonl"
    data = path.read_bytes()
    assert b'"date":"2022-03-14"' in data
    path.write_bytes(data.replace(b'"date":"2022-03-14"', b'"date":"2022-12-1x"', 1))  # the latest date, not a date (and not after --today: not cut off)
    res = ssj("report", "--year", "2022", "--today", TODAY)
    assert res.exit_code == 1
    assert res.stderr.startswith("账本复核未通过") and "ssj verify" in res.stderr
    assert "Traceback" not in res.output


def test_report_and_publish_due_agree_on_an_incomplete_round_after_its_period(ssj):
    """Between the period's end and the due date, a round missing results is overdue in both."""
    assert ssj("draw", "--task", "hazchem", "--seed", "s", "--today", "2022-04-06").exit_code == 0
    due = json.loads(ssj("publish-due", "--today", "2022-07-01", "--json").stdout)
    assert [(d["task"], d["state"], d["level"]) for d in due] == [("hazchem", "incomplete_late", "overdue")]
    rep = json.loads(ssj("report", "--year", "2022", "--today", "2022-07-01", "--format", "json").stdout)
    (task,) = [t for t in rep["tasks"] if t["id"] == "hazchem"]
    assert task["publications"]["overdue"] == 1 and task["publications"]["pending"] == 0


def test_a_round_checked_after_its_period_is_late_in_report_and_publish_due_alike(ssj):
    """Checks finished after the task's period: publish-due and the report both say 逾期完成, by one rule."""
    from tests.helpers import draw, ok, record_all

    rec = draw(ssj, "hazchem", "2022-04-06", "晚检")
    record_all(ssj, rec, "2022-07-05")  # hazchem's period ends 2022-06-30
    due = ok(ssj("publish-due", "--today", "2022-07-06"))
    assert "2022-07-05（逾期完成）" in due.stdout
    ok(ssj("publish", "--task", "hazchem", "--date", "2022-07-06", "--today", "2022-07-06", "--format", "csv"))
    rep = json.loads(ok(ssj("report", "--year", "2022", "--today", "2022-07-31", "--format", "json")).stdout)
    (task,) = [t for t in rep["tasks"] if t["id"] == "hazchem"]
    (rnd,) = task["rounds"]
    assert (rnd["publication"], rnd["check_end"], rnd["late_check"]) == ("on_time", "2022-07-05", True)
    md = ok(ssj("report", "--year", "2022", "--today", "2022-07-31", "--format", "md")).stdout
    assert "| 2022-07-05（逾期完成） |" in md
    assert "检查逾期完成（最后一户的检查日期晚于任务的抽查时间）的有 1 轮：危险化学品生产经营企业第 1 轮。" in md
