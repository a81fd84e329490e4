"""ssj credit: read an entity's credit archive (诚信档案), or the list of entities with findings, as of a day.

Reads only: the ledger as it stood at the end of ``today`` (loaded once, folded once into
rounds and once into the blacklist), the entity registry, and the draw records of the
rounds the entity was in (for the teams). ``results.credit`` arranges them; ``--csv`` and
``--xlsx`` files are written through the one output rule (``actions.output``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from shuangsuiji.actions.output import REPORT, check_output, write_output
from shuangsuiji.actions.reading import (
    entity_key,
    events_until,
    pick_names,
    plan_of,
    read_record,
    unknown_entity,
)
from shuangsuiji.draw.record import DrawRecord
from shuangsuiji.errors import PlanNotFound, SsjError
from shuangsuiji.inputs.entities import load_entity_table
from shuangsuiji.ledger.blacklist import stays
from shuangsuiji.ledger.state import Round, RoundKey, build_rounds
from shuangsuiji.records import CheckCaps
from shuangsuiji.results.credit import Archive, FindingRow, archive, finding_rows, finding_tallies, rounds_of
from shuangsuiji.workspace import Workspace


def _registry(ws: Workspace):
    """The entity registry, read with the newest plan's categories, and those categories."""
    plan = plan_of(ws, ws.resolve_year(None))
    return load_entity_table(ws.entities_path, ws.show(ws.entities_path), plan.categories), plan.categories


def _record(ws: Workspace, r: Round) -> DrawRecord | None:
    try:
        return read_record(ws, r)
    except SsjError:  # missing or altered: ssj verify says so; the archive shows the team as unknown
        return None


def credit_archive(ws: Workspace, entity: str, today: date) -> Archive:
    """One entity's archive as of the end of ``today``.

    Raises:
        UnknownEntity: the id is neither in the registry nor in the ledger (as of ``today``);
            the message names the closest ids of the registry.
        InputErrors, PlanNotFound, LedgerCorrupt: as ``ssj check`` and ``ssj verify`` would.
    """
    key = entity_key(entity)
    table, categories = _registry(ws)
    events, left_out = events_until(ws, today)
    rounds = rounds_of(key, build_rounds(events).values())
    mine = [s for s in stays(events) if s.entity == key]
    found = table.find(key)
    if found is None and not rounds and not mine:
        raise unknown_entity(table, entity, ws.show(ws.entities_path))
    history = [ev for s in mine for ev in ((s.added,) if s.removed is None else (s.added, s.removed))]
    cut = today.isoformat()
    listed = any(s.added.date <= cut and (s.removed is None or s.removed.date > cut) for s in mine)
    records = {r.key: _record(ws, r) for r in rounds}
    return archive(key, found, rounds, records, history, listed, cut, left_out, categories, _caps(ws, {r.year for r in rounds}))


def _caps(ws: Workspace, years: set[int]) -> dict[int, CheckCaps | None]:
    """Year -> its plan's max_checks_per_year, for the years whose plan file is there (a year without one has no cap to show)."""
    out: dict[int, CheckCaps | None] = {}
    for year in sorted(years):
        try:
            out[year] = plan_of(ws, year).max_checks
        except PlanNotFound:
            continue
    return out


@dataclass(frozen=True)
class FindingList:
    """``ssj credit --list``: the entities with a finding, as of the end of ``today``."""

    today: str
    year: int | None
    left_out: int
    rows: tuple[FindingRow, ...]

    def to_json(self) -> dict:
        return {"today": self.today, "year": self.year, "left_out": self.left_out,
                "entities": [r.to_json() for r in self.rows]}


def finding_list(ws: Workspace, year: int | None, today: date) -> FindingList:
    """Every entity with a finding in force in a live round (of ``year``'s rounds when given).

    Raises:
        PlanNotFound: ``year`` has no plan.
        InputErrors, LedgerCorrupt: as ``ssj check`` and ``ssj verify`` would.
    """
    if year is not None:
        ws.resolve_year(year)
    table, categories = _registry(ws)
    events, left_out = events_until(ws, today)
    rounds = build_rounds(events)
    tallies = finding_tallies(rounds.values(), year)
    read: dict[RoundKey, dict[str, str]] = {}  # each record read once, however many of its picks left the registry
    names: dict[str, str] = {}
    for t in tallies:
        if table.find(t.entity) is None:
            if t.last_round not in read:
                read[t.last_round] = pick_names(ws, rounds[t.last_round])
            names[t.entity] = read[t.last_round].get(t.entity, "")
    cut = today.isoformat()
    listed = frozenset(s.entity for s in stays(events) if s.added.date <= cut and (s.removed is None or s.removed.date > cut))
    rows = finding_rows(tallies, table.find, names, categories, listed)
    return FindingList(cut, year, left_out, tuple(rows))


def write_finding_list(ws: Workspace, out: Path, data: bytes, force: bool, option: str = "--csv") -> None:
    """Write the list's CSV or XLSX bytes to ``out`` (never into ssj's own folders; an existing file only with ``force``)."""
    write_output(ws, out, data, REPORT, force, option, _EXAMPLE[option])


def check_finding_list_path(ws: Workspace, out: Path, force: bool, option: str = "--csv") -> None:
    """Refuse ``out`` before any work (OutputRefused, exit 2, nothing written); its hints name ``option``."""
    check_output(ws, out, REPORT, force, option, _EXAMPLE[option])


_EXAMPLE = {"--csv": "诚信档案.csv", "--xlsx": "诚信档案.xlsx"}
