"""The report's credit section (信用分级与失信惩戒), pure: checks and findings by credit-risk grade, the blacklist's year.

By grade. Each entity counts under its grade (``risk``) in the registry as it stands, the
way the report's scopes do; an entity drawn that has since left the registry counts under
no grade. ``entities`` are the registry's active entities of a grade; a live round's picks
(户次), their results in force and the distinct entities drawn are counted under their
entity's grade; the share of checks that found problems is, as in the rest of the report,
the picks with a finding (``codes.FOUND_PROBLEM``) over the inspected picks less those found
not operating; coverage is the active entities of the grade drawn over ``entities``. Both are
exact ``Share`` s (two integers). The grade rows add up to the report's totals of picks,
inspected picks and results.

The blacklist. The changes (列入, 移出) the blacklist's fold kept (``ledger.blacklist.stays``)
whose day falls in the plan year, in date then ledger order; and how many entities are on
the list at the end of the year's last day, or of ``today`` when that is earlier (the ledger
given is already cut at ``today``).

定向 checks and caps (``draw.caps``). The picks of the live rounds that were 定向 additions
(``always_include_blacklisted``: on the draw line's ``targeted`` and still among the round's
picks) are counted apart, in 户次 and entities; they are also in the grades' picks. With the
plan's ``max_checks_per_year``: the entities whose checks in the live rounds (as the report
counts them, replacements as they left the picks) have reached their cap, and the checks
beyond the caps (100% tasks and 定向 checks are drawn all the same).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date

from shuangsuiji.codes import RESULT_CODES, STRATUM_ORDER
from shuangsuiji.ledger.blacklist import stays
from shuangsuiji.ledger.chain import LedgerEvent
from shuangsuiji.ledger.state import Round
from shuangsuiji.records import CheckCaps, Entity
from shuangsuiji.report.records import BlacklistChange, Credit, GradeRow


def grade_sizes(entities: Sequence[Entity], categories: Iterable[str]) -> dict[str, int]:
    """Active entities per grade (the registry's own count when it has one: no Entity, no id per row)."""
    counts = getattr(entities, "grade_counts", None)
    if counts is not None:
        return counts(set(categories))
    graded = getattr(entities, "graded_ids_where", None)
    grades = (g for _, g in graded(set(categories))) if graded else (e.risk for e in entities if e.active)
    sizes: dict[str, int] = {}
    for g in grades:
        sizes[g] = sizes.get(g, 0) + 1
    return sizes


def credit_section(year: int, today: date, sizes: Mapping[str, int], by_id: Mapping[str, Entity],
                   live: Iterable[Round], events: Sequence[LedgerEvent], caps: CheckCaps | None = None) -> Credit:
    """The credit section of the year's report.

    Args:
        year: the plan year.
        today: the day the report counts up to (``events`` already cut at it).
        sizes: ``grade_sizes`` of the registry.
        by_id: id -> registry entity (looked up per drawn entity).
        live: the year's live rounds of the plan's tasks.
        events: the ledger as of ``today``.
        caps: the plan's ``max_checks_per_year`` (None: no cap).
    """
    picks = {g: 0 for g in STRATUM_ORDER}
    inspected = {g: 0 for g in STRATUM_ORDER}
    results = {g: {code: 0 for code in RESULT_CODES} for g in STRATUM_ORDER}
    drawn: dict[str, set[str]] = {g: set() for g in STRATUM_ORDER}
    covered: dict[str, set[str]] = {g: set() for g in STRATUM_ORDER}
    grade_of: dict[str, tuple[str, bool]] = {}  # id -> (grade, active in the registry)
    checks: dict[str, int] = {}
    targeted: list[str] = []
    for r in live:
        if r.draw.targeted:
            targeted.extend(i for i in r.draw.targeted if i in r.pick_set)
        for entity in r.picks:
            checks[entity] = checks.get(entity, 0) + 1
            if entity not in grade_of:
                e = by_id.get(entity)
                grade_of[entity] = (e.risk, e.active) if e is not None and e.risk in picks else ("", e is not None and e.active)
            g, active = grade_of[entity]
            picks[g] += 1
            drawn[g].add(entity)
            if active:
                covered[g].add(entity)
            ev = r.current(entity)
            if ev is not None:
                inspected[g] += 1
                results[g][ev.result] = results[g].get(ev.result, 0) + 1
    grades = tuple(
        GradeRow(grade=g, entities=sizes.get(g, 0), drawn=len(drawn[g]), covered=len(covered[g]), picks=picks[g],
                 inspected=inspected[g], results=results[g])
        for g in STRATUM_ORDER
    )
    end = min(today, date(year, 12, 31)).isoformat()
    first, last = f"{year}-01-01", f"{year}-12-31"
    changes: list[BlacklistChange] = []
    listed = 0
    for s in stays(events):
        for ev in (s.added, s.removed):
            if ev is not None and first <= ev.date <= last:
                changes.append(BlacklistChange(ev.date, "add" if ev.added else "remove", ev.entity, ev.name, ev.reason,
                                               ev.basis, ev.seq))
        if s.added.date <= end and (s.removed is None or s.removed.date > end):
            listed += 1
    changes.sort(key=lambda c: (c.date, c.seq))
    capped = over = 0
    for entity, n in checks.items() if caps is not None else ():
        e = by_id.get(entity)
        cap = caps.cap_for(e.category, e.risk) if e is not None else caps.default
        if cap is not None and n >= cap:
            capped += 1
            over += n - cap
    return Credit(grades=grades, blacklist=tuple(changes), listed_on=end, listed=listed, targeted=len(targeted),
                  targeted_entities=len(set(targeted)), caps=caps.text() if caps is not None else "", capped=capped, over_cap=over)
