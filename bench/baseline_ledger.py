"""The floor for commands that read the ledger: a bare loop that reads it and json-decodes each line.

    python bench/baseline_ledger.py LEDGER

Prints the number of lines decoded. Every command that folds the ledger has to do at least
this much; the benchmark's targets for them are ratios against it.
"""

import json
import sys


def main(argv):
    if len(argv) != 1:
        print("usage: python bench/baseline_ledger.py LEDGER", file=sys.stderr)
        return 2
    n = 0
    with open(argv[0], "rb") as fh:
        for line in fh:
            json.loads(line)
            n += 1
    print(n)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
