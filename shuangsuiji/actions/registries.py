"""``ssj import`` and ``ssj export``: registries between spreadsheets and the canonical CSV.

Import: a spreadsheet in, the canonical registry CSV out, all or nothing.

The file is read (CSV in any accepted encoding, or XLSX) by the very loader ``ssj check``
and the draw use, and only when every row is right is ``data/<kind>.csv`` replaced,
atomically, the file it replaces kept beside it as a dated ``.bak``. ``plan_import``
works the change out without writing, so the CLI can ask before rows are deleted. Importing entities also re-checks the inspectors' avoid lists against the new
entity ids, so an import cannot leave the other registry broken.

Export: the checked registry as an XLSX whose cells are all text, the safe way to edit it
in Excel or WPS and import it back.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from shuangsuiji.errors import InputError, InputErrors
from shuangsuiji.files.tables import read_table
from shuangsuiji.files.text import atomic_write_bytes
from shuangsuiji.inputs.entities import entities_csv, load_entity_table
from shuangsuiji.inputs.entity_rules import ENTITY_COLUMNS
from shuangsuiji.inputs.inspectors import (
    INSPECTOR_COLUMNS,
    INSPECTOR_TABLE_COLUMNS,
    inspectors_csv,
    load_inspectors,
    parse_inspectors,
)
from shuangsuiji.inputs.plan import load_plan
from shuangsuiji.records import Plan
from shuangsuiji.workspace import Workspace


@dataclass(frozen=True)
class ImportDiff:
    target: str
    total: int
    added: int
    removed: int
    changed: int
    unchanged: int
    source: str = ""  # the file as read: names the sheet when it was not a workbook's first


@dataclass(frozen=True)
class ImportPlan:
    """What an import would do: the diff, and the canonical bytes that would replace ``target``."""

    diff: ImportDiff
    target: Path
    data: bytes


def _diff(target: str, old: dict[str, object], new: dict[str, object], source: str) -> ImportDiff:
    added = sum(1 for k in new if k not in old)
    removed = sum(1 for k in old if k not in new)
    changed = sum(1 for k in new if k in old and old[k] != new[k])
    return ImportDiff(target, len(new), added, removed, changed, len(new) - added - changed, source)


def _plan_of(ws: Workspace, year: int | None) -> Plan:
    y = ws.resolve_year(year)
    return load_plan(ws.plan_path(y), ws.show(ws.plan_path(y)))


def plan_import(ws: Workspace, kind: str, source: Path, year: int | None) -> ImportPlan:
    """Validate ``source`` and work out the change; nothing is written. Raises InputErrors."""
    plan = _plan_of(ws, year)
    if not source.exists():
        raise InputErrors([InputError(source.as_posix(), 0, "要导入的文件不存在", "请检查文件路径")])
    if kind == "entities":
        return _plan_entities(ws, plan, source)
    return _plan_inspectors(ws, plan, source)


def _plan_entities(ws: Workspace, plan: Plan, source: Path) -> ImportPlan:
    table = load_entity_table(source, source.as_posix(), plan.categories)
    ids = table.id_set()
    if ws.inspectors_path.exists():
        try:
            load_inspectors(ws.inspectors_path, ws.show(ws.inspectors_path), plan.categories, ids, plan.departments)
        except InputErrors as exc:
            hint = "导入会使执法人员名录库的回避名单指向不存在的企业；请先修改 data/inspectors.csv，或在导入文件中保留这些企业"
            raise InputErrors([InputError(e.path, e.line, e.message, hint) for e in exc.items]) from None
    old = {e.id: e for e in _old_entities(ws, plan.categories)}
    diff = _diff(ws.show(ws.entities_path), old, {e.id: e for e in table}, table.path)
    return ImportPlan(diff, ws.entities_path, entities_csv(table))


def _plan_inspectors(ws: Workspace, plan: Plan, source: Path) -> ImportPlan:
    entity_ids = load_entity_table(ws.entities_path, ws.show(ws.entities_path), plan.categories).id_set()
    new = read_table(source, source.as_posix(), INSPECTOR_TABLE_COLUMNS)
    inspectors = parse_inspectors(new, plan.categories, entity_ids, plan.departments)
    target_shown = ws.show(ws.inspectors_path)
    old = {}
    if ws.inspectors_path.exists():
        try:
            old = {i.id: i for i in load_inspectors(ws.inspectors_path, target_shown, plan.categories, entity_ids, plan.departments)}
        except InputErrors:
            old = {}  # replacing a broken registry: everything counts as added
    diff = _diff(target_shown, old, {i.id: i for i in inspectors}, new.shown)
    return ImportPlan(diff, ws.inspectors_path, inspectors_csv(inspectors))


def backup_path(target: Path, at: datetime) -> Path:
    """Where the replaced registry is kept: ``data/entities.csv.2023-04-01T093000.bak``."""
    return target.with_name(f"{target.name}.{at.strftime('%Y-%m-%dT%H%M%S')}.bak")


def apply_import(plan: ImportPlan, at: datetime) -> Path | None:
    """Replace the registry atomically; the file replaced is kept beside it first. Returns the backup's path."""
    backup = None
    if plan.target.exists() and plan.target.read_bytes() != plan.data:
        backup = backup_path(plan.target, at)
        shutil.copy2(plan.target, backup)
    atomic_write_bytes(plan.target, plan.data)
    return backup


def _old_entities(ws: Workspace, categories: dict[str, str]):
    if not ws.entities_path.exists():
        return []
    try:
        return load_entity_table(ws.entities_path, ws.show(ws.entities_path), categories)
    except InputErrors:
        return []  # replacing a broken registry: everything counts as added


def registry_xlsx(kind: str, entities: list, inspectors: list, categories: dict[str, str]) -> bytes:
    """A registry as an XLSX workbook for editing in Excel/WPS, ready for ``ssj import``.

    Headers are the Chinese column names, categories their Chinese labels, and every cell is
    text (number format "@"), so Excel never turns an 18-character USCC or a 13-digit 执法证号
    into 1.40428E+12 the way it does when it opens a CSV.
    """
    import io

    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    from shuangsuiji.render.xlsx import append_row, display_width

    label = categories.get
    if kind == "entities":
        columns = ENTITY_COLUMNS
        rows = [[e.id, e.name, label(e.category, e.category), e.town, e.status, e.risk] for e in sorted(entities, key=lambda e: e.id)]
    else:
        with_department = any(i.department for i in inspectors)  # the optional column only when it is used
        columns = INSPECTOR_TABLE_COLUMNS if with_department else INSPECTOR_COLUMNS
        rows = [
            [i.id, i.name, i.unit, ";".join(label(q, q) for q in i.qualifications), i.status, i.town, ";".join(i.avoid)]
            + ([i.department] if with_department else [])
            for i in sorted(inspectors, key=lambda i: i.id)
        ]
    book = Workbook()
    sheet = book.active
    sheet.title = "检查对象名录库" if kind == "entities" else "执法检查人员名录库"
    append_row(sheet, [c.label for c in columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="D9E1F2")
    for row in rows:
        append_row(sheet, row)  # every text a string cell: a name such as "=..." never becomes a formula
    for col_cells in sheet.iter_cols(min_row=1, max_row=len(rows) + 1):
        width = max(display_width(str(c.value or "")) for c in col_cells)
        dims = sheet.column_dimensions[col_cells[0].column_letter]
        dims.width = min(60, width + 2)
        dims.number_format = "@"  # the whole column, so rows added in Excel/WPS are text as well
        for cell in col_cells[1:]:
            cell.number_format = "@"
    sheet.freeze_panes = "A2"
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def export_registry(ws: Workspace, kind: str, out: Path, year: int | None, force: bool = False) -> int:
    """Write the checked registry to ``out`` as XLSX; returns the number of rows.

    ``out`` follows ``actions.output.check_output``: never inside ssj's folders, an existing file only with ``force``.
    """
    from shuangsuiji.actions.output import EXPORT, check_output, write_output

    check_output(ws, out, EXPORT, force)
    plan = _plan_of(ws, year)
    entities = load_entity_table(ws.entities_path, ws.show(ws.entities_path), plan.categories)
    inspectors = []
    if kind == "inspectors":
        inspectors = load_inspectors(ws.inspectors_path, ws.show(ws.inspectors_path), plan.categories, entities.id_set(), plan.departments)
    write_output(ws, out, registry_xlsx(kind, entities, inspectors, plan.categories), EXPORT, force)
    return len(entities) if kind == "entities" else len(inspectors)
