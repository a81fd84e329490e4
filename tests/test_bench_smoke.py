"""The benchmark's pieces on a tiny registry (no timing), and the draw's bounded memory.

The speed and memory targets themselves live in ``bench/run.py`` as ratios against a
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
from tests.conftest import Ssj

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
