"""Helpers shared by the tests of results, deadlines, notices and the draw sheet.

Every helper drives the real CLI (the ``ssj`` fixture of conftest) on a temp workspace.
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.test_workdays import FULL_2027  # noqa: F401  (one made-up 2027 schedule for all tests)


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
