"""Drawing and voiding rounds: the only code that writes draw records and their ledger lines.

``run_draw`` takes the ledger lock, folds the ledger once, reads the year's earlier records
for the inspectors' running count of checks, draws the seed (``secrets``) when none was
given, stamps the time, lets the pure ``draw.prepare.prepare_draw`` compute the record,
writes it atomically and appends the ledger line that commits it. ``load_record`` is the
one reader of a record file that checks its bytes against the ledger's hash.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from shuangsuiji.actions.kept import KeepingInputs
from shuangsuiji.draw.cycle import year_rounds_before
from shuangsuiji.draw.prepare import DrawRequest, Seed, prepare_draw, resolve_seed
from shuangsuiji.draw.record import DrawRecord, parse_record, record_chunks
from shuangsuiji.draw.scan import record_pick_teams
from shuangsuiji.draw.replace import team_changes
from shuangsuiji.draw.teams import add_checks, checks_by_inspector
from shuangsuiji.errors import (
    DateOutOfRange,
    ReasonRequired,
    RecordAltered,
    RecordMalformed,
    RecordMissing,
    RoundPublished,
    RoundVoided,
)
from shuangsuiji.files.text import atomic_write_chunks, file_chunks
from shuangsuiji.inputs.year import Inputs
from shuangsuiji.ledger.blacklist import blacklisted_on
from shuangsuiji.ledger.chain import Ledger, LedgerEvent, load_events, now_china
from shuangsuiji.ledger.events import DrawEvent
from shuangsuiji.ledger.state import Commit, Round, RoundKey, build_commits, build_rounds, find_round, refuse_open_commit
from shuangsuiji.workspace import Workspace


def read_record_bytes(ws: Workspace, draw: DrawEvent) -> bytes:
    """The bytes of the record a draw line names, checked against the line's SHA-256.

    Raises RecordMalformed when the file is missing or holds other bytes.
    """
    path = ws.draws_dir / draw.record
    shown = ws.show(path)
    try:
        data = path.read_bytes()
    except OSError:
        raise RecordMissing(f"{shown}: 摇号记录文件不存在（账本第 {draw.seq} 号事件）", "请从备份恢复该文件，再运行 ssj verify") from None
    if hashlib.sha256(data).hexdigest() != draw.record_sha256:
        raise RecordAltered(f"{shown}: 摇号记录的 SHA-256 与账本第 {draw.seq} 号事件不符，文件被改动过", "请运行 ssj verify，并从备份恢复该文件")
    return data


def load_record(ws: Workspace, draw: DrawEvent) -> DrawRecord:
    """The draw record a ledger line names, refused unless its bytes are the ones the ledger holds.

    Raises RecordMalformed (a LedgerCorrupt) when the file is missing, altered or not a record.
    """
    data = read_record_bytes(ws, draw)
    try:
        return parse_record(data)
    except RecordMalformed as exc:
        raise RecordMalformed(f"{ws.show(ws.draws_dir / draw.record)}: {exc.message}", exc.hint) from None


def record_path(ws: Workspace, year: int, task: str, number: int) -> Path:
    return ws.year_dir(year) / f"{task}-r{number}.json"


def record_json_chunks(ws: Workspace, record: DrawRecord, written: bool) -> Iterator[bytes]:
    """The record's JSON bytes to print (``ssj draw --json``), a piece at a time: the file the draw
    wrote, read back, or (a dry run, ``written`` False) the record encoded as it would be written."""
    return file_chunks(record_path(ws, record.year, record.task, record.round)) if written else record_chunks(record)


def prior_checks(ws: Workspace, rounds: Mapping[RoundKey, Round], year: int, seq: int) -> dict[str, int]:
    """Each inspector's checks in the year's rounds live before ledger event ``seq``, replacements (递补) before it
    included: what a draw's teams are balanced by (a reveal's: the checks as they stood at its commit, so that what
    is drawn between commit and reveal cannot change them). Each earlier record of the year is read once."""
    total: dict[str, int] = {}
    for r in year_rounds_before(rounds, year, seq):
        add_checks(total, checks_by_inspector(record_teams(ws, r.draw)))
        if r.replacements:
            add_checks(total, team_changes(r.replacements, seq))
    return dict(sorted(i for i in total.items() if i[1]))


def record_teams(ws: Workspace, draw: DrawEvent) -> list[tuple[str, ...]]:
    """Each pick's inspectors as the record a draw line names holds them (checked against the line's SHA-256):
    scanned from the record's bytes, parsed only when they are not in the layout ssj writes.

    Raises RecordMalformed (a LedgerCorrupt) when the file is missing, altered or not a record.
    """
    teams = record_pick_teams(read_record_bytes(ws, draw), draw.picks)
    return teams if teams is not None else [p.inspectors for p in load_record(ws, draw).picks]


def run_draw(ws: Workspace, inputs: Inputs, req: DrawRequest, dry_run: bool = False) -> tuple[DrawRecord, LedgerEvent | None]:
    """Prepare a draw and, unless ``dry_run``, commit it; returns (record, ledger event or None).

    The ledger is read, the draw prepared, the record written and the ledger line appended
    all under one hold of the ledger lock, so a void or another draw by a second clerk
    cannot slip in between and leave a record whose exclusions no longer hold.
    """
    seed = resolve_seed(req, secrets.token_hex(16))
    if dry_run:
        return _prepare(ws, inputs, req, seed), None
    ledger = Ledger(ws.ledger_path, ws.show(ws.ledger_path))
    with ledger.locked():
        keeping = KeepingInputs(ws, inputs)  # the inputs are kept while the draw is computed
        try:
            record = _prepare(ws, inputs, req, seed)
        except BaseException:
            keeping.undo()  # a refused draw leaves the workspace as it was
            raise
        return record, append_draw(ws, ledger, record, keeping.result())


def _prepare(ws: Workspace, inputs: Inputs, req: DrawRequest, seed: Seed) -> DrawRecord:
    """The ledger folded once, the year's running checks, the clock: then the pure prepare_draw."""
    events = load_events(ws.ledger_path, ws.show(ws.ledger_path))
    commits = build_commits(events)
    refuse_open_commit(commits, inputs.plan.year, req.task)  # that round is the commitment's (actions.commit)
    rounds = build_rounds(events)
    refuse_backdated(rounds, commits, inputs.plan.year, req.task, req.day.isoformat(), "摇号")
    prior = prior_checks(ws, rounds, inputs.plan.year, len(events) + 1)
    return prepare_draw(inputs, rounds, req, seed, now_china().isoformat(), prior, blacklisted_on(events, req.day))


def refuse_backdated(rounds: Mapping[RoundKey, Round], commits: list[Commit], year: int, task: str, day: str, what_now: str) -> None:
    """Refuse a draw or commitment (``what_now``: "摇号" or "承诺") dated before the task's last draw, void or
    commitment of the year: a commitment so dated would predate numbers that may already be public (one voided
    after its source date, then made again with an earlier --today), a draw so dated would sit before a round
    it was drawn after."""
    dated = [(c.event.date, c.event.seq, "摇号承诺") for c in commits if c.event.year == year and c.event.task == task]
    dated += [(c.void.date, c.void.seq, "作废") for c in commits if c.void is not None and c.event.year == year and c.event.task == task]
    for r in rounds.values():
        if r.year == year and r.task == task:
            dated.append((r.draw.date, r.draw.seq, "摇号"))
            if r.void is not None:
                dated.append((r.void.date, r.void.seq, "作废"))
    if not dated:
        return
    last, seq, what = max(dated)
    if day < last:
        raise DateOutOfRange(
            f"{what_now}日期 {day} 早于 {task} 本年度最近一次{what}的日期 {last}（账本第 {seq} 号事件）：{what_now}不能倒填到此前的事件之前",
            f"{what_now}只能在已登记的事件之后；补录时请用 --today 写实际{what_now}日期",
        )


def append_draw(ws: Workspace, ledger: Ledger, record: DrawRecord, kept: Mapping[str, str]) -> LedgerEvent:
    """Write the record atomically, then append the ledger line that commits it (lock held);
    ``kept`` names the inputs kept in draws/inputs/ (``actions.kept.keep_inputs``)."""
    path = record_path(ws, record.year, record.task, record.round)
    if path.exists():
        _keep_orphan(path)
    digest = hashlib.sha256()
    atomic_write_chunks(path, _hashed(record_chunks(record), digest))  # a 90 MB record is never held whole
    line = {
        "year": record.year,
        "task": record.task,
        "round": record.round,
        "date": record.date,
        "record": path.relative_to(ws.draws_dir).as_posix(),
        "record_sha256": digest.hexdigest(),
        "algorithm": record.algorithm,
        "seed": record.seed,
        "k": record.k,
        "picks": record.pick_ids,
        "new_cycle": record.new_cycle,
        "cycle_picks": list(record.cycle_picks),
    }
    if record.strata:  # what the fold needs to follow each stratum's cycle (ledger.events.StratumMark)
        line["strata"] = strata_marks(record)
    if kept:
        line["kept_inputs"] = dict(kept)
    if record.targeted:  # 定向 additions (always_include_blacklisted): the picks after the k drawn ones
        line["targeted"] = list(record.targeted)
    if record.departments:  # a joint draw: the fold takes one result per pick from each of these (ledger.state)
        line["departments"] = [d.code for d in record.departments]
    if record.commit is not None:  # a two-phase draw's reveal: the commit line it reveals (ledger.state.build_commits)
        line["commit"] = record.commit.seq
    return ledger.append("draw", line)


def _hashed(chunks: Iterator[bytes], digest: "hashlib._Hash") -> Iterator[bytes]:
    """The chunks as they are, each added to ``digest`` on its way."""
    for chunk in chunks:
        digest.update(chunk)
        yield chunk


def strata_marks(record: DrawRecord) -> list[dict]:
    """The ``strata`` of a stratified draw's ledger line: per stratum its grade, k and cycle."""
    return [{"grade": s.grade, "k": s.k, "new_cycle": s.new_cycle, "cycle_picks": list(s.cycle_picks)} for s in record.strata]


def _keep_orphan(path: Path) -> None:
    """A record file with no ledger line is an interrupted draw: keep it aside as evidence, never overwrite it."""
    n = 1
    while (aside := path.with_name(f"{path.stem}.orphan-{n}.json")).exists():
        n += 1
    path.rename(aside)


@dataclass(frozen=True)
class Voided:
    """What ``void_round`` appended, and whether it voided a commitment not yet revealed rather than a drawn round."""

    event: LedgerEvent
    commitment: bool


def void_round(ws: Workspace, year: int, task: str, number: int, reason: str, day: date) -> Voided:
    """Append a void event for a round (its picks go back into the pool) or for its open commitment (it can no longer
    be revealed; the round may be committed again)."""
    reason = reason.strip()
    if not reason:
        raise ReasonRequired("作废必须写明原因", "请用 --reason 说明作废原因，如 --reason \"摇号时名录库有误\"")
    ledger = Ledger(ws.ledger_path, ws.show(ws.ledger_path))
    with ledger.locked():
        events = load_events(ws.ledger_path, ws.show(ws.ledger_path))
        rounds = build_rounds(events)
        if (year, task, number) not in rounds:
            pending = _open_commit_of(build_commits(events), year, task, number)
            if pending is not None:  # a commitment (two-phase draw) not yet revealed: void it
                if day.isoformat() < pending.event.date:
                    raise DateOutOfRange(f"作废日期 {day} 早于 {task} 第 {number} 轮的承诺日期 {pending.event.date}", "补录时请用 --today 写实际作废日期")
                return Voided(ledger.append("void", {"year": year, "task": task, "round": number, "date": day.isoformat(), "reason": reason}), True)
        r = find_round(rounds, year, task, number)
        if r.void is not None:
            raise RoundVoided(f"{task} 第 {number} 轮已于 {r.void.date} 作废", "无需重复作废")
        if r.publications:
            raise RoundPublished(f"{task} 第 {number} 轮的结果已经公示，不能作废", "已公示的抽查只能登记更正结果（ssj record）")
        if day.isoformat() < r.draw_date:
            raise DateOutOfRange(
                f"作废日期 {day} 早于 {task} 第 {number} 轮的摇号日期 {r.draw_date}",
                "作废只能在摇号之后；补录时请用 --today 写实际作废日期",
            )
        return Voided(ledger.append("void", {"year": year, "task": task, "round": number, "date": day.isoformat(), "reason": reason}), False)


def _open_commit_of(commits: list[Commit], year: int, task: str, number: int) -> Commit | None:
    return next((c for c in commits if c.open and c.key == (year, task, number)), None)


def draw_task(ws: Workspace, year: int | None, req: DrawRequest, dry_run: bool = False) -> tuple[DrawRecord, LedgerEvent | None, Inputs]:
    """``ssj draw``: load the year's inputs and run the draw; returns (record, ledger event or None, inputs)."""
    from shuangsuiji.inputs.year import load_inputs

    inputs = load_inputs(ws, year)
    record, event = run_draw(ws, inputs, req, dry_run)
    return record, event, inputs
