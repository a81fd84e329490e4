"""Files that are not what they seem (issue 9 items 7, 11, 24): each a clear input error, exit 2,
nothing written; files ssj writes get the permissions a normal file gets."""

from __future__ import annotations

import codecs
import io
import os
import stat
import sys
import zipfile
from pathlib import Path

import pytest

from tests.helpers import tree_digest

ENTITY_HEADER_ZH = ["统一社会信用代码", "名称", "类别", "乡镇", "状态", "风险等级"]


def refused(ssj, ws: Path, *args: str) -> str:
    before = tree_digest(ws)
    res = ssj(*args)
    assert res.exit_code == 2, res.output
    assert "Traceback" not in res.output
    assert tree_digest(ws) == before
    return res.stderr


def shipped_rows(ws: Path) -> list[list[str]]:
    text = (ws / "data" / "entities.csv").read_bytes().decode("utf-8-sig")
    return [line.split(",") for line in text.splitlines()]


def test_old_xls_names_the_fix(ssj, ws, tmp_path):
    src = tmp_path / "名录库.xls"
    src.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512)
    err = refused(ssj, ws, "import", "entities", str(src))
    assert "不支持旧版 Excel（.xls）文件" in err and "请在 Excel/WPS 中另存为 .xlsx 或 CSV" in err


def test_xlsx_whose_first_sheet_is_instructions_reads_the_sheet_with_the_header(ssj, ws, tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    original = (ws / "data" / "entities.csv").read_bytes()
    book = openpyxl.Workbook()
    book.active.title = "填表说明"
    book.active.append(["请按下表填写，代码列设为文本格式"])
    sheet = book.create_sheet("名录")
    rows = shipped_rows(ws)
    sheet.append(ENTITY_HEADER_ZH)
    for row in rows[1:]:
        sheet.append(row)
    src = tmp_path / "名录库.xlsx"
    book.save(src)
    res = ssj("import", "entities", str(src))
    assert res.exit_code == 0, res.output
    assert f"（读取的是 {src.as_posix()}（工作表“名录”））" in res.stdout
    assert (ws / "data" / "entities.csv").read_bytes() == original
    sheet.cell(row=3, column=5, value="营业")
    book.save(src)
    err = refused(ssj, ws, "import", "entities", str(src))
    assert f"{src.as_posix()}（工作表“名录”）:3: 未知的状态：营业" in err


def test_excel_unicode_text_utf16_tab_separated_is_read(ssj, ws, tmp_path):
    original = (ws / "data" / "entities.csv").read_bytes()
    rows = shipped_rows(ws)
    text = "\r\n".join("\t".join(r) for r in [ENTITY_HEADER_ZH, *rows[1:]]) + "\r\n"
    src = tmp_path / "名录库.txt"
    src.write_bytes(codecs.BOM_UTF16_LE + text.encode("utf-16-le"))
    res = ssj("import", "entities", str(src))
    assert res.exit_code == 0, res.output
    assert "新增 0，删除 0，修改 0，未变 133" in res.stdout
    assert (ws / "data" / "entities.csv").read_bytes() == original


def test_unknown_column_hint_names_chinese_names_too(ssj, ws, tmp_path):
    src = tmp_path / "名录库.csv"
    src.write_bytes("统一社会信用代码,企业名字,类别,乡镇,状态\r\n".encode("gbk"))
    err = refused(ssj, ws, "import", "entities", str(src))
    assert "未知的列：企业名字" in err and "name（名称）" in err and "英文名或中文名均可" in err


def xlsx_bytes(rows: list[list[str]]) -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def test_chartsheet_only_workbook(ssj, ws, tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    book.create_chartsheet("图表")
    book.remove(book.active)
    src = tmp_path / "图表.xlsx"
    book.save(src)
    err = refused(ssj, ws, "import", "entities", str(src))
    assert "工作簿中没有工作表（只有图表）" in err


def test_workbook_with_a_dtd(ssj, ws, tmp_path):
    pytest.importorskip("openpyxl")
    data = xlsx_bytes([ENTITY_HEADER_ZH, shipped_rows(ws)[1]])
    src = tmp_path / "dtd.xlsx"
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(src, "w") as zout:
        for item in zin.infolist():
            body = zin.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                at = body.index(b"<worksheet")
                body = body[:at] + b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>' + body[at:]
            zout.writestr(item, body)
    err = refused(ssj, ws, "import", "entities", str(src))
    assert "xl/worksheets/sheet1.xml 含有 DTD 声明" in err


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")
def test_fifo_and_devices_are_not_read(ssj, ws, tmp_path):
    fifo = tmp_path / "名录.csv"
    os.mkfifo(fifo)
    err = refused(ssj, ws, "import", "entities", str(fifo))
    assert "这不是普通文件，而是设备或管道" in err
    (ws / "data" / "entities.csv").unlink()
    os.mkfifo(ws / "data" / "entities.csv")
    assert "data/entities.csv: 这不是普通文件" in refused(ssj, ws, "check")
    batch = tmp_path / "结果.csv"
    os.mkfifo(batch)
    err = refused(ssj, ws, "record", "--task", "hazchem", "--from", str(batch))
    assert "这不是普通文件" in err


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
def test_dev_zero_as_a_registry(ssj, ws):
    assert "这不是普通文件，而是设备或管道" in refused(ssj, ws, "import", "entities", "/dev/zero")


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
def test_written_files_get_the_umask_permissions(ssj, ws, tmp_path):
    """Issue 9 item 7: not the 0600 of mkstemp."""
    old = os.umask(0o022)
    try:
        out = tmp_path / "名录.xlsx"
        assert ssj("export", "entities", str(out)).exit_code == 0
        assert stat.S_IMODE(out.stat().st_mode) == 0o644
        registry = ws / "data" / "entities.csv"
        registry.chmod(0o664)
        assert ssj("import", "entities", str(out)).exit_code == 0
        assert stat.S_IMODE(registry.stat().st_mode) == 0o664  # the mode of the file replaced
        os.umask(0o077)
        private = tmp_path / "私.xlsx"
        assert ssj("export", "entities", str(private)).exit_code == 0
        assert stat.S_IMODE(private.stat().st_mode) == 0o600
    finally:
        os.umask(old)


def test_plan_with_a_full_width_colon_through_check(ssj, ws):
    plan = ws / "plans" / "2022.yaml"
    lines = plan.read_text(encoding="utf-8").splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if line.startswith("title:"))
    lines[at] = lines[at].replace("title:", "title：", 1)
    plan.write_text("".join(lines), encoding="utf-8")
    err = refused(ssj, ws, "check")
    assert "YAML 语法错误（第" in err and "could not" not in err
    assert f"提示：第 {at + 1} 行用了全角冒号“：”，请改为半角冒号“:”" in err


def test_calendar_with_an_alias_bomb_or_deep_nesting_through_check(ssj, ws):
    (ws / "calendar").mkdir()
    bomb = ws / "calendar" / "2022.yaml"
    bomb.write_text("a: &a [x, x]\nb: &b [*a, *a]\n? *b\n: 1\n", encoding="utf-8")
    assert "calendar/2022.yaml:1: YAML 语法错误（第 1 行第 4 列）：不支持锚点和别名（& 和 *）" in refused(ssj, ws, "check")
    bomb.write_text("year: " + "[" * 1000 + "]" * 1000 + "\n", encoding="utf-8")
    assert "嵌套超过 32 层" in refused(ssj, ws, "check")


def test_plan_for_year_9999_is_refused_before_any_deadline_overflows(ssj, ws):
    plan = (ws / "plans" / "2022.yaml").read_text(encoding="utf-8")
    (ws / "plans" / "9999.yaml").write_text(plan.replace("2022", "9999"), encoding="utf-8")
    assert "plans/9999.yaml:6: 计划年度 9999 不合理" in refused(ssj, ws, "check", "--year", "9999")
    err = refused(ssj, ws, "draw", "--task", "hazchem", "--year", "9999", "--seed", "s", "--today", "2200-04-06")
    assert "计划年度 9999 不合理" in err


def test_dates_far_in_the_future_are_refused(ssj, ws):
    from tests.helpers import draw

    rec = draw(ssj)
    err = refused(ssj, ws, "record", "--task", "hazchem", "--entity", rec["picks"][0]["entity"], "--date", "9999-12-31",
                  "--result", "no_problem", "--today", "9999-12-31")
    assert "--today 的日期 9999-12-31 无法识别：年份 9999 不合理（应在 1900 到 2200 之间）" in err


def test_a_file_of_bad_rows_prints_a_bounded_number_of_errors(ssj, ws):
    rows = "".join(f"BAD{n},甲,coal_mine,丹朱镇,在营\r\n" for n in range(500))
    (ws / "data" / "entities.csv").write_bytes(("\ufeffid,name,category,town,status\r\n" + rows).encode("utf-8"))
    err = refused(ssj, ws, "check")
    assert err.count("统一社会信用代码应为 18 位") == 200
    import json
    import re

    total = len(json.loads(ssj("check", "--json").stdout)["errors"])  # --json carries every one
    assert total >= 500  # and the inspectors' avoid lists now name unknown entities
    assert f"……另有 {total - 200} 处错误未列出（共 {total} 处）" in err
    assert len(re.findall(r"^data/", err, re.M)) == 200


def test_import_refuses_number_cells_in_id_columns(ssj, ws, tmp_path):
    """Issue 9 item 6: 1.40428E+12 stored as a number is refused as the CSV path refuses its text."""
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    book.active.append(["执法证号", "姓名", "股室", "可检查类别", "状态", "家乡乡镇", "回避企业"])
    book.active.append([1.40428e12, "示例张明", "执法大队", None, "在岗", "丹朱镇", None])
    book.active.append(["1404282201002", "示例李华", "危化股", None, "在岗", "鲍店镇", None])
    src = tmp_path / "人员.xlsx"
    book.save(src)
    err = refused(ssj, ws, "import", "inspectors", str(src))
    assert f"{src.as_posix()}:2: 执法证号 1404280000000 在 Excel 中是数字单元格，不是文本，可能已被 Excel 改动" in err
    assert "15 位有效数字" in err and ":3:" not in err
