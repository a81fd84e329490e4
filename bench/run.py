"""Benchmark: ``ssj draw`` against the obvious script, side by side, on a large registry.

    python bench/run.py [--n 1000000] [--repeat 3] [--no-write]

Generates ``bench/out/ws-N`` with ``bench/gen_registry.py`` when it is missing, then runs,
alternately and each in a fresh process,

  (a) ``python -m shuangsuiji --root WS draw --task hazchem --seed bench --today 2022-04-06 --dry-run``
  (b) ``python bench/baseline_draw.py WS hazchem_production,hazchem_trading K``
      (csv.DictReader + random.sample; K is the k ssj draws)

and, as a diagnostic third side,

  (c) ``python bench/ssj_core.py WS hazchem bench 2022-04-06``
      (the same load_inputs + prepare_draw, printing the pick ids instead of a table)

measuring wall time and the peak RSS of each child (``bench/measure.py``, os.wait4). One
untimed warm-up of each comes first so all read the registry from the page cache; the
order of the sides rotates between repeats. Unless ``--no-write``, one real draw (without
--dry-run, so the record file and ledger line are written) runs in a fresh copy of the
workspace, measured once.

Prints medians and the ratios to the baseline, says whether the ssj ratios are <= 1.0,
and writes ``bench/out/results.json``. Always exits 0: this is a measurement, not a test.
"""

from __future__ import annotations

import argparse
import json
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench.gen_registry import generate  # noqa: E402
from bench.measure import measure  # noqa: E402

TASK, SEED, TODAY = "hazchem", "bench", "2022-04-06"
ACTIVE = "在营"


def workspace(n: int, out: Path) -> tuple[Path, dict]:
    ws = out / f"ws-{n}"
    meta_path = ws / "bench_meta.json"
    if meta_path.exists():
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        if meta.get("n") == n and (ws / "data" / "entities.csv").exists():
            return ws, meta
    if ws.exists():
        shutil.rmtree(ws)
    print(f"generating {n:,} entities into {ws} ...", flush=True)
    return ws, generate(n, ws)


def task_scope_and_k(ws: Path, meta: dict) -> tuple[list[str], int, int]:
    from shuangsuiji.inputs.plan import load_plan

    plan = load_plan(ws / "plans" / "2022.yaml", "plans/2022.yaml")
    task = plan.task(TASK)
    assert task is not None
    scope_n = sum(meta["counts"].get(c, {}).get(ACTIVE, 0) for c in task.scope)
    return list(task.scope), scope_n, task.draw_count(scope_n)


def ssj_cmd(ws: Path, dry_run: bool = True) -> list[str]:
    cmd = [sys.executable, "-m", "shuangsuiji", "--root", str(ws), "draw", "--task", TASK, "--seed", SEED, "--today", TODAY]
    return cmd + (["--dry-run"] if dry_run else [])


def core_cmd(ws: Path) -> list[str]:
    return [sys.executable, str(BENCH / "ssj_core.py"), str(ws), TASK, SEED, TODAY]


def baseline_cmd(ws: Path, categories: list[str], k: int) -> list[str]:
    return [sys.executable, str(BENCH / "baseline_draw.py"), str(ws), ",".join(categories), str(k)]


def run_one(name: str, cmd: list[str], out: Path, check) -> dict:
    stdout = out / f"{name}.stdout"
    m = measure(cmd, str(stdout))
    m["ok"] = m["returncode"] == 0 and check(stdout)
    print(f"  {name:<9} {m['seconds']:8.2f} s  {m['max_rss_bytes'] / 2**20:9.1f} MiB  {'ok' if m['ok'] else 'FAILED'}", flush=True)
    return m


def summary(runs: list[dict]) -> dict:
    return {
        "median_seconds": statistics.median(r["seconds"] for r in runs),
        "median_max_rss_bytes": statistics.median(r["max_rss_bytes"] for r in runs),
        "runs": runs,
    }


def git_rev() -> str | None:
    try:
        rev = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(REPO), "status", "--porcelain", "--", "shuangsuiji"], capture_output=True, text=True).stdout.strip()
        return rev + ("+dirty" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return None


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1_000_000, help="entities in the generated registry")
    ap.add_argument("--repeat", type=int, default=3, help="timed runs of each side")
    ap.add_argument("--no-write", action="store_true", help="skip the one real (non-dry-run) draw")
    ap.add_argument("--out", type=Path, default=BENCH / "out", help="where workspaces and results go")
    args = ap.parse_args(argv)

    args.out.mkdir(parents=True, exist_ok=True)
    ws, meta = workspace(args.n, args.out)
    categories, scope_n, k = task_scope_and_k(ws, meta)
    print(f"registry: {args.n:,} entities; task {TASK}: {scope_n:,} in scope, k = {k:,}", flush=True)

    def ssj_ok(stdout: Path) -> bool:
        return stdout.stat().st_size > 0

    def baseline_ok(stdout: Path) -> bool:
        return len(stdout.read_bytes().splitlines()) == k

    ssj = ("ssj", ssj_cmd(ws), ssj_ok)
    base = ("baseline", baseline_cmd(ws, categories, k), baseline_ok)
    core = ("ssj-core", core_cmd(ws), baseline_ok)
    sides = [ssj, base, core]
    print("warm-up (not counted)", flush=True)
    for name, cmd, check in sides:
        run_one(name, cmd, args.out, check)
    results: dict[str, list[dict]] = {name: [] for name, _, _ in sides}
    for r in range(args.repeat):
        print(f"repeat {r + 1}/{args.repeat}", flush=True)
        for name, cmd, check in sides[r % 3:] + sides[:r % 3]:
            results[name].append(run_one(name, cmd, args.out, check))

    write = None
    if not args.no_write:
        print("one real draw (writes the record and the ledger line) in a fresh copy", flush=True)
        with tempfile.TemporaryDirectory(dir=args.out) as tmp:
            copy = Path(tmp) / "ws"
            shutil.copytree(ws, copy)
            write = run_one("ssj-write", ssj_cmd(copy, dry_run=False), args.out, ssj_ok)
            write["ok"] = write["ok"] and (copy / "draws" / "2022" / f"{TASK}-r1.json").exists()

    s, b, c = summary(results["ssj"]), summary(results["baseline"]), summary(results["ssj-core"])
    time_ratio = s["median_seconds"] / b["median_seconds"]
    rss_ratio = s["median_max_rss_bytes"] / b["median_max_rss_bytes"]
    core_time_ratio = c["median_seconds"] / b["median_seconds"]
    core_rss_ratio = c["median_max_rss_bytes"] / b["median_max_rss_bytes"]
    report = {
        "n": args.n, "task": TASK, "scope": scope_n, "k": k, "repeat": args.repeat,
        "commands": {name: cmd for name, cmd, _ in sides},
        "ssj": s, "baseline": b, "ssj_core": c, "ssj_write": write,
        "ratios": {"time": time_ratio, "max_rss": rss_ratio},
        "core_ratios": {"time": core_time_ratio, "max_rss": core_rss_ratio},
        "within_target": {"time": time_ratio <= 1.0, "max_rss": rss_ratio <= 1.0},
        "all_runs_ok": all(r["ok"] for runs in results.values() for r in runs) and (write is None or write["ok"]),
        "python": sys.version.split()[0], "platform": platform.platform(), "git": git_rev(),
    }
    (args.out / "results.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")

    mib = 2**20
    print()
    print(f"{'':<22}{'median time':>14}{'median peak RSS':>18}")
    print(f"{'ssj draw --dry-run':<22}{s['median_seconds']:>12.2f} s{s['median_max_rss_bytes'] / mib:>14.1f} MiB")
    print(f"{'baseline script':<22}{b['median_seconds']:>12.2f} s{b['median_max_rss_bytes'] / mib:>14.1f} MiB")
    print(f"{'ssj core (no table)':<22}{c['median_seconds']:>12.2f} s{c['median_max_rss_bytes'] / mib:>14.1f} MiB")
    if write:
        print(f"{'ssj draw (writes)':<22}{write['seconds']:>12.2f} s{write['max_rss_bytes'] / mib:>14.1f} MiB   (one run)")
    print(f"{'ratio ssj/baseline':<22}{time_ratio:>14.2f}{rss_ratio:>18.2f}")
    print(f"{'ratio core/baseline':<22}{core_time_ratio:>14.2f}{core_rss_ratio:>18.2f}")
    for what, ratio in (("time", time_ratio), ("peak memory", rss_ratio)):
        verdict = "OK (<= 1.0)" if ratio <= 1.0 else "OVER TARGET (> 1.0)"
        print(f"ssj draw --dry-run {what}: ratio {ratio:.2f} -- {verdict}")
    if not report["all_runs_ok"]:
        print("WARNING: some runs failed or gave unexpected output; see above")
    print(f"results: {args.out / 'results.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
