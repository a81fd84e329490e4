"""The co-visits (``ssj visits``) for people: one table row per check, on the terminal and in a workbook."""

from __future__ import annotations

import io

from shuangsuiji.render.layout import Section, Table
from shuangsuiji.results.visits import CoVisit

HEADERS = ("序号", "统一社会信用代码", "企业名称", "可合并检查时段", "抽查任务", "轮次", "抽查时间", "部门", "检查组", "检查情况")


def window(v: CoVisit) -> str:
    return f"{v.start} 至 {v.end}" if v.start else "无共同时段（各任务先后重叠，可分两次合并）"


def visits_table(rows: tuple[CoVisit, ...], year: int, today: str) -> Table:
    """Each co-visit's checks, one row each; the entity's cells on its first row only."""
    lines = []
    for n, v in enumerate(rows, start=1):
        for i, c in enumerate(v.checks):
            head = (n, v.entity, v.name, window(v)) if i == 0 else ("", "", "", "")
            lines.append((*head, f"{c.task_name}（{c.task}）" + ("（联合）" if c.joint else ""), c.round,
                          f"{c.start} 至 {c.end}", "、".join(c.departments), c.team or "—", c.state))
    return Table(f"{year} 年抽查时间重叠、可合并上门的企业（截至 {today}）", HEADERS, tuple(lines),
                 empty="没有在抽查时间重叠的几个任务中都被抽中的企业")


def visits_screen(rows: tuple[CoVisit, ...], year: int, today: str) -> Table:
    """The columns that fit a terminal (the workbook and --json have them all)."""
    lines = []
    for n, v in enumerate(rows, start=1):
        for i, c in enumerate(v.checks):
            head = (n, f"{v.name}（{v.entity}）", window(v)) if i == 0 else ("", "", "")
            lines.append((*head, f"{c.task} 第 {c.round} 轮" + ("（联合）" if c.joint else ""), c.team or "—", c.state))
    return Table(visits_table(rows, year, today).title, ("序号", "企业", "可合并检查时段", "任务", "检查组", "检查情况"),
                 tuple(lines), empty="没有在抽查时间重叠的几个任务中都被抽中的企业")


def notes(rows: tuple[CoVisit, ...]) -> tuple[str, ...]:
    return (
        f"共 {len(rows)} 家（次）。同一企业在几个抽查时间重叠的任务中都被抽中时，可在“可合并检查时段”内由各检查组一同上门，"
        "“进一次门、查多项事”；部门联合抽查任务本身已是一次上门。",
    )


def visits_xlsx(rows: tuple[CoVisit, ...], year: int, today: str) -> bytes:
    """The table on one sheet, as the report's sheets look (string cells, borders, A4)."""
    from openpyxl import Workbook

    from shuangsuiji.render.report_xlsx import section_sheet

    wb = Workbook()
    section_sheet(wb.active, Section("visits", visits_table(rows, year, today).title, "合并上门", notes(rows),
                                     (visits_table(rows, year, today),)))
    wb.active.title = "合并上门"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
