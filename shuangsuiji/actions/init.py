"""``ssj init``: a new workspace with a commented plan template, header-only registries and a calendar template."""

from __future__ import annotations

from pathlib import Path

from shuangsuiji.errors import AlreadyExists, BadOptions
from shuangsuiji.files.templates import GITIGNORE, PLAN_TEMPLATE
from shuangsuiji.files.text import atomic_write_bytes, atomic_write_text


def init_workspace(folder: Path, year: int) -> list[Path]:
    """Create the workspace files that do not exist yet; returns those written, in order.

    Never overwrites: an existing plan for the year is refused, existing registries and
    calendar templates are kept.

    Raises:
        SsjError: an implausible year, or plans/<year>.yaml exists already.
    """
    from shuangsuiji.deadlines.workdays import CALENDAR_TEMPLATE
    from shuangsuiji.files.tables import header_only_csv
    from shuangsuiji.inputs.entity_rules import ENTITY_COLUMNS
    from shuangsuiji.inputs.inspectors import INSPECTOR_COLUMNS

    if not 2000 <= year <= 2100:
        raise BadOptions(f"年度 {year} 不合理", "请写四位年份，如 --year 2023")
    plan_path = folder / "plans" / f"{year}.yaml"
    if plan_path.exists():
        raise AlreadyExists(f"{plan_path.as_posix()} 已存在，不会覆盖", "如需重新生成，请先把原文件移走")
    atomic_write_text(plan_path, PLAN_TEMPLATE.format(year=year))
    written = [plan_path]
    files: list[tuple[Path, bytes]] = [
        (folder / "data" / "entities.csv", header_only_csv(ENTITY_COLUMNS)),
        (folder / "data" / "inspectors.csv", header_only_csv(INSPECTOR_COLUMNS)),
        (folder / "calendar" / f"{year}.yaml.example", CALENDAR_TEMPLATE.format(year=year).encode("utf-8")),
        (folder / "draws" / ".gitignore", GITIGNORE.encode("utf-8")),
    ]
    for path, data in files:
        if not path.exists():
            atomic_write_bytes(path, data)
            if path.name != ".gitignore":
                written.append(path)
    return written
