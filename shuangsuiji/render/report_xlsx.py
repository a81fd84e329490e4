"""The report as an XLSX workbook: a summary sheet, then one sheet per section.

Counts are numbers, percentages are the displayed one-decimal value (written from the
exact share's rounded Decimal, with the number format ``0.0``), dates stay ISO text.
Every text cell is a string cell (``render.xlsx``), never a formula. Each table has thin
borders and a shaded header row, columns fit their widest text (``render.xlsx.display_width``),
and each sheet prints on A4 fitted to the page width, landscape when a table has nine
columns or more; when a sheet's longest table is its last, that table's header row is
repeated on every printed page. The summary sheet ends with the 落款 (department and date).
"""

from __future__ import annotations

import io
from decimal import Decimal

from shuangsuiji.render.layout import (
    Section,
    Table,
    sections,
    sign_off,
    subtitle,
    summary_cards,
)
from shuangsuiji.render.xlsx import append_row, fit_columns, print_setup, thin_border
from shuangsuiji.report.records import Report

SUMMARY_SHEET = "概况"
HEAD_FILL = "DCE6F1"
WIDE = 9  # a table of this many columns prints landscape


def render_xlsx(report: Report) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    _summary_sheet(wb.active, report)
    for s in sections(report):
        section_sheet(wb.create_sheet(s.sheet), s)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _summary_sheet(ws, report: Report) -> None:
    from openpyxl.styles import Font

    ws.title = SUMMARY_SHEET
    append_row(ws, [report.title])
    ws["A1"].font = Font(bold=True, size=14)
    append_row(ws, [subtitle(report)])
    append_row(ws, [report.integrity.headline()])
    if not report.integrity.ok:
        ws["A3"].font = Font(bold=True, color="C00000")
    ws.append([])
    cards = Table("", ("项目", "数字", "说明"), tuple(summary_cards(report)))
    _table_rows(ws, cards)
    ws.append([])
    for line in sign_off(report):
        append_row(ws, ["", "", line])
    for letter, width in (("A", 14), ("B", 16), ("C", 40)):
        ws.column_dimensions[letter].width = width
    print_setup(ws, None, landscape=False)


def section_sheet(sheet, s: Section) -> None:
    """One section on its own sheet: title, paragraphs, bullets, then each table, printed on A4."""
    from openpyxl.styles import Font

    append_row(sheet, [s.title])
    sheet.cell(row=1, column=1).font = Font(bold=True, size=13)
    for p in s.paragraphs:
        append_row(sheet, [p])
    for b in s.bullets:
        n = append_row(sheet, [f"· {b}"])
        if s.alert:
            sheet.cell(row=n, column=1).font = Font(color="9C5700")
    header_rows: list[tuple[int, int]] = []  # (header row, body rows) of each table
    for t in s.tables:
        sheet.append([])
        n = append_row(sheet, [t.title])
        sheet.cell(row=n, column=1).font = Font(bold=True)
        if not t.rows:
            append_row(sheet, [t.empty])
            continue
        header_rows.append((_table_rows(sheet, t), len(t.rows)))
        fit_columns(sheet, zip(t.headers, *t.rows), limit=48, least=8)
    longest = max(header_rows, key=lambda h: h[1], default=None)
    repeat = f"{longest[0]}:{longest[0]}" if longest and longest == header_rows[-1] else None
    print_setup(sheet, repeat, landscape=any(len(t.headers) >= WIDE for t in s.tables))


def _table_rows(sheet, t: Table) -> int:
    """The header row, the rows and the total of ``t``, bordered; returns the header's row number."""
    from openpyxl.styles import Alignment, Font, PatternFill

    border = thin_border()
    head = append_row(sheet, list(t.headers))
    for i in range(1, len(t.headers) + 1):
        c = sheet.cell(row=head, column=i)
        c.font, c.fill, c.border = Font(bold=True), PatternFill("solid", fgColor=HEAD_FILL), border
        c.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
    for row in (*t.rows, *([t.total] if t.total is not None else [])):
        n = append_row(sheet, list(row))
        for i, value in enumerate(row, start=1):
            cell = sheet.cell(row=n, column=i)
            cell.border = border
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            if isinstance(value, Decimal):
                cell.number_format = "0.0"
            if row is t.total:
                cell.font = Font(bold=True)
    return head


__all__ = ["render_xlsx", "section_sheet", "SUMMARY_SHEET", "Section", "Table"]
