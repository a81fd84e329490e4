"""What both example builders share: running ssj as a clerk would, and finishing a year with verify and its reports.

``make_sample_year.py`` (examples/2022) and ``make_joint_year.py`` (examples/joint) build their year
through the CLI only, each in a scratch folder; this module is imported by both (and found beside
them however they are started: as a script, or loaded by the tests).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


class Runner:
    """Runs ``python -m shuangsuiji --root <work> ...`` and stops at the first failure."""

    def __init__(self, work: Path) -> None:
        self.work = work
        self.env = dict(os.environ, PYTHONPATH=str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""))
        self.env.pop("SSJ_ROOT", None)

    def ssj(self, *args: str) -> str:
        cmd = [sys.executable, "-m", "shuangsuiji", "--root", str(self.work), *args]
        done = subprocess.run(cmd, capture_output=True, text=True, encoding="utf-8", env=self.env, cwd=REPO)
        if done.returncode != 0:
            sys.stderr.write(f"命令失败（退出码 {done.returncode}）：ssj {' '.join(args)}\n{done.stdout}{done.stderr}")
            raise SystemExit(1)
        return done.stdout

    def finish(self, report_day: str) -> None:
        """ssj verify, the year's report as HTML and Markdown in the work folder, and no lock file left behind."""
        self.ssj("verify")
        for fmt in ("html", "md"):
            out = self.work / f"report-2022.{fmt}"
            self.ssj("report", "--year", "2022", "--today", report_day, "--format", fmt, "--out", str(out))
        lock = self.work / "draws" / "ledger.jsonl.lock"
        if lock.exists():
            lock.unlink()
