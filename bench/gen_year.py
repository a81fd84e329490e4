"""Generate a province year: one big hazchem round drawn, every result recorded, published.

    python bench/gen_year.py N OUTDIR

builds, through the ssj command line as a clerk would run it,

* ``OUTDIR/``                 -- a workspace over the registry of ``bench/gen_registry.py`` with N
  entities (generated into ``OUTDIR/../ws-N`` when missing; its data files are hard-linked);
* ``ssj draw --task hazchem --seed bench --today 2022-04-06 --json``: one round, k picks
  (k = 55,501 at N = 1,000,000);
* ``OUTDIR/results/hazchem-r1.csv``: one result per pick, dated 2022-04-07 .. 2022-06-30,
  of every code in a fixed mix, recorded in one ``ssj record --from`` (all or nothing);
* ``ssj publish --task hazchem --date 2022-07-05 --format csv``;
* ``OUTDIR/bench/ledger-after-draw.jsonl``: the ledger as it stood before the import, so a
  benchmark can time the import again; ``OUTDIR/bench_meta.json`` with N, k and what the
  benchmark's commands need (an entity to correct, the dates).

``ssj verify`` passes on the result. Output is a function of N apart from the timestamps
ssj itself writes (``created_at``, the ledger's ``at``).
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench.gen_registry import generate  # noqa: E402

TASK, SEED, DRAW_DAY = "hazchem", "bench", "2022-04-06"
LAST_CHECK_DAY, PUBLISH_DAY, AFTER_DAY = "2022-06-30", "2022-07-05", "2022-07-20"
# (result label as a clerk types it, measures), cycled over the picks: every code appears.
RESULT_MIX = (
    ("未发现问题", ""), ("未发现问题", ""), ("未发现问题", ""), ("未发现问题", ""), ("未发现问题", ""),
    ("发现问题，责令整改", "责令限期整改安全警示标识"), ("未发现问题", ""), ("未发现问题", ""),
    ("发现问题，责令整改", "责令限期整改特种作业人员持证问题"), ("未发现问题", ""), ("未发现问题", ""),
    ("立案查处", "立案查处，罚款"), ("未发现问题", ""), ("未生产经营/无法检查", ""), ("未发现问题", ""),
    ("移交有权监管部门", "移交县市场监督管理局处理"), ("未发现问题", ""), ("移送司法机关", "移送县公安局"),
)


def ssj(ws: Path, *args: str) -> str:
    """``python -m shuangsuiji --root WS ARGS``; its stdout. Raises RuntimeError when it fails."""
    cmd = [sys.executable, "-m", "shuangsuiji", "--root", str(ws), *args]
    done = subprocess.run(cmd, capture_output=True, cwd=REPO)
    if done.returncode != 0:
        err = (done.stdout + done.stderr).decode("utf-8", "replace")
        raise RuntimeError(f"ssj {' '.join(args)} exited {done.returncode}:\n{err}")
    return done.stdout.decode("utf-8")


def registry(n: int, out: Path) -> tuple[Path, dict]:
    """``out/ws-N``: the registry workspace of ``gen_registry.py``, generated when missing."""
    ws = out / f"ws-{n}"
    meta_path = ws / "bench_meta.json"
    if meta_path.exists() and (ws / "data" / "entities.csv").exists():
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        if meta.get("n") == n:
            return ws, meta
    if ws.exists():
        shutil.rmtree(ws)
    return ws, generate(n, ws)


def link_workspace(src: Path, dst: Path) -> None:
    """A fresh workspace at ``dst`` with src's plans and data (hard links where possible) and empty draws/."""
    if dst.exists():
        shutil.rmtree(dst)
    for sub in ("plans", "data"):
        (dst / sub).mkdir(parents=True)
        for f in (src / sub).iterdir():
            try:
                os.link(f, dst / sub / f.name)
            except OSError:
                shutil.copyfile(f, dst / sub / f.name)
    (dst / "draws").mkdir()


def result_rows(picks: list[str]) -> list[list[str]]:
    """One row per pick: USCC, check day (spread over 2022-04-07 .. 2022-06-30), result, measures, note."""
    from datetime import date, timedelta

    first, last = date(2022, 4, 7), date.fromisoformat(LAST_CHECK_DAY)
    span = (last - first).days
    rows = []
    for i, entity in enumerate(picks):
        day = last if i == len(picks) - 1 else first + timedelta(days=(i * 7919) % (span + 1))
        label, measures = RESULT_MIX[i % len(RESULT_MIX)]
        rows.append([entity, day.isoformat(), label, measures, ""])
    return rows


def generate_year(n: int, out: Path) -> dict:
    """Build the year workspace (see the module docstring); returns its bench_meta.json."""
    reg, _ = registry(n, out.parent)
    tmp = out.with_name(out.name + ".building")
    link_workspace(reg, tmp)
    rec = json.loads(ssj(tmp, "draw", "--task", TASK, "--seed", SEED, "--today", DRAW_DAY, "--json"))
    picks = [p["entity"] for p in rec["picks"]]
    (tmp / "bench").mkdir()
    shutil.copyfile(tmp / "draws" / "ledger.jsonl", tmp / "bench" / "ledger-after-draw.jsonl")
    batch = tmp / "results" / f"{TASK}-r1.csv"
    batch.parent.mkdir()
    with batch.open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh, lineterminator="\r\n")
        w.writerow(["统一社会信用代码", "检查日期", "检查结果", "处理措施", "备注"])
        w.writerows(result_rows(picks))
    ssj(tmp, "record", "--task", TASK, "--round", "1", "--from", str(batch), "--today", LAST_CHECK_DAY)
    ssj(tmp, "publish", "--task", TASK, "--round", "1", "--date", PUBLISH_DAY, "--today", PUBLISH_DAY, "--format", "csv")
    meta = {
        "n": n, "task": TASK, "round": 1, "k": len(picks), "draw_day": DRAW_DAY, "publish_day": PUBLISH_DAY,
        "after_day": AFTER_DAY, "correct_entity": picks[0], "batch": batch.relative_to(tmp).as_posix(),
    }
    (tmp / "bench_meta.json").write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    if out.exists():
        shutil.rmtree(out)
    tmp.rename(out)
    return meta


def year(n: int, out: Path) -> tuple[Path, dict]:
    """``out/year-N``, generated when missing."""
    ws = out / f"year-{n}"
    meta_path = ws / "bench_meta.json"
    if meta_path.exists():
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        if meta.get("n") == n:
            return ws, meta
    return ws, generate_year(n, ws)


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: python bench/gen_year.py N OUTDIR", file=sys.stderr)
        return 2
    meta = generate_year(int(argv[0].replace("_", "")), Path(argv[1]).resolve())
    print(json.dumps(meta, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
