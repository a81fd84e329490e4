"""Co-visits (同一企业多次上门): firms drawn in several tasks whose check periods overlap, so one visit can do them all (pure).

国发〔2019〕5号 asks that a firm see one joint team instead of several visits (进一次门、查多项事).
A joint task does that by design; ``co_visits`` finds what is left: an entity drawn, in the
year's live rounds, in two or more different tasks (joint or not) whose check periods
(``start`` .. ``end``) share days. The picks of one entity are taken in order of their task's
start (then end, then task id); each pick joins the group before it while its period starts
no later than the group's latest end, so every two picks whose periods overlap are in one
group (the groups are the connected parts of the overlaps). A group with at least two
different tasks is a co-visit; its window is the days all its periods share (the latest start
to the earliest end), or none when the periods only overlap one after another.

``overlapping`` needs only the ledger's rounds and the plan (linear in the picks, plus a sort
per entity); ``co_visit_rows`` adds, for the groups found, the names and teams from the draw
records and each check's state from the ledger.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from shuangsuiji.draw.joint import team_label
from shuangsuiji.draw.record import DrawRecord
from shuangsuiji.draw.replace import current_picks
from shuangsuiji.ledger.state import Round, RoundKey
from shuangsuiji.records import Plan
from shuangsuiji.results.check import result_label


@dataclass(frozen=True)
class Group:
    """One entity's picks whose tasks' periods share ``start`` .. ``end`` (at least two different tasks)."""

    entity: str
    rounds: tuple[Round, ...]  # in order of their task's start
    start: date | None  # the days every period of the group shares; None when they share none
    end: date | None


def overlapping(plan: Plan, live: Iterable[Round]) -> list[Group]:
    """Every co-visit group of the year's live rounds of the plan's tasks, by window start, then entity."""
    tasks = {t.id: t for t in plan.tasks}
    by_entity: dict[str, list[Round]] = {}
    for r in live:
        if r.task in tasks and not r.voided:
            for e in r.picks:
                by_entity.setdefault(e, []).append(r)
    out: list[Group] = []
    for entity, rounds in by_entity.items():
        if len({r.task for r in rounds}) < 2:
            continue
        rounds.sort(key=lambda r: (tasks[r.task].start, tasks[r.task].end, r.task, r.number))
        run: list[Round] = []
        reach = date.min
        for r in rounds:
            t = tasks[r.task]
            if run and t.start > reach:
                _close(out, entity, run, plan)
                run = []
            run.append(r)
            reach = max(reach, t.end) if len(run) > 1 else t.end
        _close(out, entity, run, plan)
    out.sort(key=lambda g: (g.start or date.max, min(plan.get_task(r.task).start for r in g.rounds), g.entity))
    return out


def _close(out: list[Group], entity: str, run: list[Round], plan: Plan) -> None:
    if len({r.task for r in run}) < 2:
        return
    start = max(plan.get_task(r.task).start for r in run)
    end = min(plan.get_task(r.task).end for r in run)
    out.append(Group(entity, tuple(run), start, end) if start <= end else Group(entity, tuple(run), None, None))


@dataclass(frozen=True)
class VisitCheck:
    """One task's check of the entity in a co-visit."""

    task: str
    task_name: str
    round: int
    start: str
    end: str
    joint: bool
    departments: tuple[str, ...]  # names: the joint task's, or the task's own
    team: str  # as people read it (draw.joint.team_label), "" when the record cannot be read
    state: str  # 未检查, 检查中（1/3 个部门已登记）, or the date and result in force

    def to_json(self) -> dict:
        return {"task": self.task, "task_name": self.task_name, "round": self.round, "start": self.start, "end": self.end,
                "joint": self.joint, "departments": list(self.departments), "team": self.team, "state": self.state}


@dataclass(frozen=True)
class CoVisit:
    """An entity the bureau can visit once for several tasks, within ``start`` .. ``end``."""

    entity: str
    name: str
    start: str | None  # the days all its checks' periods share; None when there are none
    end: str | None
    checks: tuple[VisitCheck, ...]

    def to_json(self) -> dict:
        return {"entity": self.entity, "name": self.name, "start": self.start, "end": self.end,
                "checks": [c.to_json() for c in self.checks]}


def co_visit_rows(plan: Plan, groups: Sequence[Group], records: Mapping[RoundKey, DrawRecord | None]) -> list[CoVisit]:
    """The co-visits, with names and teams from the records (replacements applied) and each check's state."""
    picks: dict[RoundKey, dict] = {}
    out = []
    for g in groups:
        name = ""
        checks = []
        for r in g.rounds:
            t = plan.get_task(r.task)
            rec = records.get(r.key)
            if r.key not in picks:
                picks[r.key] = {p.entity: p for p in current_picks(rec, r.replacements)} if rec else {}
            pick = picks[r.key].get(g.entity)
            name = name or (pick.name if pick else "")
            departments = tuple(d.name for d in t.joint) or (t.department,)
            checks.append(VisitCheck(
                task=t.id, task_name=t.name, round=r.number, start=t.start.isoformat(), end=t.end.isoformat(),
                joint=t.is_joint, departments=departments, team=team_label(rec, pick) if rec and pick else "",
                state=_state(r, g.entity),
            ))
        out.append(CoVisit(g.entity, name, g.start.isoformat() if g.start else None, g.end.isoformat() if g.end else None,
                           tuple(checks)))
    return out


def _state(r: Round, entity: str) -> str:
    if r.departments:
        done = [ev for ev in r.department_results(entity).values() if ev is not None]
        if len(done) < len(r.departments):
            return f"检查中（{len(done)}/{len(r.departments)} 个部门已登记）" if done else "未检查"
        return f"已检查（{max(ev.date for ev in done)}）"
    ev = r.current(entity)
    return f"已检查（{ev.date}，{result_label(ev.result)}）" if ev is not None else "未检查"
