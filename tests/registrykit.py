"""Shared helpers of the registry tests: the categories of the shipped plan, the loader as a
list, and the row rules applied one row at a time over ``read_table`` (the reference the
bulk loader must equal)."""

from __future__ import annotations

from pathlib import Path

from shuangsuiji.errors import InputErrors
from shuangsuiji.files.tables import read_table
from shuangsuiji.inputs.entities import load_entity_table
from shuangsuiji.inputs.entity_rules import ENTITY_COLUMNS, EntityRules
from shuangsuiji.records import Entity

CATEGORIES = {
    "coal_mine": "煤矿",
    "coal_washing": "洗（储）煤",
    "hazchem_production": "危险化学品生产",
    "hazchem_trading": "危险化学品经营",
    "industry_trade": "工贸",
}


def load_entities(path: Path, shown: str, categories: dict[str, str]) -> list[Entity]:
    """The one loader's entities as a list."""
    return list(load_entity_table(path, shown, categories))


def rules_row_by_row(path: Path, shown: str, categories: dict[str, str]) -> list[Entity]:
    """``EntityRules.row`` on every row of ``read_table``, with no bulk path at all."""
    table = read_table(path, shown, ENTITY_COLUMNS)
    rules = EntityRules(table.shown, categories)
    errors = list(table.errors)
    first_line: dict[str, int] = {}
    out = []
    for line, row in table.rows:
        result = rules.row(line, row, first_line)
        if isinstance(result, list):
            errors.extend(result)
        else:
            out.append(result)
    if errors:
        raise InputErrors(sorted(errors, key=lambda e: e.line))
    return out
