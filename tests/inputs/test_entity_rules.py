"""The entity rules, written once: each rule directly, and the same spoiled registries through
``ssj check``, ``ssj draw --dry-run`` and ``ssj import`` giving the very same errors."""

from __future__ import annotations

import codecs

import pytest

from shuangsuiji.errors import InputError
from shuangsuiji.files.tables import NumericCell
from shuangsuiji.inputs.entity_rules import EntityRules, id_cell_problem
from tests.helpers import CATEGORIES, REPO, tree_digest

HEADER = "id,name,category,town,status,risk\r\n"
GOOD = "91140428MA001007XX,长子县示例丹朱第1煤业有限公司,coal_mine,丹朱镇,在营,B\r\n"


def shipped_body() -> str:
    return (REPO / "data" / "entities.csv").read_bytes().decode("utf-8-sig").split("\r\n", 1)[1]


SPOILED = {
    "check character": lambda b: b.replace("91140428MA001007XX", "91140428MA001007X0", 1),
    "duplicate": lambda b: b + GOOD,
    "category": lambda b: b.replace(",coal_mine,", ",金矿,", 1),
    "status": lambda b: b.replace(",在营,", ",营业,", 1),
    "risk": lambda b: b.replace(",在营,B", ",在营,E", 1),
    "empty cells": lambda b: b.replace("长子县示例丹朱第1煤业有限公司,coal_mine,丹朱镇", " ,coal_mine,", 1),
    "excel notation": lambda b: b.replace("91140428MA001007XX", "9.11404E+17", 1),
    "too many fields": lambda b: b.replace(",在营,B\r\n", ",在营,B,多余\r\n", 1),
    "quoted over lines": lambda b: b.replace("长子县示例丹朱第1煤业有限公司", '"长子县\r\n示例"', 1) + GOOD,
    "oversized field": lambda b: b + '"' + "长" * 140_000 + '",coal_mine,丹朱镇,在营,\r\n',
    "several": lambda b: SPOILED["status"](SPOILED["category"](SPOILED["duplicate"](b))),
}


def error_lines(stderr: str, source: str) -> list[str]:
    """The rendered errors (location lines and hints), with the import's source named as the registry."""
    lines = [line for line in stderr.splitlines() if not line.startswith("共 ")]
    return [line.replace(source, "data/entities.csv") for line in lines if line.strip()]


@pytest.mark.parametrize("spoil", sorted(SPOILED))
def test_check_draw_and_import_give_identical_errors(ssj, ws, tmp_path, spoil):
    data = codecs.BOM_UTF8 + (HEADER + SPOILED[spoil](shipped_body())).encode("utf-8")
    (ws / "data" / "entities.csv").write_bytes(data)
    before = tree_digest(ws)
    check = ssj("check")
    draw = ssj("draw", "--task", "hazchem", "--seed", "s", "--today", "2022-04-06", "--dry-run")
    source = tmp_path / "spoiled.csv"
    source.write_bytes(data)
    imported = ssj("import", "entities", str(source), "--yes")
    assert (check.exit_code, draw.exit_code, imported.exit_code) == (2, 2, 2)
    expected = error_lines(check.stderr, "data/entities.csv")
    assert expected and all(line.startswith(("data/entities.csv:", "  提示")) for line in expected), check.stderr
    assert error_lines(draw.stderr, "data/entities.csv") == expected
    assert error_lines(imported.stderr, source.as_posix()) == expected
    assert tree_digest(ws) == before


def test_a_field_over_the_csv_limit_is_an_input_error(ssj, ws):
    """Issue 9 item 2: never a _csv.Error traceback."""
    path = ws / "data" / "entities.csv"
    path.write_bytes(path.read_bytes() + ('"' + "长" * 140_000 + '",coal_mine,丹朱镇,在营,\r\n').encode("utf-8"))
    res = ssj("check")
    assert res.exit_code == 2 and "Traceback" not in res.output
    assert "data/entities.csv:135: 从这一行起有一个单元格超过 131072 个字符" in res.stderr
    path.write_bytes(path.read_bytes().replace(b'"', b""))  # unquoted: the bulk path meets it
    res = ssj("check")
    assert res.exit_code == 2 and "data/entities.csv:135: 从这一行起有一个单元格超过 131072 个字符" in res.stderr


RULES = EntityRules("e.csv", CATEGORIES)


def test_kind_rule_resolves_labels_and_names_the_first_problem():
    assert RULES.kind("煤矿", "丹朱镇", "在营", "b") == ("coal_mine", "丹朱镇", "在营", "B")
    assert RULES.kind("coal_mine", "丹朱镇", "存续", "") == ("coal_mine", "丹朱镇", "在营", "")
    assert RULES.kind("金矿", "丹朱镇", "营业", "E")[0] == "未知的类别：金矿"
    message, hint = RULES.kind("煤矿", "丹朱镇", "营业", "")
    assert message == "未知的状态：营业" and "存续（按在营）" in hint and "注销" in hint
    assert RULES.kind("煤矿", "丹朱镇", "在营", "E")[0] == "风险等级 E 无法识别"


def test_row_rule_order_and_duplicates():
    first: dict[str, int] = {}
    row = {"id": "91140428MA001007XX", "name": "甲", "category": "煤矿", "town": "丹朱镇", "status": "在营", "risk": ""}
    assert RULES.row(2, row, first).category == "coal_mine" and first == {"91140428MA001007XX": 2}
    assert RULES.row(3, row, first) == [InputError("e.csv", 3, "统一社会信用代码 91140428MA001007XX 重复（第 2 行已有）",
                                                   "同一企业只应登记一行，请删除或合并重复行")]
    empty = RULES.row(4, dict(row, name="", town=""), first)
    assert [e.message for e in empty] == ["name（名称）为空", "town（乡镇）为空"]


def test_number_cells_and_scientific_notation_are_not_ids():
    assert "数字单元格" in id_cell_problem(NumericCell("1404280000000"), "执法证号")[0]
    assert "科学计数法" in id_cell_problem("1.40428E+12", "执法证号")[0]
    assert id_cell_problem("1404280000000", "执法证号") is None


def test_status_alias_is_stored_as_its_status(ssj, ws, tmp_path):
    path = ws / "data" / "entities.csv"
    path.write_bytes(path.read_bytes().replace(",在营,".encode(), ",存续,".encode()))
    res = ssj("check", "--json")
    assert res.exit_code == 0, res.output
