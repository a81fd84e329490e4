"""What the listing commands show, read from the workspace: ``ssj plan``, ``ssj draws``, ``ssj results``.

Each function reads the plan or folds the ledger and returns plain rows or frozen views;
the CLI only renders them.
"""

from __future__ import annotations

from dataclasses import dataclass

from shuangsuiji.actions.reading import events_of, pick_names
from shuangsuiji.errors import BadOptions, RoundNotFound
from shuangsuiji.ledger.chain import LedgerEvent
from shuangsuiji.ledger.events import CommitEvent
from shuangsuiji.ledger.state import Round, build_commits, build_rounds
from shuangsuiji.records import Plan
from shuangsuiji.workspace import Workspace


def plan_view(ws: Workspace, year: int | None) -> tuple[Plan, list[dict]]:
    """The year's plan (the newest when ``year`` is None) and its rows as the plan's annex table shows them."""
    from shuangsuiji.inputs.plan import load_plan, plan_rows

    y = ws.resolve_year(year)
    plan = load_plan(ws.plan_path(y), ws.show(ws.plan_path(y)))
    return plan, plan_rows(plan)


def _rounds_in_order(events: list[LedgerEvent]) -> list[Round]:
    return sorted(build_rounds(events).values(), key=lambda r: r.draw.seq)


def draw_rows(ws: Workspace, year: int | None) -> list[dict]:
    """Every drawn round and every open commitment (of one year, or all), in ledger order, as ``ssj draws`` lists them.

    Each row's ``state`` (``codes.DRAW_ROW_STATES``) tells them apart: "drawn" and "voided" rounds, and
    "committed" for a commitment neither revealed nor voided yet (``seed`` None, ``record`` its commitment file,
    ``seq`` its commit line). ``source_plan`` and ``source_date`` name a commitment's public source; a round
    revealed from a commitment has its commitment's, a one-step round None.
    """
    events = events_of(ws)
    commits = build_commits(events)
    revealed = {c.reveal.seq: c.event for c in commits if c.reveal is not None}
    rows = [_round_row(r, revealed.get(r.draw.seq)) for r in _rounds_in_order(events)]
    rows += [_commit_row(c.event) for c in commits if c.open]
    return sorted((row for row in rows if year is None or row["year"] == year), key=lambda row: row["seq"])


def _round_row(r: Round, commit: CommitEvent | None) -> dict:
    return {
        "year": r.year, "task": r.task, "round": r.number, "date": r.draw_date, "seed": r.draw.seed,
        "algorithm": r.draw.algorithm, "k": r.draw.k, "voided": r.voided,
        "void_reason": r.void.reason if r.void else None, "record": r.draw.record, "seq": r.draw.seq,
        "state": "voided" if r.voided else "drawn",
        "source_plan": commit.source_plan if commit else None, "source_date": commit.source_date if commit else None,
    }


def _commit_row(c: CommitEvent) -> dict:
    return {
        "year": c.year, "task": c.task, "round": c.round, "date": c.date, "seed": None, "algorithm": c.algorithm,
        "k": c.k, "voided": False, "void_reason": None, "record": c.record, "seq": c.seq, "state": "committed",
        "source_plan": c.source_plan, "source_date": c.source_date,
    }


@dataclass(frozen=True)
class RoundResults:
    """One round as ``ssj results`` shows it: the round and one row per pick (``results.check.round_results``)."""

    round: Round
    rows: tuple[dict, ...]

    @property
    def done(self) -> int:
        """Picks checked: with a result (in a joint round, with every department's)."""
        return sum(1 for row in self.rows if row.get("checked", bool(row["result"])))


def results_view(ws: Workspace, task: str | None, number: int | None, year: int | None) -> list[RoundResults]:
    """The rounds asked for with their results; voided rounds only when asked for by number.

    Raises:
        SsjError: ``number`` without ``task``.
        PlanNotFound: ``year`` has no plan.
        RoundNotFound: the round asked for is not in the ledger.
    """
    from shuangsuiji.results.check import round_results

    if number is not None and task is None:
        raise BadOptions("--round 须与 --task 一起使用", "例如 ssj results --task hazchem --round 1")
    if year is not None:
        ws.resolve_year(year)
    chosen = [
        r for r in _rounds_in_order(events_of(ws))
        if (year is None or r.year == year) and (task is None or r.task == task) and (number is None or r.number == number)
        and (not r.voided or number is not None)
    ]
    if number is not None and not chosen:
        raise RoundNotFound(f"没有找到任务 {task} 的第 {number} 轮", "请用 ssj draws 查看已有的轮次")
    return [RoundResults(r, tuple(round_results(r, pick_names(ws, r), _department_names(ws, r)))) for r in chosen]


def _department_names(ws: Workspace, r: Round) -> dict[str, str]:
    """A joint round's department code -> name, as its draw record holds them; {} for any other round."""
    if not r.departments:
        return {}
    from shuangsuiji.actions.draw import load_record

    return {d.code: d.name for d in load_record(ws, r.draw).departments}
