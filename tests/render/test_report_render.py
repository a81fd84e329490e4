"""The report's renderings: HTML (sections, one <svg> per chart, self-contained, A4), XLSX read back, Markdown.

Also the exact arithmetic behind every percentage and median.
"""

from __future__ import annotations

import io
import json
import re
import shutil
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shuangsuiji.report.records import Share, fraction_text, median
from tests.helpers import TODAY, report_json

SECTIONS = ("tasks", "frequency", "inspectors", "follow_up", "credit", "timeline", "integrity")
TITLES = ("一、计划执行情况", "二、抽查频次", "三、执法人员", "四、问题处理与后续跟踪", "五、信用分级与失信惩戒", "六、月度进度",
          "七、账本复核")
SHEETS = ["概况", "计划执行", "抽查频次", "执法人员", "后续处理", "信用监管", "月度进度", "账本复核"]


def render(ssj, tmp_path, name: str) -> bytes:
    out = tmp_path / name
    res = ssj("report", "--year", "2022", "--today", TODAY, "--out", str(out))
    assert res.exit_code == 0, res.output
    return out.read_bytes()


def test_html_has_every_section_and_a_chart_each(year, ssj, tmp_path):  # noqa: F811
    html = render(ssj, tmp_path, "report.html").decode("utf-8")
    assert html.startswith("<!DOCTYPE html>") and '<html lang="zh-CN">' in html and '<meta charset="utf-8">' in html
    assert "<title>长子县应急管理局2022年“双随机、一公开”抽查工作年度报告</title>" in html
    assert html.index('id="integrity-banner"') < html.index("<h1>")  # the ledger check comes first
    assert "账本复核通过" in html
    for key in SECTIONS:
        assert f'<section id="{key}">' in html
    for title in TITLES:
        assert f"<h2>{title}</h2>" in html
    svgs = re.findall(r"<svg\b[^>]*>", html)
    assert len(svgs) == 4
    for cls in ("chart-progress", "chart-results", "chart-credit", "chart-timeline"):
        assert sum(cls in s for s in svgs) == 1
    assert html.count("</svg>") == 4
    # Labels are text in the charts, not only shapes.
    rep = report_json(ssj)
    results_svg = html[html.index("chart-results"):]
    results_svg = results_svg[: results_svg.index("</svg>")]
    for code, n in rep["totals"]["results"].items():
        assert f"{n} 户次" in results_svg
    assert "1月" in html and "12月" in html


def test_html_is_self_contained_and_prints_on_a4(year, ssj, tmp_path):  # noqa: F811
    html = render(ssj, tmp_path, "report.html").decode("utf-8")
    lower = html.lower()
    for banned in ("<script", "src=", "href=", "url(", "@import", "@font-face", "<link", "<img", "<iframe"):
        assert banned not in lower, banned
    assert set(re.findall(r"https?://[^\s\"'<>]+", html)) == {"http://www.w3.org/2000/svg"}  # the SVG namespace only
    assert "@page { size: A4;" in html
    assert "thead { display: table-header-group; }" in html


def test_html_warns_of_a_broken_ledger_first(year, ssj, ws, tmp_path):  # noqa: F811
    path = ws / "draws" / "ledger.jsonl"
    path.write_bytes(path.read_bytes().replace(b'"seed":"', b'"seed":"x', 1))
    out = tmp_path / "report.html"
    res = ssj("report", "--year", "2022", "--today", TODAY, "--out", str(out))
    assert res.exit_code == 1
    html = out.read_text(encoding="utf-8")
    banner = re.search(r'<div class="banner bad" id="integrity-banner">([^<]*)</div>', html)
    assert banner and banner.group(1).startswith("警告：账本复核未通过")
    assert "警告：账本复核未通过" in res.stderr


def _table_after(ws, title: str) -> tuple[list, list[list]]:
    """Header and data rows of the table titled ``title`` in a sheet (rows end at a blank row)."""
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    start = next(i for i, r in enumerate(rows) if r[0] == title)
    width = max(i for i, c in enumerate(rows[start + 1]) if c is not None) + 1  # the sheet is as wide as its widest table
    header = rows[start + 1][:width]
    body = []
    for r in rows[start + 2:]:
        if all(c is None for c in r):
            break
        body.append(r[:width])
    return header, body


def test_xlsx_has_one_sheet_per_section_and_the_numbers(year, ssj, tmp_path):  # noqa: F811
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(render(ssj, tmp_path, "report.xlsx")))
    assert wb.sheetnames == SHEETS
    rep = report_json(ssj)
    summary = wb["概况"]
    assert summary["A1"].value == rep["title"]
    assert summary["A3"].value.startswith("账本复核通过")

    header, body = _table_after(wb["计划执行"], "各任务执行情况")
    assert header[:2] == ["序号", "抽查任务"]
    tasks, total = body[:-1], body[-1]
    assert [r[0] for r in tasks] == [1, 2, 3, 4] and total[1] == "合计"
    for key, col in (("scope", "范围（家）"), ("per_round", "每轮抽取（家）"), ("rounds_drawn", "有效轮次"),
                     ("rounds_voided", "作废轮次"), ("picks", "抽查户次"), ("entities_drawn", "抽中企业（家）")):
        assert [r[header.index(col)] for r in tasks] == [t[key] for t in rep["tasks"]], key
    cov = header.index("覆盖率（%）")
    assert [r[cov] for r in tasks] == [float(t["coverage"]["percent"]) for t in rep["tasks"]]
    assert total[cov] == float(rep["totals"]["coverage"]["percent"])
    assert wb["计划执行"].cell(row=_row_of(wb["计划执行"], "各任务执行情况") + 2, column=cov + 1).number_format == "0.0"

    header, body = _table_after(wb["计划执行"], "检查结果（户次）")
    assert body[-1][0] == "合计"
    assert body[-1][header.index("发现问题")] == rep["totals"]["found_problems"]
    assert body[-1][header.index("已检查")] == rep["totals"]["inspected"]

    header, body = _table_after(wb["计划执行"], "各轮摇号明细")
    assert len(body) == sum(len(t["rounds"]) for t in rep["tasks"])
    assert sum(1 for r in body if str(r[-1]).startswith("已作废")) == rep["totals"]["rounds_voided"]

    header, body = _table_after(wb["抽查频次"], "各任务抽查频次")
    assert [r[1] for r in body] == [t["rounds"] for t in rep["frequency"]["tasks"]]

    header, body = _table_after(wb["执法人员"], "各执法人员检查户次")
    assert {r[0]: r[header.index("检查户次")] for r in body} == {r["id"]: r["checks"] for r in rep["inspectors"]["rows"]}

    header, body = _table_after(wb["后续处理"], "问题处理清单")
    assert [(r[0], r[3]) for r in body] == [(f["date"], f["entity"]) for f in rep["follow_up"]]

    header, body = _table_after(wb["月度进度"], "月度进度")
    assert [r[0] for r in body[:-1]] == [m["month"] for m in rep["timeline"]]
    assert body[-1][0] == "合计" and body[-1][3] == sum(m["checks"] for m in rep["timeline"])

    rows = [r[0] for r in wb["账本复核"].iter_rows(values_only=True)]
    assert rows[0] == "七、账本复核" and rows[1].startswith("账本复核通过")


def _row_of(ws, title: str) -> int:
    for row in ws.iter_rows():
        if row[0].value == title:
            return row[0].row
    raise AssertionError(title)


def test_markdown_has_every_section(year, ssj):  # noqa: F811
    res = ssj("report", "--year", "2022", "--today", TODAY, "--format", "md")
    assert res.exit_code == 0, res.output
    md = res.stdout
    lines = md.splitlines()
    assert lines[0] == "# 长子县应急管理局2022年“双随机、一公开”抽查工作年度报告"
    assert lines[2].startswith("> 账本复核通过")
    for title in TITLES:
        assert f"## {title}" in lines
    rep = report_json(ssj)
    total = next(l for l in lines if l.startswith("|  | **合计**"))
    assert f"**{rep['totals']['picks']}**" in total


def test_terminal_table_starts_with_the_ledger_check(year, ssj):  # noqa: F811
    res = ssj("report", "--year", "2022", "--today", TODAY)
    assert res.exit_code == 0, res.output
    lines = res.stdout.splitlines()
    assert lines[0].startswith("账本复核通过") and lines[1] == "长子县应急管理局2022年“双随机、一公开”抽查工作年度报告"
    for title in TITLES:
        assert title in lines
    assert "Traceback" not in res.output


@given(st.integers(min_value=0, max_value=10**6), st.integers(min_value=1, max_value=10**6))
def test_percent_is_the_exact_fraction_rounded_half_up(num, den):
    exact = Fraction(100 * num, den)
    expected = (Decimal(exact.numerator) / Decimal(exact.denominator)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    assert Share(num, den).percent() == str(expected)


def test_percent_edges():
    assert Share(1, 8).percent() == "12.5"
    assert Share(1, 3).percent() == "33.3" and Share(2, 3).percent() == "66.7"
    assert Share(1, 2000).percent() == "0.1"  # 0.05 rounds half up
    assert Share(0, 0).percent() is None and Share(0, 0).to_json() == {"num": 0, "den": 0, "percent": None}
    assert Share(6, 6).to_json() == {"num": 6, "den": 6, "percent": "100.0"}


def test_median_is_exact():
    assert median([]) is None
    assert median([3, 1, 2]) == 2 and fraction_text(median([3, 1, 2])) == "2"
    assert median([1, 2, 3, 10]) == Fraction(5, 2) and fraction_text(median([1, 2, 3, 10])) == "2.5"
    assert fraction_text(median([0, 0, 1, 0])) == "0"


def test_json_keys_are_the_documented_ones(year, ssj):  # noqa: F811
    import shuangsuiji.report.records as report_module

    rep = report_json(ssj)
    doc = report_module.__doc__
    for key in ("tasks", "frequency", "inspectors", "follow_up", "credit", "timeline", "integrity", "summary", "totals"):
        assert key in rep and f"``{key}``" in doc
    for key in rep["tasks"][0]:
        assert f"``{key}``" in doc, key
    for key in rep["tasks"][0]["rounds"][0]:
        assert f"``{key}``" in doc, key
    for group in ("frequency", "inspectors", "integrity", "summary"):
        for key in rep[group]:
            assert f"``{key}``" in doc, (group, key)
    for key in rep["frequency"]["categories"][0]:
        assert f"``{key}``" in doc, key
    for key in rep["follow_up"][0]:
        assert f"``{key}``" in doc, key
    for key in rep["timeline"][0]:
        assert f"``{key}``" in doc, key
    for key in (*rep["credit"], *rep["credit"]["grades"][0]):
        assert f"``{key}``" in doc, ("credit", key)
    json.dumps(rep)  # plain JSON: no float anywhere in a share
    assert not re.search(r'"percent": \d', json.dumps(rep)), "percent is a string"


def test_html_prints_page_numbers_a_sign_off_and_keeps_headings_with_their_tables(year, ssj, tmp_path):  # noqa: F811
    """Print rules without a browser: page-number margin boxes, the 落款, headings that stay with their tables."""
    html = render(ssj, tmp_path, "report.html").decode("utf-8")
    css = html.split("<style>", 1)[1].split("</style>", 1)[0]
    assert '@bottom-center { content: "第 " counter(page) " 页 / 共 " counter(pages) " 页";' in css
    assert "h2 {" in css and "h3 {" in css and css.count("break-after: avoid;") >= 2
    assert ".tbl.short { page-break-inside: avoid; break-inside: avoid; }" in css
    body = html.split("</style>", 1)[1]
    sign = re.search(r'<div class="sign">(.*?)<br>(.*?)</div>', body)
    assert sign and sign.groups() == ("长子县应急管理局", "2022年12月20日")
    assert body.index('<div class="sign">') > body.index('<section id="integrity">')
    # Every table title sits with its table in one block; short ones are never split from it.
    assert body.count('<div class="tbl') == body.count("<h3>")
    assert '<div class="tbl short">\n<h3>各任务执行情况</h3>' in body
    tasks = body[body.index('<section id="tasks">'):body.index('<section id="frequency">')]
    assert tasks.index("<h3>各轮摇号明细</h3>") < tasks.index("<figure>")  # charts after the tables: no half-empty page 1


def test_xlsx_tables_have_borders_widths_and_print_setup(year, ssj, tmp_path):  # noqa: F811
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(render(ssj, tmp_path, "report.xlsx")))
    for ws in wb:
        assert str(ws.page_setup.paperSize) == "9" and ws.page_setup.fitToWidth == 1  # A4, one page wide
        assert ws.sheet_properties.pageSetUpPr.fitToPage
    plan = wb["计划执行"]
    assert plan.page_setup.orientation == "landscape"
    head = _row_of(plan, "各轮摇号明细") + 1
    assert plan.print_title_rows == f"${head}:${head}"  # the long last table's header repeats on every page
    for cell in plan[head] + plan[head + 1]:
        if cell.column <= 9:
            assert cell.border.left.style == "thin" and cell.border.bottom.style == "thin"
    assert all(plan.column_dimensions[c].width >= 8 for c in "ABCDEFGHI")
    summary = wb["概况"]
    values = [c.value for row in summary.iter_rows() for c in row if c.value is not None]
    assert values[-2:] == ["长子县应急管理局", "2022年12月20日"]  # the 落款


@pytest.mark.skipif(not (shutil.which("chromium") and shutil.which("pdftotext")), reason="needs headless Chromium and poppler-utils")
def test_printed_report_has_page_numbers_in_chromium(year, ssj, tmp_path):  # noqa: F811
    import subprocess

    out = tmp_path / "report.html"
    render(ssj, tmp_path, "report.html")
    pdf = tmp_path / "report.pdf"
    subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--no-first-run", f"--user-data-dir={tmp_path / 'profile'}",
                    "--no-pdf-header-footer", f"--print-to-pdf={pdf}", str(out)], capture_output=True, check=True, timeout=120)
    pages = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout.split("\f")
    pages = [p for p in pages if p.strip()]
    assert len(pages) >= 2
    for n, text in enumerate(pages, start=1):
        assert re.search(rf"第\s*{n}\s*页\s*/\s*共\s*{len(pages)}\s*页", text), n
    assert "各任务执行情况" in pages[0] and "检查结果（户次）" in pages[0]  # page 1 is not half empty
