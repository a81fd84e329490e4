"""Joint draws (部门联合抽查): each department staffs every pick from its own inspectors (pure).

A joint task draws its entities once, by the same rule as any task. Then each department of
the task (the lead first, then the others, in the plan's order) forms its part of every
pick's team from its own people only, by the rule of ``draw.teams``: its eligible inspectors
(on duty, qualified for the entity's category, not avoiding it, and under 属地回避 not of its
town) ordered by (checks so far in the year, ``SHA-256(seed:entity:inspector)``, id), the first
``inspectors_per_check`` of them. An inspector belongs to one department only, so the
departments' orderings never touch one another: forming every pick's team for one department
and then for the next gives the same teams as going pick by pick.

A pick's ``inspectors`` hold the departments' teams one after another, each as long as its
department's quota (``department_teams`` splits them again). A department that cannot staff a
pick fails the draw, naming the department, the entity and why each of its people cannot go.

In a plan with ``departments``, a task that is not joint draws its teams from its own
department's inspectors only (``task_pool``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from shuangsuiji.draw.record import DrawDepartment, DrawRecord, Pick
from shuangsuiji.draw.teams import Team, assign_teams, team_from_eligible
from shuangsuiji.errors import NotEnoughInspectors
from shuangsuiji.inputs.year import Inputs
from shuangsuiji.records import Entity, Inspector, Task


def task_pool(inputs: Inputs, task: Task) -> tuple[Inspector, ...]:
    """The inspectors a task's teams come from: its department's (every joint department's); all when the plan has no departments."""
    return inputs.task_inspectors(task)


def draw_departments(inputs: Inputs, task: Task) -> tuple[DrawDepartment, ...]:
    """The record's ``departments`` of a joint task (lead first), each with its sorted pool; () for a task that is not joint."""
    return tuple(
        DrawDepartment(d.code, d.name, d.matter, d.inspectors, tuple(sorted(i.id for i in inputs.department_inspectors(d.code))))
        for d in task.joint
    )


def joint_teams(
    seed: str,
    picks: Sequence[Entity],
    groups: Sequence[tuple[DrawDepartment, Sequence[Inspector]]],
    local_avoidance: bool,
    prior_checks: Mapping[str, int] | None = None,
) -> list[Team]:
    """One joint team per pick: each department's ``inspectors_per_check`` from its own inspectors, in department order.

    ``groups`` pairs each department with its inspectors (disjoint). A team's ``excluded`` are
    every department's inspectors who could not go, sorted by id.

    Raises NotEnoughInspectors, naming the department and the entity, when a department has
    fewer eligible inspectors for a pick than its quota.
    """
    per_department: list[list[Team]] = []
    for dept, inspectors in groups:
        try:
            per_department.append(assign_teams(seed, picks, inspectors, dept.inspectors_per_check, local_avoidance, prior_checks))
        except NotEnoughInspectors as exc:
            raise NotEnoughInspectors(
                f"联合抽查的{dept.name}（{dept.code}）不能为每户派出 {dept.inspectors_per_check} 名执法人员：{exc.message}",
                f"请{dept.name}核对其执法检查人员名录库（data/inspectors.csv 中 department 为 {dept.code} 的人员）的在岗状态、"
                "检查资格和回避名单，补充可派人员后重新抽取；或调低计划中该部门的 inspectors_per_department。",
            ) from None
    teams = []
    for n, entity in enumerate(picks):
        parts = [dept_teams[n] for dept_teams in per_department]
        teams.append(Team(
            entity=entity.id,
            inspectors=tuple(i for t in parts for i in t.inspectors),
            excluded=tuple(sorted(x for t in parts for x in t.excluded)),
        ))
    return teams


def department_teams(rec: DrawRecord, pick: Pick) -> list[tuple[DrawDepartment, tuple[str, ...], tuple[str, ...]]]:
    """(department, inspector ids, inspector names) of each department's part of a joint pick's team, in record order."""
    out = []
    start = 0
    for dept in rec.departments:
        end = start + dept.inspectors_per_check
        out.append((dept, pick.inspectors[start:end], pick.inspector_names[start:end]))
        start = end
    return out


def team_again(rec: DrawRecord, entity: str, left_out: set[str], load: Mapping[str, int]) -> tuple[str, ...]:
    """A pick's team formed again from the record: each department's (or the whole pool's) eligible inspectors and the load."""
    if not rec.departments:
        eligible = [i for i in rec.inspector_pool if i not in left_out]
        return team_from_eligible(rec.seed, entity, eligible, load, rec.inspectors_per_check)
    team: list[str] = []
    for dept in rec.departments:
        eligible = [i for i in dept.inspector_pool if i not in left_out]
        team.extend(team_from_eligible(rec.seed, entity, eligible, load, dept.inspectors_per_check))
    return tuple(team)


def department_pool(rec: DrawRecord, inspector: str) -> tuple[str, ...]:
    """The pool an inspector of the record was drawn from: their department's in a joint draw, else the record's."""
    for dept in rec.departments:
        if inspector in dept.inspector_pool:
            return dept.inspector_pool
    return rec.inspector_pool


def department_of(rec: DrawRecord, inspector: str) -> DrawDepartment | None:
    """The joint department an inspector of the record belongs to; None in a draw that is not joint."""
    for dept in rec.departments:
        if inspector in dept.inspector_pool:
            return dept
    return None


def departments_problems(rec: DrawRecord) -> list[str]:
    """What is inconsistent in a joint record's departments: pools that overlap, or do not make up the record's pool."""
    if not rec.departments:
        return []
    out = []
    seen: set[str] = set()
    for dept in rec.departments:
        if seen & set(dept.inspector_pool):
            out.append(f"联合抽查部门 {dept.code} 的执法人员与其他部门重复")
        seen |= set(dept.inspector_pool)
        if dept.inspectors_per_check < 1:
            out.append(f"联合抽查部门 {dept.code} 每户派出的执法人员数应至少为 1")
    if sorted(seen) != list(rec.inspector_pool):
        out.append("各联合抽查部门的执法人员合起来不等于记录的执法人员名单（inspector_pool）")
    if sum(d.inspectors_per_check for d in rec.departments) != rec.inspectors_per_check:
        out.append("各联合抽查部门每户派出人数之和不等于每户执法人员数（inspectors_per_check）")
    return out


def team_label(rec: DrawRecord, pick: Pick) -> str:
    """A pick's team as people read it: 示例张明、示例李华; in a joint draw 部门：姓名、姓名；部门：姓名."""
    if not rec.departments:
        return "、".join(pick.inspector_names)
    return "；".join(f"{dept.name}：{'、'.join(names)}" for dept, _, names in department_teams(rec, pick))
