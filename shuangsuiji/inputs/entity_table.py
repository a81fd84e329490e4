"""Large entity registries kept compactly: ``EntityTable``.

A registry of a million entities held as a million ``Entity`` objects costs about a
gigabyte. ``EntityTable`` keeps the same checked rows column by column (ids and names in
joined strings, the rest as small integer codes) and builds an ``Entity`` only when one is
asked for. ``inputs/entities.load_entity_table`` fills one from a registry file.
"""

from __future__ import annotations

import operator
from array import array
from bisect import bisect_right
from collections import Counter
from collections.abc import Collection, Iterator, Sequence, Set
from typing import Iterable

from shuangsuiji.codes import ACTIVE_ENTITY_STATUS
from shuangsuiji.inputs.entity_rules import Kind
from shuangsuiji.records import Entity

_ID_WIDTH = 18  # every id that passed uscc.problem is 18 ASCII characters
_CHUNK_ROWS = 1 << 16  # rows per chunk of the id and name strings
_BLOCK = 64  # rows per block of the sorted-id look-up sample


def _small_array(values: array, count: int) -> array:
    """``values`` (all below ``count``) in the narrowest unsigned array type."""
    code = "B" if count <= 1 << 8 else "H" if count <= 1 << 16 else "I"
    return values if values.typecode == code else array(code, values)


class EntityTable(Sequence[Entity]):
    """The checked rows of one entity registry, stored column by column.

    A million ``Entity`` objects cost several hundred megabytes; here the ids (18 ASCII
    characters each, once checked) sit end to end in a few long strings, the names
    likewise with an array of their end offsets, each row's (category, town, status,
    risk) is an index into the few distinct combinations, and line numbers are kept only
    when they are not simply consecutive: about 65 bytes a row. Indexing and iteration
    give ``Entity`` records, built on demand, equal to the ones ``EntityRules.row``
    returns for the same file, with the same path and line.
    """

    __slots__ = ("path", "_n", "_rows", "_id_chunks", "_name_chunks", "_ends", "_kinds", "_kind_values",
                 "_lines", "_first_line", "_sorted", "_index", "_sample")

    def __init__(self, path: str, rows_per_chunk: int, id_chunks: list[str], name_chunks: list[str], ends: array,
                 kinds: array, kind_values: list[Kind], lines: array, ids_sorted: bool | None = None) -> None:
        """``ends``: each name's end offset within its chunk; ``ids_sorted``: whether the ids ascend, if known."""
        self.path = path
        self._n = len(kinds)
        self._rows = rows_per_chunk
        self._id_chunks = id_chunks
        self._name_chunks = name_chunks
        self._ends = ends
        self._kinds = _small_array(kinds, len(kind_values))
        self._kind_values = kind_values
        self._first_line = lines[0] if self._n else 0
        consecutive = lines == array(lines.typecode, range(self._first_line, self._first_line + self._n))
        self._lines = None if consecutive else lines  # usually row i is simply on line first + i
        # With ascending ids, look-ups bisect a sample instead of indexing every id.
        self._sorted = self._ids_ascending() if ids_sorted is None else ids_sorted
        self._index: dict[str, int] | None = None  # id -> position, built on first look-up when unsorted
        self._sample: list[str] | None = None  # every _BLOCK-th id, built on first look-up when sorted

    def _ids_ascending(self) -> bool:
        previous = ""
        for chunk in self._id_chunks:
            if not chunk:
                continue
            if chunk[:_ID_WIDTH] <= previous:
                return False
            ids = [chunk[at:at + _ID_WIDTH] for at in range(0, len(chunk), _ID_WIDTH)]
            if any(a >= b for a, b in zip(ids, ids[1:])):
                return False
            previous = ids[-1]
        return True

    @classmethod
    def from_entities(cls, entities: Iterable[Entity], path: str) -> "EntityTable":
        """A table of already checked entities (all read from ``path``)."""
        rows = _CHUNK_ROWS
        id_chunks: list[str] = []
        name_chunks: list[str] = []
        ids: list[str] = []
        names: list[str] = []
        ends, kinds, lines = array("I"), array("I"), array("q")
        kind_of: dict[Kind, int] = {}
        kind_values: list[Kind] = []
        end = 0
        for e in entities:
            if len(e.id) != _ID_WIDTH or not e.id.isascii():
                raise ValueError(f"not a checked USCC: {e.id!r}")
            key = (e.category, e.town, e.status, e.risk)
            k = kind_of.get(key)
            if k is None:
                k = kind_of[key] = len(kind_values)
                kind_values.append(key)
            ids.append(e.id)
            names.append(e.name)
            end += len(e.name)
            ends.append(end)
            kinds.append(k)
            lines.append(e.line)
            if len(ids) == rows:
                id_chunks.append("".join(ids))
                name_chunks.append("".join(names))
                ids, names, end = [], [], 0
        if ids or not id_chunks:
            id_chunks.append("".join(ids))
            name_chunks.append("".join(names))
        return cls(path, rows, id_chunks, name_chunks, ends, kinds, kind_values, lines)

    def __len__(self) -> int:
        return self._n

    def line_at(self, i: int) -> int:
        return self._first_line + i if self._lines is None else self._lines[i]

    def id_at(self, i: int) -> str:
        c, j = divmod(i, self._rows)
        at = j * _ID_WIDTH
        return self._id_chunks[c][at:at + _ID_WIDTH]

    def _entity(self, i: int) -> Entity:
        c, j = divmod(i, self._rows)
        at = j * _ID_WIDTH
        start = self._ends[i - 1] if j else 0
        category, town, status, risk = self._kind_values[self._kinds[i]]
        return Entity(self._id_chunks[c][at:at + _ID_WIDTH], self._name_chunks[c][start:self._ends[i]],
                      category, town, status, risk, self.path, self.line_at(i))

    def __getitem__(self, i):  # type: ignore[override]
        if isinstance(i, slice):
            return [self._entity(j) for j in range(*i.indices(self._n))]
        i = operator.index(i)
        if i < 0:
            i += self._n
        if not 0 <= i < self._n:
            raise IndexError("EntityTable index out of range")
        return self._entity(i)

    def __iter__(self) -> Iterator[Entity]:
        ends, kinds, values, path = self._ends, self._kinds, self._kind_values, self.path
        i = 0
        for ids, names in zip(self._id_chunks, self._name_chunks):
            start = 0
            for at in range(0, len(ids), _ID_WIDTH):
                end = ends[i]
                category, town, status, risk = values[kinds[i]]
                yield Entity(ids[at:at + _ID_WIDTH], names[start:end], category, town, status, risk, path, self.line_at(i))
                start = end
                i += 1

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (EntityTable, list, tuple)):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other))
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"<EntityTable {self.path}: {self._n} entities>"

    def iter_ids(self) -> Iterator[str]:
        for chunk in self._id_chunks:
            for at in range(0, len(chunk), _ID_WIDTH):
                yield chunk[at:at + _ID_WIDTH]

    def index_of(self, entity_id: str) -> int | None:
        """The position of the entity with this id, or None."""
        if not isinstance(entity_id, str) or len(entity_id) != _ID_WIDTH:
            return None
        if not self._sorted:
            if self._index is None:
                self._index = {e: i for i, e in enumerate(self.iter_ids())}
            return self._index.get(entity_id)
        # Bisect a sample of every _BLOCK-th id, then search that block's stretch of the id strings.
        if self._sample is None:
            self._sample = [self.id_at(i) for i in range(0, self._n, _BLOCK)]
        block = bisect_right(self._sample, entity_id) - 1
        if block < 0:
            return None
        lo, hi = block * _BLOCK, min(self._n, (block + 1) * _BLOCK)
        while lo < hi:
            c, j = divmod(lo, self._rows)
            stop = min(hi, (c + 1) * self._rows)
            chunk, end = self._id_chunks[c], (stop - c * self._rows) * _ID_WIDTH
            at = chunk.find(entity_id, j * _ID_WIDTH, end)
            while at != -1 and at % _ID_WIDTH:  # found straddling two ids: look further
                at = chunk.find(entity_id, at + 1, end)
            if at != -1:
                return c * self._rows + at // _ID_WIDTH
            lo = stop
        return None

    def find(self, entity_id: str) -> Entity | None:
        i = self.index_of(entity_id)
        return None if i is None else self._entity(i)

    def find_many(self, entity_ids: Iterable[str]) -> dict[str, Entity]:
        """id -> entity for those of the ids that are in the table."""
        return {i: e for i in entity_ids if (e := self.find(i)) is not None}

    def closest(self, text: str, n: int = 3) -> list[Entity]:
        """The entities whose id is most like ``text``, or whose name holds it, best first: for an
        "unknown entity" message. Linear in the table (only ever on that error path)."""
        import difflib

        wanted = text.strip()
        if not wanted:
            return []
        named = [e for e in self if wanted in e.name][:n]
        near = difflib.get_close_matches(wanted.upper(), self.iter_ids(), n=n, cutoff=0.6)
        out = named + [e for e in map(self.find, near) if e is not None and e not in named]
        return out[:n]

    def id_set(self) -> "EntityIds":
        """The ids as a read-only set, without a copy of each id."""
        return EntityIds(self)

    def _matching(self, categories: Collection[str], active_only: bool) -> Iterator[int]:
        wanted = {k for k, (category, _, status, _) in enumerate(self._kind_values)
                  if category in categories and (not active_only or status == ACTIVE_ENTITY_STATUS)}
        return (i for i, k in enumerate(self._kinds) if k in wanted)

    def ids_where(self, categories: Collection[str], active_only: bool = True) -> list[str]:
        """Ids of the entities in these categories (and active), in file order."""
        return [self.id_at(i) for i in self._matching(categories, active_only)]

    def graded_ids_where(self, categories: Collection[str], active_only: bool = True) -> list[tuple[str, str]]:
        """(id, risk grade) of the entities in these categories (and active), in file order."""
        values = self._kind_values
        return [(self.id_at(i), values[self._kinds[i]][3]) for i in self._matching(categories, active_only)]

    def grade_counts(self, categories: Collection[str], active_only: bool = True) -> dict[str, int]:
        """Risk grade -> how many entities in these categories (and active): counted per kind, no id made."""
        out: dict[str, int] = {}
        for k, n in sorted(Counter(self._kinds).items()):  # kind numbers follow first appearance, as do the grades here
            category, _, status, risk = self._kind_values[k]
            if category in categories and (not active_only or status == ACTIVE_ENTITY_STATUS):
                out[risk] = out.get(risk, 0) + n
        return out

    def where(self, categories: Collection[str], active_only: bool = True) -> list[Entity]:
        """The entities in these categories (and active), in file order."""
        return [self._entity(i) for i in self._matching(categories, active_only)]

    def count_by_category(self) -> dict[tuple[str, bool], int]:
        """(category, active) -> how many entities, in order of first appearance."""
        out: dict[tuple[str, bool], int] = {}
        for k, n in sorted(Counter(self._kinds).items()):  # kind numbers follow first appearance
            category, _, status, _ = self._kind_values[k]
            key = (category, status == ACTIVE_ENTITY_STATUS)
            out[key] = out.get(key, 0) + n
        return out


class EntityIds(Set):
    """The ids of an EntityTable as a set (membership by bisection or one lazy index)."""

    __slots__ = ("_table",)

    def __init__(self, table: EntityTable) -> None:
        self._table = table

    def __contains__(self, entity_id: object) -> bool:
        return isinstance(entity_id, str) and self._table.index_of(entity_id) is not None

    def __iter__(self) -> Iterator[str]:
        return self._table.iter_ids()

    def __len__(self) -> int:
        return len(self._table)
