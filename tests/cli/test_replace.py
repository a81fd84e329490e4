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
