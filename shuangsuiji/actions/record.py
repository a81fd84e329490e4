"""The I/O side of results and publications: reading what they need, appending their events.

``results.py``, ``publish.py``, ``notice.py`` and ``sheet.py`` are pure; this module feeds
them from the workspace (the ledger, plans/<year>.yaml, calendar/, the draw records) and
writes what they produce. Like ``rounds.run_draw``, every write happens under the
ledger lock, after the state has been re-read under that lock: notice files are written
atomically first, and the ledger line that names them is the commit point.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date

from shuangsuiji.actions.reading import (
    later_note,
    pick_names,
    year_state,
)
from shuangsuiji.errors import InputErrors
from shuangsuiji.ledger.chain import Ledger, LedgerEvent
from shuangsuiji.ledger.state import Round, RoundKey, add_results
from shuangsuiji.results.check import Checked, ResultRow, check_rows
from shuangsuiji.workspace import Workspace


@dataclass(frozen=True)
class Recorded:
    checked: Checked
    events: tuple[LedgerEvent, ...]
    year: int
    rounds: Mapping[RoundKey, Round] = field(default_factory=dict)  # the rounds with the new results, as of today


def record_results(
    ws: Workspace,
    rows: list[ResultRow],
    today: date,
    year: int | None = None,
    task: str | None = None,
    number: int | None = None,
    department: str | None = None,
) -> Recorded:
    """Check every row and, only when all are right, append their result events. Raises InputErrors.

    The rows are checked against the ledger as it stood at the end of ``today`` (``--today``
    is a cut-off: a round drawn after it cannot take results dated on it).
    """
    ledger = Ledger(ws.ledger_path, ws.show(ws.ledger_path))
    with ledger.locked():
        st = year_state(ws, today, task, year)
        left_out, rounds, y, plan = st.left_out, st.rounds, st.year, st.plan
        cache: dict[tuple, dict[str, str]] = {}

        def names(r: Round) -> dict[str, str]:
            if r.key not in cache:
                cache[r.key] = pick_names(ws, r)
            return cache[r.key]

        errors, checked = check_rows(rows, plan, rounds, today, task, number, names, department)
        if errors:
            raise InputErrors(errors)
        appended = ledger.append_many("result", list(checked.events))
    if left_out:
        checked = replace(checked, warnings=checked.warnings + (later_note(left_out, today),))
    return Recorded(checked, tuple(appended), y, add_results(rounds, appended))

