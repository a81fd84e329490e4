"""Two-phase draws (ssj draw --commit / --reveal): the picks re-derived from the published commitment text alone,
with hashlib only; every refusal leaves the workspace byte-identical; verify catches a reveal that is not its commitment's."""

from __future__ import annotations

import hashlib
import json
import re

from tests.helpers import draw, ledger_bytes, ledger_events, ok, picks, tree_digest

SOURCE = "中国福利彩票 3D 第 2022089 期开奖号码"

# docs/draw-algorithm.md section 13's worked example: hazchem 2022 round 1, source "3 5 2", key 2.3.5./
DOC_EXAMPLE = ["91140428MA00126653", "91140428MA0014978W", "91140428MA0013713L", "91140428MA0013852B", "91140428MA0013019F",
               "91140428MA0014628N", "91140428MA0013086D", "91140428MA001525XB", "91140428MA00153217"]


def commit(ssj, task="hazchem", today="2022-04-06", source_date="2022-04-08", *extra, groups=((SOURCE, 3),)):
    shape = [a for plan, n in groups for a in ("--source-plan", plan, "--source-numbers", str(n))]
    return ssj("draw", "--task", task, "--commit", *shape, "--source-date", source_date, "--today", today, *extra)


def reveal(ssj, *sources, task="hazchem", today="2022-04-08", json_out=True):
    args = ["draw", "--task", task, "--reveal", "--today", today]
    for s in sources:
        args += ["--source", s]
    return ssj(*args, *(["--json"] if json_out else []))


def published_text(stdout: str) -> tuple[str, str]:
    """The commitment text as printed (up to the line before its SHA-256) and the printed SHA-256."""
    head, _, rest = stdout.partition("\n承诺文本 SHA-256：")
    return head.rstrip("\n") + "\n", rest.split("\n", 1)[0].strip()


# --------------------------------------------------------------------------- an outsider's re-derivation


def _block(lines: list[str], start: int) -> list[str]:
    out = []
    for line in lines[start + 1:]:
        if not line:
            break
        out.append(line)
    return out


def parse_text(text: str) -> dict:
    """What an outsider reads off the published text: algorithm, k, and per stratum (or once) its pool and earlier picks."""
    lines = text.split("\n")
    algorithm = next(line.split("：", 1)[1] for line in lines if line.startswith("抽取算法："))
    parts, current = [], None
    for n, line in enumerate(lines):
        if line.startswith("抽取家数：") or re.match(r"第 \d+ 层：", line):
            current = {"k": int(line.rsplit("：", 1)[1]), "pool": [], "excluded": []}
            parts.append(current)
        elif line.startswith("备选池："):
            current["pool"] = _block(lines, n)
        elif line.startswith("此前已抽中："):
            current["excluded"] = _block(lines, n)
    if len(parts) > 1:
        parts = parts[1:]  # the first 抽取家数 is the total; the strata follow
    shape = [int(m.group(1)) for m in (re.fullmatch(r"第 \d+ 组：.*，(\d+) 个数", line) for line in lines) if m]
    return {"algorithm": algorithm, "parts": parts, "shape": shape}


def key_of(sources: list[str]) -> str:
    """RFC 3797 section 4: each source's integers ascending, each followed by '.', each source closed by '/'."""
    return "".join("".join(f"{v}." for v in sorted(int(x) for x in s.split())) + "/" for s in sources)


def select(algorithm: str, key: str, ids: list[str], k: int) -> list[str]:
    if algorithm == "sha256-rank":
        return sorted(ids, key=lambda i: (hashlib.sha256(f"{key}:{i}".encode("utf-8")).hexdigest(), i))[:k]
    left, out = sorted(ids), []
    for i in range(k):
        b = i.to_bytes(2, "big")
        n = int.from_bytes(hashlib.md5(b + key.encode("utf-8") + b).digest(), "big")
        out.append(left.pop(n % len(left)))
    return out


def rederive(text: str, sources: list[str]) -> list[str]:
    spec = parse_text(text)
    assert spec["shape"] == [len(s.split()) for s in sources], "the numbers must come in the groups the text fixed"
    key = key_of(sources)
    out = []
    for part in spec["parts"]:
        pool, k = part["pool"], part["k"]
        if len(pool) >= k:
            out += select(spec["algorithm"], key, pool, k)
        else:
            out += select(spec["algorithm"], key, pool, len(pool)) + select(spec["algorithm"], key, part["excluded"], k - len(pool))
    return out


# --------------------------------------------------------------------------- the flow


def test_commit_early_reveal_refused_reveal_rederived_from_the_text_alone(ssj, ws):
    res = ok(commit(ssj))
    text, printed = published_text(res.stdout)
    assert hashlib.sha256(text.encode("utf-8")).hexdigest() == printed
    line = ledger_events(ws)[-1]
    assert line["type"] == "commit" and line["text_sha256"] == printed and line["source_date"] == "2022-04-08"
    file = ws / "draws" / line["record"]
    assert hashlib.sha256(file.read_bytes()).hexdigest() == line["record_sha256"]
    assert json.loads(file.read_text(encoding="utf-8"))["text"] == text

    before = tree_digest(ws)
    res = reveal(ssj, "3 5 2", today="2022-04-07")  # the lottery has not been drawn yet
    assert res.exit_code == 2 and "早于承诺的来源日期 2022-04-08" in res.output
    assert tree_digest(ws) == before

    rec = json.loads(ok(reveal(ssj, "3 5 2")).stdout)
    assert rec["schema"] == "ssj.draw/2" and rec["seed_origin"] == "committed" and rec["seed"] == "2.3.5./"
    assert rec["commit"] == {"seq": 1, "sha256": line["record_sha256"], "text_sha256": printed,
                             "source_plan": SOURCE, "source_date": "2022-04-08"}
    assert picks(rec) == rederive(text, ["3 5 2"]) == DOC_EXAMPLE
    assert ledger_events(ws)[-1]["commit"] == 1
    ok(ssj("verify"))

    # the printed commitment (摇号承诺书) and the draw sheet that names it
    res = ok(ssj("sheet", "--task", "hazchem", "--commit"))
    sheet = (ws / "draws" / "2022" / "hazchem-r1-commit-1-sheet.html").read_text(encoding="utf-8")
    assert "摇号承诺书" in sheet and printed in sheet and "本承诺已揭晓" in sheet
    ok(ssj("sheet", "--task", "hazchem", "--round", "1"))
    assert printed in (ws / "draws" / "2022" / "hazchem-r1-sheet.html").read_text(encoding="utf-8")


def test_rfc3797_commit_after_an_earlier_round_rederived(ssj, ws):
    first = draw(ssj, "hazchem", "2022-04-06", "s1")
    res = ok(commit(ssj, "hazchem", "2022-04-10", "2022-04-12", "--algorithm", "rfc3797",
                    groups=(("体彩排列 5 第 22090 期前 4 位", 1), ("体彩大乐透第 22040 期前区号码", 5))))
    text, _ = published_text(res.stdout)
    assert "此前已抽中：9 家" in text and all(p in text for p in picks(first))
    rec = json.loads(ok(reveal(ssj, "9319", "2 5 12 8 10", today="2022-04-12")).stdout)
    assert rec["round"] == 2 and rec["algorithm"] == "rfc3797" and rec["excluded"] == sorted(picks(first))
    assert picks(rec) == rederive(text, ["9319", "2 5 12 8 10"])
    ok(ssj("verify"))


def test_stratified_commit_rederived(ssj, ws):
    plan = ws / "plans" / "2022.yaml"
    text = plan.read_text(encoding="utf-8")
    plan.write_text(text.replace("    ratio: 20%\n", "    ratio: 20%\n    ratio_by_risk: {A: 0%, B: 10%, C: 30%, D: 100%}\n", 1), encoding="utf-8")
    res = ok(commit(ssj))
    published, _ = published_text(res.stdout)
    assert "按风险等级分级抽取" in published
    rec = json.loads(ok(reveal(ssj, "4 4 1")).stdout)
    assert rec["strata"] and picks(rec) == rederive(published, ["4 4 1"])
    ok(ssj("verify"))


# --------------------------------------------------------------------------- refusals


def test_every_refusal_leaves_the_workspace_byte_identical(ssj, ws):
    def refused(res, words):
        assert res.exit_code == 2, res.output
        assert words in res.output, res.output
        assert tree_digest(ws) == before

    before = tree_digest(ws)
    refused(reveal(ssj, "1 2 3"), "没有摇号承诺")
    refused(commit(ssj, "hazchem", "2022-04-08", "2022-04-08"), "不晚于承诺日期")
    refused(commit(ssj, "hazchem", "2022-04-08", "2023-01-05"), "晚于任务 hazchem 的抽查时间")
    refused(ssj("draw", "--task", "hazchem", "--commit", "--source-plan", SOURCE, "--source-numbers", "3", "--today", "2022-04-06"), "--source-date")
    refused(ssj("draw", "--task", "hazchem", "--commit", "--seed", "x", "--source-plan", SOURCE, "--source-numbers", "3", "--source-date", "2022-04-08",
                "--today", "2022-04-06"), "--seed")
    refused(ssj("draw", "--task", "hazchem", "--source-plan", SOURCE, "--source-numbers", "3", "--today", "2022-04-06"), "只能与 --commit 同用")

    ok(commit(ssj))
    before = tree_digest(ws)
    refused(commit(ssj, "hazchem", "2022-04-07", "2022-04-09"), "尚未揭晓")  # a second commitment while one is open
    refused(ssj("draw", "--task", "hazchem", "--seed", "s9", "--today", "2022-04-07"), "尚未揭晓")  # nor a one-step draw
    refused(reveal(ssj, "3 5 2", today="2022-04-07"), "早于承诺的来源日期")
    refused(reveal(ssj, "三"), "无法识别")
    refused(ssj("draw", "--task", "hazchem", "--reveal", "--today", "2022-04-08"), "--source")
    refused(ssj("draw", "--task", "hazchem", "--reveal", "--source", "1", "--seed", "x", "--today", "2022-04-08"), "--seed")

    # the registry edited after the commitment: the pool is no longer the committed one
    entities = ws / "data" / "entities.csv"
    original = entities.read_bytes()
    rows = original.decode("utf-8-sig").splitlines()
    committed = json.loads((ws / "draws" / "2022" / "hazchem-r1-commit-1.json").read_text(encoding="utf-8"))["draw"]["pool"]
    n = next(i for i, r in enumerate(rows) if r.startswith(committed[0]))
    rows[n] = rows[n].replace("在营", "停产")
    entities.write_bytes(("\n".join(rows) + "\n").encode("utf-8"))
    before = tree_digest(ws)
    refused(reveal(ssj, "3 5 2"), "与承诺")
    entities.write_bytes(original)

    # voided: no reveal; a new commitment of the same round is allowed, and is the one revealed
    out = ok(ssj("void", "--task", "hazchem", "--round", "1", "--reason", "开奖延期", "--today", "2022-04-07")).stdout
    assert "已作废 hazchem 第 1 轮的摇号承诺" in out and "不能再揭晓" in out and "回到备选池" not in out, out
    before = tree_digest(ws)
    refused(reveal(ssj, "3 5 2"), "已于 2022-04-07 作废")
    ok(commit(ssj, "hazchem", "2022-04-07", "2022-04-09"))
    assert ledger_events(ws)[-1]["record"] == "2022/hazchem-r1-commit-2.json"
    rec = json.loads(ok(reveal(ssj, "7 1 4", today="2022-04-09")).stdout)
    assert rec["commit"]["seq"] == 3 and rec["round"] == 1
    before = tree_digest(ws)
    refused(reveal(ssj, "7 1 4", today="2022-04-09"), "已于 2022-04-09 揭晓")
    res = ok(ssj("verify"))
    assert "复核通过" in res.stdout


# --------------------------------------------------------------------------- verify


def rechain(lines: list[dict]) -> bytes:
    """The ledger bytes of these events, seq and prev made again (what a forger who rewrites the whole file would do)."""
    out, prev = [], "0" * 64
    for n, obj in enumerate(lines, start=1):
        obj = {"seq": n, "type": obj["type"], "at": obj["at"], "prev": prev,
               **{k: v for k, v in obj.items() if k not in ("seq", "type", "at", "prev")}}
        raw = json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        prev = hashlib.sha256(raw).hexdigest()
        out.append(raw + b"\n")
    return b"".join(out)


def test_verify_finds_a_reveal_line_before_its_commit(ssj, ws):
    ok(commit(ssj))
    ok(reveal(ssj, "3 5 2"))
    c, d = ledger_events(ws)
    (ws / "draws" / "ledger.jsonl").write_bytes(rechain([d, c]))
    res = ssj("verify")
    assert res.exit_code == 1
    assert "揭晓（第 1 号事件）在其承诺（第 2 号事件）之前" in res.output


def test_verify_finds_a_reveal_whose_pool_is_not_the_committed_one(ssj, ws, monkeypatch):
    ok(commit(ssj))
    entities = ws / "data" / "entities.csv"
    text = entities.read_bytes().decode("utf-8-sig")
    pool = json.loads((ws / "draws" / "2022" / "hazchem-r1-commit-1.json").read_text(encoding="utf-8"))["draw"]["pool"]
    row = next(r for r in text.splitlines() if r.startswith(pool[0]))
    entities.write_text(text.replace(row, row.replace("在营", "停产")), encoding="utf-8")
    # a reveal made by a program that skipped the comparison with the commitment
    import shuangsuiji.actions.commit as actions_commit

    monkeypatch.setattr(actions_commit, "differences", lambda now, committed: [])
    rec = json.loads(ok(reveal(ssj, "3 5 2")).stdout)
    assert pool[0] not in rec["pool"]
    res = ssj("verify")
    assert res.exit_code == 1
    assert "揭晓的摇号没有用承诺的内容" in res.output and "备选池" in res.output


def test_verify_finds_an_altered_commitment_file(ssj, ws):
    ok(commit(ssj))
    before = ledger_bytes(ws)
    path = ws / "draws" / "2022" / "hazchem-r1-commit-1.json"
    path.write_bytes(path.read_bytes().replace(b"2022-04-08", b"2022-04-09"))
    res = ssj("verify")
    assert res.exit_code == 1 and "摇号承诺文件的 SHA-256 与账本不符" in res.output
    assert ledger_bytes(ws) == before
    res = reveal(ssj, "3 5 2")
    assert res.exit_code == 2 and ledger_bytes(ws) == before


def test_teams_of_a_reveal_are_balanced_by_the_checks_as_they_stood_at_the_commit(ssj, ws):
    draw(ssj, "coal", "2022-04-05", "c1")
    ok(commit(ssj))
    committed = json.loads((ws / "draws" / "2022" / "hazchem-r1-commit-1.json").read_text(encoding="utf-8"))["draw"]
    draw(ssj, "coal", "2022-04-07", "c2")  # drawn between commit and reveal: not in the reveal's earlier checks
    rec = json.loads(ok(reveal(ssj, "3 5 2")).stdout)
    assert rec["prior_checks"] == committed["prior_checks"] and sum(rec["prior_checks"].values()) == 2 * len(
        json.loads((ws / "draws" / "2022" / "coal-r1.json").read_text(encoding="utf-8"))["picks"])
    later = draw(ssj, "industry", "2022-07-05", "i1")  # a later draw counts the reveal's teams
    assert sum(later["prior_checks"].values()) == sum(2 * len(json.loads(p.read_text(encoding="utf-8"))["picks"])
                                                      for p in map((ws / "draws" / "2022").joinpath, ("coal-r1.json", "coal-r2.json", "hazchem-r1.json")))
    ok(ssj("verify"))


def test_a_commitment_of_a_task_with_targeted_additions(ssj, ws):
    plan = ws / "plans" / "2022.yaml"
    plan.write_text(plan.read_text(encoding="utf-8").replace("    ratio: 20%\n", "    ratio: 20%\n    always_include_blacklisted: true\n", 1),
                    encoding="utf-8")
    res = ok(commit(ssj))
    text, _ = published_text(res.stdout)
    assert "定向检查" in text
    random_picks = rederive(text, ["3 5 2"])
    pool = parse_text(text)["parts"][0]["pool"]
    listed = next(i for i in pool if i not in random_picks)
    ok(ssj("blacklist", "add", listed, "--reason", "严重违法失信", "--date", "2022-04-07", "--today", "2022-04-07"))
    rec = json.loads(ok(reveal(ssj, "3 5 2")).stdout)
    assert picks(rec) == random_picks + [listed]  # what the text says: the random picks, then the 定向 additions by id
    ok(ssj("verify"))


def test_verify_finds_a_source_date_not_after_the_commit_day(ssj, ws):
    ok(commit(ssj))
    ok(reveal(ssj, "3 5 2"))
    c, d = ledger_events(ws)
    c["date"] = "2022-04-08"  # a forger who moves the commitment to the lottery's day rewrites the whole chain
    (ws / "draws" / "ledger.jsonl").write_bytes(rechain([c, d]))
    res = ssj("verify")
    assert res.exit_code == 1
    assert "来源日期 2022-04-08 不晚于承诺日期 2022-04-08" in res.output


def test_a_commitment_dated_before_the_tasks_last_event_is_refused(ssj, ws):
    """Void a commitment after its source is out, then commit again with an earlier --today: the new commitment
    would predate numbers already public (and could name one of them as its source). Refused, nothing written."""
    ok(commit(ssj))  # 2022-04-06, source 2022-04-08
    ok(ssj("void", "--task", "hazchem", "--round", "1", "--reason", "开奖延期", "--today", "2022-04-10"))
    before = tree_digest(ws)
    res = commit(ssj, "hazchem", "2022-04-03", "2022-04-09")
    assert res.exit_code == 2, res.output
    assert "早于" in res.output and "2022-04-10" in res.output and "账本第 2 号事件" in res.output, res.output
    assert tree_digest(ws) == before
    # likewise after a one-step round of the task: a commitment of round 2 dated before round 1's draw
    ok(ssj("draw", "--task", "hazchem", "--seed", "s1", "--today", "2022-04-12"))
    before = tree_digest(ws)
    res = commit(ssj, "hazchem", "2022-04-11", "2022-04-20")
    assert res.exit_code == 2 and "2022-04-12" in res.output, res.output
    assert tree_digest(ws) == before
    ok(commit(ssj, "hazchem", "2022-04-12", "2022-04-20"))  # the same day as the last event is fine


def test_verify_notes_a_commitment_voided_on_or_after_its_source_date(ssj, ws):
    ok(commit(ssj))  # source date 2022-04-08
    ok(ssj("void", "--task", "hazchem", "--round", "1", "--reason", "开奖延期", "--today", "2022-04-07"))
    assert "当天或以后作废" not in ok(ssj("verify")).stdout  # voided before the numbers were out: nothing to ask
    ok(commit(ssj, "hazchem", "2022-04-07", "2022-04-09"))
    ok(ssj("void", "--task", "hazchem", "--round", "1", "--reason", "结果不合意", "--today", "2022-04-09"))
    out = ok(ssj("verify")).stdout
    assert out.count("当天或以后作废") == 1, out
    assert "账本第 3 号事件" in out and "来源日期 2022-04-09" in out and "结果不合意" in out, out


# --------------------------------------------------------------------------- the source's shape


def test_the_commitment_fixes_how_the_numbers_are_grouped_and_ordered(ssj, ws):
    """"3 5 2" and "352" give different seeds, and so do two groups given the other way round: the commitment
    states the groups and their counts, and a reveal in any other shape is refused with nothing written."""
    def refused(res, words):
        assert res.exit_code == 2, res.output
        assert words in res.output, res.output
        assert tree_digest(ws) == before

    before = tree_digest(ws)
    no_count = ["draw", "--task", "hazchem", "--commit", "--source-plan", SOURCE, "--source-date", "2022-04-08", "--today", "2022-04-06"]
    refused(ssj(*no_count), "--source-numbers")
    refused(commit(ssj, groups=((SOURCE, "三"),)), "不是 1 至 1000 的整数")
    refused(commit(ssj, groups=((SOURCE, 0),)), "不是 1 至 1000 的整数")
    refused(ssj(*no_count, "--source-numbers", "3", "--source-numbers", "1"), "2 个 --source-numbers")
    refused(commit(ssj, groups=(("  ", 3),)), "--source-plan 不能为空")

    res = ok(commit(ssj, groups=(("体彩大乐透第 22040 期前区号码", 5), ("体彩大乐透第 22040 期后区号码", 2))))
    text, _ = published_text(res.stdout)
    assert "第 1 组：体彩大乐透第 22040 期前区号码，5 个数\n第 2 组：体彩大乐透第 22040 期后区号码，2 个数\n" in text
    line = ledger_events(ws)[-1]
    assert line["source_numbers"] == [5, 2] and line["source_plan"] == "体彩大乐透第 22040 期前区号码；体彩大乐透第 22040 期后区号码"
    file = json.loads((ws / "draws" / line["record"]).read_text(encoding="utf-8"))
    assert file["schema"] == "ssj.commit/2"
    assert file["source_groups"] == [{"plan": "体彩大乐透第 22040 期前区号码", "numbers": 5},
                                     {"plan": "体彩大乐透第 22040 期后区号码", "numbers": 2}]
    ok(ssj("sheet", "--task", "hazchem", "--commit"))
    sheet = (ws / "draws" / "2022" / "hazchem-r1-commit-1-sheet.html").read_text(encoding="utf-8")
    assert "第 1 组：体彩大乐透第 22040 期前区号码（5 个数）；第 2 组：体彩大乐透第 22040 期后区号码（2 个数）" in sheet

    before = tree_digest(ws)
    refused(reveal(ssj, "3 9", "1 5 12 23 30"), "揭晓时给出的是 2 组（第 1 组 2 个数，第 2 组 5 个数）")  # swapped
    refused(reveal(ssj, "1 5 12 23 30 3 9"), "揭晓时给出的是 1 组（7 个数）")  # run together
    refused(reveal(ssj, "1 5 12 23 30", "39"), "第 2 组 1 个数")  # "3 9" typed as one number
    rec = json.loads(ok(reveal(ssj, "30 23 12 5 1", "9 3")).stdout)  # the order within a group does not matter
    assert rec["seed"] == "1.5.12.23.30./3.9./"
    assert picks(rec) == rederive(text, ["30 23 12 5 1", "9 3"])
    ok(ssj("verify"))


def test_verify_finds_a_reveal_in_another_shape_and_a_line_that_is_not_its_file(ssj, ws, monkeypatch):
    ok(commit(ssj))
    import shuangsuiji.actions.commit as actions_commit

    monkeypatch.setattr(actions_commit, "shape_problem", lambda groups, sources: None)  # a program that skipped the check
    ok(reveal(ssj, "352"))
    res = ssj("verify")
    assert res.exit_code == 1
    assert "揭晓所用号码的分组与承诺不符：承诺规定公开随机数共 1 组（3 个数），揭晓时给出的是 1 组（1 个数）" in res.output, res.output
    c, d = ledger_events(ws)
    (ws / "draws" / "ledger.jsonl").write_bytes(rechain([{**c, "source_numbers": [1]}, {**d, "prev": None}]))
    res = ssj("verify")
    assert res.exit_code == 1 and "承诺文件的 source_numbers 与账本不符" in res.output, res.output


def test_a_commitment_made_before_the_groups_existed_still_reveals_and_verify_says_what_it_cannot_check(ssj, ws):
    """An ssj.commit/1 file (no source_groups) reads, reveals in any shape as it always did, and verify passes it
    with one note that the grouping was the revealer's choice."""
    import dataclasses

    from shuangsuiji.draw.commit import COMMIT_SCHEMA_V1, commitment_bytes, commitment_text, parse_commitment, text_sha256

    ok(commit(ssj))
    path = ws / "draws" / "2022" / "hazchem-r1-commit-1.json"
    c = parse_commitment(path.read_bytes())
    old_text = commitment_text(c.draw, c.plan, c.source_plan, c.source_date, c.date, c.targeted)
    assert "ssj.commit/1" in old_text and "各组按揭晓时给出的顺序相接" in old_text and "第 1 组" not in old_text
    old = dataclasses.replace(c, schema=COMMIT_SCHEMA_V1, groups=(), text=old_text, text_sha256=text_sha256(old_text))
    data = commitment_bytes(old)
    assert b"source_groups" not in data and parse_commitment(data) == old
    path.write_bytes(data)
    (line,) = ledger_events(ws)
    line = {k: v for k, v in line.items() if k != "source_numbers"}
    line.update(record_sha256=hashlib.sha256(data).hexdigest(), text_sha256=old.text_sha256)
    (ws / "draws" / "ledger.jsonl").write_bytes(rechain([line]))
    rec = json.loads(ok(reveal(ssj, "352")).stdout)
    assert rec["seed"] == "352./"
    out = ok(ssj("verify")).stdout
    assert out.count("ssj.commit/1 格式") == 1 and "无法核对" in out, out


def test_a_one_step_draw_dated_before_the_tasks_last_event_is_refused(ssj, ws):
    """A one-step round of a task dated before the task's last draw or void would sit before a round it was drawn
    after (and could be backdated before a voided commitment's source date): refused, dry run too, nothing written."""
    ok(ssj("draw", "--task", "hazchem", "--seed", "s1", "--today", "2022-04-12"))
    ok(ssj("void", "--task", "hazchem", "--round", "1", "--reason", "名录库有误", "--today", "2022-04-13"))
    before = tree_digest(ws)
    for extra in ((), ("--dry-run",)):
        res = ssj("draw", "--task", "hazchem", "--seed", "s2", "--today", "2022-04-11", *extra)
        assert res.exit_code == 2, res.output
        assert "摇号日期 2022-04-11 早于 hazchem 本年度最近一次作废的日期 2022-04-13（账本第 2 号事件）" in res.output, res.output
        assert tree_digest(ws) == before
    ok(ssj("draw", "--task", "coalwash", "--seed", "s3", "--today", "2022-04-11"))  # another task is not held back
    ok(ssj("draw", "--task", "hazchem", "--seed", "s2", "--today", "2022-04-13"))  # the same day as the last event is fine


def test_the_commitment_text_is_written_as_a_file_whose_sha256_is_the_commitments(ssj, ws, tmp_path):
    """ssj sheet --commit --out X.txt: the text to put on a web site, byte for byte the printed one; sha256sum of the
    file is the commitment's SHA-256 (as the ledger's commit line holds it). An existing file is not replaced."""
    res = commit(ssj)
    assert res.exit_code == 0, res.output
    text, printed_sha = published_text(res.stdout)
    out = tmp_path / "承诺.txt"
    done = ssj("sheet", "--task", "hazchem", "--commit", "--out", str(out))
    assert done.exit_code == 0, done.output
    assert "已写出摇号承诺文本" in done.stdout and "sha256sum" in done.stdout
    data = out.read_bytes()
    assert data == text.encode("utf-8")
    line = next(e for e in ledger_events(ws) if e["type"] == "commit")
    assert hashlib.sha256(data).hexdigest() == printed_sha == line["text_sha256"]
    before = tree_digest(ws)
    again = ssj("sheet", "--task", "hazchem", "--commit", "--out", str(out))
    assert again.exit_code == 2 and "已存在" in again.stderr
    assert tree_digest(ws) == before and out.read_bytes() == data
