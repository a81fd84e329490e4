"""The report as text: terminal tables (rich), Markdown, and the per-task CSV."""

from __future__ import annotations

from decimal import Decimal

from shuangsuiji.files.tables import csv_bytes
from shuangsuiji.render.layout import (
    Section,
    Table,
    cell_text,
    seed_table,
    sections,
    subtitle,
    task_csv_table,
)
from shuangsuiji.render.markdown import md_cell, md_text
from shuangsuiji.report.records import Report


def _numeric(table: Table, col: int) -> bool:
    values = [r[col] for r in table.rows if r[col] is not None]
    return bool(values) and all(isinstance(v, (int, Decimal)) for v in values)


def render_markdown(report: Report) -> str:
    out = [f"# {md_text(report.title)}", "", f"> {md_text(report.integrity.headline())}", "", md_text(subtitle(report)), ""]
    for s in sections(report):
        out += [f"## {md_text(s.title)}", ""]
        for p in s.paragraphs:
            out += [md_text(p), ""]
        if s.bullets:
            out += [f"- {md_text(b)}" for b in s.bullets] + [""]
        for t in s.tables:
            out += _md_table(t) + [""]
    return "\n".join(out).rstrip("\n") + "\n"


def _md_table(t: Table) -> list[str]:
    lines = [f"**{md_text(t.title)}**", ""]
    if not t.rows:
        return lines + [md_text(t.empty)]
    lines.append("| " + " | ".join(md_cell(h) for h in t.headers) + " |")
    lines.append("|" + "|".join("---:" if _numeric(t, i) else "---" for i in range(len(t.headers))) + "|")
    for row in t.rows:
        lines.append("| " + " | ".join(md_cell(cell_text(c)) for c in row) + " |")
    if t.total is not None:
        lines.append("| " + " | ".join(f"**{md_cell(cell_text(c))}**" if c not in ("", None) else "" for c in t.total) + " |")
    return lines


def render_csv(report: Report) -> bytes:
    """The per-task table, then, after an empty row, the credit section's tables and the seed kinds' table (each
    under a row with its title), through the one CSV writer (UTF-8 with BOM, CRLF, inert cells)."""
    t = task_csv_table(report)
    rows: list = [t.headers, *t.rows, *([t.total] if t.total is not None else [])]
    credit = next(s for s in sections(report) if s.key == "credit")
    for table in (*credit.tables, seed_table(report)):
        rows += [(), (table.title,), table.headers, *table.rows, *([table.total] if table.total is not None else [])]
        if not table.rows:
            rows.append((table.empty,))
    return csv_bytes(rows)


def print_tables(report: Report, console) -> None:
    """The report on the terminal, one rich table per table."""
    from rich.text import Text

    first = report.integrity.headline()
    console.print(Text(first, style="bold red" if not report.integrity.ok else "green"))
    console.print(Text(report.title, style="bold"))
    console.print(Text(subtitle(report)))
    for s in sections(report):
        console.print()
        console.print(Text(s.title, style="bold"))
        for p in s.paragraphs:
            console.print(Text(p))
        for b in s.bullets:
            console.print(Text(f"· {b}", style="yellow" if s.alert else ""))
        for t in s.tables:
            print_table(t, console)


def print_table(t: Table, console, no_wrap: frozenset[str] = frozenset()) -> None:
    """One table on the terminal (rich); a table without rows as its title and what it says then.
    Columns headed by a name in ``no_wrap`` are never broken inside (a code split in two cannot be copied)."""
    from rich.table import Table as RichTable
    from rich.text import Text

    if not t.rows:
        console.print(Text(f"{t.title}：{t.empty}"))
        return
    rt = RichTable(title=Text(t.title), show_footer=False)
    for i, h in enumerate(t.headers):
        rt.add_column(Text(h), justify="right" if _numeric(t, i) else "left", overflow="fold", no_wrap=h in no_wrap)
    for row in t.rows:
        rt.add_row(*[Text(cell_text(c)) for c in row])  # Text: a name with [brackets] is not markup
    if t.total is not None:
        rt.add_section()
        rt.add_row(*[Text(cell_text(c) if c != "" else "") for c in t.total], style="bold")
    console.print(rt)


__all__ = ["render_markdown", "render_csv", "print_tables", "print_table", "Section"]
