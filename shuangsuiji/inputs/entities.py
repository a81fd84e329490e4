"""The one loader of the entity registry, and its canonical bytes.

``load_entity_table`` reads ``data/entities.csv`` (or any file ``ssj import`` is given: CSV
in any encoding Excel or WPS writes, comma- or tab-separated, or an XLSX workbook) into an
``EntityTable``. Rows are checked in bulk: a batch of rows whose columns pass the checks of
``entity_rules`` as a whole (each distinct (category, town, status, risk) once, all ids at
once by ``uscc.all_valid``, duplicates by one set) is kept without building a record per
row. A batch that does not pass, and every row after it, is checked row by row by
``EntityRules.row``, which names each problem with its line. So there is one set of rules
and one loader, and a clean registry of a million rows loads at the speed of the bulk
path.

A UTF-8 CSV is streamed a piece at a time, never held whole. A piece with no quote, no
lone "\\r" and no NUL is split into columns by ``str.split`` directly; other pieces, and the
rest of the file from the first quote on, go through ``csv.reader``.
"""

from __future__ import annotations

import codecs
import io
import operator
from array import array
from collections.abc import Iterable, Iterator, Mapping
from itertools import accumulate, chain, islice
from pathlib import Path
from typing import BinaryIO

from shuangsuiji.errors import InputError, InputErrors
from shuangsuiji.files.tables import (
    MAX_CELL,
    SAMPLE,
    XLS_HINT,
    XLSX_SUFFIXES,
    Rows,
    csv_bytes,
    delimiter_of,
    find_header,
    fit_row,
    keep_cell,
    text_rows,
    xlsx_rows,
)
from shuangsuiji.files.text import MAX_INPUT_BYTES, decode, open_input
from shuangsuiji.inputs import entity_table, uscc
from shuangsuiji.inputs.entity_rules import ENTITY_COLUMNS, EntityRules, Kind
from shuangsuiji.inputs.entity_table import EntityTable
from shuangsuiji.records import Entity, no_cycle_collection

_ID_WIDTH = 18  # every id that passed uscc.problem is 18 ASCII characters
_TEXT_CHUNK = 1 << 20  # characters read at a time
_ROW_BATCH = 512  # rows parsed by csv.reader and checked together
_WANTED = ("id", "name", "category", "town", "status", "risk")


def load_entity_table(path: Path, shown: str, categories: Mapping[str, str]) -> EntityTable:
    """The checked entity registry at ``path``. Raises InputErrors with every problem found."""
    with no_cycle_collection():  # a million rows of cells and ids, none in a cycle
        return _load_entity_table(path, shown, categories)


def _load_entity_table(path: Path, shown: str, categories: Mapping[str, str]) -> EntityTable:
    suffix = path.suffix.lower()
    if suffix == ".xls":
        raise InputErrors([InputError(shown, 0, "不支持旧版 Excel（.xls）文件", XLS_HINT)])
    if suffix in XLSX_SUFFIXES:
        with xlsx_rows(path, shown, ENTITY_COLUMNS) as (sheet_shown, rows):
            header_line, index, width = find_header(rows, sheet_shown, ENTITY_COLUMNS)
            loader = _Loader(sheet_shown, categories, index, width, numbers=True)
            for batch in _batches(rows):
                loader.add_rows(batch)
            return loader.table()
    with open_input(path, shown) as raw:
        return _load_entity_stream(raw, shown, categories)


def load_entity_stream(raw: BinaryIO, shown: str, categories: Mapping[str, str]) -> EntityTable:
    """The checked entity registry of a CSV file open for reading (rewound once at most, never reopened,
    so a ``files.text.HashingReader`` sees every byte that was parsed). Raises InputErrors."""
    with no_cycle_collection():
        return _load_entity_stream(raw, shown, categories)


def _load_entity_stream(raw: BinaryIO, shown: str, categories: Mapping[str, str]) -> EntityTable:
    head = raw.read(SAMPLE)
    if not head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raw.seek(0)
        encoding = "utf-8-sig" if head.startswith(codecs.BOM_UTF8) else "utf-8"
        # Lines end at "\r\n", "\r" or "\n" and are not translated (cheaper); text_rows
        # turns line ends inside a quoted cell into "\n", as read_text would.
        text = io.TextIOWrapper(raw, encoding=encoding, errors="strict", newline="")
        try:
            return _load_text(text, shown, categories, delimiter_of(head.decode("utf-8", "ignore")))
        except UnicodeDecodeError:
            pass  # not UTF-8 after all (GBK): decoded whole below, with decode's own errors
        finally:
            text.detach()
    raw.seek(0)
    decoded, _ = decode(_read_all(raw, shown), shown)
    return _load_text(io.StringIO(decoded, newline=""), shown, categories, delimiter_of(decoded[:SAMPLE]))


def _read_all(raw: BinaryIO, shown: str) -> bytes:
    try:
        return raw.read(MAX_INPUT_BYTES + 1)
    except OSError as exc:
        raise InputErrors([InputError(shown, 0, f"无法读取文件：{exc.strerror or exc}", "请检查文件权限，或关闭正在占用它的程序")]) from None


def entities_csv(entities: Iterable[Entity]) -> bytes:
    """The canonical bytes of an entity registry: English header, rows sorted by id."""
    rows = ([e.id, e.name, e.category, e.town, e.status, e.risk] for e in sorted(entities, key=lambda e: e.id))
    return csv_bytes(chain([[c.name for c in ENTITY_COLUMNS]], rows))


def _batches(rows: Rows) -> Iterator[list[tuple[int, list[str]]]]:
    while batch := list(islice(rows, _ROW_BATCH)):
        yield batch


def _line_chunks(text: io.TextIOBase, shown: str) -> Iterator[str]:
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
        elif len(buf) > 8 * MAX_CELL:  # no line end in megabytes: not a registry, and memory would run out
            raise InputErrors([InputError(shown, 0, f"有一行超过 {8 * MAX_CELL} 个字符仍未结束", "请确认选对了文件，并检查是否有未配对的双引号")])
        carry = buf[cut:]


def _line_count(piece: str) -> int:
    """Lines in a piece of text, each ended by "\\r\\n", "\\r" or "\\n" (the last one may be unended)."""
    ends = piece.count("\n") + piece.count("\r") - piece.count("\r\n")
    return ends + (not piece.endswith(("\n", "\r")) and bool(piece))


def _load_text(text: io.TextIOBase, shown: str, categories: Mapping[str, str], delimiter: str) -> EntityTable:
    """The table of CSV text: the header by csv.reader, then the body a piece at a time."""
    header_line, index, width = find_header(text_rows(text, shown, delimiter), shown, ENTITY_COLUMNS)
    loader = _Loader(shown, categories, index, width)
    base = header_line  # lines before the current piece
    pieces = _line_chunks(text, shown)
    for piece in pieces:
        if '"' in piece:
            # From the first quote on, csv.reader reads the rest: a quoted cell may go on
            # into the next piece.
            lines = chain.from_iterable(io.StringIO(p, newline="") for p in chain([piece], pieces))
            for batch in _batches(text_rows(lines, shown, delimiter, start=base)):
                loader.add_rows(batch)
            break
        count = _split_piece(piece, loader, delimiter, base)
        if not count:
            for batch in _batches(text_rows(io.StringIO(piece, newline=""), shown, delimiter, start=base)):
                loader.add_rows(batch)
            count = _line_count(piece)
        base += count
    return loader.table()


def _split_piece(piece: str, loader: "_Loader", delimiter: str, base: int) -> int:
    """Keep a piece of lines that each hold exactly the header's cells, split by ``str.split``;
    returns the number of lines kept.

    0 (nothing kept) when the piece is not that simple or its rows do not all pass:
    csv.reader and the row rules then decide.
    """
    body, end = piece, "\n"
    if "\r" in piece:
        if piece.count("\r") == piece.count("\r\n") == piece.count("\n"):
            end = "\r\n"  # every line ends in CRLF: split there directly
        else:
            body = piece.replace("\r\n", "\n")  # mixed line ends; a lone "\r" stays
    if not body.endswith(end):
        body += end
    if (end == "\n" and "\r" in body) or "\0" in body:
        return 0
    count, width = body.count(end), loader.width
    fields = body.replace(end, delimiter + "\n" + delimiter).split(delimiter)  # "\n" after each line's last cell
    if len(fields) != count * (width + 1) + 1 or fields[width::width + 1].count("\n") != count:
        return 0
    columns = loader.columns([fields[i:-1:width + 1] for i in loader.wanted])
    del fields
    return count if loader.add_columns(columns, range(base + 1, base + 1 + count)) else 0


class _Loader:
    """The checked rows of one registry so far, column by column, and the problems found."""

    def __init__(self, shown: str, categories: Mapping[str, str], index: dict[str, int], width: int, numbers: bool = False) -> None:
        self.shown, self.index, self.width = shown, index, width
        self.rules = EntityRules(shown, categories)
        self.has_risk = "risk" in index
        # Positions of id, name, category, town, status, risk (without a risk column, status
        # again: the 6th value then goes unused).
        self.wanted = [index[c] for c in _WANTED[:5]] + [index["risk"] if self.has_risk else index["status"]]
        self.numbers = numbers  # cells may be NumericCell (XLSX): the id column must be looked at
        self.rows = entity_table._CHUNK_ROWS
        self.errors: list[InputError] = []
        self.first_line: dict[str, int] | None = None  # id -> line, once rows are checked one by one
        self.id_parts: list[str] = []  # kept rows not yet in a chunk
        self.name_parts: list[str] = []
        self.name_lengths: list[int] = []
        self.id_chunks: list[str] = []
        self.name_chunks: list[str] = []
        self.ends, self.kinds, self.lines = array("I"), array("I"), array("I")
        self.raw_kinds: dict[tuple[str, str, str, str], int] = {}  # the four cells as written -> kind
        self.kind_of: dict[Kind, int] = {}
        self.kind_values: list[Kind] = []
        self.last = ""  # the greatest id so far while ids ascend
        self.seen: set[str] | None = None  # every id so far, once ids stopped ascending

    def add_rows(self, batch: list[tuple[int, list[str]]]) -> None:
        """Check and keep rows as csv.reader or a sheet gives them."""
        kept: list[list[str]] = []
        kept_lines: list[int] = []
        for line, cells in batch:
            fitted = fit_row(cells, self.width, self.shown, line, self.errors)
            if fitted is not None:
                kept.append(fitted)
                kept_lines.append(line)
        if not kept:
            return
        id_at = self.index["id"]
        if self.first_line is None and not (self.numbers and any(type(c[id_at]) is not str for c in kept)):
            cols = list(zip(*kept))
            if self.add_columns(self.columns([cols[i] for i in self.wanted]), kept_lines):
                return
        self._check_rows(kept, kept_lines)

    @staticmethod
    def columns(cells: list) -> list:
        """The wanted columns as ``add_columns`` takes them: names stripped, ids stripped when any is not 18
        characters (a file written with a space after each comma), the four cells of a kind as written (they are
        stripped once per distinct combination, ``_new_kind``)."""
        out = list(cells)
        out[1] = list(map(str.strip, out[1]))
        if set(map(len, out[0])) != {_ID_WIDTH}:
            out[0] = list(map(str.strip, out[0]))
        return out

    def add_columns(self, columns: list[list[str]], lines: Iterable[int]) -> bool:
        """Keep columns of rows on these lines (from ``columns``) if all of them pass; False (nothing kept) if not."""
        if self.first_line is not None or self.errors or not all(columns[1]):
            return False
        ids, names = columns[0], columns[1]
        kinds = self._kinds(columns)
        if kinds is None or set(map(len, ids)) != {_ID_WIDTH} or not uscc.all_valid("".join(ids)):
            return False
        lengths = list(map(len, names))
        if max(lengths) > MAX_CELL or not self._unique(ids):
            return False
        self.kinds.extend(kinds)
        self.lines.extend(lines)
        self.id_parts.extend(ids)
        self.name_parts.extend(names)
        self.name_lengths.extend(lengths)
        while len(self.id_parts) >= self.rows:
            self._flush(self.rows)
        return True

    def _kinds(self, columns: list[list[str]]) -> list[int] | None:
        """The kind number of each row; None when a row's (category, town, status, risk) breaks a rule."""
        cats, towns, stats, risks = columns[2:]
        if not self.has_risk:
            risks = [""] * len(cats)
        ks = list(map(self.raw_kinds.get, zip(cats, towns, stats, risks)))
        if None in ks:
            for i, k in enumerate(ks):
                if k is None:
                    key = (cats[i], towns[i], stats[i], risks[i])
                    k = self.raw_kinds.get(key)
                    if k is None:
                        k = self._new_kind(key)
                        if k is None:
                            return None
                    ks[i] = k
        return ks  # type: ignore[return-value]

    def _new_kind(self, key: tuple[str, str, str, str]) -> int | None:
        """The kind number of (category, town, status, risk) as written; None when a stripped cell breaks a rule
        (category, town and status must be filled)."""
        cells = [c.strip() for c in key]
        if len(cells[1]) > MAX_CELL or not all(cells[:3]):
            return None
        kind = self.rules.kind(*cells)
        if len(kind) != 4:
            return None
        k = self._kind_number(kind)  # type: ignore[arg-type]
        self.raw_kinds[key] = k
        return k

    def _kind_number(self, kind: Kind) -> int:
        k = self.kind_of.get(kind)
        if k is None:
            k = self.kind_of[kind] = len(self.kind_values)
            self.kind_values.append(kind)
        return k

    def _unique(self, ids: list[str]) -> bool:
        """Whether none of ``ids`` was seen before or twice among them (the ids are remembered)."""
        if self.seen is None:
            if ids[0] > self.last and all(map(operator.lt, ids, islice(ids, 1, None))):
                self.last = ids[-1]
                return True
            self.seen = set(self._kept_ids())  # out of order, or a duplicate: from now on a set
        size = len(self.seen)
        self.seen.update(ids)
        return len(self.seen) == size + len(ids)  # on False the set is not used again

    def _kept_ids(self) -> Iterator[str]:
        for chunk in self.id_chunks:
            yield from (chunk[at:at + _ID_WIDTH] for at in range(0, len(chunk), _ID_WIDTH))
        yield from self.id_parts

    def _check_rows(self, rows: list[list[str]], lines: list[int]) -> None:
        """Check rows one by one with the row rules; from now on every row is checked so."""
        if self.first_line is None:
            self.first_line = dict(zip(self._kept_ids(), self.lines))
        good: list[Entity] = []
        for line, cells in zip(lines, rows):
            row = {name: keep_cell(cells[i]) for name, i in self.index.items()}
            result = self.rules.row(line, row, self.first_line)
            if isinstance(result, list):
                self.errors.extend(result)
            else:
                good.append(result)
        if not self.errors:  # rows that failed the bulk test only as a batch: keep them
            self.kinds.extend(self._kind_number((e.category, e.town, e.status, e.risk)) for e in good)
            self.lines.extend(e.line for e in good)
            self.id_parts.extend(e.id for e in good)
            self.name_parts.extend(e.name for e in good)
            self.name_lengths.extend(len(e.name) for e in good)
            while len(self.id_parts) >= self.rows:
                self._flush(self.rows)

    def _flush(self, count: int) -> None:
        self.ends.extend(accumulate(self.name_lengths[:count]))
        self.id_chunks.append("".join(self.id_parts[:count]))
        self.name_chunks.append("".join(self.name_parts[:count]))
        del self.id_parts[:count], self.name_parts[:count], self.name_lengths[:count]

    def table(self) -> EntityTable:
        """The checked table; raises InputErrors with every problem, in line order."""
        if self.errors:
            raise InputErrors(sorted(self.errors, key=lambda e: e.line))
        if self.id_parts or not self.id_chunks:
            self._flush(len(self.id_parts))
        return EntityTable(self.shown, self.rows, self.id_chunks, self.name_chunks, self.ends, self.kinds,
                           self.kind_values, self.lines, ids_sorted=None if self.first_line is not None else self.seen is None)
