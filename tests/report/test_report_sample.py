"""The shipped sample year ``examples/2022``: it verifies, its report adds up, and it is what the script makes.

The report's numbers are checked against counts made here straight from the ledger's
lines (json.loads, no ssj code), and the committed ``report-2022.md``/``.html`` against a
fresh rendering, so the README's excerpt cannot go stale. One test rebuilds the whole year
with ``examples/make_sample_year.py`` in a scratch folder and compares the reports.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
from collections import Counter
from pathlib import Path

import pytest

from tests.helpers import REPO, Ssj

SAMPLE = REPO / "examples" / "2022"
REPORT_DAY = "2023-01-31"
PROBLEMS = {"rectify", "penalty", "transfer", "judicial"}
REGENERATE = "示例年度与代码不一致：请运行 python examples/make_sample_year.py --force 重新生成"


@pytest.fixture
def sample(tmp_path: Path) -> Ssj:
    root = tmp_path / "2022"
    shutil.copytree(SAMPLE, root)
    return Ssj(root)


def ledger(root: Path) -> list[dict]:
    return [json.loads(line) for line in (root / "draws" / "ledger.jsonl").read_text(encoding="utf-8").splitlines()]


def load_script():
    spec = importlib.util.spec_from_file_location("make_sample_year", REPO / "examples" / "make_sample_year.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_sample_verifies(sample):
    res = sample("verify")
    assert res.exit_code == 0, res.output
    assert "复核通过" in res.stdout


def test_sample_report_adds_up_against_the_ledger_lines(sample):
    res = sample("report", "--year", "2022", "--today", REPORT_DAY, "--format", "json")
    assert res.exit_code == 0, res.output
    rep = json.loads(res.stdout)
    lines = ledger(sample.root)

    draws = [e for e in lines if e["type"] == "draw"]
    voided = {(e["task"], e["round"]) for e in lines if e["type"] == "void"}
    live = {(e["task"], e["round"]): e["picks"] for e in draws if (e["task"], e["round"]) not in voided}
    current: dict[tuple, str] = {}
    for e in lines:
        if e["type"] == "result" and (e["task"], e["round"]) in live:
            current[(e["task"], e["round"], e["entity"])] = e["result"]
    codes = Counter(current.values())
    first_full: dict[tuple, dict] = {}
    for e in lines:
        if e["type"] == "publish" and not e["partial"]:
            first_full.setdefault((e["task"], e["round"]), e)

    # What the sample promises: every task drawn, coal twice, a voided draw, every result code,
    # publications on time and one late, nothing left unpublished.
    assert {t for t, _ in live} == {"coal", "hazchem", "industry", "coalwash"}
    assert sum(1 for t, _ in live if t == "coal") == 2
    assert len(voided) == 1
    assert all(codes[c] > 0 for c in ("no_problem", "rectify", "penalty", "transfer", "judicial", "not_operating"))
    assert Counter(e["on_time"] for e in first_full.values()) == {True: 5, False: 1}
    assert set(first_full) == set(live)

    tot = rep["totals"]
    assert rep["integrity"]["ok"] is True and rep["integrity"]["events"] == len(lines)
    assert tot["rounds_drawn"] == len(live) and tot["rounds_voided"] == len(voided)
    assert tot["picks"] == sum(len(p) for p in live.values())
    assert tot["entities_drawn"] == len({e for p in live.values() for e in p})
    assert tot["inspected"] == len(current) == tot["picks"]
    assert tot["results"] == {c: codes[c] for c in tot["results"]}
    assert tot["found_problems"] == sum(codes[c] for c in PROBLEMS) == len(rep["follow_up"])
    assert tot["publications"] == {"on_time": 5, "late": 1, "pending": 0, "overdue": 0}
    for key in ("scope", "rounds_drawn", "rounds_voided", "picks", "inspected", "found_problems"):
        assert tot[key] == sum(t[key] for t in rep["tasks"]), key
    for code in tot["results"]:
        assert tot["results"][code] == sum(t["results"][code] for t in rep["tasks"])
    assert sum(m["draws"] for m in rep["timeline"]) == len(draws)
    assert sum(m["checks"] for m in rep["timeline"]) == len(current)
    assert sum(m["publications"] for m in rep["timeline"]) == sum(1 for e in lines if e["type"] == "publish")
    assert rep["timeline"][-1]["month"] == "2023-01"  # coalwash published in January
    assert sum(r["checks"] for r in rep["inspectors"]["rows"]) == 2 * tot["picks"]
    assert rep["inspectors"]["small_teams"] == []


def test_committed_reports_are_current(sample):
    for fmt in ("md", "html"):
        res = sample("report", "--year", "2022", "--today", REPORT_DAY, "--format", fmt)
        assert res.exit_code == 0, res.output
        committed = (SAMPLE / f"report-2022.{fmt}").read_text(encoding="utf-8")
        assert res.stdout == committed, REGENERATE


def test_script_refuses_an_existing_year_without_force(tmp_path, monkeypatch, capsys):
    script = load_script()
    dest = tmp_path / "examples" / "2022"
    (dest / "draws").mkdir(parents=True)
    (dest / "draws" / "ledger.jsonl").write_text("keep\n", encoding="utf-8")
    monkeypatch.setattr(script, "DEST", dest)
    monkeypatch.setattr(script, "REPO", tmp_path)
    assert script.main([]) == 2
    assert "--force" in capsys.readouterr().err
    assert (dest / "draws" / "ledger.jsonl").read_text(encoding="utf-8") == "keep\n"


def test_script_rebuilds_the_same_year(tmp_path):
    """Run the whole script's build in a scratch folder: the same report as the one shipped."""
    script = load_script()
    work = tmp_path / "2022"
    work.mkdir()
    script.build(work)
    assert not (work / "draws" / "ledger.jsonl.lock").exists()
    for fmt in ("md", "html"):
        assert (work / f"report-2022.{fmt}").read_text(encoding="utf-8") == (SAMPLE / f"report-2022.{fmt}").read_text(encoding="utf-8"), REGENERATE
    assert (work / "results" / "hazchem-r2.csv").read_bytes() == (SAMPLE / "results" / "hazchem-r2.csv").read_bytes()


def test_readme_excerpt_is_from_the_shipped_report():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    excerpt = readme.split("<!-- report-excerpt -->\n", 1)[1].split("<!-- /report-excerpt -->", 1)[0]
    shipped = set((SAMPLE / "report-2022.md").read_text(encoding="utf-8").splitlines())
    lines = [line for line in excerpt.splitlines() if line.strip()]
    assert len(lines) > 10
    for line in lines:
        assert line in shipped, f"README 的报告节选与 examples/2022/report-2022.md 不一致：{line}"
    assert "ssj --root examples/2022 report --year 2022 --today 2023-01-31" in readme


def _day(line: dict) -> str:
    """The day a ledger line took effect: its date field, else the day it was appended (independent of ssj)."""
    return line["date"] if isinstance(line.get("date"), str) and len(line["date"]) == 10 else line["at"][:10]


def test_report_today_is_a_cut_off_every_number_against_the_ledger_lines(sample):
    """``--today 2022-05-01``: only the lines dated on or before that day count, every number recounted here."""
    import csv

    import yaml

    day = "2022-05-01"
    res = sample("report", "--year", "2022", "--today", day, "--format", "json")
    assert res.exit_code == 0, res.output
    rep = json.loads(res.stdout)
    every = ledger(sample.root)
    lines = [e for e in every if _day(e) <= day]
    assert 0 < len(lines) < len(every)
    assert rep["left_out"] == len(every) - len(lines) == 44

    plan = yaml.safe_load((sample.root / "plans" / "2022.yaml").read_text(encoding="utf-8"))
    with (sample.root / "data" / "entities.csv").open(encoding="utf-8-sig", newline="") as fh:
        entities = list(csv.DictReader(fh))
    voided = {(e["task"], e["round"]) for e in lines if e["type"] == "void"}
    draws = [e for e in lines if e["type"] == "draw"]
    current: dict[tuple, dict] = {}
    for e in lines:
        if e["type"] == "result":
            current[(e["task"], e["round"], e["entity"])] = e
    assert len(draws) == 3 and len(voided) == 1  # coal r1, hazchem r1 (voided), hazchem r2

    totals = Counter()
    for t in plan["tasks"]:
        row = next(x for x in rep["tasks"] if x["id"] == t["id"])
        mine = [e for e in draws if e["task"] == t["id"]]
        live = [e for e in mine if (e["task"], e["round"]) not in voided]
        picks = [(e["round"], p) for e in live for p in e["picks"]]
        results = [current[(t["id"], n, p)]["result"] for n, p in picks if (t["id"], n, p) in current]
        scope = {x["id"] for x in entities if x["status"] == "在营" and x["category"] in t["scope"]}
        drawn = {p for _, p in picks}
        period_over = day > str(t["end"])
        assert row["period_ended"] is period_over
        assert row["scope"] == len(scope)
        assert (row["rounds_drawn"], row["rounds_voided"]) == (len(live), len(mine) - len(live))
        assert (row["picks"], row["entities_drawn"], row["inspected"]) == (len(picks), len(drawn), len(results))
        assert row["not_inspected"] == len(picks) - len(results)
        assert row["coverage"]["num"] == len(drawn & scope) and row["coverage"]["den"] == len(scope)
        assert row["results"] == {c: Counter(results)[c] for c in row["results"]}
        assert row["found_problems"] == sum(1 for r in results if r in PROBLEMS)
        states = Counter()
        for e in live:
            pubs = [x for x in lines if x["type"] == "publish" and (x["task"], x["round"]) == (t["id"], e["round"])]
            full = [x for x in pubs if not x["partial"]]
            missing = [p for p in e["picks"] if (t["id"], e["round"], p) not in current]
            if full:
                state = "on_time" if full[0]["on_time"] else "late"
            else:
                assert missing and not period_over  # the only unpublished case on this day: still in its period
                state = "pending"
            states[state] += 1
            (rr,) = [x for x in row["rounds"] if x["round"] == e["round"]]
            assert (rr["publication"], rr["published"], rr["publish_events"]) == (state, full[0]["date"] if full else None, len(pubs))
            assert rr["inspected"] == len(e["picks"]) - len(missing)
        assert row["publications"] == {s: states[s] for s in ("on_time", "late", "pending", "overdue")}
        totals.update({"picks": len(picks), "inspected": len(results), "rounds": len(live), "found": row["found_problems"]})
    tot = rep["totals"]
    assert (tot["picks"], tot["inspected"], tot["rounds_drawn"], tot["found_problems"]) == (
        totals["picks"], totals["inspected"], totals["rounds"], totals["found"])
    assert tot["rounds_voided"] == len(voided)
    assert len(rep["follow_up"]) == sum(1 for e in current.values() if e["result"] in PROBLEMS
                                        and (e["task"], e["round"]) not in voided)
    months = Counter(_day(e)[:7] for e in draws)
    assert {m["month"]: m["draws"] for m in rep["timeline"] if m["draws"]} == dict(months)
    assert sum(m["checks"] for m in rep["timeline"]) == tot["inspected"]
    assert sum(m["publications"] for m in rep["timeline"]) == sum(1 for e in lines if e["type"] == "publish")
    assert rep["timeline"][-1]["month"] == "2022-12"  # nothing later than the cut-off extends it
    assert sum(r["checks"] for r in rep["inspectors"]["rows"]) == 2 * tot["picks"]
    md = sample("report", "--year", "2022", "--today", day, "--format", "md")
    assert "统计截至 2022-05-01（账本中日期晚于该日的 44 条事件未计入）" in md.stdout
