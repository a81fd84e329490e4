"""--today is a cut-off (issue 9 item 4) and a batch reports every error of every row (item 10).

Each command that depends on the date sees the ledger as it stood at the end of --today:
events dated after it are left out, and the command says how many.
"""

from __future__ import annotations

import json
import shutil

from tests.helpers import (
    REPO,
    Ssj,
    draw,
    ledger_events,
    ok,
    picks,
    record_all,
    tree_digest,
)


def _independent_due(ledger: list[dict], day: str) -> set[tuple[str, int]]:
    """Rounds drawn by ``day``, not voided and not fully published by it: counted from the raw lines alone."""
    def effective(ev: dict) -> str:
        return ev["date"] if isinstance(ev.get("date"), str) and len(ev["date"]) == 10 else ev["at"][:10]

    kept = [ev for ev in ledger if effective(ev) <= day]
    drawn = {(ev["task"], ev["round"]) for ev in kept if ev["type"] == "draw"}
    gone = {(ev["task"], ev["round"]) for ev in kept if ev["type"] == "void"}
    gone |= {(ev["task"], ev["round"]) for ev in kept if ev["type"] == "publish" and not ev["partial"]}
    return drawn - gone


def test_publish_due_on_the_sample_year_counts_only_events_up_to_today(tmp_path):
    root = tmp_path / "year"
    shutil.copytree(REPO / "examples" / "2022", root)
    ledger = [json.loads(line) for line in (root / "draws" / "ledger.jsonl").read_text(encoding="utf-8").splitlines()]
    ssj = Ssj(root)
    for day in ("2022-05-01", "2022-08-15"):
        items = json.loads(ok(ssj("publish-due", "--today", day, "--json")).stdout)
        assert {(i["task"], i["round"]) for i in items} == _independent_due(ledger, day)
        later = sum(1 for ev in ledger if (ev.get("date") or ev["at"][:10]) > day)
        assert later > 0
        text = ok(ssj("publish-due", "--today", day)).stdout
        assert f"账本中有 {later} 条事件日期晚于 {day}，按截至 {day} 的账本计算，未计入" in text
    # A round drawn in October is not "checking" on 2022-05-01.
    assert ("coal", 2) not in _independent_due(ledger, "2022-05-01")


def test_record_resolves_the_round_as_of_today(ssj, ws):
    first = draw(ssj, "hazchem", "2022-04-06")
    draw(ssj, "hazchem", "2022-05-06")  # round 2, drawn after the day being back-filled
    entity = picks(first)[0]
    res = ok(ssj("record", "--task", "hazchem", "--entity", entity, "--date", "2022-04-10", "--result", "no_problem",
                 "--today", "2022-04-20"))
    assert "账本中有 1 条事件日期晚于 2022-04-20" in res.stdout
    recorded = [ev for ev in ledger_events(ws) if ev["type"] == "result"]
    assert [(ev["round"], ev["entity"]) for ev in recorded] == [(1, entity)]


def test_publish_backfilled_sees_the_results_as_they_stood(ssj, ws):
    rec = draw(ssj, "hazchem", "2022-04-06")
    record_all(ssj, rec, "2022-04-20")
    entity = picks(rec)[0]
    ok(ssj("record", "--task", "hazchem", "--round", "1", "--entity", entity, "--date", "2022-05-10",
           "--result", "rectify", "--today", "2022-05-10"))  # a correction made later
    res = ok(ssj("publish", "--task", "hazchem", "--round", "1", "--today", "2022-04-25", "--format", "csv"))
    assert "账本中有 1 条事件日期晚于 2022-04-25" in res.stdout
    published = [ev for ev in ledger_events(ws) if ev["type"] == "publish"][0]
    assert published["check_end"] == "2022-04-20" and published["date"] == "2022-04-25"
    notice = (ws / "draws" / published["files"][0]["path"]).read_bytes().decode("utf-8-sig")
    assert "发现问题，责令整改" not in notice  # the correction of May was not yet in force on April 25


def test_a_batch_reports_every_error_of_every_row(ssj, ws, tmp_path):
    rec = draw(ssj, "hazchem", "2022-04-06")
    good = picks(rec)[0]
    batch = tmp_path / "results.csv"
    batch.write_text(
        "统一社会信用代码,检查日期,检查结果\n"
        f"{good},2022-02-30,不知道\n"  # a bad date and an unknown result
        "91140428MA0000000X,2099-01-01,no_problem\n"  # not drawn, and in the future
        f"{good},2022-04-10,no_problem\n",
        encoding="utf-8",
    )
    before = tree_digest(ws)
    res = ssj("record", "--task", "hazchem", "--from", str(batch), "--today", "2022-05-01")
    assert res.exit_code == 2, res.output
    shown = batch.as_posix()
    assert f"{shown}:2: 检查日期 2022-02-30 无法识别" in res.stderr
    assert f"{shown}:2: 未知的检查结果：不知道" in res.stderr
    assert f"{shown}:3: 企业 91140428MA0000000X 不是 hazchem 第 1 轮抽中的对象" in res.stderr
    assert f"{shown}:3: 检查日期 2099-01-01 晚于今天（2022-05-01）" in res.stderr
    assert ":4:" not in res.stderr
    assert tree_digest(ws) == before  # all or nothing


def test_a_row_of_an_unknown_task_still_has_its_other_errors_named(ssj, ws, tmp_path):
    draw(ssj, "hazchem", "2022-04-06")
    batch = tmp_path / "results.csv"
    batch.write_text("task,entity,date,result\nnosuch,X,2022/13/01,?\n", encoding="utf-8")
    res = ssj("record", "--from", str(batch), "--today", "2022-05-01")
    assert res.exit_code == 2, res.output
    for message in ("2022 年计划中没有任务 nosuch", "检查日期 2022/13/01 无法识别", "未知的检查结果：?"):
        assert f"{batch.as_posix()}:2: {message}" in res.stderr
