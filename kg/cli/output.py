"""Output writers: the same records printed as a rich table, JSON or CSV.

A command hands over ``records`` (JSON-shaped dicts) and the ``columns`` a table or CSV
shows; writers are looked up by format name in :data:`WRITERS`.
"""

import json
import sys
from collections.abc import Callable, Sequence

__all__ = ["WRITERS", "Columns", "write", "cell", "claim_row", "make_console", "STATUS_STYLE"]

#: (header, key) pairs; a key may be a dotted path into nested dicts.
Columns = Sequence[tuple[str, str]]

STATUS_STYLE = {"supported": "green", "contested": "yellow", "unsupported": "magenta", "refuted": "red"}


def _lookup(record: dict, key: str):
    value = record
    for part in key.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def cell(value) -> str:
    """A record's value as table or CSV text: lists joined, entities and sources by id.

    >>> cell([{"id": "src:article"}, {"id": "src:Stabler2013"}])
    'src:article; src:Stabler2013'
    >>> cell(None)
    ''
    """
    if value is None:
        return ""
    if isinstance(value, dict):
        return str(value.get("label") or value.get("id") or "")
    if isinstance(value, (list, tuple)):
        return "; ".join(str(v.get("id", v)) if isinstance(v, dict) else str(v) for v in value)
    return str(value)


def claim_row(claim, other: str = "object") -> dict:
    """A claim as a list-command record about the entity on side ``other`` (:meth:`kg.model.Claim.to_row`)."""
    return claim.to_row(other)


def write_json(records, columns: Columns, title: str | None = None) -> None:
    json.dump(records, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")


def write_csv(records, columns: Columns, title: str | None = None) -> None:
    import csv

    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow([header for header, _ in columns])
    for record in records:
        writer.writerow([cell(_lookup(record, key)) for _, key in columns])


def write_table(records, columns: Columns, title: str | None = None) -> None:
    """A rich table; a ``note`` column becomes numbered footnotes under it, to keep rows short."""
    from rich.markup import escape
    from rich.table import Table

    notes: list[str] = []
    table = Table(title=escape(title) if title else None, title_justify="left")
    shown = [(header, key) for header, key in columns if key != "note"]
    for header, _ in shown:
        table.add_column(header, overflow="fold")
    for record in records:
        row = []
        for _, key in shown:
            value = _lookup(record, key)
            if key.endswith("sources") and isinstance(value, list):
                value = [str(v.get("id") if isinstance(v, dict) else v).removeprefix("src:") for v in value]
            text = escape(cell(value))  # data is untrusted: no rich markup from it
            style = STATUS_STYLE.get(text) if key.endswith("status") else None
            row.append(f"[{style}]{text}[/]" if style else text)
        if any(key == "note" for _, key in columns) and record.get("note"):
            notes.append(record["note"])
            row[-1] += f" [dim][{len(notes)}][/]"
        table.add_row(*row)
    console = make_console()
    console.print(table)
    for number, note in enumerate(notes, 1):
        console.print(f"[dim][{number}][/] {escape(note)}")


def make_console():
    """A rich Console for standard output: the terminal's width, or, when piped, no wrapping at all.

    Piped output is read by tools and people's pagers: a row that keeps to one line is
    greppable, where 80 columns would split words ("fibromyalg ia"). ``COLUMNS`` sets a width.
    """
    import os

    from rich.console import Console

    piped = not sys.stdout.isatty() and not os.environ.get("COLUMNS", "").strip()
    return Console(width=_PIPED_WIDTH if piped else None)


_PIPED_WIDTH = 10_000


WRITERS: dict[str, Callable] = {"table": write_table, "json": write_json, "csv": write_csv}


def write(records, columns: Columns, fmt: str, title: str | None = None) -> None:
    """Print ``records`` in format ``fmt`` (a key of :data:`WRITERS`)."""
    WRITERS[fmt](records, columns, title)
