"""Commands about the draw (摇号): draw, void, replace, draws, verify."""

from __future__ import annotations

from typing import TYPE_CHECKING, List, Optional

import typer

from shuangsuiji.cli.busy import busy
from shuangsuiji.cli.common import (
    JSON_HELP,
    NO_WRAP,
    TABLE_ROWS,
    TODAY_HELP,
    YEAR_HELP,
    command,
    console,
    emit_json,
    emit_json_bytes,
    guarded,
    today,
    workspace,
)
from shuangsuiji.codes import DRAW_ROW_STATES, REPLACE_REASONS, SEED_ORIGINS
from shuangsuiji.errors import EXIT_CHECK_FAILED

if TYPE_CHECKING:  # the record module (and its JSON encoder) loads only when a command needs it
    from shuangsuiji.draw.record import DrawRecord


def register(app: typer.Typer) -> None:
    command(app, "draw", "为任务摇号，写入摇号记录和账本。", help="为任务摇号：按比例随机抽取检查对象，并为每户随机分派执法人员；写入摇号记录和账本。")(draw)
    command(app, "void", "作废某一轮摇号。", help="作废某一轮摇号（只追加作废事件，不删除记录）；下次摇号为新的一轮。")(void)
    command(app, "replace", "递补：按同一排序名单替换抽中企业或执法人员。", help=(
        "递补：抽中的企业无法检查（停产、注销、迁出、无法联系），或分派的执法人员不能前往（回避等）时，"
        "按本轮同一排序名单取下一家企业（或同一顺序中的下一名执法人员）替换，不重新摇号；只追加递补事件。"
        "只能在该户检查结果登记之前。"))(replace)
    command(app, "draws", "列出已有的摇号和待揭晓的摇号承诺。", help=(
        "列出已有的摇号：任务、轮次、日期、种子、抽取家数、是否作废；"
        "以及尚未揭晓、也未作废的摇号承诺（两步摇号）：来源、开奖日期和下一步怎么做。"))(draws)
    command(app, "verify", "复核账本和全部摇号。", help="逐条复核账本和摇号记录：哈希链、记录文件、按种子重新摇号。全部无误退出码 0，否则 1。")(verify)


@guarded
def draw(
    task: str = typer.Option(..., "--task", help="任务代号，如 hazchem（见 ssj plan）"),
    year: Optional[int] = typer.Option(None, "--year", help=YEAR_HELP),
    seed: Optional[str] = typer.Option(None, "--seed", help="种子：见证人掷骰结果、公开开奖号码等；不写则由系统生成 128 位随机种子"),
    seed_kind: Optional[str] = typer.Option(None, "--seed-kind", help="与 --seed 同用：种子是怎样得出的，dice（见证人当场掷骰）或 hand（手工录入，默认）；写入记录和记录表"),
    source: Optional[List[str]] = typer.Option(None, "--source", help="RFC 3797 公开随机数来源，一组整数，如 \"2 5 12 8 10\"；可重复"),
    algorithm: Optional[str] = typer.Option(None, "--algorithm", help="sha256-rank（默认）或 rfc3797"),
    round_: Optional[int] = typer.Option(None, "--round", help="预期的轮次；与账本中的下一轮不符时拒绝"),
    dry_run: bool = typer.Option(False, "--dry-run", help="只显示将抽中的结果，不写任何文件"),
    today_: Optional[str] = typer.Option(None, "--today", help=TODAY_HELP),
    as_json: bool = typer.Option(False, "--json", help="输出摇号记录（JSON）"),
    commit: bool = typer.Option(False, "--commit", help="两步摇号第一步：固定备选池和将来的公开随机数来源，公布承诺，不抽取"),
    source_plan: Optional[List[str]] = typer.Option(None, "--source-plan", help="与 --commit 同用：将采用的公开随机数，如 \"中国福利彩票 3D 第 2022089 期开奖号码\"；有几组号码就按顺序写几个"),
    source_numbers: Optional[List[str]] = typer.Option(None, "--source-numbers", help="与 --commit 同用：对应的 --source-plan 这组开奖号码有几个数（3D 为 3）；揭晓时必须给出同样个数"),
    source_date: Optional[str] = typer.Option(None, "--source-date", help="与 --commit 同用：该来源的开奖日期，须晚于今天"),
    reveal: bool = typer.Option(False, "--reveal", help="两步摇号第二步：来源公布后，用 --source 给出的号码从承诺的备选池抽取"),
) -> None:
    from shuangsuiji.actions.draw import draw_task, record_json_chunks, record_path
    from shuangsuiji.draw.prepare import DrawRequest

    ws = workspace()
    day = today(today_)
    _check_phase_options(commit, reveal, seed, source, source_plan or source_numbers, source_date, dry_run, round_, seed_kind)
    if commit:
        _commit(ws, task, year, day, tuple(source_plan or ()), tuple(source_numbers or ()), source_date or "", algorithm, round_, as_json)
        return
    with busy("正在摇号……", as_json):
        if reveal:
            from shuangsuiji.actions.commit import RevealRequest, reveal_task

            record, event, inputs = reveal_task(ws, year, RevealRequest(task, day, tuple(source or ())), dry_run)
        else:
            req = DrawRequest(task=task, day=day, seed=seed, sources=tuple(source or ()), algorithm=algorithm, round=round_,
                              seed_kind=seed_kind)
            record, event, inputs = draw_task(ws, year, req, dry_run)
    path = record_path(ws, record.year, record.task, record.round)
    if as_json:
        # The record file holds exactly the JSON to print: print its bytes (a dry run encodes them once).
        emit_json_bytes(record_json_chunks(ws, record, written=event is not None), record.to_json)
        return
    _render_draw(record, ws.show(path), event, dry_run, inputs.plan.categories)


def _check_phase_options(commit: bool, reveal: bool, seed, source, source_plan, source_date, dry_run: bool, round_, seed_kind=None) -> None:
    from shuangsuiji.errors import BadOptions

    if commit and reveal:
        raise BadOptions("--commit 与 --reveal 不能同时使用", "先用 --commit 公布承诺，来源公布后再用 --reveal 揭晓")
    if commit:
        if seed is not None or source:
            raise BadOptions("--commit 不能与 --seed、--source 同用：承诺时随机数还不存在", "请用 --source-plan 写明将采用的公开随机数，--source-date 写它的开奖日期")
        if dry_run:
            raise BadOptions("--commit 不能与 --dry-run 同用", "承诺本身不抽取任何企业；去掉 --dry-run 即可")
        if not source_plan or not source_date:
            raise BadOptions("--commit 需要 --source-plan、--source-numbers 和 --source-date",
                             "如 --source-plan \"中国福利彩票 3D 第 2022089 期开奖号码\" --source-numbers 3 --source-date 2022-04-08")
    elif source_plan or source_date is not None:
        raise BadOptions("--source-plan、--source-numbers、--source-date 只能与 --commit 同用",
                         "两步摇号第一步：ssj draw --task ... --commit --source-plan ... --source-numbers ... --source-date ...")
    if seed_kind is not None and (commit or reveal):
        raise BadOptions("--seed-kind 只能与 --seed 同用", "两步摇号的种子来自承诺的公开来源，无需 --seed-kind")
    if reveal and (seed is not None or round_ is not None):
        raise BadOptions("--reveal 不能与 --seed、--round 同用：揭晓的轮次和种子都由承诺决定", "请只用 --source 按顺序给出开奖号码")


def _commit(ws, task: str, year, day, source_plans: tuple[str, ...], source_numbers: tuple[str, ...], source_date: str, algorithm, round_,
            as_json: bool) -> None:
    from shuangsuiji.actions.commit import CommitRequest, commit_task
    from shuangsuiji.cli.common import parse_day

    from shuangsuiji.errors import BadOptions

    when = parse_day(source_date, "--source-date")
    if when is None:
        raise BadOptions("--commit 需要 --source-date", "请写公开随机数的开奖日期，如 --source-date 2022-04-08")
    done = commit_task(ws, year, CommitRequest(task, day, source_plans, source_numbers, when, algorithm, round_))
    if as_json:
        emit_json_bytes(done.path.read_bytes(), done.commitment.to_json)
        return
    c = done.commitment
    typer.echo(c.text, nl=False)
    typer.echo("")
    typer.echo(f"承诺文本 SHA-256：{c.text_sha256}")
    typer.echo(f"承诺文件：{ws.show(done.path)}；账本第 {done.event.seq} 号事件（SHA-256 {done.event.digest}）。")
    typer.echo(f"请在 {c.source_date} 开奖之前公布上面的承诺文本及其 SHA-256（ssj sheet --task {c.task} --commit 生成可打印的承诺书，"
               f"加 --out 承诺.txt 写出承诺文本本身）；"
               f"开奖后运行 ssj draw --task {c.task} --reveal --source ... 揭晓。")


def _render_draw(record: DrawRecord, shown: str, event, dry_run: bool, labels: dict[str, str]) -> None:
    from rich.table import Table

    from shuangsuiji.draw.joint import team_label

    out = console()
    head = "试摇（未写入）" if dry_run else "摇号结果"
    t = Table(title=f"{record.task_name} 第 {record.round} 轮{head}（{record.date}）", show_lines=False)
    for col in ("序号", "企业名称", "统一社会信用代码", "类别", "乡镇", "执法人员"):
        t.add_column(col, overflow="fold", no_wrap=col in NO_WRAP)
    picks = record.picks
    for n, p in enumerate(picks[:TABLE_ROWS], start=1):
        t.add_row(str(n), p.name, p.entity, labels.get(p.category, p.category), p.town, team_label(record, p))
    out.print(t)
    if len(picks) > TABLE_ROWS:
        where = f"见摇号记录 {shown}" if not dry_run else "可用 --json 输出"
        out.print(f"共抽中 {len(picks)} 家，上表只列出前 {TABLE_ROWS} 家；完整名单{where}。")
    origin = SEED_ORIGINS.get(record.seed_origin, record.seed_origin)
    out.print(f"种子：{record.seed}；来源：{origin}", markup=False, highlight=False)
    out.print(
        f"算法：{record.algorithm}；范围 {len(record.scope)} 家，"
        + (f"已达本年度检查次数上限 {len(record.capped)} 家（不参加抽取），" if record.capped else "")
        + f"排除此前已抽 {len(record.excluded)} 家，"
        f"备选池 {len(record.pool)} 家，抽取 {record.k} 家" + ("；备选池不足，开始新一轮循环" if record.new_cycle else ""),
        markup=False, highlight=False,
    )
    if record.strata:
        from shuangsuiji.draw.strata import strata_summary

        out.print(f"按风险等级分级抽取（ceil(各等级家数 × 比例)）：{strata_summary(record.strata)}", markup=False, highlight=False)
    if record.targeted:
        out.print(f"黑名单企业定向检查 {len(record.targeted)} 家（第 {record.k + 1} 行起，不经摇号，always_include_blacklisted）", markup=False, highlight=False)
    if record.over_cap:
        over = "、".join(f"{c.id}（已检查 {c.checks} 次，上限 {c.cap} 次）" for c in record.over_cap)
        out.print(f"超过本年度检查次数上限仍检查（100% 抽取或定向检查）：{over}", markup=False, highlight=False)
    if event is not None:
        out.print(f"摇号记录：{shown}；账本第 {event.seq} 号事件。", markup=False, highlight=False)
    else:
        out.print("试摇不写入任何文件；正式摇号请去掉 --dry-run。")


@guarded
def void(
    task: str = typer.Option(..., "--task", help="任务代号"),
    round_: int = typer.Option(..., "--round", help="要作废的轮次"),
    reason: str = typer.Option(..., "--reason", help="作废原因（写入账本）"),
    year: Optional[int] = typer.Option(None, "--year", help=YEAR_HELP),
    today_: Optional[str] = typer.Option(None, "--today", help=TODAY_HELP),
) -> None:
    from shuangsuiji.actions.draw import void_round

    ws = workspace()
    y = ws.resolve_year(year)
    done = void_round(ws, y, task, round_, reason, today(today_))
    if done.commitment:
        typer.echo(f"已作废 {task} 第 {round_} 轮的摇号承诺（账本第 {done.event.seq} 号事件）。该承诺不能再揭晓；"
                   f"如需摇号，可重新承诺这一轮（ssj draw --task {task} --commit ...）。")
        return
    typer.echo(f"已作废 {task} 第 {round_} 轮（账本第 {done.event.seq} 号事件）。该轮抽中的企业回到备选池，下次摇号为新的一轮。")


@guarded
def replace(
    task: str = typer.Option(..., "--task", help="任务代号"),
    round_: int = typer.Option(..., "--round", help="轮次"),
    entity: str = typer.Option(..., "--entity", help="要替换的抽中企业的统一社会信用代码；替换执法人员时为其检查的企业"),
    inspector: Optional[str] = typer.Option(None, "--inspector", help="要替换的执法人员的执法证号；不写则替换企业"),
    reason: str = typer.Option(..., "--reason", help="递补原因：" + "、".join(REPLACE_REASONS.values())),
    note: str = typer.Option("", "--note", help="说明（原因为“其他”时必填）"),
    year: Optional[int] = typer.Option(None, "--year", help=YEAR_HELP),
    today_: Optional[str] = typer.Option(None, "--today", help=TODAY_HELP),
    as_json: bool = typer.Option(False, "--json", help="输出追加的递补事件（JSON）"),
) -> None:
    from shuangsuiji.actions.replace import ReplaceRequest, replace_pick
    from shuangsuiji.inputs.uscc import entity_key

    ws = workspace()
    req = ReplaceRequest(task, round_, entity_key(entity), reason, note, inspector.strip() if inspector else None, today(today_))
    done = replace_pick(ws, ws.resolve_year(year), req)
    if as_json:
        emit_json({"seq": done.event.seq, "type": done.event.type, "at": done.event.at, **done.event.data})
        return
    ev = done.event.data
    for s in done.skipped:
        typer.echo(f"跳过 {s.id}：{s.text}")
    why = REPLACE_REASONS.get(ev["reason"], ev["reason"]) + (f"（{ev['note']}）" if ev["note"] else "")
    p = done.pick
    if req.inspector is None:
        typer.echo(f"已递补：{task} 第 {round_} 轮的 {done.out_name}（{req.entity}）因{why}由{done.ranked_list}第 {ev['position']} 位的 "
                   f"{p.name}（{p.entity}）替换；执法人员：{'、'.join(p.inspector_names)}（账本第 {done.event.seq} 号事件）。")
    else:
        typer.echo(f"已递补：{p.name}（{p.entity}）的执法人员 {done.out_name}（{req.inspector}）因{why}由 "
                   f"{done.in_name}（{ev['replacement']}）替换；检查组：{'、'.join(p.inspector_names)}（账本第 {done.event.seq} 号事件）。")


@guarded
def draws(
    year: Optional[int] = typer.Option(None, "--year", help="只列出该年度；默认列出全部"),
    as_json: bool = typer.Option(False, "--json", help=JSON_HELP),
) -> None:
    from shuangsuiji.actions.listing import draw_rows

    ws = workspace()
    rows = draw_rows(ws, year)
    if as_json:
        emit_json(rows)
        return
    if not rows:
        typer.echo("还没有摇号记录。")
        return
    drawn = [r for r in rows if r["state"] != "committed"]
    if drawn:
        _render_rounds(drawn)
    pending = [r for r in rows if r["state"] == "committed"]
    if pending:
        _render_commitments(pending, ws.plan_years())


def _render_rounds(rows: list[dict]) -> None:
    from rich.table import Table

    t = Table(title="摇号记录")
    for col in ("年度", "任务", "轮次", "日期", "种子", "抽取家数", "状态", "记录文件"):
        t.add_column(col, overflow="fold", no_wrap=col in NO_WRAP)
    for r in rows:
        state = f"{DRAW_ROW_STATES['voided']}：{r['void_reason']}" if r["voided"] else DRAW_ROW_STATES["drawn"]
        t.add_row(str(r["year"]), r["task"], str(r["round"]), r["date"], r["seed"], str(r["k"]), state, r["record"])
    console().print(t)


def _render_commitments(rows: list[dict], plan_years: list[int]) -> None:
    """Open commitments as a table, then for each how to reveal or drop it (``--year`` when it is not the newest plan's)."""
    from rich.table import Table

    t = Table(title="待揭晓的摇号承诺")
    for col in ("年度", "任务", "轮次", "公开随机数来源", "开奖日期", "抽取家数", "承诺文件"):  # the commit day: in --json
        t.add_column(col, overflow="fold", no_wrap=col in NO_WRAP or col in ("开奖日期", "承诺文件"))
    for r in rows:
        t.add_row(str(r["year"]), r["task"], str(r["round"]), r["source_plan"], r["source_date"], str(r["k"]), r["record"])
    console().print(t)
    for r in rows:
        which = f"--task {r['task']}" + ("" if plan_years[-1:] == [r["year"]] else f" --year {r['year']}")
        typer.echo(f"{r['task']} 第 {r['round']} 轮{DRAW_ROW_STATES['committed']}：{r['source_date']} 开奖后请用 "
                   f"ssj draw {which} --reveal --source ... 揭晓；确需放弃请用 ssj void {which} --round {r['round']} --reason ...")


@guarded
def verify(
    expect: Optional[List[str]] = typer.Option(None, "--expect", help="账本某一行的 SHA-256（如摇号记录表上印的），该行必须仍在账本中；可重复"),
    as_json: bool = typer.Option(False, "--json", help=JSON_HELP),
) -> None:
    from shuangsuiji.actions.verify import verify_workspace

    ws = workspace()
    with busy("正在复核账本和摇号记录……", as_json):
        res = verify_workspace(ws, tuple(expect or ()))
    if as_json:
        emit_json(res.to_json())
    else:
        for f in res.failures:
            typer.echo(f.render(), err=True)
        for n in res.notes:
            typer.echo(f"注意：{n}")
        if res.ok:
            typer.echo(f"复核通过：账本 {res.events} 条事件，{res.draws} 次摇号均可按记录重现，哈希链完整。")
        else:
            typer.echo(f"复核未通过：发现 {len(res.failures)} 处问题。", err=True)
    if not res.ok:
        raise typer.Exit(EXIT_CHECK_FAILED)
