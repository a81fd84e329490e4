"""The column-wise entity registry (EntityTable) and the one loader that fills it.

``load_entity_table`` checks rows in bulk and falls back to the row rules; it must accept
exactly the files the row rules alone accept, give equal entities with the same lines,
and refuse every other file with the very same errors.
"""

from __future__ import annotations

import codecs
import random
from pathlib import Path

import pytest

from shuangsuiji.errors import InputErrors
from shuangsuiji.inputs import entities as entityloader
from shuangsuiji.inputs import entity_table as entitytable
from shuangsuiji.inputs import uscc
from shuangsuiji.inputs.entities import load_entity_table
from shuangsuiji.inputs.entity_table import EntityTable
from tests.helpers import CATEGORIES, load_entities, rules_row_by_row

REPO = Path(__file__).resolve().parents[2]

TOWNS = ("丹朱镇", "鲍店镇", "石哲镇")
STATUSES = ("在营", "停产", "注销")


def outcome(load, path: Path):
    """("ok", [(entity, path, line)]) or ("errors", [InputError])."""
    try:
        entities = load(path, "data/entities.csv", CATEGORIES)
    except InputErrors as exc:
        return "errors", list(exc.items)
    return "ok", [(e, e.path, e.line) for e in entities]


def assert_same(path: Path):
    expected = outcome(rules_row_by_row, path)
    assert outcome(load_entity_table, path) == expected
    return expected


def make_id(r: random.Random) -> str:
    first17 = "9114" + "".join(r.choice(uscc.ALPHABET) for _ in range(13))
    return first17 + uscc.check_char(first17)


def test_shipped_registry_loads_in_bulk_and_equals_the_row_rules(monkeypatch):
    path = REPO / "data" / "entities.csv"

    def no_row_rules(*args):
        raise AssertionError("a clean canonical file must not need the row-by-row path")

    with monkeypatch.context() as m:
        m.setattr(entityloader._Loader, "_check_rows", no_row_rules)
        table = load_entity_table(path, "data/entities.csv", CATEGORIES)
    kind, rows = assert_same(path)
    assert kind == "ok" and len(rows) == 133
    assert table == [e for e, _, _ in rows]
    assert list(table) == [e for e, _, _ in rows]


def test_a_space_after_each_comma_stays_in_bulk_and_gives_the_same_table(tmp_path, monkeypatch):
    """Only names are stripped column by column; ids are when one is not 18 characters, the other cells once per
    distinct combination: a registry written with ", " between cells loads in bulk, to the table of the plain one."""
    plain = REPO / "data" / "entities.csv"
    spaced = tmp_path / "entities.csv"
    spaced.write_bytes(plain.read_bytes().replace(b",", b", "))

    def no_row_rules(*args):
        raise AssertionError("spaces around cells must not need the row-by-row path")

    monkeypatch.setattr(entityloader._Loader, "_check_rows", no_row_rules)
    assert list(load_entity_table(spaced, "data/entities.csv", CATEGORIES)) == [
        e for e in load_entity_table(plain, "data/entities.csv", CATEGORIES)]


# A row template and the ways the random files below spoil or vary it.
def random_file(r: random.Random, rows: int) -> bytes:
    header = ["id", "name", "category", "town", "status", "risk"]
    if r.random() < 0.2:
        header = ["统一社会信用代码", "名称", "类别", "乡镇", "状态", "风险等级"]
    if r.random() < 0.2:
        header = header[:5]  # no risk column
    order = list(range(len(header)))
    if r.random() < 0.3:
        r.shuffle(order)
    ids = sorted(make_id(r) for _ in range(rows))
    if r.random() < 0.3:
        r.shuffle(ids)
    mistakes = r.random() < 0.5  # the other half of the files vary only in ways that are allowed
    lines = [",".join(header[i] for i in order)]
    for n, code in enumerate(ids):
        cells = [
            code,
            f"示例{n}公司",
            r.choice(list(CATEGORIES) + list(CATEGORIES.values())),
            r.choice(TOWNS),
            r.choice(STATUSES),
            r.choice(["", "A", "b", "C", "D"]),
        ][: len(header)]
        roll = r.random() if mistakes else r.choice([0.5] * 20 + [0.11, 0.135, 0.17])
        if roll < 0.02:
            cells[0] = cells[0][:17] + ("0" if cells[0][17] != "0" else "1")  # wrong check character
        elif roll < 0.03:
            cells[0] = cells[0].lower()
        elif roll < 0.04:
            cells[0] = ids[max(0, n - 1)]  # duplicate
        elif roll < 0.05:
            cells[2] = "gold_mine"
        elif roll < 0.06:
            cells[4] = "营业"
        elif roll < 0.07 and len(cells) > 5:
            cells[5] = "E"
        elif roll < 0.08:
            cells[r.randrange(5)] = "  "  # a required cell left blank
        elif roll < 0.10:
            cells[1] = f'"示例\n{n}\r\n公司"'  # a quoted cell spanning lines
        elif roll < 0.12:
            j = r.randrange(len(cells))
            cells[j] = r.choice(["  ", "\t", "\u3000"]) + cells[j] + r.choice(["", " ", "\u3000"])  # stripped away
        elif roll < 0.13:
            cells.append("多余")  # more fields than the header
        elif roll < 0.14:
            cells.append("  ")  # an extra field that is blank
        elif roll < 0.15:
            cells = cells[:4]  # short row
        elif roll < 0.16:
            cells[3] = '"丹朱\r镇"'
        elif roll < 0.18:
            cells[1] = f'"示例,""{n}""公司"'  # quoted on one line: comma and quotes inside
        row = ",".join(cells[i] if i < len(cells) else "" for i in order) if len(cells) >= len(header) else ",".join(cells)
        if len(cells) > len(header):
            row += "," + ",".join(cells[len(header):])
        lines.append(row)
        if r.random() < 0.03:
            lines.append(r.choice(["", ",,,,", "  ,  , ,,"]))
    eol = r.choice(["\n", "\r\n", "\r"])
    text = eol.join(lines) + (eol if r.random() < 0.8 else "")
    enc = r.random()
    if enc < 0.6:
        return codecs.BOM_UTF8 + text.encode("utf-8")
    if enc < 0.8:
        return text.encode("utf-8")
    if enc < 0.9:
        return text.encode("gbk")
    return text.encode("utf-16")


@pytest.mark.parametrize("seed", range(100))
def test_random_files_load_identically(tmp_path, monkeypatch, seed):
    r = random.Random(seed)
    if seed % 2:  # small pieces, batches and chunks: "\r\n" and quoted cells cross their edges
        monkeypatch.setattr(entityloader, "_TEXT_CHUNK", r.choice([1, 7, 64, 300]))
        monkeypatch.setattr(entityloader, "_ROW_BATCH", r.choice([1, 3, 50]))
        monkeypatch.setattr(entitytable, "_CHUNK_ROWS", r.choice([1, 7, 64]))
        monkeypatch.setattr(entitytable, "_BLOCK", r.choice([1, 3, 64]))
    path = tmp_path / "entities.csv"
    path.write_bytes(random_file(r, r.choice([0, 1, 5, 40, 300])))
    assert_same(path)


def test_unsorted_and_sorted_tables_find_every_id(tmp_path, monkeypatch):
    monkeypatch.setattr(entitytable, "_BLOCK", 4)
    r = random.Random(7)
    ids = sorted({make_id(r) for _ in range(200)})
    for shuffle in (False, True):
        rows = list(ids)
        if shuffle:
            r.shuffle(rows)
        text = "id,name,category,town,status\r\n" + "".join(f"{i},名{n},coal_mine,丹朱镇,在营\r\n" for n, i in enumerate(rows))
        path = tmp_path / "entities.csv"
        path.write_bytes(codecs.BOM_UTF8 + text.encode("utf-8"))
        table = load_entity_table(path, "data/entities.csv", CATEGORIES)
        assert table._sorted is not shuffle
        for n, i in enumerate(rows):
            assert table.index_of(i) == n
            assert table.find(i) == table[n]
            assert i in table.id_set()
        for absent in ("", "x", ids[0][:17] + "Z", "0" * 18, "Y" * 18, make_id(random.Random(99))):
            assert table.index_of(absent) is None and table.find(absent) is None
            assert absent not in table.id_set()
        assert set(table.find_many(rows[::3])) == set(rows[::3])
        assert list(table.iter_ids()) == rows and set(table.id_set()) == set(rows)


def test_table_sequence_behaviour():
    entities = load_entities(REPO / "data" / "entities.csv", "data/entities.csv", CATEGORIES)
    table = EntityTable.from_entities(entities, "data/entities.csv")
    assert len(table) == len(entities)
    assert table[0] == entities[0] and table[-1] == entities[-1] and table[-1].line == entities[-1].line
    assert table[10:20] == entities[10:20]
    assert table == entities and table == tuple(entities) and table != entities[:-1]
    with pytest.raises(IndexError):
        table[len(entities)]
    hazchem = {"hazchem_production", "hazchem_trading"}
    expected = [e for e in entities if e.active and e.category in hazchem]
    assert table.where(hazchem) == expected
    assert table.ids_where(hazchem) == [e.id for e in expected]
    assert table.ids_where(hazchem, active_only=False) == [e.id for e in entities if e.category in hazchem]
    counts: dict = {}
    for e in entities:
        counts[(e.category, e.active)] = counts.get((e.category, e.active), 0) + 1
    assert table.count_by_category() == counts
    empty = EntityTable.from_entities([], "x.csv")
    assert len(empty) == 0 and list(empty) == [] and empty.find(entities[0].id) is None


def test_uscc_all_valid_agrees_with_problem():
    r = random.Random(3)
    for _ in range(2000):
        codes = [make_id(r) for _ in range(r.randrange(6))]
        if codes and r.random() < 0.5:
            j, pos = r.randrange(len(codes)), r.randrange(18)
            codes[j] = codes[j][:pos] + r.choice(uscc.ALPHABET + "IOSVZa\u0661") + codes[j][pos + 1:]
        assert uscc.all_valid("".join(codes)) == all(uscc.problem(c) is None for c in codes)
    assert uscc.all_valid("") and not uscc.all_valid("9" * 17)


@pytest.mark.parametrize("active_only", [True, False])
def test_grade_counts_are_the_grades_of_the_entities_counted_one_by_one(active_only):
    from collections import Counter

    table = load_entity_table(REPO / "data" / "entities.csv", "data/entities.csv", CATEGORIES)
    for cats in ({"煤矿"}, {"危险化学品生产", "危险化学品经营"}, set(CATEGORIES.values()) | set(CATEGORIES), set()):
        by_one = Counter(e.risk for e in table if e.category in cats and (e.active or not active_only))
        counted = table.grade_counts(cats, active_only)
        assert counted == dict(by_one) and list(counted) == list(by_one)  # same grades, first appearance first
        assert counted == dict(Counter(g for _, g in table.graded_ids_where(cats, active_only)))


def test_grade_counts_of_a_mixed_table_follow_status_and_category():
    from collections import Counter

    from shuangsuiji.records import Entity

    r = random.Random(7)
    rows = [Entity(make_id(r), f"示例{i}", r.choice(["coal", "hazchem", "trade"]), r.choice(TOWNS), r.choice(STATUSES),
                   r.choice(["", "A", "B", "C", "D"]), "data/entities.csv", i + 2) for i in range(400)]
    table = EntityTable.from_entities(rows, "data/entities.csv")
    for cats in ({"coal"}, {"coal", "hazchem"}, {"nothing"}):
        for active_only in (True, False):
            by_one = Counter(e.risk for e in rows if e.category in cats and (e.active or not active_only))
            counted = table.grade_counts(cats, active_only)
            assert counted == dict(by_one) and list(counted) == list(by_one)
    assert table.grade_counts({"coal"}, False) != table.grade_counts({"coal"}, True)
