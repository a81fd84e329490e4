"""What the actions read from a workspace: the ledger, plans, the calendar, draw records."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from shuangsuiji.deadlines.workdays import WorkCalendar, load_calendars
from shuangsuiji.errors import PlanNotFound, SsjError, UnknownEntity
from shuangsuiji.inputs.uscc import entity_key  # noqa: F401  (read here by credit and blacklist)
from shuangsuiji.ledger.chain import LedgerEvent, load_events
from shuangsuiji.ledger.state import Round, RoundKey, build_rounds, events_as_of
from shuangsuiji.records import Plan
from shuangsuiji.workspace import Workspace

if TYPE_CHECKING:  # the registry and record modules load only for the commands that read them (start-up)
    from shuangsuiji.draw.record import DrawRecord
    from shuangsuiji.inputs.entity_table import EntityTable


def events_of(ws: Workspace) -> list[LedgerEvent]:
    return load_events(ws.ledger_path, ws.show(ws.ledger_path))


def events_until(ws: Workspace, today: date) -> tuple[list[LedgerEvent], int]:
    """The ledger as it stood at the end of ``today`` (``--today`` is a cut-off), and how many later events were left out."""
    return events_as_of(events_of(ws), today)


def entity_registry(ws: Workspace) -> EntityTable:
    """data/entities.csv, checked with the categories of the newest plan (raises InputErrors as ssj check would)."""
    from shuangsuiji.inputs.entities import load_entity_table

    plan = plan_of(ws, ws.resolve_year(None))
    return load_entity_table(ws.entities_path, ws.show(ws.entities_path), plan.categories)


def unknown_entity(table: EntityTable, text: str, shown: str) -> UnknownEntity:
    """The error for an id that is not in the registry, naming the closest ids."""
    near = table.closest(text)
    hint = ("最接近的有：" + "；".join(f"{e.id}（{e.name}）" for e in near)) if near else f"请核对统一社会信用代码，或在 {shown} 中查找（ssj export entities 名录库.xlsx 可导出为 Excel）"
    return UnknownEntity(f"{shown} 中没有统一社会信用代码为 {text.strip() or '（空）'} 的企业", hint)


def later_note(left_out: int, today: date) -> str:
    """What a date-dependent command says when --today left later events out; "" when none."""
    if not left_out:
        return ""
    return f"账本中有 {left_out} 条事件日期晚于 {today}，按截至 {today} 的账本计算，未计入"


def plan_of(ws: Workspace, year: int) -> Plan:
    from shuangsuiji.inputs.plan import load_plan

    path = ws.plan_path(year)
    if not path.exists():
        raise PlanNotFound(
            f"账本中有 {year} 年的摇号，但没有 {ws.show(path)}",
            f"请放回 {year} 年的计划文件（从备份或版本库恢复）；计算期限需要其中各任务的抽查时间",
        )
    return load_plan(path, ws.show(path))


def work_calendar(ws: Workspace) -> WorkCalendar:
    """The working-day calendar: the workspace's calendar/<year>.yaml files over the library's data."""
    return WorkCalendar(load_calendars(ws.calendar_dir, ws.show))


def default_year(ws: Workspace, rounds: Mapping[RoundKey, Round], task: str | None, year: int | None) -> int:
    """--year, else the latest year with a live round of the task (any task when None), else the newest plan.

    So in January, ``ssj record --task coalwash`` still finds last December's round.
    """
    if year is not None:
        return ws.resolve_year(year)
    years = [r.year for r in rounds.values() if not r.voided and (task is None or r.task == task)]
    if years and max(years) in ws.plan_years():
        return max(years)
    return ws.resolve_year(None)


def read_record(ws: Workspace, r: Round) -> DrawRecord:
    """The round's draw record, its bytes checked against the ledger (``actions.draw.load_record``)."""
    from shuangsuiji.actions.draw import load_record

    return load_record(ws, r.draw)


def current_record(ws: Workspace, r: Round) -> DrawRecord:
    """The round's draw record with its picks as the round's replacements (递补) left them."""
    rec = read_record(ws, r)
    if not r.replacements:
        return rec
    from shuangsuiji.draw.replace import current_picks

    return dataclasses.replace(rec, picks=current_picks(rec, r.replacements))


def pick_names(ws: Workspace, r: Round) -> dict[str, str]:
    """Entity -> name as the draw record holds it; {} when the record cannot be read.

    The record's bytes are checked against the ledger, then only the picks' ids and names are
    read from them (``draw.record.record_pick_names``); the whole record is parsed only when
    that cannot be done.
    """
    from shuangsuiji.actions.draw import read_record_bytes
    from shuangsuiji.draw.record import parse_record
    from shuangsuiji.draw.scan import record_pick_names

    if r.replacements:  # the picks as the replacements (递补) left them
        try:
            return {p.entity: p.name for p in current_record(ws, r).picks}
        except SsjError:
            return {}
    try:
        data = read_record_bytes(ws, r.draw)
        names = record_pick_names(data, r.draw.picks)
        return names if names is not None else {p.entity: p.name for p in parse_record(data).picks}
    except SsjError:
        return {}


def calendar_warnings(ws: Workspace, years: list[int]) -> list[str]:
    return [
        f"{y} 年没有节假日安排数据，涉及该年的公示截止日按周一至周五为工作日计算，标为“暂定”。"
        f"国务院办公厅公布 {y} 年节假日安排后，请照通知填写 {ws.show(ws.calendar_path(y))}，截止日即成为确定日期。"
        for y in years
    ]


@dataclass(frozen=True)
class YearState:
    """What a writing action starts from: the ledger as of ``--today``, folded once, and the year's plan."""

    events: list[LedgerEvent]
    left_out: int  # events dated after --today, left out
    rounds: Mapping[RoundKey, Round]
    year: int
    plan: Plan


def year_state(ws: Workspace, today: date, task: str | None, year: int | None) -> YearState:
    """The ledger up to ``today``, its rounds, the year (``default_year``) and that year's plan."""
    events, left_out = events_until(ws, today)
    rounds = build_rounds(events)
    y = default_year(ws, rounds, task, year)
    return YearState(events, left_out, rounds, y, plan_of(ws, y))
