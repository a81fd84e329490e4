"""The frozen records ssj works on.

Every record read from a file remembers ``path`` and ``line`` so a later error can
point back at it. The sort key comes first where order matters (an entity sorts by its
USCC, a task by its position in the plan).
"""

from __future__ import annotations

import gc
import math
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction

from shuangsuiji.codes import (
    ACTIVE_ENTITY_STATUS,
    NOT_DRAWN_STATUS,
    ON_DUTY_STATUS,
    RISK_LABELS,
    RISK_GRADES,
    UNGRADED_LABEL,
)
from shuangsuiji.errors import UnknownTask

MIN_INSPECTORS = 2  # the plan: every check by at least two inspectors (plan loader, teams, verify)


@contextmanager
def no_cycle_collection() -> Iterator[None]:
    """Python's cycle collector paused while many records that form no cycles are built (a ledger's
    events and the rounds folded from them, a registry, a draw record's picks): it would scan each
    of them again and again for cycles there are none of. Reference counting frees as usual."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


@dataclass(frozen=True, slots=True)
class Entity:
    """One row of the entity registry (检查对象名录库)."""

    id: str  # 统一社会信用代码 (USCC)
    name: str
    category: str  # category code, e.g. "coal_mine"
    town: str
    status: str
    risk: str = ""  # credit-risk grade A-D, may be empty
    path: str = field(default="", compare=False)
    line: int = field(default=0, compare=False)

    @property
    def active(self) -> bool:
        return self.status == ACTIVE_ENTITY_STATUS


@dataclass(frozen=True, slots=True)
class Inspector:
    """One row of the inspector registry (执法检查人员名录库)."""

    id: str  # 执法证号
    name: str
    unit: str
    qualifications: tuple[str, ...]  # category codes; empty = qualified for all
    status: str
    town: str
    avoid: tuple[str, ...]  # entity USCCs with a conflict of interest
    department: str = ""  # code of the plan's ``departments``; "" = the plan's own department
    path: str = field(default="", compare=False)
    line: int = field(default=0, compare=False)

    @property
    def on_duty(self) -> bool:
        return self.status == ON_DUTY_STATUS

    @property
    def never_drawn(self) -> bool:
        """In the registry but never to be drawn (e.g. 法制审核 staff): status 不参与抽取."""
        return self.status == NOT_DRAWN_STATUS

    def qualified_for(self, category: str) -> bool:
        return not self.qualifications or category in self.qualifications


def draw_count(scope_size: int, ratio: Decimal) -> int:
    """The count rule: ceil(N x ratio), at least 1 when N > 0; exact arithmetic, never floats."""
    if scope_size <= 0:
        return 0
    return max(1, math.ceil(Fraction(ratio) * scope_size))


def stratum_count(size: int, ratio: Decimal) -> int:
    """The count rule of one risk grade's stratum: ceil(N_g x r_g), exactly; a ratio of 0 draws none."""
    if size <= 0 or ratio <= 0:
        return 0
    return math.ceil(Fraction(ratio) * size)


def grade_label(grade: str) -> str:
    """A grade as users read it: "A" .. "D", or 未定级 for an entity without one."""
    return grade or UNGRADED_LABEL


def grade_text(grade: str) -> str:
    """A grade with its meaning: "B（一般风险）"; 未定级 for an entity without one."""
    return f"{grade}（{RISK_LABELS[grade]}）" if grade in RISK_LABELS else UNGRADED_LABEL


def percent_text(ratio: Decimal) -> str:
    """An exact ratio as a percentage: Decimal("0.2") -> "20%"."""
    return f"{(ratio * 100).normalize():f}%"


@dataclass(frozen=True, slots=True)
class TaskDepartment:
    """One department of a joint task (部门联合抽查): its code, name, matter and inspectors per pick."""

    code: str
    name: str
    matter: str  # 抽查事项 of this department
    inspectors: int  # inspectors this department sends to each pick, >= 1


@dataclass(frozen=True, slots=True)
class Task:
    """One row of the plan's annex (抽查工作计划表)."""

    index: int  # 序号, 1-based position in the plan
    id: str
    name: str
    type: str  # 定向 / 不定向
    matter: str  # 抽查事项
    scope_label: str  # 抽查对象范围, as printed in the annex
    scope: tuple[str, ...]  # category codes
    ratio: Decimal | None  # exact, in (0, 1]; None only when ratio_by_risk covers every entity
    start: date
    end: date
    department: str
    inspectors_per_check: int
    publish_within_workdays: int = 7  # results go public within this many working days after the check ends
    ratio_by_risk: tuple[tuple[str, Decimal], ...] = ()  # (grade, exact ratio in [0, 1]) in grade order
    department_code: str = ""  # the code of ``department`` in the plan's ``departments``; "" = the plan's own
    joint: tuple[TaskDepartment, ...] = ()  # a joint task: the lead department first, then the others; () = not joint
    always_include_blacklisted: bool = False  # blacklisted entities in scope join every round as 定向 additions
    path: str = field(default="", compare=False)
    line: int = field(default=0, compare=False)
    ratio_by_risk_line: int = field(default=0, compare=False)

    @property
    def stratified(self) -> bool:
        """Whether the task draws per risk grade (``ratio_by_risk``, see draw.strata)."""
        return bool(self.ratio_by_risk)

    def ratio_for(self, grade: str) -> Decimal | None:
        """The ratio of one grade's stratum: its ratio_by_risk entry, else the task's ratio (None when neither)."""
        return dict(self.ratio_by_risk).get(grade, self.ratio)

    @property
    def is_joint(self) -> bool:
        return bool(self.joint)

    def department_codes(self) -> tuple[str, ...]:
        """The departments whose inspectors go on this task's checks: the joint ones, or the task's own."""
        return tuple(d.code for d in self.joint) if self.joint else (self.department_code,)

    def draw_count(self, scope_size: int) -> int:
        """k of an unstratified task; a stratified one counts per grade (``strata_counts``)."""
        if self.ratio is None:
            raise ValueError(f"task {self.id} has no single ratio")
        return draw_count(scope_size, self.ratio)

    def strata_counts(self, sizes: Mapping[str, int]) -> dict[str, int]:
        """grade -> k of its stratum, for the grades of ``sizes`` (grade -> N_g); a grade without a ratio raises ValueError."""
        out = {}
        for grade, n in sizes.items():
            ratio = self.ratio_for(grade)
            if ratio is None:
                raise ValueError(f"task {self.id}: no ratio for grade {grade!r}")
            out[grade] = stratum_count(n, ratio)
        return out

    @property
    def full_coverage(self) -> bool:
        """Every entity in scope is checked each round (100%, in every grade)."""
        ratios = [r for _, r in self.ratio_by_risk] + ([self.ratio] if self.ratio is not None else [])
        return bool(ratios) and all(r == 1 for r in ratios)

    def ratio_text(self) -> str:
        """20%; for a stratified task every grade's: A 0%、B 10%、C 30%、D 100%、未定级 20%."""
        if not self.stratified:
            return percent_text(self.ratio) if self.ratio is not None else ""
        parts = [f"{g} {percent_text(r)}" for g, r in self.ratio_by_risk]
        if self.ratio is not None:
            parts.append(f"{UNGRADED_LABEL if len(self.ratio_by_risk) == len(RISK_GRADES) else '其他等级及' + UNGRADED_LABEL} {percent_text(self.ratio)}")
        return "、".join(parts)

    def period_text(self) -> str:
        return f"{self.start.isoformat()} 至 {self.end.isoformat()}"


@dataclass(frozen=True, slots=True)
class CheckCaps:
    """The plan's ``max_checks_per_year``: how many checks one entity may have in a year, across every task.

    The cap of an entity of category c and grade g is the first of these that is given: the
    category's entry for the grade (``by_category[c]`` written per grade), the category's one
    number, the grade's (``by_grade``), ``default``; None (no cap) when none is.
    """

    default: int | None = None
    by_grade: Mapping[str, int] = field(default_factory=dict)  # grade A-D -> cap
    by_category: Mapping[str, int] = field(default_factory=dict)  # category code -> cap of every grade
    by_category_grade: Mapping[tuple[str, str], int] = field(default_factory=dict)  # (category, grade) -> cap
    line: int = field(default=0, compare=False)  # the line of max_checks_per_year in the plan

    def cap_for(self, category: str, grade: str) -> int | None:
        """The cap of an entity of this category and credit-risk grade ("" for none); None when uncapped."""
        found = self.by_category_grade.get((category, grade))
        if found is None:
            found = self.by_category.get(category)
        if found is None:
            found = self.by_grade.get(grade)
        return self.default if found is None else found

    def text(self) -> str:
        """The rule in words, as ``ssj plan`` and ``ssj check`` show it."""
        parts = [] if self.default is None else [f"每户每年最多 {self.default} 次"]
        parts += [f"{g} 级 {n} 次" for g, n in self.by_grade.items()]
        parts += [f"{c} {n} 次" for c, n in self.by_category.items()]
        parts += [f"{c} {g} 级 {n} 次" for (c, g), n in self.by_category_grade.items()]
        return "、".join(parts)


@dataclass(frozen=True, slots=True)
class Plan:
    """A yearly plan (plans/<year>.yaml)."""

    year: int
    document: str  # 文号
    title: str
    issued: date
    department: str
    local_avoidance: bool  # 属地回避: inspectors do not check entities of their home town
    categories: dict[str, str]  # code -> Chinese label, in declaration order
    tasks: tuple[Task, ...]
    path: str = field(default="", compare=False)
    departments: dict[str, str] = field(default_factory=dict)  # code -> name; {} when the plan declares none
    home_department: str = ""  # the code of the plan's own department in ``departments``; "" when none declared
    max_checks: CheckCaps | None = None  # max_checks_per_year; None when the plan sets no cap

    def department_name(self, code: str) -> str:
        """The name of a department code; "" (the plan's own department) is the plan's ``department``."""
        return self.departments.get(code, self.department) if code else self.department

    def department_of(self, inspector: Inspector) -> str:
        """The department code an inspector belongs to: their column, or the plan's own department."""
        return inspector.department or self.home_department

    def task(self, task_id: str) -> Task | None:
        for t in self.tasks:
            if t.id == task_id:
                return t
        return None

    def get_task(self, task_id: str) -> Task:
        """The task with this id. Raises UnknownTask, listing the plan's tasks."""
        task = self.task(task_id)
        if task is None:
            known = "、".join(t.id for t in self.tasks)
            raise UnknownTask(f"{self.year} 年计划中没有任务 {task_id}", f"可用任务：{known}（见 ssj plan）；年份不对时请加 --year")
        return task

    def category_label(self, code: str) -> str:
        return self.categories.get(code, code)
