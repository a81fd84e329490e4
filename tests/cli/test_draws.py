"""ssj draws lists open commitments (two-phase draws not yet revealed or voided) besides the drawn rounds."""

from __future__ import annotations

import json

import pytest

from tests.helpers import ok, plan_for_year

SOURCE = "中国福利彩票 3D 第 2022089 期开奖号码"
EMPTY = "还没有摇号记录。\n"
HINT = ("hazchem 第 1 轮已承诺，待揭晓：2022-04-08 开奖后请用 ssj draw --task hazchem --reveal --source ... 揭晓；"
        "确需放弃请用 ssj void --task hazchem --round 1 --reason ...")
COMMITMENT_TABLE = [
    "┃ 年度 ┃ 任务    ┃ 轮次 ┃ 公开随机数来源                        ┃ 开奖日期   ┃ 抽取家数 ┃ 承诺文件                      ┃",
    "│ 2022 │ hazchem │ 1    │ 中国福利彩票 3D 第 2022089 期开奖号码 │ 2022-04-08 │ 9        │ 2022/hazchem-r1-commit-1.json │",
]


@pytest.fixture(autouse=True)
def wide(monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")  # every table row on one line


def commit(ssj, today="2022-04-06", source_date="2022-04-08"):
    return ok(ssj("draw", "--task", "hazchem", "--commit", "--source-plan", SOURCE, "--source-numbers", "3",
                  "--source-date", source_date, "--today", today))


def lines(res) -> list[str]:
    return [line.strip() for line in ok(res).stdout.splitlines()]


def test_an_open_commitment_is_listed_with_its_source_and_what_to_do_next(ssj, ws):
    assert ok(ssj("draws")).stdout == EMPTY
    commit(ssj)
    out = lines(ssj("draws"))
    assert out[0] == "待揭晓的摇号承诺"
    assert out[2:5:2] == COMMITMENT_TABLE
    assert out[-1] == HINT
    assert "摇号记录" not in out  # no drawn round: no table of them
    assert json.loads(ok(ssj("draws", "--json")).stdout) == [{
        "year": 2022, "task": "hazchem", "round": 1, "date": "2022-04-06", "seed": None, "algorithm": "sha256-rank", "k": 9,
        "voided": False, "void_reason": None, "record": "2022/hazchem-r1-commit-1.json", "seq": 1, "state": "committed",
        "source_plan": SOURCE, "source_date": "2022-04-08"}]


def test_a_revealed_commitment_is_a_drawn_round_and_no_longer_open(ssj, ws):
    commit(ssj)
    ok(ssj("draw", "--task", "coal", "--seed", "c1", "--today", "2022-04-07"))
    out = lines(ssj("draws"))
    assert out[0] == "摇号记录"
    assert "│ 2022 │ coal │ 1    │ 2022-04-07 │ c1   │ 6        │ 有效 │ 2022/coal-r1.json │" in out
    assert "待揭晓的摇号承诺" in out and out[-1] == HINT  # the rounds' table first, then the open commitment

    ok(ssj("draw", "--task", "hazchem", "--reveal", "--source", "3 5 2", "--today", "2022-04-08"))
    out = lines(ssj("draws"))
    assert "│ 2022 │ hazchem │ 1    │ 2022-04-08 │ 2.3.5./ │ 9        │ 有效 │ 2022/hazchem-r1.json │" in out
    assert "待揭晓的摇号承诺" not in out and not any("--reveal" in line for line in out)
    rows = json.loads(ok(ssj("draws", "--json")).stdout)
    assert [(r["seq"], r["task"], r["state"], r["seed"], r["record"], r["source_plan"], r["source_date"]) for r in rows] == [
        (2, "coal", "drawn", "c1", "2022/coal-r1.json", None, None),
        (3, "hazchem", "drawn", "2.3.5./", "2022/hazchem-r1.json", SOURCE, "2022-04-08"),
    ]


def test_a_voided_commitment_is_gone_from_the_list(ssj, ws):
    commit(ssj)
    ok(ssj("void", "--task", "hazchem", "--round", "1", "--reason", "开奖延期", "--today", "2022-04-07"))
    assert ok(ssj("draws")).stdout == EMPTY
    assert json.loads(ok(ssj("draws", "--json")).stdout) == []

    commit(ssj, "2022-04-07", "2022-04-09")  # committed again: the new one is open, the voided one still gone
    rows = json.loads(ok(ssj("draws", "--json")).stdout)
    assert [(r["seq"], r["state"], r["record"], r["source_date"]) for r in rows] == [
        (3, "committed", "2022/hazchem-r1-commit-2.json", "2022-04-09")]


def test_year_filters_commitments_and_the_hint_names_a_year_that_is_not_the_newest(ssj, ws):
    commit(ssj)
    plan_for_year(ws, 2023)
    assert ok(ssj("draws", "--year", "2023")).stdout == EMPTY
    assert json.loads(ok(ssj("draws", "--year", "2023", "--json")).stdout) == []
    assert [r["state"] for r in json.loads(ok(ssj("draws", "--year", "2022", "--json")).stdout)] == ["committed"]
    out = lines(ssj("draws", "--year", "2022"))
    assert out[2:5:2] == COMMITMENT_TABLE
    assert out[-1] == HINT.replace("--task hazchem", "--task hazchem --year 2022")
