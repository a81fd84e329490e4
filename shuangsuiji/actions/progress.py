"""``ssj record`` as the CLI calls it: read the rows, record them, and report each touched round's progress."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from shuangsuiji.actions.reading import plan_of, work_calendar
from shuangsuiji.actions.record import Recorded, record_results
from shuangsuiji.errors import InputErrors
from shuangsuiji.ledger.state import Round, RoundKey
from shuangsuiji.results.check import ResultRow
from shuangsuiji.workspace import Workspace


@dataclass(frozen=True)
class RoundProgress:
    """How far one round is: results recorded of picks, and its deadline (``deadlines.due.DueItem``)."""

    year: int
    task: str
    round: int
    done: int
    picks: int
    item: object  # the DueItem

    def to_json(self) -> dict:
        return {"year": self.year, "done": self.done, "picks": self.picks, **self.item.to_json()}


@dataclass(frozen=True)
class RecordOutcome:
    recorded: Recorded
    progress: tuple[RoundProgress, ...]
    warnings: tuple[str, ...]  # the check's warnings, then any note about the deadline


def record_command(
    ws: Workspace,
    source: Path | None,
    single: ResultRow | None,
    today: date,
    year: int | None = None,
    task: str | None = None,
    number: int | None = None,
    department: str | None = None,
) -> RecordOutcome:
    """Record the rows of ``source`` (a CSV/XLSX) or the one ``single`` row, all or nothing.

    Raises InputErrors (nothing written) when any row is wrong.
    """
    from shuangsuiji.results.check import read_result_file

    rows = read_result_file(source, source.as_posix()) if source is not None else [single] if single else []
    done = record_results(ws, rows, today, year, task, number, department)
    progress, notes = round_progress(ws, done.year, done.checked.rounds, today, done.rounds)
    return RecordOutcome(done, progress, tuple(done.checked.warnings) + notes)


def round_progress(
    ws: Workspace, year: int, touched, day: date, rounds: Mapping[RoundKey, Round]
) -> tuple[tuple[RoundProgress, ...], tuple[str, ...]]:
    """Per round touched (in ``rounds``, the ledger as record_results left it): how many picks have
    results, and the deadline. Never fails the command."""
    from shuangsuiji.deadlines.due import due_item

    try:
        cal = work_calendar(ws)
    except InputErrors as exc:
        return (), (f"节假日文件有误，未能计算公示期限（{exc.items[0].render()}）；请运行 ssj check",)
    plan = plan_of(ws, year)
    out = []
    for task_id, number in touched:
        item = due_item(rounds[(year, task_id, number)], plan.get_task(task_id), cal, day)
        out.append(RoundProgress(year, task_id, number, item.picks - item.missing, item.picks, item))
    return tuple(out), ()
