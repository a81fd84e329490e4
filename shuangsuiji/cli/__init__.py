"""The ``ssj`` command line: a thin Typer layer over the core, one module per subject."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from shuangsuiji import __version__
from shuangsuiji.cli import common

app = typer.Typer(
    name="ssj",
    help="ssj（双随机抽查）：“双随机、一公开”抽查从计划、摇号、结果公示到年度报告的命令行工具。",
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
) -> None:
    common.set_root(root)


from shuangsuiji.cli import draw, publish, report, setup  # noqa: E402  (each module registers its commands)

setup.register(app)
draw.register(app)
publish.register(app)
report.register(app)


def main() -> None:
    """The console script: runs the app and gives Click's own usage errors in Chinese, exit 2."""
    import sys

    clicks = common.click_exceptions()
    _tolerant_output()
    try:
        code = app(prog_name="ssj", standalone_mode=False)
    except clicks.UsageError as exc:
        from shuangsuiji.errors import EXIT_BAD_INPUT, render_errors

        if type(exc).__name__ == "NoArgsIsHelpError":  # Click >= 8.2: bare `ssj` (or a group) shows its help
            typer.echo(exc.format_message(), err=True)
            sys.exit(EXIT_BAD_INPUT)
        typer.echo(render_errors([common.usage_error(exc)]), err=True)
        sys.exit(EXIT_BAD_INPUT)
    except clicks.Abort:
        typer.echo("已中止。", err=True)
        sys.exit(1)
    sys.exit(code if isinstance(code, int) else 0)


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
