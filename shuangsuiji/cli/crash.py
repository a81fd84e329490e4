"""The last line of defence of the console script: a reader that left, and ssj's own bugs.

``ssj report | head -3``: when the reader closes the pipe, ssj stops quietly with exit 0,
as ``git log | head`` does. Any exception that no command expected (a bug in ssj, never
bad input: that is exit 2 with its own message) prints one Chinese line saying what was
being done, where to report it and which files, if any, the command had already changed,
and exits with ``EXIT_INTERNAL`` (3). The traceback goes to stderr with ``ssj --debug``,
and to a log file when the environment variable ``SSJ_DEBUG`` is set (a file name, or any
other value for ``ssj-debug.log`` in the system's temporary folder). This code must never
fail itself: whatever goes wrong while reporting, the exit code is still 3.
"""

from __future__ import annotations

import errno
import os
import sys
from pathlib import Path

EXIT_INTERNAL = 3
REPORT_TO = "请把这一行连同所运行的命令报告给 ssj 的维护人员（见 README“报告问题”）"

# What the command had found before it ran: file -> (size, mtime), to tell which ones it changed.
_watched: dict[str, object] = {"root": None, "before": None}


def watch(root: Path) -> None:
    """Remember the state of the files under ``root`` (a workspace, or the folder ``ssj init`` fills)."""
    try:
        _watched["root"], _watched["before"] = root, _snapshot(root)
    except OSError:
        _watched["root"], _watched["before"] = None, None


def _snapshot(root: Path) -> dict[str, tuple[int, int]]:
    out = {}
    for folder in ("plans", "data", "calendar", "draws"):
        base = root / folder
        if base.is_dir():
            for p in base.rglob("*"):
                if p.is_file() and not p.name.endswith(".lock"):
                    st = p.stat()
                    out[p.relative_to(root).as_posix()] = (st.st_size, st.st_mtime_ns)
    return out


def changed_files() -> list[str] | None:
    """Files under the watched folder that differ from the snapshot; None when nothing was watched."""
    root, before = _watched["root"], _watched["before"]
    if root is None or before is None:
        return None
    after = _snapshot(root)  # type: ignore[arg-type]
    return sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))  # type: ignore[union-attr]


def is_closed_pipe(exc: BaseException | None) -> bool:
    """The exception, or the one it was raised while handling, is a write to a pipe whose reader left."""
    seen = 0
    while exc is not None and seen < 5:
        if isinstance(exc, BrokenPipeError) or (isinstance(exc, OSError) and exc.errno in (errno.EPIPE, errno.EINVAL) and _stdout_gone()):
            return True
        exc, seen = exc.__context__, seen + 1
    return False


def _stdout_gone() -> bool:
    try:
        sys.stdout.flush()
    except (OSError, ValueError):
        return True
    return False


def reader_left() -> int:
    """Point stdout at the null device so that the final flush cannot fail again; exit 0."""
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass
    return 0


def internal_error(exc: BaseException, argv: list[str], commands: set[str], debug: bool) -> int:
    """Report an unexpected exception in one line (plus the traceback where asked for); returns 3."""
    try:
        _report(exc, argv, commands, debug)
    except BaseException:  # noqa: BLE001  (the handler must not fail: fall back to bytes on fd 2)
        try:
            os.write(2, "内部错误：ssj 出现意外错误（退出码 3）。\n".encode("utf-8", "replace"))
        except OSError:
            pass
    return EXIT_INTERNAL


def _report(exc: BaseException, argv: list[str], commands: set[str], debug: bool) -> None:
    import traceback

    command = next((a for a in argv if a in commands), "")
    doing = f"运行 ssj {command}" if command else "运行 ssj"
    changed = changed_files()
    if changed is None or not changed:
        files = "没有改动任何文件"
    else:
        files = f"已改动的文件：{'、'.join(changed[:10])}{' 等' if len(changed) > 10 else ''}（请运行 ssj verify 核对）"
    where = ""
    text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    log = os.environ.get("SSJ_DEBUG", "").strip()
    if log:
        path = _write_log(log, argv, text)
        where = f"；详细信息已写入 {path}" if path else ""
    hint = "" if debug or where else "；加 --debug 可显示详细信息"
    line = f"内部错误：{doing} 时出现意外错误（{type(exc).__name__}），这是 ssj 的缺陷，不是输入有误；{files}。{REPORT_TO}{where}{hint}。"
    sys.stderr.write(line + "\n")
    if debug:
        sys.stderr.write(text)
    sys.stderr.flush()


def _write_log(setting: str, argv: list[str], text: str) -> str | None:
    """Append the traceback to the log file SSJ_DEBUG names (or ssj-debug.log in the temp folder)."""
    import tempfile
    from datetime import datetime

    looks_like_a_path = setting.lower().endswith(".log") or "/" in setting or "\\" in setting
    path = Path(setting) if looks_like_a_path else Path(tempfile.gettempdir()) / "ssj-debug.log"
    try:
        with open(path, "a", encoding="utf-8", errors="replace") as f:
            f.write(f"--- {datetime.now().isoformat(timespec='seconds')} ssj {' '.join(argv)}\n{text}\n")
    except OSError:
        return None
    return path.as_posix()
