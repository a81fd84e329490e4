"""``ssj sheet``: the printable draw sheet of one round, written where the clerk asked."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from shuangsuiji.actions.output import SHEET, check_output
from shuangsuiji.actions.reading import (
    default_year,
    events_of,
    plan_of,
    read_record,
)
from shuangsuiji.errors import InputErrors, NoCommitment
from shuangsuiji.files.text import atomic_write_bytes
from shuangsuiji.ledger.state import build_commits, build_rounds, find_round
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
    data = render_sheet(plan, t, rec, facts, inspector_names(ws, plan), void, r.replacements)
    path = out if out is not None else sheet_path(ws, y, task, r.number)
    atomic_write_bytes(path, data)
    return path


@dataclass(frozen=True)
class CommitSheet:
    """What ``write_commit_sheet`` wrote, and what became of the commitment ("" while it is open)."""

    path: Path
    closed: str


def write_commit_sheet(ws: Workspace, task: str, number: int | None, out: Path | None, year: int | None, force: bool = False) -> CommitSheet:
    """Render the commitment (two-phase draw) of the task's latest commitment, or of round ``number``, and write it.

    An ``out`` ending in ``.txt`` gets the commitment text itself, the exact UTF-8 bytes whose SHA-256
    is the commitment's (``sha256sum`` of the published file prints it), instead of the printable page.

    Raises:
        NoCommitment: the task (or that round) has no commitment.
        LedgerCorrupt: the commitment file is missing or not the bytes the ledger holds.
        OutputRefused: as for ``write_sheet``.
    """
    from shuangsuiji.actions.commit import read_commitment
    from shuangsuiji.render.sheet import DrawFacts, render_commitment_sheet

    if out is not None:
        check_output(ws, out, SHEET, force)
    events = events_of(ws)
    y = year if year is not None else ws.resolve_year(None)
    mine = [c for c in build_commits(events) if c.event.year == y and c.event.task == task and number in (None, c.event.round)]
    if not mine:
        which = f"第 {number} 轮" if number is not None else ""
        raise NoCommitment(f"{y} 年任务 {task}{which}没有摇号承诺", f"请先运行 ssj draw --task {task} --commit --source-plan ... --source-numbers ... --source-date ...")
    c = mine[-1]
    ev = c.event
    facts = DrawFacts(seq=ev.seq, at=ev.at, record_path=ws.show(ws.draws_dir / ev.record), record_sha256=ev.record_sha256,
                      ledger_path=ws.show(ws.ledger_path), line_sha256=ev.digest)
    void = f"{c.void.date}：{c.void.reason}" if c.void else None
    revealed = f"{c.reveal.date}，账本第 {c.reveal.seq} 号事件，{c.reveal.record}" if c.reveal else None
    commitment = read_commitment(ws, ev)
    if out is not None and out.suffix.lower() == ".txt":
        data = commitment.text.encode("utf-8")
    else:
        data = render_commitment_sheet(commitment, facts, void, revealed)
    path = out if out is not None else ws.draws_dir / Path(ev.record).with_name(Path(ev.record).stem + "-sheet.html")
    atomic_write_bytes(path, data)
    closed = f"该承诺已于 {c.void.date} 作废" if c.void else f"该承诺已于 {c.reveal.date} 揭晓" if c.reveal else ""
    return CommitSheet(path, closed)


def inspector_names(ws: Workspace, plan: Plan) -> dict[str, str]:
    """Names of inspectors from the current registry, for those the record names only by id; {} when unreadable."""
    from shuangsuiji.files.tables import read_table
    from shuangsuiji.inputs.inspectors import INSPECTOR_COLUMNS

    try:
        table = read_table(ws.inspectors_path, ws.show(ws.inspectors_path), INSPECTOR_COLUMNS)
    except InputErrors:
        return {}
    return {row["id"]: row["name"] for _, row in table.rows}
