"""render/xlsx.py, called directly: string cells that never become formulas, the one CJK width rule."""

from __future__ import annotations

import io
import zipfile

from shuangsuiji.render.markdown import md_cell, md_text
from shuangsuiji.render.page import chinese_date, chinese_datetime
from shuangsuiji.render.xlsx import append_row, display_width, fit_columns, put


def test_text_that_looks_like_a_formula_is_a_string_cell():
    from openpyxl import Workbook, load_workbook

    wb = Workbook()
    ws = wb.active
    assert append_row(ws, ["=cmd|' /C calc'!A0", "+1", "-1", "@SUM(A1)", 7, None]) == 1
    put(ws.cell(row=2, column=1), "=HYPERLINK(\"http://x\")")
    buf = io.BytesIO()
    wb.save(buf)
    xml = zipfile.ZipFile(io.BytesIO(buf.getvalue())).read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in xml
    back = load_workbook(io.BytesIO(buf.getvalue())).active
    assert [c.value for c in back[1]][:5] == ["=cmd|' /C calc'!A0", "+1", "-1", "@SUM(A1)", 7]
    assert [c.data_type for c in back[1]][:5] == ["s", "s", "s", "s", "n"]
    assert back["A2"].value == "=HYPERLINK(\"http://x\")" and back["A2"].data_type == "s"


def test_display_width_counts_wide_and_full_width_characters_twice():
    assert display_width("") == 0
    assert display_width("A1-2") == 4
    assert display_width("危化品") == 6
    assert display_width("（第 1 轮）") == 2 + 2 + 1 + 1 + 1 + 2 + 2  # brackets, 第 and 轮 two each; digit and spaces one
    assert display_width("—·") == 2  # ambiguous-width punctuation counts one, as Excel shows it


def test_fit_columns_takes_the_widest_text_within_bounds():
    from openpyxl import Workbook

    ws = Workbook().active
    fit_columns(ws, [["序号", "1"], ["企业名称", "长子县示例丹朱第1煤业有限公司"], ["x" * 100]], limit=40, least=8)
    assert [ws.column_dimensions[c].width for c in "ABC"] == [8, 2 * 14 + 1 + 2, 40]


def test_markdown_text_never_carries_html():
    assert md_text("<script>alert(1)</script> & <svg onload=x>") == "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;svg onload=x&gt;"
    assert md_cell("a|b\\c\nd") == "a\\|b\\\\c d"


def test_markdown_text_makes_no_link_image_code_or_emphasis():
    """What a renderer (markdown-it, CommonMark with tables, as a portal would) makes of a hostile
    name is the name itself as text, in a paragraph and in a table cell."""
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark").enable("table")
    for name in ("[点此领取补贴](http://phish.example)", "![x](http://t.example/p.png)", "*示例* __有限公司__",
                 "`rm -rf`", "a\\*b\\", "<http://x.example>", "[x]: http://ref.example", "示例_煤业_有限公司"):
        para = md.render(md_text(name))
        cell = md.render(f"| 名称 |\n|---|\n| {md_cell(name)} |\n")
        for html in (para, cell):
            assert not any(tag in html for tag in ("<a ", "<img", "<code", "<em", "<strong")), (name, html)
        text = name.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        assert para == f"<p>{text}</p>\n" and f"<td>{text}</td>" in cell, (name, para, cell)


def test_dates_and_times_in_chinese():
    assert chinese_date("2022-04-06") == "2022年4月6日"
    assert chinese_datetime("2022-04-06T09:05:03+08:00") == "2022年4月6日 9时05分03秒"


def test_appending_rows_never_scans_the_sheet(monkeypatch):
    """append_row and a report sheet's tables cost the same at row 10 and at row 10,000: openpyxl's
    ``max_row``/``max_column`` (and ``sheet[n]``, which asks ``max_column``) scan every cell, so
    calling them per row made ``ssj credit --list --xlsx``, ``ssj export`` and the report quadratic."""
    from openpyxl import Workbook, load_workbook
    from openpyxl.worksheet.worksheet import Worksheet

    from shuangsuiji.render.layout import Section, Table
    from shuangsuiji.render.report_xlsx import section_sheet

    wb = Workbook()
    sheet = wb.active

    def scan(self):
        raise AssertionError("scanned every cell of the sheet")

    rows = tuple((f"9114{i:014d}", f"=cmd{i}", i) for i in range(50))
    with monkeypatch.context() as m:
        m.setattr(Worksheet, "max_row", property(scan))
        m.setattr(Worksheet, "max_column", property(scan))
        assert append_row(sheet, ["标题"]) == 1
        assert append_row(sheet, ["=1+1", 2]) == 2
        section_sheet(wb.create_sheet("表"), Section("t", "节", "表", ("说明",), (Table("表一", ("代码", "名称", "户次"), rows),),
                                                     bullets=("一条",), alert=True))
    buf = io.BytesIO()
    wb.save(buf)
    back = load_workbook(io.BytesIO(buf.getvalue()))
    assert [[c.value for c in r] for r in back["Sheet"].iter_rows()] == [["标题", None], ["=1+1", 2]]
    body = [[c.value for c in r] for r in back["表"].iter_rows(min_row=6)]
    assert body[0] == ["代码", "名称", "户次"] and body[1:] == [list(r) for r in rows]
    assert all(back["表"].cell(row=7 + i, column=2).data_type == "s" for i in range(50))
    assert back["表"].cell(row=6, column=1).font.b and back["表"].cell(row=7, column=3).border.left.style == "thin"
