"""inputs/kept.py: a draw's inputs read back from its kept copies, directly (no CLI)."""

from __future__ import annotations

import hashlib

from shuangsuiji.files.kept import keep_file
from shuangsuiji.inputs.kept import KeptInputs, kept_name_problems
from shuangsuiji.inputs.year import load_inputs
from shuangsuiji.workspace import Workspace

FILES = ("plans/2022.yaml", "data/entities.csv", "data/inspectors.csv")


def kept_copies(ws: Workspace) -> tuple[dict[str, str], dict[str, str]]:
    hashes = {f: hashlib.sha256((ws.root / f).read_bytes()).hexdigest() for f in FILES}
    kept = {f: keep_file(ws.draws_dir / "inputs", ws.root / f, f, hashes[f])[0].relative_to(ws.draws_dir).as_posix() for f in FILES}
    return kept, hashes


def test_kept_copies_give_the_inputs_the_files_gave(ws):
    w = Workspace(ws)
    now = load_inputs(w, 2022)
    kept, hashes = kept_copies(w)
    assert hashes == now.hashes
    for name in FILES[1:]:
        (ws / name).write_text("改掉了\n", encoding="utf-8")  # the files on disk are no help any more
    inputs, problems = KeptInputs(w).load(kept, hashes, 2022)
    assert problems == [] and inputs is not None
    assert inputs.plan == now.plan and inputs.inspectors == now.inspectors and inputs.hashes == now.hashes
    for task in now.plan.tasks:
        assert inputs.scope_graded(task) == now.scope_graded(task)


def test_current_files_of_the_same_bytes_stand_in_but_the_copies_are_still_checked(ws):
    w = Workspace(ws)
    now = load_inputs(w, 2022)
    kept, hashes = kept_copies(w)
    assert KeptInputs(w, {2022: now}).load(kept, hashes, 2022) == (now, [])
    (ws / "draws" / kept["data/inspectors.csv"]).write_bytes(b"id,name\n")
    inputs, problems = KeptInputs(w, {2022: now}).load(kept, hashes, 2022)
    assert inputs is None and [p.kept for p in problems] == ["draws/" + kept["data/inspectors.csv"]]


def test_kept_name_problems():
    sha = "a" * 64
    assert kept_name_problems({"data/entities.csv": f"inputs/{sha}.csv.gz"}, {"data/entities.csv": sha}) == []
    assert kept_name_problems({"data/entities.csv": f"inputs/{sha}.csv"}, {"data/entities.csv": sha}) == []
    assert kept_name_problems({"data/entities.csv": f"inputs/{'b' * 64}.csv"}, {"data/entities.csv": sha}) == [
        f"账本行的 kept_inputs 中 data/entities.csv 的副本 inputs/{'b' * 64}.csv 不是按记录中的 SHA-256 命名的"]
    assert kept_name_problems({}, {"data/entities.csv": sha}) == ["账本行的 kept_inputs 与记录的 inputs 列出的文件不同"]


def test_a_second_process_parses_a_large_copy_to_the_same_table(ws, monkeypatch):
    """prefetch: a registry copy over PREFETCH_ABOVE is parsed by a second Python process while the caller works;
    load() takes that table, equal to the one parsed here. A copy altered since is named all the same."""
    import shuangsuiji.inputs.kept as kept_module

    monkeypatch.setattr(kept_module, "PREFETCH_ABOVE", 0)
    monkeypatch.setattr(kept_module.os, "cpu_count", lambda: 2)
    w = Workspace(ws)
    now = load_inputs(w, 2022)
    kept, hashes = kept_copies(w)
    store = KeptInputs(w)
    store.prefetch([(2022, kept)])
    assert store._ahead.running is not None  # the second process was started
    try:
        inputs, problems = store.load(kept, hashes, 2022)
    finally:
        store.close()
    assert problems == [] and inputs is not None and store._ahead.running is None
    assert list(inputs.entities) == list(now.entities)
    for task in now.plan.tasks:
        assert inputs.scope_graded(task) == now.scope_graded(task)

    copy = ws / "draws" / kept["data/entities.csv"]
    copy.write_bytes(copy.read_bytes().replace("在营".encode(), "停产".encode(), 1))
    store = KeptInputs(w)
    store.prefetch([(2022, kept)])
    inputs, problems = store.load(kept, hashes, 2022)
    store.close()
    assert inputs is None and len(problems) == 1 and "与文件名和摇号记录不符" in problems[0].message


def test_a_second_process_that_fails_or_cannot_start_leaves_the_copy_to_this_one(ws, monkeypatch):
    import shuangsuiji.inputs.kept as kept_module

    monkeypatch.setattr(kept_module, "PREFETCH_ABOVE", 0)
    monkeypatch.setattr(kept_module.os, "cpu_count", lambda: 2)
    w = Workspace(ws)
    now = load_inputs(w, 2022)
    kept, hashes = kept_copies(w)
    for worker, executable in (("import sys; sys.exit(3)", None), ("print('not a pickle')", None), (None, str(ws / "no-python"))):
        if worker is not None:
            monkeypatch.setattr(kept_module, "_WORKER", worker)
        if executable is not None:
            monkeypatch.setattr(kept_module.sys, "executable", executable)
        store = KeptInputs(w)
        store.prefetch([(2022, kept)])
        inputs, problems = store.load(kept, hashes, 2022)
        store.close()
        assert problems == [] and inputs is not None and list(inputs.entities) == list(now.entities)


def test_small_copies_a_single_core_and_files_already_parsed_start_no_second_process(ws, monkeypatch):
    import shuangsuiji.inputs.kept as kept_module

    w = Workspace(ws)
    now = load_inputs(w, 2022)
    kept, hashes = kept_copies(w)
    store = KeptInputs(w)
    store.prefetch([(2022, kept)])  # a county's registry: below PREFETCH_ABOVE
    assert store._ahead.running is None
    monkeypatch.setattr(kept_module, "PREFETCH_ABOVE", 0)
    monkeypatch.setattr(kept_module.os, "cpu_count", lambda: 1)
    store.prefetch([(2022, kept)])
    assert store._ahead.running is None
    monkeypatch.setattr(kept_module.os, "cpu_count", lambda: 2)
    store = KeptInputs(w, {2022: now})
    store.prefetch([(2022, kept)])  # the current files hold the same bytes: load() uses them
    assert store._ahead.running is None


def test_the_second_process_runs_no_code_from_the_current_folder(ws, monkeypatch, tmp_path):
    """verify is run from inside a workspace someone handed over: a shuangsuiji/ or gzip.py lying there is not
    imported by the second process (it imports from the folders the calling ssj imports from, nothing else)."""
    import shuangsuiji.inputs.kept as kept_module

    monkeypatch.setattr(kept_module, "PREFETCH_ABOVE", 0)
    monkeypatch.setattr(kept_module.os, "cpu_count", lambda: 2)
    planted = tmp_path / "planted"
    marker = tmp_path / "ran.txt"
    for name in ("shuangsuiji/__init__.py", "shuangsuiji/inputs/__init__.py", "gzip.py", "csv.py", "pickle.py"):
        (planted / name).parent.mkdir(parents=True, exist_ok=True)
        (planted / name).write_text(f"open({str(marker)!r}, 'a').write('ran')\n", encoding="utf-8")
    w = Workspace(ws)
    now = load_inputs(w, 2022)
    kept, hashes = kept_copies(w)
    monkeypatch.chdir(planted)
    store = KeptInputs(w)
    store.prefetch([(2022, kept)])
    proc = store._ahead.running[1]
    inputs, problems = store.load(kept, hashes, 2022)
    store.close()
    assert proc.returncode == 0  # the second process parsed the copy
    assert not marker.exists()
    assert problems == [] and list(inputs.entities) == list(now.entities)


def test_a_copy_passed_over_stops_its_second_process(ws, monkeypatch):
    """Copies are asked for in ledger order: one asked for while an earlier one is still being parsed (whose draw
    failed earlier checks and never asks) stops that process, which would otherwise wait on a full pipe."""
    import shuangsuiji.inputs.kept as kept_module

    monkeypatch.setattr(kept_module, "PREFETCH_ABOVE", 0)
    monkeypatch.setattr(kept_module.os, "cpu_count", lambda: 2)
    w = Workspace(ws)
    first, _ = kept_copies(w)
    entities = ws / "data" / "entities.csv"
    entities.write_bytes(entities.read_bytes().replace("在营".encode(), "停产".encode(), 1))
    second, hashes = kept_copies(w)
    now = load_inputs(w, 2022)
    store = KeptInputs(w)
    store.prefetch([(2022, first), (2022, second)])
    passed_over = store._ahead.running[1]
    inputs, problems = store.load(second, hashes, 2022)
    assert passed_over.poll() is not None  # stopped, not left blocked on its pipe
    store.close()
    assert problems == [] and list(inputs.entities) == list(now.entities)
