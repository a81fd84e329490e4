"""The draw: which entities are checked, and by whom.

How entities are drawn (method "sha256-rank", the default)
-----------------------------------------------------------
Everyone first agrees on a *seed*: a short text fixed before anybody can know what it
will select (a witnessed number, public lottery results, or 128 random bits from the
operating system). Every entity in the pool then gets a *rank*: the SHA-256 fingerprint
of the text ``seed + ":" + entity id``, written as 64 lowercase hex digits. The k
entities with the smallest ranks are drawn; two equal ranks (never seen in practice)
are ordered by id. This is Rivest's "consistent sampling": the result depends only on
the seed and on the set of ids -- not on the order of the file, the computer, or the
program version -- and anyone can recompute it with a stock tool (``sha256sum``,
a spreadsheet, one SQL query). Because SHA-256 output cannot be predicted or steered
without trying it, nobody can pick a seed that favours an entity once the pool is
fixed and the seed is chosen by people who cannot see the ranks in advance.

Method "rfc3797" follows RFC 3797 section 4 (the IETF NomCom selection): the public
random sources are written into a key string, and for selection i = 0, 1, ... the MD5
of (2-byte i, key, 2-byte i) taken as a big number, modulo the number of names still
left, picks a position in the remaining sorted list.

Rounds and cycles
-----------------
Entities drawn in earlier rounds of the same task and year leave the pool until every
entity in scope has been drawn once. If the pool holds fewer than k, all of it is taken
and the shortfall is drawn from the rest of the scope as a new cycle.

How teams are formed
--------------------
For each drawn entity, in pick order, the inspectors who may check it are those on duty,
qualified for its category, without a declared conflict with it, and (when local
avoidance is on) not from its town. They are ordered by how many teams they already
lead or join in this draw, then by SHA-256 of ``seed:entity:inspector``; the first n
form the team. Work is thus spread evenly and the choice among equals is as random and
as checkable as the entity draw.

Python's ``random`` module is never used: its sequences are not guaranteed to stay the
same across Python versions, so a draw made with it could not be re-checked later.

Everything here is a pure function: no files, no clock, no hidden state.
"""

from __future__ import annotations

import hashlib
import heapq
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from .errors import NotEnoughInspectors
from .model import Entity, Inspector

ALGORITHMS = ("sha256-rank", "rfc3797")


# --------------------------------------------------------------------------- entities


def sha256_rank(seed: str, entity_id: str) -> str:
    """Lowercase hex SHA-256 of the UTF-8 bytes of ``seed + ":" + entity_id``."""
    return hashlib.sha256(f"{seed}:{entity_id}".encode("utf-8")).hexdigest()


def _ranked(seed: str, ids: Iterable[str]) -> Iterable[tuple[str, str]]:
    """(rank, id) for every id, lazily; the seed prefix is hashed once and copied."""
    prefix = hashlib.sha256(f"{seed}:".encode("utf-8"))
    for entity_id in ids:
        h = prefix.copy()
        h.update(entity_id.encode("utf-8"))
        yield h.hexdigest(), entity_id


def rank_smallest(seed: str, ids: Iterable[str], k: int) -> list[tuple[str, str]]:
    """The k ids with the smallest rank, as (rank_hex, id), ascending (ties by id).

    ``ids`` may be any iterable, including a generator; only k entries are kept in
    memory at a time. Ids are expected to be distinct.
    """
    if k < 0:
        raise ValueError(f"k must not be negative: {k}")
    if k == 0:
        return []
    return heapq.nsmallest(k, _ranked(seed, ids))


_SOURCE_SPLIT = re.compile(r"[\s,、;；]+")


def parse_source(text: str) -> list[int]:
    """The non-negative integers of one public random source, e.g. "2 5 12 8 10".

    Numbers may be separated by spaces or commas (full-width ones too). Raises
    ValueError when the text is empty or holds anything but decimal integers.
    """
    normalized = unicodedata.normalize("NFKC", text).strip()
    if not normalized:
        raise ValueError("empty source")
    values = []
    for token in _SOURCE_SPLIT.split(normalized):
        if not token:
            continue
        if not re.fullmatch(r"[0-9]+", token):
            raise ValueError(f"not a non-negative integer: {token!r}")
        values.append(int(token))
    if not values:
        raise ValueError("empty source")
    return values


def rfc3797_key(sources: Sequence[Sequence[int]]) -> str:
    """The RFC 3797 key string built from the public random sources.

    For each source, its integers sorted ascending, each in decimal followed by ".";
    each source closed by "/".
    """
    parts = []
    for source in sources:
        values = [int(v) for v in source]
        if any(v < 0 for v in values):
            raise ValueError("source values must be non-negative integers")
        parts.append("".join(f"{v}." for v in sorted(values)) + "/")
    return "".join(parts)


def rfc3797_select(key: str, ids_sorted: Sequence[str], k: int) -> list[tuple[str, str]]:
    """RFC 3797 section 4 selection of k ids; (md5_hex, id) per pick, in pick order."""
    if k < 0:
        raise ValueError(f"k must not be negative: {k}")
    remaining = list(ids_sorted)
    if k > len(remaining):
        raise ValueError(f"cannot select {k} of {len(remaining)}")
    key_bytes = key.encode("utf-8")
    picks = []
    for i in range(k):
        index = i.to_bytes(2, "big")
        digest = hashlib.md5(index + key_bytes + index).digest()
        position = int.from_bytes(digest, "big") % len(remaining)
        picks.append((digest.hex(), remaining.pop(position)))
    return picks


def select(algorithm: str, seed: str, ids: Iterable[str], k: int) -> list[tuple[str, str]]:
    """k picks by the named algorithm, as (rank_or_digest_hex, id) in pick order."""
    if algorithm == "sha256-rank":
        return rank_smallest(seed, ids, k)
    if algorithm == "rfc3797":
        return rfc3797_select(seed, sorted(ids), k)
    raise ValueError(f"unknown algorithm: {algorithm!r}")


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


# --------------------------------------------------------------------------- teams


def team_rank(seed: str, entity_id: str, inspector_id: str) -> str:
    """Lowercase hex SHA-256 of ``seed + ":" + entity_id + ":" + inspector_id``."""
    return hashlib.sha256(f"{seed}:{entity_id}:{inspector_id}".encode("utf-8")).hexdigest()


EXCLUSION_REASONS = {
    "off_duty": "不在岗（{status}）",
    "unqualified": "无该类别检查资格",
    "conflict": "与该企业有利害关系（回避名单）",
    "local": "属地回避（同乡镇）",
}


def reason_text(code: str, inspector: Inspector | None = None) -> str:
    """Chinese text of an exclusion reason code."""
    template = EXCLUSION_REASONS.get(code)
    if template is None:
        return f"未知原因（{code}）"
    if code == "off_duty":
        if inspector is None or not inspector.status:
            return "不在岗"
        return template.format(status=inspector.status)
    return template


def _exclusion_reason(entity: Entity, inspector: Inspector, local_avoidance: bool) -> str | None:
    if not inspector.on_duty:
        return "off_duty"
    if not inspector.qualified_for(entity.category):
        return "unqualified"
    if entity.id in inspector.avoid:
        return "conflict"
    if local_avoidance and entity.town and inspector.town == entity.town:
        return "local"
    return None


def exclusions(
    entity: Entity, inspectors: Sequence[Inspector], local_avoidance: bool
) -> tuple[list[Inspector], list[tuple[str, str]]]:
    """(eligible inspectors in input order, [(inspector_id, reason_code)] sorted by id).

    The reason is the first that applies of: off_duty, unqualified, conflict, local.
    """
    eligible: list[Inspector] = []
    excluded: list[tuple[str, str]] = []
    for inspector in inspectors:
        reason = _exclusion_reason(entity, inspector, local_avoidance)
        if reason is None:
            eligible.append(inspector)
        else:
            excluded.append((inspector.id, reason))
    excluded.sort()
    return eligible, excluded


def team_from_eligible(
    seed: str, entity_id: str, eligible_ids: Sequence[str], load: Mapping[str, int], n: int
) -> tuple[str, ...]:
    """The first n eligible ids ordered by (load, team_rank(seed, entity_id, id), id).

    ``load`` counts the teams each inspector already joined in this draw. Returns fewer
    than n ids when fewer are eligible; callers that need a full team check the length.
    """
    if n < 0:
        raise ValueError(f"n must not be negative: {n}")
    prefix = hashlib.sha256(f"{seed}:{entity_id}:".encode("utf-8"))  # team_rank, hashing the shared part once

    def key(inspector_id: str) -> tuple[int, str, str]:
        h = prefix.copy()
        h.update(inspector_id.encode("utf-8"))
        return (load.get(inspector_id, 0), h.hexdigest(), inspector_id)

    return tuple(sorted(dict.fromkeys(eligible_ids), key=key)[:n])


@dataclass(frozen=True)
class Team:
    """The inspectors assigned to one drawn entity."""

    entity: str
    inspectors: tuple[str, ...]
    excluded: tuple[tuple[str, str], ...]  # (inspector_id, reason_code), sorted by inspector id


def _not_enough_message(
    entity: Entity,
    eligible: Sequence[Inspector],
    excluded: Sequence[tuple[str, str]],
    by_id: Mapping[str, Inspector],
    n: int,
) -> str:
    lines = [
        f"{entity.name}（统一社会信用代码 {entity.id}）可派执法检查人员只有 {len(eligible)} 名，"
        f"少于每户所需的 {n} 名。"
    ]
    if eligible:
        names = "、".join(f"{i.name}（{i.id}）" for i in eligible)
        lines.append(f"可派人员：{names}")
    if excluded:
        lines.append("不能派出的人员及原因：")
        for inspector_id, code in excluded:
            inspector = by_id.get(inspector_id)
            label = f"{inspector.name}（{inspector_id}）" if inspector else inspector_id
            lines.append(f"  - {label}：{reason_text(code, inspector)}")
    return "\n".join(lines)


def assign_teams(
    seed: str,
    picks: Sequence[Entity],
    inspectors: Sequence[Inspector],
    n: int,
    local_avoidance: bool,
) -> list[Team]:
    """One team of n inspectors per drawn entity, in pick order.

    Raises NotEnoughInspectors, naming the entity and why each inspector was excluded,
    when an entity has fewer than n eligible inspectors.
    """
    by_id = {i.id: i for i in inspectors}
    avoided = {entity_id for i in inspectors for entity_id in i.avoid}
    # Who may go depends on the entity only through its category, its town (under 属地回避)
    # and the avoid lists; entities no one avoids share the answer for their category and town.
    shared: dict[tuple[str, str], tuple[list[Inspector], list[tuple[str, str]]]] = {}
    load: dict[str, int] = {}
    teams: list[Team] = []
    for entity in picks:
        if entity.id in avoided:
            eligible, excluded = exclusions(entity, inspectors, local_avoidance)
        else:
            key = (entity.category, entity.town if local_avoidance else "")
            if key not in shared:
                shared[key] = exclusions(entity, inspectors, local_avoidance)
            eligible, excluded = shared[key]
        if len(eligible) < n:
            raise NotEnoughInspectors(
                _not_enough_message(entity, eligible, excluded, by_id, n),
                "请核对执法检查人员名录库中的在岗状态、检查资格和回避名单，"
                "补充可派人员后重新抽取。",
            )
        team = team_from_eligible(seed, entity.id, [i.id for i in eligible], load, n)
        for inspector_id in team:
            load[inspector_id] = load.get(inspector_id, 0) + 1
        teams.append(Team(entity=entity.id, inspectors=team, excluded=tuple(excluded)))
    return teams
