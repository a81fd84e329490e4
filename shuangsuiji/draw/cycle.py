"""Rounds within a cycle: the pool is the scope less what earlier rounds drew (pure)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from shuangsuiji.codes import STRATUM_ORDER
from shuangsuiji.draw.ranking import select
from shuangsuiji.ledger.state import Round, RoundKey, task_rounds


@dataclass(frozen=True)
class PoolDraw:
    """The result of one round: picks, and whether a new cycle had to start."""

    picks: list[tuple[str, str]]  # (rank, id) in pick order
    new_cycle: bool
    cycle_picks: tuple[str, ...]  # ids drawn in the new cycle (empty when new_cycle is False)


def draw_round(
    algorithm: str, seed: str, scope_ids: Iterable[str], excluded: set[str], k: int
) -> PoolDraw:
    """Draw k entities of one round.

    pool = scope - excluded (the entities already drawn in this cycle). When the pool
    holds at least k, k are selected from it. Otherwise all of the pool is taken first
    (in the order the algorithm gives) and the shortfall is selected from the rest of
    the scope: a new cycle starts, and its picks are listed in ``cycle_picks``.
    """
    scope = set(scope_ids)
    if k < 0:
        raise ValueError(f"k must not be negative: {k}")
    if k > len(scope):
        raise ValueError(f"cannot draw {k} of a scope of {len(scope)}")
    pool = scope - set(excluded)
    if len(pool) >= k:
        return PoolDraw(picks=select(algorithm, seed, pool, k), new_cycle=False, cycle_picks=())
    first = select(algorithm, seed, pool, len(pool))
    shortfall = k - len(pool)
    second = select(algorithm, seed, scope - pool, shortfall)
    return PoolDraw(
        picks=first + second,
        new_cycle=True,
        cycle_picks=tuple(entity_id for _, entity_id in second),
    )


def cycle_drawn(prior: Sequence[Round], before: int | None = None) -> set[str]:
    """Entities drawn in the current cycle by the given (non-voided, ordered) rounds.

    A round's drawn entities are its draw's picks and the entities that replaced one of them
    (递补) in events before ledger event ``before`` (all of them when None); a replaced entity
    stays drawn, so the next round does not draw it again within the cycle.

    When some of them were stratified draws, the cycle of each stratum is followed
    (``strata_drawn``) and their union returned.
    """
    if any(r.draw.strata for r in prior):
        return set().union(*strata_drawn(prior, before).values())
    drawn: set[str] = set()
    for r in prior:
        if r.draw.new_cycle:
            drawn = set(r.draw.cycle_picks)
        else:
            drawn |= set(r.draw.drawn)  # the random picks: 定向 additions (always_include_blacklisted) are no part of a cycle
        if r.replacements:
            drawn |= r.replaced_in(before)
    return drawn


def strata_drawn(prior: Sequence[Round], before: int | None = None) -> dict[str, set[str]]:
    """Per grade (``codes.STRATUM_ORDER``), the entities drawn in that stratum's current cycle by the
    given (non-voided, ordered) rounds.

    A stratified round's picks are its strata's, ``k`` after ``k`` in stratum order; a stratum that
    started a new cycle keeps only its cycle picks. An entity that replaced a pick (递补, in events
    before ledger event ``before``; all when None) counts in the stratum of the pick it replaced. A
    round drawn with a single ratio counts in every stratum (its picks and replacements are
    intersected with each stratum's scope when used), a new cycle of it in every stratum too.
    """
    drawn: dict[str, set[str]] = {g: set() for g in STRATUM_ORDER}
    for r in prior:
        d = r.draw
        if d.strata:
            at = 0
            grade_of: dict[str, str] = {}
            for s in d.strata:
                picks = d.picks[at:at + s.k]
                at += s.k
                if s.new_cycle:
                    drawn[s.grade] = set(s.cycle_picks)
                else:
                    drawn.setdefault(s.grade, set()).update(picks)
                grade_of.update((e, s.grade) for e in picks)
            for rep in r.replacements:
                if rep.target == "entity" and (before is None or rep.seq < before) and rep.entity in grade_of:
                    grade_of[rep.replacement] = grade_of[rep.entity]
                    drawn.setdefault(grade_of[rep.entity], set()).add(rep.replacement)
            continue
        replaced = r.replaced_in(before) if r.replacements else set()
        mine = r.pick_set - set(d.targeted) if d.targeted else r.pick_set
        for g in drawn:
            if d.new_cycle:
                drawn[g] = set(d.cycle_picks)
            else:
                drawn[g] |= mine
            drawn[g] |= replaced
    return drawn


def live_before(r: Round, seq: int) -> bool:
    """Whether the round was drawn before ledger event ``seq`` and not voided before it."""
    return r.draw.seq < seq and (r.void is None or r.void.seq > seq)


def live_rounds_before(rounds: Mapping[RoundKey, Round], year: int, task: str, seq: int) -> list[Round]:
    """Rounds of the task drawn before ledger event ``seq`` and not voided before it."""
    return [r for r in task_rounds(rounds, year, task) if live_before(r, seq)]


def year_rounds_before(rounds: Mapping[RoundKey, Round], year: int, seq: int) -> list[Round]:
    """Rounds of every task of the year drawn before ledger event ``seq`` and not voided before it, in ledger order."""
    return sorted((r for r in rounds.values() if r.year == year and live_before(r, seq)), key=lambda r: r.draw.seq)
