"""The kept-inputs store (files/kept.py) and the one-read hashing of inputs (files/text.HashingReader).

The gzip files are read back with Python's own ``gzip`` and checked byte by byte against
RFC 1952's header layout; hashes are recomputed with ``hashlib`` on the original bytes.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import struct
import zlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shuangsuiji.errors import KeptInputChanged
from shuangsuiji.files.kept import GZIP_ABOVE, find_kept, gzip_chunks, keep_file, kept_name, kept_sha256, open_kept
from shuangsuiji.files.text import HashingReader


@settings(max_examples=60, deadline=None)
@given(st.lists(st.binary(max_size=3000), max_size=6))
def test_gzip_chunks_is_gzip_of_the_bytes_and_deterministic(chunks):
    data = b"".join(chunks)
    out = b"".join(gzip_chunks(iter(chunks)))
    assert gzip.decompress(out) == data
    assert out == b"".join(gzip_chunks(iter([data])))  # how the bytes are cut does not matter
    # RFC 1952: ID1 ID2 CM FLG MTIME(4) XFL OS; no FNAME (FLG 0), MTIME 0, OS 255
    assert out[:10] == bytes([0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 0xFF])
    assert struct.unpack("<II", out[-8:]) == (zlib.crc32(data), len(data))


def test_kept_name_compresses_only_above_the_threshold():
    sha = "a" * 64
    assert kept_name(sha, ".yaml", GZIP_ABOVE) == f"{sha}.yaml"
    assert kept_name(sha, ".CSV", GZIP_ABOVE + 1) == f"{sha}.csv.gz"


@pytest.mark.parametrize("size", [10, GZIP_ABOVE + 10])
def test_keep_file_writes_once_under_the_sha_of_the_bytes(tmp_path, size):
    source = tmp_path / "entities.csv"
    data = (b"id,name\r\n" + b"x" * size)[:size]
    source.write_bytes(data)
    sha = hashlib.sha256(data).hexdigest()
    store = tmp_path / "draws" / "inputs"
    path, new = keep_file(store, source, "data/entities.csv", sha)
    assert new and path.name == kept_name(sha, ".csv", size) and path.parent == store
    raw = path.read_bytes()
    assert (gzip.decompress(raw) if path.suffix == ".gz" else raw) == data
    assert kept_sha256(path) == sha
    with open_kept(path) as fh:
        assert fh.read() == data
    assert find_kept(store, sha, ".csv") == path
    again, new = keep_file(store, source, "data/entities.csv", sha)
    assert (again, new) == (path, False)
    assert sorted(p.name for p in store.iterdir()) == [path.name]  # deduplicated, no temp file left


def test_keep_file_refuses_bytes_other_than_the_ones_parsed(tmp_path):
    source = tmp_path / "plan.yaml"
    source.write_bytes(b"year: 2022\n")
    store = tmp_path / "inputs"
    with pytest.raises(KeptInputChanged) as exc:
        keep_file(store, source, "plans/2022.yaml", hashlib.sha256(b"year: 2023\n").hexdigest())
    assert "plans/2022.yaml" in exc.value.message and "重新摇号" in exc.value.hint
    assert list(store.iterdir()) == []  # the temp file is gone


def test_kept_sha256_of_a_damaged_gzip_is_none(tmp_path):
    path = tmp_path / f"{'b' * 64}.csv.gz"
    good = b"".join(gzip_chunks(iter([b"abc" * 1000])))
    path.write_bytes(good[:-3])
    assert kept_sha256(path) is None
    path.write_bytes(good[:20] + bytes([good[20] ^ 1]) + good[21:])
    assert kept_sha256(path) is None  # the CRC-32 of the trailer no longer matches, or deflate fails


def test_hashing_reader_hashes_what_was_read_rewinds_and_finishes_the_file():
    data = bytes(range(256)) * 50
    reader = HashingReader(io.BytesIO(data))
    assert reader.read(100) == data[:100]
    reader.seek(0)
    assert reader.read(5000) == data[:5000]
    assert reader.sha256() == hashlib.sha256(data).hexdigest()  # the rest is read and hashed too
    with pytest.raises(io.UnsupportedOperation):
        reader.seek(3)
