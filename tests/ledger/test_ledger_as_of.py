"""The ledger as it stood at the end of a day."""

from datetime import date

from shuangsuiji.ledger.chain import LedgerEvent
from shuangsuiji.ledger.state import event_day, events_as_of


def _ev(seq, kind, at, **data):
    return LedgerEvent(seq, kind, at, "", data, seq, "")


def test_events_dated_after_the_day_are_left_out():
    events = [
        _ev(1, "draw", "2022-04-06T10:00:00+08:00", date="2022-04-06"),
        _ev(2, "result", "2022-07-01T10:00:00+08:00", date="2022-05-01"),  # entered late, checked on 05-01
        _ev(3, "publish", "2022-05-02T09:00:00+08:00", date="2022-05-02"),
        _ev(4, "void", "2022-04-01T09:00:00+08:00"),  # no date field: the day it was appended
    ]
    kept, left_out = events_as_of(events, date(2022, 5, 1))
    assert [e.seq for e in kept] == [1, 2, 4]
    assert left_out == 1
    assert event_day(events[3]) == "2022-04-01"
