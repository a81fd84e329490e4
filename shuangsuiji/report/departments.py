"""The report's departments section (部门与联合抽查), pure: each department's checks, findings and workload; the joint share.

Only a plan that declares ``departments`` has this section (the JSON key ``departments`` is
always there, with no rows otherwise). A department takes part in its own tasks (a task's
``department``, the plan's own department when the task names none) and in the joint tasks
that list it. Counted over the year's live rounds of the plan's tasks:

- ``checks``: the picks (户次) of its rounds: every pick of its own tasks, and every pick of a
  joint round it takes part in (each department checks each joint pick);
- ``inspected`` and ``results``: of those checks, the ones with its result in force (in a
  joint round the department's own, ``Round.current(entity, code)``), by result code;
  ``found_problems`` and ``problem_share`` as in the rest of the report (the checks with a
  finding over the inspected ones less those found not operating, exactly);
- ``workload``: the checks (人次) its inspectors went on, in any task, from the records' teams
  as replacements left them (an inspector's department is the registry's; one no longer in
  the registry counts under the department whose pool the record lists them in);
- ``inspectors``: its inspectors on duty in the registry.

``joint_picks`` are the picks of joint rounds, ``joint_share`` their share of all the year's
picks (``picks``); ``visits_saved`` counts, for each joint pick, the visits the firm would have
had if every department had gone on its own, less the one joint visit (departments − 1).
``repeated`` is the number of firms drawn more than once in the year's live rounds (any tasks;
``ssj visits`` lists those whose periods overlap).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from shuangsuiji.codes import RESULT_CODES
from shuangsuiji.draw.joint import department_of as record_department
from shuangsuiji.draw.record import DrawRecord
from shuangsuiji.draw.replace import current_picks
from shuangsuiji.ledger.state import Round
from shuangsuiji.records import Inspector, Plan, Task
from shuangsuiji.report.records import DepartmentRow, Departments


def task_departments(plan: Plan, task: Task) -> tuple[str, ...]:
    """The department codes taking part in a task: the joint ones, or its own (the plan's when it names none)."""
    if task.joint:
        return tuple(d.code for d in task.joint)
    return (task.department_code or plan.home_department,)


def departments_section(plan: Plan, registry: Sequence[Inspector], live: Iterable[Round],
                        records: Mapping[tuple[str, int], DrawRecord | None]) -> Departments:
    """The departments section of the year's report (see the module docstring)."""
    live = list(live)
    picks = sum(len(r.picks) for r in live)
    joint = [r for r in live if r.departments]
    joint_picks = sum(len(r.picks) for r in joint)
    saved = sum(len(r.picks) * (len(r.departments) - 1) for r in joint)
    seen: dict[str, int] = {}
    for r in live:
        for e in r.picks:
            seen[e] = seen.get(e, 0) + 1
    repeated = sum(1 for n in seen.values() if n > 1)
    rows: tuple[DepartmentRow, ...] = ()
    if plan.departments:
        workload = _workload(plan, registry, live, records)
        rows = tuple(_row(plan, code, registry, live, workload.get(code, 0)) for code in plan.departments)
    return Departments(rows=rows, picks=picks, joint_picks=joint_picks, visits_saved=saved, repeated=repeated)


def _workload(plan: Plan, registry: Sequence[Inspector], live: list[Round],
              records: Mapping[tuple[str, int], DrawRecord | None]) -> dict[str, int]:
    """Department code -> checks (人次) its inspectors went on, from the records' current teams."""
    dept_of = {i.id: plan.department_of(i) for i in registry}
    out: dict[str, int] = {}
    for r in live:
        rec = records.get((r.task, r.number))
        if not rec:
            continue
        for p in current_picks(rec, r.replacements):
            for iid in dict.fromkeys(p.inspectors):
                code = dept_of.get(iid)
                if code is None:  # gone from the registry: the pool the record lists them in
                    found = record_department(rec, iid)
                    code = found.code if found is not None else plan.home_department
                out[code] = out.get(code, 0) + 1
    return out


def _row(plan: Plan, code: str, registry: Sequence[Inspector], live: list[Round], workload: int) -> DepartmentRow:
    tasks = [t for t in plan.tasks if code in task_departments(plan, t)]
    ids = {t.id for t in tasks}
    checks = inspected = 0
    results = {c: 0 for c in RESULT_CODES}
    for r in live:
        if r.task not in ids:
            continue
        for e in r.picks:
            checks += 1
            ev = r.current(e, code) if r.departments else r.current(e)
            if ev is not None:
                inspected += 1
                results[ev.result] = results.get(ev.result, 0) + 1
    on_duty = sum(1 for i in registry if i.on_duty and plan.department_of(i) == code)
    return DepartmentRow(code=code, name=plan.department_name(code), tasks=len(tasks),
                         joint_tasks=sum(1 for t in tasks if t.joint), checks=checks, inspected=inspected,
                         results=results, workload=workload, inspectors=on_duty)
