"""The one CSV writer: BOM, CRLF, and no cell a spreadsheet would evaluate."""

from decimal import Decimal

from shuangsuiji.files.tables import csv_bytes, inert


def test_dangerous_text_cells_get_an_apostrophe():
    for text in ("=cmd|' /C calc'!A0", "+1", "-1+2", "@SUM(A1)", "\tx", "\rx"):
        assert inert(text) == "'" + text
    for text in ("示例煤矿", "91140428MA0K00001X", "", "a=b"):
        assert inert(text) == text


def test_csv_bytes_writes_bom_crlf_and_inert_cells():
    data = csv_bytes([["名称", "数量"], ["=1+1", 3], [None, Decimal("0.2")]])
    assert data == "\ufeff名称,数量\r\n'=1+1,3\r\n,0.2\r\n".encode("utf-8")
