"""The year's state, derived from the ledger alone.

The ledger is the only source of truth: rounds, voids, results and publications are read
from its events in order; nothing else keeps state. ``build_rounds`` folds the events into
one ``Round`` per drawn round; ``event_problems`` finds events that refer to something that
does not exist (a result for an entity that was not drawn, a void of an unknown round).

A ``replace`` event (递补) changes a round's picks: the replaced entity leaves them (it can
no longer get a result) and the replacement takes its place in the same position, so
results, notices, the report and publish-due see the picks as they now stand.

A joint round (部门联合抽查; its draw line lists ``departments``) takes one result per pick from
each department: a pick is checked once every department has recorded it, and the check ends
on the last department's date. ``Round.current`` without a department gives the lead's.

A ``commit`` event (the first phase of a two-phase draw) is no round yet: ``build_commits``
folds the commits, the voids of rounds not drawn yet and the draw lines that reveal them
into one ``Commit`` each, in the same single pass over the events.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date

from shuangsuiji.codes import BLACKLIST_EVENT_TYPES, REPLACE_REASONS, REPLACE_TARGETS, RESULT_CODES
from shuangsuiji.errors import CommitmentOpen, InputError, RoundNotFound, RoundVoided
from shuangsuiji.ledger.blacklist import blacklist_problems
from shuangsuiji.ledger.chain import LedgerEvent
from shuangsuiji.ledger.events import (
    BlacklistEvent,
    CommitEvent,
    DrawEvent,
    PublishEvent,
    ReplaceEvent,
    ResultEvent,
    VoidEvent,
    is_iso_day,
    result_day,
    text_field,
    typed,
)
from shuangsuiji.records import no_cycle_collection

RoundKey = tuple[int, str, int]


class Results(Mapping):
    """A round's results as ``Round.results`` holds them: entity -> its result events, oldest first.

    The fold keeps each entity's ledger lines and types them (``events.typed``) only when that
    entity's results are asked for: a command that counts a round's results, looks up a few
    entities or takes its check end (ssj record, publish-due) builds no typed record for the other
    55,000 lines of a province round. Once typed, an entity's tuple is kept.
    """

    __slots__ = ("lines", "_typed")

    def __init__(self, lines: dict[str, tuple[LedgerEvent, ...]]) -> None:
        self.lines = lines  # entity -> its result lines, oldest first
        self._typed: dict[str, tuple[ResultEvent, ...]] = {}

    def __getitem__(self, entity: str) -> tuple[ResultEvent, ...]:
        history = self._typed.get(entity)
        if history is None:
            history = self._typed[entity] = tuple(typed(ev) for ev in self.lines[entity])  # type: ignore[misc]
        return history

    def get(self, entity: str, default=None):  # type: ignore[override]
        return self[entity] if entity in self.lines else default

    def __contains__(self, entity: object) -> bool:
        return entity in self.lines

    def __iter__(self) -> Iterator[str]:
        return iter(self.lines)

    def __len__(self) -> int:
        return len(self.lines)

    def __repr__(self) -> str:
        return f"Results({dict(self)!r})"

    def latest_days(self) -> Iterator[str]:
        """Each entity's latest result date (``history[-1].date``), without typing the lines."""
        return (result_day(history[-1]) for history in self.lines.values())

    def added(self, lines: list[LedgerEvent]) -> Results:
        """These results with more result lines (each already known to belong to the round) after them."""
        grown = dict(self.lines)
        for ev in lines:
            entity = text_field(ev.data, "entity")
            grown[entity] = grown.get(entity, ()) + (ev,)
        out = Results(grown)
        out._typed = {e: h for e, h in self._typed.items() if grown[e] is self.lines[e]}
        return out


@dataclass(frozen=True)
class Round:
    """One drawn round of a task and what happened to it since (as far as the events folded go)."""

    year: int
    task: str
    number: int
    draw: DrawEvent
    void: VoidEvent | None = None
    results: Mapping[str, tuple[ResultEvent, ...]] = field(default_factory=dict)  # entity -> results, oldest first
    publications: tuple[PublishEvent, ...] = ()
    replacements: tuple[ReplaceEvent, ...] = ()  # in ledger order
    current_picks: tuple[str, ...] | None = None  # the picks after the replacements; None: the draw's
    pick_set: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "pick_set", frozenset(self.picks))

    @property
    def key(self) -> RoundKey:
        return (self.year, self.task, self.number)

    @property
    def voided(self) -> bool:
        return self.void is not None

    @property
    def picks(self) -> tuple[str, ...]:
        """The entities to check, in draw order: the draw's picks, each replaced one (递补) swapped for its replacement."""
        return self.draw.picks if self.current_picks is None else self.current_picks

    def replaced_in(self, before: int | None = None) -> set[str]:
        """Entities that replaced a pick (in events before ledger event ``before``, or in all)."""
        return {
            rep.replacement for rep in self.replacements
            if rep.target == "entity" and (before is None or rep.seq < before)
        }

    @property
    def draw_date(self) -> str:
        return self.draw.date

    @property
    def departments(self) -> tuple[str, ...]:
        """A joint round's department codes, the lead first; () for a round that is not joint."""
        return self.draw.departments

    def current(self, entity: str, department: str | None = None) -> ResultEvent | None:
        """The result in force for an entity: the latest one recorded (a correction supersedes).

        In a joint round: the latest of ``department`` (default the lead department).
        """
        history = self.results.get(entity)
        if not history:
            return None
        if not self.draw.departments:
            return history[-1]
        want = department or self.draw.departments[0]
        return next((ev for ev in reversed(history) if ev.department == want), None)

    def department_results(self, entity: str) -> dict[str, ResultEvent | None]:
        """A joint round's result in force per department (code -> result or None), in department order."""
        return {code: self.current(entity, code) for code in self.draw.departments}

    def _checked(self, entity: str) -> bool:
        if not self.draw.departments:
            return entity in self.results
        history = self.results.get(entity, ())
        return len({ev.department for ev in history}) == len(self.draw.departments)  # the fold keeps only their codes

    def missing(self) -> list[str]:
        """The picks not checked yet; in a joint round those some department has not recorded."""
        if not self.draw.departments:
            return [e for e in self.picks if e not in self.results]
        return [e for e in self.picks if not self._checked(e)]

    @property
    def complete(self) -> bool:
        if not self.draw.departments:
            return len(self.results) == len(self.pick_set)
        return not self.missing()

    def check_end(self) -> str | None:
        """The latest current result date once every pick has a result (in a joint round: of every department)."""
        if not self.complete:
            return None
        if not self.draw.departments:
            results = self.results
            if isinstance(results, Results):
                return max(results.latest_days())
            return max(history[-1].date for history in results.values())
        return max(ev.date for e in self.results for ev in self.department_results(e).values() if ev is not None)


def build_rounds(events: list[LedgerEvent]) -> dict[RoundKey, Round]:
    """Fold ledger events into frozen rounds, keyed by (year, task, round), in draw order.

    Linear in the events: a result is kept when its entity is one of the round's picks (a
    dictionary lookup) and the round was not voided before it; a replacement of an entity
    swaps it in that dictionary, which maps each pick to its position. Events that refer to
    nothing are ignored (``event_problems`` reports them).
    """
    with no_cycle_collection():  # typed events and rounds form no cycles
        return _fold(events)


def _fold(events: list[LedgerEvent]) -> dict[RoundKey, Round]:
    draws: dict[RoundKey, DrawEvent] = {}
    picks: dict[RoundKey, dict[str, int]] = {}  # pick -> position in the round's pick order
    order: dict[RoundKey, list[str]] = {}  # only for rounds with a replaced entity
    voids: dict[RoundKey, VoidEvent] = {}
    results: dict[RoundKey, dict[str, list[LedgerEvent]]] = {}
    publications: dict[RoundKey, list[PublishEvent]] = {}
    replacements: dict[RoundKey, list[ReplaceEvent]] = {}
    for ev in events:
        if ev.type == "result":  # most lines: kept untyped (``Results``), read from their fields
            d = ev.data
            key = (d.get("year"), d.get("task"), d.get("round"))
            among = picks.get(key)
            if among is None or key in voids:
                continue
            entity = d.get("entity")
            if type(entity) is not str:
                entity = text_field(d, "entity")
            draw = draws[key]  # a single department's round takes results that name none (None, or "" as written)
            if entity in among and (d.get("department") in (None, "") if not draw.departments else _department_fits(draw, text_field(d, "department"))):
                results.setdefault(key, {}).setdefault(entity, []).append(ev)
            continue
        t = typed(ev)
        if t is None or isinstance(t, (BlacklistEvent, CommitEvent)):  # not a drawn round's (commits: build_commits)
            continue
        key = (t.year, t.task, t.round)
        if isinstance(t, DrawEvent):
            if key not in draws:
                draws[key] = t
                picks[key] = {e: i for i, e in enumerate(t.picks)}
        elif key not in draws or key in voids:
            continue
        elif isinstance(t, VoidEvent):
            voids[key] = t
        elif isinstance(t, ReplaceEvent):
            _replace(t, picks[key], order, key, results.get(key, {}))
            replacements.setdefault(key, []).append(t)
        else:
            publications.setdefault(key, []).append(t)
    return {
        key: Round(
            key[0], key[1], key[2], d, voids.get(key),
            Results({e: tuple(h) for e, h in results.get(key, {}).items()}), tuple(publications.get(key, ())),
            tuple(replacements.get(key, ())), tuple(order[key]) if key in order else None,
        )
        for key, d in draws.items()
    }


def add_results(rounds: Mapping[RoundKey, Round], appended: list[LedgerEvent]) -> dict[RoundKey, Round]:
    """``build_rounds(events + appended)`` from ``rounds = build_rounds(events)``, for result lines
    appended after ``events`` (``ssj record``): only the rounds they touch are rebuilt, once each,
    instead of folding the whole ledger again.

    Raises:
        ValueError: an appended line is not a result (fold the whole ledger instead).
    """
    touched: dict[RoundKey, list[ResultEvent]] = {}
    for ev in appended:
        t = typed(ev)
        if type(t) is not ResultEvent:
            raise ValueError(f"add_results folds result lines only, not {ev.type}")
        key = (t.year, t.task, t.round)
        r = rounds.get(key)
        if r is not None and not r.voided and t.entity in r.pick_set and _department_fits(r.draw, t.department):
            touched.setdefault(key, []).append(ev)  # what the fold keeps
    out = dict(rounds)
    for key, new in touched.items():
        r = rounds[key]
        if isinstance(r.results, Results):
            results: Mapping[str, tuple[ResultEvent, ...]] = r.results.added(new)
        else:
            results = dict(r.results)
            for ev in new:
                t = typed(ev)
                results[t.entity] = results.get(t.entity, ()) + (t,)
        out[key] = dataclasses.replace(r, results=results)
    return out


def _department_fits(draw: DrawEvent, department: str) -> bool:
    """A result of a joint round names one of its departments; a result of any other round names none."""
    return department in draw.departments if draw.departments else not department


def _replace(t: ReplaceEvent, picks: dict[str, int], order: dict[RoundKey, list[str]], key: RoundKey,
             results: Mapping[str, list[ResultEvent]]) -> None:
    """Swap a replaced entity for its replacement in a round's picks (an inspector's replacement changes none)."""
    if t.target != "entity" or t.entity not in picks or t.entity in results or not t.replacement or t.replacement in picks:
        return  # event_problems reports a replacement that does not fit the round
    if key not in order:
        order[key] = list(picks)  # picks (a dict) keeps the draw's order
    position = picks.pop(t.entity)
    picks[t.replacement] = position
    order[key][position] = t.replacement


@dataclass(frozen=True)
class Commit:
    """One commitment (two-phase draw) and what became of it: voided, revealed by a draw line, or still open."""

    event: CommitEvent
    void: VoidEvent | None = None
    reveal: DrawEvent | None = None

    @property
    def key(self) -> RoundKey:
        return (self.event.year, self.event.task, self.event.round)

    @property
    def open(self) -> bool:
        return self.void is None and self.reveal is None


def build_commits(events: list[LedgerEvent]) -> list[Commit]:
    """Every commit line, in ledger order, with the void or the reveal that closed it (one linear pass).

    A void line closes the round's open commit when that round has not been drawn; a draw
    line closes it when its ``commit`` names the commit's seq. A second commit of a round
    whose commit is still open is ignored (``event_problems`` reports it).
    """
    found: list[list] = []  # [commit, void, reveal]
    open_at: dict[RoundKey, int] = {}  # round -> index in found of its open commit
    drawn: set[RoundKey] = set()
    for ev in events:
        if ev.type not in ("commit", "void", "draw"):
            continue
        t = typed(ev)
        key = (t.year, t.task, t.round)  # type: ignore[union-attr]
        if isinstance(t, CommitEvent):
            if key not in open_at and key not in drawn:
                open_at[key] = len(found)
                found.append([t, None, None])
        elif isinstance(t, VoidEvent):
            if key not in drawn and key in open_at:
                found[open_at.pop(key)][1] = t
        elif isinstance(t, DrawEvent):
            if key in open_at and t.commit == found[open_at[key]][0].seq:
                found[open_at.pop(key)][2] = t
            drawn.add(key)
    return [Commit(c, v, r) for c, v, r in found]


def open_commit(commits: list[Commit], year: int, task: str) -> Commit | None:
    """The task's commitment that is neither voided nor revealed (there is at most one)."""
    for c in commits:
        if c.open and c.event.year == year and c.event.task == task:
            return c
    return None


def refuse_open_commit(commits: list[Commit], year: int, task: str) -> None:
    """Raises CommitmentOpen when the task has an open commitment: its next round belongs to that commitment."""
    c = open_commit(commits, year, task)
    if c is not None:
        ev = c.event
        raise CommitmentOpen(
            f"{task} 第 {ev.round} 轮已于 {ev.date} 公布摇号承诺（账本第 {ev.seq} 号事件，来源：{ev.source_plan}，{ev.source_date}），尚未揭晓",
            f"来源公布后请用 ssj draw --task {task} --reveal --source ... 揭晓；确需放弃请用 ssj void --task {task} --round {ev.round} --reason ...",
        )


def task_rounds(rounds: Mapping[RoundKey, Round], year: int, task: str) -> list[Round]:
    return sorted((r for r in rounds.values() if r.year == year and r.task == task), key=lambda r: r.number)


def event_problems(events: list[LedgerEvent], shown: str) -> list[InputError]:
    """Events that refer to a round or entity that does not exist, or repeat a round; blacklist lines
    the blacklist's fold ignores (``ledger.blacklist.blacklist_problems``)."""
    problems: list[InputError] = []
    seen: dict[tuple, LedgerEvent] = {}
    voided: set[tuple] = set()
    picks: dict[tuple, set[str]] = {}
    recorded: dict[tuple, set[str]] = {}
    committed: dict[tuple, int] = {}  # round -> seq of its open commitment
    hint = "账本只能追加，不能手工修改；请运行 ssj verify 并从备份恢复"
    for ev in events:
        key = (ev.get("year"), ev.get("task"), ev.get("round"))
        where = f"第 {ev.seq} 号事件（{ev.type}）"
        if ev.type in BLACKLIST_EVENT_TYPES:
            continue  # checked below, by the blacklist's own fold
        if ev.type == "commit":
            if key in seen or key in committed:
                problems.append(InputError(shown, ev.line, f"{where}：{key[1]} 第 {key[2]} 轮已有摇号或未了结的承诺", hint))
            committed[key] = ev.seq
        elif ev.type == "draw":
            if key in seen:
                problems.append(InputError(shown, ev.line, f"{where}重复了 {key[1]} 第 {key[2]} 轮", hint))
            if ev.get("commit") is not None and committed.get(key) != ev.get("commit"):
                problems.append(InputError(shown, ev.line, f"{where}揭晓的承诺（第 {ev.get('commit')} 号事件）不是该轮未了结的承诺", hint))
            committed.pop(key, None)
            seen[key] = ev
            picks[key] = set(ev.get("picks") or [])
        elif ev.type == "void" and key not in seen and key in committed:
            del committed[key]  # the void of a commitment that was never revealed
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
            codes = seen[key].get("departments") or []
            if (ev.get("department") not in codes) if codes else ("department" in ev.data):
                problems.append(InputError(shown, ev.line, f"{where}的部门 {ev.get('department')} 不是该轮联合抽查的部门", hint))
            if ev.get("result") not in RESULT_CODES:
                problems.append(InputError(shown, ev.line, f"{where}的检查结果 {ev.get('result')} 不是已知的结果代码", hint))
            if not is_iso_day(ev.get("date")) or str(ev.get("date")) < str(seen[key].get("date")):
                problems.append(InputError(shown, ev.line, f"{where}的检查日期 {ev.get('date')} 无效或早于摇号日期", hint))
            recorded.setdefault(key, set()).add(ev.get("entity"))
        elif ev.type == "replace":
            problems.extend(InputError(shown, ev.line, f"{where}{m}", hint)
                            for m in _replace_problems(ev, picks[key], recorded.get(key, set()), str(seen[key].get("date"))))
        elif ev.type == "publish":
            strays = [e for e in ev.get("entities") or [] if e not in picks[key]]
            if strays:
                problems.append(InputError(shown, ev.line, f"{where}公示了不是该轮抽中的企业：{'、'.join(map(str, strays))}", hint))
            if not is_iso_day(ev.get("date")) or not is_iso_day(ev.get("due")):
                problems.append(InputError(shown, ev.line, f"{where}的公示日期或截止日期无效", hint))
    bad = blacklist_problems(events, shown)
    return sorted(problems + bad, key=lambda p: p.line) if bad else problems


def _replace_problems(ev: LedgerEvent, picks: set[str], recorded: set[str], draw_date: str) -> list[str]:
    """What is wrong with a replace line for its round; an entity's replacement is applied to ``picks``."""
    out = []
    entity, replacement, target = ev.get("entity"), ev.get("replacement"), ev.get("target")
    if target not in REPLACE_TARGETS:
        out.append(f"的递补对象 {target} 不是 entity 或 inspector")
    if entity not in picks:
        out.append(f"递补的企业 {entity} 不是该轮现有的抽中对象")
    elif entity in recorded:
        out.append(f"递补的企业 {entity} 已登记检查结果，不能再递补")
    if ev.get("reason") not in REPLACE_REASONS:
        out.append(f"的递补原因 {ev.get('reason')} 不是已知的原因代码")
    if not is_iso_day(ev.get("date")) or str(ev.get("date")) < draw_date:
        out.append(f"的递补日期 {ev.get('date')} 无效或早于摇号日期")
    if not isinstance(replacement, str) or not replacement:
        out.append("没有写明递补人选")
    elif target == "entity" and not out:
        if replacement in picks:
            out.append(f"递补的企业 {replacement} 已是该轮的抽中对象")
        else:
            picks.discard(entity)
            picks.add(replacement)
    return out



def find_round(rounds: Mapping[RoundKey, Round], year: int, task: str, number: int | None, live: bool = False) -> Round:
    """The requested round, or the task's latest live round when ``number`` is None.

    Raises:
        RoundNotFound: the task has no such round (or no live round at all).
        RoundVoided: with ``live``, the round asked for was voided.
    """
    found = task_rounds(rounds, year, task)
    if number is None:
        alive = [r for r in found if not r.voided]
        if not alive:
            raise RoundNotFound(f"{year} 年任务 {task} 还没有有效的摇号", f"请先运行 ssj draw --task {task}")
        return alive[-1]
    for r in found:
        if r.number == number:
            if live and r.void is not None:
                raise RoundVoided(f"{task} 第 {r.number} 轮已于 {r.void.date} 作废", "请用 ssj draws 查看有效的轮次")
            return r
    have = "、".join(str(r.number) for r in found) or "无"
    raise RoundNotFound(f"{year} 年任务 {task} 没有第 {number} 轮（已有：{have}）", "请用 ssj draws 或 ssj results 查看已有的轮次")


def seed_round(rounds: Mapping[RoundKey, Round], seed: str) -> Round | None:
    """The first round of any task and year (voided ones included) drawn with this seed."""
    for r in rounds.values():
        if r.draw.seed == seed:
            return r
    return None


def event_day(ev: LedgerEvent) -> str:
    """The day an event took effect, as ``YYYY-MM-DD``: its own ``date`` field (the draw, check,
    void or publication day the clerk gave), else the day it was appended."""
    day = ev.data.get("date")
    if isinstance(day, str) and len(day) == 10:
        return day
    return ev.at[:10]


def events_as_of(events: list[LedgerEvent], day: date) -> tuple[list[LedgerEvent], int]:
    """The ledger as it stood at the end of ``day``: the events that took effect on or before it,
    and how many later ones were left out. Every date-dependent command folds this view."""
    cut = day.isoformat()
    kept = [ev for ev in events if event_day(ev) <= cut]
    return kept, len(events) - len(kept)
