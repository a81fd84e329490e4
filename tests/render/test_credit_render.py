"""The credit archive as people read it (render.credit): the remarks of a round, the list's screen and file columns."""

from __future__ import annotations

from shuangsuiji.ledger.chain import LedgerEvent
from shuangsuiji.ledger.state import build_rounds
from shuangsuiji.records import Entity
from shuangsuiji.render.credit import archive_lines, archive_tables, list_csv, list_screen
from shuangsuiji.results.credit import archive, finding_rows, finding_tallies, rounds_of

A, D = "91140428MA00000A01", "91140428MA00000D04"


def ev(seq: int, kind: str, **data) -> LedgerEvent:
    return LedgerEvent(seq, kind, "2022-01-01T10:00:00+08:00", "0" * 64, data, seq, f"{seq:064x}")


LEDGER = [
    ev(1, "draw", year=2022, task="coal", round=1, date="2022-03-01", record="2022/coal-r1.json", record_sha256="0" * 64,
       algorithm="sha256-rank", seed="s", k=1, picks=[D], new_cycle=False, cycle_picks=[]),
    ev(2, "replace", year=2022, task="coal", round=1, date="2022-03-02", target="entity", entity=D, replacement=A,
       reason="other", note="已搬迁", inspector="", name="", position=2, pick={"entity": A}, out_inspectors=[], load={}, skipped=[]),
    ev(3, "result", year=2022, task="coal", round=1, entity=A, date="2022-03-05", result="no_problem", measures="", note=""),
    ev(4, "result", year=2022, task="coal", round=1, entity=A, date="2022-03-06", result="penalty", measures="罚款", note=""),
]


def test_remarks_say_what_happened_in_the_round():
    rounds = build_rounds(LEDGER)
    out = archive(D, None, rounds_of(D, rounds.values()), {}, [], False, "2022-12-31")
    came = archive(A, Entity(A, "示例甲", "coal_mine", "丹朱镇", "在营", "D"), rounds_of(A, rounds.values()), {}, [], False,
                   "2022-12-31", 2, {"coal_mine": "煤矿"})
    (row,) = archive_tables(out)[0].rows
    assert row[-1] == f"2022-03-02 被 {A} 递补替换（其他（已搬迁）），不再检查；摇号记录无法读取，执法人员不详（请运行 ssj verify）"
    (row,) = archive_tables(came)[0].rows
    assert row[4] == "递补" and row[7] == "立案查处" and row[8] == "罚款" and row[9] == "未公示"
    assert row[-1].startswith(f"2022-03-02 递补，代替 {D}（其他（已搬迁））；结果更正 1 次")
    assert archive_tables(came)[1].rows == (("coal", 1, "2022-03-05", "未发现问题", "", 3),)
    assert archive_lines(came) == [
        "类别：煤矿；乡镇：丹朱镇；状态：在营；信用风险等级：D（高风险）",
        "失信黑名单：从未列入",
        "被抽查 1 户次（不含已作废和被递补替换的），已登记检查结果 1 户次，发现问题 1 户次（立案查处 1），最近一次发现问题的检查日期 2022-03-06。",
        "注意：账本中有 2 条事件日期晚于 2022-12-31，按截至 2022-12-31 的账本计算，未计入",
    ]


def test_list_columns_on_screen_and_in_the_file():
    rows = tuple(finding_rows(finding_tallies(build_rounds(LEDGER).values()), lambda _: None, {A: "=示例甲"}, {}, frozenset({A})))
    screen = list_screen(rows, "2022-12-31", 2022)
    assert screen.title == "检查发现问题的企业（2022 年度，截至 2022-12-31）"
    assert screen.rows == ((A, "=示例甲", "—", "是", 1, 0, 1, 0, 0, "2022-03-06"),)
    lines = list_csv(rows, "2022-12-31", 2022).decode("utf-8-sig").splitlines()
    assert lines[1] == f"{A},'=示例甲,,,未定级,是,1,1,0,1,0,0,2022-03-06,立案查处,罚款,coal,1"
