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


MAX_DEPTH = 32  # plans and calendars nest four levels; a thousand would exhaust the stack
_NO_ANCHORS = "计划和日历文件不使用 YAML 的锚点和别名（& 和 *）；请把内容直接写出来"
# PyYAML's problems, as a clerk can read them.
_PROBLEMS = {
    "could not find expected ':'": "缺少半角冒号“:”",
    "mapping values are not allowed here": "这里不能再出现“字段: 值”（可能是缩进不对，或值中的冒号需要加引号）",
    "found character '\\t' that cannot start any token": "缩进中有 Tab 字符",
    "found a tab character where an indentation space is expected": "缩进中有 Tab 字符",
    "found unexpected end of stream": "文件意外结束（引号或括号没有配对）",
    "found undefined alias": "用了未定义的别名（*）",
}


class _Refused(yaml.YAMLError):
    def __init__(self, mark: yaml.Mark, problem: str) -> None:
        super().__init__(problem)
        self.problem_mark = mark
        self.problem = problem


class _Loader(yaml.SafeLoader):
    """SafeLoader's composer without anchors or aliases (an alias of nested anchors as a
    mapping key costs exponential time) and with bounded nesting."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent, index):  # type: ignore[no-untyped-def]
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise _Refused(event.start_mark, "不支持锚点和别名（& 和 *）")
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise _Refused(event.start_mark, f"嵌套超过 {MAX_DEPTH} 层")
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def compose(text: str, shown: str) -> yaml.Node | None:
    """The YAML node tree of ``text``; a syntax error raises InputErrors naming line and column."""
    try:
        return yaml.compose(text, Loader=_Loader)
    except RecursionError:
        raise InputErrors([InputError(shown, 0, f"YAML 嵌套过深（超过 {MAX_DEPTH} 层）", "计划和日历文件只需几层缩进，请检查文件内容")]) from None
    except yaml.YAMLError as exc:
        raise InputErrors([_syntax_error(text, shown, exc)]) from None


def _syntax_error(text: str, shown: str, exc: yaml.YAMLError) -> InputError:
    """A YAML error in Chinese: 第 N 行第 M 列, what is wrong, and the likely fix."""
    mark = getattr(exc, "problem_mark", None)
    line = mark.line + 1 if mark else 0
    where = f"第 {line} 行第 {mark.column + 1} 列" if mark else "位置不明"
    problem = getattr(exc, "problem", None) or str(exc)
    if isinstance(exc, _Refused):
        hint = _NO_ANCHORS if "锚点" in problem else "计划和日历文件只需几层缩进，请检查文件内容"
        return InputError(shown, line, f"YAML 语法错误（{where}）：{problem}", hint)
    chinese = next((zh for en, zh in _PROBLEMS.items() if problem.startswith(en)), problem)
    hint = "请检查该行的缩进、冒号和引号；缩进只能用空格，不能用 Tab；冒号用半角“:”，后面加一个空格"
    context = getattr(exc, "context_mark", None)
    first = context.line if context else (mark.line if mark else 0)
    lines = text.splitlines()
    for number in range(max(0, first - 1), min(len(lines), (mark.line if mark else first) + 1)):
        if "：" in lines[number]:
            hint = f"第 {number + 1} 行用了全角冒号“：”，请改为半角冒号“:”（冒号后加一个空格）"
            break
    return InputError(shown, line, f"YAML 语法错误（{where}）：{chinese}", hint)


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
