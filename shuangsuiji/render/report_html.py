"""The report as one self-contained, printable HTML page (on the one skeleton, ``render.page``).

No script, no external stylesheet, font or image: the CSS is inline, the charts are
inline SVG, fonts are whatever Chinese fonts the reader's system has. Printed: A4 with
margins and the page number at the foot of every page (``@page`` margin boxes, "第 1 页 /
共 6 页"); tables repeat their header row on each printed page and rows never split; a
heading stays with what follows it (``break-after: avoid``, and a short table with its
heading is never split); in each section the tables come before the charts, so a chart
too tall for the rest of a page cannot leave the first page half empty. The report ends
with the 落款: the department and the day it counts up to.
"""

from __future__ import annotations

from decimal import Decimal
from html import escape

from shuangsuiji import __version__
from shuangsuiji.render import svg
from shuangsuiji.render.layout import (
    Section,
    Table,
    cell_text,
    sections,
    sign_off,
    subtitle,
    summary_cards,
)
from shuangsuiji.render.page import page
from shuangsuiji.report.records import Report

SHORT_TABLE = 12  # a table of at most this many rows is kept on one page with its heading

CSS = """
@page { size: A4; margin: 14mm 12mm 16mm 12mm;
  @bottom-center { content: "第 " counter(page) " 页 / 共 " counter(pages) " 页"; font-size: 8pt; color: #555; } }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0 auto; max-width: 186mm; padding: 8mm 0; color: #222; background: #fff;
  font-family: "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", "Hiragino Sans GB",
    "WenQuanYi Micro Hei", "SimSun", "Songti SC", sans-serif;
  font-size: 10.5pt; line-height: 1.55; }
h1 { font-size: 18pt; text-align: center; margin: 0 0 4px; letter-spacing: 0.5px; }
.subtitle { text-align: center; color: #555; margin: 0 0 10px; font-size: 9.5pt; }
h2 { font-size: 13pt; border-left: 5px solid #3f6fb5; padding-left: 8px; margin: 18px 0 8px; page-break-after: avoid;
  break-after: avoid; }
h3 { font-size: 10.5pt; margin: 12px 0 4px; page-break-after: avoid; break-after: avoid; }
p { margin: 4px 0; }
.banner { padding: 6px 10px; border-radius: 4px; margin: 0 0 10px; font-weight: bold; }
.banner.ok { background: #e8f4e3; color: #2e6b1f; border: 1px solid #b9dcae; }
.banner.bad { background: #fde8e6; color: #a4261b; border: 1px solid #f0b4ad; }
.cards { display: grid; grid-template-columns: repeat(3, 1fr); gap: 6px; margin: 8px 0 4px; }
.card { border: 1px solid #d6dbe3; border-radius: 5px; padding: 6px 10px; page-break-inside: avoid; break-inside: avoid; }
.card .label { color: #555; font-size: 9pt; }
.card .figure { font-size: 16pt; font-weight: bold; color: #1f4e8c; line-height: 1.3; }
.card .detail { color: #666; font-size: 8.5pt; }
figure { margin: 8px 0; page-break-inside: avoid; break-inside: avoid; }
figcaption { font-weight: bold; font-size: 10pt; margin-bottom: 2px; }
svg.chart { display: block; max-width: 100%; height: auto; }
svg.chart text { font-family: inherit; }
table { border-collapse: collapse; width: 100%; margin: 2px 0 8px; font-size: 8.5pt; }
table.wide { font-size: 7.5pt; }
thead { display: table-header-group; }
tr { page-break-inside: avoid; break-inside: avoid; }
th, td { border: 1px solid #c9ced6; padding: 2px 4px; vertical-align: top; }
th { background: #eef2f7; font-weight: bold; text-align: center; }
td.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
td.nw { white-space: nowrap; }
tr.total td { font-weight: bold; background: #f6f7f9; }
ul.findings { margin: 4px 0 8px; padding-left: 20px; }
ul.findings.alert li { color: #8a4b00; }
ul.findings.ok li { color: #2e6b1f; }
.empty { color: #666; font-style: italic; }
.tbl.short { page-break-inside: avoid; break-inside: avoid; }
.sign { margin: 14px 0 0 auto; width: max-content; text-align: center; font-size: 11pt; line-height: 1.8;
  page-break-inside: avoid; break-inside: avoid; }
footer { margin-top: 16px; color: #777; font-size: 8pt; border-top: 1px solid #ddd; padding-top: 4px; }
@media print { body { padding: 0; max-width: none; } .pagebreak { page-break-before: always; break-before: page; } }
"""


def render_html(report: Report) -> str:
    parts = [
        f'<div class="banner {"ok" if report.integrity.ok else "bad"}" id="integrity-banner">{escape(report.integrity.headline())}</div>',
        f"<h1>{escape(report.title)}</h1>",
        f'<p class="subtitle">{escape(subtitle(report))}</p>',
        _cards(report),
    ]
    charts = {
        "tasks": [("各任务进度与计划", svg.progress_chart(report)), ("检查结果分布（户次）", svg.results_chart(report))],
        "credit": [("各信用风险等级的抽查户次和问题发现率", svg.credit_chart(report))],
        "timeline": [("月度进度", svg.timeline_chart(report))],
    }
    for s in sections(report):
        parts.append(_section(s, charts.get(s.key, [])))
    department, day = sign_off(report)
    parts.append(f'<div class="sign">{escape(department)}<br>{escape(day)}</div>')
    parts.append(
        f"<footer>由 ssj {escape(__version__)} 根据年度计划、名录库和账本生成："
        f"ssj report --year {report.year} --today {report.today.isoformat()} --format html。"
        "同一账本在任何电脑上生成的报告数字相同。</footer>"
    )
    return page(report.title, CSS, "\n".join(parts) + "\n")


def _cards(report: Report) -> str:
    out = ['<div class="cards">']
    for label, figure, detail in summary_cards(report):
        out.append(f'<div class="card"><div class="label">{escape(label)}</div><div class="figure">{escape(figure)}</div>'
                   f'<div class="detail">{escape(detail)}</div></div>')
    out.append("</div>")
    return "\n".join(out)


def _section(s: Section, charts: list[tuple[str, str]]) -> str:
    out = [f'<section id="{escape(s.key)}">', f"<h2>{escape(s.title)}</h2>"]
    for p in s.paragraphs:
        out.append(f"<p>{escape(p)}</p>")
    if s.bullets:
        cls = "alert" if s.alert else "ok"
        out.append(f'<ul class="findings {cls}">' + "".join(f"<li>{escape(b)}</li>" for b in s.bullets) + "</ul>")
    for t in s.tables:
        out.append(_table(t))
    for caption, chart in charts:
        out.append(f"<figure><figcaption>{escape(caption)}</figcaption>{chart}</figure>")
    out.append("</section>")
    return "\n".join(out)


def _table(t: Table) -> str:
    short = " short" if len(t.rows) <= SHORT_TABLE else ""
    out = [f'<div class="tbl{short}">', f"<h3>{escape(t.title)}</h3>"]
    if not t.rows:
        out.append(f'<p class="empty">{escape(t.empty)}</p></div>')
        return "\n".join(out)
    numeric = [all(r[i] is None or isinstance(r[i], (int, Decimal)) for r in t.rows)
               and any(r[i] is not None for r in t.rows) for i in range(len(t.headers))]
    nowrap = [all(_compact(cell_text(r[i])) for r in t.rows) for i in range(len(t.headers))]
    wide = ' class="wide"' if len(t.headers) >= 9 else ""
    out.append(f"<table{wide}><thead><tr>" + "".join(f"<th>{escape(h)}</th>" for h in t.headers) + "</tr></thead><tbody>")
    for row in t.rows:
        out.append(_tr(row, numeric, nowrap))
    if t.total is not None:
        out.append(_tr(t.total, numeric, nowrap, "total"))
    out.append("</tbody></table></div>")
    return "\n".join(out)


def _compact(text: str) -> bool:
    """Dates, codes, numbers and words of a few characters: kept on one line."""
    return text.isascii() or len(text) <= 4


def _tr(row, numeric: list[bool], nowrap: list[bool], cls: str = "") -> str:
    cells = []
    for value, num, nw in zip(row, numeric, nowrap):
        text = "" if value == "" else cell_text(value)
        classes = " ".join(c for c in ("num" if num else "", "nw" if nw else "") if c)
        cells.append(f'<td class="{classes}">{escape(text)}</td>' if classes else f"<td>{escape(text)}</td>")
    attr = f' class="{cls}"' if cls else ""
    return f"<tr{attr}>" + "".join(cells) + "</tr>"
