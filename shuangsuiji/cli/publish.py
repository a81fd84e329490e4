"""Commands about 一公开: record, results, publish-due, publish, sheet."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from shuangsuiji.cli.busy import busy
from shuangsuiji.cli.common import (
    JSON_HELP,
    NO_WRAP,
    TABLE_ROWS,
    TODAY_HELP,
    command,
    console,
    emit_json,
    guarded,
    parse_day,
    today,
    workspace,
)
from shuangsuiji.errors import EXIT_CHECK_FAILED, SsjError

YEAR_FOR_TASK_HELP = "计划年度；默认取该任务最近一次有效摇号所在的年度（跨年登记、公示时无须指定）"


def register(app: typer.Typer) -> None:
    command(app, "record", "登记检查结果（单户或批量）。", help="登记检查结果：单户用 --entity/--date/--result，批量用 --from 表格（全部无误才写入）。再次登记同一企业即为更正，原记录保留。")(record)
    command(app, "results", "列出抽中企业及其检查结果。", help="列出抽中企业及其现行检查结果（含更正历史）。")(results)
    command(app, "publish-due", "列出尚未公示的各轮及公示截止日。", help="列出尚未公示的各轮：状态、检查结束日、公示截止日（检查结束后按计划规定的工作日数，默认 7 个）、剩余工作日和提醒级别；适合每天由 cron 运行。")(publish_due)
    command(app, "publish", "生成抽查结果公示并登记公示日期。", help="生成抽查结果公示（CSV、XLSX、HTML、Markdown）到 draws/<年度>/public/，并在账本中登记公示日期及是否按期。")(publish)
    command(app, "sheet", "生成可打印的摇号记录表。", help="生成可打印的摇号记录表（A4 HTML）：种子、备选池、抽中名单、执法人员、复核方法和签字栏。")(sheet)


# --------------------------------------------------------------------------- record


@guarded
def record(
    task: Optional[str] = typer.Option(None, "--task", help="任务代号，如 hazchem；用 --from 时可由文件的 task 列给出"),
    round_: Optional[int] = typer.Option(None, "--round", help="轮次；默认该任务最近一次有效摇号"),
    entity: Optional[str] = typer.Option(None, "--entity", help="被检查企业的统一社会信用代码"),
    date_: Optional[str] = typer.Option(None, "--date", help="检查日期 YYYY-MM-DD（不早于摇号日期，不晚于今天）"),
    result: Optional[str] = typer.Option(None, "--result", help="检查结果代码或中文：no_problem 未发现问题、rectify 发现问题，责令整改、penalty 立案查处、transfer 移交有权监管部门、judicial 移送司法机关、not_operating 未生产经营/无法检查"),
    measures: str = typer.Option("", "--measures", help="处理措施（公示用），如“责令限期整改，已复查”"),
    note: str = typer.Option("", "--note", help="备注（不公示）"),
    from_: Optional[Path] = typer.Option(None, "--from", help="批量登记：CSV 或 XLSX，每户一行，列为 entity/统一社会信用代码、date/检查日期、result/检查结果，可选 task、round、name、measures、note、department"),
    department: Optional[str] = typer.Option(None, "--department", help="部门联合抽查任务中登记结果的部门（代号或名称）；默认牵头部门；每个部门分别登记、分别更正"),
    year: Optional[int] = typer.Option(None, "--year", help=YEAR_FOR_TASK_HELP),
    today_: Optional[str] = typer.Option(None, "--today", help=TODAY_HELP),
    as_json: bool = typer.Option(False, "--json", help=JSON_HELP),
) -> None:
    from shuangsuiji.actions.progress import record_command
    from shuangsuiji.results.check import ResultRow

    single = None
    if from_ is not None:
        given = [name for name, value in (("--entity", entity), ("--date", date_), ("--result", result)) if value is not None]
        if given or measures or note:
            raise SsjError("--from 不能与 --entity、--date、--result、--measures、--note 同时使用", "批量登记时把这些内容写在文件的各列中；单户登记请去掉 --from")
    else:
        missing = [name for name, value in (("--task", task), ("--entity", entity), ("--date", date_), ("--result", result)) if not value]
        if missing:
            raise SsjError(f"缺少 {'、'.join(missing)}", "单户登记：ssj record --task T --entity 统一社会信用代码 --date YYYY-MM-DD --result 结果；批量登记：ssj record --from 文件")
        single = ResultRow(entity=entity or "", date=date_ or "", result=result or "", measures=measures, note=note)
    with busy("正在登记检查结果……", as_json or from_ is None):
        outcome = record_command(workspace(), from_, single, today(today_), year, task, round_, department)
    done = outcome.recorded
    if as_json:
        emit_json({
            "recorded": [dict(ev.data, seq=ev.seq) for ev in done.events],
            "unchanged": list(done.checked.unchanged),
            "warnings": list(outcome.warnings),
            "rounds": [p.to_json() for p in outcome.progress],
        })
        return
    if done.events:
        first, last = done.events[0].seq, done.events[-1].seq
        span = f"第 {first} 号事件" if first == last else f"第 {first}–{last} 号事件"
        typer.echo(f"已登记 {len(done.events)} 条检查结果（账本{span}）。")
    if done.checked.unchanged:
        typer.echo(f"{len(done.checked.unchanged)} 条与已登记的结果相同，未重复写入。")
    for w in outcome.warnings:
        typer.echo(f"注意：{w}")
    for p in outcome.progress:
        typer.echo(_progress_text(p))


def _progress_text(p) -> str:
    item = p.item
    text = f"{p.task} 第 {p.round} 轮：已登记 {p.done}/{p.picks} 户"
    if item.check_end:
        text += f"，检查结束日 {item.check_end}"
    return text + f"，公示截止 {item.due}{'（暂定）' if item.provisional else ''}，{item.state_text}"


# --------------------------------------------------------------------------- results


@guarded
def results(
    task: Optional[str] = typer.Option(None, "--task", help="只列该任务"),
    round_: Optional[int] = typer.Option(None, "--round", help="只列该轮（须同时给出 --task）"),
    year: Optional[int] = typer.Option(None, "--year", help="只列该年度；默认列出账本中的全部年度"),
    as_json: bool = typer.Option(False, "--json", help=JSON_HELP),
) -> None:
    from shuangsuiji.actions.listing import results_view

    chosen = results_view(workspace(), task, round_, year)
    if as_json:
        emit_json([row for view in chosen for row in view.rows])
        return
    if not chosen:
        typer.echo("没有符合条件的摇号。")
        return
    from rich.table import Table
    from rich.text import Text

    out = console()
    for view in chosen:
        r, mine = view.round, view.rows
        title = f"{r.year} 年 {r.task} 第 {r.number} 轮（摇号 {r.draw_date}）：已登记 {view.done}/{len(mine)} 户"
        if r.voided:
            title += f"；已于 {r.void.date} 作废"
        end = r.check_end()
        if end:
            title += f"；检查结束日 {end}"
        if r.publications:
            title += "；已公示 " + "、".join(p.date + ("（部分）" if p.partial else "") + ("" if p.on_time else "（逾期）") for p in r.publications)
        if r.departments:
            out.print(_joint_results_table(title, mine[:TABLE_ROWS]), soft_wrap=True)
            _print_corrections(out, mine)
            _print_rows_left_out(out, view)
            continue
        t = Table(title=title, title_justify="left")
        for col in ("序号", "企业名称", "统一社会信用代码", "检查日期", "检查结果", "处理措施", "备注"):
            t.add_column(col, overflow="fold", no_wrap=col in NO_WRAP)
        for n, row in enumerate(mine[:TABLE_ROWS], start=1):
            if not row["result"]:
                t.add_row(str(n), Text(row["name"]), row["entity"], "", Text("未登记", style="yellow"), "", "")
                continue
            mark = "（已更正）" if len(row["history"]) > 1 else ""
            t.add_row(str(n), Text(row["name"]), row["entity"], row["date"], Text(row["result_label"] + mark), Text(row["measures"]), Text(row["note"]))
        out.print(t)
        _print_corrections(out, mine)
        _print_rows_left_out(out, view)


def _print_rows_left_out(out, view) -> None:
    """Under a round of more picks than a terminal table shows: how many there are and where every row is."""
    r, rows = view.round, view.rows
    if len(rows) > TABLE_ROWS:
        out.print(f"共 {len(rows)} 户（已登记 {view.done} 户，未登记 {len(rows) - view.done} 户），上表只列出前 {TABLE_ROWS} 户；"
                  f"全部结果请用 ssj results --task {r.task} --round {r.number} --json 输出。", markup=False, highlight=False)


def _print_corrections(out, rows: list[dict]) -> None:
    """Each superseded result (per department in a joint round) and the event that corrected it."""
    for n, row in enumerate(rows, start=1):
        parts = [(f"（{d['name']}）", d["history"]) for d in row["departments"]] if "departments" in row else [("", row["history"])]
        for whose, history in parts:
            for old, new in zip(history, history[1:]):
                out.print(
                    f"  更正记录：第 {n} 户 {row['entity']}{whose or ' '}原登记 {old['date']} {old['result_label']}"
                    + (f"（{old['measures']}）" if old["measures"] else "")
                    + f"（第 {old['seq']} 号事件），已被第 {new['seq']} 号事件更正",
                    markup=False, highlight=False, soft_wrap=True,
                )


def _joint_results_table(title: str, rows: list[dict]):
    """A joint round's results, the departments side by side: one column per department."""
    from rich.table import Table
    from rich.text import Text

    t = Table(title=title, title_justify="left")
    for col in ("序号", "企业名称", "统一社会信用代码"):
        t.add_column(col, overflow="fold", no_wrap=col in NO_WRAP)
    for d in rows[0]["departments"] if rows else ():
        t.add_column(d["name"], overflow="fold")
    for n, row in enumerate(rows, start=1):
        cells = []
        for d in row["departments"]:
            if not d["result"]:
                cells.append(Text("未登记", style="yellow"))
                continue
            mark = "（已更正）" if len(d["history"]) > 1 else ""
            cells.append(Text(f"{d['date']} {d['result_label']}{mark}" + (f"；{d['measures']}" if d["measures"] else "")))
        t.add_row(str(n), Text(row["name"]), row["entity"], *cells)
    return t


# --------------------------------------------------------------------------- publish-due

_LEVEL_STYLE = {"overdue": "bold red", "near": "bold yellow", "normal": "green"}


@guarded
def publish_due(
    year: Optional[int] = typer.Option(None, "--year", help="只列该年度的摇号；默认列出账本中全部尚未公示的轮次（上一年度 12 月结束的任务次年 1 月才到期）"),
    today_: Optional[str] = typer.Option(None, "--today", help=TODAY_HELP),
    as_json: bool = typer.Option(False, "--json", help="输出 JSON：task、round、state、check_end、due、workdays_left、level、provisional"),
    quiet: bool = typer.Option(False, "--quiet", help="没有临近或逾期事项时什么也不输出（适合 cron 发邮件）"),
    fail_on_overdue: bool = typer.Option(False, "--fail-on-overdue", help="有逾期事项时退出码为 1"),
) -> None:
    from shuangsuiji.actions.publish_due import due_report

    ws = workspace()
    day = today(today_)
    report = due_report(ws, day, year)
    items = report.items
    urgent = [i for i in items if i.level != "normal"]
    overdue = any(i.level == "overdue" for i in items)
    if quiet and not urgent:
        raise typer.Exit(0)
    for w in report.warnings:
        typer.echo(f"注意：{w}", err=True)
    if as_json:
        emit_json([i.to_json() for i in items])
    elif not items:
        typer.echo(f"{day}：没有尚未公示的轮次。")
    else:
        _render_due(items, day, report.task_names)
    if report.cut_off:
        typer.echo(f"注意：{report.cut_off}", err=as_json)
    if fail_on_overdue and overdue:
        raise typer.Exit(EXIT_CHECK_FAILED)


def _render_due(items, day, names: dict[tuple[int, str], str]) -> None:
    from rich.table import Table
    from rich.text import Text

    from shuangsuiji.deadlines.due import check_end_text

    t = Table(title=f"尚未公示的抽查（{day}）", title_justify="left")
    for col in ("年度", "任务", "轮次", "状态", "已登记", "检查结束", "抽查期限", "公示截止", "剩余工作日", "提醒"):
        t.add_column(col, justify="right" if col in ("年度", "轮次", "剩余工作日") else "left", no_wrap=col != "任务", overflow="fold")
    for i in items:
        style = _LEVEL_STYLE[i.level]
        end = check_end_text(i.check_end, i.late_check)
        due = i.due.isoformat() + ("（暂定）" if i.provisional else "")
        t.add_row(
            str(i.year), f"{names.get((i.year, i.task), '')}（{i.task}）", str(i.round), Text(i.state_text, style=style), f"{i.picks - i.missing}/{i.picks}",
            end, i.period_end.isoformat(), due, str(i.workdays_left), Text(i.level_text, style=style),
        )
    out = console()
    out.print(t)
    n_over = sum(1 for i in items if i.level == "overdue")
    n_near = sum(1 for i in items if i.level == "near")
    out.print(f"共 {len(items)} 项：逾期 {n_over} 项，临近 {n_near} 项。", markup=False, highlight=False)
    out.print("剩余工作日数到公示截止日（今天不计，截止日计入）；检查中的轮次在抽查期限前 2 个工作日内提示“临近”。",
              markup=False, highlight=False, soft_wrap=True)


# --------------------------------------------------------------------------- publish


@guarded
def publish(
    task: str = typer.Option(..., "--task", help="任务代号"),
    round_: Optional[int] = typer.Option(None, "--round", help="轮次；默认该任务最近一次有效摇号"),
    date_: Optional[str] = typer.Option(None, "--date", help="公示日期 YYYY-MM-DD；默认今天（--today）"),
    formats: str = typer.Option("csv,xlsx,html,md", "--format", help="输出格式，逗号分隔：csv、xlsx、html、md"),
    partial: bool = typer.Option(False, "--partial", help="有企业尚未登记结果时，先公示已完成的部分"),
    year: Optional[int] = typer.Option(None, "--year", help=YEAR_FOR_TASK_HELP),
    today_: Optional[str] = typer.Option(None, "--today", help=TODAY_HELP),
    as_json: bool = typer.Option(False, "--json", help="输出账本中登记的公示事件（JSON）"),
) -> None:
    from shuangsuiji.actions.publish import publish_round
    from shuangsuiji.results.notice import FORMATS

    chosen = tuple(dict.fromkeys(f.strip().lower() for f in formats.split(",") if f.strip()))
    unknown = [f for f in chosen if f not in FORMATS]
    if unknown or not chosen:
        raise SsjError(f"未知的格式：{'、'.join(unknown) or '(空)'}", "--format 可写 csv、xlsx、html、md 中的一个或几个，用逗号分隔，如 --format csv,html")
    now = today(today_)
    day = parse_day(date_, "--date") or now
    done = publish_round(workspace(), task, round_, day, now, chosen, partial, year)
    ev = done.event
    if as_json:
        emit_json(dict(ev.data, seq=ev.seq))
        return
    dl = done.deadline
    timing = "按期" if ev["on_time"] else "逾期"
    due = f"{dl.due}{'（暂定）' if dl.provisional else ''}"
    typer.echo(f"已生成 {task} 第 {ev['round']} 轮抽查结果公示（{len(ev['entities'])} 户），公示日期 {ev['date']}，截止 {due}，{timing}（账本第 {ev.seq} 号事件）。")
    for f in done.files:
        typer.echo(f"  {f}")
    if done.missing:
        typer.echo(f"注意：这是部分公示，尚有 {len(done.missing)} 户未登记结果；全部登记后请再次运行 ssj publish --task {task} --round {ev['round']}。")
    if done.earlier:
        typer.echo(f"注意：该轮此前已于 {'、'.join(done.earlier)} 公示过；本次为新的公示，原文件保留不动。")
    if not ev["on_time"]:
        typer.echo(f"注意：公示日期晚于截止日 {dl.due}，已在账本中记为逾期公示。")
    for w in done.warnings:
        typer.echo(f"注意：{w}")


# --------------------------------------------------------------------------- sheet


@guarded
def sheet(
    task: str = typer.Option(..., "--task", help="任务代号"),
    round_: Optional[int] = typer.Option(None, "--round", help="轮次；默认该任务最近一次有效摇号"),
    out: Optional[Path] = typer.Option(None, "--out", help="输出文件；默认 draws/<年度>/<任务>-r<轮次>-sheet.html。不能写进 plans/、data/、calendar/、draws/ 的其他位置"),
    year: Optional[int] = typer.Option(None, "--year", help=YEAR_FOR_TASK_HELP),
    force: bool = typer.Option(False, "--force", help="--out 的文件已存在时覆盖它（账本、摇号记录和公示文件任何时候都不会被覆盖）"),
    commit: bool = typer.Option(False, "--commit", help="打印两步摇号的摇号承诺书（默认该任务最近一次承诺）；默认文件 draws/<年度>/<任务>-r<轮次>-commit-<n>-sheet.html；--out 以 .txt 结尾时写出承诺文本本身（供网上公布，sha256sum 即承诺 SHA-256）"),
) -> None:
    from shuangsuiji.actions.sheet import write_commit_sheet, write_sheet

    ws = workspace()
    if commit:
        done = write_commit_sheet(ws, task, round_, out, year, force)
        shown = ws.show(done.path)
        when = f"{done.closed}，此文件仅供存档" if done.closed else "请在来源日期之前公布"
        if done.path.suffix.lower() == ".txt":
            typer.echo(f"已写出摇号承诺文本：{shown}（UTF-8；其 SHA-256 即承诺文本的 SHA-256，可用 sha256sum 或 Windows 的 "
                       f"certutil -hashfile {shown} SHA256 核对；{when}）。")
        else:
            typer.echo(f"已生成摇号承诺书：{shown}（用浏览器打开后打印，A4 纵向；{when}）。")
        return
    path = write_sheet(ws, task, round_, out, year, force)
    typer.echo(f"已生成摇号记录表：{ws.show(path)}（用浏览器打开后打印，A4 纵向）。")
