"""The typed draw record: every record of examples/2022 reads back and writes the same bytes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from shuangsuiji.draw.record import DrawRecord, parse_record, record_bytes
from shuangsuiji.errors import RecordMalformed

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
RECORDS = sorted((EXAMPLES / "2022" / "draws" / "2022").glob("*.json"))
JOINT_RECORDS = sorted(p for p in (EXAMPLES / "joint" / "draws" / "2022").glob("*-r[0-9].json"))


def test_the_sample_year_has_records():
    assert len(RECORDS) >= 7


@pytest.mark.parametrize("path", RECORDS + JOINT_RECORDS, ids=lambda p: f"{p.parent.parent.parent.name}/{p.name}")
def test_record_round_trips_to_the_same_bytes(path):
    data = path.read_bytes()
    record = parse_record(data)
    assert record_bytes(record) == data
    assert DrawRecord.from_json(record.to_json()) == record
    # to_json (what a non-UTF-8 stdout is given) is the object record_bytes writes from its columns
    assert (json.dumps(record.to_json(), ensure_ascii=False, indent=2) + "\n").encode("utf-8") == data


def test_picks_with_the_same_exclusions_share_them_when_read():
    record = parse_record(RECORDS[0].read_bytes())
    same = [p for p in record.picks if p.excluded_inspectors == record.picks[0].excluded_inspectors]
    assert len(same) > 1 and all(p.excluded_inspectors is same[0].excluded_inspectors for p in same)


@pytest.mark.parametrize("field, value, named", [
    ("k", "6", "k 应为整数"),
    ("new_cycle", 0, "new_cycle 应为 true 或 false"),
    ("scope", [1], "scope 应为文本的列表"),
    ("picks", [[]], "picks 中有一项不是 JSON 对象"),
    ("inputs", {"a": 1}, "inputs 应为对象（值为文本）"),
    ("prior_checks", {"a": "1"}, "prior_checks 应为对象（值为整数）"),
])
def test_a_wrong_field_is_named(field, value, named):
    obj = json.loads(RECORDS[0].read_bytes())
    obj[field] = value
    with pytest.raises(RecordMalformed) as exc:
        DrawRecord.from_json(obj)
    assert named in exc.value.message


def test_not_json_is_malformed():
    with pytest.raises(RecordMalformed, match="不是有效的 JSON"):
        parse_record(b"{not json")
