"""actions/listing.py ``draw_rows``, called directly on a ledger written inline: drawn rounds and open commitments,
in ledger order, each with its state."""

from __future__ import annotations

from pathlib import Path

from shuangsuiji.actions.listing import draw_rows
from shuangsuiji.ledger.chain import Ledger
from shuangsuiji.workspace import Workspace

SOURCE = "中国福利彩票 3D 第 2022089 期开奖号码"


def commit_line(year: int, task: str, number: int, date: str, n: int, source_date: str) -> dict:
    return {"year": year, "task": task, "round": number, "date": date, "record": f"{year}/{task}-r{number}-commit-{n}.json",
            "record_sha256": "0" * 64, "text_sha256": "1" * 64, "algorithm": "sha256-rank", "k": 2, "pool_sha256": "2" * 64,
            "source_plan": SOURCE, "source_date": source_date, "source_numbers": [3]}


def draw_line(year: int, task: str, number: int, date: str, seed: str, commit: int | None = None) -> dict:
    line = {"year": year, "task": task, "round": number, "date": date, "record": f"{year}/{task}-r{number}.json",
            "record_sha256": "3" * 64, "algorithm": "sha256-rank", "seed": seed, "k": 1, "picks": ["91140428MA001007XX"],
            "new_cycle": False, "cycle_picks": []}
    return line if commit is None else {**line, "commit": commit}


def void_line(year: int, task: str, number: int, date: str, reason: str) -> dict:
    return {"year": year, "task": task, "round": number, "date": date, "reason": reason}


def workspace_with(tmp_path: Path, lines: list[tuple[str, dict]]):
    (tmp_path / "draws").mkdir()
    ledger = Ledger(tmp_path / "draws" / "ledger.jsonl")
    with ledger.locked():
        for kind, data in lines:
            ledger.append(kind, data)
    return Workspace(tmp_path)  # draw_rows reads the ledger alone: no plans/ needed


def test_draw_rows_lists_open_commitments_among_the_rounds_in_ledger_order(tmp_path):
    ws = workspace_with(tmp_path, [
        ("draw", draw_line(2022, "coal", 1, "2022-03-01", "c1")),                       # 1 drawn
        ("commit", commit_line(2022, "hazchem", 1, "2022-04-06", 2, "2022-04-08")),     # 2 voided below: gone
        ("void", void_line(2022, "hazchem", 1, "2022-04-07", "开奖延期")),              # 3
        ("commit", commit_line(2022, "hazchem", 1, "2022-04-07", 4, "2022-04-09")),     # 4 revealed below: a round
        ("draw", draw_line(2022, "hazchem", 1, "2022-04-09", "2.3.5./", commit=4)),     # 5
        ("void", void_line(2022, "coal", 1, "2022-04-10", "名录库有误")),               # 6 voids coal round 1
        ("commit", commit_line(2022, "industry", 1, "2022-07-01", 7, "2022-07-05")),    # 7 open
        ("commit", commit_line(2023, "coal", 1, "2023-02-01", 8, "2023-02-03")),        # 8 open, another year
    ])
    rows = draw_rows(ws, None)
    assert [(r["seq"], r["state"], r["task"], r["round"]) for r in rows] == [
        (1, "voided", "coal", 1), (5, "drawn", "hazchem", 1), (7, "committed", "industry", 1), (8, "committed", "coal", 1)]
    assert rows[0] == {
        "year": 2022, "task": "coal", "round": 1, "date": "2022-03-01", "seed": "c1", "algorithm": "sha256-rank", "k": 1,
        "voided": True, "void_reason": "名录库有误", "record": "2022/coal-r1.json", "seq": 1, "state": "voided",
        "source_plan": None, "source_date": None}
    assert (rows[1]["seed"], rows[1]["source_plan"], rows[1]["source_date"]) == ("2.3.5./", SOURCE, "2022-04-09")
    assert rows[2] == {
        "year": 2022, "task": "industry", "round": 1, "date": "2022-07-01", "seed": None, "algorithm": "sha256-rank", "k": 2,
        "voided": False, "void_reason": None, "record": "2022/industry-r1-commit-7.json", "seq": 7, "state": "committed",
        "source_plan": SOURCE, "source_date": "2022-07-05"}
    assert [r["seq"] for r in draw_rows(ws, 2022)] == [1, 5, 7]
    assert [r["seq"] for r in draw_rows(ws, 2023)] == [8]
    assert all(set(r) == set(rows[0]) for r in rows)  # one shape for every row


def test_draw_rows_of_an_empty_ledger(tmp_path):
    assert draw_rows(workspace_with(tmp_path, []), None) == []
