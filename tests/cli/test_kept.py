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


def test_a_draw_refused_while_its_inputs_were_being_kept_leaves_no_copy(ssj, ws, monkeypatch):
    """The inputs are kept on a second thread while the draw is computed: a draw refused meanwhile (a reused seed)
    waits for the keeping and removes the copies it wrote, so draws/ is as it was."""
    draw(ssj, "hazchem", "2022-04-06", "s1")
    entities = ws / "data" / "entities.csv"
    entities.write_bytes(entities.read_bytes() + b"\r\n")  # bytes the store does not hold yet
    prepare = draw_action._prepare

    def prepare_slowly_then_refuse(*args, **kwargs):
        import time

        time.sleep(0.3)  # the keeping thread has written its copy by now
        return prepare(*args, **kwargs)

    monkeypatch.setattr(draw_action, "_prepare", prepare_slowly_then_refuse)
    before = tree_digest(ws / "draws")
    res = ssj("draw", "--task", "coal", "--seed", "s1", "--today", "2022-04-07")  # s1: the seed of the first draw
    assert res.exit_code == 2 and "不能再用" in res.stderr
    assert tree_digest(ws / "draws") == before


def test_a_refused_draw_keeps_its_reason_when_a_copy_cannot_be_removed(ssj, ws, monkeypatch):
    """On Windows a virus scanner may hold a copy just written: removing it fails, and the draw is still refused
    for its own reason (a reused seed), not for the file it could not remove."""
    draw(ssj, "hazchem", "2022-04-06", "s1")
    entities = ws / "data" / "entities.csv"
    entities.write_bytes(entities.read_bytes() + b"\r\n")  # bytes the store does not hold yet
    real_unlink = Path.unlink

    def held(self, missing_ok=False):
        if self.parent.name == "inputs":
            raise PermissionError(13, "另一个程序正在使用此文件", str(self))
        return real_unlink(self, missing_ok=missing_ok)

    monkeypatch.setattr(Path, "unlink", held)
    res = ssj("draw", "--task", "coal", "--seed", "s1", "--today", "2022-04-07")
    assert res.exit_code == 2 and "不能再用" in res.stderr and "inputs" not in res.stderr
    assert len(ledger_events(ws)) == 1


# ---- ssj verify re-derives every draw from its kept inputs (item 3, "Done when") ----

RATIOS = "    ratio_by_risk: {A: 0%, B: 10%, C: 30%, D: 100%}\n"


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) >= count, old
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def three_draws(ssj, ws) -> list[dict]:
    """A stratified hazchem round (risk grades), coal at 100% and industry at 10%."""
    edit(ws / "plans" / "2022.yaml", "    ratio: 20%\n", "    ratio: 20%\n" + RATIOS)
    return [draw(ssj, "hazchem", "2022-04-06"), draw(ssj, "coal", "2022-04-07"), draw(ssj, "industry", "2022-07-05")]


def change_everything(ws) -> None:
    """What a year of routine edits does to plans/ and data/: statuses, grades, rows, ratios."""
    entities = ws / "data" / "entities.csv"
    lines = entities.read_text(encoding="utf-8-sig").splitlines(keepends=True)
    lines = [lines[0]] + [x.replace(",在营,", ",停产,") if i % 4 == 0 else x for i, x in enumerate(lines[1:])]
    lines = [x.replace(",C\r\n", ",D\r\n").replace(",C\n", ",D\n") for x in lines][:-3]  # regraded, three rows gone
    entities.write_text("".join(lines), encoding="utf-8-sig")
    plan = ws / "plans" / "2022.yaml"
    edit(plan, RATIOS, "")
    edit(plan, "    ratio: 10%", "    ratio: 50%", 2)
    inspectors = ws / "data" / "inspectors.csv"
    edit(inspectors, ",在岗,", ",病假,")


def rechain(ws: Path, change_line) -> None:
    """Rewrite ledger lines (``change_line(line)`` on each) and link the chain again: an insider's forgery."""
    from shuangsuiji.ledger.chain import GENESIS, encode_event, line_digest

    prev, out = GENESIS, []
    for line in ledger_events(ws):
        change_line(line)
        head = {k: line.pop(k) for k in ("seq", "type", "at", "prev")}
        raw = encode_event(head["seq"], head["type"], head["at"], prev, line)
        out.append(raw + b"\n")
        prev = line_digest(raw)
    (ws / "draws" / "ledger.jsonl").write_bytes(b"".join(out))


def forge_record(ws: Path, name: str, change) -> None:
    path = ws / "draws" / "2022" / name
    rec = json.loads(path.read_text(encoding="utf-8"))
    change(rec)
    data = (json.dumps(rec, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    path.write_bytes(data)

    def fix(line):
        if line.get("record") == f"2022/{name}":
            line["record_sha256"] = sha(data)
    rechain(ws, fix)


def scope_from_kept_copy(ws: Path, line: dict, categories: list[str]) -> list[str]:
    """The task's scope read from the kept copy with the csv module alone."""
    import csv
    import io

    raw = original(ws / "draws" / line["kept_inputs"]["data/entities.csv"])
    rows = csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline=""))
    return sorted(r["id"] for r in rows if r["status"] == "在营" and r["category"] in categories)


def test_verify_re_derives_three_draws_from_their_kept_inputs_after_plans_and_data_changed(ssj, ws, monkeypatch):
    import shuangsuiji.inputs.kept as kept_module

    recs = three_draws(ssj, ws)
    lines = ledger_events(ws)
    assert recs[0]["strata"] and len({tuple(sorted(x["kept_inputs"].items())) for x in lines}) == 1
    # each record's scope is what the kept copy gives, recomputed without ssj
    assert recs[2]["scope"] == scope_from_kept_copy(ws, lines[2], ["industry_trade"])
    assert recs[1]["scope"] == scope_from_kept_copy(ws, lines[1], ["coal_mine"])
    change_everything(ws)
    assert all(sha((ws / f).read_bytes()) != recs[0]["inputs"][f] for f in INPUTS)

    parsed = {"plans": 0, "entities": 0}
    plan, stream = kept_module.load_plan, kept_module.load_entity_stream
    monkeypatch.setattr(kept_module, "load_plan", lambda *a: parsed.__setitem__("plans", parsed["plans"] + 1) or plan(*a))
    monkeypatch.setattr(kept_module, "load_entity_stream", lambda *a: parsed.__setitem__("entities", parsed["entities"] + 1) or stream(*a))
    res = ok(ssj("verify"))
    assert res.stdout == "复核通过：账本 3 条事件，3 次摇号均可按记录重现，哈希链完整。\n"  # no "inputs changed" note
    assert parsed == {"plans": 1, "entities": 1}  # one copy each, parsed once for the three draws

    # the checks really run on the kept copies: a scope or an exclusion made up in a record is caught
    def drop_unpicked(rec):
        picked = {p["entity"] for p in rec["picks"]}
        victim = next(i for i in rec["scope"] if i not in picked)
        rec["scope"].remove(victim)
        rec["pool"].remove(victim)
        from shuangsuiji.draw.record import ids_sha256
        rec["pool_sha256"] = ids_sha256(rec["pool"])

    forge_record(ws, "industry-r1.json", drop_unpicked)
    res = ssj("verify")
    assert res.exit_code == 1
    assert "draws/2022/industry-r1.json: 第 3 号事件，抽查范围与摇号时的计划和名录库（SHA-256 未变）推出的范围不符" in res.stderr


def test_a_stratified_draw_is_re_derived_stratum_by_stratum_from_its_kept_plan(ssj, ws):
    recs = three_draws(ssj, ws)
    change_everything(ws)  # the plan on disk no longer stratifies hazchem

    def regrade(rec):  # claim a 0% stratum was never there: the kept plan says otherwise
        rec["strata"] = [s for s in rec["strata"] if s["k"]]

    assert any(not s["k"] for s in recs[0]["strata"])
    forge_record(ws, "hazchem-r1.json", regrade)
    res = ssj("verify")
    assert res.exit_code == 1 and "draws/2022/hazchem-r1.json" in res.stderr


def test_an_altered_kept_input_fails_verify_once_naming_the_file(ssj, ws):
    three_draws(ssj, ws)
    change_everything(ws)
    kept = ws / "draws" / ledger_events(ws)[0]["kept_inputs"]["data/entities.csv"]
    data = bytearray(kept.read_bytes())
    data[-5] ^= 0x01  # one bit of one entity
    kept.write_bytes(bytes(data))
    res = ssj("verify")
    assert res.exit_code == 1
    shown = f"draws/inputs/{kept.name}"
    failures = [x for x in res.stderr.splitlines() if x.startswith(shown)]
    assert len(failures) == 1, res.stderr  # one failure for the copy the three draws share
    assert "文件名和摇号记录不符，文件被改动过" in failures[0] and "账本第 1、2、3 号事件的摇号" in failures[0]
    assert "请从备份恢复该文件" in res.stderr
    assert "已修改" not in res.stdout


def test_a_missing_kept_input_fails_verify_naming_the_file(ssj, ws):
    draw(ssj)
    kept = ws / "draws" / ledger_events(ws)[0]["kept_inputs"]["plans/2022.yaml"]
    kept.unlink()
    res = ssj("verify", "--json")
    assert res.exit_code == 1
    out = json.loads(res.stdout)
    assert [f["file"] for f in out["failures"]] == [f"draws/inputs/{kept.name}"]
    assert out["failures"][0]["message"].startswith("留存的输入文件不存在（摇号时的计划或名录库副本被删除或移走）；账本第 1 号事件的摇号")


def test_a_damaged_compressed_kept_input_fails_verify_and_the_report(ssj, ws):
    entities = ws / "data" / "entities.csv"
    entities.write_bytes(entities.read_bytes() + b"\r\n" * 70_000)  # over 64 KiB: kept as .csv.gz
    draw(ssj)
    kept = ws / "draws" / ledger_events(ws)[0]["kept_inputs"]["data/entities.csv"]
    assert kept.name.endswith(".csv.gz")
    ok(ssj("verify"))
    kept.write_bytes(kept.read_bytes()[:-4] + b"\0\0\0\0")  # the stored size no longer matches
    res = ssj("verify")
    assert res.exit_code == 1 and f"draws/inputs/{kept.name}: 留存的输入文件无法读取或解压" in res.stderr
    # the report, which hands verify the current (unchanged) files, still checks the copies
    rep = ssj("report", "--year", "2022", "--today", "2022-12-31", "--format", "json")
    assert rep.exit_code == 1 and json.loads(rep.stdout)["integrity"]["ok"] is False


def test_kept_inputs_that_name_other_bytes_than_the_record_fail(ssj, ws):
    draw(ssj)
    other = "inputs/" + "0" * 64 + ".csv"

    def swap(line):
        if line["type"] == "draw":
            line["kept_inputs"]["data/inspectors.csv"] = other
    rechain(ws, swap)
    res = ssj("verify")
    assert res.exit_code == 1
    assert f"账本行的 kept_inputs 中 data/inspectors.csv 的副本 {other} 不是按记录中的 SHA-256 命名的" in res.stderr


def test_a_gbk_registry_is_hashed_parsed_and_kept_as_the_same_bytes(ssj, ws):
    """A registry saved by Excel as GBK is read by the rewind path: what is hashed, parsed and kept is one set of bytes."""
    entities = ws / "data" / "entities.csv"
    gbk = entities.read_text(encoding="utf-8-sig").encode("gb18030")
    entities.write_bytes(gbk)
    rec = draw(ssj)
    assert rec["inputs"]["data/entities.csv"] == sha(gbk)
    kept = ws / "draws" / ledger_events(ws)[0]["kept_inputs"]["data/entities.csv"]
    assert kept.read_bytes() == gbk
    entities.write_bytes(gbk.replace("在营".encode("gb18030"), "注销".encode("gb18030")))
    res = ok(ssj("verify"))
    assert "已修改" not in res.stdout


def test_a_commitment_keeps_its_inputs_and_verify_checks_the_copies_before_any_reveal(ssj, ws):
    ok(ssj("draw", "--task", "hazchem", "--commit", "--source-plan", "中国福利彩票 3D 第 2022089 期开奖号码", "--source-numbers", "3",
           "--source-date", "2022-04-08", "--today", "2022-04-06"))
    (line,) = ledger_events(ws)
    assert line["type"] == "commit" and list(line["kept_inputs"]) == list(INPUTS)
    for shown, kept in line["kept_inputs"].items():
        assert original(ws / "draws" / kept) == (ws / shown).read_bytes()
    ok(ssj("verify"))
    kept = ws / "draws" / line["kept_inputs"]["data/inspectors.csv"]
    kept.write_bytes(kept.read_bytes() + b"\r\n")
    res = ssj("verify")
    assert res.exit_code == 1
    assert f"draws/inputs/{kept.name}: 留存的输入文件内容的 SHA-256" in res.stderr and "账本第 1 号事件" in res.stderr


def test_verify_says_the_same_when_a_second_process_parses_the_kept_registries(ssj, ws, monkeypatch):
    """A province's registry copies are parsed by a second process while verify checks the records
    (inputs.kept.PREFETCH_ABOVE): the output is word for word the one of parsing them in verify's own process."""
    import shuangsuiji.inputs.kept as kept_module

    three_draws(ssj, ws)
    change_everything(ws)
    outputs = []
    for above in (kept_module.PREFETCH_ABOVE, 0):
        monkeypatch.setattr(kept_module, "PREFETCH_ABOVE", above)
        monkeypatch.setattr(kept_module.os, "cpu_count", lambda: 2)
        res = ssj("verify")
        outputs.append((res.exit_code, res.stdout, res.stderr))
    assert outputs[0] == outputs[1] and outputs[0][0] == 0
    kept = ws / "draws" / ledger_events(ws)[0]["kept_inputs"]["data/entities.csv"]
    data = bytearray(kept.read_bytes())
    data[-5] ^= 0x01
    kept.write_bytes(bytes(data))
    outputs = []
    for above in (10 ** 12, 0):
        monkeypatch.setattr(kept_module, "PREFETCH_ABOVE", above)
        res = ssj("verify")
        outputs.append((res.exit_code, res.stdout, res.stderr))
    assert outputs[0] == outputs[1] and outputs[0][0] == 1
