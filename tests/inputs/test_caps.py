"""max_checks_per_year in the plan: both shapes, the rule of which entry applies, and every error with its line."""

from __future__ import annotations

import pytest

from shuangsuiji.errors import InputErrors
from shuangsuiji.inputs.plan import load_plan
from shuangsuiji.records import CheckCaps
from tests.helpers import REPO


def plan_with(tmp_path, block: str):
    text = (REPO / "plans" / "2022.yaml").read_text(encoding="utf-8").replace("\ntasks:\n", "\n" + block + "tasks:\n", 1)
    path = tmp_path / "2022.yaml"
    path.write_text(text, encoding="utf-8")
    return path, text


def line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), start=1) if needle in line)


def test_one_number_caps_every_entity(tmp_path):
    path, _ = plan_with(tmp_path, "max_checks_per_year: 2\n")
    caps = load_plan(path).max_checks
    assert caps == CheckCaps(default=2)
    assert caps.cap_for("coal_mine", "A") == caps.cap_for("industry_trade", "") == 2
    assert caps.text() == "每户每年最多 2 次"


def test_a_plan_without_caps_has_none():
    assert load_plan(REPO / "plans" / "2022.yaml").max_checks is None


def test_the_most_specific_entry_applies(tmp_path):
    block = ("max_checks_per_year:\n  default: 3\n  by_grade: {B: 2, A: 1}\n"
             "  by_category:\n    coal_mine: 4\n    危险化学品经营: {A: 5, D: 6}\n")
    path, _ = plan_with(tmp_path, block)
    caps = load_plan(path).max_checks
    assert dict(caps.by_grade) == {"A": 1, "B": 2}  # grade order, whatever the file's
    assert caps.cap_for("hazchem_trading", "A") == 5  # category and grade
    assert caps.cap_for("hazchem_trading", "B") == 2  # the grade's, the category giving none for B
    assert caps.cap_for("hazchem_trading", "C") == 3  # default
    assert caps.cap_for("coal_mine", "A") == 4  # the category's one number beats the grade's
    assert caps.cap_for("industry_trade", "") == 3
    assert "hazchem_trading A 级 5 次" in caps.text()


def test_without_default_an_entity_no_entry_covers_is_uncapped(tmp_path):
    path, _ = plan_with(tmp_path, "max_checks_per_year:\n  by_grade: {D: 4}\n")
    caps = load_plan(path).max_checks
    assert caps.cap_for("coal_mine", "D") == 4 and caps.cap_for("coal_mine", "C") is None


@pytest.mark.parametrize("block, needle, message", [
    ("max_checks_per_year: 0\n", "max_checks_per_year", "每年最多检查 0 次不合理"),
    ("max_checks_per_year: two\n", "max_checks_per_year", "应为整数，实为 two"),
    ("max_checks_per_year: -1\n", "max_checks_per_year", "应为整数，实为 -1"),
    ("max_checks_per_year: 1.5\n", "max_checks_per_year", "应为整数，实为 1.5"),
    ("max_checks_per_year: [1, 2]\n", "max_checks_per_year", "应为正整数，或含 default、by_grade、by_category 的映射"),
    ("max_checks_per_year: {}\n", "max_checks_per_year", "应为正整数，或含 default、by_grade、by_category 的映射"),
    ("max_checks_per_year:\n  per_grade: {A: 1}\n", "per_grade", "max_checks_per_year中有未知字段 per_grade"),
    ("max_checks_per_year:\n  default: 0\n", "default: 0", "max_checks_per_year.default：每年最多检查 0 次不合理"),
    ("max_checks_per_year:\n  by_grade: {E: 1}\n", "by_grade", "by_grade 中的风险等级 E 无法识别"),
    ("max_checks_per_year:\n  by_grade: {A: 1, a: 2}\n", "by_grade", "by_grade 中的风险等级 A 重复"),
    ("max_checks_per_year:\n  by_grade: {A: 0}\n", "by_grade", "max_checks_per_year.by_grade.A：每年最多检查 0 次不合理"),
    ("max_checks_per_year:\n  by_grade: 2\n", "by_grade", "by_grade 应为“风险等级: 次数”的映射"),
    ("max_checks_per_year:\n  by_category:\n    gas_station: 2\n", "gas_station", "by_category 中的类别 gas_station 不在计划的 categories 中"),
    ("max_checks_per_year:\n  by_category:\n    coal_mine: 2\n    煤矿: 3\n", "煤矿: 3", "by_category 中的类别 coal_mine 重复"),
    ("max_checks_per_year:\n  by_category:\n    coal_mine: {X: 2}\n", "coal_mine: {X", "by_category.coal_mine 中的风险等级 X 无法识别"),
    ("max_checks_per_year:\n  by_category:\n    coal_mine: many\n", "coal_mine: many", "by_category.coal_mine 应为整数，实为 many"),
    ("max_checks_per_year:\n  by_category: [coal_mine]\n", "by_category", "by_category 应为“类别代号: 次数（或按等级的映射）”的映射"),
])
def test_every_bad_cap_is_named_at_its_line(tmp_path, block, needle, message):
    path, text = plan_with(tmp_path, block)
    with pytest.raises(InputErrors) as exc:
        load_plan(path)
    (error,) = exc.value.items
    assert message in error.message
    assert error.line == line_of(text, needle)
    assert error.hint
