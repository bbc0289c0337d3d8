"""Commands about the graph as a whole: counts and export."""

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from .app import FormatOption, OutputFormat, app, emit, graph_command
from .output import write


@app.command()
@graph_command
def stats(g, format: FormatOption = OutputFormat.table):
    """Counts of entities by class, claims by relation and by evidence status, and the files loaded."""
    answer = g.stats()
    records = [count.to_dict() for count in answer.counts]
    columns = [("group", "group"), ("id", "id"), ("label", "label"), ("count", "count")]
    if format is not OutputFormat.table:
        emit(records, columns, format, empty="the graph is empty")
        return
    for group, title in (("class", "Entities by class"), ("relation", "Claims by relation"), ("status", "Claims by evidence status"),
                         ("import", "Imported data sets")):
        rows = [r for r in records if r["group"] == group]
        if rows or group != "import":
            write(rows, columns[1:], "table", title=title)
    typer.echo(f"{answer.triples} triples from {len(answer.files)} files:")
    for path in answer.files:
        typer.echo(f"  {path}")


@app.command()
@graph_command
def export(
    g,
    out: Annotated[str, typer.Argument(metavar="OUT", help="File to write, or - for standard output.", show_default=False)],
    format: Annotated[Optional[str], typer.Option("--format", "-f", help="ttl, nt, jsonld, graphml, html, or kgx (OUT is a folder: nodes.tsv, edges.tsv); default: from OUT's extension, else ttl.", show_default=False)] = None,
    focus: Annotated[Optional[str], typer.Option(help="html: show only the neighbourhood of this entity.", show_default=False)] = None,
    depth: Annotated[Optional[int], typer.Option(max=50, help="html: how many steps around --focus (default 1).", show_default=False)] = None,
    shared: Annotated[Optional[tuple[str, str]], typer.Option(metavar="A B", help="html: two conditions, their shared and unique symptoms and the chains between them.", show_default=False)] = None,
    physics: Annotated[Optional[bool], typer.Option("--physics/--no-physics", help="html: keep the layout live after the page opens (default: off; the page opens laid out and still).", show_default=False)] = None,
    title: Annotated[Optional[str], typer.Option(help="html: the page's title.", show_default=False)] = None,
):
    """Write the graph to OUT as Turtle, N-Triples, JSON-LD, GraphML, an interactive HTML explorer, or KGX TSV (a folder)."""
    import os

    from ..export import export_to, format_for
    from ..fileio import atomic_file

    format = format or format_for(out)
    if format == "kgx":  # a folder of two TSV files, written by its own atomic writer
        from ..errors import BadData, BadExportOption
        from ..export.kgx import write_kgx

        if out.strip() in ("", "-") or any(v is not None for v in (focus, depth, shared, physics, title)):
            raise BadExportOption("--format kgx writes a folder (give OUT as a folder name) and takes no html options")
        try:
            nodes, edges = write_kgx(g, Path(out))
        except OSError as error:  # a read-only or full disk: the earlier export is left as it was
            raise BadData(f"{out}: cannot write the KGX folder: {error.strerror or error}") from None
        typer.echo(f"wrote {out}/nodes.tsv ({nodes:,} nodes) and {out}/edges.tsv ({edges:,} edges) (kgx)", err=True)
        return
    options = dict(focus=focus, depth=depth, shared=shared, physics=physics, title=title)
    if out == "-":
        export_to(g, format, sys.stdout.buffer, **options)
        return
    with atomic_file(out) as handle:
        export_to(g, format, handle, **options)
        try:
            size = f", {handle.tell():,} bytes"
        except OSError:  # a FIFO or a device written through has no size
            size = ""
    where = f"{out} -> {os.path.realpath(out)}" if Path(out).is_symlink() else out
    typer.echo(f"wrote {where} ({format}{size})", err=True)
