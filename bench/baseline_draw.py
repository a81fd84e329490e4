"""The obvious script a user might write instead of ``ssj draw``: the benchmark's baseline.

    python bench/baseline_draw.py WORKSPACE CATEGORIES K

CATEGORIES is a comma-separated list of category codes. Reads
WORKSPACE/data/entities.csv with csv.DictReader, keeps the rows in those categories
whose status is 在营, and prints the ids of random.sample(rows, K), one per line.
"""

import csv
import random
import sys


def main(argv):
    if len(argv) != 3:
        print("usage: python bench/baseline_draw.py WORKSPACE CATEGORIES K", file=sys.stderr)
        return 2
    workspace, categories, k = argv[0], set(argv[1].split(",")), int(argv[2])
    with open(f"{workspace}/data/entities.csv", encoding="utf-8-sig", newline="") as fh:
        rows = [row for row in csv.DictReader(fh) if row["category"] in categories and row["status"] == "在营"]
    for row in random.sample(rows, k):
        print(row["id"])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
