"""The plan's yearly cap of checks per entity (``max_checks_per_year``), read and checked with path:line.

Two shapes are accepted::

    max_checks_per_year: 2              # every entity: at most 2 checks a year

    max_checks_per_year:
      default: 3                        # optional: every entity no entry below covers
      by_grade: {A: 1, B: 2}            # optional: per credit-risk grade
      by_category:                      # optional: per category of the plan's categories
        coal_mine: 4                    #   one number for every grade of the category
        hazchem: {A: 1, D: 6}           #   or per grade (other grades: by_grade, then default)

Every cap is an integer of at least 1. ``records.CheckCaps.cap_for`` says which entry
applies to an entity: the most specific one given.
"""

from __future__ import annotations

import yaml

from shuangsuiji.files.yaml_nodes import NodeReader
from shuangsuiji.inputs.grades import read_by_grade
from shuangsuiji.records import CheckCaps

FIELD = "max_checks_per_year"
CAP_FIELDS = {
    "default": "未单独规定的企业每年最多检查次数",
    "by_grade": "按信用风险等级的每年最多检查次数",
    "by_category": "按检查对象类别的每年最多检查次数",
}
_SHAPE_HINT = "例如 max_checks_per_year: 2，或 max_checks_per_year: {default: 3, by_grade: {A: 1, B: 2}, by_category: {coal_mine: 4}}"


def read_caps(r: NodeReader, node: yaml.Node, categories: dict[str, str]) -> CheckCaps | None:
    """``max_checks_per_year`` as CheckCaps; None, with every problem in ``r.errors``, when it is wrong."""
    before = len(r.errors)
    line = node.start_mark.line + 1
    if isinstance(node, yaml.ScalarNode):
        value = _cap(r, node, FIELD)
        return None if value is None else CheckCaps(default=value, line=line)
    if not isinstance(node, yaml.MappingNode) or not node.value:
        r.error(node, f"{FIELD} 应为正整数，或含 default、by_grade、by_category 的映射（至少一项）", _SHAPE_HINT)
        return None
    f = r.mapping(node, FIELD, CAP_FIELDS, ())
    if f is None:
        return None
    default = _cap(r, f["default"], f"{FIELD}.default") if "default" in f else None
    by_grade = _by_grade(r, f["by_grade"], f"{FIELD}.by_grade") if "by_grade" in f else {}
    by_category, by_category_grade = _by_category(r, f["by_category"], categories) if "by_category" in f else ({}, {})
    if len(r.errors) > before:
        return None
    return CheckCaps(default, by_grade, by_category, by_category_grade, line)


def _cap(r: NodeReader, node: yaml.Node, where: str) -> int | None:
    value = r.integer(node, where)
    if value is not None and value < 1:
        r.error(node, f"{where}：每年最多检查 {value} 次不合理", f"请写 1 或更大的整数；不设上限请删除该项（删除整个 {FIELD} 即不设任何上限）")
        return None
    return value


def _by_grade(r: NodeReader, node: yaml.Node, where: str) -> dict[str, int]:
    """``{A: 1, B: 2}``: grade -> cap, in grade order."""
    return read_by_grade(r, node, where, "次数", "例如 by_grade: {A: 1, B: 2, C: 3, D: 4}",
                         "没有等级的企业按 default（或类别的上限）计", lambda v, g: _cap(r, v, f"{where}.{g}"))


def _by_category(r: NodeReader, node: yaml.Node, categories: dict[str, str]) -> tuple[dict[str, int], dict[tuple[str, str], int]]:
    """``{coal_mine: 4, hazchem: {A: 1}}``: category -> cap, and (category, grade) -> cap."""
    where = f"{FIELD}.by_category"
    whole: dict[str, int] = {}
    graded: dict[tuple[str, str], int] = {}
    if not isinstance(node, yaml.MappingNode) or not node.value:
        r.error(node, f"{where} 应为“类别代号: 次数（或按等级的映射）”的映射，且至少一项", "例如 by_category: {coal_mine: 4, hazchem: {A: 1, D: 6}}")
        return whole, graded
    by_label = {v: k for k, v in categories.items()}  # a Chinese label is accepted and mapped to its code
    seen: set[str] = set()
    for key_node, value_node in node.value:
        raw = str(key_node.value).strip() if isinstance(key_node, yaml.ScalarNode) else ""
        code = by_label.get(raw, raw)
        if code not in categories:
            known = "、".join(f"{k}（{v}）" for k, v in categories.items())
            r.error(key_node, f"{where} 中的类别 {raw or '(空)'} 不在计划的 categories 中", f"请使用已声明的类别：{known}")
            continue
        if code in seen:
            r.error(key_node, f"{where} 中的类别 {code} 重复", "请删除重复的一项")
            continue
        seen.add(code)
        if isinstance(value_node, yaml.MappingNode):
            for grade, value in _by_grade(r, value_node, f"{where}.{code}").items():
                graded[(code, grade)] = value
            continue
        value = _cap(r, value_node, f"{where}.{code}")
        if value is not None:
            whole[code] = value
    return {c: whole[c] for c in categories if c in whole}, graded
