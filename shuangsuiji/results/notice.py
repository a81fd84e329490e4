"""The public notice of a round's results (抽查结果公示): the ``Notice`` record, built purely.

``build_notice`` turns the plan, the task, the round's draw record and the results in force
into one ``Notice`` (no clock, no files). Each notice has a header (title, the plan's
document number, the department, the publication date) and one row per entity with the
columns of ``COLUMNS``. ``shuangsuiji.render.notice`` turns a Notice into CSV, XLSX, HTML
and Markdown bytes.

A joint task's notice (联合抽查结果公示, ``build_joint_notice``) has one row per entity and
department (``JOINT_COLUMNS``): each department's matter, check date, result, measures and
inspectors; the entity's first row says how many rows it spans, and every department signs it.

A round's 定向 additions (blacklisted entities checked in every round, ``always_include_blacklisted``,
``draw.caps``) are counted apart: their 抽查类型 cell says ``TARGETED_TYPE`` and the header says how
many of the notice's entities they are.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Mapping, Sequence

from shuangsuiji.draw.joint import department_teams
from shuangsuiji.draw.record import DrawRecord
from shuangsuiji.ledger.events import ResultEvent
from shuangsuiji.records import Plan, Task
from shuangsuiji.results.check import measures_text, result_label

COLUMNS = (
    "序号", "抽查任务名称", "抽查类型", "抽查事项", "企业名称", "统一社会信用代码",
    "检查日期", "检查结果", "处理措施", "执法人员", "抽查发起部门",
)
JOINT_COLUMNS = (
    "序号", "抽查任务名称", "抽查类型", "企业名称", "统一社会信用代码", "检查部门",
    "抽查事项", "检查日期", "检查结果", "处理措施", "执法人员",
)
FORMATS = ("csv", "xlsx", "html", "md")
TARGETED_TYPE = "黑名单企业定向检查（不经摇号）"


@dataclass(frozen=True, slots=True)
class NoticeRow:
    index: int  # 序号
    task_name: str
    task_type: str
    matter: str
    entity_name: str
    entity: str  # USCC
    date: str
    result: str  # label
    measures: str
    inspectors: str  # "name（执法证号）、name（执法证号）"
    department: str

    def cells(self) -> list[str]:
        return [str(self.index), self.task_name, self.task_type, self.matter, self.entity_name, self.entity,
                self.date, self.result, self.measures, self.inspectors, self.department]


@dataclass(frozen=True, slots=True)
class JointNoticeRow:
    """One department's check of one entity in a joint notice; ``span`` > 0 on the entity's first row (its row count)."""

    index: int
    task_name: str
    task_type: str
    entity_name: str
    entity: str
    department: str
    matter: str
    date: str
    result: str
    measures: str
    inspectors: str
    span: int  # rows of this entity, on its first row; 0 on the others

    def cells(self) -> list[str]:
        return [str(self.index), self.task_name, self.task_type, self.entity_name, self.entity, self.department,
                self.matter, self.date, self.result, self.measures, self.inspectors]


@dataclass(frozen=True, slots=True)
class Notice:
    title: str  # e.g. 2022年危险化学品生产经营企业双随机抽查计划（第 1 轮）抽查结果公示
    document: str  # the plan's 文号
    plan_title: str
    department: str
    date: str  # publication date
    partial: bool
    picks: int  # entities drawn in the round; fewer rows than this in a partial notice
    rows: tuple[NoticeRow, ...] | tuple[JointNoticeRow, ...]
    columns: tuple[str, ...] = COLUMNS
    signers: tuple[str, ...] = ()  # a joint notice's departments, the lead first; () = ``department`` alone
    targeted: int = 0  # rows that are 定向 additions (blacklisted entities, always_include_blacklisted)

    @property
    def entities(self) -> int:
        """Entities in the notice (a joint notice has a row per entity and department)."""
        return sum(1 for r in self.rows if not isinstance(r, JointNoticeRow) or r.span)

    @property
    def signed_by(self) -> tuple[str, ...]:
        return self.signers or (self.department,)

    def header_text(self) -> str:
        """The line under the title: where the checks came from and when this was published."""
        if self.signers:
            text = (f"依据：{self.plan_title}（{self.document}）；牵头部门：{self.signers[0]}；"
                    f"配合部门：{'、'.join(self.signers[1:])}；公示日期：{self.date}")
        else:
            text = f"依据：{self.plan_title}（{self.document}）；抽查发起部门：{self.department}；公示日期：{self.date}"
        if self.targeted:
            text += f"；其中 {self.targeted} 户为失信黑名单企业定向检查（每轮都查，不经摇号），其余为随机抽取"
        if self.partial:
            text += f"；本次公示已完成检查的 {self.entities} 户（共抽取 {self.picks} 户），其余检查完成后另行公示"
        return text


def inspectors_text(names: Sequence[str], ids: Sequence[str]) -> str:
    return "、".join(f"{n}（{i}）" for n, i in zip(names, ids))


def build_notice(
    plan: Plan,
    task: Task,
    record: DrawRecord,
    results: Mapping[str, ResultEvent],
    day: date,
    partial: bool,
) -> Notice:
    """The notice for the picks that have a result, in draw order.

    Args:
        record: the round's draw record (names and teams as drawn).
        results: entity -> the result event in force.
        day: the publication date.
        partial: whether picks without a result are left out on purpose.
    """
    rows = []
    targeted = set(record.targeted)
    for pick in record.picks:
        res = results.get(pick.entity)
        if res is None:
            continue
        rows.append(NoticeRow(
            index=len(rows) + 1, task_name=task.name, task_type=TARGETED_TYPE if pick.entity in targeted else task.type, matter=task.matter,
            entity_name=pick.name, entity=pick.entity, date=res.date,
            result=result_label(res.result), measures=measures_text(res.result, res.measures),
            inspectors=inspectors_text(pick.inspector_names, pick.inspectors),
            department=task.department,
        ))
    title = f"{task.name}（第 {record.round} 轮）抽查结果公示"
    return Notice(title, plan.document, plan.title, task.department, day.isoformat(), partial, len(record.picks), tuple(rows),
                  targeted=sum(1 for r in rows if r.entity in targeted))


def build_joint_notice(
    plan: Plan,
    task: Task,
    record: DrawRecord,
    results: Mapping[str, Mapping[str, ResultEvent]],
    day: date,
    partial: bool,
) -> Notice:
    """The joint notice (联合抽查结果公示) for the picks every department has checked, in draw order.

    Args:
        record: the round's draw record with its ``departments`` (names, matters and teams as drawn).
        results: entity -> department code -> the result event in force.
    """
    rows: list[JointNoticeRow] = []
    n = 0
    targeted = set(record.targeted)
    for pick in record.picks:
        by_department = results.get(pick.entity)
        if by_department is None:
            continue
        n += 1
        teams = department_teams(record, pick)
        for i, (dept, ids, names) in enumerate(teams):
            res = by_department[dept.code]
            rows.append(JointNoticeRow(
                index=n, task_name=task.name, task_type=TARGETED_TYPE if pick.entity in targeted else task.type,
                entity_name=pick.name, entity=pick.entity,
                department=dept.name, matter=dept.matter, date=res.date, result=result_label(res.result),
                measures=measures_text(res.result, res.measures), inspectors=inspectors_text(names, ids),
                span=len(teams) if i == 0 else 0,
            ))
    signers = tuple(d.name for d in record.departments)
    title = f"{task.name}（第 {record.round} 轮）联合抽查结果公示"
    return Notice(title, plan.document, plan.title, signers[0], day.isoformat(), partial, len(record.picks), tuple(rows),
                  JOINT_COLUMNS, signers, targeted=sum(1 for r in rows if r.span and r.entity in targeted))
