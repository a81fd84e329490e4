"""The public notice (抽查结果公示): XLSX read back cell by cell, CSV with a BOM that round-trips, HTML and Markdown."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

from shuangsuiji.draw.record import DrawRecord
from shuangsuiji.inputs.plan import load_plan
from shuangsuiji.ledger.events import ResultEvent
from shuangsuiji.render.notice import (
    parse_csv,
    render,
    render_csv,
    render_html,
    render_md,
)
from shuangsuiji.results.notice import COLUMNS, build_notice
from tests.helpers import REPO, draw, ledger_events, ok

PLAN = load_plan(REPO / "plans" / "2022.yaml", "plans/2022.yaml")
TASK = PLAN.task("hazchem")


def published(ssj, ws: Path, partial: bool = False) -> tuple[dict, dict]:
    """Draw hazchem, record results (two kinds), publish; returns (draw record, publish event)."""
    rec = draw(ssj)
    picks = rec["picks"]
    ok(ssj("record", "--task", "hazchem", "--entity", picks[0]["entity"], "--date", "2022-06-10", "--result", "rectify",
           "--measures", "责令限期整改，已复查合格", "--today", "2022-06-20"))
    rest = picks[1:5] if partial else picks[1:]
    for p in rest:
        ok(ssj("record", "--task", "hazchem", "--entity", p["entity"], "--date", "2022-06-20", "--result", "未发现问题", "--today", "2022-06-20"))
    ok(ssj("publish", "--task", "hazchem", "--today", "2022-06-22", *(["--partial"] if partial else [])))
    return rec, ledger_events(ws)[-1]


def test_xlsx_notice_cells(ssj, ws):
    import openpyxl

    rec, ev = published(ssj, ws)
    path = ws / "draws" / "2022" / "public" / "hazchem-r1-2022-06-22.xlsx"
    assert f"2022/public/{path.name}" in [f["path"] for f in ev["files"]]
    book = openpyxl.load_workbook(path)
    sheet = book.active
    assert sheet.title == "抽查结果公示"
    assert sheet["A1"].value == "2022年危险化学品生产经营企业双随机抽查计划（第 1 轮）抽查结果公示"
    assert "长子应急发〔2022〕23号" in sheet["A2"].value and "公示日期：2022-06-22" in sheet["A2"].value
    assert "A1:K1" in [str(r) for r in sheet.merged_cells.ranges]
    assert [c.value for c in sheet[3]] == list(COLUMNS)
    assert all(c.font.b for c in sheet[3]) and sheet["A3"].fill.fgColor.rgb.endswith("D9E1F2")
    assert sheet.max_row == 3 + 9 + 3  # title, header text, columns; 9 rows; a blank row and the 落款
    assert (sheet["K14"].value, sheet["K15"].value) == ("长子县应急管理局", "2022年6月22日")  # as the HTML notice
    assert sheet["K14"].alignment.horizontal == "right"
    first = rec["picks"][0]
    assert [c.value for c in sheet[4]] == [
        1, "2022年危险化学品生产经营企业双随机抽查计划", "定向", "化工企业和危险化学品生产、经营（带仓储设施）企业监督检查",
        first["name"], first["entity"], "2022-06-10", "发现问题，责令整改", "责令限期整改，已复查合格",
        f"{first['inspector_names'][0]}（{first['inspectors'][0]}）、{first['inspector_names'][1]}（{first['inspectors'][1]}）",
        "长子县应急管理局",
    ]
    second = [c.value for c in sheet[5]]
    assert second[0] == 2 and second[7:9] == ["未发现问题", "无"]
    assert [c.value for c in sheet["F"][3:12]] == [p["entity"] for p in rec["picks"]]
    widths = {k: sheet.column_dimensions[k].width for k in "ABCDEFGHIJK"}
    assert widths["A"] < 8 and widths["F"] >= 20 and all(w <= 40 for w in widths.values())
    assert sheet.freeze_panes == "A4"
    assert sheet.page_setup.orientation == "landscape" and str(sheet.page_setup.paperSize) == "9"  # 9 = A4
    assert sheet["D4"].alignment.wrap_text


def test_csv_notice_has_bom_and_round_trips(ssj, ws):
    import openpyxl

    rec, ev = published(ssj, ws)
    public = ws / "draws" / "2022" / "public"
    data = (public / "hazchem-r1-2022-06-22.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    assert b"\r\n" in data and data.endswith(b"\r\n")
    title, header, rows = parse_csv(data)
    assert title.endswith("抽查结果公示") and "长子应急发〔2022〕23号" in header
    sheet = openpyxl.load_workbook(public / "hazchem-r1-2022-06-22.xlsx").active
    from_xlsx = [[str(c.value) for c in row] for row in sheet.iter_rows(min_row=4, max_row=3 + len(rows))]
    assert [[r[c] for c in COLUMNS] for r in rows] == from_xlsx
    # Writing what was read gives the same bytes.
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerows([[title], [header], list(COLUMNS)] + [[r[c] for c in COLUMNS] for r in rows])
    assert ("\ufeff" + buf.getvalue()).encode("utf-8") == data
    # And the registry reader, which accepts what Excel and WPS save, reads it as UTF-8.
    from shuangsuiji.files.text import decode

    assert decode(data, "x")[1] == "utf-8-sig"


def test_html_and_md_notices(ssj, ws):
    rec, _ = published(ssj, ws)
    public = ws / "draws" / "2022" / "public"
    page = (public / "hazchem-r1-2022-06-22.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and '<meta charset="utf-8">' in page
    assert "@page { size: A4 landscape" in page and "thead { display: table-header-group; }" in page
    assert "长子应急发〔2022〕23号" in page and "2022年6月22日" in page
    assert all(f"<th>{c}</th>" in page for c in COLUMNS)
    assert page.count("<tr>") == 10 and rec["picks"][8]["name"] in page
    md = (public / "hazchem-r1-2022-06-22.md").read_text(encoding="utf-8")
    assert md.startswith("# 2022年危险化学品生产经营企业双随机抽查计划（第 1 轮）抽查结果公示\n")
    assert "| " + " | ".join(COLUMNS) + " |" in md
    assert sum(1 for line in md.splitlines() if line.startswith("| ")) == 10


def test_partial_notice_says_so(ssj, ws):
    _, ev = published(ssj, ws, partial=True)
    assert ev["partial"] is True and len(ev["entities"]) == 5
    title, header, rows = parse_csv((ws / "draws" / "2022" / "public" / "hazchem-r1-2022-06-22.csv").read_bytes())
    assert len(rows) == 5 and "本次公示已完成检查的 5 户（共抽取 9 户）" in header


def fake_record(name: str) -> DrawRecord:
    def pick(entity: str, entity_name: str) -> dict:
        return {"entity": entity, "rank": "0" * 64, "inspectors": ["A1", "B2"], "name": entity_name, "category": "coal_mine",
                "town": "", "inspector_names": ["甲", "乙"], "excluded_inspectors": []}

    return DrawRecord.from_json({
        "schema": "ssj.draw/1", "algorithm": "sha256-rank", "year": 2022, "task": "coal", "task_name": "煤矿", "round": 2,
        "date": "2022-05-01", "created_at": "2022-05-01T09:00:00+08:00", "ssj_version": "0.1.0", "seed": "s",
        "seed_origin": "given", "sources": [], "inputs": {}, "ratio": "1", "categories": ["coal_mine"],
        "inspectors_per_check": 2, "local_avoidance": False, "scope": [], "excluded": [], "pool": [], "pool_sha256": "",
        "k": 2, "new_cycle": False, "cycle_picks": [], "inspector_pool": ["A1", "B2"],
        "picks": [pick("91140428MA001007XX", name), pick("91140428MA0010141R", "没有结果的企业")],
    })


def fake_result(entity: str, result: str) -> ResultEvent:
    return ResultEvent(seq=9, line=9, at="", digest="", year=2022, task="coal", round=2, entity=entity,
                       date="2022-06-01", result=result, measures="", note="")


def test_awkward_text_is_escaped_and_round_trips():
    name = '某<b>公司</b> "A|B", 第一\n分厂'
    results = {"91140428MA001007XX": fake_result("91140428MA001007XX", "transfer")}
    n = build_notice(PLAN, TASK, fake_record(name), results, date(2022, 6, 3), partial=True)
    assert [r.entity for r in n.rows] == ["91140428MA001007XX"]
    assert n.rows[0].measures == "移交有权监管部门处理" and n.rows[0].result == "移交有权监管部门"
    assert n.title.endswith("（第 2 轮）抽查结果公示")
    page = render_html(n).decode("utf-8")
    assert "<b>公司</b>" not in page and "某&lt;b&gt;公司&lt;/b&gt; &quot;A|B&quot;, 第一" in page
    md = render_md(n).decode("utf-8")
    assert "<b>" not in md and "某&lt;b&gt;公司&lt;/b&gt; \"A\\|B\", 第一 分厂" in md  # markup shown, never run (#9 item 22)
    _, _, rows = parse_csv(render_csv(n))
    assert rows[0]["企业名称"] == name and rows[0]["执法人员"] == "甲（A1）、乙（B2）"


def test_rendering_is_deterministic():
    results = {"91140428MA001007XX": fake_result("91140428MA001007XX", "no_problem")}
    a = build_notice(PLAN, TASK, fake_record("甲公司"), results, date(2022, 6, 3), partial=False)
    b = build_notice(PLAN, TASK, fake_record("甲公司"), results, date(2022, 6, 3), partial=False)
    for fmt in ("csv", "html", "md"):
        assert render(a, fmt) == render(b, fmt)
