"""The pure commitment of a two-phase draw (draw.commit) and its fold (ledger.state.build_commits), called directly."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from pathlib import Path

import pytest

from shuangsuiji.draw.commit import (
    COMMIT_SCHEMA,
    SourceGroup,
    commitment_bytes,
    commitment_text,
    differences,
    frozen_draw,
    make_commitment,
    parse_commitment,
    shape_problem,
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
    c = make_commitment(rec, "计划（文号）", (SourceGroup("中国福利彩票 3D 第 2022089 期开奖号码", 3),), "2022-04-08", "2022-04-06", "2022-04-06T10:00:00+08:00")
    assert c.schema == COMMIT_SCHEMA and c.k == rec.k and c.pool_sha256 == rec.pool_sha256
    assert c.text_sha256 == hashlib.sha256(c.text.encode("utf-8")).hexdigest()
    assert c.text == commitment_text(c.draw, c.plan, c.source_plan, c.source_date, c.date, False, c.groups)
    data = commitment_bytes(c)
    assert parse_commitment(data) == c and commitment_bytes(parse_commitment(data)) == data
    lines = c.text.split("\n")
    head = lines.index(next(line for line in lines if line.startswith("备选池：")))
    assert lines[head + 1:head + 1 + len(rec.pool)] == list(rec.pool)
    assert f"抽取家数：{rec.k}" in lines and "抽取算法：sha256-rank" in lines


def test_a_task_with_targeted_additions_says_so_in_its_text():
    rec = sample()
    plain = make_commitment(rec, "计划", (SourceGroup("3D", 3),), "2022-04-08", "2022-04-06", "2022-04-06T10:00:00+08:00")
    c = make_commitment(rec, "计划", (SourceGroup("3D", 3),), "2022-04-08", "2022-04-06", "2022-04-06T10:00:00+08:00", targeted=True)
    assert "定向检查" in c.text and "定向检查" not in plain.text
    assert "always_include_blacklisted" in json.loads(commitment_bytes(c)) and "always_include_blacklisted" not in json.loads(commitment_bytes(plain))
    assert parse_commitment(commitment_bytes(c)) == c
    assert c.text == commitment_text(c.draw, c.plan, c.source_plan, c.source_date, c.date, True, c.groups)


@pytest.mark.parametrize("data, words", [
    (b"not json", "不是有效的 JSON"),
    (b'{"schema": "ssj.draw/1"}', "schema 应为 ssj.commit/2"),
    (b'{"schema": "ssj.commit/1", "year": "2022"}', "year 应为整数"),
])
def test_a_broken_commitment_file_is_named(data, words):
    with pytest.raises(RecordMalformed, match=words):
        parse_commitment(data)


def test_the_source_groups_round_trip_and_a_bad_one_is_named():
    rec = sample()
    groups = (SourceGroup("大乐透前区", 5), SourceGroup("大乐透后区", 2))
    c = make_commitment(rec, "计划", groups, "2022-04-08", "2022-04-06", "2022-04-06T10:00:00+08:00")
    assert c.source_plan == "大乐透前区；大乐透后区" and parse_commitment(commitment_bytes(c)) == c
    assert "第 1 组：大乐透前区，5 个数\n第 2 组：大乐透后区，2 个数\n" in c.text and "各组按上列顺序相接" in c.text
    obj = json.loads(commitment_bytes(c))
    for bad, words in ((None, "source_groups 应为"), ([], "source_groups 不能为空"), ([{"plan": "x", "numbers": 0}], "不在 1 至 1000 之间"),
                       ([{"plan": "x", "numbers": "3"}], "source_groups.numbers 应为整数"), ([{"numbers": 3}], "source_groups.plan 应为")):
        broken = {**obj, "source_groups": bad} if bad is not None else {k: v for k, v in obj.items() if k != "source_groups"}
        with pytest.raises(RecordMalformed, match=words):
            parse_commitment(json.dumps(broken).encode("utf-8"))
    with pytest.raises(RecordMalformed, match="不应出现在 ssj.commit/1"):
        parse_commitment(json.dumps({**obj, "schema": "ssj.commit/1"}).encode("utf-8"))
    with pytest.raises(ValueError):
        make_commitment(rec, "计划", (), "2022-04-08", "2022-04-06", "2022-04-06T10:00:00+08:00")


@pytest.mark.parametrize("numbers, sources, words", [
    ((3,), ((3, 5, 2),), None),
    ((3,), ((352,),), "共 1 组（3 个数），揭晓时给出的是 1 组（1 个数）"),
    ((5, 2), ((3, 9), (1, 5, 12, 23, 30)), "揭晓时给出的是 2 组（第 1 组 2 个数，第 2 组 5 个数）"),
    ((5, 2), ((1, 5, 12, 23, 30),), "共 2 组（第 1 组 5 个数，第 2 组 2 个数），揭晓时给出的是 1 组（5 个数）"),
    ((1,), (), "揭晓时给出的是 0 组"),
])
def test_shape_problem_names_the_committed_and_the_given_shape(numbers, sources, words):
    problem = shape_problem(tuple(SourceGroup(f"g{i}", n) for i, n in enumerate(numbers)), sources)
    assert problem == words if words is None else words in problem
    assert shape_problem((), sources) is None  # an ssj.commit/1 file fixed no shape


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
