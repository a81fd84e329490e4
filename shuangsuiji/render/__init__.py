"""Renderings of the annual report.

``layout.sections`` turns a ``report.Report`` into plain sections of text and tables
(Chinese titles and headers, cells already chosen), so every format shows the same
content: ``text`` renders them for the terminal (rich), Markdown and CSV, ``xlsx`` as one
sheet per section, ``html`` as a self-contained printable page with the charts of
``svg``. Nothing here computes a number; it only lays out what the report holds.
"""
