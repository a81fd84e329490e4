"""Keeping a draw's inputs: the plan and registry bytes it read, stored in ``draws/inputs/`` before its ledger line.

``keep_inputs`` is called by every writing draw (and by a commitment, which freezes the same
inputs) with the lock held, after the draw has been computed and before its record and
ledger line are written. It returns what the ledger line says of them (``kept_inputs``:
shown path of the file -> kept file under ``draws/``), so that ``ssj verify`` knows which
draws must find their inputs kept. The store itself is ``files.kept``.
"""

from __future__ import annotations

from pathlib import Path

from shuangsuiji.files.kept import STORE_DIR, keep_file
from shuangsuiji.inputs.year import Inputs
from shuangsuiji.workspace import Workspace


def kept_dir(ws: Workspace) -> Path:
    """``draws/inputs/``: the content-addressed store of the kept inputs."""
    return ws.draws_dir / STORE_DIR


def keep_inputs(ws: Workspace, inputs: Inputs) -> dict[str, str]:
    """Keep the bytes of each file ``inputs`` was read from; returns shown path -> kept path under ``draws/``.

    Raises KeptInputChanged (a file was saved since the draw read it) or InputErrors (it can
    no longer be read); the files this call wrote are removed again, so a refused draw
    leaves the workspace as it was.
    """
    store = kept_dir(ws)
    existed = store.is_dir()
    kept: dict[str, str] = {}
    written: list[Path] = []
    try:
        for shown, sha256 in inputs.hashes.items():
            path, new = keep_file(store, ws.root / shown, shown, sha256)
            if new:
                written.append(path)
            kept[shown] = path.relative_to(ws.draws_dir).as_posix()
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        if not existed and store.is_dir() and not any(store.iterdir()):
            store.rmdir()
        raise
    return kept
