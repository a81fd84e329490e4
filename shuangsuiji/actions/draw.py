"""Drawing and voiding rounds: the only code that writes draw records and their ledger lines."""

from __future__ import annotations

import hashlib
import json
from datetime import date
from pathlib import Path
from typing import Any

from shuangsuiji.draw.prepare import DrawRequest, prepare_draw
from shuangsuiji.draw.record import record_bytes
from shuangsuiji.errors import (
    LedgerCorrupt,
    SsjError,
)
from shuangsuiji.files.text import atomic_write_bytes
from shuangsuiji.inputs.year import Inputs
from shuangsuiji.ledger.chain import Ledger, LedgerEvent, load_events
from shuangsuiji.ledger.state import find_round
from shuangsuiji.workspace import Workspace


def load_record(ws: Workspace, draw: LedgerEvent, check: bool = True) -> dict[str, Any]:
    """The draw record a ledger line names; with ``check``, refuses bytes that differ from the ledger's hash.

    Raises LedgerCorrupt when the file is missing, altered (with ``check``) or not a JSON object.
    """
    path = ws.draws_dir / str(draw.get("record", ""))
    shown = ws.show(path)
    try:
        data = path.read_bytes()
    except OSError:
        raise LedgerCorrupt(f"{shown}: 摇号记录文件不存在（账本第 {draw.seq} 号事件）", "请从备份恢复该文件，再运行 ssj verify") from None
    if check and hashlib.sha256(data).hexdigest() != draw.get("record_sha256"):
        raise LedgerCorrupt(f"{shown}: 摇号记录的 SHA-256 与账本第 {draw.seq} 号事件不符，文件被改动过", "请运行 ssj verify，并从备份恢复该文件")
    try:
        record = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        record = None
    if not isinstance(record, dict):
        raise LedgerCorrupt(f"{shown}: 摇号记录不是有效的 JSON", "请运行 ssj verify，并从备份恢复该文件")
    return record


def record_path(ws: Workspace, year: int, task: str, number: int) -> Path:
    return ws.year_dir(year) / f"{task}-r{number}.json"


def run_draw(ws: Workspace, inputs: Inputs, req: DrawRequest, dry_run: bool = False) -> tuple[dict[str, Any], LedgerEvent | None]:
    """Prepare a draw and, unless ``dry_run``, commit it; returns (record, ledger event or None).

    The ledger is read, the draw prepared, the record written and the ledger line appended
    all under one hold of the ledger lock, so a void or another draw by a second clerk
    cannot slip in between and leave a record whose exclusions no longer hold.
    """
    shown = ws.show(ws.ledger_path)
    if dry_run:
        return prepare_draw(inputs, load_events(ws.ledger_path, shown), req), None
    ledger = Ledger(ws.ledger_path, shown)
    with ledger.locked():
        record = prepare_draw(inputs, load_events(ws.ledger_path, shown), req)
        return record, _commit(ws, ledger, record)


def _commit(ws: Workspace, ledger: Ledger, record: dict[str, Any]) -> LedgerEvent:
    """Write the record atomically, then append the ledger line that commits it (lock held)."""
    year, task, number = record["year"], record["task"], record["round"]
    path = record_path(ws, year, task, number)
    if path.exists():
        _keep_orphan(path)
    data = record_bytes(record)
    atomic_write_bytes(path, data)
    return ledger.append("draw", {
        "year": year,
        "task": task,
        "round": number,
        "date": record["date"],
        "record": path.relative_to(ws.draws_dir).as_posix(),
        "record_sha256": hashlib.sha256(data).hexdigest(),
        "algorithm": record["algorithm"],
        "seed": record["seed"],
        "k": record["k"],
        "picks": [p["entity"] for p in record["picks"]],
        "new_cycle": record["new_cycle"],
        "cycle_picks": record["cycle_picks"],
    })


def _keep_orphan(path: Path) -> None:
    """A record file with no ledger line is an interrupted draw: keep it aside as evidence, never overwrite it."""
    n = 1
    while (aside := path.with_name(f"{path.stem}.orphan-{n}.json")).exists():
        n += 1
    path.rename(aside)


def void_round(ws: Workspace, year: int, task: str, number: int, reason: str, day: date) -> LedgerEvent:
    """Append a void event for a round; the round's picks go back into the pool."""
    reason = reason.strip()
    if not reason:
        raise SsjError("作废必须写明原因", "请用 --reason 说明作废原因，如 --reason \"摇号时名录库有误\"")
    ledger = Ledger(ws.ledger_path, ws.show(ws.ledger_path))
    with ledger.locked():
        events = load_events(ws.ledger_path, ws.show(ws.ledger_path))
        r = find_round(events, year, task, number)
        if r.voided:
            raise SsjError(f"{task} 第 {number} 轮已于 {r.void['date']} 作废", "无需重复作废")
        if r.publications:
            raise SsjError(f"{task} 第 {number} 轮的结果已经公示，不能作废", "已公示的抽查只能登记更正结果（ssj record）")
        if day.isoformat() < r.draw_date:
            raise SsjError(
                f"作废日期 {day} 早于 {task} 第 {number} 轮的摇号日期 {r.draw_date}",
                "作废只能在摇号之后；补录时请用 --today 写实际作废日期",
            )
        return ledger.append("void", {"year": year, "task": task, "round": number, "date": day.isoformat(), "reason": reason})


def draw_task(ws: Workspace, year: int | None, req: DrawRequest, dry_run: bool = False) -> tuple[dict[str, Any], LedgerEvent | None, Inputs]:
    """``ssj draw``: load the year's inputs and run the draw; returns (record, ledger event or None, inputs)."""
    from shuangsuiji.inputs.year import load_inputs

    inputs = load_inputs(ws, year)
    record, event = run_draw(ws, inputs, req, dry_run)
    return record, event, inputs
