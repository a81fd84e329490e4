"""Workload balanced over the year (issue 9 item 15): teams order inspectors by their checks so far in the year.

The first test re-derives every team of examples/2022 with code that shares nothing with ssj
(json and hashlib only), from the ledger and the records as an outside auditor would; the
others drive the CLI.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from tests.helpers import REPO, tree_digest

YEAR = REPO / "examples" / "2022"


def _lines(root: Path) -> list[dict]:
    return [json.loads(line) for line in (root / "draws" / "ledger.jsonl").read_text(encoding="utf-8").splitlines()]


def _rederive(root: Path) -> int:
    """Check prior_checks and every team of every record; returns how many teams were checked."""
    lines = _lines(root)
    records = {ev["seq"]: json.loads((root / "draws" / ev["record"]).read_text(encoding="utf-8"))
               for ev in lines if ev["type"] == "draw"}
    voided_at = {(ev["year"], ev["task"], ev["round"]): ev["seq"] for ev in lines if ev["type"] == "void"}
    teams = 0
    for seq, rec in records.items():
        prior: dict[str, int] = {}
        for earlier_seq, earlier in records.items():
            key = (earlier["year"], earlier["task"], earlier["round"])
            live = earlier_seq < seq and voided_at.get(key, seq + 1) > seq
            if earlier["year"] == rec["year"] and live:
                for pick in earlier["picks"]:
                    for inspector in set(pick["inspectors"]):
                        prior[inspector] = prior.get(inspector, 0) + 1
        assert rec.get("prior_checks", {}) == dict(sorted(prior.items())), (rec["task"], rec["round"])
        load = dict(prior)
        for pick in rec["picks"]:
            left_out = {x["id"] for x in pick["excluded_inspectors"]}
            eligible = [i for i in rec["inspector_pool"] if i not in left_out]

            def order(i: str) -> tuple[int, str, str]:
                digest = hashlib.sha256(f"{rec['seed']}:{pick['entity']}:{i}".encode("utf-8")).hexdigest()
                return (load.get(i, 0), digest, i)

            assert sorted(eligible, key=order)[:rec["inspectors_per_check"]] == pick["inspectors"]
            for i in pick["inspectors"]:
                load[i] = load.get(i, 0) + 1
            teams += 1
    return teams


def test_every_team_of_the_sample_year_rederived_independently():
    assert _rederive(YEAR) > 40
    later = [json.loads(p.read_text(encoding="utf-8")) for p in sorted((YEAR / "draws" / "2022").glob("*.json"))]
    assert sum(1 for rec in later if rec.get("prior_checks")) >= 5  # every draw after the year's first carries them


def test_the_sample_year_spreads_the_checks():
    lines = _lines(YEAR)
    voided = {(ev["task"], ev["round"]) for ev in lines if ev["type"] == "void"}
    counts: dict[str, int] = {}
    for ev in lines:
        if ev["type"] == "draw" and (ev["task"], ev["round"]) not in voided:
            for pick in json.loads((YEAR / "draws" / ev["record"]).read_text(encoding="utf-8"))["picks"]:
                for i in pick["inspectors"]:
                    counts[i] = counts.get(i, 0) + 1
    assert max(counts.values()) - min(counts.values()) <= 4, counts  # 1 to 13 before the year-long balance


def test_a_later_draw_counts_the_checks_of_every_task_before_it(ssj, ws):
    coal = json.loads(ssj("draw", "--task", "coal", "--seed", "c1", "--today", "2022-03-15", "--json").stdout)
    assert "prior_checks" not in coal  # the year's first draw
    res = ssj("draw", "--task", "hazchem", "--seed", "h1", "--today", "2022-04-06", "--json")
    assert res.exit_code == 0, res.output
    haz = json.loads(res.stdout)
    expected: dict[str, int] = {}
    for pick in coal["picks"]:
        for i in pick["inspectors"]:
            expected[i] = expected.get(i, 0) + 1
    assert haz["prior_checks"] == dict(sorted(expected.items()))
    assert ssj("void", "--task", "coal", "--round", "1", "--reason", "名录库有误", "--today", "2022-04-07").exit_code == 0
    again = json.loads(ssj("draw", "--task", "industry", "--seed", "i1", "--today", "2022-07-05", "--json").stdout)
    assert again["prior_checks"] == _counts(haz)  # the voided round no longer counts
    assert _rederive(ws) == len(haz["picks"]) + len(again["picks"]) + len(coal["picks"])
    assert ssj("verify").exit_code == 0


def test_a_record_not_in_ssjs_layout_is_parsed_for_the_checks_so_far(ssj, ws, monkeypatch):
    """A later draw reads each earlier record's teams by a scan of its bytes; a record the scan cannot read (another
    layout) is parsed instead, to the same checks. Both ways with a replacement (递补) in the earlier round."""
    import shuangsuiji.actions.draw as draw_action

    coal = json.loads(ssj("draw", "--task", "coal", "--seed", "c1", "--today", "2022-03-15", "--json").stdout)
    res = ssj("replace", "--task", "coal", "--round", "1", "--entity", coal["picks"][0]["entity"], "--inspector",
              coal["picks"][0]["inspectors"][0], "--reason", "回避", "--today", "2022-03-16")
    assert res.exit_code == 0, res.output
    before = tree_digest(ws)
    scanned = json.loads(ssj("draw", "--task", "hazchem", "--seed", "h1", "--today", "2022-04-06", "--dry-run", "--json").stdout)
    monkeypatch.setattr(draw_action, "record_pick_teams", lambda data, picks: None)
    parsed = json.loads(ssj("draw", "--task", "hazchem", "--seed", "h1", "--today", "2022-04-06", "--dry-run", "--json").stdout)
    assert scanned["prior_checks"] == parsed["prior_checks"] and scanned["picks"] == parsed["picks"]
    assert sum(scanned["prior_checks"].values()) == 2 * len(coal["picks"]) and tree_digest(ws) == before


def _counts(rec: dict) -> dict[str, int]:
    out: dict[str, int] = {}
    for pick in rec["picks"]:
        for i in pick["inspectors"]:
            out[i] = out.get(i, 0) + 1
    return dict(sorted(out.items()))


def test_verify_catches_forged_prior_checks(ssj, ws):
    from shuangsuiji.ledger.chain import GENESIS, encode_event, line_digest

    assert ssj("draw", "--task", "coal", "--seed", "c1", "--today", "2022-03-15").exit_code == 0
    assert ssj("draw", "--task", "hazchem", "--seed", "h1", "--today", "2022-04-06").exit_code == 0
    # An insider rewrites the second record (lighter load for one inspector) and re-chains the ledger.
    path = ws / "draws" / "2022" / "hazchem-r1.json"
    rec = json.loads(path.read_text(encoding="utf-8"))
    first = next(iter(rec["prior_checks"]))
    del rec["prior_checks"][first]
    data = (json.dumps(rec, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    path.write_bytes(data)
    out, prev = [], GENESIS
    for line in _lines(ws):
        fields = {k: v for k, v in line.items() if k not in ("seq", "type", "at", "prev")}
        if fields.get("record") == "2022/hazchem-r1.json":
            fields["record_sha256"] = hashlib.sha256(data).hexdigest()
        raw = encode_event(line["seq"], line["type"], line["at"], prev, fields)
        out.append(raw + b"\n")
        prev = line_digest(raw)
    (ws / "draws" / "ledger.jsonl").write_bytes(b"".join(out))
    res = ssj("verify")
    assert res.exit_code == 1, res.output
    assert "记录中的本年度此前检查次数（prior_checks）与账本中此前各轮的分派不符" in res.stderr


def test_an_inspector_who_must_never_be_drawn(ssj, ws):
    path = ws / "data" / "inspectors.csv"
    text = path.read_text(encoding="utf-8-sig")
    text = text.replace("1404282201013,示例马超,法规科,,在岗,", "1404282201013,示例马超,法规科,,不参与抽取,")
    assert "不参与抽取" in text
    path.write_text(text, encoding="utf-8-sig")
    assert ssj("check").exit_code == 0
    before = tree_digest(ws)
    res = ssj("draw", "--task", "hazchem", "--seed", "h1", "--today", "2022-04-06", "--json", "--dry-run")
    assert res.exit_code == 0, res.output
    assert tree_digest(ws) == before
    rec = json.loads(res.stdout)
    for pick in rec["picks"]:
        assert "1404282201013" not in pick["inspectors"]
        reasons = {x["id"]: (x["reason"], x["text"]) for x in pick["excluded_inspectors"]}
        assert reasons["1404282201013"] == ("not_drawn", "不参与抽取（名录库中标为不参与抽取的人员）")
