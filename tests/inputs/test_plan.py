"""Loading plans/<year>.yaml: exact ratios, draw counts, periods, and every error with its line."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shuangsuiji.errors import InputErrors
from shuangsuiji.inputs.plan import load_plan, parse_ratio, period_label, plan_rows
from shuangsuiji.records import Task

REPO = Path(__file__).resolve().parents[2]

# Line numbers matter below: `- id: coal` is line 10, ratio line 16, start 17, end 18.
PLAN = """\
year: 2022
document: 测试应急发〔2022〕1号
title: 测试县2022年抽查计划
issued: 2022-03-03
department: 测试县应急管理局
categories:
  coal_mine: 煤矿
  hazchem_trading: 危险化学品经营
tasks:
  - id: coal
    name: 煤矿抽查
    type: 定向
    matter: 煤矿安全检查
    scope_label: 全县煤矿
    scope: [coal_mine]
    ratio: 20%
    start: 2022-04-01
    end: 2022-06-30
"""

SECOND_TASK = """\
  - id: hazchem
    name: 危化抽查
    type: 不定向
    matter: 危化检查
    scope_label: 全县危化企业
    scope: [危险化学品经营]
    ratio: 0.125
    start: 2022-01-01
    end: 2022-12-31
    department: 测试县应急管理局危化股
    inspectors_per_check: 3
"""


def load(tmp_path: Path, text: str, year: int = 2022):
    path = tmp_path / "plans" / f"{year}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return load_plan(path, f"plans/{year}.yaml")


def errors_of(tmp_path: Path, text: str) -> list[str]:
    with pytest.raises(InputErrors) as info:
        load(tmp_path, text)
    return [f"{e.location()}: {e.message}" for e in info.value.items]


def task_with(ratio: str) -> Task:
    value = parse_ratio(ratio)
    assert value is not None, ratio
    return Task(1, "t", "t", "定向", "m", "s", ("coal_mine",), value, date(2022, 1, 1), date(2022, 12, 31), "d", 2)


# --- a good plan ---------------------------------------------------------------------------


def test_minimal_plan_loads(tmp_path):
    plan = load(tmp_path, PLAN)
    assert plan.year == 2022 and plan.document == "测试应急发〔2022〕1号"
    assert plan.issued == date(2022, 3, 3)
    assert plan.local_avoidance is False
    assert plan.categories == {"coal_mine": "煤矿", "hazchem_trading": "危险化学品经营"}
    (task,) = plan.tasks
    assert task.id == "coal" and task.index == 1 and task.line == 10
    assert task.ratio == Decimal("0.2") and task.ratio_text() == "20%"
    assert task.department == "测试县应急管理局"  # inherited from the plan
    assert task.inspectors_per_check == 2  # the default


def test_task_fields_labels_aliases_and_overrides(tmp_path):
    plan = load(tmp_path, PLAN + SECOND_TASK.replace("type: 不定向", "type: 不定项"))
    coal, hazchem = plan.tasks
    assert hazchem.index == 2
    assert hazchem.type == "不定向"  # the common misspelling 不定项 is accepted
    assert hazchem.scope == ("hazchem_trading",)  # a Chinese label maps to its code
    assert hazchem.ratio == Decimal("0.125") and hazchem.ratio_text() == "12.5%"
    assert hazchem.department == "测试县应急管理局危化股"
    assert hazchem.inspectors_per_check == 3
    assert plan.task("hazchem") is hazchem and plan.task("nope") is None


def test_local_avoidance_accepts_chinese_yes(tmp_path):
    plan = load(tmp_path, PLAN.replace("department: 测试县应急管理局\n", "department: 测试县应急管理局\nlocal_avoidance: 是\n"))
    assert plan.local_avoidance is True


def test_shipped_plan_loads_with_four_tasks():
    plan = load_plan(REPO / "plans" / "2022.yaml", "plans/2022.yaml")
    assert [t.id for t in plan.tasks] == ["coal", "hazchem", "industry", "coalwash"]
    assert [t.ratio_text() for t in plan.tasks] == ["100%", "20%", "10%", "10%"]
    assert [t.draw_count(n) for t, n in zip(plan.tasks, (6, 41, 55, 31))] == [6, 9, 6, 4]


# --- ratios ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, value",
    [
        ("20%", Decimal("0.2")),
        ("0.2", Decimal("0.2")),
        ("20 %", Decimal("0.2")),
        ("20％", Decimal("0.2")),  # full-width percent sign from a Chinese IME
        ("7%", Decimal("0.07")),
        ("12.5%", Decimal("0.125")),
        (".5", Decimal("0.5")),
        ("100%", Decimal("1")),
        ("1.0", Decimal("1")),
    ],
)
def test_ratio_forms_accepted(text, value):
    assert parse_ratio(text) == value


@pytest.mark.parametrize("text", ["20", "1", "0", "120%", "1.2", "0%", "0.0", "-20%", "20 percent", "", "二成", "1/5"])
def test_ratio_forms_refused(text):
    assert parse_ratio(text) is None


def test_ratio_is_exact_not_float(tmp_path):
    plan = load(tmp_path, PLAN.replace("20%", "0.1"))
    assert plan.tasks[0].ratio == Decimal("0.1")
    assert isinstance(plan.tasks[0].ratio, Decimal)


# --- draw counts ----------------------------------------------------------------------------


def test_seven_percent_of_100_is_7_not_8():
    assert task_with("7%").draw_count(100) == 7
    assert task_with("0.07").draw_count(100) == 7  # 100 * 0.07 is 7.000000000000001 in floats


@pytest.mark.parametrize(
    "ratio, n, k",
    [("20%", 41, 9), ("20%", 40, 8), ("10%", 55, 6), ("10%", 31, 4), ("100%", 6, 6), ("20%", 0, 0), ("1%", 3, 1), ("1%", 1, 1), ("100%", 0, 0)],
)
def test_draw_count_examples(ratio, n, k):
    assert task_with(ratio).draw_count(n) == k


@given(st.integers(min_value=1, max_value=100), st.integers(min_value=0, max_value=100_000))
def test_draw_count_is_integer_ceiling(percent, n):
    expected = -(-n * percent // 100)
    assert task_with(f"{percent}%").draw_count(n) == expected
    assert task_with(f"{Decimal(percent) / 100:.2f}").draw_count(n) == expected  # 0.07 form
    if n > 0:
        assert 1 <= expected <= n


@given(st.integers(min_value=1, max_value=1000), st.integers(min_value=0, max_value=100_000))
def test_draw_count_with_a_tenth_of_a_percent(per_mille, n):
    text = f"{Decimal(per_mille) / 10}%"  # 0.1% ... 100.0%
    expected = -(-n * per_mille // 1000)
    assert task_with(text).draw_count(n) == max(expected, 1 if n else 0)


# --- periods and the annex rows -----------------------------------------------------------


@pytest.mark.parametrize(
    "start, end, label",
    [
        (date(2022, 1, 1), date(2022, 12, 31), "2022年全年"),
        (date(2022, 4, 1), date(2022, 6, 30), "2022年4月至6月"),
        (date(2022, 10, 1), date(2022, 12, 31), "2022年10月至12月"),
        (date(2022, 2, 1), date(2022, 2, 28), "2022年2月"),
        (date(2024, 2, 1), date(2024, 2, 29), "2024年2月"),
        (date(2022, 4, 6), date(2022, 6, 30), "2022-04-06 至 2022-06-30"),
        (date(2022, 4, 1), date(2022, 6, 29), "2022-04-01 至 2022-06-29"),
    ],
)
def test_period_label(start, end, label):
    assert period_label(start, end) == label


def test_plan_rows_of_the_shipped_plan():
    rows = plan_rows(load_plan(REPO / "plans" / "2022.yaml", "plans/2022.yaml"))
    assert [r["index"] for r in rows] == [1, 2, 3, 4]
    by_id = {r["id"]: r for r in rows}
    assert by_id["coal"]["period"] == "2022年全年"
    assert by_id["hazchem"]["period"] == "2022年4月至6月"
    assert by_id["industry"]["period"] == "2022年7月至9月"
    assert by_id["coalwash"]["period"] == "2022年10月至12月"
    assert by_id["hazchem"]["ratio"] == "20%"
    assert by_id["hazchem"]["scope"] == ["hazchem_production", "hazchem_trading"]
    assert all(r["department"] == "长子县应急管理局" for r in rows)


# --- errors, each with its line --------------------------------------------------------------


def test_yaml_syntax_error_gives_line_and_column(tmp_path):
    (error,) = errors_of(tmp_path, PLAN.replace("  - id: coal\n", "  - id: coal: x\n"))
    assert error.startswith("plans/2022.yaml:10: YAML 语法错误（第 10 行第 13 列）：")


def test_tab_indentation_is_a_syntax_error_on_its_line(tmp_path):
    (error,) = errors_of(tmp_path, PLAN.replace("    name:", "\tname:"))
    assert error.startswith("plans/2022.yaml:11: YAML 语法错误（第 11 行第 1 列）：缩进中有 Tab 字符")


def test_unknown_plan_field(tmp_path):
    assert errors_of(tmp_path, PLAN + "foo: bar\n") == ["plans/2022.yaml:19: 计划中有未知字段 foo"]


def test_unknown_task_field_is_named_and_the_missing_one_too(tmp_path):
    assert errors_of(tmp_path, PLAN.replace("    ratio:", "    ratios:")) == [
        "plans/2022.yaml:16: 第 1 个任务中有未知字段 ratios",
        "plans/2022.yaml:10: 第 1 个任务缺少字段 ratio（抽查比例）",
    ]


def test_missing_plan_field(tmp_path):
    assert errors_of(tmp_path, PLAN.replace("document: 测试应急发〔2022〕1号\n", "")) == [
        "plans/2022.yaml:1: 计划缺少字段 document（文号）"
    ]


def test_duplicate_field(tmp_path):
    text = PLAN.replace("issued: 2022-03-03\n", "issued: 2022-03-03\nissued: 2022-03-04\n")
    assert errors_of(tmp_path, text) == ["plans/2022.yaml:5: 计划中字段 issued 重复出现"]


def test_duplicate_task_ids(tmp_path):
    task = PLAN[PLAN.index("  - id: coal"):]
    assert errors_of(tmp_path, PLAN + task) == ["plans/2022.yaml:19: 任务代号 coal 重复（第 10 行已有）"]


@pytest.mark.parametrize(("ratio", "why"), [("20", "无法识别"), ("120%", "超过 100%")])
def test_ambiguous_or_too_large_ratio_refused(tmp_path, ratio, why):
    assert errors_of(tmp_path, PLAN.replace("20%", ratio)) == [f"plans/2022.yaml:16: 抽查比例 {ratio} {why}"]


def test_period_ending_before_it_starts(tmp_path):
    assert errors_of(tmp_path, PLAN.replace("end: 2022-06-30", "end: 2022-03-31")) == [
        "plans/2022.yaml:18: 结束日期 2022-03-31 早于开始日期 2022-04-01"
    ]


@pytest.mark.parametrize(
    "old, new, line, period",
    [
        ("end: 2022-06-30", "end: 2023-01-31", 18, "2022-04-01 至 2023-01-31"),
        ("start: 2022-04-01", "start: 2021-12-01", 17, "2021-12-01 至 2022-06-30"),
    ],
)
def test_period_leaving_the_plan_year(tmp_path, old, new, line, period):
    assert errors_of(tmp_path, PLAN.replace(old, new)) == [f"plans/2022.yaml:{line}: 抽查时间 {period} 超出计划年度 2022"]


def test_scope_naming_an_undeclared_category(tmp_path):
    assert errors_of(tmp_path, PLAN.replace("[coal_mine]", "[coal_mine, gas_station]")) == [
        "plans/2022.yaml:15: 抽查类别 gas_station 不在计划的 categories 中"
    ]


def test_one_inspector_per_check_refused(tmp_path):
    assert errors_of(tmp_path, PLAN + "    inspectors_per_check: 1\n") == ["plans/2022.yaml:19: 每户执法人员数为 1，少于 2 名"]


def test_year_must_match_file_name(tmp_path):
    errors = errors_of(tmp_path, PLAN.replace("year: 2022", "year: 2023"))
    assert errors[0] == "plans/2022.yaml:1: 计划年度 2023 与文件名 2022.yaml 不一致"


def test_bad_type_and_bad_date(tmp_path):
    text = PLAN.replace("type: 定向", "type: 随机").replace("start: 2022-04-01", "start: 2022-4-31")
    assert errors_of(tmp_path, text) == [
        "plans/2022.yaml:12: 抽查类型 随机 无法识别",
        "plans/2022.yaml:17: 字段 start 的日期 2022-4-31 无法识别：2022 年 4 月只有 30 天，没有 31 日",
    ]


def test_empty_plan_and_non_mapping(tmp_path):
    assert errors_of(tmp_path, "# 只有注释\n") == ["plans/2022.yaml:1: 计划文件是空的"]
    assert errors_of(tmp_path, "- a\n- b\n") == ["plans/2022.yaml:1: 计划应为“字段: 值”的映射"]


def test_all_errors_in_one_plan_are_reported_together(tmp_path):
    text = (
        PLAN.replace("20%", "20")
        .replace("end: 2022-06-30", "end: 2022-03-31")
        .replace("[coal_mine]", "[gas]")
        + "foo: 1\n"
    )
    assert sorted(errors_of(tmp_path, text)) == sorted([
        "plans/2022.yaml:15: 抽查类别 gas 不在计划的 categories 中",
        "plans/2022.yaml:16: 抽查比例 20 无法识别",
        "plans/2022.yaml:18: 结束日期 2022-03-31 早于开始日期 2022-04-01",
        "plans/2022.yaml:19: 计划中有未知字段 foo",
    ])


def test_errors_in_two_tasks_are_both_reported(tmp_path):
    text = PLAN.replace("20%", "120%") + SECOND_TASK.replace("inspectors_per_check: 3", "inspectors_per_check: 1")
    assert errors_of(tmp_path, text) == [
        "plans/2022.yaml:16: 抽查比例 120% 超过 100%",
        "plans/2022.yaml:29: 每户执法人员数为 1，少于 2 名",
    ]


def test_every_error_has_a_hint(tmp_path):
    with pytest.raises(InputErrors) as info:
        load(tmp_path, PLAN.replace("20%", "20") + "foo: 1\n")
    assert all(e.hint for e in info.value.items)
    assert any("单写 20 含义不明" in e.hint for e in info.value.items)


def test_plan_in_gbk_loads(tmp_path):
    path = tmp_path / "plans" / "2022.yaml"
    path.parent.mkdir(parents=True)
    path.write_bytes(PLAN.encode("gbk"))
    assert load_plan(path, "plans/2022.yaml").tasks[0].name == "煤矿抽查"


def test_full_width_colon_gets_chinese_position_and_the_half_width_hint(tmp_path):
    """Issue 9 item 12."""
    with pytest.raises(InputErrors) as info:
        load(tmp_path, PLAN.replace("document: ", "document： ", 1))
    (error,) = info.value.items
    assert "YAML 语法错误（第" in error.message and "行第" in error.message
    assert "could not" not in error.message
    line = PLAN.splitlines().index(next(x for x in PLAN.splitlines() if x.startswith("document"))) + 1
    assert error.hint == f"第 {line} 行用了全角冒号“：”，请改为半角冒号“:”（冒号后加一个空格）"


@pytest.mark.parametrize(("ratio", "message"), [("150%", "抽查比例 150% 超过 100%"), ("1.5", "抽查比例 1.5 超过 100%"),
                                                ("0%", "抽查比例 0% 为 0"), ("20", "抽查比例 20 无法识别")])
def test_ratio_messages(tmp_path, ratio, message):
    (error,) = errors_of(tmp_path, PLAN.replace("ratio: 20%", f"ratio: {ratio}", 1))
    assert error.endswith(message)


def test_anchors_aliases_and_deep_nesting_are_refused(tmp_path):
    """Issue 9 item 24: an alias of nested anchors as a mapping key takes exponential time; deep nesting recurses."""
    bomb = "a: &a [x, x]\nb: &b [*a, *a]\nc: &c [*b, *b]\n? *c\n: 1\n"
    (error,) = errors_of(tmp_path, PLAN + bomb)
    assert "不支持锚点和别名（& 和 *）" in error
    (error,) = errors_of(tmp_path, PLAN + "deep: " + "[" * 1000 + "]" * 1000 + "\n")
    assert "嵌套超过 32 层" in error
