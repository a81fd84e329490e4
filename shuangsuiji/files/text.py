"""Reading text in the encodings clerks' tools write, and writing files atomically.

Excel and WPS on Chinese Windows save CSV as GBK/GB18030, "CSV UTF-8" adds a BOM, and
"Unicode text" is UTF-16 with a BOM. ``read_text`` accepts all of them and says so
clearly when a file is in none. ``atomic_write_bytes`` writes a temp file beside the
target, fsyncs it and renames it over the target, so a reader never sees half a file.
"""

from __future__ import annotations

import codecs
import hashlib
import io
import os
import stat
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

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


MAX_INPUT_BYTES = 1 << 30  # 1 GiB: ten times a registry of a million entities


def open_input(path: Path, shown: str) -> BinaryIO:
    """An input file opened for reading, once it is known to be a regular file of sane size.

    A FIFO would block forever and ``/dev/zero`` never ends: only regular files are read.
    Raises InputErrors.
    """
    try:
        info = path.stat()
    except FileNotFoundError:
        raise InputErrors([InputError(shown, 0, "文件不存在", "请检查路径，或用 ssj init 创建工作区")]) from None
    except OSError as exc:
        raise _unreadable(shown, exc) from None
    if not stat.S_ISREG(info.st_mode):
        what = "文件夹" if stat.S_ISDIR(info.st_mode) else "设备或管道"
        raise InputErrors([InputError(shown, 0, f"这不是普通文件，而是{what}", "请指定一个普通文件（.csv、.xlsx 或 .yaml）")])
    if info.st_size > MAX_INPUT_BYTES:
        raise InputErrors([InputError(shown, 0, f"文件过大（{info.st_size} 字节，上限 {MAX_INPUT_BYTES} 字节）", "请确认选对了文件；名录库一百万行也只有约 100 MB")])
    try:
        return path.open("rb")
    except OSError as exc:
        raise _unreadable(shown, exc) from None


def _unreadable(shown: str, exc: OSError) -> InputErrors:
    return InputErrors([InputError(shown, 0, f"无法读取文件：{exc.strerror or exc}", "请检查文件权限，或关闭正在占用它的程序")])


def read_input_bytes(path: Path, shown: str, content: bool = True) -> bytes:
    """The bytes of an input file (``open_input``'s checks first); b"" when only the checks are wanted."""
    with open_input(path, shown) as fh:
        if not content:
            return b""
        try:
            return fh.read(MAX_INPUT_BYTES + 1)
        except OSError as exc:
            raise _unreadable(shown, exc) from None


class HashingReader(io.RawIOBase):
    """A binary input read through while hashing every byte read, so that the SHA-256 a draw
    records is that of exactly the bytes it parsed (never of a second read of the file).

    Only a rewind (``seek(0)``) is supported; it starts the hash again. ``sha256()`` reads
    whatever the parser left unread and returns the hex digest of the whole stream.
    """

    def __init__(self, raw: BinaryIO) -> None:
        super().__init__()
        self._raw = raw
        self._hash = hashlib.sha256()

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:  # the stream's own read: no copy through a buffer
        data = self._raw.read(size)
        self._hash.update(data)
        return data

    def readall(self) -> bytes:
        return self.read(-1)

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def,override]
        data = self.read(len(buffer))
        buffer[:len(data)] = data
        return len(data)

    def seek(self, offset: int, whence: int = 0) -> int:
        if (offset, whence) != (0, 0):
            raise io.UnsupportedOperation("HashingReader can only rewind")
        self._raw.seek(0)
        self._hash = hashlib.sha256()
        return 0

    def sha256(self) -> str:
        while self.read(1 << 20):
            pass
        return self._hash.hexdigest()


def read_text(path: Path, shown: str | None = None) -> str:
    """The text of a file in any accepted encoding, with newlines normalised to '\\n'."""
    shown = shown or path.as_posix()
    return bytes_text(read_input_bytes(path, shown), shown)


def bytes_text(data: bytes, shown: str) -> str:
    """``read_text`` of bytes already read: decoded, newlines normalised to '\\n'."""
    text, _ = decode(data, shown)
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _new_file_mode(path: Path) -> int:
    """The mode of the file being replaced, or what the umask gives a new file (0666 & ~umask)."""
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except OSError:
        pass
    mask = os.umask(0o022)  # reading the umask means setting it: put it straight back
    os.umask(mask)
    return 0o666 & ~mask


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically: temp file in the same folder, fsync, rename.

    The file gets the mode of the file it replaces, or the one the umask gives a new file
    (``mkstemp`` alone would make every file 0600, unreadable to a colleague or a web server).
    """
    atomic_write_chunks(path, (data,))


def atomic_write_chunks(path: Path, chunks: Iterable[bytes]) -> None:
    """``atomic_write_bytes`` of the bytes ``chunks`` yields, never all held at once; when the
    iterator raises, the temp file is removed and ``path`` is left as it was."""
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = _new_file_mode(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        if hasattr(os, "fchmod"):
            os.fchmod(fd, mode)
        else:  # Windows: only the read-only bit exists
            os.chmod(tmp, mode)
        with os.fdopen(fd, "wb") as fh:
            for chunk in chunks:
                fh.write(chunk)
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


def file_chunks(path: Path, size: int = 1 << 20) -> Iterator[bytes]:
    """The bytes of a file ``size`` at a time (a 90 MB draw record printed without holding it). Raises OSError."""
    with path.open("rb") as fh:
        while chunk := fh.read(size):
            yield chunk


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
