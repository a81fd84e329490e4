"""The ``ssj`` command line: a thin Typer layer over the core, one module per subject."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from shuangsuiji import __version__
from shuangsuiji.cli import common
from shuangsuiji.cli.help import EXIT_CODES, ChineseGroup

app = typer.Typer(
    name="ssj",
    cls=ChineseGroup,
    help="ssj（双随机抽查）：“双随机、一公开”抽查从计划、摇号、结果公示到年度报告的命令行工具。",
    epilog=EXIT_CODES + "运行 ssj <命令> --help 查看各命令的说明。",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"ssj {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(
    root: Optional[Path] = typer.Option(None, "--root", envvar="SSJ_ROOT", help="工作区文件夹（含 plans/、data/、draws/），默认当前文件夹"),
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="显示版本号"),
    debug: bool = typer.Option(False, "--debug", help="出现内部错误（退出码 3）时在屏幕上显示详细的出错位置，供维护人员排查"),
) -> None:
    common.set_root(root, debug)


from shuangsuiji.cli import blacklist, credit, draw, publish, report, setup, visits  # noqa: E402  (each module registers its commands)

setup.register(app)
draw.register(app)
publish.register(app)
report.register(app)
blacklist.register(app)
credit.register(app)
visits.register(app)


def main() -> None:
    """The console script. Exit codes: 0 ok, 1 a check failed, 2 bad input, 3 an internal error (a bug).

    A reader that closed the pipe (``ssj report | head``) ends the run quietly with 0.
    """
    import sys

    from shuangsuiji.cli import crash

    argv = sys.argv[1:]
    _tolerant_output()
    try:
        code = _run(argv)
        sys.stdout.flush()  # a closed pipe shows here, not in the interpreter's last flush
    except SystemExit as exc:  # Typer exits 1 itself on a closed pipe
        code = crash.reader_left() if crash.is_closed_pipe(exc.__context__) else exc.code
    except Exception as exc:  # noqa: BLE001  (the last resort: every exception ends in one line and a code)
        if crash.is_closed_pipe(exc):
            code = crash.reader_left()
        else:
            code = crash.internal_error(exc, argv, set(typer.main.get_command(app).commands), common.debug())
    sys.exit(code)


def _run(argv: list[str]) -> int:
    """Run the app; Click's own usage errors in Chinese (exit 2), Ctrl-C as 已中止 (exit 1)."""
    from shuangsuiji.errors import EXIT_BAD_INPUT, SsjError, render_errors

    from shuangsuiji.cli.root import root_command

    clicks = common.click_exceptions()
    try:
        code = root_command(app)(args=argv, prog_name="ssj", standalone_mode=False)
    except clicks.UsageError as exc:
        if type(exc).__name__ == "NoArgsIsHelpError":  # Click >= 8.2: bare `ssj` (or a group) shows its help
            typer.echo(exc.format_message(), err=True)
            return EXIT_BAD_INPUT
        typer.echo(render_errors([common.usage_error(exc)]), err=True)
        return EXIT_BAD_INPUT
    except (typer.Abort, KeyboardInterrupt, EOFError):
        typer.echo("已中止。", err=True)
        return 1
    except typer.Exit as exc:
        return exc.exit_code
    except SsjError as exc:  # raised outside a command (the workspace of --root)
        typer.echo(render_errors(exc.errors()), err=True)
        return exc.exit_code
    return code if isinstance(code, int) else 0


def _tolerant_output() -> None:
    """Never die on a character the console cannot show (cmd.exe redirected to a file writes GBK).

    Files ssj writes are UTF-8 bytes and are not affected; only what is printed may show "?"
    for such a character. ``--json`` output escapes it instead (``common.emit_json``).
    """
    import sys

    for stream in (sys.stdout, sys.stderr):
        if getattr(stream, "errors", None) == "strict" and hasattr(stream, "reconfigure"):
            try:
                stream.reconfigure(errors="replace")
            except (OSError, ValueError):
                pass
