"""`ssj check` also checks calendar overrides and the ledger's events, collecting everything."""

from __future__ import annotations

import json


def test_check_reports_partial_calendar_file(ssj, ws):
    (ws / "calendar").mkdir()
    (ws / "calendar" / "2027.yaml").write_text("year: 2027\nholidays: []\n", encoding="utf-8")
    res = ssj("check", "--json")
    assert res.exit_code == 2
    out = json.loads(res.stdout)
    assert not out["ok"]
    assert {(e["path"], e["line"]) for e in out["errors"]} == {("calendar/2027.yaml", 1), ("calendar/2027.yaml", 2)}


def test_check_collects_errors_of_several_files_at_once(ssj, ws):
    plan = ws / "plans" / "2022.yaml"
    plan.write_text(plan.read_text(encoding="utf-8").replace("ratio: 20%", "ratio: 20"), encoding="utf-8")
    (ws / "calendar").mkdir()
    (ws / "calendar" / "2027.yaml").write_text("year: 2026\n", encoding="utf-8")
    res = ssj("check")
    assert res.exit_code == 2
    assert "plans/2022.yaml:" in res.stderr and "calendar/2027.yaml:" in res.stderr
    assert "Traceback" not in res.output


def test_check_counts_ledger_events(ssj):
    assert ssj("draw", "--task", "coal", "--seed", "s", "--today", "2022-04-06").exit_code == 0
    out = json.loads(ssj("check", "--json").stdout)
    assert out["ok"] and out["ledger"]["events"] == 1
