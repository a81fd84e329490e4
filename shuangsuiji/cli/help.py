"""Help pages in Chinese: ``ssj --help`` and ``ssj 命令 --help``.

Click writes "Usage:", "Options:", "Show this message and exit." and Typer adds type
names such as ``<list[str]>``; a clerk reads none of them. These two classes lay out the
same pages in Chinese from the commands' own help texts: the usage line, the description,
the arguments, the options (each with a Chinese placeholder for its value), and for
``ssj --help`` the commands, each with its one-line description, and the exit codes.
"""

from __future__ import annotations

import inspect
import re
from typing import Any

from typer.core import TyperCommand, TyperGroup

EXIT_CODES = (
    "退出码：0 成功；1 检查未通过（ssj verify 发现问题、publish-due --fail-on-overdue 有逾期事项、"
    "report 的账本复核未通过）；2 输入有误（文件内容或命令参数，信息中写明文件、行号和改法）；"
    "3 内部错误（ssj 自身的缺陷，请按屏幕提示报告）。"
)

# The placeholder shown after an option or for an argument, by parameter name.
PLACEHOLDERS = {
    "task": "任务代号", "today": "日期", "date": "日期", "year": "年度", "round": "轮次", "seed": "种子",
    "source": "号码", "algorithm": "算法", "out": "文件", "root": "文件夹", "from": "文件", "format": "格式",
    "formats": "格式", "fmt": "格式", "entity": "统一社会信用代码", "result": "结果", "measures": "文字",
    "note": "文字", "reason": "文字", "basis": "文字", "expect": "SHA-256", "folder": "文件夹", "kind": "名录库", "file": "文件",
}
BY_TYPE = (("int", "整数"), ("Path", "路径"))


def _placeholder(command: Any, param: Any) -> str:
    name = (param.name or "").rstrip("_")
    if name in PLACEHOLDERS:
        return PLACEHOLDERS[name]
    try:
        annotation = inspect.signature(command.callback).parameters[param.name].annotation
    except (KeyError, TypeError, ValueError):
        annotation = ""
    text = annotation if isinstance(annotation, str) else getattr(annotation, "__name__", str(annotation))
    return next((label for key, label in BY_TYPE if key in text), "文本")


def _option_row(command: Any, ctx: Any, param: Any) -> tuple[str, str]:
    names = ", ".join([*param.opts, *getattr(param, "secondary_opts", [])])
    if param is command.get_help_option(ctx):
        return names, "显示本帮助并退出"
    if not getattr(param, "is_flag", False):
        names += f" <{_placeholder(command, param)}>"
    text = (param.help or "").strip()
    extra = []
    if param.required:
        extra.append("必填")
    if getattr(param, "multiple", False) and "可重复" not in text:
        extra.append("可重复")
    if isinstance(param.envvar, str) and param.envvar:
        extra.append(f"也可用环境变量 {param.envvar}")
    return names, text + (f"（{'；'.join(extra)}）" if extra else "")


def _arguments(command: Any, ctx: Any) -> list[Any]:
    return [p for p in command.get_params(ctx) if getattr(p, "param_type_name", "") == "argument"]


# A run of Latin text (an option, a path, a word) is never split; Chinese breaks between any two characters.
_TOKEN = re.compile(r"[!-~]+|\s+|.")


def _width(text: str) -> int:
    from rich.cells import cell_len

    return cell_len(text)


def wrap(text: str, width: int) -> list[str]:
    """``text`` in lines of at most ``width`` terminal columns (a Chinese character takes two)."""
    lines, line = [], ""
    for token in _TOKEN.findall(text.strip()):
        if line and _width(line + token.rstrip()) > width:
            lines.append(line.rstrip())
            line = token.lstrip()
        else:
            line += token
    return [*lines, line.rstrip()] if line.strip() else lines


def _write_text(formatter: Any, text: str) -> None:
    formatter.write_paragraph()
    indent = " " * (formatter.current_indent + 2)
    for line in wrap(text, max(30, formatter.width - len(indent))):
        formatter.write(f"{indent}{line}\n")


def _write_rows(formatter: Any, title: str, rows: list[tuple[str, str]]) -> None:
    """A section of two columns, aligned by terminal columns, the second wrapped."""
    formatter.write_paragraph()
    formatter.write(f"{' ' * formatter.current_indent}{title}：\n")
    indent = formatter.current_indent + 2
    first = min(max((_width(a) for a, _ in rows), default=0), 28)
    room = max(20, formatter.width - indent - first - 2)
    for name, text in rows:
        lines = wrap(text, room) or [""]
        if _width(name) > first:
            formatter.write(f"{' ' * indent}{name}\n")
        else:
            formatter.write(f"{' ' * indent}{name}{' ' * (first - _width(name) + 2)}{lines.pop(0)}\n")
        for line in lines:
            formatter.write(f"{' ' * (indent + first + 2)}{line}\n")


def write_page(command: Any, ctx: Any, formatter: Any, commands: list[tuple[str, Any]] | None = None) -> None:
    """The whole help page of ``command`` (a group when ``commands`` is given) into Click's formatter."""
    pieces = ["[选项]"] + [f"<{_placeholder(command, p)}>" for p in _arguments(command, ctx)]
    if commands is not None:
        pieces.append("<命令> [命令的选项]")
    formatter.write_usage(ctx.command_path, " ".join(pieces), prefix="用法：")
    if command.help:
        _write_text(formatter, inspect.cleandoc(command.help))
    args = [(f"<{_placeholder(command, p)}>", (getattr(p, "help", "") or "").strip()) for p in _arguments(command, ctx)]
    if args:
        _write_rows(formatter, "参数", args)
    options = [
        _option_row(command, ctx, p) for p in command.get_params(ctx)
        if getattr(p, "param_type_name", "") == "option" and not getattr(p, "hidden", False)
    ]
    _write_rows(formatter, "选项", options)
    if commands:
        _write_rows(formatter, "命令", [(name, one_line(cmd)) for name, cmd in commands])
    if command.epilog:
        _write_text(formatter, inspect.cleandoc(command.epilog))


def one_line(command: Any) -> str:
    """A command's one-line description: its short help, else the first sentence of its help."""
    text = (command.short_help or command.help or "").strip()
    return text.split("。", 1)[0] + "。" if "。" in text else text


def _help_option(option: Any) -> Any:
    """The ``--help`` option, its value read without Pydantic (``cli.root.plain_value``)."""
    from shuangsuiji.cli.root import plain_value

    plain = plain_value(option) if option is not None else None
    if plain is not None:
        option._runtime_param = plain
    return option


class ChineseCommand(TyperCommand):
    """A command whose ``--help`` page is in Chinese."""

    def get_help_option(self, ctx: Any) -> Any:
        return _help_option(super().get_help_option(ctx))

    def format_help(self, ctx: Any, formatter: Any) -> None:
        write_page(self, ctx, formatter)


class ChineseGroup(TyperGroup):
    """The ``ssj`` group: its page lists the commands with their one-line descriptions and the exit codes."""

    def get_help_option(self, ctx: Any) -> Any:
        return _help_option(super().get_help_option(ctx))

    def list_commands(self, ctx: Any) -> list[str]:
        """The names in the order they were registered, as Typer's group gives them, without looking at the commands."""
        return list(self.commands)

    def format_help(self, ctx: Any, formatter: Any) -> None:
        summary = getattr(self.commands, "summary", None)  # cli.root.LazyCommands: each line without converting the command
        listed = [(name, summary(name) if summary else self.get_command(ctx, name)) for name in self.list_commands(ctx)]
        write_page(self, ctx, formatter, [(n, c) for n, c in listed if c is not None and not c.hidden])
