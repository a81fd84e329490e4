"""ssj blacklist add / remove / list through the CLI: the ledger lines, the list as of --today, every refusal."""

from __future__ import annotations

import json

import pytest

from tests.helpers import ledger_bytes, ledger_events, ok, tree_digest

A, B = "91140428MA001007XX", "91140428MA0010141R"
NAME_A = "长子县示例丹朱第1煤业有限公司"


def add(ssj, entity=A, day="2022-05-01", *extra):
    return ssj("blacklist", "add", entity, "--reason", "严重违法失信", "--date", day, "--today", "2022-06-30", *extra)


def test_add_appends_one_line_without_round(ssj, ws):
    res = ok(add(ssj, A, "2022-05-01", "--basis", "长应急罚〔2022〕1号"))
    assert res.stdout == f"已将 {A}（{NAME_A}）列入黑名单，自 2022-05-01 起（账本第 1 号事件）。\n"
    (ev,) = ledger_events(ws)
    assert {k: v for k, v in ev.items() if k not in ("at", "prev")} == {
        "seq": 1, "type": "blacklist_add", "entity": A, "name": NAME_A, "date": "2022-05-01",
        "reason": "严重违法失信", "basis": "长应急罚〔2022〕1号"}
    ok(ssj("verify"))


def test_the_id_is_read_as_clerks_type_it(ssj, ws):
    ok(add(ssj, " " + A.lower()))
    assert ledger_events(ws)[0]["entity"] == A
    assert "basis" not in ledger_events(ws)[0]  # only written when given


def test_list_as_of_today_in_every_format(ssj):
    ok(add(ssj, A, "2022-05-01", "--basis", "=HYPERLINK(\"x\")"))
    ok(ssj("blacklist", "remove", A, "--reason", "信用修复", "--date", "2022-06-01", "--today", "2022-06-30"))
    ok(add(ssj, B, "2022-06-10"))
    before = ok(ssj("blacklist", "list", "--today", "2022-04-30"))
    assert before.stdout == ("截至 2022-04-30，黑名单上没有企业。\n"
                             "注意：账本中有 3 条事件日期晚于 2022-04-30，按截至 2022-04-30 的账本计算，未计入\n")
    may = json.loads(ok(ssj("blacklist", "list", "--today", "2022-05-31", "--json")).stdout)
    assert may == {"today": "2022-05-31", "left_out": 2, "entities": [
        {"entity": A, "name": NAME_A, "date": "2022-05-01", "reason": "严重违法失信", "basis": "=HYPERLINK(\"x\")", "seq": 1}]}
    june = json.loads(ok(ssj("blacklist", "list", "--today", "2022-06-30", "--json")).stdout)
    assert [e["entity"] for e in june["entities"]] == [B]
    csv_text = ok(ssj("blacklist", "list", "--today", "2022-05-31", "--csv")).stdout
    assert csv_text.splitlines() == ["统一社会信用代码,企业名称,列入日期,原因,依据,账本事件",
                                     f"{A},{NAME_A},2022-05-01,严重违法失信,\"'=HYPERLINK(\"\"x\"\")\",1"]
    table = ok(ssj("blacklist", "list", "--today", "2022-05-31")).stdout
    assert "失信黑名单（截至 2022-05-31，共 1 家）" in table and NAME_A in table
    ok(ssj("verify"))


def test_a_new_listing_after_removal(ssj):
    ok(add(ssj, A, "2022-05-01"))
    ok(ssj("blacklist", "remove", A, "--reason", "信用修复", "--date", "2022-05-02", "--today", "2022-06-30"))
    ok(add(ssj, A, "2022-05-02"))  # the same day as the removal is not before it
    listed = json.loads(ok(ssj("blacklist", "list", "--today", "2022-06-30", "--json")).stdout)
    assert [(e["entity"], e["date"], e["seq"]) for e in listed["entities"]] == [(A, "2022-05-02", 3)]


@pytest.mark.parametrize("args, message", [
    (["add", A, "--reason", "再次", "--today", "2022-06-30"], f"企业 {A}（{NAME_A}）已于 2022-05-01 列入黑名单（原因：严重违法失信；账本第 1 号事件）"),
    (["remove", B, "--reason", "修复", "--today", "2022-06-30"], f"企业 {B}（长子县示例鲍店第2煤业有限公司）不在黑名单上"),
    (["add", "91140428MA001007XY", "--reason", "x", "--today", "2022-06-30"],
     "data/entities.csv 中没有统一社会信用代码为 91140428MA001007XY 的企业\n  提示：最接近的有：91140428MA001007XX（长子县示例丹朱第1煤业有限公司）"),
    (["remove", "91140428MA001007XY", "--reason", "x", "--today", "2022-06-30"], "最接近的有：91140428MA001007XX"),
    (["add", "长子县示例鲍店", "--reason", "x", "--today", "2022-06-30"], f"最接近的有：{B}（长子县示例鲍店第2煤业有限公司）"),
    (["add", B, "--reason", "  ", "--today", "2022-06-30"], "列入黑名单必须写明原因"),
    (["remove", A, "--reason", "", "--today", "2022-06-30"], "移出黑名单必须写明原因"),
    (["add", B, "--reason", "x", "--date", "2022-02-30", "--today", "2022-06-30"], "--date 的日期 2022-02-30 无法识别：2022 年 2 月只有 28 天"),
    (["add", B, "--reason", "x", "--today", "2022-13-01"], "--today 的日期 2022-13-01 无法识别"),
    (["add", B, "--reason", "x", "--date", "2022-07-01", "--today", "2022-06-30"], "列入黑名单的日期 2022-07-01 晚于今天 2022-06-30"),
    (["remove", A, "--reason", "x", "--date", "2022-04-30", "--today", "2022-06-30"],
     f"移出黑名单的日期 2022-04-30 早于企业 {A} 上一次列入黑名单的日期 2022-05-01（账本第 1 号事件）"),
    (["remove", A, "--reason", "x", "--today", "2022-04-30"], "早于企业"),  # --today before the listing: as of then
    (["list", "--json", "--csv"], "--json 和 --csv 只能选一个"),
])
def test_refused_changes_leave_the_workspace_byte_identical(ssj, ws, args, message):
    ok(add(ssj, A, "2022-05-01"))
    before, ledger = tree_digest(ws), ledger_bytes(ws)
    res = ssj("blacklist", *args)
    assert res.exit_code == 2, res.output
    assert message in (res.stdout if "--json" in args else res.stderr) and "Traceback" not in res.output
    assert tree_digest(ws) == before and ledger_bytes(ws) == ledger


def test_removing_an_entity_that_left_the_registry(ssj, ws):
    ok(add(ssj, A, "2022-05-01"))
    path = ws / "data" / "entities.csv"
    path.write_text("".join(line for line in path.read_text(encoding="utf-8-sig").splitlines(keepends=True) if A not in line),
                    encoding="utf-8")
    res = ok(ssj("blacklist", "remove", A, "--reason", "已注销", "--date", "2022-06-01", "--today", "2022-06-30"))
    assert res.stdout == f"已将 {A}（{NAME_A}）移出黑名单，自 2022-06-01 起（账本第 2 号事件）。\n"


def test_help_pages(ssj):
    page = ok(ssj("blacklist", "--help")).stdout
    for line in ("add     把企业列入黑名单。", "remove  把企业移出黑名单。", "list    列出黑名单。"):
        assert line in page
    assert "--basis <文字>" in ok(ssj("blacklist", "add", "--help")).stdout
    assert ssj("blacklist").exit_code == 2  # no sub-command: the group's help, on stderr


def test_verify_reports_a_hand_written_duplicate(ssj, ws):
    from shuangsuiji.ledger.chain import encode_event, line_digest

    ok(add(ssj, A, "2022-05-01"))
    raw = ledger_bytes(ws).rstrip(b"\n")
    line = encode_event(2, "blacklist_add", "2022-05-02T10:00:00+08:00", line_digest(raw),
                        {"entity": A, "name": NAME_A, "date": "2022-05-02", "reason": "再次"})
    (ws / "draws" / "ledger.jsonl").write_bytes(raw + b"\n" + line + b"\n")
    res = ssj("verify")
    assert res.exit_code == 1
    assert f"draws/ledger.jsonl:2: 第 2 号事件（blacklist_add）列入黑名单的企业 {A} 此时已在黑名单上（重复列入）" in res.stderr


def test_usage_errors_through_the_console_script(ws):
    import subprocess
    import sys

    for args, message in ((["blacklist", "add", B], "缺少必需的选项 --reason"),
                          (["blacklist", "remove", "--reason", "x"], "缺少必需的参数"),
                          (["blacklist", "nosuch"], "没有命令 nosuch")):
        res = subprocess.run([sys.executable, "-m", "shuangsuiji", "--root", str(ws), *args],
                             capture_output=True, text=True, encoding="utf-8")
        assert res.returncode == 2 and message in res.stderr, (args, res.stderr)
    assert not (ws / "draws" / "ledger.jsonl").exists()
