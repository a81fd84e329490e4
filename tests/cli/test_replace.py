"""ssj replace (递补): the next line of the same ranked list, re-derived by code that shares nothing with ssj."""

from __future__ import annotations

import hashlib
import json

from tests.helpers import draw, ledger_bytes, ledger_events, ok, picks


def sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def test_replace_entity_and_inspector_rederived_and_refused_after_result(ssj, ws):
    rec = draw(ssj, "hazchem", "2022-04-06", "s1")
    seed, k = rec["seed"], rec["k"]
    ranked = sorted(rec["pool"], key=lambda i: (sha(f"{seed}:{i}"), i))
    assert ranked[:k] == picks(rec)
    out = picks(rec)[0]
    res = ok(ssj("replace", "--task", "hazchem", "--round", "1", "--entity", out, "--reason", "停产", "--today", "2022-04-07"))
    assert "排序名单第 10 位" in res.stdout
    ev = ledger_events(ws)[-1]
    assert ev["type"] == "replace" and ev["replacement"] == ranked[k] and ev["position"] == k + 1 and ev["skipped"] == []
    # its team: eligible by the pick's exclusions, ordered by (load, sha, id); load = prior + the other picks' teams
    load: dict[str, int] = {}
    for p in rec["picks"][1:]:
        for i in p["inspectors"]:
            load[i] = load.get(i, 0) + 1
    gone = {x["id"] for x in ev["pick"]["excluded_inspectors"]}
    eligible = [i for i in rec["inspector_pool"] if i not in gone]
    team = sorted(eligible, key=lambda i: (load.get(i, 0), sha(f"{seed}:{ranked[k]}:{i}"), i))[:rec["inspectors_per_check"]]
    assert ev["pick"]["inspectors"] == team

    # an inspector of the second pick: the next one of the order that team was taken from
    second = rec["picks"][1]
    formed = {}
    for i in rec["picks"][0]["inspectors"]:
        formed[i] = formed.get(i, 0) + 1
    gone = {x["id"] for x in second["excluded_inspectors"]}
    order = sorted((i for i in rec["inspector_pool"] if i not in gone),
                   key=lambda i: (formed.get(i, 0), sha(f"{seed}:{second['entity']}:{i}"), i))
    n = rec["inspectors_per_check"]
    assert order[:n] == second["inspectors"]
    ok(ssj("replace", "--task", "hazchem", "--round", "1", "--entity", second["entity"], "--inspector", second["inspectors"][0],
           "--reason", "回避", "--today", "2022-04-07"))
    assert ledger_events(ws)[-1]["replacement"] == order[n]
    ok(ssj("verify"))

    # the replaced entity can get no result; the replacement can; after a result, no more replacement
    before = ledger_bytes(ws)
    res = ssj("record", "--task", "hazchem", "--round", "1", "--entity", out, "--date", "2022-04-10", "--result", "no_problem", "--today", "2022-04-10")
    assert res.exit_code == 2 and ledger_bytes(ws) == before
    ok(ssj("record", "--task", "hazchem", "--round", "1", "--entity", ranked[k], "--date", "2022-04-10", "--result", "no_problem", "--today", "2022-04-10"))
    before = ledger_bytes(ws)
    for args in (["--entity", ranked[k], "--reason", "注销"], ["--entity", out, "--reason", "注销"],
                 ["--entity", picks(rec)[2], "--reason", "其他"], ["--entity", picks(rec)[2], "--reason", "没想好"]):
        res = ssj("replace", "--task", "hazchem", "--round", "1", *args, "--today", "2022-04-11")
        assert res.exit_code == 2, res.output
        assert ledger_bytes(ws) == before
    results = json.loads(ok(ssj("results", "--task", "hazchem", "--round", "1", "--json")).stdout)
    rows = results[0]["rows"] if isinstance(results, list) and "rows" in results[0] else results
    assert out not in json.dumps(rows) and ranked[k] in json.dumps(rows)


def graded_scope(ws, categories=("hazchem_production", "hazchem_trading")) -> dict[str, list[str]]:
    """grade -> active ids of hazchem's scope, read with the csv module only."""
    import csv

    with open(ws / "data" / "entities.csv", encoding="utf-8-sig", newline="") as f:
        rows = [r for r in csv.DictReader(f) if r["category"] in categories and r["status"] == "在营"]
    out: dict[str, list[str]] = {}
    for r in rows:
        out.setdefault(r["risk"], []).append(r["id"])
    return out


def test_replacement_in_a_stratified_round_takes_the_next_line_of_the_same_stratum(ssj, ws):
    plan = ws / "plans" / "2022.yaml"
    text = plan.read_text(encoding="utf-8")
    plan.write_text(text.replace("    ratio: 20%\n", "    ratio: 20%\n    ratio_by_risk: {A: 0%, B: 10%, C: 30%, D: 100%}\n", 1), encoding="utf-8")
    rec = draw(ssj, "hazchem", "2022-04-06", "分级 s1")
    seed = rec["seed"]
    grades = graded_scope(ws)
    # each stratum's ranked list, recomputed here: sha256(seed:id) ascending; its k from ceil(N_g x r_g)
    ranked = {g: sorted(ids, key=lambda i: (sha(f"{seed}:{i}"), i)) for g, ids in grades.items()}
    k = {s["grade"]: s["k"] for s in rec["strata"]}
    assert k == {"A": 0, "B": 2, "C": 3, "D": 5, "": 2}
    for g in k:
        assert [s for s in rec["strata"] if s["grade"] == g][0]["picks"] == ranked[g][:k[g]]

    def replace(entity, reason="停产", day="2022-04-07"):
        return ssj("replace", "--task", "hazchem", "--round", "1", "--entity", entity, "--reason", reason, "--today", day)

    res = ok(replace(ranked["C"][0]))
    assert f"由风险等级 C 的排序名单第 4 位的" in res.stdout
    ev = ledger_events(ws)[-1]
    assert (ev["replacement"], ev["position"]) == (ranked["C"][3], 4)
    # its team: eligible by its exclusions, ordered by (load of the round's other current teams, sha, id)
    load: dict[str, int] = {}
    for p in rec["picks"]:
        if p["entity"] != ranked["C"][0]:
            for i in p["inspectors"]:
                load[i] = load.get(i, 0) + 1
    gone = {x["id"] for x in ev["pick"]["excluded_inspectors"]}
    eligible = [i for i in rec["inspector_pool"] if i not in gone]
    assert ev["pick"]["inspectors"] == sorted(eligible, key=lambda i: (load.get(i, 0), sha(f"{seed}:{ranked['C'][3]}:{i}"), i))[:2]

    ok(replace(ranked["B"][1], "注销"))  # another stratum: its own list, its own next line
    assert (ledger_events(ws)[-1]["replacement"], ledger_events(ws)[-1]["position"]) == (ranked["B"][2], 3)
    ok(replace(ranked["C"][3], "迁出"))  # the replacement itself, again within C
    assert (ledger_events(ws)[-1]["replacement"], ledger_events(ws)[-1]["position"]) == (ranked["C"][4], 5)

    before = ledger_bytes(ws)
    res = replace(ranked["D"][0])  # D drew its whole stratum (100%): no next line, and no borrowing from another stratum
    assert res.exit_code == 2 and "hazchem 第 1 轮风险等级 D 的排序名单中已没有可递补的企业" in res.stderr
    assert ledger_bytes(ws) == before
    assert "复核通过" in ok(ssj("verify")).stdout
    page = ok(ssj("sheet", "--task", "hazchem", "--round", "1", "--out", str(ws.parent / "s.html")))
    assert "风险等级 C 的排序名单第 4 位" in (ws.parent / "s.html").read_text(encoding="utf-8")

    # the replacements count as drawn in their stratum's cycle: the next round leaves them out
    rec2 = draw(ssj, "hazchem", "2022-04-08", "分级 s2")
    excluded = {s["grade"]: set(s["excluded"]) for s in rec2["strata"]}
    assert {ranked["C"][3], ranked["C"][4]} <= excluded["C"] and ranked["B"][2] in excluded["B"]
    assert "复核通过" in ok(ssj("verify")).stdout


def test_the_draw_sheet_shows_each_replacement(ssj, ws, tmp_path):
    rec = draw(ssj, "hazchem", "2022-04-06", "s1")
    ok(ssj("sheet", "--task", "hazchem", "--round", "1", "--out", str(tmp_path / "before.html")))
    before = (tmp_path / "before.html").read_text(encoding="utf-8")
    assert "递补" not in before
    out, second = rec["picks"][0], rec["picks"][1]
    ok(ssj("replace", "--task", "hazchem", "--round", "1", "--entity", out["entity"], "--reason", "停产", "--today", "2022-04-07"))
    ok(ssj("replace", "--task", "hazchem", "--round", "1", "--entity", second["entity"], "--inspector", second["inspectors"][0],
           "--reason", "其他", "--note", "<b>临时抽调</b>", "--today", "2022-04-08"))
    entity_ev, inspector_ev = ledger_events(ws)[-2:]
    ok(ssj("sheet", "--task", "hazchem", "--round", "1", "--out", str(tmp_path / "after.html")))
    after = (tmp_path / "after.html").read_text(encoding="utf-8")
    section = after[after.index("<h2>摇号后的递补"):after.index("<div class=\"signs\">")]
    assert before.replace("<div class=\"signs\">", section + "<div class=\"signs\">", 1) == after  # only the section is new
    rows = section.split("<tr>")[2:]
    assert len(rows) == 2 and "摇号后的递补（2 次）" in section
    new = entity_ev["pick"]
    assert (f"2022年4月7日</td><td>检查对象</td><td>{out['name']}（{out['entity']}）</td><td>{new['name']}（{new['entity']}）</td>"
            f"<td>停产</td><td>同一排序名单第 10 位</td><td class=\"c\">第 {entity_ev['seq']} 号</td>") in rows[0]
    gone = second["inspector_names"][0]
    assert (f"<td>{second['name']}（{second['entity']}）的执法人员</td><td>{gone}（{second['inspectors'][0]}）</td>"
            f"<td>{inspector_ev['name']}（{inspector_ev['replacement']}）</td><td>其他：&lt;b&gt;临时抽调&lt;/b&gt;</td>"
            "<td>该户检查组排序中的下一名</td>") in rows[1]
    assert "<b>临时抽调" not in after  # the note is text, never markup


def test_results_publish_due_the_notice_and_the_report_follow_replacements(ssj, ws):
    """Every reader of a round sees the picks and teams as the replacements left them (counted here from the files)."""
    import csv

    rec = draw(ssj, "hazchem", "2022-04-06", "s1")
    out, second = rec["picks"][0], rec["picks"][1]
    ok(ssj("replace", "--task", "hazchem", "--round", "1", "--entity", out["entity"], "--reason", "注销", "--today", "2022-04-07"))
    ok(ssj("replace", "--task", "hazchem", "--round", "1", "--entity", second["entity"], "--inspector", second["inspectors"][0],
           "--reason", "回避", "--today", "2022-04-07"))
    entity_ev, inspector_ev = ledger_events(ws)[-2:]
    came, gone_inspector, came_inspector = entity_ev["replacement"], second["inspectors"][0], inspector_ev["replacement"]
    now = [came] + picks(rec)[1:]

    for entity in now[:-1]:
        ok(ssj("record", "--task", "hazchem", "--round", "1", "--entity", entity, "--date", "2022-04-20", "--result", "no_problem", "--today", "2022-04-20"))
    (row,) = json.loads(ok(ssj("publish-due", "--today", "2022-04-20", "--json")).stdout)
    assert row["state"] == "checking"  # the replacement's check is still open; the replaced entity is not waited for
    ok(ssj("record", "--task", "hazchem", "--round", "1", "--entity", now[-1], "--date", "2022-04-21", "--result", "rectify", "--today", "2022-04-21"))
    (row,) = json.loads(ok(ssj("publish-due", "--today", "2022-04-21", "--json")).stdout)
    assert row["state"] == "pending" and row["check_end"] == "2022-04-21"

    ok(ssj("publish", "--task", "hazchem", "--round", "1", "--date", "2022-04-22", "--today", "2022-04-22", "--format", "csv"))
    (notice,) = (ws / "draws" / "2022" / "public").glob("hazchem-r1-*.csv")
    with notice.open(encoding="utf-8-sig", newline="") as fh:
        table = [r for r in csv.reader(fh)]
    text = "\n".join(",".join(r) for r in table)
    assert out["entity"] not in text and came in text
    assert all(e in text for e in now)
    second_row = next(r for r in table if second["entity"] in r)
    team_cell = next(c for c in second_row if came_inspector in c)
    assert gone_inspector not in team_cell

    rep = json.loads(ok(ssj("report", "--year", "2022", "--today", "2022-12-31", "--format", "json")).stdout)
    haz = next(t for t in rep["tasks"] if t["id"] == "hazchem")
    assert (haz["picks"], haz["inspected"], haz["entities_drawn"]) == (len(now), len(now), len(now))
    checks = {r["id"]: r["checks"] for r in rep["inspectors"]["rows"]}
    teams: dict[str, int] = {}
    current_teams = [entity_ev["pick"]["inspectors"]] + [p["inspectors"] for p in rec["picks"][1:]]
    current_teams[1] = [came_inspector if i == gone_inspector else i for i in current_teams[1]]
    for team in current_teams:
        for i in team:
            teams[i] = teams.get(i, 0) + 1
    assert {i: n for i, n in checks.items() if n} == teams
    assert rep["integrity"]["ok"] is True
