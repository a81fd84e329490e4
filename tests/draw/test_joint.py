"""Joint draws (部门联合抽查): the pure core, and a joint draw's teams re-derived by code sharing nothing with ssj.

The re-derivation reads the registries with the csv module and hashes with hashlib, as an
auditor with the record and docs/draw-algorithm.md section 12 would.
"""

from __future__ import annotations

import csv
import hashlib
import json

import pytest

from shuangsuiji.draw.joint import joint_teams
from shuangsuiji.draw.record import DrawDepartment
from shuangsuiji.errors import NotEnoughInspectors
from shuangsuiji.records import Entity, Inspector
from tests.helpers import REPO, ok

JOINT = "joint-hazchem"
QUOTAS = {"yjj": 2, "scjg": 1, "xf": 1}  # examples/joint/plans/2022.yaml, inspectors_per_department
NAMES = {"长子县应急管理局": "yjj", "长子县市场监督管理局": "scjg", "长子县消防救援大队": "xf"}


def outsider_departments(ws) -> dict[str, list[dict[str, str]]]:
    """department code -> its inspectors' rows (empty department = the plan's own, yjj; a name stands for its code)."""
    with open(ws / "data" / "inspectors.csv", encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    out: dict[str, list[dict[str, str]]] = {code: [] for code in QUOTAS}
    for row in rows:
        code = NAMES.get(row["department"], row["department"] or "yjj")
        out[code].append(row)
    return out


def outsider_team(seed: str, entity: dict, people: list[dict[str, str]], n: int, load: dict[str, int]) -> list[str]:
    """The first n of the department's eligible people by (load, sha256(seed:entity:id), id)."""
    eligible = [
        p["id"] for p in people
        if p["status"] == "在岗"
        and (not p["qualifications"] or entity["category"] in p["qualifications"].split(";"))
        and entity["entity"] not in p["avoid"].split(";")
    ]
    key = lambda i: (load.get(i, 0), hashlib.sha256(f"{seed}:{entity['entity']}:{i}".encode("utf-8")).hexdigest(), i)  # noqa: E731
    return sorted(eligible, key=key)[:n]


def test_joint_teams_rederived_without_ssj(jssj, joint_ws):
    rec1 = json.loads(ok(jssj("draw", "--task", JOINT, "--seed", "联合 见证人 4-2", "--today", "2022-05-06", "--json")).stdout)
    rec2 = json.loads(ok(jssj("draw", "--task", JOINT, "--seed", "联合 第二轮 6-1", "--today", "2022-06-06", "--json")).stdout)
    departments = outsider_departments(joint_ws)
    # the entities, as for any task: the k smallest sha256(seed:id) of the pool
    with open(joint_ws / "data" / "entities.csv", encoding="utf-8-sig", newline="") as f:
        scope = sorted(r["id"] for r in csv.DictReader(f) if r["category"] == "hazchem_trading" and r["status"] == "在营")
    ranked = sorted(scope, key=lambda i: hashlib.sha256(f"联合 见证人 4-2:{i}".encode("utf-8")).hexdigest())
    assert [p["entity"] for p in rec1["picks"]] == ranked[:4]  # ceil(39 x 10%)
    assert [d["code"] for d in rec1["departments"]] == ["yjj", "scjg", "xf"]
    load: dict[str, int] = {}
    for rec in (rec1, rec2):
        assert rec.get("prior_checks", {}) == {i: n for i, n in sorted(load.items()) if n}
        for pick in rec["picks"]:
            want: list[str] = []
            for code, n in QUOTAS.items():
                want += outsider_team(rec["seed"], pick, departments[code], n, load)
            assert pick["inspectors"] == want, pick["entity"]
            for i in want:
                load[i] = load.get(i, 0) + 1
    # every department's pool in the record is its own people, sorted
    for d in rec1["departments"]:
        assert d["inspector_pool"] == sorted(p["id"] for p in departments[d["code"]])
        assert d["inspectors_per_check"] == QUOTAS[d["code"]]


def person(iid: str, dept: str, status: str = "在岗", avoid: tuple[str, ...] = ()) -> Inspector:
    return Inspector(iid, f"示例{iid}", "股", (), status, "", avoid, dept)


def test_joint_teams_pure_each_department_from_its_own_people():
    picks = [Entity(f"E{n}", f"示例{n}", "c", "", "在营") for n in range(3)]
    a = DrawDepartment("a", "甲局", "事项甲", 2, ("a1", "a2", "a3"))
    b = DrawDepartment("b", "乙局", "事项乙", 1, ("b1", "b2"))
    groups = [(a, [person("a1", "a"), person("a2", "a"), person("a3", "a")]),
              (b, [person("b1", "b"), person("b2", "b", avoid=("E1",))])]
    teams = joint_teams("种子", picks, groups, False, {"a1": 5})
    for team in teams:  # a1 carries 5 earlier checks: a2 and a3 (at most 3 each) come first
        assert set(team.inspectors[:2]) == {"a2", "a3"} and team.inspectors[2] in {"b1", "b2"}
    assert teams[1].inspectors[2] == "b1" and teams[1].excluded == (("b2", "conflict"),)
    assert "b2" in (teams[0].inspectors[2], teams[2].inspectors[2])  # the workload evens out within the department


def test_joint_teams_department_that_cannot_staff_a_pick():
    picks = [Entity("E0", "示例企业", "c", "", "在营")]
    a = DrawDepartment("a", "甲局", "事项甲", 1, ("a1",))
    b = DrawDepartment("b", "乙局", "事项乙", 1, ("b1",))
    groups = [(a, [person("a1", "a")]), (b, [person("b1", "b", status="休假")])]
    with pytest.raises(NotEnoughInspectors) as exc:
        joint_teams("种子", picks, groups, False)
    assert "联合抽查的乙局（b）不能为每户派出 1 名执法人员" in exc.value.message
    assert "不在岗（休假）" in exc.value.message


def test_documented_joint_example(jssj):
    """docs/draw-algorithm.md section 12: the first pick of joint-hazchem round 1 with seed 联合 1."""
    rec = json.loads(ok(jssj("draw", "--task", JOINT, "--seed", "联合 1", "--today", "2022-05-06", "--json")).stdout)
    first = rec["picks"][0]
    assert first["entity"] == "91140428MA00131586"
    assert first["inspectors"] == ["1404282201002", "1404282201005", "1404282202003", "1404282203001"]
    assert first["inspector_names"] == ["示例李华", "示例刘洋", "示例冯刚", "示例邓军"]
    text = (REPO / "docs" / "draw-algorithm.md").read_text(encoding="utf-8")
    assert '`["1404282201002", "1404282201005", "1404282202003", "1404282203001"]`' in text
