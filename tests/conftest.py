"""Shared fixtures: a copy of the shipped workspace in a temp dir, and a CLI runner.

Tests never write into the repository's own plans/, data/ or draws/.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from shuangsuiji.cli import app

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    """A fresh copy of the shipped workspace (plans/, data/, empty draws/)."""
    root = tmp_path / "ws"
    root.mkdir()
    shutil.copytree(REPO / "plans", root / "plans")
    shutil.copytree(REPO / "data", root / "data")
    (root / "draws").mkdir()
    return root


class Ssj:
    """Runs ``ssj --root <ws> ...`` through Typer's CliRunner."""

    def __init__(self, root: Path) -> None:
        self.root = root
        # Click < 8.2 (which Typer < 0.16 may bring) mixes stderr into stdout unless told not to.
        try:
            self.runner = CliRunner(mix_stderr=False)
        except TypeError:
            self.runner = CliRunner()

    def __call__(self, *args: str, input: str | None = None):
        result = self.runner.invoke(app, ["--root", str(self.root), *args], input=input, catch_exceptions=False)
        return result


@pytest.fixture
def ssj(ws: Path) -> Ssj:
    return Ssj(ws)


def tree_digest(root: Path) -> dict[str, str]:
    """SHA-256 of every file under root, to assert that a failed command changed nothing."""
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and not p.name.endswith(".lock")
    }


def console_script() -> list[str]:
    """The installed ``ssj`` next to this Python (what a clerk runs), else ``python -m shuangsuiji``."""
    import sys

    folder = Path(sys.executable).parent
    for name in ("ssj", "ssj.exe"):
        if (folder / name).is_file():
            return [str(folder / name)]
    return [sys.executable, "-m", "shuangsuiji"]
