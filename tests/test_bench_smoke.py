"""The benchmark's pieces on a tiny registry (no timing), and the draw's bounded memory.

The speed and memory targets themselves live in ``bench/targets.py`` as ratios against a
baseline run side by side; nothing here measures time.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import subprocess
import sys
import tracemalloc
from pathlib import Path

from bench.gen_registry import HEADER, generate, uscc_for
from bench.measure import measure
from shuangsuiji.draw.ranking import rank_smallest
from shuangsuiji.inputs import uscc
from shuangsuiji.inputs.plan import load_plan
from tests.helpers import Ssj

REPO = Path(__file__).resolve().parent.parent
BENCH = REPO / "bench"
N = 200


def hazchem_k(ws: Path, meta: dict) -> tuple[list[str], int]:
    task = load_plan(ws / "plans" / "2022.yaml", "plans/2022.yaml").task("hazchem")
    scope = sum(meta["counts"][c].get("在营", 0) for c in task.scope)
    return list(task.scope), task.draw_count(scope)


def test_generated_registry_is_canonical_and_valid(tmp_path):
    meta = generate(N, tmp_path / "ws")
    data = (tmp_path / "ws" / "data" / "entities.csv").read_bytes()
    assert data.startswith(codecs.BOM_UTF8) and data.count(b"\r\n") == N + 1 and data.count(b"\n") == N + 1
    rows = list(csv.reader(io.StringIO(data[3:].decode("utf-8"), newline="")))
    assert rows[0] == HEADER and len(rows) == N + 1
    ids = [r[0] for r in rows[1:]]
    assert ids == sorted(set(ids)) and all(uscc.is_valid(i) for i in ids)
    assert all("示例" in r[1] for r in rows[1:])
    counted = {(c, st): n for c, by_status in meta["counts"].items() for st, n in by_status.items()}
    found: dict = {}
    for r in rows[1:]:
        found[(r[2], r[4])] = found.get((r[2], r[4]), 0) + 1
    assert found == counted and sum(counted.values()) == N
    assert found[("hazchem_trading", "在营")] > found.get(("hazchem_trading", "停产"), 0)  # mostly 在营
    assert (tmp_path / "ws" / "draws").is_dir() and not any((tmp_path / "ws" / "draws").iterdir())
    again = generate(N, tmp_path / "again")
    assert (tmp_path / "again" / "data" / "entities.csv").read_bytes() == data  # deterministic
    assert again == meta
    assert uscc_for(31**6 - 1) > uscc_for(31**6 - 2)


def test_ssj_dry_run_and_baseline_each_pick_k(tmp_path):
    ws = tmp_path / "ws"
    meta = generate(N, ws)
    categories, k = hazchem_k(ws, meta)
    ssj = Ssj(ws)
    assert ssj("check").exit_code == 0
    res = ssj("draw", "--task", "hazchem", "--seed", "bench", "--today", "2022-04-06", "--dry-run", "--json")
    assert res.exit_code == 0, res.output
    record = json.loads(res.stdout)
    assert record["k"] == k and len({p["entity"] for p in record["picks"]}) == k
    assert not (ws / "draws" / "ledger.jsonl").exists()  # a dry run writes nothing

    base = subprocess.run([sys.executable, str(BENCH / "baseline_draw.py"), str(ws), ",".join(categories), str(k)],
                          capture_output=True, text=True, check=True)
    picked = base.stdout.split()
    assert len(set(picked)) == k and set(picked) <= set(record["scope"])

    core = subprocess.run([sys.executable, str(BENCH / "ssj_core.py"), str(ws), "hazchem", "bench", "2022-04-06"],
                          capture_output=True, text=True, check=True)
    assert core.stdout.split() == [p["entity"] for p in record["picks"]]


def test_measure_reports_the_child(tmp_path):
    out = tmp_path / "out.txt"
    m = measure([sys.executable, "-c", "b = bytearray(50 * 2**20); b[::4096] = b'x' * len(b[::4096]); print('hi')"], str(out))
    assert m["returncode"] == 0 and out.read_text().strip() == "hi"
    assert m["max_rss_bytes"] >= 50 * 2**20 and m["seconds"] > 0


def test_rank_smallest_keeps_only_k_in_memory():
    """Ranking 200,000 ids for k = 10 keeps a heap of 10, never all the ranks.

    A full sort would hold 200,000 (rank, id) pairs: 64-character hex ranks alone are
    over 20 MB. The ids come from a generator, so they are not counted either.
    """
    ids = (f"91140428MA{i:08d}" for i in range(200_000))
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        picks = rank_smallest("bench", ids, 10)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(picks) == 10 and picks == sorted(picks)
    assert peak < 2 * 2**20, f"peak {peak} bytes"


def test_generated_ledger_passes_verify_and_holds_what_ssj_draw_commits(tmp_path):
    from bench.gen_ledger import generate_ledger

    meta = generate_ledger(300, tmp_path / "ev", entities=400)
    ledger = tmp_path / "ev" / "draws" / "ledger.jsonl"
    lines = [json.loads(raw) for raw in ledger.read_bytes().splitlines()]
    assert meta["events"] == len(lines) == 300 and meta["rounds"] > 2 and meta["last_complete_round"] >= 1
    assert [x["seq"] for x in lines] == list(range(1, 301))
    ssj = Ssj(tmp_path / "ev")
    res = ssj("verify")
    assert res.exit_code == 0, res.output
    # The first draw line is the one ssj draw itself commits for that round (bar its time and record hash).
    generate(400, tmp_path / "real")
    real = Ssj(tmp_path / "real")("draw", "--task", "hazchem", "--seed", "bench-1", "--today", "2022-04-01", "--json")
    assert real.exit_code == 0, real.output
    committed = json.loads((tmp_path / "real" / "draws" / "ledger.jsonl").read_bytes())
    written = lines[0]
    assert list(written) == list(committed)
    assert {k: v for k, v in written.items() if k not in ("at", "record_sha256")} == \
        {k: v for k, v in committed.items() if k not in ("at", "record_sha256")}


def test_generated_year_is_drawn_recorded_and_published(tmp_path):
    from bench.gen_year import generate_year

    meta = generate_year(400, tmp_path / "year-400")
    ws = tmp_path / "year-400"
    ssj = Ssj(ws)
    assert ssj("verify").exit_code == 0
    rows = json.loads(ssj("results", "--json").stdout)
    rows = rows if isinstance(rows, list) else rows.get("results", rows)
    assert len(rows) == meta["k"] and all(r["result"] for r in rows)
    assert list((ws / "draws" / "2022" / "public").glob("hazchem-r1-2022-07-05.csv"))
    after = (ws / "bench" / "ledger-after-draw.jsonl").read_bytes()
    assert after.count(b"\n") == 1 and (ws / "draws" / "ledger.jsonl").read_bytes().startswith(after)


def test_targets_harness_runs_every_group_at_tiny_sizes(tmp_path):
    """The harness end to end at tiny sizes, one run each: every command succeeds, every target is judged."""
    from bench.targets import main

    assert main(["--tiny", "--points", "1", "--out", str(tmp_path)]) == 0
    report = json.loads((tmp_path / "targets.json").read_text(encoding="utf-8"))
    assert report["all_ok"] and set(report["groups"]) == {"startup", "draw@300", "year@300", "ledger@60"}
    verdicts = {t["title"]: t["verdict"] for t in report["targets"]}
    assert len(verdicts) == len(report["targets"])  # one line per target
    # With one size per series only the growth targets (4) cannot be judged; every other one is.
    assert {t["verdict"] for t in report["targets"] if t["id"] != "4"} <= {"PASS", "FAIL", "info"}
    assert {t["verdict"] for t in report["targets"] if t["id"] == "4"} == {"n/a"}


def test_targets_verdicts_and_growth():
    from bench.targets import evaluate, growth

    def side(seconds, rss=100 * 2**20):
        return {"seconds": seconds, "max_rss_bytes": rss, "ok": True}

    groups = {f"ledger@{n}": {"verify": side(n * 0.001), "append one": side(0.01 * (1 + (n > 10)))} for n in (10, 100, 1000)}
    assert round(growth(groups, "ledger", (10, 100, 1000), "verify"), 9) == 1.0  # linear: time per event flat
    assert growth(groups, "ledger", (10, 100, 1000), "append one", per_unit=False) == 2.0
    groups["ledger@1000"]["verify"] = side(2.0)  # 2x per event from 100 to 1000
    assert round(growth(groups, "ledger", (10, 100, 1000), "verify"), 9) == 2.0
    groups["draw@5"] = {"baseline": side(2.0, 200), "draw --json": side(1.0, 300), "dry-run": side(1.6, 100), "verify": side(1.0)}
    sizes = {"entities": (5,), "year": (5,), "events": (10, 100, 1000)}
    t = {x["title"]: (x["value"], x["verdict"]) for x in evaluate(groups, sizes)}
    assert t["draw --json time / naive script (5 entities)"] == (0.5, "PASS")
    assert t["draw --json peak memory / naive script"] == (1.5, "FAIL")
    assert t["draw --dry-run time / naive script"] == (0.8, "PASS")  # the bar itself passes
    assert t["verify (after the draw) / draw --json"] == (1.0, "PASS")
    assert t["events 10..1,000: verify, time per event"][1] == "FAIL"
    assert t["draw --json time / grep|shuf -n k"] == (None, "n/a")
