"""Inputs kept with the draw (draws/inputs/, issue 13 item 3) through the CLI.

Every check of a kept file is made here with hashlib and gzip on the files themselves.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from pathlib import Path

import shuangsuiji.actions.draw as draw_action
from tests.helpers import draw, ledger_bytes, ledger_events, ok, tree_digest

INPUTS = ("plans/2022.yaml", "data/entities.csv", "data/inspectors.csv")


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def original(path: Path) -> bytes:
    raw = path.read_bytes()
    return gzip.decompress(raw) if path.name.endswith(".gz") else raw


def test_a_draw_keeps_the_exact_bytes_of_its_plan_and_registries(ssj, ws):
    rec = draw(ssj)
    (line,) = ledger_events(ws)
    assert list(line["kept_inputs"]) == list(INPUTS) == list(rec["inputs"])
    for shown, kept in line["kept_inputs"].items():
        data = (ws / shown).read_bytes()
        assert kept == f"inputs/{sha(data)}.{shown.rsplit('.', 1)[1]}"  # small files are kept as they are
        assert (ws / "draws" / kept).read_bytes() == data
        assert rec["inputs"][shown] == sha(data)
    assert list(line)[-1] == "kept_inputs"  # after every key a line had before


def test_the_same_bytes_are_kept_once_and_new_bytes_beside_them(ssj, ws):
    draw(ssj, "hazchem", "2022-04-06")
    store = ws / "draws" / "inputs"
    first = sorted(p.name for p in store.iterdir())
    draw(ssj, "coal", "2022-04-07")
    assert sorted(p.name for p in store.iterdir()) == first
    inspectors = ws / "data" / "inspectors.csv"
    inspectors.write_bytes(inspectors.read_bytes().replace(b"\r\n", b"\n"))
    draw(ssj, "industry", "2022-07-05")
    names = sorted(p.name for p in store.iterdir())
    assert len(names) == 4 and f"{sha(inspectors.read_bytes())}.csv" in names
    third = ledger_events(ws)[-1]["kept_inputs"]
    assert third["data/inspectors.csv"] == f"inputs/{sha(inspectors.read_bytes())}.csv"


def test_a_large_registry_is_kept_gzip_compressed_under_the_sha_of_its_bytes(ssj, ws):
    entities = ws / "data" / "entities.csv"
    lines = entities.read_bytes().splitlines(keepends=True)
    padded = lines[0] + b"".join(lines[1:]) + b"\r\n" * 70_000  # blank lines: the same registry, over 64 KiB
    entities.write_bytes(padded)
    draw(ssj)
    kept = ws / "draws" / ledger_events(ws)[0]["kept_inputs"]["data/entities.csv"]
    assert kept.name == f"{sha(padded)}.csv.gz"
    raw = kept.read_bytes()
    assert raw[:10] == bytes([0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 0xFF])  # no file name, mtime 0
    assert gzip.decompress(raw) == padded and len(raw) < len(padded) // 10


def test_a_dry_run_keeps_nothing(ssj, ws):
    ok(ssj("draw", "--task", "hazchem", "--seed", "s1", "--today", "2022-04-06", "--dry-run"))
    assert not (ws / "draws" / "inputs").exists()


def test_inputs_are_kept_before_the_ledger_line(ssj, ws, monkeypatch):
    """The ledger line is the commit point: a draw cut off after keeping its inputs leaves kept files that verify ignores."""
    def cut(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(draw_action.Ledger, "append", cut)
    try:
        ssj("draw", "--task", "hazchem", "--seed", "s1", "--today", "2022-04-06")
    except KeyboardInterrupt:
        pass
    monkeypatch.undo()
    assert ledger_bytes(ws) == b""
    assert len(list((ws / "draws" / "inputs").iterdir())) == 3
    draw(ssj)  # the next draw finds them kept already
    res = ok(ssj("verify"))
    assert "inputs" not in res.stdout


def test_a_file_saved_while_the_draw_runs_refuses_the_draw_and_changes_nothing(ssj, ws, monkeypatch):
    draw(ssj)
    entities = ws / "data" / "entities.csv"
    prepare = draw_action._prepare

    def prepare_then_save(*args, **kwargs):
        record = prepare(*args, **kwargs)
        entities.write_bytes(entities.read_bytes() + b"\r\n")  # a clerk saves the registry meanwhile
        return record

    monkeypatch.setattr(draw_action, "_prepare", prepare_then_save)
    plan = ws / "plans" / "2022.yaml"
    plan.write_bytes(plan.read_bytes() + "# 修改后的计划\n".encode())  # new bytes, kept first, then removed again
    entities.write_bytes(entities.read_bytes() + b"\r\n")  # bytes the store does not hold yet
    before = tree_digest(ws / "draws")
    res = ssj("draw", "--task", "coal", "--seed", "s2", "--today", "2022-04-07")
    assert res.exit_code == 2
    assert "data/entities.csv 在摇号过程中被修改过" in res.stderr and "重新摇号" in res.stderr
    assert tree_digest(ws / "draws") == before  # the new plan kept before the refusal is gone again
    assert len(json.loads("[" + ",".join(ledger_bytes(ws).decode().splitlines()) + "]")) == 1
