"""What every command shares: the workspace option, --today, error rendering, output."""

from __future__ import annotations

import functools
import json
import os
import sys
from datetime import date
from pathlib import Path
from typing import Any, Callable, TypeVar

import typer

from shuangsuiji.errors import EXIT_BAD_INPUT, InputError, SsjError, render_errors
from shuangsuiji.workspace import Workspace, find_workspace

F = TypeVar("F", bound=Callable[..., Any])

_state: dict[str, Any] = {"root": None, "debug": False}


def set_root(root: Path | None, debug: bool = False) -> None:
    _state["root"] = root
    _state["debug"] = debug


def debug() -> bool:
    """``ssj --debug``: show the traceback of an internal error."""
    return bool(_state["debug"])


def command(app: typer.Typer, name: str, short: str, help: str) -> Callable[[F], F]:
    """Register a command with its one-line description (``ssj --help``) and its Chinese help page."""
    from shuangsuiji.cli.help import ChineseCommand

    return app.command(name, help=help, short_help=short, cls=ChineseCommand)


def workspace() -> Workspace:
    """The workspace of --root; its files are watched so an internal error can say which ones changed."""
    from shuangsuiji.cli.crash import watch

    ws = find_workspace(_state["root"])
    watch(ws.root)
    return ws


def guarded(fn: F) -> F:
    """Turn the core's named exceptions into Chinese messages on stderr and an exit code."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        bad = undecodable_options(kwargs)
        if bad:
            fail([bad], EXIT_BAD_INPUT, as_json=bool(kwargs.get("as_json")))
        try:
            return fn(*args, **kwargs)
        except SsjError as exc:
            fail(exc.errors(), exc.exit_code, as_json=bool(kwargs.get("as_json")))
        except BrokenPipeError:  # `ssj draws | head`: the reader left; nothing to tell anyone
            raise
        except OSError as exc:  # a folder that cannot be made, a file Excel/WPS holds open, a full disk
            fail([os_error(exc)], EXIT_BAD_INPUT, as_json=bool(kwargs.get("as_json")))

    return wrapper  # type: ignore[return-value]


# Parameters whose option is not "--" + the name.
_OPTION_OF = {"as_json": "--json", "fmt": "--format", "formats": "--format", "kind": "名录库名称"}


def undecodable_options(values: dict[str, Any]) -> InputError | None:
    """The first text option holding bytes that are not UTF-8, as an input error (None when all are text).

    On Linux a terminal in another encoding (or a script) can pass such bytes; Python keeps
    them as lone surrogates, which no file, ledger line or notice can hold.
    """
    for name, value in values.items():
        for text in value if isinstance(value, (list, tuple)) else [value]:
            if isinstance(text, str) and any("\ud800" <= ch <= "\udfff" for ch in text):
                option = _OPTION_OF.get(name, "--" + name.rstrip("_").replace("_", "-"))
                return InputError(
                    "", 0, f"{option} 的值中有无法识别的字符（不是 UTF-8 编码的文字）：{text.encode('utf-8', 'replace').decode('utf-8')}",
                    "请把终端的编码设为 UTF-8（如 export LANG=zh_CN.UTF-8）后重新输入，或在脚本中以 UTF-8 传入",
                )
    return None


def os_error(exc: OSError) -> InputError:
    """An operating-system error as a message that names the file and the likely fix."""
    name = exc.filename if exc.filename is not None else ""
    where = f" {Path(str(name)).as_posix()}" if name else ""
    return InputError(
        "",
        0,
        f"无法读写文件{where}：{exc.strerror or exc}",
        "请检查路径和文件夹是否存在、是否有写入权限、磁盘是否已满，或该文件是否正被 Excel/WPS 打开（关闭后重试）",
    )


def click_exceptions() -> Any:
    """Click's exception module as Typer uses it (the click package, or the copy newer Typers vendor)."""
    return sys.modules[typer.BadParameter.__module__]


def usage_error(exc: Any) -> InputError:
    """A Click usage error (missing option, bad value, unknown command) as a Chinese message."""
    clicks = click_exceptions()
    ctx = getattr(exc, "ctx", None)
    command = ctx.command_path if ctx is not None else "ssj"
    hint = f"运行 {command} --help 查看用法"
    if isinstance(exc, clicks.MissingParameter) and exc.param is not None:
        names = "/".join(getattr(exc.param, "opts", []) or [exc.param.name or ""])
        kind = "选项" if getattr(exc.param, "param_type_name", "") == "option" else "参数"
        return InputError("", 0, f"缺少必需的{kind} {names}", hint)
    if isinstance(exc, clicks.NoSuchOption):
        return InputError("", 0, f"没有选项 {exc.option_name}", hint)
    if isinstance(exc, clicks.BadParameter):
        names = "/".join(getattr(exc.param, "opts", []) or []) if exc.param is not None else ""
        detail = exc.message
        if "integer" in detail:
            detail = "应为整数"
        elif "date" in detail.lower():
            detail = "应为日期 YYYY-MM-DD"
        return InputError("", 0, f"选项 {names} 的值无效：{detail}", hint)
    text = exc.format_message()
    import re

    needs_value = re.match(r"Option '(.+)' requires an argument", text)
    if needs_value:
        return InputError("", 0, f"选项 {needs_value.group(1)} 后面缺少取值", hint)
    if text.startswith("No such command"):
        name = text.split("'")[1] if "'" in text else text
        return InputError("", 0, f"没有命令 {name}", "运行 ssj --help 查看全部命令")
    return InputError("", 0, f"命令用法有误：{text}", hint)


def fail(errors: list[InputError], code: int = EXIT_BAD_INPUT, as_json: bool = False) -> None:
    if as_json:
        emit_json({"ok": False, "errors": [e.to_json() for e in errors]})
    else:
        typer.echo(render_errors(errors), err=True)
    raise typer.Exit(code)


def parse_day(text: str | None, option: str = "--today") -> date | None:
    if text is None:
        return None
    from shuangsuiji.files.dates import DATE_HINT, DateProblem, parse_date

    try:
        return parse_date(text)
    except DateProblem as exc:
        raise SsjError(f"{option} 的日期 {text} 无法识别：{exc.reason}", DATE_HINT) from None


def today(text: str | None) -> date:
    """--today, or today's date in Asia/Shanghai."""
    from shuangsuiji.ledger.chain import now_china

    return parse_day(text) or now_china().date()


def emit_json(obj: Any) -> None:
    # Chinese as it is on a UTF-8 stdout; \u escapes where stdout cannot hold every character
    # (cmd.exe redirected to a file writes GBK), so the JSON stays valid and loses nothing.
    if _stdout_is_unicode():
        from shuangsuiji.files import json_text

        typer.echo(json_text.dumps(obj))
    else:
        typer.echo(json.dumps(obj, ensure_ascii=True, indent=2))


def emit_json_bytes(data: bytes | Iterable[bytes], obj: Callable[[], Any]) -> None:
    """JSON already encoded as ``emit_json`` would print it (UTF-8, indent 2, final newline), printed as it is.

    A draw record of 55,501 picks is some 90 MB: the bytes the draw wrote are printed rather
    than encoded a second time, a piece at a time when ``data`` is an iterable of pieces (a
    record file read in chunks). Where stdout is not UTF-8, or text mode would turn newlines
    into CRLF (Windows), ``obj()`` is printed through ``emit_json`` instead.
    """
    if _stdout_is_unicode() and os.linesep == "\n":
        for chunk in (data,) if isinstance(data, bytes) else data:
            typer.echo(chunk, nl=False)
    else:
        emit_json(obj())


def _stdout_is_unicode() -> bool:
    import codecs

    encoding = getattr(sys.stdout, "encoding", None) or "utf-8"
    try:
        return codecs.lookup(encoding).name.startswith("utf")
    except LookupError:
        return False


def console():
    from rich.console import Console

    # markup=False: names, seeds and reasons are the clerk's text; "[/]" in one must print as it is.
    return Console(soft_wrap=False, width=max(100, _terminal_width()), markup=False)


def err_console():
    from rich.console import Console

    return Console(stderr=True, markup=False)


def _terminal_width() -> int:
    import shutil

    return shutil.get_terminal_size((120, 24)).columns


def stdout_is_tty() -> bool:
    return sys.stdout.isatty()


def stdin_is_tty() -> bool:
    """Whether a person can answer a question (a terminal, not a pipe, cron or a test)."""
    return sys.stdin.isatty()


# Columns a table must never break inside: a code split over two lines cannot be copied or read.
NO_WRAP = {"统一社会信用代码", "日期", "检查日期", "轮次", "年度", "序号", "任务", "记录文件"}
TABLE_ROWS = 200  # a terminal table longer than this helps nobody; the record and --json hold every row

TODAY_HELP = "按此日期运行（YYYY-MM-DD），默认取北京时间今天；用于补录和重放"
JSON_HELP = "输出 JSON"
YEAR_HELP = "计划年度，默认取 plans/ 中最新的年度"
