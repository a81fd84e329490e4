"""Where a command may write a file the user named (``--out``, ``ssj export``): the one rule.

ssj's own folders hold files whose bytes the ledger vouches for (records, notices) or that
the clerk keeps by hand (plans, registries, calendars). An output path the user types must
never land on one of them: ``ssj sheet --out draws/ledger.jsonl`` once replaced the ledger
with HTML. So a path inside ``plans/``, ``data/``, ``calendar/`` or ``draws/`` is refused,
except the one place where ssj itself puts that kind of file (a sheet:
``draws/<年度>/<名称>-sheet.html``); and an existing file is replaced only with ``--force``.
The ledger, a draw record and a notice are never replaced, ``--force`` or not.
"""

from __future__ import annotations

import re
from pathlib import Path

from shuangsuiji.errors import OutputRefused
from shuangsuiji.files.text import atomic_write_bytes
from shuangsuiji.workspace import Workspace

# Kinds of output and where inside the workspace folders ssj itself writes them.
SHEET = "sheet"
REPORT = "report"
EXPORT = "export"

_SHEET_NAME = re.compile(r"^.+-sheet\.html$")


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.relative_to(folder.resolve())
    except ValueError:
        return False
    return True


def _own_place(ws: Workspace, path: Path, kind: str) -> bool:
    """Whether ``path`` (resolved) is where ssj itself writes a file of this kind."""
    draws = ws.draws_dir.resolve()
    return (
        kind == SHEET
        and path.parent.parent == draws
        and path.parent.name.isascii() and path.parent.name.isdigit()
        and bool(_SHEET_NAME.match(path.name))
    )


def check_output(ws: Workspace | None, path: Path, kind: str, force: bool, option: str = "--out",
                 example: str = "报告.html") -> None:
    """Refuse an output path that ssj must not write. Raises OutputRefused (exit 2); changes nothing.

    Args:
        ws: the workspace (None when the command runs outside one: only the overwrite rule applies).
        path: the path as the user gave it.
        kind: SHEET, REPORT or EXPORT.
        force: ``--force`` was given (replace an existing file that is not one of ssj's own).
        option, example: the option that named the path and a file name for it, for the hints
            (``ssj credit --list --csv`` is told ``--csv 文件名``, not ``--out``).
    """
    target = path.expanduser().resolve()
    shown = path.as_posix()
    if target.is_dir():
        raise OutputRefused(f"{shown} 是一个文件夹，不能作为输出文件", f"请写出文件名，例如 {option} {example}")
    if ws is not None:
        folders = [f for f in (ws.plans_dir, ws.data_dir, ws.calendar_dir, ws.draws_dir) if _inside(target, f)]
        if folders and not _own_place(ws, target, kind):
            own = f"{ws.show(folders[0])}/"
            raise OutputRefused(
                f"不能写入 {ws.show(target)}：{own} 是 ssj 存放计划、名录库、日历、账本、摇号记录和公示文件的文件夹，"
                "写在这里可能覆盖其中的文件",
                f"请写到这些文件夹以外，例如工作区根目录或桌面：{option} 文件名",
            )
    if target.exists() and not force:
        raise OutputRefused(f"{shown} 已存在，不会覆盖", "如确需覆盖，请加 --force；或换一个文件名")


def write_output(ws: Workspace | None, path: Path, data: bytes, kind: str, force: bool, option: str = "--out",
                 example: str = "报告.html") -> None:
    """Check ``path`` against the rule above, then write ``data`` to it atomically."""
    check_output(ws, path, kind, force, option, example)
    atomic_write_bytes(path, data)
