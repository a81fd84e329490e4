"""The draw core: published vectors, independent recomputation, and properties.

Independent checks recompute the sha256-rank draw with tools that share no code with
ssj: ``sha256sum`` in a shell loop and one DuckDB query.
"""

from __future__ import annotations

import csv
import hashlib
import os
import shutil
import subprocess
import sys
import tracemalloc
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shuangsuiji.codes import EXCLUSION_REASONS, INSPECTOR_STATUSES
from shuangsuiji.draw.cycle import PoolDraw, draw_round
from shuangsuiji.draw.ranking import (
    ALGORITHMS,
    parse_source,
    rank_smallest,
    rfc3797_key,
    rfc3797_select,
    select,
    sha256_rank,
)
from shuangsuiji.draw.teams import (
    SharedExclusions,
    Team,
    assign_teams,
    exclusions,
    reason_text,
    team_from_eligible,
    team_rank,
)
from shuangsuiji.errors import NotEnoughInspectors
from shuangsuiji.records import Entity, Inspector

REPO = Path(__file__).resolve().parents[2]

# --------------------------------------------------------------------------- RFC 3797

RFC_SOURCES = [[9319], [2, 5, 12, 8, 10], [9, 18, 26, 34, 41, 45]]
RFC_KEY = "9319./2.5.8.10.12./9.18.26.34.41.45./"
# RFC 3797 section 6: the 16 selections (1-based positions among 25 names) ...
RFC_POSITIONS = [17, 7, 2, 16, 25, 23, 8, 24, 19, 13, 22, 5, 18, 9, 1, 4]
# ... and the MD5 values printed there, one per selection index 0..15.
RFC_DIGESTS = """
990DD0A5692A029A98B5E01AA28F3459 3691E55CB63FCC37914430B2F70B5EC6
FE814EDF564C190AC1D25753979990FA 1863CCACEB568C31D7DDBDF1D4E91387
F4AB33DF4889F0AF29C513905BE1D758 13EAEB529F61ACFB9A29D0BA3A60DE4A
992DB77C382CA2BDB9727001F3CDCCD9 63AB4258ECA922976811C7F55C383CE7
DFBC5AC97CED01B3A6E348E3CC63F40D 31CB111C4A4EBE9287CEAE16FE51B909
07FA46C122F164C215BBC72793B189A3 AC52F8D75CCBE2E61AFEB3387637D501
53306F73E14FC0B2FBF434218D25948E B5D1403501A81F9A47318BE7893B347C
85B10B356AA06663EF1B1B407765100A 3269E6CE559ABD57E2BA6AAB495EB9BD
""".lower().split()


def test_rfc3797_key_from_section_6_sources():
    assert rfc3797_key(RFC_SOURCES) == RFC_KEY


def test_rfc3797_key_from_parsed_text():
    sources = [parse_source("9319"), parse_source("2 5 12 8 10"), parse_source("9,18,26,34,41,45")]
    assert rfc3797_key(sources) == RFC_KEY


def test_rfc3797_section_6_selection():
    names = [f"{i:02d}" for i in range(1, 26)]
    picks = rfc3797_select(RFC_KEY, names, 16)
    assert [int(name) for _, name in picks] == RFC_POSITIONS
    assert [digest for digest, _ in picks] == RFC_DIGESTS


def test_rfc3797_through_select_sorts_ids():
    names = [f"{i:02d}" for i in range(25, 0, -1)]
    picks = select("rfc3797", RFC_KEY, iter(names), 16)
    assert [int(name) for _, name in picks] == RFC_POSITIONS


def test_rfc3797_key_edge_cases():
    assert rfc3797_key([]) == ""
    assert rfc3797_key([[7, 7, 1]]) == "1.7.7./"
    with pytest.raises(ValueError):
        rfc3797_key([[-1]])


@pytest.mark.parametrize(
    "text, expected",
    [
        ("9319", [9319]),
        ("2 5 12 8 10", [2, 5, 12, 8, 10]),
        ("9,18, 26 ,34,41,45", [9, 18, 26, 34, 41, 45]),
        ("  3\t4\n5  ", [3, 4, 5]),
        ("２，５，１２", [2, 5, 12]),  # full-width digits and commas
        ("3、4", [3, 4]),
        ("007", [7]),
    ],
)
def test_parse_source_accepts(text, expected):
    assert parse_source(text) == expected


@pytest.mark.parametrize("text", ["", "   ", ",", "a", "1.5", "-3", "1 2x", "12 三"])
def test_parse_source_rejects(text):
    with pytest.raises(ValueError):
        parse_source(text)


# --------------------------------------------------------------------------- sha256-rank


def test_sha256_rank_is_sha256_of_seed_colon_id():
    assert sha256_rank("a", "b") == "6783a31eabf68ccc0660f935c0826282bdd2241f3a80a9f2d10d59aea9ebb5d8"
    assert sha256_rank("示例", "X") == hashlib.sha256("示例:X".encode("utf-8")).hexdigest()
    assert team_rank("s", "e", "i") == hashlib.sha256(b"s:e:i").hexdigest()


def _hazchem_ids() -> list[str]:
    with open(REPO / "data" / "entities.csv", encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    return [r["id"] for r in rows if r["category"] in ("hazchem_production", "hazchem_trading")]


VECTOR_SEED = "20220406-示例见证"
VECTOR_K = 9
# Computed once with rank_smallest, then checked below by sha256sum and by DuckDB.
VECTOR_PICKS = [
    ("0dbe2d63134528065d4da41a33044a7e3e5049cfb8d72966ec469458787fc758", "91140428MA0015188P"),
    ("1126c8e49cccb34836a1948ffae6e29f6506b2a8a9fe711b2ea6836eae4fdbc4", "91140428MA0014134Y"),
    ("20e7b8d5512d3bc8cf7b69f0a43ea2e09426a29643ff5991d0f7b55b49f81c27", "91140428MA00135025"),
    ("2af155a431320776fadd3d01ebe3ea24f02143b3ed170772412c0071d3c36bda", "91140428MA00150491"),
    ("30dc2e84851aeaaf3e21303e24b459b3b887f3183fd988200e547a6ce4befa34", "91140428MA0012876J"),
    ("3d3251bda247814be36895f5e162d97951ffca49a4eb1bd9c18e8789f56013cb", "91140428MA0015460X"),
    ("465ccf13adb441203522d6cc3fea28539d712c20472b8f2467a23b4d5c70ab28", "91140428MA0014556X"),
    ("4b7fb24a2426d9c07763117c47253df17bcde50d912b9fc63e80b2f7c97320bc", "91140428MA00140626"),
    ("515ece201f9e921803032401f8bcbf0b5c5647de23598eb3f36ca416f321661e", "91140428MA0013780J"),
]


def test_fixed_vector_on_shipped_registry():
    ids = _hazchem_ids()
    assert len(ids) == 41
    assert rank_smallest(VECTOR_SEED, ids, VECTOR_K) == VECTOR_PICKS
    assert select("sha256-rank", VECTOR_SEED, reversed(ids), VECTOR_K) == VECTOR_PICKS
    draw = draw_round("sha256-rank", VECTOR_SEED, ids, set(), VECTOR_K)
    assert draw == PoolDraw(picks=VECTOR_PICKS, new_cycle=False, cycle_picks=())


def test_fixed_vector_by_sha256sum_in_shell():
    if sys.platform == "win32" or not shutil.which("bash") or not shutil.which("sha256sum"):
        pytest.skip("needs bash and sha256sum")
    ids = _hazchem_ids()
    script = (
        'while IFS= read -r id; do '
        'printf "%s %s\\n" "$(printf "%s" "$SEED:$id" | sha256sum | cut -d" " -f1)" "$id"; '
        'done | LC_ALL=C sort | head -n "$K"'
    )
    out = subprocess.run(
        ["bash", "-c", script],
        input="".join(f"{i}\n" for i in ids).encode("utf-8"),
        env={**os.environ, "SEED": VECTOR_SEED, "K": str(VECTOR_K)},
        capture_output=True,
        check=True,
    ).stdout.decode("utf-8")
    shell = [tuple(line.split(" ")) for line in out.splitlines()]
    assert shell == VECTOR_PICKS
    assert shell == rank_smallest(VECTOR_SEED, ids, VECTOR_K)


def test_fixed_vector_by_duckdb():
    duckdb = pytest.importorskip("duckdb")
    ids = _hazchem_ids()
    con = duckdb.connect()
    con.execute("CREATE TABLE ids (id VARCHAR)")
    con.executemany("INSERT INTO ids VALUES (?)", [[i] for i in ids])
    rows = con.execute(
        "SELECT sha256(? || ':' || id) AS rank, id FROM ids ORDER BY rank, id LIMIT ?",
        [VECTOR_SEED, VECTOR_K],
    ).fetchall()
    assert [tuple(r) for r in rows] == VECTOR_PICKS
    only_ids = con.execute(
        "SELECT id FROM ids ORDER BY sha256(? || ':' || id) LIMIT ?", [VECTOR_SEED, VECTOR_K]
    ).fetchall()
    assert [r[0] for r in only_ids] == [i for _, i in rank_smallest(VECTOR_SEED, ids, VECTOR_K)]


def test_rank_smallest_accepts_a_million_id_generator():
    picks = rank_smallest("big", (f"E{i:07d}" for i in range(1_000_000)), 5)
    assert len(picks) == 5
    assert picks == sorted(picks)
    assert all(rank == sha256_rank("big", i) for rank, i in picks)


def test_rank_smallest_keeps_little_in_memory():
    tracemalloc.start()
    try:
        rank_smallest("mem", (f"E{i:07d}" for i in range(200_000)), 10)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # Holding every (rank, id) pair would take tens of megabytes.
    assert peak < 2_000_000


def test_multi_round_cycle_covers_scope_once():
    ids = _hazchem_ids()
    drawn: list[str] = []
    for r in range(1, 5):
        d = draw_round("sha256-rank", f"seed-{r}", ids, set(drawn), 9)
        assert not d.new_cycle
        drawn += [i for _, i in d.picks]
    assert len(set(drawn)) == 36
    d = draw_round("sha256-rank", "seed-5", ids, set(drawn), 9)
    assert d.new_cycle
    first = [i for _, i in d.picks[:5]]
    assert set(drawn) | set(first) == set(ids)
    assert len(d.cycle_picks) == 4 and set(d.cycle_picks) <= set(drawn)
    assert [i for _, i in d.picks[5:]] == list(d.cycle_picks)


def test_draw_round_rejects_k_above_scope():
    with pytest.raises(ValueError):
        draw_round("sha256-rank", "s", ["a", "b"], set(), 3)
    with pytest.raises(ValueError):
        select("no-such", "s", ["a"], 1)


# --------------------------------------------------------------------------- properties

ID_ALPHABET = st.characters(blacklist_categories=("Cs",))
ids_sets = st.sets(st.text(ID_ALPHABET, min_size=1, max_size=8), min_size=0, max_size=30)
seeds = st.text(ID_ALPHABET, max_size=20)


@given(seed=seeds, ids=ids_sets, data=st.data())
def test_rank_smallest_matches_full_sort(seed, ids, data):
    k = data.draw(st.integers(0, len(ids)))
    picks = rank_smallest(seed, iter(ids), k)
    full = sorted((hashlib.sha256(f"{seed}:{i}".encode()).hexdigest(), i) for i in ids)
    assert picks == full[:k]


@given(seed=seeds, ids=ids_sets, algorithm=st.sampled_from(ALGORITHMS), data=st.data())
def test_select_picks_k_distinct_ids_from_pool_regardless_of_order(seed, ids, algorithm, data):
    k = data.draw(st.integers(0, len(ids)))
    order = data.draw(st.permutations(sorted(ids)))
    picks = select(algorithm, seed, order, k)
    picked = [i for _, i in picks]
    assert len(picked) == k == len(set(picked))
    assert set(picked) <= ids
    assert select(algorithm, seed, sorted(ids), k) == picks


@given(seed=seeds, scope=ids_sets, algorithm=st.sampled_from(ALGORITHMS), data=st.data())
def test_draw_round_properties(seed, scope, algorithm, data):
    scope_list = sorted(scope)
    excluded = set(data.draw(st.lists(st.sampled_from(scope_list), unique=True))) if scope_list else set()
    excluded |= {"not-in-scope"}
    k = data.draw(st.integers(0, len(scope)))
    d = draw_round(algorithm, seed, scope_list, excluded, k)
    picked = [i for _, i in d.picks]
    pool = scope - excluded

    assert len(picked) == k == len(set(picked))
    assert set(picked) <= scope
    if d.new_cycle:
        assert len(pool) < k
        assert set(picked[: len(pool)]) == pool
        assert list(d.cycle_picks) == picked[len(pool):]
        assert not set(d.cycle_picks) & pool
    else:
        assert len(pool) >= k
        assert not set(picked) & excluded
        assert d.cycle_picks == ()

    shuffled = data.draw(st.permutations(scope_list))
    assert draw_round(algorithm, seed, iter(shuffled), set(excluded), k) == d


CATEGORIES = ("coal_mine", "hazchem_trading", "industry_trade")
TOWNS = ("丹朱镇", "鲍店镇", "石哲镇")


def _entity(i: int, category: str, town: str) -> Entity:
    return Entity(id=f"91140428MA{i:07d}X", name=f"示例第{i}公司", category=category, town=town, status="在营")


def _inspector(i: int, status="在岗", quals=(), town="", avoid=()) -> Inspector:
    return Inspector(
        id=f"14042822{i:05d}", name=f"示例人员{i}", unit="执法大队",
        qualifications=tuple(quals), status=status, town=town, avoid=tuple(avoid),
    )


@st.composite
def team_cases(draw):
    n_entities = draw(st.integers(1, 8))
    entities = [
        _entity(i, draw(st.sampled_from(CATEGORIES)), draw(st.sampled_from(TOWNS)))
        for i in range(n_entities)
    ]
    entity_ids = [e.id for e in entities]
    inspectors = []
    for i in range(draw(st.integers(0, 12))):
        status = draw(st.sampled_from(("在岗", "在岗", "在岗") + INSPECTOR_STATUSES))
        quals = draw(st.lists(st.sampled_from(CATEGORIES), unique=True, max_size=2))
        avoid = draw(st.lists(st.sampled_from(entity_ids), unique=True, max_size=2))
        inspectors.append(_inspector(i, status, quals, draw(st.sampled_from(TOWNS)), avoid))
    n = draw(st.integers(1, 3))
    local = draw(st.booleans())
    seed = draw(seeds)
    return seed, entities, inspectors, n, local


def _expected_reason(entity: Entity, inspector: Inspector, local: bool) -> str | None:
    if inspector.status == "不参与抽取":
        return "not_drawn"
    if inspector.status != "在岗":
        return "off_duty"
    if inspector.qualifications and entity.category not in inspector.qualifications:
        return "unqualified"
    if entity.id in inspector.avoid:
        return "conflict"
    if local and inspector.town == entity.town:
        return "local"
    return None


@settings(max_examples=200)
@given(case=team_cases())
def test_shared_exclusions_answer_as_exclusions_does_for_every_entity(case):
    """The draw and verify work out who may go once per (category, town under 属地回避) for entities no one avoids:
    the answer is exactly ``exclusions`` of each entity, in every order they are asked for, repeats included."""
    _, entities, inspectors, _, local = case
    shared = SharedExclusions(inspectors, local)
    for entity in entities + entities[::-1]:
        assert shared.of(entity) == exclusions(entity, inspectors, local)


@settings(max_examples=200)
@given(case=team_cases())
def test_teams_are_eligible_and_complete(case):
    seed, entities, inspectors, n, local = case
    by_id = {i.id: i for i in inspectors}
    try:
        teams = assign_teams(seed, entities, inspectors, n, local)
    except NotEnoughInspectors as exc:
        short = [
            e for e in entities
            if sum(_expected_reason(e, i, local) is None for i in inspectors) < n
        ]
        assert short
        assert short[0].id in exc.message and short[0].name in exc.message
        return
    assert [t.entity for t in teams] == [e.id for e in entities]
    for entity, team in zip(entities, teams):
        assert len(team.inspectors) == n == len(set(team.inspectors))
        for inspector_id in team.inspectors:
            assert _expected_reason(entity, by_id[inspector_id], local) is None
        expected_excluded = sorted(
            (i.id, r) for i in inspectors if (r := _expected_reason(entity, i, local)) is not None
        )
        assert list(team.excluded) == expected_excluded
        assert not set(team.inspectors) & {i for i, _ in team.excluded}
    # Shuffling the inspector list changes nothing.
    assert assign_teams(seed, entities, list(reversed(inspectors)), n, local) == teams


@settings(max_examples=100)
@given(case=team_cases())
def test_teams_can_be_rederived_from_a_record(case):
    seed, entities, inspectors, n, local = case
    try:
        teams = assign_teams(seed, entities, inspectors, n, local)
    except NotEnoughInspectors:
        return
    # What `ssj verify` has: the draw's full inspector id list and, per pick, the excluded.
    all_ids = [i.id for i in inspectors]
    load: Counter[str] = Counter()
    for team in teams:
        excluded = {i for i, _ in team.excluded}
        eligible = [i for i in all_ids if i not in excluded]
        assert team_from_eligible(seed, team.entity, eligible, load, n) == team.inspectors
        load.update(team.inspectors)


@given(
    seed=seeds,
    m=st.integers(1, 10),
    picks=st.integers(1, 25),
    data=st.data(),
)
def test_work_is_spread_evenly(seed, m, picks, data):
    n = data.draw(st.integers(1, m))
    inspectors = [_inspector(i) for i in range(m)]
    entities = [_entity(i, "coal_mine", "丹朱镇") for i in range(picks)]
    teams = assign_teams(seed, entities, inspectors, n, local_avoidance=False)
    load = Counter({i.id: 0 for i in inspectors})
    for t in teams:
        load.update(t.inspectors)
    assert max(load.values()) - min(load.values()) <= 1
    assert sum(load.values()) == n * picks


def test_team_order_follows_load_then_team_rank():
    seed, entity = "s", "E1"
    ids = ["a", "b", "c", "d"]
    by_rank = sorted(ids, key=lambda i: team_rank(seed, entity, i))
    assert team_from_eligible(seed, entity, ids, {}, 2) == tuple(by_rank[:2])
    load = {by_rank[0]: 1}
    assert team_from_eligible(seed, entity, ids, load, 2) == tuple(by_rank[1:3])
    assert team_from_eligible(seed, entity, ids[:1], {}, 2) == ("a",)


def test_exclusion_reasons_first_applicable():
    entity = _entity(1, "hazchem_trading", "丹朱镇")
    inspectors = [
        _inspector(1, status="休假", quals=["coal_mine"], town="丹朱镇", avoid=[entity.id]),
        _inspector(2, quals=["coal_mine"], town="丹朱镇", avoid=[entity.id]),
        _inspector(3, quals=["hazchem_trading"], town="丹朱镇", avoid=[entity.id]),
        _inspector(4, town="丹朱镇"),
        _inspector(5, town="鲍店镇"),
    ]
    eligible, excluded = exclusions(entity, inspectors, local_avoidance=True)
    assert [i.id for i in eligible] == [inspectors[4].id]
    assert [code for _, code in excluded] == ["off_duty", "unqualified", "conflict", "local"]
    eligible, excluded = exclusions(entity, inspectors, local_avoidance=False)
    assert [i.id for i in eligible] == [inspectors[3].id, inspectors[4].id]


def test_reason_texts_are_chinese():
    on_leave = _inspector(1, status="病假")
    assert reason_text("off_duty", on_leave) == "不在岗（病假）"
    assert reason_text("unqualified", None) == "无该类别检查资格"
    assert reason_text("conflict", None) == EXCLUSION_REASONS["conflict"]
    assert reason_text("local", None) == "属地回避（同乡镇）"
    assert "??" in reason_text("??", None)


def test_not_enough_inspectors_names_the_entity_and_reasons():
    entity = Entity(
        id="91140428MA0012809L", name="长子县示例南漳第1危化品经营部",
        category="hazchem_trading", town="南漳镇", status="在营",
    )
    inspectors = [
        _inspector(1, status="休假"),
        _inspector(2, quals=["coal_mine"]),
        _inspector(3, avoid=[entity.id]),
        _inspector(4, town="南漳镇"),
        _inspector(5, town="鲍店镇"),
    ]
    with pytest.raises(NotEnoughInspectors) as info:
        assign_teams("s", [entity], inspectors, 2, local_avoidance=True)
    message = info.value.message
    assert entity.name in message and entity.id in message
    for text in ("不在岗（休假）", "无该类别检查资格", "与该企业有利害关系（回避名单）", "属地回避（同乡镇）"):
        assert text in message
    assert "示例人员1" in message and "14042822" in message
    assert info.value.hint


def test_team_dataclass_shape():
    inspectors = [_inspector(i) for i in range(3)]
    teams = assign_teams("s", [_entity(1, "coal_mine", "丹朱镇")], inspectors, 2, False)
    assert isinstance(teams[0], Team)
    assert teams[0].excluded == ()
    assert len(teams[0].inspectors) == 2


def _assign_teams_reference(seed, picks, inspectors, n, local):
    """assign_teams as it was before the eligibility cache: exclusions() for every entity."""
    by_id = {i.id: i for i in inspectors}
    load: dict[str, int] = {}
    teams = []
    for entity in picks:
        eligible, excluded = exclusions(entity, inspectors, local)
        if len(eligible) < n:
            from shuangsuiji.draw.teams import _not_enough_message

            raise NotEnoughInspectors(_not_enough_message(entity, eligible, excluded, by_id, n), "")
        team = tuple(
            sorted(dict.fromkeys(i.id for i in eligible),
                   key=lambda i: (load.get(i, 0), team_rank(seed, entity.id, i), i))[:n]
        )
        for inspector_id in team:
            load[inspector_id] = load.get(inspector_id, 0) + 1
        teams.append(Team(entity=entity.id, inspectors=team, excluded=tuple(excluded)))
    return teams


@st.composite
def shared_team_cases(draw):
    """Many entities sharing few (category, town) pairs, empty towns, avoid lists naming some."""
    towns = TOWNS + ("",)
    n_entities = draw(st.integers(1, 15))
    entities = [
        _entity(i, draw(st.sampled_from(CATEGORIES)), draw(st.sampled_from(towns)))
        for i in range(n_entities)
    ]
    entity_ids = [e.id for e in entities] + ["91140428MA9999999X"]  # one avoided, never drawn
    inspectors = []
    for i in range(draw(st.integers(0, 10))):
        status = draw(st.sampled_from(("在岗", "在岗", "在岗") + INSPECTOR_STATUSES))
        quals = draw(st.lists(st.sampled_from(CATEGORIES), unique=True, max_size=2))
        avoid = draw(st.lists(st.sampled_from(entity_ids), unique=True, max_size=3))
        inspectors.append(_inspector(i, status, quals, draw(st.sampled_from(towns)), avoid))
    return draw(seeds), entities, inspectors, draw(st.integers(1, 3)), draw(st.booleans())


@settings(max_examples=400)
@given(case=shared_team_cases())
def test_team_eligibility_cache_matches_per_entity_exclusions(case):
    seed, entities, inspectors, n, local = case
    try:
        expected = _assign_teams_reference(seed, entities, inspectors, n, local)
    except NotEnoughInspectors as exc:
        with pytest.raises(NotEnoughInspectors) as info:
            assign_teams(seed, entities, inspectors, n, local)
        assert info.value.message == exc.message
        return
    assert assign_teams(seed, entities, inspectors, n, local) == expected


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from([f"E{i}" for i in range(40)]) | st.text(max_size=4), max_size=60), st.integers(0, 70),
       st.text(max_size=3))
def test_rank_smallest_sorts_a_sized_pool_as_the_heap_does(ids, k, seed):
    """A large k of a list is ranked by one sort of raw digests: the same picks as the bounded heap over a generator,
    repeated ids (equal ranks, ties by id) included."""
    k = min(k, len(ids))
    assert rank_smallest(seed, list(ids), k) == rank_smallest(seed, (i for i in ids), k)
    assert rank_smallest(seed, set(ids), min(k, len(set(ids)))) == rank_smallest(seed, iter(sorted(set(ids))), min(k, len(set(ids))))
