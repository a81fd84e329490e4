"""The linear fold (frozenset picks) keeps exactly what the first, list-based fold kept, on random ledgers."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shuangsuiji.ledger.chain import GENESIS, encode_event, line_digest, parse_ledger
from shuangsuiji.ledger.state import add_results, build_rounds

ENTITIES = [f"91140428MA000{i:02d}X" for i in range(12)]
keys = st.tuples(st.sampled_from([2022, 2023]), st.sampled_from(["coal", "hazchem"]), st.integers(1, 3))
events = st.lists(
    st.one_of(
        st.tuples(st.just("draw"), keys, st.lists(st.sampled_from(ENTITIES), unique=True, max_size=6)),
        st.tuples(st.just("void"), keys, st.none()),
        st.tuples(st.just("result"), keys, st.sampled_from(ENTITIES)),
        st.tuples(st.just("publish"), keys, st.lists(st.sampled_from(ENTITIES), unique=True, max_size=3)),
    ),
    max_size=60,
)


def ledger_of(items) -> list:
    lines, prev = [], GENESIS
    for seq, (kind, (year, task, number), arg) in enumerate(items, start=1):
        data = {"year": year, "task": task, "round": number, "date": "2022-05-01"}
        if kind == "draw":
            data |= {"record": f"{year}/{task}-r{number}.json", "record_sha256": "0" * 64, "algorithm": "sha256-rank",
                     "seed": f"s{seq}", "k": len(arg), "picks": arg, "new_cycle": False, "cycle_picks": []}
        elif kind == "void":
            data |= {"reason": "作废"}
        elif kind == "result":
            data |= {"entity": arg, "result": "no_problem", "measures": "", "note": f"n{seq}"}
        else:
            data |= {"check_end": "2022-05-01", "due": "2022-05-12", "provisional": False, "on_time": True,
                     "partial": False, "entities": arg, "files": []}
        raw = encode_event(seq, kind, "2022-05-01T10:00:00+08:00", prev, data)
        lines.append(raw + b"\n")
        prev = line_digest(raw)
    parsed, problems, _ = parse_ledger(b"".join(lines))
    assert not problems
    return parsed


def list_fold(evs) -> dict:
    """The fold as first written: ``entity in list(picks)`` for every result, voids and publications by hand."""
    rounds: dict = {}
    for ev in evs:
        key = (ev.get("year"), ev.get("task"), ev.get("round"))
        if ev.type == "draw":
            if key not in rounds:
                rounds[key] = {"draw": ev.seq, "void": None, "results": {}, "publications": []}
            continue
        r = rounds.get(key)
        if r is None:
            continue
        if ev.type == "void" and r["void"] is None:
            r["void"] = ev.seq
        elif ev.type == "result" and r["void"] is None and ev.get("entity") in list(rounds_picks(evs, r["draw"])):
            r["results"].setdefault(ev.get("entity"), []).append(ev.seq)
        elif ev.type == "publish" and r["void"] is None:
            r["publications"].append(ev.seq)
    return rounds


def rounds_picks(evs, draw_seq: int) -> list[str]:
    return list(evs[draw_seq - 1].get("picks"))


def set_fold(evs) -> dict:
    return {
        key: {
            "draw": r.draw.seq, "void": r.void.seq if r.void else None,
            "results": {e: [x.seq for x in history] for e, history in r.results.items()},
            "publications": [p.seq for p in r.publications],
        }
        for key, r in build_rounds(evs).items()
    }


@settings(max_examples=300, deadline=None)
@given(events)
def test_set_fold_equals_list_fold(items):
    evs = ledger_of(items)
    assert set_fold(evs) == list_fold(evs)


def test_the_fold_keeps_order_and_drops_what_refers_to_nothing():
    evs = ledger_of([
        ("result", (2022, "coal", 1), ENTITIES[0]),  # before its draw: nothing to attach to
        ("draw", (2022, "coal", 1), ENTITIES[:2]),
        ("result", (2022, "coal", 1), ENTITIES[1]),
        ("result", (2022, "coal", 1), ENTITIES[5]),  # not a pick
        ("result", (2022, "coal", 1), ENTITIES[1]),  # a correction, kept after the first
        ("draw", (2022, "coal", 1), ENTITIES[3:5]),  # the same round again: the first draw stands
        ("void", (2022, "coal", 1), None),
        ("result", (2022, "coal", 1), ENTITIES[0]),  # after the void
    ])
    assert set_fold(evs) == list_fold(evs) == {
        (2022, "coal", 1): {"draw": 2, "void": 7, "results": {ENTITIES[1]: [3, 5]}, "publications": []}}


@settings(max_examples=200, deadline=None)
@given(events, st.lists(st.tuples(keys, st.sampled_from(ENTITIES)), max_size=12))
def test_adding_results_equals_folding_the_whole_ledger_again(items, appended):
    """``ssj record`` adds its new result lines to the rounds it folded instead of folding again."""
    evs = ledger_of(items + [("result", key, entity) for key, entity in appended])
    before, after = evs[:len(items)], evs[len(items):]
    assert add_results(build_rounds(before), after) == build_rounds(evs)


def test_adding_anything_but_results_is_refused():
    evs = ledger_of([("draw", (2022, "coal", 1), ENTITIES[:2]), ("void", (2022, "coal", 1), None)])
    with pytest.raises(ValueError):
        add_results(build_rounds(evs[:1]), evs[1:])


def test_a_result_naming_a_department_the_round_has_not_is_not_folded():
    """Only a joint round takes a department's result, and only of its own departments (full fold and add_results alike)."""
    evs = ledger_of([("draw", (2022, "coal", 1), ENTITIES[:2]), ("result", (2022, "coal", 1), ENTITIES[0]),
                     ("result", (2022, "coal", 1), ENTITIES[1])])
    raw = encode_event(4, "result", "2022-05-01T10:00:00+08:00", evs[-1].digest,
                       {"year": 2022, "task": "coal", "round": 1, "entity": ENTITIES[1], "date": "2022-05-01",
                        "result": "no_problem", "measures": "", "note": "", "department": "yj"})
    lines = b"".join(encode_event(ev.seq, ev.type, ev.at, ev.prev, ev.data) + b"\n" for ev in evs) + raw + b"\n"
    parsed, problems, _ = parse_ledger(lines)
    assert not problems
    rounds = build_rounds(parsed)
    assert [x.seq for x in rounds[(2022, "coal", 1)].results[ENTITIES[1]]] == [3]
    assert add_results(build_rounds(parsed[:3]), parsed[3:]) == rounds
