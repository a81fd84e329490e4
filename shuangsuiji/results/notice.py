"""The public notice of a round's results (抽查结果公示), in CSV, XLSX, HTML and Markdown.

``build_notice`` turns the plan, the task, the round's draw record and the results in force
into one ``Notice``; the renderers turn a Notice into bytes and nothing else (no clock, no
files), so the same notice always renders the same CSV, HTML and Markdown bytes.

Each notice has a header (title, the plan's document number, the department, the
publication date) and one row per entity with the columns of ``COLUMNS``. The CSV is
UTF-8 with a BOM and CRLF line ends, so Excel and WPS open it in Chinese; its first two
lines are the title and the header text, then the column names, then the rows, and
``parse_csv`` reads it back to the same rows. The XLSX has a styled header row, fitting
column widths and A4 landscape print settings; the HTML prints on A4 landscape with the
column header repeated on every page.
"""

from __future__ import annotations

import csv
import html
import io
from dataclasses import dataclass
from datetime import date
from typing import Mapping, Sequence

from shuangsuiji.draw.record import DrawRecord
from shuangsuiji.files.tables import csv_bytes
from shuangsuiji.ledger.events import ResultEvent
from shuangsuiji.records import Plan, Task
from shuangsuiji.results.check import measures_text, result_label

COLUMNS = (
    "序号", "抽查任务名称", "抽查类型", "抽查事项", "企业名称", "统一社会信用代码",
    "检查日期", "检查结果", "处理措施", "执法人员", "抽查发起部门",
)
FORMATS = ("csv", "xlsx", "html", "md")
BOM = "\ufeff"


@dataclass(frozen=True, slots=True)
class NoticeRow:
    index: int  # 序号
    task_name: str
    task_type: str
    matter: str
    entity_name: str
    entity: str  # USCC
    date: str
    result: str  # label
    measures: str
    inspectors: str  # "name（执法证号）、name（执法证号）"
    department: str

    def cells(self) -> list[str]:
        return [str(self.index), self.task_name, self.task_type, self.matter, self.entity_name, self.entity,
                self.date, self.result, self.measures, self.inspectors, self.department]


@dataclass(frozen=True, slots=True)
class Notice:
    title: str  # e.g. 2022年危险化学品生产经营企业双随机抽查计划（第 1 轮）抽查结果公示
    document: str  # the plan's 文号
    plan_title: str
    department: str
    date: str  # publication date
    partial: bool
    picks: int  # entities drawn in the round; fewer rows than this in a partial notice
    rows: tuple[NoticeRow, ...]

    def header_text(self) -> str:
        """The line under the title: where the checks came from and when this was published."""
        text = f"依据：{self.plan_title}（{self.document}）；抽查发起部门：{self.department}；公示日期：{self.date}"
        if self.partial:
            text += f"；本次公示已完成检查的 {len(self.rows)} 户（共抽取 {self.picks} 户），其余检查完成后另行公示"
        return text


def inspectors_text(names: Sequence[str], ids: Sequence[str]) -> str:
    return "、".join(f"{n}（{i}）" for n, i in zip(names, ids))


def build_notice(
    plan: Plan,
    task: Task,
    record: DrawRecord,
    results: Mapping[str, ResultEvent],
    day: date,
    partial: bool,
) -> Notice:
    """The notice for the picks that have a result, in draw order.

    Args:
        record: the round's draw record (names and teams as drawn).
        results: entity -> the result event in force.
        day: the publication date.
        partial: whether picks without a result are left out on purpose.
    """
    rows = []
    for pick in record.picks:
        res = results.get(pick.entity)
        if res is None:
            continue
        rows.append(NoticeRow(
            index=len(rows) + 1, task_name=task.name, task_type=task.type, matter=task.matter,
            entity_name=pick.name, entity=pick.entity, date=res.date,
            result=result_label(res.result), measures=measures_text(res.result, res.measures),
            inspectors=inspectors_text(pick.inspector_names, pick.inspectors),
            department=task.department,
        ))
    title = f"{task.name}（第 {record.round} 轮）抽查结果公示"
    return Notice(title, plan.document, plan.title, task.department, day.isoformat(), partial, len(record.picks), tuple(rows))


# --------------------------------------------------------------------------- CSV


def render_csv(n: Notice) -> bytes:
    return csv_bytes([[n.title], [n.header_text()], COLUMNS, *(row.cells() for row in n.rows)])


def parse_csv(data: bytes) -> tuple[str, str, list[dict[str, str]]]:
    """(title, header text, rows as column -> cell) of a notice CSV that ssj wrote."""
    text = data.decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(text, newline="")))
    title, header, columns = lines[0][0], lines[1][0], lines[2]
    return title, header, [dict(zip(columns, cells)) for cells in lines[3:]]


# --------------------------------------------------------------------------- Markdown


def _md_cell(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def render_md(n: Notice) -> bytes:
    out = [f"# {n.title}", "", n.header_text(), "", "| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    for row in n.rows:
        out.append("| " + " | ".join(_md_cell(c) for c in row.cells()) + " |")
    out += ["", f"{n.department}", f"{n.date}", ""]
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
@media screen { body { max-width: 297mm; margin: 10mm auto; padding: 0 8mm; } }
@media print { th { -webkit-print-color-adjust: exact; print-color-adjust: exact; } }
"""

_CELL_CLASS = {0: "c", 2: "c", 5: "code", 6: "c"}


def _page(title: str, css: str, body: str) -> bytes:
    return (
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
        f"<title>{html.escape(title)}</title>\n<style>\n{css}</style>\n</head>\n<body>\n{body}</body>\n</html>\n"
    ).encode("utf-8")


def render_html(n: Notice) -> bytes:
    e = html.escape
    parts = [f"<h1>{e(n.title)}</h1>\n", f"<p class=\"basis\">{e(n.header_text())}</p>\n", "<table>\n<thead><tr>"]
    parts += [f"<th>{e(c)}</th>" for c in COLUMNS]
    parts.append("</tr></thead>\n<tbody>\n")
    for row in n.rows:
        cells = []
        for i, c in enumerate(row.cells()):
            cls = _CELL_CLASS.get(i)
            text = "、<wbr>".join(f"<span class=\"nw\">{e(p)}</span>" for p in c.split("、")) if i == 9 else e(c)
            cells.append(f"<td class=\"{cls}\">{text}</td>" if cls else f"<td>{text}</td>")
        parts.append("<tr>" + "".join(cells) + "</tr>\n")
    parts.append("</tbody>\n</table>\n")
    parts.append(f"<div class=\"sign\">{e(n.department)}<br>{e(_chinese_date(n.date))}</div>\n")
    return _page(n.title, _NOTICE_CSS, "".join(parts))


def _chinese_date(iso: str) -> str:
    d = date.fromisoformat(iso)
    return f"{d.year}年{d.month}月{d.day}日"


# --------------------------------------------------------------------------- XLSX


def _display_width(text: str) -> int:
    """Columns a text takes in a spreadsheet: CJK and full-width characters count two."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


MAX_COLUMN_WIDTH = 40


def render_xlsx(n: Notice) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = "抽查结果公示"
    last = get_column_letter(len(COLUMNS))
    ws.append([n.title])
    ws.merge_cells(f"A1:{last}1")
    ws["A1"].font = Font(name="黑体", size=16, bold=True)
    ws["A1"].alignment = Alignment(horizontal="center", vertical="center")
    ws.row_dimensions[1].height = 30
    ws.append([n.header_text()])
    ws.merge_cells(f"A2:{last}2")
    ws["A2"].alignment = Alignment(wrap_text=True, vertical="center")
    ws.row_dimensions[2].height = 32
    ws.append(list(COLUMNS))
    thin = Side(style="thin", color="000000")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    head_fill = PatternFill("solid", fgColor="D9E1F2")
    for cell in ws[3]:
        cell.font = Font(bold=True)
        cell.fill = head_fill
        cell.border = border
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    ws.row_dimensions[3].height = 22
    for row in n.rows:
        cells = row.cells()
        ws.append([row.index] + cells[1:])
    centered = {1, 3, 6, 7}
    for r in ws.iter_rows(min_row=4, max_row=3 + len(n.rows)):
        for cell in r:
            cell.border = border
            cell.alignment = Alignment(
                horizontal="center" if cell.column in centered else "left", vertical="center", wrap_text=True
            )
    for i, name in enumerate(COLUMNS, start=1):
        longest = max([_display_width(name)] + [_display_width(row.cells()[i - 1]) for row in n.rows])
        ws.column_dimensions[get_column_letter(i)].width = min(MAX_COLUMN_WIDTH, longest + 2)
    ws.freeze_panes = "A4"
    ws.print_title_rows = "3:3"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


RENDERERS = {"csv": render_csv, "xlsx": render_xlsx, "html": render_html, "md": render_md}


def render(n: Notice, fmt: str) -> bytes:
    return RENDERERS[fmt](n)
