"""What the actions read from a workspace: the ledger, plans, the calendar, draw records."""

from __future__ import annotations

from typing import Any

from shuangsuiji.deadlines.workdays import WorkCalendar, load_calendars
from shuangsuiji.errors import PlanNotFound, SsjError, UnknownTask
from shuangsuiji.inputs.plan import load_plan
from shuangsuiji.ledger.chain import LedgerEvent, load_events
from shuangsuiji.ledger.state import Round, build_rounds
from shuangsuiji.records import Plan, Task
from shuangsuiji.workspace import Workspace


def events_of(ws: Workspace) -> list[LedgerEvent]:
    return load_events(ws.ledger_path, ws.show(ws.ledger_path))


def plan_of(ws: Workspace, year: int) -> Plan:
    path = ws.plan_path(year)
    if not path.exists():
        raise PlanNotFound(
            f"账本中有 {year} 年的摇号，但没有 {ws.show(path)}",
            f"请放回 {year} 年的计划文件（从备份或版本库恢复）；计算期限需要其中各任务的抽查时间",
        )
    return load_plan(path, ws.show(path))


def task_of(plan: Plan, task_id: str) -> Task:
    task = plan.task(task_id)
    if task is None:
        known = "、".join(t.id for t in plan.tasks)
        raise UnknownTask(f"{plan.path or str(plan.year)} 中没有任务 {task_id}", f"可用任务：{known}（见 ssj plan）；年份不对时请加 --year")
    return task


def work_calendar(ws: Workspace) -> WorkCalendar:
    """The working-day calendar: the workspace's calendar/<year>.yaml files over the library's data."""
    return WorkCalendar(load_calendars(ws.calendar_dir, ws.show))


def default_year(ws: Workspace, events: list[LedgerEvent], task: str | None, year: int | None) -> int:
    """--year, else the latest year with a live round of the task (any task when None), else the newest plan.

    So in January, ``ssj record --task coalwash`` still finds last December's round.
    """
    if year is not None:
        return ws.resolve_year(year)
    years = [r.year for r in build_rounds(events).values() if not r.voided and (task is None or r.task == task)]
    if years and max(years) in ws.plan_years():
        return max(years)
    return ws.resolve_year(None)


def live_round(events: list[LedgerEvent], year: int, task: str, number: int | None) -> Round:
    """The round asked for, or the task's latest live round; refuses a voided one."""
    from shuangsuiji.ledger.state import find_round

    r = find_round(events, year, task, number)
    if r.voided:
        raise SsjError(f"{task} 第 {r.number} 轮已于 {r.void['date']} 作废", "请用 ssj draws 查看有效的轮次")
    return r


def read_record(ws: Workspace, r: Round, check: bool = True) -> dict[str, Any]:
    """The round's draw record (``rounds.load_record``)."""
    from shuangsuiji.actions.draw import load_record

    return load_record(ws, r.draw, check)


def pick_names(ws: Workspace, r: Round) -> dict[str, str]:
    """Entity -> name as the draw record holds it; {} when the record cannot be read."""
    try:
        rec = read_record(ws, r, check=False)
    except SsjError:
        return {}
    return {p.get("entity", ""): p.get("name", "") for p in rec.get("picks", [])}


def calendar_warnings(ws: Workspace, years: list[int]) -> list[str]:
    return [
        f"{y} 年没有节假日安排数据，涉及该年的公示截止日按周一至周五为工作日计算，标为“暂定”。"
        f"国务院办公厅公布 {y} 年节假日安排后，请照通知填写 {ws.show(ws.calendar_path(y))}，截止日即成为确定日期。"
        for y in years
    ]
