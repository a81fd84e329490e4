"""Appending reads only the ledger's last line: the same seq, hash and torn-tail handling as a full parse."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from shuangsuiji.ledger.chain import GENESIS, Ledger, parse_ledger

# Lines from a few bytes to several read blocks (64 KiB) long: a draw line of 55,501 picks is ~1.2 MB.
sizes = st.lists(st.sampled_from([0, 1, 30, 5000, 70_000, 200_000]), min_size=0, max_size=6)


@settings(max_examples=40, deadline=None)
@given(sizes=sizes, torn=st.sampled_from([b"", b"{", b'{"seq": 9', b"x" * 70_000]))
def test_tail_agrees_with_a_full_parse(tmp_path_factory, sizes, torn):
    path = tmp_path_factory.mktemp("l") / "ledger.jsonl"
    ledger = Ledger(path)
    with ledger.locked():
        for i, n in enumerate(sizes):
            ledger.append("void", {"year": 2022, "task": "t", "round": i + 1, "date": "2022-04-01", "reason": "字" * n})
    if torn:
        with open(path, "ab") as fh:
            fh.write(torn)  # a write a crash cut short
    data = path.read_bytes() if path.exists() else b""
    committed = data[: data.rfind(b"\n") + 1]
    events, problems, _ = parse_ledger(committed)
    assert not problems
    keep, size, seq, prev = ledger._tail()
    assert (keep, size) == (len(committed), len(data))
    assert seq == (events[-1].seq + 1 if events else 1) and prev == (events[-1].digest if events else GENESIS)
    with ledger.locked():
        ev = ledger.append("void", {"year": 2022, "task": "t", "round": 99, "date": "2022-04-02", "reason": "再次"})
    again, problems, torn_left = parse_ledger(path.read_bytes())
    assert not problems and not torn_left and again[-1] == ev and ev.line == len(again)


def test_a_broken_last_line_is_refused_with_the_full_parse_message(tmp_path):
    path = tmp_path / "ledger.jsonl"
    ledger = Ledger(path)
    with ledger.locked():
        ledger.append("void", {"year": 2022, "task": "t", "round": 1, "date": "2022-04-01", "reason": "r"})
    with open(path, "ab") as fh:
        fh.write(b"not json\n")
    before = path.read_bytes()
    with ledger.locked():
        try:
            ledger.append("void", {"year": 2022, "task": "t", "round": 2, "date": "2022-04-01", "reason": "r"})
        except Exception as exc:  # LedgerCorrupt
            assert type(exc).__name__ == "LedgerCorrupt" and "ledger.jsonl:2" in str(exc)
        else:
            raise AssertionError("appended after a broken line")
    assert path.read_bytes() == before
