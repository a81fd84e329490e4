"""What a terminal or a script may pass on the command line: bytes that are not UTF-8, digits that are not ASCII.

Each is an input error (exit 2) with nothing written, through the real console script:
on Linux Python keeps non-UTF-8 argv bytes as lone surrogates, which no ledger line can hold.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.helpers import console_script, tree_digest


def _run(ws, *args: str | bytes) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "SSJ_ROOT"}
    return subprocess.run([*console_script(), "--root", str(ws), *args], capture_output=True, env=env, timeout=120)


def _drawn(ssj) -> str:
    import json

    res = ssj("draw", "--task", "coal", "--seed", "s", "--today", "2022-04-06", "--json")
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout)["picks"][0]["entity"]


@pytest.mark.skipif(sys.platform == "win32", reason="Windows passes argv as Unicode: there are no undecodable bytes")
@pytest.mark.parametrize(("option", "before"), [
    ("--seed", ["draw", "--task", "coal", "--today", "2022-04-06"]),
    ("--reason", ["void", "--task", "coal", "--round", "1", "--today", "2022-04-07"]),
    ("--measures", ["record", "--task", "coal", "--date", "2022-04-07", "--result", "rectify", "--today", "2022-04-08"]),
    ("--note", ["record", "--task", "coal", "--date", "2022-04-07", "--result", "no_problem", "--today", "2022-04-08"]),
])
def test_non_utf8_bytes_in_an_option_are_an_input_error(ssj, ws, option, before):
    entity = _drawn(ssj)
    args = [*before, *(["--entity", entity] if before[0] == "record" else [])]
    state = tree_digest(ws)
    res = _run(ws, *args, option, b"\xb2\xe2\xca\xd4 \xff")  # "测试" in GBK, then a stray byte
    err = res.stderr.decode("utf-8", "replace")
    assert res.returncode == 2, err
    assert f"{option} 的值中有无法识别的字符" in err and "UTF-8" in err and "Traceback" not in err
    assert tree_digest(ws) == state


def test_a_lone_surrogate_through_the_runner_is_refused_too(ssj, ws):
    state = tree_digest(ws)
    res = ssj("draw", "--task", "coal", "--today", "2022-04-06", "--seed", "a\udcff")
    assert res.exit_code == 2 and "--seed 的值中有无法识别的字符" in res.stderr
    assert tree_digest(ws) == state


def test_a_superscript_round_is_an_input_error(ssj, ws, tmp_path):
    entity = _drawn(ssj)
    state = tree_digest(ws)
    res = _run(ws, "record", "--task", "coal", "--round", "²", "--entity", entity, "--date", "2022-04-07",
               "--result", "no_problem", "--today", "2022-04-08")
    err = res.stderr.decode("utf-8")
    assert res.returncode == 2 and "选项 --round 的值无效：应为整数" in err and "Traceback" not in err
    batch = tmp_path / "结果.csv"
    batch.write_text(f"entity,date,result,task,round\n{entity},2022-04-07,no_problem,coal,²\n", encoding="utf-8")
    res = ssj("record", "--from", str(batch), "--today", "2022-04-08")
    assert res.exit_code == 2, res.output
    assert f"{batch.as_posix()}:2" in res.stderr and "轮次 ² 不是整数" in res.stderr
    assert tree_digest(ws) == state
