"""What every XLSX workbook ssj writes shares: text cells that are never formulas, one CJK width rule, print setup.

openpyxl stores any string that begins with ``=`` as a formula, so a task name, a measure
or an entity name such as ``=cmd|' /C calc'!A0`` would become a live formula in a public
file. ``put`` writes every ``str`` as a string cell (``data_type "s"``): Excel and WPS show
it as the text it is and never evaluate it. Every XLSX writer appends its rows through
``append_row`` (or sets single cells through ``put``), so no text cell escapes this rule.

``display_width`` is the one rule for how wide a text is in a spreadsheet column: East Asian
wide and full-width characters count two, everything else one. ``fit_columns``,
``box`` and ``print_setup`` give the notice and the report the same look on paper:
thin borders, fitting column widths, A4 fitted to the page width with the header rows
repeated on each printed page.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from typing import Any

MAX_COLUMN_WIDTH = 40


def put(cell: Any, value: object) -> Any:
    """Set ``cell`` to ``value``; a ``str`` is always a string cell, never a formula."""
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"
    return cell


def append_row(sheet: Any, values: Sequence[object]) -> int:
    """Append ``values`` as the sheet's next row, every ``str`` a string cell; returns the row number.

    Constant in the sheet's size: the cells are made here and appended as they are
    (openpyxl's ``max_row`` and ``sheet[n]`` scan every cell of the sheet, so asking them
    once per row made a sheet of n rows cost n squared).
    """
    from openpyxl.cell.cell import Cell

    cells = [Cell(sheet, value=v) for v in values]
    for cell in cells:
        if isinstance(cell.value, str):
            cell.data_type = "s"
    sheet.append(cells)
    return cells[0].row if cells else sheet.max_row


def display_width(text: str) -> int:
    """Columns a text takes in a spreadsheet: East Asian wide (W) and full-width (F) characters count two."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def fit_columns(sheet: Any, columns: Iterable[Iterable[object]], limit: int = MAX_COLUMN_WIDTH, least: int = 0) -> None:
    """Set each column's width to its widest text plus 2, between ``least`` and ``limit``."""
    from openpyxl.utils import get_column_letter

    for i, texts in enumerate(columns, start=1):
        longest = max((display_width("" if t is None else str(t)) for t in texts), default=0)
        letter = get_column_letter(i)
        current = sheet.column_dimensions[letter].width if letter in sheet.column_dimensions else 0
        sheet.column_dimensions[letter].width = max(least, current or 0, min(limit, longest + 2))


def thin_border() -> Any:
    from openpyxl.styles import Border, Side

    thin = Side(style="thin", color="000000")
    return Border(left=thin, right=thin, top=thin, bottom=thin)


def print_setup(sheet: Any, title_rows: str | None, landscape: bool) -> None:
    """A4, fitted to one page wide, ``title_rows`` (e.g. "3:3") repeated on every printed page."""
    if title_rows:
        sheet.print_title_rows = title_rows
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = sheet.ORIENTATION_LANDSCAPE if landscape else sheet.ORIENTATION_PORTRAIT
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.horizontalCentered = True
