"""Two-phase draws (先承诺、后揭晓): the commitment fixed before the public random source exists (pure).

How it works
------------
A one-step draw lets whoever runs it choose the seed at the moment of the draw. A two-phase
draw takes that choice away, as RFC 3797 and ICANN's selection method do:

1. **Commit.** Everything the draw depends on is fixed and published first: the task and
   round, the input files' SHA-256, the scope, the entities excluded as drawn earlier in the
   cycle, the pool and its SHA-256, k, the strata, the algorithm, the inspectors and their
   earlier checks; together with the description of a *future* public random source (a
   lottery draw) and the day it becomes known. ``frozen_draw`` is exactly that part of a
   draw record: the record without what the seed decides (picks, cycle picks) and without
   when it was made. ``make_commitment`` wraps it, with the source, into a ``Commitment``
   whose ``text`` (Chinese, for publication) is enough for an outsider to re-derive the
   picks once the source is known. The source is fixed in its *shape* too: how many groups
   of numbers, in which order, and how many numbers each group has (``SourceGroup``), so
   that at the reveal nobody can choose how to split or order the numbers (``shape_problem``):
   "3 5 2" and "352" are different seeds, and so are two groups given the other way round.
2. **Reveal.** After the source date the draw is made with the seed built from the source
   by the RFC 3797 key rule, for either algorithm. The record it gives must have exactly
   the committed ``frozen_draw``; ``differences`` names what changed when it does not
   (an edited registry, a round voided in between), and the reveal is refused.

Nothing here reads files or the clock: ``actions.commit`` does.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from shuangsuiji.codes import UNGRADED_LABEL
from shuangsuiji.draw.record import DrawRecord, _Fields, record_bytes
from shuangsuiji.errors import RecordMalformed

COMMIT_SCHEMA = "ssj.commit/2"  # with the source's groups (``SourceGroup``)
COMMIT_SCHEMA_V1 = "ssj.commit/1"  # before the groups: the reveal chose how to group and order the numbers
COMMIT_SCHEMAS = (COMMIT_SCHEMA_V1, COMMIT_SCHEMA)
MAX_SOURCE_NUMBERS = 1000  # numbers in one group: far above any lottery's, low enough that a typo is caught

# What the seed decides, or the moment of drawing: not part of what is committed. The 定向 additions
# (``targeted``) and who of the picks is over the yearly cap (``over_cap``) follow from the picks (draw.caps).
SEED_DEPENDENT = frozenset({"schema", "date", "created_at", "ssj_version", "seed", "seed_origin", "sources", "cycle_picks", "picks", "commit",
                            "targeted", "over_cap"})
STRATUM_SEED_DEPENDENT = frozenset({"cycle_picks", "picks"})

# The committed keys a reveal may find changed, in words.
FROZEN_LABELS = {
    "algorithm": "抽取算法", "year": "年度", "task": "任务", "task_name": "任务名称", "round": "轮次",
    "inputs": "输入文件（计划、名录库）的 SHA-256", "ratio": "抽查比例", "categories": "抽查类别",
    "inspectors_per_check": "每户执法人员数", "local_avoidance": "属地回避", "scope": "抽查范围",
    "excluded": "此前已抽中的企业（排除名单）", "pool": "备选池", "pool_sha256": "备选池 SHA-256", "k": "抽取家数",
    "new_cycle": "是否开始新一轮循环", "inspector_pool": "执法人员名单", "prior_checks": "本年度此前各执法人员的检查户数",
    "strata": "分级抽取的各层", "departments": "联合抽查的部门及人员",
}

SEED_RULE_V1 = (
    "种子：把来源的每组号码按从小到大排列，每个数写成十进制后加“.”，每组末尾加“/”，各组按揭晓时给出的顺序相接"
    "（RFC 3797 第 4 节）。例：两组号码 9319 和 2 5 12 8 10 的种子为 9319./2.5.8.10.12./"
)
SEED_RULE = (
    "种子：把每组号码按从小到大排列，每个数写成十进制后加“.”，每组末尾加“/”，各组按上列顺序相接"
    "（RFC 3797 第 4 节）；每组号码的个数必须与上列相同，否则不能揭晓。例：两组号码 9319 和 2 5 12 8 10 的种子为 9319./2.5.8.10.12./"
)

ALGORITHM_RULES = {
    "sha256-rank": "每家企业的排序值为 SHA-256(种子 + \":\" + 统一社会信用代码) 的小写十六进制（UTF-8，无换行），"
                   "按排序值从小到大取前 k 家，依次为抽中顺序。",
    "rfc3797": "把备选池按代码升序排列；对 i = 0, 1, …, k−1，以 i 的 2 字节大端表示 I，计算 MD5(I + 种子 + I)，"
               "作为大端无符号整数除以剩余家数取余数，得 0 起的位置，该位置的企业入选并移出名单。",
}

SHORTFALL_RULE = "若备选池不足 k 家：备选池全部入选（按上述规则排出的顺序），差额按同一规则从“此前已抽中”的企业中抽取，开始新一轮循环。"


def frozen_draw(record: DrawRecord) -> dict[str, Any]:
    """The part of a draw record a commitment fixes: the record's JSON without what the seed decides or when it was made."""
    out = {k: v for k, v in record.to_json().items() if k not in SEED_DEPENDENT}
    if "strata" in out:
        out["strata"] = [{k: v for k, v in s.items() if k not in STRATUM_SEED_DEPENDENT} for s in out["strata"]]
    return out


def differences(now: Mapping[str, Any], committed: Mapping[str, Any]) -> list[str]:
    """What a reveal's draw has other than its commitment, in words; [] when it is exactly the committed draw."""
    keys = list(committed) + [k for k in now if k not in committed]
    return [FROZEN_LABELS.get(k, k) for k in keys if now.get(k) != committed.get(k)]


@dataclass(frozen=True)
class SourceGroup:
    """One group of numbers of the future public source: what it is and how many numbers it has."""

    plan: str  # e.g. "中国福利彩票 3D 第 2022089 期开奖号码"
    numbers: int  # e.g. 3: the reveal must give exactly three numbers for this group

    def to_json(self) -> dict[str, Any]:
        return {"plan": self.plan, "numbers": self.numbers}


def source_plan_of(groups: tuple[SourceGroup, ...]) -> str:
    """The one-line description of the whole source (the ledger line's and the record's ``source_plan``)."""
    return "；".join(g.plan for g in groups)


def shape_text(numbers: tuple[int, ...] | list[int]) -> str:
    """A source's shape in words: "1 组（3 个数）", "2 组（第 1 组 5 个数，第 2 组 2 个数）"."""
    if len(numbers) == 1:
        return f"1 组（{numbers[0]} 个数）"
    return f"{len(numbers)} 组（" + "，".join(f"第 {i} 组 {n} 个数" for i, n in enumerate(numbers, start=1)) + "）"


def shape_problem(groups: tuple[SourceGroup, ...], sources: tuple[tuple[int, ...], ...]) -> str | None:
    """Why the numbers given at a reveal are not in the committed shape, in words; None when they are
    (or when the commitment fixed no shape: an ``ssj.commit/1`` file)."""
    if not groups:
        return None
    want = tuple(g.numbers for g in groups)
    got = tuple(len(s) for s in sources)
    if want == got:
        return None
    return f"承诺规定公开随机数共 {shape_text(want)}，揭晓时给出的是 {shape_text(got) if got else '0 组'}"


@dataclass(frozen=True)
class Commitment:
    """A commitment file (draws/<year>/<task>-r<n>-commit-<m>.json): the frozen draw, the future source, the text."""

    schema: str
    year: int
    task: str
    round: int
    date: str  # the commit day, YYYY-MM-DD
    created_at: str
    ssj_version: str
    plan: str  # the plan's title and document number, as the text prints them
    source_plan: str
    source_date: str  # the day the source becomes known, YYYY-MM-DD
    text_sha256: str
    text: str
    draw: Mapping[str, Any]  # frozen_draw of the draw to come
    targeted: bool = False  # the task adds its blacklisted entities (定向, draw.caps); key "always_include_blacklisted" when true
    groups: tuple[SourceGroup, ...] = ()  # the source's groups in order (key "source_groups"); () in an ssj.commit/1 file

    @property
    def algorithm(self) -> str:
        return str(self.draw.get("algorithm", ""))

    @property
    def k(self) -> int:
        return int(self.draw.get("k", 0))

    @property
    def pool_sha256(self) -> str:
        return str(self.draw.get("pool_sha256", ""))

    def to_json(self) -> dict[str, Any]:
        return {
            "schema": self.schema, "year": self.year, "task": self.task, "round": self.round, "date": self.date,
            "created_at": self.created_at, "ssj_version": self.ssj_version, "plan": self.plan,
            "source_plan": self.source_plan, "source_date": self.source_date,
            **({"source_groups": [g.to_json() for g in self.groups]} if self.groups else {}), "text_sha256": self.text_sha256,
            "text": self.text, **({"always_include_blacklisted": True} if self.targeted else {}), "draw": dict(self.draw),
        }

    @classmethod
    def from_json(cls, obj: Any) -> Commitment:
        r = _Fields(obj)
        return cls(
            schema=r.text("schema"), year=r.integer("year"), task=r.text("task"), round=r.integer("round"),
            date=r.text("date"), created_at=r.text("created_at"), ssj_version=r.text("ssj_version"), plan=r.text("plan"),
            source_plan=r.text("source_plan"), source_date=r.text("source_date"), text_sha256=r.text("text_sha256"),
            text=r.text("text"), draw=r.mapping_of("draw"),
            targeted=r.flag("always_include_blacklisted") if "always_include_blacklisted" in obj else False,
            groups=_groups(r, obj),
        )


def _groups(r: _Fields, obj: Any) -> tuple[SourceGroup, ...]:
    """The ``source_groups`` of a commitment file: required in ssj.commit/2, absent in ssj.commit/1."""
    if obj.get("schema") == COMMIT_SCHEMA_V1:
        if "source_groups" in obj:
            raise RecordMalformed("摇号记录的 source_groups 不应出现在 ssj.commit/1 中", "请运行 ssj verify，并从备份恢复该文件")
        return ()
    groups = []
    for item in r.items("source_groups"):
        g = _Fields(item, "source_groups")
        numbers = g.integer("numbers")
        if not 1 <= numbers <= MAX_SOURCE_NUMBERS:
            raise RecordMalformed(f"摇号记录的 source_groups 中号码个数 {numbers} 不在 1 至 {MAX_SOURCE_NUMBERS} 之间",
                                  "请运行 ssj verify，并从备份恢复该文件")
        groups.append(SourceGroup(g.text("plan"), numbers))
    if not groups:
        raise RecordMalformed("摇号记录的 source_groups 不能为空", "请运行 ssj verify，并从备份恢复该文件")
    return tuple(groups)


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def make_commitment(
    record: DrawRecord, plan: str, groups: tuple[SourceGroup, ...], source_date: str, day: str, created_at: str,
    targeted: bool = False,
) -> Commitment:
    """The commitment of the draw ``record`` stands for (any seed: only its frozen part is kept), to be revealed by the
    source's ``groups`` (at least one); ``targeted``: the task adds the blacklisted entities of its scope the draw does
    not pick (定向, ``draw.caps``)."""
    if not groups:
        raise ValueError("a commitment needs the source's groups")
    draw = frozen_draw(record)
    source_plan = source_plan_of(groups)
    text = commitment_text(draw, plan, source_plan, source_date, day, targeted, groups)
    return Commitment(COMMIT_SCHEMA, record.year, record.task, record.round, day, created_at, record.ssj_version, plan,
                      source_plan, source_date, text_sha256(text), text, draw, targeted, groups)


def commitment_bytes(c: Commitment) -> bytes:
    return record_bytes(c.to_json())


def parse_commitment(data: bytes) -> Commitment:
    """The commitment in a commitment file's bytes. Raises RecordMalformed naming what is wrong."""
    try:
        obj = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise RecordMalformed("摇号承诺文件不是有效的 JSON", "请运行 ssj verify，并从备份恢复该文件") from None
    if not isinstance(obj, dict) or obj.get("schema") not in COMMIT_SCHEMAS:
        raise RecordMalformed(f"摇号承诺文件的 schema 应为 {COMMIT_SCHEMA}（或更早的 {COMMIT_SCHEMA_V1}）", "请运行 ssj verify，并从备份恢复该文件")
    try:
        return Commitment.from_json(obj)
    except RecordMalformed as exc:
        raise RecordMalformed(exc.message.replace("摇号记录的", "摇号承诺文件的", 1), exc.hint) from None


TARGETED_RULE = ("定向检查：揭晓当天在失信黑名单上、属于抽查范围而未被随机抽中的企业，按统一社会信用代码顺序追加在抽中名单之后"
                 "（不属于随机抽取，见 docs/draw-algorithm.md 第 14 节）。")


def commitment_text(draw: Mapping[str, Any], plan: str, source_plan: str, source_date: str, day: str, targeted: bool = False,
                    groups: tuple[SourceGroup, ...] = ()) -> str:
    """The commitment as published (Chinese): enough to re-derive the picks once the source is known, with nothing else.

    With ``groups`` (ssj.commit/2) the text lists the source's groups in order with their count of numbers; without
    (an ssj.commit/1 file, re-rendered by verify) it is the earlier text, the source in one line."""
    algorithm = str(draw["algorithm"])
    if groups:
        source = [f"公开随机数来源：共 {len(groups)} 组号码，揭晓时按下列顺序每组给出一次："]
        source += [f"第 {i} 组：{g.plan}，{g.numbers} 个数" for i, g in enumerate(groups, start=1)]
    else:
        source = [f"公开随机数来源：{source_plan}"]
    lines = [
        f"双随机抽查摇号承诺（{COMMIT_SCHEMA if groups else COMMIT_SCHEMA_V1}）",
        "本承诺在下列公开随机数产生之前公布。公开随机数揭晓后，任何人都可以只凭本承诺复算抽中的企业。",
        "",
        f"抽查工作计划：{plan}",
        f"抽查任务：{draw['task_name']}（任务代号 {draw['task']}），{draw['year']} 年第 {draw['round']} 轮",
        f"承诺日期：{day}",
        *source,
        f"来源日期：{source_date}（晚于承诺日期；来源日期之前不能揭晓）",
        SEED_RULE if groups else SEED_RULE_V1,
        f"抽取算法：{algorithm}",
        f"规则：{ALGORITHM_RULES.get(algorithm, algorithm)}",
        SHORTFALL_RULE,
        *([TARGETED_RULE] if targeted else []),
        "",
        "输入文件 SHA-256：",
        *(f"{path} {sha}" for path, sha in sorted(dict(draw["inputs"]).items())),
        "",
        f"抽取家数：{draw['k']}",
        "",
    ]
    strata = draw.get("strata") or []
    if strata:
        lines += ["按风险等级分级抽取：各层用同一种子、同一规则分别抽取，各层抽中名单按下列顺序依次相接。", ""]
        for n, s in enumerate(strata, start=1):
            grade = s["grade"] or UNGRADED_LABEL
            lines.append(f"第 {n} 层：风险等级 {grade}，抽取家数：{s['k']}")
            lines += _ids_block("备选池", s["pool"], s["pool_sha256"]) + _ids_block("此前已抽中", s["excluded"])
    else:
        lines += _ids_block("备选池", draw["pool"], draw["pool_sha256"]) + _ids_block("此前已抽中", draw["excluded"])
    prior = dict(draw.get("prior_checks") or {})
    lines.append(f"执法人员：从下列 {len(draw['inspector_pool'])} 名人员中按 docs/draw-algorithm.md 第 7 节分派（同一种子），"
                 f"每户 {draw['inspectors_per_check']} 名；括号内为本年度此前已分派的户数。")
    lines += [f"{i}（{prior.get(i, 0)}）" for i in draw["inspector_pool"]]
    return "\n".join(lines) + "\n"


def _ids_block(label: str, ids: list[str], sha: str | None = None) -> list[str]:
    """A list of ids under its heading, one a line, closed by an empty line; nothing for an empty list of excluded."""
    if not ids and sha is None:
        return []
    head = f"{label}：{len(ids)} 家，每行一个统一社会信用代码，按代码排序"
    if sha is not None:
        head += f"（SHA-256 {sha}）"
    return [head, *ids, ""]
