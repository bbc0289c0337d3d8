"""Commands that extend the graph safely: validate, sources, add and remove.

``validate``, ``add`` and ``remove`` read the Turtle files themselves (file by file, with
line numbers, and for add / remove under a lock), so they take ``--data`` directly rather
than through ``graph_command``.
"""

from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from .app import DataOption, FormatOption, OutputFormat, app, emit, graph_command
from .output import write

Entity = Annotated[str, typer.Argument(help="A label, synonym, CURIE or IRI.", show_default=False)]
Relation = Annotated[str, typer.Argument(metavar="PREDICATE", help="The relation's label (such as 'has symptom'), a synonym or its CURIE.", show_default=False)]
ToOption = Annotated[
    Optional[Path],
    typer.Option("--to", help="Extension file to write (default: local.ttl in the extensions folder, or KG_EXTENSIONS_DIR).", show_default=False),
]
FromOption = Annotated[
    Optional[Path],
    typer.Option("--from", help="Extension file to take it out of (default: the one extension file that holds it).", show_default=False),
]


class Status(str, Enum):
    supported = "supported"
    contested = "contested"
    unsupported = "unsupported"
    refuted = "refuted"


add_app = typer.Typer(help="Add an entity or a sourced claim to an extension file (checked, locked, atomic).",
                      no_args_is_help=True)
remove_app = typer.Typer(help="Take back an entity or a claim from an extension file (never from the shipped ontology).",
                         no_args_is_help=True)
app.add_typer(add_app, name="add")
app.add_typer(remove_app, name="remove")


def _report(edit, format: OutputFormat) -> None:
    if format is OutputFormat.table:
        typer.echo(str(edit))
    else:
        write([edit.to_dict()], [("action", "action"), ("file", "file"), ("id", "subject.id"), ("label", "subject.label"),
                                 ("relation", "predicate.id"), ("object", "object.id")], format.value)


@app.command()
def validate(
    files: Annotated[Optional[list[Path]], typer.Argument(help="Turtle files to check on top of the loaded graph; only their problems are reported (default: check the whole loaded graph).", show_default=False)] = None,
    data: DataOption = None,
    format: FormatOption = OutputFormat.table,
):
    """Check syntax, the SHACL shapes and the use of the schema's terms; one line per problem.

    Exit status 0 when clean, 1 when there are problems, 2 when validation could not run.
    """
    from ..validate import validate as run

    problems = run(files or (), data=data or ())
    records = [p.to_dict() for p in problems]
    if format is OutputFormat.table:
        for problem in problems:
            typer.echo(str(problem))
    else:
        write(records, [("file", "file"), ("line", "line"), ("entity", "entity"), ("problem", "problem"), ("fix", "fix")], format.value)
    checked = ", ".join(map(str, files)) if files else "the loaded graph"
    summary = f"{len(problems)} problem{'s' * (len(problems) != 1)} in {checked}" if problems else f"{checked}: no problems"
    typer.echo(summary, err=True)
    if problems:
        raise typer.Exit(1)


@app.command()
@graph_command
def sources(g, format: FormatOption = OutputFormat.table):
    """The files the graph was loaded from: shipped, extension, import, KG_DATA or --data, with triple counts."""
    from ..editing import loaded_files

    emit(
        [f.to_dict() for f in loaded_files(g.files)],
        [("path", "path"), ("kind", "kind"), ("triples", "triples")],
        format,
        title="Files loaded",
        empty="no files were loaded (the graph comes from an endpoint)",
    )


def _add_command(kind: str):
    def command(
        label: Annotated[str, typer.Argument(help=f"The {kind}'s name.", show_default=False)],
        synonym: Annotated[Optional[list[str]], typer.Option("--synonym", help="Another name (repeatable).", show_default=False)] = None,
        id: Annotated[Optional[str], typer.Option("--id", help="Its fb: CURIE (default: made from the label).", show_default=False)] = None,
        definition: Annotated[Optional[str], typer.Option("--definition", help="One sentence saying what it is.", show_default=False)] = None,
        match: Annotated[Optional[list[str]], typer.Option("--match", help="An HPO, OMIM or Orphanet CURIE for the same thing (repeatable).", show_default=False)] = None,
        to: ToOption = None,
        data: DataOption = None,
        format: FormatOption = OutputFormat.table,
    ):
        from ..editing import add_entity

        _report(add_entity(kind, label, synonyms=synonym or (), identifier=id, definition=definition,
                           matches=match or (), to=to, data=data or ()), format)

    command.__doc__ = f"Add a {kind} called LABEL; a label, synonym or id already in the graph is refused."
    return command


for _kind in ("condition", "symptom", "mechanism", "food", "test", "nutrient"):
    add_app.command(_kind)(_add_command(_kind))


@add_app.command("relation")
def add_relation(
    subject: Entity,
    predicate: Relation,
    object: Entity,
    source: Annotated[Optional[list[str]], typer.Option("--source", help="A source in the graph (label or CURIE), or the full citation of a new one (repeatable; required).", show_default=False)] = None,
    status: Annotated[Optional[Status], typer.Option("--status", help="How well the sources back the claim (required).", show_default=False)] = None,
    note: Annotated[Optional[str], typer.Option("--note", help="A comment on the claim: what the sources say, caveats.", show_default=False)] = None,
    to: ToOption = None,
    data: DataOption = None,
    format: FormatOption = OutputFormat.table,
):
    """Claim SUBJECT PREDICATE OBJECT with its sources and evidence status; a claim without a source is refused."""
    from ..editing import add_relation as add

    _report(add(subject, predicate, object, sources=source or (), status=status.value if status else None,
                note=note, to=to, data=data or ()), format)


@remove_app.command("entity")
def remove_entity(entity: Entity, from_: FromOption = None, data: DataOption = None, format: FormatOption = OutputFormat.table):
    """Take back ENTITY, and the claims about it, from the extension file that added it."""
    from ..editing import remove_entity as remove

    _report(remove(entity, from_file=from_, data=data or ()), format)


@remove_app.command("relation")
def remove_relation(subject: Entity, predicate: Relation, object: Entity, from_: FromOption = None,
                    data: DataOption = None, format: FormatOption = OutputFormat.table):
    """Take back the claim SUBJECT PREDICATE OBJECT (and its axiom) from the extension file that made it."""
    from ..editing import remove_relation as remove

    _report(remove(subject, predicate, object, from_file=from_, data=data or ()), format)


__all__ = ["add_app", "remove_app"]
