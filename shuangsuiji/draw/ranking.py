"""Ranking entities: sha256-rank (Rivest's consistent sampling) and RFC 3797 selection (pure).

The method is explained in the package docstring (``shuangsuiji/draw/__init__.py``) and,
for an outside auditor, in ``docs/draw-algorithm.md``.
"""

from __future__ import annotations

import hashlib
import heapq
import operator
import re
import unicodedata
from collections.abc import Iterable, Sequence
from itertools import islice

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


_SORT_ALL_FROM = 16  # k of at least 1/16 of a sized pool: hash all, sort once (else a bounded heap)


def rank_smallest(seed: str, ids: Iterable[str], k: int) -> list[tuple[str, str]]:
    """The k ids with the smallest rank, as (rank_hex, id), ascending (ties by id).

    ``ids`` may be any iterable, including a generator: then, and whenever k is a small part
    of the ids, only k entries are kept in memory at a time (a bounded heap). When k is a
    large part of a sized collection (a round drawing a fifth of the pool), every id is
    hashed in one pass and the positions sorted once by raw digest, which orders as the
    lowercase hex does: the same picks, faster. Ids are expected to be distinct.
    """
    if k < 0:
        raise ValueError(f"k must not be negative: {k}")
    if k == 0:
        return []
    if not isinstance(ids, (list, tuple, set, frozenset)) or k * _SORT_ALL_FROM < len(ids):
        return heapq.nsmallest(k, _ranked(seed, ids))
    ids = list(ids)
    prefix = f"{seed}:".encode("utf-8")
    digests = [h.digest() for h in map(hashlib.sha256, map(prefix.__add__, map(str.encode, ids)))]
    order = sorted(range(len(ids)), key=digests.__getitem__)[:k + 1]
    top = [digests[i] for i in order]
    del digests
    if any(map(operator.eq, top, islice(top, 1, None))):  # equal ranks (a repeated id): ties by id
        return heapq.nsmallest(k, _ranked(seed, ids))
    return [(d.hex(), ids[i]) for d, i in zip(top[:k], order)]


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


# --------------------------------------------------------------------------- teams


