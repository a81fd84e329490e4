"""Joint cross-department checks (部门联合双随机抽查) through the CLI, on a copy of examples/joint/."""

from __future__ import annotations

import json

import pytest

from tests.helpers import ok, tree_digest

JOINT_TASK = "joint-hazchem"


def test_check_shows_inspectors_per_department_and_unit(jssj):
    res = ok(jssj("check"))
    assert "各部门执法检查人员" in res.stdout
    assert "长子县市场监督管理局（scjg）" in res.stdout and "长子县消防救援大队（xf）" in res.stdout
    data = json.loads(ok(jssj("check", "--json")).stdout)
    by_department = {d["code"]: d["units"] for d in data["inspectors"]["by_department"]}
    assert by_department["scjg"] == {"市场监管执法大队": {"在岗": 2, "休假": 1}, "特种设备股": {"在岗": 1}}
    assert by_department["xf"] == {"防火监督科": {"在岗": 3}}
    assert by_department["yjj"]["执法大队"] == {"在岗": 3, "休假": 1}


def test_shipped_workspace_check_has_no_department_table(ssj):
    res = ok(ssj("check"))
    assert "各部门执法检查人员" not in res.stdout
    assert "by_department" not in json.loads(ok(ssj("check", "--json")).stdout)["inspectors"]


BAD_FIELDS = [
    ("with: [scjg, xf]", "with: [scjg, wsj]", 48, "配合部门 wsj 不是计划 departments 中的部门"),
    ("      scjg: 1\n", "      scjg: 0\n", 51, "部门 scjg 每户派出 0 名执法人员"),
    ("      with: [scjg, xf]              # 配合部门\n", "      with: [yjj]\n", 48, "部门 yjj 在联合抽查中重复出现"),
    ("      yjj: 2\n      scjg: 1\n      xf: 1\n", "      yjj: 2\n      scjg: 1\n", 50, "inspectors_per_department 缺少部门 xf"),
    ("      with: [scjg, xf]              # 配合部门\n    inspectors_per_department:      # 各部门每户派出的执法人员数（每个部门至少 1 名，合计至少 2 名）\n      yjj: 2\n      scjg: 1\n      xf: 1\n    matters:                        # 配合部门各自的抽查事项\n      scjg: 危险化学品经营许可及产品质量监督检查\n      xf: 消防安全检查\n",
     "      with: []\n    inspectors_per_department:\n      yjj: 1\n", 50, "联合检查组每户合计 1 名执法人员，少于 2 名"),
]


@pytest.mark.parametrize("old,new,line,message", BAD_FIELDS, ids=["unknown-department", "quota-0", "lead-twice", "quota-missing", "team-below-2"])
def test_bad_joint_fields_exit_2_with_path_line_and_change_nothing(jssj, joint_ws, old, new, line, message):
    plan = joint_ws / "plans" / "2022.yaml"
    text = plan.read_text(encoding="utf-8")
    assert old in text
    plan.write_text(text.replace(old, new), encoding="utf-8")
    before = tree_digest(joint_ws)
    for args in (("check",), ("draw", "--task", JOINT_TASK, "--seed", "联合 1", "--today", "2022-05-06")):
        res = jssj(*args)
        assert res.exit_code == 2, res.output
        assert f"plans/2022.yaml:{line}: {message}" in res.output
        assert "Traceback" not in res.output
    assert tree_digest(joint_ws) == before


def test_inspector_of_unknown_department_exit_2(jssj, joint_ws):
    path = joint_ws / "data" / "inspectors.csv"
    path.write_bytes(path.read_bytes().replace(b",,scjg\r\n", b",,wsj\r\n", 1))
    before = tree_digest(joint_ws)
    res = jssj("check")
    assert res.exit_code == 2
    assert "data/inspectors.csv:16: 所属部门 wsj 不是计划 departments 中的部门" in res.output
    assert tree_digest(joint_ws) == before


def test_joint_task_draw_is_refused_until_teams_per_department_exist(jssj, joint_ws):
    before = tree_digest(joint_ws)
    res = jssj("draw", "--task", JOINT_TASK, "--seed", "联合 1", "--today", "2022-05-06")
    assert res.exit_code == 2, res.output
    assert "部门联合抽查" in res.output and "Traceback" not in res.output
    assert tree_digest(joint_ws) == before
