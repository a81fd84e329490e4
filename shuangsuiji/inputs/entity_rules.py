"""The rules of the entity registry (检查对象名录库), each written once.

A registry row is accepted when every required cell is filled, its id is a valid unified
social credit code (not a number cell, not Excel's scientific notation, GB 32100 check
character right), the id appears on no earlier row, and its category, status and risk
grade are known. ``EntityRules.row`` applies them to one row and names the first rule it
breaks; ``EntityRules.kind`` is the part about (category, town, status, risk), which the
bulk loader in ``inputs/entities.py`` calls once per distinct combination. Every path that
reads a registry (``ssj check``, the draw, ``ssj import``, ``ssj export``) goes through
that one loader, and so through these rules.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from shuangsuiji.codes import ENTITY_STATUS_ALIASES, ENTITY_STATUSES, RISK_GRADES
from shuangsuiji.errors import InputError
from shuangsuiji.files.tables import Column, NumericCell
from shuangsuiji.inputs import uscc
from shuangsuiji.records import Entity

ENTITY_COLUMNS = (
    Column("id", "统一社会信用代码", ("统一社会信用代码", "信用代码", "uscc"), True, True),
    Column("name", "名称", ("名称", "企业名称", "单位名称"), True, True),
    Column("category", "类别", ("类别", "行业类别", "检查对象类别"), True, True),
    Column("town", "乡镇", ("乡镇", "所在乡镇"), True, True),
    Column("status", "状态", ("状态", "经营状态", "登记状态"), True, True),
    Column("risk", "风险等级", ("风险等级", "信用风险等级"), False, False),
)
Kind = tuple[str, str, str, str]  # (category code, town, status, risk)
Problem = tuple[str, str]  # (message, hint)

# What Excel shows, and saves, for a long all-digit code typed into a "General" cell.
_EXCEL_NUMBER = re.compile(r"^\d(\.\d+)?E\+\d+$", re.IGNORECASE)
EXCEL_HINT = "请在 Excel/WPS 中先把该列设为“文本”格式再重新输入完整代码；或另存为 .xlsx 后用 ssj import 导入"
NUMBER_CELL_HINT = ("Excel 只保留 15 位有效数字，长代码存成数字会被改掉；请把该列设为“文本”格式后重新输入完整代码"
                    "（ssj export 导出的表格各列已是文本格式）")


def category_resolver(categories: Mapping[str, str]) -> dict[str, str]:
    """Map both codes and Chinese labels to codes."""
    out = dict((code, code) for code in categories)
    out.update((label, code) for code, label in categories.items())
    return out


def status_words() -> str:
    """Every accepted entity status word, for hints and the README."""
    aliases = "、".join(f"{a}（按{s}）" for a, s in ENTITY_STATUS_ALIASES.items())
    return "、".join(ENTITY_STATUSES) + (f"；也可写 {aliases}" if aliases else "")


def id_cell_problem(cell: str, label: str) -> Problem | None:
    """Why an id cell cannot be an id whatever the rules of its kind: a number cell, or scientific notation."""
    if isinstance(cell, NumericCell):
        return f"{label} {cell} 在 Excel 中是数字单元格，不是文本，可能已被 Excel 改动", NUMBER_CELL_HINT
    if _EXCEL_NUMBER.match(cell):
        return f"{label} {cell} 被 Excel/WPS 改成了科学计数法", EXCEL_HINT
    return None


def required_problems(row: Mapping[str, str], columns: tuple[Column, ...]) -> list[Problem]:
    """One problem for each required cell the row leaves empty."""
    return [(f"{col.name}（{col.label}）为空", f"请填写{col.label}")
            for col in columns if col.nonempty and col.name in row and not row[col.name]]


class EntityRules:
    """The entity rules for one registry file and one plan's categories."""

    def __init__(self, shown: str, categories: Mapping[str, str]) -> None:
        self.shown = shown
        self.resolve = category_resolver(categories)
        self.known_categories = "、".join(f"{k}（{v}）" for k, v in categories.items())
        self.statuses = {s: s for s in ENTITY_STATUSES} | dict(ENTITY_STATUS_ALIASES)

    def kind(self, category: str, town: str, status: str, risk: str) -> Kind | Problem:
        """The checked (category code, town, status, risk) of filled cells, or the first problem."""
        code = self.resolve.get(category)
        if code is None:
            return f"未知的类别：{category}", f"可用类别：{self.known_categories}"
        canonical = self.statuses.get(status)
        if canonical is None:
            return f"未知的状态：{status}", "可用状态：" + status_words()
        grade = risk.upper()
        if grade and grade not in RISK_GRADES:
            return f"风险等级 {risk} 无法识别", "风险等级应为 A、B、C、D 之一，或留空"
        return code, town, canonical, grade

    def id_problem(self, cell: str) -> Problem | None:
        return id_cell_problem(cell, "统一社会信用代码") or uscc.problem(cell)

    def row(self, line: int, row: Mapping[str, str], first_line: dict[str, int]) -> Entity | list[InputError]:
        """The entity of one row with stripped cells, or its errors; ``first_line`` (id -> line) learns its id."""
        missing = required_problems(row, ENTITY_COLUMNS)
        if missing:
            return self._errors(line, *missing)
        code = row["id"]
        bad = self.id_problem(code)
        if bad:
            return self._errors(line, bad)
        if code in first_line:
            return self._errors(line, (f"统一社会信用代码 {code} 重复（第 {first_line[code]} 行已有）",
                                       "同一企业只应登记一行，请删除或合并重复行"))
        first_line[code] = line
        kind = self.kind(row["category"], row["town"], row["status"], row.get("risk", ""))
        if len(kind) == 2:
            return self._errors(line, kind)  # type: ignore[arg-type]
        category, town, status, risk = kind  # type: ignore[misc]
        return Entity(str(code), row["name"], category, town, status, risk, self.shown, line)

    def _errors(self, line: int, *problems: Problem) -> list[InputError]:
        return [InputError(self.shown, line, message, hint) for message, hint in problems]
