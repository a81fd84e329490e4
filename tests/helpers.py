"""The one helper module of the tests: the CLI runner, tree digests, and the shared builders.

Fixtures live in ``conftest.py`` and use these; test modules import from here and never
from each other. Every builder drives the real CLI (``Ssj``) on a temp workspace.
"""

from __future__ import annotations

import csv
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from typer.testing import CliRunner

from shuangsuiji.cli import app
from shuangsuiji.errors import InputErrors
from shuangsuiji.files.tables import read_table
from shuangsuiji.inputs.entities import load_entity_table
from shuangsuiji.inputs.entity_rules import ENTITY_COLUMNS, EntityRules
from shuangsuiji.records import Entity


def ok(res):
    assert res.exit_code == 0, res.output
    return res


def fresh_seed(ssj) -> str:
    """"s1" for the workspace's first draw, "s1-2", "s1-3" ... after it: ssj refuses a seed the ledger holds."""
    ledger = Path(ssj.root) / "draws" / "ledger.jsonl"
    lines = ledger.read_text(encoding="utf-8").splitlines() if ledger.exists() else []
    n = sum(1 for line in lines if json.loads(line).get("type") == "draw")
    return "s1" if n == 0 else f"s1-{n + 1}"


def draw(ssj, task: str = "hazchem", day: str = "2022-04-06", seed: str | None = None, *extra: str) -> dict:
    res = ok(ssj("draw", "--task", task, "--seed", seed or fresh_seed(ssj), "--today", day, "--json", *extra))
    return json.loads(res.stdout)


def picks(record: dict) -> list[str]:
    return [p["entity"] for p in record["picks"]]


def record_all(ssj, record: dict, day: str, today: str | None = None, result: str = "no_problem", *extra: str) -> None:
    """Record the same result for every pick of a round, dated ``day``."""
    for entity in picks(record):
        ok(ssj("record", "--task", record["task"], "--round", str(record["round"]), "--entity", entity,
               "--date", day, "--result", result, "--today", today or day, *extra))


def due(ssj, today: str, *extra: str) -> list[dict]:
    res = ok(ssj("publish-due", "--today", today, "--json", *extra))
    return json.loads(res.stdout)


def plan_for_year(ws: Path, year: int) -> None:
    """plans/<year>.yaml: the shipped 2022 plan with every 2022 replaced."""
    text = (ws / "plans" / "2022.yaml").read_text(encoding="utf-8")
    (ws / "plans" / f"{year}.yaml").write_text(text.replace("2022", str(year)), encoding="utf-8")


def ledger_bytes(ws: Path) -> bytes:
    path = ws / "draws" / "ledger.jsonl"
    return path.read_bytes() if path.exists() else b""


def ledger_events(ws: Path) -> list[dict]:
    return [json.loads(line) for line in ledger_bytes(ws).decode("utf-8").splitlines()]


def as_before_kept_inputs(ws: Path) -> None:
    """Make the workspace's draws look made before ssj kept their inputs: no ``kept_inputs`` on the
    draw lines (the chain re-linked, as ssj wrote it then) and no ``draws/inputs/``."""
    import shutil

    from shuangsuiji.ledger.chain import GENESIS, encode_event, line_digest

    prev, out = GENESIS, []
    for line in ledger_events(ws):
        head = {k: line.pop(k) for k in ("seq", "type", "at", "prev")}
        line.pop("kept_inputs", None)
        raw = encode_event(head["seq"], head["type"], head["at"], prev, line)
        out.append(raw + b"\n")
        prev = line_digest(raw)
    (ws / "draws" / "ledger.jsonl").write_bytes(b"".join(out))
    shutil.rmtree(ws / "draws" / "inputs")


CATEGORIES = {
    "coal_mine": "煤矿",
    "coal_washing": "洗（储）煤",
    "hazchem_production": "危险化学品生产",
    "hazchem_trading": "危险化学品经营",
    "industry_trade": "工贸",
}


def load_entities(path: Path, shown: str, categories: dict[str, str]) -> list[Entity]:
    """The one loader's entities as a list."""
    return list(load_entity_table(path, shown, categories))


def rules_row_by_row(path: Path, shown: str, categories: dict[str, str]) -> list[Entity]:
    """``EntityRules.row`` on every row of ``read_table``, with no bulk path at all."""
    table = read_table(path, shown, ENTITY_COLUMNS)
    rules = EntityRules(table.shown, categories)
    errors = list(table.errors)
    first_line: dict[str, int] = {}
    out = []
    for line, row in table.rows:
        result = rules.row(line, row, first_line)
        if isinstance(result, list):
            errors.extend(result)
        else:
            out.append(result)
    if errors:
        raise InputErrors(sorted(errors, key=lambda e: e.line))
    return out


REPO = Path(__file__).resolve().parent.parent


class Ssj:
    """Runs ``ssj --root <ws> ...`` through Typer's CliRunner."""

    def __init__(self, root: Path) -> None:
        self.root = root
        # Click < 8.2 (which Typer < 0.16 may bring) mixes stderr into stdout unless told not to.
        try:
            self.runner = CliRunner(mix_stderr=False)
        except TypeError:
            self.runner = CliRunner()

    def __call__(self, *args: str, input: str | None = None):
        result = self.runner.invoke(app, ["--root", str(self.root), *args], input=input, catch_exceptions=False)
        return result


def tree_digest(root: Path) -> dict[str, str]:
    """SHA-256 of every file under root, to assert that a failed command changed nothing."""
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and not p.name.endswith(".lock")
    }


def console_script() -> list[str]:
    """The installed ``ssj`` next to this Python (what a clerk runs), else ``python -m shuangsuiji``."""
    import sys

    folder = Path(sys.executable).parent
    for name in ("ssj", "ssj.exe"):
        if (folder / name).is_file():
            return [str(folder / name)]
    return [sys.executable, "-m", "shuangsuiji"]


# A made-up but plausible full 2027 schedule; line numbers are asserted below.
FULL_2027 = """\
year: 2027
holidays:
  - name: 元旦
    days: [2027-01-01, 2027-01-03]
  - name: 春节
    days: [2027-02-06, 2027-02-14]
  - name: 清明节
    days: [2027-04-03, 2027-04-05]
  - name: 劳动节
    days: [2027-05-01, 2027-05-05]
  - name: 端午节
    days: 2027-06-09
  - name: 中秋节
    days: 2027-09-15
  - name: 国庆节
    days: [2027-10-01, 2027-10-07]
workdays:
  - 2027-02-20
  - 2027-04-25
  - 2027-09-26
  - 2027-10-09
"""


TODAY = "2022-12-20"


CODES = ("no_problem", "rectify", "penalty", "transfer", "judicial", "not_operating")


@dataclass
class Rnd:
    task: str
    number: int
    date: str
    record: dict
    voided: bool = False
    results: dict[str, tuple[str, str, str]] = field(default_factory=dict)  # entity -> (code, date, measures), current
    published: list[tuple[str, bool, bool]] = field(default_factory=list)  # (date, on_time, partial)

    @property
    def picks(self) -> list[str]:
        return [p["entity"] for p in self.record["picks"]]


class Year:
    """Drives the CLI and keeps its own book of what happened."""

    def __init__(self, ssj, root: Path) -> None:
        self.ssj = ssj
        self.root = root
        self.rounds: list[Rnd] = []
        self.result_dates: list[str] = []  # one per result command row, not used for counting
        self.publish_dates: list[str] = []

    def run(self, *args: str):
        res = self.ssj(*args)
        assert res.exit_code == 0, res.output
        return res

    def draw(self, task: str, seed: str, day: str) -> Rnd:
        rec = json.loads(self.run("draw", "--task", task, "--seed", seed, "--today", day, "--json").stdout)
        r = Rnd(task, rec["round"], day, rec)
        self.rounds.append(r)
        return r

    def void(self, r: Rnd, day: str) -> None:
        self.run("void", "--task", r.task, "--round", str(r.number), "--reason", "见证人未到场", "--today", day)
        r.voided = True

    def record(self, r: Rnd, entity: str, day: str, code: str, measures: str = "") -> None:
        self.run("record", "--task", r.task, "--round", str(r.number), "--entity", entity, "--date", day,
                 "--result", code, "--measures", measures, "--today", day)
        r.results[entity] = (code, day, measures)

    def record_batch(self, r: Rnd, rows: list[tuple[str, str, str, str]], day: str, path: Path) -> None:
        with path.open("w", encoding="utf-8-sig", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(["统一社会信用代码", "检查日期", "检查结果", "处理措施"])
            for entity, d, code, measures in rows:
                w.writerow([entity, d, code, measures])
        self.run("record", "--task", r.task, "--round", str(r.number), "--from", str(path), "--today", day)
        for entity, d, code, measures in rows:
            r.results[entity] = (code, d, measures)

    def publish(self, r: Rnd, day: str, partial: bool = False) -> dict:
        args = ["publish", "--task", r.task, "--round", str(r.number), "--date", day, "--today", day, "--format", "csv", "--json"]
        if partial:
            args.append("--partial")
        ev = json.loads(self.run(*args).stdout)
        r.published.append((day, ev["on_time"], ev["partial"]))
        return ev


def report_json(ssj, *extra: str) -> dict:
    res = ssj("report", "--year", "2022", "--today", TODAY, "--format", "json", *extra)
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout)
