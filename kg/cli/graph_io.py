"""Commands about the graph as a whole: counts and export."""

import sys
from pathlib import Path
from typing import Annotated

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
    for group, title in (("class", "Entities by class"), ("relation", "Claims by relation"), ("status", "Claims by evidence status")):
        write([r for r in records if r["group"] == group], columns[1:], "table", title=title)
    typer.echo(f"{answer.triples} triples from {len(answer.files)} files:")
    for path in answer.files:
        typer.echo(f"  {path}")


@app.command()
@graph_command
def export(
    g,
    out: Annotated[Path, typer.Argument(metavar="OUT", help="File to write, or - for standard output.")],
    format: Annotated[str, typer.Option("--format", "-f", help="ttl, nt, jsonld or graphml.")] = "ttl",
):
    """Write the whole graph to OUT as Turtle, N-Triples, JSON-LD or GraphML."""
    from ..export import export as export_graph
    from ..fileio import atomic_write

    payload = export_graph(g, format)
    if str(out) == "-":
        sys.stdout.buffer.write(payload)
        return
    atomic_write(out, payload)
    typer.echo(f"wrote {out} ({format}, {len(payload):,} bytes)", err=True)
