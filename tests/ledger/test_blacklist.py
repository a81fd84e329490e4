"""The blacklist's fold (ledger.blacklist): inline ledgers, the list as of a day, the lines verify reports."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from shuangsuiji.ledger.blacklist import (
    blacklist_problems,
    blacklisted_on,
    history,
    listed_on,
    stays,
)
from shuangsuiji.ledger.chain import GENESIS, encode_event, line_digest, parse_ledger
from shuangsuiji.ledger.events import BlacklistEvent, typed
from shuangsuiji.ledger.state import build_rounds, event_problems

A, B, C = "91140428MA001007XX", "91140428MA0010141R", "91140428MA0010213J"


def ledger(*items: tuple) -> list:
    """(type, entity, date[, reason]) items -> parsed ledger events."""
    lines, prev = [], GENESIS
    for seq, (kind, entity, day, *rest) in enumerate(items, start=1):
        data = {"entity": entity, "name": f"名{entity[-2:]}", "date": day, "reason": rest[0] if rest else "原因"}
        raw = encode_event(seq, kind, f"{day}T10:00:00+08:00", prev, data)
        lines.append(raw + b"\n")
        prev = line_digest(raw)
    events, problems, _ = parse_ledger(b"".join(lines))
    assert not problems
    return events


def test_typed_blacklist_lines_carry_no_round():
    ev = typed(ledger(("blacklist_add", A, "2022-05-01"))[0])
    assert isinstance(ev, BlacklistEvent) and ev.added and ev.entity == A and ev.year == 2022 and ev.basis == ""
    assert not hasattr(ev, "task") and not hasattr(ev, "round")


def test_the_list_on_each_day():
    evs = ledger(("blacklist_add", A, "2022-05-01"), ("blacklist_add", B, "2022-05-03"),
                 ("blacklist_remove", A, "2022-06-01"), ("blacklist_add", A, "2022-09-01"))
    assert blacklisted_on(evs, "2022-04-30") == frozenset()
    assert blacklisted_on(evs, "2022-05-01") == {A}
    assert blacklisted_on(evs, "2022-05-31") == {A, B}
    assert blacklisted_on(evs, "2022-06-01") == {B}  # the removal counts from its own day
    assert blacklisted_on(evs, "2022-12-31") == {A, B}
    assert [s.entity for s in listed_on(evs, "2022-12-31")] == [B, A]  # in order of addition
    assert [(e.added, e.date) for e in history(evs)[A]] == [(True, "2022-05-01"), (False, "2022-06-01"), (True, "2022-09-01")]
    assert [s.listed for s in stays(evs)] == [False, True, True]
    assert blacklist_problems(evs, "l") == []


def test_blacklist_lines_are_no_rounds_and_no_problems_for_the_round_fold():
    evs = ledger(("blacklist_add", A, "2022-05-01"), ("blacklist_remove", A, "2022-06-01"))
    assert build_rounds(evs) == {}
    assert event_problems(evs, "draws/ledger.jsonl") == []


def test_hand_edited_lines_change_nothing_and_are_reported():
    evs = ledger(("blacklist_add", A, "2022-05-01"), ("blacklist_add", A, "2022-05-02"),
                 ("blacklist_remove", B, "2022-05-03"), ("blacklist_remove", A, "2022-04-01"),
                 ("blacklist_add", C, "2022-13-01", " "))
    assert blacklisted_on(evs, "2022-12-31") == {A}  # "2022-13-01" sorts after every real day of 2022
    messages = [(p.line, p.message) for p in event_problems(evs, "draws/ledger.jsonl")]
    assert [line for line, _ in messages] == [2, 3, 4, 5, 5]
    assert "此时已在黑名单上" in messages[0][1] and "此时不在黑名单上" in messages[1][1]
    assert "早于它的上一条黑名单事件" in messages[2][1]
    assert {"没有写原因" in m or "日期 2022-13-01 无效" in m for _, m in messages[3:]} == {True}


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.booleans(), st.sampled_from([A, B, C]), st.integers(1, 28)), max_size=30),
       st.integers(1, 28))
def test_blacklisted_on_is_the_last_kept_event_on_or_before_the_day(raw, cut):
    """Re-derived by hand: per entity, events in ledger order that the fold keeps; listed iff the last one up to the day adds."""
    items = [("blacklist_add" if add else "blacklist_remove", e, f"2022-05-{d:02d}") for add, e, d in raw]
    evs = ledger(*items) if items else []
    kept: dict[str, list[tuple[str, bool]]] = {}
    for kind, entity, day in items:
        past = kept.setdefault(entity, [])
        listed = bool(past) and past[-1][1]
        if (past and day < past[-1][0]) or (kind == "blacklist_add") == listed:
            continue
        past.append((day, kind == "blacklist_add"))
    day = f"2022-05-{cut:02d}"
    want = {e for e, past in kept.items() if [a for d, a in past if d <= day][-1:] == [True]}
    assert blacklisted_on(evs, day) == want
