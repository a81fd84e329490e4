"""What ``ssj draw --dry-run`` computes, without the CLI and its table: a diagnostic side.

    python bench/ssj_core.py WORKSPACE TASK SEED TODAY

Loads and checks the plan and both registries (``load_inputs``), reads and folds the ledger,
prepares the draw record (scope, pool, picks, teams) with ``prepare_draw`` (what
``actions.draw.run_draw`` does for a dry run, with the seed given) and prints the picked ids,
one per line. The benchmark runs it beside the real command so that the cost of ssj's
checking and drawing can be told apart from the cost of rendering the result table.
"""

import sys
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from shuangsuiji.actions.draw import prior_checks  # noqa: E402
from shuangsuiji.draw.prepare import DrawRequest, prepare_draw, resolve_seed  # noqa: E402
from shuangsuiji.inputs.year import load_inputs  # noqa: E402
from shuangsuiji.ledger.chain import load_events, now_china  # noqa: E402
from shuangsuiji.ledger.state import build_rounds  # noqa: E402
from shuangsuiji.workspace import find_workspace  # noqa: E402


def main(argv):
    if len(argv) != 4:
        print("usage: python bench/ssj_core.py WORKSPACE TASK SEED TODAY", file=sys.stderr)
        return 2
    root, task, seed, today = argv
    ws = find_workspace(root)
    inputs = load_inputs(ws, None)
    events = load_events(ws.ledger_path, ws.show(ws.ledger_path))
    rounds = build_rounds(events)
    req = DrawRequest(task=task, day=date.fromisoformat(today), seed=seed)
    prior = prior_checks(ws, rounds, inputs.plan.year, len(events) + 1)
    record = prepare_draw(inputs, rounds, req, resolve_seed(req, ""), now_china().isoformat(), prior)
    sys.stdout.write("".join(f"{p.entity}\n" for p in record.picks))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
