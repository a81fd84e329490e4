"""The annual report (年度报告): the year's numbers, from the plan, the registries and the ledger.

How data flows. ``load_report`` is the only part that touches files: it resolves the
plan year (no plan is an error), loads the plan and both registries, reads the ledger
tolerantly (a broken chain is reported, not raised), reads each draw record the ledger
names (only when its SHA-256 is the one the ledger holds), loads the working-day
calendar and runs ``verify_workspace``. ``build_report`` is pure: from those values and
``today`` it computes every number of the report. The renderers in
``shuangsuiji.render`` turn the ``Report`` into a table, Markdown, CSV, XLSX or HTML;
``Report.to_json`` is the JSON.

What is counted. A round is a draw of a task in the plan year; a voided round is shown
apart and counts nowhere else. A *pick* is one entity drawn in one live round (户次); an
entity drawn in two rounds is two picks and one entity. A pick is *inspected* when it has
a result in force (the latest one recorded, ``Round.current``). Results are counted per
pick by the code in force. *Found problems* are the picks whose result is in
``results.FOUND_PROBLEM``; the share of checks that found problems is that number over
the inspected picks less those found not operating (``not_operating``: nothing could be
checked). Scope is the registry as it stands: the active entities in the task's
categories; coverage is the distinct entities drawn that are in that scope, over it.

Publication of a live round, one of four states, on the rules of ``publish.py`` (so the
report agrees with ``ssj publish-due``): ``on_time`` or ``late`` once it has a publish
event that is not partial (the first such event's own ``on_time`` flag decides);
otherwise ``overdue`` exactly when ``ssj publish-due`` shows it as overdue
(``publish.due_item``: results still missing after the task's period, or complete and past
the due date, 7 working days after the check end or the period's end), else ``pending``. ``period_ended`` is ``today`` after the task's end date.

Exact arithmetic. Shares are kept as integer numerator and denominator and never as
floats; ``percent`` is rounded half up to one decimal place from the exact fraction, for
display only, and is ``null`` when the denominator is 0. A median is exact too (a
half-integer at most), given as a string such as ``"3.5"``.

JSON keys (``ssj report --format json``; schema ``ssj.report/1``):

- ``schema``, ``year``, ``today``, ``plan`` {``title``, ``document``, ``issued``,
  ``department``}, ``title`` (the report's title).
- ``integrity``: ``ok``, ``events``, ``draws``, ``failures`` [{``seq``, ``file``,
  ``message``}], ``notes`` [text] — the checks of ``ssj verify``.
- ``tasks``: one object per plan task, in plan order: ``index``, ``id``, ``name``,
  ``type``, ``ratio`` (exact decimal string, "0.2"), ``ratio_text`` ("20%"), ``start``,
  ``end``, ``period_ended``, ``scope``, ``per_round`` (ceil(scope x ratio)),
  ``rounds_drawn`` (live), ``rounds_voided``, ``picks``, ``entities_drawn``,
  ``coverage`` (share: entities of the scope drawn / scope), ``inspected``,
  ``not_inspected``, ``results`` {code: picks, every code present}, ``found_problems``,
  ``problem_share`` (share), ``publications`` {``on_time``, ``late``, ``pending``,
  ``overdue``} (rounds; the four add up to ``rounds_drawn``), and ``rounds``: every
  round, voided ones included, with ``round``, ``date``, ``k``, ``picks``, ``voided``,
  ``void_date``, ``void_reason``, ``inspected``, ``results``, ``check_end``, ``due``,
  ``due_provisional``, ``published`` (date or null), ``publication`` (state, null when
  voided), ``publish_events``, ``record``.
- ``totals``: the same sums over all tasks: ``scope``, ``rounds_drawn``,
  ``rounds_voided``, ``picks``, ``entities_drawn``, ``coverage``, ``inspected``,
  ``not_inspected``, ``results``, ``found_problems``, ``problem_share``,
  ``publications``.
- ``frequency``: ``min_rounds`` (2), ``tasks`` [{``id``, ``name``, ``rounds``,
  ``period_ended``, ``meets_min_rounds``}], ``categories`` [{``code``, ``label``,
  ``tasks``, ``key``, ``rounds``, ``rounds_with_picks``, ``picks``, ``entities``,
  ``scope``, ``coverage``, ``uncovered`` [USCC], ``meets_min_rounds``,
  ``fully_covered``}], ``key_categories`` [code], ``findings`` [sentence], ``ok``.
  Key industries (重点行业) are the categories of tasks whose ratio is 100%.
- ``inspectors``: ``population`` (on-duty inspectors plus anyone drawn), ``min``,
  ``median`` (string), ``max`` (checks per inspector over the population),
  ``rows`` [{``id``, ``name``, ``unit``, ``status``, ``checks``, ``by_task``}],
  ``never_drawn`` [{``id``, ``name``, ``unit``}] (on duty, no check),
  ``small_teams`` [{``task``, ``round``, ``entity``, ``name``, ``inspectors``}] (must be
  empty), ``avoidance`` {``total``, ``by_reason`` {``conflict``, ``local``}, ``items``
  [{``task``, ``round``, ``entity``, ``name``, ``inspector``, ``inspector_name``,
  ``reason``, ``text``}]}, ``rounds_without_record`` [{``task``, ``round``}].
- ``follow_up``: picks whose result in force is rectify, penalty, transfer or judicial,
  by date: {``date``, ``task``, ``round``, ``entity``, ``name``, ``category``,
  ``town``, ``result``, ``label``, ``measures``, ``note``, ``inspectors``}.
- ``timeline``: one object per month from January to December of the year, extended to
  any later month with activity: ``month`` ("2022-04"), ``draws`` (draw events, voided
  rounds included), ``voided`` (of those, rounds later voided), ``checks`` (picks of live
  rounds whose result in force is dated that month), ``publications`` (publish events
  of live rounds).
- ``summary``: the figures of the report's cards: ``tasks``, ``rounds_drawn``,
  ``rounds_voided``, ``picks``, ``entities_drawn``, ``inspected``, ``found_problems``,
  ``problem_share``, ``published_on_time``, ``published_late``, ``pending``,
  ``overdue``.

A share is ``{"num": 9, "den": 41, "percent": "22.0"}``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from typing import TYPE_CHECKING, Any, Mapping, Sequence

from shuangsuiji.codes import FOUND_PROBLEM, PUBLICATION_STATES, RESULT_CODES
from shuangsuiji.deadlines.workdays import WorkCalendar
from shuangsuiji.draw.record import DrawRecord, Pick
from shuangsuiji.ledger.chain import LedgerEvent
from shuangsuiji.ledger.state import Round, build_rounds
from shuangsuiji.records import Entity, Inspector, Plan, Task
from shuangsuiji.results.check import measures_text

if TYPE_CHECKING:
    pass

REPORT_SCHEMA = "ssj.report/1"
MIN_ROUNDS = 2  # 全年开展随机抽查频次一般不少于2次
AVOIDANCE_REASONS = ("conflict", "local")  # exclusions that are avoidance, not availability
NOT_OPERATING = "not_operating"


# ---------------------------------------------------------------- exact shares


@dataclass(frozen=True, slots=True)
class Share:
    """A part of a whole, kept as two integers; ``percent`` is for display only."""

    num: int
    den: int

    @property
    def value(self) -> Fraction | None:
        return Fraction(self.num, self.den) if self.den else None

    def percent(self) -> str | None:
        """100 x num / den rounded half up to one decimal place, exactly; None when den is 0."""
        if not self.den:
            return None
        tenths = (2 * 1000 * self.num + self.den) // (2 * self.den)
        return f"{tenths // 10}.{tenths % 10}"

    def text(self) -> str:
        p = self.percent()
        return "—" if p is None else f"{p}%"

    def to_json(self) -> dict:
        return {"num": self.num, "den": self.den, "percent": self.percent()}


def median(values: Sequence[int]) -> Fraction | None:
    if not values:
        return None
    s = sorted(values)
    mid = len(s) // 2
    return Fraction(s[mid]) if len(s) % 2 else Fraction(s[mid - 1] + s[mid], 2)


def fraction_text(value: Fraction | None) -> str | None:
    """An integer or half-integer as "3" or "3.5"."""
    if value is None:
        return None
    if value.denominator == 1:
        return str(value.numerator)
    tenths = (2 * 10 * value.numerator + value.denominator) // (2 * value.denominator)
    return f"{tenths // 10}.{tenths % 10}"


# ---------------------------------------------------------------- the records


@dataclass(frozen=True)
class RoundRow:
    task: str
    number: int
    date: str
    k: int
    picks: int
    voided: bool
    void_date: str | None
    void_reason: str | None
    inspected: int
    results: dict[str, int]
    check_end: str | None
    due: str | None
    due_provisional: bool
    published: str | None
    publication: str | None  # one of PUBLICATION_STATES; None when voided
    publish_events: int
    record: str

    def to_json(self) -> dict:
        return {
            "round": self.number, "date": self.date, "k": self.k, "picks": self.picks, "voided": self.voided,
            "void_date": self.void_date, "void_reason": self.void_reason, "inspected": self.inspected,
            "results": dict(self.results), "check_end": self.check_end, "due": self.due,
            "due_provisional": self.due_provisional, "published": self.published, "publication": self.publication,
            "publish_events": self.publish_events, "record": self.record,
        }


@dataclass(frozen=True)
class Tally:
    """Counts shared by a task row and the totals."""

    scope: int
    rounds_drawn: int
    rounds_voided: int
    picks: int
    entities_drawn: int
    covered: int
    inspected: int
    results: dict[str, int]
    publications: dict[str, int]

    @property
    def not_inspected(self) -> int:
        return self.picks - self.inspected

    @property
    def coverage(self) -> Share:
        return Share(self.covered, self.scope)

    @property
    def found_problems(self) -> int:
        return sum(self.results.get(c, 0) for c in FOUND_PROBLEM)

    @property
    def problem_share(self) -> Share:
        return Share(self.found_problems, self.inspected - self.results.get(NOT_OPERATING, 0))

    def tally_json(self) -> dict:
        return {
            "scope": self.scope, "rounds_drawn": self.rounds_drawn, "rounds_voided": self.rounds_voided,
            "picks": self.picks, "entities_drawn": self.entities_drawn, "coverage": self.coverage.to_json(),
            "inspected": self.inspected, "not_inspected": self.not_inspected, "results": dict(self.results),
            "found_problems": self.found_problems, "problem_share": self.problem_share.to_json(),
            "publications": dict(self.publications),
        }


@dataclass(frozen=True)
class TaskRow:
    task: Task
    period_ended: bool
    per_round: int
    tally: Tally
    rounds: tuple[RoundRow, ...]

    def to_json(self) -> dict:
        t = self.task
        out = {
            "index": t.index, "id": t.id, "name": t.name, "type": t.type, "ratio": str(t.ratio),
            "ratio_text": t.ratio_text(), "start": t.start.isoformat(), "end": t.end.isoformat(),
            "period_ended": self.period_ended, "per_round": self.per_round,
        }
        out.update(self.tally.tally_json())
        out["rounds"] = [r.to_json() for r in self.rounds]
        return out


@dataclass(frozen=True)
class CategoryFrequency:
    code: str
    label: str
    tasks: tuple[str, ...]
    key: bool
    rounds: int
    rounds_with_picks: int
    picks: int
    entities: int
    scope: int
    covered: int
    uncovered: tuple[str, ...]

    @property
    def coverage(self) -> Share:
        return Share(self.covered, self.scope)

    @property
    def meets_min_rounds(self) -> bool:
        return self.rounds >= MIN_ROUNDS

    @property
    def fully_covered(self) -> bool:
        return not self.uncovered

    def to_json(self) -> dict:
        return {
            "code": self.code, "label": self.label, "tasks": list(self.tasks), "key": self.key, "rounds": self.rounds,
            "rounds_with_picks": self.rounds_with_picks, "picks": self.picks, "entities": self.entities,
            "scope": self.scope, "coverage": self.coverage.to_json(), "uncovered": list(self.uncovered),
            "meets_min_rounds": self.meets_min_rounds, "fully_covered": self.fully_covered,
        }


@dataclass(frozen=True)
class TaskFrequency:
    id: str
    name: str
    rounds: int
    period_ended: bool

    @property
    def meets_min_rounds(self) -> bool:
        return self.rounds >= MIN_ROUNDS

    def to_json(self) -> dict:
        return {"id": self.id, "name": self.name, "rounds": self.rounds, "period_ended": self.period_ended,
                "meets_min_rounds": self.meets_min_rounds}


@dataclass(frozen=True)
class Frequency:
    tasks: tuple[TaskFrequency, ...]
    categories: tuple[CategoryFrequency, ...]
    findings: tuple[str, ...]
    ok: bool

    @property
    def key_categories(self) -> list[str]:
        return [c.code for c in self.categories if c.key]

    def to_json(self) -> dict:
        return {
            "min_rounds": MIN_ROUNDS, "tasks": [t.to_json() for t in self.tasks],
            "categories": [c.to_json() for c in self.categories], "key_categories": self.key_categories,
            "findings": list(self.findings), "ok": self.ok,
        }


@dataclass(frozen=True)
class InspectorRow:
    id: str
    name: str
    unit: str
    status: str
    checks: int
    by_task: dict[str, int]

    def to_json(self) -> dict:
        return {"id": self.id, "name": self.name, "unit": self.unit, "status": self.status, "checks": self.checks,
                "by_task": dict(self.by_task)}


@dataclass(frozen=True)
class SmallTeam:
    task: str
    round: int
    entity: str
    name: str
    inspectors: tuple[str, ...]

    def to_json(self) -> dict:
        return {"task": self.task, "round": self.round, "entity": self.entity, "name": self.name,
                "inspectors": list(self.inspectors)}


@dataclass(frozen=True)
class Avoidance:
    task: str
    round: int
    entity: str
    name: str
    inspector: str
    inspector_name: str
    reason: str
    text: str

    def to_json(self) -> dict:
        return {"task": self.task, "round": self.round, "entity": self.entity, "name": self.name,
                "inspector": self.inspector, "inspector_name": self.inspector_name, "reason": self.reason,
                "text": self.text}


@dataclass(frozen=True)
class Inspectors:
    rows: tuple[InspectorRow, ...]  # the population, most checks first
    never_drawn: tuple[InspectorRow, ...]
    small_teams: tuple[SmallTeam, ...]
    avoidance: tuple[Avoidance, ...]
    rounds_without_record: tuple[tuple[str, int], ...]

    @property
    def counts(self) -> list[int]:
        return [r.checks for r in self.rows]

    @property
    def min(self) -> int | None:
        return min(self.counts) if self.rows else None

    @property
    def max(self) -> int | None:
        return max(self.counts) if self.rows else None

    @property
    def median(self) -> Fraction | None:
        return median(self.counts)

    def avoidance_by_reason(self) -> dict[str, int]:
        out = {code: 0 for code in AVOIDANCE_REASONS}
        for a in self.avoidance:
            out[a.reason] = out.get(a.reason, 0) + 1
        return out

    def to_json(self) -> dict:
        return {
            "population": len(self.rows), "min": self.min, "median": fraction_text(self.median), "max": self.max,
            "rows": [r.to_json() for r in self.rows],
            "never_drawn": [{"id": r.id, "name": r.name, "unit": r.unit} for r in self.never_drawn],
            "small_teams": [s.to_json() for s in self.small_teams],
            "avoidance": {"total": len(self.avoidance), "by_reason": self.avoidance_by_reason(),
                          "items": [a.to_json() for a in self.avoidance]},
            "rounds_without_record": [{"task": t, "round": n} for t, n in self.rounds_without_record],
        }


@dataclass(frozen=True)
class FollowUp:
    date: str
    task: str
    round: int
    entity: str
    name: str
    category: str
    town: str
    result: str
    measures: str
    note: str
    inspectors: tuple[str, ...]

    @property
    def label(self) -> str:
        return RESULT_CODES.get(self.result, self.result)

    def to_json(self) -> dict:
        return {"date": self.date, "task": self.task, "round": self.round, "entity": self.entity, "name": self.name,
                "category": self.category, "town": self.town, "result": self.result, "label": self.label,
                "measures": self.measures, "note": self.note, "inspectors": list(self.inspectors)}


@dataclass(frozen=True)
class Month:
    month: str  # YYYY-MM
    draws: int
    voided: int
    checks: int
    publications: int

    def to_json(self) -> dict:
        return {"month": self.month, "draws": self.draws, "voided": self.voided, "checks": self.checks,
                "publications": self.publications}


@dataclass(frozen=True)
class Integrity:
    ok: bool
    events: int
    draws: int
    failures: tuple[dict, ...]  # {"seq", "file", "message"}
    notes: tuple[str, ...]

    @classmethod
    def from_verify(cls, res: Any) -> "Integrity":
        return cls(res.ok, res.events, res.draws, tuple(f.to_json() for f in res.failures), tuple(res.notes))

    def headline(self) -> str:
        """The report's first line."""
        if self.ok:
            return f"账本复核通过：{self.events} 条事件，{self.draws} 次摇号均可按记录重现，哈希链完整。"
        return (f"警告：账本复核未通过（{len(self.failures)} 处问题），本报告的数字可能不可信。"
                "请先运行 ssj verify 查看问题，并从备份恢复账本后重新生成报告。")

    def to_json(self) -> dict:
        return {"ok": self.ok, "events": self.events, "draws": self.draws, "failures": list(self.failures),
                "notes": list(self.notes)}


@dataclass(frozen=True)
class Report:
    year: int
    today: date
    plan: Plan
    tasks: tuple[TaskRow, ...]
    totals: Tally
    frequency: Frequency
    inspectors: Inspectors
    follow_up: tuple[FollowUp, ...]
    timeline: tuple[Month, ...]
    integrity: Integrity
    notes: tuple[str, ...] = field(default=())

    @property
    def title(self) -> str:
        return f"{self.plan.department}{self.year}年“双随机、一公开”抽查工作年度报告"

    def summary(self) -> dict:
        t = self.totals
        return {
            "tasks": len(self.tasks), "rounds_drawn": t.rounds_drawn, "rounds_voided": t.rounds_voided,
            "picks": t.picks, "entities_drawn": t.entities_drawn, "inspected": t.inspected,
            "found_problems": t.found_problems, "problem_share": t.problem_share.to_json(),
            "published_on_time": t.publications["on_time"], "published_late": t.publications["late"],
            "pending": t.publications["pending"], "overdue": t.publications["overdue"],
        }

    def to_json(self) -> dict:
        p = self.plan
        return {
            "schema": REPORT_SCHEMA,
            "title": self.title,
            "year": self.year,
            "today": self.today.isoformat(),
            "plan": {"title": p.title, "document": p.document, "issued": p.issued.isoformat(), "department": p.department},
            "integrity": self.integrity.to_json(),
            "summary": self.summary(),
            "tasks": [t.to_json() for t in self.tasks],
            "totals": self.totals.tally_json(),
            "frequency": self.frequency.to_json(),
            "inspectors": self.inspectors.to_json(),
            "follow_up": [f.to_json() for f in self.follow_up],
            "timeline": [m.to_json() for m in self.timeline],
            "notes": list(self.notes),
        }


# ---------------------------------------------------------------- the pure core

def build_report(
    plan: Plan,
    entities: Sequence[Entity],
    inspectors: Sequence[Inspector],
    events: Sequence[LedgerEvent],
    records: Mapping[tuple[str, int], DrawRecord | None],
    cal: WorkCalendar,
    today: date,
    integrity: Integrity,
) -> Report:
    """Every number of the year's report.

    Args:
        plan: the year's plan.
        entities, inspectors: the registries as they stand.
        events: the ledger's events, in order (a broken chain still gives its events).
        records: draw record of each (task, round) of the year, None when it could not be read.
        cal: the working-day calendar, for due dates (``publish.deadline``).
        today: the day the report is made for ("period ended", pending or overdue).
        integrity: the result of ``verify_workspace``.
    """
    year = plan.year
    by_id = {e.id: e for e in entities}
    all_rounds = build_rounds(list(events))
    planned = {t.id for t in plan.tasks}
    notes: list[str] = []
    stray: dict[str, int] = {}
    for r in all_rounds.values():
        if r.year == year and r.task not in planned:
            stray[r.task] = stray.get(r.task, 0) + 1
    for task_id, n in sorted(stray.items()):
        notes.append(f"账本中有计划外任务 {task_id} 的摇号 {n} 轮（计划中已没有这个任务），未计入本报告")

    by_task: dict[str, list[Round]] = {t.id: [] for t in plan.tasks}
    for r in sorted(all_rounds.values(), key=lambda r: (r.number if isinstance(r.number, int) else 0, r.draw.seq)):
        if r.year == year and r.task in by_task:
            by_task[r.task].append(r)

    task_rows = tuple(_task_row(t, by_task[t.id], entities, cal, today) for t in plan.tasks)
    totals = _sum_tallies([row.tally for row in task_rows], by_task)
    live = [r for t in plan.tasks for r in by_task[t.id] if not r.voided]
    return Report(
        year=year,
        today=today,
        plan=plan,
        tasks=task_rows,
        totals=totals,
        frequency=_frequency(plan, by_task, entities, by_id, records, task_rows),
        inspectors=_inspectors(inspectors, live, records),
        follow_up=_follow_up(live, records, by_id),
        timeline=_timeline(year, [r for rs in by_task.values() for r in rs]),
        integrity=integrity,
        notes=tuple(notes),
    )


def _scope(task: Task, entities: Sequence[Entity]) -> set[str]:
    cats = set(task.scope)
    return {e.id for e in entities if e.active and e.category in cats}


def _round_row(task: Task, r: Round, cal: WorkCalendar, today: date) -> RoundRow:
    from shuangsuiji.deadlines.due import deadline, due_item
    from shuangsuiji.deadlines.due import on_time as publication_on_time

    results = {code: 0 for code in RESULT_CODES}
    inspected = 0
    picks = r.picks
    if not r.voided:
        for e in picks:
            ev = r.current(e)
            if ev is not None:
                inspected += 1
                results[ev.result] = results.get(ev.result, 0) + 1
    check_end = r.check_end() if not r.voided else None
    due_day: str | None = None
    provisional = False
    published: str | None = None
    state: str | None = None
    if not r.voided:
        done = next((p for p in r.publications if not p.partial), None)
        dl = deadline(r, task, cal)
        if done is not None:
            published = done.date
            due_day = done.due or dl.due.isoformat()
            provisional = done.provisional
            on_time = done.on_time
            if on_time is None:
                on_time = publication_on_time(date.fromisoformat(published), dl)
            state = "on_time" if on_time else "late"
        else:
            # The same rule as `ssj publish-due`: a round still missing results after its
            # period, or complete and past its due date, is overdue.
            item = due_item(r, task, cal, today)
            due_day, provisional = item.due.isoformat(), item.provisional
            state = "overdue" if item.level == "overdue" else "pending"
    return RoundRow(
        task=task.id, number=r.number, date=r.draw_date, k=r.draw.k, picks=len(picks),
        voided=r.voided, void_date=r.void.date if r.void else None, void_reason=r.void.reason if r.void else None,
        inspected=inspected, results=results, check_end=check_end, due=due_day, due_provisional=provisional,
        published=published, publication=state, publish_events=len(r.publications),
        record=r.draw.record,
    )


def _task_row(task: Task, rounds: list[Round], entities: Sequence[Entity], cal: WorkCalendar, today: date) -> TaskRow:
    scope = _scope(task, entities)
    rows = tuple(_round_row(task, r, cal, today) for r in rounds)
    live_rounds = [r for r in rounds if not r.voided]
    live_rows = [row for row in rows if not row.voided]
    drawn = {e for r in live_rounds for e in r.picks}
    results = {code: 0 for code in RESULT_CODES}
    for row in live_rows:
        for code, n in row.results.items():
            results[code] = results.get(code, 0) + n
    pubs = {s: 0 for s in PUBLICATION_STATES}
    for row in live_rows:
        pubs[row.publication] += 1  # type: ignore[index]
    tally = Tally(
        scope=len(scope), rounds_drawn=len(live_rounds), rounds_voided=len(rounds) - len(live_rounds),
        picks=sum(row.picks for row in live_rows), entities_drawn=len(drawn), covered=len(drawn & scope),
        inspected=sum(row.inspected for row in live_rows), results=results, publications=pubs,
    )
    return TaskRow(task=task, period_ended=today > task.end, per_round=task.draw_count(len(scope)), tally=tally, rounds=rows)


def _sum_tallies(tallies: list[Tally], by_task: dict[str, list[Round]]) -> Tally:
    results = {code: 0 for code in RESULT_CODES}
    pubs = {s: 0 for s in PUBLICATION_STATES}
    for t in tallies:
        for code, n in t.results.items():
            results[code] = results.get(code, 0) + n
        for s, n in t.publications.items():
            pubs[s] += n
    # An entity in two tasks' scopes counts once among the entities drawn.
    drawn = {e for rs in by_task.values() for r in rs if not r.voided for e in r.picks}
    return Tally(
        scope=sum(t.scope for t in tallies), rounds_drawn=sum(t.rounds_drawn for t in tallies),
        rounds_voided=sum(t.rounds_voided for t in tallies), picks=sum(t.picks for t in tallies),
        entities_drawn=len(drawn), covered=sum(t.covered for t in tallies),
        inspected=sum(t.inspected for t in tallies), results=results, publications=pubs,
    )


def _pick_info(records: Mapping[tuple[str, int], DrawRecord | None], r: Round) -> dict[str, Pick]:
    rec = records.get((r.task, r.number))
    if not rec:
        return {}
    return {p.entity: p for p in rec.picks}


def _frequency(plan: Plan, by_task: dict[str, list[Round]], entities: Sequence[Entity], by_id: dict[str, Entity],
               records: Mapping, task_rows: tuple[TaskRow, ...]) -> Frequency:
    ended = {row.task.id: row.period_ended for row in task_rows}
    tasks = tuple(
        TaskFrequency(t.id, t.name, sum(1 for r in by_task[t.id] if not r.voided), ended[t.id]) for t in plan.tasks
    )
    categories: list[CategoryFrequency] = []
    for code, label in plan.categories.items():
        covering = [t for t in plan.tasks if code in t.scope]
        scope = {e.id for e in entities if e.active and e.category == code}
        rounds = with_picks = picks = 0
        drawn: set[str] = set()
        for t in covering:
            for r in by_task[t.id]:
                if r.voided:
                    continue
                rounds += 1
                info = _pick_info(records, r)
                mine = [e for e in r.picks if _category(e, by_id, info) == code]
                with_picks += bool(mine)
                picks += len(mine)
                drawn |= set(mine)
        key = any(t.ratio == 1 for t in covering)
        uncovered = tuple(sorted(scope - drawn)) if key else ()
        categories.append(CategoryFrequency(
            code=code, label=label, tasks=tuple(t.id for t in covering), key=key, rounds=rounds,
            rounds_with_picks=with_picks, picks=picks, entities=len(drawn), scope=len(scope),
            covered=len(drawn & scope), uncovered=uncovered,
        ))
    findings: list[str] = []
    rule = "计划“全年开展随机抽查频次一般不少于2次”"
    for tf in tasks:
        if not tf.meets_min_rounds:
            when = "" if tf.period_ended else f"（抽查时间至 {plan.task(tf.id).end.isoformat()}，尚未结束）"
            findings.append(f"任务“{tf.name}”（{tf.id}）全年有效摇号 {tf.rounds} 轮，少于{rule}{when}。")
    short = {tf.id for tf in tasks if not tf.meets_min_rounds}
    for c in categories:
        if not c.tasks:
            findings.append(f"类别“{c.label}”不在任何抽查任务的范围内，全年未安排随机抽查。")
        elif not c.meets_min_rounds and not (len(c.tasks) == 1 and c.tasks[0] in short):
            # A category of a single task that falls short is already said above.
            findings.append(f"类别“{c.label}”全年随机抽查 {c.rounds} 轮，少于{rule}。")
    for c in categories:
        if c.tasks and c.rounds and not c.picks and c.scope:
            findings.append(
                f"类别“{c.label}”（在营 {c.scope} 家）在抽查范围内随机抽查了 {c.rounds} 轮，但全年未抽中该类企业，"
                "可考虑在下一年度计划中单列任务或提高比例。"
            )
    for c in categories:
        if c.key and not c.fully_covered:
            names = "、".join(by_id[i].name if i in by_id else i for i in c.uncovered[:5])
            more = f"等 {len(c.uncovered)} 家" if len(c.uncovered) > 5 else ""
            still_open = any(not ended[t] for t in c.tasks)
            when = "（抽查时间尚未结束）" if still_open else ""
            findings.append(
                f"重点行业“{c.label}”（抽查比例 100%）在营 {c.scope} 家，全年抽查到 {c.covered} 家，"
                f"尚有 {len(c.uncovered)} 家未抽查：{names}{more}，未实现计划“重点行业全覆盖”{when}。"
            )
    ok = not findings
    if ok:
        findings.append("各抽查任务和各类别全年随机抽查均不少于 2 轮，重点行业全部覆盖，符合计划要求。")
    return Frequency(tasks=tasks, categories=tuple(categories), findings=tuple(findings), ok=ok)


def _category(entity_id: str, by_id: dict[str, Entity], info: Mapping[str, Pick]) -> str:
    e = by_id.get(entity_id)
    if e is not None:
        return e.category
    p = info.get(entity_id)
    return p.category if p else ""


def _inspectors(registry: Sequence[Inspector], live: list[Round], records: Mapping) -> Inspectors:
    reg = {i.id: i for i in registry}
    checks: dict[str, int] = {}
    by_task: dict[str, dict[str, int]] = {}
    names: dict[str, str] = {}
    small: list[SmallTeam] = []
    avoid: list[Avoidance] = []
    missing: list[tuple[str, int]] = []
    for r in live:
        info = _pick_info(records, r)
        if not info:
            missing.append((r.task, r.number))
            continue
        for entity in r.picks:
            p = info.get(entity)
            if p is None:
                continue
            team = list(dict.fromkeys(p.inspectors))
            for iid, name in zip(p.inspectors, p.inspector_names):
                names.setdefault(iid, name)
            for iid in team:
                checks[iid] = checks.get(iid, 0) + 1
                by_task.setdefault(iid, {}).setdefault(r.task, 0)
                by_task[iid][r.task] += 1
            if len(team) < 2:
                small.append(SmallTeam(r.task, r.number, entity, p.name, tuple(team)))
            for x in p.excluded_inspectors:
                if x.reason in AVOIDANCE_REASONS:
                    iid = x.id
                    who = reg[iid].name if iid in reg else names.get(iid, "")
                    avoid.append(Avoidance(r.task, r.number, entity, p.name, iid, who, x.reason, x.text))
    population = [i.id for i in registry if i.on_duty or i.id in checks]
    population += sorted(i for i in checks if i not in reg)
    rows = []
    for iid in population:
        i = reg.get(iid)
        rows.append(InspectorRow(
            id=iid, name=i.name if i else names.get(iid, ""), unit=i.unit if i else "", status=i.status if i else "不在名录库",
            checks=checks.get(iid, 0), by_task=dict(by_task.get(iid, {})),
        ))
    rows.sort(key=lambda row: (-row.checks, row.id))
    never = tuple(sorted((row for row in rows if row.checks == 0), key=lambda row: row.id))
    return Inspectors(rows=tuple(rows), never_drawn=never, small_teams=tuple(small), avoidance=tuple(avoid),
                      rounds_without_record=tuple(missing))


def _follow_up(live: list[Round], records: Mapping, by_id: dict[str, Entity]) -> tuple[FollowUp, ...]:
    out: list[FollowUp] = []
    for r in live:
        info = _pick_info(records, r)
        for entity in r.picks:
            ev = r.current(entity)
            if ev is None or ev.result not in FOUND_PROBLEM:
                continue
            p = info.get(entity)
            e = by_id.get(entity)
            out.append(FollowUp(
                date=ev.date, task=r.task, round=r.number, entity=entity,
                name=(p.name if p else "") or (e.name if e else ""), category=(p.category if p else "") or (e.category if e else ""),
                town=(p.town if p else "") or (e.town if e else ""), result=ev.result,
                measures=measures_text(ev.result, ev.measures), note=ev.note,
                inspectors=(p.inspector_names or p.inspectors) if p else (),
            ))
    out.sort(key=lambda f: (f.date, f.task, f.round, f.entity))
    return tuple(out)


def _timeline(year: int, rounds: list[Round]) -> tuple[Month, ...]:
    draws: dict[str, int] = {}
    voided: dict[str, int] = {}
    checks: dict[str, int] = {}
    pubs: dict[str, int] = {}

    def bump(counter: dict[str, int], day: str) -> None:
        counter[day[:7]] = counter.get(day[:7], 0) + 1

    for r in rounds:
        bump(draws, r.draw_date)
        if r.voided:
            bump(voided, r.draw_date)
            continue
        for e in r.picks:
            ev = r.current(e)
            if ev is not None:
                bump(checks, ev.date)
        for ev in r.publications:
            bump(pubs, ev.date)
    months = [f"{year}-{m:02d}" for m in range(1, 13)]
    later = sorted(m for m in set(draws) | set(checks) | set(pubs) if m > months[-1])
    if later:
        y, m = year + 1, 1
        while f"{y}-{m:02d}" <= later[-1]:
            months.append(f"{y}-{m:02d}")
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    earlier = sorted(m for m in set(draws) | set(checks) | set(pubs) if m < months[0])
    months = earlier + months
    return tuple(Month(m, draws.get(m, 0), voided.get(m, 0), checks.get(m, 0), pubs.get(m, 0)) for m in months)


# ---------------------------------------------------------------- the I/O edge


