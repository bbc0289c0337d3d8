"""Resolving what a person types (a label, synonym, CURIE or IRI) to one entity."""

import difflib
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, MutableMapping

from .errors import AmbiguousEntity, UnknownEntity
from .model import Entity, SearchHit
from .namespaces import FB, curie, expand_curie

__all__ = ["normalise", "iri_as_curie", "NameIndex", "EntityTable"]

_SEPARATORS = re.compile(r"[\s_\-]+")
# A label beats a synonym or identifier when one name points at several entities.
_PRECEDENCE = {"label": 0, "identifier": 1, "curie": 1, "synonym": 2}


def normalise(name: str) -> str:
    """The form names are compared in: case-folded, hyphens and runs of space made one space.

    >>> normalise("  Vitamin-B12   Deficiency ")
    'vitamin b12 deficiency'
    """
    return _SEPARATORS.sub(" ", name.casefold()).strip()


_OBO_PURL = re.compile(r"^https?://purl\.obolibrary\.org/obo/([A-Za-z][A-Za-z0-9]*)_(\w+)$")


def iri_as_curie(text: str) -> str | None:
    """The CURIE an IRI stands for: a known namespace's (``curie``), or an OBO PURL's ``PREFIX:ID``.

    >>> iri_as_curie("http://purl.obolibrary.org/obo/HP_0012378")
    'HP:0012378'
    >>> iri_as_curie("https://purl.obolibrary.org/obo/MONDO_0005546")
    'MONDO:0005546'
    >>> iri_as_curie("fatigue") is None
    True
    """
    if not text.startswith(("http://", "https://")):
        return None
    if (match := _OBO_PURL.match(text)) is not None:
        return f"{match.group(1)}:{match.group(2)}"
    short = curie(text)
    return short if short != text else None


class EntityTable(MutableMapping):
    """Entities by IRI, each kept as the tuple of its fields and made an :class:`Entity` when
    asked for: kept beside a store, the HPO's 31,000 entities read back in a third of the
    time that many pickled Entity objects take.

    >>> fm = Entity("fb:fibromyalgia", "fibromyalgia", "condition", "https://w3id.org/fibro-b12/kg#fibromyalgia")
    >>> table = EntityTable({fm.iri: fm})
    >>> table[fm.iri] == fm, len(table), table.kind(fm.iri)
    (True, 1, 'condition')
    """

    def __init__(self, entities: Mapping[str, Entity]):
        self._fields: dict[str, tuple[str, str, str, str, str]] = {}
        self.update(entities)

    def __getitem__(self, iri: str) -> Entity:
        return Entity(*self._fields[iri])

    def __setitem__(self, iri: str, entity: Entity) -> None:
        self._fields[iri] = (entity.id, entity.label, entity.kind, entity.iri, entity.kind_label)

    def __delitem__(self, iri: str) -> None:
        del self._fields[iri]

    def __contains__(self, iri) -> bool:
        return iri in self._fields

    def __iter__(self):
        return iter(self._fields)

    def __len__(self) -> int:
        return len(self._fields)

    def kind(self, iri: str) -> str:
        """The kind of the entity ``iri``, without making the Entity."""
        return self._fields[iri][2]


class NameIndex:
    """Every name of every entity, for exact resolution and for search.

    ``names`` yields ``(iri, name, kind)`` with kind one of label, synonym, identifier.

    >>> fm = Entity("fb:fibromyalgia", "fibromyalgia", "condition", "https://w3id.org/fibro-b12/kg#fibromyalgia")
    >>> index = NameIndex({fm.iri: fm}, [(fm.iri, "fibromyalgia", "label"), (fm.iri, "FM", "synonym")])
    >>> index.resolve("fm").label
    'fibromyalgia'
    >>> index.resolve("FB:Fibromyalgia").id
    'fb:fibromyalgia'

    An entity that another declares as its ``skos:exactMatch`` is that entity under a second
    name (an HPO term imported before a curator mapped a curated entity to it): its names
    lead to the entity that declares the match.

    >>> fog = Entity("fb:brain-fog", "brain fog", "symptom", "https://w3id.org/fibro-b12/kg#brain-fog")
    >>> hp = Entity("HP:0033630", "Brain fog", "symptom", "http://purl.obolibrary.org/obo/HP_0033630")
    >>> index = NameIndex({fog.iri: fog, hp.iri: hp}, [(fog.iri, "brain fog", "label"), (hp.iri, "Brain fog", "label"),
    ...                    (fog.iri, hp.iri, "identifier")])
    >>> index.resolve("Brain Fog").id, index.resolve("HP:0033630").id
    ('fb:brain-fog', 'HP:0033630')
    """

    def __init__(self, entities: Mapping[str, Entity], names: Iterable[tuple[str, str, str]]):
        self._entities = EntityTable(entities)
        self._by_name: dict[str, dict[str, int]] = defaultdict(dict)
        self._display: dict[tuple[str, str], str] = {}
        self._kind: dict[tuple[str, str], int] = {}
        self._declared: dict[str, set[str]] = defaultdict(set)  # each entity's exactMatch identifiers
        self._learn(entities, names)
        self._same = _same_concepts(self._owner, self._declared)

    def _learn(self, entities: Mapping[str, Entity], names: Iterable[tuple[str, str, str]]) -> None:
        for iri, entity in entities.items():
            self._add(iri, entity.id, "curie")
            self._add(iri, iri, "curie")
        for iri, name, kind in names:
            if iri not in self._entities:
                continue
            shown = curie(name) if kind == "identifier" else name
            self._add(iri, shown, kind)
            if kind == "identifier":
                self._declared[iri].add(normalise(shown))

    def replace(self, iris: Iterable[str], entities: Mapping[str, Entity], names: Iterable[tuple[str, str, str]]) -> None:
        """Forget all the index knows of ``iris``, then learn ``entities`` (some of them) with their ``names``.

        The index ends as one built from scratch would be: that is how a graph whose small
        files changed updates the index of its import (see :meth:`kg.graph.KnowledgeGraph._names_on_base`).

        >>> fm = Entity("fb:fibromyalgia", "fibromyalgia", "condition", "https://w3id.org/fibro-b12/kg#fibromyalgia")
        >>> index = NameIndex({fm.iri: fm}, [(fm.iri, "fibromyalgia", "label"), (fm.iri, "FM", "synonym")])
        >>> index.replace({fm.iri}, {fm.iri: fm}, [(fm.iri, "fibromyalgia", "label")])
        >>> index.lookup("FM") is None, index.lookup("fibromyalgia").id
        (True, 'fb:fibromyalgia')
        """
        iris = set(iris)
        gone = [pair for pair in self._display if pair[0] in iris]
        keys = {key for _, key in gone}
        for iri in iris:
            old = self._entities.pop(iri, None)
            if old is not None:
                keys.update((normalise(old.id), normalise(iri)))
            self._declared.pop(iri, None)
        for pair in gone:
            del self._display[pair]
            del self._kind[pair]
        for key in keys:
            found = self._by_name.get(key)
            if found is None:
                continue
            for iri in iris.intersection(found):
                del found[iri]
            if not found:
                del self._by_name[key]
        self._entities.update(entities)
        self._learn(entities, names)
        self._same = _same_concepts(self._owner, self._declared)

    def _owner(self, key: str) -> str | None:
        """The entity whose CURIE or IRI is ``key`` (normalised), if any."""
        for iri in self._by_name.get(key, ()):
            if normalise(iri) == key or normalise(self._entities[iri].id) == key:
                return iri
        return None

    @property
    def entities(self) -> Mapping[str, Entity]:
        """Every entity the index names, by IRI."""
        return self._entities

    def _representative(self, iri: str) -> str:
        """The entity ``iri`` is the same concept as and gives way to (itself when none)."""
        return self._same.get(iri, iri)

    def _add(self, iri: str, name: str, kind: str) -> None:
        key = normalise(name)
        rank = _PRECEDENCE[kind]
        best = self._by_name[key].get(iri)
        if best is None or rank < best:
            self._by_name[key][iri] = rank
        if kind != "curie":
            self._display.setdefault((iri, key), name)
            self._kind[iri, key] = min(rank, self._kind.get((iri, key), rank))

    def resolve(self, name: str) -> Entity:
        """The one entity ``name`` stands for.

        Raises :class:`UnknownEntity` with the closest names when none matches, and
        :class:`AmbiguousEntity` naming the candidates when several match equally well.
        """
        found = self.lookup(name)
        if found is None:
            raise self.unknown(name)
        return found

    def unknown(self, name: str) -> UnknownEntity:
        """The error for a name no entity has, suggesting the closest names."""
        candidates = self.closest(name)
        hint = f"; did you mean: {', '.join(candidates)}?" if candidates else ""
        return UnknownEntity(f"unknown entity {name!r}{hint} (try `kg search TEXT`)", candidates)

    def lookup(self, name: str) -> Entity | None:
        """The one entity ``name`` stands for, or None when no name matches (see :meth:`resolve`)."""
        text = name.strip().strip("<>")
        key = normalise(text)
        if (iri := expand_curie(text)) is not None and str(iri) in self._entities:
            return self._entities[str(iri)]
        matches = self._by_name.get(key, {})
        if not matches and (short := iri_as_curie(text)) is not None:
            matches = self._by_name.get(normalise(short), {})  # an identifier's IRI, as its CURIE
        folded: dict[str, int] = {}
        for iri, rank in matches.items():  # one concept under two names is one match
            here = self._representative(iri)
            folded[here] = min(rank, folded.get(here, rank))
        matches = folded
        if matches:
            best = min(matches.values())
            winners = sorted(iri for iri, rank in matches.items() if rank == best)
            if len(winners) == 1:
                return self._entities[winners[0]]
            labels = tuple(f"{self._entities[i].label} ({self._entities[i].id})" for i in winners)
            raise AmbiguousEntity(
                f"{name!r} is ambiguous: it could be {', '.join(labels)}; give the id instead",
                labels,
            )
        return None

    def closest(self, name: str, n: int = 5) -> tuple[str, ...]:
        """Up to ``n`` labels or synonyms that look like ``name``, best first."""
        key = normalise(name)
        shown = {key_: display for (_, key_), display in self._display.items()}
        near = difflib.get_close_matches(key, list(shown), n=n, cutoff=0.6)
        if len(near) < n and len(key) >= 3:
            near += sorted((k for k in shown if key in k and k not in near), key=len)[: n - len(near)]
        return tuple(shown[k] for k in near)

    def names(self, kind: str | None = None):
        """Every ``(entity, name, kind)``: each label, synonym and identifier as written; the
        names of an entity that is another under a second name are given as that entity's.
        With ``kind`` (``source``, say), the names of that kind of entity only."""
        kinds = {rank: name_kind for name_kind, rank in _PRECEDENCE.items() if name_kind != "curie"}
        for (iri, key), display in self._display.items():
            here = self._representative(iri)
            if kind is None or self._entities.kind(here) == kind:
                yield self._entities[here], display, kinds[self._kind[iri, key]]

    def search(self, text: str) -> list[SearchHit]:
        """Entities with a label, synonym or identifier containing ``text``; exact matches first."""
        key = normalise(text)
        hits: dict[str, tuple[tuple, str]] = {}
        for (iri, name_key), display in self._display.items():
            if key not in name_key:
                continue
            entity = self._entities[iri]
            order = (name_key != key, not name_key.startswith(key), self._kind[iri, name_key], entity.label.casefold())
            if iri not in hits or order < hits[iri][0]:
                hits[iri] = (order, display)
        ranked = sorted(hits.items(), key=lambda item: (item[1][0], item[0]))
        return [SearchHit(self._entities[iri], display) for iri, (_, display) in ranked]


def _same_concepts(owner: Callable[[str], str | None], declared: Mapping[str, set[str]]) -> dict[str, str]:
    """Each entity that is another entity under a second name, mapped to that entity.

    ``owner`` gives the entity a normalised CURIE or IRI is the id of; ``declared`` gives each
    entity's ``skos:exactMatch`` identifiers (normalised CURIEs). An
    entity ``a`` that declares ``b`` as its exact match (and is not declared back) takes
    ``b``'s place: that is how the HPO import reads a mapping, so a graph whose import
    predates the mapping answers as one made after it. Two entities that declare each
    other, or the same identifier, are one concept too; then the graph's own entity (in
    the ``fb:`` namespace) takes the other's place, and when neither or both are, neither.
    """
    points: set[tuple[str, str]] = set()
    holders: dict[str, set[str]] = defaultdict(set)
    for a, keys in declared.items():
        for key in keys:
            holders[key].add(a)
            if (b := owner(key)) is not None and b != a:
                points.add((a, b))
    pairs = {(a, b) for a, b in points} | {
        (a, b) for group in holders.values() for a in group for b in group if a != b}
    same: dict[str, str] = {}
    for a, b in sorted(pairs):
        if (a, b) in points and (b, a) not in points:
            same.setdefault(b, a)
        elif a.startswith(str(FB)) and not b.startswith(str(FB)):
            same.setdefault(b, a)
    for b in list(same):  # follow a chain to its end; a cycle stays where it is
        seen, here = {b}, same[b]
        while here in same and same[here] not in seen:
            seen.add(here)
            here = same[here]
        same[b] = here
    return {b: a for b, a in same.items() if a != b}
