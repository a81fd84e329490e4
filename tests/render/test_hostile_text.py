"""Text a hostile tester types: formulas never go live in a spreadsheet, HTML never passes through Markdown.

A task name, an entity name and a measure carry ``=cmd|' /C calc'!A0`` (a DDE formula) and
``<script>``/``<svg onload>`` markup through the real CLI into the notice (CSV, XLSX, HTML,
Markdown) and the annual report (CSV, XLSX, Markdown); the files are then read back here.
"""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

from tests.helpers import draw, ok

FORMULA = "=cmd|' /C calc'!A0"
SCRIPT = "<script>alert(1)</script>"
SVG = "<svg onload=alert(1)>"


def hostile_workspace(ws: Path) -> None:
    """The hazchem task named with a formula; entity names that are a formula or markup."""
    plan = ws / "plans" / "2022.yaml"
    text = plan.read_text(encoding="utf-8")
    text = text.replace("name: 2022年危险化学品生产经营企业双随机抽查计划", 'name: "=cmd|\' /C calc\'!A0 危化"', 1)
    plan.write_text(text, encoding="utf-8")
    path = ws / "data" / "entities.csv"
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    for i, row in enumerate(rows[1:]):
        row[1] = (FORMULA, SVG, SCRIPT)[i % 3] + row[1]
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows(rows)


def formulas_in(xlsx: bytes) -> list[str]:
    """The sheets of a workbook that hold a formula element (<f>), read from the raw XML."""
    z = zipfile.ZipFile(io.BytesIO(xlsx))
    sheets = [n for n in z.namelist() if n.startswith("xl/worksheets/")]
    return [n for n in sheets if b"<f>" in z.read(n) or b"<f " in z.read(n)]


def test_formulas_and_markup_stay_text_in_notices_and_the_report(ssj, ws, tmp_path):
    import openpyxl

    hostile_workspace(ws)
    ok(ssj("check"))
    rec = draw(ssj, "hazchem", "2022-04-06", "s")
    for i, p in enumerate(rec["picks"]):
        measures = (FORMULA, SCRIPT, "+SUM(1,2)", "@SUM(1)", "-2+3")[i % 5]
        ok(ssj("record", "--task", "hazchem", "--entity", p["entity"], "--date", "2022-05-06", "--result", "rectify",
               "--measures", measures, "--today", "2022-05-06"))
    ok(ssj("publish", "--task", "hazchem", "--date", "2022-05-10", "--today", "2022-05-10", "--format", "csv,xlsx,html,md"))
    public = ws / "draws" / "2022" / "public"

    xlsx = (public / "hazchem-r1-2022-05-10.xlsx").read_bytes()
    assert formulas_in(xlsx) == []
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx)).active
    texts = [c for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    risky = [c for c in texts if c.value.startswith(("=", "+", "-", "@"))]
    assert len(risky) >= 2 * len(rec["picks"]) // 3 + 1
    assert all(c.data_type == "s" for c in risky)
    assert any(c.value.startswith(FORMULA) for c in risky)  # kept verbatim, as text

    cells = [c for row in csv.reader(io.StringIO((public / "hazchem-r1-2022-05-10.csv").read_text(encoding="utf-8-sig"))) for c in row]
    assert not [c for c in cells if c.startswith(("=", "+", "-", "@"))]
    assert "'" + FORMULA in " ".join(cells)

    md = (public / "hazchem-r1-2022-05-10.md").read_text(encoding="utf-8")
    html = (public / "hazchem-r1-2022-05-10.html").read_text(encoding="utf-8")
    for page in (md, html):
        assert "<script" not in page and "<svg" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "&lt;svg onload=alert(1)&gt;" in page

    out = tmp_path / "report.xlsx"
    ok(ssj("report", "--year", "2022", "--today", "2022-06-30", "--out", str(out)))
    assert formulas_in(out.read_bytes()) == []
    book = openpyxl.load_workbook(out)
    report_cells = [c for s in book for row in s.iter_rows() for c in row if isinstance(c.value, str)]
    assert any(c.value.startswith(FORMULA) for c in report_cells)
    assert all(c.data_type == "s" for c in report_cells if c.value.startswith(("=", "+", "-", "@")))
    md = ok(ssj("report", "--year", "2022", "--today", "2022-06-30", "--format", "md")).stdout
    assert "<script" not in md and "<svg" not in md and "&lt;script&gt;" in md
    report_csv = ok(ssj("report", "--year", "2022", "--today", "2022-06-30", "--format", "csv")).stdout
    assert "'" + FORMULA in report_csv and f",{FORMULA}" not in report_csv
