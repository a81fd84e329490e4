"""record_pick_names reads the picks' names from a record's bytes exactly as parsing the record does."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from shuangsuiji.draw.record import record_bytes
from shuangsuiji.draw.scan import record_pick_names

ids = [f"91140428MA000{i:02d}X" for i in range(8)]
tricky = st.text(alphabet=st.sampled_from(list('ab"\\\n\t 名称 "entity": "name": ') + ["\u2028", "\x00"]), max_size=12)


def record(names: list[str]) -> dict:
    picks = [{"entity": e, "rank": "0" * 64, "inspectors": ["A", "B"], "name": n, "category": "c", "town": "t",
              "inspector_names": ["甲", "乙"], "excluded_inspectors": [{"id": "X", "reason": "local", "text": n}]}
             for e, n in zip(ids, names)]
    return {"schema": "ssj.draw/1", "task_name": '"picks": [', "scope": ids, "picks": picks}


@settings(max_examples=200, deadline=None)
@given(st.lists(tricky, min_size=0, max_size=len(ids)))
def test_names_as_parsed(names):
    data = record_bytes(record(names))
    picks = ids[: len(names)]
    assert record_pick_names(data, picks) == {p["entity"]: p["name"] for p in json.loads(data)["picks"]}


def test_other_layout_or_other_picks_gives_none():
    obj = record(["甲", "乙"])
    compact = json.dumps(obj, ensure_ascii=False).encode("utf-8")
    assert record_pick_names(compact, ids[:2]) is None  # not the layout ssj writes: the caller parses
    assert record_pick_names(record_bytes(obj), ids[1:3]) is None  # not the ledger's picks
    assert record_pick_names(record_bytes(obj), ids[:1]) is None
