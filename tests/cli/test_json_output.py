"""--json prints what json.dumps(indent=2) would, whether it re-uses the record's bytes or encodes them."""

from __future__ import annotations

import json


def test_draw_json_prints_the_record_file_bytes(ssj, ws):
    res = ssj("draw", "--task", "hazchem", "--seed", "json-bytes", "--today", "2022-04-06", "--json")
    assert res.exit_code == 0, res.output
    written = (ws / "draws" / "2022" / "hazchem-r1.json").read_bytes()
    assert res.stdout_bytes == written
    assert res.stdout == json.dumps(json.loads(written), ensure_ascii=False, indent=2) + "\n"


def test_dry_run_json_is_the_record_that_would_be_written(ssj, ws):
    dry = ssj("draw", "--task", "hazchem", "--seed", "json-bytes", "--today", "2022-04-06", "--dry-run", "--json")
    assert dry.exit_code == 0, dry.output
    assert not (ws / "draws" / "2022").exists()
    real = ssj("draw", "--task", "hazchem", "--seed", "json-bytes", "--today", "2022-04-06", "--json")
    mask = lambda text: {k: v for k, v in json.loads(text).items() if k != "created_at"}  # noqa: E731
    assert mask(dry.stdout) == mask(real.stdout)
    assert dry.stdout == json.dumps(json.loads(dry.stdout), ensure_ascii=False, indent=2) + "\n"


def test_results_and_report_json_match_json_dumps(ssj):
    ssj("draw", "--task", "coal", "--seed", "s", "--today", "2022-03-15")
    res = ssj("results", "--json")
    assert res.exit_code == 0, res.output
    assert res.stdout == json.dumps(json.loads(res.stdout), ensure_ascii=False, indent=2) + "\n"
    rep = ssj("report", "--year", "2022", "--today", "2022-12-31", "--format", "json")
    assert rep.exit_code == 0, rep.output
    assert rep.stdout == json.dumps(json.loads(rep.stdout), ensure_ascii=False, indent=2) + "\n"
