"""``ssj check`` warns (issue 9 item 14): empty registries, template placeholders, a year without
holiday data, tasks that cannot be staffed. Warnings never change the exit code; --json carries them."""

from __future__ import annotations

import json

from tests.helpers import Ssj


def test_fresh_init_workspace_warns_on_everything(tmp_path):
    ws = tmp_path / "新"
    Ssj(tmp_path)("init", str(ws), "--year", "2031")
    ssj = Ssj(ws)
    res = ssj("check")
    assert res.exit_code == 0, res.output
    for text in ("data/entities.csv: 检查对象名录库是空的（0 家）", "data/inspectors.csv: 执法检查人员名录库是空的（0 人）",
                 "计划中仍是模板的示例文字“某县应急管理局”", "计划中仍是模板的示例文字“某应急发〔”",
                 "2031 年没有节假日数据", "calendar/2031.yaml",
                 "任务 hazchem 的类别 危险化学品生产（hazchem_production）只有 0 名在岗且有检查资格的执法人员，少于每户所需的 2 名",
                 "共 8 条警告"):
        assert text in res.stderr, text
    data = json.loads(ssj("check", "--json").stdout)
    assert data["ok"] is True and len(data["warnings"]) == 8
    assert {w["path"] for w in data["warnings"]} == {"data/entities.csv", "data/inspectors.csv", "plans/2031.yaml"}


def test_shipped_workspace_has_no_warnings(ssj):
    res = ssj("check", "--json")
    assert res.exit_code == 0 and json.loads(res.stdout)["warnings"] == []


def test_a_category_without_enough_inspectors_is_named(ssj, ws):
    path = ws / "data" / "inspectors.csv"
    lines = path.read_bytes().decode("utf-8-sig").split("\r\n")
    kept = [lines[0]] + [line for line in lines[1:] if line and ",在岗," not in line]
    path.write_bytes(("\ufeff" + "\r\n".join(kept) + "\r\n").encode("utf-8"))
    res = ssj("check", "--json")
    assert res.exit_code == 0, res.output
    messages = [w["message"] for w in json.loads(res.stdout)["warnings"]]
    assert any(m.startswith("任务 hazchem 的类别") and "只有 0 名" in m for m in messages)


def test_warnings_do_not_hide_errors(ssj, ws):
    (ws / "data" / "entities.csv").write_bytes("\ufeffid,name,category,town,status\r\nX,甲,coal_mine,丹朱镇,在营\r\n".encode())
    res = ssj("check")
    assert res.exit_code == 2 and "统一社会信用代码应为 18 位" in res.stderr


def test_check_lists_who_may_be_drawn_for_what(ssj, ws):
    """Issue 9 item 15: an empty 可检查类别 means every category, and ssj check says so;
    a person with status 不参与抽取 is listed as never drawn."""
    path = ws / "data" / "inspectors.csv"
    text = path.read_bytes().decode("utf-8-sig").replace("示例马超,法规科,,在岗", "示例马超,法规科,,不参与抽取")
    path.write_bytes(("\ufeff" + text).encode("utf-8"))
    res = ssj("check")
    assert res.exit_code == 0, res.output
    rows = {line.split("│")[2].strip(): line for line in res.stdout.splitlines() if line.count("│") == 6}
    assert "全部类别（可检查类别未填写）" in rows["示例张明"]
    assert "不参与抽取" in rows["示例马超"].split("│")[5]
    assert "不派（休假）" in rows["示例赵强"]
    assert "危险化学品生产、危险化学品经营" in rows["示例刘洋"]
    data = json.loads(ssj("check", "--json").stdout)
    by_name = {r["name"]: r for r in data["inspectors"]["who_may_inspect"]}
    assert by_name["示例张明"]["all_categories"] is True and len(by_name["示例张明"]["categories"]) == 5
    assert by_name["示例马超"]["categories"] == []
    assert by_name["示例刘洋"]["categories"] == ["hazchem_production", "hazchem_trading"]
