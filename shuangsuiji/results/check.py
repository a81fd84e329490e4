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
from typing import TYPE_CHECKING, Callable, Mapping

from shuangsuiji.codes import DEFAULT_MEASURES, RESULT_ALIASES, RESULT_CODES
from shuangsuiji.errors import InputError, InputErrors
from shuangsuiji.files.tables import Column, read_table

if TYPE_CHECKING:  # events.py checks result codes with this module: no import cycle at run time
    from shuangsuiji.ledger.state import Round
    from shuangsuiji.records import Plan


RESULT_COLUMNS = (
    Column("task", "任务代号", ("任务", "任务代号"), False, False),
    Column("round", "轮次", ("轮次", "轮"), False, False),
    Column("entity", "统一社会信用代码", ("统一社会信用代码", "信用代码", "uscc", "id"), True, True),
    Column("name", "企业名称", ("企业名称", "名称", "单位名称"), False, False),
    Column("date", "检查日期", ("检查日期", "日期"), True, True),
    Column("result", "检查结果", ("检查结果", "结果"), True, True),
    Column("measures", "处理措施", ("处理措施", "措施"), False, False),
    Column("note", "备注", ("备注", "说明"), False, False),
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
    from shuangsuiji.files.dates import date_or_none

    return date_or_none(text)


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
            note=row.get("note", ""), path=shown, line=line,
        )
        for line, row in table.rows
    ]


def check_rows(
    rows: list[ResultRow],
    plan: Plan,
    rounds: Mapping[tuple[int, str, int], Round],
    today: date,
    default_task: str | None = None,
    default_round: int | None = None,
    pick_names: Callable[[Round], Mapping[str, str]] | None = None,
) -> tuple[list[InputError], Checked]:
    """Check every row; returns (all problems, what to append when there are none).

    Args:
        rows: the results as given.
        plan: the year's plan (tasks and year).
        rounds: ``events.build_rounds`` of the ledger.
        today: results dated after it are refused.
        default_task, default_round: the command's --task / --round, for rows that leave them empty.
        pick_names: the names the draw record holds for a round's picks, to check a row's name.
    """
    errors: list[InputError] = []
    events: list[dict] = []
    unchanged: list[dict] = []
    warnings: list[str] = []
    touched: list[tuple[str, int]] = []
    seen: dict[tuple[str, int, str], ResultRow] = {}
    year = plan.year
    for row in rows:
        def bad(message: str, hint: str) -> None:
            errors.append(InputError(row.path, row.line, message, hint))

        task_id = row.task.strip() or (default_task or "")
        if not task_id:
            bad("没有指定任务", "请用 --task 指定任务，或在文件中加 task（任务代号）列")
            continue
        task = plan.task(task_id)
        if task is None:
            bad(f"{year} 年计划中没有任务 {task_id}", "可用任务：" + "、".join(t.id for t in plan.tasks) + "（见 ssj plan）")
            continue
        task_rounds = sorted((r for r in rounds.values() if r.year == year and r.task == task_id), key=lambda r: r.number)
        raw_round = row.round.strip()
        if raw_round:
            if not (raw_round.isascii() and raw_round.isdigit()):
                bad(f"轮次 {raw_round} 不是整数", "请写 1、2 这样的轮次号，或留空表示该任务最近一轮")
                continue
            number: int | None = int(raw_round)
        else:
            number = default_round
        if number is None:
            live = [r for r in task_rounds if not r.voided]
            if not live:
                bad(f"{year} 年任务 {task_id} 还没有有效的摇号", f"请先运行 ssj draw --task {task_id}")
                continue
            r = live[-1]
        else:
            found = [r for r in task_rounds if r.number == number]
            if not found:
                have = "、".join(str(r.number) for r in task_rounds) or "无"
                bad(f"{year} 年任务 {task_id} 没有第 {number} 轮（已有：{have}）", "请用 ssj draws 或 ssj results 查看已有的轮次")
                continue
            r = found[0]
        where = f"{task_id} 第 {r.number} 轮"
        if r.voided:
            bad(f"{where}已于 {r.void['date']} 作废，不能登记结果", "请登记在有效的轮次上（ssj draws 查看）")
            continue
        entity = row.entity.strip().upper()
        if entity not in r.picks:
            bad(f"企业 {entity or '(空)'} 不是 {where}抽中的对象", f"请核对统一社会信用代码；该轮抽中的企业见 ssj results --year {year} --task {task_id} --round {r.number}")
            continue
        if row.name.strip() and pick_names is not None:
            recorded = pick_names(r).get(entity)
            if recorded and row.name.strip() != recorded:
                bad(f"企业名称“{row.name.strip()}”与摇号记录中 {entity} 的名称“{recorded}”不符",
                    "请核对这一行的统一社会信用代码是否填错；名称列仅用于核对，也可以删掉该列")
                continue
        day = parse_date_text(row.date)
        if day is None:
            bad(f"检查日期 {row.date or '(空)'} 无法识别", "日期请写成 YYYY-MM-DD，如 2022-06-20")
            continue
        if day < date.fromisoformat(r.draw_date):
            bad(f"检查日期 {day} 早于 {where}的摇号日期 {r.draw_date}", "检查只能在摇号之后进行，请核对日期")
            continue
        if day > today:
            bad(f"检查日期 {day} 晚于今天（{today}）", "不能登记将来的检查；补录时请用 --today 写实际登记日期")
            continue
        code = parse_result(row.result)
        if code is None:
            bad(f"未知的检查结果：{row.result or '(空)'}", "可用结果（代码或中文均可）：" + codes_help())
            continue
        key = (task_id, r.number, entity)
        if key in seen:
            first = seen[key]
            bad(f"企业 {entity} 在本次登记中出现了两次（另一处：{first.path}:{first.line}）", "一家企业一次只登记一个结果，请删除或合并重复的一行")
            continue
        seen[key] = row
        data = {
            "year": year, "task": task_id, "round": r.number, "entity": entity, "date": day.isoformat(),
            "result": code, "measures": row.measures.strip(), "note": row.note.strip(),
        }
        if (task_id, r.number) not in touched:
            touched.append((task_id, r.number))
        current = r.current(entity)
        if current is not None and all(current.get(k) == data[k] for k in ("date", "result", "measures", "note")):
            unchanged.append(data)
            continue
        if day > task.end:
            warnings.append(f"{entity} 的检查日期 {day} 晚于任务 {task_id} 的抽查时间（至 {task.end}），属逾期完成")
        if current is not None and r.publications:
            warnings.append(f"{where}已于 {r.publications[-1]['date']} 公示，{entity} 的结果更正后请重新公示：ssj publish --task {task_id} --round {r.number}")
        events.append(data)
    return errors, Checked(tuple(events), tuple(unchanged), tuple(dict.fromkeys(warnings)), tuple(touched))


def round_results(r: "Round", names: Mapping[str, str]) -> list[dict]:
    """One row per pick, in draw order, with the result in force and every result recorded (oldest first)."""
    rows = []
    for entity in r.picks:
        history = [
            {
                "seq": ev.seq, "at": ev.at, "date": ev.get("date"), "result": ev.get("result"),
                "result_label": result_label(str(ev.get("result"))), "measures": ev.get("measures", ""), "note": ev.get("note", ""),
            }
            for ev in r.results.get(entity, [])
        ]
        current = history[-1] if history else {}
        rows.append({
            "year": r.year, "task": r.task, "round": r.number, "voided": r.voided, "entity": entity,
            "name": names.get(entity, ""), "date": current.get("date"), "result": current.get("result"),
            "result_label": current.get("result_label"), "measures": current.get("measures", ""),
            "note": current.get("note", ""), "history": history,
        })
    return rows
