"""The cost of appending one event to a ledger, without the command around it.

    python bench/append_one.py WORKSPACE

Appends one result event (a correction of ``correct_entity`` in ``bench_meta.json``'s last
complete round, as ``ssj record`` would after its checks) through ssj's own ``Ledger``,
under its lock, and prints ``{"seconds": ...}``: the time of taking the lock, appending and
fsyncing. ``ssj record`` of one result costs this plus reading the ledger's state; the
benchmark checks that this part does not grow with the ledger's length.
"""

import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from shuangsuiji.ledger.chain import Ledger  # noqa: E402


def main(argv):
    if len(argv) != 1:
        print("usage: python bench/append_one.py WORKSPACE", file=sys.stderr)
        return 2
    root = Path(argv[0])
    meta = json.loads((root / "bench_meta.json").read_text(encoding="utf-8"))
    data = {
        "year": 2022, "task": meta["task"], "round": meta["last_complete_round"], "entity": meta["correct_entity"],
        "date": meta["after_day"], "result": "rectify", "measures": f"复查（{time.time_ns()}）", "note": "",
    }
    start = time.perf_counter()
    ledger = Ledger(root / "draws" / "ledger.jsonl")
    with ledger.locked():
        ledger.append("result", data)
    print(json.dumps({"seconds": time.perf_counter() - start}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
