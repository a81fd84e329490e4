"""What every command shares: the workspace option, --today, error rendering, output."""

from __future__ import annotations

import functools
import json
import sys
from datetime import date
from pathlib import Path
from typing import Any, Callable, TypeVar

import typer

from shuangsuiji.errors import EXIT_BAD_INPUT, InputError, SsjError, render_errors
from shuangsuiji.workspace import Workspace, find_workspace

F = TypeVar("F", bound=Callable[..., Any])

_state: dict[str, Any] = {"root": None}


def set_root(root: Path | None) -> None:
    _state["root"] = root


def workspace() -> Workspace:
    return find_workspace(_state["root"])


def guarded(fn: F) -> F:
    """Turn the core's named exceptions into Chinese messages on stderr and an exit code."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except SsjError as exc:
            fail(exc.errors(), exc.exit_code, as_json=bool(kwargs.get("as_json")))

    return wrapper  # type: ignore[return-value]


def fail(errors: list[InputError], code: int = EXIT_BAD_INPUT, as_json: bool = False) -> None:
    if as_json:
        emit_json({"ok": False, "errors": [e.to_json() for e in errors]})
    else:
        typer.echo(render_errors(errors), err=True)
    raise typer.Exit(code)


def parse_day(text: str | None, option: str = "--today") -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise SsjError(f"{option} 的日期 {text} 无法识别", "日期请写成 YYYY-MM-DD，如 2022-04-06") from None


def today(text: str | None) -> date:
    """--today, or today's date in Asia/Shanghai."""
    from shuangsuiji.ledger import now_china

    return parse_day(text) or now_china().date()


def emit_json(obj: Any) -> None:
    typer.echo(json.dumps(obj, ensure_ascii=False, indent=2))


def console():
    from rich.console import Console

    return Console(soft_wrap=False, width=max(100, _terminal_width()))


def err_console():
    from rich.console import Console

    return Console(stderr=True)


def _terminal_width() -> int:
    import shutil

    return shutil.get_terminal_size((120, 24)).columns


def stdout_is_tty() -> bool:
    return sys.stdout.isatty()


TODAY_HELP = "按此日期运行（YYYY-MM-DD），默认取北京时间今天；用于补录和重放"
JSON_HELP = "输出 JSON"
YEAR_HELP = "计划年度，默认取 plans/ 中最新的年度"
