"""Working days on the Chinese holiday calendar, for the publication deadline.

Spot-check results must be published within 7 working days after the check ends
("抽查结束后7个工作日内"); the end day itself is not counted. Working days follow the
State Council's yearly schedule: holidays off, and some weekends worked as make-up days
(调休上班).

How data flows, per year:

1. ``calendar/<year>.yaml`` in the workspace, when present, is that year's schedule and
   takes precedence over everything else for the whole year (``load_calendars``).
2. Otherwise the ``chinese_calendar`` package, which ships the schedules 2004..2026.
3. Otherwise a provisional rule: Monday to Friday work, weekends off. Every answer
   carries a ``provisional`` flag so the caller can warn and name the file to add
   (``missing_years``).

An override file looks like this (every date YYYY-MM-DD, inside the file's year)::

    year: 2027
    holidays:                          # days off, including weekend days joined to a holiday
      - name: 元旦
        days: [2027-01-01, 2027-01-03]   # [first, last] inclusive; or a single date
      - name: 中秋节、国庆节              # one entry may cover two festivals
        days: [2027-10-01, 2027-10-07]
      ...
    workdays:                          # make-up working days, each a Saturday or Sunday
      - 2027-09-26

Because a file replaces the library for its whole year, a file that looks partial is
refused: its holiday names must cover all seven festivals and list at least 20 days.

``chinese_calendar.find_workday`` is deliberately not used: when the start day is itself
a day off it returns one working day too many.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

from typing import TYPE_CHECKING

from shuangsuiji.errors import InputError, InputErrors
from shuangsuiji.files.text import read_text

if TYPE_CHECKING:  # YAML and the holiday library load only when a calendar is read or a day looked up (start-up)
    import yaml

    from shuangsuiji.files.yaml_nodes import NodeReader

PUBLICATION_WORKDAYS = 7

CALENDAR_FIELDS = {"year": "年度", "holidays": "放假安排", "workdays": "调休上班日期"}
HOLIDAY_FIELDS = {"name": "节日名称", "days": "放假日期"}
# Festival -> words accepted in a holiday entry's name.
FESTIVALS = {
    "元旦": ("元旦",),
    "春节": ("春节",),
    "清明节": ("清明",),
    "劳动节": ("劳动", "五一"),
    "端午节": ("端午",),
    "中秋节": ("中秋",),
    "国庆节": ("国庆",),
}
MIN_HOLIDAY_DAYS = 20
MAX_RANGE_DAYS = 14  # the longest real break is 9 days; a longer range is a typo

_FILE_NAME = re.compile(r"^\d{4}\.yaml$")

CALENDAR_TEMPLATE = """\
# {year} 年节假日安排（工作日日历）
# ssj 按“抽查结束后 7 个工作日内”计算公示期限，结束当天不计；计算时要用到当年的
# 放假和调休安排。程序自带 2004—2026 年的安排；以后的年份，请在国务院办公厅发布
# 当年“部分节假日安排的通知”后，照通知填写本文件，并保存为 calendar/{year}.yaml。
#
# 注意：本文件一经存在，就整年取代程序自带的数据，所以必须填写完整——
# 元旦、春节、清明节、劳动节、端午节、中秋节、国庆节七个节日缺一不可，
# 不完整的文件会被拒绝。下面的 MM-DD 是待填位置，未填写时会报错，不会被误用。
# 日期一律写成 YYYY-MM-DD，且只写 {year} 年内的日子（跨年的那几天属于相邻年份）。

year: {year}                    # 年度，须与文件名一致

holidays:                     # 放假日期，含与周末连休的日子
  - name: 元旦
    days: [{year}-MM-DD, {year}-MM-DD]   # [第一天, 最后一天]，含首尾两天；只放一天就写一个日期，如 days: {year}-01-01
  - name: 春节
    days: [{year}-MM-DD, {year}-MM-DD]
  - name: 清明节
    days: [{year}-MM-DD, {year}-MM-DD]
  - name: 劳动节
    days: [{year}-MM-DD, {year}-MM-DD]
  - name: 端午节
    days: [{year}-MM-DD, {year}-MM-DD]
  - name: 中秋节                 # 中秋节与国庆节连休时，可合成一项：name: 中秋节、国庆节
    days: [{year}-MM-DD, {year}-MM-DD]
  - name: 国庆节
    days: [{year}-MM-DD, {year}-MM-DD]

workdays:                     # 调休上班的周六、周日，每行一个日期；当年没有就写 workdays: []
  - {year}-MM-DD
  - {year}-MM-DD
"""


@dataclass(frozen=True, slots=True)
class YearCalendar:
    """One year's announced schedule, read from a workspace file."""

    year: int
    holidays: frozenset[date]  # days off that would otherwise be workdays (may include weekend days)
    workdays: frozenset[date]  # make-up working days on weekends (调休上班)
    path: str  # shown path, e.g. "calendar/2027.yaml"

    def is_workday(self, d: date) -> bool:
        return d in self.workdays or (d.weekday() < 5 and d not in self.holidays)


def load_calendar_file(path: Path, shown: str) -> YearCalendar:
    """Load and check one ``calendar/<year>.yaml``. Raises InputErrors listing every problem."""
    from shuangsuiji.files.yaml_nodes import NodeReader, compose

    root = compose(read_text(path, shown), shown)
    if root is None:
        raise InputErrors([InputError(shown, 1, "日历文件是空的", "请按当年国务院办公厅的节假日安排通知填写，格式见 ssj init 生成的模板")])
    r = NodeReader(shown)
    top = r.mapping(root, "日历", CALENDAR_FIELDS, tuple(CALENDAR_FIELDS))
    if top is None:
        raise InputErrors(r.errors)

    file_year = int(path.stem) if path.stem.isdigit() else None
    year = r.integer(top["year"], "year") if "year" in top else None
    if year is not None and file_year is not None and year != file_year:
        r.error(top["year"], f"日历年度 {year} 与文件名 {path.name} 不一致", f"请把 year 改为 {file_year}，或把文件改名为 {year}.yaml")
    own_year = file_year if file_year is not None else year

    def in_year(node: yaml.Node, field: str) -> date | None:
        d = r.day(node, field)
        if d is not None and own_year is not None and d.year != own_year:
            r.error(node, f"日期 {d} 不在 {own_year} 年内", f"本文件只写 {own_year} 年的日子；跨年的那几天属于 calendar/{d.year}.yaml")
            return None
        return d

    holidays: set[date] = set()
    names: list[str] = []
    dates_ok = True
    if "holidays" in top:
        holidays, names, dates_ok = _holidays(r, top["holidays"], in_year)
    workdays = _workdays(r, top["workdays"], in_year, holidays) if "workdays" in top else set()
    if "holidays" in top and dates_ok:
        _check_complete(r, next(k for k, _ in root.value if k.value == "holidays"), holidays, names)
    if r.errors:
        raise InputErrors(r.errors)
    assert year is not None
    return YearCalendar(year=year, holidays=frozenset(holidays), workdays=frozenset(workdays), path=shown)


def _holidays(r: NodeReader, node: yaml.Node, in_year: Callable[[yaml.Node, str], date | None]) -> tuple[set[date], list[str], bool]:
    """(the days off, the festival names, whether every entry was read without error)."""
    import yaml

    holidays: set[date] = set()
    names: list[str] = []
    ok = True
    if not isinstance(node, yaml.SequenceNode) or not node.value:
        r.error(node, "holidays 应为放假安排的列表，且至少一项", "每项写成“- name: 节日名称”和“days: [第一天, 最后一天]”")
        ok = False
    for index, entry in enumerate(node.value if isinstance(node, yaml.SequenceNode) else [], start=1):
        before = len(r.errors)
        f = r.mapping(entry, f"第 {index} 项放假安排", HOLIDAY_FIELDS, tuple(HOLIDAY_FIELDS))
        if f is None:
            ok = False
            continue
        if "name" in f and (name := r.text(f["name"], "name")) is not None:
            names.append(name)
        if "days" in f:
            holidays |= _holiday_days(r, f["days"], in_year)
        if len(r.errors) > before:
            ok = False
    return holidays, names, ok


def _workdays(r: NodeReader, node: yaml.Node, in_year: Callable[[yaml.Node, str], date | None], holidays: set[date]) -> set[date]:
    """The weekend days worked instead (调休上班)."""
    import yaml

    workdays: set[date] = set()
    items = node.value if isinstance(node, yaml.SequenceNode) else None
    if items is None:
        r.error(node, "workdays 应为调休上班日期的列表", "每行写“- YYYY-MM-DD”；当年没有调休上班就写 workdays: []")
    for item in items or []:
        d = in_year(item, "workdays")
        if d is None:
            continue
        if d.weekday() < 5:
            r.error(item, f"调休上班日期 {d} 是周{'一二三四五'[d.weekday()]}，不是周六或周日", "workdays 只写调休上班的周六、周日；平常的工作日不必列出")
        elif d in holidays:
            r.error(item, f"日期 {d} 既列为放假又列为调休上班", "请对照通知，删除错误的一处")
        else:
            workdays.add(d)
    return workdays


def _check_complete(r: NodeReader, holidays_key: yaml.Node, holidays: set[date], names: list[str]) -> None:
    """A file replaces the library's data for its whole year: every festival and enough days must be in it."""
    missing = [festival for festival, words in FESTIVALS.items() if not any(w in n for n in names for w in words)]
    if missing:
        r.error(
            holidays_key,
            f"日历不完整，缺少 {'、'.join(missing)} 的放假安排；本文件会整年取代程序自带的节假日数据，不完整的文件不予采用",
            "请照国务院办公厅当年的通知，列全元旦、春节、清明节、劳动节、端午节、中秋节、国庆节（name 中须含节日名称）",
        )
    elif len(holidays) < MIN_HOLIDAY_DAYS:
        r.error(
            holidays_key,
            f"日历不完整，只列出 {len(holidays)} 天放假，少于 {MIN_HOLIDAY_DAYS} 天；本文件会整年取代程序自带的节假日数据，不完整的文件不予采用",
            "每个节日请写出整段放假区间 [第一天, 最后一天]，含与周末连休的日子",
        )


def _holiday_days(r: NodeReader, node: yaml.Node, in_year: Callable[[yaml.Node, str], date | None]) -> set[date]:
    """The dates of one ``days:`` value: a single date, or [first, last] inclusive."""
    import yaml

    items = node.value if isinstance(node, yaml.SequenceNode) else [node]
    if not 1 <= len(items) <= 2:
        r.error(node, f"days 应为一个日期或 [第一天, 最后一天] 两个日期，实有 {len(items)} 个", "不连续的放假日子请分成几项分别写")
        return set()
    ends = [in_year(item, "days") for item in items]
    first, last = ends[0], ends[-1]
    if first is None or last is None:
        return set()
    if last < first:
        r.error(items[-1], f"放假区间的最后一天 {last} 早于第一天 {first}", "请写成 [第一天, 最后一天]")
        return set()
    length = (last - first).days + 1
    if length > MAX_RANGE_DAYS:
        r.error(node, f"放假区间 {first} 至 {last} 长达 {length} 天，疑似日期写错", "请核对通知中的放假起止日期")
        return set()
    return {first + timedelta(days=i) for i in range(length)}


def load_calendars(folder: Path, show: Callable[[Path], str]) -> dict[int, YearCalendar]:
    """Every ``<year>.yaml`` in ``folder`` (the workspace's calendar/), by year; {} when absent.

    Errors of all files are collected and raised together. Other YAML files in the folder
    are errors too, so a misnamed calendar is never silently ignored; non-YAML files are
    left alone.
    """
    if not folder.is_dir():
        return {}
    errors: list[InputError] = []
    calendars: dict[int, YearCalendar] = {}
    for path in sorted(folder.iterdir()):
        if not path.is_file() or path.suffix.lower() not in (".yaml", ".yml"):
            continue
        if not _FILE_NAME.match(path.name):
            errors.append(InputError(show(path), 0, "日历文件名应为“年份.yaml”，如 2027.yaml", "请改名；说明或草稿请另存为 .txt 文件"))
            continue
        try:
            cal = load_calendar_file(path, show(path))
        except InputErrors as exc:
            errors.extend(exc.errors())
            continue
        calendars[cal.year] = cal
    if errors:
        raise InputErrors(errors)
    return calendars


@lru_cache(maxsize=None)
def _library_covers(year: int) -> bool:
    try:
        import chinese_calendar

        chinese_calendar.is_workday(date(year, 1, 1))
    except NotImplementedError:
        return False
    return True


class WorkCalendar:
    """Working days from overrides, then chinese_calendar, then weekends-only (provisional)."""

    def __init__(self, overrides: Mapping[int, YearCalendar] | None = None) -> None:
        self.overrides: dict[int, YearCalendar] = dict(overrides or {})

    def covers(self, year: int) -> bool:
        return year in self.overrides or _library_covers(year)

    def is_workday(self, d: date) -> tuple[bool, bool]:
        """(is a working day, provisional)."""
        if d.year in self.overrides:
            return self.overrides[d.year].is_workday(d), False
        if _library_covers(d.year):
            import chinese_calendar

            return chinese_calendar.is_workday(d), False
        return d.weekday() < 5, True

    def add_workdays(self, start: date, n: int) -> tuple[date, bool]:
        """The n-th working day strictly after ``start`` (before it when n < 0); start never counts."""
        step = timedelta(days=1 if n >= 0 else -1)
        d, left, provisional = start, abs(n), False
        while left:
            d += step
            work, prov = self.is_workday(d)
            provisional |= prov
            left -= work
        return d, provisional

    def workdays_between(self, a: date, b: date) -> tuple[int, bool]:
        """Working days in (a, b]; negative for (b, a] when b < a; 0 when equal."""
        lo, hi, sign = (a, b, 1) if a <= b else (b, a, -1)
        count, provisional, d = 0, False, lo
        while d < hi:
            d += timedelta(days=1)
            work, prov = self.is_workday(d)
            count += work
            provisional |= prov
        return sign * count, provisional

    def missing_years(self, a: date, b: date) -> list[int]:
        """Years between a and b (inclusive, either order) with no schedule: add calendar/<year>.yaml."""
        lo, hi = sorted((a.year, b.year))
        return [y for y in range(lo, hi + 1) if not self.covers(y)]


def publication_due(check_end: date, cal: WorkCalendar, workdays: int = PUBLICATION_WORKDAYS) -> tuple[date, bool]:
    """Last day to publish results: ``workdays`` (the plan's, 7 by default) working days after
    the check ends, end day not counted."""
    return cal.add_workdays(check_end, workdays)
