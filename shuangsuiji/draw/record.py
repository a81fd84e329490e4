"""The draw record (摇号记录): the typed record auditors read, its JSON, its bytes, the hash of its pool.

A draw record is written once, as ``draws/<year>/<task>-r<n>.json``, and never changed; the
ledger's draw line holds the SHA-256 of its bytes. ``DrawRecord.to_json`` gives the JSON
object in the order of the fields below, and ``record_bytes`` its bytes
(``json.dumps(obj, ensure_ascii=False, indent=2)`` plus a newline, UTF-8);
``DrawRecord.from_json`` reads such an object back, so that reading a record and writing it
again gives the same bytes (``tests/draw/test_record.py`` checks this on every record of
``examples/2022``).

``prior_checks`` (inspector id -> checks already assigned in the year before this draw, see
``draw.teams``) is written only when some inspector has earlier checks: a first draw of the
year, and every record made before the year-long balance existed, has no such key.

Keys added since schema ``ssj.draw/1`` are optional and written only when they carry
something, so a record that uses none of them keeps its exact bytes and ``ssj.draw/1``; a
record with any of them says ``ssj.draw/2`` (``schema_for``). ``strata`` (a stratified draw
per credit-risk grade, ``draw.strata``) is one of them; ``departments`` (a joint task's departments, each
with its own inspectors, ``draw.joint``) is another; ``commit`` (the commitment a two-phase draw
revealed, ``draw.commit``) a third; ``capped`` (entities in scope that had reached the plan's yearly cap
of checks and so left the draw, ``draw.caps``) and ``over_cap`` (picks made although at their cap: a 100%
task or grade) two more; ``targeted`` (the 定向 additions of ``always_include_blacklisted``: blacklisted
entities in scope, the picks after the k drawn ones, ``draw.caps``) another.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, fields
from itertools import chain, repeat
from operator import attrgetter, itemgetter
from typing import Any

from shuangsuiji.errors import RecordMalformed
from shuangsuiji.files import json_text
from shuangsuiji.records import no_cycle_collection

RECORD_SCHEMA = "ssj.draw/1"
RECORD_SCHEMA_2 = "ssj.draw/2"  # a record with any optional key added since ssj.draw/1
RECORD_SCHEMAS = (RECORD_SCHEMA, RECORD_SCHEMA_2)


def ids_sha256(ids: Sequence[str]) -> str:
    """SHA-256 of the ids, one per line, each followed by a newline (what `sha256sum` of a list file gives)."""
    return hashlib.sha256("".join(f"{i}\n" for i in ids).encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class ExcludedInspector:
    """An inspector left out of one pick's team, with the reason code and its Chinese text."""

    id: str
    reason: str  # a key of codes.EXCLUSION_REASONS
    text: str

    def to_json(self) -> dict[str, str]:
        return {"id": self.id, "reason": self.reason, "text": self.text}


@dataclass(frozen=True, slots=True)
class Pick:
    """One drawn entity, its rank, its team, and who could not go."""

    entity: str
    rank: str
    inspectors: tuple[str, ...]
    name: str
    category: str
    town: str
    inspector_names: tuple[str, ...]
    excluded_inspectors: tuple[ExcludedInspector, ...]

    def to_json(self, excluded: list[dict[str, str]] | None = None) -> dict[str, Any]:
        """The pick's JSON object; ``excluded`` is its excluded_inspectors already as JSON (shared between picks)."""
        return {
            "entity": self.entity,
            "rank": self.rank,
            "inspectors": list(self.inspectors),
            "name": self.name,
            "category": self.category,
            "town": self.town,
            "inspector_names": list(self.inspector_names),
            "excluded_inspectors": excluded if excluded is not None else [x.to_json() for x in self.excluded_inspectors],
        }


_PICK_KEYS = tuple(f.name for f in fields(Pick))  # Pick.to_json's keys, in its order


def _shared_exclusions() -> Callable[[Pick], list[dict[str, str]]]:
    """A pick's excluded_inspectors as JSON; picks drawn together share their exclusions tuple, and get one list."""
    shared: dict[int, list[dict[str, str]]] = {}

    def excluded(p: Pick) -> list[dict[str, str]]:
        key = id(p.excluded_inspectors)
        found = shared.get(key)
        if found is None:
            found = shared[key] = [x.to_json() for x in p.excluded_inspectors]
        return found

    return excluded


@dataclass(frozen=True, slots=True)
class CapEntry:
    """An entity at the plan's yearly cap (``draw.caps``): its live checks in the year before this draw, and its cap."""

    id: str
    checks: int
    cap: int

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "checks": self.checks, "cap": self.cap}

    @classmethod
    def from_json(cls, obj: Any, where: str) -> CapEntry:
        r = _Fields(obj, where)
        return cls(id=r.text("id"), checks=r.integer("checks"), cap=r.integer("cap"))


@dataclass(frozen=True, slots=True)
class Stratum:
    """One risk grade's part of a stratified draw: its scope size, ratio, count, pool and picks (in pick order)."""

    grade: str  # "A" .. "D", or "" for the entities without a grade
    ratio: str  # exact decimal text, "0.1"; "0" draws none
    size: int  # N_g: entities of the grade in the scope
    k: int  # ceil(N_g x r_g)
    excluded: tuple[str, ...]  # of the grade, drawn earlier in its cycle
    pool: tuple[str, ...]
    pool_sha256: str
    new_cycle: bool
    cycle_picks: tuple[str, ...]
    picks: tuple[str, ...]
    capped: tuple[str, ...] = ()  # of the grade, at their yearly cap: not drawn, not in size (optional key)

    def to_json(self) -> dict[str, Any]:
        obj: dict[str, Any] = {
            "grade": self.grade, "ratio": self.ratio, "size": self.size, "k": self.k, "excluded": list(self.excluded),
            "pool": list(self.pool), "pool_sha256": self.pool_sha256, "new_cycle": self.new_cycle,
            "cycle_picks": list(self.cycle_picks),
        }
        if self.capped:
            obj["capped"] = list(self.capped)
        obj["picks"] = list(self.picks)
        return obj

    @classmethod
    def from_json(cls, obj: Any) -> Stratum:
        r = _Fields(obj, "strata")
        return cls(
            grade=r.text("grade"), ratio=r.text("ratio"), size=r.integer("size"), k=r.integer("k"),
            excluded=r.texts("excluded"), pool=r.texts("pool"), pool_sha256=r.text("pool_sha256"),
            new_cycle=r.flag("new_cycle"), cycle_picks=r.texts("cycle_picks"), picks=r.texts("picks"),
            capped=r.texts("capped") if "capped" in obj else (),
        )


@dataclass(frozen=True, slots=True)
class DrawDepartment:
    """One department of a joint draw (部门联合抽查): its matter, the inspectors it sends to each pick, and its pool.

    Each pick's ``inspectors`` hold the departments' teams one after another, in the record's
    order of ``departments``, each ``inspectors_per_check`` long (``draw.joint.department_teams``).
    """

    code: str
    name: str
    matter: str
    inspectors_per_check: int
    inspector_pool: tuple[str, ...]  # sorted ids of the department's inspectors

    def to_json(self) -> dict[str, Any]:
        return {"code": self.code, "name": self.name, "matter": self.matter,
                "inspectors_per_check": self.inspectors_per_check, "inspector_pool": list(self.inspector_pool)}

    @classmethod
    def from_json(cls, obj: Any) -> DrawDepartment:
        r = _Fields(obj, "departments")
        return cls(code=r.text("code"), name=r.text("name"), matter=r.text("matter"),
                   inspectors_per_check=r.integer("inspectors_per_check"), inspector_pool=r.texts("inspector_pool"))


@dataclass(frozen=True, slots=True)
class CommitRef:
    """The commitment a two-phase draw revealed (``draw.commit``): its ledger line, its file's and text's SHA-256, the source."""

    seq: int  # the commit line's seq in the ledger
    sha256: str  # SHA-256 of the commitment file's bytes
    text_sha256: str  # SHA-256 of the published commitment text
    source_plan: str
    source_date: str

    def to_json(self) -> dict[str, Any]:
        return {"seq": self.seq, "sha256": self.sha256, "text_sha256": self.text_sha256,
                "source_plan": self.source_plan, "source_date": self.source_date}

    @classmethod
    def from_json(cls, obj: Any) -> CommitRef:
        r = _Fields(obj, "commit")
        return cls(seq=r.integer("seq"), sha256=r.text("sha256"), text_sha256=r.text("text_sha256"),
                   source_plan=r.text("source_plan"), source_date=r.text("source_date"))


@dataclass(frozen=True, slots=True)
class DrawRecord:
    """Everything one draw computed, as written to its record file."""

    schema: str
    algorithm: str
    year: int
    task: str
    task_name: str
    round: int
    date: str  # the draw day, YYYY-MM-DD
    created_at: str  # ISO 8601 with +08:00
    ssj_version: str
    seed: str
    seed_origin: str  # a key of codes.SEED_ORIGINS
    sources: tuple[tuple[int, ...], ...]  # RFC 3797 public sources; empty for other seeds
    inputs: Mapping[str, str]  # shown path -> SHA-256 of the plan and registries
    ratio: str
    categories: tuple[str, ...]
    inspectors_per_check: int
    local_avoidance: bool
    scope: tuple[str, ...]
    excluded: tuple[str, ...]
    pool: tuple[str, ...]
    pool_sha256: str
    k: int
    new_cycle: bool
    cycle_picks: tuple[str, ...]
    inspector_pool: tuple[str, ...]
    picks: tuple[Pick, ...]
    prior_checks: Mapping[str, int]  # inspector id -> checks earlier in the year; {} for none
    strata: tuple[Stratum, ...] = ()  # a stratified draw's strata in STRATUM_ORDER; () for a single-ratio draw
    departments: tuple[DrawDepartment, ...] = ()  # a joint draw's departments, the lead first; () otherwise
    commit: CommitRef | None = None  # a two-phase draw: the commitment it revealed; None for a one-step draw
    capped: tuple[CapEntry, ...] = ()  # in scope, at their yearly cap, left out of the draw (by id); () for none
    over_cap: tuple[CapEntry, ...] = ()  # picks made at or over their cap (100% tasks or grades, 定向 additions), by id
    targeted: tuple[str, ...] = ()  # 定向 additions (always_include_blacklisted): the picks after the k drawn, by id

    @property
    def pick_ids(self) -> list[str]:
        return [p.entity for p in self.picks]

    @property
    def expected_schema(self) -> str:
        """ssj.draw/2 iff the record holds any optional key added since ssj.draw/1."""
        return schema_for(self.strata, self.departments, self.commit, self.capped, self.over_cap, self.targeted)

    @property
    def capped_ids(self) -> frozenset[str]:
        return frozenset(c.id for c in self.capped)

    @property
    def draw_scope(self) -> tuple[str, ...]:
        """The scope the entities were drawn from: the scope less those at their yearly cap (``draw.caps``)."""
        if not self.capped:
            return self.scope
        gone = self.capped_ids
        return tuple(i for i in self.scope if i not in gone)

    def to_json(self) -> dict[str, Any]:
        """The record as a JSON object, keys in the order the record file has them."""
        excluded = _shared_exclusions()
        obj = self._json_head()
        obj["picks"] = [p.to_json(list(excluded(p))) for p in self.picks]
        return obj

    def json_rows(self) -> dict[str, Any]:
        """``to_json`` with the picks as ``json_text.Rows`` (one column per key, no dict per pick): the same text
        when encoded, for the writer of a record of tens of thousands of picks."""
        excluded = _shared_exclusions()
        picks = self.picks
        columns = [list(map(attrgetter(name), picks)) for name in _PICK_KEYS[:-1]]
        columns.append(list(map(excluded, picks)))
        obj = self._json_head()
        obj["picks"] = json_text.Rows(_PICK_KEYS, columns)
        return obj

    def _json_head(self) -> dict[str, Any]:
        """Every key of the record's JSON object but the picks, which come last."""
        obj: dict[str, Any] = {
            "schema": self.schema, "algorithm": self.algorithm, "year": self.year, "task": self.task,
            "task_name": self.task_name, "round": self.round, "date": self.date, "created_at": self.created_at,
            "ssj_version": self.ssj_version, "seed": self.seed, "seed_origin": self.seed_origin,
            "sources": [list(s) for s in self.sources], "inputs": dict(self.inputs), "ratio": self.ratio,
            "categories": list(self.categories), "inspectors_per_check": self.inspectors_per_check,
            "local_avoidance": self.local_avoidance, "scope": list(self.scope), "excluded": list(self.excluded),
            "pool": list(self.pool), "pool_sha256": self.pool_sha256, "k": self.k, "new_cycle": self.new_cycle,
            "cycle_picks": list(self.cycle_picks), "inspector_pool": list(self.inspector_pool),
        }
        if self.prior_checks:
            obj["prior_checks"] = dict(self.prior_checks)
        if self.strata:
            obj["strata"] = [s.to_json() for s in self.strata]
        if self.departments:
            obj["departments"] = [d.to_json() for d in self.departments]
        if self.commit is not None:
            obj["commit"] = self.commit.to_json()
        if self.capped:
            obj["capped"] = [c.to_json() for c in self.capped]
        if self.over_cap:
            obj["over_cap"] = [c.to_json() for c in self.over_cap]
        if self.targeted:
            obj["targeted"] = list(self.targeted)
        return obj

    @classmethod
    def from_json(cls, obj: Any) -> DrawRecord:
        """The record a JSON object holds. Raises RecordMalformed naming the first field that is wrong."""
        if not isinstance(obj, dict):
            raise RecordMalformed("摇号记录不是 JSON 对象", "请运行 ssj verify，并从备份恢复该文件")
        r = _Fields(obj)
        return cls(
            schema=r.text("schema"), algorithm=r.text("algorithm"), year=r.integer("year"), task=r.text("task"),
            task_name=r.text("task_name"), round=r.integer("round"), date=r.text("date"),
            created_at=r.text("created_at"), ssj_version=r.text("ssj_version"), seed=r.text("seed"),
            seed_origin=r.text("seed_origin"), sources=tuple(tuple(r.ints(s, "sources")) for s in r.items("sources")),
            inputs=r.mapping("inputs", str), ratio=r.text("ratio"), categories=r.texts("categories"),
            inspectors_per_check=r.integer("inspectors_per_check"), local_avoidance=r.flag("local_avoidance"),
            scope=r.texts("scope"), excluded=r.texts("excluded"), pool=r.texts("pool"),
            pool_sha256=r.text("pool_sha256"), k=r.integer("k"), new_cycle=r.flag("new_cycle"),
            cycle_picks=r.texts("cycle_picks"), inspector_pool=r.texts("inspector_pool"),
            picks=_picks(r.items("picks")),
            prior_checks=r.mapping("prior_checks", int) if "prior_checks" in obj else {},
            strata=tuple(Stratum.from_json(x) for x in r.items("strata")) if "strata" in obj else (),
            departments=tuple(DrawDepartment.from_json(x) for x in r.items("departments")) if "departments" in obj else (),
            commit=CommitRef.from_json(obj["commit"]) if "commit" in obj else None,
            capped=tuple(CapEntry.from_json(x, "capped") for x in r.items("capped")) if "capped" in obj else (),
            over_cap=tuple(CapEntry.from_json(x, "over_cap") for x in r.items("over_cap")) if "over_cap" in obj else (),
            targeted=r.texts("targeted") if "targeted" in obj else (),
        )


def schema_for(*optional: Any) -> str:
    """The schema a record says: ssj.draw/2 when any of its optional new keys carries something."""
    return RECORD_SCHEMA_2 if any(optional) else RECORD_SCHEMA


def parse_pick(obj: Any) -> Pick:
    """One pick from its JSON object (as a record's ``picks`` item). Raises RecordMalformed naming the field."""
    return _picks([obj])[0]


def _picks(items: list[Any]) -> tuple[Pick, ...]:
    fast = _well_formed_picks(items)
    if fast is not None:
        return fast
    shared: dict[tuple[ExcludedInspector, ...], tuple[ExcludedInspector, ...]] = {}
    out = []
    for item in items:
        p = _Fields(item, "picks")
        fields = [_Fields(x, "picks.excluded_inspectors") for x in p.items("excluded_inspectors")]
        entries = tuple(ExcludedInspector(x.text("id"), x.text("reason"), x.text("text")) for x in fields)
        entries = shared.setdefault(entries, entries)  # most picks of a category share one tuple
        out.append(Pick(
            entity=p.text("entity"), rank=p.text("rank"), inspectors=p.texts("inspectors"), name=p.text("name"),
            category=p.text("category"), town=p.text("town"), inspector_names=p.texts("inspector_names"),
            excluded_inspectors=entries,
        ))
    return tuple(out)


_PICK_TEXTS = ("entity", "rank", "name", "category", "town")
_EXCLUSION = itemgetter("id", "reason", "text")


def _well_formed_picks(items: list[Any]) -> tuple[Pick, ...] | None:
    """The picks of a record whose every field has its type (as ssj writes them), checked a column at a
    time; None when any is wrong, so that ``_picks`` goes through them one by one and names the field."""
    if set(map(type, items)) - {dict}:
        return None
    column = {k: list(map(dict.get, items, repeat(k))) for k in (*_PICK_TEXTS, "inspectors", "inspector_names", "excluded_inspectors")}
    for k in _PICK_TEXTS:
        if set(map(type, column[k])) - {str}:
            return None
    for k in ("inspectors", "inspector_names", "excluded_inspectors"):
        if set(map(type, column[k])) - {list}:
            return None
    if set(map(type, chain.from_iterable(column["inspectors"] + column["inspector_names"]))) - {str}:
        return None
    entries = list(chain.from_iterable(column["excluded_inspectors"]))
    if set(map(type, entries)) - {dict}:
        return None
    try:
        fields = list(map(_EXCLUSION, entries))
    except KeyError:
        return None
    if set(map(type, chain.from_iterable(fields))) - {str}:
        return None
    shared: dict[tuple, tuple[ExcludedInspector, ...]] = {}  # most picks of a category share one tuple
    excluded = []
    for lst in column["excluded_inspectors"]:
        key = tuple(map(_EXCLUSION, lst))
        found = shared.get(key)
        if found is None:
            found = shared[key] = tuple(ExcludedInspector(*x) for x in key)
        excluded.append(found)
    return tuple(map(
        Pick, column["entity"], column["rank"], map(tuple, column["inspectors"]), column["name"], column["category"],
        column["town"], map(tuple, column["inspector_names"]), excluded,
    ))


class _Fields:
    """Typed access to one JSON object of a record; every wrong field raises RecordMalformed."""

    def __init__(self, obj: Any, where: str = "") -> None:
        if not isinstance(obj, dict):
            raise RecordMalformed(f"摇号记录的 {where} 中有一项不是 JSON 对象", "请运行 ssj verify，并从备份恢复该文件")
        self.obj = obj
        self.where = where

    def _bad(self, key: str, kind: str) -> RecordMalformed:
        name = f"{self.where}.{key}" if self.where else key
        return RecordMalformed(f"摇号记录的 {name} 应为{kind}", "请运行 ssj verify，并从备份恢复该文件")

    def _get(self, key: str, types: tuple[type, ...], kind: str) -> Any:
        value = self.obj.get(key)
        if not isinstance(value, types) or (bool not in types and isinstance(value, bool)):
            raise self._bad(key, kind)
        return value

    def text(self, key: str) -> str:
        return self._get(key, (str,), "文本")

    def integer(self, key: str) -> int:
        return self._get(key, (int,), "整数")

    def flag(self, key: str) -> bool:
        return self._get(key, (bool,), " true 或 false")

    def items(self, key: str) -> list[Any]:
        return self._get(key, (list,), "列表")

    def texts(self, key: str) -> tuple[str, ...]:
        values = self.items(key)
        if not all(isinstance(v, str) for v in values):
            raise self._bad(key, "文本的列表")
        return tuple(values)

    def ints(self, values: Any, key: str) -> list[int]:
        if not isinstance(values, list) or not all(isinstance(v, int) and not isinstance(v, bool) for v in values):
            raise self._bad(key, "整数列表的列表")
        return values

    def mapping_of(self, key: str) -> dict[str, Any]:
        """A JSON object of any values (a commitment's frozen draw, ``draw.commit``)."""
        return dict(self._get(key, (dict,), "对象"))

    def mapping(self, key: str, kind: type) -> dict[str, Any]:
        value = self._get(key, (dict,), "对象")
        if not all(isinstance(v, kind) and not isinstance(v, bool) for v in value.values()):
            raise self._bad(key, "对象（值为" + ("文本" if kind is str else "整数") + "）")
        return dict(value)


def record_bytes(record: DrawRecord | dict[str, Any]) -> bytes:
    """``(json.dumps(record, ensure_ascii=False, indent=2) + "\\n").encode("utf-8")``, a piece at a time.

    A draw of tens of thousands of picks makes a record of some 100 MB; as one str (two
    bytes a character once there is Chinese in it), plus its copy with the newline, it
    would need several times that before encoding. ``files.json_text`` gives the pieces: the
    same text as ``json.dumps``, without its pure-Python indenting encoder.
    """
    return b"".join(record_chunks(record))


def record_chunks(record: DrawRecord | dict[str, Any]) -> Iterator[bytes]:
    """The bytes of ``record_bytes`` in pieces, never all held at once: each top-level value (a list of ids is
    one piece, some 6 MB for a scope of 277,501) and the picks a slice at a time. A writer hashes and writes each
    piece as it comes, so a 90 MB record is not kept twice in memory."""
    obj = record.json_rows() if isinstance(record, DrawRecord) else record
    for piece in json_text.iter_pieces(obj):
        yield piece.encode("utf-8")
    yield b"\n"


def parse_record(data: bytes) -> DrawRecord:
    """The record in a record file's bytes. Raises RecordMalformed when it is not a valid record."""
    with no_cycle_collection():  # 55,501 picks are millions of JSON values, none in a cycle
        try:
            obj = json.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise RecordMalformed("摇号记录不是有效的 JSON", "请运行 ssj verify，并从备份恢复该文件") from None
        return DrawRecord.from_json(obj)
