"""What every Markdown file ssj writes (notices, the report) does to the text it carries.

A Markdown file is often shown as HTML (a portal, a wiki, a Git host). Names, measures and
task names come from registries and clerks, so a ``<script>`` or an ``<svg onload=...>`` in
them must reach the reader as text: ``md_text`` writes ``&``, ``<`` and ``>`` as HTML
entities, which every Markdown renderer shows as the characters themselves, and puts a
backslash before the backslash, the backtick, ``*``, ``_``, ``[`` and ``]``, so a name such as
``[点此办理](http://...)`` is never a live link (nor an image, code or emphasis). ``md_cell``
also keeps a table cell on its line and in its column (``|`` and line breaks).
"""

from __future__ import annotations

_MARKUP = str.maketrans({c: "\\" + c for c in "\\`*_[]"})


def md_text(text: str) -> str:
    """``text`` safe in Markdown: no raw HTML passes through, no link, image, code or emphasis is made."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").translate(_MARKUP)


def md_cell(text: str) -> str:
    """``text`` as one Markdown table cell: ``md_text``, with pipes and line breaks escaped."""
    return md_text(text).replace("|", "\\|").replace("\r\n", " ").replace("\n", " ").replace("\r", " ")
