"""Commands that run SPARQL: ad-hoc and named queries."""

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from ..errors import BadData, BadQuery, EmptyResult
from ..namespaces import curie
from ..terms import IRI, Literal
from .app import FormatOption, OutputFormat, app, emit, graph_command
from .output import write


def _value(term) -> str | None:
    if term is None:
        return None
    if isinstance(term, IRI):
        return curie(str(term))
    if isinstance(term, Literal):
        return str(term)
    return term.n3()


@app.command()
@graph_command
def query(
    g,
    text: Annotated[Optional[str], typer.Argument(metavar="SPARQL", help="The query text (or use --file / --name).", show_default=False)] = None,
    file: Annotated[Optional[Path], typer.Option("--file", help="Read the query from a .rq file.", show_default=False)] = None,
    name: Annotated[Optional[str], typer.Option("--name", help="Run a named query shipped with kg (see `kg queries`).", show_default=False)] = None,
    param: Annotated[Optional[list[str]], typer.Option("--param", help="NAME=VALUE bound as an RDF term: <IRI>, CURIE, number, \"literal\"@lang, or plain text; repeat a NAME to take each value in turn.", show_default=False)] = None,
    format: FormatOption = OutputFormat.table,
):
    """Run a read-only SPARQL query; the project's prefixes (fb:, src:, HP:, skos: ...) are predeclared."""
    from ..sparql import named_query, parse_param

    given = [x for x in (text, file, name) if x is not None]
    if len(given) != 1:
        raise BadQuery("give exactly one of SPARQL text, --file Q.rq or --name NAME")
    where = "query"
    if file is not None:
        try:
            text = file.read_text(encoding="utf-8")
        except OSError as error:
            raise BadData(f"{file}: cannot read: {error.strerror or error}") from None
        except UnicodeDecodeError as error:
            raise BadQuery(f"{file}: not UTF-8 text ({error.reason} at byte {error.start}); save the query as UTF-8") from None
        where = str(file)
    elif name is not None:
        named = named_query(name)
        text, where = named.text, named.name
    params: dict = {}
    for name_, term in (parse_param(p) for p in param or []):
        params.setdefault(name_, []).append(term)  # a name given again takes each value in turn
    params = {key: terms[0] if len(terms) == 1 else terms for key, terms in params.items()}
    result = g.query(text, params, where=where)
    if result.type == "ASK":
        answer = bool(result.answer)
        typer.echo("true" if answer else "false")
        raise typer.Exit(0 if answer else 1)
    if result.type in ("CONSTRUCT", "DESCRIBE"):
        if format is OutputFormat.csv:
            raise BadQuery(f"a {result.type} query gives triples, not rows: use --format table (Turtle) "
                           "or --format json (JSON-LD), or a SELECT query for CSV")
        if not result.triples:
            raise EmptyResult("the query constructed no triples")
        rdf_format = "json-ld" if format is OutputFormat.json else "turtle"
        sys.stdout.write(result.rdflib_graph().serialize(format=rdf_format))
        return
    variables = list(result.vars)
    records = [{v: _value(row[v]) for v in variables} for row in result]
    hint = ""
    literals = [k for k, v in params.items() if any(isinstance(t, Literal) and not t.datatype for t in
                                                   (v if isinstance(v, list) else [v]))]
    if literals:
        hint = f" (note: {', '.join(literals)} bound as plain text; write fb:NAME or <IRI> to bind an entity)"
    emit(records, [(v, v) for v in variables], format, empty=f"the query returned no rows{hint}")


@app.command()
def queries(format: FormatOption = OutputFormat.table):
    """The named queries shipped with kg, runnable with `kg query --name NAME --param ...`."""
    from ..sparql import named_queries

    records = [
        {"name": q.name, "description": q.description, "params": [f"{k}: {v}" for k, v in q.params.items()]}
        for q in named_queries().values()
    ]
    write(records, [("name", "name"), ("description", "description"), ("params", "params")], format.value, "Named queries")
