"""record_pick_teams reads each pick's inspectors from a record's bytes as parsing the record gives them, or None."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from shuangsuiji.draw.record import record_bytes
from shuangsuiji.draw.scan import record_pick_teams

ids = [f"91140428MA000{i:02d}X" for i in range(8)]
tricky = st.text(alphabet=st.sampled_from(list('ab"\\\n\t 名 "inspectors": [],') + ["\u2028"]), max_size=10)


def record(teams: list[list[str]], names: list[str]) -> dict:
    picks = [{"entity": e, "rank": "0" * 64, "inspectors": team, "name": n, "category": "c", "town": "t",
              "inspector_names": [n] * len(team), "excluded_inspectors": [{"id": n, "reason": "local", "text": n}]}
             for e, team, n in zip(ids, teams, names)]
    return {"schema": "ssj.draw/1", "task_name": '"picks": [', "scope": ids, "picks": picks}


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.lists(tricky | st.sampled_from(["1404282201001", "1404282201002"]), max_size=4), tricky),
                min_size=0, max_size=len(ids)))
def test_teams_as_parsed_or_none(case):
    """Inspector ids and names with quotes, backslashes, brackets and the key text itself: the teams read are the
    parsed ones, or None (an escaped character) so that the caller parses the record."""
    data = record_bytes(record([list(t) for t, _ in case], [n for _, n in case]))
    parsed = [tuple(p["inspectors"]) for p in json.loads(data)["picks"]]
    got = record_pick_teams(data, ids[: len(case)])
    assert got is None or got == parsed
    if all(json.dumps(i, ensure_ascii=False) == f'"{i}"' for t, _ in case for i in t):
        assert got == parsed  # plain ids, as ssj's registry allows: always read without a parse


def test_other_layout_or_other_picks_gives_none():
    obj = record([["A", "B"], ["C", "D"]], ["甲", "乙"])
    assert record_pick_teams(record_bytes(obj), ids[:2]) == [("A", "B"), ("C", "D")]
    assert record_pick_teams(json.dumps(obj, ensure_ascii=False).encode("utf-8"), ids[:2]) is None  # another layout
    assert record_pick_teams(record_bytes(obj), ids[1:3]) is None  # not the ledger's picks
    assert record_pick_teams(record_bytes(obj), ids[:1]) is None
