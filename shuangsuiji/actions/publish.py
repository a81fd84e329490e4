"""ssj publish: write the notice files, then append the publish event.

A joint round (部门联合抽查) is published once, by the lead department, as one 联合抽查结果公示:
a pick is in it once every department has recorded its result, and the deadline runs from the
last department's check (``ledger.state.Round.check_end``).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from shuangsuiji.actions.reading import (
    calendar_warnings,
    later_note,
    pick_names,
    current_record,
    work_calendar,
    year_state,
)
from shuangsuiji.deadlines.due import Deadline, deadline
from shuangsuiji.errors import DateOutOfRange, NothingToPublish
from shuangsuiji.files.text import atomic_write_bytes
from shuangsuiji.ledger.chain import Ledger, LedgerEvent
from shuangsuiji.ledger.state import Round, find_round
from shuangsuiji.workspace import Workspace


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
    from shuangsuiji.results.notice import FORMATS

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
    """Write the notice files and append the publish event. Refused while results are missing unless ``partial``.

    The round is taken from the ledger as it stood at the end of ``today`` (``--today`` is a cut-off).
    """
    from shuangsuiji.render.notice import render
    from shuangsuiji.results.notice import build_joint_notice, build_notice

    if day > today:
        raise DateOutOfRange(f"公示日期 {day} 晚于今天（{today}）", "不能登记将来的公示；请在公示当天运行，或补录时用 --today 写实际日期")
    cal = work_calendar(ws)
    ledger = Ledger(ws.ledger_path, ws.show(ws.ledger_path))
    with ledger.locked():
        st = year_state(ws, today, task, year)
        left_out, y, plan = st.left_out, st.year, st.plan
        t = plan.get_task(task)
        r = find_round(st.rounds, y, task, number, live=True)
        have, missing = _publishable(ws, r, day, partial, plan.departments)
        record = current_record(ws, r)
        dl = deadline(r, t, cal)
        if r.departments:
            by_department = {e: r.department_results(e) for e in have}
            notice = build_joint_notice(plan, t, record, by_department, day, bool(missing))  # type: ignore[arg-type]
        else:
            notice = build_notice(plan, t, record, {e: r.current(e) for e in have}, day, bool(missing))
        files = _write_notice(ws, notice, render, y, task, r.number, day, formats)
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
    warnings = calendar_warnings(ws, list(dl.missing_years)) + ([later_note(left_out, today)] if left_out else [])
    return Published(
        event, tuple(ws.show(ws.draws_dir / f["path"]) for f in files), dl, tuple(missing),
        tuple(p.date for p in r.publications), tuple(warnings),
    )


def _publishable(ws: Workspace, r: Round, day: date, partial: bool, departments: dict[str, str] | None = None) -> tuple[list[str], list[str]]:
    """(picks with a result, picks without); refuses a round with none, or with some missing unless ``partial``."""
    where = f"{r.task} 第 {r.number} 轮"
    missing = r.missing()
    gaps = set(missing)
    have = [e for e in r.picks if e not in gaps]
    if not have:
        if r.departments and r.results:
            raise NothingToPublish(f"{where}是部门联合抽查，还没有一户各部门都登记了检查结果，无可公示",
                                   f"请各部门用 ssj record --task {r.task} --round {r.number} --department 部门代号 登记结果")
        raise NothingToPublish(f"{where}还没有登记任何检查结果，无可公示", f"请先用 ssj record --task {r.task} --round {r.number} 登记结果")
    if missing and not partial:
        names = pick_names(ws, r)
        listed = "、".join(f"{names.get(e) or e}（{e}）{_departments_missing(r, e, departments or {})}" for e in missing)
        raise NothingToPublish(
            f"{where}还有 {len(missing)} 户没有登记检查结果：{listed}",
            "请先用 ssj record 登记这些结果" + ("（联合抽查各部门分别登记：--department 部门代号）" if r.departments else "")
            + f"；如需先公示已完成的 {len(have)} 户，请加 --partial",
        )
    latest = max(_result_dates(r, have))
    if day.isoformat() < latest:
        raise DateOutOfRange(f"公示日期 {day} 早于最后一户的检查日期 {latest}", "公示只能在检查之后；请核对 --date")
    return have, missing


def _departments_missing(r: Round, entity: str, names: dict[str, str]) -> str:
    """In a joint round, which departments have not recorded the entity: "（未登记的部门：长子县消防救援大队（xf））"; "" otherwise."""
    if not r.departments:
        return ""
    gone = [f"{names.get(code, code)}（{code}）" for code, ev in r.department_results(entity).items() if ev is None]
    return f"（未登记的部门：{'、'.join(gone)}）"


def _result_dates(r: Round, entities: list[str]) -> list[str]:
    """The dates of the results in force of the entities (of every department in a joint round)."""
    if not r.departments:
        return [r.current(e).date for e in entities]  # type: ignore[union-attr]
    return [ev.date for e in entities for ev in r.department_results(e).values() if ev is not None]


def _write_notice(ws: Workspace, notice, render, year: int, task: str, number: int, day: date, formats: tuple[str, ...]) -> list[dict]:
    """Each format of the notice written atomically; their paths under draws/ and SHA-256."""
    folder = ws.public_dir(year)
    stem = notice_stem(folder, task, number, day)
    files = []
    for fmt in formats:
        data = render(notice, fmt)
        path = folder / f"{stem}.{fmt}"
        atomic_write_bytes(path, data)
        files.append({"path": path.relative_to(ws.draws_dir).as_posix(), "sha256": hashlib.sha256(data).hexdigest()})
    return files
