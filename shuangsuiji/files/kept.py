"""The kept inputs of the draws: a content-addressed store of the plan and registry bytes each draw read.

Every writing draw keeps the exact bytes of the plan and both registries it used under
``draws/inputs/``, named by the SHA-256 of those bytes and the file's own extension:
``draws/inputs/<sha256>.yaml``, ``draws/inputs/<sha256>.csv``. A file larger than
``GZIP_ABOVE`` bytes is kept gzip-compressed as ``<sha256>.csv.gz``; the name is still the
SHA-256 of the uncompressed bytes, so ``zcat <file> | sha256sum`` prints the name. The gzip
stream is deterministic (no file name, modification time 0, operating system "unknown"):
the same bytes always give the same file on any computer with the same zlib.

The same bytes are kept once however many draws used them. A file is written atomically
(temp file, fsync, rename) before the draw's ledger line, which stays the commit point: a
kept file no ledger line names is harmless. ``keep_file`` streams the source through the
hash and the compressor, so a registry of a million rows is never held whole in memory,
and refuses (``KeptInputChanged``) when the bytes it reads are not the ones the draw
parsed. ``open_kept`` and ``kept_sha256`` are the reader: the bytes of a kept file as
they were kept, and the SHA-256 that must equal its name.
"""

from __future__ import annotations

import gzip
import hashlib
import struct
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from shuangsuiji.errors import KeptInputChanged
from shuangsuiji.files.text import atomic_write_chunks, open_input

STORE_DIR = "inputs"  # under draws/
GZIP_ABOVE = 64 * 1024  # bytes: a plan stays plain text; a registry of a few hundred rows or more is compressed
GZIP_LEVEL = 1  # zlib's fastest: a million-row registry in about 0.6 s, about a seventh of its size
_CHUNK = 1 << 20
# ID1 ID2, CM=deflate, FLG=0 (no name, no comment, no extra), MTIME=0, XFL=0, OS=255 (unknown)
_GZIP_HEADER = b"\x1f\x8b\x08\x00" + b"\x00\x00\x00\x00" + b"\x00\xff"


def kept_name(sha256: str, suffix: str, size: int) -> str:
    """The file name a kept input of ``size`` bytes gets: ``<sha256><suffix>``, plus ``.gz`` above ``GZIP_ABOVE``."""
    return f"{sha256}{suffix.lower()}" + (".gz" if size > GZIP_ABOVE else "")


def gzip_chunks(chunks: Iterator[bytes], level: int = GZIP_LEVEL) -> Iterator[bytes]:
    """A deterministic gzip stream (RFC 1952) of the bytes ``chunks`` yields: fixed header, raw deflate, CRC-32 and size."""
    deflate = zlib.compressobj(level, zlib.DEFLATED, -zlib.MAX_WBITS)
    crc = size = 0
    yield _GZIP_HEADER
    for chunk in chunks:
        crc = zlib.crc32(chunk, crc)
        size += len(chunk)
        if out := deflate.compress(chunk):
            yield out
    yield deflate.flush() + struct.pack("<II", crc & 0xFFFFFFFF, size & 0xFFFFFFFF)


def find_kept(store: Path, sha256: str, suffix: str) -> Path | None:
    """The kept file of these bytes, compressed or not, if the store holds one."""
    for name in (f"{sha256}{suffix.lower()}.gz", f"{sha256}{suffix.lower()}"):
        if (store / name).is_file():
            return store / name
    return None


def keep_file(store: Path, source: Path, shown: str, sha256: str) -> tuple[Path, bool]:
    """Keep the bytes of ``source`` (which the draw read with SHA-256 ``sha256``); returns (kept path, newly written).

    Already kept bytes are not written again. Raises KeptInputChanged, leaving nothing behind,
    when the file now holds other bytes; InputErrors when it cannot be read.
    """
    found = find_kept(store, sha256, source.suffix)
    if found is not None:
        return found, False
    with open_input(source, shown) as fh:
        size = _size(fh)
        path = store / kept_name(sha256, source.suffix, size)
        body = _checked(fh, shown, sha256)
        atomic_write_chunks(path, gzip_chunks(body) if path.suffix == ".gz" else body)
    return path, True


def check_unchanged(source: Path, shown: str, sha256: str) -> None:
    """Raises KeptInputChanged when ``source`` no longer holds the bytes the draw read (SHA-256 ``sha256``)."""
    with open_input(source, shown) as fh:
        for _ in _checked(fh, shown, sha256):
            pass


def _size(fh: BinaryIO) -> int:
    end = fh.seek(0, 2)
    fh.seek(0)
    return end


def _checked(fh: BinaryIO, shown: str, sha256: str) -> Iterator[bytes]:
    """The file's bytes a piece at a time; raises KeptInputChanged at the end unless they hash to ``sha256``."""
    h = hashlib.sha256()
    while chunk := fh.read(_CHUNK):
        h.update(chunk)
        yield chunk
    if h.hexdigest() != sha256:
        raise KeptInputChanged(
            f"{shown} 在摇号过程中被修改过（现在的 SHA-256 与摇号读入时不同），本次摇号未生效，没有写入任何文件",
            "请确认没有人或程序正在编辑该文件（如 Excel、WPS、ssj import），再重新摇号",
        )


def open_kept(path: Path) -> BinaryIO:
    """A kept file opened for reading its original bytes (decompressed when it is ``.gz``). Raises OSError."""
    if path.suffix == ".gz":
        return gzip.GzipFile(filename=str(path), mode="rb")  # type: ignore[return-value]
    return path.open("rb")


def kept_sha256(path: Path) -> str | None:
    """The SHA-256 of a kept file's original bytes; None when it cannot be read or decompressed."""
    h = hashlib.sha256()
    try:
        with open_kept(path) as fh:
            while chunk := fh.read(_CHUNK):
                h.update(chunk)
    except (OSError, EOFError, zlib.error):  # gzip.BadGzipFile is an OSError
        return None
    return h.hexdigest()
