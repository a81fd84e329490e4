"""Loading and checking a yearly plan, ``plans/<year>.yaml``.

The YAML is read as a node tree rather than as Python values, so every field keeps its
line, scalars keep their exact text (a ratio ``0.1`` stays the decimal 0.1, never the
float), and every problem in the file is collected before anything is reported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

import yaml

from shuangsuiji.codes import TYPE_ALIASES
from shuangsuiji.errors import InputError, InputErrors
from shuangsuiji.files.text import bytes_text, read_text
from shuangsuiji.files.yaml_nodes import NodeReader, compose
from shuangsuiji.inputs.caps import read_caps
from shuangsuiji.inputs.grades import read_by_grade
from shuangsuiji.inputs.joint import joint_task, known_departments
from shuangsuiji.records import MIN_INSPECTORS, Plan, Task

PLAN_FIELDS = {
    "year": "计划年度",
    "document": "文号",
    "title": "计划标题",
    "issued": "印发日期",
    "department": "抽查发起部门",
    "departments": "参与抽查的部门（代号: 名称）",
    "local_avoidance": "属地回避",
    "publish_within_workdays": "检查结束后几个工作日内公示",
    "categories": "检查对象类别表",
    "max_checks_per_year": "每户每年最多检查次数（跨全部任务）",
    "tasks": "抽查任务",
}
PLAN_REQUIRED = ("year", "document", "title", "issued", "department", "categories", "tasks")
TASK_FIELDS = {
    "id": "任务代号",
    "name": "抽查任务名称",
    "type": "抽查类型",
    "matter": "抽查事项",
    "scope_label": "抽查对象范围",
    "scope": "抽查类别",
    "ratio": "抽查比例",
    "ratio_by_risk": "按信用风险等级的抽查比例",
    "start": "开始日期",
    "end": "结束日期",
    "department": "抽查发起部门",
    "inspectors_per_check": "每户执法人员数",
    "publish_within_workdays": "检查结束后几个工作日内公示",
    "joint": "部门联合抽查（牵头部门 lead、配合部门 with）",
    "inspectors_per_department": "联合抽查中各部门每户派出的执法人员数",
    "matters": "联合抽查中各部门的抽查事项",
    "always_include_blacklisted": "范围内列入黑名单的企业每轮都检查（定向，在随机抽取之外）",
}
TASK_REQUIRED = ("id", "name", "type", "matter", "scope_label", "scope", "start", "end")  # and ratio, unless ratio_by_risk
PLAN_YEARS = range(2000, 2101)  # as ssj init: a plan for year 9999 would overflow its deadlines
DEFAULT_PUBLISH_WORKDAYS = 7  # the seed's plan: results public within 7 working days

_TASK_ID = re.compile(r"^[a-z][a-z0-9_-]{0,31}$")
_PERCENT = re.compile(r"^(\d+(?:\.\d+)?)\s*[%％]$")
_DECIMAL = re.compile(r"^\d*\.\d+$")


def _ratio_value(text: str) -> Decimal | None:
    """``20%`` or ``0.2`` as an exact Decimal, whatever its size; None when it is neither form."""
    text = text.strip()
    m = _PERCENT.match(text)
    try:
        if m:
            return Decimal(m.group(1)) / 100
        if _DECIMAL.match(text):
            return Decimal(text)
    except InvalidOperation:
        pass
    return None


def parse_ratio(text: str, zero: bool = False) -> Decimal | None:
    """``20%`` or ``0.2`` to an exact Decimal in (0, 1] ([0, 1] with ``zero``); None when it is not one of those forms."""
    value = _ratio_value(text)
    if value is None or not (Decimal(0) <= value <= Decimal(1)) or (value == 0 and not zero):
        return None
    return value


def ratio_problem(text: str) -> tuple[str, str]:
    """Why ``text`` is not a ratio, as (message, hint)."""
    value = _ratio_value(text)
    if value is not None and value > 1:
        return f"抽查比例 {text} 超过 100%", "抽查比例应在 0 到 100% 之间，如 20%；全部检查请写 100%"
    if value is not None:
        return f"抽查比例 {text} 为 0", "抽查比例应大于 0，如 20%"
    return f"抽查比例 {text} 无法识别", "请写成百分数（如 20%）或 0 到 1 之间的小数（如 0.2）；单写 20 含义不明，不予接受"


def load_plan(path: Path, shown: str | None = None, data: bytes | None = None) -> Plan:
    """Load and check a plan file (``data``: its bytes, when already read). Raises InputErrors listing every problem found."""
    shown = shown or path.as_posix()
    root = compose(read_text(path, shown) if data is None else bytes_text(data, shown), shown)
    r = NodeReader(shown)
    if root is None:
        raise InputErrors([InputError(shown, 1, "计划文件是空的", "请用 ssj init 生成带注释的模板后填写")])
    top = r.mapping(root, "计划", PLAN_FIELDS, PLAN_REQUIRED)
    if top is None:
        raise InputErrors(r.errors)

    def field(name: str, read):  # type: ignore[no-untyped-def]
        return read(top[name], name) if name in top else None

    year = field("year", r.integer)
    if year is not None and year not in PLAN_YEARS:
        r.error(top["year"], f"计划年度 {year} 不合理", f"请写四位年份（{PLAN_YEARS.start} 到 {PLAN_YEARS.stop - 1}），如 2023")
        year = None
    file_year = path.stem
    if year is not None and file_year.isdigit() and int(file_year) != year:
        r.error(top["year"], f"计划年度 {year} 与文件名 {path.name} 不一致", f"请把 year 改为 {file_year}，或把文件改名为 {year}.yaml")
    document, title, issued = field("document", r.text), field("title", r.text), field("issued", r.day)
    department = field("department", r.text)
    departments = _code_names(r, top["departments"], _DEPARTMENTS) if "departments" in top else {}
    home = _home_department(r, top, department, departments)
    if home:
        department = departments[home]  # the plan may name its own department by its code
    local_avoidance = field("local_avoidance", r.boolean) or False
    within = _publish_within(r, top, DEFAULT_PUBLISH_WORKDAYS)
    categories = _code_names(r, top["categories"], _CATEGORIES) if "categories" in top else {}
    defaults = TaskDefaults(year, categories, department, within, shown, departments, home)
    tasks = _tasks(r, top["tasks"], defaults) if "tasks" in top else []
    caps = read_caps(r, top["max_checks_per_year"], categories) if "max_checks_per_year" in top else None
    if r.errors:
        raise InputErrors(r.errors)
    assert year is not None and document and title and issued and department  # guaranteed by the checks above
    return Plan(year=year, document=document, title=title, issued=issued, department=department,
                local_avoidance=bool(local_avoidance), categories=categories, tasks=tuple(tasks), path=shown,
                departments=departments, home_department=home, max_checks=caps)


@dataclass(frozen=True)
class TaskDefaults:
    """What a task takes from its plan: the year, the categories, and the fields it may override."""

    year: int | None
    categories: dict[str, str]
    department: str | None
    publish_within_workdays: int
    shown: str
    departments: dict[str, str] = field(default_factory=dict)  # code -> name; {} when the plan declares none
    home_department: str = ""


@dataclass(frozen=True)
class _CodeNames:
    """How one "code: name" mapping of the plan (departments, categories) is worded in its errors."""

    field: str
    code_word: str  # 部门代号 / 类别代号
    name_word: str  # 部门名称 / 类别名称
    shape_name: str  # what the value is called in the shape error: 部门名称 / 中文名称
    shape_hint: str
    code_hint: str
    name_hint: str
    dashes: bool  # whether "-" is accepted in a code as "_" is


_DEPARTMENTS = _CodeNames("departments", "部门代号", "部门名称", "部门名称", "例如 yjj: 长子县应急管理局",
                          "代号用小写英文字母开头，只含字母、数字、- 和 _，如 yjj", "每个部门的名称应唯一", False)
_CATEGORIES = _CodeNames("categories", "类别代号", "类别名称", "中文名称", "例如 coal_mine: 煤矿",
                         "代号用小写英文字母、数字和下划线，如 coal_mine", "每个类别的中文名称应唯一", True)


def _code_names(r: NodeReader, node: yaml.Node, kind: _CodeNames) -> dict[str, str]:
    """A "code: name" mapping with at least one entry, each code and each name once."""
    out: dict[str, str] = {}
    if not isinstance(node, yaml.MappingNode) or not node.value:
        r.error(node, f"{kind.field} 应为“{kind.code_word}: {kind.shape_name}”的映射，且至少一项", kind.shape_hint)
        return out
    for key_node, value_node in node.value:
        code = str(key_node.value).strip()
        if not _TASK_ID.match(code.replace("-", "_") if kind.dashes else code):
            r.error(key_node, f"{kind.code_word} {code} 不合规", kind.code_hint)
            continue
        if code in out:
            r.error(key_node, f"{kind.code_word} {code} 重复", "请删除重复的一项")
            continue
        name = r.text(value_node, f"{kind.field}.{code}")
        if name is None:
            continue
        if name in out.values():
            r.error(value_node, f"{kind.name_word} {name} 重复", kind.name_hint)
            continue
        out[code] = name
    return out


def _home_department(r: NodeReader, top: dict[str, yaml.Node], department: str | None, departments: dict[str, str]) -> str:
    """The code of the plan's own department among ``departments`` ("" when the plan declares none)."""
    if not departments or department is None:
        return ""
    for code, name in departments.items():
        if department in (code, name):
            return code
    known = "、".join(f"{k}（{v}）" for k, v in departments.items())
    r.error(top["department"], f"计划的抽查发起部门 {department} 不在 departments 中",
            f"请在 departments 中加上本部门（如 yjj: {department}），或把 department 改为已声明的部门：{known}")
    return ""


def _publish_within(r: NodeReader, fields: dict[str, yaml.Node], default: int) -> int:
    """``publish_within_workdays``: 1 to 60 working days; ``default`` when absent or wrong (an error)."""
    if "publish_within_workdays" not in fields:
        return default
    node = fields["publish_within_workdays"]
    value = r.integer(node, "publish_within_workdays")
    if value is not None and not 1 <= value <= 60:
        r.error(node, f"公示期限 {value} 个工作日不合理", "请写 1 到 60 之间的整数，如 7 或 20（企业信息公示暂行条例第六条为 20 个工作日）")
        return default
    return default if value is None else value


def _tasks(r: NodeReader, node: yaml.Node, defaults: TaskDefaults) -> list[Task]:
    tasks: list[Task] = []
    if not isinstance(node, yaml.SequenceNode) or not node.value:
        r.error(node, "tasks 应为抽查任务列表，且至少一项", "每项以“- id: ...”开头")
        return tasks
    seen: dict[str, int] = {}
    for index, task_node in enumerate(node.value, start=1):
        task = _load_task(r, task_node, index, defaults)
        if task is None:
            continue
        if task.id in seen:
            r.error(task_node, f"任务代号 {task.id} 重复（第 {seen[task.id]} 行已有）", "每个任务的 id 应唯一，请改名")
            continue
        seen[task.id] = task.line
        tasks.append(task)
    return tasks


def _load_task(r: NodeReader, node: yaml.Node, index: int, defaults: TaskDefaults) -> Task | None:
    before = len(r.errors)
    f = r.mapping(node, f"第 {index} 个任务", TASK_FIELDS, TASK_REQUIRED)
    if f is None:
        return None
    task_id = r.text(f["id"], "id") if "id" in f else None
    if task_id is not None and not _TASK_ID.match(task_id):
        r.error(f["id"], f"任务代号 {task_id} 不合规", "代号用小写英文字母开头，只含字母、数字、- 和 _，如 hazchem")
    name, matter, scope_label = (r.text(f[k], k) if k in f else None for k in ("name", "matter", "scope_label"))
    kind = _task_type(r, f["type"]) if "type" in f else None
    scope = _scope(r, f["scope"], defaults.categories) if "scope" in f else []
    ratio = _ratio(r, f["ratio"]) if "ratio" in f else None
    by_risk = _ratio_by_risk(r, f["ratio_by_risk"]) if "ratio_by_risk" in f else ()
    if "ratio" not in f and "ratio_by_risk" not in f:
        r.error(node, f"第 {index} 个任务缺少字段 ratio（抽查比例）", "请补上 ratio: ...（如 ratio: 20%），或按风险等级写 ratio_by_risk: {A: 0%, B: 10%, C: 30%, D: 100%}")
    start, end = _period(r, f, defaults.year)
    department, code = _task_department(r, f, defaults)
    per_check = _per_check(r, f["inspectors_per_check"]) if "inspectors_per_check" in f else MIN_INSPECTORS
    within = _publish_within(r, f, defaults.publish_within_workdays)
    blacklisted = bool(r.boolean(f["always_include_blacklisted"], "always_include_blacklisted")) if "always_include_blacklisted" in f else False
    joint = joint_task(r, node, f, defaults.departments, matter or "")
    if joint:
        if "department" in f and code and code != joint[0].code:
            r.error(f["department"], f"任务的抽查发起部门 {code} 不是联合抽查的牵头部门 {joint[0].code}",
                    f"联合抽查由牵头部门发起：请删去任务的 department，或把它改为 {joint[0].code}（或把 joint 的 lead 改为 {code}）")
        department, code, per_check = joint[0].name, joint[0].code, sum(d.inspectors for d in joint)
    if len(r.errors) > before:
        return None
    return Task(index=index, id=task_id or "", name=name or "", type=kind or "", matter=matter or "",
                scope_label=scope_label or "", scope=tuple(scope), ratio=ratio,
                start=start or date.min, end=end or date.min, department=department or "",
                inspectors_per_check=per_check, publish_within_workdays=within, ratio_by_risk=by_risk,
                department_code=code, joint=joint, always_include_blacklisted=blacklisted, path=defaults.shown, line=node.start_mark.line + 1,
                ratio_by_risk_line=f["ratio_by_risk"].start_mark.line + 1 if "ratio_by_risk" in f else 0)


def _task_department(r: NodeReader, f: dict[str, yaml.Node], defaults: TaskDefaults) -> tuple[str | None, str]:
    """(the task's department name, its code): the plan's own unless the task names one of ``departments``."""
    if "department" not in f:
        return defaults.department, defaults.home_department
    text = r.text(f["department"], "department")
    if text is None or not defaults.departments:
        return text, ""  # a plan without departments: the task's department is free text, the plan's people
    for code, name in defaults.departments.items():
        if text in (code, name):
            return name, code
    r.error(f["department"], f"任务的抽查发起部门 {text} 不在计划的 departments 中", known_departments(defaults.departments))
    return text, ""


def _task_type(r: NodeReader, node: yaml.Node) -> str | None:
    raw = r.text(node, "type")
    if raw is None:
        return None
    kind = TYPE_ALIASES.get(raw)
    if kind is None:
        r.error(node, f"抽查类型 {raw} 无法识别", "请写 定向 或 不定向")
    return kind


def _scope(r: NodeReader, s: yaml.Node, categories: dict[str, str]) -> list[str]:
    scope: list[str] = []
    items = s.value if isinstance(s, yaml.SequenceNode) else [s]
    by_label = {v: k for k, v in categories.items()}  # a Chinese label is accepted and mapped to its code
    for item in items:
        code = str(item.value).strip() if isinstance(item, yaml.ScalarNode) else ""
        code = by_label.get(code, code)
        if code not in categories:
            known = "、".join(f"{k}（{v}）" for k, v in categories.items())
            r.error(item, f"抽查类别 {code or '(空)'} 不在计划的 categories 中", f"请使用已声明的类别：{known}，或先在 categories 中声明")
        elif code in scope:
            r.error(item, f"抽查类别 {code} 重复", "请删除重复的一项")
        else:
            scope.append(code)
    if not items:
        r.error(s, "scope 至少应列出一个类别", "例如 scope: [coal_mine]")
    return scope


def _ratio(r: NodeReader, node: yaml.Node) -> Decimal | None:
    raw = r.text(node, "ratio")
    if raw is None:
        return None
    ratio = parse_ratio(raw)
    if ratio is None:
        r.error(node, *ratio_problem(raw))
    return ratio


def _ratio_by_risk(r: NodeReader, node: yaml.Node) -> tuple[tuple[str, Decimal], ...]:
    """``{A: 0%, B: 10%, C: 30%, D: 100%}``: (grade, ratio) in grade order; 0% is allowed (none drawn)."""

    def ratio_of(value_node: yaml.Node, grade: str) -> Decimal | None:
        raw = r.text(value_node, f"ratio_by_risk.{grade}")
        if raw is None:
            return None
        ratio = parse_ratio(raw, zero=True)
        if ratio is None:
            message, hint = ratio_problem(raw)
            r.error(value_node, f"ratio_by_risk.{grade}：{message}", hint + "；写 0% 表示该等级不抽取")
        return ratio

    found = read_by_grade(r, node, "ratio_by_risk", "抽查比例", "例如 ratio_by_risk: {A: 0%, B: 10%, C: 30%, D: 100%}",
                          "没有等级的企业按任务的 ratio 抽取", ratio_of)
    return tuple(found.items())


def _period(r: NodeReader, f: dict[str, yaml.Node], year: int | None) -> tuple[date | None, date | None]:
    start = r.day(f["start"], "start") if "start" in f else None
    end = r.day(f["end"], "end") if "end" in f else None
    if start and end:
        if end < start:
            r.error(f["end"], f"结束日期 {end} 早于开始日期 {start}", "请核对抽查时间")
        elif year is not None and (start.year != year or end.year != year):
            r.error(f["start"] if start.year != year else f["end"], f"抽查时间 {start} 至 {end} 超出计划年度 {year}", f"抽查时间应在 {year} 年之内")
    return start, end


def _per_check(r: NodeReader, node: yaml.Node) -> int:
    value = r.integer(node, "inspectors_per_check")
    if value is not None and value < MIN_INSPECTORS:
        r.error(node, f"每户执法人员数为 {value}，少于 {MIN_INSPECTORS} 名", f"计划要求每次检查至少 {MIN_INSPECTORS} 名执法人员，请改为 {MIN_INSPECTORS} 或更多")
    return value if value is not None else MIN_INSPECTORS


def period_label(start: date, end: date) -> str:
    """The annex's wording of a period: 2022年全年, 2022年4月至6月, or the exact dates."""
    import calendar

    whole_months = start.day == 1 and end.day == calendar.monthrange(end.year, end.month)[1]
    if whole_months and start.year == end.year:
        if start.month == 1 and end.month == 12:
            return f"{start.year}年全年"
        if start.month == end.month:
            return f"{start.year}年{start.month}月"
        return f"{start.year}年{start.month}月至{end.month}月"
    return f"{start.isoformat()} 至 {end.isoformat()}"


def plan_rows(plan: Plan) -> list[dict]:
    """The plan as the rows of its annex table (抽查工作计划表)."""
    return [
        {
            "index": t.index,
            "id": t.id,
            "name": t.name,
            "type": t.type,
            "matter": t.matter,
            "scope_label": t.scope_label,
            "scope": list(t.scope),
            "ratio": t.ratio_text(),
            **({"ratio_by_risk": {g: str(v) for g, v in t.ratio_by_risk}, "ratio_else": None if t.ratio is None else str(t.ratio)}
               if t.stratified else {}),
            "period": period_label(t.start, t.end),
            "start": t.start.isoformat(),
            "end": t.end.isoformat(),
            "department": t.department,
            "inspectors_per_check": t.inspectors_per_check,
            **({"joint": [{"code": d.code, "name": d.name, "matter": d.matter, "inspectors": d.inspectors} for d in t.joint]}
               if t.joint else {}),
            **({"always_include_blacklisted": True} if t.always_include_blacklisted else {}),
        }
        for t in plan.tasks
    ]

