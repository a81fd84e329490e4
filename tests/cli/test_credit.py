"""ssj credit (诚信档案) through the CLI: one entity across years, the list of findings in every format, --today, every refusal.

Expected values are taken from the ledger's own lines and the commands' JSON (json.loads), not from ssj's fold.
"""

from __future__ import annotations

import json

import pytest

from tests.helpers import draw, ledger_events, ok, picks, plan_for_year, tree_digest

ID_ONLY = "91140428MA001007XX"  # a coal mine (B), in every coal round: coal is 100%
NAME = "长子县示例丹朱第1煤业有限公司"


@pytest.fixture
def book(ssj, ws):
    """Two years: coal drawn, corrected, published; a voided round; a replacement (递补) in and out; the blacklist."""
    coal = draw(ssj, "coal", "2022-03-10")
    others = [e for e in picks(coal) if e != ID_ONLY]
    ok(ssj("replace", "--task", "coal", "--round", "1", "--entity", ID_ONLY, "--inspector",
           next(p for p in coal["picks"] if p["entity"] == ID_ONLY)["inspectors"][0], "--reason", "回避", "--today", "2022-03-11"))
    for entity in picks(coal):
        ok(ssj("record", "--task", "coal", "--round", "1", "--entity", entity, "--date", "2022-03-20", "--result", "no_problem",
               "--today", "2022-03-20"))
    ok(ssj("record", "--task", "coal", "--round", "1", "--entity", ID_ONLY, "--date", "2022-03-21", "--result", "rectify",
           "--measures", "责令限期整改", "--today", "2022-03-21"))  # a correction
    ok(ssj("record", "--task", "coal", "--round", "1", "--entity", others[0], "--date", "2022-03-22", "--result", "penalty",
           "--today", "2022-03-22"))
    ok(ssj("publish", "--task", "coal", "--round", "1", "--date", "2022-03-25", "--today", "2022-03-25", "--format", "csv"))
    draw(ssj, "coal", "2022-06-01")
    ok(ssj("void", "--task", "coal", "--round", "2", "--reason", "见证人未到场", "--today", "2022-06-01"))
    haz = draw(ssj, "hazchem", "2022-04-06")
    out = picks(haz)[0]
    ok(ssj("replace", "--task", "hazchem", "--round", "1", "--entity", out, "--reason", "停产", "--today", "2022-04-07"))
    came = ledger_events(ws)[-1]["replacement"]
    ok(ssj("record", "--task", "hazchem", "--round", "1", "--entity", came, "--date", "2022-04-20", "--result", "transfer",
           "--today", "2022-04-20"))
    ok(ssj("blacklist", "add", ID_ONLY, "--reason", "严重违法失信", "--basis", "决定书 1 号", "--date", "2022-05-01", "--today", "2022-05-01"))
    ok(ssj("blacklist", "remove", ID_ONLY, "--reason", "信用修复", "--date", "2023-05-01", "--today", "2023-05-01"))
    plan_for_year(ws, 2023)
    coal23 = draw(ssj, "coal", "2023-03-10")
    ok(ssj("record", "--task", "coal", "--round", "1", "--year", "2023", "--entity", ID_ONLY, "--date", "2023-03-15",
           "--result", "judicial", "--measures", "移送县公安局", "--today", "2023-03-15"))
    return {"coal": coal, "haz": haz, "out": out, "came": came, "others": others, "coal23": coal23}


def test_one_entity_across_every_year(ssj, ws, book):
    a = json.loads(ok(ssj("credit", ID_ONLY.lower(), "--json", "--today", "2023-12-31")).stdout)
    lines = ledger_events(ws)
    mine = [e for e in lines if e["type"] == "result" and e["entity"] == ID_ONLY]
    assert (a["entity"], a["name"], a["risk"], a["category"], a["category_label"], a["in_registry"]) == (
        ID_ONLY, NAME, "B", "coal_mine", "煤矿", True)
    assert [(c["year"], c["task"], c["round"], c["voided"]) for c in a["checks"]] == [
        (2022, "coal", 1, False), (2022, "coal", 2, True), (2023, "coal", 1, False)]
    first, voided, later = a["checks"]
    assert first["result"]["result"] == "rectify" and first["result"]["seq"] == mine[1]["seq"]
    assert [c["seq"] for c in first["corrections"]] == [mine[0]["seq"]]
    assert first["publications"] == [{"date": "2022-03-25", "partial": False}]
    swap = next(e for e in lines if e["type"] == "replace" and e["target"] == "inspector")
    drawn_team = next(p for p in book["coal"]["picks"] if p["entity"] == ID_ONLY)["inspectors"]
    assert [t["id"] for t in first["team"]] == [swap["replacement"] if i == swap["inspector"] else i for i in drawn_team]
    assert first["team_changes"][0]["out"] == swap["inspector"] and first["team_changes"][0]["reason_text"] == "回避"
    assert voided["void_reason"] == "见证人未到场" and voided["result"] is None
    assert later["result"]["label"] == "移送司法机关" and later["task_name"] == book["coal23"]["task_name"]
    assert a["tally"] == {"drawn": 2, "inspected": 2, "results": {"no_problem": 0, "rectify": 1, "penalty": 0, "transfer": 0,
                                                                  "judicial": 1, "not_operating": 0},
                          "found": 2, "last_finding": "2023-03-15"}
    assert [(b["type"], b["date"], b["basis"]) for b in a["blacklist"]] == [("add", "2022-05-01", "决定书 1 号"), ("remove", "2023-05-01", "")]
    assert a["blacklisted"] is False and a["left_out"] == 0


def test_today_sees_the_ledger_as_it_stood(ssj, ws, book):
    a = json.loads(ok(ssj("credit", ID_ONLY, "--json", "--today", "2022-06-30")).stdout)
    later = [e for e in ledger_events(ws) if (e.get("date") or e["at"][:10]) > "2022-06-30"]
    assert a["left_out"] == len(later) > 0
    assert [(c["year"], c["round"]) for c in a["checks"]] == [(2022, 1), (2022, 2)]
    assert a["blacklisted"] is True and [b["type"] for b in a["blacklist"]] == ["add"]
    text = ok(ssj("credit", ID_ONLY, "--today", "2022-06-30")).stdout
    assert "失信黑名单：在黑名单上（自 2022-05-01 起，原因：严重违法失信，依据：决定书 1 号）" in text
    assert f"注意：账本中有 {len(later)} 条事件日期晚于 2022-06-30，按截至 2022-06-30 的账本计算，未计入" in text
    before = json.loads(ok(ssj("credit", ID_ONLY, "--json", "--today", "2022-03-01")).stdout)
    assert before["checks"] == [] and before["blacklist"] == []


def test_replaced_in_and_out(ssj, book):
    out = json.loads(ok(ssj("credit", book["out"], "--json", "--today", "2022-12-31")).stdout)
    (c,) = out["checks"]
    assert c["replaced_out"]["in"] == book["came"] and c["replaced_out"]["reason_text"] == "停产" and c["result"] is None
    assert out["tally"]["drawn"] == 0
    came = json.loads(ok(ssj("credit", book["came"], "--json", "--today", "2022-12-31")).stdout)
    (c,) = came["checks"]
    assert c["how"] == "replaced_in" and c["replaced_in"]["out"] == book["out"] and c["result"]["result"] == "transfer"
    text = ok(ssj("credit", book["out"], "--today", "2022-12-31")).stdout
    assert "被抽查 0 户次（不含已作废和被递补替换的），已登记检查结果 0 户次，发现问题 0 户次；另有被递补替换的 1 轮。" in text


def test_an_entity_never_drawn_exact_output(ssj, ws):
    res = ok(ssj("credit", "91140428MA0010141R", "--today", "2022-06-30"))
    assert res.stdout == (
        "诚信档案：长子县示例鲍店第2煤业有限公司（91140428MA0010141R），截至 2022-06-30\n"
        "类别：煤矿；乡镇：鲍店镇；状态：在营；信用风险等级：未定级\n"
        "失信黑名单：从未列入\n"
        "被抽查 0 户次（不含已作废和被递补替换的），已登记检查结果 0 户次，发现问题 0 户次。\n"
        "抽查记录：从未被抽中\n"
        "更正记录（被后来的登记取代的检查结果）：无\n"
        "失信黑名单记录：无\n"
    )


def test_an_entity_that_left_the_registry_is_still_on_file(ssj, ws, book):
    path = ws / "data" / "entities.csv"
    path.write_text("".join(line for line in path.read_text(encoding="utf-8-sig").splitlines(keepends=True)
                            if book["others"][0] not in line), encoding="utf-8")
    a = json.loads(ok(ssj("credit", book["others"][0], "--json", "--today", "2022-12-31")).stdout)
    name = next(p["name"] for p in book["coal"]["picks"] if p["entity"] == book["others"][0])
    assert a["in_registry"] is False and a["name"] == name and a["risk"] == ""
    assert "已不在检查对象名录库中" in ok(ssj("credit", book["others"][0], "--today", "2022-12-31")).stdout
    listed = json.loads(ok(ssj("credit", "--list", "--json", "--today", "2022-12-31")).stdout)
    assert next(r for r in listed["entities"] if r["entity"] == book["others"][0])["name"] == name


def _findings(lines: list[dict], year: int | None) -> dict[str, dict]:
    """Entity -> its results in force with a finding, recounted from the ledger lines."""
    voided = {(e["year"], e["task"], e["round"]) for e in lines if e["type"] == "void"}
    current: dict[tuple, dict] = {}
    for e in lines:
        if e["type"] == "result" and (e["year"], e["task"], e["round"]) not in voided and (year is None or e["year"] == year):
            current[(e["year"], e["task"], e["round"], e["entity"])] = e
    out: dict[str, dict] = {}
    for (_, _, _, entity), e in current.items():
        row = out.setdefault(entity, {"inspected": 0, "found": [], "dates": []})
        row["inspected"] += 1
        if e["result"] in ("rectify", "penalty", "transfer", "judicial"):
            row["found"].append(e["result"])
            row["dates"].append(e["date"])
    return {k: v for k, v in out.items() if v["found"]}


@pytest.mark.parametrize("year", [None, 2022, 2023])
def test_list_matches_the_ledger_lines(ssj, ws, book, year):
    extra = ["--year", str(year)] if year else []
    got = json.loads(ok(ssj("credit", "--list", "--json", "--today", "2023-12-31", *extra)).stdout)
    want = _findings(ledger_events(ws), year)
    assert got["year"] == year and got["today"] == "2023-12-31"
    assert {r["entity"] for r in got["entities"]} == set(want)
    for r in got["entities"]:
        w = want[r["entity"]]
        assert (r["inspected"], r["found"], r["last_date"]) == (w["inspected"], len(w["found"]), max(w["dates"]))
        assert r["results"] == {c: w["found"].count(c) for c in ("rectify", "penalty", "transfer", "judicial")}
    dates = [r["last_date"] for r in got["entities"]]
    assert dates == sorted(dates, reverse=True)


def test_list_files_csv_and_xlsx(ssj, ws, book, tmp_path):
    from openpyxl import load_workbook

    out = tmp_path / "诚信.csv"
    res = ok(ssj("credit", "--list", "--year", "2022", "--csv", str(out), "--today", "2022-12-31"))
    assert res.stdout == (f"已写入 {out}（3 家企业）。\n"
                          "注意：账本中有 3 条事件日期晚于 2022-12-31，按截至 2022-12-31 的账本计算，未计入\n")
    rows = out.read_bytes().decode("utf-8-sig").splitlines()
    assert rows[0] == ("统一社会信用代码,企业名称,类别,乡镇,信用风险等级,失信黑名单,检查户次,发现问题户次,责令整改（户次）,立案查处（户次）,"
                       "移交（户次）,移送司法机关（户次）,最近发现问题日期,最近检查结果,处理措施,抽查任务,轮次")
    # on the blacklist at the end of 2022 (taken off in May 2023)
    assert f"{ID_ONLY},{NAME},煤矿,丹朱镇,B（一般风险）,是,1,1,1,0,0,0,2022-03-21,发现问题，责令整改,责令限期整改,coal,1" in rows
    again = ssj("credit", "--list", "--csv", str(out), "--today", "2022-12-31")
    assert again.exit_code == 2 and "已存在，不会覆盖" in again.stderr
    ok(ssj("credit", "--list", "--csv", str(out), "--force", "--today", "2022-12-31"))
    book_path = tmp_path / "诚信.xlsx"
    ok(ssj("credit", "--list", "--xlsx", str(book_path), "--today", "2023-12-31"))
    sheet = load_workbook(book_path).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    header = next(i for i, r in enumerate(values) if r[0] == "统一社会信用代码")
    body = [r for r in values[header + 1:] if r[0]]
    assert len(body) == len(_findings(ledger_events(ws), None))
    assert all(c.data_type == "s" for row in sheet.iter_rows() for c in row if isinstance(c.value, str))


def test_list_on_the_terminal(ssj, book):
    text = ok(ssj("credit", "--list", "--year", "2023", "--today", "2023-12-31")).stdout
    assert "检查发现问题的企业（2023 年度，截至 2023-12-31）" in text and ID_ONLY in text and "2023-03-15" in text
    empty = ok(ssj("credit", "--list", "--today", "2022-03-01")).stdout
    assert empty.startswith("检查发现问题的企业（全部年度，截至 2022-03-01）：没有检查发现问题的企业\n")
    assert "注意：账本中有" in empty


def test_a_formula_in_the_measures_stays_text(ssj, ws, tmp_path):
    coal = draw(ssj, "coal", "2022-03-10")
    ok(ssj("record", "--task", "coal", "--entity", picks(coal)[0], "--date", "2022-03-20", "--result", "rectify",
           "--measures", "=HYPERLINK(\"x\")", "--today", "2022-03-20"))
    out = tmp_path / "l.csv"
    ok(ssj("credit", "--list", "--csv", str(out), "--today", "2022-03-20"))
    assert "'=HYPERLINK" in out.read_text(encoding="utf-8-sig")


@pytest.mark.parametrize("args, message", [
    (["91140428MA001007XY"], "data/entities.csv 中没有统一社会信用代码为 91140428MA001007XY 的企业\n  提示：最接近的有：91140428MA001007XX（长子县示例丹朱第1煤业有限公司）"),
    (["长子县示例鲍店"], "最接近的有：91140428MA0010141R（长子县示例鲍店第2煤业有限公司）"),
    (["91140428MA001007XY", "--json"], "最接近的有：91140428MA001007XX"),
    ([], "请写出企业的统一社会信用代码，或加 --list"),
    ([ID_ONLY, "--list"], "不能同时写企业代码和 --list"),
    ([ID_ONLY, "--year", "2022"], "--year 只能与 --list 一起使用"),
    ([ID_ONLY, "--csv", "x.csv"], "--csv 只能与 --list 一起使用"),
    (["--list", "--json", "--csv", "x.csv"], "--json、--csv、--xlsx 只能选一个"),
    (["--list", "--csv", "x.csv", "--xlsx", "x.xlsx"], "--json、--csv、--xlsx 只能选一个"),
    (["--list", "--xlsx", "诚信档案.csv"], "--xlsx 的文件应以 .xlsx 结尾：诚信档案.csv\n  提示：例如 --xlsx 诚信档案.xlsx；要 CSV 文件请用 --csv"),
    (["--list", "--xlsx", "诚信档案"], "--xlsx 的文件应以 .xlsx 结尾：诚信档案\n"),
    (["--list", "--csv", "诚信档案.XLSX"], "--csv 写的是 CSV 文本，文件名不能以 .XLSX 结尾（Excel、WPS 会拒绝打开）：诚信档案.XLSX\n"
                                           "  提示：例如 --csv 诚信档案.csv；要 Excel 文件请用 --xlsx 诚信档案.xlsx"),
    (["--list", "--year", "2031"], "没有 2031 年的计划文件 plans/2031.yaml（已有：2022）"),
    (["--list", "--csv", "data/list.csv"], "不能写入 data/list.csv"),
    (["--list", "--xlsx", "draws/list.xlsx"], "不能写入 draws/list.xlsx"),
    (["--list", "--today", "2022-02-30"], "--today 的日期 2022-02-30 无法识别：2022 年 2 月只有 28 天"),
    ([ID_ONLY, "--today", "2022-13-01"], "--today 的日期 2022-13-01 无法识别"),
])
def test_refusals_leave_the_workspace_byte_identical(ssj, ws, args, message, monkeypatch):
    monkeypatch.chdir(ws)
    draw(ssj, "coal", "2022-03-10")
    before = tree_digest(ws)
    res = ssj("credit", *args)
    assert res.exit_code == 2, res.output
    shown = res.stdout if "--json" in args else res.stderr
    assert message in shown and "Traceback" not in res.output
    assert tree_digest(ws) == before


def test_a_refused_path_is_told_the_option_it_came_by(ssj, ws, monkeypatch):
    """The hints name --csv or --xlsx, the options ssj credit has (it has no --out)."""
    monkeypatch.chdir(ws)
    (ws / "lists").mkdir()
    before = tree_digest(ws)
    res = ssj("credit", "--list", "--xlsx", "data/list.xlsx")
    assert res.exit_code == 2 and res.stderr == (
        "不能写入 data/list.xlsx：data/ 是 ssj 存放计划、名录库、日历、账本、摇号记录和公示文件的文件夹，写在这里可能覆盖其中的文件\n"
        "  提示：请写到这些文件夹以外，例如工作区根目录或桌面：--xlsx 文件名\n")
    res = ssj("credit", "--list", "--csv", "lists")
    assert res.exit_code == 2 and res.stderr == "lists 是一个文件夹，不能作为输出文件\n  提示：请写出文件名，例如 --csv 诚信档案.csv\n"
    assert tree_digest(ws) == before


def test_the_path_check_names_the_option_directly(ws):
    from shuangsuiji.actions.credit import check_finding_list_path
    from shuangsuiji.errors import OutputRefused
    from shuangsuiji.workspace import find_workspace

    w = find_workspace(ws)
    with pytest.raises(OutputRefused) as err:
        check_finding_list_path(w, ws / "draws" / "x.csv", False, "--csv")
    assert err.value.hint.endswith("：--csv 文件名")
    with pytest.raises(OutputRefused) as err:
        check_finding_list_path(w, ws / "data", True, "--xlsx")
    assert err.value.hint == "请写出文件名，例如 --xlsx 诚信档案.xlsx"
    check_finding_list_path(w, ws / "诚信档案.xlsx", False, "--xlsx")  # outside ssj's folders: allowed


def test_a_broken_registry_is_reported_as_check_would(ssj, ws):
    path = ws / "data" / "entities.csv"
    path.write_text(path.read_text(encoding="utf-8-sig").replace("在营", "营业中", 1), encoding="utf-8")
    before = tree_digest(ws)
    res = ssj("credit", ID_ONLY)
    assert res.exit_code == 2 and "data/entities.csv:2:" in res.stderr
    assert tree_digest(ws) == before


def test_help(ssj):
    page = ok(ssj("credit", "--help")).stdout
    for option in ("--list", "--year", "--json", "--csv", "--xlsx", "--force", "--today"):
        assert option in page


def test_the_list_reads_a_round_once_for_every_entity_that_left_the_registry(ssj, ws, monkeypatch):
    """Names of entities no longer in the registry come from their round's record, read once per round
    (not once per entity: n entities of one round cost n record reads)."""
    from datetime import date

    import shuangsuiji.actions.credit as action
    from shuangsuiji.workspace import find_workspace

    coal = draw(ssj, "coal", "2022-03-10")
    for entity in picks(coal):
        ok(ssj("record", "--task", "coal", "--entity", entity, "--date", "2022-03-15", "--result", "rectify", "--today", "2022-03-15"))
    path = ws / "data" / "entities.csv"
    gone = set(picks(coal))
    path.write_text("".join(line for line in path.read_text(encoding="utf-8-sig").splitlines(keepends=True)
                            if line.split(",")[0] not in gone), encoding="utf-8-sig")
    calls = []
    real = action.pick_names
    monkeypatch.setattr(action, "pick_names", lambda w, r: calls.append(r.key) or real(w, r))
    found = action.finding_list(find_workspace(ws), None, date(2022, 3, 31))
    assert calls == [(2022, "coal", 1)]
    assert {(r.entity, r.name) for r in found.rows} == {(p["entity"], p["name"]) for p in coal["picks"]}
    assert all(r.name for r in found.rows)


@pytest.mark.parametrize("cap, state", [(1, "已达上限"), (3, "还可被抽查 2 次")])
def test_the_yearly_cap_as_the_ledger_counts_it(ssj, ws, cap, state):
    plan = ws / "plans" / "2022.yaml"
    plan.write_text(plan.read_text(encoding="utf-8").replace("\ntasks:\n", f"\nmax_checks_per_year: {cap}\ntasks:\n", 1), encoding="utf-8")
    draw(ssj, "coal", "2022-03-10")
    ok(ssj("void", "--task", "coal", "--round", "1", "--reason", "见证人未到场", "--today", "2022-03-10"))
    draw(ssj, "coal", "2022-03-11")  # coal is 100%: every mine again, the voided round not counted
    live = [e for e in ledger_events(ws) if e["type"] == "draw" and e["round"] == 2 and ID_ONLY in e["picks"]]
    res = ok(ssj("credit", ID_ONLY, "--json", "--today", "2022-03-12"))
    assert json.loads(res.stdout)["caps"] == [{"year": 2022, "checks": len(live), "cap": cap, "reached": len(live) >= cap}]
    text = ok(ssj("credit", ID_ONLY, "--today", "2022-03-12")).stdout
    assert f"2022 年度抽查上限：已被抽查 1 次，上限 {cap} 次" in text and state in text
    assert "年度抽查上限" not in ok(ssj("credit", ID_ONLY, "--today", "2022-03-09")).stdout  # not drawn yet as of that day
