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


def test_dates_and_times_in_chinese():
    assert chinese_date("2022-04-06") == "2022年4月6日"
    assert chinese_datetime("2022-04-06T09:05:03+08:00") == "2022年4月6日 9时05分03秒"
