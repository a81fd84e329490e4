"""Loading one year's inputs together: the plan and both registries of 一单两库.

``load_inputs`` reads the three files, collects the problems of all of them (a broken
plan still lets the registries be checked as far as they can be), and returns the
records with the SHA-256 of each file's bytes, which every draw record keeps.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from shuangsuiji.codes import STRATUM_ORDER
from shuangsuiji.errors import InputError, InputErrors
from shuangsuiji.files.tables import read_table
from shuangsuiji.files.text import HashingReader, open_input, read_input_bytes
from shuangsuiji.inputs.entities import load_entity_stream
from shuangsuiji.inputs.entity_rules import ENTITY_COLUMNS
from shuangsuiji.inputs.entity_table import EntityTable
from shuangsuiji.inputs.inspectors import load_inspectors
from shuangsuiji.inputs.plan import load_plan
from shuangsuiji.records import Entity, Inspector, Plan, Task, stratum_count
from shuangsuiji.workspace import Workspace


@dataclass(frozen=True)
class Inputs:
    plan: Plan
    entities: EntityTable  # checked rows, stored compactly; Entity objects are built on demand
    inspectors: tuple[Inspector, ...]
    hashes: dict[str, str]  # shown path -> SHA-256 hex of the file's bytes

    def entity(self, entity_id: str) -> Entity | None:
        return self.entities.find(entity_id)

    def entities_with_ids(self, entity_ids: Iterable[str]) -> dict[str, Entity]:
        """id -> entity for those of the ids that are in the registry."""
        return self.entities.find_many(entity_ids)

    def scope(self, task: Task) -> list[Entity]:
        """Active entities in the task's categories."""
        return self.entities.where(set(task.scope))

    def scope_ids(self, task: Task) -> list[str]:
        """Ids of the active entities in the task's categories, in registry order."""
        return self.entities.ids_where(set(task.scope))

    def scope_graded(self, task: Task) -> list[tuple[str, str]]:
        """(id, credit-risk grade, "" for none) of the task's scope, in registry order (``draw.strata.split_by_grade``)."""
        return self.entities.graded_ids_where(set(task.scope))

    def department_inspectors(self, code: str) -> tuple[Inspector, ...]:
        """The inspectors of one department (code of the plan's ``departments``; "" = the plan's own)."""
        if not self.plan.departments:
            return self.inspectors
        return tuple(i for i in self.inspectors if self.plan.department_of(i) == code)

    def task_inspectors(self, task: Task) -> tuple[Inspector, ...]:
        """The inspectors who may go on a task's checks: its department's, or every joint department's."""
        if not self.plan.departments:
            return self.inspectors
        codes = set(task.department_codes())
        return tuple(i for i in self.inspectors if self.plan.department_of(i) in codes)

    def inspector(self, inspector_id: str) -> Inspector | None:
        for i in self.inspectors:
            if i.id == inspector_id:
                return i
        return None


def load_inputs(ws: Workspace, year: int | None = None) -> Inputs:
    """Load and check the plan and registries. Raises InputErrors with every problem found.

    Each file is read once: the SHA-256 in ``hashes`` is that of the very bytes parsed (the
    plan and the inspectors whole, the entity registry as it streams through a
    ``HashingReader``), so a file saved while a draw reads it cannot give the record a hash
    of other bytes than the ones drawn from.
    """
    year = ws.resolve_year(year)
    errors: list[InputError] = []
    hashes: dict[str, str] = {}
    plan = None
    plan_path = ws.plan_path(year)
    try:
        plan = load_plan(plan_path, ws.show(plan_path), _read(ws, plan_path, hashes))
    except InputErrors as exc:
        errors.extend(exc.items)
    categories = plan.categories if plan else {}
    entities: EntityTable | None = None
    if plan is not None:
        ids: AbstractSet[str] | None
        try:
            entities = _load_entities(ws, categories, hashes)
            ids = entities.id_set()
        except InputErrors as exc:
            errors.extend(exc.items)
            ids = _raw_entity_ids(ws)
        try:
            shown = ws.show(ws.inspectors_path)
            inspectors = load_inspectors(ws.inspectors_path, shown, categories, ids, plan.departments, _read(ws, ws.inspectors_path, hashes))
        except InputErrors as exc:
            errors.extend(exc.items)
            inspectors = []
    if errors:
        raise InputErrors(errors)
    assert plan is not None and entities is not None  # otherwise errors were raised above
    return Inputs(plan, entities, tuple(inspectors), hashes)


def _read(ws: Workspace, path: Path, hashes: dict[str, str]) -> bytes:
    """A file's bytes, read once; their SHA-256 goes into ``hashes``."""
    shown = ws.show(path)
    data = read_input_bytes(path, shown)
    hashes[shown] = hashlib.sha256(data).hexdigest()
    return data


def _load_entities(ws: Workspace, categories: Mapping[str, str], hashes: dict[str, str]) -> EntityTable:
    """The entity registry streamed once through the hash (never held whole)."""
    shown = ws.show(ws.entities_path)
    with open_input(ws.entities_path, shown) as fh:
        reader = HashingReader(fh)
        table = load_entity_stream(reader, shown, categories)
        hashes[shown] = reader.sha256()
    return table


def _raw_entity_ids(ws: Workspace) -> set[str] | None:
    """The id cells of a registry that failed its checks, so that one bad entity row does not
    also flag every inspector's avoid list; None (skip that check) when the table is unreadable."""
    try:
        table = read_table(ws.entities_path, ws.show(ws.entities_path), ENTITY_COLUMNS)
    except InputErrors:
        return None
    return {row["id"] for _, row in table.rows}


def summarize(inputs: Inputs) -> dict:
    """The numbers ``ssj check`` shows: registry mix and, per task, scope and draw count."""
    plan = inputs.plan
    by_category = {code: 0 for code in plan.categories}
    active_by_category = {code: 0 for code in plan.categories}
    for (category, active), n in inputs.entities.count_by_category().items():
        by_category[category] = by_category.get(category, 0) + n
        if active:
            active_by_category[category] += n
    units: dict[str, dict[str, int]] = {}
    for i in inputs.inspectors:
        units.setdefault(i.unit, {}).setdefault(i.status, 0)
        units[i.unit][i.status] += 1
    departments: dict[str, dict[str, dict[str, int]]] = {code: {} for code in plan.departments}
    for i in inputs.inspectors:
        statuses = departments.setdefault(plan.department_of(i), {}).setdefault(i.unit, {})
        statuses[i.status] = statuses.get(i.status, 0) + 1
    tasks = []
    for t in plan.tasks:
        n = sum(active_by_category[c] for c in t.scope)
        if not t.stratified:
            tasks.append({"id": t.id, "name": t.name, "scope": n, "ratio": str(t.ratio), "ratio_text": t.ratio_text(), "draw_count": t.draw_count(n)})
            continue
        sizes: dict[str, int] = {}
        for _, grade in inputs.scope_graded(t):
            sizes[grade] = sizes.get(grade, 0) + 1
        strata = [{"grade": g, "scope": sizes[g], "ratio": None if t.ratio_for(g) is None else str(t.ratio_for(g)),
                   "draw_count": stratum_count(sizes[g], t.ratio_for(g) or Decimal(0))} for g in STRATUM_ORDER if g in sizes]
        tasks.append({"id": t.id, "name": t.name, "scope": n, "ratio": None if t.ratio is None else str(t.ratio),
                      "ratio_text": t.ratio_text(), "draw_count": sum(x["draw_count"] for x in strata), "strata": strata})
    return {
        "year": plan.year,
        "entities": {"total": len(inputs.entities), "active": sum(active_by_category.values()), "by_category": by_category},
        "inspectors": {
            "total": len(inputs.inspectors),
            "on_duty": sum(1 for i in inputs.inspectors if i.on_duty),
            "by_unit": units,
            "by_department": [
                {"code": code, "name": plan.department_name(code), "units": by_unit}
                for code, by_unit in departments.items()
            ] if plan.departments else [],
            "who_may_inspect": who_may_inspect(inputs),
        },
        "tasks": tasks,
    }


def who_may_inspect(inputs: Inputs) -> list[dict]:
    """Per inspector, the categories they may be drawn for: what ``ssj check`` lists so the clerk
    sees that an empty 可检查类别 means every category, and who is never drawn at all."""
    plan = inputs.plan
    rows = []
    for i in inputs.inspectors:
        if i.never_drawn or not i.on_duty:
            categories: list[str] = []
        else:
            categories = [c for c in plan.categories if i.qualified_for(c)]
        rows.append({
            "id": i.id, "name": i.name, "unit": i.unit, "status": i.status,
            **({"department": plan.department_of(i)} if plan.departments else {}),
            "all_categories": not i.qualifications, "categories": categories,
        })
    return rows
