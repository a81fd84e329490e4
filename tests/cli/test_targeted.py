"""always_include_blacklisted: blacklisted entities in scope join every round as 定向 additions (CLI, verify, notice, report)."""

from __future__ import annotations

import csv
import hashlib
import json

import pytest

from tests.helpers import ledger_bytes, ledger_events, ok, tree_digest


def hazchem_ids(ws) -> list[str]:
    with open(ws / "data" / "entities.csv", encoding="utf-8-sig", newline="") as f:
        return sorted(r["id"] for r in csv.DictReader(f)
                      if r["category"] in ("hazchem_production", "hazchem_trading") and r["status"] == "在营")


def always_include(ws, value: str = "true") -> None:
    path = ws / "plans" / "2022.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("    ratio: 20%\n", f"    ratio: 20%\n    always_include_blacklisted: {value}\n", 1), encoding="utf-8")


def blacklist(ssj, entity: str, day: str) -> None:
    ok(ssj("blacklist", "add", entity, "--reason", "严重违法失信", "--date", day, "--today", day))


def draw(ssj, seed: str, day: str, task: str = "hazchem") -> dict:
    return json.loads(ok(ssj("draw", "--task", task, "--seed", seed, "--today", day, "--json")).stdout)


def forge(ws, name: str, edit) -> None:
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
            line["picks"] = [p["entity"] for p in rec["picks"]]
            if "targeted" in rec:
                line["targeted"] = rec["targeted"]
            else:
                line.pop("targeted", None)
        raw = encode_event(head["seq"], head["type"], head["at"], prev, line)
        out.append(raw + b"\n")
        prev = line_digest(raw)
    (ws / "draws" / "ledger.jsonl").write_bytes(b"".join(out))


def unpicked(ws, seed_rec: dict, n: int) -> list[str]:
    drawn = {p["entity"] for p in seed_rec["picks"]}
    return [i for i in hazchem_ids(ws) if i not in drawn][:n]


def test_blacklisted_entities_join_every_round_after_the_random_picks(ssj, ws):
    always_include(ws)
    probe = json.loads(ok(ssj("draw", "--task", "hazchem", "--seed", "定向 1", "--today", "2022-04-06", "--json", "--dry-run")).stdout)
    listed = unpicked(ws, probe, 2)
    for entity in reversed(listed):
        blacklist(ssj, entity, "2022-04-01")
    blacklist(ssj, "91140428MA001007XX", "2022-04-01")  # a coal mine: not in hazchem's scope
    rec = draw(ssj, "定向 1", "2022-04-06")
    assert rec["schema"] == "ssj.draw/2"
    assert rec["targeted"] == sorted(listed)  # id order
    assert [p["entity"] for p in rec["picks"]][rec["k"]:] == sorted(listed)
    assert [p["entity"] for p in rec["picks"]][:rec["k"]] == [p["entity"] for p in probe["picks"]]  # the draw as without them
    assert all(p["rank"] == "" and len(p["inspectors"]) == 2 for p in rec["picks"][rec["k"]:])
    line = ledger_events(ws)[-1]
    assert line["targeted"] == sorted(listed) and line["k"] == rec["k"] and len(line["picks"]) == rec["k"] + 2
    second = draw(ssj, "定向 2", "2022-04-07")
    drawn = [p["entity"] for p in second["picks"]][:second["k"]]
    assert second.get("targeted", []) == sorted(set(listed) - set(drawn))  # every round: drawn at random, or added
    assert set(listed) <= {p["entity"] for p in second["picks"]}
    assert second["excluded"] == sorted(p["entity"] for p in rec["picks"][:rec["k"]])  # additions are no part of the cycle
    assert "复核通过" in ok(ssj("verify")).stdout


def test_a_blacklisted_entity_drawn_at_random_is_no_addition_and_a_removed_one_is_not_added(ssj, ws):
    always_include(ws)
    probe = json.loads(ok(ssj("draw", "--task", "hazchem", "--seed", "定向 抽中", "--today", "2022-04-06", "--json", "--dry-run")).stdout)
    drawn = probe["picks"][0]["entity"]
    other = unpicked(ws, probe, 1)[0]
    blacklist(ssj, drawn, "2022-04-01")
    blacklist(ssj, other, "2022-04-01")
    ok(ssj("blacklist", "remove", other, "--reason", "信用修复", "--date", "2022-04-05", "--today", "2022-04-05"))
    rec = draw(ssj, "定向 抽中", "2022-04-06")
    assert "targeted" not in rec and rec["schema"] == "ssj.draw/1"
    assert "复核通过" in ok(ssj("verify")).stdout


def test_without_the_flag_blacklisted_entities_are_drawn_as_any_other(ssj, ws):
    blacklist(ssj, hazchem_ids(ws)[0], "2022-04-01")
    rec = draw(ssj, "不定向", "2022-04-06")
    assert "targeted" not in rec and len(rec["picks"]) == rec["k"]


def test_an_addition_at_its_cap_is_checked_and_reported_over_it(ssj, ws):
    always_include(ws)
    path = ws / "plans" / "2022.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("\ntasks:\n", "\nmax_checks_per_year: 1\ntasks:\n", 1), encoding="utf-8")
    probe = json.loads(ok(ssj("draw", "--task", "hazchem", "--seed", "上限 定向", "--today", "2022-04-06", "--json", "--dry-run")).stdout)
    (entity,) = unpicked(ws, probe, 1)
    blacklist(ssj, entity, "2022-04-01")
    draw(ssj, "上限 定向", "2022-04-06")
    second = draw(ssj, "上限 定向 2", "2022-04-07")
    assert second["targeted"] == [entity]
    assert {"id": entity, "checks": 1, "cap": 1} in second["over_cap"]
    assert entity in {c["id"] for c in second["capped"]}  # out of the random draw, checked as an addition all the same
    assert entity not in [p["entity"] for p in second["picks"]][:second["k"]]
    assert "复核通过" in ok(ssj("verify")).stdout


def test_the_notice_and_the_report_count_the_additions_apart(ssj, ws, tmp_path):
    always_include(ws)
    probe = json.loads(ok(ssj("draw", "--task", "hazchem", "--seed", "公示 定向", "--today", "2022-04-06", "--json", "--dry-run")).stdout)
    (entity,) = unpicked(ws, probe, 1)
    blacklist(ssj, entity, "2022-04-01")
    rec = draw(ssj, "公示 定向", "2022-04-06")
    for p in rec["picks"]:
        ok(ssj("record", "--task", "hazchem", "--round", "1", "--entity", p["entity"], "--date", "2022-04-20",
               "--result", "no_problem", "--today", "2022-04-20"))
    ok(ssj("publish", "--task", "hazchem", "--round", "1", "--today", "2022-04-21"))
    notice = next((ws / "draws" / "2022" / "public").glob("*.md")).read_text(encoding="utf-8")
    assert "其中 1 户为失信黑名单企业定向检查" in notice
    assert notice.count("黑名单企业定向检查（不经摇号）") == 1
    report = json.loads(ok(ssj("report", "--format", "json", "--today", "2022-04-30")).stdout)
    assert (report["credit"]["targeted"], report["credit"]["targeted_entities"]) == (1, 1)
    text = ok(ssj("report", "--today", "2022-04-30")).stdout
    assert "黑名单企业定向检查" in text and "全年 1 户次、1 家" in text


def test_a_targeted_addition_cannot_be_replaced_from_the_ranked_list(ssj, ws):
    always_include(ws)
    probe = json.loads(ok(ssj("draw", "--task", "hazchem", "--seed", "递补 定向", "--today", "2022-04-06", "--json", "--dry-run")).stdout)
    (entity,) = unpicked(ws, probe, 1)
    blacklist(ssj, entity, "2022-04-01")
    draw(ssj, "递补 定向", "2022-04-06")
    before = tree_digest(ws)
    res = ssj("replace", "--task", "hazchem", "--round", "1", "--entity", entity, "--reason", "停产", "--today", "2022-04-07")
    assert res.exit_code == 2 and "定向检查企业" in res.stderr
    assert tree_digest(ws) == before


@pytest.mark.parametrize("value, message", [("maybe", "应为 true 或 false，实为 maybe"), ("", "应为非空文字")])
def test_a_bad_flag_is_refused_naming_its_line_and_nothing_changes(ssj, ws, value, message):
    always_include(ws, value)
    before = tree_digest(ws)
    line = next(n for n, t in enumerate((ws / "plans" / "2022.yaml").read_text(encoding="utf-8").splitlines(), 1)
                if "always_include_blacklisted" in t)
    res = ssj("draw", "--task", "hazchem", "--seed", "坏", "--today", "2022-04-06")
    assert res.exit_code == 2 and message in res.stderr and f"plans/2022.yaml:{line}" in res.stderr
    assert ssj("check").exit_code == 2
    assert tree_digest(ws) == before and ledger_bytes(ws) == b""


@pytest.mark.parametrize("edit, message", [
    (lambda r: (r["targeted"].pop(), r["picks"].pop()), "摇号日在黑名单上、在范围内而未被随机抽中的全部企业"),
    (lambda r: r["picks"][-1].update(rank="00"), "不应有排序值"),
])
def test_verify_rederives_the_additions_from_the_blacklist(ssj, ws, edit, message):
    always_include(ws)
    probe = json.loads(ok(ssj("draw", "--task", "hazchem", "--seed", "复核 定向", "--today", "2022-04-06", "--json", "--dry-run")).stdout)
    for entity in unpicked(ws, probe, 2):
        blacklist(ssj, entity, "2022-04-01")
    draw(ssj, "复核 定向", "2022-04-06")
    forge(ws, "hazchem-r1.json", edit)
    res = ssj("verify")
    assert res.exit_code == 1 and message in res.stderr


def test_verify_catches_an_addition_that_was_not_on_the_blacklist(ssj, ws):
    always_include(ws)
    probe = json.loads(ok(ssj("draw", "--task", "hazchem", "--seed", "伪造 定向", "--today", "2022-04-06", "--json", "--dry-run")).stdout)
    listed, stranger = unpicked(ws, probe, 2)
    blacklist(ssj, listed, "2022-04-01")
    draw(ssj, "伪造 定向", "2022-04-06")

    def edit(rec):
        extra = dict(rec["picks"][-1], entity=stranger)
        rec["picks"].append(extra)
        rec["targeted"] = sorted([listed, stranger])
        if rec["targeted"][0] == stranger:
            rec["picks"][-2:] = rec["picks"][-2:][::-1]

    forge(ws, "hazchem-r1.json", edit)
    res = ssj("verify")
    assert res.exit_code == 1 and f"定向检查的企业 {stranger} 在摇号日（2022-04-06）不在黑名单上" in res.stderr


def test_the_draw_output_says_who_left_at_the_cap_and_who_was_added(ssj, ws):
    always_include(ws)
    path = ws / "plans" / "2022.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("\ntasks:\n", "\nmax_checks_per_year: 1\ntasks:\n", 1), encoding="utf-8")
    probe = json.loads(ok(ssj("draw", "--task", "hazchem", "--seed", "输出 1", "--today", "2022-04-06", "--json", "--dry-run")).stdout)
    (entity,) = unpicked(ws, probe, 1)
    blacklist(ssj, entity, "2022-04-01")
    first = draw(ssj, "输出 1", "2022-04-06")
    out = ok(ssj("draw", "--task", "hazchem", "--seed", "输出 2", "--today", "2022-04-07")).stdout
    assert f"已达本年度检查次数上限 {first['k'] + 1} 家（不参加抽取）" in out
    assert f"黑名单企业定向检查 1 家（第 {ledger_events(ws)[-1]['k'] + 1} 行起，不经摇号" in out
    assert f"{entity}（已检查 1 次，上限 1 次）" in out


def test_plan_shows_the_flag_and_the_cap(ssj, ws):
    assert "always_include_blacklisted" not in ok(ssj("plan", "--json")).stdout
    always_include(ws)
    path = ws / "plans" / "2022.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("\ntasks:\n", "\nmax_checks_per_year: 2\ntasks:\n", 1), encoding="utf-8")
    shown = json.loads(ok(ssj("plan", "--json")).stdout)
    assert shown["max_checks_per_year"] == "每户每年最多 2 次"
    assert [t["id"] for t in shown["tasks"] if t.get("always_include_blacklisted")] == ["hazchem"]
    text = ok(ssj("plan")).stdout
    assert "每户每年检查次数上限（max_checks_per_year，跨全部任务）：每户每年最多 2 次" in text and "黑名单" in text
