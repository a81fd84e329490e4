"""The yearly cap of checks per entity (max_checks_per_year) through the CLI: draw, verify, check, and every refusal."""

from __future__ import annotations

import hashlib
import json
import re
from fractions import Fraction
from math import ceil

import pytest

from tests.helpers import ledger_bytes, ledger_events, ok, tree_digest

RATIOS = "    ratio_by_risk: {A: 0%, B: 10%, C: 30%, D: 100%}\n"


def set_caps(ws, block: str) -> None:
    path = ws / "plans" / "2022.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("\ntasks:\n", "\n" + block + "tasks:\n", 1), encoding="utf-8")


def stratify(ws) -> None:
    path = ws / "plans" / "2022.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("    ratio: 20%\n", "    ratio: 20%\n" + RATIOS, 1), encoding="utf-8")


def draw(ssj, task: str, seed: str, day: str) -> dict:
    return json.loads(ok(ssj("draw", "--task", task, "--seed", seed, "--today", day, "--json")).stdout)


def picks(rec: dict) -> list[str]:
    return [p["entity"] for p in rec["picks"]]


def scope_of(ssj, task: str) -> int:
    check = json.loads(ok(ssj("check", "--json", "--today", "2022-01-01")).stdout)
    return next(t["scope"] for t in check["tasks"] if t["id"] == task)


def forge(ws, name: str, edit) -> None:
    """Rewrite a record AND its hash on the ledger line, re-linking the chain: only re-derivation can catch it."""
    from shuangsuiji.ledger.chain import GENESIS, encode_event, line_digest

    path = ws / "draws" / "2022" / name
    rec = json.loads(path.read_text(encoding="utf-8"))
    edit(rec)
    data = (json.dumps(rec, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    path.write_bytes(data)
    prev, out = GENESIS, []
    for line in ledger_events(ws):
        head = {k: line.pop(k) for k in ("seq", "type", "at", "prev")}
        if line.get("record") == f"2022/{name}":
            line["record_sha256"] = hashlib.sha256(data).hexdigest()
        raw = encode_event(head["seq"], head["type"], head["at"], prev, line)
        out.append(raw + b"\n")
        prev = line_digest(raw)
    (ws / "draws" / "ledger.jsonl").write_bytes(b"".join(out))


def test_entities_at_their_cap_leave_the_next_draw_and_the_record_says_so(ssj, ws):
    set_caps(ws, "max_checks_per_year: 1\n")
    n = scope_of(ssj, "hazchem")
    first = draw(ssj, "hazchem", "上限 1", "2022-04-06")
    assert first["schema"] == "ssj.draw/1" and "capped" not in first  # nobody checked yet: the bytes of any draw
    second = draw(ssj, "hazchem", "上限 2", "2022-04-07")
    assert second["schema"] == "ssj.draw/2"
    assert second["capped"] == [{"id": i, "checks": 1, "cap": 1} for i in sorted(picks(first))]
    assert second["k"] == ceil(Fraction(20, 100) * (n - len(first["picks"])))  # k of the scope less the capped
    assert not set(picks(second)) & set(picks(first))
    assert second["excluded"] == [] and len(second["scope"]) == n  # the scope stays the plan's
    assert list(second)[-1] == "picks" and list(second).index("capped") < list(second).index("picks")
    assert "复核通过" in ok(ssj("verify")).stdout


def test_a_voided_round_does_not_count_and_a_replacement_counts_as_it_left_the_picks(ssj, ws):
    set_caps(ws, "max_checks_per_year: 1\n")
    first = draw(ssj, "hazchem", "作废前", "2022-04-06")
    ok(ssj("void", "--task", "hazchem", "--round", "1", "--reason", "名录库有误", "--today", "2022-04-06"))
    second = draw(ssj, "hazchem", "作废后", "2022-04-07")
    assert "capped" not in second  # the voided round's picks were never checked
    out = second["picks"][0]["entity"]
    ok(ssj("replace", "--task", "hazchem", "--round", "2", "--entity", out, "--reason", "停产", "--today", "2022-04-07"))
    came = ledger_events(ws)[-1]["replacement"]
    third = draw(ssj, "hazchem", "递补后", "2022-04-08")
    capped = {c["id"] for c in third["capped"]}
    assert came in capped and out not in capped
    assert capped == (set(picks(second)) - {out}) | {came}
    assert first  # drawn, voided: nothing of it counts
    assert "复核通过" in ok(ssj("verify")).stdout


def test_a_100_percent_task_draws_everyone_and_reports_those_over_the_cap(ssj, ws):
    set_caps(ws, "max_checks_per_year: 1\n")
    first = draw(ssj, "coal", "煤矿 1", "2022-03-10")
    second = draw(ssj, "coal", "煤矿 2", "2022-09-01")
    assert sorted(picks(second)) == sorted(picks(first))  # not silently dropped
    assert "capped" not in second
    assert second["over_cap"] == [{"id": i, "checks": 1, "cap": 1} for i in sorted(picks(second))]
    assert "复核通过" in ok(ssj("verify")).stdout


def test_a_stratified_draw_caps_per_stratum_and_a_100_percent_grade_is_reported(ssj, ws):
    stratify(ws)
    set_caps(ws, "max_checks_per_year: 1\n")
    first = draw(ssj, "hazchem", "分级 1", "2022-04-06")
    second = draw(ssj, "hazchem", "分级 2", "2022-04-07")
    before = {s["grade"]: s for s in first["strata"]}
    for s in second["strata"]:
        if s["grade"] == "D":  # 100%: drawn all the same, over the cap
            assert "capped" not in s and sorted(s["picks"]) == sorted(before["D"]["picks"])
        else:
            assert s.get("capped", []) == sorted(before[s["grade"]]["picks"])
            assert s["size"] == before[s["grade"]]["size"] - len(s.get("capped", []))
            assert s["k"] == ceil(Fraction(str(s["ratio"])) * s["size"])
    assert [c["id"] for c in second["capped"]] == sorted(i for s in second["strata"] for i in s.get("capped", []))
    assert [c["id"] for c in second["over_cap"]] == sorted(before["D"]["picks"])
    assert "复核通过" in ok(ssj("verify")).stdout


def test_caps_by_category_and_grade_apply_the_most_specific_entry(ssj, ws):
    set_caps(ws, "max_checks_per_year:\n  default: 1\n  by_category:\n    coal_mine: 2\n")
    coal = [draw(ssj, "coal", f"类别 煤矿 {n}", f"2022-03-1{n}") for n in (1, 2, 3)]
    assert "over_cap" not in coal[1]  # one check of two
    assert coal[2]["over_cap"] == [{"id": i, "checks": 2, "cap": 2} for i in sorted(picks(coal[2]))]
    first = draw(ssj, "hazchem", "类别 1", "2022-04-06")
    second = draw(ssj, "hazchem", "类别 2", "2022-04-07")
    assert second["capped"] == [{"id": i, "checks": 1, "cap": 1} for i in sorted(picks(first))]
    assert "复核通过" in ok(ssj("verify")).stdout


def test_check_shows_who_is_at_or_near_the_cap_as_of_today(ssj, ws):
    set_caps(ws, "max_checks_per_year: 2\n")
    first = draw(ssj, "hazchem", "近上限 1", "2022-04-06")
    draw(ssj, "coal", "近上限 煤矿", "2022-04-07")
    coal = draw(ssj, "coal", "近上限 煤矿 2", "2022-04-08")
    report = json.loads(ok(ssj("check", "--json", "--today", "2022-04-07")).stdout)["caps"]
    assert report["rule"] == "每户每年最多 2 次" and report["as_of"] == "2022-04-07"
    rows = {r["id"]: (r["checks"], r["left"]) for r in report["entities"]}
    assert rows == {i: (1, 1) for i in picks(first) + picks(coal)}  # one check left: near
    later = json.loads(ok(ssj("check", "--json", "--today", "2022-04-08")).stdout)["caps"]["entities"]
    assert [r["id"] for r in later[:len(coal["picks"])]] == sorted(picks(coal))  # at the cap first
    assert all(r["left"] == 0 for r in later[:len(coal["picks"])])
    text = ok(ssj("check", "--today", "2022-04-08")).stdout
    assert "每户每年检查次数上限" in text and "已达上限" in text and "还剩 1 次" in text
    empty = ok(ssj("check", "--today", "2022-04-05")).stdout
    assert "没有企业达到或接近上限" in empty


def test_a_plan_without_caps_shows_no_cap_section(ssj):
    assert "caps" not in json.loads(ok(ssj("check", "--json")).stdout)
    assert "检查次数上限" not in ok(ssj("check")).stdout


@pytest.mark.parametrize("block, message", [
    ("max_checks_per_year: 0\n", "每年最多检查 0 次不合理"),
    ("max_checks_per_year:\n  by_grade: {F: 1}\n", "风险等级 F 无法识别"),
    ("max_checks_per_year:\n  by_category: {gas: 1}\n", "类别 gas 不在计划的 categories 中"),
    ("max_checks_per_year:\n  limit: 1\n", "未知字段 limit"),
])
def test_a_bad_cap_is_refused_by_check_and_draw_naming_the_line_and_nothing_changes(ssj, ws, block, message):
    ok(ssj("draw", "--task", "coal", "--seed", "先摇一轮", "--today", "2022-03-10"))
    set_caps(ws, block)
    before = tree_digest(ws)
    res = ssj("check", "--today", "2022-03-11")
    assert res.exit_code == 2 and message in res.stderr
    start = next(n for n, text in enumerate((ws / "plans" / "2022.yaml").read_text(encoding="utf-8").splitlines(), 1)
                 if text.startswith("max_checks_per_year"))
    shown = re.search(r"plans/2022\.yaml:(\d+)", res.stderr)
    assert shown and start <= int(shown.group(1)) < start + block.count("\n")  # the line of the bad value
    res = ssj("draw", "--task", "hazchem", "--seed", "不应写入", "--today", "2022-04-06")
    assert res.exit_code == 2 and message in res.stderr
    assert tree_digest(ws) == before


def test_a_scope_wholly_at_its_cap_is_refused_and_nothing_is_written(ssj, ws):
    set_caps(ws, "max_checks_per_year: 1\n")
    path = ws / "plans" / "2022.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("    ratio: 10%\n", "    ratio: 90%\n", 1), encoding="utf-8")
    draw(ssj, "industry", "工贸 1", "2022-07-05")
    second = draw(ssj, "industry", "工贸 2", "2022-07-06")
    assert second["capped"]
    before = ledger_bytes(ws)
    digest = tree_digest(ws)
    res = ssj("draw", "--task", "industry", "--seed", "工贸 3", "--today", "2022-07-07")
    assert res.exit_code == 2
    assert "均已达到上限" in res.stderr and "ssj check" in res.stderr
    assert ledger_bytes(ws) == before and tree_digest(ws) == digest


@pytest.mark.parametrize("edit, message", [
    (lambda r: r["capped"].pop(), "capped"),
    (lambda r: r["capped"][0].update(checks=2), "本年度此前的有效检查为 1 次，记录为 2 次"),
    (lambda r: r["capped"][0].update(cap=2), "未达到上限 2"),
])
def test_verify_rederives_the_cap_exclusions_from_the_ledger(ssj, ws, edit, message):
    set_caps(ws, "max_checks_per_year: 1\n")
    draw(ssj, "hazchem", "复核 1", "2022-04-06")
    draw(ssj, "hazchem", "复核 2", "2022-04-07")
    forge(ws, "hazchem-r2.json", edit)
    res = ssj("verify")
    assert res.exit_code == 1
    assert message in res.stderr


def test_verify_catches_an_entity_at_its_cap_that_was_drawn_anyway(ssj, ws):
    """A record made as if there were no cap (capped emptied, the entity drawn) fails against the kept plan."""
    set_caps(ws, "max_checks_per_year: 1\n")
    first = draw(ssj, "hazchem", "漏排 1", "2022-04-06")
    draw(ssj, "hazchem", "漏排 2", "2022-04-07")

    def edit(rec):
        del rec["capped"]
        rec["schema"] = "ssj.draw/1"

    forge(ws, "hazchem-r2.json", edit)
    res = ssj("verify")
    assert res.exit_code == 1
    assert "已达检查次数上限而不参加抽取的企业（capped）与计划的 max_checks_per_year 和账本推出的不符" in res.stderr
    assert first


def test_a_reveal_draws_what_its_commitment_froze_when_other_draws_came_between(ssj, ws):
    """The cap counts the rounds before the commit line: a round of another task drawn before the reveal changes nothing."""
    set_caps(ws, "max_checks_per_year: 1\n")
    path = ws / "plans" / "2022.yaml"
    path.write_text(path.read_text(encoding="utf-8").rstrip("\n") + "\n\n  - id: extra\n    name: 危化专项\n    type: 定向\n"
                    "    matter: 专项检查\n    scope_label: 危化企业\n    scope: [hazchem_production, hazchem_trading]\n"
                    "    ratio: 50%\n    start: 2022-04-01\n    end: 2022-06-30\n", encoding="utf-8")
    draw(ssj, "hazchem", "承诺前", "2022-04-06")
    ok(ssj("draw", "--task", "hazchem", "--commit", "--source-plan", "福彩 3D", "--source-numbers", "3", "--source-date", "2022-04-09", "--today", "2022-04-07"))
    between = draw(ssj, "extra", "其间 专项", "2022-04-08")  # checks hazchem's entities after the commit
    rec = json.loads(ok(ssj("draw", "--task", "hazchem", "--reveal", "--source", "3 5 2", "--today", "2022-04-09", "--json")).stdout)
    assert rec["capped"] and rec["commit"]
    assert not {c["id"] for c in rec["capped"]} & set(picks(between))  # checked after the commit: not counted
    assert "复核通过" in ok(ssj("verify")).stdout
