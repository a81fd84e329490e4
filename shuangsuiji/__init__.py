"""ssj (双随机抽查): random spot checks from plan to publication.

Data flows one way: files -> loaders (records that remember path:line) -> pure core
(draw, deadlines, results, report numbers) -> actions append events to the ledger ->
renderers -> the CLI.

Layers, lowest first. A module may import from its own layer and from lower ones, never
from a higher one (``tests/test_architecture.py`` parses every import and fails on an
upward import or an import circle):

0. ``errors``, ``codes``, ``records``, ``workspace``: the error record and its renderer,
   every vocabulary, the frozen records, the paths of a workspace.
1. ``files``: encodings in, atomic writes out, CSV/XLSX tables, YAML nodes, templates.
2. ``inputs``: the plan and the registries as typed records (``path:line`` kept).
3. ``ledger``: the hash chain and the fold of its events into frozen rounds.
4. ``draw``, ``deadlines``: the pure draw (no files, no clock) and working-day deadlines.
5. ``results``, ``report``: checking recorded results, notices, the report's numbers.
6. ``render``: HTML, CSV, XLSX, Markdown and terminal renderings.
7. ``actions``: the only code that writes files or appends to the ledger.
8. ``cli``: parses options, calls one action, renders, sets the exit code.
"""

__version__ = "0.1.0"

# The layer of each top-level module or package; tests/test_architecture.py enforces it.
LAYERS = {
    "errors": 0, "codes": 0, "records": 0, "workspace": 0,
    "files": 1,
    "inputs": 2,
    "ledger": 3,
    "draw": 4, "deadlines": 4,
    "results": 5, "report": 5,
    "render": 6,
    "actions": 7,
    "cli": 8, "__main__": 8,
}
