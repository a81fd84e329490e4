"""`ssj check`, `ssj plan`, `ssj init`, `ssj import` and the workspace options, through the CLI.

Every bad-input case asserts exit code 2, the exact ``path:line: message``, no traceback,
and that no file in the workspace changed.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from shuangsuiji import __version__
from shuangsuiji.cli import app
from shuangsuiji.files.tables import header_only_csv
from shuangsuiji.inputs.entity_rules import ENTITY_COLUMNS
from shuangsuiji.inputs.inspectors import INSPECTOR_COLUMNS
from tests.helpers import Ssj, tree_digest

LABELS = {
    "coal_mine": "煤矿",
    "coal_washing": "洗（储）煤",
    "hazchem_production": "危险化学品生产",
    "hazchem_trading": "危险化学品经营",
    "industry_trade": "工贸",
}

# Rows of the shipped data/entities.csv used below (line numbers in that file).
LINE2 = "91140428MA001007XX,长子县示例丹朱第1煤业有限公司,coal_mine,丹朱镇,在营,B"
LINE5 = "91140428MA0010280G,长子县示例大堡头第4煤业有限公司,coal_mine,大堡头镇,在营,C"


# --- helpers ----------------------------------------------------------------------------------


def invoke(args: list[str], env: dict[str, str | None] | None = None):
    return CliRunner().invoke(app, args, env=env, catch_exceptions=False)


def edit(ws: Path, rel: str, old: str, new: str, count: int = 1) -> None:
    """Replace text in a workspace file, keeping its BOM and line ends."""
    path = ws / rel
    text = path.read_bytes().decode("utf-8")
    assert text.count(old) >= 1, f"{old!r} not in {rel}"
    path.write_bytes(text.replace(old, new, count).encode("utf-8"))


def line_of(ws: Path, rel: str, needle: str) -> int:
    """1-based number of the only line of a workspace file containing ``needle``."""
    lines = [n for n, line in enumerate((ws / rel).read_text(encoding="utf-8-sig").splitlines(), start=1) if needle in line]
    assert len(lines) == 1, (needle, lines)
    return lines[0]


def assert_refused(ssj: Ssj, ws: Path, *expected: str, args: tuple[str, ...] = ("check",)) -> str:
    """Run a command that must fail with exit 2 and leave every file alone; return stderr."""
    before = tree_digest(ws)
    res = ssj(*args)
    assert res.exit_code == 2, res.output
    assert "Traceback" not in res.output
    for text in expected:
        assert text in res.stderr, f"{text!r} not in:\n{res.stderr}"
    assert tree_digest(ws) == before
    return res.stderr


def check_json(ssj: Ssj) -> dict:
    res = ssj("check", "--json")
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout)


def shipped_rows(ws: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO((ws / "data" / "entities.csv").read_text(encoding="utf-8-sig"))))


def chinese_entity_rows(rows: list[dict[str, str]]) -> list[list[str]]:
    """Rows as a clerk's spreadsheet has them: Chinese headers and category labels, reverse order."""
    out = [["统一社会信用代码", "名称", "类别", "乡镇", "状态", "风险等级"]]
    for r in reversed(rows):
        out.append([r["id"], r["name"], LABELS[r["category"]], r["town"], r["status"], r["risk"]])
    return out


def write_xlsx(path: Path, rows: list[list[str]]) -> Path:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append([v if v != "" else None for v in row])
    book.save(path)
    return path


def write_csv(path: Path, rows: list[list[str]], encoding: str) -> Path:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(rows)
    path.write_bytes(buf.getvalue().encode(encoding))
    return path


# --- ssj check on the shipped workspace ------------------------------------------------------


def test_check_json_on_the_shipped_workspace(ssj):
    out = check_json(ssj)
    assert out["ok"] is True and out["errors"] == []
    assert out["entities"]["total"] == 133
    assert out["entities"]["by_category"] == {
        "coal_mine": 6,
        "coal_washing": 31,
        "hazchem_production": 2,
        "hazchem_trading": 39,
        "industry_trade": 55,
    }
    assert out["inspectors"]["total"] == 14
    assert {t["id"]: t["draw_count"] for t in out["tasks"]} == {"coal": 6, "hazchem": 9, "industry": 6, "coalwash": 4}
    assert {t["id"]: t["scope"] for t in out["tasks"]} == {"coal": 6, "hazchem": 41, "industry": 55, "coalwash": 31}
    assert [t["ratio"] for t in out["tasks"]] == ["1", "0.2", "0.1", "0.1"]


def test_check_human_output(ssj):
    res = ssj("check")
    assert res.exit_code == 0, res.output
    assert "共 133 家" in res.stdout
    assert "检查通过" in res.stdout
    assert res.stderr == ""


def test_check_writes_nothing(ssj, ws):
    before = tree_digest(ws)
    ssj("check")
    assert tree_digest(ws) == before


def test_check_json_with_errors_lists_them(ssj, ws):
    edit(ws, "data/entities.csv", LINE5, LINE5.replace(",在营,", ",营业,"))
    res = ssj("check", "--json")
    assert res.exit_code == 2
    out = json.loads(res.stdout)
    assert out["ok"] is False
    assert out["errors"] == [
        {"path": "data/entities.csv", "line": 5, "message": "未知的状态：营业", "hint": out["errors"][0]["hint"]}
    ]
    assert out["errors"][0]["hint"].startswith("可用状态：")


# --- bad registries ---------------------------------------------------------------------------


def test_missing_column(ssj, ws):
    edit(ws, "data/entities.csv", "id,name,category,town,status,risk", "id,name,category,status,risk")
    assert_refused(ssj, ws, "data/entities.csv:1: 缺少列：town（乡镇）")


def test_unknown_column(ssj, ws):
    edit(ws, "data/entities.csv", "status,risk\r\n", "status,grade\r\n")
    assert_refused(ssj, ws, "data/entities.csv:1: 未知的列：grade")


def test_empty_required_field(ssj, ws):
    edit(ws, "data/entities.csv", LINE5, LINE5.replace("长子县示例大堡头第4煤业有限公司", ""))
    assert_refused(ssj, ws, "data/entities.csv:5: name（名称）为空")


def test_duplicate_entity_id(ssj, ws):
    with (ws / "data" / "entities.csv").open("ab") as fh:
        fh.write((LINE2.replace("丹朱第1", "重复") + "\r\n").encode("utf-8"))
    assert_refused(ssj, ws, "data/entities.csv:135: 统一社会信用代码 91140428MA001007XX 重复（第 2 行已有）")


@pytest.mark.parametrize(
    "bad_id, message",
    [
        ("91140428MA0010280", "统一社会信用代码应为 18 位，实为 17 位：91140428MA0010280"),
        ("91140428MA0010280GG", "统一社会信用代码应为 18 位，实为 19 位：91140428MA0010280GG"),
        ("91140428ma0010280g", "统一社会信用代码含有不允许的字符：a、g、m"),
        ("91140428MA00I0280G", "统一社会信用代码含有不允许的字符：I"),
        ("91140428MA0010280H", "统一社会信用代码校验位应为 G，实为 H：91140428MA0010280H"),
    ],
)
def test_bad_uscc(ssj, ws, bad_id, message):
    edit(ws, "data/entities.csv", LINE5, LINE5.replace("91140428MA0010280G", bad_id))
    stderr = assert_refused(ssj, ws, f"data/entities.csv:5: {message}\n  提示：")
    assert stderr.count("data/") == 1  # one bad row, one message: no knock-on errors elsewhere


def test_unknown_category(ssj, ws):
    edit(ws, "data/entities.csv", LINE5, LINE5.replace("coal_mine", "gold_mine"))
    assert_refused(ssj, ws, "data/entities.csv:5: 未知的类别：gold_mine")


def test_unknown_status(ssj, ws):
    edit(ws, "data/entities.csv", LINE5, LINE5.replace(",在营,", ",营业,"))
    assert_refused(ssj, ws, "data/entities.csv:5: 未知的状态：营业")


def test_avoid_list_naming_an_unknown_entity(ssj, ws):
    edit(ws, "data/inspectors.csv", "示例张明,执法大队,,在岗,丹朱镇,\r\n", "示例张明,执法大队,,在岗,丹朱镇,91350100M000100Y43\r\n")
    assert_refused(ssj, ws, "data/inspectors.csv:2: avoid（回避企业）中的 91350100M000100Y43 不在检查对象名录库中")


def test_three_bad_rows_give_three_messages(ssj, ws):
    line2 = LINE2.replace("91140428MA001007XX", "91140428MA001007X")
    line5 = LINE5.replace("coal_mine", "金矿")
    edit(ws, "data/entities.csv", LINE2, line2)
    edit(ws, "data/entities.csv", LINE5, line5)
    with (ws / "data" / "entities.csv").open("ab") as fh:
        fh.write("91350100M000100Y43,示例新公司,工贸,丹朱镇,开业,\r\n".encode("utf-8"))
    stderr = assert_refused(
        ssj,
        ws,
        "data/entities.csv:2: 统一社会信用代码应为 18 位，实为 17 位",
        "data/entities.csv:5: 未知的类别：金矿",
        "data/entities.csv:135: 未知的状态：开业",
        "共 3 处错误",
    )
    assert [line.split(": ")[0] for line in stderr.splitlines() if line.startswith("data/")] == [
        "data/entities.csv:2",
        "data/entities.csv:5",
        "data/entities.csv:135",
    ]


def test_errors_in_both_registries_are_reported_together(ssj, ws):
    edit(ws, "data/entities.csv", LINE5, LINE5.replace(",在营,", ",营业,"))
    edit(ws, "data/inspectors.csv", "示例张明,执法大队,,在岗,", "示例张明,执法大队,,上班,")
    assert_refused(ssj, ws, "data/entities.csv:5: 未知的状态：营业", "data/inspectors.csv:2: 未知的状态：上班", "共 2 处错误")


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8", "utf-16"])
def test_registry_in_other_encodings_checks_the_same(ssj, ws, encoding):
    path = ws / "data" / "entities.csv"
    path.write_bytes(path.read_text(encoding="utf-8-sig").encode(encoding))
    assert check_json(ssj)["entities"]["total"] == 133


def test_registry_in_no_known_encoding(ssj, ws):
    path = ws / "data" / "entities.csv"
    data = path.read_bytes()
    at = data.index(LINE5.encode("utf-8"))
    path.write_bytes(data[:at] + b"\xff" + data[at:])
    assert_refused(ssj, ws, "data/entities.csv:5: 文件编码无法识别")


# --- bad plans --------------------------------------------------------------------------------

PLAN = "plans/2022.yaml"


def test_yaml_syntax_error_has_line_and_column(ssj, ws):
    edit(ws, PLAN, "  - id: hazchem\n", "  - id: hazchem: x\n")
    line = line_of(ws, PLAN, "id: hazchem: x")
    assert_refused(ssj, ws, f"{PLAN}:{line}: YAML 语法错误（第 {line} 行第 16 列）")


def test_unknown_plan_field(ssj, ws):
    edit(ws, PLAN, "issued: 2022-03-03", "issue_date: 2022-03-03")
    line = line_of(ws, PLAN, "issue_date:")
    assert_refused(ssj, ws, f"{PLAN}:{line}: 计划中有未知字段 issue_date", f"{PLAN}:", "计划缺少字段 issued（印发日期）")


def test_unknown_task_field(ssj, ws):
    edit(ws, PLAN, "    ratio: 20%", "    percent: 20%")
    line = line_of(ws, PLAN, "percent:")
    assert_refused(ssj, ws, f"{PLAN}:{line}: 第 2 个任务中有未知字段 percent")


def test_missing_plan_field(ssj, ws):
    edit(ws, PLAN, "document: 长子应急发〔2022〕23号", "")
    first = line_of(ws, PLAN, "year: 2022")  # the plan mapping starts at its first field
    assert_refused(ssj, ws, f"{PLAN}:{first}: 计划缺少字段 document（文号）")


def test_missing_task_field(ssj, ws):
    edit(ws, PLAN, "    ratio: 20%\n", "")
    line = line_of(ws, PLAN, "- id: hazchem")
    assert_refused(ssj, ws, f"{PLAN}:{line}: 第 2 个任务缺少字段 ratio（抽查比例）")


def test_duplicate_task_ids(ssj, ws):
    first = line_of(ws, PLAN, "- id: hazchem")
    edit(ws, PLAN, "  - id: industry\n", "  - id: hazchem\n")
    second = line_of(ws, PLAN, "name: 2022年冶金工贸企业双随机抽查计划") - 1
    assert_refused(ssj, ws, f"{PLAN}:{second}: 任务代号 hazchem 重复（第 {first} 行已有）")


@pytest.mark.parametrize(("ratio", "why", "hint"), [("20", "无法识别", "单写 20 含义不明"), ("150%", "超过 100%", "0 到 100% 之间")])
def test_ratio_refused(ssj, ws, ratio, why, hint):
    edit(ws, PLAN, "    ratio: 20%", f"    ratio: {ratio}")
    line = line_of(ws, PLAN, f"ratio: {ratio}")
    stderr = assert_refused(ssj, ws, f"{PLAN}:{line}: 抽查比例 {ratio} {why}")
    assert hint in stderr


@pytest.mark.parametrize("ratio", ["0.2", "20%", "20％"])
def test_ratio_accepted(ssj, ws, ratio):
    edit(ws, PLAN, "    ratio: 20%", f"    ratio: {ratio}")
    tasks = {t["id"]: t for t in check_json(ssj)["tasks"]}
    assert tasks["hazchem"]["ratio"] == "0.2" and tasks["hazchem"]["draw_count"] == 9


def test_period_ending_before_it_starts(ssj, ws):
    edit(ws, PLAN, "    end: 2022-06-30", "    end: 2022-03-31")
    line = line_of(ws, PLAN, "end: 2022-03-31")
    assert_refused(ssj, ws, f"{PLAN}:{line}: 结束日期 2022-03-31 早于开始日期 2022-04-01")


def test_period_leaving_the_plan_year(ssj, ws):
    edit(ws, PLAN, "    end: 2022-06-30", "    end: 2023-01-15")
    line = line_of(ws, PLAN, "end: 2023-01-15")
    assert_refused(ssj, ws, f"{PLAN}:{line}: 抽查时间 2022-04-01 至 2023-01-15 超出计划年度 2022")


def test_scope_naming_an_undeclared_category(ssj, ws):
    edit(ws, PLAN, "scope: [coal_washing]", "scope: [coal_washing, gas_station]")
    line = line_of(ws, PLAN, "gas_station")
    assert_refused(ssj, ws, f"{PLAN}:{line}: 抽查类别 gas_station 不在计划的 categories 中")


def test_one_inspector_per_check_refused(ssj, ws):
    edit(ws, PLAN, "    ratio: 10%\n    start: 2022-07-01", "    ratio: 10%\n    inspectors_per_check: 1\n    start: 2022-07-01")
    line = line_of(ws, PLAN, "inspectors_per_check: 1")
    assert_refused(ssj, ws, f"{PLAN}:{line}: 每户执法人员数为 1，少于 2 名")


def test_several_plan_errors_reported_together(ssj, ws):
    edit(ws, PLAN, "    ratio: 20%", "    ratio: 20")
    edit(ws, PLAN, "    end: 2022-09-30", "    end: 2022-06-30")
    edit(ws, PLAN, "scope: [coal_washing]", "scope: [gas_station]")
    ratio = line_of(ws, PLAN, "ratio: 20")
    end = line_of(ws, PLAN, "start: 2022-07-01") + 1
    scope = line_of(ws, PLAN, "gas_station")
    stderr = assert_refused(
        ssj,
        ws,
        f"{PLAN}:{ratio}: 抽查比例 20 无法识别",
        f"{PLAN}:{end}: 结束日期 2022-06-30 早于开始日期 2022-07-01",
        f"{PLAN}:{scope}: 抽查类别 gas_station 不在计划的 categories 中",
        "共 3 处错误",
    )
    assert stderr.count(f"{PLAN}:") == 3


# --- ssj plan ---------------------------------------------------------------------------------


def test_plan_shows_the_annex_table(ws):
    res = invoke(["--root", str(ws), "plan"], env={"COLUMNS": "400"})
    assert res.exit_code == 0, res.output
    for head in ("序号", "抽查任务名称", "抽查类型", "抽查事项", "抽查对象范围", "抽查比例", "抽查时间", "抽查发起部门"):
        assert head in res.stdout
    for name in ("2022年煤矿企业双随机抽查计划", "2022年危险化学品生产经营企业双随机抽查计划", "2022年冶金工贸企业双随机抽查计划", "2022年洗（储）煤厂双随机抽查计划"):
        assert name in res.stdout
    assert "2022年4月至6月" in res.stdout and "2022年全年" in res.stdout
    assert "长子应急发〔2022〕23号" in res.stdout


def test_plan_json(ssj):
    res = ssj("plan", "--json")
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert out["year"] == 2022 and out["document"] == "长子应急发〔2022〕23号"
    rows = {r["id"]: r for r in out["tasks"]}
    assert list(rows) == ["coal", "hazchem", "industry", "coalwash"]
    assert [r["index"] for r in out["tasks"]] == [1, 2, 3, 4]
    assert rows["hazchem"]["period"] == "2022年4月至6月"
    assert rows["coal"]["period"] == "2022年全年"
    assert rows["hazchem"]["ratio"] == "20%" and rows["coal"]["ratio"] == "100%"
    assert rows["hazchem"]["department"] == "长子县应急管理局"


def test_plan_with_an_error_is_refused(ssj, ws):
    edit(ws, PLAN, "    ratio: 20%", "    ratio: 20")
    line = line_of(ws, PLAN, "ratio: 20")
    assert_refused(ssj, ws, f"{PLAN}:{line}: 抽查比例 20 无法识别", args=("plan",))


# --- ssj init ---------------------------------------------------------------------------------


def test_init_creates_a_workspace_that_checks(ssj, tmp_path):
    new = tmp_path / "新工作区"
    res = ssj("init", str(new), "--year", "2023")
    assert res.exit_code == 0, res.output
    assert (new / "plans" / "2023.yaml").is_file()
    assert (new / "data" / "entities.csv").read_bytes() == header_only_csv(ENTITY_COLUMNS)
    assert (new / "data" / "inspectors.csv").read_bytes() == header_only_csv(INSPECTOR_COLUMNS)
    assert (new / "draws").is_dir()
    assert "已创建" in res.stdout and "plans/2023.yaml" in res.stdout

    res = invoke(["--root", str(new), "check", "--json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert out["ok"] is True and out["entities"]["total"] == 0 and out["inspectors"]["total"] == 0
    assert all(t["draw_count"] == 0 for t in out["tasks"])
    assert invoke(["--root", str(new), "check"]).exit_code == 0
    assert invoke(["--root", str(new), "plan"]).exit_code == 0


def test_init_twice_is_refused_and_changes_nothing(ssj, tmp_path):
    new = tmp_path / "ws2023"
    assert ssj("init", str(new), "--year", "2023").exit_code == 0
    (new / "plans" / "2023.yaml").write_text("# 已填写\n", encoding="utf-8")
    before = tree_digest(new)
    res = ssj("init", str(new), "--year", "2023")
    assert res.exit_code == 2
    assert "已存在，不会覆盖" in res.stderr and "Traceback" not in res.output
    assert tree_digest(new) == before


def test_init_another_year_keeps_the_registries(ssj, ws):
    before = {p: (ws / p).read_bytes() for p in ("data/entities.csv", "data/inspectors.csv", "plans/2022.yaml")}
    res = ssj("init", str(ws), "--year", "2023")
    assert res.exit_code == 0, res.output
    assert (ws / "plans" / "2023.yaml").is_file()
    assert {p: (ws / p).read_bytes() for p in before} == before
    assert "data/entities.csv" not in res.stdout


def test_init_with_an_absurd_year(ssj, tmp_path):
    res = ssj("init", str(tmp_path / "x"), "--year", "23")
    assert res.exit_code == 2 and "年度 23 不合理" in res.stderr
    assert not (tmp_path / "x").exists()


# --- ssj import -------------------------------------------------------------------------------


def test_import_xlsx_with_chinese_headers_gives_the_canonical_file(ssj, ws, tmp_path):
    original = (ws / "data" / "entities.csv").read_bytes()
    src = write_xlsx(tmp_path / "名录库.xlsx", chinese_entity_rows(shipped_rows(ws)))
    res = ssj("import", "entities", str(src))
    assert res.exit_code == 0, res.output
    assert "已导入 133 行到 data/entities.csv：新增 0，删除 0，修改 0，未变 133。" in res.stdout
    assert (ws / "data" / "entities.csv").read_bytes() == original  # BOM, English headers, codes, sorted


def add_remove_change(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    rows = [dict(r) for r in rows]
    removed = next(i for i, r in enumerate(rows) if r["id"] == "91140428MA0010213J")
    del rows[removed]
    changed = next(r for r in rows if r["id"] == "91140428MA0010280G")
    changed["status"] = "停产"
    rows.append({"id": "91350100M000100Y43", "name": "示例新设公司", "category": "industry_trade", "town": "丹朱镇", "status": "在营", "risk": ""})
    return rows


def test_import_xlsx_counts_added_removed_changed(ssj, ws, tmp_path):
    src = write_xlsx(tmp_path / "名录库.xlsx", chinese_entity_rows(add_remove_change(shipped_rows(ws))))
    res = ssj("import", "entities", str(src), "--yes")
    assert res.exit_code == 0, res.output
    assert "新增 1，删除 1，修改 1，未变 131" in res.stdout
    data = (ws / "data" / "entities.csv").read_bytes()
    assert data.startswith(codecs.BOM_UTF8 + b"id,name,category,town,status,risk\r\n")
    text = data.decode("utf-8-sig")
    assert "91350100M000100Y43,示例新设公司,industry_trade,丹朱镇,在营,\r\n" in text
    assert "91140428MA0010213J" not in text
    assert "91140428MA0010280G,长子县示例大堡头第4煤业有限公司,coal_mine,大堡头镇,停产,C\r\n" in text
    ids = [line.split(",")[0] for line in text.splitlines()[1:]]
    assert ids == sorted(ids) and len(ids) == 133
    assert check_json(ssj)["entities"]["total"] == 133


def test_import_gbk_csv_matches_the_xlsx_import(ssj, ws, tmp_path):
    rows = chinese_entity_rows(add_remove_change(shipped_rows(ws)))
    twin = tmp_path / "twin"
    shutil.copytree(ws, twin)

    src = write_csv(tmp_path / "名录库.csv", rows, "gbk")
    res = ssj("import", "entities", str(src), "--yes")
    assert res.exit_code == 0, res.output
    assert "新增 1，删除 1，修改 1，未变 131" in res.stdout

    src = write_xlsx(tmp_path / "名录库.xlsx", rows)
    assert Ssj(twin)("import", "entities", str(src), "--yes").exit_code == 0
    assert (twin / "data" / "entities.csv").read_bytes() == (ws / "data" / "entities.csv").read_bytes()


def test_import_with_a_bad_row_changes_nothing(ssj, ws, tmp_path):
    rows = chinese_entity_rows(shipped_rows(ws))
    rows[3][0] = rows[3][0][:-1] + ("0" if rows[3][0][-1] != "0" else "1")  # spoil a check character
    rows[7][4] = "营业"
    src = write_csv(tmp_path / "坏.csv", rows, "gbk")
    assert_refused(
        ssj,
        ws,
        f"{src.as_posix()}:4: 统一社会信用代码校验位应为",
        f"{src.as_posix()}:8: 未知的状态：营业",
        args=("import", "entities", str(src)),
    )


def test_import_with_a_bad_header_changes_nothing(ssj, ws, tmp_path):
    src = write_csv(tmp_path / "坏.csv", [["统一社会信用代码", "名称", "类别", "状态"], ["91140428MA001007XX", "甲", "煤矿", "在营"]], "utf-8")
    assert_refused(ssj, ws, f"{src.as_posix()}:1: 缺少列：town（乡镇）", args=("import", "entities", str(src)))


def test_import_dropping_an_avoided_entity_is_refused(ssj, ws, tmp_path):
    # data/inspectors.csv line 3 (示例李华) avoids 91140428MA0013019F
    rows = [r for r in shipped_rows(ws) if r["id"] != "91140428MA0013019F"]
    src = write_xlsx(tmp_path / "名录库.xlsx", chinese_entity_rows(rows))
    stderr = assert_refused(
        ssj,
        ws,
        "data/inspectors.csv:3: avoid（回避企业）中的 91140428MA0013019F 不在检查对象名录库中",
        args=("import", "entities", str(src)),
    )
    assert "导入会使执法人员名录库的回避名单指向不存在的企业" in stderr


def test_import_inspectors(ssj, ws, tmp_path):
    text = (ws / "data" / "inspectors.csv").read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    rows[0] = ["执法证号", "姓名", "股室", "可检查类别", "状态", "家乡乡镇", "回避企业"]
    rows[4][4] = "在岗"  # 示例赵强 back from leave
    rows.append(["1404282201015", "示例新人", "工贸股", "工贸", "在岗", "丹朱镇", ""])
    src = write_csv(tmp_path / "执法人员.csv", rows, "gb18030")
    res = ssj("import", "inspectors", str(src))
    assert res.exit_code == 0, res.output
    assert "已导入 15 行到 data/inspectors.csv：新增 1，删除 0，修改 1" in res.stdout
    written = (ws / "data" / "inspectors.csv").read_text(encoding="utf-8-sig")
    assert written.startswith("id,name,unit,qualifications,status,town,avoid\n")
    assert "1404282201015,示例新人,工贸股,industry_trade,在岗,丹朱镇," in written
    assert check_json(ssj)["inspectors"]["total"] == 15


def test_import_inspectors_avoiding_an_unknown_entity_is_refused(ssj, ws, tmp_path):
    rows = [["执法证号", "姓名", "股室", "可检查类别", "状态", "家乡乡镇", "回避企业"], ["1404282201001", "示例张明", "执法大队", "", "在岗", "丹朱镇", "91350100M000100Y43"]]
    src = write_csv(tmp_path / "执法人员.csv", rows, "utf-8")
    assert_refused(ssj, ws, f"{src.as_posix()}:2: avoid（回避企业）中的 91350100M000100Y43 不在检查对象名录库中", args=("import", "inspectors", str(src)))


def test_import_unknown_kind(ssj, ws, tmp_path):
    src = write_csv(tmp_path / "x.csv", [["a"]], "utf-8")
    assert_refused(ssj, ws, "未知的名录库 companies", args=("import", "companies", str(src)))


def test_import_missing_file(ssj, ws, tmp_path):
    missing = tmp_path / "没有.xlsx"
    assert_refused(ssj, ws, f"{missing.as_posix()}: 要导入的文件不存在", args=("import", "entities", str(missing)))


# --- the workspace, --year, --version ---------------------------------------------------------


def test_outside_a_workspace(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    res = Ssj(empty)("check")
    assert res.exit_code == 2
    assert "Traceback" not in res.output
    first, *rest = res.stderr.splitlines()
    assert "不是 ssj 工作区" in first
    assert all(line.startswith("  提示：") for line in rest)  # the message, then at most its hint
    assert list(empty.iterdir()) == []


def test_outside_a_workspace_json(tmp_path):
    res = Ssj(tmp_path)("check", "--json")
    assert res.exit_code == 2
    out = json.loads(res.stdout)
    assert out["ok"] is False and "不是 ssj 工作区" in out["errors"][0]["message"]


def test_ssj_root_environment_variable(ws):
    res = invoke(["check", "--json"], env={"SSJ_ROOT": str(ws)})
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["entities"]["total"] == 133


def test_current_directory_is_the_default_workspace(ws, monkeypatch):
    monkeypatch.chdir(ws)
    res = invoke(["check", "--json"], env={"SSJ_ROOT": None})
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["entities"]["total"] == 133


def test_root_option_wins_over_the_environment(ws, tmp_path):
    res = invoke(["--root", str(ws), "check", "--json"], env={"SSJ_ROOT": str(tmp_path)})
    assert res.exit_code == 0, res.output


def test_year_without_a_plan(ssj, ws):
    assert_refused(ssj, ws, "plans/2031.yaml", "已有：2022", args=("check", "--year", "2031"))


def test_explicit_year(ssj):
    res = ssj("check", "--year", "2022", "--json")
    assert res.exit_code == 0 and json.loads(res.stdout)["entities"]["total"] == 133


def test_version():
    res = invoke(["--version"])
    assert res.exit_code == 0
    assert res.stdout.strip() == f"ssj {__version__}"


def test_python_dash_m_version(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "shuangsuiji", "--version"], capture_output=True, text=True, cwd=tmp_path, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == f"ssj {__version__}"


def test_version_alone_is_answered_before_typer_and_says_what_the_command_line_says(tmp_path):
    """`ssj --version` on its own never imports Typer (start-up); its bytes and exit code are the full command line's."""
    probe = (
        "import runpy, sys\n"
        "sys.argv = ['ssj', *sys.argv[1:]]\n"
        "try:\n    runpy.run_module('shuangsuiji', run_name='__main__')\n"
        "except SystemExit as exc:\n    code = exc.code\n"
        "print(code, 'typer' in sys.modules, file=sys.stderr)\n"
    )
    alone = subprocess.run([sys.executable, "-c", probe, "--version"], capture_output=True, cwd=tmp_path, timeout=60)
    full = subprocess.run([sys.executable, "-c", probe, "--debug", "--version"], capture_output=True, cwd=tmp_path, timeout=60)
    assert alone.stderr.split() == [b"0", b"False"] and full.stderr.split() == [b"0", b"True"]
    assert alone.stdout == full.stdout == f"ssj {__version__}{os.linesep}".encode()


@pytest.mark.parametrize("kind", ["entities", "inspectors"])
def test_export_then_import_round_trips_and_keeps_codes_as_text(ssj, ws, tmp_path, kind):
    import openpyxl

    out = tmp_path / f"{kind}.xlsx"
    res = ssj("export", kind, str(out))
    assert res.exit_code == 0, res.output
    sheet = openpyxl.load_workbook(out).active
    first = [c.value for c in sheet[2]]
    assert isinstance(first[0], str) and sheet.cell(row=2, column=1).number_format == "@"
    if kind == "entities":
        assert [c.value for c in sheet[1]][:3] == ["统一社会信用代码", "名称", "类别"]
        assert first[2] in ("煤矿", "洗（储）煤", "危险化学品生产", "危险化学品经营", "工贸")
    before = (ws / "data" / f"{kind}.csv").read_bytes()
    res = ssj("import", kind, str(out))
    assert res.exit_code == 0, res.output
    assert "新增 0，删除 0，修改 0" in res.stdout
    assert (ws / "data" / f"{kind}.csv").read_bytes() == before


def test_export_refuses_unknown_kind_and_non_xlsx(ssj, tmp_path):
    assert ssj("export", "people", str(tmp_path / "x.xlsx")).exit_code == 2
    res = ssj("export", "entities", str(tmp_path / "x.csv"))
    assert res.exit_code == 2 and "应以 .xlsx 结尾" in res.stderr


@pytest.mark.parametrize("kind", ["entities", "inspectors"])
def test_export_formats_whole_columns_as_text_so_new_rows_keep_their_codes(ssj, tmp_path, kind):
    """The rows a clerk adds in Excel/WPS below the exported ones must be text too, or a new
    all-digit USCC or 执法证号 turns into 9.11404E+17 exactly as with a CSV."""
    import openpyxl

    out = tmp_path / f"{kind}.xlsx"
    assert ssj("export", kind, str(out)).exit_code == 0
    sheet = openpyxl.load_workbook(out).active
    for column in range(1, sheet.max_column + 1):
        letter = openpyxl.utils.get_column_letter(column)
        assert sheet.column_dimensions[letter].number_format == "@", letter


def test_import_that_deletes_rows_needs_yes_and_keeps_a_backup(ssj, ws, tmp_path):
    """Issue 9 item 13: no silent deletion; the replaced registry is kept beside it."""
    original = (ws / "data" / "entities.csv").read_bytes()
    rows = chinese_entity_rows(add_remove_change(shipped_rows(ws)))
    src = write_csv(tmp_path / "名录库.csv", rows, "gbk")
    assert_refused(ssj, ws, "未导入：导入会从 data/entities.csv 删除 1 行", "请加 --yes 重新运行",
                   args=("import", "entities", str(src)))
    res = ssj("import", "entities", str(src), "--yes")
    assert res.exit_code == 0, res.output
    backups = sorted((ws / "data").glob("entities.csv.*.bak"))
    assert len(backups) == 1 and backups[0].read_bytes() == original
    assert re.fullmatch(r"entities\.csv\.\d{4}-\d\d-\d\dT\d{6}\.bak", backups[0].name)
    assert f"原文件已备份为 data/{backups[0].name}。" in res.stdout
    again = ssj("import", "entities", str(src))  # nothing deleted, nothing changed: no question, no backup
    assert again.exit_code == 0, again.output
    assert len(list((ws / "data").glob("entities.csv.*.bak"))) == 1


def test_import_on_a_terminal_asks_before_deleting(ssj, ws, tmp_path, monkeypatch):
    from shuangsuiji.cli import setup

    monkeypatch.setattr(setup, "stdin_is_tty", lambda: True)
    original = (ws / "data" / "entities.csv").read_bytes()
    src = write_csv(tmp_path / "名录库.csv", chinese_entity_rows(add_remove_change(shipped_rows(ws))), "gbk")
    res = ssj("import", "entities", str(src), input="n\n")
    assert res.exit_code == 2 and "将删除 1 行" in res.output
    assert (ws / "data" / "entities.csv").read_bytes() == original
    res = ssj("import", "entities", str(src), input="y\n")
    assert res.exit_code == 0, res.output
    assert "新增 1，删除 1，修改 1，未变 131" in res.output


def test_export_writes_a_formula_like_name_as_a_text_cell(ssj, ws, tmp_path):
    """Issue 9 item 22: ssj export never writes a live formula, whatever a registry cell holds."""
    import zipfile

    path = ws / "data" / "entities.csv"
    text = path.read_bytes().decode("utf-8-sig")
    first = text.split("\r\n")[1].split(",")
    evil = "=cmd|' /C calc'!A0"
    path.write_bytes(("\ufeff" + text.replace(f",{first[1]},", f",\"{evil}\",", 1)).encode("utf-8"))
    out = tmp_path / "entities.xlsx"
    res = ssj("export", "entities", str(out))
    assert res.exit_code == 0, res.output
    sheet_xml = zipfile.ZipFile(out).read("xl/worksheets/sheet1.xml").decode("utf-8")
    assert "<f>" not in sheet_xml and "<f " not in sheet_xml
    import openpyxl

    names = [row[1].value for row in openpyxl.load_workbook(out).active.iter_rows(min_row=2)]
    assert evil in names
