"""Seed kinds (issue 13 item 4): the record and the sheet say how the seed was fixed, the report counts rounds by
kind in every format, ssj check warns when most of a year's live draws were typed by hand."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from shuangsuiji.codes import SEED_KINDS
from shuangsuiji.draw.record import parse_record
from shuangsuiji.draw.seeds import HEAD_BYTES, KindCount, hand_warning, kind_counts, mostly_by_hand, origin_in_head, seed_kind
from tests.helpers import ok, tree_digest

SAMPLE = Path(__file__).resolve().parents[2] / "examples" / "2022" / "draws" / "2022"


def draw_json(ssj, *args: str) -> dict:
    return json.loads(ok(ssj("draw", *args, "--json")).stdout)


def test_old_records_map_to_kinds_and_their_origin_is_read_from_the_head():
    for path in sorted(SAMPLE.glob("*.json")):
        data = path.read_bytes()
        assert origin_in_head(data[:HEAD_BYTES]) == parse_record(data).seed_origin == "given"
    assert [seed_kind(o) for o in ("given", "generated", "public", "dice", "committed", "made-up", None)] == \
        ["hand", "os", "public", "dice", "committed", "unknown", "unknown"]


def test_counts_and_the_majority_rule():
    counts = kind_counts([("given", False), ("given", True), ("committed", False), (None, False)])
    assert [(c.kind, c.live, c.voided) for c in counts] == [
        ("committed", 1, 0), ("public", 0, 0), ("dice", 0, 0), ("hand", 1, 1), ("os", 0, 0), ("unknown", 1, 0)]
    assert mostly_by_hand([KindCount("hand", 1, 0), KindCount("os", 1, 0)]) is None  # exactly half: no warning
    assert mostly_by_hand([KindCount("hand", 2, 5), KindCount("os", 1, 0)]) == (2, 3)  # voided rounds do not count
    assert mostly_by_hand([]) is None and hand_warning(2022, []) is None
    assert "3 轮摇号中有 2 轮" in hand_warning(2022, [KindCount("hand", 2, 0), KindCount("dice", 1, 0)])


def test_seed_kind_on_the_record_and_the_sheet(ssj, ws):
    rec = draw_json(ssj, "--task", "hazchem", "--seed", "3-5-2", "--seed-kind", "dice", "--today", "2022-04-06")
    assert rec["seed_origin"] == "dice" and rec["schema"] == "ssj.draw/1"
    ok(ssj("sheet", "--task", "hazchem", "--round", "1"))
    assert "见证人掷骰：见证人当场掷骰得出" in (ws / "draws" / "2022" / "hazchem-r1-sheet.html").read_text(encoding="utf-8")
    rec = draw_json(ssj, "--task", "coal", "--seed", "typed", "--today", "2022-04-06")
    assert rec["seed_origin"] == "given"  # typed by hand: the default for --seed
    before = tree_digest(ws)
    for args in (["--seed-kind", "dice"], ["--seed", "x2", "--seed-kind", "骰子"],
                 ["--commit", "--source-plan", "3D", "--source-numbers", "3", "--source-date", "2022-04-09", "--seed-kind", "dice"]):
        res = ssj("draw", "--task", "industry", *args, "--today", "2022-04-07")
        assert res.exit_code == 2 and "--seed-kind" in res.output, res.output
        assert tree_digest(ws) == before


def _year_of_every_kind(ssj) -> None:
    draw_json(ssj, "--task", "hazchem", "--seed", "a", "--today", "2022-04-06")  # hand
    ok(ssj("void", "--task", "hazchem", "--round", "1", "--reason", "名录库有误", "--today", "2022-04-06"))
    draw_json(ssj, "--task", "hazchem", "--seed", "b", "--seed-kind", "dice", "--today", "2022-04-07")
    draw_json(ssj, "--task", "coal", "--today", "2022-04-07")  # the operating system's
    draw_json(ssj, "--task", "industry", "--source", "1 2 3", "--today", "2022-07-05")
    ok(ssj("draw", "--task", "coalwash", "--commit", "--source-plan", "3D", "--source-numbers", "3", "--source-date", "2022-10-11", "--today", "2022-10-10"))
    draw_json(ssj, "--task", "coalwash", "--reveal", "--source", "4 5 6", "--today", "2022-10-11")


def test_the_report_counts_rounds_by_kind_in_every_format(ssj, ws, tmp_path):
    _year_of_every_kind(ssj)
    rep = json.loads(ok(ssj("report", "--year", "2022", "--today", "2023-01-31", "--format", "json")).stdout)
    assert {s["kind"]: (s["live"], s["voided"]) for s in rep["seeds"]} == {
        "committed": (1, 0), "public": (1, 0), "dice": (1, 0), "hand": (0, 1), "os": (1, 0)}
    assert rep["seed_warning"] is None
    labels = list(SEED_KINDS.values())
    for fmt in ("md", "html"):
        out = ok(ssj("report", "--year", "2022", "--today", "2023-01-31", "--format", fmt)).stdout
        assert "摇号种子的确定方式" in out and all(label in out for label in labels)
    out = ok(ssj("report", "--year", "2022", "--today", "2023-01-31")).stdout
    assert "摇号种子的确定方式" in out and "见证人掷骰" in out
    ok(ssj("report", "--year", "2022", "--today", "2023-01-31", "--format", "csv", "--out", str(tmp_path / "r.csv")))
    rows = (tmp_path / "r.csv").read_text(encoding="utf-8-sig").splitlines()
    at = rows.index("摇号种子的确定方式")
    assert rows[at + 1:at + 7] == ["种子的确定方式,有效轮次,作废轮次", "承诺的公开随机数（两步摇号）,1,0", "公开随机数（一步摇号）,1,0",
                                   "见证人掷骰,1,0", "手工录入,0,1", "操作系统随机数,1,0"]
    from openpyxl import load_workbook

    ok(ssj("report", "--year", "2022", "--today", "2023-01-31", "--format", "xlsx", "--out", str(tmp_path / "r.xlsx")))
    book = load_workbook(io.BytesIO((tmp_path / "r.xlsx").read_bytes()))
    cells = [c for sheet in book for row in sheet.iter_rows(values_only=True) for c in row if c is not None]
    assert "摇号种子的确定方式" in cells and "承诺的公开随机数（两步摇号）" in cells


@pytest.mark.parametrize("hand, other, warned", [(2, 1, True), (1, 1, False), (0, 2, False)])
def test_check_warns_when_most_live_draws_were_typed_by_hand(ssj, ws, hand, other, warned):
    tasks = iter([("hazchem", "2022-04-06"), ("coal", "2022-04-06"), ("industry", "2022-07-05"), ("coalwash", "2022-10-10")])
    for n in range(hand):
        task, day = next(tasks)
        draw_json(ssj, "--task", task, "--seed", f"h{n}", "--today", day)
    for n in range(other):
        task, day = next(tasks)
        draw_json(ssj, "--task", task, "--seed", f"d{n}", "--seed-kind", "dice", "--today", day)
    res = ok(ssj("check"))
    assert ("种子是手工录入的" in res.output) is warned
    warnings = json.loads(ok(ssj("check", "--json")).stdout)["warnings"]
    assert any("手工录入" in w["message"] and w["path"] == "draws/ledger.jsonl" for w in warnings) is warned
