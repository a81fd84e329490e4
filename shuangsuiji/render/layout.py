"""The report as sections of paragraphs and tables, shared by every format.

A cell is a ``str``, an ``int``, a ``Decimal`` (a percentage as displayed, one decimal
place, from the exact share) or ``None`` (shown as "—"). XLSX keeps numbers as numbers;
the text formats print them.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Union

from shuangsuiji.codes import PUBLICATION_LABELS, RESULT_CODES
from shuangsuiji.deadlines.due import LATE_CHECK_TEXT, check_end_text
from shuangsuiji.inputs.plan import period_label
from shuangsuiji.render.page import chinese_date
from shuangsuiji.report.records import GradeRow, Report, Share, fraction_text

Cell = Union[str, int, Decimal, None]


@dataclass(frozen=True)
class Table:
    title: str
    headers: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    total: tuple[Cell, ...] | None = None  # a 合计 row, set apart
    empty: str = "无"  # what to say when there are no rows


@dataclass(frozen=True)
class Section:
    key: str  # the JSON key of the section
    title: str  # 一、计划执行情况
    sheet: str  # XLSX sheet name (≤ 31 characters)
    paragraphs: tuple[str, ...]
    tables: tuple[Table, ...]
    bullets: tuple[str, ...] = ()
    alert: bool = False  # the bullets point at shortfalls


def pct(share: Share) -> Decimal | None:
    p = share.percent()
    return Decimal(p) if p is not None else None


def cell_text(value: Cell) -> str:
    if value is None:
        return "—"
    return str(value)


def yes_no(flag: bool) -> str:
    return "是" if flag else "否"


def short_name(task, year: int) -> str:
    """A task's name without the year and the closing 双随机抽查计划, for narrow columns: 煤矿企业."""
    name = task.name
    if name.startswith(f"{year}年"):
        name = name[len(f"{year}年"):]
    for tail in ("双随机抽查计划", "随机抽查计划", "抽查计划", "计划"):
        if name.endswith(tail) and len(name) > len(tail):
            return name[: -len(tail)]
    return name or task.id


def subtitle(report: Report) -> str:
    p = report.plan
    text = f"依据《{p.title}》（{p.document}），统计截至 {report.today.isoformat()}"
    if report.left_out:
        text += f"（账本中日期晚于该日的 {report.left_out} 条事件未计入）"
    return text


def sign_off(report: Report) -> tuple[str, str]:
    """The 落款: the department that makes the report, and the day it counts up to (2023年1月31日)."""
    return report.plan.department, chinese_date(report.today)


def task_names(report: Report) -> dict[str, str]:
    return {row.task.id: short_name(row.task, report.year) for row in report.tasks}


_NUMERALS = "一二三四五六七八九十"


def sections(report: Report) -> list[Section]:
    """The report's sections in order, numbered 一、二、…; the departments section only in a plan that declares departments."""
    found = [
        _tasks(report),
        _frequency(report),
        _inspectors(report),
        _follow_up(report),
        _credit(report),
        *([_departments(report)] if report.departments.rows else []),
        _timeline(report),
        _integrity(report),
    ]
    return [dataclasses.replace(s, title=f"{_NUMERALS[n]}、{s.title.split('、', 1)[1]}") for n, s in enumerate(found)]


def summary_cards(report: Report) -> list[tuple[str, str, str]]:
    """(label, figure, detail) for the HTML cards and the summary sheet."""
    t = report.totals
    pubs = t.publications
    live = t.rounds_drawn
    return [
        ("抽查任务", f"{len(report.tasks)} 项", f"计划文号 {report.plan.document}"),
        ("有效摇号", f"{t.rounds_drawn} 轮", f"另作废 {t.rounds_voided} 轮" if t.rounds_voided else "无作废"),
        ("抽查对象", f"{t.picks} 户次", f"涉及 {t.entities_drawn} 家企业"),
        ("已检查", f"{t.inspected} 户次", f"未登记结果 {t.not_inspected} 户次"),
        ("发现问题", f"{t.found_problems} 户次", f"问题发现率 {t.problem_share.text()}"),
        ("按时公示", f"{pubs['on_time']}/{live} 轮", f"逾期公示 {pubs['late']} 轮，待公示 {pubs['pending'] + pubs['overdue']} 轮"
         + (f"（其中已逾期 {pubs['overdue']} 轮）" if pubs["overdue"] else "")),
    ]


def overview(report: Report) -> str:
    t = report.totals
    pubs = t.publications
    text = (
        f"全年计划抽查任务 {len(report.tasks)} 项，有效摇号 {t.rounds_drawn} 轮"
        + (f"（另作废 {t.rounds_voided} 轮）" if t.rounds_voided else "")
        + f"，抽查 {t.picks} 户次、涉及 {t.entities_drawn} 家企业；已登记检查结果 {t.inspected} 户次，"
        f"发现问题 {t.found_problems} 户次，问题发现率 {t.problem_share.text()}"
    )
    if t.results.get("not_operating"):
        text += f"（不含未生产经营/无法检查的 {t.results['not_operating']} 户次）"
    text += f"。公示：按时 {pubs['on_time']} 轮，逾期 {pubs['late']} 轮，待公示 {pubs['pending']} 轮"
    if pubs["overdue"]:
        text += f"，逾期未公示 {pubs['overdue']} 轮"
    return text + "。"


def _tasks(report: Report) -> Section:
    rows = []
    for row in report.tasks:
        t, y = row.task, row.tally
        rows.append((
            t.index, short_name(t, report.year), period_label(t.start, t.end), "已结束" if row.period_ended else "进行中", y.scope,
            t.ratio_text(), row.per_round, y.rounds_drawn, y.rounds_voided, y.picks, y.entities_drawn, pct(y.coverage),
        ))
    tot = report.totals
    execution = Table(
        "各任务执行情况",
        ("序号", "抽查任务", "抽查时间", "期限", "范围（家）", "比例", "每轮抽取（家）", "有效轮次", "作废轮次",
         "抽查户次", "抽中企业（家）", "覆盖率（%）"),
        tuple(rows),
        ("", "合计", "", "", tot.scope, "", None, tot.rounds_drawn, tot.rounds_voided, tot.picks, tot.entities_drawn,
         pct(tot.coverage)),
    )
    codes = list(RESULT_CODES)
    results = Table(
        "检查结果（户次）",
        ("抽查任务", "抽查户次", "已检查", *[RESULT_CODES[c] for c in codes], "发现问题", "问题发现率（%）"),
        tuple(
            (short_name(row.task, report.year), row.tally.picks, row.tally.inspected, *[row.tally.results[c] for c in codes],
             row.tally.found_problems, pct(row.tally.problem_share))
            for row in report.tasks
        ),
        ("合计", tot.picks, tot.inspected, *[tot.results[c] for c in codes], tot.found_problems, pct(tot.problem_share)),
    )
    publications = Table(
        "公示情况（轮）",
        ("抽查任务", "有效轮次", "按时公示", "逾期公示", "待公示", "逾期未公示"),
        tuple(
            (short_name(row.task, report.year), row.tally.rounds_drawn, *[row.tally.publications[s] for s in ("on_time", "late", "pending", "overdue")])
            for row in report.tasks
        ),
        ("合计", tot.rounds_drawn, *[tot.publications[s] for s in ("on_time", "late", "pending", "overdue")]),
    )
    detail = []
    for row in report.tasks:
        for r in row.rounds:
            if r.voided:
                state = f"已作废（{r.void_date}）：{r.void_reason}"
            else:
                state = PUBLICATION_LABELS[r.publication or "pending"]
                if r.due_provisional:
                    state += "（期限按暂定日历）"
            detail.append((short_name(row.task, report.year), r.number, r.date, r.picks, None if r.voided else r.inspected, _check_end(r),
                           r.due, r.published, state))
    rounds = Table(
        "各轮摇号明细",
        ("任务", "轮次", "摇号日期", "抽取（家）", "已检查", "检查结束", "公示期限", "公示日期", "状态"),
        tuple(detail),
        empty="全年尚未摇号",
    )
    return Section("tasks", "一、计划执行情况", "计划执行", _tasks_paragraphs(report), (execution, results, publications, rounds))


def _tasks_paragraphs(report: Report) -> tuple[str, ...]:
    paragraphs = [overview(report)]
    late = _late_checks(report)
    if late:
        paragraphs.append(late)
    if not report.totals.rounds_drawn and not report.totals.rounds_voided:
        paragraphs.append("本年度账本中还没有摇号记录：以下为计划的任务和范围，各项数字为 0。")
    paragraphs.append("覆盖率 = 抽中的范围内企业家数 ÷ 范围内在营企业家数；问题发现率 = 发现问题户次 ÷（已检查户次 − 未生产经营/无法检查户次）。")
    return tuple(paragraphs)


def _check_end(r) -> str | None:
    """The check end in publish-due's words: 2022-07-05（逾期完成） when it was after the task's period."""
    if r.check_end is None:
        return None
    return check_end_text(date.fromisoformat(r.check_end), r.late_check)


def _late_checks(report: Report) -> str | None:
    late = [f"{short_name(row.task, report.year)}第 {r.number} 轮" for row in report.tasks for r in row.rounds
            if not r.voided and r.late_check]
    if not late:
        return None
    return f"检查{LATE_CHECK_TEXT}（最后一户的检查日期晚于任务的抽查时间）的有 {len(late)} 轮：" + "、".join(late) + "。"


def _frequency(report: Report) -> Section:
    f = report.frequency
    keys = [c.label for c in f.categories if c.key]
    key_text = "、".join(keys) if keys else "无（计划中没有抽查比例为 100% 的任务）"
    tasks = Table(
        "各任务抽查频次",
        ("抽查任务", "有效轮次", "不少于2次", "期限"),
        tuple((short_name(report.plan.task(t.id), report.year), t.rounds, yes_no(t.meets_min_rounds), "已结束" if t.period_ended else "进行中") for t in f.tasks),
    )
    cats = Table(
        "各类别抽查频次",
        ("类别", "所属任务", "重点行业", "抽查轮次", "抽到该类的轮次", "抽查户次", "抽中企业（家）", "在营企业（家）",
         "覆盖率（%）", "不少于2次", "全覆盖"),
        tuple(
            (c.label, "、".join(c.tasks) or "—", yes_no(c.key), c.rounds, c.rounds_with_picks, c.picks, c.entities, c.scope,
             pct(c.coverage), yes_no(c.meets_min_rounds), yes_no(c.fully_covered) if c.key else "—")
            for c in f.categories
        ),
    )
    paragraphs = (
        "计划要求：“对列入抽查对象的企业单位按照重点行业全覆盖，全年开展随机抽查频次一般不少于2次”。",
        f"重点行业按计划中抽查比例为 100% 的任务确定：{key_text}。",
    )
    return Section("frequency", "二、抽查频次", "抽查频次", paragraphs, (tasks, cats), f.findings, not f.ok)


def _inspectors(report: Report) -> Section:
    s = report.inspectors
    names = task_names(report)
    task_ids = list(names)
    per = Table(
        "各执法人员检查户次",
        ("执法证号", "姓名", "股室", "状态", "检查户次", *names.values()),
        tuple((r.id, r.name, r.unit, r.status, r.checks, *[r.by_task.get(t, 0) for t in task_ids]) for r in s.rows),
    )
    avoid = Table(
        "回避记录",
        ("任务", "轮次", "企业名称", "统一社会信用代码", "回避人员", "原因"),
        tuple((names.get(a.task, a.task), a.round, a.name, a.entity, a.inspector_name or a.inspector, a.text) for a in s.avoidance),
        empty="全年没有因利害关系或属地回避而调整的执法人员",
    )
    small = Table(
        "执法人员不足 2 名的检查",
        ("任务", "轮次", "企业名称", "统一社会信用代码", "执法人员"),
        tuple((names.get(x.task, x.task), x.round, x.name, x.entity, "、".join(x.inspectors) or "无") for x in s.small_teams),
        empty="无：每户检查均不少于 2 名执法人员",
    )
    paragraphs = []
    if s.rows:
        paragraphs.append(
            f"在岗及参与检查的执法人员 {len(s.rows)} 人，每人检查户次最少 {s.min}、中位数 {fraction_text(s.median)}、最多 {s.max}。"
        )
    else:
        paragraphs.append("名录库中没有在岗的执法人员。")
    paragraphs.append("每户检查均不少于 2 名执法人员。" if not s.small_teams else f"有 {len(s.small_teams)} 户次的执法人员不足 2 名，不符合计划要求，见下表。")
    if s.never_drawn:
        paragraphs.append("全年未被抽中的在岗人员：" + "、".join(f"{r.name}（{r.unit}）" for r in s.never_drawn) + "。")
    else:
        paragraphs.append("在岗人员全年均被抽中参与检查。")
    by = s.avoidance_by_reason()
    paragraphs.append(f"回避：共 {len(s.avoidance)} 人次（利害关系回避 {by.get('conflict', 0)} 人次，属地回避 {by.get('local', 0)} 人次）。")
    if s.rounds_without_record:
        paragraphs.append("以下轮次的摇号记录无法读取，未计入本节：" + "、".join(f"{t} 第 {n} 轮" for t, n in s.rounds_without_record) + "。")
    return Section("inspectors", "三、执法人员", "执法人员", tuple(paragraphs), (per, small, avoid))


def _follow_up(report: Report) -> Section:
    items = report.follow_up
    names = task_names(report)
    counts = {code: sum(1 for f in items if f.result == code) for code in RESULT_CODES}
    detail = "，".join(f"{RESULT_CODES[c]} {n} 户次" for c, n in counts.items() if n)
    head = (f"发现问题并需后续处理的共 {len(items)} 户次（{detail}）。" if items else "全年没有发现问题需要后续处理的企业。")
    table = Table(
        "问题处理清单",
        ("检查日期", "抽查任务", "企业名称", "统一社会信用代码", "乡镇", "检查结果", "处理措施", "备注", "执法人员"),
        tuple((f.date, f"{names.get(f.task, f.task)}第 {f.round} 轮" + (f"（{f.department}）" if f.department else ""), f.name,
               f.entity, f.town, f.label, f.measures, f.note, "、".join(f.inspectors)) for f in items),
    )
    paragraphs = (head, "本清单供归入市场主体诚信档案，并连同检查材料报送法规科备案。")
    return Section("follow_up", "四、问题处理与后续跟踪", "后续处理", paragraphs, (table,))


def grade_table(report: Report) -> Table:
    """Entities and checks per credit-risk grade, with the totals of the rows."""
    rows = report.credit.grades
    total = GradeRow(grade="", entities=sum(g.entities for g in rows), drawn=sum(g.drawn for g in rows),
                     covered=sum(g.covered for g in rows), picks=sum(g.picks for g in rows),
                     inspected=sum(g.inspected for g in rows),
                     results={c: sum(g.results.get(c, 0) for g in rows) for c in RESULT_CODES})

    def line(g: GradeRow, label: str) -> tuple[Cell, ...]:
        return (label, g.entities, g.drawn, pct(g.coverage), g.picks, g.inspected, g.results.get("not_operating", 0),
                g.found_problems, pct(g.problem_share))

    return Table(
        "各信用风险等级抽查情况",
        ("信用风险等级", "在营企业（家）", "抽中企业（家）", "覆盖率（%）", "抽查户次", "已检查", "未生产经营/无法检查", "发现问题",
         "问题发现率（%）"),
        tuple(line(g, g.label) for g in rows),
        line(total, "合计"),
    )


def _credit(report: Report) -> Section:
    c = report.credit
    graded = [g for g in c.grades if g.grade]
    mix = "、".join(f"{g.grade} 级 {g.entities} 家" for g in graded)
    none = c.grades[-1]
    paragraphs = [
        f"按检查对象名录库的信用风险等级（A 低风险、B 一般风险、C 较高风险、D 高风险）统计：在营企业中 {mix}，未定级 {none.entities} 家。"
        "企业按名录库现在的等级计入，已不在名录库中的企业计入未定级。",
        "各等级的问题发现率 = 该等级发现问题户次 ÷（该等级已检查户次 − 未生产经营/无法检查户次）；覆盖率 = 抽中的该等级在营企业家数 ÷ 该等级在营企业家数。",
    ]
    shown = [f"{g.grade} 级 {g.problem_share.text()}" for g in graded if g.problem_share.den]
    if shown:
        paragraphs.append("问题发现率：" + "，".join(shown) + (f"，未定级 {none.problem_share.text()}" if none.problem_share.den else "") + "。")
    paragraphs.append(f"失信黑名单：全年列入 {c.added} 家次、移出 {c.removed} 家次；截至 {c.listed_on} 在黑名单上的企业 {c.listed} 家。")
    changes = Table(
        "失信黑名单变更",
        ("生效日期", "变更", "企业名称", "统一社会信用代码", "原因", "依据"),
        tuple((b.date, "列入" if b.change == "add" else "移出", b.name, b.entity, b.reason, b.basis) for b in c.blacklist),
        empty="全年没有列入或移出黑名单的企业",
    )
    if c.caps or c.targeted or any(t.always_include_blacklisted for t in report.plan.tasks):  # draw.caps
        paragraphs.append(_targeted_and_caps(c))
    return Section("credit", "五、信用分级与失信惩戒", "信用监管", tuple(paragraphs), (grade_table(report), changes))


def _targeted_and_caps(c) -> str:
    """The 定向 checks of blacklisted entities, counted apart, and the yearly cap reached."""
    text = f"黑名单企业定向检查（always_include_blacklisted，不经摇号、每轮都查）：全年 {c.targeted} 户次、{c.targeted_entities} 家，已计入上表各等级的抽查户次。"
    if c.caps:
        text += f"每户每年检查次数上限（{c.caps}）：已达上限的企业 {c.capped} 家，超过上限的检查 {c.over_cap} 户次（100% 任务和定向检查照常进行）。"
    return text


def _departments(report: Report) -> Section:
    d = report.departments
    table = Table(
        "各部门检查情况",
        ("部门", "参与任务（项）", "其中联合（项）", "检查户次", "已检查", "发现问题", "问题发现率（%）", "在岗执法人员", "检查人次"),
        tuple((r.name, r.tasks, r.joint_tasks, r.checks, r.inspected, r.found_problems, pct(r.problem_share), r.inspectors,
               r.workload) for r in d.rows),
    )
    paragraphs = (
        f"部门联合抽查 {d.joint_picks} 户次，占全年抽查 {d.picks} 户次的 {d.joint_share.text()}；联合检查“进一次门、查多项事”，"
        f"比各部门分别上门少 {d.visits_saved} 次检查。全年被抽中两次以上的企业 {d.repeated} 家（抽查时间重叠的见 ssj visits）。",
        "联合抽查的每户，各参加部门都计一次检查户次、按本部门登记的结果计入；检查人次为本部门执法人员参加检查的户次之和。"
        "第一节各任务的检查结果中，联合抽查任务按牵头部门登记的结果计；第四节的问题处理清单列出每个部门发现的问题。",
    )
    return Section("departments", "六、部门与联合抽查", "部门联合", paragraphs, (table,))


def _timeline(report: Report) -> Section:
    months = report.timeline
    table = Table(
        "月度进度",
        ("月份", "摇号（次）", "其中作废", "检查（户次）", "公示（次）"),
        tuple((m.month, m.draws, m.voided, m.checks, m.publications) for m in months),
        ("合计", sum(m.draws for m in months), sum(m.voided for m in months), sum(m.checks for m in months),
         sum(m.publications for m in months)),
    )
    paragraphs = ("摇号按摇号日期、检查按生效结果的检查日期、公示按公示日期计入月份。",)
    return Section("timeline", "六、月度进度", "月度进度", paragraphs, (table,))


def _integrity(report: Report) -> Section:
    i = report.integrity
    table = Table(
        "复核发现的问题",
        ("事件序号", "位置", "问题"),
        tuple((f.get("seq"), f.get("file"), f.get("message")) for f in i.failures),
        empty="无",
    )
    paragraphs = [i.headline()]
    paragraphs += [f"注意：{n}" for n in i.notes]
    paragraphs += [f"注意：{n}" for n in report.notes]
    paragraphs.append("复核内容与 ssj verify 相同：账本哈希链、每次摇号的记录文件、按种子重新摇号比对、公示文件的 SHA-256。")
    paragraphs.append("种子越难被摇号的人挑选，摇号结果越可信：两步摇号（先公布备选池、开奖后才有随机数）最可信；一步摇号的公开随机数、"
                      "见证人掷骰和操作系统随机数（正式摇号时才生成）次之；手工录入的种子只能靠在场的人证明没有被挑选过。")
    if report.seed_warning:
        paragraphs.append(f"注意：{report.seed_warning}。")
    return Section("integrity", "七、账本复核", "账本复核", tuple(paragraphs), (table, seed_table(report)), alert=not i.ok)


def seed_table(report: Report) -> Table:
    """Rounds of the year by how their seed was fixed (``draw.seeds``)."""
    rows = report.seeds
    return Table("摇号种子的确定方式", ("种子的确定方式", "有效轮次", "作废轮次"),
                 tuple((s.label, s.live, s.voided) for s in rows),
                 ("合计", sum(s.live for s in rows), sum(s.voided for s in rows)))


def task_csv_table(report: Report) -> Table:
    """The per-task table with every column, for CSV."""
    codes = list(RESULT_CODES)
    headers = (
        "序号", "任务代号", "抽查任务", "抽查时间起", "抽查时间止", "期限已过", "范围（家）", "比例", "每轮抽取（家）", "有效轮次",
        "作废轮次", "抽查户次", "抽中企业（家）", "覆盖率（%）", "已检查（户次）", "未检查（户次）",
        *[f"{RESULT_CODES[c]}（户次）" for c in codes], "发现问题（户次）", "问题发现率（%）",
        "按时公示（轮）", "逾期公示（轮）", "待公示（轮）", "逾期未公示（轮）",
    )

    def line(y, lead: tuple) -> tuple:
        return (*lead, y.rounds_drawn, y.rounds_voided, y.picks, y.entities_drawn, pct(y.coverage), y.inspected,
                y.not_inspected, *[y.results[c] for c in codes], y.found_problems, pct(y.problem_share),
                *[y.publications[s] for s in ("on_time", "late", "pending", "overdue")])

    rows = tuple(
        line(row.tally, (row.task.index, row.task.id, row.task.name, row.task.start.isoformat(), row.task.end.isoformat(),
                         yes_no(row.period_ended), row.tally.scope, row.task.ratio_text(), row.per_round))
        for row in report.tasks
    )
    total = line(report.totals, ("", "", "合计", "", "", "", report.totals.scope, "", None))
    return Table("各任务执行情况", headers, rows, total)
