"""``ssj verify``: re-derive every draw from its record and check the whole chain.

For each draw line of the ledger: the record file exists and its SHA-256 is the one the
ledger holds; the record agrees with the ledger line; the excluded entities are exactly
those drawn earlier in the cycle (re-computed from the ledger as it stood before that
line); the pool is the scope less the excluded; k follows from the scope size and ratio;
the picks and their ranks follow from the seed; each team follows from the eligible
inspectors. Publication lines must point at notice files that still hold their bytes.
Record files and notice files (draws/<year>/public/) that no ledger line names are
reported as orphans; a record an interrupted draw left behind, which ssj set aside as
``<task>-r<n>.orphan-<m>.json``, is noted as kept evidence.

The record's own scope and inspector exclusions are trusted only as far as they can be
checked: where the plan and registries on disk still have the SHA-256 the record holds,
the scope, k and every inspector left out (with its reason) are derived again from those
files, so an edited scope or a made-up exclusion in a record is caught.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from shuangsuiji.draw.cycle import draw_round
from shuangsuiji.draw.teams import team_from_eligible
from shuangsuiji.errors import SsjError
from shuangsuiji.ledger.chain import read_ledger
from shuangsuiji.ledger.state import build_rounds, event_problems
from shuangsuiji.records import draw_count
from shuangsuiji.workspace import Workspace


@dataclass(frozen=True)
class Failure:
    seq: int | None
    file: str
    message: str

    def render(self) -> str:
        where = f"第 {self.seq} 号事件，" if self.seq is not None else ""
        return f"{self.file}: {where}{self.message}"

    def to_json(self) -> dict:
        return {"seq": self.seq, "file": self.file, "message": self.message}


@dataclass
class VerifyResult:
    events: int = 0
    draws: int = 0
    failures: list[Failure] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failures

    def to_json(self) -> dict:
        return {
            "ok": self.ok,
            "events": self.events,
            "draws": self.draws,
            "failures": [f.to_json() for f in self.failures],
            "notes": self.notes,
        }


def expected_digest(text: str) -> str:
    """A line hash as copied from a signed sheet: any case, any spacing; SsjError unless 64 hex digits."""
    want = "".join(text.split()).lower()  # str.split() also drops full-width spaces
    if not re.fullmatch(r"[0-9a-f]{64}", want):
        raise SsjError(
            f"--expect 的值 {text.strip()} 不是完整的 SHA-256（应为 64 位十六进制数字，现为 {len(want)} 位）",
            "请照摇号记录表上“账本第 N 号事件 SHA-256”一栏完整抄写",
        )
    return want


def verify_workspace(ws: Workspace, expect: tuple[str, ...] = ()) -> VerifyResult:
    """Every check above; ``expect`` holds line hashes kept outside (on a signed sheet) that must still be in the ledger."""
    res = VerifyResult()
    ledger_shown = ws.show(ws.ledger_path)
    events, problems, torn = read_ledger(ws.ledger_path)
    res.events = len(events)
    for p in problems:
        res.failures.append(Failure(p.seq, f"{ledger_shown}:{p.line}", p.message))
    if torn:
        res.notes.append(f"{ledger_shown} 末尾有一行不完整（写入时被中断，未生效），下次登记时会被清除")
    for e in event_problems(events, ledger_shown):
        res.failures.append(Failure(None, f"{e.path}:{e.line}", e.message))
    digests = {ev.digest: ev for ev in events}
    for want in map(expected_digest, expect):
        ev = digests.get(want)
        if ev is None:
            res.failures.append(Failure(
                None, ledger_shown,
                f"账本中没有 SHA-256 为 {want} 的行：账本在那之后被整体改写或截断过（也请核对该值是否抄写有误）",
            ))
        else:
            res.notes.append(f"账本第 {ev.line} 行（第 {ev.seq} 号事件）的 SHA-256 与给定值一致，此行及以前的账本未被改动")
    rounds = build_rounds(events)
    current = _CurrentInputs(ws)
    named: set[Path] = set()
    published: set[Path] = set()
    for ev in events:
        if ev.type == "draw":
            res.draws += 1
            path = ws.draws_dir / str(ev.get("record", ""))
            named.add(path.resolve())
            try:
                messages = _check_draw(ws, ev, rounds, path, current)
            except (TypeError, AttributeError, KeyError, ValueError, OverflowError) as exc:
                # Only a record rewritten together with the whole ledger gets here: report it, never crash.
                messages = [f"摇号记录的结构异常，无法复核（{type(exc).__name__}: {exc}）"]
            for message in messages:
                res.failures.append(Failure(ev.seq, ws.show(path), message))
        elif ev.type == "publish":
            for item in ev.get("files") or []:
                fpath = ws.draws_dir / item.get("path", "")
                published.add(fpath.resolve())
                if not fpath.exists():
                    res.failures.append(Failure(ev.seq, ws.show(fpath), "公示文件不存在"))
                elif hashlib.sha256(fpath.read_bytes()).hexdigest() != item.get("sha256"):
                    res.failures.append(Failure(ev.seq, ws.show(fpath), "公示文件内容与账本记录的 SHA-256 不符，文件被改动过"))
    if ws.draws_dir.is_dir():
        for year_dir in sorted(p for p in ws.draws_dir.iterdir() if p.is_dir() and p.name.isdigit()):
            for f in sorted(year_dir.glob("*.json")):
                if ".orphan-" in f.name:
                    res.notes.append(f"{ws.show(f)} 是一次中断的摇号留下的记录，作为凭证保留，未生效")
                elif f.resolve() not in named:
                    res.failures.append(Failure(None, ws.show(f), "孤立的摇号记录：账本中没有对应的摇号事件（摇号被中断，或文件被放入/改名）"))
            public = year_dir / "public"
            for f in sorted(public.iterdir()) if public.is_dir() else []:
                if f.is_file() and not _incidental(f.name) and f.resolve() not in published:
                    res.failures.append(Failure(None, ws.show(f), "孤立的公示文件：账本中没有公示事件记录它（公示被中断，或文件被放入/改名）"))
    if current.stale:
        res.notes.append(
            f"{current.stale} 次摇号之后计划或名录库已修改（或现在无法读取）：这些摇号的范围和执法人员排除按记录本身复核"
            "（摇号时的输入文件 SHA-256 记在记录的 inputs 中）"
        )
    return res


class _CurrentInputs:
    """The workspace's plan and registries as they are now, loaded once per year when needed."""

    def __init__(self, ws: Workspace) -> None:
        self.ws = ws
        self.loaded: dict[int, Any] = {}
        self.stale = 0

    def matching(self, rec: dict) -> Any:
        """The current inputs when every file still has the hash the record holds, else None."""
        from shuangsuiji.inputs.year import load_inputs

        year = rec.get("year")
        if year not in self.loaded:
            try:
                self.loaded[year] = load_inputs(self.ws, year)
            except (SsjError, OSError):  # a broken file, or one Excel holds open: check from the record alone
                self.loaded[year] = None
        inputs = self.loaded[year]
        if inputs is None or inputs.hashes != rec.get("inputs"):
            self.stale += 1
            return None
        return inputs


# Files that appear beside a notice without anyone publishing anything: dot files, the owner
# files Excel/WPS keep while a notice is open ("~$name.xlsx"), Windows folder metadata.
_INCIDENTAL_NAMES = {"thumbs.db", "desktop.ini"}


def _incidental(name: str) -> bool:
    return name.startswith((".", "~$")) or name.lower() in _INCIDENTAL_NAMES


def _check_draw(ws: Workspace, ev, rounds, path: Path, current: _CurrentInputs) -> list[str]:
    from shuangsuiji.draw.cycle import cycle_drawn, live_rounds_before
    from shuangsuiji.draw.record import ids_sha256

    if not path.exists():
        return ["摇号记录文件不存在"]
    data = path.read_bytes()
    if hashlib.sha256(data).hexdigest() != ev.get("record_sha256"):
        return ["摇号记录的 SHA-256 与账本不符：记录文件被改动过"]
    try:
        rec = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return ["摇号记录不是有效的 JSON"]
    out: list[str] = []
    for key in ("year", "task", "round", "seed", "algorithm", "k", "new_cycle", "cycle_picks", "date"):
        if rec.get(key) != ev.get(key):
            out.append(f"记录的 {key} 与账本不符")
    if [p.get("entity") for p in rec.get("picks", [])] != ev.get("picks"):
        out.append("记录的抽中名单与账本不符")
    if out:
        return out
    scope = list(rec["scope"])
    prior = live_rounds_before(rounds, ev["year"], ev["task"], ev.seq)
    excluded = sorted(cycle_drawn(prior) & set(scope))
    if excluded != rec["excluded"]:
        out.append("排除名单与此前各轮的抽中情况不符")
    pool = sorted(set(scope) - set(rec["excluded"]))
    if pool != rec["pool"]:
        out.append("备选池不等于抽查范围减去排除名单")
    if rec.get("pool_sha256") != ids_sha256(rec["pool"]):
        out.append("pool_sha256 与备选池不符")
    try:
        ratio = Decimal(rec["ratio"])
        k = draw_count(len(scope), ratio)
    except (InvalidOperation, KeyError, TypeError, ValueError, OverflowError):  # NaN, Infinity: no fraction
        return out + ["记录中的抽查比例无法识别"]
    if k != rec["k"]:
        out.append(f"抽取家数应为 {k}（范围 {len(scope)} 家 × 比例 {rec['ratio']}），记录为 {rec['k']}")
        return out
    try:
        again = draw_round(rec["algorithm"], rec["seed"], scope, set(excluded), k)
    except ValueError as exc:
        return out + [f"无法重新摇号：{exc}"]
    derived = [(rank, i) for rank, i in again.picks]
    recorded = [(p.get("rank"), p.get("entity")) for p in rec["picks"]]
    if derived != recorded:
        out.append("按记录的种子重新摇号，抽中名单或排序值与记录不符")
    if list(again.cycle_picks) != rec["cycle_picks"] or again.new_cycle != rec["new_cycle"]:
        out.append("新一轮循环的标记与重新摇号结果不符")
    load: dict[str, int] = {}
    n = rec.get("inspectors_per_check", 2)
    for p in rec["picks"]:
        left_out = {x.get("id") for x in p.get("excluded_inspectors", [])}
        eligible = [i for i in rec.get("inspector_pool", []) if i not in left_out]
        team = list(team_from_eligible(rec["seed"], p["entity"], eligible, load, n))
        if team != p.get("inspectors"):
            out.append(f"{p['entity']} 的执法人员与按规则重新分派的结果不符")
        if len(set(p.get("inspectors", []))) < max(2, n):
            out.append(f"{p['entity']} 的执法人员少于 {max(2, n)} 名")
        for i in p.get("inspectors", []):
            load[i] = load.get(i, 0) + 1
    inputs = current.matching(rec)
    if inputs is not None:
        out.extend(_check_against_inputs(rec, inputs))
    return out


def _check_against_inputs(rec: dict, inputs: Any) -> list[str]:
    """Scope, k and inspector exclusions derived again from the unchanged plan and registries."""
    from shuangsuiji.draw.teams import exclusions

    task = inputs.plan.task(rec["task"])
    if task is None:
        return [f"计划中没有任务 {rec['task']}"]
    out = []
    local_avoidance = inputs.plan.local_avoidance  # the plan's, not the record's own say-so
    if rec.get("local_avoidance") != local_avoidance:
        out.append("记录的属地回避设置与计划不符")
    if rec.get("inspectors_per_check") != task.inspectors_per_check:
        out.append("记录的每户执法人员数与计划不符")
    if sorted(inputs.scope_ids(task)) != rec["scope"]:
        out.append("抽查范围与摇号时的计划和名录库（SHA-256 未变）推出的范围不符")
    if task.draw_count(len(rec["scope"])) != rec["k"]:
        out.append("抽取家数与计划的抽查比例不符")
    if sorted(i.id for i in inputs.inspectors) != rec.get("inspector_pool"):
        out.append("执法人员名单与摇号时的执法人员名录库不符")
    picked = inputs.entities_with_ids(p["entity"] for p in rec["picks"])
    for p in rec["picks"]:
        entity = picked.get(p["entity"])
        if entity is None:
            out.append(f"{p['entity']} 不在摇号时的检查对象名录库中")
            continue
        _, left_out = exclusions(entity, inputs.inspectors, local_avoidance)
        recorded = [(x.get("id"), x.get("reason")) for x in p.get("excluded_inspectors", [])]
        if list(left_out) != recorded:
            out.append(f"{p['entity']} 未派出的执法人员及原因与名录库不符")
    return out
