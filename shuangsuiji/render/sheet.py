"""The draw record sheet (摇号记录表): one printable A4 page per round, for the file and for signing.

The plan asks that the draw "be recorded" (具体摇号过程应予以记录). The sheet prints what the
draw record and its ledger line hold, in words a reader can check: the plan and task, the
draw date and time, the algorithm and the seed and where the seed came from, the scope,
the entities excluded as already drawn, the pool's size and SHA-256, the picks with their
rank and inspectors, the inspectors left out and why, the record's SHA-256, how to re-check
all of it with ``sha256sum`` and no ssj, and lines for the signatures of the person who ran
the draw (摇号人), the supervisor (监督人) and the witness (见证人).

``render_sheet`` is pure: the record, the plan and a few ledger facts in, HTML bytes out.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Mapping

from shuangsuiji.codes import SEED_ORIGINS
from shuangsuiji.draw.record import DrawRecord
from shuangsuiji.inputs.plan import period_label
from shuangsuiji.records import Plan, Task

ALGORITHM_TEXT = {
    "sha256-rank": "sha256-rank：每家企业的排序值为 SHA-256(种子:统一社会信用代码)，取排序值最小的 k 家",
    "rfc3797": "rfc3797：IETF RFC 3797 公开可验证抽取法",
}

_CSS = """\
@page { size: A4 portrait; margin: 15mm 14mm; }
body { font-family: "SimSun", "Songti SC", "Noto Serif CJK SC", "Source Han Serif SC", serif; font-size: 10.5pt; color: #000; margin: 0; line-height: 1.45; }
h1 { font-size: 18pt; text-align: center; margin: 0 0 5mm; letter-spacing: 0.3em; font-family: "SimHei", "Heiti SC", "Noto Sans CJK SC", sans-serif; }
h2 { font-size: 12pt; margin: 5mm 0 2mm; font-family: "SimHei", "Heiti SC", "Noto Sans CJK SC", sans-serif; }
table { width: 100%; border-collapse: collapse; }
th, td { border: 0.6pt solid #000; padding: 1.2mm 1.5mm; vertical-align: top; text-align: left; }
th { background: #eee; white-space: nowrap; }
table.facts th { width: 26%; }
table.picks { font-size: 9pt; }
table.picks td.c { text-align: center; white-space: nowrap; }
td.uscc { font-family: "Consolas", "DejaVu Sans Mono", monospace; font-size: 8.5pt; white-space: nowrap; }
.nw { white-space: nowrap; }
code, .mono { font-family: "Consolas", "DejaVu Sans Mono", monospace; font-size: 8.5pt; word-break: break-all; }
pre { font-family: "Consolas", "DejaVu Sans Mono", monospace; font-size: 8pt; white-space: pre-wrap; word-break: break-all; border: 0.6pt solid #888; padding: 2mm; margin: 1mm 0 2mm; }
thead { display: table-header-group; }
tr { page-break-inside: avoid; break-inside: avoid; }
p.void { border: 1.2pt solid #000; padding: 2mm; font-weight: bold; text-align: center; }
ol.steps li { margin-bottom: 1.5mm; }
.signs { margin-top: 8mm; page-break-inside: avoid; break-inside: avoid; }
.signs table td { border: none; padding: 5mm 2mm 1mm; width: 33%; }
.line { display: inline-block; border-bottom: 0.6pt solid #000; width: 32mm; }
@media screen { body { max-width: 210mm; margin: 10mm auto; padding: 0 8mm; } }
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


def render_sheet(
    plan: Plan,
    task: Task,
    record: DrawRecord,
    facts: DrawFacts,
    names: Mapping[str, str] | None = None,
    void: str | None = None,
) -> bytes:
    """The printable HTML sheet of one round.

    Args:
        record: the round's draw record, as written to draws/<year>/.
        facts: the ledger line's number, time and the record's SHA-256.
        names: inspector id -> name, for inspectors the record names only by id.
        void: when the round was voided, the date and reason, printed as a warning at the top.
    """
    e = html.escape
    names = dict(names or {})
    for p in record.picks:
        names.update(zip(p.inspectors, p.inspector_names))
    labels = plan.categories
    title = f"{task.name} 第 {record.round} 轮摇号记录表"
    origin = SEED_ORIGINS.get(record.seed_origin, record.seed_origin)
    facts_rows = [
        ("抽查工作计划", f"{plan.title}（{plan.document}）"),
        ("抽查任务", f"{task.name}（任务代号 {task.id}）"),
        ("抽查类型 / 事项", f"{task.type}；{task.matter}"),
        ("抽查对象范围 / 比例", f"{task.scope_label}；{task.ratio_text()}"),
        ("抽查时间", period_label(task.start, task.end)),
        ("抽查发起部门", task.department),
        ("轮次", f"第 {record.round} 轮"),
        ("摇号日期", record.date),
        ("记录生成时间", record.created_at),
        ("记入账本", f"{facts.ledger_path} 第 {facts.seq} 号事件，{facts.at}"),
        ("抽取算法", ALGORITHM_TEXT.get(record.algorithm, record.algorithm)),
        ("种子", record.seed),
        ("种子来源", origin),
    ]
    for i, src in enumerate(record.sources, start=1):
        facts_rows.append((f"公开来源 {i}", " ".join(str(x) for x in src)))
    cycle = "；备选池不足 k 家，余下全部入选，差额从本周期已抽过的企业中抽取，开始新一轮循环" if record.new_cycle else ""
    facts_rows += [
        ("抽查范围", f"{len(record.scope)} 家（类别：{'、'.join(labels.get(c, c) for c in record.categories)}，状态为在营）"),
        ("排除此前已抽中", f"{len(record.excluded)} 家"),
        ("备选池", f"{len(record.pool)} 家"),
        ("备选池 SHA-256", record.pool_sha256),
        ("抽取家数 k", f"{record.k} 家（ceil({len(record.scope)} × {task.ratio_text()})）{cycle}"),
        ("每户执法人员", f"{record.inspectors_per_check} 名" + ("；属地回避" if record.local_avoidance else "")),
        ("摇号记录文件", facts.record_path),
        ("记录文件 SHA-256", facts.record_sha256),
        (f"账本第 {facts.seq} 号事件 SHA-256", facts.line_sha256),
    ]
    mono = {"种子", "备选池 SHA-256", "记录文件 SHA-256", "摇号记录文件", f"账本第 {facts.seq} 号事件 SHA-256"}
    body = [f"<h1>摇号记录表</h1>\n<p style=\"text-align:center;margin:-3mm 0 4mm\">{e(title)}</p>\n"]
    if void:
        body.append(f"<p class=\"void\">本轮已作废（{e(void)}），抽中的企业已回到备选池；本表仅作存档。</p>\n")
    body.append("<table class=\"facts\">\n")
    for k, v in facts_rows:
        cell = f"<span class=\"mono\">{e(v)}</span>" if k in mono else e(v)
        body.append(f"<tr><th>{e(k)}</th><td>{cell}</td></tr>\n")
    body.append("</table>\n")

    body.append(f"<h2>抽中企业及执法检查人员（{len(record.picks)} 户）</h2>\n<table class=\"picks\">\n<thead><tr>")
    body += [f"<th>{h}</th>" for h in ("序号", "企业名称", "统一社会信用代码", "类别", "乡镇", "执法人员")]
    body.append("</tr></thead>\n<tbody>\n")
    for n, p in enumerate(record.picks, start=1):
        team = "、".join(f"<span class=\"nw\">{e(nm)}（{e(i)}）</span>" for nm, i in zip(p.inspector_names, p.inspectors))
        body.append(
            f"<tr><td class=\"c\" rowspan=\"2\">{n}</td><td>{e(p.name)}</td><td class=\"uscc\">{e(p.entity)}</td>"
            f"<td class=\"c\">{e(labels.get(p.category, p.category))}</td><td class=\"c\">{e(p.town)}</td>"
            f"<td>{team}</td></tr>\n"
            f"<tr><td colspan=\"5\">排序值：<span class=\"mono\">{e(str(p.rank))}</span></td></tr>\n"
        )
    body.append("</tbody>\n</table>\n")

    left = _left_out(record, names)
    body.append("<h2>未被派出的执法人员及原因</h2>\n")
    if left:
        body.append("<table class=\"picks\">\n<thead><tr><th>执法人员</th><th>原因</th><th>涉及企业</th></tr></thead>\n<tbody>\n")
        for label, reason, which in left:
            body.append(f"<tr><td>{e(label)}</td><td>{e(reason)}</td><td>{e(which)}</td></tr>\n")
        body.append("</tbody>\n</table>\n")
    else:
        body.append("<p>无：所有执法人员均可派往每一户。</p>\n")
    body.append("<p>其余可派人员按（本次已分派户数，SHA-256(种子:统一社会信用代码:执法证号)）从小到大排序，取前几名组成检查组。</p>\n")

    body.append("<h2>如何不用 ssj 复核本次摇号</h2>\n<ol class=\"steps\">\n")
    body.append(
        f"<li>账本未被整体改写：运行 <code>ssj verify --expect {e(facts.line_sha256)}</code>，"
        "或自己计算账本每一行（不含换行符）的 SHA-256，其中应有一行等于上表的账本事件 SHA-256；"
        "由于每一行都记着上一行的 SHA-256，这一行之前的账本都不能再被改动。</li>\n"
    )
    body.append(
        f"<li>记录文件未被改动：在工作区文件夹中运行 <code>sha256sum {e(facts.record_path)}</code>，"
        f"输出应为上表的记录文件 SHA-256；它也写在账本 {e(facts.ledger_path)} 第 {facts.seq} 号事件的 <code>record_sha256</code> 中。</li>\n"
    )
    body.append(
        "<li>备选池未被改动：把记录文件中 <code>pool</code> 列表的统一社会信用代码逐行存为 <code>pool.txt</code>"
        "（UTF-8、无 BOM、行尾为 LF，末行也有换行），运行 <code>sha256sum pool.txt</code>，输出应为上表的备选池 SHA-256。</li>\n"
    )
    if record.algorithm == "sha256-rank":
        seed_sh = record.seed.replace("'", "'\\''")
        one_liner = (
            f"seed='{seed_sh}'; k={record.k}; while IFS= read -r id; do printf '%s %s\\n' "
            "\"$(printf '%s' \"$seed:$id\" | sha256sum | cut -d' ' -f1)\" \"$id\"; done < pool.txt | LC_ALL=C sort | head -n \"$k\""
        )
        body.append(
            "<li>抽中名单：在 Linux、macOS（把 <code>sha256sum</code> 换成 <code>shasum -a 256</code>）或 Windows 的 Git Bash 中运行下面一行，"
            "输出的 k 行应依次为上表抽中企业的排序值和统一社会信用代码：\n"
            f"<pre>{e(one_liner)}</pre></li>\n"
        )
        if record.new_cycle:
            body.append("<li>本轮开始了新一轮循环：备选池企业全部入选后，差额按同一方法从“抽查范围 − 备选池”中抽取，详见 docs/draw-algorithm.md 第 3、4 节。</li>\n")
    else:
        body.append("<li>抽中名单：按 RFC 3797 第 4 节，用上表的种子（由公开来源拼成）对按代码排序的备选池逐一计算 MD5，详见 docs/draw-algorithm.md 第 5 节。</li>\n")
    body.append("<li>执法人员：对每户按上文的规则排序，结果应与上表一致；也可以运行 <code>ssj verify</code> 一次复核全部摇号。</li>\n</ol>\n")

    body.append("<div class=\"signs\"><table><tr>")
    for role in ("摇号人", "监督人", "见证人"):
        body.append(f"<td>{role}（签字）：<span class=\"line\"></span><br><br>日期：<span class=\"line\"></span></td>")
    body.append("</tr></table></div>\n")
    return (
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
        f"<title>{e(title)}</title>\n<style>\n{_CSS}</style>\n</head>\n<body>\n{''.join(body)}</body>\n</html>\n"
    ).encode("utf-8")
