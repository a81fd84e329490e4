"""Run one command and report its wall time and peak resident memory.

    python bench/measure.py [--stdout FILE] -- CMD [ARG...]

prints one JSON line ``{"returncode", "seconds", "max_rss_bytes"}`` once the command has
finished. The command's own stdout goes to FILE (default: discarded); its stderr passes
through. Peak RSS comes from ``os.wait4``: the kernel's ru_maxrss of that one child
(kilobytes on Linux, bytes on macOS). POSIX only.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time


def measure(cmd: list[str], stdout_path: str | None = None, env: dict | None = None) -> dict:
    """Run ``cmd`` to completion; returns returncode, seconds and max_rss_bytes of that child."""
    out = open(stdout_path, "wb") if stdout_path else subprocess.DEVNULL
    try:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen.wait
    finally:
        if stdout_path:
            out.close()
    scale = 1 if sys.platform == "darwin" else 1024
    return {"returncode": proc.returncode, "seconds": seconds, "max_rss_bytes": usage.ru_maxrss * scale}


def main(argv: list[str]) -> int:
    stdout_path = None
    if argv[:1] == ["--stdout"]:
        stdout_path, argv = argv[1], argv[2:]
    if argv[:1] != ["--"] or len(argv) < 2:
        print("usage: python bench/measure.py [--stdout FILE] -- CMD [ARG...]", file=sys.stderr)
        return 2
    print(json.dumps(measure(argv[1:], stdout_path)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
