"""The year's state, derived from the ledger alone.

The ledger is the only source of truth: rounds, voids, results and publications are read
from its events in order; nothing else keeps state. ``build_rounds`` folds the events into
one ``Round`` per drawn round; ``event_problems`` finds events that refer to something that
does not exist (a result for an entity that was not drawn, a void of an unknown round).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from shuangsuiji.codes import RESULT_CODES
from shuangsuiji.errors import InputError, RoundNotFound
from shuangsuiji.ledger.chain import LedgerEvent


@dataclass
class Round:
    """One drawn round of a task and what happened to it since."""

    year: int
    task: str
    number: int
    draw: LedgerEvent
    void: LedgerEvent | None = None
    results: dict[str, list[LedgerEvent]] = field(default_factory=dict)  # entity -> result events, oldest first
    publications: list[LedgerEvent] = field(default_factory=list)

    @property
    def key(self) -> tuple[int, str, int]:
        return (self.year, self.task, self.number)

    @property
    def voided(self) -> bool:
        return self.void is not None

    @property
    def picks(self) -> list[str]:
        return list(self.draw["picks"])

    @property
    def draw_date(self) -> str:
        return self.draw["date"]

    def current(self, entity: str) -> LedgerEvent | None:
        """The result in force for an entity: the latest one recorded (a correction supersedes)."""
        history = self.results.get(entity)
        return history[-1] if history else None

    def missing(self) -> list[str]:
        return [e for e in self.picks if e not in self.results]

    @property
    def complete(self) -> bool:
        return not self.missing()

    def check_end(self) -> str | None:
        """The latest current result date once every pick has a result."""
        if not self.complete:
            return None
        return max(self.current(e)["date"] for e in self.picks)


def build_rounds(events: list[LedgerEvent]) -> dict[tuple[int, str, int], Round]:
    """Fold ledger events into rounds, keyed by (year, task, round). Ignores events that refer to nothing."""
    rounds: dict[tuple[int, str, int], Round] = {}
    for ev in events:
        key = (ev.get("year"), ev.get("task"), ev.get("round"))
        if ev.type == "draw":
            if key not in rounds:
                rounds[key] = Round(key[0], key[1], key[2], ev)
            continue
        r = rounds.get(key)
        if r is None:
            continue
        if ev.type == "void" and r.void is None:
            r.void = ev
        elif ev.type == "result" and not r.voided and ev.get("entity") in r.picks:
            r.results.setdefault(ev["entity"], []).append(ev)
        elif ev.type == "publish" and not r.voided:
            r.publications.append(ev)
    return rounds


def task_rounds(rounds: dict[tuple[int, str, int], Round], year: int, task: str) -> list[Round]:
    return sorted((r for r in rounds.values() if r.year == year and r.task == task), key=lambda r: r.number)


def event_problems(events: list[LedgerEvent], shown: str) -> list[InputError]:
    """Events that refer to a round or entity that does not exist, or repeat a round."""
    problems: list[InputError] = []
    seen: dict[tuple, LedgerEvent] = {}
    voided: set[tuple] = set()
    picks: dict[tuple, set[str]] = {}
    hint = "账本只能追加，不能手工修改；请运行 ssj verify 并从备份恢复"
    for ev in events:
        key = (ev.get("year"), ev.get("task"), ev.get("round"))
        where = f"第 {ev.seq} 号事件（{ev.type}）"
        if ev.type == "draw":
            if key in seen:
                problems.append(InputError(shown, ev.line, f"{where}重复了 {key[1]} 第 {key[2]} 轮", hint))
            seen[key] = ev
            picks[key] = set(ev.get("picks") or [])
        elif key not in seen:
            problems.append(InputError(shown, ev.line, f"{where}指向不存在的 {key[1]} 第 {key[2]} 轮", hint))
        elif ev.type == "void":
            if key in voided:
                problems.append(InputError(shown, ev.line, f"{where}重复作废 {key[1]} 第 {key[2]} 轮", hint))
            voided.add(key)
        elif key in voided:
            problems.append(InputError(shown, ev.line, f"{where}登记在已作废的 {key[1]} 第 {key[2]} 轮上", hint))
        elif ev.type == "result":
            if ev.get("entity") not in picks[key]:
                problems.append(InputError(shown, ev.line, f"{where}的企业 {ev.get('entity')} 不是该轮抽中的对象", hint))
            if ev.get("result") not in RESULT_CODES:
                problems.append(InputError(shown, ev.line, f"{where}的检查结果 {ev.get('result')} 不是已知的结果代码", hint))
            if not _iso_date(ev.get("date")) or str(ev.get("date")) < str(seen[key].get("date")):
                problems.append(InputError(shown, ev.line, f"{where}的检查日期 {ev.get('date')} 无效或早于摇号日期", hint))
        elif ev.type == "publish":
            strays = [e for e in ev.get("entities") or [] if e not in picks[key]]
            if strays:
                problems.append(InputError(shown, ev.line, f"{where}公示了不是该轮抽中的企业：{'、'.join(map(str, strays))}", hint))
            if not _iso_date(ev.get("date")) or not _iso_date(ev.get("due")):
                problems.append(InputError(shown, ev.line, f"{where}的公示日期或截止日期无效", hint))
    return problems


def _iso_date(value: object) -> bool:
    try:
        date.fromisoformat(str(value))
    except ValueError:
        return False
    return len(str(value)) == 10


def find_round(events: list[LedgerEvent], year: int, task: str, number: int | None) -> Round:
    """The requested round, or the task's latest live round when ``number`` is None."""
    rounds = task_rounds(build_rounds(events), year, task)
    if number is None:
        live = [r for r in rounds if not r.voided]
        if not live:
            raise RoundNotFound(f"{year} 年任务 {task} 还没有有效的摇号", f"请先运行 ssj draw --task {task}")
        return live[-1]
    for r in rounds:
        if r.number == number:
            return r
    have = "、".join(str(r.number) for r in rounds) or "无"
    raise RoundNotFound(f"{year} 年任务 {task} 没有第 {number} 轮（已有：{have}）", "请用 ssj draws 查看已有的轮次")


def event_day(ev: LedgerEvent) -> str:
    """The day an event took effect, as ``YYYY-MM-DD``: its own ``date`` field (the draw, check,
    void or publication day the clerk gave), else the day it was appended."""
    day = ev.get("date")
    if isinstance(day, str) and len(day) == 10:
        return day
    return ev.at[:10]


def events_as_of(events: list[LedgerEvent], day: date) -> tuple[list[LedgerEvent], int]:
    """The ledger as it stood at the end of ``day``: the events that took effect on or before it,
    and how many later ones were left out. Every date-dependent command folds this view."""
    cut = day.isoformat()
    kept = [ev for ev in events if event_day(ev) <= cut]
    return kept, len(events) - len(kept)
