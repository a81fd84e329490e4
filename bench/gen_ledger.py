"""Generate a workspace whose ledger holds a given number of events, fast.

    python bench/gen_ledger.py EVENTS OUTDIR [--entities N]

writes a registry of N entities (``bench/gen_registry.py``; the default 6,800 gives hazchem
rounds of about 385 picks), then rounds of the hazchem task until the ledger holds EVENTS
lines: each round is one draw (its record prepared by ssj's own ``prepare_draw`` and
encoded by ``record_bytes``, so ``ssj verify`` re-derives it) followed by one result per
pick (every 40th pick corrected once more). Rounds are drawn 2022-04-01 .. 2022-06-30 and
go through the cycles as ``ssj draw`` would (each round excludes the cycle's earlier picks).
The last round may be left incomplete, as a round still being checked is.

Ledger lines are written directly, with the hash-chain encoding of
``shuangsuiji/ledger/chain.py`` (``encode_event``, ``line_digest``), instead of by one
``ssj`` process per event: 10^5 events take seconds, not hours. Nothing is published
(publishing writes notice files through ``ssj publish``, one process per round). The
draw lines hold what ``ssj draw`` commits (``draw_event_data``); ``ssj verify`` passes
on the result, which ``tests/test_bench_smoke.py`` checks.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from datetime import date, datetime, time, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench.gen_registry import generate  # noqa: E402
from shuangsuiji.actions.kept import keep_inputs  # noqa: E402
from shuangsuiji.draw.prepare import DrawRequest, prepare_draw, resolve_seed  # noqa: E402
from shuangsuiji.draw.record import DrawRecord, record_bytes  # noqa: E402
from shuangsuiji.draw.teams import add_checks, checks_by_inspector  # noqa: E402
from shuangsuiji.inputs.year import load_inputs  # noqa: E402
from shuangsuiji.ledger.chain import (  # noqa: E402
    CHINA_TZ,
    GENESIS,
    Ledger,
    encode_event,
    line_digest,
    load_events,
)
from shuangsuiji.ledger.state import build_rounds  # noqa: E402
from shuangsuiji.workspace import find_workspace  # noqa: E402

TASK = "hazchem"
FIRST_DAY, LAST_DAY = date(2022, 4, 1), date(2022, 6, 30)
CODES = ("no_problem",) * 8 + ("rectify", "no_problem", "penalty", "not_operating")
CORRECT_EVERY = 40


def draw_event_data(record: DrawRecord, record_rel: str, record_sha256: str, kept: dict[str, str]) -> dict:
    """The fields of the draw line ``ssj draw`` appends for a record (``actions/draw._commit``)."""
    return {
        "year": record.year, "task": record.task, "round": record.round, "date": record.date,
        "record": record_rel, "record_sha256": record_sha256, "algorithm": record.algorithm,
        "seed": record.seed, "k": record.k, "picks": record.pick_ids,
        "new_cycle": record.new_cycle, "cycle_picks": list(record.cycle_picks), "kept_inputs": kept,
    }


class ChainWriter:
    """Writes ledger lines in order, keeping seq and the previous line's hash."""

    def __init__(self, fh) -> None:
        self.fh = fh
        self.seq = 0
        self.prev = GENESIS

    def append(self, kind: str, at: datetime, data: dict) -> None:
        raw = encode_event(self.seq + 1, kind, at.isoformat(), self.prev, data)
        self.fh.write(raw + b"\n")
        self.seq += 1
        self.prev = line_digest(raw)


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), CHINA_TZ)


def generate_ledger(events: int, out: Path, entities: int = 6800) -> dict:
    """Write the workspace; returns the counts also written to bench_meta.json."""
    generate(entities, out)
    ws = find_workspace(out)
    inputs = load_inputs(ws, 2022)
    kept = keep_inputs(ws, inputs)  # every round draws from the same files: kept once, as ssj draw would
    task = inputs.plan.task(TASK)
    scope = len(inputs.scope_ids(task))
    k = task.draw_count(scope)
    rounds_needed = max(1, -(-events // (k + 1 + k // CORRECT_EVERY)))
    step = (LAST_DAY - FIRST_DAY).days / rounds_needed
    # The draws alone, in a ledger of their own that ssj reads back: prepare_draw sees the
    # earlier rounds exactly as it would in the real ledger (numbers, cycles, exclusions).
    draws_only = Ledger(out / "bench" / "draws-only.jsonl", "bench/draws-only.jsonl")
    (out / "bench").mkdir(exist_ok=True)
    ws.year_dir(2022).mkdir(parents=True, exist_ok=True)
    rounds = last_complete = 0
    correct = None
    checks: dict[str, int] = {}  # the year's running checks per inspector (every round here is live)
    with ws.ledger_path.open("wb") as fh:
        chain = ChainWriter(fh)
        while chain.seq < events:
            day = FIRST_DAY + timedelta(days=int(rounds * step))
            prior = build_rounds(load_events(draws_only.path, draws_only.shown))
            req = DrawRequest(task=TASK, day=day, seed=f"bench-{rounds + 1}")
            record = prepare_draw(inputs, prior, req, resolve_seed(req, ""), _at(day, 9).isoformat(), checks)
            add_checks(checks, checks_by_inspector(p.inspectors for p in record.picks))
            data = record_bytes(record)
            rel = f"2022/{TASK}-r{record.round}.json"
            (ws.draws_dir / rel).write_bytes(data)
            line = draw_event_data(record, rel, hashlib.sha256(data).hexdigest(), kept)
            chain.append("draw", _at(day, 9), line)
            with draws_only.locked():
                draws_only.append("draw", line, _at(day, 9))
            rounds += 1
            picks = line["picks"]
            done = _results(chain, events, record, picks, day)
            if done == len(picks) or correct is None:  # a ledger shorter than one round: its first pick
                last_complete, correct = record.round, picks[0]
    meta = {
        "events": chain.seq, "entities": entities, "task": TASK, "k": k, "rounds": rounds,
        "last_complete_round": last_complete, "correct_entity": correct, "after_day": "2022-07-20",
    }
    (out / "bench_meta.json").write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return meta


def _results(chain: ChainWriter, events: int, record: DrawRecord, picks: list[str], day: date) -> int:
    """Append the round's results (and corrections) until the ledger holds ``events``; how many picks got one."""
    base = {"year": record.year, "task": record.task, "round": record.round}
    done = 0
    for i, entity in enumerate(picks):
        if chain.seq >= events:
            break
        checked = min(LAST_DAY, day + timedelta(days=1 + i % 20))
        code = CODES[i % len(CODES)]
        measures = "责令限期整改" if code == "rectify" else ""
        chain.append("result", _at(checked, 17), base | {
            "entity": entity, "date": checked.isoformat(), "result": code, "measures": measures, "note": "",
        })
        done += 1
    for i, entity in enumerate(picks[:done:CORRECT_EVERY]):
        if chain.seq >= events:
            break
        checked = min(LAST_DAY, day + timedelta(days=21))
        chain.append("result", _at(checked, 17), base | {
            "entity": entity, "date": checked.isoformat(), "result": "rectify", "measures": "复查后更正", "note": "更正",
        })
    return done


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("events", type=lambda s: int(s.replace("_", "")))
    ap.add_argument("outdir", type=Path)
    ap.add_argument("--entities", type=int, default=6800)
    args = ap.parse_args(argv)
    print(json.dumps(generate_ledger(args.events, args.outdir, args.entities), ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
