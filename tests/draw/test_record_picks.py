"""Reading a record's picks a column at a time gives the same picks as reading them one by one."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from shuangsuiji.draw import record as rec
from shuangsuiji.errors import RecordMalformed

text = st.sampled_from(["91140428MA00001X", "示例", "", "a"])
odd = st.one_of(st.none(), st.integers(), st.booleans(), st.lists(text, max_size=1), text)
exclusion = st.fixed_dictionaries({"id": text, "reason": st.sampled_from(["off_duty", "unqualified"]), "text": text})
good_pick = st.fixed_dictionaries({
    "entity": text, "rank": text, "inspectors": st.lists(text, max_size=3), "name": text, "category": text,
    "town": text, "inspector_names": st.lists(text, max_size=3), "excluded_inspectors": st.lists(exclusion, max_size=3),
})


@st.composite
def picks(draw):
    items = draw(st.lists(good_pick, max_size=5))
    if items and draw(st.booleans()):  # spoil one field of one pick (or one exclusion)
        i = draw(st.integers(0, len(items) - 1))
        key = draw(st.sampled_from([*items[i], "excluded_inspectors.id", "whole"]))
        if key == "whole":
            items[i] = draw(odd)
        elif key == "excluded_inspectors.id":
            items[i]["excluded_inspectors"] = [{"reason": "x", "text": "y"}, draw(odd)]
        elif draw(st.booleans()):
            del items[i][key]
        else:
            items[i][key] = draw(odd)
    return items


def one_by_one(items):
    saved = rec._well_formed_picks
    rec._well_formed_picks = lambda items: None
    try:
        return rec._picks(items)
    finally:
        rec._well_formed_picks = saved


@settings(max_examples=300, deadline=None)
@given(picks())
def test_columns_agree_with_one_by_one(items):
    try:
        slow = one_by_one(items)
    except RecordMalformed:
        assert rec._well_formed_picks(items) is None  # left to the one-by-one reading, which names the field
        return
    fast = rec._well_formed_picks(items)
    assert fast is None or fast == slow
    assert rec._picks(items) == slow
    if fast is not None:  # picks with the same exclusions share one tuple, as one-by-one reading gives
        by_content = {p.excluded_inspectors: p.excluded_inspectors for p in fast}
        assert all(p.excluded_inspectors is by_content[p.excluded_inspectors] for p in fast)


@settings(max_examples=100, deadline=None)
@given(st.lists(good_pick, max_size=6))
def test_well_formed_picks_take_the_column_path(items):
    fast = rec._well_formed_picks(items)
    assert fast is not None and fast == one_by_one(items)
