"""Commands that extend the graph safely: validate, sources, add and remove.

``validate``, ``add`` and ``remove`` read the Turtle files themselves (file by file, with
line numbers, and for add / remove under a lock), so they take ``--data`` directly rather
than through ``graph_command``.
"""

from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from ..model import ADDABLE_KINDS
from .app import DataOption, FormatOption, OutputFormat, app, emit, graph_command
from .output import write

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


def _report(edit, format: OutputFormat) -> None:
    for warning in edit.warnings:
        typer.echo(f"kg: warning: {warning}", err=True)
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
    from ..backends import loaded_files

    emit(
        [f.to_dict() for f in loaded_files(g.files)],
        [("path", "path"), ("kind", "kind"), ("triples", "triples")],
        format,
        title="Files loaded",
        empty="no files were loaded (the graph comes from an endpoint)",
    )


#: What `kg add` adds: an entity of one of the library's kinds, or a relation (a claim).
AddKind = Enum("AddKind", {kind: kind for kind in [*ADDABLE_KINDS, "relation"]}, type=str)


class RemoveKind(str, Enum):
    entity = "entity"
    relation = "relation"


Names = Annotated[list[str], typer.Argument(metavar="LABEL | SUBJECT PREDICATE OBJECT", show_default=False,
                                            help="The new entity's label, or the claim's subject, relation and object.")]


def _names(command: str, kind: str, names: list[str]) -> list[str]:
    wanted = 3 if kind == "relation" else 1
    if len(names) != wanted:
        shape = "SUBJECT PREDICATE OBJECT" if wanted == 3 else "one name (quote a name with spaces)"
        raise typer.BadParameter(f"kg {command} {kind} takes {shape}, got {len(names)} argument(s)")
    return names


@app.command()
def add(
    kind: Annotated[AddKind, typer.Argument(metavar="KIND", help="What to add: an entity of this kind, or a relation (a claim).", show_default=False)],
    names: Names,
    synonym: Annotated[Optional[list[str]], typer.Option("--synonym", help="Entity: another name (repeatable).", show_default=False)] = None,
    id: Annotated[Optional[str], typer.Option("--id", help="Entity: its fb: CURIE (default: made from the label).", show_default=False)] = None,
    definition: Annotated[Optional[str], typer.Option("--definition", help="Entity: one sentence saying what it is.", show_default=False)] = None,
    match: Annotated[Optional[list[str]], typer.Option("--match", help="Entity: an HPO, OMIM or Orphanet CURIE for the same thing (repeatable).", show_default=False)] = None,
    source: Annotated[Optional[list[str]], typer.Option("--source", help="Relation: a source in the graph (label or CURIE), or the full citation of a new one (repeatable; required).", show_default=False)] = None,
    status: Annotated[Optional[Status], typer.Option("--status", help="Relation: how well the sources back the claim (required).", show_default=False)] = None,
    note: Annotated[Optional[str], typer.Option("--note", help="Relation: a comment on the claim, what the sources say, caveats.", show_default=False)] = None,
    to: ToOption = None,
    data: DataOption = None,
    format: FormatOption = OutputFormat.table,
):
    """Add an entity (condition, symptom, mechanism, food, test, nutrient LABEL) or a sourced claim
    (relation SUBJECT PREDICATE OBJECT --source S --status STATUS) to an extension file.

    The change is checked before it is written, under a lock, atomically. A label, synonym or
    id already in the graph is refused, and so is a claim without a source.
    """
    from ..editing import add_entity, add_relation

    names = _names("add", kind.value, names)
    if kind is AddKind.relation:
        if synonym or id or definition or match:
            raise typer.BadParameter("--synonym, --id, --definition and --match are for entities, not relations")
        edit = add_relation(*names, sources=source or (), status=status.value if status else None,
                            note=note, to=to, data=data or ())
    else:
        if source or status or note:
            raise typer.BadParameter("--source, --status and --note are for `kg add relation`")
        edit = add_entity(kind.value, names[0], synonyms=synonym or (), identifier=id, definition=definition,
                          matches=match or (), to=to, data=data or ())
    _report(edit, format)


@app.command()
def remove(
    kind: Annotated[RemoveKind, typer.Argument(metavar="KIND", help="What to take back: an entity or a relation (a claim).", show_default=False)],
    names: Annotated[list[str], typer.Argument(metavar="NAME | SUBJECT PREDICATE OBJECT", show_default=False,
                                               help="The entity, or the claim's subject, relation and object.")],
    from_: FromOption = None,
    data: DataOption = None,
    format: FormatOption = OutputFormat.table,
):
    """Take back an entity (with the claims about it) or a claim from the extension file that added it.

    Never from the shipped ontology: that is refused.
    """
    from ..editing import remove_entity, remove_relation

    names = _names("remove", kind.value, names)
    if kind is RemoveKind.relation:
        edit = remove_relation(*names, from_file=from_, data=data or ())
    else:
        edit = remove_entity(names[0], from_file=from_, data=data or ())
    _report(edit, format)
