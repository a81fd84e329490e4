"""Every target of issue 10, side by side: one command, one table, PASS/FAIL per target.

    python bench/targets.py            # the real run: sizes of the issue, medians of 5 (an hour or more)
    python bench/targets.py --quick    # the same sizes, 3 runs, no warm-up
    python bench/targets.py --scale 0.1 --repeat 3 --only draw,ledger
    python bench/targets.py --tiny     # tiny sizes, one run: proves the harness works (tests use it)

Groups of commands, each command a fresh process (``bench/measure.py``: wall time and peak
RSS from ``os.wait4``), the commands of a group alternated (their order rotates between
repeats) after one untimed warm-up of each:

* ``startup``: a Typer hello-world, ``ssj --version``, ``ssj --help``, ``ssj publish-due`` on
  the shipped workspace;
* ``draw@N`` for N = 10^4, 10^5, 10^6 entities: the naive script (``baseline_draw.py``),
  ``grep | shuf -n k``, ``ssj draw --dry-run``, the writing ``ssj draw --json`` (in a workspace
  emptied before each run) and ``ssj verify`` of a workspace holding that draw;
* ``year@N`` for N = 18,000, 180,000, 10^6 entities (hazchem k = 1k, 10k, 55.5k): the province
  year of ``gen_year.py``; the bare ledger loop (``baseline_ledger.py``), the batch import of
  all k results (``ssj record --from``, on the ledger as it stood after the draw), ``ssj record``
  of one correction, ``publish-due``, ``results --json``, ``report --format json``, ``verify``;
* ``ledger@E`` for E = 10^3, 10^4, 10^5 events (rounds of ~385 picks, ``gen_ledger.py``): the
  bare loop, one correction, the append alone (``append_one.py``, timed inside), publish-due,
  results, report, verify.

Workspaces are generated into ``--out`` (default ``bench/out/``, git-ignored) when missing and
reused. Commands that write run on a copy restored before each run (outside the timing).
Prints the medians, then the targets; writes ``OUT/targets.json``. Exits 0 whatever the
verdicts (a measurement, not a test); 1 only when a command failed or gave the wrong output.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench.gen_ledger import generate_ledger  # noqa: E402
from bench.gen_year import link_workspace, registry, year  # noqa: E402

PY = sys.executable
SSJ = [PY, "-m", "shuangsuiji"]
TASK, SEED, DRAW_DAY, AFTER_DAY = "hazchem", "bench", "2022-04-06", "2022-07-20"
ENTITIES = (10_000, 100_000, 1_000_000)
YEAR_ENTITIES = (18_000, 180_000, 1_000_000)  # hazchem k = 1,000 / 9,990 / 55,501
EVENTS = (1_000, 10_000, 100_000)
LEDGER_ENTITIES = 6_800  # hazchem rounds of ~385 picks
GROWTH_BAR = 1.5
MIB = 2**20


@dataclass
class Side:
    """One command of a group: how to build it (fresh each run), what to do before it, how to tell it worked."""

    name: str
    cmd: Callable[[], list[str]]
    prep: Callable[[], None] | None = None
    check: Callable[[Path], bool] | None = None  # given its stdout file
    inside: bool = False  # the command prints {"seconds": ...}: time measured inside it


def run_side(side: Side, out: Path) -> dict:
    if side.prep:
        side.prep()
    stdout = out / "last.stdout"
    m = measured(side.cmd(), stdout)
    m["ok"] = m["returncode"] == 0 and (side.check is None or side.check(stdout))
    if side.inside and m["ok"]:
        m["process_seconds"] = m["seconds"]
        m["seconds"] = json.loads(stdout.read_text(encoding="utf-8"))["seconds"]
    return m


def measured(cmd: list[str], stdout: Path) -> dict:
    """``bench/measure.py`` run as its own small process, which runs ``cmd``.

    Not ``measure()`` in this process: a child's peak RSS starts from its parent's at the fork
    (Linux keeps the larger of the two across exec), and this runner holds hundreds of MiB after
    generating a workspace, which would be counted for every command it starts.
    """
    done = subprocess.run([PY, str(BENCH / "measure.py"), "--stdout", str(stdout), "--", *cmd],
                          stdout=subprocess.PIPE, check=True)
    return json.loads(done.stdout)


def run_group(title: str, sides: list[Side], repeat: int, warmup: bool, out: Path) -> dict:
    """Medians of ``repeat`` runs of each side, alternated; prints one line per side."""
    print(f"[{title}] {', '.join(s.name for s in sides)}", flush=True)
    if warmup:
        for s in sides:
            run_side(s, out)
    runs: dict[str, list[dict]] = {s.name: [] for s in sides}
    for r in range(repeat):
        for s in sides[r % len(sides):] + sides[: r % len(sides)]:
            runs[s.name].append(run_side(s, out))
    summary = {}
    for name, rs in runs.items():
        summary[name] = {
            "seconds": statistics.median(r["seconds"] for r in rs),
            "max_rss_bytes": statistics.median(r["max_rss_bytes"] for r in rs),
            "ok": all(r["ok"] for r in rs),
            "runs": rs,
        }
        s = summary[name]
        flag = "" if s["ok"] else "  FAILED"
        print(f"  {name:<14}{s['seconds']:9.3f} s {s['max_rss_bytes'] / MIB:9.1f} MiB{flag}", flush=True)
    return summary


# --------------------------------------------------------------------------- workspaces


def clone(src: Path, dst: Path, ledger: Path | None = None) -> Callable[[], None]:
    """A copy of workspace src at dst (files hard-linked, the ledger copied); returns a restore() for before each run."""
    if dst.exists():
        shutil.rmtree(dst)
    for f in sorted(src.rglob("*")):
        target = dst / f.relative_to(src)
        if f.is_dir():
            target.mkdir(parents=True, exist_ok=True)
        elif f.name != "ledger.jsonl" and not f.name.endswith(".lock"):
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(f, target)
            except OSError:
                shutil.copyfile(f, target)
    source = ledger or src / "draws" / "ledger.jsonl"

    def restore() -> None:
        shutil.copyfile(source, dst / "draws" / "ledger.jsonl")

    restore()
    return restore


def empty_draws(ws: Path) -> Callable[[], None]:
    def reset() -> None:
        shutil.rmtree(ws / "draws", ignore_errors=True)
        (ws / "draws").mkdir()

    return reset


def hazchem(ws: Path, meta: dict) -> tuple[list[str], int]:
    """The task's categories and k for a generated registry."""
    from shuangsuiji.inputs.plan import load_plan

    task = load_plan(ws / "plans" / "2022.yaml", "plans/2022.yaml").task(TASK)
    scope = sum(meta["counts"].get(c, {}).get("在营", 0) for c in task.scope)
    return list(task.scope), task.draw_count(scope)


def lines_are(n: int) -> Callable[[Path], bool]:
    return lambda stdout: stdout.read_bytes().count(b"\n") == n


def nonempty(stdout: Path) -> bool:
    return stdout.stat().st_size > 0


def ssj(ws: Path, *args: str) -> Callable[[], list[str]]:
    return lambda: [*SSJ, "--root", str(ws), *args]


def correction(ws: Path, number: int, entity: str) -> Callable[[], list[str]]:
    """``ssj record`` of one correction; the measures text changes each run, so it is always appended."""
    return lambda: [*SSJ, "--root", str(ws), "record", "--task", TASK, "--round", str(number), "--entity", entity,
                    "--date", AFTER_DAY, "--result", "rectify", "--measures", f"复查（{time.time_ns()}）",
                    "--today", AFTER_DAY]


# --------------------------------------------------------------------------- groups


def startup_sides(out: Path) -> list[Side]:
    shipped = out / "shipped"
    if not shipped.exists():
        for sub in ("plans", "data"):
            shutil.copytree(REPO / sub, shipped / sub, ignore=shutil.ignore_patterns("*.lock"))
        (shipped / "draws").mkdir()
    return [
        Side("hello", lambda: [PY, str(BENCH / "hello_typer.py")]),
        Side("version", lambda: [*SSJ, "--version"]),
        Side("help", lambda: [*SSJ, "--help"]),
        Side("publish-due", ssj(shipped, "publish-due", "--today", AFTER_DAY)),
    ]


def draw_sides(n: int, out: Path) -> list[Side]:
    ws, meta = registry(n, out)
    categories, k = hazchem(ws, meta)
    drawn = out / f"drawn-{n}"
    if not (drawn / "draws" / "ledger.jsonl").exists():
        link_workspace(ws, drawn)
        subprocess.run([*SSJ, "--root", str(drawn), "draw", "--task", TASK, "--seed", SEED, "--today", DRAW_DAY, "--json"],
                       stdout=subprocess.DEVNULL, check=True)
    entities = ws / "data" / "entities.csv"
    pattern = f",({'|'.join(categories)}),[^,]*,在营,"
    sides = [
        Side("baseline", lambda: [PY, str(BENCH / "baseline_draw.py"), str(ws), ",".join(categories), str(k)], check=lines_are(k)),
        Side("dry-run", ssj(ws, "draw", "--task", TASK, "--seed", SEED, "--today", DRAW_DAY, "--dry-run"),
             prep=empty_draws(ws), check=nonempty),
        Side("draw --json", ssj(ws, "draw", "--task", TASK, "--seed", SEED, "--today", DRAW_DAY, "--json"),
             prep=empty_draws(ws), check=nonempty),
        Side("verify", ssj(drawn, "verify")),
    ]
    if shutil.which("grep") and shutil.which("shuf"):
        sides.insert(1, Side("grep|shuf", lambda: ["sh", "-c", f"grep -E '{pattern}' '{entities}' | shuf -n {k}"], check=lines_are(k)))
    return sides


def year_sides(n: int, out: Path) -> tuple[list[Side], int]:
    ws, meta = year(n, out)
    k = meta["k"]
    importing = out / f"year-{n}-import"
    restore_import = clone(ws, importing, ws / "bench" / "ledger-after-draw.jsonl")
    correcting = out / f"year-{n}-record"
    restore_record = clone(ws, correcting)
    ledger = ws / "draws" / "ledger.jsonl"
    return [
        Side("bare loop", lambda: [PY, str(BENCH / "baseline_ledger.py"), str(ledger)]),
        Side("record --from", ssj(importing, "record", "--task", TASK, "--round", "1", "--from", str(ws / meta["batch"]),
                                  "--today", "2022-06-30"), prep=restore_import),
        Side("record one", correction(correcting, 1, meta["correct_entity"]), prep=restore_record),
        Side("publish-due", ssj(ws, "publish-due", "--today", AFTER_DAY)),
        Side("results --json", ssj(ws, "results", "--json"), check=nonempty),
        Side("report json", ssj(ws, "report", "--year", "2022", "--today", AFTER_DAY, "--format", "json"), check=nonempty),
        Side("verify", ssj(ws, "verify")),
    ], k


def ledger_sides(events: int, entities: int, out: Path) -> list[Side]:
    ws = out / f"ledger-{events}-{entities}"
    meta_path = ws / "bench_meta.json"
    if not meta_path.exists():
        tmp = ws.with_name(ws.name + ".building")
        shutil.rmtree(tmp, ignore_errors=True)
        generate_ledger(events, tmp, entities)
        shutil.rmtree(ws, ignore_errors=True)
        tmp.rename(ws)
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    correcting = out / f"ledger-{events}-{entities}-record"
    restore = clone(ws, correcting)
    return [
        Side("bare loop", lambda: [PY, str(BENCH / "baseline_ledger.py"), str(ws / "draws" / "ledger.jsonl")]),
        Side("record one", correction(correcting, meta["last_complete_round"], meta["correct_entity"]), prep=restore),
        Side("append one", lambda: [PY, str(BENCH / "append_one.py"), str(correcting)], prep=restore, inside=True),
        Side("publish-due", ssj(ws, "publish-due", "--today", AFTER_DAY)),
        Side("results --json", ssj(ws, "results", "--json"), check=nonempty),
        Side("report json", ssj(ws, "report", "--year", "2022", "--today", AFTER_DAY, "--format", "json"), check=nonempty),
        Side("verify", ssj(ws, "verify")),
    ]


# --------------------------------------------------------------------------- targets


def ratio(groups: dict, group: str, side: str, base: str, what: str = "seconds") -> float | None:
    g = groups.get(group)
    if not g or side not in g or base not in g or not g[base][what]:
        return None
    return g[side][what] / g[base][what]


def target(tid: str, title: str, value: float | None, bar: float | None, unit: str = "x") -> dict:
    verdict = "n/a" if value is None else ("info" if bar is None else ("PASS" if value <= bar else "FAIL"))
    return {"id": tid, "title": title, "value": value, "bar": bar, "unit": unit, "verdict": verdict}


def growth(groups: dict, prefix: str, sizes: tuple[int, ...], side: str, per_unit: bool = True,
           units: dict[int, int] | None = None) -> float | None:
    """The largest step-to-step growth of time per unit (or of time, when not per_unit) across the sizes.

    A unit is an entity, a pick or an event: ``units`` maps a size to its count when that is
    not the size itself (a year of N entities has k picks).
    """
    units = units or {}
    points = [(units.get(n, n), groups[f"{prefix}@{n}"][side]["seconds"])
              for n in sizes if side in groups.get(f"{prefix}@{n}", {})]
    if len(points) < 2:
        return None
    steps = [(t2 / n2) / (t1 / n1) if per_unit else t2 / t1 for (n1, t1), (n2, t2) in zip(points, points[1:])]
    return max(steps)


def evaluate(groups: dict, sizes: dict, year_k: dict[int, int] | None = None) -> list[dict]:
    """Every target of the issue from the groups' medians; a target whose groups did not run is n/a."""
    n, y, e = max(sizes["entities"]), max(sizes["year"]), max(sizes["events"])
    d, yr, lg = f"draw@{n}", f"year@{y}", f"ledger@{e}"
    out = [
        target("1a", f"draw --json time / naive script ({n:,} entities)", ratio(groups, d, "draw --json", "baseline"), 1.0),
        target("1b", "draw --json peak memory / naive script", ratio(groups, d, "draw --json", "baseline", "max_rss_bytes"), 1.0),
        target("1c", "draw --dry-run time / naive script", ratio(groups, d, "dry-run", "baseline"), 0.8),
        target("1d", "draw --dry-run peak memory / naive script", ratio(groups, d, "dry-run", "baseline", "max_rss_bytes"), 0.6),
        target("1e", "draw --json time / grep|shuf -n k", ratio(groups, d, "draw --json", "grep|shuf"), None),
        target("2", "verify (after the draw) / draw --json", ratio(groups, d, "verify", "draw --json"), 1.0),
    ]
    for side in ("record one", "publish-due", "results --json", "report json"):
        out.append(target("3", f"year@{y:,}: {side} / bare ledger loop", ratio(groups, yr, side, "bare loop"), 3.0))
    verify_year = groups.get(yr, {}).get("verify")
    write = groups.get(d, {}).get("draw --json")  # the bar of target 2: the writing draw (same N in the real run)
    out.append(target("3", f"year@{y:,}: verify / draw --json at {n:,}",
                      verify_year["seconds"] / write["seconds"] if verify_year and write else None, 1.0))
    for side in ("baseline", "dry-run", "draw --json", "verify"):  # the naive script's own growth: for comparison only
        out.append(target("4", f"entities {_span(sizes['entities'])}: {side}, time per entity", growth(groups, "draw", sizes["entities"], side),
                          None if side == "baseline" else GROWTH_BAR))
    picks = f"k {_span(tuple(year_k[n] for n in sizes['year']))}" if year_k and all(n in year_k for n in sizes["year"]) else "k"
    for side in ("record --from", "record one", "publish-due", "results --json", "report json", "verify"):
        out.append(target("4", f"{picks} picks: {side}, time per pick", growth(groups, "year", sizes["year"], side, units=year_k), GROWTH_BAR))
    for side in ("record one", "publish-due", "results --json", "report json", "verify"):
        out.append(target("4", f"events {_span(sizes['events'])}: {side}, time per event", growth(groups, "ledger", sizes["events"], side), GROWTH_BAR))
    out.append(target("4", f"events {_span(sizes['events'])}: append one event, time (not per event)",
                      growth(groups, "ledger", sizes["events"], "append one", per_unit=False), GROWTH_BAR))
    out += [
        target("5", "ssj --version / Typer hello-world", ratio(groups, "startup", "version", "hello"), 0.6),
        target("5", "ssj --help / Typer hello-world", ratio(groups, "startup", "help", "hello"), 0.6),
        target("5", "publish-due (shipped workspace) / Typer hello-world", ratio(groups, "startup", "publish-due", "hello"), 1.2),
    ]
    rss = groups.get(lg, {}).get("report json", {}).get("max_rss_bytes")
    out.append(target("6", f"report at {e:,} events, peak memory (MiB)", rss / MIB if rss else None, 300.0, "MiB"))
    return out


def _span(sizes: tuple[int, ...]) -> str:
    return f"{sizes[0]:,}..{sizes[-1]:,}"


# --------------------------------------------------------------------------- main


def machine() -> dict:
    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    return {"python": sys.version.split()[0], "platform": platform.platform(), "cpus": os.cpu_count(), "loadavg": load}


def git_rev() -> str | None:
    try:
        rev = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True)
        dirty = subprocess.run(["git", "-C", str(REPO), "status", "--porcelain", "--", "shuangsuiji"], capture_output=True, text=True)
        return rev.stdout.strip() + ("+dirty" if dirty.stdout.strip() else "")
    except (OSError, subprocess.CalledProcessError):
        return None


def scaled(sizes: tuple[int, ...], scale: float, floor: int) -> tuple[int, ...]:
    """The sizes times scale, at least floor, each at least twice the one before (a series stays a series)."""
    out: list[int] = []
    for s in sizes:
        out.append(max(floor, int(s * scale), 2 * out[-1] if out else 0))
    return tuple(out)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="3 runs of each command, no warm-up")
    ap.add_argument("--tiny", action="store_true", help="tiny sizes, one run, no warm-up: only proves the harness works")
    ap.add_argument("--repeat", type=int, help="timed runs of each command (default 5; 3 with --quick; 1 with --tiny)")
    ap.add_argument("--scale", type=float, help="multiply every size by this (default 1; 0.01 with --tiny)")
    ap.add_argument("--points", type=int, default=3, help="sizes per series, smallest first (default 3)")
    ap.add_argument("--only", default="startup,draw,year,ledger", help="comma-separated groups to run")
    ap.add_argument("--out", type=Path, default=BENCH / "out", help="where workspaces and targets.json go")
    args = ap.parse_args(argv)
    args.repeat = args.repeat or (1 if args.tiny else 3 if args.quick else 5)
    args.scale = args.scale or (0.01 if args.tiny else 1.0)
    args.warmup = not (args.quick or args.tiny)
    return args


def compile_package() -> bool:
    """ssj's modules byte-compiled into their ``__pycache__``, as ``pip install`` leaves an installed package.

    An editable install never compiles, and with ``PYTHONDONTWRITEBYTECODE`` set (as on this
    machine) every command would compile every ssj module from source on every run, while
    Typer, Pydantic and the rest were compiled when pip installed them: start-up would then
    measure the compiler, not ssj.
    """
    import compileall

    return bool(compileall.compile_dir(str(REPO / "shuangsuiji"), quiet=1))


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    out: Path = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    only = set(args.only.split(","))
    sizes = {
        "entities": scaled(ENTITIES, args.scale, 300)[: args.points],
        "year": scaled(YEAR_ENTITIES, args.scale, 300)[: args.points],
        "events": scaled(EVENTS, args.scale, 60)[: args.points],
        "ledger_entities": max(300, int(LEDGER_ENTITIES * min(1.0, args.scale * 10))),
    }
    report = {"git": git_rev(), "machine_before": machine(), "repeat": args.repeat, "scale": args.scale,
              "warmup": args.warmup, "sizes": sizes, "year_k": {}, "groups": {}}
    groups = report["groups"]
    report["bytecode_compiled"] = compile_package()
    started = time.perf_counter()
    if "startup" in only:
        groups["startup"] = run_group("startup", startup_sides(out), args.repeat, args.warmup, out)
    if "draw" in only:
        for n in sizes["entities"]:
            groups[f"draw@{n}"] = run_group(f"draw@{n:,}", draw_sides(n, out), args.repeat, args.warmup, out)
    if "year" in only:
        for n in sizes["year"]:
            sides, k = year_sides(n, out)
            report["year_k"][n] = k
            groups[f"year@{n}"] = run_group(f"year@{n:,} (k={k:,})", sides, args.repeat, args.warmup, out)
    if "ledger" in only:
        for e in sizes["events"]:
            sides = ledger_sides(e, sizes["ledger_entities"], out)
            groups[f"ledger@{e}"] = run_group(f"ledger@{e:,} events", sides, args.repeat, args.warmup, out)
    report["seconds"] = time.perf_counter() - started
    report["machine_after"] = machine()
    report["targets"] = evaluate(groups, sizes, report["year_k"])
    report["all_ok"] = all(s["ok"] for g in groups.values() for s in g.values())
    (out / "targets.json").write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print_table(report)
    print(f"written: {out / 'targets.json'}")
    return 0 if report["all_ok"] else 1


def print_table(report: dict) -> None:
    print()
    print(f"medians of {report['repeat']} (scale {report['scale']}, load before {report['machine_before']['loadavg']})")
    print(f"{'group':<22}{'command':<16}{'time s':>10}{'peak MiB':>10}")
    for gname, g in report["groups"].items():
        for side, s in g.items():
            flag = "" if s["ok"] else "  FAILED"
            print(f"{gname:<22}{side:<16}{s['seconds']:>10.3f}{s['max_rss_bytes'] / MIB:>10.1f}{flag}")
    print()
    print(f"{'target':<7}{'what':<72}{'measured':>10}{'bar':>8}  verdict")
    for t in report["targets"]:
        value = "-" if t["value"] is None else f"{t['value']:.2f}"
        bar = "-" if t["bar"] is None else f"{t['bar']:g}"
        print(f"{t['id']:<7}{t['title']:<72}{value:>10}{bar:>8}  {t['verdict']}")


if __name__ == "__main__":
    sys.exit(main())
