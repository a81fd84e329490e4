"""Working days and the publication deadline (7 working days after the check ends)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import chinese_calendar
import pytest
import yaml

from shuangsuiji.deadlines.workdays import (
    CALENDAR_TEMPLATE,
    PUBLICATION_WORKDAYS,
    WorkCalendar,
    YearCalendar,
    load_calendar_file,
    load_calendars,
    publication_due,
)
from shuangsuiji.errors import InputErrors
from tests.helpers import FULL_2027

D = date.fromisoformat


def write(tmp_path: Path, text: str, name: str = "2027.yaml") -> Path:
    folder = tmp_path / "calendar"
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def show(path: Path) -> str:
    return f"calendar/{path.name}"


def errors_of(tmp_path: Path, text: str, name: str = "2027.yaml") -> list[tuple[int, str]]:
    path = write(tmp_path, text, name)
    with pytest.raises(InputErrors) as info:
        load_calendar_file(path, show(path))
    assert all(e.path == f"calendar/{name}" and e.hint for e in info.value.errors())
    return [(e.line, e.message) for e in info.value.errors()]


def replace(old: str, new: str) -> str:
    assert FULL_2027.count(old) == 1, old
    return FULL_2027.replace(old, new)


@pytest.fixture
def cal2027(tmp_path: Path) -> WorkCalendar:
    write(tmp_path, FULL_2027)
    return WorkCalendar(load_calendars(tmp_path / "calendar", show))


# --- the library years ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("end", "due"),
    [
        ("2022-06-30", "2022-07-11"),  # plain weeks
        ("2022-09-30", "2022-10-14"),  # National Day, make-up Sat/Sun 10-08 and 10-09
        ("2022-12-31", "2023-01-11"),  # the end day is itself a day off
        ("2024-02-08", "2024-02-23"),  # Spring Festival, make-up Sunday 02-18
    ],
)
def test_publication_due_on_library_years(end: str, due: str) -> None:
    assert publication_due(D(end), WorkCalendar()) == (D(due), False)


def test_find_workday_trap_is_avoided() -> None:
    # chinese_calendar.find_workday counts one day too many when the start is a day off.
    assert chinese_calendar.find_workday(7, D("2022-12-31")) == D("2023-01-12")
    assert WorkCalendar().add_workdays(D("2022-12-31"), PUBLICATION_WORKDAYS) == (D("2023-01-11"), False)


def test_start_day_never_counts() -> None:
    cal = WorkCalendar()
    assert cal.add_workdays(D("2022-09-29"), 1) == (D("2022-09-30"), False)  # start a workday
    assert cal.add_workdays(D("2022-10-01"), 1) == (D("2022-10-08"), False)  # start a holiday
    assert cal.add_workdays(D("2022-10-01"), 0) == (D("2022-10-01"), False)
    assert cal.add_workdays(D("2022-10-14"), -7) == (D("2022-09-30"), False)


def test_workdays_between() -> None:
    cal = WorkCalendar()
    assert cal.workdays_between(D("2022-09-30"), D("2022-10-14")) == (7, False)
    assert cal.workdays_between(D("2022-10-14"), D("2022-09-30")) == (-7, False)
    assert cal.workdays_between(D("2022-10-14"), D("2022-10-14")) == (0, False)
    assert cal.workdays_between(D("2022-10-01"), D("2022-10-07")) == (0, False)
    assert cal.is_workday(D("2022-10-08")) == (True, False)  # make-up Saturday


# --- years beyond the library ----------------------------------------------------------


def test_year_without_data_is_provisional_weekends_only() -> None:
    cal = WorkCalendar()
    assert not cal.covers(2027) and cal.covers(2026) and cal.covers(2004)
    assert publication_due(D("2027-09-30"), cal) == (D("2027-10-11"), True)
    assert cal.is_workday(D("2027-10-01")) == (True, True)  # a Friday, by the weekends-only rule
    assert cal.missing_years(D("2025-06-01"), D("2028-01-01")) == [2027, 2028]
    assert cal.missing_years(D("2028-01-01"), D("2025-06-01")) == [2027, 2028]
    assert cal.workdays_between(D("2026-12-31"), D("2027-01-04")) == (2, True)


def test_span_into_uncovered_year_is_provisional() -> None:
    assert publication_due(D("2026-12-28"), WorkCalendar()) == (D("2027-01-06"), True)
    # Entirely inside 2026: firm.
    assert publication_due(D("2026-12-18"), WorkCalendar()) == (D("2026-12-29"), False)


def test_override_gives_firm_dates(cal2027: WorkCalendar) -> None:
    assert cal2027.covers(2027)
    assert cal2027.missing_years(D("2026-01-01"), D("2027-12-31")) == []
    # National Day 10-01..10-07 off, Saturday 10-09 worked.
    assert publication_due(D("2027-09-30"), cal2027) == (D("2027-10-15"), False)
    assert cal2027.is_workday(D("2027-10-09")) == (True, False)
    assert cal2027.is_workday(D("2027-10-04")) == (False, False)
    assert cal2027.is_workday(D("2027-10-16")) == (False, False)  # an ordinary Saturday
    # Crossing the year: New Year's Day 01-01..01-03 off.
    assert publication_due(D("2026-12-28"), cal2027) == (D("2027-01-07"), False)
    assert cal2027.workdays_between(D("2027-09-30"), D("2027-10-15")) == (7, False)


def test_override_takes_precedence_over_library(tmp_path: Path) -> None:
    # A (fictitious) 2022 file: National Day 10-01..10-07 and Monday 10-10 off, only Saturday 10-08 worked.
    text = FULL_2027.replace("2027", "2022").split("workdays:")[0]
    text += "  - name: 国庆节补休\n    days: 2022-10-10\nworkdays:\n  - 2022-10-08\n"
    write(tmp_path, text, "2022.yaml")
    cal = WorkCalendar(load_calendars(tmp_path / "calendar", show))
    assert WorkCalendar().is_workday(D("2022-10-09")) == (True, False)  # the library's make-up Sunday
    assert cal.is_workday(D("2022-10-09")) == (False, False)
    assert cal.is_workday(D("2022-10-10")) == (False, False)
    assert publication_due(D("2022-09-30"), cal) == (D("2022-10-18"), False)


def test_loaded_calendar(tmp_path: Path) -> None:
    path = write(tmp_path, FULL_2027)
    cal = load_calendar_file(path, "calendar/2027.yaml")
    assert isinstance(cal, YearCalendar)
    assert cal.year == 2027 and cal.path == "calendar/2027.yaml"
    assert len(cal.holidays) == 29
    assert D("2027-06-09") in cal.holidays and D("2027-02-14") in cal.holidays
    assert cal.workdays == {D("2027-02-20"), D("2027-04-25"), D("2027-09-26"), D("2027-10-09")}


def test_combined_and_longer_festival_names_accepted(tmp_path: Path) -> None:
    text = replace("  - name: 中秋节\n    days: 2027-09-15\n  - name: 国庆节\n", "  - name: 中秋节、国庆节\n")
    text = text.replace("name: 春节\n", "name: 春节假期\n").replace("name: 劳动节", "name: “五一”劳动节")
    text = text.replace("[2027-10-01, 2027-10-07]", "[2027-09-30, 2027-10-07]")
    path = write(tmp_path, text)
    cal = WorkCalendar({2027: load_calendar_file(path, "calendar/2027.yaml")})
    assert cal.is_workday(D("2027-09-30")) == (False, False)


def test_missing_folder_gives_no_overrides(tmp_path: Path) -> None:
    assert load_calendars(tmp_path / "calendar", show) == {}


# --- refusing a partial file ---------------------------------------------------------


def test_partial_file_is_refused(tmp_path: Path) -> None:
    text = replace("  - name: 清明节\n    days: [2027-04-03, 2027-04-05]\n", "")
    text = text.replace("  - name: 端午节\n    days: 2027-06-09\n", "")
    [(line, message)] = errors_of(tmp_path, text)
    assert line == 2
    assert message == "日历不完整，缺少 清明节、端午节 的放假安排；本文件会整年取代程序自带的节假日数据，不完整的文件不予采用"


def test_too_few_days_is_refused(tmp_path: Path) -> None:
    text = FULL_2027
    for old, new in [
        ("[2027-01-01, 2027-01-03]", "2027-01-01"),
        ("[2027-02-06, 2027-02-14]", "[2027-02-06, 2027-02-08]"),
        ("[2027-04-03, 2027-04-05]", "2027-04-05"),
        ("[2027-05-01, 2027-05-05]", "2027-05-01"),
        ("[2027-10-01, 2027-10-07]", "[2027-10-01, 2027-10-03]"),
    ]:
        text = text.replace(old, new)
    assert errors_of(tmp_path, text) == [
        (2, "日历不完整，只列出 11 天放假，少于 20 天；本文件会整年取代程序自带的节假日数据，不完整的文件不予采用"),
    ]


def test_unfilled_template_is_refused_not_used(tmp_path: Path) -> None:
    text = CALENDAR_TEMPLATE.format(year=2027)
    assert yaml.safe_load(text)["year"] == 2027  # the template itself is valid YAML
    errors = errors_of(tmp_path, text)
    assert errors and all("2027-MM-DD 无法识别" in message for _, message in errors)


def test_filled_template_is_accepted(tmp_path: Path) -> None:
    fills = iter(
        ["2027-01-01", "2027-01-03", "2027-02-06", "2027-02-14", "2027-04-03", "2027-04-05", "2027-05-01", "2027-05-05",
         "2027-06-09", "2027-06-09", "2027-09-15", "2027-09-15", "2027-10-01", "2027-10-07", "2027-09-26", "2027-10-09"]
    )
    parts = CALENDAR_TEMPLATE.format(year=2027).split("2027-MM-DD")
    text = parts[0] + "".join(next(fills) + part for part in parts[1:])
    path = write(tmp_path, text)
    assert len(load_calendar_file(path, "calendar/2027.yaml").holidays) == 29


# --- validation: file and line of every mistake ----------------------------------------


def test_yaml_syntax_error(tmp_path: Path) -> None:
    [(line, message)] = errors_of(tmp_path, replace("  - name: 春节\n", "  - name: 春节\n   days: oops\n"))
    assert line == 6 and message.startswith("YAML 语法错误")


def test_empty_file(tmp_path: Path) -> None:
    assert errors_of(tmp_path, "# only a comment\n") == [(1, "日历文件是空的")]


def test_unknown_and_missing_fields(tmp_path: Path) -> None:
    text = replace("workdays:\n", "workday:\n").replace("    days: 2027-06-09\n", "    day: 2027-06-09\n")
    assert errors_of(tmp_path, text) == [
        (17, "日历中有未知字段 workday"),
        (1, "日历缺少字段 workdays（调休上班日期）"),
        (12, "第 5 项放假安排中有未知字段 day"),
        (11, "第 5 项放假安排缺少字段 days（放假日期）"),
    ]


def test_year_must_match_file_name(tmp_path: Path) -> None:
    assert errors_of(tmp_path, replace("year: 2027", "year: 2028")) == [(1, "日历年度 2028 与文件名 2027.yaml 不一致")]


def test_date_outside_the_year(tmp_path: Path) -> None:
    assert errors_of(tmp_path, replace("[2027-01-01, 2027-01-03]", "[2026-12-31, 2027-01-03]")) == [
        (4, "日期 2026-12-31 不在 2027 年内"),
    ]


def test_bad_date_text(tmp_path: Path) -> None:
    assert errors_of(tmp_path, replace("  - 2027-04-25\n", "  - 2027-04-31\n")) == [
        (19, "字段 workdays 的日期 2027-04-31 无法识别：2027 年 4 月只有 30 天，没有 31 日"),
    ]


def test_range_end_before_start(tmp_path: Path) -> None:
    assert errors_of(tmp_path, replace("[2027-05-01, 2027-05-05]", "[2027-05-05, 2027-05-01]")) == [
        (10, "放假区间的最后一天 2027-05-01 早于第一天 2027-05-05"),
    ]


def test_range_far_too_long(tmp_path: Path) -> None:
    assert errors_of(tmp_path, replace("[2027-02-06, 2027-02-14]", "[2027-02-06, 2027-12-14]")) == [
        (6, "放假区间 2027-02-06 至 2027-12-14 长达 312 天，疑似日期写错"),
    ]


def test_days_with_three_dates(tmp_path: Path) -> None:
    assert errors_of(tmp_path, replace("days: 2027-06-09", "days: [2027-06-09, 2027-06-10, 2027-06-11]")) == [
        (12, "days 应为一个日期或 [第一天, 最后一天] 两个日期，实有 3 个"),
    ]


def test_make_up_workday_must_be_weekend(tmp_path: Path) -> None:
    assert errors_of(tmp_path, replace("  - 2027-09-26\n", "  - 2027-09-27\n")) == [
        (20, "调休上班日期 2027-09-27 是周一，不是周六或周日"),
    ]


def test_date_both_holiday_and_workday(tmp_path: Path) -> None:
    assert errors_of(tmp_path, replace("  - 2027-10-09\n", "  - 2027-10-02\n")) == [
        (21, "日期 2027-10-02 既列为放假又列为调休上班"),
    ]


def test_load_calendars_collects_errors_of_all_files(tmp_path: Path) -> None:
    write(tmp_path, replace("year: 2027", "year: 2028"))
    write(tmp_path, "year: [2029\n", "2029.yaml")
    write(tmp_path, FULL_2027, "2030.yml")
    write(tmp_path, "说明", "readme.txt")  # not YAML: left alone
    with pytest.raises(InputErrors) as info:
        load_calendars(tmp_path / "calendar", show)
    assert [(e.path, e.line, e.message) for e in info.value.errors()] == [
        ("calendar/2027.yaml", 1, "日历年度 2028 与文件名 2027.yaml 不一致"),
        ("calendar/2029.yaml", 2, "YAML 语法错误（第 2 行第 1 列）：expected ',' or ']', but got '<stream end>'"),
        ("calendar/2030.yml", 0, "日历文件名应为“年份.yaml”，如 2027.yaml"),
    ]
