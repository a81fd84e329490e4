"""``ssj verify`` of two-phase draws: each commitment file, and each reveal against its commitment.

A commit line: its commitment file still has the SHA-256 the line holds, its text is the
one its fields give (and has the text's SHA-256 the line holds), the line agrees with the
file, and the source date is after the commit day; a line appended (``at``) on or after
the source date is noted: a commitment recorded after the fact proves nothing about order;
so is a commitment voided on or after its source date (the numbers may have been out).

A reveal (a draw whose record has ``commit``): the commitment it names is a commit line
of the same round *before* it, not voided before it; the reveal day is not before the
source date; the seed is the RFC 3797 key of the record's sources, which are in the committed
shape (as many groups, each with as many numbers); and the draw is exactly
the committed one (``draw.commit.frozen_draw``: pool, k, strata, inputs, inspectors ...).
"""

from __future__ import annotations

from shuangsuiji.actions.commit import read_commitment
from shuangsuiji.draw.commit import COMMIT_SCHEMA_V1, Commitment, commitment_text, differences, frozen_draw, shape_problem, source_plan_of, text_sha256
from shuangsuiji.draw.ranking import rfc3797_key
from shuangsuiji.draw.record import DrawRecord
from shuangsuiji.errors import RecordAltered, RecordMalformed, RecordMissing
from shuangsuiji.ledger.chain import LedgerEvent
from shuangsuiji.ledger.events import CommitEvent, DrawEvent, typed
from shuangsuiji.ledger.state import Commit, build_commits
from shuangsuiji.workspace import Workspace


class CommitChecks:
    """What verify knows of the ledger's commit lines: each by its file's SHA-256, its fold, the files read."""

    def __init__(self, ws: Workspace, events: list[LedgerEvent]) -> None:
        self.ws = ws
        self.lines: dict[str, CommitEvent] = {}
        for ev in events:
            if ev.type == "commit":
                t = typed(ev)
                self.lines.setdefault(t.record_sha256, t)  # type: ignore[union-attr]
        self.folded: dict[int, Commit] = {c.event.seq: c for c in build_commits(events)} if self.lines else {}
        self.read: dict[int, Commitment | None] = {}

    def commitment(self, ev: CommitEvent) -> tuple[Commitment | None, str]:
        """The commitment file of a commit line, once; (None, why) when it is missing, altered or malformed."""
        if ev.seq in self.read:
            c = self.read[ev.seq]
            return c, "" if c is not None else "摇号承诺文件无法读取"
        try:
            c, why = read_commitment(self.ws, ev), ""
        except RecordMissing:
            c, why = None, "摇号承诺文件不存在"
        except RecordAltered:
            c, why = None, "摇号承诺文件的 SHA-256 与账本不符：文件被改动过"
        except RecordMalformed as exc:
            c, why = None, f"摇号承诺文件的结构异常（{exc.message}）"
        self.read[ev.seq] = c
        return c, why

    def check_line(self, ev: CommitEvent) -> tuple[list[str], list[str]]:
        """(failures, notes) of one commit line and its file."""
        c, why = self.commitment(ev)
        if c is None:
            return [why], []
        out = []
        try:
            text = commitment_text(c.draw, c.plan, c.source_plan, c.source_date, c.date, c.targeted, c.groups)
        except (KeyError, TypeError, ValueError):
            text = None
        if text != c.text:
            out.append("承诺文本与承诺文件中的各项内容不符")
        if text_sha256(c.text) != c.text_sha256 or c.text_sha256 != ev.text_sha256:
            out.append("承诺文本的 SHA-256 与承诺文件或账本不符")
        for key, mine, line in (("year", c.year, ev.year), ("task", c.task, ev.task), ("round", c.round, ev.round),
                                ("date", c.date, ev.date), ("algorithm", c.algorithm, ev.algorithm), ("k", c.k, ev.k),
                                ("pool_sha256", c.pool_sha256, ev.pool_sha256), ("source_plan", c.source_plan, ev.source_plan),
                                ("source_date", c.source_date, ev.source_date),
                                ("source_numbers", tuple(g.numbers for g in c.groups), ev.source_numbers)):
            if mine != line:
                out.append(f"承诺文件的 {key} 与账本不符")
        if c.groups and c.source_plan != source_plan_of(c.groups):
            out.append("承诺文件的 source_plan 与 source_groups 不符")
        if not ev.source_date > ev.date:
            out.append(f"来源日期 {ev.source_date} 不晚于承诺日期 {ev.date}")
        notes = []
        if c.schema == COMMIT_SCHEMA_V1:
            notes.append(f"账本第 {ev.seq} 号事件（{ev.task} 第 {ev.round} 轮的摇号承诺）是 {COMMIT_SCHEMA_V1} 格式，没有规定开奖号码分几组、"
                         "每组几个数：揭晓时号码的分组和各组的顺序由揭晓的人决定，无法核对")
        if ev.at[:10] >= ev.source_date:
            notes.append(f"账本第 {ev.seq} 号事件（{ev.task} 第 {ev.round} 轮的摇号承诺）写入账本的时间 {ev.at} 不早于来源日期 {ev.source_date}："
                         "这是补录的承诺，不能证明承诺先于开奖")
        folded = self.folded.get(ev.seq)
        if folded is not None and folded.void is not None and folded.void.date >= ev.source_date:
            notes.append(f"账本第 {ev.seq} 号事件（{ev.task} 第 {ev.round} 轮的摇号承诺）在来源日期 {ev.source_date} 当天或以后作废"
                         f"（账本第 {folded.void.seq} 号事件，{folded.void.date}，原因：{folded.void.reason}）：作废时开奖号码可能已经公布，"
                         "请核实作废原因（两步摇号排除的正是看了结果再重来）")
        return out, notes

    def check_reveal(self, rec: DrawRecord, ev: DrawEvent) -> list[str]:
        """Every check of a draw against the commitment it says it reveals; [] for a one-step draw that says none."""
        if rec.commit is None:
            return [f"账本的摇号行指向第 {ev.commit} 号事件的承诺，但摇号记录中没有 commit"] if ev.commit else []
        ref = rec.commit
        line = self.lines.get(ref.sha256)
        if line is None:
            return [f"账本中没有摇号承诺文件 SHA-256 为 {ref.sha256} 的承诺行"]
        out = []
        if line.seq > ev.seq:
            out.append(f"揭晓（第 {ev.seq} 号事件）在其承诺（第 {line.seq} 号事件）之前：承诺必须先于揭晓记入账本")
        if ev.commit != line.seq or ref.seq != line.seq:
            out.append(f"摇号行或记录中承诺的序号与承诺行（第 {line.seq} 号事件）不符")
        if (line.year, line.task, line.round) != (rec.year, rec.task, rec.round):
            out.append("揭晓的年度、任务或轮次与承诺不符")
        folded = self.folded.get(line.seq)
        if folded is not None and folded.void is not None and folded.void.seq < ev.seq:
            out.append(f"承诺已于第 {folded.void.seq} 号事件作废，之后不能揭晓")
        if (ref.source_date, ref.source_plan, ref.text_sha256) != (line.source_date, line.source_plan, line.text_sha256):
            out.append("记录中的承诺来源、来源日期或承诺文本 SHA-256 与承诺行不符")
        if not line.source_date > line.date:
            out.append(f"来源日期 {line.source_date} 不晚于承诺日期 {line.date}")
        if rec.date < line.source_date:
            out.append(f"揭晓日期 {rec.date} 早于来源日期 {line.source_date}")
        if rec.seed_origin != "committed" or not rec.sources or rec.seed != rfc3797_key(rec.sources):
            out.append("揭晓的种子不是由记录中的公开来源按 RFC 3797 规则组成的")
        c, why = self.commitment(line)
        if c is None:
            return out + [f"无法核对是否按承诺抽取：{why}"]
        wrong = shape_problem(c.groups, rec.sources)
        if wrong:
            out.append(f"揭晓所用号码的分组与承诺不符：{wrong}")
        changed = differences(frozen_draw(rec), c.draw)
        if changed:
            out.append(f"揭晓的摇号没有用承诺的内容：{'、'.join(changed)}与承诺不符")
        return out
