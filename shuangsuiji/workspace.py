"""The workspace: a folder holding plans/, data/, draws/ (and optionally calendar/).

ssj uses ``--root DIR``, else the ``SSJ_ROOT`` environment variable, else the current
directory. Every path the rest of ssj touches is named here.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from shuangsuiji.errors import NotAWorkspace, PlanNotFound, display_path

_PLAN_NAME = re.compile(r"^(\d{4})\.yaml$")


@dataclass(frozen=True)
class Workspace:
    root: Path

    @property
    def plans_dir(self) -> Path:
        return self.root / "plans"

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def draws_dir(self) -> Path:
        return self.root / "draws"

    @property
    def calendar_dir(self) -> Path:
        return self.root / "calendar"

    @property
    def entities_path(self) -> Path:
        return self.data_dir / "entities.csv"

    @property
    def inspectors_path(self) -> Path:
        return self.data_dir / "inspectors.csv"

    @property
    def ledger_path(self) -> Path:
        return self.draws_dir / "ledger.jsonl"

    def plan_path(self, year: int) -> Path:
        return self.plans_dir / f"{year}.yaml"

    def calendar_path(self, year: int) -> Path:
        return self.calendar_dir / f"{year}.yaml"

    def year_dir(self, year: int) -> Path:
        return self.draws_dir / str(year)

    def public_dir(self, year: int) -> Path:
        return self.year_dir(year) / "public"

    def show(self, path: Path) -> str:
        """A path as shown in messages: relative to the workspace root."""
        return display_path(path, self.root)

    def plan_years(self) -> list[int]:
        if not self.plans_dir.is_dir():
            return []
        return sorted(int(m.group(1)) for p in self.plans_dir.iterdir() if (m := _PLAN_NAME.match(p.name)))

    def resolve_year(self, year: int | None) -> int:
        """The requested plan year, or the newest plans/<year>.yaml."""
        years = self.plan_years()
        if year is None:
            if not years:
                raise PlanNotFound("plans/ 中没有年度计划文件（如 plans/2022.yaml）", "请用 ssj init 生成模板，或放入计划文件")
            return years[-1]
        if year not in years:
            have = "、".join(str(y) for y in years) or "无"
            raise PlanNotFound(f"没有 {year} 年的计划文件 plans/{year}.yaml（已有：{have}）", "请用 --year 指定已有年份，或先编写该年计划")
        return year


def find_workspace(root: str | Path | None = None) -> Workspace:
    """The workspace named by ``root``, ``SSJ_ROOT`` or the current directory."""
    chosen = root if root is not None else os.environ.get("SSJ_ROOT") or Path.cwd()
    path = Path(chosen).expanduser()
    if not (path / "plans").is_dir():
        raise NotAWorkspace(
            f"{path.as_posix()} 不是 ssj 工作区（其中没有 plans/ 文件夹）",
            "请进入工作区文件夹，或用 --root DIR / 环境变量 SSJ_ROOT 指定，或用 ssj init DIR 新建",
        )
    return Workspace(path.resolve())
