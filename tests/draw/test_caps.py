"""The yearly cap and the 定向 additions (draw.caps): the documented example and a real draw re-derived by code
that shares nothing with ssj (hashlib, the record's JSON and the ledger's lines), and Hypothesis properties of
prepare_draw on made-up registries and ledgers."""

from __future__ import annotations

import hashlib
import json
from datetime import date
from decimal import Decimal
from fractions import Fraction
from math import ceil

from hypothesis import given, settings
from hypothesis import strategies as st

from shuangsuiji.draw.caps import at_cap, targeted_additions, year_checks
from shuangsuiji.draw.cycle import draw_round
from shuangsuiji.draw.prepare import DrawRequest, Seed, prepare_draw
from shuangsuiji.inputs.entity_table import EntityTable
from shuangsuiji.inputs.year import Inputs
from shuangsuiji.ledger.events import DrawEvent, StratumMark
from shuangsuiji.ledger.state import Round
from shuangsuiji.records import CheckCaps, Entity, Inspector, Plan, Task
from tests.helpers import REPO, ledger_events, ok

SEED = "20220406-示例见证"


def rank(seed: str, entity: str) -> str:
    return hashlib.sha256(f"{seed}:{entity}".encode("utf-8")).hexdigest()


# ------------------------------------------------------------------ the documented worked example


def outsider_round(seed, scope, ratio, checks, cap, blacklisted):
    """Section 14 by hand: the capped leave, k of the rest, the smallest ranks, then the blacklisted not drawn."""
    capped = sorted(i for i in scope if checks.get(i, 0) >= cap)
    rest = [i for i in scope if i not in capped]
    k = ceil(Fraction(ratio) * len(rest))
    drawn = sorted(rest, key=lambda i: (rank(seed, i), i))[:k]
    targeted = sorted(i for i in scope if i in blacklisted and i not in drawn)
    over = sorted(i for i in targeted if checks.get(i, 0) >= cap)
    return capped, k, drawn, targeted, over


def test_the_documented_worked_example():
    """docs/draw-algorithm.md section 14, by hashlib, and by ssj's own pieces."""
    scope = ["E001", "E002", "E003", "E004", "E005"]
    capped, k, drawn, targeted, over = outsider_round(SEED, scope, "0.5", {"E004": 1}, 1, {"E002", "E004"})
    assert (capped, k, drawn, targeted, over) == (["E004"], 2, ["E001", "E003"], ["E002", "E004"], ["E004"])
    entities = [Entity(i, i, "c", "t", "在营") for i in scope]
    at = at_cap(entities, {"E004": 1}, CheckCaps(default=1))
    assert list(at) == capped
    result = draw_round("sha256-rank", SEED, [i for i in scope if i not in at], set(), 2)
    assert [i for _, i in result.picks] == drawn
    assert targeted_additions(scope, result.picks, frozenset({"E002", "E004"})) == tuple(targeted)
    doc = (REPO / "docs" / "draw-algorithm.md").read_text(encoding="utf-8")
    section = doc.split("## 14.", 1)[1]
    assert "本轮检查名单依次为 E001、E003、E002、E004" in section
    assert all(f"{i}（`{rank(SEED, i)[:4]}…`）" in section for i in ("E001", "E003", "E005", "E002"))


# ------------------------------------------------------------------ a real draw, re-derived from its files


def test_a_capped_draw_with_additions_rederived_from_the_record_and_the_ledger_lines(ssj, ws):
    plan = ws / "plans" / "2022.yaml"
    text = plan.read_text(encoding="utf-8").replace("\ntasks:\n", "\nmax_checks_per_year: 1\ntasks:\n", 1)
    plan.write_text(text.replace("    ratio: 20%\n", "    ratio: 20%\n    always_include_blacklisted: true\n", 1), encoding="utf-8")
    ok(ssj("draw", "--task", "hazchem", "--seed", "外部 1", "--today", "2022-04-06"))
    first = json.loads((ws / "draws" / "2022" / "hazchem-r1.json").read_text(encoding="utf-8"))
    out = [i for i in first["scope"] if i not in {p["entity"] for p in first["picks"]}]
    listed = [first["picks"][0]["entity"], out[0], out[1]]  # one drawn before (at its cap), two never
    for entity in listed:
        ok(ssj("blacklist", "add", entity, "--reason", "失信", "--date", "2022-04-06", "--today", "2022-04-06"))
    ok(ssj("draw", "--task", "hazchem", "--seed", "外部 2", "--today", "2022-04-07"))
    rec = json.loads((ws / "draws" / "2022" / "hazchem-r2.json").read_text(encoding="utf-8"))

    lines = ledger_events(ws)  # the outsider's own reading of the ledger: JSON lines
    checks: dict[str, int] = {}
    for line in lines:
        if line["type"] == "draw" and line["seq"] < lines[-1]["seq"]:
            for entity in line["picks"]:
                checks[entity] = checks.get(entity, 0) + 1
    blacklisted: set[str] = set()
    for line in lines:
        if line["type"] == "blacklist_add" and line["date"] <= rec["date"]:
            blacklisted.add(line["entity"])
        elif line["type"] == "blacklist_remove" and line["date"] <= rec["date"]:
            blacklisted.discard(line["entity"])
    capped, k, drawn, targeted, over = outsider_round(rec["seed"], rec["scope"], "0.2", checks, 1, blacklisted)
    assert [c["id"] for c in rec["capped"]] == capped and all(c["checks"] == 1 and c["cap"] == 1 for c in rec["capped"])
    assert rec["k"] == k and rec["pool"] == [i for i in rec["scope"] if i not in capped]
    assert [p["entity"] for p in rec["picks"]] == drawn + targeted
    assert [p["rank"] for p in rec["picks"]] == [rank(rec["seed"], i) for i in drawn] + [""] * len(targeted)
    assert rec["targeted"] == targeted == sorted(listed)
    assert [c["id"] for c in rec["over_cap"]] == over == [listed[0]]
    assert hashlib.sha256("".join(f"{i}\n" for i in rec["pool"]).encode()).hexdigest() == rec["pool_sha256"]
    assert "复核通过" in ok(ssj("verify")).stdout


# ------------------------------------------------------------------ properties of prepare_draw

YEAR = 2022
INSPECTORS = tuple(Inspector(f"T{n}", f"人{n}", "股", (), "在岗", "x", ()) for n in range(4))
RATIOS = [Decimal(0), Decimal("0.1"), Decimal("0.5"), Decimal(1)]


def make_task(ratio, by_risk) -> Task:
    return Task(index=1, id="t", name="任务", type="不定向", matter="m", scope_label="s", scope=("c",), ratio=ratio,
                start=date(YEAR, 1, 1), end=date(YEAR, 12, 31), department="局", inspectors_per_check=2,
                ratio_by_risk=by_risk, always_include_blacklisted=True)


def make_inputs(entities, task, cap) -> Inputs:
    plan = Plan(year=YEAR, document="文", title="计划", issued=date(YEAR, 1, 1), department="局", local_avoidance=False,
                categories={"c": "类"}, tasks=(task,), max_checks=CheckCaps(default=cap))
    return Inputs(plan, EntityTable.from_entities(entities, "data/entities.csv"), INSPECTORS, {})


def other_round(n: int, picks: tuple[str, ...]) -> Round:
    """A live round of another task of the year (the checks it counts towards the cap)."""
    ev = DrawEvent(n, n, "", "", YEAR, "other", n, "2022-01-02", record="", record_sha256="", algorithm="sha256-rank",
                   seed=f"o{n}", k=len(picks), picks=picks, new_cycle=False, cycle_picks=())
    return Round(YEAR, "other", n, ev)


def as_round(rec, seq: int) -> Round:
    ev = DrawEvent(seq, seq, "", "", rec.year, rec.task, rec.round, rec.date, record="", record_sha256="",
                   algorithm=rec.algorithm, seed=rec.seed, k=rec.k, picks=tuple(rec.pick_ids), new_cycle=rec.new_cycle,
                   cycle_picks=rec.cycle_picks, strata=tuple(StratumMark(s.grade, s.k, s.new_cycle, s.cycle_picks) for s in rec.strata),
                   targeted=rec.targeted)
    return Round(rec.year, rec.task, rec.round, ev)


IDS = st.integers(min_value=1, max_value=60).map(lambda n: f"E{n:017d}")


@settings(max_examples=50, deadline=None)
@given(
    grades=st.dictionaries(IDS, st.sampled_from(["A", "B", "C", "D", ""]), min_size=3, max_size=40),
    stratified=st.booleans(),
    ratio=st.sampled_from(RATIOS[1:]),
    by_risk=st.fixed_dictionaries({g: st.sampled_from(RATIOS) for g in "ABCD"}),
    earlier=st.lists(st.sets(IDS, max_size=15), max_size=3),
    listed=st.sets(IDS, max_size=6),
    cap=st.integers(min_value=1, max_value=3),
    order=st.randoms(use_true_random=False),
    algorithm=st.sampled_from(["sha256-rank", "rfc3797"]),
)
def test_counts_caps_additions_and_row_order(grades, stratified, ratio, by_risk, earlier, listed, cap, order, algorithm):
    entities = [Entity(i, i, "c", "镇", "在营", g) for i, g in sorted(grades.items())]
    task = make_task(ratio, tuple(sorted(by_risk.items())) if stratified else ())
    shuffled = list(entities)
    order.shuffle(shuffled)
    rounds = {(YEAR, "other", n): other_round(n, tuple(sorted(p))) for n, p in enumerate(earlier, start=1)}
    checks = year_checks(rounds, YEAR)
    blacklisted = frozenset(listed)
    seq = len(rounds) + 1
    for number in (1, 2):  # two rounds of the task: additions in each, the first round's picks count in the second
        seed = Seed(f"性质 {number}", "given", algorithm)
        try:
            rec = prepare_draw(make_inputs(entities, task, cap), rounds, DrawRequest("t", date(YEAR, 5, 1)), seed, "now", None, blacklisted)
        except Exception as exc:  # only the documented refusals: every entity capped, or every count 0
            assert type(exc).__name__ == "EmptyScope", exc
            return
        again = prepare_draw(make_inputs(shuffled, task, cap), rounds, DrawRequest("t", date(YEAR, 5, 1)), seed, "now", None, blacklisted)
        assert again == rec  # the registry's row order changes nothing
        picks = rec.pick_ids
        assert len(picks) == len(set(picks))  # no entity twice
        assert blacklisted & set(rec.scope) <= set(picks)  # always-included entities in every round
        drawn = picks[:rec.k]
        assert list(rec.targeted) == sorted(blacklisted & set(rec.scope) - set(drawn)) == picks[rec.k:]
        capped = {c.id for c in rec.capped}
        assert capped == {i for i in rec.scope if checks.get(i, 0) >= cap} - (
            {i for i in rec.scope if task.ratio_for(grades[i]) == 1})
        full = {i for i in rec.scope if task.ratio_for(grades[i]) == 1}
        over = {c.id for c in rec.over_cap}
        for i in picks:  # no entity over its cap is drawn, except the reported 100% and 定向 cases
            if checks.get(i, 0) >= cap:
                assert i in over and (i in full or i in rec.targeted)
        if stratified:
            for s in rec.strata:
                assert s.k == (0 if Decimal(s.ratio) == 0 else ceil(Fraction(Decimal(s.ratio)) * s.size))
                assert s.size == sum(1 for i in rec.scope if grades[i] == s.grade) - len(s.capped)
        else:
            assert rec.k == max(1, ceil(Fraction(ratio) * (len(rec.scope) - len(capped))))
        rounds = {**rounds, (YEAR, "t", number): as_round(rec, seq)}
        seq += 1
        checks = year_checks(rounds, YEAR)


def test_init_template_shows_the_cap_and_the_flag_commented_and_both_work_once_uncommented(tmp_path):
    from tests.helpers import Ssj

    root = tmp_path / "new"
    fresh = Ssj(root)
    ok(fresh("init", str(root), "--year", "2023"))
    path = root / "plans" / "2023.yaml"
    text = path.read_text(encoding="utf-8")
    assert "# max_checks_per_year:\n#   default: 2\n#   by_grade: {A: 1, D: 4}\n" in text
    assert "    # always_include_blacklisted: true\n" in text
    text = text.replace("# max_checks_per_year:\n#   default: 2\n#   by_grade: {A: 1, D: 4}\n",
                        "max_checks_per_year:\n  default: 2\n  by_grade: {A: 1, D: 4}\n")
    path.write_text(text.replace("    # always_include_blacklisted: true\n", "    always_include_blacklisted: true\n"), encoding="utf-8")
    from shuangsuiji.inputs.plan import load_plan

    plan = load_plan(path)
    assert plan.max_checks.text() == "每户每年最多 2 次、A 级 1 次、D 级 4 次"
    assert plan.tasks[0].always_include_blacklisted
    res = fresh("check", "--json", "--today", "2023-01-02")
    assert json.loads(res.stdout)["caps"] == {"rule": "每户每年最多 2 次、A 级 1 次、D 级 4 次", "as_of": "2023-01-02", "entities": []}
