"""Reasoning over symptoms: which conditions explain them best, and how two conditions compare.

Plain functions, graph first (``g`` is a :class:`~kg.KnowledgeGraph`), answering with the
dataclasses below; :meth:`KnowledgeGraph.differential` and :meth:`KnowledgeGraph.compare`
delegate here.

The differential: likelihood ratios and a prior
-----------------------------------------------
The ranking is the clinical likelihood-ratio model that LIRICAL (Robinson et al., AJHG
2020) applies to the HPO. For each condition ``D`` and each given finding ``q``:

* ``P(q | D)``, how often people with ``D`` show ``q``, comes from the frequency stated on
  the claim ``D fb:hasSymptom t`` (:func:`estimate`: an HPO frequency class counts as the
  middle of its range, ``NN%`` as written, a count ``n/m`` as a sample, ``(n + 1) / (m +
  2)``; a claim that states none counts as :data:`DEFAULT_FREQUENCY`). Which claims, and
  how, depends on how ``q`` meets ``D``'s findings in the is-a hierarchy (``fb:isA``; HPO's
  once imported):

  - ``same`` or ``ancestor``: ``D`` has ``q`` itself, or more specific kinds ``t`` of it
    (it shows ``q`` when it shows any of them). They count together, each independently:
    ``P = 1 - Π (1 - f(t))`` over ``q`` and every kind of it ``D`` has (a noisy-or). The
    match names the most frequent (``same`` when that is ``q`` itself).
  - ``descendant``: ``q`` is a more specific kind of ``D``'s finding ``t``; ``P = f(t) ·
    bg(q) / bg(t)``: the share of ``t`` that is ``q`` is taken to be what it is among all
    conditions. Its likelihood ratio is then ``f(t) / bg(t)``: the more specific the shared
    ancestor ``t``, the rarer it is and the more it weighs.
  - ``none``: ``D`` has neither ``q`` nor a relative of it; ``P = NO_MATCH_RATIO · bg(q)``,
    so the finding counts against ``D`` by the constant ratio :data:`NO_MATCH_RATIO`.

  The better route (higher ``P``) is used; ``P`` is kept between the ``none`` route's value
  (a stated ``0/n`` is a small sample, not "never") and :data:`MAX_PROBABILITY`.
* ``bg(q) = P(q | not D)``, the background frequency: the share of all conditions with
  symptoms that carry ``q`` (have it or a more specific kind of it), smoothed as
  ``(carriers + 1) / (N + 2)``. It is counted over every claim whatever ``min_status``
  (:func:`background`): how common a finding is among conditions is not a property of one
  claim's evidence.
* The findings given are a few of those the patient shows. A patient of ``D`` shows about
  ``shown(D) = Σ f(t)`` findings (over all ``D``'s symptom claims at least ``min_status``);
  when ``m`` findings are given, each one ``D`` shows had a chance ``min(1, m / shown(D))``
  of being among them. A present finding that ``D`` meets therefore counts ``P · mention``,
  where ``mention = min(1, m / shown(D)) / min(1, m / shown̄)`` (:func:`mention`) compares
  that chance with the average condition's (``shown̄``, counted over every claim like the
  background), never below the ``none`` value. Without it a condition with two hundred
  findings meets any handful as well as one whose core picture they are.
* A finding present: ``LR = max(P · mention, NO_MATCH_RATIO · bg) / bg`` (``none``:
  ``NO_MATCH_RATIO``). A finding explicitly absent (``absent``): ``LR = (1 - P) / (1 -
  bg)``, so an obligate finding that is absent nearly rules ``D`` out, and one ``D`` never
  shows changes little.
* The prior is ``D``'s prevalence (``fb:prevalence``, a proportion) when the graph states
  one at least ``min_status``; otherwise :data:`DEFAULT_PREVALENCE` (the HPO import brings
  no prevalence: its diseases are rare by definition).
* ``score(D) = prior · Π LR``. The candidates are the conditions that meet at least one
  present finding (``same``, ``ancestor`` or ``descendant``); their post-test probabilities
  are the scores normalised over the candidates.
* Candidates whose scores agree to 9 significant digits are ties and share a rank. Ties
  are listed by the number of present findings they meet, then by the weakest evidence
  status of the claims used (stronger first), then by label. Evidence does not change the
  score: ``min_status`` leaves weaker claims out of the whole calculation.
"""

import math
import re
import weakref
from collections import defaultdict, deque
from dataclasses import dataclass

from .errors import BadQuery, EmptyResult, NotASymptom
from .model import DIAGNOSTIC_RELATIONS, Chain, Claim, Entity, SharedSymptoms, at_least, status_rank
from .model import by_strength
from .namespaces import FB
from .terms import IRI as URIRef  # kg's own IRI: the read path imports no rdflib

__all__ = [
    "DEFAULT_FREQUENCY",
    "NO_MATCH_RATIO",
    "MAX_PROBABILITY",
    "DEFAULT_PREVALENCE",
    "frequency",
    "estimate",
    "mention",
    "Background",
    "background",
    "Annotation",
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

DEFAULT_FREQUENCY = 0.5
"""How often a condition shows a finding whose claim states no frequency: an even chance."""
NO_MATCH_RATIO = 0.05
"""The likelihood ratio of a present finding that a condition neither has nor has a relative
of: seen in it at a twentieth of its background rate (annotations are incomplete, findings
can have other causes)."""
MAX_PROBABILITY = 0.99
"""``P(finding | condition)`` is capped here, so an absent obligate finding weighs 1:100
against a condition rather than ruling it out outright."""
DEFAULT_PREVALENCE = 1e-5
"""The prior of a condition with no stated prevalence: 1 in 100,000, within the usual range
of a rare disease (rarer than 1 in 2,000 in the EU definition)."""


# HPO's frequency classes (the "Frequency" subontology, HP:0040279-HP:0040285) and their ranges.
_FREQUENCY_CLASSES = {
    "obligate": (1.0, 1.0),
    "very frequent": (0.80, 0.99),
    "frequent": (0.30, 0.79),
    "occasional": (0.05, 0.29),
    "very rare": (0.01, 0.04),
    "excluded": (0.0, 0.0),
}
_FRACTION = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*$")
_PERCENT = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*%\s*$")


def frequency(stated: str) -> float | None:
    """The probability a stated frequency stands for, or ``None`` when it cannot be read.

    >>> frequency("Frequent"), frequency("Very frequent (99-80%)"), frequency("Obligate (100%)")
    (0.545, 0.895, 1.0)
    >>> frequency("3/7"), frequency("12.5%"), frequency("often")
    (0.42857142857142855, 0.125, None)
    """
    if match := _FRACTION.match(stated):
        n, m = int(match.group(1)), int(match.group(2))
        return n / m if 0 < m and n <= m else None
    if match := _PERCENT.match(stated):
        value = float(match.group(1)) / 100
        return value if value <= 1 else None
    span = _FREQUENCY_CLASSES.get(stated.split("(", 1)[0].strip().casefold())
    return None if span is None else (span[0] + span[1]) / 2


def estimate(stated: str) -> float | None:
    """``P(finding | condition)`` from a stated frequency: :func:`frequency`, except that a
    count ``n/m`` is a sample of ``m`` patients and is read by the rule of succession,
    ``(n + 1) / (m + 2)``, so one patient of one reads as 2/3, not as certainty.

    >>> estimate("1/1"), estimate("48/50"), estimate("Frequent")
    (0.6666666666666666, 0.9423076923076923, 0.545)
    """
    if match := _FRACTION.match(stated):
        n, m = int(match.group(1)), int(match.group(2))
        return (n + 1) / (m + 2) if 0 < m and n <= m else None
    return frequency(stated)


def mention(given: int, shown: float, typical: float) -> float:
    """How much likelier a finding of a condition is to be among the ``given`` findings named
    than a finding of the average condition: ``min(1, given / shown) / min(1, given / typical)``.

    A patient of a condition shows about ``shown`` of its findings (the sum of their
    frequencies); ``given`` of them were named, so each one it shows had a chance ``min(1,
    given / shown)`` to be among them. ``typical`` is ``shown`` of the average condition.

    >>> mention(6, 3.0, 10.0), mention(6, 20.0, 10.0), mention(6, 10.0, 10.0)
    (1.6666666666666667, 0.5, 1.0)
    """
    def share(n: float) -> float:
        return 1.0 if n <= given else given / n

    return share(shown) / share(typical)


def _weakest(claims) -> str:
    return max((claim.status for claim in claims), key=status_rank, default="supported")


def _claim_brief(claim: Claim, other: str = "object") -> dict:
    return {**getattr(claim, other).to_dict(), "relation": claim.predicate.label, "status": claim.status,
            "sources": [s.id for s in claim.sources]}


# ---------------------------------------------------------------------- the symptom table
@dataclass(frozen=True)
class Background:
    """How common each finding is among the conditions: ``P(finding | not D)``.

    ``conditions`` is ``N``, the conditions with at least one symptom claim; ``carriers``
    maps a symptom's IRI to how many of them carry it (have it or a more specific kind);
    ``findings`` is how many findings a patient of the average condition shows (the mean
    over the conditions of the sum of their symptom claims' frequencies, see :func:`mention`).

    >>> bg = Background(3, {"s": 1}, 4.0)
    >>> bg.frequency("s"), bg.frequency("never seen")
    (0.4, 0.2)
    """

    conditions: int
    carriers: dict[str, int]
    findings: float = 1.0

    def frequency(self, iri: str) -> float:
        """The smoothed share of conditions carrying the symptom: ``(carriers + 1) / (N + 2)``."""
        return (self.carriers.get(iri, 0) + 1) / (self.conditions + 2)


_TABLE_VERSION = "2"
_SEPARATOR = "\x1f"
_tables: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


class _Table:
    """Every symptom claim and is-a step of the graph, with provenance and frequencies, in SQLite.

    Built once from one query (:file:`symptom_claim_table.rq`) and, on a store with a cache
    (Oxigraph), kept beside it keyed by its content and this code: on the full HPO the
    building takes about a minute, every differential after it reads a few hundred rows by
    index. The carrier counts (the background) are counted at the same time.
    """

    def __init__(self, connection):
        self.db = connection
        meta = dict(self.db.execute("SELECT key, n FROM meta"))
        self._background: Background | None = None
        self._conditions, self._findings = meta["conditions"], meta["findings"]

    @classmethod
    def build(cls, g, path=None) -> "_Table":
        import sqlite3

        db = sqlite3.connect(":memory:" if path is None else str(path))
        db.executescript("""
            CREATE TABLE claims (predicate TEXT, subject TEXT, object TEXT, status TEXT, sources TEXT,
                                 contested TEXT, notes TEXT, stated TEXT);
            CREATE TABLE carriers (symptom TEXT PRIMARY KEY, n INTEGER);
            CREATE TABLE shown (condition TEXT, status TEXT, findings REAL);
            CREATE TABLE meta (key TEXT PRIMARY KEY, n);
        """)
        grouped: dict[tuple[str, str, str], list[set]] = {}
        # Filled once per change of the data, like the name index: not a question, so not
        # held to --timeout (on the full HPO it takes a minute; Ctrl-C still stops it).
        for row in g.select("symptom_claim_table", bounded=False):
            key = (str(row.predicate).rsplit("#", 1)[-1], str(row.subject), str(row.object))
            found = grouped.setdefault(key, [set(), set(), set(), set(), set()])
            for i, name in enumerate(("status", "source", "contestedBy", "note", "frequency")):
                if row[name] is not None:
                    found[i].add(str(row[name]).rsplit("#", 1)[-1] if name == "status" else str(row[name]))
        db.executemany("INSERT INTO claims VALUES (?, ?, ?, ?, ?, ?, ?, ?)", (
            (predicate, subject, obj, max(parts[0], key=status_rank, default="unknown"),
             *(_SEPARATOR.join(sorted(part)) for part in parts[1:]))
            for (predicate, subject, obj), parts in grouped.items()))
        # How many findings a patient of each condition shows, by the status of the claims
        # (so that min_status can leave weaker claims out): the sum of their frequencies.
        shown: dict[tuple[str, str], list[float]] = defaultdict(list)
        for (predicate, subject, _), parts in grouped.items():
            if predicate == "hasSymptom":
                status = max(parts[0], key=status_rank, default="unknown")
                shown[subject, status].append(_claim_frequency(sorted(parts[4])))
        db.executemany("INSERT INTO shown VALUES (?, ?, ?)",
                       ((subject, status, math.fsum(values)) for (subject, status), values in shown.items()))
        db.execute("CREATE INDEX shown_by_condition ON shown (condition)")
        db.executescript("""
            CREATE INDEX by_object ON claims (predicate, object);
            CREATE INDEX by_subject ON claims (predicate, subject);
        """)
        up: dict[str, list[str]] = defaultdict(list)
        symptoms: dict[str, set[str]] = defaultdict(set)
        for predicate, subject, obj in grouped:
            (up[subject].append(obj) if predicate == "isA" else symptoms[subject].add(obj))
        above: dict[str, frozenset[str]] = {}

        def ancestors(term: str) -> frozenset[str]:
            if term not in above:
                found, stack = {term}, [term]
                while stack:
                    for parent in up.get(stack.pop(), ()):
                        if parent not in found:
                            found.add(parent)
                            stack.append(parent)
                above[term] = frozenset(found)
            return above[term]

        carriers: dict[str, int] = defaultdict(int)
        for terms in symptoms.values():
            for term in set().union(*(ancestors(t) for t in terms)):
                carriers[term] += 1
        db.executemany("INSERT INTO carriers VALUES (?, ?)", carriers.items())
        db.execute("INSERT INTO meta VALUES ('conditions', ?)", (len(symptoms),))
        every = math.fsum(f for values in shown.values() for f in values)
        db.execute("INSERT INTO meta VALUES ('findings', ?)", (every / len(symptoms) if symptoms else 1.0,))
        db.commit()
        return cls(db)

    def background(self) -> Background:
        """Every carrier count (read once: 18,000 rows on the full HPO)."""
        if self._background is None:
            self._background = Background(self._conditions, dict(self.db.execute("SELECT symptom, n FROM carriers")),
                                          self._findings)
        return self._background

    def shown(self, conditions, min_status: str) -> dict[str, float]:
        """How many findings a patient of each condition shows, counting its claims at least ``min_status``."""
        values = sorted(set(conditions))
        found: dict[str, float] = defaultdict(float)
        for at in range(0, len(values), 500):
            chunk = values[at:at + 500]
            for condition, status, findings in self.db.execute(
                    f"SELECT condition, status, findings FROM shown WHERE condition IN ({', '.join('?' * len(chunk))}) "
                    "ORDER BY condition, status", chunk):
                if min_status == "any" or status_rank(status) <= status_rank(min_status):
                    found[condition] += findings
        return dict(found)

    def rows(self, predicate: str, column: str, values) -> list[tuple]:
        """The claims of ``predicate`` whose ``column`` (subject or object) is one of ``values``."""
        values = sorted(set(values))
        found = []
        for at in range(0, len(values), 500):
            chunk = values[at:at + 500]
            found += self.db.execute(
                f"SELECT subject, object, status, sources, contested, notes, stated FROM claims "
                f"WHERE predicate = ? AND {column} IN ({', '.join('?' * len(chunk))})", (predicate, *chunk)).fetchall()
        return sorted(found)


def _table(g) -> _Table:
    """The symptom table of ``g``: from its cache beside the store, or built (and cached) now."""
    if g in _tables:
        return _tables[g]
    import hashlib
    import os
    import sqlite3
    import tempfile

    from . import sparql

    version = hashlib.sha256((_TABLE_VERSION + sparql.named_query("symptom_claim_table").text).encode()).hexdigest()[:16]
    cache = g.backend.cache_file("symptoms", version)  # None where the backend keeps no cache
    path = cache.with_suffix(".sqlite") if cache is not None else None
    table = None
    if path is not None and path.exists():
        try:
            table = _Table(sqlite3.connect(f"file:{path}?mode=ro", uri=True))
        except sqlite3.Error:
            table = None  # unreadable: build it again
    if table is None and path is not None:
        fd, tmp = tempfile.mkstemp(prefix=".symptoms.", suffix=".tmp", dir=path.parent)
        os.close(fd)
        try:
            _Table.build(g, tmp).db.close()
            os.replace(tmp, path)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
        table = _Table(sqlite3.connect(f"file:{path}?mode=ro", uri=True))
    if table is None:
        table = _Table.build(g)
    _tables[g] = table
    return table


def background(g) -> Background:
    """The background frequencies of ``g``'s symptoms, counted over every symptom claim.

    Counting follows every ``fb:isA`` step upwards from every condition's symptoms (the
    true-path rule), whatever the evidence status.

    >>> from kg import KnowledgeGraph
    >>> g = KnowledgeGraph.load()
    >>> bg = background(g)
    >>> bg.conditions >= 3 and bg.carriers[g.resolve("fatigue").iri] >= 3
    True
    """
    return _table(g).background()


# ---------------------------------------------------------------------- what the differential reads
@dataclass(frozen=True)
class Annotation:
    """A symptom claim with the frequency the differential uses for it.

    ``stated`` are the frequencies as the sources give them (several references may give
    several; their probabilities are averaged); ``frequency`` is :data:`DEFAULT_FREQUENCY`
    when none can be read.
    """

    claim: Claim
    frequency: float
    stated: tuple[str, ...] = ()


def _split(text: str) -> list[str]:
    return text.split(_SEPARATOR) if text else []


def _claims_of(g, predicate: str, rows, min_status: str) -> list[tuple[Claim, tuple[str, ...]]]:
    """Table rows as claims (with their stated frequencies), at least ``min_status``."""
    relation = g.entity(FB[predicate])
    claims = []
    for subject, obj, status, sources, contested, notes, stated in rows:
        claim = Claim(
            subject=g.entity(URIRef(subject)), predicate=relation, object=g.entity(URIRef(obj)), status=status,
            sources=tuple(sorted((g.entity(URIRef(s)) for s in _split(sources)), key=lambda e: e.id)),
            contested_by=tuple(sorted((g.entity(URIRef(s)) for s in _split(contested)), key=lambda e: e.id)),
            note=" ".join(_split(notes)) or None,
        )
        claims.append((claim, tuple(_split(stated))))
    kept = {id(c) for c in at_least([c for c, _ in claims], min_status)}
    return [(c, stated) for c, stated in claims if id(c) in kept]


def _claim_frequency(stated) -> float:
    """The frequency a claim counts with: the mean of its readable stated frequencies, else the default."""
    values = [v for v in map(estimate, stated) if v is not None]
    return sum(values) / len(values) if values else DEFAULT_FREQUENCY


def _annotations(g, rows, min_status: str) -> list[Annotation]:
    found = []
    for claim, stated in _claims_of(g, "hasSymptom", rows, min_status):
        found.append(Annotation(claim, _claim_frequency(stated), stated))
    return sorted(found, key=lambda a: (a.claim.rank, a.claim.object.label.casefold(), a.claim.subject.id))


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


def _resolve_symptoms(g, names) -> tuple[Entity, ...]:
    given: dict[str, Entity] = {}
    for name in names:
        entity = g.resolve(name)
        if not list(g.select("symptom_check", entity=entity.ref)):
            raise NotASymptom(
                f"{entity.label} ({entity.id}) is a {entity.kind or 'resource'}, not a symptom "
                "(give symptoms; `kg search TEXT` finds their names)"
            )
        given.setdefault(entity.id, entity)
    return tuple(given.values())


class _Reading:
    """What the differential reads, only around the given findings, from the symptom table.

    The is-a steps above the findings and below them (their more specific kinds), at least
    ``min_status``; the symptom claims naming any of those terms, with their frequencies;
    the stated prevalences. ``annotations`` maps each condition met to its claims among
    them; ``shown`` to how many findings its patients show (the sum of the frequencies of
    all its symptom claims); ``narrower`` holds the findings and every more specific kind of them. The tests
    check it against a reading of every claim through :meth:`KnowledgeGraph.claims`.
    """

    def __init__(self, g, present, absent, min_status: str):
        self.given = _resolve_symptoms(g, present)
        self.absent = _resolve_symptoms(g, absent)
        if not self.given:
            raise EmptyResult("give at least one symptom that is present")
        if both := [e.label for e in self.given if e in self.absent]:
            raise BadQuery(f"{', '.join(both)}: given both as present and as absent; give each finding once")
        self._g, self._min_status, self._table = g, min_status, _table(g)
        findings = self.given + self.absent
        steps: dict[tuple[str, str], Claim] = {}

        def walk(start: list[str], column: str, other: int) -> set[str]:
            seen, frontier = set(start), list(start)
            while frontier:
                rows = self._table.rows("isA", column, frontier)
                frontier = []
                for claim, _ in _claims_of(g, "isA", rows, min_status):
                    steps[claim.subject.iri, claim.object.iri] = claim
                    reached = (claim.subject, claim.object)[other].iri
                    if reached not in seen:
                        seen.add(reached)
                        frontier.append(reached)
            return seen

        iris = [q.iri for q in findings]
        above = walk(iris, "subject", 1)
        below = walk(iris, "object", 0)
        self.hierarchy = _Hierarchy(by_strength(list(steps.values())))
        self.narrower = {g.entity(URIRef(iri)).id for iri in below}
        self.annotations: dict[str, list[Annotation]] = defaultdict(list)
        self.conditions: dict[str, Entity] = {}
        for annotation in _annotations(g, self._table.rows("hasSymptom", "object", above | below), min_status):
            self.annotations[annotation.claim.subject.id].append(annotation)
            self.conditions[annotation.claim.subject.id] = annotation.claim.subject
        shown = self._table.shown([c.iri for c in self.conditions.values()], min_status)
        self.shown = {cid: shown.get(c.iri, 0.0) for cid, c in self.conditions.items()}
        self.prevalences = {claim.subject.id: (value, claim) for value, claim in g.prevalences(min_status=min_status)}

    def symptoms_of(self, condition: Entity) -> list[Annotation]:
        """Every symptom claim of ``condition`` (for what to ask next)."""
        return _annotations(self._g, self._table.rows("hasSymptom", "subject", [condition.iri]), self._min_status)


# ---------------------------------------------------------------------- the answer
@dataclass(frozen=True)
class SymptomMatch:
    """How one given finding bears on a candidate, and the likelihood ratio it contributes.

    ``how`` is ``same``, ``ancestor`` (the finding is an ancestor of the condition's
    ``symptom``: the condition has a more specific kind of it), ``descendant`` (the finding
    is a more specific kind of the condition's ``symptom``) or ``none`` (then ``symptom``
    and ``claim`` are ``None``); ``via`` holds the ``fb:isA`` claims linking the two.
    ``present`` is false for a finding given as absent. ``probability`` is ``P(finding |
    condition)``, ``background`` is ``P(finding | not condition)``; ``mention`` is how much
    likelier a finding the condition shows is to be among those named than one of the
    average condition (:func:`mention`; 1 for an absent finding and for ``none``).
    """

    given: Entity
    present: bool
    how: str
    probability: float
    background: float
    annotation: Annotation | None = None
    via: tuple[Claim, ...] = ()
    mention: float = 1.0

    @property
    def symptom(self) -> Entity | None:
        return self.annotation.claim.object if self.annotation else None

    @property
    def claim(self) -> Claim | None:
        return self.annotation.claim if self.annotation else None

    @property
    def likelihood_ratio(self) -> float:
        """``P · mention / bg`` present (never below the ``none`` ratio); ``(1 - P) / (1 - bg)`` absent."""
        if self.present:
            return max(self.probability * self.mention, NO_MATCH_RATIO * self.background) / self.background
        return (1 - self.probability) / (1 - self.background)

    @property
    def weakest(self) -> str | None:
        """The weakest evidence status of the symptom claim and the hierarchy steps used."""
        return _weakest((self.claim, *self.via)) if self.claim else None

    def to_dict(self) -> dict:
        return {
            "given": self.given.to_dict(),
            "present": self.present,
            "how": self.how,
            "symptom": self.symptom.to_dict() if self.symptom else None,
            "frequency": round(self.annotation.frequency, 4) if self.annotation else None,
            "stated_frequency": list(self.annotation.stated) if self.annotation else [],
            "probability": round(self.probability, 6),
            "background": round(self.background, 6),
            "mention": round(self.mention, 6),
            "likelihood_ratio": round(self.likelihood_ratio, 4),
            "status": self.weakest,
            "claim": self.claim.to_dict() if self.claim else None,
            "via": [step.to_dict() for step in self.via],
        }


@dataclass(frozen=True)
class FollowUp:
    """A symptom of a candidate that was not given: worth asking about next.

    ``likelihood_ratio`` is what it would weigh for the candidate if present.
    """

    symptom: Entity
    likelihood_ratio: float
    annotation: Annotation

    @property
    def claim(self) -> Claim:
        return self.annotation.claim

    def to_dict(self) -> dict:
        return {**self.symptom.to_dict(), "likelihood_ratio": round(self.likelihood_ratio, 4),
                "frequency": round(self.annotation.frequency, 4), "status": self.claim.status,
                "sources": [s.id for s in self.claim.sources]}


@dataclass(frozen=True)
class Candidate:
    """A condition that meets some of the given findings, with its post-test probability.

    ``probability`` is normalised over all candidates; ``prior`` is its prevalence (from
    ``prevalence``, the claim, or :data:`DEFAULT_PREVALENCE` when that is ``None``);
    ``likelihood_ratio`` is the product of its matches' ratios. ``rank`` is shared by ties
    (``tied``). ``shown`` is how many findings its patients show (the sum of its symptom
    claims' frequencies), ``mention`` what that makes each of its findings weigh (:func:`mention`).
    """

    condition: Entity
    rank: int
    tied: bool
    probability: float
    prior: float
    prevalence: Claim | None
    likelihood_ratio: float
    matches: tuple[SymptomMatch, ...]
    ask_next: tuple[FollowUp, ...]
    separating_tests: tuple[Claim, ...]
    shown: float = 0.0
    mention: float = 1.0

    @property
    def met(self) -> tuple[SymptomMatch, ...]:
        """The matches of present findings that the condition has, or has a relative of."""
        return tuple(m for m in self.matches if m.present and m.how != "none")

    @property
    def unexplained(self) -> tuple[Entity, ...]:
        """The present findings it neither has nor has a relative of."""
        return tuple(m.given for m in self.matches if m.present and m.how == "none")

    @property
    def weakest(self) -> str:
        """The weakest evidence status among the claims its matches rest on."""
        return _weakest(claim for m in self.matches if m.claim for claim in (m.claim, *m.via))

    def to_dict(self) -> dict:
        return {
            **self.condition.to_dict(),
            "rank": self.rank,
            "tied": self.tied,
            "probability": round(self.probability, 6),
            "likelihood_ratio": float(f"{self.likelihood_ratio:.6g}"),
            "shown": round(self.shown, 4),
            "mention": round(self.mention, 6),
            "prior": self.prior,
            "prevalence": self.prevalence.to_dict() if self.prevalence else None,
            "status": self.weakest,
            "matches": [m.to_dict() for m in self.matches],
            "unexplained": [e.to_dict() for e in self.unexplained],
            "ask_next": [f.to_dict() for f in self.ask_next],
            "separating_tests": [_claim_brief(c) for c in self.separating_tests],
        }


@dataclass(frozen=True)
class Differential:
    """Conditions ranked by post-test probability given the findings (see the module docs).

    ``given`` are the findings present, ``absent`` those explicitly absent; ``backgrounds``
    maps each finding's id to its background frequency; ``unexplained`` are the present
    findings no condition meets; ``conditions`` is ``N``; ``considered`` how many candidates
    there were before the list was cut to the top ones; ``typical_shown`` how many findings
    a patient of the average condition shows.
    """

    given: tuple[Entity, ...]
    absent: tuple[Entity, ...]
    backgrounds: dict[str, float]
    unexplained: tuple[Entity, ...]
    conditions: int
    considered: int
    min_status: str
    candidates: tuple[Candidate, ...]
    typical_shown: float = 1.0

    def to_dict(self) -> dict:
        return {
            "symptoms": [{**e.to_dict(), "background": round(self.backgrounds[e.id], 6)} for e in self.given],
            "absent": [{**e.to_dict(), "background": round(self.backgrounds[e.id], 6)} for e in self.absent],
            "unexplained": [e.to_dict() for e in self.unexplained],
            "conditions_with_symptoms": self.conditions,
            "considered": self.considered,
            "min_status": self.min_status,
            "model": {"default_frequency": DEFAULT_FREQUENCY, "no_match_ratio": NO_MATCH_RATIO,
                      "max_probability": MAX_PROBABILITY, "default_prevalence": DEFAULT_PREVALENCE,
                      "typical_shown": round(self.typical_shown, 4)},
            "candidates": [c.to_dict() for c in self.candidates],
        }


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


def differential(g, symptoms=(), *, absent=(), top: int | None = 5, min_status: str = "any",
                 explain: bool = True) -> Differential:
    """Rank the conditions by post-test probability given ``symptoms`` (names or entities).

    ``absent`` are findings explicitly not present. The model (likelihood ratios from
    annotation frequencies and background frequencies, times a prior from prevalence) is
    defined in the module documentation. ``top`` keeps the best candidates (``None`` keeps
    all); their ``separating_tests`` are the tests and diagnostic criteria no other kept
    candidate has. ``min_status`` leaves weaker claims out of everything. ``explain=False``
    leaves ``ask_next`` and ``separating_tests`` empty, which reads less when ranking many.

    Raises :class:`~kg.errors.NotASymptom` for a name that is not a symptom; when no
    condition meets any of them, ``candidates`` is empty.

    Examples
    --------
    >>> from kg import KnowledgeGraph
    >>> g = KnowledgeGraph.load()
    >>> answer = differential(g, ["tingling", "gait problems", "memory loss", "brain fog"])
    >>> [c.condition.label for c in answer.candidates][:2]
    ['vitamin B12 deficiency', 'fibromyalgia']
    >>> [(m.given.label, m.how) for m in answer.candidates[1].matches]  # doctest: +NORMALIZE_WHITESPACE
    [('paresthesia', 'none'), ('gait disturbance', 'none'), ('memory impairment', 'none'), ('brain fog', 'same')]
    >>> answer.candidates[0].probability > 0.99
    True
    >>> [t.object.label for t in answer.candidates[0].separating_tests][:2]
    ['holotranscobalamin test', 'methylmalonic acid test']
    """
    reading = _Reading(g, list(symptoms), list(absent), min_status)
    return _rank(g, reading, background(g), top, min_status, explain)


def _best_match(reading, bg: Background, condition_id: str, q: Entity, present: bool,
                mentioned: float = 1.0) -> SymptomMatch:
    """The route by which ``q`` meets the condition that gives it the highest ``P(q | D)``.

    ``q`` itself and its more specific kinds count together: the condition shows ``q`` when
    it shows any of them, each independently (a noisy-or); the match names the most
    frequent of them. ``mentioned`` (:func:`mention`) is kept on a present finding it meets.
    """
    hierarchy = reading.hierarchy
    b_q = bg.frequency(q.iri)
    up_q = hierarchy.up(q.id)
    below, above = [], []
    for annotation in reading.annotations.get(condition_id, ()):
        t = annotation.claim.object
        up_t = hierarchy.up(t.id)
        if q.id in up_t:
            below.append((annotation, up_t[q.id]))
        elif t.id in up_q:
            above.append((annotation, up_q[t.id]))

    def order(p, how, annotation, via):
        return (-p, ("same", "ancestor", "descendant").index(how), len(via),
                status_rank(_weakest((annotation.claim, *via))), annotation.claim.object.label.casefold(),
                annotation.claim.object.id)

    routes = []
    if below:
        missed = math.prod(1 - min(a.frequency, MAX_PROBABILITY) for a, _ in below)
        annotation, via = min(below, key=lambda item: order(item[0].frequency, "same" if not item[1] else "ancestor", *item))
        routes.append((1 - missed, "same" if not via else "ancestor", annotation, via))
    for annotation, via in above:
        routes.append((annotation.frequency * b_q / bg.frequency(annotation.claim.object.iri), "descendant", annotation, via))
    if not routes:
        return SymptomMatch(q, present, "none", NO_MATCH_RATIO * b_q, b_q)
    p, how, annotation, via = min(routes, key=lambda route: order(*route))
    p = min(max(p, NO_MATCH_RATIO * b_q), MAX_PROBABILITY)  # a stated 0/n is still not "never"
    return SymptomMatch(q, present, how, p, b_q, annotation, via, mentioned if present else 1.0)


def _rank(g, reading, bg: Background, top: int | None, min_status: str, explain: bool = True) -> Differential:
    """The differential over what ``reading`` read (a :class:`_Reading`, or the tests' reference reading)."""
    given, absent = reading.given, reading.absent
    ordered = sorted(given, key=lambda e: e.id) + sorted(absent, key=lambda e: e.id)  # sums independent of input order
    scored = []
    for condition_id in reading.annotations:
        mentioned = mention(len(given), reading.shown[condition_id], bg.findings)
        matches = {q.id: _best_match(reading, bg, condition_id, q, q in given, mentioned) for q in ordered}
        met = [m for m in matches.values() if m.present and m.how != "none"]
        if not met:
            continue
        value, claim = reading.prevalences.get(condition_id, (DEFAULT_PREVALENCE, None))
        log_lr = math.fsum(math.log(matches[q.id].likelihood_ratio) for q in ordered)
        weakest = _weakest(c for m in matches.values() if m.claim for c in (m.claim, *m.via))
        condition = reading.conditions[condition_id]
        score = math.log(value) + log_lr
        key = (-float(f"{score:.9g}"), -len(met), status_rank(weakest), condition.label.casefold(), condition_id)
        scored.append((key, condition, score, log_lr, value, claim, matches, mentioned))
    scored.sort(key=lambda item: item[0])
    top_score = max((s[2] for s in scored), default=0.0)
    total = math.fsum(math.exp(s[2] - top_score) for s in scored)
    kept = scored if top is None else scored[:top]
    tests = _separating(g, [s[1] for s in kept], min_status) if explain else {}
    above_findings = {s for q in given + absent for s in reading.hierarchy.up(q.id)}
    first: dict[float, int] = {}  # each score's first position: ties share it
    sharing: dict[float, int] = defaultdict(int)
    for position, item in enumerate(scored):
        first.setdefault(item[0][0], position + 1)
        sharing[item[0][0]] += 1
    candidates = []
    for key, condition, score, log_lr, value, claim, matches, mentioned in kept:
        asked = [a for a in (reading.symptoms_of(condition) if explain else ())
                 if a.claim.object.id not in above_findings and a.claim.object.id not in reading.narrower]
        follow_ups = [FollowUp(a.claim.object, min(a.frequency, MAX_PROBABILITY) / bg.frequency(a.claim.object.iri), a)
                      for a in asked]
        follow_ups.sort(key=lambda f: (-f.likelihood_ratio, f.claim.rank, f.symptom.label.casefold(), f.symptom.id))
        candidates.append(Candidate(
            condition=condition,
            rank=first[key[0]],
            tied=sharing[key[0]] > 1,
            probability=math.exp(score - top_score) / total,
            prior=value,
            prevalence=claim,
            likelihood_ratio=math.exp(log_lr),
            matches=tuple(matches[q.id] for q in given + absent),
            ask_next=tuple(follow_ups),
            separating_tests=tests.get(condition.id, ()),
            shown=reading.shown[condition.id],
            mention=mentioned,
        ))
    met_anywhere = {m.given.id for s in scored for m in s[6].values() if m.present and m.how != "none"}
    return Differential(
        given=given,
        absent=absent,
        backgrounds={q.id: bg.frequency(q.iri) for q in given + absent},
        unexplained=tuple(q for q in given if q.id not in met_anywhere),
        conditions=bg.conditions,
        considered=len(scored),
        min_status=min_status,
        candidates=tuple(candidates),
        typical_shown=bg.findings,
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
    ['autoimmunity', 'intrinsic factor deficiency']
    >>> sorted({chain.weakest for chain in c.backward})
    ['contested', 'unsupported']
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
