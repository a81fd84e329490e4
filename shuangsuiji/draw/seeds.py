"""How a draw's seed was fixed (seed kinds), counted over a year's rounds, and when that is a warning (pure).

Every record's ``seed_origin`` is one kind (``codes.SEED_ORIGIN_KINDS``): a committed public
source (two-phase draw, ``draw.commit``), a public source typed in at a one-step draw, dice
thrown by a witness, a seed typed by hand (the default for ``--seed``), or the operating
system's random source. Records made before the kinds existed keep their ``seed_origin``
(given, generated, public), which map to hand, os and public. ``kind_counts`` counts a
year's rounds by kind (live and voided apart); ``hand_warning`` says so when more than half
of the live rounds were typed by hand, the one kind whose seed nobody but the people in the
room can vouch for.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from shuangsuiji.codes import SEED_KINDS, SEED_ORIGIN_KINDS, UNKNOWN_SEED_KIND, UNKNOWN_SEED_LABEL

HAND = "hand"


def seed_kind(origin: str | None) -> str:
    """The kind of a record's ``seed_origin``; ``unknown`` for None (no readable record) or an origin ssj does not know."""
    return SEED_ORIGIN_KINDS.get(origin or "", UNKNOWN_SEED_KIND)


def kind_label(kind: str) -> str:
    return SEED_KINDS.get(kind, UNKNOWN_SEED_LABEL)


@dataclass(frozen=True)
class KindCount:
    kind: str
    live: int
    voided: int


def kind_counts(rounds: Iterable[tuple[str | None, bool]]) -> tuple[KindCount, ...]:
    """(seed_origin or None, voided) of each round -> every kind in ``SEED_KINDS`` order (zeros too), then unknown if any."""
    live: dict[str, int] = {}
    voided: dict[str, int] = {}
    for origin, was_voided in rounds:
        k = seed_kind(origin)
        target = voided if was_voided else live
        target[k] = target.get(k, 0) + 1
    kinds = [*SEED_KINDS, *([UNKNOWN_SEED_KIND] if UNKNOWN_SEED_KIND in live or UNKNOWN_SEED_KIND in voided else [])]
    return tuple(KindCount(k, live.get(k, 0), voided.get(k, 0)) for k in kinds)


def mostly_by_hand(counts: Iterable[KindCount]) -> tuple[int, int] | None:
    """(rounds typed by hand, live rounds) when more than half of the live rounds were typed by hand; else None."""
    counts = list(counts)
    total = sum(c.live for c in counts)
    hand = sum(c.live for c in counts if c.kind == HAND)
    return (hand, total) if total and 2 * hand > total else None


def hand_warning(year: int, counts: Iterable[KindCount]) -> str | None:
    """The warning when most of a year's live rounds were typed by hand; None otherwise."""
    found = mostly_by_hand(counts)
    if found is None:
        return None
    hand, total = found
    return (f"{year} 年有效的 {total} 轮摇号中有 {hand} 轮的种子是手工录入的：手工录入的种子只能靠在场的人证明没有被挑选过。"
            "重要抽查请用两步摇号（ssj draw --commit，开奖后 --reveal），或由见证人当场掷骰（--seed-kind dice）")


_HEAD_ORIGIN = re.compile(rb'\n  "seed_origin": "([a-z]+)",\n')
HEAD_BYTES = 1 << 16


def origin_in_head(head: bytes) -> str | None:
    """The ``seed_origin`` of a record from its first bytes (ssj's own layout; it precedes the pool); None if not there."""
    m = _HEAD_ORIGIN.search(head)
    return m.group(1).decode("ascii") if m else None
