"""The joint-task fields of a plan (部门联合抽查): ``joint``, ``inspectors_per_department`` and ``matters``.

``joint_task`` reads them from one task's YAML nodes, with every problem recorded on the
plan's ``NodeReader`` (path:line and a hint): an unknown or repeated department, a
department without a quota or with a quota below 1, a team below two officers in total, a
department without its matter, those fields on a task that is not joint, and
``inspectors_per_check`` on one that is. It returns the task's departments, the lead first
(``records.TaskDepartment``), or () when the task is not joint or any field is wrong.
"""

from __future__ import annotations

import yaml

from shuangsuiji.files.yaml_nodes import NodeReader
from shuangsuiji.records import MIN_INSPECTORS, TaskDepartment


def joint_task(r: NodeReader, task_node: yaml.Node, f: dict[str, yaml.Node], departments: dict[str, str], matter: str) -> tuple[TaskDepartment, ...]:
    """The departments of a joint task (lead first), or () for a task that is not joint; every problem on ``r``."""
    joint = _joint(r, task_node, f, departments, matter) if "joint" in f else ()
    if "joint" not in f:
        for extra in ("inspectors_per_department", "matters"):
            if extra in f:
                r.error(f[extra], f"字段 {extra} 只用于部门联合抽查任务", "请同时写 joint: {lead: 牵头部门代号, with: [配合部门代号, ...]}，或删除该字段")
    elif joint and "inspectors_per_check" in f:
        r.error(f["inspectors_per_check"], "联合抽查任务不用 inspectors_per_check", "请用 inspectors_per_department 写各部门每户派出的人数，合计即每户执法人员数")
    return joint


def known_departments(departments: dict[str, str]) -> str:
    """The hint that lists the plan's departments (or says it declares none)."""
    if not departments:
        return "计划没有声明 departments；请先在计划中写 departments: {代号: 部门名称, ...}"
    return "计划 departments 中已声明：" + "、".join(f"{k}（{v}）" for k, v in departments.items())


def _department_code(r: NodeReader, node: yaml.Node, what: str, departments: dict[str, str]) -> str | None:
    """A department code (or name) that ``departments`` declares; None, with an error, otherwise."""
    raw = str(node.value).strip() if isinstance(node, yaml.ScalarNode) else ""
    for code, name in departments.items():
        if raw in (code, name):
            return code
    r.error(node, f"{what} {raw or '(空)'} 不是计划 departments 中的部门", known_departments(departments))
    return None


def _joint(r: NodeReader, task_node: yaml.Node, f: dict[str, yaml.Node], departments: dict[str, str], matter: str) -> tuple[TaskDepartment, ...]:
    """``joint: {lead, with}``, ``inspectors_per_department`` and ``matters``: the departments of a joint task."""
    before = len(r.errors)
    spec = r.mapping(f["joint"], "joint", {"lead": "牵头部门代号", "with": "配合部门代号列表"}, ("lead", "with"))
    if spec is None or len(r.errors) > before:
        return ()
    codes: list[str] = []
    lead = _department_code(r, spec["lead"], "牵头部门", departments)
    if lead is not None:
        codes.append(lead)
    others = spec["with"].value if isinstance(spec["with"], yaml.SequenceNode) else [spec["with"]]
    if not others:
        r.error(spec["with"], "with 至少应列出一个配合部门", "例如 with: [scjg, xf]")
    for item in others:
        code = _department_code(r, item, "配合部门", departments)
        if code is not None and code in codes:
            r.error(item, f"部门 {code} 在联合抽查中重复出现", "牵头部门不必再写进 with，每个配合部门写一次")
        elif code is not None:
            codes.append(code)
    if len(r.errors) > before + (0 if others else 1):  # an unknown department: the quotas cannot be checked yet
        return ()
    quotas = _department_numbers(r, task_node, f, codes)
    matters = _department_matters(r, task_node, f, codes, lead, matter)
    total = sum(quotas.values())
    if "inspectors_per_department" in f and total < MIN_INSPECTORS and len(quotas) == len(codes):
        r.error(f["inspectors_per_department"], f"联合检查组每户合计 {total} 名执法人员，少于 {MIN_INSPECTORS} 名",
                f"法律要求每次检查至少 {MIN_INSPECTORS} 名执法人员；请加上配合部门，或把 inspectors_per_department 的合计调到 {MIN_INSPECTORS} 名或更多")
    if len(r.errors) > before:
        return ()
    return tuple(TaskDepartment(c, departments[c], matters[c], quotas[c]) for c in codes)


def _department_numbers(r: NodeReader, task_node: yaml.Node, f: dict[str, yaml.Node], codes: list[str]) -> dict[str, int]:
    """``inspectors_per_department``: every department of the joint task, each at least 1."""
    if "inspectors_per_department" not in f:
        r.error(task_node, "联合抽查任务缺少字段 inspectors_per_department（各部门每户派出的执法人员数）",
                "例如 inspectors_per_department: {" + ", ".join(f"{c}: 1" for c in codes) + "}")
        return {}
    node = f["inspectors_per_department"]
    if not isinstance(node, yaml.MappingNode):
        r.error(node, "inspectors_per_department 应为“部门代号: 人数”的映射", "例如 {yjj: 2, scjg: 1}")
        return {}
    out: dict[str, int] = {}
    for key_node, value_node in node.value:
        code = str(key_node.value).strip()
        if code not in codes:
            r.error(key_node, f"inspectors_per_department 中的 {code} 不是本任务的联合部门", "只写 joint 的 lead 和 with 中的部门代号：" + "、".join(codes))
            continue
        value = r.integer(value_node, f"inspectors_per_department.{code}")
        if value is not None and value < 1:
            r.error(value_node, f"部门 {code} 每户派出 {value} 名执法人员", f"联合抽查的每个部门每户至少派出 1 名执法人员，请把 {code} 改为 1 或更多")
        elif value is not None:
            out[code] = value
    for code in codes:
        if code not in out and not any(str(k.value).strip() == code for k, _ in node.value):
            r.error(node, f"inspectors_per_department 缺少部门 {code}", f"请补上 {code}: 1（或该部门每户派出的人数）")
    return out


def _department_matters(r: NodeReader, task_node: yaml.Node, f: dict[str, yaml.Node], codes: list[str], lead: str | None, matter: str) -> dict[str, str]:
    """``matters``: each department's 抽查事项; the lead's defaults to the task's ``matter``."""
    node = f.get("matters")
    out: dict[str, str] = {lead: matter} if lead else {}
    if node is not None and not isinstance(node, yaml.MappingNode):
        r.error(node, "matters 应为“部门代号: 抽查事项”的映射", "例如 matters: {scjg: 危险化学品产品质量监督检查}")
        return out
    for key_node, value_node in node.value if node is not None else []:
        code = str(key_node.value).strip()
        if code not in codes:
            r.error(key_node, f"matters 中的 {code} 不是本任务的联合部门", "只写 joint 的 lead 和 with 中的部门代号：" + "、".join(codes))
            continue
        text = r.text(value_node, f"matters.{code}")
        if text is not None:
            out[code] = text
    for code in codes:
        if code not in out:
            r.error(node if node is not None else task_node, f"联合抽查任务没有写部门 {code} 的抽查事项",
                    f"请在 matters 中补上 {code}: 该部门的抽查事项（牵头部门的事项默认取 matter）")
    return out
