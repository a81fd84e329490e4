"""The pure commitment of a two-phase draw (draw.commit) and its fold (ledger.state.build_commits), called directly."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from pathlib import Path

import pytest

from shuangsuiji.draw.commit import (
    COMMIT_SCHEMA,
    commitment_bytes,
    commitment_text,
    differences,
    frozen_draw,
    make_commitment,
    parse_commitment,
)
from shuangsuiji.draw.record import CommitRef, parse_record, record_bytes
from shuangsuiji.errors import RecordMalformed
from shuangsuiji.ledger.chain import GENESIS, encode_event, line_digest, parse_ledger
from shuangsuiji.ledger.state import build_commits, build_rounds, event_problems, open_commit

SAMPLE = Path(__file__).resolve().parents[2] / "examples" / "2022" / "draws" / "2022"


def sample(name: str = "hazchem-r2.json"):
    return parse_record((SAMPLE / name).read_bytes())


def test_frozen_draw_keeps_what_the_seed_does_not_decide():
    rec = sample()
    frozen = frozen_draw(rec)
    for key in ("seed", "seed_origin", "sources", "picks", "cycle_picks", "created_at", "date", "schema", "ssj_version"):
        assert key not in frozen
    assert frozen["pool"] == list(rec.pool) and frozen["k"] == rec.k and frozen["inputs"] == dict(rec.inputs)
    other = dataclasses.replace(rec, seed="another", picks=rec.picks[::-1], created_at="2030-01-01T00:00:00+08:00")
    assert differences(frozen_draw(other), frozen) == []
    smaller = dataclasses.replace(rec, pool=rec.pool[1:], inspector_pool=rec.inspector_pool[1:])
    assert differences(frozen_draw(smaller), frozen) == ["备选池", "执法人员名单"]


def test_commitment_round_trips_and_its_text_is_its_fields():
    rec = sample()
    c = make_commitment(rec, "计划（文号）", "中国福利彩票 3D 第 2022089 期开奖号码", "2022-04-08", "2022-04-06", "2022-04-06T10:00:00+08:00")
    assert c.schema == COMMIT_SCHEMA and c.k == rec.k and c.pool_sha256 == rec.pool_sha256
    assert c.text_sha256 == hashlib.sha256(c.text.encode("utf-8")).hexdigest()
    assert c.text == commitment_text(c.draw, c.plan, c.source_plan, c.source_date, c.date)
    data = commitment_bytes(c)
    assert parse_commitment(data) == c and commitment_bytes(parse_commitment(data)) == data
    lines = c.text.split("\n")
    head = lines.index(next(line for line in lines if line.startswith("备选池：")))
    assert lines[head + 1:head + 1 + len(rec.pool)] == list(rec.pool)
    assert f"抽取家数：{rec.k}" in lines and "抽取算法：sha256-rank" in lines


def test_a_task_with_targeted_additions_says_so_in_its_text():
    rec = sample()
    plain = make_commitment(rec, "计划", "3D", "2022-04-08", "2022-04-06", "2022-04-06T10:00:00+08:00")
    c = make_commitment(rec, "计划", "3D", "2022-04-08", "2022-04-06", "2022-04-06T10:00:00+08:00", targeted=True)
    assert "定向检查" in c.text and "定向检查" not in plain.text
    assert "always_include_blacklisted" in json.loads(commitment_bytes(c)) and "always_include_blacklisted" not in json.loads(commitment_bytes(plain))
    assert parse_commitment(commitment_bytes(c)) == c
    assert c.text == commitment_text(c.draw, c.plan, c.source_plan, c.source_date, c.date, True)


@pytest.mark.parametrize("data, words", [
    (b"not json", "不是有效的 JSON"),
    (b'{"schema": "ssj.draw/1"}', "schema 应为 ssj.commit/1"),
    (b'{"schema": "ssj.commit/1", "year": "2022"}', "year 应为整数"),
])
def test_a_broken_commitment_file_is_named(data, words):
    with pytest.raises(RecordMalformed, match=words):
        parse_commitment(data)


def test_a_record_with_commit_says_ssj_draw_2_and_round_trips():
    rec = sample()
    ref = CommitRef(3, "a" * 64, "b" * 64, "来源", "2022-04-08")
    revealed = dataclasses.replace(rec, commit=ref, seed_origin="committed")
    revealed = dataclasses.replace(revealed, schema=revealed.expected_schema)
    assert revealed.schema == "ssj.draw/2"
    data = record_bytes(revealed)
    obj = json.loads(data)
    assert list(obj)[-2:] == ["commit", "picks"] and obj["commit"]["seq"] == 3
    assert parse_record(data) == revealed and record_bytes(parse_record(data)) == data
    assert rec.expected_schema == "ssj.draw/1"  # no commit: the old schema and bytes


# --------------------------------------------------------------------------- the fold


def ledger(*items):
    lines, prev = [], GENESIS
    for seq, (kind, number, extra) in enumerate(items, start=1):
        data = {"year": 2022, "task": "hazchem", "round": number, "date": "2022-04-06"} | extra
        if kind == "draw":
            data |= {"record": f"2022/hazchem-r{number}.json", "record_sha256": "0" * 64, "algorithm": "sha256-rank",
                     "seed": f"s{seq}", "k": 1, "picks": [f"E{seq}"], "new_cycle": False, "cycle_picks": []}
        elif kind == "commit":
            data |= {"record": f"2022/hazchem-r{number}-commit-{seq}.json", "record_sha256": f"{seq:064d}", "text_sha256": "1" * 64,
                     "algorithm": "sha256-rank", "k": 1, "pool_sha256": "2" * 64, "source_plan": "3D", "source_date": "2022-04-08"}
        else:
            data |= {"reason": "放弃"}
        raw = encode_event(seq, kind, "2022-04-06T10:00:00+08:00", prev, data)
        lines.append(raw + b"\n")
        prev = line_digest(raw)
    events, problems, _ = parse_ledger(b"".join(lines))
    assert not problems
    return events


def test_commits_fold_into_voided_revealed_and_open():
    events = ledger(("commit", 1, {}), ("void", 1, {}), ("commit", 1, {}), ("draw", 1, {"commit": 3}), ("commit", 2, {}))
    voided, revealed, pending = build_commits(events)
    assert voided.void is not None and voided.void.seq == 2 and not voided.open
    assert revealed.reveal is not None and revealed.reveal.seq == 4 and not revealed.open
    assert pending.open and open_commit(build_commits(events), 2022, "hazchem") == pending
    assert list(build_rounds(events)) == [(2022, "hazchem", 1)]  # a commitment is no round; its void voids no round
    assert not build_rounds(events)[(2022, "hazchem", 1)].voided
    assert event_problems(events, "draws/ledger.jsonl") == []


def test_event_problems_name_a_second_open_commit_and_a_reveal_of_none():
    events = ledger(("commit", 1, {}), ("commit", 1, {}), ("draw", 1, {"commit": 9}))
    messages = [p.message for p in event_problems(events, "draws/ledger.jsonl")]
    assert any("未了结的承诺" in m for m in messages)
    assert any("揭晓的承诺（第 9 号事件）" in m for m in messages)
