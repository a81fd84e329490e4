"""Reading text in the encodings clerks' tools write, and writing files atomically.

Excel and WPS on Chinese Windows save CSV as GBK/GB18030, "CSV UTF-8" adds a BOM, and
"Unicode text" is UTF-16 with a BOM. ``read_text`` accepts all of them and says so
clearly when a file is in none. ``atomic_write_bytes`` writes a temp file beside the
target, fsyncs it and renames it over the target, so a reader never sees half a file.
"""

from __future__ import annotations

import codecs
import os
import tempfile
from pathlib import Path

from shuangsuiji.errors import InputError, InputErrors


def decode(data: bytes, shown: str) -> tuple[str, str]:
    """Decode file bytes; returns (text, encoding name). Raises InputErrors when impossible."""
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data[len(codecs.BOM_UTF8):].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            raise _undecodable(shown, data, exc) from None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise _undecodable(shown, data, exc) from None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        utf8_error = exc
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError as exc:
        # Point at the line where the likelier encoding broke: the one that read further.
        worst = utf8_error if utf8_error.start > exc.start else exc
        raise _undecodable(shown, data, worst) from None


def _undecodable(shown: str, data: bytes, exc: UnicodeDecodeError) -> InputErrors:
    # Count lines in the bytes that were decoded (after any BOM), in their own encoding.
    line = exc.object[: exc.start].decode(exc.encoding, "replace").count("\n") + 1
    return InputErrors([
        InputError(
            shown,
            line,
            "文件编码无法识别（不是 UTF-8、带 BOM 的 UTF-8、UTF-16 或 GBK/GB18030）",
            "请在 Excel/WPS 中“另存为”CSV UTF-8 或 CSV（逗号分隔），再重试",
        )
    ])


def read_text(path: Path, shown: str | None = None) -> str:
    """The text of a file in any accepted encoding, with newlines normalised to '\\n'."""
    shown = shown or path.as_posix()
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputErrors([InputError(shown, 0, "文件不存在", "请检查路径，或用 ssj init 创建工作区")]) from None
    except OSError as exc:
        raise InputErrors([InputError(shown, 0, f"无法读取文件：{exc.strerror}", "请检查文件权限，或关闭正在占用它的程序")]) from None
    text, _ = decode(data, shown)
    return text.replace("\r\n", "\n").replace("\r", "\n")


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically: temp file in the same folder, fsync, rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    fsync_dir(path.parent)


def atomic_write_text(path: Path, text: str, bom: bool = False) -> None:
    data = text.encode("utf-8")
    atomic_write_bytes(path, codecs.BOM_UTF8 + data if bom else data)


def fsync_dir(folder: Path) -> None:
    """Make a rename durable on POSIX; a no-op where directories cannot be opened (Windows)."""
    if os.name != "posix":
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
