"""Reading YAML as a node tree, so every field keeps its line and its exact text.

Plans and calendar files are read with ``compose`` (syntax errors become an InputError
with line and column) and walked with ``NodeReader``, which collects every problem it
meets instead of stopping at the first.
"""

from __future__ import annotations

import re
from datetime import date

import yaml

from shuangsuiji.errors import InputError, InputErrors
from shuangsuiji.files.dates import DATE_HINT, DateProblem, parse_date

_INT = re.compile(r"^\d+$")
_TRUE = {"true", "yes", "是", "on"}
_FALSE = {"false", "no", "否", "off"}


def compose(text: str, shown: str) -> yaml.Node | None:
    """The YAML node tree of ``text``; a syntax error raises InputErrors naming line and column."""
    try:
        return yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else 0
        col = f"第 {mark.column + 1} 列" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise InputErrors([
            InputError(shown, line, f"YAML 语法错误（{col}）：{problem}", "请检查该行的缩进、冒号和引号；缩进只能用空格，不能用 Tab")
        ]) from None


class NodeReader:
    """Collects errors while walking the YAML node tree of one file."""

    def __init__(self, shown: str) -> None:
        self.shown = shown
        self.errors: list[InputError] = []

    def error(self, node: yaml.Node | None, message: str, hint: str = "") -> None:
        line = node.start_mark.line + 1 if node is not None else 0
        self.errors.append(InputError(self.shown, line, message, hint))

    def mapping(self, node: yaml.Node, what: str, known: dict[str, str], required: tuple[str, ...]) -> dict[str, yaml.Node] | None:
        if not isinstance(node, yaml.MappingNode):
            self.error(node, f"{what}应为“字段: 值”的映射", "请参照 ssj init 生成的模板书写")
            return None
        fields: dict[str, yaml.Node] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node.value)
            if key in fields:
                self.error(key_node, f"{what}中字段 {key} 重复出现", "请删除重复的一项")
                continue
            if key not in known:
                names = "、".join(known)
                self.error(key_node, f"{what}中有未知字段 {key}", f"可用字段：{names}；请检查拼写")
                continue
            fields[key] = value_node
        for key in required:
            if key not in fields:
                self.error(node, f"{what}缺少字段 {key}（{known[key]}）", f"请补上 {key}: ...")
        return fields

    def text(self, node: yaml.Node, field: str) -> str | None:
        if not isinstance(node, yaml.ScalarNode) or not str(node.value).strip():
            self.error(node, f"字段 {field} 应为非空文字", f"请填写 {field}")
            return None
        return str(node.value).strip()

    def day(self, node: yaml.Node, field: str) -> date | None:
        raw = self.text(node, field)
        if raw is None:
            return None
        try:
            return parse_date(raw)
        except DateProblem as exc:
            self.error(node, f"字段 {field} 的日期 {raw} 无法识别：{exc.reason}", DATE_HINT)
            return None

    def integer(self, node: yaml.Node, field: str) -> int | None:
        raw = self.text(node, field)
        if raw is None:
            return None
        if not _INT.match(raw):
            self.error(node, f"字段 {field} 应为整数，实为 {raw}", "请写一个整数，如 2")
            return None
        return int(raw)

    def boolean(self, node: yaml.Node, field: str) -> bool | None:
        raw = self.text(node, field)
        if raw is None:
            return None
        if raw.lower() in _TRUE:
            return True
        if raw.lower() in _FALSE:
            return False
        self.error(node, f"字段 {field} 应为 true 或 false，实为 {raw}", "请写 true（是）或 false（否）")
        return None
