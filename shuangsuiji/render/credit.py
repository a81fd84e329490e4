"""The credit archive (``ssj credit``) for people: an entity's archive as lines and tables, the list of findings
as a table, CSV (``files.tables.csv_bytes``: every cell inert) or an XLSX workbook (``render.report_xlsx``'s
sheet: string cells, never formulas)."""

from __future__ import annotations

import io
from types import SimpleNamespace
from typing import Any

from shuangsuiji.codes import FOUND_PROBLEM, RESULT_CODES
from shuangsuiji.files.tables import csv_bytes
from shuangsuiji.records import grade_text
from shuangsuiji.render.layout import Section, Table, short_name
from shuangsuiji.results.check import measures_text
from shuangsuiji.results.credit import Archive, Check, FindingRow, YearCap

HOW = {"drawn": "随机抽中", "replaced_in": "递补"}
SHORT = {"rectify": "责令整改", "penalty": "立案查处", "transfer": "移交", "judicial": "移送司法机关"}  # narrow columns


def later_text(left_out: int, today: str) -> str:
    return f"账本中有 {left_out} 条事件日期晚于 {today}，按截至 {today} 的账本计算，未计入" if left_out else ""


def archive_title(a: Archive) -> str:
    return f"诚信档案：{a.name or a.entity}（{a.entity}），截至 {a.today}"


def archive_lines(a: Archive) -> list[str]:
    """The archive's head: who the entity is, its grade, its blacklist state and what its checks add up to."""
    e = a.registered
    if e is not None:
        who = f"类别：{a.category}；乡镇：{e.town}；状态：{e.status}；信用风险等级：{grade_text(e.risk)}"
    else:
        who = "已不在检查对象名录库中（名称取自账本和摇号记录）；信用风险等级：—"
    lines = [who, _blacklist_line(a)]
    t = a.tally
    found = "，".join(f"{SHORT[c]} {t.results[c]}" for c in FOUND_PROBLEM if t.results[c])
    summary = f"被抽查 {t.drawn} 户次（不含已作废和被递补替换的），已登记检查结果 {t.inspected} 户次，发现问题 {t.found} 户次"
    summary += f"（{found}），最近一次发现问题的检查日期 {t.last_finding}" if t.found else ""
    voided = sum(1 for c in a.checks if c.voided)
    out = sum(1 for c in a.checks if c.replaced_out is not None)
    if voided or out:
        summary += "；另有" + "、".join(x for x in (f"已作废的 {voided} 轮" if voided else "", f"被递补替换的 {out} 轮" if out else "") if x)
    lines.append(summary + "。")
    lines.extend(_cap_line(c) for c in a.caps)
    note = later_text(a.left_out, a.today)
    if note:
        lines.append(f"注意：{note}")
    return lines


def _cap_line(c: YearCap) -> str:
    state = "已达上限，本年度不再被随机抽取（100% 抽取的任务和定向检查除外）" if c.reached else f"还可被抽查 {c.cap - c.checks} 次"
    return f"{c.year} 年度抽查上限：已被抽查 {c.checks} 次，上限 {c.cap} 次，{state}。"


def _blacklist_line(a: Archive) -> str:
    if a.blacklisted:
        last = a.blacklist[-1]
        basis = f"，依据：{last.basis}" if last.basis else ""
        return f"失信黑名单：在黑名单上（自 {last.date} 起，原因：{last.reason}{basis}）"
    if a.blacklist:
        return f"失信黑名单：不在黑名单上（{a.blacklist[-1].date} 移出）"
    return "失信黑名单：从未列入"


def _remarks(c: Check) -> str:
    parts = []
    if c.voided:
        parts.append(f"该轮已于 {c.void_date} 作废：{c.void_reason}")
    if c.replaced_in is not None:
        parts.append(f"{c.replaced_in.date} 递补，代替 {c.replaced_in.out}（{c.replaced_in.reason_text}）")
    if c.replaced_out is not None:
        parts.append(f"{c.replaced_out.date} 被 {c.replaced_out.came} 递补替换（{c.replaced_out.reason_text}），不再检查")
    for s in c.team_changes:
        parts.append(f"{s.date} 执法人员 {s.out} 由 {s.came} 递补（{s.reason_text}）")
    if c.corrected:
        parts.append(f"结果更正 {len(c.corrected)} 次")
    if c.record_missing:
        parts.append("摇号记录无法读取，执法人员不详（请运行 ssj verify）")
    return "；".join(parts)


def archive_tables(a: Archive) -> list[Table]:
    checks = Table(
        "抽查记录",
        ("年度", "抽查任务", "轮次", "摇号日期", "方式", "执法人员", "检查日期", "检查结果", "处理措施", "公示日期", "说明"),
        tuple(
            (c.year, _task(c), c.round, c.draw_date, HOW.get(c.how, c.how),
             "、".join(n or i for i, n in c.team) or "—",
             c.result.date if c.result else None, RESULT_CODES.get(c.result.result, c.result.result) if c.result else "未登记",
             _measures(c), "、".join(d + ("（部分）" if p else "") for d, p in c.published) or "未公示", _remarks(c))
            for c in a.checks
        ),
        empty="从未被抽中",
    )
    corrections = Table(
        "更正记录（被后来的登记取代的检查结果）",
        ("抽查任务", "轮次", "原检查日期", "原检查结果", "原处理措施", "账本事件"),
        tuple((_task(c), c.round, ev.date, RESULT_CODES.get(ev.result, ev.result), ev.measures, ev.seq)
              for c in a.checks for ev in c.corrected),
        empty="无",
    )
    blacklist = Table(
        "失信黑名单记录",
        ("生效日期", "变更", "原因", "依据", "账本事件"),
        tuple((b.date, "列入" if b.added else "移出", b.reason, b.basis, b.seq) for b in a.blacklist),
        empty="无",
    )
    return [checks, corrections, blacklist]


def _task(c: Check) -> str:
    """The task's name as the draw record gives it, without the year and 双随机抽查计划: 煤矿企业."""
    return short_name(SimpleNamespace(name=c.task_name, id=c.task), c.year) if c.task_name else c.task


def _measures(c: Check) -> str:
    return measures_text(c.result.result, c.result.measures) if c.result else ""


# ---------------------------------------------------------------- the list of findings

LIST_HEADERS = ("统一社会信用代码", "企业名称", "类别", "乡镇", "信用风险等级", "失信黑名单", "检查户次", "发现问题户次",
                *(f"{SHORT[c]}（户次）" for c in FOUND_PROBLEM), "最近发现问题日期", "最近检查结果", "处理措施",
                "抽查任务", "轮次")


def list_title(today: str, year: int | None) -> str:
    scope = f"{year} 年度" if year is not None else "全部年度"
    return f"检查发现问题的企业（{scope}，截至 {today}）"


def list_table(rows: tuple[FindingRow, ...], today: str, year: int | None) -> Table:
    """Every column, for the CSV and XLSX files."""
    return Table(
        list_title(today, year), LIST_HEADERS,
        tuple(
            (r.entity, r.name, r.category, r.town, grade_text(r.risk), "是" if r.blacklisted else "否",
             r.inspected, r.found, *(r.results.get(c, 0) for c in FOUND_PROBLEM), r.last_date,
             RESULT_CODES.get(r.last_result, r.last_result), r.last_measures, r.last_task, r.last_round)
            for r in rows
        ),
        empty="没有检查发现问题的企业",
    )


def list_screen(rows: tuple[FindingRow, ...], today: str, year: int | None) -> Table:
    """The columns that fit a terminal (the files have them all)."""
    return Table(
        list_title(today, year),
        ("统一社会信用代码", "企业名称", "等级", "黑名单", "检查户次", *(SHORT[c] for c in FOUND_PROBLEM), "最近发现问题"),
        tuple((r.entity, r.name, r.risk or "—", "是" if r.blacklisted else "否", r.inspected,
               *(r.results.get(c, 0) for c in FOUND_PROBLEM), r.last_date) for r in rows),
        empty="没有检查发现问题的企业",
    )


def list_csv(rows: tuple[FindingRow, ...], today: str, year: int | None) -> bytes:
    """One row per entity under the header (UTF-8 with BOM, CRLF, every cell inert)."""
    t = list_table(rows, today, year)
    return csv_bytes([t.headers, *t.rows])


def list_xlsx(rows: tuple[FindingRow, ...], today: str, year: int | None, left_out: int = 0) -> bytes:
    """The list on one sheet, as the report's sheets look (string cells, borders, A4)."""
    from openpyxl import Workbook

    from shuangsuiji.render.report_xlsx import section_sheet

    t = list_table(rows, today, year)
    notes: tuple[Any, ...] = (
        f"共 {len(rows)} 家。检查结果按现行（更正后）结果计，不含已作废的轮次；供归入诚信档案和报送法规科。",
        *((f"注意：{later_text(left_out, today)}",) if left_out else ()),
    )
    wb = Workbook()
    section_sheet(wb.active, Section("credit", t.title, "诚信档案", notes, (t,)))
    wb.active.title = "诚信档案"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
