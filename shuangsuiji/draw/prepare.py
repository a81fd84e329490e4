"""Rounds of a task: preparing a draw, committing it, voiding it.

A draw flows one way: the checked inputs and the ledger's past rounds go into
``prepare_draw``, which computes the scope, the entities left out because an earlier
round of this cycle drew them, the pool, k, the picks and the teams (all by the pure
functions of ``draw.py``) and returns the record as a dict. ``run_draw`` does that while
holding the ledger lock, then writes the record file atomically and appends the ledger
line that commits it. Nothing is ever overwritten.
"""

from __future__ import annotations

import secrets
import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Any

from shuangsuiji import __version__
from shuangsuiji.draw.cycle import cycle_drawn, draw_round
from shuangsuiji.draw.ranking import ALGORITHMS, parse_source, rfc3797_key
from shuangsuiji.draw.record import ids_sha256
from shuangsuiji.draw.teams import assign_teams, reason_text
from shuangsuiji.errors import (
    RoundExists,
    SsjError,
    UnknownTask,
)
from shuangsuiji.inputs.year import Inputs
from shuangsuiji.ledger.chain import LedgerEvent, now_china
from shuangsuiji.ledger.state import build_rounds, task_rounds
from shuangsuiji.records import Inspector, Task

RECORD_SCHEMA = "ssj.draw/1"
RFC3797_MAX_PICKS = 65536  # the RFC's selection counter is two bytes


@dataclass(frozen=True)
class DrawRequest:
    task: str
    day: date
    seed: str | None = None
    sources: tuple[str, ...] = ()
    algorithm: str | None = None
    round: int | None = None


def normalize_seed(text: str) -> str:
    return unicodedata.normalize("NFC", text).strip()


def resolve_seed(req: DrawRequest) -> tuple[str, str, str, list[list[int]]]:
    """(seed, origin, algorithm, sources) from the request."""
    algorithm = req.algorithm
    if req.sources and req.seed is not None:
        raise SsjError("--seed 与 --source 只能二选一", "用 --source 逐个给出公开随机数来源，或用 --seed 直接给出种子")
    sources: list[list[int]] = []
    if req.sources:
        for i, text in enumerate(req.sources, start=1):
            try:
                sources.append(parse_source(text))
            except ValueError:
                raise SsjError(f"第 {i} 个 --source 无法识别：{text}", "每个来源写一组整数，用空格分隔，如 --source \"2 5 12 8 10\"") from None
        seed, origin = rfc3797_key(sources), "public"
        algorithm = algorithm or "rfc3797"
    elif req.seed is not None:
        seed, origin = normalize_seed(req.seed), "given"
        if not seed:
            raise SsjError("--seed 不能为空", "请填写见证人掷骰结果、公开开奖号码等作为种子，或不写 --seed 由系统生成")
    else:
        seed, origin = secrets.token_hex(16), "generated"
    algorithm = algorithm or "sha256-rank"
    if algorithm not in ALGORITHMS:
        raise SsjError(f"未知的算法 {algorithm}", "可用算法：" + "、".join(ALGORITHMS))
    return seed, origin, algorithm, sources


def get_task(inputs: Inputs, task_id: str) -> Task:
    task = inputs.plan.task(task_id)
    if task is None:
        known = "、".join(t.id for t in inputs.plan.tasks)
        raise UnknownTask(f"计划中没有任务 {task_id}", f"可用任务：{known}（见 ssj plan）")
    return task


def prepare_draw(inputs: Inputs, events: list[LedgerEvent], req: DrawRequest) -> dict[str, Any]:
    """The complete draw record for the next round of a task; pure apart from a generated seed."""
    plan = inputs.plan
    task = get_task(inputs, req.task)
    if req.day.year < plan.year:
        raise SsjError(
            f"摇号日期 {req.day} 早于计划年度 {plan.year}",
            f"请用 --today 写 {plan.year} 年内的实际摇号日期",
        )
    if req.day > task.end:
        raise SsjError(
            f"摇号日期 {req.day} 晚于任务 {task.id} 的抽查时间（{task.start} 至 {task.end}）",
            "抽查时间结束后不能再摇号；补录历史摇号请用 --today 写实际摇号日期",
        )
    rounds = build_rounds(events)
    existing = task_rounds(rounds, plan.year, task.id)
    number = (existing[-1].number + 1) if existing else 1
    if req.round is not None and req.round != number:
        if any(r.number == req.round for r in existing):
            raise RoundExists(f"{task.id} 第 {req.round} 轮已经摇过号，摇号结果不能重摇或覆盖", f"如需作废请用 ssj void --task {task.id} --round {req.round} --reason ...；下一轮是第 {number} 轮")
        raise SsjError(f"{task.id} 的下一轮是第 {number} 轮，不能跳到第 {req.round} 轮", f"请用 --round {number}，或不写 --round")
    seed, origin, algorithm, sources = resolve_seed(req)
    scope = inputs.scope_ids(task)
    scope.sort()
    if not scope:
        raise SsjError(f"任务 {task.id} 的抽查范围内没有在营企业", "请检查名录库中该类别企业的状态，或计划中的 scope")
    k = task.draw_count(len(scope))
    if algorithm == "rfc3797" and k > RFC3797_MAX_PICKS:
        raise SsjError(
            f"rfc3797 算法一次最多抽取 {RFC3797_MAX_PICKS} 家，本次需抽取 {k} 家",
            "RFC 3797 的序号只有两个字节；请改用默认的 sha256-rank 算法",
        )
    live = [r for r in existing if not r.voided]
    excluded = sorted(cycle_drawn(live).intersection(scope))
    excluded_set = set(excluded)
    pool = [i for i in scope if i not in excluded_set]  # ids are unique and sorted, so the pool is too
    result = draw_round(algorithm, seed, scope, excluded_set, k)
    by_id = inputs.entities_with_ids(i for _, i in result.picks)  # only the picks: the registry may hold millions
    picked = [by_id[i] for _, i in result.picks]
    teams = assign_teams(seed, picked, inputs.inspectors, task.inspectors_per_check, plan.local_avoidance)
    names = {i.id: i.name for i in inputs.inspectors}
    first_inspector: dict[str, Inspector] = {}
    for i in inputs.inspectors:
        first_inspector.setdefault(i.id, i)  # what inputs.inspector(id) returns, without a scan per call
    # Picks with the same exclusions (most picks of a category) share the read-only entries;
    # each pick still gets its own list.
    shared: dict[tuple[tuple[str, str], ...], list[dict[str, str]]] = {}

    def exclusion_entries(excluded: tuple[tuple[str, str], ...]) -> list[dict[str, str]]:
        found = shared.get(excluded)
        if found is None:
            found = shared[excluded] = [
                {"id": iid, "reason": code, "text": reason_text(code, first_inspector.get(iid))} for iid, code in excluded
            ]
        return found

    picks = []
    for (rank, entity_id), team in zip(result.picks, teams):
        e = by_id[entity_id]
        picks.append({
            "entity": entity_id,
            "rank": rank,
            "inspectors": list(team.inspectors),
            "name": e.name,
            "category": e.category,
            "town": e.town,
            "inspector_names": [names[i] for i in team.inspectors],
            "excluded_inspectors": list(exclusion_entries(team.excluded)),
        })
    return {
        "schema": RECORD_SCHEMA,
        "algorithm": algorithm,
        "year": plan.year,
        "task": task.id,
        "task_name": task.name,
        "round": number,
        "date": req.day.isoformat(),
        "created_at": now_china().isoformat(),
        "ssj_version": __version__,
        "seed": seed,
        "seed_origin": origin,
        "sources": sources,
        "inputs": dict(inputs.hashes),
        "ratio": str(task.ratio),
        "categories": list(task.scope),
        "inspectors_per_check": task.inspectors_per_check,
        "local_avoidance": plan.local_avoidance,
        "scope": scope,
        "excluded": excluded,
        "pool": pool,
        "pool_sha256": ids_sha256(pool),
        "k": k,
        "new_cycle": result.new_cycle,
        "cycle_picks": list(result.cycle_picks),
        "inspector_pool": sorted(i.id for i in inputs.inspectors),
        "picks": picks,
    }


