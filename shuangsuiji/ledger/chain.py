"""The append-only, hash-chained ledger ``draws/ledger.jsonl``.

One JSON object per line: ``seq`` (1, 2, ...), ``type`` (``codes.EVENT_TYPES``: draw, void,
result, publish, blacklist_add, blacklist_remove),
``at`` (when it was appended, ISO 8601 with +08:00), ``prev`` (the lowercase hex SHA-256
of the previous line's bytes without its newline; 64 zeros for the first line), then the
event's own fields. Editing any byte of a line changes its hash and breaks the ``prev``
of the next one, so ``ssj verify`` finds it.

Appending takes an exclusive lock (``ledger.jsonl.lock``, via filelock, which works on
Windows too), re-reads the tail under the lock, writes one line and fsyncs. That line is
the commit point: whatever an event refers to (a draw record, a notice file) is written
atomically before it, so a crash leaves either no event or a whole one. A final line
without its newline is a write that a crash cut short; it was never committed, and the
next append removes it.
"""

from __future__ import annotations

import hashlib
import json
import os
from contextlib import contextmanager
from itertools import islice
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Callable, Iterator

from shuangsuiji.codes import EVENT_TYPES
from shuangsuiji.errors import InputError, LedgerBusy, LedgerCorrupt
from shuangsuiji.records import no_cycle_collection

GENESIS = "0" * 64
CHINA_TZ = timezone(timedelta(hours=8), "Asia/Shanghai")  # no DST since 1991
LOCK_TIMEOUT_SECONDS = 30


def now_china() -> datetime:
    return datetime.now(CHINA_TZ).replace(microsecond=0)


UNTYPED = object()  # LedgerEvent.typed_memo before ledger.events.typed has looked at the event


@dataclass(frozen=True, slots=True)
class LedgerEvent:
    """One committed ledger line."""

    seq: int
    type: str
    at: str
    prev: str
    data: dict[str, Any]  # the event's own fields
    line: int  # 1-based line in the ledger file
    digest: str  # SHA-256 of this line's bytes
    # ledger.events.typed(self), kept once computed: commands that fold the events more than once
    # (report, verify) type each line once. A pure function of the fields above, so not compared.
    typed_memo: Any = field(default=UNTYPED, init=False, repr=False, compare=False)

    def __getitem__(self, key: str) -> Any:
        return self.data[key]

    def get(self, key: str, default: Any = None) -> Any:
        return self.data.get(key, default)


def line_digest(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def encode_event(seq: int, kind: str, at: str, prev: str, data: dict[str, Any]) -> bytes:
    obj = {"seq": seq, "type": kind, "at": at, "prev": prev}
    for key, value in data.items():
        if key in obj:
            raise ValueError(f"event field {key!r} is reserved")
        obj[key] = value
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


SHOWN = "draws/ledger.jsonl"


def parse_ledger(data: bytes, shown: str = SHOWN) -> tuple[list[LedgerEvent], list[InputError], bool]:
    """Parse ledger bytes into events, problems found, and whether a torn final line was dropped.

    Every line is parsed and checked against the chain; parsing goes on after a problem so
    that all of them are reported. Each problem names ``shown:line`` and, when the line has
    one, its ``seq``.
    """
    events: list[LedgerEvent] = []
    problems: list[InputError] = []

    def problem(line: int, seq: object, message: str) -> None:
        problems.append(InputError(shown, line, message, "", seq if isinstance(seq, int) else None))

    torn = False
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    elif lines:
        torn = True  # a final line with no newline was never committed
        lines.pop()
    with no_cycle_collection():
        _parse_lines(lines, events, problem)
    return events, problems, torn


def _parse_lines(lines: list[bytes], events: list[LedgerEvent], problem: Callable[[int, object, str], None]) -> None:
    """The loop of ``parse_ledger``: each line's events into ``events``, each problem to ``problem``."""
    prev = GENESIS
    expected_seq = 1
    sha256 = hashlib.sha256
    key = {}.setdefault  # key text -> the one str kept for it
    layouts: dict[tuple, tuple | None] = {}  # a line's keys -> its fields' keys (one str each), when the head comes first
    kinds = {k: k for k in EVENT_TYPES}
    new, filled, untyped = object.__new__, _EventSlots, UNTYPED
    for number, raw in enumerate(lines, start=1):
        if not raw or raw.isspace():
            # ssj never writes a blank line: an editor did. Name it, and keep checking the chain
            # across it, so one stray newline is one problem rather than three.
            problem(number, None, "该行是空行：账本被文本编辑器改动过（ssj 不会写入空行），删除这一空行即可")
            continue
        digest = sha256(raw).hexdigest()
        try:
            obj = _loads(raw.decode("utf-8"))
            if not isinstance(obj, dict):
                raise ValueError("not an object")
        except (UnicodeDecodeError, ValueError):
            problem(number, None, "该行不是有效的 JSON，账本被改动或损坏")
            prev = digest
            expected_seq += 1
            continue
        # The head comes off the parsed object; what is left is the event's own fields, in order,
        # in a dict of their size whose keys are one str per distinct key (a decode makes new ones
        # per line): a ledger of 10^5 events is held in some 60 MB less. Lines with the same keys
        # (every result line) share one tuple of those keys, zipped with the values after the head.
        get = obj.get
        seq, kind, at, line_prev = get("seq"), get("type"), get("at", ""), get("prev", "")
        names = tuple(obj)
        shared = layouts.get(names, False)
        if shared is False:
            shared = layouts[names] = tuple(key(k, k) for k in names[4:]) if names[:4] == _HEAD_ORDER else None
        if shared is None:
            fields = {key(k, k): v for k, v in obj.items() if k not in _HEAD}
        else:
            fields = dict(zip(shared, islice(obj.values(), 4, None)))
        if line_prev != prev:
            problem(number, seq, "prev 与上一行的 SHA-256 不符：本行或上一行被改动过，哈希链断裂")
        else:
            line_prev = prev  # the same text: one str for both
        if seq != expected_seq:
            problem(number, seq, f"序号应为 {expected_seq}，实为 {seq}：有行被删除、插入或调换")
        if kind not in EVENT_TYPES:
            problem(number, seq, f"未知的事件类型 {kind}")
        # LedgerEvent(seq, kind, at, prev, fields, number, digest), its slots filled directly (``_EventSlots``)
        ev = new(filled)
        ev.seq = seq if isinstance(seq, int) else expected_seq
        ev.type = kinds.get(kind, kind) if type(kind) is str else str(kind)
        ev.at = at if type(at) is str else str(at)
        ev.prev = line_prev if type(line_prev) is str else str(line_prev)
        ev.data, ev.line, ev.digest, ev.typed_memo = fields, number, digest, untyped
        ev.__class__ = LedgerEvent
        events.append(ev)
        prev = digest
        expected_seq += 1


class _EventSlots:
    """``LedgerEvent``'s slots in a plain class: the parse fills them and then makes the object a
    ``LedgerEvent`` (``__class__`` assignment, allowed between classes of the same slots). The same
    record as ``LedgerEvent(...)`` gives, at a third of the cost of a frozen dataclass's ``__init__``
    (one ``object.__setattr__`` call per field): 55,000 result lines are some 0.1 s less."""

    __slots__ = LedgerEvent.__slots__


_HEAD_ORDER = ("seq", "type", "at", "prev")
_SCAN = json.JSONDecoder().scan_once
_HEAD = frozenset(("seq", "type", "at", "prev"))


def _loads(text: str) -> Any:
    """``json.loads(text)``: one call of the C scanner when the line is one JSON value and nothing else
    (every line ssj writes), else ``json.loads`` itself, with its errors."""
    try:
        obj, end = _SCAN(text, 0)
    except StopIteration:
        return json.loads(text)
    return obj if end == len(text) else json.loads(text)


def read_ledger(path: Path, shown: str = SHOWN) -> tuple[list[LedgerEvent], list[InputError], bool]:
    if not path.exists():
        return [], [], False
    return parse_ledger(path.read_bytes(), shown)


def load_events(path: Path, shown: str) -> list[LedgerEvent]:
    """Committed events for commands that build on the ledger; raises LedgerCorrupt if the chain is broken."""
    events, problems, _ = read_ledger(path, shown)
    if problems:
        first = problems[0]
        raise LedgerCorrupt(
            f"{first.location()}: {first.message}（共 {len(problems)} 处问题）",
            "账本不可信时不能继续登记；请运行 ssj verify 查看全部问题，并从备份恢复账本",
        )
    return events


class Ledger:
    """Appends events under the lock; the only writer of ledger.jsonl."""

    def __init__(self, path: Path, shown: str = "draws/ledger.jsonl") -> None:
        self.path = path
        self.shown = shown
        self.lock_path = path.with_name(path.name + ".lock")

    @contextmanager
    def locked(self) -> Iterator["Ledger"]:
        """Hold the exclusive ledger lock, so a caller can check state and append atomically."""
        from filelock import FileLock, Timeout

        self.path.parent.mkdir(parents=True, exist_ok=True)
        lock = FileLock(str(self.lock_path), timeout=LOCK_TIMEOUT_SECONDS)
        try:
            lock.acquire()
        except Timeout:
            raise LedgerBusy(
                "账本正被另一个 ssj 进程使用，等待超时",
                f"请稍后重试；若确认没有其他 ssj 在运行，可删除 {self.shown}.lock",
            ) from None
        try:
            yield self
        finally:
            lock.release()

    def append(self, kind: str, data: dict[str, Any], at: datetime | None = None) -> LedgerEvent:
        """Append one event; the caller must hold ``locked()``."""
        return self.append_many(kind, [data], at)[0]

    def append_many(self, kind: str, items: list[dict[str, Any]], at: datetime | None = None) -> list[LedgerEvent]:
        """Append several events of one kind in a single write and fsync; the caller must hold ``locked()``.

        Used for a batch the caller has checked as a whole (``ssj record --from``). Each line
        is still its own commit point: a crash in the middle of the write keeps the lines
        written in full and drops a torn last one.
        """
        if kind not in EVENT_TYPES:
            raise ValueError(f"unknown event type {kind}")
        if not items:
            return []
        stamp = (at or now_china()).isoformat()
        keep, size, seq, prev = self._tail()
        line = seq  # in an unbroken chain every line's seq is its line number
        out: list[LedgerEvent] = []
        chunks: list[bytes] = []
        for data in items:
            raw = encode_event(seq, kind, stamp, prev, data)
            digest = line_digest(raw)
            out.append(LedgerEvent(seq, kind, stamp, prev, dict(data), line, digest))
            chunks.append(raw + b"\n")
            seq, prev, line = seq + 1, digest, line + 1
        with open(self.path, "r+b" if self.path.exists() else "wb") as fh:
            if keep != size:
                fh.truncate(keep)
            fh.seek(0, os.SEEK_END)
            fh.write(b"".join(chunks))
            fh.flush()
            os.fsync(fh.fileno())
        return out

    def _tail(self) -> tuple[int, int, int, str]:
        """(committed length, file length, next seq, hash of the last line), reading only the last line.

        The file is committed up to its last newline; anything after it is a torn write that
        the append removes. Every command that appends has already read and checked the whole
        chain under the same lock (``load_events``), so the last line is all the append needs:
        a ledger of 10^5 events costs no more to append to than one of ten. When that line is
        not a well-formed event, the whole ledger is parsed to say what is wrong.
        """
        if not self.path.exists():
            return 0, 0, 1, GENESIS
        with open(self.path, "rb") as fh:
            keep, size, last = _last_line(fh)
        if last is None:
            return keep, size, 1, GENESIS
        try:
            obj = json.loads(last.decode("utf-8"))
            seq = obj["seq"] if isinstance(obj, dict) else None
        except (UnicodeDecodeError, ValueError):
            seq = None
        if type(seq) is not int or seq < 1 or obj.get("type") not in EVENT_TYPES:
            with open(self.path, "rb") as fh:
                _, problems, _ = parse_ledger(fh.read(keep), self.shown)
            where, message = (problems[0].location(), problems[0].message) if problems else (self.shown, "最后一行不是有效的账本事件")
            raise LedgerCorrupt(f"{where}: {message}", "账本损坏时不能追加；请运行 ssj verify 查看，并从备份恢复")
        return keep, size, seq + 1, line_digest(last)


def _last_line(fh: Any) -> tuple[int, int, bytes | None]:
    """(length up to the last newline, file length, the line that newline ends or None), read from the end."""
    size = fh.seek(0, os.SEEK_END)
    buf, pos, end = b"", size, None  # buf holds the file's bytes from pos to size; end: offset of the last newline
    while True:
        if end is None:
            i = buf.rfind(b"\n")
            end = pos + i if i >= 0 else None
        if end is not None:
            start = buf.rfind(b"\n", 0, end - pos)
            if start >= 0 or pos == 0:
                return end + 1, size, buf[start + 1:end - pos]
        elif pos == 0:
            return 0, size, None
        step = min(max(1 << 16, len(buf)), pos)
        pos -= step
        fh.seek(pos)
        buf = fh.read(step) + buf
