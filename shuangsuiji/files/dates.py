"""The one date parser: every date a clerk types or a spreadsheet writes back.

``--today``, ``--date``, plan ``issued``/``start``/``end``, result batch files and calendar
files all accept ``2023-04-01``, ``2023/4/1``, ``2023.4.1``, ``2023年4月1日`` and
``20230401`` (full-width digits too, and the ``T00:00:00`` a spreadsheet may append). A day
that does not exist (``2022-02-30``) is refused with the reason.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from datetime import date

DATE_FORMS_TEXT = "2023-04-01、2023/4/1、2023.4.1、2023年4月1日 或 20230401"
DATE_HINT = f"日期可写成 {DATE_FORMS_TEXT}"

_FORMS = (
    re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})"),
    re.compile(r"(\d{4})/(\d{1,2})/(\d{1,2})"),  # what Excel/WPS write back into a CSV
    re.compile(r"(\d{4})\.(\d{1,2})\.(\d{1,2})"),
    re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日"),
    re.compile(r"(\d{4})(\d{2})(\d{2})"),
)
_MIDNIGHT = ("T00:00:00", " 00:00:00")


class DateProblem(ValueError):
    """A text that is not a day; ``reason`` says why, in Chinese."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def parse_date(text: str) -> date:
    """The day ``text`` names. Raises DateProblem with the reason."""
    raw = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or ""))
    for suffix in _MIDNIGHT:
        if raw.endswith(suffix.strip()) and len(raw) > len(suffix.strip()):
            raw = raw[: -len(suffix.strip())]
    if not raw:
        raise DateProblem("日期为空")
    for form in _FORMS:
        m = form.fullmatch(raw)
        if m:
            return _day(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    raise DateProblem("不是可识别的日期格式")


YEARS = range(1900, 2201)  # far from date.max: a deadline counted from any day cannot overflow


def _day(year: int, month: int, day: int) -> date:
    if year not in YEARS:
        raise DateProblem(f"年份 {year} 不合理（应在 {YEARS.start} 到 {YEARS.stop - 1} 之间）")
    if not 1 <= month <= 12:
        raise DateProblem(f"没有 {month} 月")
    last = calendar.monthrange(year, month)[1]
    if not 1 <= day <= last:
        raise DateProblem(f"{year} 年 {month} 月只有 {last} 天，没有 {day} 日")
    return date(year, month, day)


def date_or_none(text: str) -> date | None:
    """``parse_date``, or None for a text that is not a day."""
    try:
        return parse_date(text)
    except DateProblem:
        return None
