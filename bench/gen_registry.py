"""Generate a large, valid ssj workspace for benchmarks.

    python bench/gen_registry.py N OUTDIR

writes

* ``OUTDIR/plans/2022.yaml``   -- a copy of the shipped plan;
* ``OUTDIR/data/entities.csv`` -- N entities in the canonical format (UTF-8 with BOM,
  CRLF, header ``id,name,category,town,status,risk``, rows sorted by id), each with a
  valid GB 32100 USCC made by ``shuangsuiji.inputs.uscc``;
* ``OUTDIR/data/inspectors.csv`` -- the shipped inspectors with their ``avoid`` column
  emptied (the shipped avoid entries name entities that the generated registry lacks);
* ``OUTDIR/draws/`` -- empty;
* ``OUTDIR/bench_meta.json`` -- counts per category and status, so a caller can
  compute a task's scope and k without reading the registry.

Output is a pure function of N: no clock, no ``random``. Categories follow the shipped
registry's proportions (6 煤矿, 31 洗煤, 2 危化生产, 39 危化经营, 55 工贸 in every 133),
spread over the id range by a fixed multiplicative scramble; about 90% are 在营, the
rest 停产 or 注销.
"""

from __future__ import annotations

import csv
import json
import shutil
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from shuangsuiji.inputs import uscc  # noqa: E402

TOWNS = ("丹朱镇", "鲍店镇", "石哲镇", "大堡头镇", "慈林镇", "色头镇", "南漳镇", "宋村乡", "南陈乡", "碾张乡", "常张乡")
# (category, name suffix, how many in every 133), as in the shipped data/entities.csv
MIX = (
    ("coal_mine", "煤业有限公司", 6),
    ("coal_washing", "洗煤厂", 31),
    ("hazchem_production", "化工有限公司", 2),
    ("hazchem_trading", "危化品经营部", 39),
    ("industry_trade", "工贸有限公司", 55),
)
_SLOTS = [i for i, (_, _, n) in enumerate(MIX) for _ in range(n)]  # 133 slots
RISKS = ("B", "", "B", "C", "A", "B", "", "D", "C", "A")
HEADER = ["id", "name", "category", "town", "status", "risk"]


def uscc_for(i: int) -> str:
    """A valid USCC for the i-th entity (0-based); increasing in i, distinct for i < 31**6."""
    a = uscc.ALPHABET
    digits = []
    n = i
    for _ in range(6):
        n, r = divmod(n, 31)
        digits.append(a[r])
    org8 = "MA" + "".join(reversed(digits))
    org = org8 + uscc.org_check_char(org8)
    first17 = "91140428" + org
    return first17 + uscc.check_char(first17)


def _scramble(i: int) -> int:
    return (i * 2654435761 + 12345) % 4294967296


def row(i: int) -> list[str]:
    h = _scramble(i)
    category, suffix, _ = MIX[_SLOTS[h % len(_SLOTS)]]
    town = TOWNS[(h >> 8) % len(TOWNS)]
    s = (h >> 16) % 100
    status = "在营" if s < 90 else ("停产" if s < 96 else "注销")
    risk = RISKS[(h >> 24) % len(RISKS)]
    name = f"长子县示例{town[:-1]}第{i + 1}{suffix}"
    return [uscc_for(i), name, category, town, status, risk]


def generate(n: int, out: Path) -> dict:
    """Write the workspace; returns the counts also written to bench_meta.json."""
    out.mkdir(parents=True, exist_ok=True)
    (out / "plans").mkdir(exist_ok=True)
    (out / "data").mkdir(exist_ok=True)
    (out / "draws").mkdir(exist_ok=True)
    shutil.copyfile(REPO / "plans" / "2022.yaml", out / "plans" / "2022.yaml")

    counts: dict[str, dict[str, int]] = {c: {} for c, _, _ in MIX}
    tmp = out / "data" / "entities.csv.tmp"
    with tmp.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\r\n")
        writer.writerow(HEADER)
        batch = []
        for i in range(n):
            r = row(i)
            by_status = counts[r[2]]
            by_status[r[4]] = by_status.get(r[4], 0) + 1
            batch.append(r)
            if len(batch) >= 10000:
                writer.writerows(batch)
                batch.clear()
        writer.writerows(batch)
    tmp.replace(out / "data" / "entities.csv")

    with (REPO / "data" / "inspectors.csv").open(encoding="utf-8-sig", newline="") as src:
        rows = list(csv.reader(src))
    avoid = rows[0].index("avoid")
    for r in rows[1:]:
        if len(r) > avoid:
            r[avoid] = ""
    with (out / "data" / "inspectors.csv").open("w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh, lineterminator="\r\n").writerows(rows)

    meta = {"n": n, "counts": counts}
    (out / "bench_meta.json").write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return meta


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: python bench/gen_registry.py N OUTDIR", file=sys.stderr)
        return 2
    n = int(argv[0].replace("_", ""))
    if not 0 < n < 31**6:
        print(f"N must be between 1 and {31**6 - 1}", file=sys.stderr)
        return 2
    meta = generate(n, Path(argv[1]))
    print(json.dumps(meta, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
