"""The two registries: encodings, headers, every row error with its line, canonical bytes."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from shuangsuiji.errors import InputErrors
from shuangsuiji.files.tables import header_only_csv, read_table
from shuangsuiji.inputs.entities import entities_csv
from shuangsuiji.inputs.entity_rules import ENTITY_COLUMNS
from shuangsuiji.inputs.inspectors import (
    INSPECTOR_COLUMNS,
    inspectors_csv,
    load_inspectors,
)
from tests.helpers import CATEGORIES, load_entities

REPO = Path(__file__).resolve().parents[2]

ENTITIES = """\
id,name,category,town,status,risk
91140428MA001007XX,长子县示例丹朱第1煤业有限公司,coal_mine,丹朱镇,在营,B
91140428MA0010141R,长子县示例鲍店第2煤业有限公司,煤矿,鲍店镇,停产,
91350100M000100Y43,示例危化经营公司,危险化学品经营,石哲镇,在营,a
91110000600037341L,示例洗（储）煤厂,洗（储）煤,大堡头镇,注销,D
"""

INSPECTORS = """\
id,name,unit,qualifications,status,town,avoid
1404282201001,示例张明,执法大队,,在岗,丹朱镇,
1404282201002,示例李华,危化股,危险化学品经营;hazchem_production,在岗,鲍店镇,91140428MA0010141R；91350100M000100Y43
1404282201003,示例王芳,煤矿股,coal_mine,休假,石哲镇,
"""

ENTITY_IDS = {"91140428MA001007XX", "91140428MA0010141R", "91350100M000100Y43", "91110000600037341L"}


def write(tmp_path: Path, data: bytes | str, name: str = "entities.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def entities_from(tmp_path: Path, data: bytes | str, name: str = "entities.csv"):
    return load_entities(write(tmp_path, data, name), name, CATEGORIES)


def entity_errors(tmp_path: Path, text: str) -> list[str]:
    with pytest.raises(InputErrors) as info:
        entities_from(tmp_path, text)
    return [f"{e.location()}: {e.message}" for e in info.value.items]


# --- a good file ------------------------------------------------------------------------------


def test_entities_load_with_codes_labels_and_lines(tmp_path):
    entities = entities_from(tmp_path, ENTITIES)
    assert [(e.id, e.category, e.status, e.risk, e.line) for e in entities] == [
        ("91140428MA001007XX", "coal_mine", "在营", "B", 2),
        ("91140428MA0010141R", "coal_mine", "停产", "", 3),  # 煤矿 -> coal_mine
        ("91350100M000100Y43", "hazchem_trading", "在营", "A", 4),  # risk upper-cased
        ("91110000600037341L", "coal_washing", "注销", "D", 5),
    ]
    assert [e.active for e in entities] == [True, False, True, False]
    assert all(e.path == "entities.csv" for e in entities)


def test_inspectors_load(tmp_path):
    path = write(tmp_path, INSPECTORS, "inspectors.csv")
    zhang, li, wang = load_inspectors(path, "inspectors.csv", CATEGORIES, ENTITY_IDS)
    assert zhang.qualifications == () and zhang.qualified_for("coal_mine") and zhang.on_duty
    assert li.qualifications == ("hazchem_production", "hazchem_trading")  # labels mapped, sorted
    assert li.avoid == ("91140428MA0010141R", "91350100M000100Y43")  # full-width ； also splits
    assert not li.qualified_for("coal_mine")
    assert not wang.on_duty and wang.line == 4


def test_chinese_headers_in_any_order_and_trimmed_cells(tmp_path):
    text = (
        "状态,统一社会信用代码, 名称 ,类别,乡镇\n"
        "在营, 91140428MA001007XX ,  示例公司 ,煤矿,丹朱镇\n"
    )
    (e,) = entities_from(tmp_path, text)
    assert (e.id, e.name, e.category, e.town, e.status, e.risk) == ("91140428MA001007XX", "示例公司", "coal_mine", "丹朱镇", "在营", "")


def test_uppercase_english_header_accepted(tmp_path):
    (e,) = entities_from(tmp_path, "ID,Name,Category,Town,Status\n91140428MA001007XX,甲,coal_mine,丹朱镇,在营\n")
    assert e.name == "甲"


def test_blank_lines_are_skipped_and_lines_still_counted(tmp_path):
    text = "id,name,category,town,status\n\n91140428MA001007XX,甲,coal_mine,丹朱镇,在营\n,,,,\n91140428MA0010141R,乙,coal_mine,鲍店镇,在营\n"
    assert [e.line for e in entities_from(tmp_path, text)] == [3, 5]


def test_quoted_multiline_cell_keeps_later_line_numbers(tmp_path):
    text = 'id,name,category,town,status\n91140428MA001007XX,"甲\n公司",coal_mine,丹朱镇,在营\n91140428MA0010141R,乙,coal_mine,鲍店镇,营业\n'
    assert entity_errors(tmp_path, text) == ["entities.csv:4: 未知的状态：营业"]


def test_header_only_file_is_an_empty_registry(tmp_path):
    assert entities_from(tmp_path, header_only_csv(ENTITY_COLUMNS)) == []


# --- encodings ------------------------------------------------------------------------------


ENCODINGS = {
    "utf-8": lambda t: t.encode("utf-8"),
    "utf-8 with BOM": lambda t: codecs.BOM_UTF8 + t.encode("utf-8"),
    "gbk": lambda t: t.encode("gbk"),
    "gb18030": lambda t: t.encode("gb18030"),
    "utf-16 with BOM": lambda t: t.encode("utf-16"),
    "utf-16-be with BOM": lambda t: codecs.BOM_UTF16_BE + t.encode("utf-16-be"),
    "gbk with CRLF": lambda t: t.replace("\n", "\r\n").encode("gbk"),
    "utf-8 with CR only": lambda t: t.replace("\n", "\r").encode("utf-8"),
}


@pytest.mark.parametrize("encoding", list(ENCODINGS))
def test_every_encoding_loads_identically(tmp_path, encoding):
    expected = entities_from(tmp_path, ENTITIES, "plain.csv")
    got = entities_from(tmp_path, ENCODINGS[encoding](ENTITIES))
    assert got == expected
    assert [e.line for e in got] == [e.line for e in expected]
    assert got[2].name == "示例危化经营公司"


def test_inspectors_in_gbk(tmp_path):
    path = write(tmp_path, INSPECTORS.encode("gbk"), "inspectors.csv")
    assert load_inspectors(path, "inspectors.csv", CATEGORIES, ENTITY_IDS)[1].name == "示例李华"


@pytest.mark.parametrize("bad", [b"\x80", b"\xff", b"\xff\xfe\xfd"[1:]])
def test_bytes_valid_in_no_encoding_give_a_clear_error(tmp_path, bad):
    data = ENTITIES.encode("utf-8")
    third = data.index(b"91350100")  # the start of line 4
    data = data[:third] + bad + data[third:]
    with pytest.raises(InputErrors) as info:
        entities_from(tmp_path, data)
    (error,) = info.value.items
    assert error.location() == "entities.csv:4"
    assert "文件编码无法识别" in error.message
    assert "CSV UTF-8" in error.hint


def test_broken_utf8_after_a_bom_is_refused(tmp_path):
    with pytest.raises(InputErrors) as info:
        entities_from(tmp_path, codecs.BOM_UTF8 + ENTITIES.encode("gbk"))
    assert "文件编码无法识别" in info.value.items[0].message


def test_missing_file(tmp_path):
    with pytest.raises(InputErrors) as info:
        load_entities(tmp_path / "nope.csv", "data/nope.csv", CATEGORIES)
    assert info.value.items[0].render().startswith("data/nope.csv: 文件不存在")


# --- canonical bytes --------------------------------------------------------------------------


def test_shipped_entities_round_trip_byte_for_byte():
    path = REPO / "data" / "entities.csv"
    entities = load_entities(path, "data/entities.csv", CATEGORIES)
    assert len(entities) == 133
    assert entities_csv(entities) == path.read_bytes()


def shipped_entity_ids() -> set[str]:
    return {e.id for e in load_entities(REPO / "data" / "entities.csv", "data/entities.csv", CATEGORIES)}


def test_shipped_inspectors_round_trip_byte_for_byte():
    path = REPO / "data" / "inspectors.csv"
    inspectors = load_inspectors(path, "data/inspectors.csv", CATEGORIES, shipped_entity_ids())
    assert len(inspectors) == 14
    assert inspectors_csv(inspectors) == path.read_bytes()


def test_canonical_inspectors_round_trip_byte_for_byte(tmp_path):
    shipped = REPO / "data" / "inspectors.csv"
    canonical = inspectors_csv(load_inspectors(shipped, "data/inspectors.csv", CATEGORIES, shipped_entity_ids()))
    path = write(tmp_path, canonical, "inspectors.csv")
    assert inspectors_csv(load_inspectors(path, "inspectors.csv", CATEGORIES, shipped_entity_ids())) == canonical
    # the shipped file differs from its canonical form only in the order of two qualifications cells
    pairs = list(zip(shipped.read_bytes().split(b"\r\n"), canonical.split(b"\r\n"), strict=True))
    assert [n for n, (a, b) in enumerate(pairs, start=1) if a != b] in ([], [12, 15])


def test_canonical_form_is_bom_crlf_english_codes_sorted(tmp_path):
    data = entities_csv(entities_from(tmp_path, ENTITIES.encode("gbk")))
    assert data.startswith(codecs.BOM_UTF8 + b"id,name,category,town,status,risk\r\n")
    lines = data[3:].decode("utf-8").split("\r\n")
    assert lines[-1] == ""
    ids = [line.split(",")[0] for line in lines[1:-1]]
    assert ids == sorted(ENTITY_IDS)
    assert "91140428MA0010141R,长子县示例鲍店第2煤业有限公司,coal_mine,鲍店镇,停产," in lines
    # writing what was written and read back is a fixed point
    assert entities_csv(entities_from(tmp_path, data, "again.csv")) == data


def test_header_only_csv():
    assert header_only_csv(INSPECTOR_COLUMNS) == codecs.BOM_UTF8 + b"id,name,unit,qualifications,status,town,avoid\r\n"


# --- errors, every one with its line ----------------------------------------------------------


def test_missing_column(tmp_path):
    text = "id,name,category,status\n91140428MA001007XX,甲,coal_mine,在营\n"
    assert entity_errors(tmp_path, text) == ["entities.csv:1: 缺少列：town（乡镇）"]


def test_unknown_column(tmp_path):
    text = "id,name,category,town,status,legal_person\n91140428MA001007XX,甲,coal_mine,丹朱镇,在营,张三\n"
    assert entity_errors(tmp_path, text) == ["entities.csv:1: 未知的列：legal_person"]


def test_duplicate_column(tmp_path):
    text = "id,name,category,town,status,名称\n"
    assert entity_errors(tmp_path, text) == ["entities.csv:1: 列 name（名称）重复出现"]


def test_no_header(tmp_path):
    assert entity_errors(tmp_path, "\n\n") == ["entities.csv:1: 文件中没有表头"]


@pytest.mark.parametrize(
    "row, message",
    [
        ("91140428MA001007XX,,coal_mine,丹朱镇,在营", "name（名称）为空"),
        (",甲,coal_mine,丹朱镇,在营", "id（统一社会信用代码）为空"),
        ("91140428MA001007X,甲,coal_mine,丹朱镇,在营", "统一社会信用代码应为 18 位，实为 17 位：91140428MA001007X"),
        ("91140428ma001007xx,甲,coal_mine,丹朱镇,在营", "统一社会信用代码含有不允许的字符：a、m、x"),
        ("91140428MA00I007XX,甲,coal_mine,丹朱镇,在营", "统一社会信用代码含有不允许的字符：I"),
        ("91140428MA001007X0,甲,coal_mine,丹朱镇,在营", "统一社会信用代码校验位应为 X，实为 0：91140428MA001007X0"),
        ("91140428MA001007XX,甲,gas_station,丹朱镇,在营", "未知的类别：gas_station"),
        ("91140428MA001007XX,甲,coal_mine,丹朱镇,营业", "未知的状态：营业"),
        ("91140428MA001007XX,甲,coal_mine,丹朱镇,在营,E", "风险等级 E 无法识别"),
        ("91140428MA001007XX,甲,coal_mine,丹朱镇,在营,B,多余", "本行有 7 个字段，多于表头的 6 列"),
    ],
)
def test_bad_entity_row(tmp_path, row, message):
    text = "id,name,category,town,status,risk\n91140428MA0010141R,乙,coal_mine,鲍店镇,在营,\n" + row + "\n"
    assert entity_errors(tmp_path, text) == [f"entities.csv:3: {message}"]


def test_duplicate_id_names_the_first_line(tmp_path):
    text = ENTITIES + "91140428MA0010141R,重复的公司,coal_mine,鲍店镇,在营,\n"
    assert entity_errors(tmp_path, text) == ["entities.csv:6: 统一社会信用代码 91140428MA0010141R 重复（第 3 行已有）"]


def test_every_bad_row_is_reported_together(tmp_path):
    text = (
        "id,name,category,town,status,risk\n"
        "91140428MA001007XX,甲,coal_mine,丹朱镇,在营,\n"
        "91140428MA001007X,乙,coal_mine,鲍店镇,在营,\n"
        "91140428MA0010213J,丙,coal_mine,石哲镇,在营,\n"
        "91140428MA0010280G,丁,金矿,大堡头镇,在营,\n"
        "91350100M000100Y43,戊,coal_mine,石哲镇,营业,\n"
    )
    assert entity_errors(tmp_path, text) == [
        "entities.csv:3: 统一社会信用代码应为 18 位，实为 17 位：91140428MA001007X",
        "entities.csv:5: 未知的类别：金矿",
        "entities.csv:6: 未知的状态：营业",
    ]


def test_every_row_error_has_a_hint(tmp_path):
    text = "id,name,category,town,status\n,甲,coal_mine,丹朱镇,在营\n91140428MA001007X0,甲,coal_mine,丹朱镇,在营\n"
    with pytest.raises(InputErrors) as info:
        entities_from(tmp_path, text)
    assert len(info.value.items) == 2 and all(e.hint for e in info.value.items)


def inspector_errors(tmp_path: Path, text: str, ids=ENTITY_IDS) -> list[str]:
    path = write(tmp_path, text, "inspectors.csv")
    with pytest.raises(InputErrors) as info:
        load_inspectors(path, "inspectors.csv", CATEGORIES, ids)
    return [f"{e.location()}: {e.message}" for e in info.value.items]


def test_inspector_errors_all_reported(tmp_path):
    text = (
        "id,name,unit,qualifications,status,town,avoid\n"
        "1404282201001,甲,执法大队,金矿,在岗,丹朱镇,\n"
        "1404282201002,乙,执法大队,,上班,丹朱镇,\n"
        "1404282201003,丙,执法大队,,在岗,丹朱镇,91140428MA0010280G\n"
        "1404282201001,丁,执法大队,,在岗,丹朱镇,\n"
        "证号1,戊,执法大队,,在岗,丹朱镇,\n"
        "1404282201006,,执法大队,,在岗,丹朱镇,\n"
    )
    assert inspector_errors(tmp_path, text) == [
        "inspectors.csv:2: qualifications（可检查类别）中有未知类别：金矿",
        "inspectors.csv:3: 未知的状态：上班",
        "inspectors.csv:4: avoid（回避企业）中的 91140428MA0010280G 不在检查对象名录库中",
        "inspectors.csv:5: 执法证号 1404282201001 重复（第 2 行已有）",
        "inspectors.csv:6: 执法证号 证号1 不合规",
        "inspectors.csv:7: name（姓名）为空",
    ]


def test_avoid_check_is_skipped_when_entity_ids_are_unknown(tmp_path):
    path = write(tmp_path, INSPECTORS.replace("91350100M000100Y43", "91140428MA0010280G"), "inspectors.csv")
    assert len(load_inspectors(path, "inspectors.csv", CATEGORIES, None)) == 3


# --- XLSX -------------------------------------------------------------------------------------


def test_xlsx_with_chinese_headers(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["执法证号", "姓名", "股室", "可检查类别", "状态", "家乡乡镇", "回避企业"])
    sheet.append(["1404282201001", "示例张明", "执法大队", None, "在岗", "丹朱镇", None])
    sheet.append(["1404282201002", "示例李华", "危化股", "危险化学品经营", "在岗", "鲍店镇", "91140428MA0010141R"])
    path = tmp_path / "人员.xlsx"
    book.save(path)
    table = read_table(path, "人员.xlsx", INSPECTOR_COLUMNS)
    assert [line for line, _ in table.rows] == [2, 3]
    a, b = load_inspectors(path, "人员.xlsx", CATEGORIES, ENTITY_IDS)
    assert (a.id, a.qualifications, a.avoid) == ("1404282201001", (), ())
    assert (b.id, b.qualifications, b.avoid) == ("1404282201002", ("hazchem_trading",), ("91140428MA0010141R",))


def test_xlsx_number_cells_in_id_columns_are_refused(tmp_path):
    """Issue 9 item 6: Excel keeps 15 significant digits, so a number in an id column may be rounded."""
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["执法证号", "姓名", "股室", "可检查类别", "状态", "家乡乡镇", "回避企业"])
    sheet.append([1.40428e12, "示例张明", "执法大队", None, "在岗", "丹朱镇", None])  # 1.40428E+12, rounded
    sheet.append([1404282201002, "示例李华", "危化股", None, "在岗", "鲍店镇", None])
    path = tmp_path / "人员.xlsx"
    book.save(path)
    with pytest.raises(InputErrors) as info:
        load_inspectors(path, "人员.xlsx", CATEGORIES, ENTITY_IDS)
    assert [(e.location(), e.message) for e in info.value.items] == [
        ("人员.xlsx:2", "执法证号 1404280000000 在 Excel 中是数字单元格，不是文本，可能已被 Excel 改动"),
        ("人员.xlsx:3", "执法证号 1404282201002 在 Excel 中是数字单元格，不是文本，可能已被 Excel 改动"),
    ]
    assert "15 位有效数字" in info.value.items[0].hint
    book = openpyxl.Workbook()
    book.active.append(["统一社会信用代码", "名称", "类别", "乡镇", "状态"])
    book.active.append([911404281234567000, "甲", "煤矿", "丹朱镇", "在营"])
    book.save(path)
    with pytest.raises(InputErrors) as info:
        load_entities(path, "名录.xlsx", CATEGORIES)
    assert [e.location() for e in info.value.items] == ["名录.xlsx:2"]
    assert "数字单元格" in info.value.items[0].message


def test_xlsx_row_errors_carry_sheet_row_numbers(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["统一社会信用代码", "名称", "类别", "乡镇", "状态"])
    sheet.append(["91140428MA001007XX", "甲", "煤矿", "丹朱镇", "在营"])
    sheet.append(["91140428MA001007X0", "乙", "煤矿", "丹朱镇", "在营"])
    path = tmp_path / "名录.xlsx"
    book.save(path)
    with pytest.raises(InputErrors) as info:
        load_entities(path, "名录.xlsx", CATEGORIES)
    assert [e.location() for e in info.value.items] == ["名录.xlsx:3"]


def test_damaged_xlsx_is_a_clear_error(tmp_path):
    path = write(tmp_path, b"PK\x03\x04 not really a workbook", "坏.xlsx")
    with pytest.raises(InputErrors) as info:
        read_table(path, "坏.xlsx", ENTITY_COLUMNS)
    assert info.value.items[0].message.startswith("无法读取 Excel 文件")
