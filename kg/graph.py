"""The knowledge graph: loading, resolving names, and answering relationship questions.

This is the product's core. The command line, the HTML export and the tests all go through
:class:`KnowledgeGraph`; every answer is a plain dataclass from :mod:`kg.model`.
"""

from collections.abc import Iterable, Mapping
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from rdflib import Graph, Literal, URIRef
from rdflib.query import Result
from rdflib.term import Identifier

from . import loading, sparql
from .backends import DEFAULT_TIMEOUT, Backend, MemoryBackend, get_backend, with_values
from .errors import BadData, EmptyResult, UnknownEntity
from .limits import running
from .model import (
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
    status_rank,
)
from .namespaces import FB, curie, expand_curie
from .resolve import NameIndex, normalise

if TYPE_CHECKING:
    import networkx as nx

    from .reasoning import Comparison, Differential

__all__ = ["KnowledgeGraph", "EntityRef"]

#: Anything a method accepts for an entity: a name to resolve, or an Entity already resolved.
EntityRef = str | Entity

# When an entity has several classes, the first of these names its kind.
_KIND_ORDER = (
    "Condition", "Symptom", "Mechanism", "BiologicalProcess", "Biomolecule", "Nutrient",
    "FoodSource", "DiagnosticTest", "DiagnosticCriterion", "AnatomicalSite", "Intervention",
    "Exposure", "Source",
)


def _kind_priority(class_iri: str) -> int:
    local = class_iri.removeprefix(str(FB))
    return _KIND_ORDER.index(local) if local in _KIND_ORDER else len(_KIND_ORDER)


class KnowledgeGraph:
    """The fibromyalgia / vitamin B12 knowledge graph.

    >>> g = KnowledgeGraph.load()
    >>> g.resolve("cobalamin").label
    'vitamin B12'
    >>> [s.symptom.label for s in g.shared("fibromyalgia", "B12 deficiency").shared]
    ['brain fog', 'depression', 'fatigue', 'myalgia']
    """

    def __init__(self, graph: Graph | Backend, files: Iterable[Path] = ()):
        self.backend: Backend = MemoryBackend(graph) if isinstance(graph, Graph) else graph
        self.files = tuple(files)
        #: Seconds any request to a server may take (reading an endpoint, pushing to one).
        self.timeout = getattr(self.backend, "timeout", DEFAULT_TIMEOUT)

    @classmethod
    def load(cls, data: Iterable[Path | str] = (), *, env: str | None = None,
             backend: str | None = None, timeout: float | None = None) -> "KnowledgeGraph":
        """The shipped ontology, its extensions, imports, ``KG_DATA`` and the extra ``data`` files.

        ``backend`` chooses the store (see :func:`kg.backends.get_backend`): ``oxigraph``
        (the default, or ``KG_BACKEND``), ``memory``, or a SPARQL endpoint's URL, which
        holds its own graph (then no file is read). ``timeout`` bounds endpoint requests.
        """
        data = [Path(p) for p in data]
        store = get_backend(backend, lambda: loading.data_files(data, env=env), timeout=timeout)
        if data and not hasattr(store, "files"):
            raise BadData(f"--data cannot add files to the endpoint {store.location} (upload them to it with `kg push`)")
        graph = cls(store, getattr(store, "files", ()))
        if timeout is not None:
            graph.timeout = timeout
        return graph

    @cached_property
    def rdf(self) -> Graph:
        """The whole graph as an rdflib Graph (copied out of the store unless that is rdflib's)."""
        if isinstance(self.backend, MemoryBackend):
            return self.backend.graph
        graph = loading.parse_files([])
        graph.parse(data=self.backend.ntriples().decode("utf-8"), format="nt")
        return graph

    # ------------------------------------------------------------------ running queries
    def select(self, name: str, **bindings: "Identifier | Iterable[URIRef]") -> Result:
        """Run the shipped query ``name`` with ``bindings`` bound as RDF terms.

        A parameter bound to a collection of IRIs takes each of them in turn: a VALUES block
        of their N-Triples forms opens the query's WHERE clause (so the store starts from
        them), on every backend alike.
        """
        text = sparql.named_query(name).text
        many = {key: value for key, value in bindings.items() if not isinstance(value, Identifier)}
        if many:
            text = with_values(text, many)
            bindings = {key: value for key, value in bindings.items() if key not in many}
        with running(f"query {name}", self.timeout):
            return self.backend.query(sparql.PROLOGUE + text, bindings)

    def query(self, text: str, params: Mapping[str, Identifier] | None = None, *, where: str = "query") -> Result:
        """Run a read-only SPARQL query given as text, binding ``params`` as RDF terms.

        >>> g = KnowledgeGraph.load()
        >>> rows = g.query("SELECT ?s WHERE { ?c fb:hasSymptom ?s }", {"c": g.resolve("fibromyalgia").ref})
        >>> len(rows) > 5
        True
        """
        sparql.prepare(text, where)  # refuses updates and SERVICE, says where a syntax error is
        with running(f"query {where}" if where != "query" else "the query", self.timeout):
            return self.backend.query(sparql.PROLOGUE + text, dict(params or {}))

    # ------------------------------------------------------------------ entities and names
    @cached_property
    def _index(self) -> tuple[dict[str, Entity], NameIndex]:
        """Every entity by IRI and the index of their names.

        Building them reads every label in the graph, which takes seconds once the HPO is
        imported; a backend with a cache (Oxigraph) keeps them beside its store, keyed on
        the graph's content and this code.
        """
        import pickle

        cache = self.backend.cache_file("names", _index_code()) if hasattr(self.backend, "cache_file") else None
        if cache is not None and cache.exists():
            try:
                with open(cache, "rb") as handle:
                    return pickle.load(handle)
            except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, TypeError):
                pass  # unreadable or from other code: rebuild it
        entities = self._read_entities()
        names = NameIndex(entities, sorted((str(r.entity), str(r.name), str(r.kind)) for r in self.select("entity_names")))
        if cache is not None:
            from .fileio import atomic_write

            atomic_write(cache, pickle.dumps((entities, names), protocol=pickle.HIGHEST_PROTOCOL))
        return entities, names

    @property
    def _entities(self) -> dict[str, Entity]:
        return self._index[0]

    @property
    def _names(self) -> NameIndex:
        return self._index[1]

    def _read_entities(self) -> dict[str, Entity]:
        classes: dict[str, list[tuple[str, str]]] = {}
        labels: dict[str, str] = {}
        # Sorted, so that every backend (each returns rows in its own order) names an entity alike.
        for row in sorted(self.select("entities"), key=lambda r: (str(r.entity), str(r.label), str(r["class"]))):
            iri = str(row.entity)
            labels.setdefault(iri, str(row.label))
            class_label = str(row.classLabel) if row.classLabel is not None else curie(str(row["class"]))
            classes.setdefault(iri, []).append((str(row["class"]), class_label))
        entities = {}
        for iri, label in labels.items():
            kind = min(classes[iri], key=lambda c: (_kind_priority(c[0]), c[1]))[1]
            entities[iri] = Entity(curie(iri), label, kind, iri)
        return entities

    @cached_property
    def _relations(self) -> dict[str, Entity]:
        return {
            str(row.property): Entity(curie(str(row.property)), str(row.label or curie(str(row.property))), "relation", str(row.property))
            for row in self.select("relations")
        }

    def entity(self, iri: str | Identifier) -> Entity:
        """The entity (or relation) with this IRI; an IRI the graph does not describe gets its CURIE as label."""
        key = str(iri)
        found = self._entities.get(key) or self._relations.get(key)
        if found is not None:
            return found
        if isinstance(iri, Literal):
            return Entity(key, key, "literal", key)
        label = next((row.label for row in self.select("label_of", entity=URIRef(key))), None)
        return Entity(curie(key), str(label) if label is not None else curie(key), "", key)

    def entities(self) -> list[Entity]:
        """Every entity, in id order."""
        return sorted(self._entities.values(), key=lambda e: e.id)

    def resolve(self, name: EntityRef) -> Entity:
        """The entity a label, synonym, CURIE or IRI stands for (case-insensitive).

        >>> KnowledgeGraph.load().resolve("Pins and Needles").id
        'fb:paresthesia'
        """
        if isinstance(name, Entity):
            return name
        return self._names.resolve(name)

    def search(self, text: str) -> list[SearchHit]:
        """Entities whose label, synonym or identifier contains ``text``."""
        return self._names.search(text)

    # ------------------------------------------------------------------ claims
    def _claims(self, rows: Iterable) -> list[Claim]:
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
        claims = []
        for (s, p, o), found in grouped.items():
            # A claim several axioms annotate (a curated one also imported, say) is as strong
            # as its weakest status: the cautious reading, and the same on every backend.
            status = max(found["statuses"], key=status_rank, default="unknown")
            claims.append(
                Claim(
                    subject=self.entity(s),
                    predicate=self.entity(URIRef(p)),
                    object=self.entity(o),
                    status=status,
                    sources=tuple(sorted((self.entity(x) for x in found["sources"]), key=lambda e: e.id)),
                    contested_by=tuple(sorted((self.entity(x) for x in found["contested"]), key=lambda e: e.id)),
                    note=" ".join(sorted(found["notes"])) or None,
                )
            )
        return claims

    def claims(self, subject: EntityRef | None = None, predicate: str | None = None, object: EntityRef | None = None,
               *, min_status: str = "any") -> list[Claim]:
        """Claims matching the given subject, relation (IRI or CURIE) and object, with provenance.

        ``min_status`` (supported, contested, unsupported or any) keeps only the claims at
        least that well backed; every method that walks relations takes it.
        """
        bindings = {}
        if subject is not None:
            bindings["subject"] = self.resolve(subject).ref
        if object is not None:
            bindings["object"] = self.resolve(object).ref
        if predicate is not None:
            bindings["predicate"] = self._relation_iri(predicate)
        # Oxigraph joins the provenance in pattern order, so a bound object wants its own query.
        name = "claims_into" if list(bindings) == ["object"] else "claims"
        return _by_strength(at_least(self._claims(self.select(name, **bindings)), min_status))

    def _relation_iri(self, predicate: str) -> URIRef:
        iri = expand_curie(predicate) or URIRef(predicate)
        if str(iri) in self._relations:
            return iri
        for key, relation in self._relations.items():
            if normalise(relation.label) == normalise(predicate):
                return URIRef(key)
        known = ", ".join(sorted(r.label for r in self._relations.values()))
        raise UnknownEntity(f"unknown relation {predicate!r} (known: {known})")

    def symptoms(self, condition: EntityRef, *, min_status: str = "any") -> list[Claim]:
        """The symptoms of ``condition``, each as a claim with its sources and status.

        >>> [c.object.label for c in KnowledgeGraph.load().symptoms("vitamin B12 deficiency")][:3]
        ['ataxia', 'brain fog', 'depression']
        """
        ref = self.resolve(condition).ref
        return _by_strength(at_least(self._claims(self.select("symptoms_of_condition", condition=ref)), min_status))

    def shared(self, *conditions: EntityRef, min_status: str = "any", expand: bool = False) -> SharedSymptoms:
        """The symptoms all ``conditions`` share, and those unique to each.

        ``expand`` follows the is-a hierarchy (fb:isA, HPO's once imported): a condition with
        a more specific symptom (macrocytic anaemia) counts as having its ancestor (anaemia)
        when another of the conditions has that ancestor itself; the claim shown for it is
        the one about the specific symptom.

        Raises :class:`EmptyResult` with fewer than two conditions.
        """
        resolved = tuple(dict.fromkeys(self.resolve(c) for c in conditions))
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
        shared.sort(key=lambda item: (status_rank(item.weakest), item.symptom.label.casefold()))
        used = {c.id: {per_condition[c.id][s] for s in common} for c in resolved}
        unique = {
            c.id: tuple(_by_strength([claim for s, claim in direct[c.id].items() if s not in common and claim not in used[c.id]]))
            for c in resolved
        }
        return SharedSymptoms(resolved, tuple(shared), unique)

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
        ref = self.resolve(nutrient).ref
        claims = at_least(self._claims(self.select("foods_providing_nutrient", nutrient=ref)), min_status)
        return _by_strength(claims, side="subject")

    def misdiagnosis(self, condition: EntityRef, *, min_status: str = "any") -> list[Claim]:
        """What ``condition`` may be mistaken for, and what may be mistaken for it."""
        ref = self.resolve(condition).ref
        return _by_strength(at_least(self._claims(self.select("misdiagnosis_links", condition=ref)), min_status))

    def tests(self, condition: EntityRef, *, min_status: str = "any") -> list[Claim]:
        """Tests and criteria that diagnose ``condition``, and tests advised for people who have it."""
        ref = self.resolve(condition).ref
        return _by_strength(at_least(self._claims(self.select("diagnostic_tests", condition=ref)), min_status))

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
        facts = self.source_details([entity, *{s for c in outgoing + incoming for s in c.sources}])
        return EntityDetails(
            entity=entity,
            classes=tuple(classes),
            definition=(fields.get("definition") or [None])[0],
            synonyms=tuple(sorted(set(fields.get("synonym", [])), key=str.casefold)),
            identifiers=tuple(sorted(set(fields.get("identifier", [])))),
            comments=tuple(sorted(set(fields.get("comment", [])))),
            citation=(fields.get("citation") or [None])[0],
            outgoing=outgoing,
            incoming=incoming,
            close_matches=tuple(sorted(set(fields.get("close match", [])))),
            source_facts={k: tuple(sorted(set(v))) for k, v in facts.get(entity.id, {}).items()},
            evidence_kinds={source: kinds["evidence kind"][0] for source, kinds in facts.items() if "evidence kind" in kinds},
        )

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

        causal = [URIRef(str(row.property)) for row in self.select("causal_relations")]
        G = nx.MultiDiGraph()
        def step_out(nodes: set) -> list[tuple[str, str, str]]:
            # One query per node, the node bound as a single term: Oxigraph starts from it.
            return [
                (node, str(row.predicate), str(row.object))
                for node in sorted(nodes)
                for row in self.select("causal_links", subject=URIRef(node), predicate=causal)
                if isinstance(row.object, URIRef)
            ]

        kept = edges_between(start.iri, end.iri, step_out, max_length)
        claims = []
        for subject in sorted({u for u, _, _ in kept}):
            predicates = sorted({URIRef(p) for u, p, _ in kept if u == subject})
            claims += self._claims(self.select("claims", subject=URIRef(subject), predicate=predicates))
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
    def differential(self, symptoms: Iterable[EntityRef], *, top: int | None = 5, min_status: str = "any") -> "Differential":
        """Conditions ranked by how well they explain ``symptoms``, rare symptoms weighing most.

        The score is defined in :mod:`kg.reasoning`; each candidate also lists its symptoms not
        given (what to ask next) and the tests that tell it from the other candidates.

        >>> g = KnowledgeGraph.load()
        >>> [c.condition.label for c in g.differential(["tingling", "gait problems", "memory loss"]).candidates]
        ['vitamin B12 deficiency', 'subacute combined degeneration']
        >>> [c.condition.label for c in g.differential(["chronic pain", "itchiness", "stomach cramps"]).candidates]
        ['fibromyalgia']
        """
        from .reasoning import differential

        return differential(self, list(symptoms), top=top, min_status=min_status)

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
        counts += [Count("relation", self.entity(row.property), int(row["count"])) for row in self.select("relation_counts")]
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
    import pickle

    digest = hashlib.sha256()
    for path in (Path(__file__), Path(__file__).with_name("model.py"), *(sparql.QUERY_DIR / q for q in queries)):
        digest.update(path.read_bytes() if path.exists() else b"")
    cache = backend.cache_file(name, digest.hexdigest()[:16]) if hasattr(backend, "cache_file") else None
    if cache is None:
        return compute()
    try:
        with open(cache, "rb") as handle:
            return pickle.load(handle)
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, TypeError):
        pass  # not there yet, or unreadable: compute it again
    answer = compute()
    from .fileio import atomic_write

    for stale in cache.parent.glob(cache.name.rsplit("-", 1)[0] + "-*"):  # from other code
        stale.unlink(missing_ok=True)
    atomic_write(cache, pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL))
    return answer


def _index_code() -> str:
    """A digest of the code and queries that build the name index, so a cached one from other code is not used."""
    import hashlib

    digest = hashlib.sha256()
    here = Path(__file__).resolve().parent
    for path in (here / "graph.py", here / "resolve.py", here / "model.py", sparql.QUERY_DIR / "entities.rq",
                 sparql.QUERY_DIR / "entity_names.rq"):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _by_strength(claims: list[Claim], side: str = "object") -> list[Claim]:
    """Claims ordered strongest evidence first, then by the label of the entity on ``side``."""
    return sorted(claims, key=lambda c: (c.rank, getattr(c, side).label.casefold(), c.predicate.id, c.subject.id))
