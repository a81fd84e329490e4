"""``ssj blacklist add|remove|list``: the blacklist (失信黑名单), kept as ledger events."""

from __future__ import annotations

from typing import Optional

import typer

from shuangsuiji.cli.common import (
    JSON_HELP,
    NO_WRAP,
    TODAY_HELP,
    command,
    console,
    emit_json,
    guarded,
    parse_day,
    today,
    workspace,
)
from shuangsuiji.cli.help import ChineseGroup
from shuangsuiji.errors import BadOptions

ENTITY_HELP = "企业的统一社会信用代码（18 位）"
DATE_HELP = "生效日期（YYYY-MM-DD 等），默认取 --today；不能晚于 --today，也不能早于该企业上一次黑名单变更的日期"

group = typer.Typer(
    cls=ChineseGroup,
    help="失信黑名单：列入、移出和查看。每次变更是账本中的一条事件（只追加、不删改），黑名单由这些事件推算得出。",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)


def register(app: typer.Typer) -> None:
    command(group, "add", "把企业列入黑名单。", help="把企业列入失信黑名单：写明原因（必填）和依据（如惩戒决定文号），追加一条账本事件。已在黑名单上的企业不能重复列入。")(add)
    command(group, "remove", "把企业移出黑名单。", help="把企业移出失信黑名单：写明原因（必填，如信用修复、惩戒期满），追加一条账本事件。不在黑名单上的企业不能移出。")(remove)
    command(group, "list", "列出黑名单。", help="列出截至 --today 在黑名单上的企业：列入日期、原因、依据；可输出 JSON 或 CSV。")(list_)
    app.add_typer(group, name="blacklist", short_help="失信黑名单：列入、移出、查看。")


@guarded
def add(
    entity: str = typer.Argument(..., help=ENTITY_HELP),
    reason: str = typer.Option(..., "--reason", help="列入原因（写入账本）"),
    basis: str = typer.Option("", "--basis", help="依据：惩戒决定书文号、认定文件等（写入账本）"),
    date_: Optional[str] = typer.Option(None, "--date", help=DATE_HELP),
    today_: Optional[str] = typer.Option(None, "--today", help=TODAY_HELP),
) -> None:
    from shuangsuiji.actions.blacklist import add_to_blacklist

    ch = add_to_blacklist(workspace(), entity, reason, basis, parse_day(date_, "--date"), today(today_))
    typer.echo(f"已将 {ch.entity}（{ch.name}）列入黑名单，自 {ch.day} 起（账本第 {ch.event.seq} 号事件）。")


@guarded
def remove(
    entity: str = typer.Argument(..., help=ENTITY_HELP),
    reason: str = typer.Option(..., "--reason", help="移出原因（写入账本），如信用修复、惩戒期满"),
    date_: Optional[str] = typer.Option(None, "--date", help=DATE_HELP),
    today_: Optional[str] = typer.Option(None, "--today", help=TODAY_HELP),
) -> None:
    from shuangsuiji.actions.blacklist import remove_from_blacklist

    ch = remove_from_blacklist(workspace(), entity, reason, parse_day(date_, "--date"), today(today_))
    typer.echo(f"已将 {ch.entity}（{ch.name}）移出黑名单，自 {ch.day} 起（账本第 {ch.event.seq} 号事件）。")


@guarded
def list_(
    as_json: bool = typer.Option(False, "--json", help=JSON_HELP),
    as_csv: bool = typer.Option(False, "--csv", help="输出 CSV（UTF-8，每格按文本处理）"),
    today_: Optional[str] = typer.Option(None, "--today", help="列出截至此日期的黑名单（YYYY-MM-DD），默认北京时间今天"),
) -> None:
    from shuangsuiji.actions.blacklist import BlacklistView, blacklist_as_of
    from shuangsuiji.actions.reading import later_note

    if as_json and as_csv:
        raise BadOptions("--json 和 --csv 只能选一个", "去掉其中一个选项")
    view = blacklist_as_of(workspace(), today(today_))
    rows = view.rows()
    if as_json:
        emit_json({"today": view.today, "entities": rows, "left_out": view.left_out})
        return
    if as_csv:
        typer.echo(view.csv().decode("utf-8-sig"), nl=False)
        return
    note = later_note(view.left_out, today(today_))
    if not rows:
        typer.echo(f"截至 {view.today}，黑名单上没有企业。")
    else:
        from rich.table import Table

        t = Table(title=f"失信黑名单（截至 {view.today}，共 {len(rows)} 家）")
        for col in BlacklistView.COLUMNS:
            t.add_column(col, overflow="fold", no_wrap=col in NO_WRAP or col == "列入日期")
        for r in rows:
            t.add_row(*(str(r[k]) for k in BlacklistView.KEYS))
        console().print(t)
    if note:
        typer.echo(f"注意：{note}")
