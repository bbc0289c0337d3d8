"""The reference the differential's reading is checked against: every claim, through the public API.

:class:`EveryClaim` reads every symptom claim and is-a step with ``g.claims`` and the stated
frequencies with a plain SPARQL query, and counts the background from them, where the
product reads around the given findings from its cached symptom table.
"""

import math
from collections import defaultdict

from kg.reasoning import Annotation, Background, DEFAULT_FREQUENCY, _Hierarchy, _resolve_symptoms, estimate


def _stated(g) -> dict:
    """Each symptom claim's stated frequencies, by (condition IRI, symptom IRI)."""
    stated = defaultdict(set)
    rows = g.query("SELECT ?s ?o ?f WHERE { ?a owl:annotatedSource ?s ; owl:annotatedProperty fb:hasSymptom ; "
                   "owl:annotatedTarget ?o ; fb:frequency ?f }")
    for row in rows:
        stated[str(row.s), str(row.o)].add(str(row.f))
    return stated


def _frequency(texts) -> float:
    values = [v for v in map(estimate, sorted(texts)) if v is not None]
    return sum(values) / len(values) if values else DEFAULT_FREQUENCY


def reference_background(g) -> Background:
    """Carriers counted from every claim (whatever its status) and every is-a step; the findings
    a patient of the average condition shows, from every claim's frequency."""
    up = defaultdict(set)
    for claim in g.claims(predicate="fb:isA"):
        up[claim.subject.iri].add(claim.object.iri)
    symptoms = defaultdict(set)
    stated = _stated(g)
    shown = []
    for claim in g.claims(predicate="fb:hasSymptom"):
        symptoms[claim.subject.iri].add(claim.object.iri)
        shown.append(_frequency(stated[claim.subject.iri, claim.object.iri]))

    def ancestors(term):
        found, stack = {term}, [term]
        while stack:
            for parent in up[stack.pop()]:
                if parent not in found:
                    found.add(parent)
                    stack.append(parent)
        return found

    carriers = defaultdict(int)
    for terms in symptoms.values():
        for term in set().union(*(ancestors(t) for t in terms)):
            carriers[term] += 1
    return Background(len(symptoms), dict(carriers), math.fsum(shown) / len(symptoms))


class EveryClaim:
    """The same fields as ``kg.reasoning._Reading``, read from every claim."""

    def __init__(self, g, present, absent=(), min_status="any"):
        self.given = _resolve_symptoms(g, present)
        self.absent = _resolve_symptoms(g, absent)
        self.hierarchy = _Hierarchy(g.claims(predicate="fb:isA", min_status=min_status))
        stated = _stated(g)
        findings = self.given + self.absent
        self._all = defaultdict(list)
        self.annotations = defaultdict(list)
        self.conditions = {}
        for claim in g.claims(predicate="fb:hasSymptom", min_status=min_status):
            texts = tuple(sorted(stated[claim.subject.iri, claim.object.iri]))
            values = [v for v in map(estimate, texts) if v is not None]
            annotation = Annotation(claim, sum(values) / len(values) if values else DEFAULT_FREQUENCY, texts)
            self._all[claim.subject.id].append(annotation)
            t = claim.object.id
            if any(q.id in self.hierarchy.up(t) or t in self.hierarchy.up(q.id) for q in findings):
                self.annotations[claim.subject.id].append(annotation)
                self.conditions[claim.subject.id] = claim.subject
        self.narrower = {t for t in {c.object.id for c in g.claims(predicate="fb:isA")} | {c.subject.id for c in
                         g.claims(predicate="fb:isA")} | {q.id for q in findings}
                         if any(q.id in self.hierarchy.up(t) for q in findings)}
        self.shown = {cid: math.fsum(a.frequency for a in self._all[cid]) for cid in self.conditions}
        self.prevalences = {claim.subject.id: (value, claim) for value, claim in g.prevalences(min_status=min_status)}

    def symptoms_of(self, condition):
        return sorted(self._all[condition.id], key=lambda a: (a.claim.rank, a.claim.object.label.casefold(),
                                                               a.claim.subject.id))


def reference_differential(g, present, absent=(), min_status="any"):
    """The differential computed by the same ranking over the reference reading."""
    from kg.reasoning import _rank

    return _rank(g, EveryClaim(g, present, absent, min_status), reference_background(g), None, min_status)
