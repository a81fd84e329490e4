"""`ssj draw`, `ssj void`, `ssj draws`, `ssj verify` through the CLI, on a copy of the shipped workspace."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers import Ssj, as_before_kept_inputs, tree_digest

DAY = "2022-04-06"


def draw(ssj, task="hazchem", seed="s1", day=DAY, *extra):
    res = ssj("draw", "--task", task, "--seed", seed, "--today", day, "--json", *extra)
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout)


def ledger_lines(ws: Path) -> list[dict]:
    return [json.loads(line) for line in (ws / "draws" / "ledger.jsonl").read_text(encoding="utf-8").splitlines()]


def test_draw_writes_record_and_ledger_line(ssj, ws):
    rec = draw(ssj)
    path = ws / "draws" / "2022" / "hazchem-r1.json"
    assert path.exists()
    on_disk = json.loads(path.read_text(encoding="utf-8"))
    assert on_disk["picks"] == rec["picks"]
    assert "示例" in path.read_text(encoding="utf-8")  # Chinese kept readable, not escaped
    for key in ("schema", "algorithm", "year", "task", "round", "seed", "seed_origin", "created_at", "ssj_version",
                "inputs", "scope", "excluded", "pool", "k", "new_cycle", "picks"):
        assert key in on_disk
    assert on_disk["created_at"].endswith("+08:00")
    assert set(on_disk["inputs"]) == {"plans/2022.yaml", "data/entities.csv", "data/inspectors.csv"}
    (line,) = ledger_lines(ws)
    assert line["seq"] == 1 and line["type"] == "draw" and line["prev"] == "0" * 64
    assert line["record"] == "2022/hazchem-r1.json"
    assert rec["k"] == 9 and len(rec["picks"]) == 9
    assert all(len(p["inspectors"]) == 2 for p in rec["picks"])


def test_human_output_names_picks_and_seed(ssj):
    res = ssj("draw", "--task", "coal", "--seed", "见证人掷骰 3-6-1", "--today", DAY)
    assert res.exit_code == 0, res.output
    assert "见证人掷骰 3-6-1" in res.stdout
    assert "煤矿" in res.stdout and "draws/2022/coal-r1.json" in res.stdout


def test_dry_run_writes_nothing(ssj, ws):
    before = tree_digest(ws)
    rec = draw(ssj, "hazchem", "s1", DAY, "--dry-run")
    assert rec["round"] == 1
    assert tree_digest(ws) == before


def test_generated_seed_is_recorded(ssj):
    res = ssj("draw", "--task", "coal", "--today", DAY, "--json")
    rec = json.loads(res.stdout)
    assert rec["seed_origin"] == "generated" and len(rec["seed"]) == 32
    int(rec["seed"], 16)


def test_seed_is_nfc_normalized_and_stripped(ssj):
    decomposed = "  cafe\u0301  "
    rec = draw(ssj, "coal", decomposed, DAY, "--dry-run")
    assert rec["seed"] == "caf\u00e9"


def test_second_round_excludes_first_rounds_picks(ssj):
    first = draw(ssj, "hazchem", "s1")
    second = draw(ssj, "hazchem", "s2", "2022-05-06")
    assert second["round"] == 2
    one = {p["entity"] for p in first["picks"]}
    assert set(second["excluded"]) == one
    assert not one & {p["entity"] for p in second["picks"]}
    assert set(second["pool"]) == set(second["scope"]) - one


def test_exclusion_runs_until_whole_scope_drawn_then_new_cycle(ssj):
    seen: set[str] = set()
    for n in range(1, 5):  # 41 in scope, 9 a round: rounds 1-4 draw 36 distinct entities
        rec = draw(ssj, "hazchem", f"s{n}")
        picks = {p["entity"] for p in rec["picks"]}
        assert not picks & seen and not rec["new_cycle"]
        seen |= picks
    fifth = draw(ssj, "hazchem", "s5")
    assert fifth["new_cycle"] is True
    assert len(fifth["pool"]) == 5
    assert [p["entity"] for p in fifth["picks"]][:5] == sorted(fifth["pool"], key=lambda i: next(p["rank"] for p in fifth["picks"] if p["entity"] == i))
    assert set(fifth["pool"]) <= {p["entity"] for p in fifth["picks"]}
    assert len(fifth["cycle_picks"]) == 4 and not set(fifth["cycle_picks"]) & set(fifth["pool"])
    sixth = draw(ssj, "hazchem", "s6")
    assert set(sixth["excluded"]) == set(fifth["cycle_picks"])


def test_full_ratio_task_takes_whole_scope_every_round(ssj):
    for n in (1, 2, 3):
        rec = draw(ssj, "coal", f"c{n}")
        assert sorted(p["entity"] for p in rec["picks"]) == rec["scope"]
        assert len(rec["picks"]) == 6


def test_void_frees_the_round_and_next_draw_is_a_new_round(ssj, ws):
    first = draw(ssj, "hazchem", "s1")
    res = ssj("void", "--task", "hazchem", "--round", "1", "--reason", "名录库有误", "--today", "2022-04-07")
    assert res.exit_code == 0, res.output
    second = draw(ssj, "hazchem", "s2", "2022-04-08")  # a new seed: the ledger holds s1
    assert second["round"] == 2
    assert second["excluded"] == []  # the voided round's picks are back in the pool
    assert second["pool"] == second["scope"] == first["scope"]
    kinds = [line["type"] for line in ledger_lines(ws)]
    assert kinds == ["draw", "void", "draw"]
    listed = json.loads(ssj("draws", "--json").stdout)
    assert [(r["round"], r["voided"]) for r in listed] == [(1, True), (2, False)]
    again = ssj("void", "--task", "hazchem", "--round", "1", "--reason", "x")
    assert again.exit_code == 2 and "已于" in again.stderr


def test_void_needs_reason_and_existing_round(ssj):
    draw(ssj)
    assert ssj("void", "--task", "hazchem", "--round", "1", "--reason", "  ").exit_code == 2
    res = ssj("void", "--task", "hazchem", "--round", "7", "--reason", "x")
    assert res.exit_code == 2 and "没有第 7 轮" in res.stderr


def test_existing_round_is_refused_and_nothing_written(ssj, ws):
    draw(ssj)
    before = tree_digest(ws)
    res = ssj("draw", "--task", "hazchem", "--seed", "other", "--today", DAY, "--round", "1")
    assert res.exit_code == 2
    assert "已经摇过号" in res.stderr and "Traceback" not in res.output
    assert tree_digest(ws) == before


def test_draw_after_period_is_refused(ssj, ws):
    before = tree_digest(ws)
    res = ssj("draw", "--task", "hazchem", "--seed", "s", "--today", "2022-07-01")
    assert res.exit_code == 2
    assert "晚于任务 hazchem 的抽查时间" in res.stderr
    assert tree_digest(ws) == before


@pytest.mark.parametrize(
    "args, message",
    [
        (["--task", "nosuch"], "计划中没有任务 nosuch"),
        (["--task", "coal", "--today", "2022-13-01"], "--today 的日期 2022-13-01 无法识别"),
        (["--task", "coal", "--today", DAY, "--algorithm", "dice"], "未知的算法 dice"),
        (["--task", "coal", "--today", DAY, "--seed", "a", "--source", "1 2"], "只能二选一"),
        (["--task", "coal", "--today", DAY, "--source", "1 x"], "第 1 个 --source 无法识别"),
    ],
)
def test_bad_draw_options(ssj, ws, args, message):
    before = tree_digest(ws)
    res = ssj("draw", *args)
    assert res.exit_code == 2, res.output
    assert message in res.stderr and "Traceback" not in res.output
    assert tree_digest(ws) == before


def test_not_enough_inspectors_names_entity_and_writes_nothing(ssj, ws):
    path = ws / "data" / "inspectors.csv"
    text = path.read_text(encoding="utf-8-sig")
    # Everyone who may inspect coal mines goes on leave except one.
    lines = text.splitlines()
    out = [lines[0]]
    for line in lines[1:]:
        cells = line.split(",")
        if cells[0] != "1404282201009":
            cells[4] = "休假"
        out.append(",".join(cells))
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    before = tree_digest(ws)
    res = ssj("draw", "--task", "coal", "--seed", "s", "--today", DAY)
    assert res.exit_code == 2
    assert "可派执法检查人员只有 1 名" in res.stderr and "不在岗" in res.stderr
    assert tree_digest(ws) == before


def test_rfc3797_conformance_through_cli(tmp_path):
    """RFC 3797 section 6: 25 names, key from three public sources, 16 selections."""
    root = tmp_path / "rfc"
    (root / "plans").mkdir(parents=True)
    (root / "data").mkdir()
    from shuangsuiji.inputs import uscc

    ids = []
    for n in range(1, 26):
        first17 = f"9114042800000{n:04d}"
        ids.append(first17 + uscc.check_char(first17))
    assert ids == sorted(ids)
    rows = "\r\n".join(f"{i},示例企业{n},coal_mine,丹朱镇,在营," for n, i in enumerate(ids, start=1))
    (root / "data" / "entities.csv").write_text("id,name,category,town,status,risk\r\n" + rows + "\r\n", encoding="utf-8")
    (root / "data" / "inspectors.csv").write_text(
        "id,name,unit,qualifications,status,town,avoid\r\nA01,示例甲,执法大队,,在岗,,\r\nA02,示例乙,执法大队,,在岗,,\r\n", encoding="utf-8"
    )
    (root / "plans" / "2022.yaml").write_text(
        "year: 2022\ndocument: 示例〔2022〕1号\ntitle: 示例计划\nissued: 2022-01-01\ndepartment: 示例局\n"
        "categories:\n  coal_mine: 煤矿\ntasks:\n  - id: rfc\n    name: 示例任务\n    type: 定向\n    matter: 示例事项\n"
        "    scope_label: 示例范围\n    scope: [coal_mine]\n    ratio: 64%\n    start: 2022-01-01\n    end: 2022-12-31\n",
        encoding="utf-8",
    )
    ssj = Ssj(root)
    res = ssj("draw", "--task", "rfc", "--source", "9319", "--source", "2 5 12 8 10", "--source", "9 18 26 34 41 45",
              "--today", DAY, "--json")
    assert res.exit_code == 0, res.output
    rec = json.loads(res.stdout)
    assert rec["seed"] == "9319./2.5.8.10.12./9.18.26.34.41.45./"
    assert rec["algorithm"] == "rfc3797" and rec["seed_origin"] == "public" and rec["k"] == 16
    positions = [ids.index(p["entity"]) + 1 for p in rec["picks"]]
    assert positions == [17, 7, 2, 16, 25, 23, 8, 24, 19, 13, 22, 5, 18, 9, 1, 4]
    assert ssj("verify").exit_code == 0


def test_verify_passes_on_honest_ledger(ssj):
    draw(ssj, "hazchem", "s1")
    draw(ssj, "coal", "c1")
    ssj("void", "--task", "coal", "--round", "1", "--reason", "重摇测试", "--today", "2022-04-07")
    draw(ssj, "coal", "c2", "2022-04-07")
    res = ssj("verify", "--json")
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert out["ok"] and out["draws"] == 3 and out["events"] == 4


def _flip_byte(path: Path, needle: bytes) -> None:
    data = path.read_bytes()
    at = data.index(needle)
    path.write_bytes(data[:at] + bytes([data[at] ^ 1]) + data[at + 1:])


def test_one_byte_edit_of_ledger_fails_verify(ssj, ws):
    draw(ssj, "hazchem", "s1")
    draw(ssj, "coal", "c1")
    ledger = ws / "draws" / "ledger.jsonl"
    _flip_byte(ledger, b'"k":9')  # 9 -> 8 in the first line
    res = ssj("verify")
    assert res.exit_code == 1
    assert "draws/ledger.jsonl:2" in res.stderr and "哈希链断裂" in res.stderr
    assert "第 2 号事件" in res.stderr


def test_one_byte_edit_of_record_fails_verify(ssj, ws):
    rec = draw(ssj, "hazchem", "s1")
    path = ws / "draws" / "2022" / "hazchem-r1.json"
    _flip_byte(path, rec["picks"][0]["entity"][-1].encode())
    res = ssj("verify", "--json")
    assert res.exit_code == 1
    out = json.loads(res.stdout)
    assert out["failures"][0]["file"] == "draws/2022/hazchem-r1.json"
    assert out["failures"][0]["seq"] == 1
    assert "SHA-256" in out["failures"][0]["message"]


def test_forged_record_with_matching_hash_is_re_derived(ssj, ws):
    """Someone who rewrites the record AND its hash in the ledger (and the chain after it) is still caught."""
    from shuangsuiji.ledger.chain import GENESIS, encode_event, line_digest

    rec = draw(ssj, "hazchem", "s1")
    path = ws / "draws" / "2022" / "hazchem-r1.json"
    forged = json.loads(path.read_text(encoding="utf-8"))
    forged["picks"][0]["inspectors"] = list(reversed(forged["picks"][0]["inspectors"]))
    data = (json.dumps(forged, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    path.write_bytes(data)
    import hashlib

    (line,) = ledger_lines(ws)
    fields = {k: v for k, v in line.items() if k not in ("seq", "type", "at", "prev")}
    fields["record_sha256"] = hashlib.sha256(data).hexdigest()
    raw = encode_event(1, "draw", line["at"], GENESIS, fields)
    (ws / "draws" / "ledger.jsonl").write_bytes(raw + b"\n")
    assert line_digest(raw)
    res = ssj("verify")
    assert res.exit_code == 1
    assert "执法人员与按规则重新分派的结果不符" in res.stderr
    assert rec["picks"][0]["entity"] in res.stderr


def test_orphan_record_is_named_and_kept_aside(ssj, ws):
    rec = draw(ssj, "hazchem", "s1", DAY, "--dry-run")
    orphan = ws / "draws" / "2022" / "hazchem-r1.json"
    orphan.parent.mkdir(parents=True)
    orphan.write_text(json.dumps(rec, ensure_ascii=False), encoding="utf-8")
    res = ssj("verify")
    assert res.exit_code == 1 and "孤立的摇号记录" in res.stderr and "draws/2022/hazchem-r1.json" in res.stderr
    draw(ssj, "hazchem", "s2")  # the interrupted draw's file is kept as evidence, not overwritten
    assert (ws / "draws" / "2022" / "hazchem-r1.orphan-1.json").exists()


def test_torn_final_line_is_uncommitted_and_dropped_on_next_append(ssj, ws):
    draw(ssj, "hazchem", "s1")
    ledger = ws / "draws" / "ledger.jsonl"
    with ledger.open("ab") as fh:
        fh.write(b'{"seq":2,"type":"dra')  # a crash in the middle of a write
    res = ssj("verify")
    assert res.exit_code == 0 and "不完整" in res.stdout
    draw(ssj, "coal", "c1")
    lines = ledger_lines(ws)
    assert [line["seq"] for line in lines] == [1, 2]
    assert ssj("verify").exit_code == 0


def test_check_reports_broken_ledger(ssj, ws):
    draw(ssj)
    _flip_byte(ws / "draws" / "ledger.jsonl", b'"round":1')
    draw_again = ssj("draw", "--task", "coal", "--seed", "x", "--today", DAY)
    assert draw_again.exit_code == 2 and "账本" in draw_again.stderr
    res = ssj("check")
    assert res.exit_code == 2


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(task=st.sampled_from(["coal", "hazchem", "industry", "coalwash"]), seed=st.text(min_size=1, max_size=16).filter(lambda s: s.strip()))
def test_same_inputs_give_byte_identical_records(ws, tmp_path_factory, task, seed):
    """Two workspaces with the same files, the same seed and date: the record files differ only in created_at."""
    import shutil

    day = {"coal": DAY, "hazchem": DAY, "industry": "2022-07-05", "coalwash": "2022-10-11"}[task]
    records = []
    for _ in range(2):
        root = tmp_path_factory.mktemp("same")
        shutil.copytree(ws / "plans", root / "plans")
        shutil.copytree(ws / "data", root / "data")
        res = Ssj(root)("draw", "--task", task, "--seed", seed, "--today", day)
        assert res.exit_code == 0, res.output
        text = (root / "draws" / "2022" / f"{task}-r1.json").read_text(encoding="utf-8")
        records.append([line for line in text.splitlines() if '"created_at"' not in line])
    assert records[0] == records[1]


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(order=st.randoms(use_true_random=False), seed=st.text(min_size=1, max_size=12).filter(lambda s: s.strip()))
def test_shuffling_csv_rows_changes_nothing(ws, order, seed):
    ssj = Ssj(ws)
    base = json.loads(ssj("draw", "--task", "hazchem", "--seed", seed, "--today", DAY, "--dry-run", "--json").stdout)
    for name in ("entities.csv", "inspectors.csv"):
        path = ws / "data" / name
        original = path.read_bytes()
        head, *rows = original.decode("utf-8-sig").splitlines()
        order.shuffle(rows)
        path.write_text("\n".join([head, *rows]) + "\n", encoding="utf-8")
        try:
            again = json.loads(ssj("draw", "--task", "hazchem", "--seed", seed, "--today", DAY, "--dry-run", "--json").stdout)
        finally:
            path.write_bytes(original)
        assert again["picks"] == base["picks"]
        assert again["scope"] == base["scope"] and again["pool"] == base["pool"]


def _forge(ws: Path, change, name: str = "hazchem-r1.json") -> None:
    """Rewrite the only record and its ledger line consistently, as an insider with write access could."""
    import hashlib

    from shuangsuiji.ledger.chain import GENESIS, encode_event

    path = ws / "draws" / "2022" / name
    rec = json.loads(path.read_text(encoding="utf-8"))
    change(rec)
    data = (json.dumps(rec, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    path.write_bytes(data)
    (line,) = ledger_lines(ws)
    fields = {k: v for k, v in line.items() if k not in ("seq", "type", "at", "prev")}
    fields["record_sha256"] = hashlib.sha256(data).hexdigest()
    fields["picks"] = [p["entity"] for p in rec["picks"]]
    (ws / "draws" / "ledger.jsonl").write_bytes(encode_event(1, "draw", line["at"], GENESIS, fields) + b"\n")


def test_forged_scope_is_caught_against_unchanged_registry(ssj, ws):
    from shuangsuiji.draw.record import ids_sha256

    draw(ssj, "industry", "s1", "2022-07-05")  # 55 at 10% draws 6, and so would 54: k stays right

    def drop_unpicked_entity(rec):
        picked = {p["entity"] for p in rec["picks"]}
        victim = next(i for i in rec["scope"] if i not in picked)
        rec["scope"].remove(victim)
        rec["pool"].remove(victim)
        rec["pool_sha256"] = ids_sha256(rec["pool"])

    _forge(ws, drop_unpicked_entity, "industry-r1.json")
    res = ssj("verify")
    assert res.exit_code == 1
    assert "抽查范围与摇号时的计划和名录库（SHA-256 未变）推出的范围不符" in res.stderr


def test_made_up_inspector_exclusion_is_caught(ssj, ws):
    rec = draw(ssj, "hazchem", "s1")
    first = rec["picks"][0]["entity"]

    def exclude_a_team_member(r):
        pick = r["picks"][0]
        gone = pick["inspectors"][0]
        pick["excluded_inspectors"].append({"id": gone, "reason": "off_duty", "text": "不在岗"})
        pick["excluded_inspectors"].sort(key=lambda x: x["id"])

    _forge(ws, exclude_a_team_member)
    res = ssj("verify")
    assert res.exit_code == 1
    assert f"{first} 未派出的执法人员及原因与名录库不符" in res.stderr


def test_made_up_exclusion_on_a_later_pick_of_a_shared_answer_is_caught(ssj, ws):
    """verify compares each answer and each record entry list once: a later pick whose entries differ from those of
    earlier picks of its category is still compared, and named."""
    rec = draw(ssj, "hazchem", "s1")
    category = rec["picks"][0]["category"]
    later = [p["entity"] for p in rec["picks"][1:] if p["category"] == category][-1]

    def drop_an_exclusion(r):
        pick = next(p for p in r["picks"] if p["entity"] == later)
        pick["excluded_inspectors"] = pick["excluded_inspectors"][1:]

    _forge(ws, drop_an_exclusion)
    res = ssj("verify")
    assert res.exit_code == 1
    assert f"{later} 未派出的执法人员及原因与名录库不符" in res.stderr
    assert f"{rec['picks'][0]['entity']} 未派出的执法人员及原因与名录库不符" not in res.stderr


def test_registry_changed_after_a_draw_made_before_kept_inputs_is_noted_once_not_failed(ssj, ws):
    draw(ssj, "hazchem", "s1")
    draw(ssj, "coal", "s2")
    as_before_kept_inputs(ws)
    path = ws / "data" / "entities.csv"
    path.write_bytes(path.read_bytes().replace("在营".encode(), "停产".encode(), 1))
    res = ssj("verify")
    assert res.exit_code == 0, res.output
    note = [line for line in res.stdout.splitlines() if "已修改" in line]
    assert len(note) == 1, res.stdout  # one note for both draws, saying what it means and what to do
    assert note[0].startswith("注意：2022 年 hazchem 第 1 轮、2022 年 coal 第 1 轮是在 ssj 留存输入文件（draws/inputs/）之前摇的")
    assert "data/entities.csv 此后已修改" in note[0] and "抽查范围、抽取家数、分级抽取、排除名单和执法人员排除无法重新推出" in note[0]
    assert "这不是错误" in note[0] and "无需处理" in note[0] and "放回原处后再运行 ssj verify" in note[0]


def test_orphan_kept_aside_is_a_note(ssj, ws):
    rec = draw(ssj, "hazchem", "s1", DAY, "--dry-run")
    orphan = ws / "draws" / "2022" / "hazchem-r1.json"
    orphan.parent.mkdir(parents=True)
    orphan.write_text(json.dumps(rec, ensure_ascii=False), encoding="utf-8")
    draw(ssj, "hazchem", "s2")
    res = ssj("verify")
    assert res.exit_code == 0, res.output
    assert "hazchem-r1.orphan-1.json 是一次中断的摇号留下的记录" in res.stdout


def test_rfc3797_refuses_more_picks_than_its_counter_allows(ssj, ws, monkeypatch):
    from shuangsuiji.draw import prepare as rounds

    monkeypatch.setattr(rounds, "RFC3797_MAX_PICKS", 5)  # the real limit is 65,536; hazchem draws 9
    before = tree_digest(ws)
    res = ssj("draw", "--task", "hazchem", "--algorithm", "rfc3797", "--seed", "1./2./", "--today", DAY)
    assert res.exit_code == 2 and "rfc3797 算法一次最多抽取 5 家" in res.stderr
    assert tree_digest(ws) == before


def test_verify_expect_pins_the_ledger_to_a_hash_kept_on_paper(ssj, ws):
    draw(ssj, "hazchem", "s1")
    draw(ssj, "coal", "c1")
    sheet = ssj("sheet", "--task", "hazchem", "--round", "1", "--out", str(ws / "sheet.html"))
    assert sheet.exit_code == 0, sheet.output
    from shuangsuiji.ledger.chain import line_digest

    first = line_digest((ws / "draws" / "ledger.jsonl").read_bytes().split(b"\n")[0])
    assert first in (ws / "sheet.html").read_text(encoding="utf-8")
    res = ssj("verify", "--expect", first)
    assert res.exit_code == 0 and "第 1 号事件）的 SHA-256 与给定值一致" in res.stdout
    # Someone rewrites the whole ledger consistently (a fresh, self-consistent chain): only the paper hash catches it.
    (ws / "draws" / "ledger.jsonl").unlink()
    for p in (ws / "draws" / "2022").glob("*.json"):
        p.unlink()
    draw(ssj, "hazchem", "other-seed")
    draw(ssj, "coal", "c1")
    assert ssj("verify").exit_code == 0
    res = ssj("verify", "--expect", first)
    assert res.exit_code == 1 and f"账本中没有 SHA-256 为 {first} 的行" in res.stderr


def test_forged_local_avoidance_is_caught_against_the_plan(ssj, ws):
    """Turning 属地回避 on in the record (plan: off) to keep same-town inspectors away must not pass."""
    from shuangsuiji.draw.teams import assign_teams, reason_text
    from shuangsuiji.inputs.year import load_inputs
    from shuangsuiji.workspace import Workspace

    draw(ssj, "hazchem", "s1")
    inputs = load_inputs(Workspace(ws), 2022)
    assert inputs.plan.local_avoidance is False
    by_id = {i.id: i for i in inputs.inspectors}
    local = []

    def local_avoidance_on(rec):
        rec["local_avoidance"] = True
        entities = [inputs.entity(p["entity"]) for p in rec["picks"]]
        teams = assign_teams(rec["seed"], entities, inputs.inspectors, rec["inspectors_per_check"], True)
        for pick, team in zip(rec["picks"], teams):
            pick["inspectors"] = list(team.inspectors)
            pick["inspector_names"] = [by_id[i].name for i in team.inspectors]
            pick["excluded_inspectors"] = [
                {"id": i, "reason": code, "text": reason_text(code, by_id[i])} for i, code in team.excluded
            ]
            local.extend(i for i, code in team.excluded if code == "local")

    _forge(ws, local_avoidance_on)
    assert local  # the forgery does keep someone away
    res = ssj("verify")
    assert res.exit_code == 1, res.output
    assert "属地回避" in res.stderr


@pytest.mark.parametrize("ratio", ["NaN", "Infinity", "-Infinity", "sNaN"])
def test_unreadable_ratio_in_a_forged_record_is_a_failure_not_a_crash(ssj, ws, ratio):
    draw(ssj, "hazchem", "s1")
    _forge(ws, lambda rec: rec.update(ratio=ratio))
    res = ssj("verify")
    assert res.exit_code == 1, res.output
    assert "记录中的抽查比例无法识别" in res.stderr


def test_verify_expect_takes_the_hash_as_copied_from_paper(ssj, ws):
    from shuangsuiji.ledger.chain import line_digest

    draw(ssj, "hazchem", "s1")
    digest = line_digest((ws / "draws" / "ledger.jsonl").read_bytes().split(b"\n")[0])
    # Upper case, grouped in fours, a full-width space from a Chinese input method, a trailing newline.
    copied = " ".join(digest[i:i + 4] for i in range(0, 64, 4)).upper().replace(" ", "\u3000", 1) + "\n"
    res = ssj("verify", "--expect", copied)
    assert res.exit_code == 0, res.output
    assert "与给定值一致" in res.stdout
    # A hash with a character missing is a mistyped value, not evidence that the ledger was rewritten.
    res = ssj("verify", "--expect", digest[:-1])
    assert res.exit_code == 2, res.output
    assert "不是完整的 SHA-256" in res.stderr and "整体改写" not in res.stderr


def test_verify_still_runs_when_a_registry_cannot_be_read(ssj, ws, monkeypatch):
    """Excel on Windows locks an open workbook/CSV: verify re-checks from the records alone, as before."""
    from shuangsuiji.inputs import year as inputs

    draw(ssj, "hazchem", "s1")

    def locked(*args, **kwargs):
        raise PermissionError(13, "Permission denied", str(ws / "data" / "entities.csv"))

    monkeypatch.setattr(inputs, "load_inputs", locked)
    res = ssj("verify")
    assert res.exit_code == 0, res.output
    assert "复核通过" in res.stdout


@pytest.mark.parametrize("field, value", [("scope", 5), ("scope", [{}]), ("excluded", None), ("inspector_pool", 3)])
def test_a_record_of_the_wrong_shape_is_a_failure_not_a_crash(ssj, ws, field, value):
    draw(ssj, "hazchem", "s1")
    _forge(ws, lambda rec: rec.update({field: value}))
    res = ssj("verify")
    assert res.exit_code == 1, res.output
    assert "结构异常" in res.stderr


def test_a_seed_the_ledger_holds_is_refused_for_any_task_and_year(ssj, ws):
    """Issue 9 item 3: a published seed lets anyone compute the picks of a new round in advance."""
    from tests.helpers import plan_for_year

    draw(ssj, "hazchem", "s1")
    ssj("void", "--task", "hazchem", "--round", "1", "--reason", "名录库有误", "--today", "2022-04-07")
    plan_for_year(ws, 2023)
    before = tree_digest(ws)
    for task, year, day in (("hazchem", "2022", "2022-04-08"), ("coal", "2022", DAY), ("coal", "2023", "2023-03-01")):
        res = ssj("draw", "--task", task, "--year", year, "--seed", " s1 ", "--today", day)
        assert res.exit_code == 2, res.output
        assert "种子“s1”已用于 2022 年 hazchem 第 1 轮（2022-04-06 摇号，该轮已作废），不能再用" in res.stderr
        assert "请现场另取新的种子" in res.stderr
        res = ssj("draw", "--task", task, "--year", year, "--seed", "s1", "--today", day, "--dry-run")
        assert res.exit_code == 2 and "已用于" in res.stderr
    assert tree_digest(ws) == before
    assert draw(ssj, "coal", "c1", DAY, "--year", "2022")["round"] == 1  # a new seed is fine


def test_the_quickstart_command_run_twice_keeps_one_draw(ssj, ws):
    command = ("draw", "--task", "hazchem", "--seed", "2022-04-06 见证人掷骰 3-5-2", "--round", "1", "--today", DAY)
    assert ssj(*command).exit_code == 0
    before = tree_digest(ws)
    res = ssj(*command)
    assert res.exit_code == 2, res.output
    assert "hazchem 第 1 轮已经摇过号，摇号结果不能重摇或覆盖" in res.stderr
    res = ssj(*command[:5], *command[7:])  # without --round: the seed the ledger holds is refused
    assert res.exit_code == 2 and "已用于 2022 年 hazchem 第 1 轮" in res.stderr, res.output
    assert [line["type"] for line in ledger_lines(ws)] == ["draw"]
    assert tree_digest(ws) == before
