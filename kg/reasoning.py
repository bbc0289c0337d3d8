"""Reasoning over symptoms: which conditions explain them best, and how two conditions compare.

Plain functions, graph first (``g`` is a :class:`~kg.KnowledgeGraph`), answering with the
dataclasses below; :meth:`KnowledgeGraph.differential` and :meth:`KnowledgeGraph.compare`
delegate here.

The differential score
----------------------
Rare symptoms count for more than common ones, as in phenotype-matching tools (Resnik's
information content over the HPO):

* The *conditions* are those with at least one symptom claim (``fb:hasSymptom``); ``N`` is
  how many there are.
* The symptom *hierarchy* is the ``fb:isA`` claims between two symptoms: ``t ⊑ s`` when
  ``t`` is ``s`` or a chain of them leads from ``t`` up to ``s``. A condition that has ``t``
  also *carries* every ``s`` above it (the true-path rule).
* ``IC(s) = -log2(conditions carrying s / N)``, in bits: a symptom every condition carries
  is worth 0 bits, one that a single condition carries is worth ``log2 N``.
* A condition *explains* a given symptom ``q`` through one of its own symptoms ``t`` when
  ``t ⊑ q`` (the same symptom, or a more specific kind of it: credit ``IC(q)``) or
  ``q ⊑ t`` (the given symptom is a more specific kind of the condition's: credit
  ``IC(t)``, the part of it the condition accounts for). It gets the best credit.
* The *weight* of ``q`` is the best credit any condition gets for it: how much of ``q``
  the graph can explain at all. A symptom no condition explains weighs 0 and is reported,
  not scored, so it changes no ranking.
* ``score(c) = sum of c's credits / sum of the weights``, between 0 and 1: the share of the
  information in the given symptoms that ``c`` explains, so every given symptom it leaves
  unexplained lowers it. If the weights sum to 0 (every condition carries all the given
  symptoms, so they tell nothing apart), every score is 0.
* Candidates are the conditions that explain at least one given symptom, ranked by score,
  then by how many symptoms they explain, then by the weakest evidence status of the claims
  used (stronger first), then by label. Evidence does not change the score: use
  ``min_status`` to leave weaker claims out of the whole calculation.
"""

import math
from collections import deque
from dataclasses import dataclass

from rdflib import URIRef

from .errors import EmptyResult, NotASymptom
from .model import DIAGNOSTIC_RELATIONS, Chain, Claim, Entity, SharedSymptoms, status_rank
from .model import by_strength as _by_strength
from .namespaces import curie

__all__ = [
    "SymptomMatch",
    "FollowUp",
    "Candidate",
    "Differential",
    "SharedMechanism",
    "Comparison",
    "differential",
    "compare",
    "DIAGNOSTIC_RELATIONS",
]



def _weakest(claims) -> str:
    return max((claim.status for claim in claims), key=status_rank, default="supported")


def _claim_brief(claim: Claim, other: str = "object") -> dict:
    return {**getattr(claim, other).to_dict(), "relation": claim.predicate.label, "status": claim.status,
            "sources": [s.id for s in claim.sources]}


# ---------------------------------------------------------------------- differential
@dataclass(frozen=True)
class SymptomMatch:
    """How a candidate explains one given symptom.

    ``how`` is ``same``, ``narrower`` (the condition's symptom is a more specific kind of the
    given one) or ``broader`` (the given symptom is a more specific kind of the condition's);
    ``via`` holds the ``fb:isA`` claims linking the two.
    """

    given: Entity
    symptom: Entity
    how: str
    information: float
    claim: Claim
    via: tuple[Claim, ...] = ()

    @property
    def weakest(self) -> str:
        """The weakest evidence status of the symptom claim and the hierarchy steps used."""
        return _weakest((self.claim, *self.via))

    def to_dict(self) -> dict:
        return {
            "given": self.given.to_dict(),
            "symptom": self.symptom.to_dict(),
            "how": self.how,
            "information": round(self.information, 4),
            "status": self.weakest,
            "claim": self.claim.to_dict(),
            "via": [step.to_dict() for step in self.via],
        }


@dataclass(frozen=True)
class FollowUp:
    """A symptom of a candidate that was not given: worth asking about next."""

    symptom: Entity
    information: float
    claim: Claim

    def to_dict(self) -> dict:
        return {**self.symptom.to_dict(), "information": round(self.information, 4), "status": self.claim.status,
                "sources": [s.id for s in self.claim.sources]}


@dataclass(frozen=True)
class Candidate:
    """A condition that explains some of the given symptoms, with what to ask and test next."""

    condition: Entity
    score: float
    information: float
    matches: tuple[SymptomMatch, ...]
    unexplained: tuple[Entity, ...]
    ask_next: tuple[FollowUp, ...]
    separating_tests: tuple[Claim, ...]

    @property
    def weakest(self) -> str:
        """The weakest evidence status among the claims its matches rest on."""
        return _weakest(claim for match in self.matches for claim in (match.claim, *match.via))

    def to_dict(self) -> dict:
        return {
            **self.condition.to_dict(),
            "score": round(self.score, 4),
            "information": round(self.information, 4),
            "status": self.weakest,
            "matches": [m.to_dict() for m in self.matches],
            "unexplained": [e.to_dict() for e in self.unexplained],
            "ask_next": [f.to_dict() for f in self.ask_next],
            "separating_tests": [_claim_brief(c) for c in self.separating_tests],
        }


@dataclass(frozen=True)
class Differential:
    """Conditions ranked by how well they explain the given symptoms (see the module docs).

    ``weights`` maps each given symptom's id to the bits the graph can explain of it;
    ``unexplained`` are the given symptoms no condition explains; ``conditions`` is ``N``,
    the number of conditions with symptoms; ``considered`` how many conditions explained
    anything before the list was cut to the top ones.
    """

    given: tuple[Entity, ...]
    weights: dict[str, float]
    unexplained: tuple[Entity, ...]
    conditions: int
    considered: int
    min_status: str
    candidates: tuple[Candidate, ...]

    def to_dict(self) -> dict:
        return {
            "symptoms": [{**e.to_dict(), "weight": round(self.weights[e.id], 4)} for e in self.given],
            "unexplained": [e.to_dict() for e in self.unexplained],
            "conditions_with_symptoms": self.conditions,
            "considered": self.considered,
            "min_status": self.min_status,
            "candidates": [c.to_dict() for c in self.candidates],
        }


class _Hierarchy:
    """The ``fb:isA`` claims between symptoms, walked upwards."""

    def __init__(self, claims: list[Claim]):
        self._up: dict[str, list[Claim]] = {}
        for claim in claims:
            self._up.setdefault(claim.subject.id, []).append(claim)
        self._cache: dict[str, dict[str, tuple[Claim, ...]]] = {}

    def up(self, symptom: str) -> dict[str, tuple[Claim, ...]]:
        """``symptom`` and everything above it, each with the shortest chain of claims leading there."""
        if symptom not in self._cache:
            found = {symptom: ()}
            queue = deque([symptom])
            while queue:
                here = queue.popleft()
                for claim in self._up.get(here, ()):
                    if claim.object.id not in found:
                        found[claim.object.id] = found[here] + (claim,)
                        queue.append(claim.object.id)
            self._cache[symptom] = found
        return self._cache[symptom]


def _symptom_iris(g) -> set[str]:
    return {str(row.symptom) for row in g.select("symptom_entities")}


def _resolve_symptoms(g, names, is_symptom) -> tuple[Entity, ...]:
    given: dict[str, Entity] = {}
    for name in names:
        entity = g.resolve(name)
        if not is_symptom(entity):
            raise NotASymptom(
                f"{entity.label} ({entity.id}) is a {entity.kind or 'resource'}, not a symptom "
                "(give symptoms; `kg search TEXT` finds their names)"
            )
        given.setdefault(entity.id, entity)
    if not given:
        raise EmptyResult("give at least one symptom")
    return tuple(given.values())


class _Everything:
    """Every symptom claim and is-a step at least ``min_status``: what the score is defined over."""

    def __init__(self, g, names, min_status: str):
        symptom_iris = _symptom_iris(g)
        self.given = _resolve_symptoms(g, names, lambda entity: entity.iri in symptom_iris)
        self.hierarchy = _Hierarchy([
            c for c in g.claims(predicate="fb:isA", min_status=min_status)
            if c.subject.iri in symptom_iris and c.object.iri in symptom_iris
        ])
        self.by_condition: dict[str, list[Claim]] = {}
        self.conditions: dict[str, Entity] = {}
        for claim in g.claims(predicate="fb:hasSymptom", min_status=min_status):
            self.by_condition.setdefault(claim.subject.id, []).append(claim)
            self.conditions[claim.subject.id] = claim.subject
        self.total = len(self.conditions)
        self._carriers: dict[str, int] = {}
        for claims in self.by_condition.values():
            for above in {s for claim in claims for s in self.hierarchy.up(claim.object.id)}:
                self._carriers[above] = self._carriers.get(above, 0) + 1

    def carriers(self, symptom_ids) -> dict[str, int]:
        return self._carriers

    def symptoms_of(self, condition_id: str) -> list[Claim]:
        return self.by_condition[condition_id]

    def narrower_than_given(self, symptom_id: str) -> bool:
        return any(q.id in self.hierarchy.up(symptom_id) for q in self.given)


class _Near:
    """The same answers as :class:`_Everything` with every claim counted (``min_status`` any),
    read only around the given symptoms: the is-a steps above them and among their narrower
    kinds, the symptom claims naming any of those, and the carrier counts of the symptoms
    scored. On the full HPO this reads thousands of claims rather than 275,000.

    Counting carriers follows ``fb:isA`` in SPARQL, so it relies on a symptom's is-a parents
    being symptoms themselves (true of the HPO and the curated graph).
    """

    def __init__(self, g, names):
        self.g = g
        self.given = _resolve_symptoms(g, names, lambda entity: bool(g.select("symptom_check", entity=entity.ref)))
        relatives = {q.iri for q in self.given}
        relatives |= {str(row.relative) for row in g.select("symptom_relatives", symptom=[q.ref for q in self.given])}
        relatives = {str(row.entity) for row in g.select("symptom_check", entity=[URIRef(r) for r in sorted(relatives)])}
        # One query per term: Oxigraph finds the provenance of one bound term through its
        # indexes, but joins every axiom in the store when the terms come as a list.
        steps = [step for term in sorted(relatives)
                 for step in g.claims(subject=URIRef(term), predicate="fb:isA") if step.object.iri in relatives]
        self.hierarchy = _Hierarchy(_by_strength(steps))
        below: dict[str, set[str]] = {}
        for step in steps:
            below.setdefault(step.object.id, set()).add(step.subject.id)
        self._narrower: set[str] = set()  # the given symptoms and every narrower kind of them
        queue = deque(q.id for q in self.given)
        while queue:
            here = queue.popleft()
            if here not in self._narrower:
                self._narrower.add(here)
                queue.extend(below.get(here, ()))
        near = self._narrower | {s for q in self.given for s in self.hierarchy.up(q.id)}
        terms = {step.subject.id: step.subject for step in steps} | {step.object.id: step.object for step in steps}
        terms |= {q.id: q for q in self.given}
        claims = [claim for s in sorted(near) for claim in g.claims(predicate="fb:hasSymptom", object=terms[s])]
        self.by_condition = {}
        self.conditions = {}
        for claim in _by_strength(claims):
            self.by_condition.setdefault(claim.subject.id, []).append(claim)
            self.conditions[claim.subject.id] = claim.subject
        self.total = int(next(iter(g.select("condition_count"))).conditions)
        self._carriers: dict[str, int] = {}
        self._symptoms: dict[str, list[Claim]] = {}

    def carriers(self, symptoms) -> dict[str, int]:
        """The carrier counts, read for those of ``symptoms`` (entities) not counted yet."""
        missing = {s.id: s.ref for s in symptoms if s.id not in self._carriers}
        if missing:
            for row in self.g.select("symptom_carriers", symptom=[missing[s] for s in sorted(missing)]):
                self._carriers[curie(str(row.symptom))] = int(row.conditions)
        return self._carriers

    def symptoms_of(self, condition_id: str) -> list[Claim]:
        if condition_id not in self._symptoms:
            self._symptoms[condition_id] = self.g.symptoms(self.conditions[condition_id])
        return self._symptoms[condition_id]

    def narrower_than_given(self, symptom_id: str) -> bool:
        return symptom_id in self._narrower


def _diagnostics(g, condition: Entity, min_status: str) -> list[Claim]:
    """The tests and criteria that diagnose ``condition`` (:data:`DIAGNOSTIC_RELATIONS`), strongest first."""
    return g.claims(subject=condition, predicate=DIAGNOSTIC_RELATIONS, min_status=min_status)


def _separating(g, conditions: list[Entity], min_status: str) -> dict[str, tuple[Claim, ...]]:
    """Each condition's tests and criteria that none of the others has."""
    found = {c.id: _diagnostics(g, c, min_status) for c in conditions}
    separating = {}
    for condition in conditions:
        others = {claim.object.id for other, claims in found.items() if other != condition.id for claim in claims}
        separating[condition.id] = tuple(c for c in found[condition.id] if c.object.id not in others)
    return separating


def differential(g, symptoms, *, top: int | None = 5, min_status: str = "any") -> Differential:
    """Rank the conditions by how well they explain ``symptoms`` (names or entities).

    The score is the share of the given symptoms' information content that a condition
    explains; the module documentation defines it. ``top`` keeps the best candidates
    (``None`` keeps all); their ``separating_tests`` are the tests and diagnostic criteria
    no other kept candidate has. ``min_status`` leaves weaker claims out of everything.

    Raises :class:`~kg.errors.NotASymptom` for a name that is not a symptom; when no
    condition explains any of them, ``candidates`` is empty.

    Examples
    --------
    >>> from kg import KnowledgeGraph
    >>> g = KnowledgeGraph.load()
    >>> answer = differential(g, ["tingling", "gait problems", "memory loss", "brain fog"])
    >>> [(c.condition.label, round(c.score, 2)) for c in answer.candidates]
    [('vitamin B12 deficiency', 1.0), ('fibromyalgia', 0.11)]
    >>> [m.symptom.label for m in answer.candidates[1].matches]
    ['brain fog']
    >>> [t.object.label for t in answer.candidates[0].separating_tests][:2]
    ['holotranscobalamin test', 'methylmalonic acid test']
    """
    found = _Near(g, symptoms) if min_status == "any" else _Everything(g, symptoms, min_status)
    return _rank(g, found, top, min_status)


def _rank(g, found_data, top: int | None, min_status: str) -> Differential:
    """The differential over what ``found_data`` (:class:`_Near` or :class:`_Everything`) read."""
    given, hierarchy, by_condition, conditions, total = (found_data.given, found_data.hierarchy, found_data.by_condition,
                                                         found_data.conditions, found_data.total)
    carriers = found_data.carriers(
        [q for q in given] + [claim.object for claims in by_condition.values() for claim in claims
                              if any(claim.object.id in hierarchy.up(q.id) for q in given)]
    )

    def information(symptom_id: str) -> float:
        return -math.log2(carriers[symptom_id] / total) + 0.0  # + 0.0 turns -0.0 into 0.0

    def best_match(condition_id: str, q: Entity) -> SymptomMatch | None:
        best = None
        up_q = hierarchy.up(q.id)
        for claim in by_condition[condition_id]:
            t = claim.object
            up_t = hierarchy.up(t.id)
            if q.id in up_t:
                match = SymptomMatch(q, t, "same" if t.id == q.id else "narrower", information(q.id), claim, up_t[q.id])
            elif t.id in up_q:
                match = SymptomMatch(q, t, "broader", information(t.id), claim, up_q[t.id])
            else:
                continue
            order = (-match.information, len(match.via), status_rank(match.weakest), t.label.casefold(), t.id)
            if best is None or order < best[0]:
                best = (order, match)
        return best[1] if best else None

    ordered = sorted(given, key=lambda e: e.id)  # a fixed order, so sums do not depend on the input's
    matches = {c: {q.id: m for q in ordered if (m := best_match(c, q)) is not None} for c in by_condition}
    weights = {q.id: max((found[q.id].information for found in matches.values() if q.id in found), default=0.0)
               for q in ordered}
    denominator = math.fsum(weights[q.id] for q in ordered)
    ranked = []
    for condition_id, found in matches.items():
        if not found:
            continue
        explained = math.fsum(found[q.id].information for q in ordered if q.id in found)
        score = explained / denominator if denominator > 0 else 0.0
        ranked.append((condition_id, score, explained, found))
    ranked.sort(key=lambda r: (-r[1], -len(r[3]), status_rank(_weakest(c for m in r[3].values() for c in (m.claim, *m.via))),
                               conditions[r[0]].label.casefold(), r[0]))
    kept = ranked if top is None else ranked[:top]
    tests = _separating(g, [conditions[r[0]] for r in kept], min_status)
    above_given = {s for q in given for s in hierarchy.up(q.id)}
    candidates = []
    for condition_id, score, explained, found in kept:
        asked = [claim for claim in found_data.symptoms_of(condition_id)
                 if claim.object.id not in above_given and not found_data.narrower_than_given(claim.object.id)]
        found_data.carriers(claim.object for claim in asked)
        follow_ups = [FollowUp(claim.object, information(claim.object.id), claim) for claim in asked]
        follow_ups.sort(key=lambda f: (-f.information, f.claim.rank, f.symptom.label.casefold()))
        candidates.append(Candidate(
            condition=conditions[condition_id],
            score=score,
            information=explained,
            matches=tuple(found[q.id] for q in given if q.id in found),
            unexplained=tuple(q for q in given if q.id not in found),
            ask_next=tuple(follow_ups),
            separating_tests=tests[condition_id],
        ))
    return Differential(
        given=given,
        weights={q.id: weights[q.id] for q in given},
        unexplained=tuple(q for q in given if not any(q.id in found for found in matches.values())),
        conditions=total,
        considered=len(ranked),
        min_status=min_status,
        candidates=tuple(candidates),
    )


# ---------------------------------------------------------------------- comparison
@dataclass(frozen=True)
class SharedMechanism:
    """A mechanism both conditions involve, or one that a causal chain between them passes through.

    ``how`` is ``involved in both`` (``claims`` are the two ``fb:involvesMechanism`` claims)
    or ``on a chain`` (``claims`` are the steps of the best-backed chain through it).
    """

    mechanism: Entity
    how: str
    claims: tuple[Claim, ...]

    @property
    def weakest(self) -> str:
        return _weakest(self.claims)

    def to_dict(self) -> dict:
        return {**self.mechanism.to_dict(), "how": self.how, "status": self.weakest,
                "claims": [c.to_dict() for c in self.claims]}


@dataclass(frozen=True)
class Comparison:
    """Two conditions side by side: what they share, what sets them apart, how they connect."""

    first: Entity
    second: Entity
    symptoms: SharedSymptoms
    mechanisms: tuple[SharedMechanism, ...]
    forward: tuple[Chain, ...]   # causal chains from first to second
    backward: tuple[Chain, ...]  # and from second to first
    misdiagnosis: tuple[Claim, ...]
    separating_tests: dict[str, tuple[Claim, ...]]  # condition id -> tests and criteria the other lacks
    min_status: str

    @property
    def chains(self) -> tuple[Chain, ...]:
        return self.forward + self.backward

    def to_dict(self) -> dict:
        first, second = self.first.id, self.second.id
        return {
            "conditions": [self.first.to_dict(), self.second.to_dict()],
            "min_status": self.min_status,
            "shared_symptoms": [
                {**item.symptom.to_dict(), "status": item.weakest, "claims": [c.to_dict() for c in item.claims]}
                for item in self.symptoms.shared
            ],
            "unique_symptoms": {
                key: [_claim_brief(c) for c in self.symptoms.unique[key]] for key in (first, second)
            },
            "shared_mechanisms": [m.to_dict() for m in self.mechanisms],
            "chains": [
                {"from": chain.steps[0].subject.to_dict(), "to": chain.steps[-1].object.to_dict(),
                 "weakest": chain.weakest, "steps": chain.to_list()}
                for chain in self.chains
            ],
            "misdiagnosis": [c.to_dict() for c in self.misdiagnosis],
            "separating_tests": {
                key: [_claim_brief(c) for c in self.separating_tests[key]] for key in (first, second)
            },
        }


def _chain_order(chain: Chain):
    return (status_rank(chain.weakest), len(chain.steps))


def compare(g, first, second, *, max_length: int = 5, min_status: str = "any") -> Comparison:
    """Compare two conditions: shared and unique symptoms, shared mechanisms, causal chains both
    ways, the misdiagnosis links between them and the tests that tell them apart.

    Raises :class:`~kg.errors.EmptyResult` when both name the same entity.

    Examples
    --------
    >>> from kg import KnowledgeGraph
    >>> g = KnowledgeGraph.load()
    >>> c = compare(g, "vitamin B12 deficiency", "fibromyalgia")
    >>> [(l.subject.label, l.object.label, l.status) for l in c.misdiagnosis]
    [('vitamin B12 deficiency', 'fibromyalgia', 'unsupported')]
    >>> [m.mechanism.label for m in c.mechanisms if m.how == "on a chain"][:2]
    ['autoimmunity', 'gastrointestinal damage']
    >>> {chain.weakest for chain in c.backward}
    {'unsupported'}
    >>> compare(g, "pernicious anaemia", "fibromyalgia", min_status="supported").mechanisms
    ()
    """
    a, b = g.resolve(first), g.resolve(second)
    symptoms = g.shared(a, b, min_status=min_status)  # refuses the same condition twice
    forward = tuple(g.paths(a, b, max_length=max_length, min_status=min_status))
    backward = tuple(g.paths(b, a, max_length=max_length, min_status=min_status))
    mechanisms: dict[str, SharedMechanism] = {}
    involved = [
        {c.object.id: c for c in g.claims(subject=x, predicate="fb:involvesMechanism", min_status=min_status)}
        for x in (a, b)
    ]
    for mechanism_id in sorted(set(involved[0]) & set(involved[1])):
        claims = (involved[0][mechanism_id], involved[1][mechanism_id])
        mechanisms[mechanism_id] = SharedMechanism(claims[0].object, "involved in both", claims)
    for chain in sorted(forward + backward, key=_chain_order):
        for step in chain.steps[:-1]:
            if step.object.kind == "mechanism" and step.object.id not in mechanisms:
                mechanisms[step.object.id] = SharedMechanism(step.object, "on a chain", chain.steps)
    links = tuple(c for c in g.misdiagnosis(a, min_status=min_status) if {c.subject, c.object} == {a, b})
    return Comparison(
        first=a,
        second=b,
        symptoms=symptoms,
        mechanisms=tuple(sorted(mechanisms.values(), key=lambda m: (m.how != "involved in both",
                                                                     status_rank(m.weakest),
                                                                     m.mechanism.label.casefold()))),
        forward=forward,
        backward=backward,
        misdiagnosis=links,
        separating_tests=_separating(g, [a, b], min_status),
        min_status=min_status,
    )
