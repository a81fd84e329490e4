"""Replacement (递补): the next entity, or the next inspector, down the same ranked list (pure).

A drawn entity that cannot be inspected (停产, 注销, moved away) is replaced by the next one in
the ranking the round was drawn from, never by a new draw: the round's picks were the first
``taken`` lines of a ranked list (``ranked_list``), and the j-th replacement is the next line
not used yet. In a stratified round (``draw.strata``) every stratum was drawn from its own
ranked list, so a pick is replaced by the next unused line of its own stratum's list, and the
replacement belongs to that stratum from then on; a stratum's list that is used up is not
continued in another stratum. For sha256-rank that list is the segment (the pool, or in a new cycle the rest of
the scope) sorted by rank, so the first replacement is its (k+1)-th line; for rfc3797 it is the
sequence of selections continued past k. Both are prefixes of a longer draw with the same seed,
so the picks do not change when the list is made longer.

A candidate that no longer can be inspected (not 在营, or gone from the registry) is passed
over, recorded as ``skipped``, and uses up its line all the same. The replacement gets its team
by the draw's rule: eligible inspectors ordered by (checks so far in the year, team_rank, id),
where the checks count the record's ``prior_checks`` and the teams of the round's other picks as
they now stand.

In a joint draw (``draw.joint``) each department staffs the replacement from its own people,
and an inspector is replaced from their own department's ordering.

An inspector who drops out of one team is replaced by the next eligible inspector in the very
ordering that team was taken from (the load at the time the team was formed, then team_rank):
the inspectors in the team, those replaced out of it before, and those now unable to go
(recorded as ``skipped``) are passed over.

Replacements are ledger events (``ledger.events.ReplaceEvent``); ``current_picks`` applies
them to a record's picks, in one pass, so the notice, the report and verify see them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from shuangsuiji.codes import ACTIVE_ENTITY_STATUS
from shuangsuiji.draw.ranking import select
from shuangsuiji.draw.joint import department_pool, team_again
from shuangsuiji.draw.record import DrawRecord, ExcludedInspector, Pick, Stratum, parse_pick
from shuangsuiji.draw.teams import add_checks, checks_by_inspector, exclusion_reason, reason_text, team_from_eligible
from shuangsuiji.errors import NotEnoughInspectors, RecordMalformed
from shuangsuiji.ledger.events import ReplaceEvent
from shuangsuiji.records import Entity, Inspector


@dataclass(frozen=True)
class Skipped:
    """A candidate passed over on the way to a replacement, and why."""

    id: str
    reason: str
    text: str

    def to_json(self) -> dict[str, str]:
        return {"id": self.id, "reason": self.reason, "text": self.text}


# --------------------------------------------------------------------------- entities


def ranked_segment(rec: DrawRecord, stratum: Stratum | None = None) -> tuple[list[str], int]:
    """(the ids of the ranked list the round's picks ended in, how many of its first lines the draw took).

    Without a new cycle that list is the pool and the draw took k; in a new cycle the draw took
    the whole pool and then the first ``len(cycle_picks)`` of the rest of the scope. In a
    stratified round each stratum has its own list, by the same rule on the stratum's own pool
    and scope (its scope is its pool plus its excluded, so the rest of it is its excluded).
    """
    if stratum is not None:
        if stratum.new_cycle:
            return list(stratum.excluded), len(stratum.cycle_picks)
        return list(stratum.pool), stratum.k
    if rec.new_cycle:
        pool = set(rec.pool)
        return [i for i in rec.scope if i not in pool], len(rec.cycle_picks)
    return list(rec.pool), rec.k


def ranked_list(rec: DrawRecord, length: int, stratum: Stratum | None = None) -> list[tuple[str, str]]:
    """The first ``length`` lines (rank or digest, id) of the round's (or the stratum's) ranked list (fewer when it is shorter)."""
    segment, _ = ranked_segment(rec, stratum)
    return select(rec.algorithm, rec.seed, segment, min(length, len(segment)))


def stratum_of(rec: DrawRecord, entity: str) -> Stratum | None:
    """The stratum whose picks hold ``entity`` (None in a single-ratio round, or for an id drawn in none)."""
    return next((s for s in rec.strata if entity in s.picks), None)


def entity_candidates(rec: DrawRecord, used: int, stratum: Stratum | None = None) -> Iterable[tuple[int, str, str]]:
    """(1-based line, rank, id) of the ranked list (the stratum's, in a stratified round) after the
    draw's lines and ``used`` more, lazily.

    The list is drawn again a batch at a time, longer each time, so a long run of skipped
    candidates stays linear in the list's length.
    """
    segment, taken = ranked_segment(rec, stratum)
    start = taken + used
    batch = 16
    while start < len(segment):
        lines = ranked_list(rec, start + batch, stratum)
        for n in range(start, len(lines)):
            yield n + 1, lines[n][0], lines[n][1]
        start = len(lines)
        batch *= 4


def entity_skip_reason(entity: Entity | None, entity_id: str) -> Skipped | None:
    """Why a candidate cannot replace a pick now (gone from the registry, or not 在营); None when it can."""
    if entity is None:
        return Skipped(entity_id, "absent", "已不在检查对象名录库中")
    if entity.status != ACTIVE_ENTITY_STATUS:
        return Skipped(entity.id, "inactive", f"状态为{entity.status}，不在抽查范围内")
    return None


def replacement_pick(
    rec: DrawRecord, entity: Entity, rank: str, registry: Sequence[Inspector], load: Mapping[str, int]
) -> tuple[Pick, dict[str, int]]:
    """The replacement's pick (rank, team, who could not go) and the load its team was ordered by.

    The inspectors are the record's ``inspector_pool``; one gone from the registry now is left
    out as ``absent``, the others by the draw's rules on the registry as it is now.

    Raises NotEnoughInspectors when fewer than ``inspectors_per_check`` may go.
    """
    pool = set(rec.inspector_pool)
    present = {i.id: i for i in registry if i.id in pool}
    left_out = [(i, "absent") for i in rec.inspector_pool if i not in present]
    eligible: list[str] = []
    for iid in rec.inspector_pool:
        if iid in present:
            code = exclusion_reason(entity, present[iid], rec.local_avoidance)
            if code is None:
                eligible.append(iid)
            else:
                left_out.append((iid, code))
    left_out.sort()
    shown = set(eligible)
    for pool, n, whose in [(d.inspector_pool, d.inspectors_per_check, d.name) for d in rec.departments] or [(rec.inspector_pool, rec.inspectors_per_check, "")]:
        have = sum(1 for i in pool if i in shown)
        if have < n:  # a joint draw: each department staffs the replacement from its own people (draw.joint)
            raise NotEnoughInspectors(
                f"递补的 {entity.name}（统一社会信用代码 {entity.id}）{whose}可派执法检查人员只有 {have} 名，少于每户所需的 {n} 名",
                "请核对执法检查人员名录库中的在岗状态、检查资格和回避名单",
            )
    team = team_again(rec, entity.id, {i for i, _ in left_out}, load)
    names = {i.id: i.name for i in registry}
    excluded = tuple(ExcludedInspector(iid, code, reason_text(code, present.get(iid))) for iid, code in left_out)
    pick = Pick(entity.id, rank, team, entity.name, entity.category, entity.town, tuple(names[i] for i in team), excluded)
    used = {i: load[i] for i in eligible if load.get(i)}
    return pick, used


# --------------------------------------------------------------------------- inspectors


def formation_load(rec: DrawRecord, replacements: Sequence[ReplaceEvent], entity: str) -> dict[str, int]:
    """The load the team of ``entity`` was ordered by when it was formed.

    For a pick of the draw: ``prior_checks`` plus the teams of the picks before it in the record.
    For a replacement: the ``load`` its replace event holds.
    """
    for rep in reversed(replacements):
        if rep.target == "entity" and rep.replacement == entity:
            return dict(rep.load)
    load = dict(rec.prior_checks)
    for p in rec.picks:
        if p.entity == entity:
            break
        add_checks(load, checks_by_inspector([p.inspectors]))
    return load


def inspector_order(rec: DrawRecord, pick: Pick, load: Mapping[str, int], inspector: str | None = None) -> list[str]:
    """Every eligible inspector of a pick (inspector_pool less its excluded_inspectors), in the team's order.

    In a joint draw, ``inspector`` (the one to replace) keeps the order to their own department's pool.
    """
    left_out = {x.id for x in pick.excluded_inspectors}
    pool = department_pool(rec, inspector) if inspector is not None else rec.inspector_pool
    eligible = [i for i in pool if i not in left_out]
    return list(team_from_eligible(rec.seed, pick.entity, eligible, load, len(eligible)))


def inspector_candidates(order: Sequence[str], team: Sequence[str], removed: Iterable[str]) -> list[str]:
    """The inspectors of ``order`` after passing over the team and those replaced out of it before."""
    gone = set(team) | set(removed)
    return [i for i in order if i not in gone]


def inspector_skip_reason(inspector: Inspector | None, entity: Entity, local_avoidance: bool, iid: str) -> Skipped | None:
    """Why a candidate cannot join the team now (by the registry as it is now); None when they can."""
    if inspector is None:
        return Skipped(iid, "absent", reason_text("absent"))
    code = exclusion_reason(entity, inspector, local_avoidance)
    return None if code is None else Skipped(iid, code, reason_text(code, inspector))


# --------------------------------------------------------------------------- applying


class Replay:
    """A round's picks as its replacements, applied one at a time, leave them.

    ``picks`` are the current picks in draw order, ``load`` the checks per inspector the
    record's ``prior_checks`` and those picks' teams make, ``used`` the lines of the ranked list
    past the draw's that entity replacements took; each ``apply`` costs the size of one team.
    """

    def __init__(self, rec: DrawRecord) -> None:
        self.rec = rec
        self.picks = list(rec.picks)
        self.where = {p.entity: n for n, p in enumerate(self.picks)}
        self.load = dict(rec.prior_checks)
        add_checks(self.load, checks_by_inspector(p.inspectors for p in rec.picks))
        self.strata = {e: s for s in rec.strata for e in s.picks}  # current pick -> its stratum (stratified rounds)
        self.used_by: dict[str | None, int] = {}  # lines past the draw's taken, per stratum grade (None: single ratio)
        self.earlier: list[ReplaceEvent] = []

    def stratum_for(self, entity: str) -> Stratum | None:
        """The stratum of a current pick: the one it, or the pick it replaced, was drawn in."""
        return self.strata.get(entity)

    def used_for(self, entity: str) -> int:
        """Lines of the pick's ranked list (its stratum's) that replacements took so far."""
        s = self.strata.get(entity)
        return self.used_by.get(s.grade if s is not None else None, 0)

    def pick(self, entity: str) -> Pick | None:
        n = self.where.get(entity)
        return None if n is None else self.picks[n]

    def load_without(self, entity: str) -> dict[str, int]:
        """Checks per inspector: prior_checks and the current teams of every pick but ``entity``."""
        load = dict(self.load)
        p = self.pick(entity)
        for i in dict.fromkeys(p.inspectors if p else ()):
            load[i] -= 1
        return {i: n for i, n in load.items() if n}

    def removed(self, entity: str) -> list[str]:
        """Inspectors replaced out of the team of ``entity`` so far."""
        return [r.inspector for r in self.earlier if r.target == "inspector" and r.entity == entity]

    def apply(self, rep: ReplaceEvent) -> None:
        n = self.where.get(rep.entity)
        stratum = self.strata.get(rep.entity)
        if n is not None:
            old = self.picks[n]
            if rep.target == "entity":
                try:
                    new = parse_pick(rep.pick)
                except RecordMalformed:
                    new = None  # verify reports the line
                if new is not None:
                    del self.where[rep.entity]
                    self.where[new.entity] = n
                    self.picks[n] = new
                    self._move(old.inspectors, new.inspectors)
                    if stratum is not None:
                        del self.strata[rep.entity]
                        self.strata[new.entity] = stratum
            elif rep.target == "inspector" and rep.inspector in old.inspectors:
                slot = old.inspectors.index(rep.inspector)
                ids = old.inspectors[:slot] + (rep.replacement,) + old.inspectors[slot + 1:]
                names = old.inspector_names[:slot] + (rep.name,) + old.inspector_names[slot + 1:]
                self.picks[n] = replace(old, inspectors=ids, inspector_names=names)
                self._move(old.inspectors, ids)
        if rep.target == "entity":
            key = stratum.grade if stratum is not None else None
            self.used_by[key] = self.used_by.get(key, 0) + 1 + len(rep.skipped)
        self.earlier.append(rep)

    def _move(self, gone: Sequence[str], came: Sequence[str]) -> None:
        for i in dict.fromkeys(gone):
            self.load[i] = self.load.get(i, 0) - 1
        for i in dict.fromkeys(came):
            self.load[i] = self.load.get(i, 0) + 1


def replay(rec: DrawRecord, replacements: Iterable[ReplaceEvent]) -> Replay:
    """The round after all the given replacements."""
    r = Replay(rec)
    for rep in replacements:
        r.apply(rep)
    return r


def current_picks(rec: DrawRecord, replacements: Sequence[ReplaceEvent]) -> tuple[Pick, ...]:
    """The record's picks with the replacements applied in order: a replaced entity's pick gives way
    to the replacement's pick in the same position, a replaced inspector to the replacement in the
    same place of the team."""
    if not replacements:
        return rec.picks
    return tuple(replay(rec, replacements).picks)


def team_changes(replacements: Iterable[ReplaceEvent], before: int | None = None) -> dict[str, int]:
    """Checks per inspector the replacements (in events before ``before``) added (+) or took away (-)."""
    delta: dict[str, int] = {}
    for rep in replacements:
        if before is not None and rep.seq >= before:
            continue
        if rep.target == "entity":
            gone: Sequence[str] = rep.out_inspectors
            came: Sequence[str] = [str(i) for i in rep.pick.get("inspectors") or []]
        else:
            gone, came = [rep.inspector], [rep.replacement]
        for i in dict.fromkeys(gone):
            delta[i] = delta.get(i, 0) - 1
        for i in dict.fromkeys(came):
            delta[i] = delta.get(i, 0) + 1
    return delta
