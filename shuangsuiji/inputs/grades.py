"""A plan's mapping keyed by credit-risk grade (``{A: ..., B: ...}``), read and checked with path:line.

``ratio_by_risk`` (a task's ratio per grade) and ``max_checks_per_year.by_grade`` (a cap per
grade) are both such mappings: the keys are checked here once (a grade A-D, each at most
once), the values by the caller's reader.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import yaml

from shuangsuiji.codes import RISK_GRADES
from shuangsuiji.files.yaml_nodes import NodeReader

V = TypeVar("V")


def read_by_grade(r: NodeReader, node: yaml.Node, where: str, what: str, example: str, ungraded: str,
                  value: Callable[[yaml.Node, str], V | None]) -> dict[str, V]:
    """Grade -> ``value(value_node, grade)``, in grade order; a value the reader refuses (None) is left out.

    Args:
        where: the field as the messages name it (``ratio_by_risk``, ``max_checks_per_year.by_grade``).
        what: what each grade maps to, for the shape message (``抽查比例``, ``次数``).
        example: the hint for a field that is not such a mapping.
        ungraded: the hint's second half for an unknown grade: what entities without a grade take.
    """
    if not isinstance(node, yaml.MappingNode) or not node.value:
        r.error(node, f"{where} 应为“风险等级: {what}”的映射，且至少一项", example)
        return {}
    found: dict[str, V] = {}
    for key_node, value_node in node.value:
        grade = str(key_node.value).strip().upper() if isinstance(key_node, yaml.ScalarNode) else ""
        if grade not in RISK_GRADES:
            r.error(key_node, f"{where} 中的风险等级 {grade or '(空)'} 无法识别", f"风险等级只能是 A、B、C、D；{ungraded}")
            continue
        if grade in found:
            r.error(key_node, f"{where} 中的风险等级 {grade} 重复", "请删除重复的一项")
            continue
        got = value(value_node, grade)
        if got is not None:
            found[grade] = got
    return {g: found[g] for g in RISK_GRADES if g in found}
