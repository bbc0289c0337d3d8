"""Commands that answer relationship questions about entities."""

from typing import Annotated

import typer

from .app import FormatOption, MinStatus, MinStatusOption, OutputFormat, app, emit, graph_command
from .output import claim_row, write

CLAIM_COLUMNS = [("id", "id"), ("label", "label"), ("status", "status"), ("sources", "sources"), ("note", "note")]

Entity = Annotated[str, typer.Argument(help="A label, synonym, CURIE or IRI.", show_default=False)]


def status_note(min_status: MinStatus) -> str:
    """What an empty answer's message adds when --min-status left claims out."""
    if min_status is MinStatus.any:
        return ""
    return f" using only claims at least {min_status.value} (try --min-status any)"


@app.command()
@graph_command
def search(
    g,
    text: Annotated[str, typer.Argument(help="Text to look for in labels, synonyms and identifiers.")],
    format: FormatOption = OutputFormat.table,
):
    """Entities whose label, synonym or identifier contains TEXT."""
    hits = g.search(text)
    emit(
        [hit.to_dict() for hit in hits],
        [("id", "id"), ("label", "label"), ("kind", "kind"), ("matched", "matched")],
        format,
        title=f"Entities matching {text!r}",
        empty=f"nothing matches {text!r} (try a shorter or different word)",
    )


# Short names of the evidence kinds, for the narrow column of `kg show`'s table.
_SHORT_KINDS = {"systematic review": "sys. review", "narrative review": "review", "primary study": "study",
                "consumer article": "consumer", "ontology resource": "ontology"}


@app.command()
@graph_command
def show(g, entity: Entity, min_status: MinStatusOption = MinStatus.any, format: FormatOption = OutputFormat.table):
    """Everything about one entity: type, definition, synonyms, identifiers, every relation in and out."""
    details = g.show(entity, min_status=min_status.value)

    def evidence(claim) -> list[str]:  # the kinds of its sources, next to the status
        return sorted({details.evidence_kinds[s.id] for s in claim.sources if s.id in details.evidence_kinds})

    relations = [{"direction": "out", **c.to_row("object"), "evidence": evidence(c)} for c in details.outgoing]
    relations += [{"direction": "in", **c.to_row("subject"), "evidence": evidence(c)} for c in details.incoming]
    columns = [("direction", "direction"), ("relation", "relation"), ("id", "id"), ("label", "label"),
               ("status", "status"), ("evidence", "evidence"), ("sources", "sources"), ("note", "note")]
    if format is OutputFormat.json:
        write(details.to_dict(), columns, "json")
        return
    if format is OutputFormat.csv:
        write(relations, columns, "csv")
        return
    from rich.markup import escape

    from .output import make_console

    e = details.entity
    console = make_console()
    console.print(f"[bold]{escape(e.label)}[/] ({escape(e.id)})")
    facts = [
        ("classes", ", ".join(c.label for c in details.classes)),
        ("definition", details.definition),
        ("synonyms", ", ".join(details.synonyms)),
        ("identifiers", ", ".join(details.identifiers)),
        ("close matches", ", ".join(f"{m} (close, not the same)" for m in details.close_matches)),
        ("citation", details.citation),
        *((name, ", ".join(details.source_facts[name])) for name in ("evidence kind", "link", "doi", "pmid")
          if name in details.source_facts),
        *(("prevalence", f"{float(c.object.label):.2%} ({c.status}; {', '.join(s.id.split(':', 1)[-1] for s in c.sources)})"
           + (f" {c.note}" if c.note else "")) for c in details.prevalence),
        ("prevalence", details.prevalence_note and f"none stated: {details.prevalence_note}"),
        ("notes", " ".join(details.comments)),
    ]
    for name, value in facts:
        if value:
            console.print(f"  [dim]{name}:[/] {escape(value)}")
    if relations:
        for row in relations:  # one or two words each keep the table narrow; JSON and CSV keep the labels
            row["evidence"] = [_SHORT_KINDS.get(kind, kind) for kind in row["evidence"]]
        write(relations, columns, "table", title="Relations")


@app.command()
@graph_command
def symptoms(g, condition: Entity, min_status: MinStatusOption = MinStatus.any, format: FormatOption = OutputFormat.table):
    """The symptoms of CONDITION, each with its sources and evidence status."""
    entity = g.resolve(condition)
    emit(
        [claim_row(c) for c in g.symptoms(entity, min_status=min_status.value)],
        CLAIM_COLUMNS,
        format,
        title=f"Symptoms of {entity.label}",
        empty=f"the graph lists no symptoms for {entity.label} ({entity.id}){status_note(min_status)}",
    )


@app.command()
@graph_command
def shared(
    g,
    conditions: Annotated[list[str], typer.Argument(help="Two or more conditions.", show_default=False)],
    unique: Annotated[bool, typer.Option("--unique", help="Also list, in a separate section, the symptoms unique to each.")] = False,
    min_status: MinStatusOption = MinStatus.any,
    expand: Annotated[bool, typer.Option("--expand", help="Follow the is-a hierarchy: a more specific symptom counts as its ancestor.")] = False,
    format: FormatOption = OutputFormat.table,
):
    """The symptoms all the given CONDITIONS share (--unique adds those unique to each)."""
    answer = g.shared(*conditions, min_status=min_status.value, expand=expand)
    names = " and ".join(c.label for c in answer.conditions)
    records = [
        {**item.symptom.to_dict(), "section": "shared", "status": item.weakest,
         "sources": [{"id": s.id, "label": s.label} for s in sorted({s for claim in item.claims for s in claim.sources})],
         "claims": [claim.to_dict() for claim in item.claims]}
        for item in answer.shared
    ]
    columns = [("id", "id"), ("label", "label"), ("status", "status"), ("sources", "sources")]
    if not records and not unique:
        emit([], columns, format, empty=f"{names} share no symptoms in the graph{status_note(min_status)}")
    uniques = [
        {**claim_row(claim), "section": f"unique to {condition.label}", "condition": condition.id}
        for condition in answer.conditions
        for claim in answer.unique[condition.id]
    ]
    if format is not OutputFormat.table:
        columns = [("section", "section"), *columns]
        write(records + (uniques if unique else []), columns, format.value)
        return
    if records:
        write(records, columns, "table", title=f"Symptoms shared by {names}")
    else:
        typer.echo(f"{names} share no symptoms in the graph.")
    if unique:
        for condition in answer.conditions:
            section = [r for r in uniques if r["condition"] == condition.id]
            write(section, columns, "table", title=f"Only {condition.label}")


def weak_chains_warning(chains, names: str = "Chains") -> str | None:
    """A line naming each chain that rests on a step not supported, with its weakest status."""
    weak = [f"{n} ({chain.weakest})" for n, chain in enumerate(chains, 1) if chain.weakest != "supported"]
    if weak:
        return f"{names} resting on a step that is not supported: {', '.join(weak)}."
    return None


@app.command()
@graph_command
def paths(
    g,
    source: Annotated[str, typer.Argument(metavar="FROM", help="Where chains start.")],
    target: Annotated[str, typer.Argument(metavar="TO", help="Where chains end.")],
    max_length: Annotated[int, typer.Option("--max-length", min=1, max=8, help="Longest chain, in steps.")] = 5,
    min_status: MinStatusOption = MinStatus.any,
    format: FormatOption = OutputFormat.table,
):
    """Every causal or mechanistic chain from FROM to TO, each step with its source and status."""
    start, end = g.resolve(source), g.resolve(target)
    chains = g.paths(start, end, max_length=max_length, min_status=min_status.value)
    empty = f"no causal chain from {start.label} to {end.label} within {max_length} steps{status_note(min_status)}"
    if format is OutputFormat.json:
        emit([chain.to_list() for chain in chains], [], format, empty=empty)
        return
    rows = [
        {"chain": number, "step": index, "from": step.subject.label, "relation": step.predicate.label,
         "to": step.object.label, "status": step.status, "sources": [s.id for s in step.sources]}
        for number, chain in enumerate(chains, 1)
        for index, step in enumerate(chain.steps, 1)
    ]
    columns = [("chain", "chain"), ("step", "step"), ("from", "from"), ("relation", "relation"),
               ("to", "to"), ("status", "status"), ("sources", "sources")]
    emit(rows, columns, format, title=f"Causal chains from {start.label} to {end.label}", empty=empty)
    if format is OutputFormat.table and (warning := weak_chains_warning(chains)):
        typer.echo(warning)


@app.command()
@graph_command
def foods(g, nutrient: Entity, min_status: MinStatusOption = MinStatus.any, format: FormatOption = OutputFormat.table):
    """Foods that provide NUTRIENT."""
    entity = g.resolve(nutrient)
    emit(
        [claim_row(c, other="subject") for c in g.foods(entity, min_status=min_status.value)],
        CLAIM_COLUMNS,
        format,
        title=f"Foods that provide {entity.label}",
        empty=f"the graph lists no foods for {entity.label} ({entity.id}){status_note(min_status)}",
    )


@app.command()
@graph_command
def misdiagnosis(g, condition: Entity, min_status: MinStatusOption = MinStatus.any, format: FormatOption = OutputFormat.table):
    """What CONDITION may be mistaken for, and what may be mistaken for it."""
    entity = g.resolve(condition)
    records = [
        {**claim_row(c, other="object" if c.subject == entity else "subject"),
         "direction": "may be mistaken for" if c.subject == entity else "may be mistaken for it"}
        for c in g.misdiagnosis(entity, min_status=min_status.value)
    ]
    emit(
        records,
        [("direction", "direction"), *CLAIM_COLUMNS],
        format,
        title=f"Misdiagnosis links of {entity.label}",
        empty=f"the graph has no misdiagnosis links for {entity.label} ({entity.id}){status_note(min_status)}",
    )


@app.command()
@graph_command
def tests(g, condition: Entity, min_status: MinStatusOption = MinStatus.any, format: FormatOption = OutputFormat.table):
    """Tests and criteria that diagnose CONDITION, and tests advised for people who have it."""
    entity = g.resolve(condition)
    records = [claim_row(c, other="object" if c.subject == entity else "subject") for c in g.tests(entity, min_status=min_status.value)]
    emit(
        records,
        [("id", "id"), ("label", "label"), ("kind", "kind"), ("relation", "relation"), *CLAIM_COLUMNS[2:]],
        format,
        title=f"Diagnosis of {entity.label}",
        empty=f"the graph lists no tests or criteria for {entity.label} ({entity.id}){status_note(min_status)}",
    )
