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


def _percent(p: float) -> str:
    if p >= 0.001:
        return f"{p:.1%}"
    return f"{p:.1e}"


def _match_text(match) -> str:
    """One finding's bearing on a candidate: how it met, the likelihood ratio, the claim's status."""
    sign = "" if match.present else "absent: "
    if match.how == "none":
        return f"{sign}{match.given.label}: none ×{match.likelihood_ratio:.2g}"
    route = {"same": "", "ancestor": f" (as {match.symptom.label})",
             "descendant": f" (a kind of {match.symptom.label})"}[match.how]
    stated = f", {'/'.join(match.annotation.stated)}" if match.annotation.stated else ""
    return _marked(f"{sign}{match.given.label}{route}: {match.how} ×{match.likelihood_ratio:.3g}{stated}",
                   match.weakest)


def _prior_text(candidate) -> str:
    if candidate.prevalence is None:
        return f"{candidate.prior:.0e} (default)"
    sources = ", ".join(s.id.split(":", 1)[-1] for s in candidate.prevalence.sources)
    return _marked(f"{candidate.prior:.2g} ({sources})" if sources else f"{candidate.prior:.2g}", candidate.prevalence.status)


def _understood(g, text: str):
    """The findings named in ``text``: present ones, absent (negated) ones, and the spans shown."""
    spans = [s for s in g.annotate(text) if s.entity.kind == "symptom"]
    present = [s.entity for s in spans if not s.negated]
    absent = [s.entity for s in spans if s.negated]
    return spans, present, absent


@app.command()
@graph_command
def differential(
    g,
    symptoms: Annotated[list[str] | None, typer.Argument(metavar="[SYMPTOM]...", help="Symptoms present, by label, synonym, id or phrase.",
                                                         show_default=False)] = None,
    absent: Annotated[list[str] | None, typer.Option("--absent", help="A symptom known to be absent (repeatable).",
                                                     show_default=False)] = None,
    text: Annotated[str | None, typer.Option("--text", help="A sentence describing the symptoms: those it names are "
                                             "used (a negated one, such as 'no fever', as absent).", show_default=False)] = None,
    top: Annotated[int, typer.Option("--top", "-n", min=1, help="How many conditions to list.")] = 5,
    min_status: MinStatusOption = MinStatus.any,
    format: FormatOption = OutputFormat.table,
):
    """Conditions ranked by post-test probability given the SYMPTOMs: likelihood ratios times a prior.

    For each finding and condition, LR = P(finding | condition) / P(finding | other
    conditions). P(finding | condition) is the claim's stated frequency (HPO classes count
    as the middle of their range; none stated: 50%); a finding the condition has only as an
    ancestor or descendant in the is-a hierarchy counts through it, weighted by how rare the
    shared term is; one it does not have at all counts against it (LR 0.05). The background
    P(finding | other conditions) is the share of all conditions that have the finding or a
    more specific kind. The SYMPTOMs are taken as a few of the findings the patient shows: a
    condition whose patients show many findings (the sum of its symptoms' frequencies) makes
    each one named less telling, one that shows few more (its "mention" ratio, against the
    average condition). An --absent finding counts (1 - P) / (1 - background). The prior is
    the condition's stated prevalence, else 1 in 100,000. Probabilities are normalised over
    the candidates listed and not listed; equal scores are ties and share a rank.

    Under the table: each candidate's findings with their LRs, what to ask about next (its
    other symptoms, those weighing most first) and its tests and diagnostic criteria that no
    other listed condition has. Not medical advice.
    """
    names, spans = list(symptoms or []), []
    absent_names = list(absent or [])
    if text:
        spans, present, negated = _understood(g, text)
        names += present
        absent_names += negated
    if not names:
        raise EmptyResult("give at least one symptom (as arguments, or in a sentence with --text)")
    answer = g.differential(names, absent=absent_names, top=top, min_status=min_status.value)
    given = ", ".join(s.label for s in answer.given)
    empty = f"no condition in the graph has any of: {given}{status_note(min_status)}"
    if format is OutputFormat.json:
        write({**answer.to_dict(), "understood": [s.to_dict() for s in spans]} if text else answer.to_dict(), [], "json")
        if not answer.candidates:
            raise EmptyResult(empty)
        return
    if not answer.candidates:
        raise EmptyResult(empty)
    rows = []
    for candidate in answer.candidates:
        rows.append({
            "rank": f"{candidate.rank}=" if candidate.tied else candidate.rank,
            "id": candidate.condition.id,
            "condition": candidate.condition.label,
            "probability": _percent(candidate.probability),
            "lr": f"{candidate.likelihood_ratio:.3g}",
            "prior": _prior_text(candidate),
            "findings": [_match_text(m) for m in candidate.matches],
            "status": candidate.weakest,
            "mention": f"{candidate.mention:.2g}",
            "shown": f"{candidate.shown:.3g}",
            "ask_next": [_marked(f"{f.symptom.label} ×{f.likelihood_ratio:.3g}", f.claim.status) for f in candidate.ask_next],
            "tests": [_marked(t.object.label, t.status) for t in candidate.separating_tests],
        })
    if format is OutputFormat.csv:
        write(rows, [("rank", "rank"), ("id", "id"), ("condition", "condition"), ("probability", "probability"),
                     ("likelihood ratio", "lr"), ("prior", "prior"), ("findings", "findings"), ("status", "status"),
                     ("ask about next", "ask_next"), ("tells it apart", "tests")], "csv")
        return
    if text:
        typer.echo("Understood: " + ("; ".join(f"'{s.text}' → {'no ' if s.negated else ''}{s.entity.label} ({s.entity.id})"
                                                for s in spans) or "no symptom named"))
    title = f"Conditions ranked for: {given}" + (f"; absent: {', '.join(s.label for s in answer.absent)}" if answer.absent else "")
    columns = [("#", "rank"), ("condition", "condition"), ("probability", "probability"), ("LR", "lr"),
               ("prior", "prior"), ("status", "status")]
    write(rows, columns, "table", title=title)
    backgrounds = ", ".join(f"{s.label} {answer.backgrounds[s.id]:.2%}" for s in answer.given + answer.absent)
    typer.echo(f"Background (share of the {answer.conditions} conditions with symptoms that have it): {backgrounds}.")
    if answer.unexplained:
        typer.echo(f"No condition in the graph has: {', '.join(s.label for s in answer.unexplained)}.")
    if any(c.tied for c in answer.candidates):
        typer.echo("Ties (=) share a rank: the same score, listed by findings met, then evidence, then name.")
    if answer.considered > len(answer.candidates):
        typer.echo(f"Showing {len(answer.candidates)} of {answer.considered} conditions that meet at least one "
                   "finding (--top shows more; the probabilities are over all of them).")
    for row in rows:  # long lists read better as lines than as table cells
        typer.echo(f"{row['rank']}. {row['condition']}: {row['probability']}")
        typer.echo(f"   shows about {row['shown']} findings (the average condition {answer.typical_shown:.3g}): "
                   f"each one named ×{row['mention']}")
        for finding in row["findings"]:
            typer.echo(f"   {finding}")
        asked = row["ask_next"]
        more = f"; ... {len(asked) - 8} more" if len(asked) > 8 else ""
        typer.echo(f"   ask about next: {'; '.join(asked[:8]) + more or '-'}")
        typer.echo(f"   tells it apart: {'; '.join(row['tests']) or '-'}")


@app.command()
@graph_command
def annotate(
    g,
    text: Annotated[str, typer.Argument(metavar="TEXT", help="A sentence or paragraph.", show_default=False)],
    format: FormatOption = OutputFormat.table,
):
    """The symptoms and conditions named in TEXT, each span with its entity.

    Matching ignores word order, plurals, stop words and British/American spelling, and
    reads a few lay words ("trouble", "problems") as the clinical "difficulty"; a span after
    a negation in its clause ("no", "not", "without") is marked negated.
    """
    spans = g.annotate(text)
    rows = [{"span": s.text, "start": s.start, "end": s.end, "id": s.entity.id, "label": s.entity.label,
             "kind": s.entity.kind, "matched": s.matched, "negated": s.negated} for s in spans]
    if format is OutputFormat.json:
        write([s.to_dict() for s in spans], [], "json")
    else:
        write(rows, [("span", "span"), ("start", "start"), ("id", "id"), ("label", "label"), ("kind", "kind"),
                     ("matched", "matched"), ("negated", "negated")], format.value)
    if not spans:
        raise EmptyResult("no symptom or condition named in the text")


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
