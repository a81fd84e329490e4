"""What ``ssj verify`` re-derives each draw's scope from: the inputs kept with it, else the current files.

A draw whose ledger line names ``kept_inputs`` is checked against the copies of its plan and
registries in ``draws/inputs/`` (``inputs.kept``), whatever ``plans/`` and ``data/`` hold
now; a copy that is missing, altered or unreadable is a failure, reported once per copy
with the draws that use it. A commitment's copies (``ssj draw --commit``) are checked the same way. A draw made before ssj kept its inputs is checked against the
current files when they still have the SHA-256 its record holds; when they do not, one note
says which draws could not be re-derived, and why that is not an error.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from shuangsuiji.draw.record import DrawRecord
from shuangsuiji.errors import InputError, SsjError
from shuangsuiji.inputs.kept import KeptInputs, kept_name_problems, kept_shape_problems
from shuangsuiji.ledger.events import CommitEvent, DrawEvent
from shuangsuiji.workspace import Workspace

_RESTORE = "请从备份恢复该文件（文件名就是其原始内容的 SHA-256，可用 sha256sum 核对），再运行 ssj verify"


class DrawInputs:
    """The inputs of each draw: kept copies parsed once each, the current files loaded once per year when needed."""

    def __init__(self, ws: Workspace, inputs: Any = None) -> None:
        self.ws = ws
        self.loaded: dict[int, Any] = {}  # year -> the current files (None: unreadable), loaded when needed
        if inputs is not None:
            self.loaded[inputs.plan.year] = inputs
        self.kept = KeptInputs(ws, self.loaded)
        self.bad: dict[str, tuple[str, list[int]]] = {}  # kept copy -> (what is wrong, seqs of the draws using it)
        self.stale = 0
        self.stale_rounds: list[str] = []
        self.changed: set[str] = set()

    @contextmanager
    def prefetching(self, draws: Iterable[DrawEvent]) -> Iterator[None]:
        """While the block runs, a second process parses the large kept registries of these draws (``inputs.kept``);
        it is stopped when the block ends, however it ends."""
        try:
            self.kept.prefetch((ev.year, ev.kept_inputs) for ev in draws if ev.kept_inputs)
            yield
        finally:
            self.kept.close()

    def for_draw(self, ev: DrawEvent, rec: DrawRecord) -> tuple[Any, list[str]]:
        """(the inputs the draw was made from, or None; problems of the draw line itself)."""
        if not ev.kept_inputs:
            return self.matching(rec), []
        wrong = kept_name_problems(ev.kept_inputs, rec.inputs)
        if wrong:
            return None, wrong
        inputs, problems = self.kept.load(ev.kept_inputs, rec.inputs, rec.year)
        for p in problems:
            self.bad.setdefault(p.kept, (p.message, []))[1].append(ev.seq)
        if inputs is None and not problems:
            return None, ["账本行的 kept_inputs 应恰好列出计划和两个名录库（data/entities.csv、data/inspectors.csv）的副本"]
        return inputs, []

    def for_commit(self, ev: CommitEvent) -> list[str]:
        """A commitment's copies exist and hold their bytes (reported with the draws' bad copies); problems of its line."""
        wrong = kept_shape_problems(ev.kept_inputs)
        if not wrong:
            for p in self.kept.copy_problems(ev.kept_inputs):
                self.bad.setdefault(p.kept, (p.message, []))[1].append(ev.seq)
        return wrong

    def matching(self, rec: DrawRecord) -> Any:
        """The current inputs when every file still has the hash the record holds, else None."""
        from shuangsuiji.inputs.year import load_inputs

        if rec.year not in self.loaded:
            try:
                self.loaded[rec.year] = load_inputs(self.ws, rec.year)
            except (SsjError, OSError):  # a broken file, or one Excel holds open: check from the record alone
                self.loaded[rec.year] = None
        inputs = self.loaded[rec.year]
        if inputs is None or inputs.hashes != rec.inputs:
            self.stale += 1
            self.stale_rounds.append(f"{rec.year} 年 {rec.task} 第 {rec.round} 轮")
            now = inputs.hashes if inputs is not None else {}
            self.changed |= {f for f, h in rec.inputs.items() if now.get(f) != h}
            return None
        return inputs

    def failures(self) -> list[InputError]:
        """One failure per kept copy that is not good, naming the copy and the draws that use it."""
        out = []
        for shown, (message, seqs) in self.bad.items():
            used = "、".join(str(s) for s in seqs[:5]) + (f" 等 {len(seqs)} 次" if len(seqs) > 5 else "")
            out.append(InputError(shown, 0, f"{message}；账本第 {used} 号事件的摇号无法按留存的文件重新推出抽查范围、抽取家数和执法人员排除",
                                  _RESTORE))
        return out

    def notes(self) -> list[str]:
        """At most one note: the draws made before ssj kept inputs whose files have changed since."""
        if not self.stale:
            return []
        rounds = "、".join(self.stale_rounds[:3]) + (f" 等 {self.stale} 次摇号" if self.stale > 3 else "")
        files = "、".join(sorted(self.changed)) or "计划或名录库"
        return [
            f"{rounds}是在 ssj 留存输入文件（draws/inputs/）之前摇的，没有摇号时的文件副本，而 {files} 此后已修改"
            "（或现在无法读取）：这些摇号的抽查范围、抽取家数、分级抽取、排除名单和执法人员排除无法重新推出，"
            "已改按记录本身复核（抽中名单、排序值和执法人员分派均已按种子重新计算）。这不是错误，无需处理；"
            "如需完整复核，请把摇号时的文件（SHA-256 见各记录的 inputs）放回原处后再运行 ssj verify。"
        ]
