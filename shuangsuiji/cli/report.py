"""``ssj report``: the annual report, as a terminal table, JSON, CSV, XLSX, HTML or Markdown."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from shuangsuiji.cli.busy import busy
from shuangsuiji.cli.common import (
    YEAR_HELP,
    command,
    console,
    emit_json_bytes,
    guarded,
    today,
    workspace,
)
from shuangsuiji.errors import EXIT_CHECK_FAILED, SsjError

FORMATS = ("table", "json", "csv", "xlsx", "html", "md")
SUFFIXES = {".json": "json", ".csv": "csv", ".xlsx": "xlsx", ".html": "html", ".htm": "html", ".md": "md", ".txt": "table"}


def register(app: typer.Typer) -> None:
    command(
        app, "report", "生成年度报告。",
        help="年度报告：计划执行、抽查频次、执法人员、问题处理、信用分级与失信惩戒、月度进度和账本复核；"
        "可输出表格、JSON、CSV、XLSX、可打印的 HTML 或 Markdown。账本复核未通过时仍输出报告（首行注明），退出码为 1。",
    )(report)


def choose_format(fmt: str | None, out: Path | None) -> str:
    """--format, else the --out file's suffix, else the terminal table."""
    if fmt is not None:
        chosen = fmt.strip().lower()
        if chosen not in FORMATS:
            raise SsjError(f"不支持的报告格式 {fmt}", "可用格式：" + "、".join(FORMATS))
        return chosen
    if out is not None:
        by_suffix = SUFFIXES.get(out.suffix.lower())
        if by_suffix is None:
            raise SsjError(f"无法从文件名 {out.name} 判断报告格式", "请用 --format 指定：" + "、".join(FORMATS))
        return by_suffix
    return "table"


@guarded
def report(
    year: Optional[int] = typer.Option(None, "--year", help=YEAR_HELP),
    today_: Optional[str] = typer.Option(None, "--today", help="统计截至此日期（YYYY-MM-DD），据此判断任务期限是否已过、公示是否逾期；默认北京时间今天"),
    fmt: Optional[str] = typer.Option(None, "--format", help="table（终端表格，默认）、json、csv（各任务一行，其后为信用分级表和黑名单变更表；带 BOM 的 UTF-8）、xlsx、html（可打印）、md"),
    out: Optional[Path] = typer.Option(None, "--out", help="写入此文件（原子写入）；不写则输出到屏幕。xlsx 必须指定；未写 --format 时按扩展名判断格式。不能写进 plans/、data/、calendar/、draws/"),
    force: bool = typer.Option(False, "--force", help="--out 的文件已存在时覆盖它"),
) -> None:
    from shuangsuiji.actions.output import REPORT, check_output, write_output
    from shuangsuiji.actions.report import load_report

    chosen = choose_format(fmt, out)
    if chosen == "xlsx" and out is None:
        raise SsjError("XLSX 报告必须写入文件", "请加 --out 报告.xlsx，例如 ssj report --format xlsx --out 年度报告.xlsx")
    ws = workspace()
    if out is not None:
        check_output(ws, out, REPORT, force)  # before the work, so a refused path costs nothing
    with busy("正在生成年度报告……", chosen == "json" and out is None):
        rep = load_report(ws, year, today(today_))
    if out is not None:
        data = _render(rep, chosen)
        write_output(ws, out, data.encode("utf-8") if isinstance(data, str) else (data or b""), REPORT, force)
        typer.echo(f"已写入 {out}（{chosen}）。")
        if not rep.integrity.ok:
            typer.echo(rep.integrity.headline(), err=True)
    elif chosen == "table":
        from shuangsuiji.render.report_text import print_tables

        print_tables(rep, console())
    elif chosen == "json":
        data = _render(rep, chosen)
        emit_json_bytes(data.encode("utf-8"), rep.to_json)  # rendered once; encoded again only for a non-UTF-8 stdout
    else:
        data = _render(rep, chosen)
        text = data.decode("utf-8-sig") if isinstance(data, bytes) else data
        typer.echo(text, nl=False)
    if not rep.integrity.ok:
        raise typer.Exit(EXIT_CHECK_FAILED)


def _render(rep, fmt: str) -> bytes | str | None:
    if fmt == "json":
        from shuangsuiji.files import json_text

        return json_text.dumps(rep.to_json()) + "\n"
    if fmt == "csv":
        from shuangsuiji.render.report_text import render_csv

        return render_csv(rep)
    if fmt == "md":
        from shuangsuiji.render.report_text import render_markdown

        return render_markdown(rep)
    if fmt == "html":
        from shuangsuiji.render.report_html import render_html

        return render_html(rep)
    if fmt == "xlsx":
        from shuangsuiji.render.report_xlsx import render_xlsx

        return render_xlsx(rep)
    if fmt == "table":
        from rich.console import Console

        from shuangsuiji.render.report_text import print_tables

        con = Console(record=True, width=160, file=_Null())
        print_tables(rep, con)
        return con.export_text()
    return None


class _Null:
    def write(self, _text: str) -> int:
        return 0

    def flush(self) -> None:
        pass
