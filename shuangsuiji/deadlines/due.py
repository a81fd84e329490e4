"""Publication deadlines (一公开): where each round stands and when its results must be public.

The plan (section 七) says the check must finish within the task's period, and the results
go public within 7 working days after the check ends. In terms of the ledger:

- A round is **complete** when every pick has a result; its **check end** is the latest
  result date (corrections included: the result in force counts).
- Its **due date** is the 7th working day after the check end, the end day not counted
  (``workdays.publication_due``).
- A round still missing results when the task's period ends is **late** (逾期未完成); its
  due date then counts from the period end, and stays there when the results come in
  later: being late does not buy more time. So in every case the due date counts from
  ``min(check end, period end)``, or from the period end while the check is open.
- A round is **published** once it has a publish event that is not ``partial``.
- A complete round whose check end is after the task's period **finished late**
  (逾期完成, ``finished_late``): publish-due and the report both say so, in the words of
  ``check_end_text``, whatever its publication state.

States of a round not yet published, given today:

=================  ==========  =====================================================
state              shown       when
=================  ==========  =====================================================
``checking``       检查中       results missing, the period not yet over
``incomplete_late`` 逾期未完成   results missing, the period over
``pending``        待公示       complete, today on or before the due date
``publish_late``   逾期未公示   complete, today after the due date
=================  ==========  =====================================================

Levels: ``overdue`` (逾期) for the two late states; ``near`` (临近) for a pending round
with 2 working days or fewer left, or a round in check whose period ends within 2
working days; ``normal`` (正常) otherwise. ``workdays_left`` always counts the working
days from today to the due date (today not counted, the due date counted; negative once
it has passed).

Everything here is pure: rounds, tasks, a ``WorkCalendar`` and today go in, frozen
``DueItem`` records come out. Reading the ledger, plans and calendar files is the caller's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Iterable, Mapping

from shuangsuiji.codes import LEVELS, STATES
from shuangsuiji.deadlines.workdays import WorkCalendar, publication_due
from shuangsuiji.ledger.state import Round
from shuangsuiji.records import Task

NEAR_WORKDAYS = 2
JSON_KEYS = ("task", "round", "state", "check_end", "due", "workdays_left", "level", "provisional")


@dataclass(frozen=True, slots=True)
class Deadline:
    """When a round's results are due, and what the due date counts from."""

    check_end: date | None  # latest result date, once every pick has one
    counted_from: date  # min(check_end, period end), or the period end while incomplete
    due: date
    provisional: bool  # some day on the way had no holiday data: weekends-only rule
    late_check: bool  # the check did not finish within the task's period (so far)
    missing_years: tuple[int, ...]  # years to add calendar/<year>.yaml for


@dataclass(frozen=True, slots=True)
class DueItem:
    """One round not yet published, as ``ssj publish-due`` lists it; sorts by due date."""

    due: date
    year: int
    task: str
    round: int
    state: str  # a key of STATES
    level: str  # a key of LEVELS
    check_end: date | None
    period_end: date
    workdays_left: int
    provisional: bool
    late_check: bool
    picks: int
    missing: int  # picks without a result
    missing_years: tuple[int, ...]

    @property
    def state_text(self) -> str:
        return STATES[self.state]

    @property
    def level_text(self) -> str:
        return LEVELS[self.level]

    def to_json(self) -> dict:
        return {
            "task": self.task,
            "round": self.round,
            "state": self.state,
            "check_end": self.check_end.isoformat() if self.check_end else None,
            "due": self.due.isoformat(),
            "workdays_left": self.workdays_left,
            "level": self.level,
            "provisional": self.provisional,
        }


def check_end_date(r: Round) -> date | None:
    end = r.check_end()
    return date.fromisoformat(end) if end else None


def deadline(r: Round, task: Task, cal: WorkCalendar) -> Deadline:
    """The round's due date: the task's working days (7 unless the plan says otherwise) after min(check end, period end)."""
    end = check_end_date(r)
    counted_from = task.end if end is None else min(end, task.end)
    due, provisional = publication_due(counted_from, cal, task.publish_within_workdays)
    late = end is None or end > task.end
    return Deadline(end, counted_from, due, provisional, late, tuple(cal.missing_years(counted_from, due)))


LATE_CHECK_TEXT = "逾期完成"  # the one wording, in publish-due and in the report


def finished_late(dl: Deadline) -> bool:
    """The check is complete and its last result is dated after the task's period (逾期完成)."""
    return dl.late_check and dl.check_end is not None


def check_end_text(check_end: date | None, late: bool) -> str:
    """The check end as publish-due and the report show it: 2022-07-05（逾期完成）, or — while open."""
    if check_end is None:
        return "—"
    return check_end.isoformat() + (f"（{LATE_CHECK_TEXT}）" if late else "")


def is_published(r: Round) -> bool:
    """True once a full (not partial) publication is in the ledger."""
    return any(not p.partial for p in r.publications)


def due_item(r: Round, task: Task, cal: WorkCalendar, today: date) -> DueItem:
    """Where one round stands today."""
    dl = deadline(r, task, cal)
    left, _ = cal.workdays_between(today, dl.due)
    if dl.check_end is None:
        if today <= task.end:
            state = "checking"
            to_period_end, _ = cal.workdays_between(today, task.end)
            level = "near" if to_period_end <= NEAR_WORKDAYS else "normal"
        else:
            state, level = "incomplete_late", "overdue"
    elif today <= dl.due:
        state = "pending"
        level = "near" if left <= NEAR_WORKDAYS else "normal"
    else:
        state, level = "publish_late", "overdue"
    return DueItem(
        due=dl.due, year=r.year, task=r.task, round=r.number, state=state, level=level,
        check_end=dl.check_end, period_end=task.end, workdays_left=left, provisional=dl.provisional,
        late_check=finished_late(dl), picks=len(r.picks), missing=len(r.missing()),
        missing_years=dl.missing_years,
    )


def due_list(
    rounds: Iterable[Round],
    tasks: Mapping[tuple[int, str], Task],
    cal: WorkCalendar,
    today: date,
) -> list[DueItem]:
    """Every live, unpublished round, sorted by due date (then year, task order, round).

    ``tasks`` maps (year, task id) to the plan's task; every round passed must have one.
    """
    items = []
    for r in rounds:
        if r.voided or is_published(r):
            continue
        items.append(due_item(r, tasks[(r.year, r.task)], cal, today))
    order = {key: t.index for key, t in tasks.items()}
    return sorted(items, key=lambda i: (i.due, i.year, order.get((i.year, i.task), 0), i.task, i.round))


def on_time(day: date, dl: Deadline) -> bool:
    """A publication on ``day`` meets the deadline when it is on or before the due date."""
    return day <= dl.due
