"""The annual report's numbers (年度报告), pure: plan, registries, ledger events and records in, a ``Report`` out.

``build_report`` computes every number from the values ``actions.report.load_report``
reads (no files, no clock: ``today`` is an argument). The records and their JSON are in
``report.records``; the renderers in ``shuangsuiji.render`` lay them out.

What is counted. A round is a draw of a task in the plan year; a voided round is shown
apart and counts nowhere else. A *pick* is one entity drawn in one live round (户次); an
entity drawn in two rounds is two picks and one entity. A pick is *inspected* when it has
a result in force (the latest one recorded, ``Round.current``). Results are counted per
pick by the code in force. *Found problems* are the picks whose result is in
``codes.FOUND_PROBLEM``; the share of checks that found problems is that number over
the inspected picks less those found not operating (``not_operating``: nothing could be
checked). Scope is the registry as it stands: the active entities in the task's
categories; coverage is the distinct entities drawn that are in that scope, over it.

Publication of a live round, one of four states, on the rules of ``deadlines.due`` (so the
report agrees with ``ssj publish-due``): ``on_time`` or ``late`` once it has a publish
event that is not partial (the first such event's own ``on_time`` flag decides);
otherwise ``overdue`` exactly when ``ssj publish-due`` shows it as overdue
(``due_item``: results still missing after the task's period, or complete and past
the due date, 7 working days after the check end or the period's end), else ``pending``.
``period_ended`` is ``today`` after the task's end date.

Exact arithmetic. Shares are kept as integer numerator and denominator and never as
floats; ``percent`` is rounded half up to one decimal place from the exact fraction, for
display only, and is ``null`` when the denominator is 0. A median is exact too (a
half-integer at most), given as a string such as ``"3.5"``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterator
from collections.abc import Mapping as AbcMapping
from datetime import date
from decimal import Decimal
from typing import Any, Mapping, Sequence

from shuangsuiji.codes import FOUND_PROBLEM, PUBLICATION_STATES, RESULT_CODES
from shuangsuiji.deadlines.due import deadline, due_item, finished_late
from shuangsuiji.deadlines.due import on_time as publication_on_time
from shuangsuiji.deadlines.workdays import WorkCalendar
from shuangsuiji.draw.joint import department_teams
from shuangsuiji.draw.record import DrawRecord, Pick
from shuangsuiji.draw.replace import current_picks
from shuangsuiji.draw.seeds import hand_warning, kind_counts, kind_label
from shuangsuiji.ledger.chain import LedgerEvent
from shuangsuiji.ledger.state import Round, build_rounds
from shuangsuiji.records import Entity, Inspector, Plan, Task, stratum_count
from shuangsuiji.report.credit import credit_section, grade_sizes
from shuangsuiji.report.departments import departments_section
from shuangsuiji.report.records import (
    AVOIDANCE_REASONS,
    Avoidance,
    CategoryFrequency,
    FollowUp,
    Frequency,
    InspectorRow,
    Inspectors,
    Integrity,
    Month,
    Report,
    RoundRow,
    SeedKindRow,
    SmallTeam,
    Tally,
    TaskFrequency,
    TaskRow,
)
from shuangsuiji.results.check import measures_text


def build_report(
    plan: Plan,
    entities: Sequence[Entity],
    inspectors: Sequence[Inspector],
    events: Sequence[LedgerEvent],
    records: Mapping[tuple[str, int], DrawRecord | None],
    cal: WorkCalendar,
    today: date,
    integrity: Integrity,
    left_out: int = 0,
) -> Report:
    """Every number of the year's report.

    Args:
        plan: the year's plan.
        entities, inspectors: the registries as they stand.
        events: the ledger's events, in order (a broken chain still gives its events).
        records: draw record of each (task, round) of the year, None when it could not be read.
        cal: the working-day calendar, for due dates (``publish.deadline``).
        today: the day the report is made for ("period ended", pending or overdue).
        integrity: the result of ``verify_workspace``.
        left_out: events of the ledger dated after ``today`` that the caller left out of ``events``.
    """
    year = plan.year
    by_id = _by_id(entities)
    scopes = _Scopes(entities, by_id)
    all_rounds = build_rounds(list(events))
    planned = {t.id for t in plan.tasks}
    notes: list[str] = []
    stray: dict[str, int] = {}
    for r in all_rounds.values():
        if r.year == year and r.task not in planned:
            stray[r.task] = stray.get(r.task, 0) + 1
    for task_id, n in sorted(stray.items()):
        notes.append(f"账本中有计划外任务 {task_id} 的摇号 {n} 轮（计划中已没有这个任务），未计入本报告")

    by_task: dict[str, list[Round]] = {t.id: [] for t in plan.tasks}
    for r in sorted(all_rounds.values(), key=lambda r: (r.number if isinstance(r.number, int) else 0, r.draw.seq)):
        if r.year == year and r.task in by_task:
            by_task[r.task].append(r)

    task_rows = tuple(_task_row(t, by_task[t.id], scopes, cal, today) for t in plan.tasks)
    totals = _sum_tallies([row.tally for row in task_rows], by_task)
    live = [r for t in plan.tasks for r in by_task[t.id] if not r.voided]
    return Report(
        year=year,
        today=today,
        left_out=left_out,
        plan=plan,
        tasks=task_rows,
        totals=totals,
        frequency=_frequency(plan, by_task, scopes, records, task_rows),
        inspectors=_inspectors(inspectors, live, records),
        follow_up=_follow_up(live, records, by_id),
        credit=credit_section(year, today, grade_sizes(entities, plan.categories), by_id, live, events, plan.max_checks),
        departments=departments_section(plan, inspectors, live, records),
        timeline=_timeline(year, [r for rs in by_task.values() for r in rs]),
        seeds=_seeds(by_task, records),
        seed_warning=hand_warning(year, kind_counts(_origins(by_task, records))),
        integrity=integrity,
        notes=tuple(notes),
    )


def _origins(by_task: Mapping[str, list[Round]], records: Mapping) -> list[tuple[str | None, bool]]:
    """(seed_origin or None when the record could not be read, voided) of each round of the year."""
    out = []
    for rounds in by_task.values():
        for r in rounds:
            rec = records.get((r.task, r.number))
            out.append((rec.seed_origin if rec is not None else None, r.voided))
    return out


def _seeds(by_task: Mapping[str, list[Round]], records: Mapping) -> tuple[SeedKindRow, ...]:
    return tuple(SeedKindRow(c.kind, kind_label(c.kind), c.live, c.voided) for c in kind_counts(_origins(by_task, records)))


class _Scopes:
    """The registry's active entities per category, as the report counts them.

    Sizes come from one count per category; whether a drawn entity is in a scope is looked up
    entity by entity (a set of every active id of a million-entity registry is never built);
    the ids themselves are listed only for a category that needs its uncovered entities named.
    """

    def __init__(self, entities: Sequence[Entity], by_id: Mapping[str, Entity]) -> None:
        self.entities = entities
        self.by_id = by_id
        self.counts: dict[str, int] = {}
        count_by_category = getattr(entities, "count_by_category", None)
        if count_by_category is not None:
            for (category, active), n in count_by_category().items():
                if active:
                    self.counts[category] = self.counts.get(category, 0) + n
        else:
            for e in entities:
                if e.active:
                    self.counts[e.category] = self.counts.get(e.category, 0) + 1
        self._active: dict[str, str | None] = {}  # entity id -> its category if in the registry and active

    def size(self, categories: Collection[str]) -> int:
        return sum(self.counts.get(c, 0) for c in set(categories))

    def category_if_active(self, entity_id: str) -> str | None:
        if entity_id not in self._active:
            e = self.by_id.get(entity_id)
            self._active[entity_id] = e.category if e is not None and e.active else None
        return self._active[entity_id]

    def covered(self, drawn: set[str], categories: Collection[str]) -> int:
        """How many of the drawn entities are active registry entities in the categories."""
        return sum(1 for e in drawn if self.category_if_active(e) in categories)

    def ids(self, categories: set[str]) -> set[str]:
        return _active_ids(self.entities, categories)


def _active_ids(entities: Sequence[Entity], categories: set[str]) -> set[str]:
    """Ids of the active entities in the categories: the registry's own scan when it has one (no Entity per row)."""
    ids_where = getattr(entities, "ids_where", None)
    if ids_where is not None:
        return set(ids_where(categories))
    return {e.id for e in entities if e.active and e.category in categories}


class _Registry(AbcMapping):
    """id -> Entity, looked up in the registry when asked: a dict of a million entities would hold them all.

    Each id is looked up once (the report asks for every drawn entity several times): the
    entities kept are the ones asked for, no more than the year's picks.
    """

    def __init__(self, table: Any) -> None:
        self.table = table
        self.asked: dict[str, Entity | None] = {}

    def __getitem__(self, key: str) -> Entity:
        try:
            found = self.asked[key]
        except KeyError:
            found = self.asked[key] = self.table.find(key)
        except TypeError:  # not hashable: no such id
            found = None
        if found is None:
            raise KeyError(key)
        return found

    def __iter__(self) -> Iterator[str]:
        return (e.id for e in self.table)

    def __len__(self) -> int:
        return len(self.table)


def _by_id(entities: Sequence[Entity]) -> Mapping[str, Entity]:
    return _Registry(entities) if hasattr(entities, "find") else {e.id: e for e in entities}


def _round_row(task: Task, r: Round, cal: WorkCalendar, today: date) -> RoundRow:
    results = {code: 0 for code in RESULT_CODES}
    inspected = 0
    if not r.voided:
        for e in r.picks:
            ev = r.current(e)
            if ev is not None:
                inspected += 1
                results[ev.result] = results.get(ev.result, 0) + 1
    due_day, provisional, published, state, late = None, False, None, None, False
    if not r.voided:
        due_day, provisional, published, state, late = _publication(task, r, cal, today)
    return RoundRow(
        task=task.id, number=r.number, date=r.draw_date, k=r.draw.k, picks=len(r.picks),
        voided=r.voided, void_date=r.void.date if r.void else None, void_reason=r.void.reason if r.void else None,
        inspected=inspected, results=results, check_end=r.check_end() if not r.voided else None, late_check=late,
        due=due_day, due_provisional=provisional, published=published, publication=state,
        publish_events=len(r.publications), record=r.draw.record,
    )


def _publication(task: Task, r: Round, cal: WorkCalendar, today: date) -> tuple[str, bool, str | None, str, bool]:
    """(due date, provisional, publication date, state, finished late) of a live round, on publish-due's rules."""
    dl = deadline(r, task, cal)
    done = next((p for p in r.publications if not p.partial), None)
    if done is None:
        # The same rule as `ssj publish-due`: a round still missing results after its
        # period, or complete and past its due date, is overdue.
        item = due_item(r, task, cal, today)
        state = "overdue" if item.level == "overdue" else "pending"
        return item.due.isoformat(), item.provisional, None, state, item.late_check
    published = done.date
    on_time = done.on_time
    if on_time is None:
        on_time = publication_on_time(date.fromisoformat(published), dl)
    due_day = done.due or dl.due.isoformat()
    provisional = done.provisional
    return due_day, provisional, published, "on_time" if on_time else "late", finished_late(dl)


def _task_row(task: Task, rounds: list[Round], scopes: _Scopes, cal: WorkCalendar, today: date) -> TaskRow:
    scope = scopes.size(task.scope)
    rows = tuple(_round_row(task, r, cal, today) for r in rounds)
    live_rounds = [r for r in rounds if not r.voided]
    live_rows = [row for row in rows if not row.voided]
    drawn = {e for r in live_rounds for e in r.picks}
    results = {code: 0 for code in RESULT_CODES}
    for row in live_rows:
        for code, n in row.results.items():
            results[code] = results.get(code, 0) + n
    pubs = {s: 0 for s in PUBLICATION_STATES}
    for row in live_rows:
        pubs[row.publication] += 1  # type: ignore[index]
    tally = Tally(
        scope=scope, rounds_drawn=len(live_rounds), rounds_voided=len(rounds) - len(live_rounds),
        picks=sum(row.picks for row in live_rows), entities_drawn=len(drawn), covered=scopes.covered(drawn, set(task.scope)),
        inspected=sum(row.inspected for row in live_rows), results=results, publications=pubs,
    )
    return TaskRow(task=task, period_ended=today > task.end, per_round=_per_round(task, scopes.entities, scope), tally=tally, rounds=rows)


def _per_round(task: Task, entities: Sequence[Entity], scope: int) -> int:
    """k of a round as the plan and registry give it now; a stratified task's is the sum over its grades
    (a grade the plan gives no ratio counts 0: ``ssj check`` reports it)."""
    if not task.stratified:
        return task.draw_count(scope)
    graded = getattr(entities, "graded_ids_where", None)
    pairs = graded(set(task.scope)) if graded else [(e.id, e.risk) for e in entities if e.active and e.category in task.scope]
    sizes = Counter(g for _, g in pairs)
    return sum(stratum_count(n, task.ratio_for(g) or Decimal(0)) for g, n in sizes.items())


def _sum_tallies(tallies: list[Tally], by_task: dict[str, list[Round]]) -> Tally:
    results = {code: 0 for code in RESULT_CODES}
    pubs = {s: 0 for s in PUBLICATION_STATES}
    for t in tallies:
        for code, n in t.results.items():
            results[code] = results.get(code, 0) + n
        for s, n in t.publications.items():
            pubs[s] += n
    # An entity in two tasks' scopes counts once among the entities drawn.
    drawn = {e for rs in by_task.values() for r in rs if not r.voided for e in r.picks}
    return Tally(
        scope=sum(t.scope for t in tallies), rounds_drawn=sum(t.rounds_drawn for t in tallies),
        rounds_voided=sum(t.rounds_voided for t in tallies), picks=sum(t.picks for t in tallies),
        entities_drawn=len(drawn), covered=sum(t.covered for t in tallies),
        inspected=sum(t.inspected for t in tallies), results=results, publications=pubs,
    )


def _pick_info(records: Mapping[tuple[str, int], DrawRecord | None], r: Round) -> dict[str, Pick]:
    rec = records.get((r.task, r.number))
    if not rec:
        return {}
    return {p.entity: p for p in current_picks(rec, r.replacements)}


def _frequency(plan: Plan, by_task: dict[str, list[Round]], scopes: _Scopes, records: Mapping,
               task_rows: tuple[TaskRow, ...]) -> Frequency:
    ended = {row.task.id: row.period_ended for row in task_rows}
    tasks = tuple(
        TaskFrequency(t.id, t.name, sum(1 for r in by_task[t.id] if not r.voided), ended[t.id]) for t in plan.tasks
    )
    # The category of each pick of each live round, looked up once (not once per category).
    pick_categories = {
        r.key: [_category(e, scopes.by_id, info) for e in r.picks]
        for rs in by_task.values() for r in rs if not r.voided
        for info in (_pick_info(records, r),)
    }
    categories = tuple(
        _category_frequency(code, label, plan, by_task, scopes, pick_categories)
        for code, label in plan.categories.items()
    )
    findings = _findings(plan, tasks, categories, ended, scopes.by_id)
    ok = not findings
    if ok:
        findings.append("各抽查任务和各类别全年随机抽查均不少于 2 轮，重点行业全部覆盖，符合计划要求。")
    return Frequency(tasks=tasks, categories=categories, findings=tuple(findings), ok=ok)


def _category_frequency(code: str, label: str, plan: Plan, by_task: dict[str, list[Round]], scopes: _Scopes,
                        pick_categories: Mapping[tuple, list[str]]) -> CategoryFrequency:
    covering = [t for t in plan.tasks if code in t.scope]
    rounds = with_picks = picks = 0
    drawn: set[str] = set()
    for t in covering:
        for r in by_task[t.id]:
            if r.voided:
                continue
            rounds += 1
            mine = [e for e, c in zip(r.picks, pick_categories[r.key]) if c == code]
            with_picks += bool(mine)
            picks += len(mine)
            drawn |= set(mine)
    key = any(t.full_coverage for t in covering)
    uncovered = tuple(sorted(scopes.ids({code}) - drawn)) if key else ()
    return CategoryFrequency(
        code=code, label=label, tasks=tuple(t.id for t in covering), key=key, rounds=rounds,
        rounds_with_picks=with_picks, picks=picks, entities=len(drawn), scope=scopes.size({code}),
        covered=scopes.covered(drawn, {code}), uncovered=uncovered,
    )


def _findings(plan: Plan, tasks: Sequence[TaskFrequency], categories: Sequence[CategoryFrequency],
              ended: Mapping[str, bool], by_id: dict[str, Entity]) -> list[str]:
    """The shortfalls against the plan's frequency and coverage rules, one sentence each."""
    findings: list[str] = []
    rule = "计划“全年开展随机抽查频次一般不少于2次”"
    for tf in tasks:
        if not tf.meets_min_rounds:
            when = "" if tf.period_ended else f"（抽查时间至 {plan.task(tf.id).end.isoformat()}，尚未结束）"
            findings.append(f"任务“{tf.name}”（{tf.id}）全年有效摇号 {tf.rounds} 轮，少于{rule}{when}。")
    short = {tf.id for tf in tasks if not tf.meets_min_rounds}
    for c in categories:
        if not c.tasks:
            findings.append(f"类别“{c.label}”不在任何抽查任务的范围内，全年未安排随机抽查。")
        elif not c.meets_min_rounds and not (len(c.tasks) == 1 and c.tasks[0] in short):
            # A category of a single task that falls short is already said above.
            findings.append(f"类别“{c.label}”全年随机抽查 {c.rounds} 轮，少于{rule}。")
    for c in categories:
        if c.tasks and c.rounds and not c.picks and c.scope:
            findings.append(
                f"类别“{c.label}”（在营 {c.scope} 家）在抽查范围内随机抽查了 {c.rounds} 轮，但全年未抽中该类企业，"
                "可考虑在下一年度计划中单列任务或提高比例。"
            )
    for c in categories:
        if c.key and not c.fully_covered:
            names = "、".join(by_id[i].name if i in by_id else i for i in c.uncovered[:5])
            more = f"等 {len(c.uncovered)} 家" if len(c.uncovered) > 5 else ""
            when = "（抽查时间尚未结束）" if any(not ended[t] for t in c.tasks) else ""
            findings.append(
                f"重点行业“{c.label}”（抽查比例 100%）在营 {c.scope} 家，全年抽查到 {c.covered} 家，"
                f"尚有 {len(c.uncovered)} 家未抽查：{names}{more}，未实现计划“重点行业全覆盖”{when}。"
            )
    return findings


def _category(entity_id: str, by_id: dict[str, Entity], info: Mapping[str, Pick]) -> str:
    e = by_id.get(entity_id)
    if e is not None:
        return e.category
    p = info.get(entity_id)
    return p.category if p else ""


def _inspectors(registry: Sequence[Inspector], live: list[Round], records: Mapping) -> Inspectors:
    reg = {i.id: i for i in registry}
    checks: dict[str, int] = {}
    by_task: dict[str, dict[str, int]] = {}
    names: dict[str, str] = {}
    small: list[SmallTeam] = []
    avoid: list[Avoidance] = []
    missing: list[tuple[str, int]] = []
    for r in live:
        info = _pick_info(records, r)
        if not info:
            missing.append((r.task, r.number))
            continue
        for entity in r.picks:
            p = info.get(entity)
            if p is None:
                continue
            team = list(dict.fromkeys(p.inspectors))
            for iid, name in zip(p.inspectors, p.inspector_names):
                names.setdefault(iid, name)
            for iid in team:
                checks[iid] = checks.get(iid, 0) + 1
                by_task.setdefault(iid, {}).setdefault(r.task, 0)
                by_task[iid][r.task] += 1
            if len(team) < 2:
                small.append(SmallTeam(r.task, r.number, entity, p.name, tuple(team)))
            for x in p.excluded_inspectors:
                if x.reason in AVOIDANCE_REASONS:
                    iid = x.id
                    who = reg[iid].name if iid in reg else names.get(iid, "")
                    avoid.append(Avoidance(r.task, r.number, entity, p.name, iid, who, x.reason, x.text))
    population = [i.id for i in registry if i.on_duty or i.id in checks]
    population += sorted(i for i in checks if i not in reg)
    rows = []
    for iid in population:
        i = reg.get(iid)
        rows.append(InspectorRow(
            id=iid, name=i.name if i else names.get(iid, ""), unit=i.unit if i else "", status=i.status if i else "不在名录库",
            checks=checks.get(iid, 0), by_task=dict(by_task.get(iid, {})),
        ))
    rows.sort(key=lambda row: (-row.checks, row.id))
    never = tuple(sorted((row for row in rows if row.checks == 0), key=lambda row: row.id))
    return Inspectors(rows=tuple(rows), never_drawn=never, small_teams=tuple(small), avoidance=tuple(avoid),
                      rounds_without_record=tuple(missing))


def _follow_up(live: list[Round], records: Mapping, by_id: dict[str, Entity]) -> tuple[FollowUp, ...]:
    """The picks whose result in force found a problem; in a joint round, each department's finding with its own team."""
    out: list[FollowUp] = []
    for r in live:
        info = _pick_info(records, r)
        rec = records.get((r.task, r.number))
        for entity in r.picks:
            p = info.get(entity)
            if r.departments:
                teams = {d.code: (d.name, names or ids) for d, ids, names in department_teams(rec, p)} if rec and p else {}
                found = [(ev, *teams.get(code, (code, ()))) for code, ev in r.department_results(entity).items() if ev is not None]
            else:
                ev = r.current(entity)
                found = [(ev, "", (p.inspector_names or p.inspectors) if p else ())] if ev is not None else []
            e = by_id.get(entity)
            for ev, department, team in found:
                if ev.result not in FOUND_PROBLEM:
                    continue
                out.append(FollowUp(
                    date=ev.date, task=r.task, round=r.number, entity=entity,
                    name=(p.name if p else "") or (e.name if e else ""), category=(p.category if p else "") or (e.category if e else ""),
                    town=(p.town if p else "") or (e.town if e else ""), result=ev.result,
                    measures=measures_text(ev.result, ev.measures), note=ev.note, inspectors=tuple(team), department=department,
                ))
    out.sort(key=lambda f: (f.date, f.task, f.round, f.entity))
    return tuple(out)


def _timeline(year: int, rounds: list[Round]) -> tuple[Month, ...]:
    draws: dict[str, int] = {}
    voided: dict[str, int] = {}
    checks: dict[str, int] = {}
    pubs: dict[str, int] = {}

    def bump(counter: dict[str, int], day: str) -> None:
        counter[day[:7]] = counter.get(day[:7], 0) + 1

    for r in rounds:
        bump(draws, r.draw_date)
        if r.voided:
            bump(voided, r.draw_date)
            continue
        for e in r.picks:
            ev = r.current(e)
            if ev is not None:
                bump(checks, ev.date)
        for ev in r.publications:
            bump(pubs, ev.date)
    months = [f"{year}-{m:02d}" for m in range(1, 13)]
    later = sorted(m for m in set(draws) | set(checks) | set(pubs) if m > months[-1])
    if later:
        y, m = year + 1, 1
        while f"{y}-{m:02d}" <= later[-1]:
            months.append(f"{y}-{m:02d}")
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    earlier = sorted(m for m in set(draws) | set(checks) | set(pubs) if m < months[0])
    months = earlier + months
    return tuple(Month(m, draws.get(m, 0), voided.get(m, 0), checks.get(m, 0), pubs.get(m, 0)) for m in months)
