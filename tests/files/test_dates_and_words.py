"""What clerks type (issue 9 items 8 and 9): one date parser everywhere, result labels in their
short forms, entity status 存续."""

from __future__ import annotations

import json
from datetime import date

import pytest

from shuangsuiji.files.dates import DateProblem, parse_date
from tests.helpers import draw, ledger_events, ok, tree_digest

FORMS = ["2022-04-06", "2022/4/6", "2022.4.6", "2022年4月6日", "20220406"]


@pytest.mark.parametrize("text", FORMS + ["２０２２-04-06", "2022-04-06T00:00:00", " 2022-4-6 "])
def test_parse_date_accepts_every_form(text):
    assert parse_date(text) == date(2022, 4, 6)


@pytest.mark.parametrize(("text", "reason"), [
    ("2022-02-30", "2022 年 2 月只有 28 天，没有 30 日"),
    ("2022-13-01", "没有 13 月"),
    ("2022-4", "不是可识别的日期格式"),
    ("", "日期为空"),
])
def test_parse_date_refuses_with_the_reason(text, reason):
    with pytest.raises(DateProblem) as info:
        parse_date(text)
    assert info.value.reason == reason


@pytest.mark.parametrize("form", FORMS)
def test_today_option_takes_every_form(ssj, form):
    res = ok(ssj("draw", "--task", "hazchem", "--seed", "s1", "--today", form, "--dry-run", "--json"))
    assert json.loads(res.stdout)["date"] == "2022-04-06"


def test_today_option_refuses_a_day_that_does_not_exist(ssj, ws):
    before = tree_digest(ws)
    res = ssj("draw", "--task", "hazchem", "--seed", "s1", "--today", "2022-02-30")
    assert res.exit_code == 2
    assert "--today 的日期 2022-02-30 无法识别：2022 年 2 月只有 28 天，没有 30 日" in res.stderr
    assert "2023年4月1日" in res.stderr and tree_digest(ws) == before


@pytest.mark.parametrize("form", ["2022/4/1", "2022.4.1", "2022年4月1日", "20220401"])
def test_plan_dates_take_every_form(ssj, ws, form):
    plan = ws / "plans" / "2022.yaml"
    plan.write_text(plan.read_text(encoding="utf-8").replace("start: 2022-04-01", f"start: {form}", 1), encoding="utf-8")
    res = ok(ssj("plan", "--json"))
    assert "2022-04-01" in res.stdout


def test_plan_date_that_does_not_exist_names_the_reason(ssj, ws):
    plan = ws / "plans" / "2022.yaml"
    plan.write_text(plan.read_text(encoding="utf-8").replace("start: 2022-04-01", "start: 2022-02-30", 1), encoding="utf-8")
    res = ssj("check")
    assert res.exit_code == 2
    assert "字段 start 的日期 2022-02-30 无法识别：2022 年 2 月只有 28 天，没有 30 日" in res.stderr


@pytest.mark.parametrize(("label", "code"), [
    ("责令整改", "rectify"), ("立案", "penalty"), ("移交", "transfer"), ("移送", "judicial"),
    ("未发现问题", "no_problem"), ("停产", "not_operating"), ("未生产经营", "not_operating"), ("无法检查", "not_operating"),
])
def test_short_result_labels(ssj, ws, label, code):
    rec = draw(ssj)
    ok(ssj("record", "--task", "hazchem", "--entity", rec["picks"][0]["entity"], "--date", "2022/5/10",
           "--result", label, "--today", "20220512"))
    result = [e for e in ledger_events(ws) if e["type"] == "result"][-1]
    assert result["result"] == code and result["date"] == "2022-05-10"


def test_unknown_result_lists_the_short_forms_too(ssj, ws):
    rec = draw(ssj)
    res = ssj("record", "--task", "hazchem", "--entity", rec["picks"][0]["entity"], "--date", "2022-05-10",
              "--result", "合格", "--today", "2022-05-12")
    assert res.exit_code == 2
    assert "未知的检查结果：合格" in res.stderr and "rectify（发现问题，责令整改）" in res.stderr
    assert "也可写简称：责令整改（rectify）、立案（penalty）" in res.stderr


def test_entity_status_cunxu_counts_as_zaiying(ssj, ws):
    before = json.loads(ok(ssj("check", "--json")).stdout)
    path = ws / "data" / "entities.csv"
    path.write_bytes(path.read_bytes().replace(",在营,".encode(), ",存续,".encode()))
    after = json.loads(ok(ssj("check", "--json")).stdout)
    assert after["tasks"] == before["tasks"]  # the same scopes and draw counts
