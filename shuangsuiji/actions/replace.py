"""``ssj replace`` (递补): append the event that replaces a pick, or one inspector of its team.

Under the ledger lock: the ledger folded once, the round and its record read (bytes checked),
the registries as they are now loaded (to pass over a candidate that can no longer be
inspected or inspect), then the pure ``draw.replace`` finds the next line of the same ranked
list, and one ``replace`` line is appended. Nothing else is written: the record stays as drawn.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from shuangsuiji.actions.draw import load_record
from shuangsuiji.codes import ACTIVE_ENTITY_STATUS, REPLACE_REASON_NEEDS_NOTE, REPLACE_REASONS
from shuangsuiji.draw import replace as rp
from shuangsuiji.draw.record import DrawRecord, Pick
from shuangsuiji.errors import BadOptions, DateOutOfRange, NoReplacement, ReasonRequired
from shuangsuiji.inputs.year import Inputs, load_inputs
from shuangsuiji.ledger.chain import Ledger, LedgerEvent, load_events
from shuangsuiji.ledger.state import Round, build_rounds, find_round
from shuangsuiji.records import Entity, grade_label
from shuangsuiji.workspace import Workspace


@dataclass(frozen=True)
class ReplaceRequest:
    """What the clerk asked for: whom to replace in which round, why, and on which day."""

    task: str
    round: int
    entity: str
    reason: str
    note: str = ""
    inspector: str | None = None
    day: date = field(default_factory=date.today)


@dataclass(frozen=True)
class Replaced:
    """What a replacement did, for the command to say."""

    event: LedgerEvent
    out_name: str  # the replaced entity's or inspector's name
    in_name: str
    pick: Pick  # the pick after the replacement
    skipped: tuple[rp.Skipped, ...]
    ranked_list: str = "排序名单"  # which list an entity came from: the round's, or its stratum's


def parse_reason(text: str, note: str) -> str:
    """The reason code of --reason (a code or its Chinese word).

    Raises:
        BadOptions: a word that is not one of the reasons.
        ReasonRequired: 其他 without --note.
    """
    word = text.strip()
    codes = {code: code for code in REPLACE_REASONS} | {label: code for code, label in REPLACE_REASONS.items()}
    code = codes.get(word) or codes.get(word.lower())
    known = "、".join(REPLACE_REASONS.values())
    if code is None:
        raise BadOptions(f"递补原因“{word}”不是可用的原因", f"--reason 可写：{known}（或其代码 {'、'.join(REPLACE_REASONS)}）")
    if code == REPLACE_REASON_NEEDS_NOTE and not note.strip():
        raise ReasonRequired("递补原因为“其他”时须写明具体原因", "请加 --note \"具体原因\"")
    return code


def replace_pick(ws: Workspace, year: int, req: ReplaceRequest) -> Replaced:
    """Replace an entity of a round (or, with ``req.inspector``, one inspector of its team) and append the event.

    Raises:
        RoundNotFound, RoundVoided: no such live round.
        NoReplacement: the entity is not a current pick, already has a result, the inspector is
            not in its team, or the ranked list has no one left.
        ReasonRequired, DateOutOfRange, NotEnoughInspectors: each names what to change.
    """
    reason = parse_reason(req.reason, req.note)
    inputs = load_inputs(ws, year)
    ledger = Ledger(ws.ledger_path, ws.show(ws.ledger_path))
    with ledger.locked():
        events = load_events(ws.ledger_path, ws.show(ws.ledger_path))
        r = find_round(build_rounds(events), year, req.task, req.round, live=True)
        _check_replaceable(r, req)
        rec = load_record(ws, r.draw)
        state = rp.replay(rec, r.replacements)
        head = {"year": year, "task": r.task, "round": r.number, "date": req.day.isoformat()}
        if req.inspector is None:
            fields, done = _entity(rec, state, inputs, req.entity)
        else:
            fields, done = _inspector(rec, state, inputs, req.entity, req.inspector)
        data = {**head, **fields, "reason": reason, "note": req.note.strip()}
        event = ledger.append("replace", data)
        return Replaced(event, *done)


def _check_replaceable(r: Round, req: ReplaceRequest) -> None:
    where = f"{r.task} 第 {r.number} 轮"
    if req.entity not in r.pick_set:
        earlier = next((rep for rep in r.replacements if rep.target == "entity" and rep.entity == req.entity), None)
        if earlier is not None:
            raise NoReplacement(f"{req.entity} 已于 {earlier.date} 由 {earlier.replacement} 递补，不再是 {where} 的抽中对象",
                                f"如需再递补，请对 {earlier.replacement} 运行 ssj replace")
        raise NoReplacement(f"{req.entity} 不是{where}的抽中对象", f"请用 ssj results --task {r.task} --round {r.number} 查看该轮抽中的企业")
    if r.results.get(req.entity):
        raise NoReplacement(f"{where}的 {req.entity} 已于 {r.results[req.entity][-1].date} 登记检查结果，不能再递补",
                            "递补只能在该户检查结果登记之前；检查结果有误请用 ssj record 登记更正")
    if req.inspector is None and req.entity in r.draw.targeted:
        raise NoReplacement(f"{req.entity} 是{where}的定向检查企业（黑名单企业每轮都检查，always_include_blacklisted），不是摇号抽中的，不能用排序名单递补",
                            "定向检查的企业无法检查时，请登记检查结果（如 --result not_operating 并写明情况）；更换执法人员请加 --inspector")
    if req.day.isoformat() < r.draw_date:
        raise DateOutOfRange(f"递补日期 {req.day} 早于{where}的摇号日期 {r.draw_date}", "递补只能在摇号之后；补录时请用 --today 写实际递补日期")


def _entity(rec: DrawRecord, state: rp.Replay, inputs: Inputs, entity: str) -> tuple[dict[str, Any], tuple]:
    """The event fields of an entity's replacement: the next line of the ranked list that can still be inspected."""
    out = state.pick(entity)
    assert out is not None  # _check_replaceable: a current pick
    stratum = state.stratum_for(entity)  # in a stratified round: the next line of the pick's own stratum
    where = f"风险等级 {grade_label(stratum.grade)} 的" if stratum is not None else ""
    skipped: list[rp.Skipped] = []
    for line, rank, candidate in rp.entity_candidates(rec, state.used_for(entity), stratum):
        found = inputs.entity(candidate)
        why = rp.entity_skip_reason(found, candidate)
        if why is None and found is not None:
            pick, load = rp.replacement_pick(rec, found, rank, inputs.inspectors, state.load_without(entity))
            fields = {
                "target": "entity", "entity": entity, "replacement": candidate, "position": line,
                "pick": pick.to_json(), "out_inspectors": list(out.inspectors), "load": load,
                "skipped": [s.to_json() for s in skipped],
            }
            return fields, (out.name, pick.name, pick, tuple(skipped), f"{where}排序名单")
        skipped.append(why)  # type: ignore[arg-type]
    raise NoReplacement(
        f"{rec.task} 第 {rec.round} 轮{where}排序名单中已没有可递补的企业"
        + (f"（其后 {len(skipped)} 家均已不能检查）" if skipped else ""),
        "可以作废本轮（ssj void）后重新摇号，或在检查结果中如实登记该户情况",
    )


def _inspector(rec: DrawRecord, state: rp.Replay, inputs: Inputs, entity: str, inspector: str) -> tuple[dict[str, Any], tuple]:
    """The event fields of an inspector's replacement: the next eligible one in the order the team was taken from."""
    pick = state.pick(entity)
    assert pick is not None
    if inspector not in pick.inspectors:
        team = "、".join(f"{n}（{i}）" for n, i in zip(pick.inspector_names, pick.inspectors))
        raise NoReplacement(f"执法检查人员 {inspector} 不在 {entity} 的检查组中（现为：{team}）", "请核对 --inspector 的执法证号")
    order = rp.inspector_order(rec, pick, rp.formation_load(rec, state.earlier, entity), inspector)
    candidates = rp.inspector_candidates(order, pick.inspectors, state.removed(entity))
    here = inputs.entity(entity) or Entity(pick.entity, pick.name, pick.category, pick.town, ACTIVE_ENTITY_STATUS)
    skipped: list[rp.Skipped] = []
    for candidate in candidates:
        why = rp.inspector_skip_reason(inputs.inspector(candidate), here, rec.local_avoidance, candidate)
        if why is None:
            person = inputs.inspector(candidate)
            assert person is not None
            fields = {
                "target": "inspector", "entity": entity, "inspector": inspector, "replacement": candidate,
                "name": person.name, "skipped": [s.to_json() for s in skipped],
            }
            slot = pick.inspectors.index(inspector)
            after = Pick(pick.entity, pick.rank, pick.inspectors[:slot] + (candidate,) + pick.inspectors[slot + 1:],
                         pick.name, pick.category, pick.town,
                         pick.inspector_names[:slot] + (person.name,) + pick.inspector_names[slot + 1:], pick.excluded_inspectors)
            out = inputs.inspector(inspector)
            return fields, (out.name if out else pick.inspector_names[slot], person.name, after, tuple(skipped))
        skipped.append(why)
    raise NoReplacement(
        f"{entity} 已没有可递补的执法检查人员" + (f"（其余 {len(skipped)} 名现在均不能派出）" if skipped else ""),
        "请核对执法检查人员名录库中的在岗状态和检查资格",
    )
