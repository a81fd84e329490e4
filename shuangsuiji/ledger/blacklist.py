"""The blacklist (失信黑名单), derived from the ledger alone.

Putting an entity on the list and taking it off are ledger events (``blacklist_add``,
``blacklist_remove``; ``ledger.events.BlacklistEvent``); nothing else keeps the list, and
no event is ever edited away. The rule of the fold, one entity at a time, in ledger order:
an addition puts an entity that is not listed on the list; a removal takes a listed one off.
``ssj blacklist`` refuses an addition of a listed entity, a removal of one not listed, and an
event dated before the entity's previous blacklist event, so in a ledger ssj wrote each
entity's events alternate add, remove, add ... with dates that never go back. An event
that breaks this (a hand-edited ledger) changes nothing in the fold, and
``blacklist_problems`` (run by ``ssj verify``) reports it.

An entity is *blacklisted on a day* when the fold kept an addition for it dated on or
before that day and no kept removal after that addition dated on or before the day:
``blacklisted_on``. (In a ledger ssj wrote, that is: its latest blacklist event on or before
the day is an addition.) Linear in the ledger; pure (the day is an argument).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from shuangsuiji.errors import InputError
from shuangsuiji.ledger.chain import LedgerEvent
from shuangsuiji.ledger.events import BlacklistEvent, is_iso_day, typed


@dataclass(frozen=True, slots=True)
class Stay:
    """One spell of an entity on the list: the addition, and the removal that ended it (None while listed)."""

    added: BlacklistEvent
    removed: BlacklistEvent | None = None

    @property
    def entity(self) -> str:
        return self.added.entity

    @property
    def listed(self) -> bool:
        return self.removed is None


def blacklist_events(events: Iterable[LedgerEvent]) -> list[BlacklistEvent]:
    """The blacklist events of the ledger, in ledger order."""
    return [t for t in map(typed, events) if isinstance(t, BlacklistEvent)]


def _fold(events: Iterable[BlacklistEvent]) -> tuple[list[Stay], list[tuple[BlacklistEvent, str]]]:
    """Every stay in order of addition, and the events the fold ignored with why (an English key)."""
    stays: list[Stay] = []
    open_at: dict[str, int] = {}  # entity -> index of its open stay in ``stays``
    last_day: dict[str, str] = {}
    ignored: list[tuple[BlacklistEvent, str]] = []
    for ev in events:
        if ev.date < last_day.get(ev.entity, ""):
            ignored.append((ev, "earlier"))
            continue
        at = open_at.get(ev.entity)
        if ev.added:
            if at is not None:
                ignored.append((ev, "listed"))
                continue
            open_at[ev.entity] = len(stays)
            stays.append(Stay(ev))
        else:
            if at is None:
                ignored.append((ev, "not_listed"))
                continue
            stays[at] = Stay(stays[at].added, ev)
            del open_at[ev.entity]
        last_day[ev.entity] = ev.date
    return stays, ignored


def stays(events: Iterable[LedgerEvent]) -> list[Stay]:
    """Every spell on the list the ledger records, in order of addition (ended ones included)."""
    return _fold(blacklist_events(events))[0]


def history(events: Iterable[LedgerEvent]) -> dict[str, tuple[BlacklistEvent, ...]]:
    """Entity -> the blacklist events that took effect for it, oldest first (ignored ones left out)."""
    out: dict[str, list[BlacklistEvent]] = {}
    for s in stays(events):
        out.setdefault(s.entity, []).extend([s.added] if s.removed is None else [s.added, s.removed])
    return {entity: tuple(evs) for entity, evs in out.items()}


def listed_on(events: Iterable[LedgerEvent], day: date | str) -> list[Stay]:
    """The stays open at the end of ``day``, in order of addition: the list as it stood that day."""
    cut = day.isoformat() if isinstance(day, date) else day
    return [s for s in stays(events) if s.added.date <= cut and (s.removed is None or s.removed.date > cut)]


def blacklisted_on(events: Iterable[LedgerEvent], day: date | str) -> frozenset[str]:
    """The ids of the entities on the blacklist at the end of ``day`` (``YYYY-MM-DD`` or a date)."""
    return frozenset(s.entity for s in listed_on(events, day))


_PROBLEMS = {
    "listed": "列入黑名单的企业 {entity} 此时已在黑名单上（重复列入）",
    "not_listed": "移出黑名单的企业 {entity} 此时不在黑名单上",
    "earlier": "企业 {entity} 的黑名单事件日期 {date} 早于它的上一条黑名单事件",
}


def blacklist_problems(events: list[LedgerEvent], shown: str) -> list[InputError]:
    """Blacklist lines that are malformed or that the fold ignores, each naming its ledger line."""
    hint = "账本只能追加，不能手工修改；请运行 ssj verify 并从备份恢复"
    typed_events = blacklist_events(events)
    problems: list[InputError] = []
    for ev in typed_events:
        where = f"第 {ev.seq} 号事件（{'blacklist_add' if ev.added else 'blacklist_remove'}）"
        if not ev.entity.strip():
            problems.append(InputError(shown, ev.line, f"{where}没有写企业（entity）", hint))
        if not ev.reason.strip():
            problems.append(InputError(shown, ev.line, f"{where}没有写原因（reason）", hint))
        if not is_iso_day(ev.date):
            problems.append(InputError(shown, ev.line, f"{where}的日期 {ev.date} 无效", hint))
    for ev, why in _fold(typed_events)[1]:
        where = f"第 {ev.seq} 号事件（{'blacklist_add' if ev.added else 'blacklist_remove'}）"
        problems.append(InputError(shown, ev.line, where + _PROBLEMS[why].format(entity=ev.entity, date=ev.date), hint))
    return sorted(problems, key=lambda p: p.line)
