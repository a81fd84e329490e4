"""A draw's inputs read back from the kept copies in ``draws/inputs/`` (``files.kept``), for ``ssj verify``.

A draw line's ``kept_inputs`` names the copy of each file the draw read (shown path ->
kept path under ``draws/``). ``KeptInputs.load`` turns those copies into the ``Inputs`` the
draw was made from, whatever ``plans/`` and ``data/`` hold today. Each copy is parsed at
most once per run, however many draws share it, and its bytes are hashed while they are
parsed: a copy is good only when the SHA-256 of its (decompressed) bytes is its name and
the record's. The entity registry is parsed once per (copy, plan categories); the
inspectors once per (copy, entity copy, categories, departments), since their checks
depend on those. When the caller already loaded the current files and their hashes are
the draw's, those records are the same bytes parsed and are used as they are.

A copy that is missing, altered, or no longer readable is returned as a problem naming
the copy; ``ssj verify`` reports it as a failure.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import re
import subprocess
import sys
import zlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TypeVar

from shuangsuiji.errors import InputError, InputErrors
from shuangsuiji.files.kept import STORE_DIR, open_kept
from shuangsuiji.files.text import MAX_INPUT_BYTES, HashingReader
from shuangsuiji.inputs.entities import load_entity_stream
from shuangsuiji.inputs.entity_table import EntityTable
from shuangsuiji.inputs.inspectors import load_inspectors
from shuangsuiji.inputs.plan import load_plan
from shuangsuiji.inputs.year import Inputs
from shuangsuiji.records import Inspector, Plan
from shuangsuiji.workspace import Workspace

_BAD_COPY = (OSError, EOFError, zlib.error)  # gzip.BadGzipFile is an OSError
T = TypeVar("T")


@dataclass(frozen=True)
class KeptProblem:
    """A kept copy that cannot stand for the file a draw read: ``kept`` is its shown path."""

    kept: str
    message: str


class _Bad(Exception):
    """A copy found not good (its reason is in ``KeptInputs._bad``)."""


class KeptInputs:
    """The kept copies of one workspace, each parsed once per run (see the module docstring)."""

    def __init__(self, ws: Workspace, current: Mapping[int, Inputs | None] | None = None) -> None:
        self.ws = ws
        self.current = current if current is not None else {}  # year -> the current files, when already loaded
        self._bad: dict[str, str] = {}  # kept path under draws/ -> what is wrong with it
        self._hashed: dict[str, str] = {}  # kept path -> SHA-256 of its original bytes, once computed
        self._plans: dict[str, Plan] = {}
        self._entities: dict[tuple, EntityTable] = {}
        self._inspectors: dict[tuple, tuple[Inspector, ...]] = {}
        self._ahead = _Ahead()  # registry copies parsed by a second process (prefetch)

    def load(self, kept: Mapping[str, str], hashes: Mapping[str, str], year: int) -> tuple[Inputs | None, list[KeptProblem]]:
        """The draw's inputs from its copies (``kept``: shown path -> kept path; ``hashes``: the record's
        ``inputs``, which ``kept_name_problems`` found to agree with ``kept``); None and the problems
        when a copy is not good, None alone when the line does not name a plan and two registries."""
        files = _three(kept)
        if files is None:
            return None, []
        for rel in kept.values():
            if rel not in self._bad and not self._path(rel).is_file():
                self._bad[rel] = "留存的输入文件不存在（摇号时的计划或名录库副本被删除或移走）"
        try:
            if any(rel in self._bad for rel in kept.values()):
                raise _Bad
            now = self.current.get(year)
            if now is not None and dict(now.hashes) == dict(hashes):
                for shown, rel in kept.items():  # the same bytes, parsed already: only the copies are checked
                    self._hash_only(rel, hashes[shown])
                return now, []
            plan_shown, entities_shown, inspectors_shown = files
            plan = self._plan(kept[plan_shown], plan_shown, hashes[plan_shown])
            entities = self._entity_table(kept[entities_shown], entities_shown, hashes[entities_shown], plan)
            inspectors = self._inspector_list(kept[inspectors_shown], inspectors_shown, hashes[inspectors_shown],
                                              plan, entities, kept[entities_shown])
        except _Bad:
            for shown, rel in kept.items():  # every bad copy is named, not only the first one found
                if rel not in self._bad and rel not in self._hashed:
                    try:
                        self._hash_only(rel, hashes[shown])
                    except _Bad:
                        pass
            return None, [KeptProblem(self.ws.show(self._path(rel)), self._bad[rel]) for rel in kept.values() if rel in self._bad]
        return Inputs(plan, entities, inspectors, dict(hashes)), []

    def prefetch(self, lines: Iterable[tuple[int, Mapping[str, str]]]) -> None:
        """Have a second process parse the large registry copies these draw lines' (year, ``kept_inputs``) name, in
        ledger order, while the caller checks the draws' records; ``load`` then takes each parsed copy as it
        comes (or parses it here, should that process fail). Only on a computer of more than one core, and
        only copies over ``PREFETCH_ABOVE`` bytes: a province registry, not a county's."""
        if (os.cpu_count() or 1) < 2:
            return
        for year, kept in lines:
            files = _three(kept)
            if files is None or kept_shape_problems(kept) or any(rel in self._bad for rel in kept.values()):
                continue  # load() reports the line (only copies named inputs/<sha256>.<ext> are ever opened)
            plan_shown, entities_shown, _ = files
            names = {shown: PurePosixPath(rel).name.split(".", 1)[0] for shown, rel in kept.items()}
            now = self.current.get(year)
            if now is not None and dict(now.hashes) == names:
                continue  # load() will use the files already parsed
            rel = kept[entities_shown]
            try:
                if self._path(rel).stat().st_size <= PREFETCH_ABOVE:
                    continue
                plan = self._plan(kept[plan_shown], plan_shown, names[plan_shown])
            except (OSError, _Bad):
                continue  # load() reports the copy
            key = (rel, tuple(plan.categories.items()))
            if key not in self._entities:
                self._ahead.add(key, self._path(rel), entities_shown, dict(plan.categories))

    def close(self) -> None:
        """Stop the second process of ``prefetch``, if there is one."""
        self._ahead.close()

    def copy_problems(self, kept: Mapping[str, str]) -> list[KeptProblem]:
        """Each named copy exists and holds the bytes its name says (``kept_name_problems`` found the names
        well formed); what a commitment's copies are checked by before any draw uses them."""
        out = []
        for rel in kept.values():
            if rel not in self._bad and not self._path(rel).is_file():
                self._bad[rel] = "留存的输入文件不存在（摇号时的计划或名录库副本被删除或移走）"
            if rel not in self._bad:
                try:
                    self._hash_only(rel, PurePosixPath(rel).name.split(".", 1)[0])
                except _Bad:
                    pass
            if rel in self._bad:
                out.append(KeptProblem(self.ws.show(self._path(rel)), self._bad[rel]))
        return out

    def _path(self, rel: str) -> Path:
        return self.ws.draws_dir / rel

    def _found(self, rel: str, got: str, sha256: str) -> None:
        """Note the hash of a copy's bytes; raises _Bad unless it is the one the draw recorded."""
        self._hashed[rel] = got
        if got != sha256:
            self._bad[rel] = _altered(got)
            raise _Bad

    def _hash_only(self, rel: str, sha256: str) -> None:
        if rel in self._hashed:
            return self._found(rel, self._hashed[rel], sha256)
        try:
            with open_kept(self._path(rel)) as fh:
                got = HashingReader(fh).sha256()
        except _BAD_COPY:
            got = ""
        self._found(rel, got, sha256)

    def _plan(self, rel: str, shown: str, sha256: str) -> Plan:
        if rel not in self._plans:
            data = self._read_whole(rel, sha256)
            self._plans[rel] = self._parse(rel, shown, lambda: load_plan(Path(shown), shown, data))
        return self._plans[rel]

    def _entity_table(self, rel: str, shown: str, sha256: str, plan: Plan) -> EntityTable:
        key = (rel, tuple(plan.categories.items()))
        if key in self._entities:
            return self._entities[key]
        table, errors, got = self._ahead.take(key) or load_copy(self._path(rel), shown, dict(plan.categories))
        self._found(rel, got, sha256)
        if table is None:
            self._bad[rel] = _unreadable(shown, errors)
            raise _Bad
        self._entities[key] = table
        return table

    def _inspector_list(self, rel: str, shown: str, sha256: str, plan: Plan, entities: EntityTable,
                        entities_rel: str) -> tuple[Inspector, ...]:
        key = (rel, entities_rel, tuple(plan.categories.items()), tuple(plan.departments.items()))
        if key not in self._inspectors:
            data = self._read_whole(rel, sha256)
            self._inspectors[key] = tuple(self._parse(rel, shown, lambda: load_inspectors(
                Path(shown), shown, plan.categories, entities.id_set(), plan.departments, data)))
        return self._inspectors[key]

    def _read_whole(self, rel: str, sha256: str) -> bytes:
        """A small copy's bytes (the plan, the inspectors), checked against the draw's hash."""
        data = b""
        try:
            with open_kept(self._path(rel)) as fh:
                data = fh.read(MAX_INPUT_BYTES + 1)
            got = hashlib.sha256(data).hexdigest()
        except _BAD_COPY:
            got = ""
        self._found(rel, got, sha256)
        return data

    def _parse(self, rel: str, shown: str, parse: Callable[[], T]) -> T:
        try:
            return parse()
        except InputErrors as exc:
            self._bad[rel] = _unreadable(shown, exc.items)
            raise _Bad from None


PREFETCH_ABOVE = 8 << 20  # bytes of a registry copy on disk (gzip): about 600,000 entities
Parsed = tuple[EntityTable | None, list[InputError] | None, str]


def load_copy(path: Path, shown: str, categories: dict[str, str]) -> Parsed:
    """(the entity table a kept copy holds, or None; the problems that stop it, if any; the SHA-256 of its
    original bytes, "" when it cannot be read or decompressed). Runs in a second process too (``prefetch``)."""
    table: EntityTable | None = None
    errors: list[InputError] | None = None
    try:
        with open_kept(path) as fh:
            reader = HashingReader(fh)  # the bytes parsed are the bytes hashed
            try:
                table = load_entity_stream(reader, shown, categories)
            except InputErrors as exc:
                errors = exc.items
            got = reader.sha256()
    except _BAD_COPY:
        got = ""
    return table, errors, got


def copy_worker(path: str, shown: str, categories: dict[str, str]) -> None:
    """The second process of ``KeptInputs.prefetch``: ``load_copy``'s result pickled on stdout."""
    sys.stdout.buffer.write(pickle.dumps(load_copy(Path(path), shown, categories), protocol=pickle.HIGHEST_PROTOCOL))
    sys.stdout.buffer.flush()


# Run isolated (-I: neither the current folder, where a workspace handed over by someone else may lie, nor
# PYTHON* variables), importing from exactly the folders the calling ssj imported from, sent on stdin with the copy.
_WORKER = ("import pickle, sys; paths, args = pickle.load(sys.stdin.buffer); sys.path[:] = paths; "
           "from shuangsuiji.inputs.kept import copy_worker; copy_worker(*args)")


class _Ahead:
    """Registry copies waiting to be parsed, and the one being parsed, by a second Python process.

    The process is ``sys.executable -I -c`` and imports only ssj's loader, from the folders the
    calling ssj imports from (no ``multiprocessing``: nothing of the caller's own script runs
    there). Copies are asked for in the order they were added; one asked for while another is
    being parsed means that other is no longer wanted now, and its process is stopped. A copy
    the process could not parse, or a process that could not start, is parsed here instead.
    """

    def __init__(self) -> None:
        self.waiting: list[tuple[tuple, Path, str, dict[str, str]]] = []
        self.running: tuple[tuple, subprocess.Popen] | None = None
        self.added: set[tuple] = set()
        self.broken = not sys.executable or bool(getattr(sys, "frozen", False))  # no Python to start

    def add(self, key: tuple, path: Path, shown: str, categories: dict[str, str]) -> None:
        if key not in self.added:
            self.added.add(key)
            self.waiting.append((key, path, shown, categories))
            self._start_next()

    def _start_next(self) -> None:
        if self.running is not None or not self.waiting or self.broken:
            return
        key, path, shown, categories = self.waiting.pop(0)
        try:
            proc = subprocess.Popen([sys.executable, "-I", "-c", _WORKER], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                    stderr=subprocess.DEVNULL)
        except Exception:  # no second process here: every copy is parsed in this one
            self.broken = True
            self.waiting.clear()
            return
        self.running = (key, proc)
        try:
            with proc.stdin:  # type: ignore[union-attr]
                proc.stdin.write(pickle.dumps((list(sys.path), (str(path), shown, categories))))  # type: ignore[union-attr]
        except OSError:  # it ended at once: take() finds it failed and parses the copy here
            pass

    def take(self, key: tuple) -> Parsed | None:
        """The parsed copy, once the second process has it; None when it was not asked for or that process failed."""
        if key not in self.added:
            return None  # a copy too small to be parsed ahead
        self.waiting = [w for w in self.waiting if w[0] != key]
        if self.running is None or self.running[0] != key:
            self._stop()  # the copy being parsed was added before this one and passed over (its draw failed earlier checks)
            self._start_next()
            return None
        proc = self.running[1]
        self.running = None
        result = None
        try:
            with proc.stdout:  # type: ignore[union-attr]
                data = proc.stdout.read()  # type: ignore[union-attr]
            if proc.wait() == 0:
                result = pickle.loads(data)  # from ssj's own loader, run from ssj's own folders
        except Exception:  # the second process died or sent nothing whole: parse here
            result = None
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        self._start_next()
        return result

    def _stop(self) -> None:
        if self.running is not None:
            proc = self.running[1]
            self.running = None
            proc.kill()
            proc.stdout.close()  # type: ignore[union-attr]
            proc.wait()

    def close(self) -> None:
        """Stop the process still parsing, if any, and forget the copies waiting."""
        self.waiting.clear()
        self._stop()


def _three(kept: Mapping[str, str]) -> tuple[str, str, str] | None:
    """(plan, entities, inspectors) shown paths of a line's ``kept_inputs``; None unless it names exactly those."""
    plans = [s for s in kept if s.startswith("plans/")]
    data = {PurePosixPath(s).name: s for s in kept if s.startswith("data/")}
    if len(kept) != 3 or len(plans) != 1 or set(data) != {"entities.csv", "inspectors.csv"}:
        return None
    return plans[0], data["entities.csv"], data["inspectors.csv"]


_KEPT = re.compile(rf"{STORE_DIR}/[0-9a-f]{{64}}\.[a-z0-9]+(\.gz)?")


def kept_shape_problems(kept: Mapping[str, str]) -> list[str]:
    """Copies named in a line's ``kept_inputs`` that are not ``inputs/<sha256>.<ext>[.gz]``."""
    return [f"账本行的 kept_inputs 中 {shown} 的副本 {rel} 不是 draws/inputs/ 中按 SHA-256 命名的文件"
            for shown, rel in kept.items() if not _KEPT.fullmatch(rel)]


def kept_name_problems(kept: Mapping[str, str], hashes: Mapping[str, str]) -> list[str]:
    """What is wrong with a draw line's ``kept_inputs`` against its record's ``inputs``: each file the
    record hashed has a copy under ``inputs/`` named by that hash and the file's extension."""
    out = []
    if set(kept) != set(hashes):
        out.append("账本行的 kept_inputs 与记录的 inputs 列出的文件不同")
    for shown, rel in kept.items():
        sha = hashes.get(shown)
        if sha is None:
            continue
        suffix = PurePosixPath(shown).suffix.lower()
        if rel not in (f"{STORE_DIR}/{sha}{suffix}", f"{STORE_DIR}/{sha}{suffix}.gz"):
            out.append(f"账本行的 kept_inputs 中 {shown} 的副本 {rel} 不是按记录中的 SHA-256 命名的")
    return out


def _altered(got: str) -> str:
    if not got:
        return "留存的输入文件无法读取或解压，文件被改动或损坏"
    return f"留存的输入文件内容的 SHA-256（{got}）与文件名和摇号记录不符，文件被改动过"


def _unreadable(shown: str, errors: list[InputError] | None) -> str:
    first = errors[0] if errors else None
    detail = f"：{first.location()}: {first.message}" if first is not None else ""
    return f"留存的输入文件（摇号时的 {shown}）SHA-256 无误，但按现在的规则无法读入{detail}"
