"""ssj report: read the workspace and build the year's report."""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import TYPE_CHECKING

from shuangsuiji.deadlines.workdays import WorkCalendar
from shuangsuiji.draw.record import DrawRecord, Pick
from shuangsuiji.errors import CheckFailed
from shuangsuiji.ledger.events import DrawEvent, typed
from shuangsuiji.report.numbers import build_report
from shuangsuiji.report.records import Integrity, Report

if TYPE_CHECKING:
    from shuangsuiji.workspace import Workspace


def load_report(ws: Workspace, year: int | None, today: date) -> Report:
    """Read the workspace and build the report (the only function here that touches files).

    The report sees the ledger as it stood at the end of ``today`` (``ledger.state.events_as_of``):
    events dated after it are left out, and the report says how many. The integrity check is of
    the whole ledger file.

    Raises:
        PlanNotFound: there is no plan for the year.
        InputErrors: the plan or a registry has errors (ssj check lists them).
        CheckFailed: the ledger fails verification so badly that its events cannot be summed up.
    """
    from shuangsuiji.actions.verify import verify_workspace
    from shuangsuiji.deadlines.workdays import load_calendars
    from shuangsuiji.inputs.year import load_inputs
    from shuangsuiji.ledger.chain import read_ledger
    from shuangsuiji.ledger.state import events_as_of

    y = ws.resolve_year(year)
    inputs = load_inputs(ws, y)
    ledger = read_ledger(ws.ledger_path, ws.show(ws.ledger_path))
    events, left_out = events_as_of(ledger[0], today)
    draws = [ev for ev in map(typed, events) if isinstance(ev, DrawEvent) and ev.year == y]
    wanted = {ev.line for ev in draws}
    parsed: dict[int, DrawRecord] = {}  # ledger line of a draw -> its record

    same: dict = {}  # one object for each value that recurs across picks (categories, towns, teams)

    def keep(ev: DrawEvent, rec: DrawRecord) -> None:
        if ev.line in wanted:
            # The report reads a record's picks and teams, never its scope or pool (a tenth of the
            # registry per record): those are not kept for the whole year's records at once, and the
            # picks' recurring values are kept once (equal values: the same report).
            picks = tuple(_shared(p, same) for p in rec.picks)
            parsed[ev.line] = dataclasses.replace(rec, scope=(), pool=(), picks=picks)

    # One verify, which reads every record anyway: the report takes its records from it.
    integrity = Integrity.from_verify(verify_workspace(ws, ledger=ledger, inputs=inputs, on_record=keep))
    records: dict[tuple[str, int], DrawRecord | None] = {(ev.task, ev.round): parsed.get(ev.line) for ev in draws}
    calendar = WorkCalendar(load_calendars(ws.calendar_dir, ws.show))
    try:
        return build_report(inputs.plan, inputs.entities, inputs.inspectors, events, records, calendar, today, integrity, left_out)
    except (KeyError, TypeError, ValueError, AttributeError):
        if integrity.ok:
            raise  # a well-formed ledger must always give a report: this is a bug, not bad input
        first = integrity.failures[0]
        raise CheckFailed(
            f"账本复核未通过（{len(integrity.failures)} 处问题），其中的事件无法汇总，未能生成报告。"
            f"第一处：{first.get('file')}: {first.get('message')}",
            "请运行 ssj verify 查看全部问题，从备份恢复账本后重新生成报告",
        ) from None


def _shared(p: Pick, same: dict) -> Pick:
    """The pick with its category, town and team as the objects ``same`` already holds for equal values."""
    keep = same.setdefault
    return dataclasses.replace(p, category=keep(p.category, p.category), town=keep(p.town, p.town),
                               inspectors=keep(p.inspectors, p.inspectors), inspector_names=keep(p.inspector_names, p.inspector_names))
