"""The ledger parse (``chain.parse_ledger``: shared field keys, slots filled directly) gives exactly the events and
problems of a plain parse that decodes each line and builds each ``LedgerEvent`` with its constructor."""

from __future__ import annotations

import hashlib
import json

from hypothesis import given, settings
from hypothesis import strategies as st

from shuangsuiji.codes import EVENT_TYPES
from shuangsuiji.ledger.chain import GENESIS, LedgerEvent, encode_event, line_digest, parse_ledger
from shuangsuiji.ledger.events import typed

HEAD = ("seq", "type", "at", "prev")


def plain_parse(data: bytes) -> tuple[list[LedgerEvent], list[tuple]]:
    """One ``json.loads`` and one ``LedgerEvent(...)`` per line, the checks in the same order."""
    events, problems = [], []
    lines = data.split(b"\n")
    lines.pop()  # every test ledger ends with its newline
    prev, expected = GENESIS, 1
    for number, raw in enumerate(lines, start=1):
        if not raw or raw.isspace():
            problems.append((number, None, "blank"))
            continue
        digest = hashlib.sha256(raw).hexdigest()
        try:
            obj = json.loads(raw.decode("utf-8"))
            if not isinstance(obj, dict):
                raise ValueError
        except ValueError:
            problems.append((number, None, "json"))
            prev, expected = digest, expected + 1
            continue
        seq, kind, at, line_prev = obj.get("seq"), obj.get("type"), obj.get("at", ""), obj.get("prev", "")
        if line_prev != prev:
            problems.append((number, seq if isinstance(seq, int) else None, "prev"))
        if seq != expected:
            problems.append((number, seq if isinstance(seq, int) else None, "seq"))
        if kind not in EVENT_TYPES:
            problems.append((number, seq if isinstance(seq, int) else None, "type"))
        events.append(LedgerEvent(seq if isinstance(seq, int) else expected, kind if type(kind) is str else str(kind),
                                  at if type(at) is str else str(at), line_prev if type(line_prev) is str else str(line_prev),
                                  {k: v for k, v in obj.items() if k not in HEAD}, number, digest))
        prev, expected = digest, expected + 1
    return events, problems


def kinds_of(problems) -> list[tuple]:
    words = {"空行": "blank", "JSON": "json", "prev": "prev", "序号": "seq", "事件类型": "type"}
    return [(p.line, p.seq, next(w for k, w in words.items() if k in p.message)) for p in problems]


scalars = st.one_of(st.none(), st.booleans(), st.integers(-3, 5), st.text(max_size=4), st.sampled_from(EVENT_TYPES))
values = st.one_of(scalars, st.lists(scalars, max_size=3), st.dictionaries(st.text(max_size=3), scalars, max_size=2))
field_names = st.sampled_from(["year", "task", "round", "entity", "date", "result", "note", "seq", "type", "at", "prev", "x"])


@st.composite
def ledgers(draw) -> bytes:
    """Lines as ssj writes them (result lines of one layout, a draw), lines with the head out of order or missing,
    repeated keys, blank lines, lines that are not objects; chains intact or broken."""
    out, prev = [], GENESIS
    for seq in range(1, draw(st.integers(0, 14)) + 1):
        shape = draw(st.sampled_from(["result", "result", "result", "draw", "shuffled", "odd", "blank", "array"]))
        if shape in ("result", "draw"):
            data = {"year": 2022, "task": "coal", "round": 1, "entity": draw(st.text(max_size=3)),
                    "date": "2022-05-01", "result": "no_problem", "measures": "", "note": draw(st.text(max_size=3))}
            if shape == "draw":
                data = {"year": 2022, "task": "coal", "round": 1, "picks": ["a", "b"], "k": 2}
            raw = encode_event(seq, shape, "2022-05-01T10:00:00+08:00", draw(st.sampled_from([prev, GENESIS])), data)
        elif shape == "shuffled":
            obj = {"seq": seq, "type": "result", "at": "t", "prev": prev, "entity": "e", "note": "n"}
            keys = draw(st.permutations(list(obj)))
            raw = json.dumps({k: obj[k] for k in keys}, ensure_ascii=False, separators=(",", ":")).encode()
        elif shape == "odd":
            pairs = draw(st.lists(st.tuples(field_names, values), max_size=6))
            raw = ("{" + ",".join(json.dumps(k) + ":" + json.dumps(v, ensure_ascii=False) for k, v in pairs) + "}").encode()
        elif shape == "blank":
            raw = draw(st.sampled_from([b"", b"  "]))
        else:
            raw = b'[1, {"seq": 2}]'
        out.append(raw + b"\n")
        prev = line_digest(raw)
    return b"".join(out)


@settings(max_examples=400, deadline=None)
@given(ledgers())
def test_the_parse_equals_a_plain_parse(data):
    events, problems, torn = parse_ledger(data)
    want, want_problems = plain_parse(data)
    assert not torn and kinds_of(problems) == want_problems
    assert events == want
    for ev, plain in zip(events, want):
        assert type(ev) is LedgerEvent and list(ev.data) == list(plain.data) and ev.typed_memo is plain.typed_memo
        assert typed(ev) == typed(plain)
        assert [type(v) for v in ev.data.values()] == [type(v) for v in plain.data.values()]


def test_lines_of_one_layout_share_their_field_keys_and_stay_frozen():
    data = b"".join(encode_event(seq, "result", "t", GENESIS, {"entity": f"e{seq}", "note": ""}) + b"\n" for seq in (1, 2))
    first, second = parse_ledger(data)[0]
    assert [id(k) for k in first.data] == [id(k) for k in second.data]
    try:
        first.seq = 5
    except AttributeError:
        pass
    else:
        raise AssertionError("a parsed LedgerEvent took a new seq")
    assert first.seq == 1 and first != second
