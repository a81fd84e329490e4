"""The draw record sheet (摇号记录表): what it prints, and that its re-check recipe really works."""

from __future__ import annotations

import hashlib
import html
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from shuangsuiji.render.page import chinese_datetime
from tests.helpers import draw, ledger_events, ok


def sheet_text(ssj, ws: Path, *args: str) -> str:
    res = ok(ssj("sheet", "--task", "hazchem", *args))
    assert "已生成摇号记录表" in res.stdout
    return (ws / "draws" / "2022" / "hazchem-r1-sheet.html").read_text(encoding="utf-8")


def test_sheet_prints_the_draw(ssj, ws):
    rec = draw(ssj, "hazchem", "2022-04-06", "见证人掷骰 3-5-2")
    page = sheet_text(ssj, ws, "--round", "1")
    line = ledger_events(ws)[0]
    record_sha = hashlib.sha256((ws / "draws" / "2022" / "hazchem-r1.json").read_bytes()).hexdigest()
    assert line["record_sha256"] == record_sha
    assert "@page { size: A4 portrait" in page
    for text in (
        "长子县应急管理局2022年“双随机、一公开”抽查工作计划（长子应急发〔2022〕23号）",
        "2022年危险化学品生产经营企业双随机抽查计划（任务代号 hazchem）",
        "第 1 轮；2022年4月6日", chinese_datetime(rec["created_at"]), "见证人掷骰 3-5-2", "手工录入",
        "取排序值最小的 9 家", "41 家（类别：危险化学品生产、危险化学品经营，状态为在营）", rec["pool_sha256"], record_sha,
        "draws/ledger.jsonl 第 1 号事件", "9 家（范围内 41 家 × 抽查比例 20% = 8.2，有小数时进为整数，至少 1 家）",
        "sha256sum draws/2022/hazchem-r1.json", "sha256sum pool.txt",
    ):
        assert text in page, text
    assert "ceil" not in page and "抽取家数 k" not in page and rec["created_at"] not in page
    for p in rec["picks"]:
        assert p["entity"] in page and p["rank"] in page and html.escape(p["name"]) in page
        for name, iid in zip(p["inspector_names"], p["inspectors"]):
            assert f"{name}（{iid}）" in page
    assert "示例赵强（1404282201004）</td><td>不在岗（休假）</td><td>全部 9 户" in page
    for role in ("摇号人", "监督人", "见证人"):
        assert f"{role}（签字）" in page


def one_liner(page: str) -> str:
    (pre,) = re.findall(r"<pre>(.*?)</pre>", page, re.S)
    return html.unescape(pre)


@pytest.mark.skipif(shutil.which("sha256sum") is None or shutil.which("bash") is None, reason="needs bash and sha256sum")
@pytest.mark.parametrize("seed", ["s1", "见证人 'A' <3> & \"B\" $HOME `x`"])
def test_recheck_recipe_reproduces_the_draw_without_ssj(ssj, ws, tmp_path, seed):
    rec = draw(ssj, "hazchem", "2022-04-06", seed)
    page = sheet_text(ssj, ws)
    record = json.loads((ws / "draws" / "2022" / "hazchem-r1.json").read_text(encoding="utf-8"))
    (tmp_path / "pool.txt").write_bytes("".join(f"{i}\n" for i in record["pool"]).encode("utf-8"))
    out = subprocess.run(["sha256sum", "pool.txt"], cwd=tmp_path, capture_output=True, text=True, check=True).stdout
    assert out.split()[0] == rec["pool_sha256"]
    out = subprocess.run(["bash", "-c", one_liner(page)], cwd=tmp_path, capture_output=True, text=True, check=True,
                         env={"LC_ALL": "C.UTF-8", "PATH": "/usr/bin:/bin"}).stdout
    assert [line.split() for line in out.splitlines()] == [[p["rank"], p["entity"]] for p in rec["picks"]]
    out = subprocess.run(["sha256sum", "draws/2022/hazchem-r1.json"], cwd=ws, capture_output=True, text=True, check=True).stdout
    assert out.split()[0] in page


def test_sheet_out_option_and_voided_round(ssj, ws, tmp_path):
    draw(ssj)
    ok(ssj("void", "--task", "hazchem", "--round", "1", "--reason", "名录库有误", "--today", "2022-04-07"))
    out = tmp_path / "记录表.html"
    ok(ssj("sheet", "--task", "hazchem", "--round", "1", "--out", str(out)))
    page = out.read_text(encoding="utf-8")
    assert "本轮已作废（2022-04-07：名录库有误）" in page
    assert not (ws / "draws" / "2022" / "hazchem-r1-sheet.html").exists()


def test_sheet_for_rfc3797_round_points_to_the_document(ssj, ws):
    res = ok(ssj("draw", "--task", "coal", "--source", "9319", "--source", "2 5 12 8 10", "--today", "2022-04-06"))
    assert "RFC 3797" in res.stdout
    ok(ssj("sheet", "--task", "coal", "--round", "1"))
    page = (ws / "draws" / "2022" / "coal-r1-sheet.html").read_text(encoding="utf-8")
    assert "公开随机数（一步摇号）" in page and "公开来源 2" in page and "2 5 12 8 10" in page
    assert "docs/draw-algorithm.md 第 5 节" in page and "<pre>" not in page


def test_sheet_needs_an_existing_round(ssj, ws):
    draw(ssj)
    res = ssj("sheet", "--task", "hazchem", "--round", "2")
    assert res.exit_code == 2 and "没有第 2 轮" in res.stderr
    res = ssj("sheet", "--task", "nosuch")
    assert res.exit_code == 2 and "没有任务 nosuch" in res.stderr


def _split(page: str) -> tuple[str, str]:
    """(page 1, the appendix) of a sheet: the appendix is the section that starts a new printed page."""
    first, appendix = page.split("<section class=\"appendix\">", 1)
    return first, appendix


def test_sheet_page_one_holds_the_draw_and_the_signatures_the_appendix_the_hashes(ssj, ws):
    """Structure and print rules, no browser needed: what must be on the signed page, and what follows it."""
    rec = draw(ssj, "hazchem", "2022-04-06", "见证人掷骰 3-5-2")
    page = sheet_text(ssj, ws, "--round", "1")
    css = page.split("<style>", 1)[1].split("</style>", 1)[0]
    assert "@page { size: A4 portrait; margin: 12mm 14mm; }" in css
    assert ".appendix { page-break-before: always; break-before: page; }" in css
    assert ".signs { margin-top: 5mm; page-break-inside: avoid; break-inside: avoid; }" in css
    first, appendix = _split(page)
    for text in ("长子应急发〔2022〕23号", "任务代号 hazchem", "2022年4月6日", "见证人掷骰 3-5-2", "手工录入",
                 "抽取家数", "摇号人（签字）", "监督人（签字）", "见证人（签字）"):
        assert text in first, text
    assert first.index("见证人（签字）") > first.index(rec["picks"][-1]["entity"])  # signatures under the picks
    for p in rec["picks"]:
        assert p["entity"] in first and html.escape(p["name"]) in first
        assert p["rank"] not in first and p["rank"] in appendix
        for name, iid in zip(p["inspector_names"], p["inspectors"]):
            assert f"{name}（{iid}）" in first
    record_sha = hashlib.sha256((ws / "draws" / "2022" / "hazchem-r1.json").read_bytes()).hexdigest()
    for digest in (rec["pool_sha256"], record_sha, ledger_events(ws)[0]["prev"]):
        assert digest not in first
    assert rec["pool_sha256"] in appendix and record_sha in appendix
    assert "未被派出的执法人员及原因" in appendix and "备选池（41 家" in appendix
    assert all(f"<li>{i}</li>" in appendix for i in rec["pool"])


@pytest.mark.skipif(not (shutil.which("chromium") and shutil.which("pdfinfo") and shutil.which("pdftotext")),
                    reason="needs headless Chromium and poppler-utils")
def test_sheet_prints_page_one_with_the_signatures_in_chromium(ssj, ws, tmp_path):
    rec = draw(ssj, "hazchem", "2022-04-06", "见证人掷骰 3-5-2")
    assert len(rec["picks"]) == 9
    sheet_text(ssj, ws, "--round", "1")
    pdf = tmp_path / "sheet.pdf"
    subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--no-first-run", f"--user-data-dir={tmp_path / 'profile'}",
                    "--no-pdf-header-footer", f"--print-to-pdf={pdf}", str(ws / "draws" / "2022" / "hazchem-r1-sheet.html")],
                   capture_output=True, check=True, timeout=120)
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "(A4)" in info
    first = subprocess.run(["pdftotext", "-f", "1", "-l", "1", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    for text in ("摇号人（签字）", "见证人（签字）", "见证人掷骰 3-5-2", rec["picks"][-1]["entity"]):
        assert text in first, text
    assert "复核信息" not in first and rec["pool_sha256"] not in first
