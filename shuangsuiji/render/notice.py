"""The public notice (抽查结果公示) as CSV, XLSX, HTML and Markdown bytes.

Each renderer turns a ``results.notice.Notice`` into bytes and nothing else (no clock, no
files), so the same notice always renders the same bytes. The CSV goes through the one
CSV writer (``files.tables.csv_bytes``: UTF-8 with a BOM, CRLF, formula-safe cells); its
first two lines are the title and the header text, then the column names, then the rows,
and ``parse_csv`` reads it back to the same rows. The XLSX has a styled header row,
fitting column widths, A4 landscape print settings and the 落款 (department and date)
under the table, as the HTML has; the HTML prints on A4 landscape
with the column header repeated on every page.

A joint notice (``Notice.signers``) has its own columns (``results.notice.JOINT_COLUMNS``), a row
per entity and department, and is signed by every department; in HTML an entity's cells span its
departments' rows.
"""

from __future__ import annotations

import csv
import html
import io

from shuangsuiji.files.tables import csv_bytes
from shuangsuiji.render.markdown import md_cell, md_text
from shuangsuiji.render.page import chinese_date, page
from shuangsuiji.render.xlsx import (
    MAX_COLUMN_WIDTH,
    append_row,
    fit_columns,
    print_setup,
    put,
    thin_border,
)
from shuangsuiji.results.notice import JointNoticeRow, Notice

# --------------------------------------------------------------------------- CSV


def render_csv(n: Notice) -> bytes:
    return csv_bytes([[n.title], [n.header_text()], n.columns, *(row.cells() for row in n.rows)])


def parse_csv(data: bytes) -> tuple[str, str, list[dict[str, str]]]:
    """(title, header text, rows as column -> cell) of a notice CSV that ssj wrote."""
    text = data.decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(text, newline="")))
    title, header, columns = lines[0][0], lines[1][0], lines[2]
    return title, header, [dict(zip(columns, cells)) for cells in lines[3:]]


# --------------------------------------------------------------------------- Markdown


def render_md(n: Notice) -> bytes:
    out = [f"# {md_text(n.title)}", "", md_text(n.header_text()), "", "| " + " | ".join(n.columns) + " |",
           "|" + "---|" * len(n.columns)]
    for row in n.rows:
        out.append("| " + " | ".join(md_cell(c) for c in row.cells()) + " |")
    out += ["", *(md_text(d) for d in n.signed_by), md_text(n.date), ""]
    return "\n".join(out).encode("utf-8")


# --------------------------------------------------------------------------- HTML

_NOTICE_CSS = """\
@page { size: A4 landscape; margin: 14mm 12mm; }
body { font-family: "SimSun", "Songti SC", "Noto Serif CJK SC", "Source Han Serif SC", serif; color: #000; margin: 0; }
h1 { font-size: 18pt; text-align: center; margin: 0 0 4mm; font-family: "SimHei", "Heiti SC", "Noto Sans CJK SC", sans-serif; }
p.basis { font-size: 10.5pt; margin: 0 0 4mm; }
table { width: 100%; border-collapse: collapse; font-size: 9.5pt; table-layout: auto; }
th, td { border: 0.6pt solid #000; padding: 1.5mm 1.2mm; vertical-align: middle; }
th { background: #e8e8e8; font-weight: bold; text-align: center; }
td.c { text-align: center; white-space: nowrap; }
td.code { font-family: "Consolas", "DejaVu Sans Mono", monospace; white-space: nowrap; }
thead { display: table-header-group; }
tr { page-break-inside: avoid; break-inside: avoid; }
.nw { white-space: nowrap; }
.sign { margin-top: 8mm; text-align: right; font-size: 11pt; line-height: 1.8; }
tr.next td { border-top-style: dotted; }
@media screen { body { max-width: 297mm; margin: 10mm auto; padding: 0 8mm; } }
@media print { th { -webkit-print-color-adjust: exact; print-color-adjust: exact; } }
"""

_CELL_CLASS = {"序号": "c", "抽查类型": "c", "统一社会信用代码": "code", "检查日期": "c"}
_ENTITY_COLUMNS = 5  # a joint notice's first five columns (序号 .. 统一社会信用代码) are the entity's: they span its rows


def _html_cell(column: str, text: str, span: int = 1) -> str:
    e = html.escape
    inner = "、<wbr>".join(f"<span class=\"nw\">{e(p)}</span>" for p in text.split("、")) if column == "执法人员" else e(text)
    cls = _CELL_CLASS.get(column)
    attrs = (f" class=\"{cls}\"" if cls else "") + (f" rowspan=\"{span}\"" if span > 1 else "")
    return f"<td{attrs}>{inner}</td>"


def _html_row(n: Notice, row) -> str:
    cells = list(zip(n.columns, row.cells()))
    if not isinstance(row, JointNoticeRow):
        return "<tr>" + "".join(_html_cell(c, t) for c, t in cells) + "</tr>\n"
    if not row.span:  # the entity's cells are in its first row, spanning this one
        return "<tr class=\"next\">" + "".join(_html_cell(c, t) for c, t in cells[_ENTITY_COLUMNS:]) + "</tr>\n"
    return ("<tr>" + "".join(_html_cell(c, t, row.span) for c, t in cells[:_ENTITY_COLUMNS])
            + "".join(_html_cell(c, t) for c, t in cells[_ENTITY_COLUMNS:]) + "</tr>\n")


def render_html(n: Notice) -> bytes:
    e = html.escape
    parts = [f"<h1>{e(n.title)}</h1>\n", f"<p class=\"basis\">{e(n.header_text())}</p>\n", "<table>\n<thead><tr>"]
    parts += [f"<th>{e(c)}</th>" for c in n.columns]
    parts.append("</tr></thead>\n<tbody>\n")
    parts += [_html_row(n, row) for row in n.rows]
    parts.append("</tbody>\n</table>\n")
    parts.append(f"<div class=\"sign\">{'<br>'.join(e(d) for d in n.signed_by)}<br>{e(chinese_date(n.date))}</div>\n")
    return page(n.title, _NOTICE_CSS, "".join(parts)).encode("utf-8")


# --------------------------------------------------------------------------- XLSX

_CENTERED_COLUMNS = ("序号", "抽查类型", "统一社会信用代码", "检查日期")
HEAD_FILL = "D9E1F2"


def _xlsx_heading(ws, n: Notice) -> None:
    """Rows 1 and 2: the title and the header text, each merged across the table."""
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    last = get_column_letter(len(n.columns))
    append_row(ws, [n.title])
    ws.merge_cells(f"A1:{last}1")
    ws["A1"].font = Font(name="黑体", size=16, bold=True)
    ws["A1"].alignment = Alignment(horizontal="center", vertical="center")
    ws.row_dimensions[1].height = 30
    append_row(ws, [n.header_text()])
    ws.merge_cells(f"A2:{last}2")
    ws["A2"].alignment = Alignment(wrap_text=True, vertical="center")
    ws.row_dimensions[2].height = 32


def _xlsx_table(ws, n: Notice) -> None:
    """Row 3 the column names, then one bordered row per entity."""
    from openpyxl.styles import Alignment, Font, PatternFill

    border = thin_border()
    append_row(ws, list(n.columns))
    for cell in ws[3]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor=HEAD_FILL)
        cell.border = border
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    ws.row_dimensions[3].height = 22
    for row in n.rows:
        append_row(ws, [row.index] + row.cells()[1:])
    centered = {i for i, c in enumerate(n.columns, start=1) if c in _CENTERED_COLUMNS}
    for r in ws.iter_rows(min_row=4, max_row=3 + len(n.rows)):
        for cell in r:
            cell.border = border
            cell.alignment = Alignment(
                horizontal="center" if cell.column in centered else "left", vertical="center", wrap_text=True
            )


def _xlsx_sign_off(ws, n: Notice) -> None:
    """The 落款 under the table, as on the HTML notice: the department, then the date, at the right."""
    from openpyxl.styles import Alignment, Font

    first = ws.max_row + 2
    for row, text in enumerate((*n.signed_by, chinese_date(n.date)), start=first):
        cell = put(ws.cell(row=row, column=len(n.columns)), text)
        cell.font = Font(size=11)
        cell.alignment = Alignment(horizontal="right", vertical="center")


def render_xlsx(n: Notice) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "抽查结果公示"
    _xlsx_heading(ws, n)
    _xlsx_table(ws, n)
    _xlsx_sign_off(ws, n)
    columns = zip(n.columns, *(row.cells() for row in n.rows))
    fit_columns(ws, columns, MAX_COLUMN_WIDTH)
    ws.freeze_panes = "A4"
    print_setup(ws, "3:3", landscape=True)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


RENDERERS = {"csv": render_csv, "xlsx": render_xlsx, "html": render_html, "md": render_md}


def render(n: Notice, fmt: str) -> bytes:
    return RENDERERS[fmt](n)
