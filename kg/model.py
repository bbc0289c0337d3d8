"""The plain dataclasses the library answers with.

Each has ``to_dict()`` giving the JSON shape the command line prints: entities as objects
with at least ``id`` (a CURIE) and ``label``.
"""

from dataclasses import dataclass, field

__all__ = [
    "STATUSES",
    "status_rank",
    "MIN_STATUSES",
    "at_least",
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


@dataclass(frozen=True, order=True)
class Entity:
    """Anything in the graph: a condition, symptom, source, relation, class ..."""

    id: str
    label: str
    kind: str = ""
    iri: str = field(default="", compare=False)

    @property
    def ref(self):
        """The entity's IRI as an rdflib term, ready to bind in a query."""
        from rdflib import URIRef

        return URIRef(self.iri)

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

    def to_dict(self) -> dict:
        return {
            "subject": self.subject.to_dict(),
            "predicate": {"id": self.predicate.id, "label": self.predicate.label},
            "object": self.object.to_dict(),
            "status": self.status,
            "sources": [{"id": s.id, "label": s.label} for s in self.sources],
            "contested_by": [{"id": s.id, "label": s.label} for s in self.contested_by],
            "note": self.note,
        }


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
