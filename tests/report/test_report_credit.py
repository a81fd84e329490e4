"""The report's credit section: per grade and the blacklist's year, recounted from the ledger lines and the registry CSV.

The expected numbers are made here with json.loads and the csv module (nothing of ``shuangsuiji.report``);
the pure ``credit_section`` is also called directly on an inline ledger.
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from shuangsuiji.ledger.chain import LedgerEvent
from shuangsuiji.ledger.state import build_rounds
from shuangsuiji.records import Entity
from shuangsuiji.report.credit import credit_section, grade_sizes
from tests.helpers import TODAY, ledger_events, ok, report_json

PROBLEMS = {"rectify", "penalty", "transfer", "judicial"}


def test_credit_section_against_the_ledger_lines(year, ssj, ws):
    coal = next(r for r in year.rounds if r.task == "coal")
    a, b = coal.picks[0], coal.picks[1]
    ok(ssj("blacklist", "add", a, "--reason", "严重违法失信", "--basis", "决定书", "--date", "2022-05-01", "--today", "2022-05-01"))
    ok(ssj("blacklist", "add", b, "--reason", "严重违法失信", "--date", "2022-06-01", "--today", "2022-06-01"))
    ok(ssj("blacklist", "remove", a, "--reason", "信用修复", "--date", "2022-11-01", "--today", "2022-11-01"))
    ok(ssj("blacklist", "remove", b, "--reason", "信用修复", "--date", "2023-02-01", "--today", "2023-02-01"))  # after TODAY
    rep = report_json(ssj)
    credit = rep["credit"]

    with (ws / "data" / "entities.csv").open(encoding="utf-8-sig", newline="") as fh:
        grade = {r["id"]: r["risk"] for r in csv.DictReader(fh) if r["status"] == "在营"}
    lines = [e for e in ledger_events(ws) if (e.get("date") or e["at"][:10]) <= TODAY]
    voided = {(e["task"], e["round"]) for e in lines if e["type"] == "void"}
    live = {(e["task"], e["round"]): e["picks"] for e in lines if e["type"] == "draw" and (e["task"], e["round"]) not in voided}
    current = {}
    for e in lines:
        if e["type"] == "result" and (e["task"], e["round"]) in live:
            current[(e["task"], e["round"], e["entity"])] = e["result"]
    assert [g["grade"] for g in credit["grades"]] == ["A", "B", "C", "D", ""]
    for g in credit["grades"]:
        mine = [(k, p) for k, ps in live.items() for p in ps if grade.get(p, "") == g["grade"]]
        results = [current[(*k, p)] for k, p in mine if (*k, p) in current]
        found = sum(1 for r in results if r in PROBLEMS)
        den = len(results) - results.count("not_operating")
        assert g["entities"] == Counter(grade.values())[g["grade"]]
        assert (g["picks"], g["drawn"], g["inspected"], g["found_problems"]) == (len(mine), len({p for _, p in mine}), len(results), found)
        assert (g["problem_share"]["num"], g["problem_share"]["den"]) == (found, den)
        assert g["results"] == {c: results.count(c) for c in g["results"]}
        assert g["coverage"]["den"] == g["entities"]
    for key in ("picks", "inspected", "found_problems"):
        assert sum(g[key] for g in credit["grades"]) == rep["totals"][key]
    assert [(c["date"], c["change"], c["entity"], c["basis"]) for c in credit["blacklist"]] == [
        ("2022-05-01", "add", a, "决定书"), ("2022-06-01", "add", b, ""), ("2022-11-01", "remove", a, "")]
    assert (credit["added"], credit["removed"], credit["listed_on"], credit["listed"]) == (2, 1, TODAY, 1)

    md = ok(ssj("report", "--year", "2022", "--today", TODAY, "--format", "md")).stdout
    assert f"失信黑名单：全年列入 2 家次、移出 1 家次；截至 {TODAY} 在黑名单上的企业 1 家。" in md
    assert "| 2022-11-01 | 移出 |" in md
    html_out = ws.parent / "r.html"
    ok(ssj("report", "--year", "2022", "--today", TODAY, "--out", str(html_out)))
    html = html_out.read_text(encoding="utf-8")
    chart = html[html.index("chart-credit"):]
    chart = chart[:chart.index("</svg>")]
    for g in credit["grades"]:
        assert f"{g['picks']} 户次（抽中 {g['drawn']} 家）" in chart


def test_an_earlier_today_counts_the_list_at_that_day(year, ssj):
    coal = next(r for r in year.rounds if r.task == "coal")
    ok(ssj("blacklist", "add", coal.picks[0], "--reason", "x", "--date", "2022-05-01", "--today", "2022-05-01"))
    rep = json.loads(ok(ssj("report", "--year", "2022", "--today", "2022-04-30", "--format", "json")).stdout)
    assert (rep["credit"]["listed_on"], rep["credit"]["listed"], rep["credit"]["blacklist"]) == ("2022-04-30", 0, [])


def ev(seq: int, kind: str, **data) -> LedgerEvent:
    return LedgerEvent(seq, kind, "2022-01-01T10:00:00+08:00", "0" * 64, data, seq, f"{seq:064x}")


def registry(grades: list[str]) -> list[Entity]:
    return [Entity(f"E{i:03d}", f"示例{i}", "coal_mine", "镇", "在营", g) for i, g in enumerate(grades)]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(["A", "B", "C", "D", ""]), min_size=1, max_size=12),
       st.lists(st.sampled_from(["no_problem", "rectify", "penalty", "not_operating", None]), max_size=12))
def test_grade_rows_add_up_and_each_share_is_exact(grades, codes):
    entities = registry(grades)
    ids = [e.id for e in entities] + ["GONE"]  # one drawn entity that has left the registry: no grade
    events = [ev(1, "draw", year=2022, task="coal", round=1, date="2022-03-01", picks=ids)]
    for n, (entity, code) in enumerate(zip(ids, codes), start=2):
        if code:
            events.append(ev(n, "result", year=2022, task="coal", round=1, entity=entity, date="2022-03-05", result=code,
                             measures="", note=""))
    rounds = list(build_rounds(events).values())
    c = credit_section(2022, date(2022, 12, 31), grade_sizes(entities, ["coal_mine"]), {e.id: e for e in entities}, rounds, events)
    by = {g.grade: g for g in c.grades}
    assert sum(g.picks for g in c.grades) == len(ids) and sum(g.entities for g in c.grades) == len(entities)
    assert by[""].picks == grades.count("") + 1 and by[""].entities == grades.count("")
    for g in c.grades:
        mine = [code for e, code in zip(ids, codes) if code and (grades[ids.index(e)] if e != "GONE" else "") == g.grade]
        found = sum(1 for x in mine if x in PROBLEMS)
        assert (g.problem_share.num, g.problem_share.den) == (found, len(mine) - mine.count("not_operating"))
        assert g.covered <= g.entities and g.coverage.num == g.covered


def test_blacklist_changes_of_other_years_stay_out():
    events = [ev(1, "blacklist_add", entity="E1", name="甲", date="2021-12-31", reason="x"),
              ev(2, "blacklist_remove", entity="E1", name="甲", date="2022-01-01", reason="y"),
              ev(3, "blacklist_add", entity="E2", name="乙", date="2022-12-31", reason="z", basis="b"),
              ev(4, "blacklist_remove", entity="E2", name="乙", date="2023-01-01", reason="w")]
    c = credit_section(2022, date(2023, 6, 1), {}, {}, [], events)
    assert [(b.seq, b.change) for b in c.blacklist] == [(2, "remove"), (3, "add")]
    assert (c.added, c.removed, c.listed_on, c.listed) == (1, 1, "2022-12-31", 1)
