"""``ssj verify`` of a stratified draw (``draw.strata``): each stratum re-derived from the record and the ledger.

For every stratum of the record: its grade is in order and appears once; its scope (the
excluded plus the pool) has ``size`` entities; the excluded are those its cycle drew before
(``draw.cycle.strata_drawn`` of the ledger's earlier rounds); ``k = ceil(size x ratio)``; its
picks and their ranks follow from the seed. The record's top-level scope, excluded, pool, k,
new_cycle and cycle_picks must be the strata's put together, and where the plan and registry
are unchanged, each stratum's scope and ratio must be the plan's and the registry's.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from shuangsuiji.codes import STRATUM_ORDER
from shuangsuiji.draw.cycle import strata_drawn
from shuangsuiji.draw.record import DrawRecord, ids_sha256
from shuangsuiji.draw.strata import StratumInput, draw_stratum
from shuangsuiji.ledger.state import Round
from shuangsuiji.records import Task, grade_label, stratum_count


def _ratio(text: str) -> Decimal | None:
    try:
        value = Decimal(text)
    except (InvalidOperation, TypeError, ValueError):
        return None
    return value if value.is_finite() and 0 <= value <= 1 else None


def check_strata(rec: DrawRecord, prior: list[Round], seq: int | None = None) -> tuple[list[str], bool]:
    """Each stratum's exclusions (from the rounds and replacements before ledger event ``seq``), pool
    and k, and the top-level fields as their union; whether every k is right, so that the picks can
    be drawn again."""
    out: list[str] = []
    grades = [s.grade for s in rec.strata]
    order = {g: n for n, g in enumerate(STRATUM_ORDER)}
    if any(g not in order for g in grades) or grades != sorted(set(grades), key=order.__getitem__):
        return ["分级抽取（strata）的风险等级重复、未知或不按 A、B、C、D、未定级的顺序"], False
    drawn = strata_drawn(prior, seq)
    counts_ok = True
    for s in rec.strata:
        name = f"风险等级 {grade_label(s.grade)}"
        scope = set(s.excluded) | set(s.pool)
        if len(scope) != s.size or len(s.excluded) + len(s.pool) != s.size:
            out.append(f"{name}：排除名单与备选池合计应为该等级的范围 {s.size} 家")
        if sorted(drawn.get(s.grade, set()) & scope) != list(s.excluded):
            out.append(f"{name}：排除名单与此前各轮该等级的抽中情况不符")
        if list(s.pool) != sorted(s.pool) or s.pool_sha256 != ids_sha256(s.pool):
            out.append(f"{name}：备选池未排序，或 pool_sha256 与备选池不符")
        ratio = _ratio(s.ratio)
        if ratio is None:
            out.append(f"{name}：记录中的抽查比例 {s.ratio} 无法识别")
            counts_ok = False
        elif stratum_count(s.size, ratio) != s.k:
            out.append(f"{name}：抽取家数应为 {stratum_count(s.size, ratio)}（{s.size} 家 × 比例 {s.ratio}），记录为 {s.k}")
            counts_ok = False
    out += _union_problems(rec)
    return out, counts_ok


def _union_problems(rec: DrawRecord) -> list[str]:
    out = []
    scope = sorted(i for s in rec.strata for i in (*s.excluded, *s.pool, *s.capped))
    if scope != list(rec.scope):
        out.append("抽查范围不等于各风险等级范围之和")
    if sorted(i for s in rec.strata for i in s.excluded) != list(rec.excluded):
        out.append("排除名单不等于各风险等级排除名单之和")
    if sorted(i for s in rec.strata for i in s.pool) != list(rec.pool) or rec.pool_sha256 != ids_sha256(rec.pool):
        out.append("备选池不等于各风险等级备选池之和，或 pool_sha256 与备选池不符")
    k = sum(s.k for s in rec.strata)
    if k != rec.k:
        out.append(f"抽取家数应为各等级之和 {k}，记录为 {rec.k}")
    if [i for s in rec.strata for i in s.picks] != rec.pick_ids[:rec.k]:
        out.append("抽中名单不等于各风险等级抽中名单依次相接")
    if rec.new_cycle != any(s.new_cycle for s in rec.strata) or rec.cycle_picks != tuple(i for s in rec.strata for i in s.cycle_picks):
        out.append("新一轮循环的标记与各风险等级的标记不符")
    return out


def redraw_strata(rec: DrawRecord) -> list[str]:
    """Every stratum drawn again from the seed: its picks, ranks and cycle must be the record's."""
    out = []
    ranked = [(p.rank, p.entity) for p in rec.picks[:rec.k]]
    at = 0
    for s in rec.strata:
        ratio = _ratio(s.ratio)
        if ratio is None:  # reported by check_strata, which then skips the redraw
            return out
        scope = tuple(sorted((*s.excluded, *s.pool)))
        try:
            entry, picks = draw_stratum(rec.algorithm, rec.seed, StratumInput(s.grade, ratio, scope, frozenset(s.excluded)))
        except ValueError as exc:
            return out + [f"风险等级 {grade_label(s.grade)}：无法重新摇号：{exc}"]
        if picks != ranked[at:at + s.k] or entry.picks != s.picks:
            out.append(f"风险等级 {grade_label(s.grade)}：按记录的种子重新摇号，抽中名单或排序值与记录不符")
        if entry.new_cycle != s.new_cycle or entry.cycle_picks != s.cycle_picks:
            out.append(f"风险等级 {grade_label(s.grade)}：新一轮循环的标记与重新摇号结果不符")
        at += s.k
    return out


def strata_against_plan(rec: DrawRecord, task: Task, by_grade: dict[str, tuple[str, ...]]) -> list[str]:
    """Each stratum's scope and ratio, as the unchanged plan and registry give them."""
    if not task.stratified:
        return ["记录按风险等级分级抽取，但计划中该任务没有 ratio_by_risk"]
    if not rec.strata:
        return ["计划中该任务按风险等级分级抽取（ratio_by_risk），但记录没有分级（strata）"]
    out = []
    recorded = {s.grade: s for s in rec.strata}
    if list(recorded) != list(by_grade):
        out.append("记录的风险等级与名录库中范围内企业的等级不符")
    for g, ids in by_grade.items():
        s = recorded.get(g)
        if s is None:
            continue
        if tuple(sorted((*s.excluded, *s.pool, *s.capped))) != ids:
            out.append(f"风险等级 {grade_label(g)}：范围与摇号时的名录库（SHA-256 未变）推出的范围不符")
        ratio = task.ratio_for(g)
        if ratio is None or _ratio(s.ratio) != ratio:
            out.append(f"风险等级 {grade_label(g)}：抽查比例 {s.ratio} 与计划不符")
    return out
