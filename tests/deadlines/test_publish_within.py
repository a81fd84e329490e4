"""Deadlines per plan (issue 9 item 21): ``publish_within_workdays`` in the plan, overridden per
task; publish-due, the report and the notices use the task's number."""

from __future__ import annotations

import json

from tests.helpers import draw, due, ok, record_all


def set_plan(ws, plan_level: str | None = None, hazchem: str | None = None) -> None:
    path = ws / "plans" / "2022.yaml"
    text = path.read_text(encoding="utf-8")
    if plan_level is not None:
        text = text.replace("local_avoidance:", f"publish_within_workdays: {plan_level}\nlocal_avoidance:", 1)
    if hazchem is not None:
        at = text.index("  - id: hazchem")
        end = text.index("inspectors_per_check: 2", at)
        text = text[:end] + f"publish_within_workdays: {hazchem}\n    " + text[end:]
    path.write_text(text, encoding="utf-8")


def hazchem_due(ssj) -> str:
    rec = draw(ssj)
    record_all(ssj, rec, "2022-05-10")
    (item,) = [d for d in due(ssj, "2022-05-11") if d["task"] == "hazchem"]
    return item["due"]


def test_default_is_seven_working_days(ssj):
    assert hazchem_due(ssj) == "2022-05-19"  # 5-10 is a Tuesday: 11..13, 16..19


def test_plan_field_sets_the_working_days(ssj, ws):
    set_plan(ws, plan_level="20")
    assert hazchem_due(ssj) == "2022-06-08"  # 20 working days; 6-3 is 端午节


def test_task_overrides_the_plan(ssj, ws):
    set_plan(ws, plan_level="20", hazchem="3")
    assert hazchem_due(ssj) == "2022-05-13"
    plan = json.loads(ok(ssj("check", "--json")).stdout)
    assert plan["ok"]


def test_an_implausible_number_is_refused(ssj, ws):
    set_plan(ws, plan_level="0")
    res = ssj("check")
    assert res.exit_code == 2 and "公示期限 0 个工作日不合理" in res.stderr
