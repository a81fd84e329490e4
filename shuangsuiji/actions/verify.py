"""``ssj verify``: re-derive every draw from its record and check the whole chain.

For each draw line of the ledger: the record file exists and its SHA-256 is the one the
ledger holds; the record agrees with the ledger line; the excluded entities are exactly
those drawn earlier in the cycle (re-computed from the ledger as it stood before that
line); the pool is the scope less the excluded; k follows from the scope size and ratio;
the picks and their ranks follow from the seed; the record's ``prior_checks`` are the
checks per inspector in the year's live rounds drawn before it (summed from their records),
and each team follows from the eligible inspectors, those counts and the seed. Publication lines must point at notice files that still hold their bytes.
Record files and notice files (draws/<year>/public/) that no ledger line names are
reported as orphans; a record an interrupted draw left behind, which ssj set aside as
``<task>-r<n>.orphan-<m>.json``, is noted as kept evidence. Commit lines and the draws that
reveal them (two-phase draws) are checked by ``actions.verify_commit``.

The record's own scope and inspector exclusions are trusted only as far as they can be
checked: from the copies of the plan and registries kept with the draw (``draws/inputs/``),
or, for a draw made before ssj kept them, from the files on disk where they still have the
SHA-256 the record holds (``actions.verify_inputs``), the scope, k, strata and every
inspector left out (with its reason) are derived again, so an edited scope or a made-up
exclusion in a record is caught.
"""

from __future__ import annotations

import hashlib
import operator
import re
from collections.abc import Callable, Mapping
from itertools import islice
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from shuangsuiji.actions.draw import read_record_bytes
from shuangsuiji.actions.verify_caps import caps_against_inputs, check_caps, check_targeted, targeted_against_plan
from shuangsuiji.actions.verify_inputs import DrawInputs
from shuangsuiji.actions.verify_commit import CommitChecks
from shuangsuiji.actions.verify_strata import (
    check_strata,
    redraw_strata,
    strata_against_plan,
)
from shuangsuiji.draw.caps import RunningChecks
from shuangsuiji.draw.caps import year_checks as caps_year_checks
from shuangsuiji.draw.cycle import (
    cycle_drawn,
    draw_round,
    live_rounds_before,
    year_rounds_before,
)
from shuangsuiji.draw.joint import departments_problems, draw_departments, task_pool, team_again
from shuangsuiji.draw.record import DrawRecord, ids_sha256, parse_pick, parse_record
from shuangsuiji.draw.replace import (
    Replay,
    entity_candidates,
    formation_load,
    inspector_candidates,
    inspector_order,
    team_changes,
)
from shuangsuiji.draw.strata import split_by_grade
from shuangsuiji.draw.teams import (
    add_checks,
    checks_by_inspector,
    SharedExclusions,
    team_from_eligible,
)
from shuangsuiji.errors import (
    BadExpectedHash,
    InputError,
    RecordAltered,
    RecordMalformed,
    RecordMissing,
)
from shuangsuiji.codes import BLACKLIST_EVENT_TYPES
from shuangsuiji.ledger.blacklist import blacklisted_on
from shuangsuiji.ledger.chain import LedgerEvent, read_ledger
from shuangsuiji.ledger.events import CommitEvent, DrawEvent, PublishEvent, ReplaceEvent, VoidEvent, typed
from shuangsuiji.ledger.state import Round, RoundKey, build_rounds, event_problems
from shuangsuiji.records import MIN_INSPECTORS, draw_count
from shuangsuiji.workspace import Workspace


@dataclass
class VerifyResult:
    events: int = 0
    draws: int = 0
    failures: list[InputError] = field(default_factory=list)  # each names its file, line and ledger event
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failures

    def fail(self, seq: int | None, shown: str, message: str) -> None:
        self.failures.append(InputError(shown, 0, message, "", seq))

    def to_json(self) -> dict:
        return {
            "ok": self.ok,
            "events": self.events,
            "draws": self.draws,
            "failures": [{"seq": f.seq, "file": f.location(), "message": f.message} for f in self.failures],
            "notes": self.notes,
        }


def expected_digest(text: str) -> str:
    """A line hash as copied from a signed sheet: any case, any spacing; BadExpectedHash unless 64 hex digits."""
    want = "".join(text.split()).lower()  # str.split() also drops full-width spaces
    if not re.fullmatch(r"[0-9a-f]{64}", want):
        raise BadExpectedHash(
            f"--expect 的值 {text.strip()} 不是完整的 SHA-256（应为 64 位十六进制数字，现为 {len(want)} 位）",
            "请照摇号记录表上“账本第 N 号事件 SHA-256”一栏完整抄写",
        )
    return want


LedgerRead = tuple[list[LedgerEvent], list[InputError], bool]  # what chain.read_ledger returns
RecordSink = Callable[[DrawEvent, DrawRecord], None]


def verify_workspace(
    ws: Workspace, expect: tuple[str, ...] = (), *, ledger: LedgerRead | None = None, inputs: Any = None,
    on_record: RecordSink | None = None,
) -> VerifyResult:
    """Every check above; ``expect`` holds line hashes kept outside (on a signed sheet) that must still be in the ledger.

    A caller that has already read the ledger (``chain.read_ledger`` of the whole file) or
    loaded a year's ``Inputs`` passes them in (``ssj report``), so that the work is not done
    twice; ``on_record`` is given each draw record that was read and parsed, so the caller
    need not read it again.
    """
    res = VerifyResult()
    ledger_shown = ws.show(ws.ledger_path)
    events, problems, torn = ledger if ledger is not None else read_ledger(ws.ledger_path, ledger_shown)
    res.events = len(events)
    res.failures.extend(problems)
    if torn:
        res.notes.append(f"{ledger_shown} 末尾有一行不完整（写入时被中断，未生效），下次登记时会被清除")
    res.failures.extend(event_problems(events, ledger_shown))
    _check_expected(res, events, expect, ledger_shown)
    rounds = build_rounds(events)
    current = DrawInputs(ws, inputs)
    commits = CommitChecks(ws, events)  # two-phase draws (actions.verify_commit)
    records: dict[int, dict[str, int]] = {}  # seq of a draw -> its checks per inspector, once read and hash-checked
    replays: dict[RoundKey, Replay | None] = {}  # rounds with replacements (递补): their picks as the events so far left them
    named: set[Path] = set()
    published: set[Path] = set()
    checks = RunningChecks(rounds)  # each entity's live checks in its year so far (the yearly cap, draw.caps)
    blacklist = [e for e in events if e.type in BLACKLIST_EVENT_TYPES]  # for 定向 additions (always_include_blacklisted)
    with current.prefetching(typed(e) for e in events if e.type == "draw"):  # a province registry: parsed alongside the records
        for ev in map(typed, events):
            if isinstance(ev, DrawEvent):
                res.draws += 1
                path = ws.draws_dir / ev.record
                named.add(path.resolve())
                messages, rec = _check_draw(ws, ev, rounds, records, current, on_record, checks, blacklist)
                if rec is not None:
                    messages += commits.check_reveal(rec, ev)
                for message in messages:
                    res.fail(ev.seq, ws.show(path), message)
                key = (ev.year, ev.task, ev.round)
                if key in rounds and rounds[key].draw is ev and rounds[key].replacements:
                    replays[key] = Replay(rec) if rec is not None else None
            elif isinstance(ev, PublishEvent):
                published |= _check_publication(ws, ev, res)
            elif isinstance(ev, CommitEvent):
                path = ws.draws_dir / ev.record
                named.add(path.resolve())
                failures, notes = commits.check_line(ev)
                for message in failures + current.for_commit(ev):
                    res.fail(ev.seq, ws.show(path), message)
                res.notes.extend(notes)
            elif isinstance(ev, ReplaceEvent):
                checks.add(ev)
                key = (ev.year, ev.task, ev.round)
                if key in replays:
                    for message in _check_replacement(ev, replays[key]):
                        res.fail(ev.seq, ledger_shown, f"第 {ev.seq} 号事件（递补）：{message}")
            elif isinstance(ev, VoidEvent):
                checks.add(ev)
            if isinstance(ev, DrawEvent):
                checks.add(ev)
    _check_orphans(ws, named, published, res)
    res.failures.extend(current.failures())
    res.notes.extend(current.notes())
    return res


def _check_expected(res: VerifyResult, events: list[LedgerEvent], expect: tuple[str, ...], ledger_shown: str) -> None:
    digests = {ev.digest: ev for ev in events}
    for want in map(expected_digest, expect):
        ev = digests.get(want)
        if ev is None:
            res.fail(None, ledger_shown, f"账本中没有 SHA-256 为 {want} 的行：账本在那之后被整体改写或截断过（也请核对该值是否抄写有误）")
        else:
            res.notes.append(f"账本第 {ev.line} 行（第 {ev.seq} 号事件）的 SHA-256 与给定值一致，此行及以前的账本未被改动")


def _check_publication(ws: Workspace, ev: PublishEvent, res: VerifyResult) -> set[Path]:
    """The notice files a publish line names still hold their bytes; returns their paths."""
    seen = set()
    for item in ev.files:
        fpath = ws.draws_dir / str(item.get("path", ""))
        seen.add(fpath.resolve())
        if not fpath.exists():
            res.fail(ev.seq, ws.show(fpath), "公示文件不存在")
        elif hashlib.sha256(fpath.read_bytes()).hexdigest() != item.get("sha256"):
            res.fail(ev.seq, ws.show(fpath), "公示文件内容与账本记录的 SHA-256 不符，文件被改动过")
    return seen


def _check_orphans(ws: Workspace, named: set[Path], published: set[Path], res: VerifyResult) -> None:
    """Record and notice files no ledger line names; records an interrupted draw left aside are notes."""
    if not ws.draws_dir.is_dir():
        return
    for year_dir in sorted(p for p in ws.draws_dir.iterdir() if p.is_dir() and p.name.isdigit()):
        for f in sorted(year_dir.glob("*.json")):
            if ".orphan-" in f.name:
                res.notes.append(f"{ws.show(f)} 是一次中断的摇号留下的记录，作为凭证保留，未生效")
            elif f.resolve() not in named:
                res.fail(None, ws.show(f), "孤立的摇号记录：账本中没有对应的摇号事件（摇号被中断，或文件被放入/改名）")
        public = year_dir / "public"
        for f in sorted(public.iterdir()) if public.is_dir() else []:
            if f.is_file() and not _incidental(f.name) and f.resolve() not in published:
                res.fail(None, ws.show(f), "孤立的公示文件：账本中没有公示事件记录它（公示被中断，或文件被放入/改名）")


# Files that appear beside a notice without anyone publishing anything: dot files, the owner
# files Excel/WPS keep while a notice is open ("~$name.xlsx"), Windows folder metadata.
_INCIDENTAL_NAMES = {"thumbs.db", "desktop.ini"}


def _incidental(name: str) -> bool:
    return name.startswith((".", "~$")) or name.lower() in _INCIDENTAL_NAMES


def _check_draw(
    ws: Workspace, ev: DrawEvent, rounds: Mapping[RoundKey, Round], records: dict[int, dict[str, int]], current: DrawInputs,
    on_record: RecordSink | None = None, checks: RunningChecks | None = None, blacklist: list[LedgerEvent] | None = None,
) -> tuple[list[str], DrawRecord | None]:
    """Every check of one draw line and its record, and the record when it could be checked; never raises on a malformed record."""
    try:
        rec = parse_record(read_record_bytes(ws, ev))
    except RecordMissing:
        return ["摇号记录文件不存在"], None
    except RecordAltered:
        return ["摇号记录的 SHA-256 与账本不符：记录文件被改动过"], None
    except RecordMalformed as exc:
        return [f"摇号记录的结构异常，无法复核（{exc.message}）"], None
    records[ev.seq] = checks_by_inspector(p.inspectors for p in rec.picks)
    if on_record is not None:
        on_record(ev, rec)
    out = _agrees_with_ledger(rec, ev)
    if out:
        return out, None
    def year_checks() -> Mapping[str, int]:  # asked only of a record or plan with a yearly cap (draw.caps)
        if rec.commit is not None:  # a reveal: the caps as they stood at its commit
            return caps_year_checks(rounds, rec.year, rec.commit.seq)
        return checks.of(rec.year) if checks is not None else {}

    out += check_caps(rec, year_checks() if rec.capped or rec.over_cap else {})
    listed = _listed_before(blacklist or [], ev.seq, rec.date) if rec.targeted or blacklist else frozenset()
    out += check_targeted(rec, listed)
    try:
        pool_problems, redraw = _check_pool(rec, live_rounds_before(rounds, rec.year, rec.task, ev.seq), ev.seq)
        out += pool_problems
        if redraw:
            out += _check_picks(rec)
            at = rec.commit.seq if rec.commit is not None else ev.seq  # a reveal's teams: the checks as they stood at its commit
            out += _check_teams(rec, _prior_checks(rounds, records, rec.year, at))
    except (TypeError, AttributeError, KeyError, ValueError, OverflowError) as exc:
        # Only a record rewritten together with the whole ledger gets here: report it, never crash.
        return out + [f"摇号记录的结构异常，无法复核（{type(exc).__name__}: {exc}）"], None
    inputs, problems = current.for_draw(ev, rec)
    out += problems
    if inputs is not None:
        out.extend(_check_against_inputs(rec, inputs))
        task = inputs.plan.task(rec.task)
        if task is not None:
            out.extend(caps_against_inputs(rec, inputs, task, year_checks() if inputs.plan.max_checks is not None else {}))
            out.extend(targeted_against_plan(rec, task, listed))
    return out, rec


def _agrees_with_ledger(rec: DrawRecord, ev: DrawEvent) -> list[str]:
    out = []
    for key in ("year", "task", "round", "seed", "algorithm", "k", "new_cycle", "cycle_picks", "date"):
        if getattr(rec, key) != getattr(ev, key):
            out.append(f"记录的 {key} 与账本不符")
    if tuple(rec.pick_ids) != ev.picks:
        out.append("记录的抽中名单与账本不符")
    if [(x.grade, x.k, x.new_cycle, x.cycle_picks) for x in rec.strata] != [(m.grade, m.k, m.new_cycle, m.cycle_picks) for m in ev.strata]:
        out.append("记录的分级抽取（strata）与账本不符")
    if rec.targeted != ev.targeted:
        out.append("记录的定向检查企业（targeted）与账本不符")
    if tuple(d.code for d in rec.departments) != ev.departments:
        out.append("记录的联合抽查部门（departments）与账本不符")
    if rec.schema != rec.expected_schema:
        out.append(f"记录的 schema 应为 {rec.expected_schema}，记录为 {rec.schema}")
    return out


def _listed_before(blacklist: list[LedgerEvent], seq: int, day: str) -> frozenset[str]:
    """Who was on the blacklist at the end of ``day``, by the blacklist lines before ledger event ``seq``."""
    if not blacklist:
        return frozenset()
    return blacklisted_on([e for e in blacklist if e.seq < seq], day)


def _check_pool(rec: DrawRecord, prior: list[Round], seq: int) -> tuple[list[str], bool]:
    """Excluded, pool, pool hash and k, from the ledger's earlier rounds and the record's scope;
    and whether k is right, so that the picks can be drawn again."""
    if rec.strata:
        return check_strata(rec, prior, seq)
    out = []
    drawn_from = rec.draw_scope  # the scope less those at their yearly cap (checked by verify_caps)
    scope = set(drawn_from)
    if sorted(cycle_drawn(prior, seq) & scope) != list(rec.excluded):
        out.append("排除名单与此前各轮的抽中情况不符")
    excluded = set(rec.excluded)
    if all(map(operator.lt, drawn_from, islice(drawn_from, 1, None))):  # ascending, as ssj writes it: no sort needed
        pool = [i for i in drawn_from if i not in excluded]
    else:
        pool = sorted(scope - excluded)
    if pool != list(rec.pool):
        out.append("备选池不等于抽查范围减去排除名单")
    if rec.pool_sha256 != ids_sha256(rec.pool):
        out.append("pool_sha256 与备选池不符")
    try:
        k = draw_count(len(scope), Decimal(rec.ratio))
    except (InvalidOperation, TypeError, ValueError, OverflowError):  # NaN, Infinity: no fraction
        return out + ["记录中的抽查比例无法识别"], False
    if k != rec.k:
        return out + [f"抽取家数应为 {k}（范围 {len(scope)} 家 × 比例 {rec.ratio}），记录为 {rec.k}"], False
    return out, True


def _check_picks(rec: DrawRecord) -> list[str]:
    """The picks and their ranks drawn again from the seed."""
    if rec.strata:
        return redraw_strata(rec)
    excluded = set(rec.excluded) & set(rec.draw_scope)
    try:
        again = draw_round(rec.algorithm, rec.seed, rec.draw_scope, excluded, rec.k)
    except ValueError as exc:
        return [f"无法重新摇号：{exc}"]
    out = []
    if again.picks != [(p.rank, p.entity) for p in rec.picks[:rec.k]]:  # after them: the 定向 additions (verify_caps)
        out.append("按记录的种子重新摇号，抽中名单或排序值与记录不符")
    if again.cycle_picks != rec.cycle_picks or again.new_cycle != rec.new_cycle:
        out.append("新一轮循环的标记与重新摇号结果不符")
    return out


def _prior_checks(rounds: Mapping[RoundKey, Round], records: Mapping[int, dict[str, int]], year: int, seq: int) -> dict[str, int] | None:
    """Checks per inspector in the year's live rounds before ``seq``, from their records; None if one is unreadable."""
    total: dict[str, int] = {}
    for r in year_rounds_before(rounds, year, seq):
        if r.draw.seq not in records:
            return None
        add_checks(total, records[r.draw.seq])
        if r.replacements:
            add_checks(total, team_changes(r.replacements, seq))
    return dict(sorted(i for i in total.items() if i[1]))


def _check_teams(rec: DrawRecord, prior: dict[str, int] | None) -> list[str]:
    """Each team formed again from the eligible inspectors, the year's earlier checks and the seed."""
    out = []
    if prior is None:
        out.append("此前有摇号记录无法读取，无法核对记录中的本年度此前检查次数（prior_checks）")
    elif prior != dict(rec.prior_checks):
        out.append("记录中的本年度此前检查次数（prior_checks）与账本中此前各轮的分派不符")
    load: dict[str, int] = dict(rec.prior_checks)
    n = rec.inspectors_per_check
    need = max(MIN_INSPECTORS, n)
    out.extend(departments_problems(rec))
    left_outs: dict[int, tuple[tuple, set[str]]] = {}  # picks drawn together share their exclusions tuple
    for p in rec.picks:
        hit = left_outs.get(id(p.excluded_inspectors))
        if hit is None:
            hit = left_outs[id(p.excluded_inspectors)] = (p.excluded_inspectors, {x.id for x in p.excluded_inspectors})
        left_out = hit[1]
        if team_again(rec, p.entity, left_out, load) != p.inspectors:
            out.append(f"{p.entity} 的执法人员与按规则重新分派的结果不符" + ("（各部门分别从本部门人员中抽取）" if rec.departments else ""))
        if len(set(p.inspectors)) < need:
            out.append(f"{p.entity} 的执法人员少于 {need} 名")
        for i in p.inspectors:
            load[i] = load.get(i, 0) + 1
    return out


def _check_against_inputs(rec: DrawRecord, inputs: Any) -> list[str]:
    """Scope, k and inspector exclusions derived again from the unchanged plan and registries."""
    task = inputs.plan.task(rec.task)
    if task is None:
        return [f"计划中没有任务 {rec.task}"]
    out = []
    local_avoidance = inputs.plan.local_avoidance  # the plan's, not the record's own say-so
    if rec.local_avoidance != local_avoidance:
        out.append("记录的属地回避设置与计划不符")
    if rec.inspectors_per_check != task.inspectors_per_check:
        out.append("记录的每户执法人员数与计划不符")
    if sorted(inputs.scope_ids(task)) != list(rec.scope):
        out.append("抽查范围与摇号时的计划和名录库（SHA-256 未变）推出的范围不符")
    if task.stratified or rec.strata:
        out.extend(strata_against_plan(rec, task, split_by_grade(inputs.scope_graded(task))))
    elif task.draw_count(len(rec.draw_scope)) != rec.k:
        out.append("抽取家数与计划的抽查比例不符")
    pool = task_pool(inputs, task)
    if sorted(i.id for i in pool) != list(rec.inspector_pool):
        out.append("执法人员名单与摇号时的执法人员名录库不符")
    if draw_departments(inputs, task) != rec.departments:
        out.append("联合抽查的部门、事项、每户人数或各部门执法人员与摇号时的计划和名录库不符")
    picked = inputs.entities_with_ids(rec.pick_ids)
    shared = SharedExclusions(pool, local_avoidance)
    same: dict[tuple[int, int], tuple] = {}  # (id of the answer, id of the record's entries) found equal -> both, kept alive
    for p in rec.picks:
        entity = picked.get(p.entity)
        if entity is None:
            out.append(f"{p.entity} 不在摇号时的检查对象名录库中")
            continue
        _, left_out = shared.of(entity)
        pair = (id(left_out), id(p.excluded_inspectors))
        if pair in same:
            continue
        if left_out != [(x.id, x.reason) for x in p.excluded_inspectors]:
            out.append(f"{p.entity} 未派出的执法人员及原因与名录库不符")
        else:
            same[pair] = (left_out, p.excluded_inspectors)
    return out


def _check_replacement(rep: ReplaceEvent, state: Replay | None) -> list[str]:
    """A replacement (递补) made again from the round's record and the replacements before it; applies it to ``state``."""
    if state is None:
        return ["该轮的摇号记录无法读取或未通过复核，无法复核递补"]
    if state.pick(rep.entity) is None:
        out = [f"被递补的企业 {rep.entity} 不是该轮现有的抽中对象"]
    elif rep.target == "entity":
        out = _check_entity_replacement(rep, state)
    else:
        out = _check_inspector_replacement(rep, state)
    state.apply(rep)
    return out


def _check_entity_replacement(rep: ReplaceEvent, state: Replay) -> list[str]:
    rec = state.rec
    try:
        pick = parse_pick(rep.pick)
    except RecordMalformed as exc:
        return [f"递补企业的记录结构异常（{exc.message}）"]
    out = []
    want = [str(s.get("id")) for s in rep.skipped] + [rep.replacement]
    got = list(islice(entity_candidates(rec, state.used_for(rep.entity), state.stratum_for(rep.entity)), len(want)))
    if [c[2] for c in got] != want:
        out.append("递补的企业不是排序名单中的下一位（或跳过的企业与名单不符）")
    elif (got[-1][0], got[-1][1]) != (rep.position, pick.rank) or pick.entity != rep.replacement:
        out.append("递补企业在排序名单中的位次或排序值与重新计算的不符")
    if tuple(rep.out_inspectors) != state.pick(rep.entity).inspectors:  # type: ignore[union-attr]
        out.append("被递补企业的执法人员与此前的分派不符")
    load = state.load_without(rep.entity)
    left_out = {x.id for x in pick.excluded_inspectors}
    eligible = [i for i in rec.inspector_pool if i not in left_out]
    if dict(rep.load) != {i: load[i] for i in eligible if load.get(i)}:
        out.append("递补企业分派执法人员所依据的检查户数（load）与此前的分派不符")
    if team_again(rec, pick.entity, left_out, load) != pick.inspectors:
        out.append("递补企业的执法人员与按规则重新分派的结果不符")
    return out


def _check_inspector_replacement(rep: ReplaceEvent, state: Replay) -> list[str]:
    pick = state.pick(rep.entity)
    assert pick is not None  # _check_replacement
    if rep.inspector not in pick.inspectors:
        return [f"被替换的执法人员 {rep.inspector} 不在 {rep.entity} 的检查组中"]
    order = inspector_order(state.rec, pick, formation_load(state.rec, state.earlier, rep.entity), rep.inspector)
    candidates = inspector_candidates(order, pick.inspectors, state.removed(rep.entity))
    want = [str(s.get("id")) for s in rep.skipped] + [rep.replacement]
    if candidates[:len(want)] != want:
        return ["递补的执法人员不是同一顺序中的下一名（或跳过的人员与顺序不符）"]
    return []
