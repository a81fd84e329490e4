"""The credit archive (诚信档案): one entity's whole history, and the list of entities with findings. Pure.

The plan (七(二)) puts the results of random checks into each entity's credit file. ssj keeps
no file of its own for it: everything is read from the ledger, folded once into rounds
(``ledger.state.build_rounds``) and once into the blacklist (``ledger.blacklist.stays``),
each in one linear pass, and from the draw records for the teams. The actions read; this
module only arranges what they read.

An entity's archive (``archive``) has, across every year of the ledger:

- every round it was in: drawn, or put in by a replacement (递补) -- with the task, round,
  draw date, the team (inspectors) as the round's replacements left it, the result in
  force, the earlier results it corrected (更正), the publications that named it, whether
  the round was voided, and, when it was replaced out, by whom, when and why; a round in
  which the entity was replaced out is listed too (with the team it had);
- every blacklist event that took effect for it (``ledger.blacklist.history``), and whether
  it is on the list at the end of ``today``;
- its grade and the rest of its registry row as the registry stands.

Rounds are in draw order (draw date, then ledger position). A voided round is listed and
marked; it counts in no tally. Tallies count the rounds not voided: ``drawn`` the rounds
it is in now, ``inspected`` those with a result in force, ``results`` the results in force by
code, ``found`` those in ``codes.FOUND_PROBLEM``, ``last_finding`` the latest check date of
a finding in force.

The list of findings (``finding_tallies`` then ``finding_rows``) has one row per entity
whose result in force in a live round is rectify, penalty, transfer or judicial (the file
the credit platform and the legal section need): those counts by code, the checks of that
entity, the latest finding's date, result and measures; the rounds of one plan year only
when a year is given. The ledger is read as of ``today`` by the caller
(``ledger.state.events_as_of``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from shuangsuiji.codes import FOUND_PROBLEM, REPLACE_REASONS, RESULT_CODES
from shuangsuiji.draw.record import DrawRecord
from shuangsuiji.draw.replace import current_picks
from shuangsuiji.ledger.events import BlacklistEvent, ReplaceEvent, ResultEvent
from shuangsuiji.ledger.state import Round, RoundKey
from shuangsuiji.records import CheckCaps, Entity
from shuangsuiji.results.check import measures_text


def _result_json(ev: ResultEvent) -> dict[str, Any]:
    return {"date": ev.date, "result": ev.result, "label": RESULT_CODES.get(ev.result, ev.result),
            "measures": measures_text(ev.result, ev.measures), "note": ev.note, "seq": ev.seq}


@dataclass(frozen=True)
class Swap:
    """A replacement (递补) that concerns the entity: it was replaced out, or it came in, or one of its inspectors changed."""

    date: str
    target: str  # "entity" or "inspector"
    out: str  # the entity (or inspector) replaced
    came: str  # who took its place
    reason: str  # a key of codes.REPLACE_REASONS
    note: str
    seq: int

    @classmethod
    def of(cls, rep: ReplaceEvent) -> "Swap":
        out = rep.entity if rep.target == "entity" else rep.inspector
        return cls(rep.date, rep.target, out, rep.replacement, rep.reason, rep.note, rep.seq)

    @property
    def reason_text(self) -> str:
        label = REPLACE_REASONS.get(self.reason, self.reason)
        return f"{label}（{self.note}）" if self.note else label

    def to_json(self) -> dict[str, Any]:
        return {"date": self.date, "target": self.target, "out": self.out, "in": self.came, "reason": self.reason,
                "reason_text": self.reason_text, "seq": self.seq}


@dataclass(frozen=True)
class Check:
    """One round the entity was in (drawn, replaced in, or replaced out), and what happened to it there."""

    year: int
    task: str
    task_name: str  # from the draw record; "" when the record cannot be read
    round: int
    draw_date: str
    how: str  # "drawn": by the draw; "replaced_in": took another's place (递补)
    voided: bool
    void_date: str | None
    void_reason: str | None
    team: tuple[tuple[str, str], ...]  # (inspector id, name) as the round's replacements left it; () unknown
    result: ResultEvent | None  # the result in force
    corrected: tuple[ResultEvent, ...]  # earlier results the later ones superseded (更正), oldest first
    published: tuple[tuple[str, bool], ...]  # (date, partial) of each publication that named the entity
    replaced_out: Swap | None  # the replacement that took the entity out of the round
    replaced_in: Swap | None  # the replacement that put it in
    team_changes: tuple[Swap, ...]  # inspectors of its team replaced
    record_missing: bool = False  # the draw record could not be read: the team is unknown
    draw_seq: int = field(default=0, repr=False)

    @property
    def live(self) -> bool:
        """In the round now (not replaced out), and the round not voided."""
        return not self.voided and self.replaced_out is None

    def to_json(self) -> dict[str, Any]:
        return {
            "year": self.year, "task": self.task, "task_name": self.task_name, "round": self.round,
            "draw_date": self.draw_date, "how": self.how, "voided": self.voided, "void_date": self.void_date,
            "void_reason": self.void_reason,
            "team": [{"id": i, "name": n} for i, n in self.team], "record_missing": self.record_missing,
            "result": _result_json(self.result) if self.result else None,
            "corrections": [_result_json(ev) for ev in self.corrected],
            "publications": [{"date": d, "partial": p} for d, p in self.published],
            "replaced_out": self.replaced_out.to_json() if self.replaced_out else None,
            "replaced_in": self.replaced_in.to_json() if self.replaced_in else None,
            "team_changes": [s.to_json() for s in self.team_changes],
        }


@dataclass(frozen=True)
class Tally:
    """What an entity's live checks add up to."""

    drawn: int
    inspected: int
    results: dict[str, int]  # every code of codes.RESULT_CODES
    last_finding: str | None  # check date of the latest finding in force

    @property
    def found(self) -> int:
        return sum(self.results[c] for c in FOUND_PROBLEM)

    def to_json(self) -> dict[str, Any]:
        return {"drawn": self.drawn, "inspected": self.inspected, "results": dict(self.results), "found": self.found,
                "last_finding": self.last_finding}


def tally(checks: Iterable[Check]) -> Tally:
    results = {code: 0 for code in RESULT_CODES}
    drawn = inspected = 0
    last: str | None = None
    for c in checks:
        if not c.live:
            continue
        drawn += 1
        if c.result is None:
            continue
        inspected += 1
        results[c.result.result] = results.get(c.result.result, 0) + 1
        if c.result.result in FOUND_PROBLEM and (last is None or c.result.date > last):
            last = c.result.date
    return Tally(drawn, inspected, results, last)


@dataclass(frozen=True)
class YearCap:
    """The plan's yearly cap (max_checks_per_year) for the entity in one year, and its live checks of that year."""

    year: int
    checks: int
    cap: int

    @property
    def reached(self) -> bool:
        return self.checks >= self.cap

    def to_json(self) -> dict[str, Any]:
        return {"year": self.year, "checks": self.checks, "cap": self.cap, "reached": self.reached}


def year_caps(entity: Entity | None, checks: Iterable[Check], caps_by_year: Mapping[int, CheckCaps | None]) -> tuple[YearCap, ...]:
    """Per year with a cap for the entity (its category and grade as the registry has them now): its live checks
    (rounds not voided, the entity not replaced out), the count the draw uses (``draw.caps.year_checks``)."""
    if entity is None:
        return ()
    live: dict[int, int] = {}
    for c in checks:
        if c.live:
            live[c.year] = live.get(c.year, 0) + 1
    out = []
    for year in sorted(live):
        caps = caps_by_year.get(year)
        cap = caps.cap_for(entity.category, entity.risk) if caps is not None else None
        if cap is not None:
            out.append(YearCap(year, live[year], cap))
    return tuple(out)


@dataclass(frozen=True)
class Archive:
    """One entity's credit archive as of ``today``."""

    entity: str
    registered: Entity | None  # the registry's row; None when the entity has left the registry
    category: str  # the label of its category (the registry's), "" when not in the registry
    name: str  # the registry's name, else the latest one the ledger or a record gives
    today: str
    left_out: int  # ledger events dated after today, left out
    checks: tuple[Check, ...]
    blacklist: tuple[BlacklistEvent, ...]  # the events that took effect, oldest first
    blacklisted: bool  # on the list at the end of today
    tally: Tally
    caps: tuple[YearCap, ...] = ()  # the years whose plan caps the entity's checks

    @property
    def risk(self) -> str:
        return self.registered.risk if self.registered else ""

    def to_json(self) -> dict[str, Any]:
        e = self.registered
        return {
            "entity": self.entity, "name": self.name, "in_registry": e is not None,
            "category": e.category if e else None, "category_label": self.category, "town": e.town if e else None, "status": e.status if e else None,
            "risk": self.risk, "blacklisted": self.blacklisted, "today": self.today, "left_out": self.left_out,
            "tally": self.tally.to_json(), "caps": [c.to_json() for c in self.caps],
            "checks": [c.to_json() for c in self.checks],
            "blacklist": [{"date": b.date, "type": "add" if b.added else "remove", "reason": b.reason, "basis": b.basis,
                           "seq": b.seq} for b in self.blacklist],
        }


def rounds_of(entity: str, rounds: Iterable[Round]) -> list[Round]:
    """The rounds the entity is in now or was replaced out of, in draw order (linear in rounds and replacements)."""
    out = [r for r in rounds
           if entity in r.pick_set or any(rep.target == "entity" and rep.entity == entity for rep in r.replacements)]
    out.sort(key=lambda r: (r.draw.date, r.draw.seq))
    return out


def _team(ids: Sequence[str], names: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
    return tuple((i, names.get(i, "")) for i in ids)


def in_force(r: Round, entity: str) -> tuple[ResultEvent | None, tuple[ResultEvent, ...]]:
    """The entity's result in force in ``r`` and the results it corrected (更正), oldest first.

    In a joint round each department's latest result is in force (another department's later
    result corrects nothing); the one shown is the latest finding among them, else the latest.
    """
    history = r.results.get(entity, ())
    if not r.departments:
        return (history[-1] if history else None), tuple(history[:-1])
    now = [ev for ev in r.department_results(entity).values() if ev is not None]
    kept = {ev.seq for ev in now}
    found = [ev for ev in now if ev.result in FOUND_PROBLEM]
    shown = max(found or now, key=lambda ev: (ev.date, ev.seq), default=None)
    return shown, tuple(ev for ev in history if ev.seq not in kept)


def _check(entity: str, r: Round, rec: DrawRecord | None) -> Check:
    out_rep = next((rep for rep in r.replacements if rep.target == "entity" and rep.entity == entity), None)
    in_rep = next((rep for rep in r.replacements if rep.target == "entity" and rep.replacement == entity), None)
    mine = [rep for rep in r.replacements if rep.target == "inspector" and rep.entity == entity]
    result, corrected = in_force(r, entity)
    team: tuple[tuple[str, str], ...] = ()
    if rec is not None:
        now = current_picks(rec, r.replacements)
        names = {i: n for picks in (rec.picks, now) for p in picks for i, n in zip(p.inspectors, p.inspector_names)}
        if out_rep is not None:
            team = _team(out_rep.out_inspectors, names)
        else:
            pick = next((p for p in now if p.entity == entity), None)
            team = _team(pick.inspectors if pick else (), names)
    return Check(
        year=r.year, task=r.task, task_name=rec.task_name if rec else "", round=r.number, draw_date=r.draw.date,
        how="replaced_in" if in_rep is not None else "drawn", voided=r.voided,
        void_date=r.void.date if r.void else None, void_reason=r.void.reason if r.void else None,
        team=team, result=result, corrected=corrected,
        published=tuple((p.date, p.partial) for p in r.publications if entity in p.entities),
        replaced_out=Swap.of(out_rep) if out_rep else None, replaced_in=Swap.of(in_rep) if in_rep else None,
        team_changes=tuple(Swap.of(rep) for rep in mine), record_missing=rec is None, draw_seq=r.draw.seq,
    )


def archive(
    entity: str,
    registered: Entity | None,
    rounds: Sequence[Round],
    records: Mapping[RoundKey, DrawRecord | None],
    blacklist: Sequence[BlacklistEvent],
    blacklisted: bool,
    today: str,
    left_out: int = 0,
    categories: Mapping[str, str] | None = None,
    caps_by_year: Mapping[int, CheckCaps | None] | None = None,
) -> Archive:
    """The archive of ``entity``.

    Args:
        entity: the id, as the registry and the ledger hold it.
        registered: its registry row, None when it has left the registry.
        rounds: ``rounds_of(entity, ...)``: the rounds it is in or was replaced out of, in draw order.
        records: each round's draw record (None: it could not be read, so the team is unknown).
        blacklist: its blacklist events that took effect (``ledger.blacklist.history``), oldest first.
        blacklisted: on the list at the end of ``today``.
        today: the day the ledger was cut at (``YYYY-MM-DD``).
        left_out: ledger events dated after ``today``.
        categories: category code -> label (the plan's).
        caps_by_year: year -> that year's plan's ``max_checks_per_year`` (None: no cap), for the years of ``rounds``.
    """
    checks = tuple(_check(entity, r, records.get(r.key)) for r in rounds)
    name = registered.name if registered else _ledger_name(entity, checks, records, rounds, blacklist)
    label = (categories or {}).get(registered.category, registered.category) if registered else ""
    caps = year_caps(registered, checks, caps_by_year or {})
    return Archive(entity, registered, label, name, today, left_out, checks, tuple(blacklist), blacklisted, tally(checks), caps)


def _ledger_name(entity: str, checks: Sequence[Check], records: Mapping[RoundKey, DrawRecord | None],
                 rounds: Sequence[Round], blacklist: Sequence[BlacklistEvent]) -> str:
    """The latest name the ledger or a draw record gives an entity no longer in the registry."""
    for b in reversed(blacklist):
        if b.name:
            return b.name
    for r in reversed(rounds):
        rec = records.get(r.key)
        for p in rec.picks if rec else ():
            if p.entity == entity and p.name:
                return p.name
        for rep in r.replacements:
            if rep.target == "entity" and rep.replacement == entity and rep.pick.get("name"):
                return str(rep.pick["name"])
    return ""


# ---------------------------------------------------------------- the list of findings


@dataclass(frozen=True)
class FindingTally:
    """One entity's live checks in the rounds counted, and the latest finding among them."""

    entity: str
    inspected: int
    results: dict[str, int]
    last: ResultEvent  # the latest finding in force (by check date, then ledger order)
    last_round: RoundKey

    @property
    def found(self) -> int:
        return sum(self.results.get(c, 0) for c in FOUND_PROBLEM)


def finding_tallies(rounds: Iterable[Round], year: int | None = None) -> list[FindingTally]:
    """Entities with a finding in force in a live round (of ``year`` when given), in one pass over the rounds."""
    inspected: dict[str, int] = {}
    results: dict[str, dict[str, int]] = {}
    last: dict[str, tuple[ResultEvent, RoundKey]] = {}
    for r in rounds:
        if r.voided or (year is not None and r.year != year):
            continue
        for entity in r.results:
            ev, _ = in_force(r, entity)
            if ev is None:
                continue
            inspected[entity] = inspected.get(entity, 0) + 1
            counts = results.setdefault(entity, {})
            counts[ev.result] = counts.get(ev.result, 0) + 1
            if ev.result in FOUND_PROBLEM:
                seen = last.get(entity)
                if seen is None or (ev.date, ev.seq) > (seen[0].date, seen[0].seq):
                    last[entity] = (ev, r.key)
    return [FindingTally(e, inspected[e], {c: results[e].get(c, 0) for c in RESULT_CODES}, ev, key)
            for e, (ev, key) in last.items()]


@dataclass(frozen=True)
class FindingRow:
    """One row of ``ssj credit --list``."""

    entity: str
    name: str
    category: str  # the category's label
    town: str
    risk: str
    blacklisted: bool
    inspected: int
    results: dict[str, int]
    last_date: str
    last_result: str
    last_measures: str
    last_task: str
    last_round: int

    @property
    def found(self) -> int:
        return sum(self.results.get(c, 0) for c in FOUND_PROBLEM)

    def to_json(self) -> dict[str, Any]:
        return {
            "entity": self.entity, "name": self.name, "category": self.category, "town": self.town, "risk": self.risk,
            "blacklisted": self.blacklisted, "inspected": self.inspected, "found": self.found,
            "results": {c: self.results.get(c, 0) for c in FOUND_PROBLEM}, "last_date": self.last_date,
            "last_result": self.last_result, "last_label": RESULT_CODES.get(self.last_result, self.last_result),
            "last_measures": self.last_measures, "last_task": self.last_task, "last_round": self.last_round,
        }


def finding_rows(
    tallies: Iterable[FindingTally],
    registry: Callable[[str], Entity | None],
    names: Mapping[str, str],
    categories: Mapping[str, str],
    blacklisted: frozenset[str],
) -> list[FindingRow]:
    """The rows of the list, latest finding first (then by id).

    Args:
        tallies: ``finding_tallies``.
        registry: id -> its registry row, None when it has left the registry.
        names: the names of the entities not in the registry (from their rounds' records).
        categories: category code -> label.
        blacklisted: the ids on the blacklist at the end of the day.
    """
    rows = []
    for t in tallies:
        e = registry(t.entity)
        rows.append(FindingRow(
            entity=t.entity, name=e.name if e else names.get(t.entity, ""),
            category=categories.get(e.category, e.category) if e else "", town=e.town if e else "", risk=e.risk if e else "",
            blacklisted=t.entity in blacklisted, inspected=t.inspected, results=t.results, last_date=t.last.date,
            last_result=t.last.result, last_measures=measures_text(t.last.result, t.last.measures),
            last_task=t.last_round[1], last_round=t.last_round[2],
        ))
    rows.sort(key=lambda r: r.entity)
    rows.sort(key=lambda r: r.last_date, reverse=True)  # stable: ids ascending within a day
    return rows
