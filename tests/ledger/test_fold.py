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


def typed_fold(evs) -> dict:
    """The fold as it was before ``state.Results``: every result line typed first (``events.typed``), kept as
    ``ResultEvent`` tuples in a dict. The untyped fold must give the same rounds."""
    from shuangsuiji.ledger.events import DrawEvent, PublishEvent, ReplaceEvent, ResultEvent, VoidEvent, typed
    from shuangsuiji.ledger.state import Round

    draws, picks, voids, results, publications, replacements, order = {}, {}, {}, {}, {}, {}, {}
    for ev in evs:
        t = typed(ev)
        if type(t) is ResultEvent:
            key = (t.year, t.task, t.round)
            among = picks.get(key)
            departments = draws[key].departments if key in draws else ()
            fits = t.department in departments if departments else not t.department
            if among is not None and key not in voids and t.entity in among and fits:
                results.setdefault(key, {}).setdefault(t.entity, []).append(t)
            continue
        if not isinstance(t, (DrawEvent, VoidEvent, ReplaceEvent, PublishEvent)):
            continue
        key = (t.year, t.task, t.round)
        if isinstance(t, DrawEvent):
            if key not in draws:
                draws[key], picks[key] = t, {e: i for i, e in enumerate(t.picks)}
        elif key not in draws or key in voids:
            continue
        elif isinstance(t, VoidEvent):
            voids[key] = t
        elif isinstance(t, ReplaceEvent):
            among, done = picks[key], results.get(key, {})
            if t.target == "entity" and t.entity in among and t.entity not in done and t.replacement and t.replacement not in among:
                order.setdefault(key, list(among))
                position = among.pop(t.entity)
                among[t.replacement] = position
                order[key][position] = t.replacement
            replacements.setdefault(key, []).append(t)
        else:
            publications.setdefault(key, []).append(t)
    return {key: Round(key[0], key[1], key[2], d, voids.get(key), {e: tuple(h) for e, h in results.get(key, {}).items()},
                       tuple(publications.get(key, ())), tuple(replacements.get(key, ())),
                       tuple(order[key]) if key in order else None)
            for key, d in draws.items()}


FEW = ENTITIES[:3] + ["0", "1", "2"]  # ids a number in a hand-edited line reads as
few_keys = st.tuples(st.just(2022), st.just("coal"), st.integers(1, 2))
odd = st.one_of(st.sampled_from(FEW), st.integers(0, 3), st.none(), st.just(["x"]))
odd_lines = st.lists(
    st.one_of(
        st.tuples(st.just("draw"), few_keys, st.lists(st.sampled_from(FEW), unique=True, max_size=5),
                  st.sampled_from([[], [], ["yj", "xf"]])),
        st.tuples(st.just("void"), few_keys, st.none(), st.none()),
        st.tuples(st.just("result"), few_keys, odd, st.sampled_from([None, None, None, "", "yj", "xf", "sc", 0, ["yj"]])),
        st.tuples(st.just("result"), few_keys, odd, st.sampled_from([None, None, None, "", "yj", "xf", "sc", 0, ["yj"]])),
        st.tuples(st.just("replace"), few_keys, st.sampled_from(FEW), st.sampled_from(FEW)),
        st.tuples(st.just("publish"), few_keys, st.lists(st.sampled_from(FEW), unique=True, max_size=3), st.none()),
    ),
    max_size=40,
)


def odd_ledger(items) -> list:
    """Random lines, some as only a hand edit would leave them: an entity as a number, null or a list, a department
    that is not text or not the round's, a joint draw's departments."""
    lines, prev = [], GENESIS
    for seq, (kind, (year, task, number), arg, extra) in enumerate(items, start=1):
        data = {"year": year, "task": task, "round": number, "date": f"2022-05-{seq % 28 + 1:02d}"}
        if kind == "draw":
            data |= {"record": "r.json", "record_sha256": "0" * 64, "algorithm": "sha256-rank", "seed": f"s{seq}",
                     "k": len(arg), "picks": arg, "new_cycle": False, "cycle_picks": []}
            if extra:
                data["departments"] = extra
        elif kind == "result":
            data |= {"entity": arg, "result": "no_problem", "measures": "", "note": f"n{seq}"}
            if extra is not None:
                data["department"] = extra
        elif kind == "replace":
            data |= {"target": "entity", "entity": arg, "replacement": extra, "reason": "closed", "note": ""}
        elif kind == "publish":
            data |= {"due": "2022-05-12", "partial": False, "entities": arg, "files": []}
        else:
            data |= {"reason": "作废"}
        raw = encode_event(seq, kind, "2022-05-01T10:00:00+08:00", prev, data)
        lines.append(raw + b"\n")
        prev = line_digest(raw)
    return parse_ledger(b"".join(lines))[0]


@settings(max_examples=300, deadline=None)
@given(odd_lines)
def test_the_untyped_fold_of_result_lines_equals_typing_every_line(items):
    """``build_rounds`` keeps result lines untyped (``state.Results``): the same rounds, results and check ends."""
    rounds, reference = build_rounds(odd_ledger(items)), typed_fold(odd_ledger(items))
    assert rounds == reference
    for key, r in rounds.items():
        assert list(r.results) == list(reference[key].results) and len(r.results) == len(reference[key].results)
        assert r.complete == reference[key].complete and r.missing() == reference[key].missing()
        if r.complete and r.results:
            assert r.check_end() == reference[key].check_end()
        for entity in FEW:
            assert r.current(entity) == reference[key].current(entity)
            assert (entity in r.results) == (entity in reference[key].results)


@settings(max_examples=200, deadline=None)
@given(odd_lines, st.lists(st.tuples(few_keys, odd, st.sampled_from([None, "yj", "xf"])), max_size=12))
def test_adding_results_to_untyped_rounds_equals_folding_again(items, appended):
    evs = odd_ledger(items + [("result", key, entity, department) for key, entity, department in appended])
    before, after = evs[:len(items)], evs[len(items):]
    rounds = build_rounds(before)
    for r in rounds.values():  # some entities typed already, as a command that looked at them leaves them
        for entity in list(r.results)[::2]:
            r.results[entity]
    assert add_results(rounds, after) == build_rounds(evs) == typed_fold(evs)
