"""The report's departments section (部门与联合抽查), counted again from the joint example's ledger lines and records
with json only, and absent from a plan without departments."""

from __future__ import annotations

import csv
import json
import shutil
from collections import Counter
from fractions import Fraction

import pytest

from tests.helpers import REPO, Ssj, ok

EXAMPLE = REPO / "examples" / "joint"
PROBLEMS = {"rectify", "penalty", "transfer", "judicial"}
OWN = {"hazchem": "yjj", "fire": "xf"}  # examples/joint/plans/2022.yaml: the tasks that are not joint
NAMES = {"长子县应急管理局": "yjj", "长子县市场监督管理局": "scjg", "长子县消防救援大队": "xf"}


@pytest.fixture
def example(tmp_path) -> Ssj:
    root = tmp_path / "joint"
    shutil.copytree(EXAMPLE, root)
    return Ssj(root)


def test_department_figures_add_up_against_the_ledger(example):
    rep = json.loads(ok(example("report", "--year", "2022", "--today", "2022-12-31", "--format", "json")).stdout)
    lines = [json.loads(x) for x in (example.root / "draws" / "ledger.jsonl").read_text(encoding="utf-8").splitlines()]
    draws = {(e["task"], e["round"]): e for e in lines if e["type"] == "draw"}
    current: dict[tuple, dict] = {}  # (task, round, entity, department) -> result in force
    for e in lines:
        if e["type"] == "result":
            current[(e["task"], e["round"], e["entity"], e.get("department", ""))] = e
    with open(example.root / "data" / "inspectors.csv", encoding="utf-8-sig", newline="") as f:
        people = {r["id"]: NAMES.get(r["department"], r["department"] or "yjj") for r in csv.DictReader(f)}
    want: dict[str, Counter] = {code: Counter() for code in ("yjj", "scjg", "xf")}
    for (task, number), d in draws.items():
        codes = d.get("departments") or [OWN[task]]
        rec = json.loads((example.root / "draws" / d["record"]).read_text(encoding="utf-8"))
        teams = {p["entity"]: p["inspectors"] for p in rec["picks"]}
        for rep_line in (e for e in lines if e["type"] == "replace" and e["task"] == task):
            team = teams[rep_line["entity"]]
            team[team.index(rep_line["inspector"])] = rep_line["replacement"]
        for entity in d["picks"]:
            for code in codes:
                res = current.get((task, number, entity, code if d.get("departments") else ""))
                want[code]["checks"] += 1
                want[code]["inspected"] += res is not None
                want[code]["found"] += res is not None and res["result"] in PROBLEMS
            for iid in teams[entity]:
                want[people[iid]]["workload"] += 1
    got = {r["code"]: r for r in rep["departments"]["rows"]}
    assert list(got) == ["yjj", "scjg", "xf"]
    for code, c in want.items():
        row = got[code]
        assert (row["checks"], row["inspected"], row["found_problems"], row["workload"]) == (
            c["checks"], c["inspected"], c["found"], c["workload"]), code
        assert Fraction(row["problem_share"]["num"], row["problem_share"]["den"]) == Fraction(c["found"], c["inspected"])
    joint = sum(len(d["picks"]) for d in draws.values() if d.get("departments"))
    total = sum(len(d["picks"]) for d in draws.values())
    dep = rep["departments"]
    assert (dep["joint_picks"], dep["picks"], dep["joint_share"]["num"], dep["joint_share"]["den"]) == (joint, total, joint, total)
    assert dep["visits_saved"] == joint * 2  # three departments, one visit
    drawn = Counter(e for d in draws.values() for e in d["picks"])
    assert dep["repeated"] == sum(1 for n in drawn.values() if n > 1)
    found = sorted((k[0], k[2], k[3]) for k, e in current.items() if e["result"] in PROBLEMS)
    by_name = {v: k for k, v in NAMES.items()}
    assert sorted((f["task"], f["entity"], f["department"] and NAMES[f["department"]]) for f in rep["follow_up"]) == found
    assert any(f["department"] == by_name["scjg"] for f in rep["follow_up"])  # a 市场监管 finding is followed up too
    md = ok(example("report", "--year", "2022", "--today", "2022-12-31", "--format", "md")).stdout
    assert "## 六、部门与联合抽查" in md and "## 七、月度进度" in md and "## 八、账本复核" in md


def test_plan_without_departments_has_no_department_section(year, ssj):
    rep = json.loads(ok(ssj("report", "--year", "2022", "--today", "2023-01-31", "--format", "json")).stdout)
    assert rep["departments"]["rows"] == [] and rep["departments"]["joint_picks"] == 0
    md = ok(ssj("report", "--year", "2022", "--today", "2023-01-31", "--format", "md")).stdout
    assert "部门与联合抽查" not in md and "## 六、月度进度" in md


def test_department_keys_are_documented(example):
    import shuangsuiji.report.records as report_module

    rep = json.loads(ok(example("report", "--year", "2022", "--today", "2022-12-31", "--format", "json")).stdout)
    for key in ("departments", *rep["departments"], *rep["departments"]["rows"][0]):
        assert f"``{key}``" in report_module.__doc__, key
