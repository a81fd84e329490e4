"""The draw record sheet (摇号记录表): one printed A4 page to sign, and an appendix to check it by.

The plan asks that the draw "be recorded" (具体摇号过程应予以记录). Page 1 is what the
people present sign: the plan and task, the draw date, the seed and where it came from, how
many entities were drawn and why that many, the picks with their inspectors, and the
signature lines of the person who ran the draw (摇号人), the supervisor (监督人) and the
witness (见证人). The appendix, from page 2, holds what a reader needs to re-check the draw
without ssj: the ledger line and the record file with their SHA-256, the pool and its
SHA-256, each pick's rank, the entities excluded as already drawn, the inspectors left out
and why, and the ``sha256sum`` recipe. Dates and times are written the Chinese way
(2022年4月6日 10时15分03秒).

``render_sheet`` is pure: the record, the plan and a few ledger facts in, HTML bytes out.
``render_commitment_sheet`` prints a two-phase draw's commitment (摇号承诺书) the same way.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from decimal import Decimal
from typing import Mapping, Sequence

from shuangsuiji.codes import REPLACE_REASONS, SEED_ORIGINS
from shuangsuiji.draw.commit import Commitment
from shuangsuiji.draw.joint import department_teams
from shuangsuiji.draw.record import DrawRecord
from shuangsuiji.inputs.plan import period_label
from shuangsuiji.ledger.events import ReplaceEvent
from shuangsuiji.records import Plan, Task, grade_label, percent_text
from shuangsuiji.render.page import chinese_date, chinese_datetime, page

METHOD_TEXT = {
    "sha256-rank": "按种子和每家企业的统一社会信用代码计算排序值（SHA-256），取排序值最小的 {k} 家",
    "rfc3797": "按 IETF RFC 3797 公开可验证抽取法，用公开随机数来源组成的种子抽取 {k} 家",
}
ROLES = ("摇号人", "监督人", "见证人")

_CSS = """\
@page { size: A4 portrait; margin: 12mm 14mm; }
body { font-family: "SimSun", "Songti SC", "Noto Serif CJK SC", "Source Han Serif SC", serif; font-size: 10pt; color: #000; margin: 0; line-height: 1.4; }
h1 { font-size: 17pt; text-align: center; margin: 0 0 1mm; letter-spacing: 0.3em; font-family: "SimHei", "Heiti SC", "Noto Sans CJK SC", sans-serif; }
p.sub { text-align: center; margin: 0 0 3mm; }
h2 { font-size: 11.5pt; margin: 3.5mm 0 1.5mm; font-family: "SimHei", "Heiti SC", "Noto Sans CJK SC", sans-serif; break-after: avoid; page-break-after: avoid; }
table { width: 100%; border-collapse: collapse; }
th, td { border: 0.6pt solid #000; padding: 0.9mm 1.5mm; vertical-align: top; text-align: left; }
th { background: #eee; white-space: nowrap; }
table.facts th { width: 20%; }
table.picks { font-size: 9pt; }
table.picks td.c { text-align: center; white-space: nowrap; }
td.uscc { font-family: "Consolas", "DejaVu Sans Mono", monospace; font-size: 8.5pt; white-space: nowrap; }
.nw { white-space: nowrap; }
code, .mono { font-family: "Consolas", "DejaVu Sans Mono", monospace; font-size: 8.5pt; word-break: break-all; }
pre { font-family: "Consolas", "DejaVu Sans Mono", monospace; font-size: 8pt; white-space: pre-wrap; word-break: break-all; border: 0.6pt solid #888; padding: 2mm; margin: 1mm 0 2mm; }
ul.pool { columns: 3; font-family: "Consolas", "DejaVu Sans Mono", monospace; font-size: 8pt; margin: 1mm 0; padding-left: 6mm; }
thead { display: table-header-group; }
tr { page-break-inside: avoid; break-inside: avoid; }
p.void { border: 1.2pt solid #000; padding: 1.5mm; font-weight: bold; text-align: center; margin: 0 0 2mm; }
p.note { font-size: 9pt; margin: 2mm 0 0; }
ol.steps li { margin-bottom: 1.5mm; }
.signs { margin-top: 5mm; page-break-inside: avoid; break-inside: avoid; }
.signs table td { border: none; padding: 4mm 2mm 1mm; width: 33%; }
.line { display: inline-block; border-bottom: 0.6pt solid #000; width: 30mm; }
.appendix { page-break-before: always; break-before: page; }
@media screen { body { max-width: 210mm; margin: 10mm auto; padding: 0 8mm; } .appendix { margin-top: 12mm; border-top: 1pt dashed #888; } }
@media print { th { -webkit-print-color-adjust: exact; print-color-adjust: exact; } }
"""


@dataclass(frozen=True, slots=True)
class DrawFacts:
    """What the ledger says about the draw, beside the record itself."""

    seq: int  # the draw event's number in the ledger
    at: str  # when the draw line was appended
    record_path: str  # as shown, e.g. draws/2022/hazchem-r1.json
    record_sha256: str  # from the ledger line
    ledger_path: str  # as shown, e.g. draws/ledger.jsonl
    line_sha256: str = ""  # SHA-256 of the draw's ledger line: on paper, it pins the ledger up to it


def render_sheet(
    plan: Plan,
    task: Task,
    record: DrawRecord,
    facts: DrawFacts,
    names: Mapping[str, str] | None = None,
    void: str | None = None,
    replacements: Sequence[ReplaceEvent] = (),
) -> bytes:
    """The printable HTML sheet of one round: page 1 to sign, then the appendix.

    Args:
        record: the round's draw record, as written to draws/<year>/.
        facts: the ledger line's number, time and the record's SHA-256.
        names: inspector id -> name, for inspectors the record names only by id.
        void: when the round was voided, the date and reason, printed as a warning at the top.
        replacements: the round's replacements (递补) in ledger order: page 1 lists who replaced
            whom, why, on which day and by which line; a round without any prints as before.
    """
    e = html.escape
    title = f"{task.name} 第 {record.round} 轮摇号记录表"
    body = [f"<h1>摇号记录表</h1>\n<p class=\"sub\">{e(title)}</p>\n"]
    if void:
        body.append(f"<p class=\"void\">本轮已作废（{e(void)}），抽中的企业已回到备选池；本表仅作存档。</p>\n")
    body.append(_facts(plan, task, record))
    body.append(_picks(plan, record))
    body.append(_replacements(record, replacements, _names(record, names)))
    body.append(_signatures())
    body.append("<p class=\"note\">复核本次摇号所需的账本和记录文件 SHA-256、备选池、排序值和执法人员排除情况见附页。</p>\n")
    body.append("<section class=\"appendix\">\n<h1>附页：复核信息</h1>\n")
    body.append(f"<p class=\"sub\">{e(title)}</p>\n")
    body.append(_hashes(record, facts))
    body.append(_ranks_and_pool(plan, record))
    body.append(_left_out_table(record, _names(record, names)))
    body.append(_recipe(record, facts))
    body.append("</section>\n")
    return page(title, _CSS, "".join(body)).encode("utf-8")


def _names(record: DrawRecord, names: Mapping[str, str] | None) -> dict[str, str]:
    out = dict(names or {})
    for p in record.picks:
        out.update(zip(p.inspectors, p.inspector_names))
    return out


def _rows(rows: list[tuple[str, str]], mono: frozenset[str] = frozenset()) -> str:
    e = html.escape
    out = ["<table class=\"facts\">\n"]
    for k, v in rows:
        cell = f"<span class=\"mono\">{e(v)}</span>" if k in mono else e(v)
        out.append(f"<tr><th>{e(k)}</th><td>{cell}</td></tr>\n")
    out.append("</table>\n")
    return "".join(out)


def count_text(record: DrawRecord, task: Task) -> str:
    """How many were drawn and why, in plain words: 9 家（范围内 41 家 × 抽查比例 20% = 8.2，有小数时进为整数，至少 1 家）."""
    scope, k = len(record.scope), record.k
    if record.strata:
        from shuangsuiji.draw.strata import strata_summary

        return f"{k} 家，按风险等级分级抽取，每个等级 ceil(该等级家数 × 比例)，0% 的等级不抽取：{strata_summary(record.strata)}"
    ratio = Decimal(record.ratio) if record.ratio else task.ratio or Decimal(0)  # the ratio the draw used
    product = format((Decimal(scope) * ratio).normalize(), "f")
    text = f"{k} 家（范围内 {scope} 家 × 抽查比例 {percent_text(ratio)} = {product}，有小数时进为整数，至少 1 家）"
    if record.new_cycle:
        text += f"；备选池不足 {k} 家，备选池企业全部入选，差额从本周期已抽过的企业中抽取，开始新一轮循环"
    return text


def _facts(plan: Plan, task: Task, record: DrawRecord) -> str:
    labels = plan.categories
    origin = SEED_ORIGINS.get(record.seed_origin, record.seed_origin)
    cats = "、".join(labels.get(c, c) for c in record.categories)
    rows = [
        ("抽查工作计划", f"{plan.title}（{plan.document}）"),
        ("抽查任务", f"{task.name}（任务代号 {task.id}）"),
        ("抽查类型 / 事项", f"{task.type}；{task.matter}"),
        ("抽查时间 / 发起部门", f"{period_label(task.start, task.end)}；{task.department}"),
        ("轮次 / 摇号日期", f"第 {record.round} 轮；{chinese_date(record.date)}"),
        ("种子", record.seed),
        ("种子来源", origin),
    ]
    for i, src in enumerate(record.sources, start=1):
        rows.append((f"公开来源 {i}", " ".join(str(x) for x in src)))
    if record.commit is not None:
        ref = record.commit
        rows.append(("摇号承诺", f"账本第 {ref.seq} 号事件：{ref.source_plan}（来源日期 {chinese_date(ref.source_date)}）；"
                     f"承诺文本 SHA-256 {ref.text_sha256}；本轮只从承诺的备选池抽取"))
    rows += [
        ("抽查范围", f"{len(record.scope)} 家（类别：{cats}，状态为在营）；此前已抽中、本轮不再抽取 "
         f"{len(record.excluded)} 家；备选 {len(record.pool)} 家"),
        ("抽取家数", count_text(record, task)),
        ("抽取方法", METHOD_TEXT.get(record.algorithm, record.algorithm).format(k=record.k)),
        ("每户执法人员", f"{record.inspectors_per_check} 名" + _departments_text(record) + ("；属地回避" if record.local_avoidance else "")),
        ("记录生成时间", chinese_datetime(record.created_at) if record.created_at else ""),
    ]
    return _rows(rows, frozenset({"种子"}))


def _picks(plan: Plan, record: DrawRecord) -> str:
    e = html.escape
    labels = plan.categories
    out = [f"<h2>抽中企业及执法检查人员（{len(record.picks)} 户）</h2>\n<table class=\"picks\">\n<thead><tr>"]
    out += [f"<th>{h}</th>" for h in ("序号", "企业名称", "统一社会信用代码", "类别", "乡镇", "执法人员")]
    out.append("</tr></thead>\n<tbody>\n")
    for n, p in enumerate(record.picks, start=1):
        team = _team_html(record, p)
        category = p.category
        out.append(
            f"<tr><td class=\"c\">{n}</td><td>{e(p.name)}</td><td class=\"uscc\">{e(p.entity)}</td>"
            f"<td class=\"c\">{e(labels.get(category, category))}</td><td class=\"c\">{e(p.town)}</td>"
            f"<td>{team}</td></tr>\n"
        )
    out.append("</tbody>\n</table>\n")
    return "".join(out)


def _departments_text(record: DrawRecord) -> str:
    """A joint draw's quotas: （部门联合抽查：甲局 2 名、乙局 1 名，各部门从本部门人员中抽取）; "" otherwise."""
    if not record.departments:
        return ""
    quotas = "、".join(f"{d.name} {d.inspectors_per_check} 名" for d in record.departments)
    return f"（部门联合抽查：{quotas}，各部门从本部门人员中抽取）"


def _team_html(record: DrawRecord, p) -> str:
    """A pick's team: names with their ids; in a joint draw one line per department."""
    e = html.escape

    def people(names, ids) -> str:
        return "、".join(f"<span class=\"nw\">{e(nm)}（{e(i)}）</span>" for nm, i in zip(names, ids))

    if not record.departments:
        return people(p.inspector_names, p.inspectors)
    return "<br>".join(f"{e(d.name)}：{people(names, ids)}" for d, ids, names in department_teams(record, p))


def _replacements(record: DrawRecord, replacements: Sequence[ReplaceEvent], names: Mapping[str, str]) -> str:
    """The table of the round's replacements (递补): who replaced whom, the reason, the day, the line taken."""
    if not replacements:
        return ""
    e = html.escape
    entity_names = {p.entity: p.name for p in record.picks}
    grades = {i: st.grade for st in record.strata for i in st.picks}
    people = dict(names)
    out = [f"<h2>摇号后的递补（{len(replacements)} 次）</h2>\n<table class=\"picks\">\n<thead><tr>"]
    out += [f"<th>{h}</th>" for h in ("序号", "递补日期", "对象", "被替换", "递补为", "原因", "依据", "账本事件")]
    out.append("</tr></thead>\n<tbody>\n")
    for n, rep in enumerate(replacements, start=1):
        reason = REPLACE_REASONS.get(rep.reason, rep.reason) + (f"：{rep.note}" if rep.note else "")
        skipped = "；跳过 " + "、".join(f"{s.get('id', '')}（{s.get('text', '')}）" for s in rep.skipped) if rep.skipped else ""
        if rep.target == "entity":
            new_name = str(rep.pick.get("name") or "")
            entity_names[rep.replacement] = new_name
            grade = grades.get(rep.entity)
            if grade is not None:
                grades[rep.replacement] = grade
            where = f"风险等级 {grade_label(grade)} 的排序名单" if grade is not None else "同一排序名单"
            what, gone, came = "检查对象", f"{entity_names.get(rep.entity, '')}（{rep.entity}）", f"{new_name}（{rep.replacement}）"
            basis = f"{where}第 {rep.position} 位{skipped}"
        else:
            people[rep.replacement] = rep.name
            what = f"{entity_names.get(rep.entity, '')}（{rep.entity}）的执法人员"
            gone, came = f"{people.get(rep.inspector, '')}（{rep.inspector}）", f"{rep.name}（{rep.replacement}）"
            basis = f"该户检查组排序中的下一名{skipped}"
        out.append(
            f"<tr><td class=\"c\">{n}</td><td class=\"c\">{e(chinese_date(rep.date))}</td><td>{e(what)}</td>"
            f"<td>{e(gone)}</td><td>{e(came)}</td><td>{e(reason)}</td><td>{e(basis)}</td><td class=\"c\">第 {rep.seq} 号</td></tr>\n"
        )
    out.append("</tbody>\n</table>\n")
    out.append("<p class=\"note\">递补不重新摇号：检查对象取同一排序名单（分级抽取时为同一等级）的下一位，执法人员取该户检查组"
               "排序中的下一名，规则见 docs/draw-algorithm.md 第 11 节。上面的“抽中企业及执法检查人员”为摇号时的名单，现行名单以递补后为准。</p>\n")
    return "".join(out)


def _signatures() -> str:
    cells = "".join(f"<td>{role}（签字）：<span class=\"line\"></span><br><br>日期：<span class=\"line\"></span></td>" for role in ROLES)
    return f"<div class=\"signs\"><table><tr>{cells}</tr></table></div>\n"


def _hashes(record: DrawRecord, facts: DrawFacts) -> str:
    line = f"账本第 {facts.seq} 号事件 SHA-256"
    rows = [
        ("记入账本", f"{facts.ledger_path} 第 {facts.seq} 号事件，{chinese_datetime(facts.at)}"),
        (line, facts.line_sha256),
        ("摇号记录文件", facts.record_path),
        ("记录文件 SHA-256", facts.record_sha256),
        ("备选池 SHA-256", record.pool_sha256),
    ]
    return "<h2>账本与记录文件</h2>\n" + _rows(rows, frozenset({line, "摇号记录文件", "记录文件 SHA-256", "备选池 SHA-256"}))


def _ranks_and_pool(plan: Plan, record: DrawRecord) -> str:
    e = html.escape
    out = ["<h2>抽中企业的排序值</h2>\n<table class=\"picks\">\n<thead><tr><th>序号</th><th>统一社会信用代码</th><th>排序值</th></tr></thead>\n<tbody>\n"]
    for n, p in enumerate(record.picks, start=1):
        out.append(f"<tr><td class=\"c\">{n}</td><td class=\"uscc\">{e(p.entity)}</td>"
                   f"<td><span class=\"mono\">{e(str(p.rank))}</span></td></tr>\n")
    out.append("</tbody>\n</table>\n")
    out.append(f"<h2>备选池（{len(record.pool)} 家，按统一社会信用代码排序）</h2>\n<ul class=\"pool\">")
    out += [f"<li>{e(i)}</li>" for i in record.pool]
    out.append("</ul>\n")
    if record.excluded:
        out.append(f"<h2>此前已抽中、本轮不再抽取的企业（{len(record.excluded)} 家）</h2>\n<ul class=\"pool\">")
        out += [f"<li>{e(str(i))}</li>" for i in record.excluded]
        out.append("</ul>\n")
    return "".join(out)


def _left_out(record: DrawRecord, names: Mapping[str, str]) -> list[tuple[str, str, str]]:
    """(inspector, reason, which picks) for every inspector left out of some team, grouped."""
    picks = record.picks
    groups: dict[tuple[str, str], list[str]] = {}
    for p in picks:
        for x in p.excluded_inspectors:
            groups.setdefault((x.id, x.text or x.reason), []).append(p.name or p.entity)
    out = []
    for (iid, reason), entities in sorted(groups.items()):
        label = f"{names[iid]}（{iid}）" if names.get(iid) else iid
        which = f"全部 {len(picks)} 户" if len(entities) == len(picks) else "、".join(entities)
        out.append((label, reason, which))
    return out


def _left_out_table(record: DrawRecord, names: Mapping[str, str]) -> str:
    e = html.escape
    left = _left_out(record, names)
    out = ["<h2>未被派出的执法人员及原因</h2>\n"]
    if left:
        out.append("<table class=\"picks\">\n<thead><tr><th>执法人员</th><th>原因</th><th>涉及企业</th></tr></thead>\n<tbody>\n")
        out += [f"<tr><td>{e(label)}</td><td>{e(reason)}</td><td>{e(which)}</td></tr>\n" for label, reason, which in left]
        out.append("</tbody>\n</table>\n")
    else:
        out.append("<p>无：所有执法人员均可派往每一户。</p>\n")
    out.append("<p>其余可派人员按（本次已分派户数，SHA-256(种子:统一社会信用代码:执法证号)）从小到大排序，取前几名组成检查组。</p>\n")
    return "".join(out)


def _recipe(record: DrawRecord, facts: DrawFacts) -> str:
    e = html.escape
    k = record.k
    out = ["<h2>如何不用 ssj 复核本次摇号</h2>\n<ol class=\"steps\">\n"]
    out.append(
        f"<li>账本未被整体改写：运行 <code>ssj verify --expect {e(facts.line_sha256)}</code>，"
        "或自己计算账本每一行（不含换行符）的 SHA-256，其中应有一行等于上表的账本事件 SHA-256；"
        "由于每一行都记着上一行的 SHA-256，这一行之前的账本都不能再被改动。</li>\n"
        f"<li>记录文件未被改动：在工作区文件夹中运行 <code>sha256sum {e(facts.record_path)}</code>，"
        f"输出应为上表的记录文件 SHA-256；它也写在账本 {e(facts.ledger_path)} 第 {facts.seq} 号事件的 <code>record_sha256</code> 中。</li>\n"
        "<li>备选池未被改动：把记录文件中 <code>pool</code> 列表的统一社会信用代码逐行存为 <code>pool.txt</code>"
        "（UTF-8、无 BOM、行尾为 LF，末行也有换行），运行 <code>sha256sum pool.txt</code>，输出应为上表的备选池 SHA-256。</li>\n"
    )
    if record.strata:
        out.append(
            "<li>抽中名单（按风险等级分级抽取）：对记录中 <code>strata</code> 的每一层分别复算：把该层的 <code>pool</code> "
            "逐行存为 <code>pool.txt</code>，取该层的 <code>k</code>，用同一种子、同一算法抽取；各层抽中名单依次相接即为上表，"
            "命令和一条 DuckDB SQL 见 docs/draw-algorithm.md 第 10 节。</li>\n"
        )
    elif record.algorithm == "sha256-rank":
        seed_sh = record.seed.replace("'", "'\\''")
        one_liner = (
            f"seed='{seed_sh}'; n={k}; while IFS= read -r id; do printf '%s %s\\n' "
            "\"$(printf '%s' \"$seed:$id\" | sha256sum | cut -d' ' -f1)\" \"$id\"; done < pool.txt | LC_ALL=C sort | head -n \"$n\""
        )
        out.append(
            "<li>抽中名单：在 Linux、macOS（把 <code>sha256sum</code> 换成 <code>shasum -a 256</code>）或 Windows 的 Git Bash 中运行下面一行，"
            f"输出的 {k} 行应依次为上表抽中企业的排序值和统一社会信用代码：\n<pre>{e(one_liner)}</pre></li>\n"
        )
        if record.new_cycle:
            out.append("<li>本轮开始了新一轮循环：备选池企业全部入选后，差额按同一方法从“抽查范围 − 备选池”中抽取，详见 docs/draw-algorithm.md 第 3、4 节。</li>\n")
    else:
        out.append("<li>抽中名单：按 RFC 3797 第 4 节，用第 1 页的种子（由公开来源拼成）对按代码排序的备选池逐一计算 MD5，详见 docs/draw-algorithm.md 第 5 节。</li>\n")
    out.append("<li>执法人员：对每户按上文的规则排序，结果应与第 1 页一致；也可以运行 <code>ssj verify</code> 一次复核全部摇号。</li>\n</ol>\n")
    return "".join(out)


def render_commitment_sheet(c: Commitment, facts: DrawFacts, void: str | None = None, revealed: str | None = None) -> bytes:
    """The printable commitment (摇号承诺书) of a two-phase draw: its facts, the published text, the signature lines.

    Args:
        c: the commitment file's content (``draw.commit``).
        facts: the commit line's number, time and SHA-256, and the commitment file's.
        void: when the commitment was voided, the date and reason, printed as a warning at the top.
        revealed: when it was revealed, the reveal's date and record, printed at the top.
    """
    e = html.escape
    title = f"{c.draw.get('task_name', c.task)} 第 {c.round} 轮摇号承诺书"
    body = [f"<h1>摇号承诺书</h1>\n<p class=\"sub\">{e(title)}</p>\n"]
    if void:
        body.append(f"<p class=\"void\">本承诺已作废（{e(void)}），不能再揭晓；本表仅作存档。</p>\n")
    if revealed:
        body.append(f"<p class=\"note\">本承诺已揭晓：{e(revealed)}。</p>\n")
    rows = [
        ("抽查工作计划", c.plan),
        ("抽查任务", f"{c.draw.get('task_name', '')}（任务代号 {c.task}），{c.year} 年第 {c.round} 轮"),
        ("承诺日期", chinese_date(c.date)),
        ("公开随机数来源", "；".join(f"第 {i} 组：{g.plan}（{g.numbers} 个数）" for i, g in enumerate(c.groups, start=1))
         + "；揭晓时按此顺序每组给出一次，个数必须相同" if c.groups else c.source_plan),
        ("来源日期", f"{chinese_date(c.source_date)}（此前不能揭晓）"),
        ("抽取方法", METHOD_TEXT.get(c.algorithm, c.algorithm).format(k=c.k)),
        ("备选池", f"{len(c.draw.get('pool', []))} 家；SHA-256 {c.pool_sha256}"),
        ("承诺文本 SHA-256", c.text_sha256),
        ("记入账本", f"{facts.ledger_path} 第 {facts.seq} 号事件，{chinese_datetime(facts.at)}"),
        (f"账本第 {facts.seq} 号事件 SHA-256", facts.line_sha256),
        ("承诺文件", f"{facts.record_path}（SHA-256 {facts.record_sha256}）"),
    ]
    body.append(_rows(rows, frozenset({"承诺文本 SHA-256", f"账本第 {facts.seq} 号事件 SHA-256", "承诺文件"})))
    body.append("<p class=\"note\">请在来源日期之前公布本承诺书（或下面的承诺文本及其 SHA-256）。开奖后，任何人都可以只凭承诺文本"
                "和开奖号码复算抽中的企业；ssj 揭晓时只从上述备选池抽取，备选池或输入文件有任何变化都会拒绝揭晓。</p>\n")
    body.append(_signatures())
    body.append("<section class=\"appendix\">\n<h1>附页：承诺文本</h1>\n")
    body.append(f"<p class=\"sub\">{e(title)}</p>\n<pre>{e(c.text)}</pre>\n</section>\n")
    return page(title, _CSS, "".join(body)).encode("utf-8")
