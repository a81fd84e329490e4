"""Rounds of a task: preparing a draw, committing it, voiding it.

A draw flows one way: the checked inputs and the ledger's past rounds go into
``prepare_draw``, which computes the scope, the entities left out because an earlier
round of this cycle drew them, the pool, k, the picks and the teams (all by the pure
functions of ``draw.py``) and returns the record as a dict. ``run_draw`` does that while
holding the ledger lock, then writes the record file atomically and appends the ledger
line that commits it. Nothing is ever overwritten.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import date
from itertools import islice
from pathlib import Path
from typing import Any, Sequence

from shuangsuiji import __version__
from shuangsuiji.draw import (
    ALGORITHMS,
    assign_teams,
    draw_round,
    parse_source,
    reason_text,
    rfc3797_key,
)
from shuangsuiji.errors import LedgerCorrupt, RoundExists, RoundNotFound, SsjError, UnknownTask
from shuangsuiji.events import Round, build_rounds, task_rounds
from shuangsuiji.fileio import atomic_write_bytes
from shuangsuiji.inputs import Inputs
from shuangsuiji.ledger import Ledger, LedgerEvent, load_events, now_china
from shuangsuiji.model import Inspector, Task
from shuangsuiji.workspace import Workspace

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


def cycle_drawn(prior: Sequence[Round]) -> set[str]:
    """Entities drawn in the current cycle by the given (non-voided, ordered) rounds."""
    drawn: set[str] = set()
    for r in prior:
        if r.draw.get("new_cycle"):
            drawn = set(r.draw.get("cycle_picks") or [])
        else:
            drawn |= set(r.picks)
    return drawn


def live_rounds_before(rounds: dict, year: int, task: str, seq: int) -> list[Round]:
    """Rounds of the task drawn before ledger line ``seq`` and not voided before it."""
    out = []
    for r in task_rounds(rounds, year, task):
        if r.draw.seq >= seq:
            continue
        if r.void is not None and r.void.seq < seq:
            continue
        out.append(r)
    return out


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


def ids_sha256(ids: Sequence[str]) -> str:
    """SHA-256 of the ids, one per line, each followed by a newline (what `sha256sum` of a list file gives)."""
    return hashlib.sha256("".join(f"{i}\n" for i in ids).encode("utf-8")).hexdigest()


def record_bytes(record: dict[str, Any]) -> bytes:
    """``(json.dumps(record, ensure_ascii=False, indent=2) + "\\n").encode("utf-8")``, a piece at a time.

    A draw of tens of thousands of picks makes a record of some 100 MB; as one str (two
    bytes a character once there is Chinese in it), plus its copy with the newline, it
    would need several times that before encoding.
    """
    chunks = json.JSONEncoder(ensure_ascii=False, indent=2).iterencode(record)
    pieces = []
    while piece := "".join(islice(chunks, 1 << 16)):
        pieces.append(piece.encode("utf-8"))
    pieces.append(b"\n")
    return b"".join(pieces)


def load_record(ws: Workspace, draw: LedgerEvent, check: bool = True) -> dict[str, Any]:
    """The draw record a ledger line names; with ``check``, refuses bytes that differ from the ledger's hash.

    Raises LedgerCorrupt when the file is missing, altered (with ``check``) or not a JSON object.
    """
    path = ws.draws_dir / str(draw.get("record", ""))
    shown = ws.show(path)
    try:
        data = path.read_bytes()
    except OSError:
        raise LedgerCorrupt(f"{shown}: 摇号记录文件不存在（账本第 {draw.seq} 号事件）", "请从备份恢复该文件，再运行 ssj verify") from None
    if check and hashlib.sha256(data).hexdigest() != draw.get("record_sha256"):
        raise LedgerCorrupt(f"{shown}: 摇号记录的 SHA-256 与账本第 {draw.seq} 号事件不符，文件被改动过", "请运行 ssj verify，并从备份恢复该文件")
    try:
        record = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        record = None
    if not isinstance(record, dict):
        raise LedgerCorrupt(f"{shown}: 摇号记录不是有效的 JSON", "请运行 ssj verify，并从备份恢复该文件")
    return record


def record_path(ws: Workspace, year: int, task: str, number: int) -> Path:
    return ws.year_dir(year) / f"{task}-r{number}.json"


def run_draw(ws: Workspace, inputs: Inputs, req: DrawRequest, dry_run: bool = False) -> tuple[dict[str, Any], LedgerEvent | None]:
    """Prepare a draw and, unless ``dry_run``, commit it; returns (record, ledger event or None).

    The ledger is read, the draw prepared, the record written and the ledger line appended
    all under one hold of the ledger lock, so a void or another draw by a second clerk
    cannot slip in between and leave a record whose exclusions no longer hold.
    """
    shown = ws.show(ws.ledger_path)
    if dry_run:
        return prepare_draw(inputs, load_events(ws.ledger_path, shown), req), None
    ledger = Ledger(ws.ledger_path, shown)
    with ledger.locked():
        record = prepare_draw(inputs, load_events(ws.ledger_path, shown), req)
        return record, _commit(ws, ledger, record)


def _commit(ws: Workspace, ledger: Ledger, record: dict[str, Any]) -> LedgerEvent:
    """Write the record atomically, then append the ledger line that commits it (lock held)."""
    year, task, number = record["year"], record["task"], record["round"]
    path = record_path(ws, year, task, number)
    if path.exists():
        _keep_orphan(path)
    data = record_bytes(record)
    atomic_write_bytes(path, data)
    return ledger.append("draw", {
        "year": year,
        "task": task,
        "round": number,
        "date": record["date"],
        "record": path.relative_to(ws.draws_dir).as_posix(),
        "record_sha256": hashlib.sha256(data).hexdigest(),
        "algorithm": record["algorithm"],
        "seed": record["seed"],
        "k": record["k"],
        "picks": [p["entity"] for p in record["picks"]],
        "new_cycle": record["new_cycle"],
        "cycle_picks": record["cycle_picks"],
    })


def _keep_orphan(path: Path) -> None:
    """A record file with no ledger line is an interrupted draw: keep it aside as evidence, never overwrite it."""
    n = 1
    while (aside := path.with_name(f"{path.stem}.orphan-{n}.json")).exists():
        n += 1
    path.rename(aside)


def find_round(events: list[LedgerEvent], year: int, task: str, number: int | None) -> Round:
    """The requested round, or the task's latest live round when ``number`` is None."""
    rounds = task_rounds(build_rounds(events), year, task)
    if number is None:
        live = [r for r in rounds if not r.voided]
        if not live:
            raise RoundNotFound(f"{year} 年任务 {task} 还没有有效的摇号", f"请先运行 ssj draw --task {task}")
        return live[-1]
    for r in rounds:
        if r.number == number:
            return r
    have = "、".join(str(r.number) for r in rounds) or "无"
    raise RoundNotFound(f"{year} 年任务 {task} 没有第 {number} 轮（已有：{have}）", "请用 ssj draws 查看已有的轮次")


def void_round(ws: Workspace, year: int, task: str, number: int, reason: str, day: date) -> LedgerEvent:
    """Append a void event for a round; the round's picks go back into the pool."""
    reason = reason.strip()
    if not reason:
        raise SsjError("作废必须写明原因", "请用 --reason 说明作废原因，如 --reason \"摇号时名录库有误\"")
    ledger = Ledger(ws.ledger_path, ws.show(ws.ledger_path))
    with ledger.locked():
        events = load_events(ws.ledger_path, ws.show(ws.ledger_path))
        r = find_round(events, year, task, number)
        if r.voided:
            raise SsjError(f"{task} 第 {number} 轮已于 {r.void['date']} 作废", "无需重复作废")
        if r.publications:
            raise SsjError(f"{task} 第 {number} 轮的结果已经公示，不能作废", "已公示的抽查只能登记更正结果（ssj record）")
        if day.isoformat() < r.draw_date:
            raise SsjError(
                f"作废日期 {day} 早于 {task} 第 {number} 轮的摇号日期 {r.draw_date}",
                "作废只能在摇号之后；补录时请用 --today 写实际作废日期",
            )
        return ledger.append("void", {"year": year, "task": task, "round": number, "date": day.isoformat(), "reason": reason})
