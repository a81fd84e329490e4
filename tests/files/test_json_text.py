"""files.json_text gives exactly the text of json.dumps(obj, ensure_ascii=False, indent=2)."""

from __future__ import annotations

import json
import math

from hypothesis import given, settings
from hypothesis import strategies as st

from shuangsuiji.files import json_text


def reference(obj) -> str:
    return json.dumps(obj, ensure_ascii=False, indent=2)


scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.text(), st.sampled_from(["示例%s", "%", '"\\', "\x00\n\u2028", "零"]),
    st.floats(allow_nan=True, allow_infinity=True),
)
keys = st.one_of(st.text(max_size=5), st.sampled_from(["entity", "100%", "名称"]))


def rows_of(values):
    """Lists of dicts that share their keys (the fast path), of any length."""
    return st.lists(keys, min_size=0, max_size=4, unique=True).flatmap(
        lambda ks: st.lists(st.fixed_dictionaries({k: values for k in ks}), max_size=6))


values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=5),
        st.tuples(inner, inner),
        st.dictionaries(keys, inner, max_size=5),
        st.dictionaries(st.one_of(st.integers(), st.booleans(), st.none(), st.floats()), inner, max_size=3),
        rows_of(inner),
    ),
    max_leaves=40,
)


@settings(max_examples=400, deadline=None)
@given(values)
def test_same_text_as_json_dumps(obj):
    assert json_text.dumps(obj) == reference(obj)
    assert "".join(json_text.iter_pieces({"a": obj, "b": [obj, obj]})) == reference({"a": obj, "b": [obj, obj]})


def test_shared_containers_and_long_lists_of_rows():
    shared = [{"id": "1404282201004", "reason": "off_duty", "text": "不在岗（休假）"}]
    picks = [
        {"entity": f"E{i:05d}", "rank": f"{i:064x}", "inspectors": ["a", "b"], "name": f"示例{i}",
         "excluded_inspectors": list(shared) if i % 3 else [], "n": i, "x": None if i % 2 else 1.5}
        for i in range(5000)
    ]
    record = {"schema": "ssj.draw/1", "scope": [p["entity"] for p in picks], "k": 5000, "picks": picks, "empty": {}}
    assert json_text.dumps(record) == reference(record)
    pieces = list(json_text.iter_pieces(record))
    assert max(map(len, pieces)) < len(reference(record)) / 2  # the picks come a slice at a time
    assert json_text.dumps(shared * 2) == reference(shared * 2)  # one dict twice at the same level


def test_specials_and_refusals():
    for obj in (math.nan, [math.inf, -math.inf], {1.5: 1, True: 2, None: 3, 7: 4}, "", [], {}, [[]], [{}], [[1], [1]]):
        assert json_text.dumps(obj) == reference(obj)
    for bad in ({"a": object()}, [{1, 2}], {(1, 2): 3}):
        try:
            json_text.dumps(bad)
        except TypeError:
            pass
        else:
            raise AssertionError(f"{bad!r} was encoded")


@settings(max_examples=300, deadline=None)
@given(st.lists(keys, min_size=1, max_size=4, unique=True).flatmap(
    lambda ks: st.tuples(st.just(tuple(ks)), st.lists(st.tuples(*[st.one_of(values, st.lists(st.text(), max_size=3).map(tuple))
                                                                    for _ in ks]), max_size=2 * 6))))
def test_rows_given_by_columns_encode_as_their_dicts(case):
    """json_text.Rows (a list of same-keyed dicts given as columns, tuples among the values) encodes as the dicts do."""
    ks, rows = case
    columns = [[row[i] for row in rows] for i in range(len(ks))]
    obj = json_text.Rows(ks, columns)
    expected = reference([dict(zip(ks, row)) for row in rows])
    assert json_text.dumps(obj) == expected
    assert "".join(json_text.iter_pieces({"picks": obj})) == reference({"picks": [dict(zip(ks, row)) for row in rows]})


def test_long_rows_in_slices_and_lists_of_text():
    """Past one slice of rows, Rows and a list of the same dicts give the same pieces; teams (tuples of text) as lists."""
    n = 2 * 2048 + 7
    cols = [[f"E{i}" for i in range(n)], [("a", f"b{i}") if i % 5 else () for i in range(n)], list(range(n))]
    rows = json_text.Rows(("entity", "inspectors", "n"), cols)
    dicts = [{"entity": e, "inspectors": list(t), "n": i} for e, t, i in zip(*cols)]
    assert list(json_text.iter_pieces({"picks": rows})) == list(json_text.iter_pieces({"picks": dicts}))
    assert "".join(json_text.iter_pieces({"picks": rows})) == reference({"picks": dicts})
