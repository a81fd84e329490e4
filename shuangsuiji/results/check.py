"""Inspection results (检查结果): the codes of the plan's section 七, and checking what a clerk records.

A result says what the check of one drawn entity found. The codes follow the plan's
section 七 (抽查结果的应用): nothing found; a problem found and rectification ordered; a case
opened; handed to the competent department; handed to the judicial organs; and the entity
not operating, so it could not be checked.

How data flows: rows come from the command line or from a CSV/XLSX file
(``read_result_file``) as ``ResultRow`` records that keep their ``path:line``;
``check_rows`` compares them with the rounds folded from the ledger, the plan and today's
date, and returns every problem at once together with the ``result`` events to append.
Only when there is no problem at all does ``recording.record_results`` append them, so a
batch is recorded all or nothing. A row identical to the result already in force is not
appended again; a different one is a correction that supersedes it (the history stays in
the ledger).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Callable, Mapping

from shuangsuiji.codes import DEFAULT_MEASURES, RESULT_ALIASES, RESULT_CODES
from shuangsuiji.errors import (
    InputError,
    InputErrors,
    RoundNotFound,
    RoundVoided,
    UnknownTask,
)
from shuangsuiji.files.dates import DATE_HINT, DateProblem, parse_date
from shuangsuiji.files.tables import Column, read_table
from shuangsuiji.inputs.uscc import entity_key
from shuangsuiji.ledger.events import ResultEvent
from shuangsuiji.ledger.state import Round, RoundKey, find_round
from shuangsuiji.records import Plan, Task

RESULT_COLUMNS = (
    Column("task", "任务代号", ("任务", "任务代号"), False, False),
    Column("round", "轮次", ("轮次", "轮"), False, False),
    Column("entity", "统一社会信用代码", ("统一社会信用代码", "信用代码", "uscc", "id"), True, True),
    Column("name", "企业名称", ("企业名称", "名称", "单位名称"), False, False),
    Column("date", "检查日期", ("检查日期", "日期"), True, True),
    Column("result", "检查结果", ("检查结果", "结果"), True, True),
    Column("measures", "处理措施", ("处理措施", "措施"), False, False),
    Column("note", "备注", ("备注", "说明"), False, False),
    Column("department", "部门", ("部门", "检查部门", "部门代号"), False, False),
)

_SQUASH = re.compile(r"\s+")


def _fold(text: str) -> str:
    """Full-width punctuation to ASCII, no spaces, lower case: how codes and labels are compared."""
    return _SQUASH.sub("", unicodedata.normalize("NFKC", text)).lower()


_LOOKUP = ({_fold(k): k for k in RESULT_CODES} | {_fold(v): k for k, v in RESULT_CODES.items()}
           | {_fold(a): k for a, k in RESULT_ALIASES.items()})


def parse_result(text: str) -> str | None:
    """The result code for a code or its Chinese label (full- or half-width punctuation); None if unknown."""
    return _LOOKUP.get(_fold(text or ""))


def result_label(code: str) -> str:
    return RESULT_CODES.get(code, code)


def measures_text(code: str, measures: str) -> str:
    """处理措施 as published: the clerk's text, or the default for the result."""
    return measures.strip() or DEFAULT_MEASURES.get(code, "")


def codes_help() -> str:
    """Every accepted result word: each code with its label, then the short forms clerks write."""
    aliases = "、".join(f"{a}（{k}）" for a, k in RESULT_ALIASES.items())
    return "；".join(f"{k}（{v}）" for k, v in RESULT_CODES.items()) + f"；也可写简称：{aliases}"


def parse_date_text(text: str) -> date | None:
    """A date in any form ``files.dates.parse_date`` accepts; None when it is not a day."""
    return _day_or_reason(text)[0]


def _day_or_reason(text: str) -> tuple[date | None, str]:
    """(the day, "") or (None, why it is not one), by the one date parser."""
    try:
        return parse_date(text), ""
    except DateProblem as exc:
        return None, exc.reason


@dataclass(frozen=True, slots=True)
class ResultRow:
    """One result as the clerk gave it, before it is checked against the ledger."""

    entity: str
    date: str  # as written; checked by check_rows
    result: str  # code or label as written
    task: str = ""  # empty: the command's --task
    round: str = ""  # empty: the command's --round, else the task's latest live round
    name: str = ""  # optional: checked against the draw record
    measures: str = ""
    note: str = ""
    department: str = ""  # a joint task's department (code or name); empty: the command's --department, else the lead
    path: str = field(default="", compare=False)
    line: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Checked:
    """What check_rows found: the events to append, rows already in force, and warnings."""

    events: tuple[dict, ...]
    unchanged: tuple[dict, ...]
    warnings: tuple[str, ...]
    rounds: tuple[tuple[str, int], ...]  # (task, round) touched, in first-seen order


def read_result_file(path: Path, shown: str) -> list[ResultRow]:
    """Rows of a results CSV or XLSX (English or Chinese headers). Raises InputErrors."""
    if not path.exists():
        raise InputErrors([InputError(shown, 0, "结果文件不存在", "请检查 --from 后的文件路径")])
    table = read_table(path, shown, RESULT_COLUMNS)
    if not table.rows:
        raise InputErrors([InputError(shown, 0, "结果文件中没有数据行", "每家被检查企业填一行：统一社会信用代码、检查日期、检查结果")])
    return [
        ResultRow(
            entity=row["entity"], date=row["date"], result=row["result"], task=row.get("task", ""),
            round=row.get("round", ""), name=row.get("name", ""), measures=row.get("measures", ""),
            note=row.get("note", ""), department=row.get("department", ""), path=shown, line=line,
        )
        for line, row in table.rows
    ]


def check_rows(
    rows: list[ResultRow],
    plan: Plan,
    rounds: Mapping[RoundKey, Round],
    today: date,
    default_task: str | None = None,
    default_round: int | None = None,
    pick_names: Callable[[Round], Mapping[str, str]] | None = None,
    default_department: str | None = None,
) -> tuple[list[InputError], Checked]:
    """Check every row; returns (every problem of every row, what to append when there are none).

    Args:
        rows: the results as given.
        plan: the year's plan (tasks and year).
        rounds: ``ledger.state.build_rounds`` of the ledger.
        today: results dated after it are refused.
        default_task, default_round: the command's --task / --round, for rows that leave them empty.
        pick_names: the names the draw record holds for a round's picks, to check a row's name.
        default_department: the command's --department, for rows of a joint round that leave it empty.
    """
    errors: list[InputError] = []
    events: list[dict] = []
    unchanged: list[dict] = []
    warnings: list[str] = []
    touched: list[tuple[str, int]] = []
    seen: dict[tuple[str, int, str], ResultRow] = {}
    for row in rows:
        problems: list[tuple[str, str]] = []
        r = _row_round(row, plan, rounds, default_task, default_round, problems)
        data = _row_data(row, plan.year, r, today, pick_names, problems)
        department = _row_department(row, plan, r, default_department, problems)
        if data is not None and department:
            data["department"] = department
        if r is not None and data is not None and department is not None:
            key = (r.task, r.number, data["entity"], department)
            if key in seen:
                first = seen[key]
                problems.append((f"企业 {key[2]} 在本次登记中出现了两次（另一处：{first.path}:{first.line}）"
                                 + (f"（部门 {department}）" if department else ""),
                                 "一家企业一次只登记一个结果，请删除或合并重复的一行"))
            seen.setdefault(key, row)
        errors.extend(InputError(row.path, row.line, message, hint) for message, hint in problems)
        if problems or r is None or data is None or department is None:
            continue
        if (r.task, r.number) not in touched:
            touched.append((r.task, r.number))
        current = r.current(data["entity"], department or None)
        if current is not None and current.same_result(data["date"], data["result"], data["measures"], data["note"]):
            unchanged.append(data)
            continue
        warnings.extend(_row_warnings(plan.get_task(r.task), r, data, current is not None))
        events.append(data)
    return errors, Checked(tuple(events), tuple(unchanged), tuple(dict.fromkeys(warnings)), tuple(touched))


def _row_department(
    row: ResultRow, plan: Plan, r: Round | None, default: str | None, problems: list[tuple[str, str]]
) -> str | None:
    """The department code a row records for: in a joint round the row's, the command's or the lead's;
    "" in any other round (where a department may only name the task's own); None, with a problem, when wrong."""
    given = row.department.strip() or (default or "").strip()
    if r is None:
        return None
    names = plan.departments
    if not r.departments:
        if not given:
            return ""
        task = plan.task(r.task)
        own = (task.department_code, task.department) if task is not None else ()
        if given in own:
            return ""
        problems.append((f"任务 {r.task} 不是部门联合抽查，不按部门登记结果（给出的部门：{given}）",
                         "请去掉 --department（或文件中的 department 列）；只有联合抽查任务按部门登记"))
        return None
    if not given:
        return r.departments[0]
    for code in r.departments:
        if given in (code, names.get(code)):
            return code
    # As typed in Excel: XF, ｘｆ, 长子县 消防救援大队 (the fold that result codes get), when it names one department.
    folded = [code for code in r.departments if _fold(given) in (_fold(code), _fold(names.get(code, code)))]
    if len(folded) == 1:
        return folded[0]
    known = "、".join(f"{c}（{names.get(c, c)}）" for c in r.departments)
    problems.append((f"部门 {given} 不是联合抽查任务 {r.task} 第 {r.number} 轮的部门", f"可用部门：{known}；不写即牵头部门"))
    return None


def _row_round(
    row: ResultRow, plan: Plan, rounds: Mapping[RoundKey, Round], default_task: str | None, default_round: int | None,
    problems: list[tuple[str, str]],
) -> Round | None:
    """The live round a row belongs to (the same resolution as every command: ``ledger.state.find_round``)."""
    task_id = row.task.strip() or (default_task or "")
    raw_round = row.round.strip()
    try:
        if not task_id:
            raise UnknownTask("没有指定任务", "请用 --task 指定任务，或在文件中加 task（任务代号）列")
        plan.get_task(task_id)
        if raw_round and not (raw_round.isascii() and raw_round.isdigit()):
            raise RoundNotFound(f"轮次 {raw_round} 不是整数", "请写 1、2 这样的轮次号，或留空表示该任务最近一轮")
        return find_round(rounds, plan.year, task_id, int(raw_round) if raw_round else default_round, live=True)
    except (UnknownTask, RoundNotFound, RoundVoided) as exc:
        problems.append((exc.message, exc.hint))
        return None


def _row_data(
    row: ResultRow, year: int, r: Round | None, today: date, pick_names: Callable[[Round], Mapping[str, str]] | None,
    problems: list[tuple[str, str]],
) -> dict | None:
    """The result event a row makes, or None; every problem of the row is added to ``problems``."""
    entity = entity_key(row.entity)
    before = len(problems)
    if r is not None:
        where = f"{r.task} 第 {r.number} 轮"
        if entity not in r.pick_set:
            problems.append((f"企业 {entity or '(空)'} 不是 {where}抽中的对象",
                             f"请核对统一社会信用代码；该轮抽中的企业见 ssj results --year {year} --task {r.task} --round {r.number}"))
        elif row.name.strip() and pick_names is not None:
            recorded = pick_names(r).get(entity)
            if recorded and row.name.strip() != recorded:
                problems.append((f"企业名称“{row.name.strip()}”与摇号记录中 {entity} 的名称“{recorded}”不符",
                                 "请核对这一行的统一社会信用代码是否填错；名称列仅用于核对，也可以删掉该列"))
    day, why = _day_or_reason(row.date)
    if day is None:
        problems.append((f"检查日期 {row.date or '(空)'} 无法识别：{why}", DATE_HINT))
    elif r is not None and day < date.fromisoformat(r.draw_date):
        problems.append((f"检查日期 {day} 早于 {r.task} 第 {r.number} 轮的摇号日期 {r.draw_date}", "检查只能在摇号之后进行，请核对日期"))
    elif day > today:
        problems.append((f"检查日期 {day} 晚于今天（{today}）", "不能登记将来的检查；补录时请用 --today 写实际登记日期"))
    code = parse_result(row.result)
    if code is None:
        problems.append((f"未知的检查结果：{row.result or '(空)'}", "可用结果（代码或中文均可）：" + codes_help()))
    if r is None or day is None or code is None or len(problems) > before:
        return None
    return {
        "year": year, "task": r.task, "round": r.number, "entity": entity, "date": day.isoformat(),
        "result": code, "measures": row.measures.strip(), "note": row.note.strip(),
    }


def _row_warnings(task: Task, r: Round, data: dict, correction: bool) -> list[str]:
    out = []
    if data["date"] > task.end.isoformat():
        out.append(f"{data['entity']} 的检查日期 {data['date']} 晚于任务 {r.task} 的抽查时间（至 {task.end}），属逾期完成")
    if correction and r.publications:
        out.append(f"{r.task} 第 {r.number} 轮已于 {r.publications[-1].date} 公示，{data['entity']} 的结果更正后请重新公示："
                   f"ssj publish --task {r.task} --round {r.number}")
    return out


def _result_json(ev: ResultEvent) -> dict:
    out = {
        "seq": ev.seq, "at": ev.at, "date": ev.date, "result": ev.result,
        "result_label": result_label(ev.result), "measures": ev.measures, "note": ev.note,
    }
    if ev.department:
        out["department"] = ev.department
    return out


def round_results(r: Round, names: Mapping[str, str], department_names: Mapping[str, str] | None = None) -> list[dict]:
    """One row per pick, in draw order, with the result in force and every result recorded (oldest first).

    A joint round's rows also list ``departments``: each department's result in force and history,
    side by side; the row's own result is the lead department's, ``checked`` whether every department has one.
    """
    rows = []
    joint = bool(r.departments)
    results = r.results
    for entity in r.picks:
        history = [_result_json(ev) for ev in results.get(entity, ())]
        if not joint:  # the result in force is the latest (Round.current): its row is already made
            current = history[-1] if history else {}
        else:
            lead = r.current(entity)
            current = _result_json(lead) if lead is not None else {}
        row = {
            "year": r.year, "task": r.task, "round": r.number, "voided": r.voided, "entity": entity,
            "name": names.get(entity, ""), "date": current.get("date"), "result": current.get("result"),
            "result_label": current.get("result_label"), "measures": current.get("measures", ""),
            "note": current.get("note", ""), "history": history,
        }
        if joint:
            row["checked"] = all(ev is not None for ev in r.department_results(entity).values())
            row["departments"] = [
                {"code": code, "name": (department_names or {}).get(code, code),
                 **({k: v for k, v in _result_json(ev).items() if k not in ("seq", "at", "department")} if ev is not None
                    else {"date": None, "result": None, "result_label": None, "measures": "", "note": ""}),
                 "history": [h for h in history if h.get("department") == code]}
                for code, ev in r.department_results(entity).items()
            ]
        rows.append(row)
    return rows
