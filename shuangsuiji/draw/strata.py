"""Stratified draws: one draw per credit-risk grade (a task's ``ratio_by_risk``), pure.

How it works
------------
The task's scope is split by the entities' credit-risk grade (the registry's ``risk``
column: A, B, C, D, or empty). Each part is a *stratum*, taken in the order A, B, C, D,
then the entities without a grade (grade code ``""``, shown as 未定级). Stratum g of N_g
entities with ratio r_g (the task's ``ratio_by_risk`` entry for g, else its ``ratio``)
draws ``k_g = ceil(N_g x r_g)`` entities, computed exactly; a ratio of 0 draws none.

Each stratum is drawn exactly as a single-ratio task is (``draw.cycle.draw_round``): with
the same algorithm and the same seed, from its own pool = its scope less the entities drawn
earlier in its own cycle, starting its own new cycle when its pool holds fewer than k_g.
Under sha256-rank an entity's rank is the same SHA-256(seed:id) as in any draw, so stratum
g takes the k_g smallest ranks among its own pool; under rfc3797 the RFC's selection runs on
the stratum's sorted pool with the same key. An outsider re-derives a stratum from the
record's ``strata`` entry alone (``docs/draw-algorithm.md``).

The round's picks are the strata's picks one stratum after the other, each in its own pick
order; teams are then formed over that list as for any draw.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from shuangsuiji.codes import STRATUM_ORDER
from shuangsuiji.draw.cycle import draw_round
from shuangsuiji.draw.record import Stratum, ids_sha256
from shuangsuiji.errors import InputError
from shuangsuiji.records import Task, grade_label, percent_text, stratum_count


@dataclass(frozen=True)
class StratumInput:
    """What one stratum is drawn from: its grade, ratio, scope and who its cycle already drew."""

    grade: str
    ratio: Decimal
    scope: tuple[str, ...]  # the grade's entities in the task's scope, sorted
    drawn: frozenset[str]  # drawn earlier in this stratum's cycle (only those in scope count)


@dataclass(frozen=True)
class StrataDraw:
    """A stratified draw: each stratum's record entry, and every pick as (rank, id), strata in order."""

    strata: tuple[Stratum, ...]
    picks: tuple[tuple[str, str], ...]

    @property
    def k(self) -> int:
        return sum(s.k for s in self.strata)

    @property
    def new_cycle(self) -> bool:
        return any(s.new_cycle for s in self.strata)

    @property
    def cycle_picks(self) -> tuple[str, ...]:
        return tuple(i for s in self.strata for i in s.cycle_picks)


def split_by_grade(graded_ids: Iterable[tuple[str, str]]) -> dict[str, tuple[str, ...]]:
    """(id, grade) pairs -> grade -> sorted ids, grades in STRATUM_ORDER, only grades that occur.

    The result depends on the set of pairs only, never on their order.
    """
    parts: dict[str, list[str]] = {}
    for entity_id, grade in graded_ids:
        parts.setdefault(grade, []).append(entity_id)
    order = {g: n for n, g in enumerate(STRATUM_ORDER)}
    return {g: tuple(sorted(parts[g])) for g in sorted(parts, key=lambda g: (order.get(g, len(order)), g))}


def draw_stratum(algorithm: str, seed: str, s: StratumInput) -> tuple[Stratum, list[tuple[str, str]]]:
    """One stratum drawn: its record entry and its picks as (rank, id) in pick order."""
    k = stratum_count(len(s.scope), s.ratio)
    excluded = tuple(i for i in s.scope if i in s.drawn)  # scope is sorted, so these are too
    gone = set(excluded)
    pool = tuple(i for i in s.scope if i not in gone)
    result = draw_round(algorithm, seed, s.scope, gone, k)
    entry = Stratum(
        grade=s.grade, ratio=str(s.ratio), size=len(s.scope), k=k, excluded=excluded, pool=pool,
        pool_sha256=ids_sha256(pool), new_cycle=result.new_cycle, cycle_picks=tuple(result.cycle_picks),
        picks=tuple(i for _, i in result.picks),
    )
    return entry, result.picks


def draw_strata(algorithm: str, seed: str, strata: Sequence[StratumInput]) -> StrataDraw:
    """Every stratum drawn with the same algorithm and seed, in the order given (STRATUM_ORDER)."""
    entries: list[Stratum] = []
    picks: list[tuple[str, str]] = []
    for s in strata:
        entry, mine = draw_stratum(algorithm, seed, s)
        entries.append(entry)
        picks.extend(mine)
    return StrataDraw(tuple(entries), tuple(picks))


def stratum_inputs(
    ratios: Mapping[str, Decimal], by_grade: Mapping[str, Sequence[str]], drawn: Mapping[str, set[str]]
) -> list[StratumInput]:
    """The strata to draw: every grade of ``by_grade`` with its ratio and its cycle's drawn entities."""
    return [
        StratumInput(g, ratios[g], tuple(ids), frozenset(drawn.get(g, ())) & frozenset(ids))
        for g, ids in by_grade.items()
    ]


def missing_ratios(task: Task, by_grade: Mapping[str, Sequence[str]]) -> list[InputError]:
    """The problem, at the task's ``ratio_by_risk`` line, when some entities in scope have a grade
    the task gives no ratio for (no grade, or one ratio_by_risk leaves out) and the task has no ``ratio``."""
    lacking = {g: len(ids) for g, ids in by_grade.items() if task.ratio_for(g) is None}
    if not lacking:
        return []
    what = "、".join(f"{grade_label(g)} {n} 家" for g, n in lacking.items())
    return [InputError(
        task.path, task.ratio_by_risk_line or task.line,
        f"任务 {task.id} 的抽查范围内有企业的风险等级在 ratio_by_risk 中没有比例（{what}），而任务没有填写 ratio",
        "没有风险等级（或等级未在 ratio_by_risk 中列出）的企业按任务的 ratio 抽取：请在该任务中加上 ratio（如 ratio: 20%），"
        "或在 ratio_by_risk 中补上该等级，或在名录库 risk 列为这些企业填写风险等级",
    )]


def strata_summary(strata: Sequence[Stratum]) -> str:
    """Each stratum's count in words: A 8 家 × 0% = 0 家；B 12 家 × 10% = 2 家（有小数时进为整数）."""
    parts = []
    for s in strata:
        ratio = percent_text(Decimal(s.ratio))
        cycle = "，开始新一轮循环" if s.new_cycle else ""
        parts.append(f"{grade_label(s.grade)} {s.size} 家 × {ratio} = {s.k} 家{cycle}")
    return "；".join(parts)
