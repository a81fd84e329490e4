"""ssj visits: the co-visits (同一企业多次上门) of a year, as of a day, and their XLSX file.

Reads only: the year's plan, the ledger as it stood at the end of ``today`` (folded once), and
the draw records of the rounds a co-visit names (not every record of the year). The pure
``results.visits`` finds and arranges them; ``--xlsx`` goes through the one output rule
(``actions.output``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from shuangsuiji.actions.output import REPORT, check_output, write_output
from shuangsuiji.actions.reading import events_until, plan_of, read_record
from shuangsuiji.draw.record import DrawRecord
from shuangsuiji.errors import SsjError
from shuangsuiji.ledger.state import build_rounds
from shuangsuiji.results.visits import CoVisit, co_visit_rows, overlapping
from shuangsuiji.workspace import Workspace


@dataclass(frozen=True)
class Visits:
    """``ssj visits``: the year's co-visits as of the end of ``today``."""

    year: int
    today: str
    left_out: int  # ledger events dated after today, not counted
    rows: tuple[CoVisit, ...]

    def to_json(self) -> dict:
        return {"year": self.year, "today": self.today, "left_out": self.left_out, "visits": [v.to_json() for v in self.rows]}


def visits_view(ws: Workspace, year: int | None, today: date) -> Visits:
    """The co-visits of ``year`` (the newest plan's year when None).

    Raises:
        PlanNotFound: ``year`` has no plan.
        InputErrors, LedgerCorrupt: as ``ssj check`` and ``ssj verify`` would.
    """
    y = ws.resolve_year(year)
    plan = plan_of(ws, y)
    events, left_out = events_until(ws, today)
    live = [r for r in build_rounds(events).values() if r.year == y and not r.voided]
    groups = overlapping(plan, live)
    records: dict = {}
    for g in groups:
        for r in g.rounds:
            if r.key not in records:
                records[r.key] = _record(ws, r)
    return Visits(y, today.isoformat(), left_out, tuple(co_visit_rows(plan, groups, records)))


def _record(ws: Workspace, r) -> DrawRecord | None:
    try:
        return read_record(ws, r)
    except SsjError:  # missing or altered: ssj verify says so; the team is shown as unknown
        return None


def check_visits_path(ws: Workspace, out: Path, force: bool) -> None:
    """Refuse ``out`` before any work (OutputRefused, exit 2, nothing written)."""
    check_output(ws, out, REPORT, force, "--xlsx", "合并上门.xlsx")


def write_visits(ws: Workspace, out: Path, data: bytes, force: bool) -> None:
    write_output(ws, out, data, REPORT, force, "--xlsx", "合并上门.xlsx")
