"""Shared fixtures: a copy of the shipped workspace in a temp dir, and a CLI runner.

Tests never write into the repository's own plans/, data/ or draws/.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.helpers import CODES, REPO, Ssj, Year


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    """A fresh copy of the shipped workspace (plans/, data/, empty draws/)."""
    root = tmp_path / "ws"
    root.mkdir()
    shutil.copytree(REPO / "plans", root / "plans")
    shutil.copytree(REPO / "data", root / "data")
    (root / "draws").mkdir()
    return root


@pytest.fixture
def joint_ws(tmp_path: Path) -> Path:
    """A fresh copy of the joint example's inputs (examples/joint/: plans/, data/, empty draws/)."""
    root = tmp_path / "joint"
    root.mkdir()
    shutil.copytree(REPO / "examples" / "joint" / "plans", root / "plans")
    shutil.copytree(REPO / "examples" / "joint" / "data", root / "data")
    (root / "draws").mkdir()
    return root


@pytest.fixture
def jssj(joint_ws: Path) -> Ssj:
    return Ssj(joint_ws)


@pytest.fixture
def ssj(ws: Path) -> Ssj:
    return Ssj(ws)


@pytest.fixture
def year(ssj, ws, tmp_path) -> Year:
    y = Year(ssj, ws)
    coal1 = y.draw("coal", "煤矿第一轮 见证人掷骰 4-1-6", "2022-03-10")
    for i, (entity, code) in enumerate(zip(coal1.picks, CODES)):
        y.record(coal1, entity, f"2022-03-1{4 + i % 5}", code, "责令限期整改" if code == "rectify" else "")
    y.publish(coal1, "2022-03-21")

    haz1 = y.draw("hazchem", "危化第一轮", "2022-04-06")
    y.void(haz1, "2022-04-07")
    haz2 = y.draw("hazchem", "危化第二轮", "2022-04-08")
    singles = ["no_problem"] * 4 + ["rectify", "penalty"]
    for entity, code in zip(haz2.picks, singles):
        y.record(haz2, entity, "2022-05-06", code)
    batch = list(zip(haz2.picks[6:], ["2022-05-10"] * 3, ["no_problem", "transfer", "not_operating"], ["", "移交市场监管局", ""]))
    y.record_batch(haz2, batch, "2022-05-10", tmp_path / "batch.csv")
    ev = y.publish(haz2, "2022-06-20")
    assert ev["on_time"] is False  # due 7 working days after 2022-05-10

    ind = y.draw("industry", "工贸", "2022-07-05")
    for entity, code in zip(ind.picks[:4], ["judicial", "no_problem", "no_problem", "no_problem"]):
        y.record(ind, entity, "2022-08-10", code, "移送公安机关" if code == "judicial" else "")
    y.publish(ind, "2022-08-20", partial=True)

    coal2 = y.draw("coal", "煤矿第二轮", "2022-09-01")
    y.record(coal2, coal2.picks[0], "2022-09-15", "rectify", "整改")
    for entity in coal2.picks:
        y.record(coal2, entity, "2022-09-16", "no_problem")  # the first is a correction

    wash = y.draw("coalwash", "洗煤", "2022-12-01")
    for entity, code in zip(wash.picks[:2], ["rectify", "no_problem"]):
        y.record(wash, entity, "2022-12-10", code, "责令整改" if code == "rectify" else "")
    return y
