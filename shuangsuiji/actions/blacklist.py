"""ssj blacklist: putting an entity on the blacklist, taking it off, and the list as of a day.

Each change is one ledger line (``blacklist_add`` or ``blacklist_remove``), appended under
the ledger lock after the whole ledger has been read and checked under that lock; the list
is the fold of those lines (``ledger.blacklist``). A refused change appends nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from shuangsuiji.actions.reading import entity_key, entity_registry, events_until, unknown_entity
from shuangsuiji.codes import BLACKLIST_ADD, BLACKLIST_REMOVE
from shuangsuiji.errors import (
    AlreadyBlacklisted,
    DateOutOfRange,
    NotBlacklisted,
    ReasonRequired,
)
from shuangsuiji.files.tables import csv_bytes
from shuangsuiji.ledger.blacklist import Stay, history, listed_on
from shuangsuiji.ledger.chain import Ledger, LedgerEvent, load_events
from shuangsuiji.records import Entity
from shuangsuiji.workspace import Workspace


def _reason(reason: str, what: str) -> str:
    text = reason.strip()
    if not text:
        raise ReasonRequired(f"{what}必须写明原因", f"请用 --reason 说明{what}的原因，如 --reason \"经营异常名录期满三年未移出\"")
    return text


def _day(day: date | None, today: date, what: str) -> date:
    chosen = day or today
    if chosen > today:
        raise DateOutOfRange(f"{what}日期 {chosen} 晚于今天 {today}", "日期不能是将来；补录时请用 --today 写实际办理的日期")
    return chosen


def _not_before(events: list[LedgerEvent], entity: str, day: date, what: str) -> tuple[Stay | None, str]:
    """The entity's open stay (None when not listed) and its name in the ledger; refuses a day
    before the entity's last blacklist event, so the list never changes in the past."""
    past = history(events).get(entity, ())
    if past and past[-1].date > day.isoformat():
        last = past[-1]
        raise DateOutOfRange(
            f"{what}日期 {day} 早于企业 {entity} 上一次{'列入' if last.added else '移出'}黑名单的日期 {last.date}（账本第 {last.seq} 号事件）",
            f"黑名单只能按时间顺序变更；请用 --date 写 {last.date} 或以后的日期",
        )
    name = past[-1].name if past else ""
    return (Stay(past[-1]) if past and past[-1].added else None), name


@dataclass(frozen=True)
class Change:
    """A blacklist change committed: its ledger line and the entity's name."""

    event: LedgerEvent
    entity: str
    name: str
    day: str


def add_to_blacklist(ws: Workspace, entity: str, reason: str, basis: str, day: date | None, today: date) -> Change:
    """Append a ``blacklist_add`` line. Raises ReasonRequired, DateOutOfRange, UnknownEntity, AlreadyBlacklisted."""
    text = _reason(reason, "列入黑名单")
    chosen = _day(day, today, "列入黑名单的")
    key = entity_key(entity)
    table = entity_registry(ws)
    found: Entity | None = table.find(key)
    if found is None:
        raise unknown_entity(table, entity, ws.show(ws.entities_path))
    ledger = Ledger(ws.ledger_path, ws.show(ws.ledger_path))
    with ledger.locked():
        events = load_events(ws.ledger_path, ws.show(ws.ledger_path))
        open_stay, _ = _not_before(events, key, chosen, "列入黑名单的")
        if open_stay is not None:
            a = open_stay.added
            raise AlreadyBlacklisted(
                f"企业 {key}（{found.name}）已于 {a.date} 列入黑名单（原因：{a.reason}；账本第 {a.seq} 号事件）",
                "无需重复列入；用 ssj blacklist list 查看黑名单",
            )
        data = {"entity": key, "name": found.name, "date": chosen.isoformat(), "reason": text}
        if basis.strip():
            data["basis"] = basis.strip()
        ev = ledger.append(BLACKLIST_ADD, data)
    return Change(ev, key, found.name, chosen.isoformat())


def remove_from_blacklist(ws: Workspace, entity: str, reason: str, day: date | None, today: date) -> Change:
    """Append a ``blacklist_remove`` line. Raises ReasonRequired, DateOutOfRange, UnknownEntity, NotBlacklisted.

    An entity that has left the registry can still be taken off the list it is on.
    """
    text = _reason(reason, "移出黑名单")
    chosen = _day(day, today, "移出黑名单的")
    key = entity_key(entity)
    ledger = Ledger(ws.ledger_path, ws.show(ws.ledger_path))
    with ledger.locked():
        events = load_events(ws.ledger_path, ws.show(ws.ledger_path))
        open_stay, name = _not_before(events, key, chosen, "移出黑名单的")
        if open_stay is None:
            table = entity_registry(ws)
            found = table.find(key)
            if found is None and not name:
                raise unknown_entity(table, entity, ws.show(ws.entities_path))
            raise NotBlacklisted(f"企业 {key}（{found.name if found else name}）不在黑名单上", "用 ssj blacklist list 查看黑名单")
        ev = ledger.append(BLACKLIST_REMOVE, {"entity": key, "name": name, "date": chosen.isoformat(), "reason": text})
    return Change(ev, key, name, chosen.isoformat())


@dataclass(frozen=True)
class BlacklistView:
    """The list as it stood at the end of ``today``."""

    today: str
    stays: tuple[Stay, ...]
    left_out: int  # ledger events dated after today, left out

    COLUMNS = ("统一社会信用代码", "企业名称", "列入日期", "原因", "依据", "账本事件")
    KEYS = ("entity", "name", "date", "reason", "basis", "seq")

    def rows(self) -> list[dict]:
        return [{"entity": s.entity, "name": s.added.name, "date": s.added.date, "reason": s.added.reason,
                 "basis": s.added.basis, "seq": s.added.seq} for s in self.stays]

    def csv(self) -> bytes:
        """The list as CSV (``files.tables.csv_bytes``: every cell inert)."""
        return csv_bytes([self.COLUMNS, *([r[k] for k in self.KEYS] for r in self.rows())])


def blacklist_as_of(ws: Workspace, today: date) -> BlacklistView:
    events, left_out = events_until(ws, today)
    return BlacklistView(today.isoformat(), tuple(listed_on(events, today)), left_out)
