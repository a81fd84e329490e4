"""Typed ledger events: what a draw, void, result, publish, replace, commit or blacklist line says, as frozen records.

``chain.parse_ledger`` gives ``LedgerEvent`` records (the line's head and its fields as
parsed JSON); ``typed`` turns one into the record of its type, so the fold into rounds and
everything after it reads attributes, not dictionary keys. A field missing or of the wrong
type in a hand-edited line does not raise here: it takes a neutral value (``""``, 0, an
empty tuple), and ``state.event_problems`` and ``ssj verify`` report the line.

A blacklist line (``blacklist_add``, ``blacklist_remove``) is about one entity, not a round:
it has no ``year``, ``task`` or ``round``; its ``date`` is the day it took effect (so
``state.events_as_of`` cuts it like any other event) and its year is that date's year.
``ledger.blacklist`` folds these lines into the list.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Union

from shuangsuiji.codes import BLACKLIST_ADD, BLACKLIST_EVENT_TYPES
from shuangsuiji.ledger.chain import UNTYPED, LedgerEvent


def text_field(data: dict[str, Any], key: str) -> str:
    """A text field as the typed record holds it: "" when absent, anything else written as text."""
    value = data.get(key)
    return value if isinstance(value, str) else ("" if value is None else str(value))


_text = text_field


def _words(data: dict[str, Any], key: str) -> str:
    """A free-text field; a list (as a hand-written line may hold) is joined with "；"."""
    value = data.get(key)
    if type(value) is str:
        return value
    if isinstance(value, list):
        return "；".join(str(v) for v in value if str(v).strip())
    return _text(data, key)


def _ids(data: dict[str, Any], key: str) -> tuple[str, ...]:
    value = data.get(key)
    return tuple(str(v) for v in value) if isinstance(value, list) else ()


def _int(data: dict[str, Any], key: str) -> int:
    value = data.get(key)
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def is_iso_day(value: object) -> bool:
    """Whether a field holds a day as ssj writes it: ``YYYY-MM-DD``."""
    try:
        date.fromisoformat(str(value))
    except ValueError:
        return False
    return len(str(value)) == 10


def _names(data: dict[str, Any], key: str) -> dict[str, str]:
    """A mapping of text to text; {} when absent, non-text entries dropped (verify reports the line)."""
    value = data.get(key)
    if not isinstance(value, dict):
        return {}
    return {str(k): v for k, v in value.items() if isinstance(v, str)}


def _whole_numbers(data: dict[str, Any], key: str) -> tuple[int, ...] | None:
    """A list of whole numbers; () when absent, None when it holds anything else (verify reports the line)."""
    value = data.get(key)
    if value is None:
        return ()
    if isinstance(value, list) and all(type(v) is int for v in value):
        return tuple(value)
    return None


def _counts(data: dict[str, Any], key: str) -> dict[str, int]:
    value = data.get(key)
    if not isinstance(value, dict):
        return {}
    return {str(k): v for k, v in value.items() if isinstance(v, int) and not isinstance(v, bool)}


@dataclass(frozen=True, slots=True)
class EventHead:
    """What every event line says: where it is in the ledger, and which round it is about."""

    seq: int
    line: int
    at: str
    digest: str  # SHA-256 of the ledger line
    year: Any  # an int in every line ssj writes; kept as found so a hand-edited line still folds
    task: Any
    round: Any
    date: str


@dataclass(frozen=True, slots=True)
class StratumMark:
    """What a stratified draw line says of one stratum: its grade, count and cycle (its picks are the
    next ``k`` of the line's picks, strata in order)."""

    grade: str
    k: int
    new_cycle: bool
    cycle_picks: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class DrawEvent(EventHead):
    """A round was drawn; its record file holds the rest."""

    record: str  # path of the record under draws/
    record_sha256: str
    algorithm: str
    seed: str
    k: int
    picks: tuple[str, ...]
    new_cycle: bool
    cycle_picks: tuple[str, ...]
    strata: tuple[StratumMark, ...] = ()  # a stratified draw (optional key "strata"); () for a single ratio
    # the plan and registries kept in draws/inputs/ (optional key "kept_inputs": shown path -> kept path
    # under draws/); {} for a draw made before ssj kept its inputs
    kept_inputs: dict[str, str] = field(default_factory=dict)
    departments: tuple[str, ...] = ()  # a joint draw's department codes, the lead first (optional key "departments")
    commit: int = 0  # a two-phase draw's reveal: the seq of its commit line (optional key "commit"); 0 otherwise
    # 定向 additions (always_include_blacklisted, optional key "targeted"): the last picks, after the k drawn ones
    targeted: tuple[str, ...] = ()

    @property
    def drawn(self) -> tuple[str, ...]:
        """The k picks the draw selected at random, without the 定向 additions after them."""
        return self.picks[:self.k] if self.targeted else self.picks


def _strata(d: dict[str, Any]) -> tuple[StratumMark, ...]:
    value = d.get("strata")
    if not isinstance(value, list):
        return ()
    return tuple(
        StratumMark(_text(s, "grade"), _int(s, "k"), s.get("new_cycle") is True, _ids(s, "cycle_picks"))
        for s in value if isinstance(s, dict)
    )


@dataclass(frozen=True, slots=True)
class VoidEvent(EventHead):
    """A round was voided; its picks go back into the pool."""

    reason: str


@dataclass(frozen=True, slots=True)
class ResultEvent(EventHead):
    """The result of checking one drawn entity (a later one for the same entity corrects it).

    In a joint round each department records its own result (optional key ``department``, its
    code); a later one of the same department corrects that department's.
    """

    entity: str
    result: str  # a key of codes.RESULT_CODES
    measures: str
    note: str
    department: str = ""  # a joint round's department code; "" in any other round

    def same_result(self, date: str, result: str, measures: str, note: str) -> bool:
        return (self.date, self.result, self.measures, self.note) == (date, result, measures, note)


@dataclass(frozen=True, slots=True)
class PublishEvent(EventHead):
    """The results of a round (all, or with ``partial`` some) were published as notice files."""

    check_end: str | None
    due: str
    provisional: bool
    on_time: bool | None  # None in a line that does not say
    partial: bool
    entities: tuple[str, ...]
    files: tuple[dict[str, str], ...]  # {"path": under draws/, "sha256": ...}


@dataclass(frozen=True, slots=True)
class ReplaceEvent(EventHead):
    """A drawn entity, or one inspector of one entity's team, replaced by the next one down the same ranked list (递补).

    ``target`` is "entity" or "inspector". For an entity, ``replacement`` is the entity that
    takes its place, ``position`` its 1-based place in the ranked list the round was drawn
    from, ``pick`` its whole pick (as a record's ``picks`` item: rank, team, exclusions) and
    ``out_inspectors`` the team the replaced entity had, ``load`` the checks per inspector its
    team was ordered by. For an inspector, ``inspector`` is
    the one replaced in ``entity``'s team and ``replacement`` who takes their place.
    ``skipped`` are the candidates passed over on the way (each ``{"id", "reason", "text"}``).
    """

    target: str
    entity: str
    replacement: str
    reason: str  # a key of codes.REPLACE_REASONS
    note: str
    inspector: str
    name: str  # the replacement inspector's name
    position: int
    pick: dict[str, Any]
    out_inspectors: tuple[str, ...]
    load: dict[str, int]  # the replacement's team was ordered by these checks (inspector id -> checks)
    skipped: tuple[dict[str, Any], ...]


@dataclass(frozen=True, slots=True)
class CommitEvent(EventHead):
    """The first phase of a two-phase draw: what the round will be drawn from, fixed before its public source exists.

    ``record`` is the commitment file under draws/ (``draw.commit``), ``record_sha256`` its
    bytes' hash and ``text_sha256`` the hash of the commitment text published with it;
    ``source_plan`` describes the future public random source and ``source_date`` the day
    it becomes known (after ``date``, the commit day); ``source_numbers`` the count of numbers of
    each of its groups, in order (() on a line written before ssj.commit/2; None when the key
    holds anything but a list of whole numbers). A later draw line with ``commit``
    equal to this line's seq reveals it; a void line of the same round before that voids it.
    """

    record: str
    record_sha256: str
    text_sha256: str
    algorithm: str
    k: int
    pool_sha256: str
    source_plan: str
    source_date: str
    kept_inputs: dict[str, str] = field(default_factory=dict)  # the committed files' copies (as a draw line's)
    source_numbers: tuple[int, ...] | None = ()


@dataclass(frozen=True, slots=True)
class BlacklistEvent:
    """An entity was put on the blacklist (``added``) or taken off it; not tied to any round."""

    seq: int
    line: int
    at: str
    digest: str
    date: str  # the day it took effect, YYYY-MM-DD
    entity: str
    name: str  # the entity's name in the registry when the event was appended
    reason: str
    basis: str  # the legal basis or decision number (only an addition gives one; may be "")
    added: bool  # True: blacklist_add; False: blacklist_remove

    @property
    def year(self) -> int | None:
        """The year of the event's date (None for a line whose date is not a day)."""
        head = self.date[:4]
        return int(head) if len(self.date) == 10 and head.isdigit() else None


RoundEvent = Union[DrawEvent, VoidEvent, ResultEvent, PublishEvent, ReplaceEvent]
Event = Union[RoundEvent, BlacklistEvent, CommitEvent]


def _head(ev: LedgerEvent) -> tuple[Any, ...]:
    """The fields of ``EventHead``, in its order (positional: a result line is typed in a third of the time)."""
    d = ev.data
    return ev.seq, ev.line, ev.at, ev.digest, d.get("year"), d.get("task"), d.get("round"), _text(d, "date")


def result_day(ev: LedgerEvent) -> str:
    """``typed(ev).date`` of a result line, without typing it."""
    return _text(ev.data, "date")


def typed(ev: LedgerEvent) -> Event | None:
    """The typed record of one ledger line; None for a line of an unknown type.

    Computed once per event (kept in ``ev.typed_memo``): the report and verify fold the same
    events several times.
    """
    t = ev.typed_memo
    if t is UNTYPED:
        t = _typed(ev)
        object.__setattr__(ev, "typed_memo", t)
    return t


def _typed(ev: LedgerEvent) -> Event | None:
    d = ev.data
    if ev.type == "commit":
        return CommitEvent(*_head(ev), record=_text(d, "record"), record_sha256=_text(d, "record_sha256"),
                           text_sha256=_text(d, "text_sha256"), algorithm=_text(d, "algorithm"), k=_int(d, "k"),
                           pool_sha256=_text(d, "pool_sha256"), source_plan=_words(d, "source_plan"),
                           source_date=_text(d, "source_date"), kept_inputs=_names(d, "kept_inputs"),
                           source_numbers=_whole_numbers(d, "source_numbers"))
    if ev.type == "result":
        get = d.get
        day, entity, result, measures, note = get("date"), get("entity"), get("result"), get("measures"), get("note")
        if type(day) is str and type(entity) is str and type(result) is str and type(measures) is str and type(note) is str:
            # every line ssj writes: the fields as they are (what _text and _words give for text)
            return ResultEvent(ev.seq, ev.line, ev.at, ev.digest, get("year"), get("task"), get("round"), day,
                               entity, result, measures, note, _text(d, "department"))
        return ResultEvent(*_head(ev), _text(d, "entity"), _text(d, "result"), _words(d, "measures"), _words(d, "note"),
                           _text(d, "department"))
    if ev.type == "draw":
        return DrawEvent(*_head(ev), record=_text(d, "record"), record_sha256=_text(d, "record_sha256"),
                         algorithm=_text(d, "algorithm"), seed=_text(d, "seed"), k=_int(d, "k"), picks=_ids(d, "picks"),
                         new_cycle=d.get("new_cycle") is True, cycle_picks=_ids(d, "cycle_picks"), strata=_strata(d),
                         kept_inputs=_names(d, "kept_inputs"), departments=_ids(d, "departments"), commit=_int(d, "commit"),
                         targeted=_ids(d, "targeted"))
    if ev.type == "void":
        return VoidEvent(*_head(ev), reason=_text(d, "reason"))
    if ev.type == "publish":
        files = d.get("files")
        on_time = d.get("on_time")
        return PublishEvent(
            *_head(ev), check_end=d.get("check_end") if isinstance(d.get("check_end"), str) else None,
            due=_text(d, "due"), provisional=d.get("provisional") is True,
            on_time=on_time if isinstance(on_time, bool) else None, partial=d.get("partial") is True,
            entities=_ids(d, "entities"),
            files=tuple(f for f in files if isinstance(f, dict)) if isinstance(files, list) else (),
        )
    if ev.type in BLACKLIST_EVENT_TYPES:
        return BlacklistEvent(ev.seq, ev.line, ev.at, ev.digest, _text(d, "date"), _text(d, "entity"), _words(d, "name"),
                              _words(d, "reason"), _words(d, "basis"), ev.type == BLACKLIST_ADD)
    if ev.type == "replace":
        pick, skipped = d.get("pick"), d.get("skipped")
        return ReplaceEvent(
            *_head(ev), target=_text(d, "target"), entity=_text(d, "entity"), replacement=_text(d, "replacement"),
            reason=_text(d, "reason"), note=_words(d, "note"), inspector=_text(d, "inspector"), name=_text(d, "name"),
            position=_int(d, "position"), pick=pick if isinstance(pick, dict) else {},
            out_inspectors=_ids(d, "out_inspectors"), load=_counts(d, "load"),
            skipped=tuple(x for x in skipped if isinstance(x, dict)) if isinstance(skipped, list) else (),
        )
    return None
