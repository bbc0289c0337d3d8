"""The knowledge graph: loading, resolving names, and answering relationship questions.

This is the product's core. The command line, the HTML export and the tests all go through
:class:`KnowledgeGraph`; every answer is a plain dataclass from :mod:`kg.model`, and a
query's answer a :class:`kg.terms.Result` of kg's own terms (rdflib is imported only for
the rdflib memory backend and :attr:`KnowledgeGraph.rdf`).
"""

from collections.abc import Iterable, Mapping
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from . import loading, sparql
from .backends import Backend, MemoryBackend, described_resources, get_backend
from .errors import AmbiguousEntity, BadData, EmptyResult, NotACondition, UnknownEntity
from .fileio import read_memo, write_memo
from .limits import running
from .model import (
    DIAGNOSTIC_RELATIONS,
    KIND_CLASSES,
    RELATION_GROUPS,
    TEST_ADVICE_RELATIONS,
    Chain,
    Claim,
    Count,
    Entity,
    EntityDetails,
    SearchHit,
    SharedSymptom,
    SharedSymptoms,
    Stats,
    at_least,
    by_strength,
    kind_of,
    status_rank,
)
from .namespaces import FB, curie, expand_curie
from .resolve import NameIndex, normalise
from .terms import IRI, Literal, Result, Term

if TYPE_CHECKING:
    import networkx as nx
    from rdflib import Graph

    from .reasoning import Comparison, Differential
    from .text import Lexicon, Span

__all__ = ["KnowledgeGraph", "EntityRef"]

#: Anything a method accepts for an entity: a name to resolve, or an Entity already resolved.
EntityRef = str | Entity

_SYMPTOM, = RELATION_GROUPS["symptom"]
_PROVIDES = "fb:providesNutrient"
_MISDIAGNOSED = "fb:mayBeMisdiagnosedAs"


def _kind_priority(class_iri: str) -> int:
    local = class_iri.removeprefix(str(FB))
    return KIND_CLASSES.index(local) if local in KIND_CLASSES else len(KIND_CLASSES)


def _entities_of(classes: Mapping[str, str | None], instances: Iterable[tuple[str, str, str]]) -> dict[str, Entity]:
    """Each entity by IRI: its first label and its kind, from (entity, label, class) rows.

    Sorted first, so that every backend (each returns rows in its own order) names an entity alike.

    >>> _entities_of({str(FB.Symptom): "symptom"}, [(str(FB.fatigue), "fatigue", str(FB.Symptom))])[str(FB.fatigue)].kind
    'symptom'
    """
    kinds: dict[str, list[tuple[str, str]]] = {}
    labels: dict[str, str] = {}
    for iri, label, cls in sorted(instances):
        labels.setdefault(iri, label)
        kinds.setdefault(iri, []).append((cls, curie(cls) if classes.get(cls) is None else classes[cls]))
    entities = {}
    for iri, label in labels.items():
        kind_class, kind_label = min(kinds[iri], key=lambda c: (_kind_priority(c[0]), c[0]))
        entities[iri] = Entity(curie(iri), label, kind_of(kind_class), iri, kind_label)
    return entities


class KnowledgeGraph:
    """The fibromyalgia / vitamin B12 knowledge graph.

    >>> g = KnowledgeGraph.load()
    >>> g.resolve("cobalamin").label
    'vitamin B12'
    >>> [s.symptom.label for s in g.shared("fibromyalgia", "B12 deficiency").shared]
    ['brain fog', 'depression', 'fatigue', 'myalgia']
    """

    def __init__(self, graph: "Graph | Backend"):
        """A graph over ``graph``: a :class:`~kg.backends.Backend`, or an rdflib Graph (read by the memory backend)."""
        self.backend: Backend = graph if isinstance(graph, Backend) else MemoryBackend(graph)
        self._lexicons: dict[str, "Lexicon"] = {}  # phrase matchers over one kind of entity (see lookup)

    @property
    def files(self) -> tuple[Path, ...]:
        """The files the graph was read from (none when a server holds it)."""
        return self.backend.files

    @property
    def timeout(self) -> float:
        """Seconds any request to a server may take (reading an endpoint, pushing to one)."""
        return self.backend.timeout

    @classmethod
    def load(cls, data: Iterable[Path | str] = (), *, env: str | None = None,
             backend: str | None = None, timeout: float | None = None) -> "KnowledgeGraph":
        """The shipped ontology, its extensions, imports, ``KG_DATA`` and the extra ``data`` files.

        ``backend`` chooses the store (see :func:`kg.backends.get_backend`): ``oxigraph``
        (the default, or ``KG_BACKEND``), ``memory``, or a SPARQL endpoint's URL, which
        holds its own graph (then no file is read). ``timeout`` bounds endpoint requests.
        """
        data = [Path(p) if str(p).strip() else p for p in data]  # "" stays "" to be refused (Path("") is ".")
        store = get_backend(backend, lambda: loading.data_files(data, env=env), timeout=timeout)
        if data and not store.local:
            raise BadData(f"--data cannot add files to the endpoint {store.location} (upload them to it with `kg push`)")
        return cls(store)

    @cached_property
    def rdf(self) -> "Graph":
        """The whole graph as an rdflib Graph (copied out of the store unless that is rdflib's)."""
        return self.backend.rdflib_graph()

    # ------------------------------------------------------------------ running queries
    def select(self, name: str, /, bounded: bool = True, **bindings: "Term | Iterable[Term]") -> Result:
        """Run the shipped query ``name`` with ``bindings`` bound as RDF terms (:mod:`kg.terms`, or rdflib's).

        A parameter bound to a collection of terms takes each of them in turn. Every backend
        binds them alike (:func:`kg.sparql.bind`): a VALUES block opening the WHERE group.
        The query may take :attr:`timeout` seconds; ``bounded=False`` lifts that for a query
        that builds a cache once per graph content (Ctrl-C and the memory ceiling still apply).
        """
        with running(f"query {name}", self.timeout if bounded else None):
            return self.backend.query(sparql.PROLOGUE + sparql.named_query(name).text, bindings)

    def query(self, text: str, params: "Mapping[str, sparql.Binding] | None" = None, *, where: str = "query") -> Result:
        """Run a read-only SPARQL query given as text, binding ``params`` as RDF terms (see :func:`kg.sparql.bind`).

        The answer is a :class:`kg.terms.Result`: rows of kg's terms, an ASK's ``answer`` or
        a CONSTRUCT's ``triples``, the same on every backend.

        >>> g = KnowledgeGraph.load()
        >>> rows = g.query("SELECT ?s WHERE { ?c fb:hasSymptom ?s }", {"c": g.resolve("fibromyalgia").ref})
        >>> len(rows) > 5, rows.vars, type(next(iter(rows)).s).__name__
        (True, ['s'], 'IRI')
        """
        sparql.prepare(text, where)  # refuses updates and SERVICE, says where a syntax error is
        with running(f"query {where}" if where != "query" else "the query", self.timeout):
            return self.backend.query(sparql.PROLOGUE + text, params)

    # ------------------------------------------------------------------ entities and names
    @cached_property
    def _names(self) -> NameIndex:
        """The index of every entity's names (and of every entity, by IRI).

        Building it reads every label in the graph, which takes a second once the HPO is
        imported; a backend with a cache (Oxigraph) keeps it beside its store, keyed on the
        graph's content and this code (with an import, see :meth:`_names_on_base`).
        """
        cache = self.backend.cache_file("names", _index_code())
        layers = self.backend.layers()
        if layers is not None:
            return self._names_on_base(*layers, cache)
        found = read_memo(cache, NameIndex)
        if found is None:
            found = self._name_index(self._classes())
            if cache is not None:
                write_memo(cache, found)
        return found

    def _names_on_base(self, base: Path, small: list[Path], cache: Path) -> NameIndex:
        """The name index of a graph made of an import's base store and small files (see
        :meth:`kg.backends.Backend.layers`).

        The index of a whole graph is kept beside the base store, with the resources its small
        files described. A graph with other small files on the same base (after ``kg add``,
        say) reads again only the resources the small files, then or now, describe, and
        replaces them in that index; what it read is kept beside its own store. That holds
        while the classes and their labels stay the same and no small file names a blank node;
        otherwise the whole graph is read.
        """
        here = read_memo(cache)
        if isinstance(here, NameIndex):  # a graph whose small files name a blank node
            return here
        memo = base.parent / f"{base.name}-names-{_index_code()}.pickle"
        kept = read_memo(memo, tuple)  # (content, classes, described, index)
        if isinstance(here, tuple) and kept is not None and here[0] == kept[0]:
            _, changed, entities, names = here
            kept[3].replace(changed, entities, names)
            return kept[3]
        classes = self._classes()
        described = described_resources(small)
        if described is None:
            index = self._name_index(classes)
            write_memo(cache, index)
            return index
        if kept is None or kept[1] != classes:  # every kind label may have changed: read all
            index = self._name_index(classes)
            write_memo(memo, (cache.name, classes, described, index))
            return index
        content, _, kept_described, index = kept
        if content == cache.name:
            return index
        changed = kept_described | described
        instances, names = self._rows(classes, changed)
        entities, names = _entities_of(classes, instances), sorted(names)
        write_memo(cache, (content, changed, entities, names))
        index.replace(changed, entities, names)
        return index

    def _classes(self) -> dict[str, str | None]:
        """Every entity class, with its label (a class with several is named by the first)."""
        classes: dict[str, str | None] = {}
        for row in self.select("classes"):
            label = None if row.classLabel is None else str(row.classLabel)
            known = classes.get(str(row["class"]))
            classes[str(row["class"])] = label if known is None else min(known, label or known)
        return classes

    def _name_index(self, classes: Mapping[str, str | None]) -> NameIndex:
        """The name index, read from the whole graph."""
        instances, names = self._rows(classes)
        return NameIndex(_entities_of(classes, instances), sorted(names))

    def _rows(self, classes: Mapping[str, str | None], resources: "Iterable[str] | None" = None):
        """Every instance as (entity, label, class) and every name as (entity, name, kind):
        of every resource, or of ``resources``."""
        # Bound to the resources, their classes are kept here: Oxigraph joins two VALUES slowly.
        bound = ({"class": [IRI(c) for c in sorted(classes)]} if resources is None
                 else {"entity": [IRI(iri) for iri in sorted(resources)]})
        instances = [(str(r.entity), str(r.label), str(r["class"])) for r in self.select("instances", **bound)]
        names = [(str(r.entity), str(r.name), str(r.kind))
                 for r in self.select("entity_names", **({} if resources is None else bound))]
        return [r for r in instances if r[2] in classes], names

    @property
    def _entities(self) -> Mapping[str, Entity]:
        return self._names.entities

    @cached_property
    def _relations(self) -> dict[str, Entity]:
        return {
            str(row.property): Entity(curie(str(row.property)), str(row.label or curie(str(row.property))), "relation", str(row.property))
            for row in self.select("relations")
        }

    def entity(self, iri: "str | Term") -> Entity:
        """The entity (or relation) with this IRI; an IRI the graph does not describe gets its CURIE as label."""
        key = str(iri)
        found = self._entities.get(key) or self._relations.get(key)
        if found is not None:
            return found
        if isinstance(iri, Literal):
            return Entity(key, key, "literal", key)
        label = next((row.label for row in self.select("label_of", entity=IRI(key))), None)
        return Entity(curie(key), str(label) if label is not None else curie(key), "", key)

    def entities(self) -> list[Entity]:
        """Every entity, in id order."""
        return sorted(self._entities.values(), key=lambda e: e.id)

    def resolve(self, name: EntityRef) -> Entity:
        """The entity a label, synonym, CURIE or IRI stands for (case-insensitive).

        >>> KnowledgeGraph.load().resolve("Pins and Needles").id
        'fb:paresthesia'
        """
        found = self.lookup(name)
        if found is None:
            raise self._names.unknown(name)
        return found

    def lookup(self, name: EntityRef, *, kind: str | None = None) -> Entity | None:
        """The entity ``name`` stands for, as :meth:`resolve` finds it, or None when nothing is
        called so (an ambiguous name still raises :class:`~kg.errors.AmbiguousEntity`).

        With ``kind`` (``source``, say) a phrase is matched among the names of that kind of
        entity only: few, so no lexicon of every name (the HPO's) is built for it.

        >>> g = KnowledgeGraph.load()
        >>> g.lookup("no such thing") is None, g.lookup("article", kind="source").id
        (True, 'src:article')
        """
        if isinstance(name, Entity):
            return name
        named = self._names.lookup(name)
        if named is not None:
            return named
        from .text import Lexicon, lexicon

        if kind is None:
            phrases = lexicon(self)
        else:
            phrases = self._lexicons.get(kind)
            if phrases is None:
                phrases = self._lexicons[kind] = Lexicon(self._names.names(kind))
        found = phrases.find(name)  # a phrase: word order, plurals, spellings (kg.text)
        if len(found) > 1:
            labels = tuple(f"{e.label} ({e.id})" for e in found)
            raise AmbiguousEntity(f"{name!r} is ambiguous: it could be {', '.join(labels)}; give the id instead", labels)
        return found[0] if found else None

    def annotate(self, text: str) -> list["Span"]:
        """The symptoms and conditions named in ``text``, each span with its entity (see :mod:`kg.text`).

        >>> [(s.text, s.entity.label) for s in KnowledgeGraph.load().annotate("Tingling and memory loss")]
        [('Tingling', 'paresthesia'), ('memory loss', 'memory impairment')]
        """
        from .text import annotate, lexicon

        return annotate(lexicon(self), text)

    def search(self, text: str) -> list[SearchHit]:
        """Entities whose label, synonym or identifier contains ``text``."""
        return self._names.search(text)

    # ------------------------------------------------------------------ claims
    def _claims(self, rows: Iterable, triples: Iterable | None = None) -> list[Claim]:
        """Claims from ``rows`` of claim-with-provenance queries, one per (subject, relation, object).

        ``triples`` (rows of ``claim_triples``), when given, say which triples are claims: one
        no axiom annotates has the evidence status unknown.
        """
        grouped: dict[tuple[str, str, str], dict] = {}
        for row in rows:
            key = (str(row.subject), str(row.predicate), str(row.object))
            found = grouped.setdefault(key, {"statuses": set(), "sources": set(), "contested": set(), "notes": set()})
            if row.status is not None:
                found["statuses"].add(str(row.status).rsplit("#", 1)[-1])
            if row.source is not None:
                found["sources"].add(str(row.source))
            if row.contestedBy is not None:
                found["contested"].add(str(row.contestedBy))
            if row.note is not None:
                found["notes"].add(str(row.note))
        if triples is not None:  # the claims are these triples: provenance of anything else is dropped
            keys = {(str(row.subject), str(row.predicate), str(row.object)) for row in triples}
            grouped = {key: grouped.get(key) or {"statuses": set(), "sources": set(), "contested": set(), "notes": set()}
                       for key in keys}
        claims = []
        for (s, p, o), found in grouped.items():
            # A claim several axioms annotate (a curated one also imported, say) is as strong
            # as its weakest status: the cautious reading, and the same on every backend.
            status = max(found["statuses"], key=status_rank, default="unknown")
            claims.append(
                Claim(
                    subject=self.entity(s),
                    predicate=self.entity(IRI(p)),
                    object=self.entity(o),
                    status=status,
                    sources=tuple(sorted((self.entity(x) for x in found["sources"]), key=lambda e: e.id)),
                    contested_by=tuple(sorted((self.entity(x) for x in found["contested"]), key=lambda e: e.id)),
                    note=" ".join(sorted(found["notes"])) or None,
                )
            )
        return claims

    def claims(self, subject: "EntityRef | IRI | None" = None, predicate: "str | Iterable[str] | None" = None,
               object: "EntityRef | IRI | None" = None, *, min_status: str = "any", by: str = "object") -> list[Claim]:
        """The claims with this subject, relation and object (any of them left open), with provenance.

        This is the one way the library asks for claims. ``subject`` and ``object`` are
        entities (a name, an :class:`Entity` or an IRI); ``predicate`` a relation's label,
        synonym, CURIE or IRI, or several of them. ``min_status`` (supported, contested,
        unsupported or any) keeps only the claims at least that well backed. The answer is
        ordered strongest evidence first, then by the label of the entity at end ``by``.

        >>> g = KnowledgeGraph.load()
        >>> [c.subject.label for c in g.claims(predicate="provides", object="vitamin B12", by="subject")][:2]
        ['animal foods', 'beef']
        >>> {c.status for c in g.claims(subject="fibromyalgia", min_status="supported")}
        {'supported'}
        """
        bindings: dict = {}
        if subject is not None:
            bindings["subject"] = self._ref(subject)
        if object is not None:
            bindings["object"] = self._ref(object)
        if predicate is not None:
            names = [predicate] if isinstance(predicate, str) else list(predicate)
            bindings["predicate"] = [self._relation_iri(name) for name in names]
        found = self._claims(self.select("claims", **bindings), self.select("claim_triples", **bindings))
        return by_strength(at_least(found, min_status), by)

    def _ref(self, entity: "EntityRef | IRI") -> IRI:
        if isinstance(entity, Entity) or type(entity) is str:
            return self.resolve(entity).ref
        return IRI(entity)  # an IRI already, kg's or rdflib's

    def relations(self) -> list[Entity]:
        """Every claim-carrying relation (a sub-property of fb:relation), in id order.

        >>> "has symptom" in [r.label for r in KnowledgeGraph.load().relations()]
        True
        """
        return sorted(self._relations.values(), key=lambda r: r.id)

    def relation(self, name: str) -> Entity:
        """The claim-carrying relation called ``name``: its IRI, CURIE, label or a synonym (any case).

        A label wins over another relation's synonym; a name two relations share is refused.

        >>> KnowledgeGraph.load().relation("Has Symptom").id
        'fb:hasSymptom'
        """
        return self.entity(self._relation_iri(name))

    @cached_property
    def _relation_names(self) -> dict[str, dict[str, int]]:
        """Each normalised relation name, with the relations it names and how (0 a label, 1 a synonym)."""
        names: dict[str, dict[str, int]] = {}
        for row in self.select("relation_names", property=[IRI(iri) for iri in self._relations]):
            rank = 0 if str(row.kind) == "label" else 1
            found = names.setdefault(normalise(str(row.name)), {})
            found[str(row.property)] = min(rank, found.get(str(row.property), rank))
        return names

    def _relation_iri(self, predicate: str) -> IRI:
        iri = str(expand_curie(predicate.strip()) or predicate.strip().strip("<>"))
        if iri in self._relations:
            return IRI(iri)
        found = self._relation_names.get(normalise(predicate), {})
        if found:
            best = min(found.values())
            winners = sorted(iri for iri, rank in found.items() if rank == best)
            if len(winners) == 1:
                return IRI(winners[0])
            raise AmbiguousEntity(f"relation {predicate!r} could be {', '.join(curie(w) for w in winners)}: give its CURIE")
        known = ", ".join(sorted(r.label for r in self._relations.values()))
        raise UnknownEntity(f"unknown relation {predicate!r} (known: {known})")

    def symptoms(self, condition: EntityRef, *, min_status: str = "any") -> list[Claim]:
        """The symptoms of ``condition``, each as a claim with its sources and status.

        >>> [c.object.label for c in KnowledgeGraph.load().symptoms("vitamin B12 deficiency")][:3]
        ['ataxia', 'brain fog', 'depression']
        """
        return self.claims(subject=condition, predicate=_SYMPTOM, min_status=min_status)

    def shared(self, *conditions: EntityRef, min_status: str = "any", expand: bool = False) -> SharedSymptoms:
        """The symptoms all ``conditions`` share, and those unique to each.

        ``expand`` follows the is-a hierarchy (fb:isA, HPO's once imported): a condition with
        a more specific symptom (macrocytic anaemia) counts as having its ancestor (anaemia)
        when another of the conditions has that ancestor itself; the claim shown for it is
        the one about the specific symptom.

        Raises :class:`EmptyResult` with fewer than two conditions, :class:`NotACondition` for a
        name that is not a condition.
        """
        resolved = tuple(dict.fromkeys(self.resolve(c) for c in conditions))
        for entity in resolved:
            self._require_condition(entity)
        if len(resolved) < 2:
            raise EmptyResult("shared symptoms need at least two different conditions")
        per_condition = {c.id: {claim.object.id: claim for claim in self.symptoms(c, min_status=min_status)} for c in resolved}
        direct = per_condition
        if expand:
            per_condition = self._through_ancestors(per_condition)
        common = set.intersection(*(set(claims) for claims in per_condition.values()))
        shared = [
            SharedSymptom(self._symptom_named(s, per_condition[resolved[0].id][s]), tuple(per_condition[c.id][s] for c in resolved))
            for s in common
        ]
        shared.sort(key=lambda item: (status_rank(item.weakest), item.symptom.label.casefold(), item.symptom.id))
        used = {c.id: {per_condition[c.id][s] for s in common} for c in resolved}
        unique = {
            c.id: tuple(by_strength([claim for s, claim in direct[c.id].items() if s not in common and claim not in used[c.id]]))
            for c in resolved
        }
        return SharedSymptoms(resolved, tuple(shared), unique)

    def _require_condition(self, entity: Entity) -> None:
        """Refuse, as :class:`NotACondition`, an entity that is not an fb:Condition (a symptom, a food ...)."""
        if not any(row["class"] == FB.Condition for row in self.select("classes_of", entity=entity.ref)):
            raise NotACondition(f"{entity.label} ({entity.id}) is a {entity.kind or 'resource'}, not a condition "
                                "(give conditions; `kg search TEXT` finds their names)")

    def _through_ancestors(self, per_condition: dict[str, dict[str, Claim]]) -> dict[str, dict[str, Claim]]:
        """Each condition's symptoms plus the ancestors of them that another condition has directly."""
        direct = set().union(*per_condition.values())
        expanded = {}
        for condition, claims in per_condition.items():
            found = dict(claims)
            for _, claim in sorted(claims.items(), key=lambda item: (item[1].rank, item[0])):
                for row in self.select("symptom_ancestors", symptom=claim.object.ref):
                    ancestor = curie(str(row.ancestor))
                    if ancestor in direct:
                        found.setdefault(ancestor, claim)
            expanded[condition] = found
        return expanded

    def _symptom_named(self, symptom_id: str, claim: Claim) -> Entity:
        """The symptom ``symptom_id``: the claim's object, or an ancestor of it (see ``expand``)."""
        return claim.object if claim.object.id == symptom_id else self.entity(expand_curie(symptom_id) or symptom_id)

    def foods(self, nutrient: EntityRef, *, min_status: str = "any") -> list[Claim]:
        """Foods that provide ``nutrient``."""
        return self.claims(predicate=_PROVIDES, object=nutrient, min_status=min_status, by="subject")

    def misdiagnosis(self, condition: EntityRef, *, min_status: str = "any") -> list[Claim]:
        """What ``condition`` may be mistaken for, and what may be mistaken for it."""
        entity = self.resolve(condition)
        both = (self.claims(subject=entity, predicate=_MISDIAGNOSED, min_status=min_status)
                + self.claims(predicate=_MISDIAGNOSED, object=entity, min_status=min_status))
        return by_strength(both)

    def tests(self, condition: EntityRef, *, min_status: str = "any") -> list[Claim]:
        """Tests and criteria that diagnose ``condition``, and tests advised for people who have it."""
        entity = self.resolve(condition)
        advised = [claim for claim in self.claims(predicate=TEST_ADVICE_RELATIONS, object=entity, min_status=min_status)
                   if claim.subject.kind == kind_of(FB.DiagnosticTest)]
        return by_strength(self.claims(subject=entity, predicate=DIAGNOSTIC_RELATIONS, min_status=min_status) + advised)

    def show(self, name: EntityRef, *, min_status: str = "any") -> EntityDetails:
        """Everything the graph says about one entity, relations in and out included."""
        entity = self.resolve(name)
        fields: dict[str, list[str]] = {}
        for row in self.select("entity_details", entity=entity.ref):
            value = curie(str(row.value)) if row.field.value in ("identifier", "close match") else str(row.value)
            fields.setdefault(str(row.field), []).append(value)
        classes = sorted(
            {self.entity(row["class"]) for row in self.select("classes_of", entity=entity.ref)
             if str(row["class"]) != "http://www.w3.org/2002/07/owl#NamedIndividual"},
            key=lambda e: e.id,
        )
        outgoing = tuple(self.claims(subject=entity, min_status=min_status))
        incoming = tuple(self.claims(object=entity, min_status=min_status))
        prevalence = tuple(claim for _, claim in self.prevalences(entity, min_status=min_status))
        facts = self.source_details([entity, *{s for c in outgoing + incoming + prevalence for s in c.sources}])
        return EntityDetails(
            entity=entity,
            classes=tuple(classes),
            definition=(fields.get("definition") or [None])[0],
            synonyms=tuple(sorted(set(fields.get("synonym", [])), key=lambda s: (s.casefold(), s))),
            identifiers=tuple(sorted(set(fields.get("identifier", [])))),
            comments=tuple(sorted(set(fields.get("comment", [])))),
            citation=(fields.get("citation") or [None])[0],
            outgoing=outgoing,
            incoming=incoming,
            close_matches=tuple(sorted(set(fields.get("close match", [])))),
            prevalence=prevalence,
            prevalence_note=(fields.get("prevalence note") or [None])[0],
            source_facts={k: tuple(sorted(set(v))) for k, v in facts.get(entity.id, {}).items()},
            evidence_kinds={source: kinds["evidence kind"][0] for source, kinds in facts.items() if "evidence kind" in kinds},
        )

    def prevalences(self, condition: EntityRef | None = None, *, min_status: str = "any") -> list[tuple[float, Claim]]:
        """Each stated prevalence (a proportion in (0, 1]) as a claim with its sources, of one
        condition or of all, at least ``min_status``: the differential's priors.

        >>> value, claim = KnowledgeGraph.load().prevalences("fibromyalgia")[0]
        >>> 0 < value < 0.1, claim.status
        (True, 'supported')
        """
        grouped: dict[tuple[str, str], dict] = {}
        bound = {} if condition is None else {"subject": self._ref(condition)}
        for row in self.select("prevalences", **bound):
            found = grouped.setdefault((str(row.subject), str(row.object)), {"status": set(), "source": set(), "note": set()})
            for key in ("status", "source", "note"):
                if row[key] is not None:
                    found[key].add(str(row[key]))
        answer = []
        relation = self.entity(FB.prevalence)
        for (subject, value), parts in sorted(grouped.items()):
            try:
                proportion = float(value)
            except ValueError:
                continue  # not a number: the validator reports it; the prior falls back to the default
            if not 0 < proportion <= 1:
                continue
            answer.append((proportion, Claim(
                subject=self.entity(IRI(subject)), predicate=relation, object=Entity(value, value, "literal", value),
                status=max((s.rsplit("#", 1)[-1] for s in parts["status"]), key=status_rank, default="unknown"),
                sources=tuple(sorted((self.entity(IRI(s)) for s in parts["source"]), key=lambda e: e.id)),
                note=" ".join(sorted(parts["note"])) or None,
            )))
        kept = {id(claim) for claim in at_least([c for _, c in answer], min_status)}
        return [(value, claim) for value, claim in answer if id(claim) in kept]

    def source_details(self, sources: Iterable[EntityRef]) -> dict[str, dict[str, list[str]]]:
        """Link, DOI, PMID and evidence kind of each of ``sources``, by source id and field.

        >>> KnowledgeGraph.load().source_details(["Carmel2003"])["src:Carmel2003"]["evidence kind"]
        ['primary study']
        """
        refs = [self.resolve(s).ref for s in sources]
        if not refs:
            return {}
        facts: dict[str, dict[str, list[str]]] = {}
        for row in self.select("source_details", source=refs):
            facts.setdefault(self.entity(row.source).id, {}).setdefault(str(row.field), []).append(str(row.value))
        return facts

    # ------------------------------------------------------------------ graph algorithms
    def to_networkx(self, *, causal_only: bool = False, min_status: str = "any") -> "nx.MultiDiGraph":
        """The claims as a networkx MultiDiGraph.

        Nodes are entity ids (CURIEs) with ``label``, ``kind`` and ``iri``; each claim is an
        edge keyed by its relation's id, with ``label``, ``status``, ``sources`` and the
        :class:`Claim` itself as ``claim``. ``causal_only`` keeps the relations that causal
        chains walk; ``min_status`` keeps the claims at least that well backed.

        >>> G = KnowledgeGraph.load().to_networkx()
        >>> G.nodes["fb:fibromyalgia"]["kind"]
        'condition'
        """
        import networkx as nx

        claims = self.claims(min_status=min_status)
        if causal_only:
            causal = {curie(str(row.property)) for row in self.select("causal_relations")}
            claims = [c for c in claims if c.predicate.id in causal]
        G = nx.MultiDiGraph()
        for entity in self._entities.values():
            if entity.kind != "source" or not causal_only:
                G.add_node(entity.id, label=entity.label, kind=entity.kind, iri=entity.iri)
        for claim in claims:
            for end in (claim.subject, claim.object):
                if end.id not in G:
                    G.add_node(end.id, label=end.label, kind=end.kind, iri=end.iri)
            G.add_edge(
                claim.subject.id, claim.object.id, key=claim.predicate.id,
                label=claim.predicate.label, status=claim.status,
                sources=tuple(s.id for s in claim.sources), claim=claim,
            )
        return G

    def paths(self, source: EntityRef, target: EntityRef, max_length: int = 5, *, min_status: str = "any") -> list[Chain]:
        """Every causal or mechanistic chain from ``source`` to ``target`` of at most ``max_length`` steps.

        Shortest first, then by the strength of their weakest step. With ``min_status`` the
        weaker claims are left out before walking, so every chain is at least that well backed.

        >>> chains = KnowledgeGraph.load().paths("fibromyalgia", "vitamin B12 deficiency")
        >>> all(c.steps[-1].object.label == "vitamin B12 deficiency" for c in chains)
        True
        """
        from .algorithms import causal_chains

        start, end = self.resolve(source), self.resolve(target)
        G = self._causal_projection(start, end, max_length, min_status)
        chains = [
            Chain(tuple(G.edges[u, v, key]["claim"] for u, v, key in path))
            for path in causal_chains(G, start.id, end.id, max_length=max_length)
        ]
        chains.sort(key=lambda chain: (len(chain.steps), status_rank(chain.weakest), [s.object.label for s in chain.steps]))
        return chains

    def _causal_projection(self, start: Entity, end: Entity, max_length: int, min_status: str) -> "nx.MultiDiGraph":
        """The causal claims that lie on some chain of at most ``max_length`` steps from ``start`` to ``end``.

        Walks from both ends with one bound query per step (:func:`kg.algorithms.edges_between`),
        then reads the provenance of only the links kept: the whole graph is never read.
        """
        import networkx as nx

        from .algorithms import edges_between

        causal = [IRI(row.property) for row in self.select("causal_relations")]
        G = nx.MultiDiGraph()
        def step_out(nodes: set) -> list[tuple[str, str, str]]:
            # One query per node, the node bound as a single term: Oxigraph starts from it.
            return [
                (node, str(row.predicate), str(row.object))
                for node in sorted(nodes)
                for row in self.select("causal_links", subject=IRI(node), predicate=causal)
                if isinstance(row.object, IRI)
            ]

        kept = edges_between(start.iri, end.iri, step_out, max_length)
        claims = []
        for subject in sorted({u for u, _, _ in kept}):
            predicates = sorted({IRI(p) for u, p, _ in kept if u == subject})
            claims += self.claims(subject=IRI(subject), predicate=predicates)
        for claim in at_least(claims, min_status):
            if (claim.subject.iri, claim.predicate.iri, claim.object.iri) not in kept:
                continue
            for node in (claim.subject, claim.object):
                G.add_node(node.id, label=node.label, kind=node.kind, iri=node.iri)
            G.add_edge(
                claim.subject.id, claim.object.id, key=claim.predicate.id,
                label=claim.predicate.label, status=claim.status,
                sources=tuple(s.id for s in claim.sources), claim=claim,
            )
        return G

    # ------------------------------------------------------------------ reasoning over symptoms
    def differential(self, symptoms: Iterable[EntityRef] = (), *, absent: Iterable[EntityRef] = (), top: int | None = 5,
                     min_status: str = "any", explain: bool = True) -> "Differential":
        """Conditions ranked by post-test probability given the findings ``symptoms`` (and those ``absent``).

        The model (likelihood ratios from annotation and background frequencies, times a
        prior from prevalence) is defined in :mod:`kg.reasoning`; each candidate also lists
        its symptoms not given (what to ask next) and the tests that tell it from the others.

        >>> g = KnowledgeGraph.load()
        >>> [c.condition.label for c in g.differential(["tingling", "gait problems", "memory loss"]).candidates]
        ['vitamin B12 deficiency', 'subacute combined degeneration']
        >>> [c.condition.label for c in g.differential(["chronic pain", "itchiness", "stomach cramps"]).candidates]
        ['fibromyalgia']
        """
        from .reasoning import differential

        return differential(self, list(symptoms), absent=list(absent), top=top, min_status=min_status, explain=explain)

    def compare(self, first: EntityRef, second: EntityRef, *, max_length: int = 5, min_status: str = "any") -> "Comparison":
        """Two conditions side by side: shared and unique symptoms, shared mechanisms, causal
        chains both ways, misdiagnosis links and the tests that separate them.

        >>> c = KnowledgeGraph.load().compare("fibromyalgia", "vitamin B12 deficiency")
        >>> [s.symptom.label for s in c.symptoms.shared]
        ['brain fog', 'depression', 'fatigue', 'myalgia']
        >>> [t.object.label for t in c.separating_tests["fb:vitamin-b12-deficiency"]][:2]
        ['holotranscobalamin test', 'methylmalonic acid test']
        """
        from .reasoning import compare

        return compare(self, first, second, max_length=max_length, min_status=min_status)

    # ------------------------------------------------------------------ counts and export
    def stats(self) -> Stats:
        """Entities by class, claims by relation and by evidence status, and what each import brought in.

        The counts scan the whole store (seconds over the HPO import), so a backend with a
        cache keeps them beside its store, which never changes under its content key.
        """
        return _cached(self.backend, "stats", ("class_counts.rq", "relation_counts.rq", "claims_by_status.rq", "imports.rq"), self._count)

    def _count(self) -> Stats:
        counts = [Count("class", self.entity(row["class"]), int(row["count"])) for row in self.select("class_counts")]
        relations = [IRI(iri) for iri in sorted(self._relations)]
        counts += [Count("relation", self.entity(row.property), int(row["count"]))
                   for row in self.select("relation_counts", property=relations)]
        counts += [Count("status", self.entity(row.status), int(row["count"])) for row in self.select("claims_by_status")]
        for row in self.select("imports"):  # each import: its release, and what it brought in
            for what in ("terms", "conditions", "claims"):
                if row[what] is not None:
                    item = Entity(curie(str(row["import"])), f"{row.label} {row.release or ''}: {what}".replace("  ", " "),
                                  "import", str(row["import"]))
                    counts.append(Count("import", item, int(row[what])))
        files = tuple(str(f) for f in self.files) or (self.backend.location,)
        return Stats(self.backend.triple_count(), tuple(counts), files)


def _cached(backend: Backend, name: str, queries: tuple[str, ...], compute):
    """``compute()``, kept in the backend's cache beside its store when it has one.

    The file is keyed on the store's content and on this code and the ``queries`` used, so
    a store never answers with counts of other content or from other code.
    """
    import hashlib

    digest = hashlib.sha256()
    for path in (Path(__file__), Path(__file__).with_name("model.py"), *(sparql.QUERY_DIR / q for q in queries)):
        digest.update(path.read_bytes() if path.exists() else b"")
    cache = backend.cache_file(name, digest.hexdigest()[:16]) if hasattr(backend, "cache_file") else None
    if cache is None:
        return compute()
    found = read_memo(cache)
    if found is None:  # not there yet, or unreadable: compute it again
        found = compute()
        write_memo(cache, found)
    return found


def _index_code() -> str:
    """A digest of the code and queries that build the name index, so a cached one from other code is not used."""
    import hashlib

    digest = hashlib.sha256()
    here = Path(__file__).resolve().parent
    for path in (here / "graph.py", here / "resolve.py", here / "model.py", here / "backends.py",
                 *(sparql.QUERY_DIR / f"{name}.rq" for name in ("classes", "instances", "entity_names"))):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


