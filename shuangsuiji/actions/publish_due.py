"""ssj publish-due: every live, unpublished round with its deadline."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from shuangsuiji.actions.reading import (
    calendar_warnings,
    events_until,
    later_note,
    plan_of,
    work_calendar,
)
from shuangsuiji.deadlines.due import DueItem, due_list, is_published
from shuangsuiji.ledger.state import build_rounds
from shuangsuiji.records import Plan, Task
from shuangsuiji.workspace import Workspace


@dataclass(frozen=True)
class DueReport:
    items: tuple[DueItem, ...]
    warnings: tuple[str, ...]
    task_names: dict[tuple[int, str], str] = field(default_factory=dict)  # (year, task) -> the plan's task name
    left_out: int = 0  # ledger events dated after today, not counted
    cut_off: str = ""  # what to say about them; "" when none


def due_report(ws: Workspace, today: date, year: int | None = None) -> DueReport:
    """Every live, unpublished round (of one year, or all years in the ledger) with its deadline,
    as the ledger stood at the end of ``today``."""
    if year is not None:
        ws.resolve_year(year)
    events, left_out = events_until(ws, today)
    cal = work_calendar(ws)
    open_rounds = [
        r for r in build_rounds(events).values()
        if not r.voided and not is_published(r) and (year is None or r.year == year)
    ]
    tasks: dict[tuple[int, str], Task] = {}
    plans: dict[int, Plan] = {}
    for r in open_rounds:
        if r.year not in plans:
            plans[r.year] = plan_of(ws, r.year)
        tasks[(r.year, r.task)] = plans[r.year].get_task(r.task)
    items = due_list(open_rounds, tasks, cal, today)
    warnings = calendar_warnings(ws, sorted({y for i in items for y in i.missing_years}))
    return DueReport(tuple(items), tuple(warnings), {key: t.name for key, t in tasks.items()}, left_out, later_note(left_out, today))
