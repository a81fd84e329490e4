"""Large entity registries kept compactly: ``EntityTable`` and its streaming loader.

A registry of a million entities held as a million ``Entity`` objects costs about a
gigabyte. ``EntityTable`` keeps the same checked rows column by column (ids and names in
joined strings, the rest as small integer codes) and builds an ``Entity`` only when one is
asked for. ``load_entity_table`` streams a clean UTF-8 CSV straight into a table; anything
else (XLSX, GBK, UTF-16, or a file with any problem) goes through
``registry.load_entities``, so every error message and line number is exactly the one the
plain loader gives. ``tests/test_entity_table.py`` holds the two loaders to the same
answers on many spoiled files.
"""

from __future__ import annotations

import codecs
import csv
import io
import operator
from array import array
from bisect import bisect_right
from collections import Counter
from collections.abc import Collection, Iterator, Sequence, Set
from itertools import accumulate, chain, islice
from pathlib import Path
from typing import Iterable

from shuangsuiji.codes import ACTIVE_ENTITY_STATUS, ENTITY_STATUSES, RISK_GRADES
from shuangsuiji.inputs import uscc
from shuangsuiji.inputs.registry import (
    ENTITY_COLUMNS,
    _header_index,
    category_resolver,
    load_entities,
)
from shuangsuiji.records import Entity

_ID_WIDTH = 18  # every id that passed uscc.problem is 18 ASCII characters
_CHUNK_ROWS = 1 << 16  # rows per chunk of the id and name strings
_BLOCK = 64  # rows per block of the sorted-id look-up sample
Kind = tuple[str, str, str, str]  # (category code, town, status, risk)


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
    give ``Entity`` records, built on demand, equal to the ones ``parse_entities``
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


def load_entity_table(path: Path, shown: str, categories: dict[str, str]) -> EntityTable:
    """``load_entities`` as an EntityTable: the same checks, and the same errors when any fails.

    A CSV registry in UTF-8 (with or without BOM) is streamed once, row by row, without
    holding the file's text or a dict per row. Anything else -- an XLSX workbook, UTF-16
    or GBK text, or a file with any problem at all -- goes through ``load_entities``, so
    every message and line number is exactly the one it gives.
    """
    table = _entity_table_streamed(path, shown, categories)
    if table is None:
        table = EntityTable.from_entities(load_entities(path, shown, categories), shown)
    return table


def _entity_table_streamed(path: Path, shown: str, categories: dict[str, str]) -> EntityTable | None:
    """The table of a clean UTF-8 CSV registry; None when ``load_entities`` must decide."""
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return None
    try:
        raw = path.open("rb")
    except OSError:
        return None
    with raw:
        try:
            head = raw.read(len(codecs.BOM_UTF8))
            if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
                return None
            raw.seek(0)
            # As read_text: a UTF-8 BOM is dropped. Lines end at "\r\n", "\r" or "\n", but are
            # not translated to "\n" (cheaper); only a quoted cell spanning lines could tell
            # the difference, and the rows streamed refuse one.
            text = io.TextIOWrapper(raw, encoding="utf-8-sig" if head == codecs.BOM_UTF8 else "utf-8", errors="strict", newline="")
            try:
                return _entity_rows_streamed(text, shown, categories)
            finally:
                text.detach()
        except (UnicodeDecodeError, csv.Error, OSError, OverflowError):
            return None


_TEXT_CHUNK = 1 << 20  # characters read at a time
_ROW_BATCH = 512  # rows parsed by csv.reader and checked together


def _line_chunks(text: io.TextIOBase) -> Iterator[str]:
    """The text in pieces that each end just after a "\\n" (the last one: at the end of the text)."""
    carry = ""
    while True:
        data = text.read(_TEXT_CHUNK)
        if not data:
            if carry:
                yield carry
            return
        buf = carry + data
        cut = buf.rfind("\n") + 1
        if cut:
            yield buf[:cut]
        carry = buf[cut:]


def _entity_rows_streamed(text: io.TextIOBase, shown: str, categories: dict[str, str]) -> EntityTable | None:
    """What read_text, _csv_rows, _map_header and parse_entities do; None at the first problem.

    The text is read a piece at a time. A piece with no quote, no lone "\\r" and no NUL is
    just lines of comma-separated cells, which csv.reader would split at every comma: when
    each line has as many cells as the header, it is split by ``str.split`` into columns
    directly. Other pieces go through csv.reader (from the first quote on, the rest of the
    file does). Columns are checked with C-level built-ins: each distinct (category, town,
    status, risk) as written once, ids by ``uscc.all_valid``.
    """
    reader = csv.reader(text)  # the header, however it is written
    prev = 0
    header: list[str] | None = None
    header_line = 0
    for cells in reader:
        line, prev = prev + 1, reader.line_num
        if any(c.strip() for c in cells):
            header, header_line = cells, line
            break
    if header is None:
        return None
    index, errors = _header_index(header, header_line, shown, ENTITY_COLUMNS)
    if errors:
        return None
    width = len(header)
    has_risk = "risk" in index
    # Column positions of id, name, category, town, status, risk (without a risk column,
    # status again: the 6th value then goes unused).
    wanted = [index[c] for c in ("id", "name", "category", "town", "status")] + [index["risk"] if has_risk else index["status"]]
    resolve = category_resolver(categories)
    statuses = frozenset(ENTITY_STATUSES)
    rows = _CHUNK_ROWS
    strip = str.strip

    id_parts: list[str] = []  # checked rows not yet in a chunk
    name_parts: list[str] = []
    id_chunks: list[str] = []
    name_chunks: list[str] = []
    ends, kinds, lines = array("I"), array("I"), array("I")
    raw_kinds: dict[tuple[str, str, str, str], int] = {}  # the four cells as written -> kind
    kind_of: dict[Kind, int] = {}
    kind_values: list[Kind] = []
    last = ""  # the greatest id so far while ids ascend
    seen: set[str] | None = None  # every id so far, once ids stopped ascending

    def new_kind(key: tuple[str, str, str, str]) -> int | None:
        category, town, status, risk = key
        if not (category and town and status) or "\r" in "".join(key):
            return None
        category = resolve.get(category)
        risk = risk.upper() if has_risk else ""
        if category is None or status not in statuses or (risk and risk not in RISK_GRADES):
            return None
        kind = (category, town, status, risk)
        k = kind_of.get(kind)
        if k is None:
            k = kind_of[kind] = len(kind_values)
            kind_values.append(kind)
        raw_kinds[key] = k
        return k

    def flush(count: int) -> bool:
        codes = "".join(id_parts[:count])
        names = "".join(name_parts[:count])
        if not uscc.all_valid(codes) or "\r" in names:
            return False
        ends.extend(accumulate(map(len, name_parts[:count])))
        id_chunks.append(codes)
        name_chunks.append(names)
        del id_parts[:count], name_parts[:count]
        return True

    def filled(columns: list[list[str]]) -> bool:
        return all(all(column) for column in columns[:5])  # id, name, category, town, status

    def add(columns: list[list[str]], row_lines: Iterable[int]) -> bool:
        """Check and keep stripped, filled columns of rows on these lines."""
        nonlocal last, seen
        ids, names, cats, towns, stats, risks = columns
        ks = list(map(raw_kinds.get, zip(cats, towns, stats, risks)))
        if None in ks:
            for i, k in enumerate(ks):
                if k is None:
                    key = (cats[i], towns[i], stats[i], risks[i])
                    k = raw_kinds.get(key)
                    if k is None:
                        k = new_kind(key)
                        if k is None:
                            return False
                    ks[i] = k
        if set(map(len, ids)) != {_ID_WIDTH}:
            return False
        if seen is None:
            if ids[0] > last and all(map(operator.lt, ids, islice(ids, 1, None))):
                last = ids[-1]
            else:  # out of order, or a duplicate: from now on every id goes in a set
                seen = set(id_parts)
                for chunk in id_chunks:
                    seen.update(chunk[at:at + _ID_WIDTH] for at in range(0, len(chunk), _ID_WIDTH))
        if seen is not None:
            size = len(seen)
            seen.update(ids)
            if len(seen) != size + len(ids):
                return False  # a duplicate id
        kinds.extend(ks)
        lines.extend(row_lines)
        id_parts.extend(ids)
        name_parts.extend(names)
        while len(id_parts) >= rows:
            if not flush(rows):
                return False
        return True

    def add_rows(batch: list[list[str]], first_line: int) -> bool:
        """Check and keep csv rows that take one line each, the first on ``first_line``."""
        kept: list[list[str]] = []
        kept_lines: list[int] = []
        for i, cells in enumerate(batch):
            if not any(c.strip() for c in cells):
                continue  # blank line
            n = len(cells)
            if n > width:
                if any(c.strip() for c in cells[width:]):
                    return False  # more fields than the header
                cells = cells[:width]
            elif n < width:
                cells = cells + [""] * (width - n)
            kept.append(cells)
            kept_lines.append(first_line + i)
        if not kept:
            return True
        cols = list(zip(*kept))
        columns = [list(map(strip, cols[i])) for i in wanted]
        return filled(columns) and add(columns, kept_lines)

    base = reader.line_num  # lines before the current piece
    pieces = _line_chunks(text)
    for piece in pieces:
        if '"' in piece:
            # From the first quote on, csv.reader reads the rest: a quoted cell may go on
            # into the next piece. Every row must still take one line.
            reader = csv.reader(chain.from_iterable(io.StringIO(p, newline="") for p in chain([piece], pieces)))
            while True:
                before = reader.line_num
                batch = list(islice(reader, _ROW_BATCH))
                if not batch:
                    break
                if reader.line_num - before != len(batch):
                    return None  # a quoted cell spans lines
                if not add_rows(batch, base + before + 1):
                    return None
            break
        body, end = piece, "\n"
        if "\r" in piece:
            crlf = piece.count("\r\n")
            if piece.count("\r") == crlf == piece.count("\n"):
                end = "\r\n"  # every line ends in CRLF: split there directly
            else:
                body = piece.replace("\r\n", "\n")  # mixed line ends; a lone "\r" stays
        if not body.endswith(end):
            body += end
        count = body.count(end)
        if (end == "\r\n" or "\r" not in body) and "\0" not in body:
            fields = body.replace(end, ",\n,").split(",")  # "\n" after each line's last cell
            if len(fields) == count * (width + 1) + 1 and fields[width::width + 1].count("\n") == count:
                columns = [list(map(strip, fields[i:-1:width + 1])) for i in wanted]
                del fields
                if filled(columns):
                    if not add(columns, range(base + 1, base + 1 + count)):
                        return None
                    base += count
                    continue
        # Blank lines, rows short or long, empty cells, lone "\r": row by row, by csv.reader
        # (without quotes, each row is one line).
        reader = csv.reader(io.StringIO(piece, newline=""))
        while True:
            before = reader.line_num
            batch = list(islice(reader, _ROW_BATCH))
            if not batch:
                break
            if not add_rows(batch, base + before + 1):
                return None
        base += reader.line_num
    if (id_parts or not id_chunks) and not flush(len(id_parts)):
        return None
    return EntityTable(shown, rows, id_chunks, name_chunks, ends, kinds, kind_values, lines, ids_sorted=seen is None)


