"""The draw record: its bytes and the hash of its pool."""

from __future__ import annotations

import hashlib
import json
from itertools import islice
from typing import Any, Sequence


def ids_sha256(ids: Sequence[str]) -> str:
    """SHA-256 of the ids, one per line, each followed by a newline (what `sha256sum` of a list file gives)."""
    return hashlib.sha256("".join(f"{i}\n" for i in ids).encode("utf-8")).hexdigest()


def record_bytes(record: dict[str, Any]) -> bytes:
    """``(json.dumps(record, ensure_ascii=False, indent=2) + "\\n").encode("utf-8")``, a piece at a time.

    A draw of tens of thousands of picks makes a record of some 100 MB; as one str (two
    bytes a character once there is Chinese in it), plus its copy with the newline, it
    would need several times that before encoding.
    """
    chunks = json.JSONEncoder(ensure_ascii=False, indent=2).iterencode(record)
    pieces = []
    while piece := "".join(islice(chunks, 1 << 16)):
        pieces.append(piece.encode("utf-8"))
    pieces.append(b"\n")
    return b"".join(pieces)
