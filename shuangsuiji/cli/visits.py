"""``ssj visits``: firms drawn in several tasks whose check periods overlap (合并上门)."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from shuangsuiji.cli.common import JSON_HELP, NO_WRAP, TODAY_HELP, command, console, emit_json, guarded, today, workspace
from shuangsuiji.errors import BadOptions


def register(app: typer.Typer) -> None:
    command(
        app, "visits", "列出抽查时间重叠、可合并上门的企业。",
        help="合并上门：列出在同一年度几个抽查时间重叠的任务（联合或非联合）中都被抽中的企业，及各任务的轮次、部门、检查组和"
        "检查情况、可合并检查的时段，便于安排一次上门完成几项检查（进一次门、查多项事）。可写成 XLSX 文件。",
    )(visits)


@guarded
def visits(
    year: Optional[int] = typer.Option(None, "--year", help="计划年度，默认取 plans/ 中最新的年度"),
    as_json: bool = typer.Option(False, "--json", help=JSON_HELP),
    xlsx: Optional[Path] = typer.Option(None, "--xlsx", help="写入此 Excel 文件（.xlsx，文字为文本单元格，不含公式）"),
    force: bool = typer.Option(False, "--force", help="--xlsx 的文件已存在时覆盖它"),
    today_: Optional[str] = typer.Option(None, "--today", help=TODAY_HELP + "；按截至该日的账本"),
) -> None:
    from shuangsuiji.actions.visits import check_visits_path, visits_view, write_visits

    if as_json and xlsx is not None:
        raise BadOptions("--json 与 --xlsx 只能选一个", "去掉多余的选项")
    if xlsx is not None and xlsx.suffix.lower() != ".xlsx":  # Excel and WPS refuse a workbook named .csv or .xls
        raise BadOptions(f"--xlsx 的文件应以 .xlsx 结尾：{xlsx.as_posix()}", "例如 --xlsx 合并上门.xlsx")
    ws = workspace()
    day = today(today_)
    if xlsx is not None:
        check_visits_path(ws, xlsx, force)  # before the work: a refused path costs nothing
    found = visits_view(ws, year, day)
    if as_json:
        emit_json(found.to_json())
        return
    from shuangsuiji.render import visits as view

    if xlsx is not None:
        write_visits(ws, xlsx, view.visits_xlsx(found.rows, found.year, found.today), force)
        typer.echo(f"已写入 {xlsx}（{len(found.rows)} 家企业）。")
    else:
        from shuangsuiji.render.report_text import print_table

        print_table(view.visits_screen(found.rows, found.year, found.today), console(), frozenset(NO_WRAP | {"任务"}))
        typer.echo(view.notes(found.rows)[0])
    if found.left_out:
        typer.echo(f"注意：账本中有 {found.left_out} 条事件的日期晚于 {found.today}，未计入。")
