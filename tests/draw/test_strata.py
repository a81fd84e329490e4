"""Stratified draws (ratio_by_risk): the pure core, the CLI, verify, and re-derivation by code sharing nothing with ssj."""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from decimal import Decimal
from fractions import Fraction
from math import ceil

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shuangsuiji.draw.strata import StratumInput, draw_strata, split_by_grade
from tests.helpers import ledger_bytes, ok, tree_digest

RATIOS = "    ratio_by_risk: {A: 0%, B: 10%, C: 30%, D: 100%}\n"


def stratify(ws, extra: str = RATIOS, keep_ratio: bool = True) -> None:
    """The shipped plan with hazchem drawn per grade."""
    path = ws / "plans" / "2022.yaml"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if line.startswith("    ratio: 20%"))
    lines[at:at + 1] = ([lines[at]] if keep_ratio else []) + [extra]
    path.write_text("".join(lines), encoding="utf-8")


def graded_hazchem(ws) -> dict[str, list[str]]:
    """grade -> ids of hazchem's scope, read with the csv module only."""
    with open(ws / "data" / "entities.csv", encoding="utf-8-sig", newline="") as f:
        rows = [r for r in csv.DictReader(f) if r["category"] in ("hazchem_production", "hazchem_trading") and r["status"] == "在营"]
    out: dict[str, list[str]] = {}
    for r in rows:
        out.setdefault(r["risk"], []).append(r["id"])
    return out


def test_stratified_draw_through_the_cli_and_verify(ssj, ws):
    stratify(ws)
    res = ok(ssj("draw", "--task", "hazchem", "--seed", "分级 3-1-4", "--today", "2022-04-06", "--json"))
    rec = json.loads(res.stdout)
    assert rec["schema"] == "ssj.draw/2"
    grades = graded_hazchem(ws)
    want = {"A": 0, "B": 0.1, "C": 0.3, "D": 1, "": 0.2}
    got = [(s["grade"], s["size"], s["k"]) for s in rec["strata"]]
    assert got == [(g, len(grades[g]), ceil(Fraction(str(want[g])) * len(grades[g]))) for g in ("A", "B", "C", "D", "")]
    assert rec["k"] == sum(s["k"] for s in rec["strata"]) == len(rec["picks"])
    assert [p["entity"] for p in rec["picks"]] == [i for s in rec["strata"] for i in s["picks"]]
    line = json.loads(ledger_bytes(ws).decode("utf-8").splitlines()[-1])
    assert [m["k"] for m in line["strata"]] == [s["k"] for s in rec["strata"]]
    # a second round leaves out each stratum's earlier picks; D (100%) starts a new cycle
    rec2 = json.loads(ok(ssj("draw", "--task", "hazchem", "--seed", "分级 2", "--today", "2022-04-07", "--json")).stdout)
    for s1, s2 in zip(rec["strata"], rec2["strata"]):
        if s1["grade"] == "D":
            assert s2["new_cycle"] and sorted(s2["picks"]) == sorted(grades["D"])
        else:
            assert s2["excluded"] == sorted(s1["picks"]) and not set(s1["picks"]) & set(s2["picks"])
    assert "复核通过" in ok(ssj("verify")).stdout
    check = json.loads(ok(ssj("check", "--json")).stdout)
    haz = next(t for t in check["tasks"] if t["id"] == "hazchem")
    assert [(x["grade"], x["draw_count"]) for x in haz["strata"]] == [(s["grade"], s["k"]) for s in rec["strata"]]
    assert "未定级" in ok(ssj("check")).stdout


def test_verify_catches_an_edited_stratum(ssj, ws):
    stratify(ws)
    ok(ssj("draw", "--task", "hazchem", "--seed", "改", "--today", "2022-04-06"))
    path = ws / "draws" / "2022" / "hazchem-r1.json"
    rec = json.loads(path.read_text(encoding="utf-8"))
    rec["strata"][1]["k"] += 1
    path.write_text(json.dumps(rec, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    res = ssj("verify")
    assert res.exit_code == 1


def test_a_grade_without_a_ratio_is_refused_naming_the_plan_line(ssj, ws):
    stratify(ws, keep_ratio=False)
    plan = (ws / "plans" / "2022.yaml").read_text(encoding="utf-8").splitlines()
    line = next(n for n, text in enumerate(plan, start=1) if "ratio_by_risk" in text)
    before = tree_digest(ws)
    res = ssj("draw", "--task", "hazchem", "--seed", "x", "--today", "2022-04-06")
    assert res.exit_code == 2
    assert f"plans/2022.yaml:{line}:" in res.stderr and "未定级 8 家" in res.stderr and "ratio" in res.stderr
    assert tree_digest(ws) == before
    res = ssj("check")
    assert res.exit_code == 2 and f"plans/2022.yaml:{line}:" in res.stderr
    assert tree_digest(ws) == before


@pytest.mark.parametrize("extra, message", [
    ("    ratio_by_risk: {A: 0%, E: 10%}\n", "风险等级 E 无法识别"),
    ("    ratio_by_risk: {A: 0%, A: 10%}\n", "风险等级 A 重复"),
    ("    ratio_by_risk: {B: 120%}\n", "ratio_by_risk.B：抽查比例 120% 超过 100%"),
    ("    ratio_by_risk: {B: 10}\n", "ratio_by_risk.B：抽查比例 10 无法识别"),
    ("    ratio_by_risk: 10%\n", "ratio_by_risk 应为"),
])
def test_a_bad_ratio_by_risk_is_an_input_error(ssj, ws, extra, message):
    stratify(ws, extra)
    before = tree_digest(ws)
    res = ssj("draw", "--task", "hazchem", "--seed", "x", "--today", "2022-04-06")
    assert res.exit_code == 2 and message in res.stderr and "plans/2022.yaml:" in res.stderr
    assert tree_digest(ws) == before


def test_all_grades_at_zero_draws_nothing_and_says_so(ssj, ws):
    stratify(ws, "    ratio_by_risk: {A: 0%, B: 0%, C: 0%, D: 0%}\n", keep_ratio=False)
    path = ws / "data" / "entities.csv"
    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows({**r, "risk": r["risk"] or "A"} for r in rows)
    before = tree_digest(ws)
    res = ssj("draw", "--task", "hazchem", "--seed", "x", "--today", "2022-04-06")
    assert res.exit_code == 2 and "均为 0" in res.stderr
    assert tree_digest(ws) == before


def test_a_record_without_strata_is_schema_1(ssj, ws):
    rec = json.loads(ok(ssj("draw", "--task", "hazchem", "--seed", "x", "--today", "2022-04-06", "--json")).stdout)
    assert rec["schema"] == "ssj.draw/1" and "strata" not in rec


# ------------------------------------------------------------------ outsiders

def test_each_stratum_rederived_by_sha256sum_and_one_duckdb_query(ssj, ws):
    stratify(ws)
    seed = "分级 外部复算"
    rec = json.loads(ok(ssj("draw", "--task", "hazchem", "--seed", seed, "--today", "2022-04-06", "--json")).stdout)
    ranks = {p["entity"]: p["rank"] for p in rec["picks"]}
    if sys.platform != "win32" and shutil.which("bash") and shutil.which("sha256sum"):
        script = ('while IFS= read -r id; do printf "%s %s\\n" "$(printf "%s" "$SEED:$id" | sha256sum | cut -d" " -f1)" "$id"; '
                  'done | LC_ALL=C sort | head -n "$K"')
        for s in rec["strata"]:
            out = subprocess.run(["bash", "-c", script], input="".join(f"{i}\n" for i in s["pool"]).encode("utf-8"),
                                 env={**os.environ, "SEED": seed, "K": str(s["k"])}, capture_output=True, check=True).stdout.decode()
            shell = [tuple(line.split(" ")) for line in out.splitlines()][: s["k"]]
            assert [i for _, i in shell] == s["picks"]
            assert all(ranks[i] == r for r, i in shell)
    duckdb = pytest.importorskip("duckdb")
    con = duckdb.connect()
    con.execute("CREATE TABLE pool (grade VARCHAR, id VARCHAR)")
    con.execute("CREATE TABLE k (grade VARCHAR, k INTEGER)")
    con.executemany("INSERT INTO pool VALUES (?, ?)", [[s["grade"], i] for s in rec["strata"] for i in s["pool"]])
    con.executemany("INSERT INTO k VALUES (?, ?)", [[s["grade"], s["k"]] for s in rec["strata"]])
    rows = con.execute(
        "SELECT grade, id FROM (SELECT p.grade, p.id, row_number() OVER (PARTITION BY p.grade ORDER BY sha256(? || ':' || p.id), p.id) AS n, k.k "
        "FROM pool p JOIN k USING (grade)) WHERE n <= k ORDER BY grade, n", [seed]).fetchall()
    by_grade: dict[str, list[str]] = {}
    for g, i in rows:
        by_grade.setdefault(g, []).append(i)
    assert by_grade == {s["grade"]: s["picks"] for s in rec["strata"] if s["k"] and not s["new_cycle"]}


# ------------------------------------------------------------------ properties

GRADES = st.sampled_from(["A", "B", "C", "D", ""])
RATIO = st.sampled_from([Decimal(0), Decimal("0.07"), Decimal("0.1"), Decimal("0.333"), Decimal("0.5"), Decimal(1)])


@settings(max_examples=60, deadline=None)
@given(
    entities=st.dictionaries(st.from_regex(r"E[0-9]{1,4}", fullmatch=True), GRADES, min_size=1, max_size=60),
    ratios=st.fixed_dictionaries({g: RATIO for g in ("A", "B", "C", "D", "")}),
    drawn=st.sets(st.from_regex(r"E[0-9]{1,4}", fullmatch=True), max_size=30),
    seed=st.text(min_size=1, max_size=8),
    algorithm=st.sampled_from(["sha256-rank", "rfc3797"]),
    reverse=st.booleans(),
)
def test_strata_counts_are_exact_no_entity_twice_and_row_order_does_not_matter(entities, ratios, drawn, seed, algorithm, reverse):
    pairs = list(entities.items())
    by_grade = split_by_grade(reversed(pairs) if reverse else pairs)
    assert by_grade == split_by_grade(sorted(pairs))
    inputs = [StratumInput(g, ratios[g], ids, frozenset(drawn) & frozenset(ids)) for g, ids in by_grade.items()]
    result = draw_strata(algorithm, seed, inputs)
    again = draw_strata(algorithm, seed, [StratumInput(s.grade, s.ratio, tuple(reversed(s.scope)), s.drawn) for s in inputs])
    assert [s.picks for s in again.strata] == [s.picks for s in result.strata]
    picks = [i for _, i in result.picks]
    assert len(picks) == len(set(picks))
    for s, given_ in zip(result.strata, inputs):
        assert s.k == (0 if given_.ratio == 0 else ceil(Fraction(given_.ratio) * len(given_.scope)))
        assert len(s.picks) == s.k and set(s.picks) <= set(given_.scope)
        if len(s.pool) >= s.k:
            assert set(s.picks) <= set(s.pool) and not s.new_cycle


def test_the_documented_worked_example():
    """docs/draw-algorithm.md section 10."""
    strata = [StratumInput("A", Decimal(0), ("E001",), frozenset()),
              StratumInput("B", Decimal("0.5"), ("E002", "E003", "E005"), frozenset()),
              StratumInput("C", Decimal(1), ("E004",), frozenset())]
    result = draw_strata("sha256-rank", "20220406-示例见证", strata)
    assert [s.k for s in result.strata] == [0, 2, 1]
    assert [i for _, i in result.picks] == ["E003", "E005", "E004"]


def test_init_template_shows_ratio_by_risk_commented(tmp_path, ssj):
    ok(ssj("init", str(tmp_path / "new"), "--year", "2023"))
    text = (tmp_path / "new" / "plans" / "2023.yaml").read_text(encoding="utf-8")
    assert "# ratio_by_risk: {A: 0%, B: 10%, C: 30%, D: 100%}" in text
    # the example works as written: with its # taken away the plan is a stratified one that ssj checks and shows
    path = tmp_path / "new" / "plans" / "2023.yaml"
    path.write_text(text.replace("    # ratio_by_risk:", "    ratio_by_risk:"), encoding="utf-8")
    from tests.helpers import Ssj

    fresh = Ssj(tmp_path / "new")
    ok(fresh("check"))
    (task,) = json.loads(ok(fresh("plan", "--json")).stdout)["tasks"]
    assert (task["ratio_by_risk"], task["ratio_else"]) == ({"A": "0", "B": "0.1", "C": "0.3", "D": "1"}, "0.2")


def test_the_shipped_registry_has_a_grade_mix_that_changes_no_shipped_draw(ssj, ws, tmp_path):
    """data/entities.csv: every grade and entities without one in every task's scope; plans/2022.yaml has single
    ratios, so the README's draw picks the same entities with the risk column emptied."""
    with open(ws / "data" / "entities.csv", encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    plan = (ws / "plans" / "2022.yaml").read_text(encoding="utf-8")
    assert "ratio_by_risk" not in plan.split("tasks:", 1)[1].replace("# ratio_by_risk", "")
    assert {r["risk"] for r in rows} == {"A", "B", "C", "D", ""}
    for scope in (("hazchem_production", "hazchem_trading"), ("industry_trade",), ("coal_washing",)):
        assert {r["risk"] for r in rows if r["category"] in scope} == {"A", "B", "C", "D", ""}, scope
    blank = tmp_path / "blank"
    shutil.copytree(ws, blank)
    with open(blank / "data" / "entities.csv", "w", encoding="utf-8-sig", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]), lineterminator="\r\n")
        w.writeheader()
        w.writerows({**r, "risk": ""} for r in rows)
    from tests.helpers import Ssj

    args = ("draw", "--task", "hazchem", "--round", "1", "--seed", "2022-04-06 见证人掷骰 3-5-2-6", "--today", "2022-04-06", "--json")
    graded, ungraded = json.loads(ok(ssj(*args)).stdout), json.loads(ok(Ssj(blank)(*args)).stdout)
    assert [(p["entity"], p["rank"], p["inspectors"]) for p in graded["picks"]] == [
        (p["entity"], p["rank"], p["inspectors"]) for p in ungraded["picks"]]
    assert "strata" not in graded and graded["schema"] == "ssj.draw/1"


def test_the_sheet_of_a_stratified_draw_explains_the_strata(ssj, ws, tmp_path):
    stratify(ws)
    ok(ssj("draw", "--task", "hazchem", "--seed", "记录表", "--today", "2022-04-06"))
    ok(ssj("sheet", "--task", "hazchem", "--round", "1", "--out", str(tmp_path / "s.html")))
    page = (tmp_path / "s.html").read_text(encoding="utf-8")
    assert "按风险等级分级抽取" in page and "第 10 节" in page and "未定级 8 家 × 20% = 2 家" in page


def test_the_documented_replacement_in_a_stratum():
    """docs/draw-algorithm.md section 11 (分级抽取中的企业递补): the next line of the pick's own stratum."""
    import hashlib
    from types import SimpleNamespace

    from shuangsuiji.draw.replace import entity_candidates

    seed = "20220406-示例见证"
    rank = {i: hashlib.sha256(f"{seed}:{i}".encode()).hexdigest() for i in ("E001", "E002", "E003", "E004", "E005")}
    assert [rank[i][:4] for i in ("E003", "E005", "E002", "E004", "E001")] == ["2648", "6643", "c44b", "102f", "2093"]
    b_list = sorted(["E002", "E003", "E005"], key=rank.__getitem__)
    assert b_list[2] == "E002" and rank["E001"] < rank["E002"]  # E001 ranks lower but is of stratum A
    strata = [StratumInput("A", Decimal(0), ("E001",), frozenset()),
              StratumInput("B", Decimal("0.5"), ("E002", "E003", "E005"), frozenset()),
              StratumInput("C", Decimal(1), ("E004",), frozenset())]
    result = draw_strata("sha256-rank", seed, strata)
    rec = SimpleNamespace(algorithm="sha256-rank", seed=seed, strata=result.strata)
    b, c = result.strata[1], result.strata[2]
    assert list(entity_candidates(rec, 0, b)) == [(3, rank["E002"], "E002")]
    assert list(entity_candidates(rec, 0, c)) == []  # C drew its whole stratum: nothing to replace E004 with
