"""``ssj credit``: an entity's credit archive (诚信档案), or the list of entities with findings."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from shuangsuiji.cli.common import JSON_HELP, NO_WRAP, TODAY_HELP, command, console, emit_json, guarded, today, workspace
from shuangsuiji.errors import BadOptions


KEEP_WHOLE = frozenset(NO_WRAP | {"摇号日期", "公示日期", "原检查日期", "生效日期", "最近发现问题"})
EXCEL_SUFFIXES = frozenset({".xlsx", ".xls", ".xlsm", ".et"})  # workbook names a CSV must not take


def register(app: typer.Typer) -> None:
    command(
        app, "credit", "查看企业的诚信档案，或列出检查发现问题的企业。",
        help="诚信档案：ssj credit 统一社会信用代码 显示该企业在账本中各年度的全部记录（抽中的任务和轮次、执法人员、检查结果和"
        "处理措施、更正、公示、递补、黑名单）、信用风险等级和黑名单状态；ssj credit --list 列出检查发现问题（责令整改、"
        "立案查处、移交、移送司法机关）的企业及其户次和最近日期，可写成 CSV 或 XLSX 文件，供报送信用平台和法规科。",
    )(credit)


def _refuse(entity: str | None, listing: bool, year: int | None, as_json: bool, csv: Path | None, xlsx: Path | None) -> None:
    """Options that do not go together (BadOptions, exit 2, nothing read or written)."""
    if listing and entity is not None:
        raise BadOptions("不能同时写企业代码和 --list", "查看一家企业：ssj credit 统一社会信用代码；列出发现问题的企业：ssj credit --list")
    if not listing and entity is None:
        raise BadOptions("请写出企业的统一社会信用代码，或加 --list", "例如 ssj credit 91140428MA001007XX，或 ssj credit --list --year 2022")
    if not listing and (year is not None or csv is not None or xlsx is not None):
        used = "、".join(o for o, v in (("--year", year), ("--csv", csv), ("--xlsx", xlsx)) if v is not None)
        raise BadOptions(f"{used} 只能与 --list 一起使用", "一家企业的档案包括全部年度，可加 --json；列表请用 ssj credit --list")
    if sum((as_json, csv is not None, xlsx is not None)) > 1:
        raise BadOptions("--json、--csv、--xlsx 只能选一个", "去掉多余的选项")
    if xlsx is not None and xlsx.suffix.lower() != ".xlsx":
        raise BadOptions(f"--xlsx 的文件应以 .xlsx 结尾：{xlsx.as_posix()}", "例如 --xlsx 诚信档案.xlsx；要 CSV 文件请用 --csv")
    if csv is not None and csv.suffix.lower() in EXCEL_SUFFIXES:
        raise BadOptions(f"--csv 写的是 CSV 文本，文件名不能以 {csv.suffix} 结尾（Excel、WPS 会拒绝打开）：{csv.as_posix()}",
                         "例如 --csv 诚信档案.csv；要 Excel 文件请用 --xlsx 诚信档案.xlsx")


@guarded
def credit(
    entity: Optional[str] = typer.Argument(None, help="企业的统一社会信用代码（18 位）；与 --list 二选一"),
    listing: bool = typer.Option(False, "--list", help="列出检查发现问题（责令整改、立案查处、移交、移送司法机关）的企业"),
    year: Optional[int] = typer.Option(None, "--year", help="与 --list 一起用：只计该年度的轮次（须有该年计划）；默认全部年度"),
    as_json: bool = typer.Option(False, "--json", help=JSON_HELP),
    csv: Optional[Path] = typer.Option(None, "--csv", help="与 --list 一起用：写入此 CSV 文件（带 BOM 的 UTF-8，每格按文本处理）"),
    xlsx: Optional[Path] = typer.Option(None, "--xlsx", help="与 --list 一起用：写入此 Excel 文件（文件名以 .xlsx 结尾，文字均为文本单元格）"),
    force: bool = typer.Option(False, "--force", help="--csv/--xlsx 的文件已存在时覆盖它"),
    today_: Optional[str] = typer.Option(None, "--today", help=TODAY_HELP + "；按截至该日的账本"),
) -> None:
    _refuse(entity, listing, year, as_json, csv, xlsx)
    day = today(today_)
    ws = workspace()
    if not listing:
        from shuangsuiji.actions.credit import credit_archive

        _show_archive(credit_archive(ws, entity or "", day), as_json)
        return
    from shuangsuiji.actions.credit import check_finding_list_path, finding_list, write_finding_list
    from shuangsuiji.render import credit as view

    out, option = (csv, "--csv") if csv is not None else (xlsx, "--xlsx")
    if out is not None:
        check_finding_list_path(ws, out, force, option)  # before the work: a refused path costs nothing
    found = finding_list(ws, year, day)
    if out is not None:
        data = view.list_csv(found.rows, found.today, found.year) if csv is not None else \
            view.list_xlsx(found.rows, found.today, found.year, found.left_out)
        write_finding_list(ws, out, data, force, option)
        typer.echo(f"已写入 {out}（{len(found.rows)} 家企业）。")
    elif as_json:
        emit_json(found.to_json())
        return
    else:
        from shuangsuiji.render.report_text import print_table

        print_table(view.list_screen(found.rows, found.today, found.year), console(), KEEP_WHOLE)
    note = view.later_text(found.left_out, found.today)
    if note:
        typer.echo(f"注意：{note}")


def _show_archive(a, as_json: bool) -> None:
    if as_json:
        emit_json(a.to_json())
        return
    from shuangsuiji.render import credit as view
    from shuangsuiji.render.report_text import print_table

    typer.echo("\n".join([view.archive_title(a), *view.archive_lines(a)]))  # lines whole, never wrapped
    out = console()
    for t in view.archive_tables(a):
        print_table(t, out, KEEP_WHOLE)
