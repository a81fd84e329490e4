"""``ssj check``: every input problem of a workspace, collected, plus the summary numbers.

The plan, both registries, any calendar/<year>.yaml overrides and the ledger are all
checked, and every problem is returned together.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from shuangsuiji.errors import EXIT_BAD_INPUT, EXIT_OK, InputError, InputErrors
from shuangsuiji.inputs.year import load_inputs, summarize
from shuangsuiji.ledger.chain import read_ledger
from shuangsuiji.workspace import Workspace


@dataclass
class CheckResult:
    errors: list[InputError]
    summary: dict | None
    labels: dict[str, str] = field(default_factory=dict)
    ledger_events: int | None = None

    @property
    def exit_code(self) -> int:
        return EXIT_BAD_INPUT if self.errors else EXIT_OK

    def to_json(self) -> dict:
        s = self.summary or {}
        return {
            "ok": not self.errors,
            "errors": [e.to_json() for e in self.errors],
            "entities": {"total": s.get("entities", {}).get("total", 0), "by_category": s.get("entities", {}).get("by_category", {})},
            "inspectors": {"total": s.get("inspectors", {}).get("total", 0)},
            "tasks": [{k: t[k] for k in ("id", "scope", "ratio", "draw_count")} for t in s.get("tasks", [])],
            "ledger": {"events": self.ledger_events},
        }


def check_workspace(ws: Workspace, year: int | None) -> CheckResult:
    """Load the plan and registries and check the ledger; collect every problem."""
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
    try:
        from shuangsuiji.deadlines.workdays import load_calendars

        load_calendars(ws.calendar_dir, ws.show)
    except InputErrors as exc:
        errors.extend(exc.items)
    count = None
    if ws.ledger_path.exists():
        from shuangsuiji.ledger.state import event_problems

        events, problems, _ = read_ledger(ws.ledger_path)
        count = len(events)
        shown = ws.show(ws.ledger_path)
        for p in problems:
            errors.append(InputError(shown, p.line, p.message, "请运行 ssj verify 查看详情，并从备份恢复账本"))
        if not problems and inputs is not None:
            errors.extend(event_problems(events, shown))
    return CheckResult(errors, summary, labels, count)
