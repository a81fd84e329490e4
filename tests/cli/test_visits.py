"""ssj visits: firms drawn in several tasks whose check periods overlap, checked against a brute-force count."""

from __future__ import annotations

import json
from datetime import date
from itertools import combinations

import pytest

from tests.helpers import ok, tree_digest

PERIODS = {  # examples/joint/plans/2022.yaml, with fire moved to start in July: hazchem and fire no longer overlap
    "hazchem": ("2022-04-01", "2022-06-30"),
    "joint-hazchem": ("2022-05-01", "2022-08-31"),
    "fire": ("2022-07-01", "2022-09-30"),
}


@pytest.fixture
def drawn(jssj, joint_ws):
    plan = joint_ws / "plans" / "2022.yaml"
    text = plan.read_text(encoding="utf-8").replace("ratio: 20%", "ratio: 50%").replace("ratio: 10%", "ratio: 50%")
    text = text.replace("    start: 2022-06-01\n", "    start: 2022-07-01\n")
    plan.write_text(text, encoding="utf-8")
    for task, day, seed in (("hazchem", "2022-04-06", "危化 4"), ("joint-hazchem", "2022-05-06", "联合 5"), ("fire", "2022-07-06", "消防 6")):
        ok(jssj("draw", "--task", task, "--seed", seed, "--today", day))
    return jssj


def brute_force(joint_ws) -> dict[str, list[tuple[set[str], tuple[str, str] | None]]]:
    """entity -> [(tasks of a connected group of overlapping periods, the window they all share)] with >= 2 tasks."""
    lines = [json.loads(x) for x in (joint_ws / "draws" / "ledger.jsonl").read_text(encoding="utf-8").splitlines()]
    tasks_of: dict[str, set[str]] = {}
    for e in lines:
        if e["type"] == "draw":
            for entity in e["picks"]:
                tasks_of.setdefault(entity, set()).add(e["task"])
    out = {}
    for entity, tasks in tasks_of.items():
        parent = {t: t for t in tasks}

        def find(t):
            while parent[t] != t:
                t = parent[t]
            return t
        for a, b in combinations(sorted(tasks), 2):
            if PERIODS[a][0] <= PERIODS[b][1] and PERIODS[b][0] <= PERIODS[a][1]:
                parent[find(a)] = find(b)
        groups: dict[str, set[str]] = {}
        for t in tasks:
            groups.setdefault(find(t), set()).add(t)
        found = []
        for g in groups.values():
            if len(g) >= 2:
                start, end = max(PERIODS[t][0] for t in g), min(PERIODS[t][1] for t in g)
                found.append((g, (start, end) if start <= end else None))
        if found:
            out[entity] = found
    return out


def test_visits_lists_every_firm_of_overlapping_tasks(drawn, joint_ws):
    data = json.loads(ok(drawn("visits", "--year", "2022", "--json", "--today", "2022-12-31")).stdout)
    got: dict[str, list] = {}
    for v in data["visits"]:
        got.setdefault(v["entity"], []).append(({c["task"] for c in v["checks"]}, (v["start"], v["end"]) if v["start"] else None))
    want = brute_force(joint_ws)
    assert {e: sorted(map(sorted, (g for g, _ in gs))) for e, gs in got.items()} == \
        {e: sorted(map(sorted, (g for g, _ in gs))) for e, gs in want.items()}
    for e, gs in want.items():
        assert sorted((sorted(g), w) for g, w in got[e]) == sorted((sorted(g), w) for g, w in gs)
    kinds = {frozenset(g) for gs in want.values() for g, _ in gs}
    assert frozenset({"hazchem", "joint-hazchem", "fire"}) in kinds  # a chain without a common window is exercised
    assert any(w is None for gs in want.values() for _, w in gs)
    starts = [v["start"] or "9999" for v in data["visits"]]
    assert starts == sorted(starts)
    joint = next(c for v in data["visits"] for c in v["checks"] if c["joint"])
    assert joint["departments"] == ["长子县应急管理局", "长子县市场监督管理局", "长子县消防救援大队"]
    assert "长子县消防救援大队：" in joint["team"] and joint["state"] == "未检查"
    screen = ok(drawn("visits", "--today", "2022-12-31")).stdout
    assert "可合并检查时段" in screen and "无共同时段" in screen


def test_visits_state_follows_results_and_today(drawn, joint_ws):
    data = json.loads(ok(drawn("visits", "--json", "--today", "2022-12-31")).stdout)
    v = next(v for v in data["visits"] if any(c["joint"] for c in v["checks"]))
    ok(drawn("record", "--task", "joint-hazchem", "--entity", v["entity"], "--date", "2022-05-20", "--result", "no_problem",
             "--today", "2022-05-20"))
    later = json.loads(ok(drawn("visits", "--json", "--today", "2022-12-31")).stdout)
    c = next(c for w in later["visits"] if w["entity"] == v["entity"] for c in w["checks"] if c["joint"])
    assert c["state"] == "检查中（1/3 个部门已登记）"
    before = json.loads(ok(drawn("visits", "--json", "--today", "2022-05-06")).stdout)  # fire not drawn yet
    assert before["left_out"] > 0
    assert all("fire" not in {c["task"] for c in w["checks"]} for w in before["visits"])


def test_visits_xlsx_and_refusals(drawn, joint_ws, tmp_path):
    from openpyxl import load_workbook

    out = tmp_path / "合并上门.xlsx"
    res = ok(drawn("visits", "--xlsx", str(out), "--today", "2022-12-31"))
    assert "已写入" in res.stdout
    cells = [c for row in load_workbook(out).active.iter_rows() for c in row if c.value is not None]
    assert {c.data_type for c in cells} <= {"s", "n"}  # text and counts, never a formula
    assert any(c.value == "可合并检查时段" for c in cells)
    before = tree_digest(joint_ws)
    for args in (("--xlsx", str(joint_ws / "data" / "x.xlsx")), ("--xlsx", str(out)), ("--json", "--xlsx", str(tmp_path / "y.xlsx")),
                 ("--year", "2031")):
        res = drawn("visits", *args, "--today", "2022-12-31")
        assert res.exit_code == 2, (args, res.output)
        assert "Traceback" not in res.output
    assert tree_digest(joint_ws) == before
    res = drawn("visits", "--xlsx", str(joint_ws / "data" / "x.xlsx"), "--today", "2022-12-31")
    assert "--xlsx 文件名" in res.output and "--out" not in res.output  # the hint names the option visits has
    res = drawn("visits", "--xlsx", str(tmp_path), "--today", "2022-12-31")
    assert "--xlsx 合并上门.xlsx" in res.output
    for name in ("合并上门.csv", "合并上门.xls", "合并上门"):  # a workbook under a name Excel would refuse to open
        res = drawn("visits", "--xlsx", str(tmp_path / name), "--today", "2022-12-31")
        assert res.exit_code == 2 and "应以 .xlsx 结尾" in res.output and "--xlsx 合并上门.xlsx" in res.output, res.output
        assert not (tmp_path / name).exists()
    assert tree_digest(joint_ws) == before
    ok(drawn("visits", "--xlsx", str(tmp_path / "合并上门2.XLSX"), "--today", "2022-12-31"))


def test_visits_with_nothing_to_combine(jssj):
    res = ok(jssj("visits", "--today", "2022-12-31"))
    assert "没有在抽查时间重叠的几个任务中都被抽中的企业" in res.stdout
    assert json.loads(ok(jssj("visits", "--json", "--today", "2022-12-31")).stdout)["visits"] == []
