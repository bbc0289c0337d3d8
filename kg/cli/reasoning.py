"""Commands that reason over symptoms: a ranked differential, and two conditions compared."""

from typing import Annotated

import typer

from ..errors import EmptyResult
from .app import FormatOption, MinStatus, MinStatusOption, OutputFormat, app, graph_command
from .explore import status_note, weak_chains_warning
from .output import write

def _marked(label: str, status: str) -> str:
    """A label with its evidence status added when the claim behind it is not supported."""
    return label if status == "supported" else f"{label} ({status})"


def _match_text(match) -> str:
    if match.how == "same":
        return _marked(match.symptom.label, match.weakest)
    arrow = "is a kind of" if match.how == "broader" else "includes"
    return _marked(f"{match.given.label} {arrow} {match.symptom.label}", match.weakest)


@app.command()
@graph_command
def differential(
    g,
    symptoms: Annotated[list[str], typer.Argument(metavar="SYMPTOM...", help="Symptoms, by label, synonym or id.",
                                                  show_default=False)],
    top: Annotated[int, typer.Option("--top", "-n", min=1, help="How many conditions to list.")] = 5,
    min_status: MinStatusOption = MinStatus.any,
    format: FormatOption = OutputFormat.table,
):
    """Conditions ranked by how well they explain the given SYMPTOMs, rare symptoms weighing most.

    Score: each symptom s carries IC(s) = -log2(conditions with s / conditions with any
    symptom) bits, so a symptom few conditions have counts for more. A condition is credited
    with the bits of each given symptom it has (a more specific symptom counts for its
    ancestor through fb:isA links between symptoms). Its score is its credit divided by the
    most any condition could get for the same symptoms: 1 explains them all, and every given
    symptom it leaves out lowers it. Symptoms no condition has are listed and left out.

    Each row also lists the condition's symptoms not given (most informative first: what to
    ask about next) and its tests and diagnostic criteria that no other listed condition has.
    """
    answer = g.differential(symptoms, top=top, min_status=min_status.value)
    given = ", ".join(s.label for s in answer.given)
    empty = f"no condition in the graph has any of: {given}{status_note(min_status)}"
    if format is OutputFormat.json:
        write(answer.to_dict(), [], "json")
        if not answer.candidates:
            raise EmptyResult(empty)
        return
    if not answer.candidates:
        raise EmptyResult(empty)
    rows = []
    for rank, candidate in enumerate(answer.candidates, 1):
        rows.append({
            "rank": rank,
            "id": candidate.condition.id,
            "condition": candidate.condition.label,
            "score": f"{candidate.score:.2f}",
            "bits": f"{candidate.information:.2f}",
            "status": candidate.weakest,
            "explains": [_match_text(m) for m in candidate.matches],
            "unexplained": [s.label for s in candidate.unexplained],
            "ask_next": [_marked(f.symptom.label, f.claim.status) for f in candidate.ask_next],
            "tests": [_marked(t.object.label, t.status) for t in candidate.separating_tests],
        })
    columns = [("#", "rank"), ("condition", "condition"), ("score", "score"), ("bits", "bits"),
               ("explains", "explains"), ("not explained", "unexplained"), ("status", "status")]
    if format is OutputFormat.csv:
        write(rows, [("rank", "rank"), ("id", "id"), *columns[1:], ("ask about next", "ask_next"),
                     ("tells it apart", "tests")], "csv")
        return
    weights = ", ".join(f"{s.label} {answer.weights[s.id]:.2f}" for s in answer.given)
    write(rows, columns, "table", title=f"Conditions that explain: {given}")
    typer.echo(f"Bits per symptom (rarer weighs more; {answer.conditions} conditions have symptoms): {weights}.")
    if answer.unexplained:
        typer.echo(f"No condition in the graph has: {', '.join(s.label for s in answer.unexplained)} "
                   "(left out of the score).")
    if not any(answer.weights.values()):
        typer.echo("These symptoms do not tell the conditions apart: every condition with symptoms has them.")
    if answer.considered > len(answer.candidates):
        typer.echo(f"Showing {len(answer.candidates)} of {answer.considered} conditions that explain at least "
                   "one symptom (--top shows more).")
    for row in rows:  # long lists read better as lines than as table cells
        typer.echo(f"{row['rank']}. {row['condition']}")
        typer.echo(f"   ask about next: {'; '.join(row['ask_next']) or '-'}")
        typer.echo(f"   tells it apart: {'; '.join(row['tests']) or '-'}")


def _chain_text(claims) -> str:
    return " → ".join([claims[0].subject.label, *(f"{c.predicate.label} {c.object.label}" for c in claims)])


@app.command()
@graph_command
def compare(
    g,
    first: Annotated[str, typer.Argument(metavar="A", help="A condition.", show_default=False)],
    second: Annotated[str, typer.Argument(metavar="B", help="Another condition.", show_default=False)],
    max_length: Annotated[int, typer.Option("--max-length", min=1, max=8, help="Longest causal chain, in steps.")] = 5,
    min_status: MinStatusOption = MinStatus.any,
    format: FormatOption = OutputFormat.table,
):
    """Two conditions side by side: shared and unique symptoms, shared mechanisms, causal
    chains both ways, the misdiagnosis links between them and the tests that tell them apart."""
    c = g.compare(first, second, max_length=max_length, min_status=min_status.value)
    if format is OutputFormat.json:
        write(c.to_dict(), [], "json")
        return
    a, b = c.first, c.second
    rows = []

    def add(section, entity, status, sources=(), detail=""):
        rows.append({"section": section, "id": entity.id, "label": entity.label, "status": status,
                     "sources": sorted(sources), "detail": detail})

    for item in c.symptoms.shared:
        add("shared symptoms", item.symptom, item.weakest, {s.id for claim in item.claims for s in claim.sources})
    for condition in (a, b):
        for claim in c.symptoms.unique[condition.id]:
            add(f"only {condition.label}", claim.object, claim.status, {s.id for s in claim.sources})
    for m in c.mechanisms:
        add("shared mechanisms", m.mechanism, m.weakest, {s.id for claim in m.claims for s in claim.sources},
            m.how if m.how != "on a chain" else _chain_name(c, m.claims))
    for direction, chains in ((f"chains from {a.label} to {b.label}", c.forward),
                              (f"chains from {b.label} to {a.label}", c.backward)):
        for number, chain in enumerate(chains, 1):
            add(direction, chain.steps[-1].object, chain.weakest,
                {s.id for step in chain.steps for s in step.sources}, f"{number}: {_chain_text(chain.steps)}")
    for link in c.misdiagnosis:
        add("misdiagnosis", link.object, link.status, {s.id for s in link.sources},
            f"{link.subject.label} {link.predicate.label} {link.object.label}")
    for condition in (a, b):
        for claim in c.separating_tests[condition.id]:
            add(f"tells apart: {condition.label}", claim.object, claim.status, {s.id for s in claim.sources},
                claim.predicate.label)
    columns = [("section", "section"), ("id", "id"), ("label", "label"), ("status", "status"),
               ("sources", "sources"), ("detail", "detail")]
    if format is OutputFormat.csv:
        write(rows, columns, "csv")
        return
    _print_sections(c, rows)


def _chain_name(c, steps) -> str:
    """Which listed chain these steps are, as the table names it."""
    for chains in (c.forward, c.backward):
        for number, chain in enumerate(chains, 1):
            if chain.steps == steps:
                return f"on chain {number} from {chain.steps[0].subject.label} to {chain.steps[-1].object.label}"
    return "on a chain"


def _print_sections(c, rows) -> None:
    """The comparison as one table per section, with a line where a section is empty."""
    a, b = c.first, c.second

    def none_unique(condition) -> str:
        if c.symptoms.shared:
            return f"Every symptom of {condition.label} is shared."
        return f"The graph lists no symptoms for {condition.label}."

    sections = [
        ("shared symptoms", f"Symptoms shared by {a.label} and {b.label}", "They share no symptoms in the graph."),
        (f"only {a.label}", f"Symptoms only {a.label} has", none_unique(a)),
        (f"only {b.label}", f"Symptoms only {b.label} has", none_unique(b)),
        ("shared mechanisms", "Shared mechanisms", "No mechanism links them in the graph."),
        (f"chains from {a.label} to {b.label}", f"Causal chains from {a.label} to {b.label}",
         f"No causal chain from {a.label} to {b.label}."),
        (f"chains from {b.label} to {a.label}", f"Causal chains from {b.label} to {a.label}",
         f"No causal chain from {b.label} to {a.label}."),
        ("misdiagnosis", "Misdiagnosis links between them", "No misdiagnosis link between them."),
        (f"tells apart: {a.label}", f"Tests and criteria of {a.label} that {b.label} lacks",
         f"{a.label} has no test or criterion that {b.label} lacks."),
        (f"tells apart: {b.label}", f"Tests and criteria of {b.label} that {a.label} lacks",
         f"{b.label} has no test or criterion that {a.label} lacks."),
    ]
    chains = {sections[4][0]: c.forward, sections[5][0]: c.backward}
    for key, title, empty in sections:
        section = [row for row in rows if row["section"] == key]
        if not section:
            typer.echo(empty)
            continue
        columns = [("id", "id"), ("label", "label"), ("status", "status"), ("sources", "sources")]
        if key in chains:
            columns = [("chain", "detail"), ("status", "status"), ("sources", "sources")]
        elif any(row["detail"] for row in section):
            columns.append(("detail", "detail"))
        write(section, columns, "table", title=title)
        if key in chains and (warning := weak_chains_warning(chains[key])):
            typer.echo(warning)
