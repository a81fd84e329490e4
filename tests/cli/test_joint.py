"""Joint cross-department checks (部门联合双随机抽查) through the CLI, on a copy of examples/joint/."""

from __future__ import annotations

import json

import pytest

from tests.helpers import ok, tree_digest

JOINT_TASK = "joint-hazchem"


def test_check_shows_inspectors_per_department_and_unit(jssj):
    res = ok(jssj("check"))
    assert "各部门执法检查人员" in res.stdout
    assert "长子县市场监督管理局（scjg）" in res.stdout and "长子县消防救援大队（xf）" in res.stdout
    data = json.loads(ok(jssj("check", "--json")).stdout)
    by_department = {d["code"]: d["units"] for d in data["inspectors"]["by_department"]}
    assert by_department["scjg"] == {"市场监管执法大队": {"在岗": 2, "休假": 1}, "特种设备股": {"在岗": 1}}
    assert by_department["xf"] == {"防火监督科": {"在岗": 3}}
    assert by_department["yjj"]["执法大队"] == {"在岗": 3, "休假": 1}


def test_shipped_workspace_check_has_no_department_table(ssj):
    res = ok(ssj("check"))
    assert "各部门执法检查人员" not in res.stdout
    assert "by_department" not in json.loads(ok(ssj("check", "--json")).stdout)["inspectors"]


BAD_FIELDS = [
    ("with: [scjg, xf]", "with: [scjg, wsj]", 48, "配合部门 wsj 不是计划 departments 中的部门"),
    ("      scjg: 1\n", "      scjg: 0\n", 51, "部门 scjg 每户派出 0 名执法人员"),
    ("      with: [scjg, xf]              # 配合部门\n", "      with: [yjj]\n", 48, "部门 yjj 在联合抽查中重复出现"),
    ("      yjj: 2\n      scjg: 1\n      xf: 1\n", "      yjj: 2\n      scjg: 1\n", 50, "inspectors_per_department 缺少部门 xf"),
    ("      with: [scjg, xf]              # 配合部门\n    inspectors_per_department:      # 各部门每户派出的执法人员数（每个部门至少 1 名，合计至少 2 名）\n      yjj: 2\n      scjg: 1\n      xf: 1\n    matters:                        # 配合部门各自的抽查事项\n      scjg: 危险化学品经营许可及产品质量监督检查\n      xf: 消防安全检查\n",
     "      with: []\n    inspectors_per_department:\n      yjj: 1\n", 50, "联合检查组每户合计 1 名执法人员，少于 2 名"),
    # a task's department that is not its joint lead (the lead was taken silently)
    ("      with: [scjg, xf]              # 配合部门\n", "      with: [scjg, xf]\n    department: xf\n", 49,
     "任务的抽查发起部门 xf 不是联合抽查的牵头部门 yjj"),
]


@pytest.mark.parametrize("old,new,line,message", BAD_FIELDS,
                         ids=["unknown-department", "quota-0", "lead-twice", "quota-missing", "team-below-2", "department-not-lead"])
def test_bad_joint_fields_exit_2_with_path_line_and_change_nothing(jssj, joint_ws, old, new, line, message):
    plan = joint_ws / "plans" / "2022.yaml"
    text = plan.read_text(encoding="utf-8")
    assert old in text
    plan.write_text(text.replace(old, new), encoding="utf-8")
    before = tree_digest(joint_ws)
    for args in (("check",), ("draw", "--task", JOINT_TASK, "--seed", "联合 1", "--today", "2022-05-06")):
        res = jssj(*args)
        assert res.exit_code == 2, res.output
        assert f"plans/2022.yaml:{line}: {message}" in res.output
        assert "Traceback" not in res.output
    assert tree_digest(joint_ws) == before


def test_inspector_of_unknown_department_exit_2(jssj, joint_ws):
    path = joint_ws / "data" / "inspectors.csv"
    path.write_bytes(path.read_bytes().replace(b",,scjg\r\n", b",,wsj\r\n", 1))
    before = tree_digest(joint_ws)
    res = jssj("check")
    assert res.exit_code == 2
    assert "data/inspectors.csv:16: 所属部门 wsj 不是计划 departments 中的部门" in res.output
    assert tree_digest(joint_ws) == before


def dept_pools(rec: dict) -> dict[str, set[str]]:
    return {d["code"]: set(d["inspector_pool"]) for d in rec["departments"]}


def split(rec: dict, pick: dict) -> dict[str, list[str]]:
    out, at = {}, 0
    for d in rec["departments"]:
        out[d["code"]] = pick["inspectors"][at:at + d["inspectors_per_check"]]
        at += d["inspectors_per_check"]
    return out


def draw_joint(jssj, seed: str = "联合 1", day: str = "2022-05-06", *extra: str) -> dict:
    return json.loads(ok(jssj("draw", "--task", JOINT_TASK, "--seed", seed, "--today", day, "--json", *extra)).stdout)


def test_joint_draw_staffs_each_pick_per_department_and_verifies(jssj, joint_ws):
    rec = draw_joint(jssj)
    assert rec["schema"] == "ssj.draw/2" and "strata" not in rec
    assert list(rec).index("departments") == list(rec).index("picks") - 1
    assert [(d["code"], d["name"], d["inspectors_per_check"]) for d in rec["departments"]] == [
        ("yjj", "长子县应急管理局", 2), ("scjg", "长子县市场监督管理局", 1), ("xf", "长子县消防救援大队", 1)]
    assert rec["departments"][2]["matter"] == "消防安全检查"
    pools = dept_pools(rec)
    assert rec["inspector_pool"] == sorted(set().union(*pools.values()))
    for pick in rec["picks"]:
        assert len(pick["inspectors"]) == 4
        for code, team in split(rec, pick).items():
            assert set(team) <= pools[code]
    res = ok(jssj("verify"))
    assert "复核通过" in res.stdout
    shown = ok(jssj("draw", "--task", JOINT_TASK, "--seed", "联合 2", "--today", "2022-05-07", "--dry-run"))
    assert "长子县市场监督管理局：" in shown.stdout.replace("\n", "").replace("│", "").replace(" ", "")


def test_non_joint_task_draws_its_own_departments_inspectors(jssj, joint_ws):
    rec = json.loads(ok(jssj("draw", "--task", "hazchem", "--seed", "危化 1", "--today", "2022-05-06", "--json")).stdout)
    yjj = {i for i in rec["inspector_pool"]}
    assert yjj == {f"14042822010{n:02d}" for n in range(1, 15)}
    assert all(i in yjj for p in rec["picks"] for i in p["inspectors"])
    assert rec["schema"] == "ssj.draw/1" and "departments" not in rec
    fire = json.loads(ok(jssj("draw", "--task", "fire", "--seed", "消防 1", "--today", "2022-06-06", "--json")).stdout)
    assert fire["inspector_pool"] == ["1404282203001", "1404282203002", "1404282203003"]
    assert all(i.startswith("14042822030") for p in fire["picks"] for i in p["inspectors"])
    assert "复核通过" in ok(jssj("verify")).stdout


def test_department_that_cannot_staff_a_pick_fails_the_draw(jssj, joint_ws):
    path = joint_ws / "data" / "inspectors.csv"
    data = path.read_bytes()
    for iid in (b"1404282203001", b"1404282203002", b"1404282203003"):  # every 消防 inspector on leave
        start = data.index(iid)
        end = data.index(b"\r\n", start)
        data = data[:start] + data[start:end].replace("在岗".encode(), "休假".encode()) + data[end:]
    path.write_bytes(data)
    before = tree_digest(joint_ws)
    for extra in ((), ("--dry-run",)):
        res = jssj("draw", "--task", JOINT_TASK, "--seed", "联合 1", "--today", "2022-05-06", *extra)
        assert res.exit_code == 2, res.output
        assert "联合抽查的长子县消防救援大队（xf）不能为每户派出 1 名执法人员" in res.output
        assert "示例邓军（1404282203001）：不在岗（休假）" in res.output
        assert "department 为 xf" in res.output and "Traceback" not in res.output
    assert tree_digest(joint_ws) == before


def test_joint_stratified_draw(jssj, joint_ws):
    plan = joint_ws / "plans" / "2022.yaml"
    text = plan.read_text(encoding="utf-8")
    old = "    ratio: 10%\n    start: 2022-05-01\n"
    assert old in text
    plan.write_text(text.replace(old, "    ratio: 10%\n    ratio_by_risk: {A: 0%, B: 10%, C: 30%, D: 100%}\n    start: 2022-05-01\n"), encoding="utf-8")
    rec = draw_joint(jssj)
    assert [s["grade"] for s in rec["strata"]] == ["A", "B", "C", "D", ""]
    assert rec["k"] == 0 + 2 + 3 + 4 + 1 == len(rec["picks"])
    pools = dept_pools(rec)
    for pick in rec["picks"]:
        for code, team in split(rec, pick).items():
            assert set(team) <= pools[code] and len(team) == {"yjj": 2, "scjg": 1, "xf": 1}[code]
    assert "复核通过" in ok(jssj("verify")).stdout


def test_replace_inspector_and_entity_of_a_joint_pick_stay_per_department(jssj, joint_ws):
    rec = draw_joint(jssj)
    pick = rec["picks"][0]
    xf_before = split(rec, pick)["xf"][0]
    res = ok(jssj("replace", "--task", JOINT_TASK, "--round", "1", "--entity", pick["entity"], "--inspector", xf_before,
                  "--reason", "回避", "--today", "2022-05-07"))
    assert "已递补" in res.stdout
    rep = json.loads((joint_ws / "draws" / "ledger.jsonl").read_text(encoding="utf-8").splitlines()[-1])
    assert rep["replacement"] in dept_pools(rec)["xf"] and rep["replacement"] != xf_before
    yjj_first = split(rec, pick)["yjj"][0]
    ok(jssj("replace", "--task", JOINT_TASK, "--round", "1", "--entity", pick["entity"], "--inspector", yjj_first,
            "--reason", "回避", "--today", "2022-05-07"))
    rep = json.loads((joint_ws / "draws" / "ledger.jsonl").read_text(encoding="utf-8").splitlines()[-1])
    assert rep["replacement"] in dept_pools(rec)["yjj"]
    other = rec["picks"][1]["entity"]
    ok(jssj("replace", "--task", JOINT_TASK, "--round", "1", "--entity", other, "--reason", "停产", "--today", "2022-05-07"))
    rep = json.loads((joint_ws / "draws" / "ledger.jsonl").read_text(encoding="utf-8").splitlines()[-1])
    new = rep["pick"]
    for code, team in split(rec, new).items():
        assert set(team) <= dept_pools(rec)[code] and len(team) == {"yjj": 2, "scjg": 1, "xf": 1}[code]
    assert "复核通过" in ok(jssj("verify")).stdout


# --------------------------------------------------------------------------- results per department

def record(jssj, entity: str, day: str, result: str, *extra: str):
    return jssj("record", "--task", JOINT_TASK, "--entity", entity, "--date", day, "--result", result, "--today", day, *extra)


def last_line(joint_ws) -> dict:
    return json.loads((joint_ws / "draws" / "ledger.jsonl").read_text(encoding="utf-8").splitlines()[-1])


def test_record_per_department_lead_by_default_results_side_by_side(jssj, joint_ws):
    rec = draw_joint(jssj)
    e = rec["picks"][0]["entity"]
    ok(record(jssj, e, "2022-05-10", "no_problem"))
    assert last_line(joint_ws)["department"] == "yjj"
    ok(record(jssj, e, "2022-05-11", "rectify", "--department", "scjg", "--measures", "责令限期整改"))
    assert last_line(joint_ws)["department"] == "scjg"
    (row,) = [r for r in json.loads(ok(jssj("results", "--task", JOINT_TASK, "--json")).stdout) if r["entity"] == e]
    assert row["checked"] is False and row["result"] == "no_problem"
    assert [(d["code"], d["name"], d["result"]) for d in row["departments"]] == [
        ("yjj", "长子县应急管理局", "no_problem"), ("scjg", "长子县市场监督管理局", "rectify"), ("xf", "长子县消防救援大队", None)]
    res = ok(record(jssj, e, "2022-05-12", "no_problem", "--department", "长子县消防救援大队"))
    assert "已登记 1/4 户" in res.stdout
    # a correction of one department leaves the others' results alone
    ok(record(jssj, e, "2022-05-13", "penalty", "--department", "scjg"))
    (row,) = [r for r in json.loads(ok(jssj("results", "--task", JOINT_TASK, "--json")).stdout) if r["entity"] == e]
    assert row["checked"] is True
    assert [(d["code"], d["result"], len(d["history"])) for d in row["departments"]] == [
        ("yjj", "no_problem", 1), ("scjg", "penalty", 2), ("xf", "no_problem", 1)]
    human = ok(jssj("results", "--task", JOINT_TASK)).stdout
    assert "已登记 1/4 户" in human and "立案查处（已更正）" in human and "未登记" in human
    assert "更正记录：第 1 户 " + e + "（长子县市场监督管理局）原登记 2022-05-11 发现问题，责令整改" in human
    # the same result again is not appended; verify passes
    before = tree_digest(joint_ws)
    assert "未重复写入" in ok(record(jssj, e, "2022-05-12", "no_problem", "--department", "xf")).stdout
    assert tree_digest(joint_ws) == before
    assert "复核通过" in ok(jssj("verify")).stdout


def test_record_bad_department_exit_2_and_change_nothing(jssj, joint_ws):
    rec = draw_joint(jssj)
    ok(jssj("draw", "--task", "hazchem", "--seed", "危化 1", "--today", "2022-05-06"))
    e = rec["picks"][0]["entity"]
    before = tree_digest(joint_ws)
    res = record(jssj, e, "2022-05-10", "no_problem", "--department", "wsj")
    assert res.exit_code == 2
    assert "部门 wsj 不是联合抽查任务 joint-hazchem 第 1 轮的部门" in res.output and "scjg（长子县市场监督管理局）" in res.output
    hazchem = json.loads((joint_ws / "draws" / "ledger.jsonl").read_text(encoding="utf-8").splitlines()[-1])["picks"][0]
    res = jssj("record", "--task", "hazchem", "--entity", hazchem, "--date", "2022-05-10", "--result", "no_problem",
               "--department", "scjg", "--today", "2022-05-10")
    assert res.exit_code == 2 and "任务 hazchem 不是部门联合抽查" in res.output
    batch = joint_ws.parent / "结果.csv"
    batch.write_text(f"entity,date,result,department\n{e},2022-05-10,no_problem,scjg\n{e},2022-05-10,no_problem,消防\n",
                     encoding="utf-8")
    res = jssj("record", "--task", JOINT_TASK, "--from", str(batch), "--today", "2022-05-10")
    assert res.exit_code == 2, res.output
    assert f"{batch.as_posix()}:3: 部门 消防 不是联合抽查任务" in res.output and "Traceback" not in res.output
    assert tree_digest(joint_ws) == before


def test_batch_from_excel_names_departments_in_any_case_or_width(jssj, joint_ws):
    """An Excel (GBK, CRLF, blank rows) batch whose 部门 column says XF, ｓｃｊｇ or a name with a space."""
    rec = draw_joint(jssj)
    a, b, c = (p["entity"] for p in rec["picks"][:3])
    rows = ["统一社会信用代码,检查日期,检查结果,处理措施,部门", f"{a},2022-05-10,未发现问题,,XF", ",,,,",
            f"{b},2022-05-10,未发现问题,,ｓｃｊｇ ", f"{c},2022-05-10,未发现问题,,长子县 消防救援大队", ",,,,"]
    batch = joint_ws.parent / "结果.csv"
    batch.write_bytes(("\r\n".join(rows) + "\r\n").encode("gbk"))
    ok(jssj("record", "--task", JOINT_TASK, "--from", str(batch), "--today", "2022-05-10"))
    lines = [json.loads(x) for x in (joint_ws / "draws" / "ledger.jsonl").read_text(encoding="utf-8").splitlines()[-3:]]
    assert [(x["entity"], x["department"]) for x in lines] == [(a, "xf"), (b, "scjg"), (c, "xf")]


def record_all(jssj, rec: dict, last_xf: str = "2022-05-20", skip_xf: str | None = None) -> None:
    for n, p in enumerate(rec["picks"]):
        ok(record(jssj, p["entity"], f"2022-05-1{n}", "no_problem"))
        ok(record(jssj, p["entity"], f"2022-05-1{n}", "rectify", "--department", "scjg", "--measures", "责令限期整改"))
        if p["entity"] != skip_xf:
            ok(record(jssj, p["entity"], last_xf if n == 0 else f"2022-05-1{n}", "no_problem", "--department", "xf"))


def test_publish_refused_while_one_department_has_not_recorded(jssj, joint_ws):
    rec = draw_joint(jssj)
    gap = rec["picks"][-1]
    record_all(jssj, rec, skip_xf=gap["entity"])
    before = tree_digest(joint_ws)
    res = jssj("publish", "--task", JOINT_TASK, "--today", "2022-05-25")
    assert res.exit_code == 2, res.output
    assert f"还有 1 户没有登记检查结果：{gap['name']}（{gap['entity']}）（未登记的部门：长子县消防救援大队（xf））" in res.output
    assert "--department" in res.output and "Traceback" not in res.output
    assert tree_digest(joint_ws) == before
    due = json.loads(ok(jssj("publish-due", "--today", "2022-05-25", "--json")).stdout)
    assert [(i["task"], i["state"], i["check_end"]) for i in due] == [(JOINT_TASK, "checking", None)]


def test_joint_notice_lists_every_department_and_runs_from_the_last_check(jssj, joint_ws):
    from shuangsuiji.render.notice import parse_csv

    rec = draw_joint(jssj)
    record_all(jssj, rec, last_xf="2022-05-20")
    due = json.loads(ok(jssj("publish-due", "--today", "2022-05-20", "--json")).stdout)
    assert [i["check_end"] for i in due] == ["2022-05-20"]  # the last department's check, not the lead's
    ev = json.loads(ok(jssj("publish", "--task", JOINT_TASK, "--today", "2022-05-23", "--json")).stdout)
    assert ev["check_end"] == "2022-05-20" and ev["due"] == "2022-05-31" and ev["on_time"] is True
    public = joint_ws / "draws" / "2022" / "public"
    title, header, rows = parse_csv((public / "joint-hazchem-r1-2022-05-23.csv").read_bytes())
    assert title == "2022年危险化学品经营企业部门联合双随机抽查（第 1 轮）联合抽查结果公示"
    assert "牵头部门：长子县应急管理局；配合部门：长子县市场监督管理局、长子县消防救援大队" in header
    assert len(rows) == 3 * len(rec["picks"])
    first = rows[:3]
    assert [(r["序号"], r["统一社会信用代码"], r["检查部门"], r["抽查事项"], r["检查结果"]) for r in first] == [
        ("1", rec["picks"][0]["entity"], "长子县应急管理局", "危险化学品经营企业安全生产监督检查", "未发现问题"),
        ("1", rec["picks"][0]["entity"], "长子县市场监督管理局", "危险化学品经营许可及产品质量监督检查", "发现问题，责令整改"),
        ("1", rec["picks"][0]["entity"], "长子县消防救援大队", "消防安全检查", "未发现问题")]
    names = rec["picks"][0]["inspector_names"]
    assert first[0]["执法人员"].startswith(names[0]) and names[2] in first[1]["执法人员"] and names[3] in first[2]["执法人员"]
    assert first[2]["检查日期"] == "2022-05-20"
    html = (public / "joint-hazchem-r1-2022-05-23.html").read_text(encoding="utf-8")
    assert 'rowspan="3"' in html and html.count("<tr") == 1 + 3 * len(rec["picks"])
    assert "长子县应急管理局<br>长子县市场监督管理局<br>长子县消防救援大队<br>2022年5月23日" in html
    md = (public / "joint-hazchem-r1-2022-05-23.md").read_text(encoding="utf-8")
    assert md.endswith("长子县应急管理局\n长子县市场监督管理局\n长子县消防救援大队\n2022-05-23\n")
    assert "复核通过" in ok(jssj("verify")).stdout


def rewrite_record(joint_ws, change) -> None:
    """Apply ``change`` to the joint record's JSON, then give the ledger the new SHA-256 and re-link the chain (a forger's work)."""
    import hashlib

    from shuangsuiji.draw.record import record_bytes
    from shuangsuiji.ledger.chain import GENESIS, encode_event, line_digest

    path = joint_ws / "draws" / "2022" / f"{JOINT_TASK}-r1.json"
    obj = json.loads(path.read_text(encoding="utf-8"))
    change(obj)
    data = record_bytes(obj)
    path.write_bytes(data)
    ledger = joint_ws / "draws" / "ledger.jsonl"
    prev, out = GENESIS, []
    for raw_line in ledger.read_text(encoding="utf-8").splitlines():
        line = json.loads(raw_line)
        head = {k: line.pop(k) for k in ("seq", "type", "at", "prev")}
        if head["type"] == "draw":
            line["record_sha256"] = hashlib.sha256(data).hexdigest()
        raw = encode_event(head["seq"], head["type"], head["at"], prev, line)
        out.append(raw + b"\n")
        prev = line_digest(raw)
    ledger.write_bytes(b"".join(out))


def test_verify_catches_a_team_from_the_wrong_department(jssj, joint_ws):
    rec = draw_joint(jssj)
    pick = rec["picks"][0]
    scjg_other = next(i for i in rec["departments"][1]["inspector_pool"] if i not in pick["inspectors"] and i != "1404282202004")

    def swap(obj):  # the fire brigade's place taken by a 市场监管 inspector
        obj["picks"][0]["inspectors"][3] = scjg_other

    rewrite_record(joint_ws, swap)
    res = jssj("verify")
    assert res.exit_code == 1, res.output
    assert f"{pick['entity']} 的执法人员与按规则重新分派的结果不符（各部门分别从本部门人员中抽取）" in res.output


def test_verify_catches_departments_moved_in_the_record(jssj, joint_ws):
    draw_joint(jssj)

    def move(obj):  # a fire inspector listed under 市场监管 as well
        obj["departments"][1]["inspector_pool"].append(obj["departments"][2]["inspector_pool"][0])

    rewrite_record(joint_ws, move)
    res = jssj("verify")
    assert res.exit_code == 1, res.output
    assert "联合抽查部门 xf 的执法人员与其他部门重复" in res.output
    assert "联合抽查的部门、事项、每户人数或各部门执法人员与摇号时的计划和名录库不符" in res.output


def test_sheet_of_a_joint_draw_shows_each_departments_team(jssj, joint_ws):
    rec = draw_joint(jssj)
    ok(jssj("sheet", "--task", JOINT_TASK, "--round", "1"))
    html = (joint_ws / "draws" / "2022" / f"{JOINT_TASK}-r1-sheet.html").read_text(encoding="utf-8")
    assert "4 名（部门联合抽查：长子县应急管理局 2 名、长子县市场监督管理局 1 名、长子县消防救援大队 1 名，各部门从本部门人员中抽取）" in html
    first = rec["picks"][0]
    names, ids = first["inspector_names"], first["inspectors"]
    assert (f'长子县市场监督管理局：<span class="nw">{names[2]}（{ids[2]}）</span><br>'
            f'长子县消防救援大队：<span class="nw">{names[3]}（{ids[3]}）</span>') in html


def test_plan_shows_each_departments_matter_and_quota(jssj):
    rows = json.loads(ok(jssj("plan", "--json")).stdout)["tasks"]
    joint = next(r for r in rows if r["id"] == JOINT_TASK)
    assert joint["joint"] == [
        {"code": "yjj", "name": "长子县应急管理局", "matter": "危险化学品经营企业安全生产监督检查", "inspectors": 2},
        {"code": "scjg", "name": "长子县市场监督管理局", "matter": "危险化学品经营许可及产品质量监督检查", "inspectors": 1},
        {"code": "xf", "name": "长子县消防救援大队", "matter": "消防安全检查", "inspectors": 1}]
    assert joint["inspectors_per_check"] == 4
    assert all("joint" not in r for r in rows if r["id"] != JOINT_TASK)
    cells = [line.split("│") for line in ok(jssj("plan")).stdout.splitlines() if line.count("│") == 9]
    department = "".join(c[8].strip() for c in cells)  # the 抽查发起部门 column, its wrapped lines joined
    assert "长子县应急管理局（牵头），会同长子县市场监督管理局、长子县消防救援大队联合抽查" in department
    assert "长子县消防救援大队：消防安全检查" in "".join(c[4].strip() for c in cells)


def test_partial_joint_notice_lists_only_firms_every_department_checked(jssj, joint_ws):
    from shuangsuiji.render.notice import parse_csv

    rec = draw_joint(jssj)
    gap = rec["picks"][-1]
    record_all(jssj, rec, skip_xf=gap["entity"])
    ev = json.loads(ok(jssj("publish", "--task", JOINT_TASK, "--partial", "--today", "2022-05-25", "--format", "csv", "--json")).stdout)
    assert ev["partial"] is True and gap["entity"] not in ev["entities"] and len(ev["entities"]) == len(rec["picks"]) - 1
    _, header, rows = parse_csv((joint_ws / "draws" / ev["files"][0]["path"]).read_bytes())
    assert f"本次公示已完成检查的 {len(rec['picks']) - 1} 户（共抽取 {len(rec['picks'])} 户）" in header
    assert len(rows) == 3 * (len(rec["picks"]) - 1) and gap["entity"] not in {r["统一社会信用代码"] for r in rows}


def test_joint_notice_marks_and_counts_the_targeted_additions(jssj, joint_ws):
    """always_include_blacklisted in a joint task: the blacklisted firms not drawn are checked by every department,
    typed 定向 in each of their rows and counted once in the header."""
    import csv

    from shuangsuiji.render.notice import parse_csv
    from shuangsuiji.results.notice import TARGETED_TYPE

    plan = joint_ws / "plans" / "2022.yaml"
    text = plan.read_text(encoding="utf-8")
    anchor = "    scope: [hazchem_trading]\n    ratio: 10%\n"
    assert anchor in text
    plan.write_text(text.replace(anchor, anchor + "    always_include_blacklisted: true\n", 1), encoding="utf-8")
    with open(joint_ws / "data" / "entities.csv", encoding="utf-8-sig", newline="") as f:
        trading = sorted(r["id"] for r in csv.DictReader(f) if r["category"] == "hazchem_trading" and r["status"] == "在营")
    for entity in trading[:3]:
        ok(jssj("blacklist", "add", entity, "--reason", "严重违法失信", "--date", "2022-05-01", "--today", "2022-05-01"))
    rec = draw_joint(jssj)
    added = set(rec["targeted"])
    assert added and added <= set(trading[:3])
    record_all(jssj, rec)
    ok(jssj("publish", "--task", JOINT_TASK, "--today", "2022-05-23"))
    public = joint_ws / "draws" / "2022" / "public"
    _, header, rows = parse_csv((public / "joint-hazchem-r1-2022-05-23.csv").read_bytes())
    assert f"其中 {len(added)} 户为失信黑名单企业定向检查" in header
    assert {r["统一社会信用代码"] for r in rows if r["抽查类型"] == TARGETED_TYPE} == added
    assert sum(1 for r in rows if r["抽查类型"] == TARGETED_TYPE) == 3 * len(added)  # every department's row


def test_credit_of_a_joint_pick_keeps_every_departments_result(jssj, joint_ws):
    """Another department's later result corrects nothing: a finding of any department stays a finding."""
    rec = draw_joint(jssj)
    e = rec["picks"][0]["entity"]
    ok(record(jssj, e, "2022-05-10", "no_problem"))
    ok(record(jssj, e, "2022-05-11", "rectify", "--department", "scjg", "--measures", "责令限期整改"))
    ok(record(jssj, e, "2022-05-12", "penalty", "--department", "scjg", "--measures", "立案查处"))  # a correction of scjg
    ok(record(jssj, e, "2022-05-13", "no_problem", "--department", "xf"))
    listed = json.loads(ok(jssj("credit", "--list", "--json", "--today", "2022-05-20")).stdout)["entities"]
    (row,) = [r for r in listed if r["entity"] == e]
    assert (row["inspected"], row["found"], row["last_result"], row["last_date"]) == (1, 1, "penalty", "2022-05-12")
    (check,) = json.loads(ok(jssj("credit", e, "--json", "--today", "2022-05-20")).stdout)["checks"]
    assert check["result"]["result"] == "penalty"
    assert [c["result"] for c in check["corrections"]] == ["rectify"]  # scjg's own earlier result, not yjj's or xf's
    assert "发现问题 1 户次" in ok(jssj("credit", e, "--today", "2022-05-20")).stdout
