"""The shipped joint example ``examples/joint``: it verifies, it is what ``examples/make_joint_year.py`` makes, and
its joint task was drawn, recorded per department, published as one joint notice and reported."""

from __future__ import annotations

import importlib.util
import json
import shutil
from pathlib import Path

import pytest

from shuangsuiji.render.notice import parse_csv
from tests.helpers import REPO, Ssj

EXAMPLE = REPO / "examples" / "joint"
REPORT_DAY = "2022-12-31"
REGENERATE = "联合抽查示例与代码不一致：请运行 python examples/make_joint_year.py --force 重新生成"


@pytest.fixture
def example(tmp_path: Path) -> Ssj:
    root = tmp_path / "joint"
    shutil.copytree(EXAMPLE, root)
    return Ssj(root)


def load_script():
    spec = importlib.util.spec_from_file_location("make_joint_year", REPO / "examples" / "make_joint_year.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def lines(root: Path) -> list[dict]:
    return [json.loads(x) for x in (root / "draws" / "ledger.jsonl").read_text(encoding="utf-8").splitlines()]


def test_joint_example_verifies_and_holds_the_joint_task(example):
    res = example("verify")
    assert res.exit_code == 0, res.output
    events = lines(example.root)
    draw = next(e for e in events if e["type"] == "draw" and e["task"] == "joint-hazchem")
    assert draw["departments"] == ["yjj", "scjg", "xf"]
    results = [e for e in events if e["type"] == "result" and e["task"] == "joint-hazchem"]
    assert {e["department"] for e in results} == {"yjj", "scjg", "xf"}
    assert len(results) == 3 * len(draw["picks"]) + 1  # one 市场监管 correction
    (pub,) = [e for e in events if e["type"] == "publish" and e["task"] == "joint-hazchem"]
    assert pub["on_time"] is True and pub["check_end"] == max(e["date"] for e in results)
    rec = json.loads((example.root / "draws" / draw["record"]).read_text(encoding="utf-8"))
    assert [d["name"] for d in rec["departments"]] == ["长子县应急管理局", "长子县市场监督管理局", "长子县消防救援大队"]
    csv_file = next(f["path"] for f in pub["files"] if f["path"].endswith(".csv"))
    title, header, rows = parse_csv((example.root / "draws" / csv_file).read_bytes())
    assert title.endswith("联合抽查结果公示") and "牵头部门：长子县应急管理局" in header
    assert [r["检查部门"] for r in rows[:3]] == ["长子县应急管理局", "长子县市场监督管理局", "长子县消防救援大队"]
    assert len(rows) == 3 * len(draw["picks"])


def test_committed_joint_reports_are_current(example):
    for fmt in ("md", "html"):
        res = example("report", "--year", "2022", "--today", REPORT_DAY, "--format", fmt)
        assert res.exit_code == 0, res.output
        assert res.stdout == (EXAMPLE / f"report-2022.{fmt}").read_text(encoding="utf-8"), REGENERATE


def test_script_refuses_existing_draws_without_force(tmp_path, monkeypatch, capsys):
    script = load_script()
    dest = tmp_path / "examples" / "joint"
    (dest / "draws").mkdir(parents=True)
    (dest / "draws" / "ledger.jsonl").write_text("keep\n", encoding="utf-8")
    monkeypatch.setattr(script, "DEST", dest)
    monkeypatch.setattr(script, "REPO", tmp_path)
    assert script.main([]) == 2
    assert "--force" in capsys.readouterr().err
    assert (dest / "draws" / "ledger.jsonl").read_text(encoding="utf-8") == "keep\n"


def test_script_rebuilds_the_same_joint_year(tmp_path):
    """The whole script's build in a scratch folder: the same notices, results file and reports as shipped."""
    script = load_script()
    work = tmp_path / "joint"
    work.mkdir()
    script.build(work)
    assert not (work / "draws" / "ledger.jsonl.lock").exists()
    for name in ("report-2022.md", "report-2022.html", "results/joint-hazchem-r1-xf.csv"):
        assert (work / name).read_bytes() == (EXAMPLE / name).read_bytes(), REGENERATE
    public = sorted(p.name for p in (EXAMPLE / "draws" / "2022" / "public").iterdir())
    assert public == sorted(p.name for p in (work / "draws" / "2022" / "public").iterdir())
    for name in public:
        assert (work / "draws" / "2022" / "public" / name).read_bytes() == (EXAMPLE / "draws" / "2022" / "public" / name).read_bytes(), REGENERATE
    assert [(e["type"], e.get("task"), e.get("picks")) for e in lines(work)] == [
        (e["type"], e.get("task"), e.get("picks")) for e in lines(EXAMPLE)], REGENERATE


def test_readme_joint_example_commands_run(example):
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("### 部门联合抽查示例 `examples/joint/`", 1)[1].split("\n## ", 1)[0]
    block = section.split("```\n", 2)[1]
    commands = [line.split() for line in block.splitlines() if line.strip()]
    assert commands and all(c[:3] == ["ssj", "--root", "examples/joint"] for c in commands)
    for c in commands:
        res = example(*c[3:])
        assert res.exit_code == 0, res.output
    assert "长子县消防救援大队" in example("results", "--task", "joint-hazchem").stdout
