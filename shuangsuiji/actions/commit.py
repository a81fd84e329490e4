"""Two-phase draws: ``ssj draw --commit`` writes the commitment and its line; ``ssj draw --reveal`` draws from it.

Both run under one hold of the ledger lock, as a one-step draw does. ``commit_task``
computes the draw the task's next round would be (``draw.prepare.prepare_draw``, with a
seed nobody uses: only the seed-free part, ``draw.commit.frozen_draw``, is kept), writes
the commitment file atomically and appends the ``commit`` line. ``reveal_task`` finds the
task's open commitment, refuses before its source date and unless the numbers come in the
committed shape (groups, their order, the count of numbers in each), builds the seed from the sources
by the RFC 3797 key rule, draws again with the inspectors' earlier checks as they stood at
the commit, refuses unless the result is exactly the committed draw, and writes the record
with its ``commit`` key and the draw line with ``commit`` (the commit line's seq). Both keep
the input files they read in draws/inputs/ (``actions.kept``), the commit line naming them too.
"""

from __future__ import annotations

import dataclasses
import hashlib
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from shuangsuiji.actions.draw import append_draw, prior_checks, refuse_backdated
from shuangsuiji.actions.kept import keep_inputs
from shuangsuiji.draw.commit import (
    MAX_SOURCE_NUMBERS,
    Commitment,
    SourceGroup,
    commitment_bytes,
    differences,
    frozen_draw,
    make_commitment,
    parse_commitment,
    shape_problem,
)
from shuangsuiji.draw.prepare import DrawRequest, Seed, prepare_draw, resolve_seed
from shuangsuiji.draw.record import CommitRef, DrawRecord
from shuangsuiji.errors import (
    BadOptions,
    CommitmentChanged,
    DateOutOfRange,
    NoCommitment,
    RecordAltered,
    RecordMalformed,
    RecordMissing,
)
from shuangsuiji.files.text import atomic_write_bytes
from shuangsuiji.inputs.year import Inputs, load_inputs
from shuangsuiji.ledger.blacklist import blacklisted_on
from shuangsuiji.ledger.chain import Ledger, LedgerEvent, load_events, now_china
from shuangsuiji.ledger.events import CommitEvent
from shuangsuiji.ledger.state import Commit, Round, RoundKey, build_commits, build_rounds, open_commit, refuse_open_commit
from shuangsuiji.workspace import Workspace


@dataclass(frozen=True)
class CommitRequest:
    """``ssj draw --commit``: the task, the commit day, the future public source (its groups of numbers, in order,
    each described and with its count of numbers: one ``--source-plan`` and one ``--source-numbers`` a group) and its date."""

    task: str
    day: date
    source_plans: tuple[str, ...]
    source_numbers: tuple[str, ...]
    source_date: date
    algorithm: str | None = None
    round: int | None = None


@dataclass(frozen=True)
class Committed:
    """What a commit wrote, for the command to print."""

    commitment: Commitment
    event: LedgerEvent
    path: Path


def commitment_path(ws: Workspace, year: int, task: str, number: int, commits: list[Commit]) -> Path:
    """draws/<year>/<task>-r<n>-commit-<m>.json, m counting the round's commitments (a voided one keeps its file)."""
    m = 1 + sum(1 for c in commits if c.key == (year, task, number))
    return ws.year_dir(year) / f"{task}-r{number}-commit-{m}.json"


def read_commitment(ws: Workspace, ev: CommitEvent) -> Commitment:
    """The commitment a commit line names, refused unless its bytes are the ones the line holds.

    Raises RecordMalformed (RecordMissing, RecordAltered) naming the file.
    """
    path = ws.draws_dir / ev.record
    shown = ws.show(path)
    try:
        data = path.read_bytes()
    except OSError:
        raise RecordMissing(f"{shown}: 摇号承诺文件不存在（账本第 {ev.seq} 号事件）", "请从备份恢复该文件，再运行 ssj verify") from None
    if hashlib.sha256(data).hexdigest() != ev.record_sha256:
        raise RecordAltered(f"{shown}: 摇号承诺文件的 SHA-256 与账本第 {ev.seq} 号事件不符，文件被改动过", "请运行 ssj verify，并从备份恢复该文件")
    try:
        return parse_commitment(data)
    except RecordMalformed as exc:
        raise RecordMalformed(f"{shown}: {exc.message}", exc.hint) from None


def commit_task(ws: Workspace, year: int | None, req: CommitRequest) -> Committed:
    """``ssj draw --commit``: fix the next round of a task and the source that will draw it.

    Raises:
        BadOptions: an empty --source-plan, a --source-numbers that is not a count, or not one of each a group.
        DateOutOfRange: the source date is not after the commit day, or after the task's end.
        CommitmentOpen: the task already has an open commitment.
        and whatever ``prepare_draw`` raises (UnknownTask, RoundExists, EmptyScope, NotEnoughInspectors ...).
    """
    groups = source_groups(req.source_plans, req.source_numbers)
    inputs = load_inputs(ws, year)
    task = inputs.plan.get_task(req.task)
    if req.source_date <= req.day:
        raise DateOutOfRange(
            f"来源日期 {req.source_date} 不晚于承诺日期 {req.day}：公开随机数必须在承诺公布之后才产生",
            "请选一个承诺之后才开奖的来源，用 --source-date 写它的开奖日期",
        )
    if req.source_date > task.end:
        raise DateOutOfRange(
            f"来源日期 {req.source_date} 晚于任务 {task.id} 的抽查时间（{task.start} 至 {task.end}），到时已不能摇号",
            "请选抽查时间结束之前开奖的来源",
        )
    ledger = Ledger(ws.ledger_path, ws.show(ws.ledger_path))
    with ledger.locked():
        events = load_events(ws.ledger_path, ws.show(ws.ledger_path))
        rounds, commits = build_rounds(events), build_commits(events)
        refuse_open_commit(commits, inputs.plan.year, task.id)
        refuse_backdated(rounds, commits, inputs.plan.year, task.id, req.day.isoformat(), "承诺")
        created = now_china().isoformat()
        seed = resolve_seed(DrawRequest(task.id, req.day, algorithm=req.algorithm), f"ssj-commit {created}")
        prior = prior_checks(ws, rounds, inputs.plan.year, len(events) + 1)
        record = prepare_draw(inputs, rounds, DrawRequest(task.id, req.day, round=req.round), seed, created, prior,
                              blacklisted_on(events, req.day))
        plan = f"{inputs.plan.title}（{inputs.plan.document}）"
        c = make_commitment(record, plan, groups, req.source_date.isoformat(), req.day.isoformat(), created,
                            task.always_include_blacklisted)
        path = commitment_path(ws, record.year, record.task, record.round, commits)
        kept = keep_inputs(ws, inputs)  # the committed files themselves, for whoever re-derives the scope (actions.kept)
        data = commitment_bytes(c)
        atomic_write_bytes(path, data)
        line = {
            "year": c.year, "task": c.task, "round": c.round, "date": c.date,
            "record": path.relative_to(ws.draws_dir).as_posix(), "record_sha256": hashlib.sha256(data).hexdigest(),
            "text_sha256": c.text_sha256, "algorithm": c.algorithm, "k": c.k, "pool_sha256": c.pool_sha256,
            "source_plan": c.source_plan, "source_date": c.source_date, "source_numbers": [g.numbers for g in c.groups],
        }
        if kept:
            line["kept_inputs"] = kept
        event = ledger.append("commit", line)
    return Committed(c, event, path)


EXAMPLE_SOURCE = "如 --source-plan \"中国福利彩票 3D 第 2022089 期开奖号码\" --source-numbers 3"


def source_groups(plans: tuple[str, ...], numbers: tuple[str, ...]) -> tuple[SourceGroup, ...]:
    """The source's groups from the --source-plan and --source-numbers given, paired in order.

    Raises BadOptions: none given, an empty description, a count that is not a whole number from 1 to
    MAX_SOURCE_NUMBERS, or not as many counts as descriptions.
    """
    texts = [" ".join(p.split()) for p in plans]
    if not texts or not all(texts):
        raise BadOptions("--source-plan 不能为空", f"请写明将采用的公开随机数，每组号码一个 --source-plan，{EXAMPLE_SOURCE}")
    if not numbers:
        raise BadOptions("--commit 需要 --source-numbers：承诺必须写明每组开奖号码的个数",
                         f"每个 --source-plan 配一个 --source-numbers（这组开奖号码有几个数），{EXAMPLE_SOURCE}；"
                         "揭晓时号码的个数必须与此相同，否则同一期开奖号码可以拆成不同的种子")
    counts = []
    for i, given in enumerate(numbers, start=1):
        text = unicodedata.normalize("NFKC", given).strip()
        if not text.isascii() or not text.isdigit() or not 1 <= int(text) <= MAX_SOURCE_NUMBERS:
            raise BadOptions(f"第 {i} 个 --source-numbers 的值 {given} 不是 1 至 {MAX_SOURCE_NUMBERS} 的整数",
                             f"写这组开奖号码的个数，{EXAMPLE_SOURCE}（3D 的开奖号码是 3 个数）")
        counts.append(int(text))
    if len(counts) != len(texts):
        raise BadOptions(f"给出了 {len(texts)} 个 --source-plan、{len(counts)} 个 --source-numbers：两者应一一对应",
                         "来源有几组号码，就按顺序写几对 --source-plan 和 --source-numbers，"
                         "如 --source-plan \"体彩大乐透第 22040 期前区号码\" --source-numbers 5 --source-plan \"体彩大乐透第 22040 期后区号码\" --source-numbers 2")
    return tuple(SourceGroup(t, n) for t, n in zip(texts, counts))


@dataclass(frozen=True)
class RevealRequest:
    """``ssj draw --reveal``: the task, the reveal day and the public source's numbers (one --source per group)."""

    task: str
    day: date
    sources: tuple[str, ...]


def reveal_task(ws: Workspace, year: int | None, req: RevealRequest, dry_run: bool = False) -> tuple[DrawRecord, LedgerEvent | None, Inputs]:
    """``ssj draw --reveal``: draw the committed round with the seed the sources give; returns (record, line or None, inputs).

    Raises:
        NoCommitment: the task has no open commitment (none, voided, or revealed already).
        DateOutOfRange: the reveal day is before the source date, or the source date is not after the commit day.
        CommitmentChanged: the draw would not be the committed one (the inputs or the earlier rounds changed).
        BadSeed: no --source, or one that is not integers.
    """
    if not req.sources:
        raise BadOptions("--reveal 需要 --source", "请用 --source 按顺序给出承诺中那一期开奖的每组号码，如 --source \"3 5 2\"")
    inputs = load_inputs(ws, year)
    task = inputs.plan.get_task(req.task)
    ledger = Ledger(ws.ledger_path, ws.show(ws.ledger_path))
    with ledger.locked():
        events = load_events(ws.ledger_path, ws.show(ws.ledger_path))
        rounds, commits = build_rounds(events), build_commits(events)
        c = _the_commit(commits, inputs.plan.year, task.id)
        ev = c.event
        if ev.source_date <= ev.date:
            raise DateOutOfRange(f"承诺（账本第 {ev.seq} 号事件）的来源日期 {ev.source_date} 不晚于承诺日期 {ev.date}，不能揭晓",
                                 f"请运行 ssj verify，并作废该承诺：ssj void --task {task.id} --round {ev.round} --reason ...")
        if req.day.isoformat() < ev.source_date:
            raise DateOutOfRange(
                f"今天（{req.day}）早于承诺的来源日期 {ev.source_date}：{ev.source_plan} 尚未公布，不能揭晓",
                f"请在 {ev.source_date} 或以后、来源公布后再揭晓；补录时请用 --today 写实际揭晓日期",
            )
        committed = read_commitment(ws, ev)
        given = resolve_seed(DrawRequest(task.id, req.day, sources=req.sources, algorithm=committed.algorithm), "")
        wrong = shape_problem(committed.groups, given.sources)
        if wrong:
            raise BadOptions(
                f"{wrong}：揭晓只能按承诺的分组和顺序给出号码",
                "每组一个 --source，按承诺的顺序：" + "；".join(
                    f"第 {i} 组 {g.plan}（{g.numbers} 个数）" for i, g in enumerate(committed.groups, start=1))
                + "。号码之间用空格分开，如 3D 的 352 写 --source \"3 5 2\"",
            )
        seed = Seed(given.text, "committed", given.algorithm, given.sources)
        prior = prior_checks(ws, rounds, inputs.plan.year, ev.seq)
        record = prepare_draw(inputs, rounds, DrawRequest(task.id, req.day, round=ev.round), seed, now_china().isoformat(), prior,
                              blacklisted_on(events, req.day), checks_before=ev.seq)  # the caps as they stood at the commit
        changed = differences(frozen_draw(record), committed.draw)
        if changed:
            raise CommitmentChanged(
                f"现在摇号与承诺（账本第 {ev.seq} 号事件，{ws.show(ws.draws_dir / ev.record)}）不一致：{'、'.join(changed)}已变化",
                "揭晓只能从承诺的备选池抽取：请把计划和名录库恢复为承诺时的文件（SHA-256 见承诺），"
                f"或作废该承诺（ssj void --task {task.id} --round {ev.round} --reason ...）后重新承诺",
            )
        ref = CommitRef(ev.seq, ev.record_sha256, ev.text_sha256, ev.source_plan, ev.source_date)
        record = dataclasses.replace(record, commit=ref)
        record = dataclasses.replace(record, schema=record.expected_schema)
        if dry_run:
            return record, None, inputs
        return record, append_draw(ws, ledger, record, keep_inputs(ws, inputs)), inputs


def _the_commit(commits: list[Commit], year: int, task: str) -> Commit:
    c = open_commit(commits, year, task)
    if c is not None:
        return c
    mine = [x for x in commits if x.event.year == year and x.event.task == task]
    if not mine:
        raise NoCommitment(f"{year} 年任务 {task} 没有摇号承诺，无法揭晓",
                           f"两步摇号请先承诺：ssj draw --task {task} --commit --source-plan ... --source-numbers ... --source-date ...；一步摇号请用 --source 或 --seed")
    last = mine[-1]
    if last.void is not None:
        raise NoCommitment(f"{task} 第 {last.event.round} 轮的摇号承诺（账本第 {last.event.seq} 号事件）已于 {last.void.date} 作废（{last.void.reason}），不能揭晓",
                           f"如需两步摇号，请重新承诺：ssj draw --task {task} --commit ...")
    raise NoCommitment(f"{task} 第 {last.event.round} 轮的摇号承诺已于 {last.reveal.date} 揭晓（账本第 {last.reveal.seq} 号事件）",  # type: ignore[union-attr]
                       "每个承诺只能揭晓一次；下一轮请重新承诺")
