"""``ssj verify`` of the yearly cap and the 定向 additions (``draw.caps``): who left the draw at their cap, who
was drawn over it, and who was added because they were on the blacklist.

From the ledger alone, for every draw: each ``capped`` and ``over_cap`` entry's checks are the
entity's live checks in the year before the draw (``draw.caps.RunningChecks``), at least its
cap; a capped entity is in the scope and not drawn (and, in a stratified draw, the strata's
``capped`` together are the record's); an over-cap entity is among the picks. From the kept
plan and registry (the plan's ``max_checks_per_year``, each entity's category and grade):
exactly the entities at their cap below 100% left the draw, and exactly the picks at their cap
are listed as over it.

The 定向 additions (``targeted``) are exactly the picks after the k drawn ones, in id order,
without a rank, in scope, none of them drawn, each on the blacklist at the end of the draw day
by the ledger's blacklist lines before the draw; and, when the task sets
``always_include_blacklisted`` (or the record has any addition), every entity of the scope so
listed that the draw did not pick is among them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from shuangsuiji.draw.caps import at_cap, checked_entities, over_cap
from shuangsuiji.draw.record import DrawRecord
from shuangsuiji.records import grade_label


def check_caps(rec: DrawRecord, checks: Mapping[str, int]) -> list[str]:
    """The record's ``capped`` and ``over_cap`` against the year's checks before the draw (from the ledger)."""
    if not rec.capped and not rec.over_cap:
        return []
    out: list[str] = []
    ids = [c.id for c in rec.capped]
    if ids != sorted(set(ids)):
        out.append("已达检查次数上限的名单（capped）未按代码排序，或有重复")
    scope, picks, drawn = set(rec.scope), set(rec.pick_ids), set(rec.pick_ids[:rec.k])
    for what, entries in (("capped", rec.capped), ("over_cap", rec.over_cap)):
        for c in entries:
            n = checks.get(c.id, 0)
            if c.checks != n:
                out.append(f"{what}：{c.id} 本年度此前的有效检查为 {n} 次，记录为 {c.checks} 次")
            if c.checks < c.cap or c.cap < 1:
                out.append(f"{what}：{c.id} 的检查次数 {c.checks} 未达到上限 {c.cap}")
    for c in rec.capped:
        if c.id not in scope or c.id in drawn:  # a 定向 addition at its cap is in both capped and over_cap
            out.append(f"capped：{c.id} 不在抽查范围内，或已达上限却被抽中")
    over = [c.id for c in rec.over_cap]
    if len(set(over)) != len(over) or any(i not in picks for i in over):
        out.append("超过检查次数上限的名单（over_cap）中有重复，或有企业不在抽中名单中")
    if rec.strata and sorted(i for s in rec.strata for i in s.capped) != ids:
        out.append("各风险等级已达上限的名单（strata 的 capped）之和不等于记录的 capped")
    return out


def caps_against_inputs(rec: DrawRecord, inputs: Any, task: Any, checks: Mapping[str, int]) -> list[str]:
    """Who is at their cap, from the unchanged plan's ``max_checks_per_year`` and registry: they, and only they,
    left the draw (unless drawn at 100%), and the picks among them are the record's ``over_cap``."""
    caps = inputs.plan.max_checks
    if caps is None:
        return ["记录中有检查次数上限（capped/over_cap），但摇号时的计划没有 max_checks_per_year"] if rec.capped or rec.over_cap else []
    at = at_cap(inputs.entities_with_ids(checked_entities(checks, rec.scope)).values(), checks, caps)
    out = []
    if rec.strata:
        for s in rec.strata:
            ratio = task.ratio_for(s.grade)
            want = tuple(i for i in sorted((*s.excluded, *s.pool, *s.capped)) if i in at) if ratio != 1 else ()
            if s.capped != want:
                out.append(f"风险等级 {grade_label(s.grade)}：已达检查次数上限而不参加抽取的企业与计划和账本推出的不符")
        want_capped = tuple(sorted((at[i] for s in rec.strata for i in s.capped if i in at), key=lambda c: c.id))
    else:
        want_capped = () if task.ratio == 1 else tuple(at[i] for i in sorted(at))
    if tuple(rec.capped) != want_capped:
        out.append("已达检查次数上限而不参加抽取的企业（capped）与计划的 max_checks_per_year 和账本推出的不符")
    if tuple(rec.over_cap) != over_cap(rec.pick_ids, at):
        out.append("超过检查次数上限仍被抽取的企业（over_cap）与计划的 max_checks_per_year 和账本推出的不符")
    return out



def check_targeted(rec: DrawRecord, listed: frozenset[str]) -> list[str]:
    """The record's 定向 additions against its own picks and scope and the blacklist of the draw day."""
    after = rec.pick_ids[rec.k:]
    if after != list(rec.targeted):
        return ["抽中名单中随机抽取的 k 家之后应恰为定向检查的企业（targeted），记录不符"]
    if not rec.targeted:
        return []
    out = []
    if list(rec.targeted) != sorted(set(rec.targeted)):
        out.append("定向检查的企业（targeted）未按代码排序，或有重复")
    drawn, scope = set(rec.pick_ids[:rec.k]), set(rec.scope)
    if any(i in drawn or i not in scope for i in rec.targeted):
        out.append("定向检查的企业（targeted）中有企业不在抽查范围内，或已被随机抽中")
    if any(p.rank for p in rec.picks[rec.k:]):
        out.append("定向检查的企业不经摇号，不应有排序值")
    missing = [i for i in rec.targeted if i not in listed]
    if missing:
        out.append(f"定向检查的企业 {'、'.join(missing)} 在摇号日（{rec.date}）不在黑名单上（按账本此前的黑名单事件）")
    want = tuple(sorted(i for i in scope if i in listed and i not in drawn))
    if rec.targeted != want:
        out.append("定向检查的企业（targeted）应为摇号日在黑名单上、在范围内而未被随机抽中的全部企业，记录不符")
    return out


def targeted_against_plan(rec: DrawRecord, task: Any, listed: frozenset[str]) -> list[str]:
    """Whether the kept plan's task asks for 定向 additions, and they are the record's."""
    if not task.always_include_blacklisted:
        return ["记录中有定向检查的企业（targeted），但摇号时计划中该任务没有 always_include_blacklisted"] if rec.targeted else []
    drawn = set(rec.pick_ids[:rec.k])
    want = tuple(sorted(i for i in rec.scope if i in listed and i not in drawn))
    if rec.targeted != want:
        return ["计划要求范围内黑名单企业每轮都检查（always_include_blacklisted），记录的定向检查企业与摇号日的黑名单不符"]
    return []
