"""Commands about the inputs of 一单两库: check, plan, init, import."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from shuangsuiji.cli.common import (
    JSON_HELP,
    YEAR_HELP,
    command,
    console,
    emit_json,
    guarded,
    stdin_is_tty,
    today,
    workspace,
)
from shuangsuiji.codes import NOT_DRAWN_STATUS
from shuangsuiji.errors import EXIT_OK, SsjError


def register(app: typer.Typer) -> None:
    command(app, "check", "检查计划、两个名录库和账本。", help="检查计划、两个名录库和账本，显示汇总。有错误时退出码为 2。")(check)
    command(app, "plan", "按计划表格式显示年度抽查计划。", help="按计划表格式显示年度抽查计划。")(plan)
    command(app, "init", "新建工作区。", help="新建工作区：带注释的计划模板、只有表头的两个名录库和节假日安排模板 calendar/<年度>.yaml.example。")(init)
    command(app, "export", "把名录库导出为 Excel。", help="把名录库导出为 Excel（.xlsx，单元格均为文本格式），在 Excel/WPS 中编辑后用 ssj import 导回。")(export_registry)
    command(app, "import", "从 Excel 或 CSV 导入名录库。", help="从 Excel（.xlsx）或 CSV 导入名录库：entities（检查对象）或 inspectors（执法人员）。")(import_registry)


@guarded
def check(
    year: Optional[int] = typer.Option(None, "--year", help=YEAR_HELP),
    as_json: bool = typer.Option(False, "--json", help=JSON_HELP),
    today_: Optional[str] = typer.Option(None, "--today", help="按截至此日期的账本统计各企业本年度的检查次数（YYYY-MM-DD），默认北京时间今天"),
) -> None:
    from shuangsuiji.actions.check import check_workspace

    ws = workspace()
    result = check_workspace(ws, year, today(today_))
    if as_json:
        emit_json(result.to_json())
    else:
        _render_check(result)
    raise typer.Exit(result.exit_code)


def _render_check(result) -> None:
    from rich.table import Table

    out = console()
    if result.errors:
        from shuangsuiji.errors import render_errors

        typer.echo(render_errors(result.errors), err=True)
        typer.echo(f"共 {len(result.errors)} 处错误，请逐条修改后重新运行 ssj check。", err=True)
    if result.warnings:
        from shuangsuiji.errors import render_errors

        typer.echo(render_errors(result.warnings), err=True)
        typer.echo(f"共 {len(result.warnings)} 条警告（不影响检查结果，但请尽快处理）。", err=True)
    s = result.summary
    if s is None:
        return
    labels = result.labels
    t = Table(title=f"检查对象名录库（共 {s['entities']['total']} 家，在营 {s['entities']['active']} 家）")
    t.add_column("类别")
    t.add_column("家数", justify="right")
    for code, n in s["entities"]["by_category"].items():
        t.add_row(f"{labels.get(code, code)}（{code}）", str(n))
    out.print(t)
    t = Table(title=f"执法检查人员名录库（共 {s['inspectors']['total']} 人，在岗 {s['inspectors']['on_duty']} 人）")
    t.add_column("股室")
    t.add_column("状态")
    for unit, statuses in s["inspectors"]["by_unit"].items():
        t.add_row(unit, "，".join(f"{k} {v} 人" for k, v in statuses.items()))
    out.print(t)
    if s["inspectors"].get("by_department"):
        out.print(_by_department(s["inspectors"]["by_department"]))
    out.print(_who_may_inspect(s["inspectors"]["who_may_inspect"], labels))
    t = Table(title=f"{s['year']} 年抽查任务")
    for col in ("任务", "名称", "范围内在营家数", "比例", "每轮抽取家数"):
        t.add_column(col, justify="right" if col in ("范围内在营家数", "每轮抽取家数") else "left")
    for task in s["tasks"]:
        t.add_row(task["id"], task["name"], str(task["scope"]), task["ratio_text"], str(task["draw_count"]))
    out.print(t)
    stratified = [task for task in s["tasks"] if "strata" in task]
    if stratified:
        from decimal import Decimal

        from shuangsuiji.records import grade_label, percent_text

        t = Table(title="按风险等级分级抽取（每个等级 ceil(家数 × 比例)）")
        for col in ("任务", "风险等级", "范围内在营家数", "比例", "每轮抽取家数"):
            t.add_column(col, justify="right" if col in ("范围内在营家数", "每轮抽取家数") else "left")
        for task in stratified:
            for x in task["strata"]:
                ratio = "无（须在计划中填写 ratio）" if x["ratio"] is None else percent_text(Decimal(x["ratio"]))
                t.add_row(task["id"], grade_label(x["grade"]), str(x["scope"]), ratio, str(x["draw_count"]))
        out.print(t)
    if result.caps is not None:
        out.print(_caps_table(result.caps, labels))
    if result.ledger_events is not None:
        out.print(f"账本：{result.ledger_events} 条事件，哈希链完整。" if not result.errors else f"账本：{result.ledger_events} 条事件。")
    if not result.errors:
        out.print(f"检查通过，没有发现错误；另有 {len(result.warnings)} 条警告，见上。" if result.warnings else "检查通过，没有发现错误。")


def _caps_table(caps: dict, labels: dict[str, str]):
    """Who is at the yearly cap (leaves further draws) or one check short of it (max_checks_per_year)."""
    from rich.table import Table

    from shuangsuiji.records import grade_label

    rows = caps["entities"]
    head = f"每户每年检查次数上限（max_checks_per_year，截至 {caps['as_of']}）：{caps['rule']}"
    if not rows:
        return f"{head}；没有企业达到或接近上限。"
    t = Table(title=head, caption="已达上限的企业不再参加本年度的随机抽取（100% 任务和定向检查照常检查，并记为超过上限）；接近 = 只剩 1 次")
    for col in ("统一社会信用代码", "名称", "类别", "风险等级", "已检查", "上限", "状态"):
        t.add_column(col, justify="right" if col in ("已检查", "上限") else "left")
    for r in rows:
        state = "已达上限" if r["left"] == 0 else "还剩 1 次"
        t.add_row(r["id"], r["name"], labels.get(r["category"], r["category"]), grade_label(r["risk"]), str(r["checks"]), str(r["cap"]), state)
    return t


def _by_department(rows: list[dict]):
    """The inspectors of each department (计划 departments) and unit, with their statuses."""
    from rich.table import Table

    t = Table(title="各部门执法检查人员（所属部门为空的人员属于计划的发起部门）")
    for col in ("部门", "股室", "人数", "状态"):
        t.add_column(col, justify="right" if col == "人数" else "left")
    for d in rows:
        if not d["units"]:
            t.add_row(f"{d['name']}（{d['code']}）", "（无）", "0", "该部门名录库中没有人员，不能参加联合抽查")
        for unit, statuses in d["units"].items():
            t.add_row(f"{d['name']}（{d['code']}）", unit, str(sum(statuses.values())), "，".join(f"{k} {v} 人" for k, v in statuses.items()))
    return t


def _who_may_inspect(rows: list[dict], labels: dict[str, str]):
    """The table of who may be drawn for which category (可检查类别为空 = 全部类别)."""
    from rich.table import Table

    t = Table(title="执法人员可派类别（可检查类别为空的人员可派往全部类别）")
    with_department = any("department" in r for r in rows)
    for col in ("执法证号", "姓名", *(("所属部门",) if with_department else ()), "股室", "状态", "可派类别"):
        t.add_column(col)
    for r in rows:
        if not r["categories"]:
            what = NOT_DRAWN_STATUS if r["status"] == NOT_DRAWN_STATUS else f"不派（{r['status']}）"
        elif r["all_categories"]:
            what = "全部类别（可检查类别未填写）"
        else:
            what = "、".join(labels.get(c, c) for c in r["categories"])
        t.add_row(r["id"], r["name"], *((r.get("department", ""),) if with_department else ()), r["unit"], r["status"], what)
    return t


@guarded
def plan(
    year: Optional[int] = typer.Option(None, "--year", help=YEAR_HELP),
    as_json: bool = typer.Option(False, "--json", help=JSON_HELP),
) -> None:
    from shuangsuiji.actions.listing import plan_view

    p, rows = plan_view(workspace(), year)
    if as_json:
        caps = {"max_checks_per_year": p.max_checks.text()} if p.max_checks is not None else {}
        emit_json({"year": p.year, "document": p.document, "title": p.title, "issued": p.issued.isoformat(), **caps, "tasks": rows})
        return
    from rich.table import Table

    t = Table(title=f"{p.title}\n{p.document}（{p.issued.isoformat()} 印发）", show_lines=True)
    for head in ("序号", "抽查任务名称", "抽查类型", "抽查事项", "抽查对象范围", "抽查比例", "抽查时间", "抽查发起部门"):
        t.add_column(head, overflow="fold")
    for r in rows:
        matter, department = _joint_text(r)
        ratio = r["ratio"] + ("；另：范围内黑名单企业每轮都检查" if r.get("always_include_blacklisted") else "")
        t.add_row(str(r["index"]), r["name"], r["type"], matter, r["scope_label"], ratio, r["period"], department)
    console().print(t)
    if p.max_checks is not None:
        console().print(f"每户每年检查次数上限（max_checks_per_year，跨全部任务）：{p.max_checks.text()}", markup=False, highlight=False)


@guarded
def init(
    folder: Path = typer.Argument(..., help="新工作区的文件夹（可以不存在）"),
    year: int = typer.Option(..., "--year", help="计划年度，如 2023"),
) -> None:
    from shuangsuiji.actions.init import init_workspace
    from shuangsuiji.cli.crash import watch

    watch(folder)
    written = init_workspace(folder, year)
    for path in written:
        typer.echo(f"已创建 {path.as_posix()}")
    typer.echo(f"下一步：编辑 {written[0].as_posix()}，用 ssj import 导入两个名录库，再运行 ssj check。")
    raise typer.Exit(EXIT_OK)


@guarded
def import_registry(
    kind: str = typer.Argument(..., help="entities（检查对象名录库）或 inspectors（执法检查人员名录库）"),
    file: Path = typer.Argument(..., help="要导入的 .xlsx 或 .csv 文件"),
    year: Optional[int] = typer.Option(None, "--year", help=YEAR_HELP),
    yes: bool = typer.Option(False, "--yes", help="导入会删除名录库中的行时不再询问，直接导入"),
) -> None:
    from shuangsuiji.actions.registries import apply_import, plan_import
    from shuangsuiji.ledger.chain import now_china

    _check_kind(kind)
    ws = workspace()
    change = plan_import(ws, kind, file, year)
    diff = change.diff
    if diff.removed and not yes:
        question = f"导入后 {diff.target} 将删除 {diff.removed} 行（新增 {diff.added}，修改 {diff.changed}）。确定导入吗？"
        if not (stdin_is_tty() and typer.confirm(question, default=False)):
            raise SsjError(f"未导入：导入会从 {diff.target} 删除 {diff.removed} 行",
                           "请核对导入文件是否完整；确认要删除这些行，请加 --yes 重新运行")
    backup = apply_import(change, now_china())
    sheet = f"（读取的是 {diff.source}）" if diff.source != file.as_posix() else ""
    typer.echo(f"已导入 {diff.total} 行到 {diff.target}{sheet}：新增 {diff.added}，删除 {diff.removed}，修改 {diff.changed}，未变 {diff.unchanged}。")
    if backup is not None:
        typer.echo(f"原文件已备份为 {ws.show(backup)}。")


@guarded
def export_registry(
    kind: str = typer.Argument(..., help="entities（检查对象名录库）或 inspectors（执法检查人员名录库）"),
    file: Path = typer.Argument(..., help="要写出的 .xlsx 文件；不能写进 plans/、data/、calendar/、draws/"),
    year: Optional[int] = typer.Option(None, "--year", help=YEAR_HELP),
    force: bool = typer.Option(False, "--force", help="文件已存在时覆盖它"),
) -> None:
    from shuangsuiji.actions.registries import export_registry as run_export

    _check_kind(kind)
    if file.suffix.lower() != ".xlsx":
        raise SsjError(f"导出文件应以 .xlsx 结尾：{file.as_posix()}", "例如 ssj export entities 名录库.xlsx")
    n = run_export(workspace(), kind, file, year, force)
    typer.echo(f"已导出 {n} 行到 {file.as_posix()}。编辑后用 ssj import {kind} {file.as_posix()} 导回。")


def _check_kind(kind: str) -> None:
    if kind not in ("entities", "inspectors"):
        raise SsjError(f"未知的名录库 {kind}", "请写 entities（检查对象）或 inspectors（执法人员）")


def _joint_text(row: dict) -> tuple[str, str]:
    """(抽查事项, 抽查发起部门) of a plan row as the annex prints them: a joint task lists each department's."""
    if "joint" not in row:
        return row["matter"], row["department"]
    depts = row["joint"]
    matters = "；".join(f"{d['name']}：{d['matter']}" for d in depts)
    return matters, f"{depts[0]['name']}（牵头），会同" + "、".join(d["name"] for d in depts[1:]) + "联合抽查"
