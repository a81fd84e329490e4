"""The one HTML page skeleton of every printable page ssj writes (notice, draw sheet, report).

A page is self-contained: UTF-8, ``lang="zh-CN"``, its CSS inline (with its own ``@page``
size and margins), no script, no external stylesheet, font or image. ``chinese_date`` is
the one way a date is written on paper (2022年6月22日), ``chinese_datetime`` a time
(2022年4月6日 10时15分03秒).
"""

from __future__ import annotations

import html
from datetime import date, datetime


def page(title: str, css: str, body: str) -> str:
    """The whole HTML document: ``css`` in one ``<style>``, ``body`` as given (already escaped)."""
    return (
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
        f"<title>{html.escape(title)}</title>\n<style>\n{css}</style>\n</head>\n<body>\n{body}</body>\n</html>\n"
    )


def chinese_datetime(moment: datetime | str) -> str:
    """2022-04-06T10:15:03+08:00 as 2022年4月6日 10时15分03秒 (the time as written, in its own zone)."""
    t = datetime.fromisoformat(moment) if isinstance(moment, str) else moment
    return f"{chinese_date(t.date())} {t.hour}时{t.minute:02d}分{t.second:02d}秒"


def chinese_date(day: date | str) -> str:
    """2022-06-22 as 2022年6月22日."""
    d = date.fromisoformat(day) if isinstance(day, str) else day
    return f"{d.year}年{d.month}月{d.day}日"
