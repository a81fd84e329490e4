"""Every vocabulary of ssj in one place: statuses, grades, task types, result codes, exclusion reasons, event types, deadline states, seed origins.

Codes are the English keys stored in files and the ledger; the values are the Chinese
words users see. A new word goes here, never beside a twin.
"""

RESULT_CODES: dict[str, str] = {
    "no_problem": "未发现问题",
    "rectify": "发现问题，责令整改",
    "penalty": "立案查处",
    "transfer": "移交有权监管部门",
    "judicial": "移送司法机关",
    "not_operating": "未生产经营/无法检查",
}

# Short forms of the result labels, as clerks write them in a batch file or --result.
RESULT_ALIASES: dict[str, str] = {
    "责令整改": "rectify",
    "立案": "penalty",
    "移交": "transfer",
    "移送": "judicial",
    "停产": "not_operating",
    "未生产经营": "not_operating",
    "无法检查": "not_operating",
}

FOUND_PROBLEM = ("rectify", "penalty", "transfer", "judicial")

# What the public notice shows under 处理措施 when the clerk wrote no measures.
DEFAULT_MEASURES: dict[str, str] = {
    "no_problem": "无",
    "rectify": "责令限期整改",
    "penalty": "依法立案查处",
    "transfer": "移交有权监管部门处理",
    "judicial": "移送司法机关处理",
    "not_operating": "无",
}

ACTIVE_ENTITY_STATUS = "在营"

ENTITY_STATUSES = ("在营", "停产", "停业", "歇业", "吊销", "注销")

# Other words for a status, as 国家企业信用信息公示系统 and clerks write them -> the status stored.
ENTITY_STATUS_ALIASES = {"存续": "在营"}

ON_DUTY_STATUS = "在岗"

# In the registry (e.g. 法制审核 staff who review the cases) but never drawn for a team.
NOT_DRAWN_STATUS = "不参与抽取"

INSPECTOR_STATUSES = ("在岗", "休假", "病假", "借调", "离岗", "培训", "退休", NOT_DRAWN_STATUS)

TASK_TYPES = ("定向", "不定向")

RISK_GRADES = ("A", "B", "C", "D")

# The credit-risk grades as 国市监信发〔2022〕6号 words them (A 信用风险低 ... D 信用风险高).
RISK_LABELS = {"A": "低风险", "B": "一般风险", "C": "较高风险", "D": "高风险"}

# What an entity without a credit-risk grade is called; its stratum's grade code is "" (draw.strata).
UNGRADED_LABEL = "未定级"

# The order of a stratified draw's strata: the grades, then the entities without one.
STRATUM_ORDER = (*RISK_GRADES, "")

TYPE_ALIASES = {"定向": "定向", "不定向": "不定向", "不定项": "不定向"}

# A blacklist event is about an entity, not a round: it carries no year, task or round (its year is its date's).
BLACKLIST_ADD = "blacklist_add"
BLACKLIST_REMOVE = "blacklist_remove"
BLACKLIST_EVENT_TYPES = (BLACKLIST_ADD, BLACKLIST_REMOVE)

EVENT_TYPES = ("draw", "void", "result", "publish", *BLACKLIST_EVENT_TYPES, "replace", "commit")

BLACKLIST_LABELS = {BLACKLIST_ADD: "列入黑名单", BLACKLIST_REMOVE: "移出黑名单"}

EXCLUSION_REASONS = {
    "not_drawn": "不参与抽取（名录库中标为不参与抽取的人员）",
    "off_duty": "不在岗（{status}）",
    "unqualified": "无该类别检查资格",
    "conflict": "与该企业有利害关系（回避名单）",
    "local": "属地回避（同乡镇）",
    "absent": "已不在执法检查人员名录库中",
}

# Why a drawn entity or an assigned inspector is replaced by the next one down the same ranked list (递补).
REPLACE_REASONS = {
    "suspended": "停产",
    "deregistered": "注销",
    "moved": "迁出",
    "unreachable": "无法联系",
    "conflict": "回避",
    "other": "其他",
}

# The reason that needs a --note saying what it is.
REPLACE_REASON_NEEDS_NOTE = "other"

# What a replacement replaces: a drawn entity, or one inspector of one entity's team.
REPLACE_TARGETS = {"entity": "检查对象", "inspector": "执法检查人员"}

STATES = {"checking": "检查中", "incomplete_late": "逾期未完成", "pending": "待公示", "publish_late": "逾期未公示"}

LEVELS = {"normal": "正常", "near": "临近", "overdue": "逾期"}

PUBLICATION_STATES = ("on_time", "late", "pending", "overdue")

PUBLICATION_LABELS = {"on_time": "按时公示", "late": "逾期公示", "pending": "待公示", "overdue": "逾期未公示"}

# What ``ssj draws`` lists: a drawn round, a voided one, or a commitment (two-phase draw) not yet revealed or voided.
DRAW_ROW_STATES = {"drawn": "有效", "voided": "已作废", "committed": "已承诺，待揭晓"}

# How a draw's seed was fixed: the record's ``seed_origin`` (given, generated, public since ssj.draw/1; dice and
# committed added with seed kinds and two-phase draws) and what it means on the sheet and in the report.
SEED_ORIGINS = {
    "given": "手工录入：操作人员摇号时输入（未注明见证方式，只能靠在场的人证明种子没有被挑选）",
    "dice": "见证人掷骰：见证人当场掷骰得出，操作人员照录",
    "generated": "操作系统随机数：ssj 从操作系统的随机源生成 128 位种子",
    "public": "公开随机数（一步摇号）：摇号时录入公开来源的号码，按 RFC 3797 组成种子",
    "committed": "事先承诺的公开随机数（两步摇号：先公布备选池，开奖后揭晓）",
}

# The kinds the report counts and ssj check weighs, from the most to the least verifiable; each origin is one kind.
SEED_KINDS = {
    "committed": "承诺的公开随机数（两步摇号）",
    "public": "公开随机数（一步摇号）",
    "dice": "见证人掷骰",
    "hand": "手工录入",
    "os": "操作系统随机数",
}
SEED_ORIGIN_KINDS = {"committed": "committed", "public": "public", "dice": "dice", "given": "hand", "generated": "os"}
UNKNOWN_SEED_KIND = "unknown"  # a record that could not be read, or an origin ssj does not know
UNKNOWN_SEED_LABEL = "不明（摇号记录无法读取）"

# What --seed-kind accepts for a --seed -> the record's seed_origin.
SEED_KIND_WORDS = {"hand": "given", "手工": "given", "手工录入": "given", "dice": "dice", "掷骰": "dice", "见证人掷骰": "dice"}
