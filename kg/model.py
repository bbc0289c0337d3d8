"""The domain's words, defined once, and the plain dataclasses the library answers with.

The vocabulary (evidence statuses, the kinds of entity, the groups of relations) lives
here; the command line's choices and the HTML page's groups are derived from it.

Each dataclass has ``to_dict()`` giving the JSON shape the command line prints: entities as
objects with at least ``id`` (a CURIE) and ``label``; a claim always as :meth:`Claim.to_dict`.
"""

import re
from dataclasses import dataclass, field

__all__ = [
    "STATUSES",
    "status_rank",
    "MIN_STATUSES",
    "at_least",
    "by_strength",
    "KIND_CLASSES",
    "ADDABLE_KINDS",
    "kind_of",
    "RELATION_GROUPS",
    "DIAGNOSTIC_RELATIONS",
    "TEST_ADVICE_RELATIONS",
    "Entity",
    "Claim",
    "Chain",
    "EntityDetails",
    "SharedSymptom",
    "SharedSymptoms",
    "SearchHit",
    "Count",
    "Stats",
]

#: The closed set of evidence statuses, strongest first.
STATUSES = ("supported", "contested", "unsupported", "refuted")


def status_rank(status: str) -> int:
    """Position of ``status`` in :data:`STATUSES`; an unknown or missing status ranks last.

    >>> status_rank("supported") < status_rank("contested") < status_rank("unknown")
    True
    """
    return STATUSES.index(status) if status in STATUSES else len(STATUSES)


#: The thresholds ``min_status`` accepts: a status keeps the claims at least that well backed
#: (refuted and unannotated claims only pass ``any``).
MIN_STATUSES = ("supported", "contested", "unsupported", "any")


def at_least(claims, min_status: str = "any") -> list:
    """The ``claims`` whose evidence status is ``min_status`` or stronger, in their order.

    >>> claims = [Claim(Entity("a", "a"), Entity("r", "r"), Entity(s, s), s, ()) for s in STATUSES]
    >>> [c.status for c in at_least(claims, "contested")]
    ['supported', 'contested']
    >>> len(at_least(claims, "any"))
    4
    >>> at_least(claims, "strong")
    Traceback (most recent call last):
    ...
    kg.errors.UnknownStatus: unknown evidence status 'strong' (use one of: supported, contested, unsupported, any)
    """
    if min_status not in MIN_STATUSES:
        from .errors import UnknownStatus

        raise UnknownStatus(f"unknown evidence status {min_status!r} (use one of: {', '.join(MIN_STATUSES)})")
    if min_status == "any":
        return list(claims)
    limit = status_rank(min_status)
    return [claim for claim in claims if status_rank(claim.status) <= limit]


def by_strength(claims, side: str = "object") -> list:
    """``claims`` ordered strongest evidence first, then by the label of the entity at end ``side``."""
    return sorted(claims, key=lambda c: (c.rank, getattr(c, side).label.casefold(), c.predicate.id, c.subject.id, c.object.id))


#: The classes (local names in the fb: namespace) that give an entity its kind, in the order
#: that decides for an entity of several of them.
KIND_CLASSES = (
    "Condition", "Symptom", "Mechanism", "BiologicalProcess", "Biomolecule", "Nutrient",
    "FoodSource", "DiagnosticTest", "DiagnosticCriterion", "AnatomicalSite", "Intervention",
    "Exposure", "Source",
)

#: The kinds of entity `kg add` makes, each with its class in the fb: namespace.
ADDABLE_KINDS = {
    "condition": "Condition", "symptom": "Symptom", "mechanism": "Mechanism", "food": "FoodSource",
    "test": "DiagnosticTest", "nutrient": "Nutrient",
}


def kind_of(class_iri: str) -> str:
    """The stable kind id of a class: its local name in lower-case words (not its label, which may change).

    >>> kind_of("https://w3id.org/fibro-b12/kg#FoodSource")
    'food source'
    """
    local = re.split(r"[#/:]", str(class_iri))[-1]
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", local).lower()


#: Relations by what they are about, as CURIEs: ``kg`` commands and the HTML page's edge
#: groups read them from here (causal relations come from the schema: fb:causalRelation).
RELATION_GROUPS: dict[str, tuple[str, ...]] = {
    "symptom": ("fb:hasSymptom",),
    "food": ("fb:providesNutrient", "fb:deficiencyOf"),
    "misdiagnosis": ("fb:mayBeMisdiagnosedAs", "fb:mayMiss"),
    "diagnosis": ("fb:diagnosedBy", "fb:hasDiagnosticCriterion", "fb:measures", "fb:recommendedFor"),
}
#: The relations that say how a condition is diagnosed: its tests and its criteria.
DIAGNOSTIC_RELATIONS = ("fb:diagnosedBy", "fb:hasDiagnosticCriterion")
#: The relations from a test to a condition it is advised for, or may miss.
TEST_ADVICE_RELATIONS = ("fb:recommendedFor", "fb:mayMiss")


@dataclass(frozen=True, order=True)
class Entity:
    """Anything in the graph: a condition, symptom, source, relation, class ...

    ``kind`` is a stable id (from the class's IRI, see :func:`kind_of`, or ``relation``,
    ``literal``, ``import``) to compare; ``kind_label`` is the class's label, to show.
    """

    id: str
    label: str
    kind: str = ""
    iri: str = field(default="", compare=False)
    kind_label: str = field(default="", compare=False)

    @property
    def ref(self):
        """The entity's IRI as a :class:`kg.terms.IRI`, ready to bind in a query."""
        from .terms import IRI

        return IRI(self.iri)

    def to_dict(self) -> dict:
        return {"id": self.id, "label": self.label, "kind": self.kind}


@dataclass(frozen=True)
class Claim:
    """One relationship between two entities and its provenance."""

    subject: Entity
    predicate: Entity
    object: Entity
    status: str
    sources: tuple[Entity, ...]
    contested_by: tuple[Entity, ...] = ()
    note: str | None = None

    @property
    def rank(self) -> int:
        return status_rank(self.status)

    def _provenance(self) -> dict:
        return {
            "status": self.status,
            "sources": [{"id": s.id, "label": s.label} for s in self.sources],
            "contested_by": [{"id": s.id, "label": s.label} for s in self.contested_by],
            "note": self.note,
        }

    def to_dict(self) -> dict:
        """The whole claim: its three ends, then its provenance (as :meth:`to_row` gives it)."""
        return {
            "subject": self.subject.to_dict(),
            "predicate": {"id": self.predicate.id, "label": self.predicate.label},
            "object": self.object.to_dict(),
            **self._provenance(),
        }

    def to_row(self, other: str = "object") -> dict:
        """The claim as a row about the entity at end ``other`` (a symptom of a condition, say).

        >>> claim = Claim(Entity("fb:a", "a"), Entity("fb:r", "r"), Entity("fb:b", "b"), "supported", (Entity("src:x", "X"),))
        >>> claim.to_row()
        {'id': 'fb:b', 'label': 'b', 'kind': '', 'relation': 'r', 'status': 'supported', 'sources': [{'id': 'src:x', 'label': 'X'}], 'contested_by': [], 'note': None}
        """
        return {**getattr(self, other).to_dict(), "relation": self.predicate.label, **self._provenance()}


@dataclass(frozen=True)
class Chain:
    """A causal or mechanistic chain: claims where each object is the next subject."""

    steps: tuple[Claim, ...]

    @property
    def weakest(self) -> str:
        """The weakest evidence status of any step: what the whole chain rests on."""
        return max((step.status for step in self.steps), key=status_rank)

    def to_list(self) -> list[dict]:
        return [step.to_dict() for step in self.steps]


@dataclass(frozen=True)
class EntityDetails:
    """Everything the graph says about one entity."""

    entity: Entity
    classes: tuple[Entity, ...]
    definition: str | None
    synonyms: tuple[str, ...]
    identifiers: tuple[str, ...]
    comments: tuple[str, ...]
    citation: str | None
    outgoing: tuple[Claim, ...]
    incoming: tuple[Claim, ...]
    #: External terms close to this entity but not the same (skos:closeMatch): shown, never merged.
    close_matches: tuple[str, ...] = ()
    #: For a source: its links, DOI, PMID and evidence kind, by field name.
    source_facts: dict[str, tuple[str, ...]] = field(default_factory=dict)
    #: The evidence kind of every source its claims cite, by source id.
    evidence_kinds: dict[str, str] = field(default_factory=dict)
    #: For a condition: its stated prevalence (a proportion, the object) as claims with sources.
    prevalence: tuple[Claim, ...] = ()
    #: For a condition without a prevalence: why it has none (fb:prevalenceNote).
    prevalence_note: str | None = None

    def to_dict(self) -> dict:
        return {
            **self.entity.to_dict(),
            "classes": [c.to_dict() for c in self.classes],
            "definition": self.definition,
            "synonyms": list(self.synonyms),
            "identifiers": list(self.identifiers),
            "close_matches": list(self.close_matches),
            "comments": list(self.comments),
            "citation": self.citation,
            **{key.replace(" ", "_"): list(values) for key, values in self.source_facts.items()},
            "evidence_kinds": dict(self.evidence_kinds),
            "prevalence": [{"value": float(c.object.label), **c._provenance()} for c in self.prevalence],
            "prevalence_note": self.prevalence_note,
            "outgoing": [c.to_dict() for c in self.outgoing],
            "incoming": [c.to_dict() for c in self.incoming],
        }


@dataclass(frozen=True)
class SharedSymptom:
    """A symptom every one of the given conditions has: one claim per condition."""

    symptom: Entity
    claims: tuple[Claim, ...]

    @property
    def weakest(self) -> str:
        return max((claim.status for claim in self.claims), key=status_rank)


@dataclass(frozen=True)
class SharedSymptoms:
    """The answer to "which symptoms do these conditions share?"."""

    conditions: tuple[Entity, ...]
    shared: tuple[SharedSymptom, ...]
    unique: dict[str, tuple[Claim, ...]]  # condition id -> its symptoms no other has


@dataclass(frozen=True)
class SearchHit:
    """An entity whose label or synonym matched a search, and the name that matched."""

    entity: Entity
    matched: str

    def to_dict(self) -> dict:
        return {**self.entity.to_dict(), "matched": self.matched}


@dataclass(frozen=True)
class Count:
    """How many of something: entities of a class, claims of a relation or status."""

    group: str
    item: Entity
    count: int

    def to_dict(self) -> dict:
        return {"group": self.group, **self.item.to_dict(), "count": self.count}


@dataclass(frozen=True)
class Stats:
    """Counts of the loaded graph and the files it was loaded from."""

    triples: int
    counts: tuple[Count, ...]
    files: tuple[str, ...]
