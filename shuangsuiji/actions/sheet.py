"""``ssj sheet``: the printable draw sheet of one round, written where the clerk asked."""

from __future__ import annotations

from pathlib import Path

from shuangsuiji.actions.output import SHEET, check_output
from shuangsuiji.actions.reading import (
    default_year,
    events_of,
    plan_of,
    read_record,
)
from shuangsuiji.errors import InputErrors
from shuangsuiji.files.text import atomic_write_bytes
from shuangsuiji.ledger.state import build_rounds, find_round
from shuangsuiji.records import Plan
from shuangsuiji.workspace import Workspace


def sheet_path(ws: Workspace, year: int, task: str, number: int) -> Path:
    """Where ``ssj sheet`` puts the sheet when no ``--out`` is given."""
    return ws.year_dir(year) / f"{task}-r{number}-sheet.html"


def write_sheet(ws: Workspace, task: str, number: int | None, out: Path | None, year: int | None, force: bool = False) -> Path:
    """Render the sheet of the round (the latest live one when ``number`` is None) and write it; returns its path.

    Raises:
        RoundNotFound, UnknownTask, PlanNotFound: the round or its plan is not there.
        LedgerCorrupt: the record file is missing or not the bytes the ledger holds.
        OutputRefused: ``out`` is one of ssj's own files, or exists and ``force`` is not given.
    """
    from shuangsuiji.render.sheet import DrawFacts, render_sheet

    if out is not None:
        check_output(ws, out, SHEET, force)
    rounds = build_rounds(events_of(ws))
    y = default_year(ws, rounds, task, year)
    plan = plan_of(ws, y)
    t = plan.get_task(task)
    r = find_round(rounds, y, task, number)
    rec = read_record(ws, r)
    facts = DrawFacts(
        seq=r.draw.seq, at=r.draw.at, record_path=ws.show(ws.draws_dir / r.draw.record),
        record_sha256=r.draw.record_sha256, ledger_path=ws.show(ws.ledger_path), line_sha256=r.draw.digest,
    )
    void = f"{r.void.date}：{r.void.reason}" if r.void else None
    data = render_sheet(plan, t, rec, facts, inspector_names(ws, plan), void)
    path = out if out is not None else sheet_path(ws, y, task, r.number)
    atomic_write_bytes(path, data)
    return path


def inspector_names(ws: Workspace, plan: Plan) -> dict[str, str]:
    """Names of inspectors from the current registry, for those the record names only by id; {} when unreadable."""
    from shuangsuiji.files.tables import read_table
    from shuangsuiji.inputs.inspectors import INSPECTOR_COLUMNS

    try:
        table = read_table(ws.inspectors_path, ws.show(ws.inspectors_path), INSPECTOR_COLUMNS)
    except InputErrors:
        return {}
    return {row["id"]: row["name"] for _, row in table.rows}
