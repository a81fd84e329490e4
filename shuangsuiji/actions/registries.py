"""``ssj import`` and ``ssj export``: registries between spreadsheets and the canonical CSV.

Import: a spreadsheet in, the canonical registry CSV out, all or nothing.

The file is read (CSV in any accepted encoding, or XLSX), checked exactly as ``ssj check``
checks the registry, and only when every row is right is ``data/<kind>.csv`` replaced,
atomically. Importing entities also re-checks the inspectors' avoid lists against the new
entity ids, so an import cannot leave the other registry broken.

Export: the checked registry as an XLSX whose cells are all text, the safe way to edit it
in Excel or WPS and import it back.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from shuangsuiji.errors import InputError, InputErrors
from shuangsuiji.files.text import atomic_write_bytes
from shuangsuiji.inputs.plan import load_plan
from shuangsuiji.inputs.registry import (
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


def registry_xlsx(kind: str, entities: list, inspectors: list, categories: dict[str, str]) -> bytes:
    """A registry as an XLSX workbook for editing in Excel/WPS, ready for ``ssj import``.

    Headers are the Chinese column names, categories their Chinese labels, and every cell is
    text (number format "@"), so Excel never turns an 18-character USCC or a 13-digit 执法证号
    into 1.40428E+12 the way it does when it opens a CSV.
    """
    import io

    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    label = categories.get
    if kind == "entities":
        columns = ENTITY_COLUMNS
        rows = [[e.id, e.name, label(e.category, e.category), e.town, e.status, e.risk] for e in sorted(entities, key=lambda e: e.id)]
    else:
        columns = INSPECTOR_COLUMNS
        rows = [
            [i.id, i.name, i.unit, ";".join(label(q, q) for q in i.qualifications), i.status, i.town, ";".join(i.avoid)]
            for i in sorted(inspectors, key=lambda i: i.id)
        ]
    book = Workbook()
    sheet = book.active
    sheet.title = "检查对象名录库" if kind == "entities" else "执法检查人员名录库"
    sheet.append([c.label for c in columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="D9E1F2")
    for row in rows:
        sheet.append(row)
    for col_cells in sheet.iter_cols(min_row=1, max_row=len(rows) + 1):
        width = max(len(str(c.value or "")) for c in col_cells)
        dims = sheet.column_dimensions[col_cells[0].column_letter]
        dims.width = min(60, 2 * width + 2)
        dims.number_format = "@"  # the whole column, so rows added in Excel/WPS are text as well
        for cell in col_cells[1:]:
            cell.number_format = "@"
    sheet.freeze_panes = "A2"
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def export_registry(ws: Workspace, kind: str, out: Path, year: int | None) -> int:
    """Write the checked registry to ``out`` as XLSX; returns the number of rows."""
    y = ws.resolve_year(year)
    plan = load_plan(ws.plan_path(y), ws.show(ws.plan_path(y)))
    entities = load_entities(ws.entities_path, ws.show(ws.entities_path), plan.categories)
    inspectors = []
    if kind == "inspectors":
        table = read_table(ws.inspectors_path, ws.show(ws.inspectors_path), INSPECTOR_COLUMNS)
        inspectors = parse_inspectors(table, plan.categories, {e.id for e in entities})
    atomic_write_bytes(out, registry_xlsx(kind, entities, inspectors, plan.categories))
    return len(entities) if kind == "entities" else len(inspectors)
