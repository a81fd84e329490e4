"""``ssj import``: a spreadsheet in, the canonical registry CSV out, all or nothing.

The file is read (CSV in any accepted encoding, or XLSX), checked exactly as ``ssj check``
checks the registry, and only when every row is right is ``data/<kind>.csv`` replaced,
atomically. Importing entities also re-checks the inspectors' avoid lists against the new
entity ids, so an import cannot leave the other registry broken.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from shuangsuiji.errors import InputError, InputErrors
from shuangsuiji.fileio import atomic_write_bytes
from shuangsuiji.plan import load_plan
from shuangsuiji.registry import (
    ENTITY_COLUMNS,
    INSPECTOR_COLUMNS,
    entities_csv,
    inspectors_csv,
    load_entities,
    parse_entities,
    parse_inspectors,
    read_table,
)
from shuangsuiji.workspace import Workspace


@dataclass(frozen=True)
class ImportDiff:
    target: str
    total: int
    added: int
    removed: int
    changed: int
    unchanged: int


def _diff(target: str, old: dict[str, object], new: dict[str, object]) -> ImportDiff:
    added = sum(1 for k in new if k not in old)
    removed = sum(1 for k in old if k not in new)
    changed = sum(1 for k in new if k in old and old[k] != new[k])
    return ImportDiff(target, len(new), added, removed, changed, len(new) - added - changed)


def import_registry(ws: Workspace, kind: str, source: Path, year: int | None) -> ImportDiff:
    """Validate ``source`` and replace the registry. Raises InputErrors and changes nothing on any problem."""
    y = ws.resolve_year(year)
    plan = load_plan(ws.plan_path(y), ws.show(ws.plan_path(y)))
    shown = source.as_posix()
    if not source.exists():
        raise InputErrors([InputError(shown, 0, "要导入的文件不存在", "请检查文件路径")])
    target = ws.entities_path if kind == "entities" else ws.inspectors_path
    target_shown = ws.show(target)
    if kind == "entities":
        new_entities = parse_entities(read_table(source, shown, ENTITY_COLUMNS), plan.categories)
        ids = {e.id for e in new_entities}
        if ws.inspectors_path.exists():
            table = read_table(ws.inspectors_path, ws.show(ws.inspectors_path), INSPECTOR_COLUMNS)
            try:
                parse_inspectors(table, plan.categories, ids)
            except InputErrors as exc:
                hint = "导入会使执法人员名录库的回避名单指向不存在的企业；请先修改 data/inspectors.csv，或在导入文件中保留这些企业"
                raise InputErrors([InputError(e.path, e.line, e.message, hint) for e in exc.items]) from None
        old = {e.id: e for e in _old_entities(ws, plan.categories)}
        diff = _diff(target_shown, old, {e.id: e for e in new_entities})
        data = entities_csv(new_entities)
    else:
        entity_ids = {e.id for e in load_entities(ws.entities_path, ws.show(ws.entities_path), plan.categories)}
        new_inspectors = parse_inspectors(read_table(source, shown, INSPECTOR_COLUMNS), plan.categories, entity_ids)
        old_ins = {}
        if ws.inspectors_path.exists():
            try:
                old_ins = {i.id: i for i in parse_inspectors(read_table(ws.inspectors_path, target_shown, INSPECTOR_COLUMNS), plan.categories, entity_ids)}
            except InputErrors:
                old_ins = {}
        diff = _diff(target_shown, old_ins, {i.id: i for i in new_inspectors})
        data = inspectors_csv(new_inspectors)
    atomic_write_bytes(target, data)
    return diff


def _old_entities(ws: Workspace, categories: dict[str, str]):
    if not ws.entities_path.exists():
        return []
    try:
        return load_entities(ws.entities_path, ws.show(ws.entities_path), categories)
    except InputErrors:
        return []  # replacing a broken registry: everything counts as added
