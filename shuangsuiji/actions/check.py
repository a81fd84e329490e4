"""``ssj check``: every input problem of a workspace, collected, plus the summary numbers.

The plan, both registries, any calendar/<year>.yaml overrides and the ledger are all
checked, and every problem is returned together. Warnings (empty registries, template text
left in the plan, a year without holiday data, a task that cannot be staffed) are returned
beside them and do not change the exit code.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from shuangsuiji.deadlines.workdays import WorkCalendar
from shuangsuiji.errors import EXIT_BAD_INPUT, EXIT_OK, InputError, InputErrors
from shuangsuiji.files.templates import TEMPLATE_PLACEHOLDERS
from shuangsuiji.files.text import read_text
from shuangsuiji.inputs.year import Inputs, load_inputs, summarize
from shuangsuiji.ledger.chain import read_ledger
from shuangsuiji.records import Inspector, Plan
from shuangsuiji.workspace import Workspace


@dataclass
class CheckResult:
    errors: list[InputError]
    summary: dict | None
    labels: dict[str, str] = field(default_factory=dict)
    ledger_events: int | None = None
    warnings: list[InputError] = field(default_factory=list)  # shown, but the exit code ignores them
    caps: dict | None = None  # the plan's max_checks_per_year and who is at or near it (``cap_status``); None without caps

    @property
    def exit_code(self) -> int:
        return EXIT_BAD_INPUT if self.errors else EXIT_OK

    def to_json(self) -> dict:
        s = self.summary or {}
        return {
            "ok": not self.errors,
            "errors": [e.to_json() for e in self.errors],
            "warnings": [w.to_json() for w in self.warnings],
            "entities": {"total": s.get("entities", {}).get("total", 0), "by_category": s.get("entities", {}).get("by_category", {})},
            "inspectors": {"total": s.get("inspectors", {}).get("total", 0),
                           "who_may_inspect": s.get("inspectors", {}).get("who_may_inspect", []),
                           **({"by_department": by_department} if (by_department := s.get("inspectors", {}).get("by_department")) else {})},
            "tasks": [{k: t[k] for k in ("id", "scope", "ratio", "draw_count", "strata") if k in t} for t in s.get("tasks", [])],
            "ledger": {"events": self.ledger_events},
            **({"caps": self.caps} if self.caps is not None else {}),
        }


def check_workspace(ws: Workspace, year: int | None, day: date | None = None) -> CheckResult:
    """Load the plan and registries and check the ledger; collect every problem. ``day`` (--today): the
    ledger as it stood then is the one the yearly cap's counts are taken from (all of it when None)."""
    errors: list[InputError] = []
    summary = None
    labels: dict[str, str] = {}
    inputs = None
    try:
        inputs = load_inputs(ws, year)
        summary = summarize(inputs)
        labels = inputs.plan.categories
    except InputErrors as exc:
        errors.extend(exc.items)
    calendars = None
    try:
        from shuangsuiji.deadlines.workdays import load_calendars

        calendars = load_calendars(ws.calendar_dir, ws.show)
    except InputErrors as exc:
        errors.extend(exc.items)
    count = None
    events: list = []
    seed_warnings: list[InputError] = []
    if ws.ledger_path.exists():
        from shuangsuiji.ledger.state import event_problems

        events, problems, _ = read_ledger(ws.ledger_path)
        count = len(events)
        shown = ws.show(ws.ledger_path)
        for p in problems:
            errors.append(InputError(shown, p.line, p.message, "请运行 ssj verify 查看详情，并从备份恢复账本"))
        if not problems and inputs is not None:
            errors.extend(event_problems(events, shown))
            seed_warnings = _seed_warnings(ws, events, inputs.plan.year, day)
    if inputs is not None:
        errors.extend(missing_ratio_errors(inputs))
    warnings = input_warnings(ws, inputs, calendars) if inputs is not None else []
    caps = cap_status(inputs, events, day) if inputs is not None and inputs.plan.max_checks is not None and not errors else None
    return CheckResult(errors, summary, labels, count, warnings + seed_warnings, caps)


def cap_status(inputs: Inputs, events: list, day: date | None) -> dict:
    """The yearly cap (``draw.caps``): its rule, and every entity of the registry at its cap or one check short
    of it, from the live rounds of the plan's year in the ledger as of ``day`` (at the cap first, then by id)."""
    from shuangsuiji.draw.caps import near_cap, year_checks
    from shuangsuiji.ledger.state import build_rounds, events_as_of

    caps = inputs.plan.max_checks
    assert caps is not None  # the caller's condition
    seen = events_as_of(events, day)[0] if day is not None else events
    checks = year_checks(build_rounds(seen), inputs.plan.year)
    found = inputs.entities_with_ids(sorted(checks))
    rows = [
        {"id": e.id, "name": e.name, "category": e.category, "risk": e.risk, "checks": n, "cap": cap, "left": max(0, cap - n)}
        for e, n, cap in near_cap((found[i] for i in sorted(found)), checks, caps)
    ]
    rows.sort(key=lambda r: (r["left"], r["id"]))
    return {"rule": caps.text(), "as_of": day.isoformat() if day is not None else None, "entities": rows}


def _seed_warnings(ws: Workspace, events: list, year: int, day: date | None) -> list[InputError]:
    """A warning when most of the year's live draws (in the ledger as of ``day``) had a seed typed by hand
    (``draw.seeds``); each record's ``seed_origin`` is read from its first bytes only (a record may hold a
    million-entity pool)."""
    from shuangsuiji.draw.seeds import HEAD_BYTES, hand_warning, kind_counts, origin_in_head
    from shuangsuiji.ledger.state import build_rounds, events_as_of

    origins = []
    for r in build_rounds(events_as_of(events, day)[0] if day is not None else events).values():
        if r.year != year or r.voided:
            continue
        try:
            with open(ws.draws_dir / r.draw.record, "rb") as fh:
                origins.append((origin_in_head(fh.read(HEAD_BYTES)), False))
        except OSError:
            origins.append((None, False))  # ssj verify reports the missing record
    text = hand_warning(year, kind_counts(origins))
    if text is None:
        return []
    return [InputError(ws.show(ws.ledger_path), 0, text, "两步摇号的步骤见 README 的“两步摇号”一节和 docs/draw-algorithm.md 第 13 节")]


def missing_ratio_errors(inputs: Inputs) -> list[InputError]:
    """Stratified tasks whose scope holds entities of a grade the task gives no ratio for (``draw.strata``)."""
    from shuangsuiji.draw.strata import missing_ratios, split_by_grade

    out: list[InputError] = []
    for task in inputs.plan.tasks:
        if task.stratified and task.ratio is None:
            out.extend(missing_ratios(task, split_by_grade(inputs.scope_graded(task))))
    return out


def input_warnings(ws: Workspace, inputs: Inputs, calendars: dict | None) -> list[InputError]:
    """What is not wrong but should not stay so: empty registries, the template's placeholders
    in the plan, a year without holiday data, tasks that cannot be staffed."""
    plan_shown = ws.show(ws.plan_path(inputs.plan.year))
    warnings = [*_empty_registries(ws, inputs), *_placeholders(ws.plan_path(inputs.plan.year), plan_shown)]
    year = inputs.plan.year
    if calendars is not None and not WorkCalendar(calendars).covers(year):
        warnings.append(InputError(plan_shown, 0, f"{year} 年没有节假日数据，公示期限只能按周末估算（标为“暂定”）",
                                   f"请按国务院办公厅的节假日安排通知添加 calendar/{year}.yaml（可参照 ssj init 生成的 calendar/{year}.yaml.example）"))
    return warnings + understaffed(inputs.plan, inputs.inspectors)


def _empty_registries(ws: Workspace, inputs: Inputs) -> list[InputError]:
    out = []
    if not len(inputs.entities):
        out.append(InputError(ws.show(ws.entities_path), 0, "检查对象名录库是空的（0 家）", "请用 ssj import entities <文件> 导入名录库"))
    if not inputs.inspectors:
        out.append(InputError(ws.show(ws.inspectors_path), 0, "执法检查人员名录库是空的（0 人）", "请用 ssj import inspectors <文件> 导入名录库"))
    return out


def _placeholders(path: Path, shown: str) -> list[InputError]:
    """Lines of the plan that still hold the template's placeholder text."""
    out = []
    for number, line in enumerate(read_text(path, shown).splitlines(), start=1):
        text = line.split("#", 1)[0]
        for placeholder in TEMPLATE_PLACEHOLDERS:
            if placeholder in text:
                out.append(InputError(shown, number, f"计划中仍是模板的示例文字“{placeholder}”", "请改为本局的实际名称或文号"))
    return out


def understaffed(plan: Plan, inspectors: Iterable[Inspector]) -> list[InputError]:
    """Per task and category in its scope: fewer qualified, on-duty inspectors than a check needs."""
    inspectors = [i for i in inspectors if i.on_duty]
    out = []
    for task in plan.tasks:
        for category in task.scope:
            n = sum(1 for i in inspectors if i.qualified_for(category))
            if n < task.inspectors_per_check:
                label = plan.categories.get(category, category)
                out.append(InputError(task.path, task.line, f"任务 {task.id} 的类别 {label}（{category}）只有 {n} 名在岗且有检查资格的执法人员，"
                                      f"少于每户所需的 {task.inspectors_per_check} 名，摇号时将无法组队",
                                      "请在执法人员名录库中补充该类别的检查资格或在岗人员，或调整计划的 inspectors_per_check"))
    return out
