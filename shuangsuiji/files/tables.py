"""Tables: CSV and XLSX rows in, with their line numbers; the one CSV writer out.

In: ``read_table`` reads a CSV (any encoding Excel or WPS writes, comma- or, for Excel's
"Unicode 文本", tab-separated) or the sheet of an XLSX workbook that holds the header, finds
the header row (English or Chinese column names) and keeps each row's line. Problems of the
file and its header raise ``InputErrors``; a row's problems are collected.

Out: the one CSV writer every CSV file of ssj goes through.

A CSV that ssj writes opens in Excel and WPS on Chinese Windows without mojibake (UTF-8
with a BOM, CRLF line ends) and is inert there: a text cell that begins with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return would be read as a formula (the OWASP "CSV
injection" rule), so it is written with a leading apostrophe, which both programs show as
text and never evaluate. Numbers (int, Decimal) are written as they are.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

from shuangsuiji.errors import InputError, InputErrors
from shuangsuiji.files.text import decode, read_input_bytes

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def inert(text: str) -> str:
    """``text`` as a spreadsheet shows it but never evaluates it."""
    return "'" + text if text.startswith(FORMULA_START) else text


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return inert(value)
    return str(value)


def csv_bytes(rows: Iterable[Sequence[object]]) -> bytes:
    """The rows as CSV bytes: UTF-8 with BOM, CRLF, every text cell inert."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    for row in rows:
        writer.writerow([_cell(v) for v in row])
    return codecs.BOM_UTF8 + buf.getvalue().encode("utf-8")


# --- Tables in: CSV or XLSX rows with their line numbers -------------------------------------

SAMPLE = 1 << 16  # characters looked at to tell commas from tabs
MAX_CELL = 131_072  # characters in one cell: csv's own field limit, far beyond any real registry cell
XLSX_SUFFIXES = (".xlsx", ".xlsm")
XLS_HINT = "这是旧版 Excel（.xls）文件：请在 Excel/WPS 中另存为 .xlsx 或 CSV（逗号分隔）后重试"


class NumericCell(str):
    """The text of a spreadsheet cell that Excel stored as a number (an id column must not hold one)."""


@dataclass(frozen=True)
class Column:
    """One column of a table: its English name, Chinese label, accepted header names."""

    name: str
    label: str
    aliases: tuple[str, ...]
    required: bool  # the column must be present
    nonempty: bool  # every row must fill it


@dataclass(frozen=True)
class Table:
    """Rows of a CSV or XLSX sheet; each row is (line, cells by column name), plus the rows' shape errors."""

    shown: str
    rows: list[tuple[int, dict[str, str]]]
    errors: list[InputError] = field(default_factory=list)


Rows = Iterator[tuple[int, list[str]]]


def read_table(path: Path, shown: str, columns: tuple[Column, ...], data: bytes | None = None) -> Table:
    """Read a CSV or XLSX file (``data``: its bytes, when already read) and map its header to ``columns``.
    Raises InputErrors for the file and its header."""
    with table_rows(path, shown, columns, data) as (shown, raw):
        header_line, index, width = find_header(raw, shown, columns)
        rows: list[tuple[int, dict[str, str]]] = []
        errors: list[InputError] = []
        for line, cells in raw:
            cells = fit_row(cells, width, shown, line, errors)
            if cells is not None:
                rows.append((line, {name: keep_cell(cells[i]) for name, i in index.items()}))
        return Table(shown, rows, errors)


def keep_cell(cell: str) -> str:
    """A cell stripped of spaces; a number cell stays marked as one."""
    return cell if isinstance(cell, NumericCell) else cell.strip()


def fit_row(cells: list[str], width: int, shown: str, line: int, errors: list[InputError]) -> list[str] | None:
    """The row padded to the header's width; None for a blank row or one with too many cells (an error)."""
    if not any(c.strip() for c in cells):
        return None  # blank lines that spreadsheets leave behind
    if len(cells) > width:
        if any(c.strip() for c in cells[width:]):
            errors.append(InputError(shown, line, f"本行有 {len(cells)} 个字段，多于表头的 {width} 列", "请检查是否有未加引号的逗号"))
            return None
        return cells[:width]
    return cells + [""] * (width - len(cells))


@contextmanager
def table_rows(path: Path, shown: str, columns: tuple[Column, ...], data: bytes | None = None) -> Iterator[tuple[str, Rows]]:
    """(shown, rows) of a CSV file in any accepted encoding, or of the sheet of an XLSX workbook that has the header.

    ``shown`` names the sheet when it is not the workbook's first; ``data`` holds the file's
    bytes when they were read already (a CSV's only). Raises InputErrors.
    """
    suffix = path.suffix.lower()
    if suffix == ".xls":
        raise InputErrors([InputError(shown, 0, "不支持旧版 Excel（.xls）文件", XLS_HINT)])
    if suffix in XLSX_SUFFIXES:
        with xlsx_rows(path, shown, columns) as found:
            yield found
        return
    text, _ = decode(read_input_bytes(path, shown) if data is None else data, shown)
    yield shown, text_rows(io.StringIO(text, newline=""), shown, delimiter_of(text[:SAMPLE]))


def delimiter_of(sample: str) -> str:
    """The cell separator of CSV text from its beginning: a tab when tabs outnumber commas
    (Excel's "Unicode 文本" is tab-separated UTF-16), else a comma."""
    return "\t" if sample.count("\t") > sample.count(",") else ","


def text_rows(lines: Iterable[str], shown: str, delimiter: str, start: int = 0) -> Rows:
    """(line, cells) of CSV text given as lines, the first one being line ``start`` + 1.

    Line ends inside a quoted cell become '\\n'; bad CSV (a cell over ``MAX_CELL``) raises InputErrors.
    """
    reader = csv.reader(lines, delimiter=delimiter)
    prev = start
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise InputErrors([csv_problem(shown, prev + 1, exc)]) from None
        line, prev = prev + 1, start + reader.line_num
        if prev - line:  # the row took several lines: line ends inside cells become '\n'
            cells = [c.replace("\r\n", "\n").replace("\r", "\n") if "\r" in c else c for c in cells]
        yield line, cells


def csv_problem(shown: str, line: int, exc: csv.Error) -> InputError:
    """csv's own error (a cell over the field limit, a stray quote) as an input error at its line."""
    if "field larger than field limit" in str(exc):
        return InputError(shown, line, f"从这一行起有一个单元格超过 {MAX_CELL} 个字符",
                          "通常是某个单元格的双引号没有配对，其后的内容都被当成了一个单元格；请检查这一行的引号")
    return InputError(shown, line, f"CSV 格式错误：{exc}", "请检查这一行的引号和逗号，或在 Excel/WPS 中重新另存为 CSV")


def find_header(raw: Rows, shown: str, columns: tuple[Column, ...]) -> tuple[int, dict[str, int], int]:
    """Read up to the header row: (its line, column name -> cell position, width). Raises InputErrors.

    Blank rows and a one-cell title row above the table ("长子县检查对象名录库") are skipped.
    """
    known = {name for col in columns for name in (col.name, *col.aliases)}
    for line, cells in raw:
        filled = [c.strip() for c in cells if c.strip()]
        if not filled:
            continue
        if len(filled) == 1 and filled[0].lstrip("\ufeff") not in known:
            continue
        index, errors = header_index(cells, line, shown, columns)
        if errors:
            raise InputErrors(errors)
        return line, index, len(cells)
    raise InputErrors([InputError(shown, 1, "文件中没有表头", "第一行应为列名：" + _names(columns))])


def _names(columns: tuple[Column, ...]) -> str:
    return "、".join(f"{c.name}（{c.label}）" for c in columns)


def header_index(header: list[str], header_line: int, shown: str, columns: tuple[Column, ...]) -> tuple[dict[str, int], list[InputError]]:
    """Column name -> cell position in the header row, and the header's problems."""
    errors: list[InputError] = []
    lookup = {}
    for col in columns:
        lookup[col.name] = col
        for alias in col.aliases:
            lookup[alias] = col
    index: dict[str, int] = {}
    for i, cell in enumerate(header):
        name = cell.strip().lstrip("\ufeff")
        if not name:
            continue
        col = lookup.get(name) or lookup.get(name.lower())
        if col is None:
            errors.append(InputError(shown, header_line, f"未知的列：{name}", f"可用的列（英文名或中文名均可）：{_names(columns)}；请删除或改名"))
        elif col.name in index:
            errors.append(InputError(shown, header_line, f"列 {col.name}（{col.label}）重复出现", "请删除重复的列"))
        else:
            index[col.name] = i
    for col in columns:
        if col.required and col.name not in index:
            errors.append(InputError(shown, header_line, f"缺少列：{col.name}（{col.label}）", f"请在表头加上 {col.name} 或 {col.label} 列"))
    return index, errors


def _has_header(rows: list[list[str]], columns: tuple[Column, ...]) -> bool:
    lookup = {n: col.name for col in columns for n in (col.name, *col.aliases)}
    required = {col.name for col in columns if col.required}
    for cells in rows:
        names = {lookup.get(c.strip().lstrip("\ufeff")) for c in cells}
        if required <= names:
            return True
    return False


@contextmanager
def xlsx_rows(path: Path, shown: str, columns: tuple[Column, ...]) -> Iterator[tuple[str, Rows]]:
    """The rows of the first worksheet whose first rows hold the header (else of the first worksheet)."""
    import openpyxl  # heavy: only when an XLSX is actually read

    read_input_bytes(path, shown, content=False)  # a regular file of sane size, or an error
    _check_package(path, shown)
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise InputErrors([_xlsx_problem(shown, exc)]) from None
    try:
        sheets = book.worksheets
        if not sheets:
            raise InputErrors([InputError(shown, 0, "工作簿中没有工作表（只有图表）", "请把名录放在一个普通工作表中，第一行为列名")])
        chosen = next((s for s in sheets if _has_header(_safe_head(s, shown), columns)), sheets[0])
        name = shown if chosen is sheets[0] else f"{shown}（工作表“{chosen.title}”）"
        yield name, _sheet_rows(chosen, name)
    finally:
        book.close()


def _check_package(path: Path, shown: str) -> None:
    """Refuse a workbook with no worksheet, or whose XML declares a DTD (entity expansion)."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as package:
            names = [n for n in package.namelist() if n.endswith((".xml", ".rels"))]
            if not any(n.startswith("xl/worksheets/") for n in names):
                raise InputErrors([InputError(shown, 0, "工作簿中没有工作表（只有图表）", "请把名录放在一个普通工作表中，第一行为列名")])
            for name in names:
                with package.open(name) as member:
                    if b"<!DOCTYPE" in member.read(4096).upper():
                        raise InputErrors([InputError(shown, 0, f"Excel 文件中的 {name} 含有 DTD 声明，为安全起见不读取",
                                                      "Excel/WPS 保存的文件不含 DTD；请在 Excel/WPS 中打开后另存为 .xlsx 再导入")])
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise InputErrors([_xlsx_problem(shown, exc)]) from None


def _xlsx_problem(shown: str, exc: Exception) -> InputError:
    return InputError(shown, 0, f"无法读取 Excel 文件：{type(exc).__name__} {exc}".rstrip(),
                      "请确认文件为 .xlsx 格式，可在 Excel/WPS 中另存为 .xlsx 后重试")


def _safe_head(sheet, shown: str) -> list[list[str]]:
    return [cells for _, cells in islice(_sheet_rows(sheet, shown), 20)]


def _sheet_rows(sheet, shown: str) -> Rows:
    try:
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield number, [_cell_text(v) for v in values]
    except InputErrors:
        raise
    except Exception as exc:  # a DTD, a broken sheet XML: openpyxl and its parser raise many types
        raise InputErrors([_xlsx_problem(shown, exc)]) from None


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return NumericCell(int(value))
    if isinstance(value, (int, float)):
        return NumericCell(value)
    if hasattr(value, "isoformat"):
        text = value.isoformat()  # type: ignore[union-attr]
        return text[:10] if text.endswith("T00:00:00") else text
    return str(value)


def header_only_csv(columns: tuple[Column, ...]) -> bytes:
    """A CSV with only the header row of ``columns``."""
    return csv_bytes([[c.name for c in columns]])
