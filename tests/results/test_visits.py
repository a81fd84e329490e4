"""results.visits.overlapping, the pure core of ssj visits, on rounds folded from inline ledger lines."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from shuangsuiji.ledger.chain import LedgerEvent
from shuangsuiji.ledger.state import build_rounds
from shuangsuiji.records import Plan, Task
from shuangsuiji.results.visits import overlapping


def task(index: int, tid: str, start: str, end: str) -> Task:
    return Task(index, tid, f"示例任务{tid}", "定向", "事项", "范围", ("c",), None, date.fromisoformat(start), date.fromisoformat(end),
                "示例局", 2)


PLAN = Plan(2022, "示例〔2022〕1号", "示例计划", date(2022, 1, 1), "示例局", False, {"c": "类别"}, (
    task(1, "a", "2022-01-01", "2022-03-31"),
    task(2, "b", "2022-03-01", "2022-05-31"),
    task(3, "c", "2022-05-01", "2022-07-31"),
    task(4, "d", "2022-09-01", "2022-09-30"),
))


def draw(seq: int, tid: str, picks: list[str], number: int = 1) -> LedgerEvent:
    data = {"year": 2022, "task": tid, "round": number, "date": "2022-01-01", "record": f"2022/{tid}-r{number}.json",
            "record_sha256": "0" * 64, "algorithm": "sha256-rank", "seed": f"s{seq}", "k": len(picks), "picks": picks,
            "new_cycle": False, "cycle_picks": []}
    return LedgerEvent(seq, "draw", "2022-01-01T10:00:00+08:00", "0" * 64, data, seq, f"{seq:064x}")


def groups(events):
    return [(g.entity, [r.task for r in g.rounds], g.start and g.start.isoformat(), g.end and g.end.isoformat())
            for g in overlapping(PLAN, build_rounds(events).values())]


def test_pairs_chains_and_gaps():
    events = [draw(1, "a", ["E1", "E2", "E3"]), draw(2, "b", ["E1", "E3"]), draw(3, "c", ["E1", "E4"]), draw(4, "d", ["E1", "E2", "E4"])]
    assert groups(events) == [
        ("E3", ["a", "b"], "2022-03-01", "2022-03-31"),  # a and b share March
        ("E1", ["a", "b", "c"], None, None),  # a-b and b-c overlap, a and c do not: one group, no common window
    ]  # E2 (a, d) and E4 (c, d): the periods do not overlap; d stands alone for E1


def test_one_task_twice_is_no_co_visit_and_voided_rounds_do_not_count():
    events = [draw(1, "b", ["E1"]), draw(2, "b", ["E1"], 2)]
    assert groups(events) == []
    voided = [draw(1, "a", ["E1"]), draw(2, "b", ["E1"]),
              replace(draw(3, "b", []), type="void", data={"year": 2022, "task": "b", "round": 1, "date": "2022-03-02", "reason": "示例"})]
    assert groups(voided) == []
