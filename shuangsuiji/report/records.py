"""The records of the annual report and their JSON (``ssj report --format json``).

Every record is a frozen dataclass; its JSON is derived from its fields by the one
generic ``to_json``, in field order. A field's metadata may rename its key
(``json="round"``), leave it out (``json=None``), merge its object into the parent's
(``json="*"``) or project a foreign value first (``via=``). A value the report derives
(a share, a label, a count) is a field too, computed once in ``__post_init__``, so it
takes its place in the JSON beside the fields it comes from. Dates are ISO strings,
fractions "3" or "3.5", tuples lists.

JSON keys (schema ``ssj.report/1``):

- ``schema``, ``year``, ``today``, ``left_out`` (ledger events dated after ``today``,
  not counted: the report sees the ledger as it stood at the end of that day), ``plan`` {``title``, ``document``, ``issued``,
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
  ``void_date``, ``void_reason``, ``inspected``, ``results``, ``check_end``,
  ``late_check`` (the checks finished after the task's period: 逾期完成), ``due``,
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
  ``town``, ``result``, ``label``, ``measures``, ``note``, ``inspectors``, ``department``} (in a joint round one
  per department whose result in force found a problem, with that department's name and team; "" otherwise).
- ``credit``: ``grades`` [one object per credit-risk grade, A, B, C, D, then no grade:
  ``grade`` ("" for none), ``label``, ``entities`` (active entities of the grade in the
  registry), ``drawn`` (distinct entities of the grade drawn in live rounds),
  ``coverage`` (share: those drawn that are active of the grade / ``entities``), ``picks``,
  ``inspected``, ``results``, ``found_problems``, ``problem_share`` (share)]: an entity counts
  under its grade in the registry as it stands, under no grade when it has left the registry;
  ``blacklist`` [{``date``, ``change`` ("add"/"remove"), ``entity``, ``name``, ``reason``,
  ``basis``, ``seq``}] (the changes that took effect in the year, by date), ``added``,
  ``removed``, ``listed_on`` (the year's last day, or ``today`` when earlier), ``listed``
  (entities on the blacklist at the end of that day); ``targeted`` (定向 checks: the picks of
  live rounds added because the entity was blacklisted, ``always_include_blacklisted``; they are
  also counted in the grades' ``picks``), ``targeted_entities`` (distinct entities so checked),
  ``caps`` (the plan's ``max_checks_per_year`` in words, "" when it sets none), ``capped``
  (entities whose checks in the year's live rounds have reached their cap), ``over_cap``
  (checks beyond the entities' caps, 户次: 100% tasks and 定向 checks are never dropped).
- ``departments`` (部门与联合抽查, ``report.departments``): ``rows`` [one object per department of the plan's
  ``departments``, none when it declares none: ``code``, ``name``, ``tasks`` (tasks it takes part in),
  ``joint_tasks``, ``checks`` (picks of its rounds, every joint pick for each of its departments),
  ``inspected`` (with its own result in force), ``results``, ``found_problems``, ``problem_share``
  (share), ``workload`` (checks its inspectors went on, 人次), ``inspectors`` (on duty)], ``picks``
  (all the year's picks), ``joint_picks`` (picks of joint rounds), ``joint_share`` (share),
  ``visits_saved`` (per joint pick, its departments less one), ``repeated`` (firms drawn more than
  once in the year).
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

from dataclasses import dataclass, field, fields, is_dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any, Callable, Mapping, Sequence

from shuangsuiji.codes import FOUND_PROBLEM, RESULT_CODES
from shuangsuiji.records import Plan, Task, grade_text

REPORT_SCHEMA = "ssj.report/1"
MIN_ROUNDS = 2  # 全年开展随机抽查频次一般不少于2次
AVOIDANCE_REASONS = ("conflict", "local")  # exclusions that are avoidance, not availability
NOT_OPERATING = "not_operating"


# ---------------------------------------------------------------- the one JSON rule


def to_json(value: Any) -> Any:
    """The JSON value of a report record, derived from its dataclass fields (see the module docstring)."""
    kind = type(value)
    if kind in _PLAIN:
        return value
    plan = _FIELDS.get(kind)
    if plan is None and is_dataclass(value) and not isinstance(value, type):
        plan = _FIELDS[kind] = tuple(
            (f.name, f.metadata.get("json", f.name), f.metadata.get("via")) for f in fields(value)
            if f.metadata.get("json", f.name) is not None
        )
    if plan is not None:
        out: dict[str, Any] = {}
        for name, key, via in plan:
            item = getattr(value, name)
            converted = to_json(via(item) if via else item)
            if key == "*":
                out.update(converted)
            else:
                out[key] = converted
        return out
    if kind is dict or isinstance(value, Mapping):
        return {k: to_json(v) for k, v in value.items()}
    if kind is list or kind is tuple or isinstance(value, (list, tuple)):
        return [to_json(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Fraction):
        return fraction_text(value)
    if isinstance(value, Decimal):
        return str(value)
    return value


_PLAIN = frozenset({str, int, float, bool, type(None)})  # JSON as they are
_FIELDS: dict[type, tuple[tuple[str, Any, Callable[[Any], Any] | None], ...]] = {}  # a record class -> its JSON fields


def derived(**metadata: Any) -> Any:
    """A field computed in ``__post_init__`` from the others: not an argument, but in the JSON."""
    return field(init=False, metadata=metadata)


def _set(record: Any, **values: Any) -> None:
    for name, value in values.items():
        object.__setattr__(record, name, value)


class JsonRecord:
    """A report record: ``to_json`` is the one generic rule."""

    __slots__ = ()

    def to_json(self) -> dict:
        return to_json(self)


# ---------------------------------------------------------------- exact shares


@dataclass(frozen=True, slots=True)
class Share(JsonRecord):
    """A part of a whole, kept as two integers; the percentage is for display only."""

    num: int
    den: int
    shown: str | None = derived(json="percent")  # 100 x num / den, one decimal, rounded half up

    def __post_init__(self) -> None:
        shown = None
        if self.den:
            tenths = (2 * 1000 * self.num + self.den) // (2 * self.den)
            shown = f"{tenths // 10}.{tenths % 10}"
        _set(self, shown=shown)

    @property
    def value(self) -> Fraction | None:
        return Fraction(self.num, self.den) if self.den else None

    def percent(self) -> str | None:
        """100 x num / den rounded half up to one decimal place, exactly; None when den is 0."""
        return self.shown

    def text(self) -> str:
        return "—" if self.shown is None else f"{self.shown}%"


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


# ---------------------------------------------------------------- tasks and rounds


@dataclass(frozen=True)
class RoundRow(JsonRecord):
    task: str = field(metadata={"json": None})
    number: int = field(metadata={"json": "round"})
    date: str
    k: int
    picks: int
    voided: bool
    void_date: str | None
    void_reason: str | None
    inspected: int
    results: dict[str, int]
    check_end: str | None
    late_check: bool  # complete, and the last check after the task's period (逾期完成, deadlines.due.finished_late)
    due: str | None
    due_provisional: bool
    published: str | None
    publication: str | None  # one of PUBLICATION_STATES; None when voided
    publish_events: int
    record: str


@dataclass(frozen=True)
class Tally(JsonRecord):
    """Counts shared by a task row and the totals."""

    scope: int
    rounds_drawn: int
    rounds_voided: int
    picks: int
    entities_drawn: int
    covered: int = field(metadata={"json": None})
    coverage: Share = derived()
    inspected: int
    not_inspected: int = derived()
    results: dict[str, int]
    found_problems: int = derived()
    problem_share: Share = derived()
    publications: dict[str, int]

    def __post_init__(self) -> None:
        found = sum(self.results.get(c, 0) for c in FOUND_PROBLEM)
        _set(
            self, coverage=Share(self.covered, self.scope), not_inspected=self.picks - self.inspected,
            found_problems=found, problem_share=Share(found, self.inspected - self.results.get(NOT_OPERATING, 0)),
        )


def _task_head(t: Task) -> dict:
    return {"index": t.index, "id": t.id, "name": t.name, "type": t.type, "ratio": None if t.ratio is None else str(t.ratio),
            "ratio_text": t.ratio_text(), "start": t.start, "end": t.end}


@dataclass(frozen=True)
class TaskRow(JsonRecord):
    task: Task = field(metadata={"json": "*", "via": _task_head})
    period_ended: bool
    per_round: int
    tally: Tally = field(metadata={"json": "*"})
    rounds: tuple[RoundRow, ...]


# ---------------------------------------------------------------- frequency


@dataclass(frozen=True)
class CategoryFrequency(JsonRecord):
    code: str
    label: str
    tasks: tuple[str, ...]
    key: bool
    rounds: int
    rounds_with_picks: int
    picks: int
    entities: int
    scope: int
    covered: int = field(metadata={"json": None})
    coverage: Share = derived()
    uncovered: tuple[str, ...]
    meets_min_rounds: bool = derived()
    fully_covered: bool = derived()

    def __post_init__(self) -> None:
        _set(self, coverage=Share(self.covered, self.scope), meets_min_rounds=self.rounds >= MIN_ROUNDS,
             fully_covered=not self.uncovered)


@dataclass(frozen=True)
class TaskFrequency(JsonRecord):
    id: str
    name: str
    rounds: int
    period_ended: bool
    meets_min_rounds: bool = derived()

    def __post_init__(self) -> None:
        _set(self, meets_min_rounds=self.rounds >= MIN_ROUNDS)


@dataclass(frozen=True)
class Frequency(JsonRecord):
    min_rounds: int = derived()
    tasks: tuple[TaskFrequency, ...]
    categories: tuple[CategoryFrequency, ...]
    key_categories: tuple[str, ...] = derived()
    findings: tuple[str, ...]
    ok: bool

    def __post_init__(self) -> None:
        _set(self, min_rounds=MIN_ROUNDS, key_categories=tuple(c.code for c in self.categories if c.key))


# ---------------------------------------------------------------- inspectors


@dataclass(frozen=True)
class InspectorRow(JsonRecord):
    id: str
    name: str
    unit: str
    status: str
    checks: int
    by_task: dict[str, int]


@dataclass(frozen=True)
class SmallTeam(JsonRecord):
    task: str
    round: int
    entity: str
    name: str
    inspectors: tuple[str, ...]


@dataclass(frozen=True)
class Avoidance(JsonRecord):
    task: str
    round: int
    entity: str
    name: str
    inspector: str
    inspector_name: str
    reason: str
    text: str


def avoidance_by_reason(items: Sequence[Avoidance]) -> dict[str, int]:
    out = {code: 0 for code in AVOIDANCE_REASONS}
    for a in items:
        out[a.reason] = out.get(a.reason, 0) + 1
    return out


def _avoidance_json(items: Sequence[Avoidance]) -> dict:
    return {"total": len(items), "by_reason": avoidance_by_reason(items), "items": items}


def _names_json(rows: Sequence[InspectorRow]) -> list[dict]:
    return [{"id": r.id, "name": r.name, "unit": r.unit} for r in rows]


def _rounds_json(rounds: Sequence[tuple[str, int]]) -> list[dict]:
    return [{"task": t, "round": n} for t, n in rounds]


@dataclass(frozen=True)
class Inspectors(JsonRecord):
    population: int = derived()
    min: int | None = derived()
    median: Fraction | None = derived()  # JSON "3" or "3.5"
    max: int | None = derived()
    rows: tuple[InspectorRow, ...]  # the population, most checks first
    never_drawn: tuple[InspectorRow, ...] = field(metadata={"via": _names_json})
    small_teams: tuple[SmallTeam, ...]
    avoidance: tuple[Avoidance, ...] = field(metadata={"via": _avoidance_json})
    rounds_without_record: tuple[tuple[str, int], ...] = field(metadata={"via": _rounds_json})

    def __post_init__(self) -> None:
        counts = [r.checks for r in self.rows]
        _set(self, population=len(self.rows), min=min(counts, default=None), median=median(counts),
             max=max(counts, default=None))

    def avoidance_by_reason(self) -> dict[str, int]:
        return avoidance_by_reason(self.avoidance)


# ---------------------------------------------------------------- follow-up, months, integrity


@dataclass(frozen=True)
class FollowUp(JsonRecord):
    date: str
    task: str
    round: int
    entity: str
    name: str
    category: str
    town: str
    result: str
    label: str = derived()
    measures: str
    note: str
    inspectors: tuple[str, ...]
    department: str = ""  # in a joint round the department that found it (its name, its own team above); "" otherwise

    def __post_init__(self) -> None:
        _set(self, label=RESULT_CODES.get(self.result, self.result))


@dataclass(frozen=True)
class Month(JsonRecord):
    month: str  # YYYY-MM
    draws: int
    voided: int
    checks: int
    publications: int


@dataclass(frozen=True)
class Integrity(JsonRecord):
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


# ---------------------------------------------------------------- credit grades and the blacklist


@dataclass(frozen=True)
class GradeRow(JsonRecord):
    """One credit-risk grade's entities and checks (the grade as the registry stands)."""

    grade: str  # "A" .. "D", "" for no grade (and entities no longer in the registry)
    label: str = derived()  # B（一般风险）, 未定级
    entities: int  # active entities of the grade in the registry
    drawn: int  # distinct entities of the grade drawn in live rounds
    covered: int = field(metadata={"json": None})  # of those, active registry entities of the grade
    coverage: Share = derived()
    picks: int  # checks (户次) of live rounds
    inspected: int
    results: dict[str, int]
    found_problems: int = derived()
    problem_share: Share = derived()

    def __post_init__(self) -> None:
        found = sum(self.results.get(c, 0) for c in FOUND_PROBLEM)
        _set(self, label=grade_text(self.grade), coverage=Share(self.covered, self.entities), found_problems=found,
             problem_share=Share(found, self.inspected - self.results.get(NOT_OPERATING, 0)))


@dataclass(frozen=True)
class BlacklistChange(JsonRecord):
    date: str
    change: str  # "add" or "remove"
    entity: str
    name: str
    reason: str
    basis: str
    seq: int


@dataclass(frozen=True)
class Credit(JsonRecord):
    """The credit section: checks by grade, and the blacklist's changes in the year.

    Beside ``grades`` and ``blacklist``: the 定向 additions of blacklisted entities, counted apart
    (they are in the grades' picks too), and the entities that reached ``max_checks_per_year``.
    """

    grades: tuple[GradeRow, ...]  # codes.STRATUM_ORDER: A, B, C, D, then no grade
    blacklist: tuple[BlacklistChange, ...]  # changes that took effect in the year, by date
    added: int = derived()
    removed: int = derived()
    listed_on: str  # the day the list is counted at: the year's last day, or today when earlier
    listed: int  # entities on the list at the end of that day
    targeted: int = 0  # 定向 checks (always_include_blacklisted) in the year's live rounds, 户次
    targeted_entities: int = 0
    caps: str = ""  # max_checks_per_year in words; "" when the plan sets no cap
    capped: int = 0  # entities at (or over) their yearly cap
    over_cap: int = 0  # checks beyond the caps, 户次

    def __post_init__(self) -> None:
        _set(self, added=sum(1 for b in self.blacklist if b.change == "add"),
             removed=sum(1 for b in self.blacklist if b.change == "remove"))


# ---------------------------------------------------------------- departments and joint checks


@dataclass(frozen=True)
class DepartmentRow(JsonRecord):
    """One department's checks, findings and workload in the year (``report.departments``)."""

    code: str
    name: str
    tasks: int
    joint_tasks: int
    checks: int
    inspected: int
    results: dict[str, int]
    found_problems: int = derived()
    problem_share: Share = derived()
    workload: int
    inspectors: int

    def __post_init__(self) -> None:
        found = sum(self.results.get(c, 0) for c in FOUND_PROBLEM)
        _set(self, found_problems=found, problem_share=Share(found, self.inspected - self.results.get(NOT_OPERATING, 0)))


@dataclass(frozen=True)
class Departments(JsonRecord):
    """The departments section: per department, and the joint checks' share of the year's."""

    rows: tuple[DepartmentRow, ...]  # the plan's departments in declaration order; () when it declares none
    picks: int
    joint_picks: int
    joint_share: Share = derived()
    visits_saved: int
    repeated: int

    def __post_init__(self) -> None:
        _set(self, joint_share=Share(self.joint_picks, self.picks))


# ---------------------------------------------------------------- seed kinds


@dataclass(frozen=True)
class SeedKindRow(JsonRecord):
    """Rounds of the year whose seed was fixed one way (``draw.seeds``): live and voided apart."""

    kind: str  # a key of codes.SEED_KINDS, or "unknown"
    label: str
    live: int
    voided: int


# ---------------------------------------------------------------- the report


def _plan_head(p: Plan) -> dict:
    return {"title": p.title, "document": p.document, "issued": p.issued, "department": p.department}


def _summary(t: Tally, tasks: int) -> dict:
    return {
        "tasks": tasks, "rounds_drawn": t.rounds_drawn, "rounds_voided": t.rounds_voided,
        "picks": t.picks, "entities_drawn": t.entities_drawn, "inspected": t.inspected,
        "found_problems": t.found_problems, "problem_share": t.problem_share,
        "published_on_time": t.publications["on_time"], "published_late": t.publications["late"],
        "pending": t.publications["pending"], "overdue": t.publications["overdue"],
    }


@dataclass(frozen=True)
class Report(JsonRecord):
    schema: str = derived()
    title: str = derived()
    year: int
    today: date
    left_out: int  # ledger events dated after today, not counted
    plan: Plan = field(metadata={"via": _plan_head})
    integrity: Integrity
    summary: dict = derived()  # the figures of the report's cards
    tasks: tuple[TaskRow, ...]
    totals: Tally
    frequency: Frequency
    inspectors: Inspectors
    follow_up: tuple[FollowUp, ...]
    credit: Credit
    departments: Departments
    timeline: tuple[Month, ...]
    seeds: tuple[SeedKindRow, ...] = ()  # rounds by how their seed was fixed, every kind (zeros too)
    seed_warning: str | None = None  # most live rounds typed by hand (draw.seeds.hand_warning)
    notes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        _set(self, schema=REPORT_SCHEMA, title=f"{self.plan.department}{self.year}年“双随机、一公开”抽查工作年度报告",
             summary=_summary(self.totals, len(self.tasks)))
