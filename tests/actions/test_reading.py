"""actions/reading.py, called directly and through the CLI: an entity id as a clerk types or pastes it."""

from __future__ import annotations

import json

from shuangsuiji.actions.reading import entity_key
from tests.helpers import ledger_events, ok

A = "91140428MA001007XX"


def test_entity_key_reads_typed_and_pasted_ids():
    assert entity_key(" 91140428ma001007xx ") == A
    assert entity_key("９１１４０４２８ＭＡ００１００７ＸＸ") == A  # full-width (a Chinese input method)
    assert entity_key("91140428 MA00\u30001007XX") == A  # an ideographic space inside
    assert entity_key("\ufeff" + A) == A  # the byte-order mark of a cell copied from a UTF-8 CSV
    assert entity_key(A + "\u200b") == A  # a zero-width space from a web page
    assert entity_key("\u200d\u2060" + A + "\u200e") == A  # joiners, word joiner, direction marks
    assert entity_key("") == ""


def test_a_pasted_id_finds_its_entity_in_credit_and_blacklist(ssj, ws):
    pasted = "\ufeff" + A.lower() + "\u200b"
    a = json.loads(ok(ssj("credit", pasted, "--json", "--today", "2022-05-01")).stdout)
    assert (a["entity"], a["in_registry"]) == (A, True)
    ok(ssj("blacklist", "add", pasted, "--reason", "严重违法失信", "--today", "2022-05-01"))
    ok(ssj("blacklist", "remove", pasted, "--reason", "信用修复", "--today", "2022-05-02"))
    assert [e["entity"] for e in ledger_events(ws)] == [A, A]


def test_an_id_with_nothing_near_is_told_how_to_look_it_up(ssj, ws):
    from shuangsuiji.actions.reading import entity_registry, unknown_entity
    from shuangsuiji.workspace import find_workspace

    err = unknown_entity(entity_registry(find_workspace(ws)), "", "data/entities.csv")
    assert (err.message, err.hint) == ("data/entities.csv 中没有统一社会信用代码为 （空） 的企业",
                                       "请核对统一社会信用代码，或在 data/entities.csv 中查找（ssj export entities 名录库.xlsx 可导出为 Excel）")
    res = ssj("blacklist", "remove", "?", "--reason", "信用修复", "--today", "2022-05-01")
    assert res.exit_code == 2 and res.stderr == (
        "data/entities.csv 中没有统一社会信用代码为 ? 的企业\n"
        "  提示：请核对统一社会信用代码，或在 data/entities.csv 中查找（ssj export entities 名录库.xlsx 可导出为 Excel）\n")


def test_a_pasted_id_is_recorded_and_replaced_as_the_registry_holds_it(ssj, ws):
    """ssj record (one result and a batch file) and ssj replace read --entity by the same rule as credit and blacklist."""
    from tests.helpers import draw, picks

    rec = draw(ssj, "hazchem", "2022-04-06")
    first, second, third = picks(rec)[:3]
    ok(ssj("record", "--task", "hazchem", "--entity", "\ufeff" + first.lower() + "\u200b", "--date", "2022-04-20",
           "--result", "no_problem", "--today", "2022-04-20"))
    batch = ws.parent / "batch.csv"
    batch.write_text(f"entity,date,result\n\ufeff{second.lower()} ,2022-04-21,no_problem\n", encoding="utf-8-sig")
    ok(ssj("record", "--task", "hazchem", "--from", str(batch), "--today", "2022-04-21"))
    ok(ssj("replace", "--task", "hazchem", "--round", "1", "--entity", "\u200b" + third.lower(), "--reason", "停产",
           "--today", "2022-04-21"))
    lines = ledger_events(ws)
    assert [(e["type"], e["entity"]) for e in lines[1:]] == [("result", first), ("result", second), ("replace", third)]
