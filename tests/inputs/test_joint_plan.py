"""Departments and joint tasks in plans/<year>.yaml and the inspectors' department column."""

from __future__ import annotations

from pathlib import Path

import pytest

from shuangsuiji.errors import InputErrors
from shuangsuiji.files.tables import read_table
from shuangsuiji.inputs.inspectors import INSPECTOR_TABLE_COLUMNS, inspectors_csv, parse_inspectors
from shuangsuiji.inputs.plan import load_plan

REPO = Path(__file__).resolve().parents[2]

# Line numbers matter below: `- id: joint` is line 14, lead 24, with 25, inspectors_per_department 26 (yjj 27, scjg 28).
PLAN = """\
year: 2022
document: 测试应急发〔2022〕1号
title: 测试县2022年联合抽查计划
issued: 2022-03-03
department: 测试县应急管理局
departments:
  yjj: 测试县应急管理局
  scjg: 测试县市场监督管理局
  xf: 测试县消防救援大队
categories:
  coal_mine: 煤矿
  hazchem_trading: 危险化学品经营
tasks:
  - id: joint
    name: 联合抽查
    type: 定向
    matter: 安全生产检查
    scope_label: 全县危化经营
    scope: [hazchem_trading]
    ratio: 20%
    start: 2022-04-01
    end: 2022-06-30
    joint:
      lead: yjj
      with: [scjg, xf]
    inspectors_per_department:
      yjj: 1
      scjg: 1
      xf: 1
    matters:
      scjg: 产品质量检查
      xf: 消防安全检查
"""


def plan_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "2022.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def errors_of(tmp_path: Path, text: str) -> list[tuple[int, str]]:
    with pytest.raises(InputErrors) as exc:
        load_plan(plan_file(tmp_path, text), "plans/2022.yaml")
    return [(e.line, e.message) for e in exc.value.items]


def test_joint_task_loads_with_each_department(tmp_path):
    plan = load_plan(plan_file(tmp_path, PLAN), "plans/2022.yaml")
    assert plan.departments == {"yjj": "测试县应急管理局", "scjg": "测试县市场监督管理局", "xf": "测试县消防救援大队"}
    assert plan.home_department == "yjj"
    task = plan.tasks[0]
    assert task.is_joint and task.department == "测试县应急管理局" and task.department_code == "yjj"
    assert [(d.code, d.name, d.matter, d.inspectors) for d in task.joint] == [
        ("yjj", "测试县应急管理局", "安全生产检查", 1),
        ("scjg", "测试县市场监督管理局", "产品质量检查", 1),
        ("xf", "测试县消防救援大队", "消防安全检查", 1),
    ]
    assert task.inspectors_per_check == 3
    assert task.department_codes() == ("yjj", "scjg", "xf")


def test_plan_without_departments_is_one_department(tmp_path):
    text = PLAN.split("departments:")[0] + "categories:" + PLAN.split("categories:")[1].split("    joint:")[0]
    plan = load_plan(plan_file(tmp_path, text), "plans/2022.yaml")
    assert plan.departments == {} and plan.home_department == ""
    assert not plan.tasks[0].is_joint and plan.tasks[0].department_codes() == ("",)


def test_unknown_department_is_named_with_its_line(tmp_path):
    found = errors_of(tmp_path, PLAN.replace("with: [scjg, xf]", "with: [scjg, wsj]"))
    assert found == [(25, "配合部门 wsj 不是计划 departments 中的部门")]
    found = errors_of(tmp_path, PLAN.replace("lead: yjj", "lead: ajj"))
    assert found == [(24, "牵头部门 ajj 不是计划 departments 中的部门")]


def test_quota_zero_is_refused(tmp_path):
    assert errors_of(tmp_path, PLAN.replace("      scjg: 1\n      xf", "      scjg: 0\n      xf")) == [
        (28, "部门 scjg 每户派出 0 名执法人员")]


def test_team_below_two_is_refused(tmp_path):
    two = PLAN.replace("with: [scjg, xf]", "with: [scjg]").replace("      xf: 1\n", "").replace("      xf: 消防安全检查\n", "")
    assert load_plan(plan_file(tmp_path, two), "plans/2022.yaml").tasks[0].inspectors_per_check == 2
    alone = PLAN.replace("with: [scjg, xf]", "with: []").replace("      scjg: 1\n      xf: 1\n", "")
    alone = alone.split("    matters:")[0]
    assert errors_of(tmp_path, alone) == [
        (25, "with 至少应列出一个配合部门"), (27, "联合检查组每户合计 1 名执法人员，少于 2 名")]


def test_missing_quota_matter_and_stray_fields(tmp_path):
    found = errors_of(tmp_path, PLAN.replace("      xf: 1\n", "").replace("      xf: 消防安全检查\n", ""))
    assert found == [(27, "inspectors_per_department 缺少部门 xf"), (30, "联合抽查任务没有写部门 xf 的抽查事项")]
    found = errors_of(tmp_path, PLAN.replace("      xf: 1\n", "      xf: 1\n      wsj: 1\n"))
    assert found == [(30, "inspectors_per_department 中的 wsj 不是本任务的联合部门")]
    found = errors_of(tmp_path, PLAN.replace("    joint:", "    inspectors_per_check: 3\n    joint:"))
    assert found == [(23, "联合抽查任务不用 inspectors_per_check")]


def test_plan_department_must_be_declared(tmp_path):
    found = errors_of(tmp_path, PLAN.replace("  yjj: 测试县应急管理局\n", ""))
    assert (5, "计划的抽查发起部门 测试县应急管理局 不在 departments 中") in found


def test_task_department_must_be_declared_when_departments_are(tmp_path):
    text = PLAN.split("    joint:")[0] + "    department: 测试县卫健委\n    inspectors_per_check: 2\n"
    assert errors_of(tmp_path, text) == [(23, "任务的抽查发起部门 测试县卫健委 不在计划的 departments 中")]
    ok = load_plan(plan_file(tmp_path, text.replace("测试县卫健委", "xf")), "plans/2022.yaml").tasks[0]
    assert (ok.department, ok.department_code) == ("测试县消防救援大队", "xf")


INSPECTORS = """\
id,name,unit,qualifications,status,town,avoid,department
A1,示例甲,执法大队,,在岗,,,
A2,示例乙,执法大队,,在岗,,,scjg
A3,示例丙,防火科,,在岗,,,测试县消防救援大队
A4,示例丁,防火科,,在岗,,,wsj
"""


def test_inspector_department_column(tmp_path):
    path = tmp_path / "inspectors.csv"
    path.write_text(INSPECTORS, encoding="utf-8")
    plan = load_plan(plan_file(tmp_path, PLAN), "plans/2022.yaml")
    table = read_table(path, "data/inspectors.csv", INSPECTOR_TABLE_COLUMNS)
    with pytest.raises(InputErrors) as exc:
        parse_inspectors(table, plan.categories, None, plan.departments)
    assert [(e.line, e.message) for e in exc.value.items] == [(5, "所属部门 wsj 不是计划 departments 中的部门")]
    path.write_text(INSPECTORS.replace(",wsj", ",xf"), encoding="utf-8")
    table = read_table(path, "data/inspectors.csv", INSPECTOR_TABLE_COLUMNS)
    people = parse_inspectors(table, plan.categories, None, plan.departments)
    assert [(i.id, i.department, plan.department_of(i)) for i in people] == [
        ("A1", "", "yjj"), ("A2", "scjg", "scjg"), ("A3", "xf", "xf"), ("A4", "xf", "xf")]
    assert inspectors_csv(people).splitlines()[0].endswith(b"avoid,department")


def test_registry_without_department_column_keeps_its_bytes():
    plan = load_plan(REPO / "plans" / "2022.yaml", "plans/2022.yaml")
    path = REPO / "data" / "inspectors.csv"
    people = parse_inspectors(read_table(path, "data/inspectors.csv", INSPECTOR_TABLE_COLUMNS), plan.categories, None, plan.departments)
    assert all(i.department == "" for i in people)
    assert inspectors_csv(people) == path.read_bytes()
