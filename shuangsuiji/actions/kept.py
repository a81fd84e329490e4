"""Keeping a draw's inputs: the plan and registry bytes it read, stored in ``draws/inputs/`` before its ledger line.

``keep_inputs`` is called by every writing draw (and by a commitment, which freezes the same
inputs) with the lock held, after the draw has been computed and before its record and
ledger line are written. It returns what the ledger line says of them (``kept_inputs``:
shown path of the file -> kept file under ``draws/``), so that ``ssj verify`` knows which
draws must find their inputs kept. The store itself is ``files.kept``.
"""

from __future__ import annotations

import contextlib
import threading
from pathlib import Path

from shuangsuiji.files.kept import STORE_DIR, check_unchanged, keep_file
from shuangsuiji.inputs.year import Inputs
from shuangsuiji.workspace import Workspace


def kept_dir(ws: Workspace) -> Path:
    """``draws/inputs/``: the content-addressed store of the kept inputs."""
    return ws.draws_dir / STORE_DIR


def keep_inputs(ws: Workspace, inputs: Inputs, written: list[Path] | None = None) -> dict[str, str]:
    """Keep the bytes of each file ``inputs`` was read from; returns shown path -> kept path under ``draws/``.

    ``written`` (if given) learns each file this call writes. Raises KeptInputChanged (a file was
    saved since the draw read it) or InputErrors (it can no longer be read); the files this call
    wrote are removed again, so a refused draw leaves the workspace as it was.
    """
    store = kept_dir(ws)
    existed = store.is_dir()
    kept: dict[str, str] = {}
    written = [] if written is None else written
    try:
        for shown, sha256 in inputs.hashes.items():
            path, new = keep_file(store, ws.root / shown, shown, sha256)
            if new:
                written.append(path)
            kept[shown] = path.relative_to(ws.draws_dir).as_posix()
    except BaseException:
        _remove(written, store, existed)
        raise
    return kept


def _remove(written: list[Path], store: Path, existed: bool) -> None:
    """Remove the copies a refused draw wrote, as far as the system lets it (a virus scanner on Windows may hold a
    file it has just seen written): a copy no ledger line names is harmless, and the refusal keeps its own reason."""
    for path in written:
        with contextlib.suppress(OSError):
            path.unlink(missing_ok=True)
    with contextlib.suppress(OSError):
        if not existed and store.is_dir() and not any(store.iterdir()):
            store.rmdir()


class KeepingInputs:
    """``keep_inputs`` on a second thread, started while the draw is computed (reading, compressing and writing a
    million-row registry release the interpreter lock): ``result`` waits for it, ``undo`` removes what it wrote
    when the draw is refused after all.

    The thread is not a daemon: a draw stopped by Ctrl-C lets it finish the copy it is writing (no temp file is left
    half-written); such a copy, which no ledger line names, is harmless.
    """

    def __init__(self, ws: Workspace, inputs: Inputs) -> None:
        self._store, self._root, self._inputs = kept_dir(ws), ws.root, inputs
        self._existed = self._store.is_dir()
        self._written: list[Path] = []
        self._kept: dict[str, str] = {}
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(ws, inputs), name="ssj-keep-inputs")
        self._thread.start()

    def _run(self, ws: Workspace, inputs: Inputs) -> None:
        try:
            self._kept = keep_inputs(ws, inputs, self._written)
        except BaseException as exc:  # handed to the drawing thread by result()
            self._error = exc

    def result(self) -> dict[str, str]:
        """What ``keep_inputs`` returned; raises what it raised, or KeptInputChanged (the files it wrote removed
        again) when an input no longer holds the bytes the draw read: every input is read once more after the
        draw is computed, so a file saved at any time while the draw ran refuses it."""
        self._thread.join()
        if self._error is not None:
            raise self._error
        try:
            for shown, sha256 in self._inputs.hashes.items():
                check_unchanged(self._root / shown, shown, sha256)
        except BaseException:
            self.undo()
            raise
        return self._kept

    def undo(self) -> None:
        """Wait for the keeping to end, then remove the files it wrote (and the store, if it made it)."""
        self._thread.join()
        _remove(self._written, self._store, self._existed)
