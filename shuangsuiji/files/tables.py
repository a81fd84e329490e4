"""Tables out: the one CSV writer every CSV file of ssj goes through.

A CSV that ssj writes opens in Excel and WPS on Chinese Windows without mojibake (UTF-8
with a BOM, CRLF line ends) and is inert there: a text cell that begins with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return would be read as a formula (the OWASP "CSV
injection" rule), so it is written with a leading apostrophe, which both programs show as
text and never evaluate. Numbers (int, Decimal) are written as they are.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterable, Sequence

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def inert(text: str) -> str:
    """``text`` as a spreadsheet shows it but never evaluates it."""
    return "'" + text if text.startswith(FORMULA_START) else text


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return inert(value)
    return str(value)


def csv_bytes(rows: Iterable[Sequence[object]]) -> bytes:
    """The rows as CSV bytes: UTF-8 with BOM, CRLF, every text cell inert."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    for row in rows:
        writer.writerow([_cell(v) for v in row])
    return codecs.BOM_UTF8 + buf.getvalue().encode("utf-8")
