"""The I/O side of results and publications: reading what they need, appending their events.

``results.py``, ``publish.py``, ``notice.py`` and ``sheet.py`` are pure; this module feeds
them from the workspace (the ledger, plans/<year>.yaml, calendar/, the draw records) and
writes what they produce. Like ``rounds.run_draw``, every write happens under the
ledger lock, after the state has been re-read under that lock: notice files are written
atomically first, and the ledger line that names them is the commit point.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from shuangsuiji.errors import InputErrors, PlanNotFound, SsjError, UnknownTask
from shuangsuiji.events import Round, build_rounds
from shuangsuiji.fileio import atomic_write_bytes
from shuangsuiji.ledger import Ledger, LedgerEvent, load_events
from shuangsuiji.model import Plan, Task
from shuangsuiji.plan import load_plan
from shuangsuiji.publish import Deadline, DueItem, deadline, due_list, is_published
from shuangsuiji.results import Checked, ResultRow, check_rows
from shuangsuiji.workdays import WorkCalendar, load_calendars
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
    from shuangsuiji.rounds import find_round

    r = find_round(events, year, task, number)
    if r.voided:
        raise SsjError(f"{task} 第 {r.number} 轮已于 {r.void['date']} 作废", "请用 ssj draws 查看有效的轮次")
    return r


def read_record(ws: Workspace, r: Round, check: bool = True) -> dict[str, Any]:
    """The round's draw record (``rounds.load_record``)."""
    from shuangsuiji.rounds import load_record

    return load_record(ws, r.draw, check)


def pick_names(ws: Workspace, r: Round) -> dict[str, str]:
    """Entity -> name as the draw record holds it; {} when the record cannot be read."""
    try:
        rec = read_record(ws, r, check=False)
    except SsjError:
        return {}
    return {p.get("entity", ""): p.get("name", "") for p in rec.get("picks", [])}


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class Recorded:
    checked: Checked
    events: tuple[LedgerEvent, ...]
    year: int


def record_results(
    ws: Workspace,
    rows: list[ResultRow],
    today: date,
    year: int | None = None,
    task: str | None = None,
    number: int | None = None,
) -> Recorded:
    """Check every row and, only when all are right, append their result events. Raises InputErrors."""
    ledger = Ledger(ws.ledger_path, ws.show(ws.ledger_path))
    with ledger.locked():
        events = events_of(ws)
        y = default_year(ws, events, task, year)
        plan = plan_of(ws, y)
        rounds = build_rounds(events)
        cache: dict[tuple, dict[str, str]] = {}

        def names(r: Round) -> dict[str, str]:
            if r.key not in cache:
                cache[r.key] = pick_names(ws, r)
            return cache[r.key]

        errors, checked = check_rows(rows, plan, rounds, today, task, number, names)
        if errors:
            raise InputErrors(errors)
        appended = ledger.append_many("result", list(checked.events))
    return Recorded(checked, tuple(appended), y)


# --------------------------------------------------------------------------- publish-due


@dataclass(frozen=True)
class DueReport:
    items: tuple[DueItem, ...]
    warnings: tuple[str, ...]


def due_report(ws: Workspace, today: date, year: int | None = None) -> DueReport:
    """Every live, unpublished round (of one year, or all years in the ledger) with its deadline."""
    if year is not None:
        ws.resolve_year(year)
    events = events_of(ws)
    cal = work_calendar(ws)
    open_rounds = [
        r for r in build_rounds(events).values()
        if not r.voided and not is_published(r) and (year is None or r.year == year)
    ]
    tasks: dict[tuple[int, str], Task] = {}
    plans: dict[int, Plan] = {}
    for r in open_rounds:
        if r.year not in plans:
            plans[r.year] = plan_of(ws, r.year)
        tasks[(r.year, r.task)] = task_of(plans[r.year], r.task)
    items = due_list(open_rounds, tasks, cal, today)
    return DueReport(tuple(items), tuple(calendar_warnings(ws, sorted({y for i in items for y in i.missing_years}))))


def calendar_warnings(ws: Workspace, years: list[int]) -> list[str]:
    return [
        f"{y} 年没有节假日安排数据，涉及该年的公示截止日按周一至周五为工作日计算，标为“暂定”。"
        f"国务院办公厅公布 {y} 年节假日安排后，请照通知填写 {ws.show(ws.calendar_path(y))}，截止日即成为确定日期。"
        for y in years
    ]


# --------------------------------------------------------------------------- publish


@dataclass(frozen=True)
class Published:
    event: LedgerEvent
    files: tuple[str, ...]  # as shown, relative to the workspace
    deadline: Deadline
    missing: tuple[str, ...]  # picks left out of a partial notice
    earlier: tuple[str, ...]  # dates of earlier publications of the round
    warnings: tuple[str, ...]


def notice_stem(folder: Path, task: str, number: int, day: date) -> str:
    """``<task>-r<N>-<date>``, with -2, -3 ... when a notice of that name (in any format) already exists."""
    from shuangsuiji.notice import FORMATS

    base = f"{task}-r{number}-{day.isoformat()}"
    stem, n = base, 1
    while any((folder / f"{stem}.{fmt}").exists() for fmt in FORMATS):
        n += 1
        stem = f"{base}-{n}"
    return stem


def publish_round(
    ws: Workspace,
    task: str,
    number: int | None,
    day: date,
    today: date,
    formats: tuple[str, ...],
    partial: bool,
    year: int | None = None,
) -> Published:
    """Write the notice files and append the publish event. Refused while results are missing unless ``partial``."""
    from shuangsuiji.notice import build_notice, render

    if day > today:
        raise SsjError(f"公示日期 {day} 晚于今天（{today}）", "不能登记将来的公示；请在公示当天运行，或补录时用 --today 写实际日期")
    cal = work_calendar(ws)
    ledger = Ledger(ws.ledger_path, ws.show(ws.ledger_path))
    with ledger.locked():
        events = events_of(ws)
        y = default_year(ws, events, task, year)
        plan = plan_of(ws, y)
        t = task_of(plan, task)
        r = live_round(events, y, task, number)
        where = f"{task} 第 {r.number} 轮"
        missing = r.missing()
        have = [e for e in r.picks if e not in missing]
        if not have:
            raise SsjError(f"{where}还没有登记任何检查结果，无可公示", f"请先用 ssj record --task {task} --round {r.number} 登记结果")
        if missing and not partial:
            names = pick_names(ws, r)
            listed = "、".join(f"{names.get(e) or e}（{e}）" for e in missing)
            raise SsjError(
                f"{where}还有 {len(missing)} 户没有登记检查结果：{listed}",
                f"请先用 ssj record 登记这些结果；如需先公示已完成的 {len(have)} 户，请加 --partial",
            )
        latest = max(r.current(e)["date"] for e in have)
        if day.isoformat() < latest:
            raise SsjError(f"公示日期 {day} 早于最后一户的检查日期 {latest}", "公示只能在检查之后；请核对 --date")
        record = read_record(ws, r)
        dl = deadline(r, t, cal)
        notice = build_notice(plan, t, record, {e: r.current(e).data for e in have}, day, bool(missing))
        folder = ws.public_dir(y)
        stem = notice_stem(folder, task, r.number, day)
        files = []
        for fmt in formats:
            data = render(notice, fmt)
            path = folder / f"{stem}.{fmt}"
            atomic_write_bytes(path, data)
            files.append({"path": path.relative_to(ws.draws_dir).as_posix(), "sha256": hashlib.sha256(data).hexdigest()})
        event = ledger.append("publish", {
            "year": y,
            "task": task,
            "round": r.number,
            "date": day.isoformat(),
            "check_end": dl.check_end.isoformat() if dl.check_end else None,
            "due": dl.due.isoformat(),
            "provisional": dl.provisional,
            "on_time": day <= dl.due,
            "partial": bool(missing),
            "entities": have,
            "files": files,
        })
    warnings = calendar_warnings(ws, list(dl.missing_years))
    return Published(
        event, tuple(ws.show(ws.draws_dir / f["path"]) for f in files), dl, tuple(missing),
        tuple(p["date"] for p in r.publications), tuple(warnings),
    )
