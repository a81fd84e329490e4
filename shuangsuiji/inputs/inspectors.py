"""The inspector registry (执法检查人员名录库): its rules, loader and canonical bytes.

``data/inspectors.csv`` is read with ``files.tables.read_table`` (CSV in any encoding, or
the sheet of an XLSX workbook that holds the header; English or Chinese column names).
Every row is checked, every problem collected with its line, then raised together.
"""

from __future__ import annotations

import re
from collections.abc import Set as AbstractSet
from itertools import chain
from pathlib import Path
from typing import Iterable, Mapping

from shuangsuiji.codes import INSPECTOR_STATUSES
from shuangsuiji.errors import InputError, InputErrors
from shuangsuiji.files.tables import Column, Table, csv_bytes, read_table
from shuangsuiji.inputs.entity_rules import (
    category_resolver,
    id_cell_problem,
    required_problems,
)
from shuangsuiji.records import Inspector

INSPECTOR_COLUMNS = (
    Column("id", "执法证号", ("执法证号", "证号"), True, True),
    Column("name", "姓名", ("姓名",), True, True),
    Column("unit", "股室", ("股室", "科室", "单位"), True, True),
    Column("qualifications", "可检查类别", ("可检查类别", "执法资格", "资格"), True, False),
    Column("status", "状态", ("状态", "在岗状态"), True, True),
    Column("town", "家乡乡镇", ("家乡乡镇", "籍贯乡镇", "乡镇"), True, False),
    Column("avoid", "回避企业", ("回避企业", "回避"), True, False),
)
DEPARTMENT_COLUMN = Column("department", "所属部门", ("所属部门", "部门"), False, False)  # optional; empty = the plan's own
INSPECTOR_TABLE_COLUMNS = (*INSPECTOR_COLUMNS, DEPARTMENT_COLUMN)  # what a registry file may hold
_LIST_SPLIT = re.compile(r"[;；]")
_INSPECTOR_ID = re.compile(r"^[0-9A-Za-z\-]{2,32}$")


def split_list(value: str) -> list[str]:
    """The items of a cell written ``a;b；c``."""
    return [p.strip() for p in _LIST_SPLIT.split(value) if p.strip()]


def parse_inspectors(
    table: Table, categories: Mapping[str, str], entity_ids: AbstractSet[str] | None,
    departments: Mapping[str, str] | None = None,
) -> list[Inspector]:
    """Check inspector rows. Raises InputErrors. ``entity_ids`` None skips the avoid-list check.

    ``departments`` (the plan's code -> name) resolves the optional ``department`` column: a
    code or a name; empty means the plan's own department.
    """
    errors: list[InputError] = list(table.errors)
    resolve = category_resolver(categories)
    by_department = {name: code for code, name in (departments or {}).items()} | {code: code for code in departments or {}}
    seen: dict[str, int] = {}
    out: list[Inspector] = []
    for line, row in table.rows:
        problems = _row_problems(row, seen, line)
        if problems:
            errors.extend(InputError(table.shown, line, m, h) for m, h in problems)
            continue
        seen[row["id"]] = line
        quals, problems = _qualifications(row["qualifications"], resolve)
        problems += _status_and_avoid(row, entity_ids)
        department = (row.get("department") or "").strip()
        if department and department not in by_department:
            known = "、".join(f"{k}（{v}）" for k, v in (departments or {}).items())
            problems.append((f"所属部门 {department} 不是计划 departments 中的部门",
                             f"请写计划 departments 中的部门代号或名称（{known}）；留空表示计划的发起部门" if known
                             else "计划没有声明 departments；请先在计划中声明各部门，或把这一格留空（表示计划的发起部门）"))
        if problems:
            errors.extend(InputError(table.shown, line, m, h) for m, h in problems)
            continue
        out.append(Inspector(str(row["id"]), row["name"], row["unit"], quals, row["status"], row["town"],
                             tuple(sorted(set(split_list(row["avoid"])))), by_department.get(department, ""),
                             table.shown, line))
    if errors:
        raise InputErrors(sorted(errors, key=lambda e: e.line))
    return out


def _row_problems(row: Mapping[str, str], seen: dict[str, int], line: int) -> list[tuple[str, str]]:
    """The problems that stop a row at once: empty required cells, a bad or repeated id."""
    missing = required_problems(row, INSPECTOR_COLUMNS)
    if missing:
        return missing
    ident = row["id"]
    bad = id_cell_problem(ident, "执法证号")
    if bad:
        return [bad]
    if not _INSPECTOR_ID.match(ident):
        return [(f"执法证号 {ident} 不合规", "执法证号只含字母、数字和 -，2 到 32 位")]
    if ident in seen:
        return [(f"执法证号 {ident} 重复（第 {seen[ident]} 行已有）", "每名执法人员只应登记一行")]
    return []


def _qualifications(cell: str, resolve: Mapping[str, str]) -> tuple[tuple[str, ...], list[tuple[str, str]]]:
    quals: list[str] = []
    problems = []
    for q in split_list(cell):
        code = resolve.get(q)
        if code is None:
            problems.append((f"qualifications（可检查类别）中有未知类别：{q}", "请使用计划 categories 中的代号或中文名称，用 ; 分隔；留空表示全部类别"))
        elif code not in quals:
            quals.append(code)
    return tuple(sorted(quals)), problems


def _status_and_avoid(row: Mapping[str, str], entity_ids: AbstractSet[str] | None) -> list[tuple[str, str]]:
    problems = []
    if row["status"] not in INSPECTOR_STATUSES:
        problems.append((f"未知的状态：{row['status']}", "可用状态：" + "、".join(INSPECTOR_STATUSES)))
    for a in split_list(row["avoid"]):
        if entity_ids is not None and a not in entity_ids:
            problems.append((f"avoid（回避企业）中的 {a} 不在检查对象名录库中", "请填写名录库中企业的统一社会信用代码，用 ; 分隔"))
    return problems


def load_inspectors(
    path: Path, shown: str, categories: Mapping[str, str], entity_ids: AbstractSet[str] | None,
    departments: Mapping[str, str] | None = None, data: bytes | None = None,
) -> list[Inspector]:
    """The checked inspector registry at ``path`` (``data``: its bytes, when already read). Raises InputErrors."""
    return parse_inspectors(read_table(path, shown, INSPECTOR_TABLE_COLUMNS, data), categories, entity_ids, departments)


def inspectors_csv(inspectors: Iterable[Inspector]) -> bytes:
    """The canonical bytes of an inspector registry: English header, rows sorted by id.

    The ``department`` column is written only when some inspector has one, so a registry of
    one department keeps the seven columns it always had.
    """
    ordered = sorted(inspectors, key=lambda i: i.id)
    with_department = any(i.department for i in ordered)
    columns = INSPECTOR_TABLE_COLUMNS if with_department else INSPECTOR_COLUMNS
    rows = (
        [i.id, i.name, i.unit, ";".join(i.qualifications), i.status, i.town, ";".join(i.avoid)]
        + ([i.department] if with_department else [])
        for i in ordered
    )
    return csv_bytes(chain([[c.name for c in columns]], rows))
