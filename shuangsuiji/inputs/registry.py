"""Loading and checking the two registries of 一单两库.

``data/entities.csv`` is the entity registry (检查对象名录库) and ``data/inspectors.csv``
the inspector registry (执法检查人员名录库). Both are read from CSV in any encoding that
Excel or WPS writes, or from the first sheet of an XLSX workbook. Headers may be the
English column names or their Chinese names. Every problem in a file is collected with
its line, then raised together as ``InputErrors``.

The canonical form ssj writes is UTF-8 with a BOM (so Excel and WPS open it in Chinese),
CRLF line ends, English headers, category codes, rows sorted by id. Loading a canonical
file and writing it again gives the same bytes.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from itertools import chain
from pathlib import Path
from typing import Iterable

from shuangsuiji.codes import ENTITY_STATUSES, INSPECTOR_STATUSES, RISK_GRADES
from shuangsuiji.errors import InputError, InputErrors
from shuangsuiji.files.tables import csv_bytes
from shuangsuiji.files.text import read_text
from shuangsuiji.inputs import uscc
from shuangsuiji.records import Entity, Inspector


@dataclass(frozen=True)
class Column:
    name: str
    label: str
    aliases: tuple[str, ...]
    required: bool  # the column must be present
    nonempty: bool  # every row must fill it


ENTITY_COLUMNS = (
    Column("id", "统一社会信用代码", ("统一社会信用代码", "信用代码", "uscc"), True, True),
    Column("name", "名称", ("名称", "企业名称", "单位名称"), True, True),
    Column("category", "类别", ("类别", "行业类别", "检查对象类别"), True, True),
    Column("town", "乡镇", ("乡镇", "所在乡镇"), True, True),
    Column("status", "状态", ("状态", "经营状态"), True, True),
    Column("risk", "风险等级", ("风险等级", "信用风险等级"), False, False),
)
INSPECTOR_COLUMNS = (
    Column("id", "执法证号", ("执法证号", "证号"), True, True),
    Column("name", "姓名", ("姓名",), True, True),
    Column("unit", "股室", ("股室", "科室", "单位"), True, True),
    Column("qualifications", "可检查类别", ("可检查类别", "执法资格", "资格"), True, False),
    Column("status", "状态", ("状态", "在岗状态"), True, True),
    Column("town", "家乡乡镇", ("家乡乡镇", "籍贯乡镇", "乡镇"), True, False),
    Column("avoid", "回避企业", ("回避企业", "回避"), True, False),
)
_LIST_SPLIT = re.compile(r"[;；]")
# What Excel shows, and saves, for a long all-digit code typed into a "General" cell.
_EXCEL_NUMBER = re.compile(r"^\d(\.\d+)?E\+\d+$", re.IGNORECASE)
EXCEL_HINT = "请在 Excel/WPS 中先把该列设为“文本”格式再重新输入完整代码；或另存为 .xlsx 后用 ssj import 导入"
_INSPECTOR_ID = re.compile(r"^[0-9A-Za-z\-]{2,32}$")


@dataclass(frozen=True)
class Table:
    """Rows of a CSV or XLSX sheet; each row is (line, cells by column name)."""

    shown: str
    rows: list[tuple[int, dict[str, str]]]


def read_table(path: Path, shown: str, columns: tuple[Column, ...]) -> Table:
    """Read a CSV or XLSX file and map its header to ``columns``. Raises InputErrors."""
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        raw = _xlsx_rows(path, shown)
    else:
        raw = _csv_rows(read_text(path, shown))
    return _map_header(raw, shown, columns)


def _csv_rows(text: str) -> Iterable[tuple[int, list[str]]]:
    reader = csv.reader(io.StringIO(text))
    prev = 0
    for row in reader:
        yield prev + 1, row
        prev = reader.line_num


def _xlsx_rows(path: Path, shown: str) -> list[tuple[int, list[str]]]:
    import openpyxl  # heavy: only when an XLSX is actually read

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except FileNotFoundError:
        raise InputErrors([InputError(shown, 0, "文件不存在", "请检查路径")]) from None
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise InputErrors([InputError(shown, 0, f"无法读取 Excel 文件：{exc}", "请确认文件为 .xlsx 格式，可在 Excel/WPS 中另存为 .xlsx 后重试")]) from None
    try:
        sheet = book.worksheets[0]
        rows = []
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            rows.append((number, [_cell_text(v) for v in values]))
        return rows
    finally:
        book.close()


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        text = value.isoformat()  # type: ignore[union-attr]
        return text[:10] if text.endswith("T00:00:00") else text
    return str(value)


def _map_header(raw: Iterable[tuple[int, list[str]]], shown: str, columns: tuple[Column, ...]) -> Table:
    it = iter(raw)
    header_line, header = 0, None
    known = {name for col in columns for name in (col.name, *col.aliases)}
    for line, cells in it:
        filled = [c.strip() for c in cells if c.strip()]
        if not filled:
            continue
        if len(filled) == 1 and filled[0].lstrip("\ufeff") not in known:
            continue  # a title row above the table ("长子县检查对象名录库"), as government sheets have
        header_line, header = line, cells
        break
    if header is None:
        raise InputErrors([InputError(shown, 1, "文件中没有表头", "第一行应为列名：" + ",".join(c.name for c in columns))])
    index, errors = _header_index(header, header_line, shown, columns)
    if errors:
        raise InputErrors(errors)
    rows = []
    width = len(header)
    for line, cells in it:
        if not any(c.strip() for c in cells):
            continue  # blank lines that spreadsheets leave behind
        if len(cells) > width and any(c.strip() for c in cells[width:]):
            errors.append(InputError(shown, line, f"本行有 {len(cells)} 个字段，多于表头的 {width} 列", "请检查是否有未加引号的逗号"))
            continue
        rows.append((line, {name: (cells[i].strip() if i < len(cells) else "") for name, i in index.items()}))
    if errors:
        raise InputErrors(errors)
    return Table(shown, rows)


def _header_index(header: list[str], header_line: int, shown: str, columns: tuple[Column, ...]) -> tuple[dict[str, int], list[InputError]]:
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
            known = "、".join(f"{c.name}（{c.label}）" for c in columns)
            errors.append(InputError(shown, header_line, f"未知的列：{name}", f"可用的列：{known}；请删除或改名"))
        elif col.name in index:
            errors.append(InputError(shown, header_line, f"列 {col.name}（{col.label}）重复出现", "请删除重复的列"))
        else:
            index[col.name] = i
    for col in columns:
        if col.required and col.name not in index:
            errors.append(InputError(shown, header_line, f"缺少列：{col.name}（{col.label}）", f"请在表头加上 {col.name} 列"))
    return index, errors


def _required(row: dict[str, str], columns: tuple[Column, ...], shown: str, line: int, errors: list[InputError]) -> bool:
    ok = True
    for col in columns:
        if col.nonempty and col.name in row and not row[col.name]:
            errors.append(InputError(shown, line, f"{col.name}（{col.label}）为空", f"请填写{col.label}"))
            ok = False
    return ok


def category_resolver(categories: dict[str, str]) -> dict[str, str]:
    """Map both codes and Chinese labels to codes."""
    out = dict((code, code) for code in categories)
    out.update((label, code) for code, label in categories.items())
    return out


def parse_entities(table: Table, categories: dict[str, str]) -> list[Entity]:
    """Check entity rows against the plan's categories. Raises InputErrors."""
    shown = table.shown
    errors: list[InputError] = []
    resolve = category_resolver(categories)
    known_categories = "、".join(f"{k}（{v}）" for k, v in categories.items())
    seen: dict[str, int] = {}
    out: list[Entity] = []
    statuses = set(ENTITY_STATUSES)
    for line, row in table.rows:
        if not _required(row, ENTITY_COLUMNS, shown, line, errors):
            continue
        code = row["id"]
        if _EXCEL_NUMBER.match(code):
            errors.append(InputError(shown, line, f"统一社会信用代码 {code} 被 Excel/WPS 改成了科学计数法", EXCEL_HINT))
            continue
        bad = uscc.problem(code)
        if bad:
            errors.append(InputError(shown, line, bad[0], bad[1]))
            continue
        if code in seen:
            errors.append(InputError(shown, line, f"统一社会信用代码 {code} 重复（第 {seen[code]} 行已有）", "同一企业只应登记一行，请删除或合并重复行"))
            continue
        seen[code] = line
        category = resolve.get(row["category"])
        if category is None:
            errors.append(InputError(shown, line, f"未知的类别：{row['category']}", f"可用类别：{known_categories}"))
            continue
        status = row["status"]
        if status not in statuses:
            errors.append(InputError(shown, line, f"未知的状态：{status}", "可用状态：" + "、".join(ENTITY_STATUSES)))
            continue
        risk = row.get("risk", "").upper()
        if risk and risk not in RISK_GRADES:
            errors.append(InputError(shown, line, f"风险等级 {row['risk']} 无法识别", "风险等级应为 A、B、C、D 之一，或留空"))
            continue
        out.append(Entity(code, row["name"], category, row["town"], status, risk, shown, line))
    if errors:
        raise InputErrors(errors)
    return out


def _split(value: str) -> list[str]:
    return [p.strip() for p in _LIST_SPLIT.split(value) if p.strip()]


def parse_inspectors(table: Table, categories: dict[str, str], entity_ids: set[str] | None) -> list[Inspector]:
    """Check inspector rows. Raises InputErrors. ``entity_ids`` None skips the avoid-list check."""
    shown = table.shown
    errors: list[InputError] = []
    resolve = category_resolver(categories)
    seen: dict[str, int] = {}
    out: list[Inspector] = []
    for line, row in table.rows:
        if not _required(row, INSPECTOR_COLUMNS, shown, line, errors):
            continue
        ident = row["id"]
        if _EXCEL_NUMBER.match(ident):
            errors.append(InputError(shown, line, f"执法证号 {ident} 被 Excel/WPS 改成了科学计数法", EXCEL_HINT))
            continue
        if not _INSPECTOR_ID.match(ident):
            errors.append(InputError(shown, line, f"执法证号 {ident} 不合规", "执法证号只含字母、数字和 -，2 到 32 位"))
            continue
        if ident in seen:
            errors.append(InputError(shown, line, f"执法证号 {ident} 重复（第 {seen[ident]} 行已有）", "每名执法人员只应登记一行"))
            continue
        seen[ident] = line
        quals = []
        ok = True
        for q in _split(row["qualifications"]):
            code = resolve.get(q)
            if code is None:
                errors.append(InputError(shown, line, f"qualifications（可检查类别）中有未知类别：{q}", "请使用计划 categories 中的代号或中文名称，用 ; 分隔；留空表示全部类别"))
                ok = False
            elif code not in quals:
                quals.append(code)
        status = row["status"]
        if status not in INSPECTOR_STATUSES:
            errors.append(InputError(shown, line, f"未知的状态：{status}", "可用状态：" + "、".join(INSPECTOR_STATUSES)))
            ok = False
        avoid = _split(row["avoid"])
        for a in avoid:
            if entity_ids is not None and a not in entity_ids:
                errors.append(InputError(shown, line, f"avoid（回避企业）中的 {a} 不在检查对象名录库中", "请填写名录库中企业的统一社会信用代码，用 ; 分隔"))
                ok = False
        if ok:
            out.append(Inspector(ident, row["name"], row["unit"], tuple(sorted(quals)), status, row["town"], tuple(sorted(set(avoid))), shown, line))
    if errors:
        raise InputErrors(errors)
    return out


def load_entities(path: Path, shown: str, categories: dict[str, str]) -> list[Entity]:
    return parse_entities(read_table(path, shown, ENTITY_COLUMNS), categories)


def load_inspectors(path: Path, shown: str, categories: dict[str, str], entity_ids: set[str] | None) -> list[Inspector]:
    return parse_inspectors(read_table(path, shown, INSPECTOR_COLUMNS), categories, entity_ids)


def _to_csv(header: list[str], rows: Iterable[list[str]]) -> bytes:
    return csv_bytes(chain([header], rows))


def entities_csv(entities: Iterable[Entity]) -> bytes:
    """The canonical bytes of an entity registry."""
    rows = ([e.id, e.name, e.category, e.town, e.status, e.risk] for e in sorted(entities, key=lambda e: e.id))
    return _to_csv([c.name for c in ENTITY_COLUMNS], rows)


def inspectors_csv(inspectors: Iterable[Inspector]) -> bytes:
    """The canonical bytes of an inspector registry."""
    rows = (
        [i.id, i.name, i.unit, ";".join(i.qualifications), i.status, i.town, ";".join(i.avoid)]
        for i in sorted(inspectors, key=lambda i: i.id)
    )
    return _to_csv([c.name for c in INSPECTOR_COLUMNS], rows)


def header_only_csv(columns: tuple[Column, ...]) -> bytes:
    return _to_csv([c.name for c in columns], [])
