"""Teams: which inspectors go to each drawn entity (pure)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from shuangsuiji.codes import EXCLUSION_REASONS
from shuangsuiji.errors import NotEnoughInspectors
from shuangsuiji.records import Entity, Inspector


def team_rank(seed: str, entity_id: str, inspector_id: str) -> str:
    """Lowercase hex SHA-256 of ``seed + ":" + entity_id + ":" + inspector_id``."""
    return hashlib.sha256(f"{seed}:{entity_id}:{inspector_id}".encode("utf-8")).hexdigest()


def reason_text(code: str, inspector: Inspector | None = None) -> str:
    """Chinese text of an exclusion reason code."""
    template = EXCLUSION_REASONS.get(code)
    if template is None:
        return f"未知原因（{code}）"
    if code == "off_duty":
        if inspector is None or not inspector.status:
            return "不在岗"
        return template.format(status=inspector.status)
    return template


def exclusion_reason(entity: Entity, inspector: Inspector, local_avoidance: bool) -> str | None:
    """The first reason (a key of codes.EXCLUSION_REASONS) the inspector may not check the entity; None when they may."""
    if inspector.never_drawn:
        return "not_drawn"
    if not inspector.on_duty:
        return "off_duty"
    if not inspector.qualified_for(entity.category):
        return "unqualified"
    if entity.id in inspector.avoid:
        return "conflict"
    if local_avoidance and entity.town and inspector.town == entity.town:
        return "local"
    return None


def exclusions(
    entity: Entity, inspectors: Sequence[Inspector], local_avoidance: bool
) -> tuple[list[Inspector], list[tuple[str, str]]]:
    """(eligible inspectors in input order, [(inspector_id, reason_code)] sorted by id).

    The reason is the first that applies of: not_drawn (status 不参与抽取), off_duty,
    unqualified, conflict, local.
    """
    eligible: list[Inspector] = []
    excluded: list[tuple[str, str]] = []
    for inspector in inspectors:
        reason = exclusion_reason(entity, inspector, local_avoidance)
        if reason is None:
            eligible.append(inspector)
        else:
            excluded.append((inspector.id, reason))
    excluded.sort()
    return eligible, excluded


class SharedExclusions:
    """``exclusions`` of many entities against one list of inspectors, each answer worked out once.

    Who may go depends on the entity only through its category, its town (under 属地回避) and
    the avoid lists: entities no one avoids share the answer for their category and town.
    """

    def __init__(self, inspectors: Sequence[Inspector], local_avoidance: bool) -> None:
        self.inspectors, self.local_avoidance = inspectors, local_avoidance
        self.avoided = {entity_id for i in inspectors for entity_id in i.avoid}
        self.shared: dict[tuple[str, str], tuple[list[Inspector], list[tuple[str, str]]]] = {}

    def of(self, entity: Entity) -> tuple[list[Inspector], list[tuple[str, str]]]:
        """``exclusions(entity, inspectors, local_avoidance)``; entities of one answer get the same lists (do not change them)."""
        if entity.id in self.avoided:
            return exclusions(entity, self.inspectors, self.local_avoidance)
        key = (entity.category, entity.town if self.local_avoidance else "")
        found = self.shared.get(key)
        if found is None:
            found = self.shared[key] = exclusions(entity, self.inspectors, self.local_avoidance)
        return found


def checks_by_inspector(teams: Iterable[Sequence[str]]) -> dict[str, int]:
    """How many checks each inspector has in the given teams (one per team they are in), sorted by id."""
    counts: dict[str, int] = {}
    for team in teams:
        for inspector_id in dict.fromkeys(team):
            counts[inspector_id] = counts.get(inspector_id, 0) + 1
    return dict(sorted(counts.items()))


def add_checks(total: dict[str, int], counts: Mapping[str, int]) -> None:
    """Add one round's checks per inspector to a running total."""
    for inspector_id, n in counts.items():
        total[inspector_id] = total.get(inspector_id, 0) + n


def team_from_eligible(
    seed: str, entity_id: str, eligible_ids: Sequence[str], load: Mapping[str, int], n: int
) -> tuple[str, ...]:
    """The first n eligible ids ordered by (load, team_rank(seed, entity_id, id), id).

    ``load`` counts the checks each inspector already has this year: those of earlier rounds
    (the record's ``prior_checks``) plus the teams joined so far in this draw. Returns fewer
    than n ids when fewer are eligible; callers that need a full team check the length.
    """
    if n < 0:
        raise ValueError(f"n must not be negative: {n}")
    prefix = hashlib.sha256(f"{seed}:{entity_id}:".encode("utf-8"))  # team_rank, hashing the shared part once

    def key(inspector_id: str) -> tuple[int, str, str]:
        h = prefix.copy()
        h.update(inspector_id.encode("utf-8"))
        return (load.get(inspector_id, 0), h.hexdigest(), inspector_id)

    return tuple(sorted(dict.fromkeys(eligible_ids), key=key)[:n])


@dataclass(frozen=True)
class Team:
    """The inspectors assigned to one drawn entity."""

    entity: str
    inspectors: tuple[str, ...]
    excluded: tuple[tuple[str, str], ...]  # (inspector_id, reason_code), sorted by inspector id


def _not_enough_message(
    entity: Entity,
    eligible: Sequence[Inspector],
    excluded: Sequence[tuple[str, str]],
    by_id: Mapping[str, Inspector],
    n: int,
) -> str:
    lines = [
        f"{entity.name}（统一社会信用代码 {entity.id}）可派执法检查人员只有 {len(eligible)} 名，"
        f"少于每户所需的 {n} 名。"
    ]
    if eligible:
        names = "、".join(f"{i.name}（{i.id}）" for i in eligible)
        lines.append(f"可派人员：{names}")
    if excluded:
        lines.append("不能派出的人员及原因：")
        for inspector_id, code in excluded:
            inspector = by_id.get(inspector_id)
            label = f"{inspector.name}（{inspector_id}）" if inspector else inspector_id
            lines.append(f"  - {label}：{reason_text(code, inspector)}")
    return "\n".join(lines)


def assign_teams(
    seed: str,
    picks: Sequence[Entity],
    inspectors: Sequence[Inspector],
    n: int,
    local_avoidance: bool,
    prior_checks: Mapping[str, int] | None = None,
) -> list[Team]:
    """One team of n inspectors per drawn entity, in pick order.

    Inspectors are ordered by their checks so far in the year (``prior_checks``, from the
    live rounds of every task of the year drawn before this one, plus the teams already
    formed in this draw), then by ``team_rank``: the workload evens out over the year.

    Raises NotEnoughInspectors, naming the entity and why each inspector was excluded,
    when an entity has fewer than n eligible inspectors.
    """
    by_id = {i.id: i for i in inspectors}
    shared = SharedExclusions(inspectors, local_avoidance)
    load: dict[str, int] = dict(prior_checks or {})
    teams: list[Team] = []
    for entity in picks:
        eligible, excluded = shared.of(entity)
        if len(eligible) < n:
            raise NotEnoughInspectors(
                _not_enough_message(entity, eligible, excluded, by_id, n),
                "请核对执法检查人员名录库中的在岗状态、检查资格和回避名单，"
                "补充可派人员后重新抽取。",
            )
        team = team_from_eligible(seed, entity.id, [i.id for i in eligible], load, n)
        for inspector_id in team:
            load[inspector_id] = load.get(inspector_id, 0) + 1
        teams.append(Team(entity=entity.id, inspectors=team, excluded=tuple(excluded)))
    return teams
