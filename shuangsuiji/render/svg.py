"""The report's four charts as inline SVG: plain shapes and text labels, no script, no fonts.

Each chart has a ``viewBox`` and scales to the page width; every bar carries its number as
text, so the chart reads the same printed in black and white. Bar lengths are drawn from
the report's exact shares; only the pixel coordinates are rounded.
"""

from __future__ import annotations

from fractions import Fraction
from html import escape

from shuangsuiji.codes import RESULT_CODES
from shuangsuiji.render.layout import short_name
from shuangsuiji.report.records import Report, Share

RESULT_COLORS = {
    "no_problem": "#5b9a3c",
    "rectify": "#e0a800",
    "penalty": "#c0392b",
    "transfer": "#7d4e9e",
    "judicial": "#6e1a1a",
    "not_operating": "#9e9e9e",
}
SERIES = (("draws", "摇号（次）", "#3f6fb5"), ("checks", "检查（户次）", "#5b9a3c"), ("publications", "公示（次）", "#e07b39"))
TRACK = "#eceff3"
INK = "#222"
MUTED = "#666"


def _n(x: float | Fraction) -> str:
    return f"{float(x):.1f}".rstrip("0").rstrip(".")


def _text(x, y, s: str, size: int = 12, anchor: str = "start", fill: str = INK, weight: str = "normal") -> str:
    return (f'<text x="{_n(x)}" y="{_n(y)}" font-size="{size}" text-anchor="{anchor}" fill="{fill}"'
            + (f' font-weight="{weight}"' if weight != "normal" else "") + f">{escape(s)}</text>")


def _rect(x, y, w, h, fill: str, extra: str = "") -> str:
    return f'<rect x="{_n(x)}" y="{_n(y)}" width="{_n(w)}" height="{_n(h)}" fill="{fill}"{extra}/>'


def _svg(width: int, height: int, title: str, body: list[str], css_class: str) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="chart {css_class}" viewBox="0 0 {width} {height}" '
            f'width="100%" role="img" aria-label="{escape(title)}"><title>{escape(title)}</title>'
            + "".join(body) + "</svg>")


def _part(share: Share) -> Fraction:
    return Fraction(min(share.num, share.den), share.den) if share.den else Fraction(0)


def _wrap(text: str, width: int) -> list[str]:
    """Split Chinese text into lines of at most ``width`` characters (two lines at most)."""
    if len(text) <= width:
        return [text]
    return [text[:width], text[width:2 * width - 1] + ("…" if len(text) > 2 * width - 1 else text[2 * width - 1:2 * width])]


def progress_chart(report: Report) -> str:
    """Per task: coverage of the scope against the plan's ratio, checks done, rounds published."""
    left, bar_w, right = 200, 330, 190
    width = left + bar_w + right
    row_h, bar_h, gap = 74, 14, 6
    top = 34
    height = top + row_h * max(1, len(report.tasks)) + 8
    body = [
        _text(left, 14, "覆盖率（虚线为计划抽查比例）", 11, fill=MUTED),
        _rect(left + 176, 5, 10, 10, "#3f6fb5"), _text(left + 190, 14, "覆盖", 11, fill=MUTED),
        _rect(left + 226, 5, 10, 10, "#5b9a3c"), _text(left + 240, 14, "检查完成", 11, fill=MUTED),
        _rect(left + 300, 5, 10, 10, "#e07b39"), _text(left + 314, 14, "公示完成", 11, fill=MUTED),
    ]
    for n, row in enumerate(report.tasks):
        y0 = top + n * row_h
        for k, line in enumerate(_wrap(short_name(row.task, report.year), 13)):
            body.append(_text(0, y0 + 14 + k * 16, line, 12, weight="bold" if k == 0 else "normal"))
        body.append(_text(0, y0 + 14 + 2 * 16, f"{row.task.ratio_text()} · {'已结束' if row.period_ended else '进行中'}", 11, fill=MUTED))
        t = row.tally
        bars = (
            (t.coverage, "#3f6fb5", f"抽中 {t.covered}/{t.scope} 家 {t.coverage.text()}"),
            (Share(t.inspected, t.picks), "#5b9a3c", f"已检查 {t.inspected}/{t.picks} 户次"),
            (Share(t.publications["on_time"] + t.publications["late"], t.rounds_drawn), "#e07b39",
             f"已公示 {t.publications['on_time'] + t.publications['late']}/{t.rounds_drawn} 轮"
             + (f"（逾期 {t.publications['late']}）" if t.publications["late"] else "")),
        )
        for k, (share, color, label) in enumerate(bars):
            y = y0 + 4 + k * (bar_h + gap)
            body.append(_rect(left, y, bar_w, bar_h, TRACK))
            w = bar_w * _part(share)
            if w:
                body.append(_rect(left, y, w, bar_h, color))
            body.append(_text(left + bar_w + 8, y + bar_h - 2, label, 11))
        share = Fraction(row.task.ratio) if row.task.ratio is not None and not row.task.stratified else (
            Fraction(row.per_round, row.tally.scope) if row.tally.scope else Fraction(0))  # a stratified task: k / N
        mark = left + bar_w * share
        body.append(f'<line x1="{_n(mark)}" y1="{y0}" x2="{_n(mark)}" y2="{y0 + 4 + bar_h + 4}" stroke="{INK}" '
                    'stroke-width="1.5" stroke-dasharray="3,2"/>')
    if not report.tasks:
        body.append(_text(left, top + 20, "计划中没有任务", 12, fill=MUTED))
    return _svg(width, height, "各任务进度与计划", body, "chart-progress")


def results_chart(report: Report) -> str:
    """Picks by the result in force, one bar per result code."""
    left, bar_w, right = 170, 400, 150
    width = left + bar_w + right
    bar_h, gap, top = 20, 10, 8
    codes = list(RESULT_CODES)
    height = top + len(codes) * (bar_h + gap) + 22
    counts = report.totals.results
    total = report.totals.inspected
    biggest = max([counts.get(c, 0) for c in codes] + [1])
    body = []
    for k, code in enumerate(codes):
        y = top + k * (bar_h + gap)
        n = counts.get(code, 0)
        body.append(_text(left - 8, y + bar_h - 5, RESULT_CODES[code], 12, anchor="end"))
        body.append(_rect(left, y, bar_w, bar_h, TRACK))
        if n:
            body.append(_rect(left, y, bar_w * Fraction(n, biggest), bar_h, RESULT_COLORS[code]))
        body.append(_text(left + bar_w + 8, y + bar_h - 5, f"{n} 户次（{Share(n, total).text()}）", 12))
    body.append(_text(left, height - 6, f"共 {total} 户次已登记检查结果；百分比为占已检查户次的比例", 11, fill=MUTED))
    return _svg(width, height, "检查结果分布", body, "chart-results")


def _month_label(month: str, year: int) -> str:
    y, m = month.split("-")
    return f"{int(m)}月" if int(y) == year else f"{y[2:]}年{int(m)}月"


def timeline_chart(report: Report) -> str:
    """Draws, checks and publications per month, as grouped bars with their counts."""
    months = report.timeline
    left, top, plot_h, bottom = 34, 28, 190, 40
    group = 56
    width = left + group * len(months) + 10
    height = top + plot_h + bottom
    biggest = max([getattr(m, key) for m in months for key, _, _ in SERIES] + [1])
    step = max(1, -(-biggest // 4))
    scale_top = step * 4
    body = []
    x = left
    for key, label, color in SERIES:
        body.append(_rect(x, 6, 10, 10, color))
        body.append(_text(x + 14, 15, label, 11, fill=MUTED))
        x += 104
    for i in range(5):
        v = step * i
        y = top + plot_h - Fraction(plot_h * v, scale_top)
        body.append(f'<line x1="{left}" y1="{_n(y)}" x2="{width - 6}" y2="{_n(y)}" stroke="#d9dde3" stroke-width="1"/>')
        body.append(_text(left - 4, y + 4, str(v), 10, anchor="end", fill=MUTED))
    bar_w = 14
    for g, m in enumerate(months):
        gx = left + g * group + (group - 3 * bar_w - 4) / 2
        for k, (key, _, color) in enumerate(SERIES):
            v = getattr(m, key)
            bx = gx + k * (bar_w + 2)
            if v:
                h = Fraction(plot_h * v, scale_top)
                body.append(_rect(bx, top + plot_h - h, bar_w, h, color))
                body.append(_text(bx + bar_w / 2, top + plot_h - h - 3, str(v), 10, anchor="middle"))
        body.append(_text(left + g * group + group / 2, top + plot_h + 16, _month_label(m.month, report.year), 11, anchor="middle"))
    body.append(f'<line x1="{left}" y1="{top + plot_h}" x2="{width - 6}" y2="{top + plot_h}" stroke="{INK}" stroke-width="1"/>')
    return _svg(width, height, "月度进度", body, "chart-timeline")


def credit_chart(report: Report) -> str:
    """Per credit-risk grade: the checks (户次, against the grade with most) and the share of checks that found problems."""
    left, bar_w, right = 130, 360, 230
    width = left + bar_w + right
    row_h, bar_h, gap, top = 50, 14, 6, 24
    grades = report.credit.grades
    height = top + row_h * len(grades) + 8
    biggest = max([g.picks for g in grades] + [1])
    body = [
        _rect(left, 5, 10, 10, "#3f6fb5"), _text(left + 14, 14, "抽查户次", 11, fill=MUTED),
        _rect(left + 90, 5, 10, 10, "#c0392b"), _text(left + 104, 14, "问题发现率（满格为 100%）", 11, fill=MUTED),
    ]
    for n, g in enumerate(grades):
        y0 = top + n * row_h
        body.append(_text(0, y0 + 14, g.label, 12, weight="bold"))
        body.append(_text(0, y0 + 30, f"在营 {g.entities} 家", 11, fill=MUTED))
        bars = (
            (Fraction(g.picks, biggest), "#3f6fb5", f"{g.picks} 户次（抽中 {g.drawn} 家）"),
            (_part(g.problem_share), "#c0392b", f"{g.problem_share.text()}（{g.found_problems}/{g.problem_share.den} 户次）"
             if g.problem_share.den else "— （无已检查户次）"),
        )
        for k, (part, color, label) in enumerate(bars):
            y = y0 + 4 + k * (bar_h + gap)
            body.append(_rect(left, y, bar_w, bar_h, TRACK))
            if part:
                body.append(_rect(left, y, bar_w * part, bar_h, color))
            body.append(_text(left + bar_w + 8, y + bar_h - 2, label, 11))
    return _svg(width, height, "各信用风险等级的抽查户次和问题发现率", body, "chart-credit")
