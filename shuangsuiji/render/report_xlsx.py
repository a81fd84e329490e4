"""The report as an XLSX workbook: a summary sheet, then one sheet per section.

Counts are numbers, percentages are the displayed one-decimal value (written from the
exact share's rounded Decimal, with the number format ``0.0``), dates stay ISO text.
"""

from __future__ import annotations

import io
from decimal import Decimal

from shuangsuiji.render.layout import Section, Table, sections, subtitle, summary_cards
from shuangsuiji.report.numbers import Report

SUMMARY_SHEET = "概况"


def render_xlsx(report: Report) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    bold = Font(bold=True)
    head_fill = PatternFill("solid", fgColor="DCE6F1")
    wb = Workbook()
    ws = wb.active
    ws.title = SUMMARY_SHEET
    ws.append([report.title])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append([subtitle(report)])
    ws.append([report.integrity.headline()])
    if not report.integrity.ok:
        ws["A3"].font = Font(bold=True, color="C00000")
    ws.append([])
    ws.append(["项目", "数字", "说明"])
    for c in ws[ws.max_row]:
        c.font, c.fill = bold, head_fill
    for label, figure, detail in summary_cards(report):
        ws.append([label, figure, detail])
    ws.column_dimensions["A"].width = 14
    ws.column_dimensions["B"].width = 16
    ws.column_dimensions["C"].width = 40

    for s in sections(report):
        sheet = wb.create_sheet(s.sheet)
        sheet.append([s.title])
        sheet.cell(row=1, column=1).font = Font(bold=True, size=13)
        for p in s.paragraphs:
            sheet.append([p])
        for b in s.bullets:
            sheet.append([f"· {b}"])
            if s.alert:
                sheet.cell(row=sheet.max_row, column=1).font = Font(color="9C5700")
        widths: dict[int, int] = {}
        for t in s.tables:
            sheet.append([])
            sheet.append([t.title])
            sheet.cell(row=sheet.max_row, column=1).font = bold
            if not t.rows:
                sheet.append([t.empty])
                continue
            sheet.append(list(t.headers))
            for c in sheet[sheet.max_row]:
                c.font, c.fill = bold, head_fill
                c.alignment = Alignment(wrap_text=True, vertical="center")
            for row in t.rows:
                _append(sheet, row)
            if t.total is not None:
                _append(sheet, t.total)
                for c in sheet[sheet.max_row]:
                    c.font = bold
            for i, h in enumerate(t.headers, start=1):
                longest = max([_width(h)] + [_width(r[i - 1]) for r in t.rows])
                widths[i] = max(widths.get(i, 8), min(longest + 2, 48))
        for i, w in widths.items():
            sheet.column_dimensions[get_column_letter(i)].width = w
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _append(sheet, row) -> None:
    sheet.append([None if c is None else c for c in row])
    for value, cell in zip(row, sheet[sheet.max_row]):
        if isinstance(value, Decimal):
            cell.number_format = "0.0"


def _width(value) -> int:
    text = "" if value is None else str(value)
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


__all__ = ["render_xlsx", "SUMMARY_SHEET", "Section", "Table"]
