"""The credit archive's pure core (results.credit): an inline ledger folded, one entity's history, the list of findings."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from shuangsuiji.draw.record import parse_record
from shuangsuiji.ledger.blacklist import history
from shuangsuiji.ledger.chain import LedgerEvent
from shuangsuiji.ledger.state import build_rounds
from shuangsuiji.records import CheckCaps, Entity
from shuangsuiji.results.credit import YearCap, archive, finding_rows, finding_tallies, rounds_of, tally
from tests.helpers import REPO

A, B, C, D, G = "91140428MA00000A01", "91140428MA00000B02", "91140428MA00000C03", "91140428MA00000D04", "91140428MA00000G05"
REG = {A: Entity(A, "示例甲公司", "coal_mine", "丹朱镇", "在营", "C"), B: Entity(B, "示例乙公司", "coal_mine", "鲍店镇", "在营", "")}


def ev(seq: int, kind: str, **data) -> LedgerEvent:
    return LedgerEvent(seq, kind, "2022-01-01T10:00:00+08:00", "0" * 64, data, seq, f"{seq:064x}")


def draw(seq, year, task, number, day, picks):
    return ev(seq, "draw", year=year, task=task, round=number, date=day, record=f"{year}/{task}-r{number}.json",
              record_sha256="0" * 64, algorithm="sha256-rank", seed=f"s{seq}", k=len(picks), picks=picks,
              new_cycle=False, cycle_picks=[])


def result(seq, year, task, number, entity, day, code, measures=""):
    return ev(seq, "result", year=year, task=task, round=number, entity=entity, date=day, result=code, measures=measures, note="")


LEDGER = [
    draw(1, 2022, "coal", 1, "2022-03-01", [A, B]),
    result(2, 2022, "coal", 1, A, "2022-03-10", "no_problem"),
    result(3, 2022, "coal", 1, A, "2022-03-12", "rectify", "责令限期整改"),  # corrects seq 2
    result(4, 2022, "coal", 1, B, "2022-03-11", "penalty"),
    ev(5, "publish", year=2022, task="coal", round=1, date="2022-03-20", check_end="2022-03-12", due="2022-03-21",
       provisional=False, on_time=True, partial=False, entities=[A, B], files=[]),
    draw(6, 2022, "hazchem", 1, "2022-04-01", [A, C]),
    result(7, 2022, "hazchem", 1, A, "2022-04-05", "judicial"),
    ev(8, "void", year=2022, task="hazchem", round=1, date="2022-04-06", reason="见证人未到场"),
    draw(9, 2022, "hazchem", 2, "2022-04-08", [C, D]),
    ev(10, "replace", year=2022, task="hazchem", round=2, date="2022-04-09", target="entity", entity=D, replacement=A,
       reason="suspended", note="", inspector="", name="", position=3, pick={"entity": A, "name": "示例甲公司"},
       out_inspectors=["i1", "i2"], load={}, skipped=[]),
    ev(11, "blacklist_add", entity=A, name="示例甲公司", date="2022-05-01", reason="严重违法失信", basis="决定书 1 号"),
    draw(12, 2023, "coal", 1, "2023-03-01", [A, B]),
    result(13, 2023, "coal", 1, A, "2023-03-05", "transfer"),
    ev(14, "blacklist_remove", entity=A, name="示例甲公司", date="2023-06-01", reason="信用修复"),
]


def test_one_entity_across_years_rounds_voids_corrections_replacements_and_the_blacklist():
    rounds = build_rounds(LEDGER)
    mine = rounds_of(A, rounds.values())
    assert [(r.year, r.task, r.number) for r in mine] == [(2022, "coal", 1), (2022, "hazchem", 1), (2022, "hazchem", 2), (2023, "coal", 1)]
    a = archive(A, REG[A], mine, {}, list(history(LEDGER)[A]), False, "2023-12-31", 0, {"coal_mine": "煤矿"})
    coal, haz1, haz2, coal23 = a.checks
    assert (coal.result.result, [e.result for e in coal.corrected], coal.published) == ("rectify", ["no_problem"], (("2022-03-20", False),))
    assert haz1.voided and haz1.void_reason == "见证人未到场" and not haz1.live
    assert haz2.how == "replaced_in" and haz2.replaced_in.out == D and haz2.replaced_in.reason_text == "停产"
    assert coal23.result.result == "transfer"
    assert all(c.record_missing and c.team == () for c in a.checks)  # no record given: the team is unknown
    # the voided round's judicial result counts nowhere
    assert (a.tally.drawn, a.tally.inspected, a.tally.found, a.tally.last_finding) == (3, 2, 2, "2023-03-05")
    assert [(b.added, b.date) for b in a.blacklist] == [(True, "2022-05-01"), (False, "2023-06-01")]
    js = a.to_json()
    assert js["category_label"] == "煤矿" and js["risk"] == "C" and js["tally"]["results"]["rectify"] == 1
    assert js["checks"][0]["corrections"][0]["seq"] == 2 and js["checks"][2]["replaced_in"]["in"] == A


def test_an_entity_replaced_out_keeps_the_round_with_who_replaced_it():
    rounds = build_rounds(LEDGER)
    (r,) = rounds_of(D, rounds.values())
    a = archive(D, None, [r], {r.key: None}, [], False, "2023-12-31")
    (c,) = a.checks
    assert c.replaced_out.came == A and c.how == "drawn" and not c.live
    assert a.tally.drawn == 0 and a.name == "" and a.to_json()["in_registry"] is False


def test_the_team_comes_from_the_draw_record():
    rec = parse_record((REPO / "examples" / "2022" / "draws" / "2022" / "coal-r1.json").read_bytes())
    entity = rec.picks[2].entity
    rounds = build_rounds([draw(1, 2022, "coal", 1, "2022-03-15", [p.entity for p in rec.picks])])
    (r,) = rounds_of(entity, rounds.values())
    a = archive(entity, None, [r], {r.key: rec}, [], False, "2022-12-31")
    assert a.checks[0].team == tuple(zip(rec.picks[2].inspectors, rec.picks[2].inspector_names))
    assert a.checks[0].task_name == rec.task_name and a.name == rec.picks[2].name  # out of the registry: the record's name


def test_findings_list_counts_results_in_force_of_live_rounds_by_year():
    rounds = build_rounds(LEDGER).values()
    every = {t.entity: t for t in finding_tallies(rounds)}
    assert set(every) == {A, B}
    assert every[A].results["rectify"] == 1 and every[A].results["transfer"] == 1 and every[A].results["judicial"] == 0
    assert (every[A].inspected, every[A].found, every[A].last.date, every[A].last_round) == (2, 2, "2023-03-05", (2023, "coal", 1))
    only = {t.entity: t for t in finding_tallies(rounds, 2022)}
    assert only[A].last.date == "2022-03-12" and only[A].found == 1
    rows = finding_rows(every.values(), REG.get, {}, {"coal_mine": "煤矿"}, frozenset({B}))
    assert [(r.entity, r.last_date, r.blacklisted, r.category) for r in rows] == [
        (A, "2023-03-05", False, "煤矿"), (B, "2022-03-11", True, "煤矿")]
    assert rows[0].to_json()["results"] == {"rectify": 1, "penalty": 0, "transfer": 1, "judicial": 0}
    assert rows[0].last_measures == "移交有权监管部门处理"  # no measures written: the published default


def test_rows_on_the_same_day_go_by_id_and_names_of_entities_out_of_the_registry_come_from_the_caller():
    ledger = [draw(1, 2022, "coal", 1, "2022-03-01", [B, C, A]),
              *(result(i + 2, 2022, "coal", 1, e, "2022-03-05", "rectify") for i, e in enumerate([C, B, A]))]
    rows = finding_rows(finding_tallies(build_rounds(ledger).values()), REG.get, {C: "示例丙公司"}, {}, frozenset())
    assert [(r.entity, r.name) for r in rows] == [(A, "示例甲公司"), (B, "示例乙公司"), (C, "示例丙公司")]


codes = st.sampled_from(["no_problem", "rectify", "penalty", "transfer", "judicial", "not_operating"])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from([A, B, C]), codes, st.integers(1, 28)), max_size=20))
def test_archive_tally_and_list_agree(results):
    """One round, results in any order: the entity's archive and the list count the same results in force."""
    ledger = [draw(1, 2022, "coal", 1, "2022-01-01", [A, B, C])]
    ledger += [result(i + 2, 2022, "coal", 1, e, f"2022-02-{d:02d}", code) for i, (e, code, d) in enumerate(results)]
    rounds = build_rounds(ledger)
    listed = {t.entity: t for t in finding_tallies(rounds.values())}
    for e in (A, B, C):
        t = tally(archive(e, None, rounds_of(e, rounds.values()), {}, [], False, "2022-12-31").checks)
        current = [code for (x, code, _) in results if x == e][-1:]  # the last one recorded is in force
        assert t.inspected == len(current)
        assert (e in listed) == (t.found > 0) == bool(current and current[0] not in ("no_problem", "not_operating"))
        if e in listed:
            assert listed[e].results == t.results


def test_caps_count_the_live_checks_of_each_year_against_its_plan():
    mine = rounds_of(A, build_rounds(LEDGER).values())
    caps = {2022: CheckCaps(default=5, by_grade={"C": 2}), 2023: None}
    a = archive(A, REG[A], mine, {}, [], False, "2023-12-31", 0, {}, caps)
    # 2022: coal r1 and hazchem r2 (replaced in); hazchem r1 is voided and does not count. 2023: no cap.
    assert a.caps == (YearCap(2022, 2, 2),) and a.caps[0].reached
    assert a.to_json()["caps"] == [{"year": 2022, "checks": 2, "cap": 2, "reached": True}]
    lower = archive(A, REG[A], mine, {}, [], False, "2023-12-31", 0, {}, {2022: CheckCaps(by_category={"coal_mine": 3})})
    assert lower.caps == (YearCap(2022, 2, 3),) and not lower.caps[0].reached
    assert archive(A, None, mine, {}, [], False, "2023-12-31", 0, {}, caps).caps == ()  # out of the registry: no grade to cap by
    assert archive(A, REG[A], mine, {}, [], False, "2023-12-31").caps == ()
