"""Preparing a draw: the checked inputs, the ledger's rounds, a seed and a timestamp in, the record out.

A draw flows one way: ``resolve_seed`` turns the clerk's --seed / --source (or a seed the
caller generated) into a ``Seed``; ``prepare_draw`` checks the day and the round number,
refuses a seed the ledger already holds, computes the scope, the entities left out because
an earlier round of this cycle drew them, the pool, k, the picks and the teams (by the pure
functions of ``draw.cycle``, ``draw.ranking`` and ``draw.teams``) and returns the
``DrawRecord``. Everything here is pure: the clock, the operating system's random source,
the files and the ledger lock are ``actions.draw``'s.
"""

from __future__ import annotations

import dataclasses
import math
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from shuangsuiji import __version__
from shuangsuiji.codes import SEED_KIND_WORDS
from shuangsuiji.draw.caps import at_cap, checked_entities, over_cap, sorted_entries, targeted_additions, year_checks
from shuangsuiji.draw.cycle import cycle_drawn, draw_round, strata_drawn
from shuangsuiji.draw.ranking import ALGORITHMS, parse_source, rfc3797_key
from shuangsuiji.draw.joint import draw_departments, joint_teams, task_pool
from shuangsuiji.draw.record import (
    CapEntry,
    DrawDepartment,
    DrawRecord,
    ExcludedInspector,
    Pick,
    Stratum,
    ids_sha256,
    schema_for,
)
from shuangsuiji.draw.strata import (
    StrataDraw,
    draw_strata,
    missing_ratios,
    split_by_grade,
    stratum_inputs,
)
from shuangsuiji.draw.teams import Team, assign_teams, reason_text
from shuangsuiji.errors import (
    BadSeed,
    DateOutOfRange,
    EmptyScope,
    InputErrors,
    RoundExists,
    RoundSkipped,
    SeedReused,
    TooManyPicks,
    UnknownAlgorithm,
)
from shuangsuiji.inputs.year import Inputs
from shuangsuiji.ledger.state import Round, RoundKey, seed_round, task_rounds
from shuangsuiji.records import Entity, Inspector, Plan, Task

RFC3797_MAX_PICKS = 65536  # the RFC's selection counter is two bytes


@dataclass(frozen=True)
class DrawRequest:
    """What the clerk asked for: the task, the draw day, and how the seed is to be had."""

    task: str
    day: date
    seed: str | None = None
    sources: tuple[str, ...] = ()
    algorithm: str | None = None
    round: int | None = None
    seed_kind: str | None = None  # --seed-kind: how a --seed was fixed (codes.SEED_KIND_WORDS); None: typed by hand


@dataclass(frozen=True)
class Seed:
    """The seed of a draw, where it came from (a key of codes.SEED_ORIGINS) and the algorithm it feeds."""

    text: str
    origin: str
    algorithm: str
    sources: tuple[tuple[int, ...], ...] = ()


def normalize_seed(text: str) -> str:
    return unicodedata.normalize("NFC", text).strip()


def resolve_seed(req: DrawRequest, generated: str) -> Seed:
    """The seed the request gives, or ``generated`` (fresh random bits the caller drew) when it gives none.

    Raises:
        BadSeed: both --seed and --source, an empty --seed, or a --source that is not integers.
        UnknownAlgorithm: --algorithm names no algorithm ssj has.
    """
    if req.sources and req.seed is not None:
        raise BadSeed("--seed 与 --source 只能二选一", "用 --source 逐个给出公开随机数来源，或用 --seed 直接给出种子")
    if req.seed_kind is not None and (req.seed is None or req.seed_kind.strip().lower() not in SEED_KIND_WORDS):
        raise BadSeed("--seed-kind 只能与 --seed 同用：只有 --seed 需要说明种子是怎样得出的" if req.seed is None
                      else f"--seed-kind 的值 {req.seed_kind} 无法识别",
                      "--seed-kind 写 dice（见证人当场掷骰）或 hand（手工录入，默认），并与 --seed 同用")
    algorithm = req.algorithm
    sources: list[tuple[int, ...]] = []
    if req.sources:
        for i, text in enumerate(req.sources, start=1):
            try:
                sources.append(tuple(parse_source(text)))
            except ValueError:
                raise BadSeed(f"第 {i} 个 --source 无法识别：{text}", "每个来源写一组整数，用空格分隔，如 --source \"2 5 12 8 10\"") from None
        text, origin = rfc3797_key([list(s) for s in sources]), "public"
        algorithm = algorithm or "rfc3797"
    elif req.seed is not None:
        text, origin = normalize_seed(req.seed), SEED_KIND_WORDS[(req.seed_kind or "hand").strip().lower()]
        if not text:
            raise BadSeed("--seed 不能为空", "请填写见证人掷骰结果、公开开奖号码等作为种子，或不写 --seed 由系统生成")
    else:
        text, origin = generated, "generated"
    algorithm = algorithm or "sha256-rank"
    if algorithm not in ALGORITHMS:
        raise UnknownAlgorithm(f"未知的算法 {algorithm}", "可用算法：" + "、".join(ALGORITHMS))
    return Seed(text, origin, algorithm, tuple(sources))


def prepare_draw(
    inputs: Inputs,
    rounds: Mapping[RoundKey, Round],
    req: DrawRequest,
    seed: Seed,
    created_at: str,
    prior_checks: Mapping[str, int] | None = None,
    blacklisted: frozenset[str] = frozenset(),
    checks_before: float = math.inf,
) -> DrawRecord:
    """The complete draw record for the next round of a task.

    Args:
        inputs: the checked plan and registries.
        rounds: ``ledger.state.build_rounds`` of the whole ledger.
        req: the task, draw day and --round asked for.
        seed: from ``resolve_seed``.
        created_at: when the record is made (ISO 8601), written into it.
        prior_checks: inspector id -> checks assigned to them earlier in the year (``draw.teams``).
        blacklisted: the entities on the blacklist on the draw day (``ledger.blacklist.blacklisted_on``): a task
            with ``always_include_blacklisted`` adds those of its scope the draw did not pick (``draw.caps``).
        checks_before: the yearly cap counts the live rounds drawn before this ledger event (a reveal: its
            commit line's, so that it draws what was committed); every round given by default.

    Raises:
        UnknownTask, DateOutOfRange, RoundExists, RoundSkipped, SeedReused, EmptyScope,
        TooManyPicks, NotEnoughInspectors: each names what to change.
    """
    plan = inputs.plan
    task = plan.get_task(req.task)
    _check_day(plan, task, req.day)
    existing = task_rounds(rounds, plan.year, task.id)
    number = _next_number(task, existing, req.round)
    if seed.origin != "committed":  # a committed pool was fixed before its seed existed: reuse steers nothing
        _check_seed_unused(rounds, seed.text)
    live = [r for r in existing if not r.voided]
    checks = year_checks(rounds, plan.year, checks_before) if plan.max_checks is not None else {}  # draw.caps
    if task.stratified:
        sel = _stratified(inputs, task, seed, live, checks)
    else:
        sel = _single(inputs, task, seed, live, checks)
    prior = {i: n for i, n in sorted((prior_checks or {}).items()) if n}
    departments = draw_departments(inputs, task)  # a joint task's departments (draw.joint); () otherwise
    targeted = targeted_additions(sel.scope, sel.picks, blacklisted) if task.always_include_blacklisted else ()
    over = sorted_entries((*sel.over_cap, *(sel.at_cap[i] for i in targeted if i in sel.at_cap))) if targeted else sel.over_cap
    ranked = sel.picks + tuple(("", i) for i in targeted)  # additions have no rank; teams after the drawn picks'
    picks = _picks(inputs, task, plan.local_avoidance, seed.text, ranked, prior, departments)
    return DrawRecord(
        schema=schema_for(sel.strata, departments, sel.capped, over, targeted), algorithm=seed.algorithm, year=plan.year, task=task.id, task_name=task.name,
        round=number, date=req.day.isoformat(), created_at=created_at, ssj_version=__version__, seed=seed.text,
        seed_origin=seed.origin, sources=seed.sources, inputs=dict(inputs.hashes),
        ratio="" if task.ratio is None else str(task.ratio),
        categories=tuple(task.scope), inspectors_per_check=task.inspectors_per_check,
        local_avoidance=plan.local_avoidance, scope=sel.scope, excluded=sel.excluded, pool=sel.pool,
        pool_sha256=ids_sha256(sel.pool), k=sel.k, new_cycle=sel.new_cycle, cycle_picks=sel.cycle_picks,
        inspector_pool=tuple(sorted(i.id for i in task_pool(inputs, task))), picks=picks, prior_checks=prior,
        strata=sel.strata, departments=departments, capped=sel.capped, over_cap=over, targeted=targeted,
    )


@dataclass(frozen=True)
class _Selection:
    """The entities of one round, before teams: scope, exclusions, pool, k and picks (and strata, if any)."""

    scope: tuple[str, ...]
    excluded: tuple[str, ...]
    pool: tuple[str, ...]
    k: int
    picks: tuple[tuple[str, str], ...]  # (rank, id) in pick order
    new_cycle: bool
    cycle_picks: tuple[str, ...]
    strata: tuple[Stratum, ...] = ()
    capped: tuple[CapEntry, ...] = ()  # left out of the draw at their yearly cap (draw.caps)
    over_cap: tuple[CapEntry, ...] = ()  # picks at their cap all the same (100%)
    at_cap: Mapping[str, CapEntry] = dataclasses.field(default_factory=dict)  # everyone in scope at their cap


def _at_cap(inputs: Inputs, scope: list[str] | tuple[str, ...], checks: dict[str, int]) -> dict[str, CapEntry]:
    """The entities of ``scope`` at their yearly cap (``draw.caps``); only those checked this year are looked up."""
    if not checks:
        return {}
    return at_cap(inputs.entities_with_ids(checked_entities(checks, scope)).values(), checks, inputs.plan.max_checks)


def _all_capped(task: Task, n: int) -> EmptyScope:
    return EmptyScope(
        f"任务 {task.id} 的抽查范围内 {n} 家企业本年度的检查次数均已达到上限（max_checks_per_year），没有可抽取的企业",
        "请核对计划中的 max_checks_per_year，或本年度此前各轮的抽中情况（ssj check 列出已达上限的企业）",
    )


def _single(inputs: Inputs, task: Task, seed: Seed, live: list[Round], checks: dict[str, int]) -> _Selection:
    """A single-ratio draw: k = ceil(N x ratio) from the pool of the whole scope (less those at their cap)."""
    full = sorted(inputs.scope_ids(task))
    at = _at_cap(inputs, full, checks)
    capped = {} if task.ratio == 1 else at  # a 100% task draws everyone, reporting those over their cap
    scope = [i for i in full if i not in capped] if capped else full
    if full and not scope:
        raise _all_capped(task, len(full))
    k = _draw_count(task, scope, seed.algorithm)
    excluded = sorted(cycle_drawn(live).intersection(scope))
    excluded_set = set(excluded)
    pool = [i for i in scope if i not in excluded_set]  # ids are unique and sorted, so the pool is too
    result = draw_round(seed.algorithm, seed.text, scope, excluded_set, k)
    return _Selection(tuple(full), tuple(excluded), tuple(pool), k, tuple(result.picks), result.new_cycle,
                      tuple(result.cycle_picks), capped=sorted_entries(capped.values()),
                      over_cap=over_cap([i for _, i in result.picks], at) if not capped else (), at_cap=at)


def _stratified(inputs: Inputs, task: Task, seed: Seed, live: list[Round], checks: dict[str, int]) -> _Selection:
    """A draw per credit-risk grade (``draw.strata``); every grade in scope must have a ratio."""
    by_grade = split_by_grade(inputs.scope_graded(task))
    if not by_grade:
        raise EmptyScope(f"任务 {task.id} 的抽查范围内没有在营企业", "请检查名录库中该类别企业的状态，或计划中的 scope")
    problems = missing_ratios(task, by_grade)
    if problems:
        raise InputErrors(problems)
    ratios = {g: task.ratio_for(g) for g in by_grade}
    at = _at_cap(inputs, [i for ids in by_grade.values() for i in ids], checks)
    capped = {g: tuple(i for i in ids if i in at) if ratios[g] != 1 else () for g, ids in by_grade.items()}
    if at:  # each stratum below 100% draws from its grade less those at their cap
        eligible = {g: tuple(i for i in ids if i not in set(capped[g])) for g, ids in by_grade.items()}
        if not any(eligible.values()):
            raise _all_capped(task, sum(map(len, by_grade.values())))
    else:
        eligible = by_grade
    result = draw_strata(seed.algorithm, seed.text, stratum_inputs(ratios, eligible, strata_drawn(live)))  # type: ignore[arg-type]
    if at:
        result = StrataDraw(tuple(dataclasses.replace(s, capped=capped[s.grade]) for s in result.strata), result.picks)
    if not result.k:
        raise EmptyScope(
            f"任务 {task.id} 按风险等级计算，各等级的抽取家数均为 0（{task.ratio_text()}）",
            "请核对计划中该任务的 ratio_by_risk，或名录库中企业的风险等级",
        )
    if seed.algorithm == "rfc3797" and max(s.k for s in result.strata) > RFC3797_MAX_PICKS:
        raise TooManyPicks(f"rfc3797 算法一次最多抽取 {RFC3797_MAX_PICKS} 家", "RFC 3797 的序号只有两个字节；请改用默认的 sha256-rank 算法")
    scope = tuple(sorted(i for ids in by_grade.values() for i in ids))
    excluded = tuple(sorted(i for s in result.strata for i in s.excluded))
    pool = tuple(sorted(i for s in result.strata for i in s.pool))
    gone = {i for ids in capped.values() for i in ids}
    return _Selection(scope, excluded, pool, result.k, result.picks, result.new_cycle, result.cycle_picks, result.strata,
                      capped=sorted_entries(at[i] for i in gone), over_cap=over_cap([i for _, i in result.picks], at), at_cap=at)


def _check_day(plan: Plan, task: Task, day: date) -> None:
    if day.year < plan.year:
        raise DateOutOfRange(f"摇号日期 {day} 早于计划年度 {plan.year}", f"请用 --today 写 {plan.year} 年内的实际摇号日期")
    if day > task.end:
        raise DateOutOfRange(
            f"摇号日期 {day} 晚于任务 {task.id} 的抽查时间（{task.start} 至 {task.end}）",
            "抽查时间结束后不能再摇号；补录历史摇号请用 --today 写实际摇号日期",
        )


def _next_number(task: Task, existing: list[Round], asked: int | None) -> int:
    """The number of the round to draw; refuses a --round that is not it."""
    number = (existing[-1].number + 1) if existing else 1
    if asked is None or asked == number:
        return number
    if any(r.number == asked for r in existing):
        raise RoundExists(
            f"{task.id} 第 {asked} 轮已经摇过号，摇号结果不能重摇或覆盖",
            f"如需作废请用 ssj void --task {task.id} --round {asked} --reason ...；下一轮是第 {number} 轮",
        )
    raise RoundSkipped(f"{task.id} 的下一轮是第 {number} 轮，不能跳到第 {asked} 轮", f"请用 --round {number}，或不写 --round")


def _check_seed_unused(rounds: Mapping[RoundKey, Round], seed: str) -> None:
    earlier = seed_round(rounds, seed)
    if earlier is not None:
        state = "，该轮已作废" if earlier.voided else ""
        raise SeedReused(
            f"种子“{seed}”已用于 {earlier.year} 年 {earlier.task} 第 {earlier.number} 轮（{earlier.draw_date} 摇号{state}），不能再用",
            "种子公开后，用它摇号的结果可以事先算出；请现场另取新的种子（重新掷骰、新一期开奖号码），或不写 --seed 由系统生成",
        )


def _draw_count(task: Task, scope: list[str], algorithm: str) -> int:
    if not scope:
        raise EmptyScope(f"任务 {task.id} 的抽查范围内没有在营企业", "请检查名录库中该类别企业的状态，或计划中的 scope")
    k = task.draw_count(len(scope))
    if algorithm == "rfc3797" and k > RFC3797_MAX_PICKS:
        raise TooManyPicks(
            f"rfc3797 算法一次最多抽取 {RFC3797_MAX_PICKS} 家，本次需抽取 {k} 家",
            "RFC 3797 的序号只有两个字节；请改用默认的 sha256-rank 算法",
        )
    return k


def _picks(
    inputs: Inputs, task: Task, local_avoidance: bool, seed: str, ranked: tuple[tuple[str, str], ...], prior: Mapping[str, int],
    departments: tuple[DrawDepartment, ...] = (),
) -> tuple[Pick, ...]:
    """The picks with their teams, in pick order: from the task's own department's inspectors, or each joint department's."""
    by_id = inputs.entities_with_ids(i for _, i in ranked)  # only the picks: the registry may hold millions
    picked: list[Entity] = [by_id[i] for _, i in ranked]
    if departments:
        groups = [(d, inputs.department_inspectors(d.code)) for d in departments]
        teams = joint_teams(seed, picked, groups, local_avoidance, prior)
    else:
        teams = assign_teams(seed, picked, task_pool(inputs, task), task.inspectors_per_check, local_avoidance, prior)
    names = {i.id: i.name for i in inputs.inspectors}
    entries = _ExclusionEntries(inputs.inspectors)
    return tuple(
        Pick(
            entity=e.id, rank=rank, inspectors=team.inspectors, name=e.name, category=e.category, town=e.town,
            inspector_names=tuple(names[i] for i in team.inspectors), excluded_inspectors=entries.of(team),
        )
        for (rank, _), e, team in zip(ranked, picked, teams)
    )


class _ExclusionEntries:
    """Picks with the same exclusions (most picks of a category) share one tuple of entries."""

    def __init__(self, inspectors: tuple[Inspector, ...]) -> None:
        self.first: dict[str, Inspector] = {}
        for i in inspectors:
            self.first.setdefault(i.id, i)  # what inputs.inspector(id) returns, without a scan per call
        self.shared: dict[tuple[tuple[str, str], ...], tuple[ExcludedInspector, ...]] = {}

    def of(self, team: Team) -> tuple[ExcludedInspector, ...]:
        found = self.shared.get(team.excluded)
        if found is None:
            found = self.shared[team.excluded] = tuple(
                ExcludedInspector(iid, code, reason_text(code, self.first.get(iid))) for iid, code in team.excluded
            )
        return found
