"""The yearly cap of checks per entity (the plan's ``max_checks_per_year``), pure.

How it works
------------
An entity's *checks in the year* before a draw are the live rounds of the plan's year, of
every task, drawn before that draw, whose picks hold the entity: a voided round does not
count, and a round's picks are taken as the replacements (递补) recorded before the draw left
them (the entity replaced out no longer counts, its replacement does). ``year_checks`` counts
them in one pass over those rounds.

An entity whose checks have reached its cap (``records.CheckCaps.cap_for`` of its category
and credit-risk grade) leaves the draw: it is taken out of the scope before the exclusions,
the pool and k are computed, so k = ceil(N' x ratio) with N' the scope less the capped, and it
is listed in the record's ``capped`` with its checks and cap (in a stratified draw, each
stratum lists its own). A task or a grade drawn at 100% keeps everyone: its picks that are at
their cap are drawn all the same and listed in ``over_cap``, as are the 定向 additions
(``always_include_blacklisted``) that are at their cap.

定向 additions
--------------
A task with ``always_include_blacklisted: true`` checks, in every round, each entity of its
scope that is on the blacklist at the end of the draw day (``ledger.blacklist.blacklisted_on``
of the ledger as the draw found it), on top of the random picks: the draw runs as it would
without them (the same scope, caps, pool, k and picks), then those of them it did not pick are
appended to the picks in id order, without a rank, and listed in the record's ``targeted``
(and on the ledger line). Teams are formed over the whole list in that order, by the same
rule as for any pick, so the additions' teams come after the drawn picks'. An addition is no
part of any cycle (the next round's exclusions count only the k drawn picks), but it is a
check of the year like any other (``year_checks``), and the yearly cap never removes it: an
addition at its cap is listed in ``over_cap`` (and, below 100%, in ``capped`` too: it left the
random draw, and is checked all the same).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence

from shuangsuiji.draw.cycle import year_rounds_before
from shuangsuiji.draw.record import CapEntry
from shuangsuiji.ledger.state import Round, RoundKey
from shuangsuiji.records import CheckCaps, Entity


def picks_before(r: Round, seq: float) -> tuple[str, ...]:
    """A round's picks as the entity replacements (递补) recorded before ledger event ``seq`` left them."""
    picks = r.draw.picks
    reps = [rep for rep in r.replacements if rep.target == "entity" and rep.seq < seq]
    if not reps:
        return picks
    at = {e: n for n, e in enumerate(picks)}
    out = list(picks)
    for rep in reps:
        n = at.pop(rep.entity, None)
        if n is not None:
            out[n] = rep.replacement
            at[rep.replacement] = n
    return tuple(out)


def year_checks(rounds: Mapping[RoundKey, Round], year: int, seq: float = math.inf) -> dict[str, int]:
    """Entity -> its checks in the live rounds of the year drawn before ledger event ``seq`` (every task;
    by default all the rounds folded, as a new draw sees them)."""
    counts: dict[str, int] = {}
    for r in year_rounds_before(rounds, year, seq):
        for e in picks_before(r, seq):
            counts[e] = counts.get(e, 0) + 1
    return counts


def at_cap(entities: Iterable[Entity], checks: Mapping[str, int], caps: CheckCaps | None) -> dict[str, CapEntry]:
    """Id -> its CapEntry for each of ``entities`` whose checks in the year have reached its cap."""
    out: dict[str, CapEntry] = {}
    if caps is None:
        return out
    for e in entities:
        n = checks.get(e.id, 0)
        cap = caps.cap_for(e.category, e.risk)
        if cap is not None and n >= cap:
            out[e.id] = CapEntry(e.id, n, cap)
    return out


def checked_entities(checks: Mapping[str, int], scope: Iterable[str]) -> list[str]:
    """The ids of ``scope`` with at least one check in the year: the only ones that can be at a cap."""
    return [i for i in scope if checks.get(i)]


def sorted_entries(entries: Iterable[CapEntry]) -> tuple[CapEntry, ...]:
    return tuple(sorted(entries, key=lambda c: c.id))


def over_cap(picks: Sequence[str], capped: Mapping[str, CapEntry]) -> tuple[CapEntry, ...]:
    """The entries of the picks that are at their cap, by id (so that they do not depend on the seed's pick order)."""
    return sorted_entries(capped[i] for i in picks if i in capped)


def near_cap(entities: Iterable[Entity], checks: Mapping[str, int], caps: CheckCaps | None) -> list[tuple[Entity, int, int]]:
    """(entity, checks, cap) of those at their cap or one check short of it (``ssj check``), in the order given."""
    out = []
    if caps is None:
        return out
    for e in entities:
        n = checks.get(e.id, 0)
        cap = caps.cap_for(e.category, e.risk)
        if cap is not None and n >= cap - 1 and n:
            out.append((e, n, cap))
    return out


def targeted_additions(scope: Sequence[str], ranked: Sequence[tuple[str, str]], blacklisted: frozenset[str]) -> tuple[str, ...]:
    """The 定向 additions of a task with ``always_include_blacklisted``: the entities of its scope on the blacklist
    on the draw day that the draw did not pick, by id. They join the round after the drawn picks, in that order."""
    if not blacklisted:
        return ()
    drawn = {i for _, i in ranked}
    return tuple(sorted(i for i in scope if i in blacklisted and i not in drawn))


class RunningChecks:
    """``year_checks`` kept up to date while the ledger's events are walked in order (``ssj verify``): each
    event costs its own picks, so a whole ledger is counted in one pass instead of once per draw.

    ``rounds`` is ``ledger.state.build_rounds`` of the whole ledger: only the events its fold kept count.
    Events are only queued by ``add``; they are folded when ``of`` is first asked after them, so a
    ledger whose records use no cap costs nothing.
    """

    def __init__(self, rounds: Mapping[RoundKey, Round]) -> None:
        self.rounds = rounds
        self.by_year: dict[int, dict[str, int]] = {}
        self.current: dict[RoundKey, list[str]] = {}
        self.pending: list[object] = []

    def of(self, year: int) -> dict[str, int]:
        """Entity -> checks in the year's live rounds among the events added so far."""
        for ev in self.pending:
            self._fold(ev)
        self.pending.clear()
        return self.by_year.get(year, {})

    def add(self, ev: object) -> None:
        """Queue one typed event (a draw, a void, an entity replacement; others change nothing)."""
        self.pending.append(ev)

    def _fold(self, ev: object) -> None:
        key = (getattr(ev, "year", None), getattr(ev, "task", None), getattr(ev, "round", None))
        r = self.rounds.get(key)  # type: ignore[arg-type]
        if r is None:
            return
        counts = self.by_year.setdefault(r.year, {})
        if ev is r.draw:
            self.current[r.key] = list(r.draw.picks)
            for e in r.draw.picks:
                counts[e] = counts.get(e, 0) + 1
        elif ev is r.void and r.key in self.current:
            for e in self.current.pop(r.key):
                counts[e] -= 1
        elif r.key in self.current and getattr(ev, "target", None) == "entity" and any(ev is rep for rep in r.replacements):
            picks = self.current[r.key]
            entity, replacement = getattr(ev, "entity"), getattr(ev, "replacement")
            if entity in picks:
                picks[picks.index(entity)] = replacement
                counts[entity] -= 1
                counts[replacement] = counts.get(replacement, 0) + 1
