"""A progress bar on stderr for the commands that can take a while (draw, verify, import, report).

At province scale a draw over a million entities, or a report over a long ledger, runs for
several seconds. ``busy(label)`` shows a rich progress bar (a pulsing bar, the label and the
time elapsed) on stderr once the work has taken longer than ``DELAY_SECONDS``, and removes it
when the work is done. Nothing is shown when stderr is not a terminal (a pipe, a file, cron,
the test runner) or with ``--json``, so what a script reads never changes.
"""

from __future__ import annotations

import sys
import threading
from contextlib import contextmanager
from typing import IO, Iterator

DELAY_SECONDS = 1.0


def wanted(stream: IO[str] | None, as_json: bool) -> bool:
    """A bar only for a person watching: stderr is a terminal and the output is not JSON."""
    if as_json or stream is None:
        return False
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError, OSError):  # closed or replaced streams
        return False


@contextmanager
def busy(label: str, as_json: bool = False, stream: IO[str] | None = None, delay: float = DELAY_SECONDS) -> Iterator[None]:
    """Run the body with a progress bar on ``stream`` (stderr) that appears after ``delay`` seconds."""
    stream = sys.stderr if stream is None else stream
    if not wanted(stream, as_json):
        yield
        return
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    progress = Progress(
        TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(),
        console=Console(file=stream, markup=False), transient=True,
    )
    progress.add_task(label, total=None)  # no total: the bar pulses
    lock = threading.Lock()
    state = {"started": False, "done": False}

    def start() -> None:
        with lock:
            if not state["done"]:
                progress.start()
                state["started"] = True

    timer = threading.Timer(delay, start)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        timer.cancel()
        with lock:
            state["done"] = True
            if state["started"]:
                progress.stop()
