"""The interactive HTML explorer: one self-contained page to browse the graph in a browser.

:func:`page_data` builds what the page shows (nodes, claims, details, shared symptoms,
highlight sets, legend) from the library's answers; :func:`html` lays it out here (a seeded
force layout, so the page opens still and the same every time) and renders it with this
package's own template, vis-network inlined from pyvis, so that the page opens from disk with
no network at all. Every text from the graph reaches the page as JSON escaped for a
``<script>`` element and is put into the DOM with ``textContent`` only.
"""

import json
import math
import re
from dataclasses import asdict, dataclass, field
from functools import cache
from pathlib import Path
from urllib.parse import quote

from rdflib import URIRef

from ..errors import BadExportOption
from ..model import RELATION_GROUPS
from ..namespaces import curie

__all__ = [
    "PageData",
    "PageNode",
    "PageEdge",
    "page_data",
    "html",
    "script_json",
    "KIND_STYLES",
    "EDGE_GROUPS",
    "STATUS_DASHES",
    "PHYSICS_THRESHOLD",
    "IDENTIFIER_LINKS",
    "ABBREVIATIONS",
    "NEARBY_LIMIT",
    "WHOLE_GRAPH_LIMIT",
    "shelf_names",
]

_HERE = Path(__file__).resolve().parent
_ASSETS = _HERE / "assets"

#: Up to this many nodes the page is laid out by force (networkx, seeded); above it, class by
#: class, which costs nothing for thousands of nodes. Either way the page opens still.
PHYSICS_THRESHOLD = 400

#: Beyond the ring a focused page shows, it carries the next ring (for "show neighbours") only
#: when both rings are at most this big: each entity costs two bound queries and a place.
NEARBY_LIMIT = 200

#: The most claims a page of the whole graph draws (a 2,000-node, 5,000-claim page opens in a
#: few seconds); past it, the export asks for a part of the graph (``--focus``, ``--shared``).
WHOLE_GRAPH_LIMIT = 20_000

#: Where an identifier of each prefix can be read on the web (``{}`` is the local part).
IDENTIFIER_LINKS: dict[str, str] = {
    "HP": "https://hpo.jax.org/browse/term/HP:{}",
    "OMIM": "https://omim.org/entry/{}",
    "ORPHA": "https://www.orpha.net/en/disease/detail/{}",
    "Orphanet": "https://www.orpha.net/en/disease/detail/{}",
    "PMID": "https://pubmed.ncbi.nlm.nih.gov/{}/",
    "DOI": "https://doi.org/{}",
}

#: Abbreviations the search expands, word by word, so that "vit b12" finds vitamin B12.
ABBREVIATIONS: dict[str, str] = {
    "vit": "vitamin", "vits": "vitamins", "def": "deficiency", "defic": "deficiency",
    "syn": "syndrome", "synd": "syndrome", "dis": "disease", "dx": "diagnosis", "tx": "treatment",
    "ab": "antibody", "abs": "antibodies", "gi": "gastrointestinal", "neuro": "neurological",
    "chr": "chronic", "hb": "haemoglobin",
    # American spellings of the graph's British ones
    "anemia": "anaemia", "anemic": "anaemia", "hemoglobin": "haemoglobin", "esophagus": "oesophagus",
    "pediatric": "paediatric", "tumor": "tumour", "behavior": "behaviour",
}

#: Colour and vis-network shape of each class (the kind label of :class:`kg.model.Entity`).
#: The page draws every name under its shape, so size can say how connected a node is.
KIND_STYLES: dict[str, tuple[str, str]] = {
    "condition": ("#c0392b", "dot"),
    "symptom": ("#f0a030", "dot"),
    "mechanism": ("#8e44ad", "diamond"),
    "biological process": ("#16a085", "triangle"),
    "biomolecule": ("#5d7fa3", "hexagon"),
    "nutrient": ("#27ae60", "star"),
    "food source": ("#9bc53d", "triangleDown"),
    "diagnostic test": ("#2e86c1", "square"),
    "diagnostic criterion": ("#7fb8e0", "square"),
    "anatomical site": ("#e07a9b", "hexagon"),
    "intervention": ("#1e8449", "square"),
    "exposure": ("#a0522d", "triangleDown"),
    "source": ("#aab4bd", "square"),
}
_OTHER_KIND = ("#9e9e9e", "dot")

#: Edge groups: (legend label, colour). Which relation belongs where is decided in _edge_group.
EDGE_GROUPS: dict[str, tuple[str, str]] = {
    "symptom": ("has symptom", "#e5a54b"),
    "causal": ("causal or mechanistic", "#c0392b"),
    "food": ("food and nutrient", "#5a9e3a"),
    "misdiagnosis": ("misdiagnosis", "#8e44ad"),
    "diagnosis": ("diagnosis and tests", "#2e86c1"),
    "other": ("other relation", "#95a5a6"),
}
_GROUP_OF_RELATION = {relation: group for group, relations in RELATION_GROUPS.items() for relation in relations}

#: Dash pattern of an edge by the evidence status of its claim: supported claims are solid.
STATUS_DASHES: dict[str, list[int] | bool] = {
    "supported": False,
    "contested": [10, 6],
    "unsupported": [2, 6],
    "refuted": [14, 5, 2, 5],
    "unknown": [2, 6],
}

_SHARED_BORDER = "#5b2a86"
_SHARED_WIDTH = 5
_DEFAULT_TITLE = "Fibromyalgia and vitamin B12: knowledge graph explorer"
_CHAIN_DEPTH = 3  # how far a condition's causal chains are followed for highlighting


@dataclass(frozen=True)
class PageNode:
    """An entity as the page shows it, with what its details panel lists."""

    id: str
    label: str
    kind: str
    shared: bool = False  # a symptom of two or more of the conditions the page is about
    classes: tuple[str, ...] = ()
    definition: str | None = None
    synonyms: tuple[str, ...] = ()
    identifiers: tuple[str, ...] = ()
    comments: tuple[str, ...] = ()
    citation: str | None = None
    symptom_of: tuple[str, ...] = ()  # ids of the conditions that have this symptom
    degree: int = 0  # claims drawn to or from it on the page: the page sizes nodes by it
    nearby: bool = False  # one step beyond a focused page's ring: shown when a neighbour is expanded
    links: tuple[tuple[str, str], ...] = ()  # (text, https URL) where a source can be read
    evidence_kind: str | None = None  # for a source: guideline, systematic review, ...


@dataclass(frozen=True)
class PageEdge:
    """A claim as the page draws it: one edge per claim, with its provenance."""

    id: str
    source: str
    target: str
    relation: str
    relation_label: str
    group: str
    status: str
    sources: tuple[str, ...]
    contested_by: tuple[str, ...] = ()
    note: str | None = None
    nearby: bool = False  # touches a node beyond a focused page's ring


@dataclass(frozen=True)
class PageData:
    """Everything the explorer page shows; :meth:`to_dict` is the JSON the page reads."""

    title: str
    mode: str  # "graph", "focus" or "shared"
    physics: bool
    nodes: tuple[PageNode, ...]
    edges: tuple[PageEdge, ...]
    names: dict[str, str]  # id -> label of every entity a node or claim refers to
    highlights: dict[str, dict[str, list[str]]]  # condition id -> its symptoms and causal chains
    focus: str | None = None
    conditions: tuple[str, ...] = ()  # the conditions compared by --shared
    chains: tuple[tuple[str, ...], ...] = ()  # edge ids of each chain between them
    summary: dict[str, list[str]] = field(default_factory=dict)

    @property
    def shared_symptoms(self) -> list[str]:
        """Ids of the nodes drawn as shared symptoms."""
        return [node.id for node in self.nodes if node.shared]

    def to_dict(self) -> dict:
        data = asdict(self)
        data["legend"] = _legend(self)
        data["abbreviations"] = ABBREVIATIONS
        data["identifierLinks"] = IDENTIFIER_LINKS
        data["layoutThreshold"] = PHYSICS_THRESHOLD
        data["shelf"] = shelf_names({node.id: node.label for node in self.nodes if node.kind == "source"})
        return data


_YEAR = re.compile(r"\b(1[89]|20)\d\d[a-z]?\b")


def shelf_names(labels: dict[str, str], longest: int = 36) -> dict[str, str]:
    """A short name for each source, as a reference list cites it, so that every one fits the shelf.

    The part before the first comma when that is short (an author and year), else the label up
    to its year, else its first words; names that come out alike get the year's "a", "b", ...

    >>> shelf_names({"s1": "Almansa 2009, functional GI disorders", "s2": "ACR 1990 fibromyalgia criteria",
    ...              "s3": "2016 revisions to the fibromyalgia diagnostic criteria"})
    {'s1': 'Almansa 2009', 's2': 'ACR 1990', 's3': '2016 revisions to the fibromyalgia…'}
    >>> shelf_names({"a": "Smith 2020, one", "b": "Smith 2020, two"})
    {'a': 'Smith 2020a', 'b': 'Smith 2020b'}
    """
    short = {}
    for source_id, label in labels.items():
        head = label.split(",")[0].strip()
        year = _YEAR.search(label)
        if "," in label and len(head) <= longest + 12:
            short[source_id] = head
        elif year and year.start() > 0 and year.end() <= longest:
            short[source_id] = label[:year.end()]
        elif len(label) <= longest:
            short[source_id] = label
        else:
            cut = label[:longest].rsplit(" ", 1)[0].rstrip(" ,;:")
            short[source_id] = cut + "…"
    alike: dict[str, list[str]] = {}
    for source_id in sorted(short, key=lambda i: (labels[i], i)):
        alike.setdefault(short[source_id], []).append(source_id)
    for name, ids in alike.items():
        if len(ids) > 1:
            for index, source_id in enumerate(ids):
                short[source_id] = f"{name}{chr(ord('a') + index)}" if index < 26 else labels[source_id]
    return short


def _edge_group(relation: str, causal: set[str]) -> str:
    if relation in _GROUP_OF_RELATION:
        return _GROUP_OF_RELATION[relation]
    return "causal" if relation in causal else "other"


def _descriptions(g, iris=None) -> dict[str, dict[str, list[str]]]:
    """Definition, synonyms, identifiers ... of the entities with these IRIs (None: of every entity)."""
    found: dict[str, dict[str, list[str]]] = {}
    rows = (g.select("entity_descriptions") if iris is None
            else g.select("descriptions_of", entity=[URIRef(iri) for iri in sorted(iris)]))
    for row in rows:
        value = curie(str(row.value)) if str(row.field) == "identifier" else str(row.value)
        found.setdefault(curie(str(row.entity)), {}).setdefault(str(row.field), []).append(value)
    return found


def _classes(g, iris=None) -> dict[str, set[str]]:
    """The class labels of the entities with these IRIs (None: of every entity)."""
    found: dict[str, set[str]] = {}
    rows = g.select("entities") if iris is None else g.select("entity_classes", entity=[URIRef(i) for i in sorted(iris)])
    for row in rows:
        label = str(row.classLabel) if row.classLabel is not None else curie(str(row["class"]))
        found.setdefault(curie(str(row.entity)), set()).add(label)
    return found


def _is_node(entity) -> bool:
    """Whether :meth:`~kg.KnowledgeGraph.to_networkx` has a node for ``entity`` even without claims."""
    return entity.kind not in ("", "relation", "literal")


def _projection(reached: dict, claims):
    """The ``reached`` entities and the ``claims`` between two of them as :meth:`~kg.KnowledgeGraph.to_networkx` has them.

    The sources those claims cite are nodes too, as in the whole graph.
    """
    import networkx as nx

    G = nx.MultiDiGraph()
    for end in reached.values():
        G.add_node(end.id, label=end.label, kind=end.kind, iri=end.iri)
    for claim in sorted(claims, key=lambda c: (c.subject.id, c.predicate.id, c.object.id)):
        if claim.subject.id not in reached or claim.object.id not in reached:
            continue
        for cited in claim.sources + claim.contested_by:
            if cited.id not in G and _is_node(cited):
                G.add_node(cited.id, label=cited.label, kind=cited.kind, iri=cited.iri)
        G.add_edge(claim.subject.id, claim.object.id, key=claim.predicate.id, label=claim.predicate.label,
                   status=claim.status, sources=tuple(s.id for s in claim.sources), claim=claim)
    return G


def _claims_among(g, reached: dict, subjects=None, known=()) -> list:
    """The claims from any of ``subjects`` (default: every reached entity) to a ``reached`` entity, but the ``known`` ones.

    One bound query per subject for its bare claim triples (``claim_triples``, cheap), and the
    provenance only of a subject that has a claim still to read: an imported disease has dozens
    of claims out, and reading all their axioms to keep none or one already read cost a focused
    page most of its time. ``known`` holds (subject, predicate, object) IRIs.
    """
    iris = {entity.iri for entity in reached.values()}
    found = []
    for iri in sorted(entity.iri for entity in (reached.values() if subjects is None else subjects)):
        kept = {(str(row.predicate), str(row.object)) for row in g.select("claim_triples", subject=URIRef(iri))
                if str(row.object) in iris and (iri, str(row.predicate), str(row.object)) not in known}
        if kept:
            found += [claim for claim in g.claims(subject=URIRef(iri), predicate=sorted(URIRef(p) for p, _ in kept))
                      if (claim.predicate.iri, claim.object.iri) in kept]
    return found


def _focus_graph(g, entity, depth, nearby_limit=0):
    """The part of :meth:`~kg.KnowledgeGraph.to_networkx` within ``depth`` steps of ``entity``, and each entity's distance.

    Read with one bound query per entity reached (its claims out and in), so it costs in
    proportion to the neighbourhood, not to the graph; the nodes are the entities reached,
    the edges every claim between two of them, as the whole graph would have them. With
    ``nearby_limit``, one ring more is read when the outer ring and the next are no bigger
    than that (at ``depth + 1``; the page shows it on request).
    """
    claims: dict[tuple[str, str, str], object] = {}
    reached = {entity.id: entity}
    distance = {entity.id: 0}

    def ring(frontier, step):
        found = []
        for here in frontier:
            for bound in ("subject", "object"):
                for claim in g.claims(**{bound: here}):
                    claims[claim.subject.id, claim.predicate.id, claim.object.id] = claim
                    for end in (claim.subject, claim.object):
                        if end.id not in reached:
                            reached[end.id] = end
                            distance[end.id] = step
                            found.append(end)
        return found

    frontier = [entity]
    for step in range(1, depth + 1):
        frontier = ring(frontier, step)
    if 0 < len(frontier) <= nearby_limit:
        beyond = ring(frontier, depth + 1)
        if len(beyond) <= nearby_limit:
            frontier = beyond
        else:  # too many to carry: the page offers nothing beyond its ring
            for end in beyond:
                del reached[end.id], distance[end.id]
            frontier = []  # the outer ring's claims were all read just now
    known = {(c.subject.iri, c.predicate.iri, c.object.iri) for c in claims.values()}
    for claim in _claims_among(g, reached, subjects=frontier, known=known):  # between two entities of the outer ring
        claims[claim.subject.id, claim.predicate.id, claim.object.id] = claim
    return _projection(reached, claims.values()), distance


def _cited_graph(g, source):
    """A page about ``source``: it and the ends of the claims it is cited for (or contested by), every claim between them.

    Read through ``claims_citing`` and then one bound query per end, not from the whole graph.
    """
    reached = {source.id: source}
    for row in g.select("claims_citing", source=source.ref):
        for end in (row.subject, row.object):
            found = g.entity(end)
            reached.setdefault(found.id, found)
    return _projection(reached, _claims_among(g, reached)), set(reached)


def _shared_graph(g, shared):
    """A page comparing two conditions: its graph, its entities, the conditions, the chains' edge ids, the summary.

    Its nodes are the two conditions, their shared and unique symptoms and the entities on the
    causal chains between them (both ways); its edges every claim between two of those. All of
    it comes from bound queries (:meth:`~kg.KnowledgeGraph.shared`, :meth:`~kg.KnowledgeGraph.paths`,
    one per node for its claims), so the page costs the same with or without a large import.
    """
    answer = g.shared(*shared)
    first, second = answer.conditions
    chains = g.paths(first, second) + g.paths(second, first)
    reached = {c.id: c for c in answer.conditions}
    for end in [item.symptom for item in answer.shared] + [claim.object for claims in answer.unique.values() for claim in claims]:
        reached.setdefault(end.id, end)
    for step in (step for chain in chains for step in chain.steps):
        for end in (step.subject, step.object):
            reached.setdefault(end.id, end)
    summary = {
        "shared": [item.symptom.id for item in answer.shared],
        **{f"only {c.id}": [claim.object.id for claim in answer.unique[c.id]] for c in answer.conditions},
    }
    chain_ids = [tuple(_edge_id(s.subject.id, s.predicate.id, s.object.id) for s in chain.steps) for chain in chains]
    return _projection(reached, _claims_among(g, reached)), set(reached), (first.id, second.id), chain_ids, summary


def _whole_graph(g):
    """Every claim, for the page of the whole graph; refused when there are more than one page can draw.

    The count comes from :meth:`~kg.KnowledgeGraph.stats` (kept beside a cached store), so a
    graph with a large import is turned away in a moment instead of being read for minutes.
    """
    claims = sum(count.count for count in g.stats().counts if count.group == "relation")
    if claims > WHOLE_GRAPH_LIMIT:
        raise BadExportOption(f"the whole graph has {claims:,} claims, more than one page can draw ({WHOLE_GRAPH_LIMIT:,}): "
                              "export a part of it with --focus ENTITY or --shared A B")
    return g.to_networkx()


def _edge_id(source: str, relation: str, target: str) -> str:
    return f"{source} {relation} {target}"


def _condition_highlights(nodes: dict, edges: list[PageEdge]) -> dict[str, dict[str, list[str]]]:
    """For each condition: its symptoms and the causal chains into and out of it (up to 3 steps)."""
    out_edges: dict[str, list[PageEdge]] = {}
    in_edges: dict[str, list[PageEdge]] = {}
    for edge in edges:
        out_edges.setdefault(edge.source, []).append(edge)
        in_edges.setdefault(edge.target, []).append(edge)
    highlights = {}
    for node in nodes.values():
        if node.kind != "condition":
            continue
        keep_nodes, keep_edges = {node.id}, set()
        for edge in out_edges.get(node.id, []):
            if edge.group == "symptom":
                keep_nodes.add(edge.target)
                keep_edges.add(edge.id)
        for step, end in ((out_edges, "target"), (in_edges, "source")):
            frontier = {node.id}
            for _ in range(_CHAIN_DEPTH):
                reached = set()
                for here in frontier:
                    for edge in step.get(here, []):
                        if edge.group == "causal":
                            keep_edges.add(edge.id)
                            reached.add(getattr(edge, end))
                frontier = reached - keep_nodes
                keep_nodes |= reached
        highlights[node.id] = {"nodes": sorted(keep_nodes), "edges": sorted(keep_edges)}
    return highlights


def page_data(g, *, focus=None, depth=None, shared=None, physics=None, title=None) -> PageData:
    """What the explorer page shows, built from :meth:`~kg.KnowledgeGraph.to_networkx` and friends.

    ``focus`` (with ``depth``, default 1) keeps the neighbourhood of one entity; ``shared``
    (two conditions) keeps them, their shared and unique symptoms and the causal chains
    between them. Sources that back a shown claim are always shown. A focused page also
    carries the next ring out (``nearby`` nodes and edges, hidden until asked for) when that
    ring is small enough to read. ``physics`` keeps the layout live after the page opens
    (default off: the page opens laid out and still).

    Examples
    --------
    >>> from kg import KnowledgeGraph
    >>> page = page_data(KnowledgeGraph.load(), shared=("fibromyalgia", "B12 deficiency"))
    >>> page.conditions
    ('fb:fibromyalgia', 'fb:vitamin-b12-deficiency')
    >>> sorted(page.shared_symptoms)
    ['fb:brain-fog', 'fb:depression', 'fb:fatigue', 'fb:myalgia']
    """
    if focus is not None and shared is not None:
        raise BadExportOption("choose either --focus or --shared, not both")
    if depth is not None and focus is None:
        raise BadExportOption("--depth sets how far around --focus to look: give --focus ENTITY too")
    if depth is not None and depth < 1:
        raise BadExportOption(f"--depth must be 1 or more, not {depth}")
    if shared is not None and len(tuple(shared)) != 2:
        raise BadExportOption("--shared takes exactly two conditions")
    entity = g.resolve(focus) if focus is not None else None
    beyond: set[str] = set()  # the ring past --depth that "show neighbours" brings in
    focus_id, conditions, chains, summary = None, (), [], {}
    # A focused or shared page reads only what it shows, through bound queries: reading the
    # whole graph would take minutes once the HPO is imported.
    if entity is not None and entity.kind != "source":
        G, distance = _focus_graph(g, entity, depth or 1, nearby_limit=NEARBY_LIMIT)
        chosen = set(distance)
        beyond = {node_id for node_id, steps in distance.items() if steps > (depth or 1)}
        mode, focus_id = "focus", entity.id
    elif entity is not None:
        G, chosen = _cited_graph(g, entity)
        mode, focus_id = "focus", entity.id
    elif shared is not None:
        G, chosen, conditions, chains, summary = _shared_graph(g, shared)
        mode = "shared"
    else:
        G = _whole_graph(g)
        chosen = set(G)
        mode = "graph"
    causal = {curie(str(row.property)) for row in g.select("causal_relations")}

    edges = []
    for u, v, key, attrs in G.edges(keys=True, data=True):  # every claim G has lies between two chosen nodes
        claim = attrs["claim"]
        edges.append(PageEdge(
            id=_edge_id(u, key, v), source=u, target=v, relation=key, relation_label=attrs["label"],
            group=_edge_group(key, causal), status=claim.status,
            sources=tuple(s.id for s in claim.sources), contested_by=tuple(s.id for s in claim.contested_by),
            note=claim.note, nearby=u in beyond or v in beyond,
        ))
    edges.sort(key=lambda e: e.id)
    if mode != "graph":  # the sources behind what is shown (and behind what can be brought in)
        cited = {s for edge in edges if not edge.nearby for s in edge.sources + edge.contested_by if s in G}
        beyond |= {s for edge in edges if edge.nearby for s in edge.sources + edge.contested_by if s in G} - cited
        chosen |= cited | beyond
    degree: dict[str, int] = {}
    for edge in edges:
        for end in (edge.source, edge.target):
            degree[end] = degree.get(end, 0) + 1

    symptom_of: dict[str, set[str]] = {}
    for edge in edges:
        if edge.group == "symptom" and not edge.nearby:
            symptom_of.setdefault(edge.target, set()).add(edge.source)
    if mode == "shared":
        shared_ids = set(summary["shared"])
    else:
        shared_ids = {s for s, conditions_of in symptom_of.items() if len(conditions_of) >= 2}

    iris = {G.nodes[node_id]["iri"] for node_id in chosen} if mode != "graph" else None  # never empty
    descriptions, classes = _descriptions(g, iris), _classes(g, iris)
    sources = {G.nodes[node_id]["iri"]: node_id for node_id in chosen if G.nodes[node_id]["kind"] == "source"}
    about_sources = _source_links(g, sources)
    nodes = {}
    for node_id in sorted(chosen):
        attrs = G.nodes[node_id]
        facts = descriptions.get(node_id, {})
        links, evidence_kind = about_sources.get(node_id, ((), None))
        nodes[node_id] = PageNode(
            id=node_id, label=attrs["label"], kind=attrs["kind"] or "other", shared=node_id in shared_ids,
            classes=tuple(sorted(classes.get(node_id, {attrs["kind"] or "other"}))),
            definition=min(facts.get("definition", [None]), key=lambda x: x or ""),
            synonyms=tuple(sorted(set(facts.get("synonym", [])), key=lambda s: (s.casefold(), s))),
            identifiers=tuple(sorted(set(facts.get("identifier", [])))),
            comments=tuple(sorted(set(facts.get("comment", [])))),
            citation=min(facts.get("citation", [None]), key=lambda x: x or ""),
            symptom_of=tuple(sorted(symptom_of.get(node_id, ()))),
            degree=degree.get(node_id, 0), nearby=node_id in beyond, links=links, evidence_kind=evidence_kind,
        )
    names = {node_id: G.nodes[node_id]["label"] for node_id in sorted(chosen)}
    for edge in edges:  # every cited source G has is chosen, so named already; one it has not keeps its id
        for s in edge.sources + edge.contested_by:
            names.setdefault(s, s)
    if title is None:
        title = _DEFAULT_TITLE
        if mode == "focus":
            title = f"Around {names[focus_id]}"
        elif mode == "shared":
            title = f"{names[conditions[0]]} and {names[conditions[1]]}: shared symptoms and chains"
    return PageData(
        title=title,
        mode=mode,
        physics=bool(physics),
        nodes=tuple(nodes.values()),
        edges=tuple(edges),
        names=dict(sorted(names.items())),
        highlights=_condition_highlights(nodes, edges),
        focus=focus_id,
        conditions=conditions,
        chains=tuple(chains),
        summary=summary,
    )


def _source_links(g, sources: dict[str, str]) -> dict[str, tuple[tuple[tuple[str, str], ...], str | None]]:
    """For each source (by id): where it can be read, as (text, https URL) pairs, and its kind of evidence.

    Only http(s) links are kept: the page puts them in ``href``, so a ``javascript:`` IRI in
    the data must never get there.
    """
    if not sources:
        return {}
    facts: dict[str, dict[str, set[str]]] = {}
    for row in g.select("source_links", source=[URIRef(iri) for iri in sorted(sources)]):
        facts.setdefault(sources[str(row.source)], {}).setdefault(str(row.field), set()).add(str(row.value).strip())
    found = {}
    for source_id, fields in facts.items():
        links: dict[str, str] = {}  # url -> text
        for doi in sorted(fields.get("doi", ())):
            doi = re.sub(r"^(https?://(dx\.)?doi\.org/|doi:)", "", doi, flags=re.I)
            if doi:
                links.setdefault(IDENTIFIER_LINKS["DOI"].format(quote(doi, safe="/:;()._-")), f"DOI {doi}")
        for pmid in sorted(fields.get("pmid", ())):
            if pmid.isdigit():
                links.setdefault(IDENTIFIER_LINKS["PMID"].format(pmid), f"PMID {pmid}")
        for url in sorted(fields.get("link", ())):
            if re.match(r"https?://[^\s]+$", url, re.I) and url not in links:
                links[url] = re.sub(r"^https?://(www\.)?", "", url).rstrip("/")
        kind = min(fields.get("evidence kind", ()), default=None)
        found[source_id] = (tuple((text, url) for url, text in links.items()), kind)
    return found


def _legend(page: PageData) -> dict:
    kinds: dict[str, int] = {}
    for node in page.nodes:
        if not node.nearby:
            kinds[node.kind] = kinds.get(node.kind, 0) + 1
    order = list(KIND_STYLES)
    return {
        "kinds": [
            {"kind": kind, "count": count, "color": KIND_STYLES.get(kind, _OTHER_KIND)[0],
             "shape": KIND_STYLES.get(kind, _OTHER_KIND)[1]}
            for kind, count in sorted(kinds.items(), key=lambda kc: (order.index(kc[0]) if kc[0] in order else len(order), kc[0]))
        ],
        "groups": [
            {"group": group, "label": label, "color": color}
            for group, (label, color) in EDGE_GROUPS.items()
            if any(edge.group == group for edge in page.edges)
        ],
        "statuses": [{"status": s, "dashes": d, "count": sum(edge.status == s and not edge.nearby for edge in page.edges)}
                     for s, d in STATUS_DASHES.items() if s != "unknown"],
        "shared": {"count": len(page.shared_symptoms), "border": _SHARED_BORDER, "borderWidth": _SHARED_WIDTH},
    }


def script_json(value) -> str:
    """``value`` as JSON that is safe inside an HTML ``<script>`` element, and always the same text.

    >>> script_json({"label": "</script><img src=x onerror=alert(1)>"})
    '{"label":"\\\\u003c/script\\\\u003e\\\\u003cimg src=x onerror=alert(1)\\\\u003e"}'
    """
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    for char, escaped in (("&", "\\u0026"), ("<", "\\u003c"), (">", "\\u003e"),
                          ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(char, escaped)
    return text


def _node_size(node: PageNode) -> float:
    """Radius on the canvas: grows with the square root of the claims it takes part in."""
    if node.kind == "source":
        return 9
    return round(min(7 + 5 * math.sqrt(node.degree), 44), 1)


def _vis_data(page: PageData) -> tuple[list[dict], list[dict], dict]:
    """The page's nodes and edges as vis-network reads them, placed and styled by class, relation and status.

    Nodes carry no label: the page draws names itself, so that they never collide.
    """
    big = len(page.nodes) > PHYSICS_THRESHOLD
    positions = _class_layout(page) if big else _force_layout(page)
    nodes = []
    for node in page.nodes:
        color, shape = KIND_STYLES.get(node.kind, _OTHER_KIND)
        style = {
            "id": node.id, "shape": shape, "size": _node_size(node), "borderWidth": 1.5,
            "color": {"background": color, "border": _darker(color),
                      "highlight": {"background": color, "border": "#1d2b36"},
                      "hover": {"background": color, "border": "#1d2b36"}},
            "title": f"{node.label} ({node.kind})",
        }
        if node.shared:
            style["borderWidth"] = _SHARED_WIDTH
            style["color"]["border"] = _SHARED_BORDER
            style["title"] = f"{node.label} (symptom shared by {len(node.symptom_of)} conditions)"
        if node.nearby or node.kind == "source":  # the page lists sources on its shelf, not on the canvas
            style["hidden"] = True
        if node.id in positions:
            style["x"], style["y"] = positions[node.id]
        nodes.append(style)
    edges = []
    for edge in page.edges:
        color = EDGE_GROUPS[edge.group][1]
        weak = edge.status in ("unsupported", "refuted", "unknown")
        style = {
            "id": edge.id, "from": edge.source, "to": edge.target,
            "color": {"color": color, "opacity": 0.45 if weak else 0.85, "highlight": color, "hover": color},
            "dashes": STATUS_DASHES.get(edge.status, STATUS_DASHES["unknown"]),
            "width": 2.5 if edge.group == "causal" else 1.5,
            "arrows": {"to": {"enabled": True, "scaleFactor": 0.7 if edge.group == "causal" else 0.45}},
            "title": f"{edge.relation_label} ({edge.status})",
        }
        if edge.nearby:
            style["hidden"] = True
        edges.append(style)
    return nodes, edges, _vis_options(page, big)


def _force_layout(page: PageData, edge_length: float = 110.0) -> dict[str, tuple[int, int]]:
    """Positions by a seeded force layout (networkx), so the page opens still and the same every time.

    The shown nodes are laid out first; a focused page's ``nearby`` nodes are then placed
    around them with the shown ones held still, so that bringing them in moves nothing.
    Lengths are scaled so a typical edge is ``edge_length`` long, then nodes that would
    touch are pushed apart.
    """
    import networkx as nx

    size = {node.id: _node_size(node) for node in page.nodes if node.kind != "source"}
    shown = sorted(node.id for node in page.nodes if node.kind != "source" and not node.nearby)
    if not size:
        return {}
    H = nx.Graph()
    H.add_nodes_from(shown)
    H.add_edges_from(sorted((e.source, e.target) for e in page.edges if e.source in H and e.target in H))
    pos = _pack(_component_layout(_sorted_subgraph(H, part), edge_length)
                for part in sorted(nx.connected_components(H), key=lambda c: (-len(c), min(c))))
    pos = _spread(pos, size, movable=set(shown))
    if len(size) > len(shown):  # a focused page's next ring, placed around what is shown
        everything = nx.Graph(H)
        everything.add_nodes_from(sorted(size))
        everything.add_edges_from(sorted((e.source, e.target) for e in page.edges
                                         if e.source in size and e.target in size))
        pos = nx.spring_layout(everything, pos=pos, fixed=shown, seed=42, iterations=200, k=edge_length)
        pos = _spread(pos, size, movable=set(size) - set(shown))
    return {n: (int(round(x)), int(round(y))) for n, (x, y) in sorted(pos.items())}


def _sorted_subgraph(H, part):
    """``H`` restricted to ``part``, nodes and edges in sorted order: a subgraph view of a few
    nodes iterates a set, whose order changes from run to run, and the layout follows it."""
    import networkx as nx

    C = nx.Graph()
    C.add_nodes_from(sorted(part))
    C.add_edges_from(sorted(tuple(sorted(e)) for e in H.edges(part) if e[0] in part and e[1] in part))
    return C


def _component_layout(C, edge_length: float) -> dict:
    """One connected component placed by stress majorisation (SMACOF), started from a seeded spring layout.

    Each pair of nodes is drawn about as far apart as the graph says, an edge at a hub longer
    than one between two leaves, so a hub's neighbours get room around it for their names.
    """
    import networkx as nx
    import numpy as np

    ids = sorted(C)
    if len(ids) == 1:
        return {ids[0]: np.zeros(2)}
    degree = dict(C.degree())
    lengths = {(u, v): edge_length * (0.5 * (degree[u] ** 0.4 + degree[v] ** 0.4)) for u, v in C.edges()}
    nx.set_edge_attributes(C, {e: {"length": w} for e, w in lengths.items()})
    index = {n: i for i, n in enumerate(ids)}
    D = np.zeros((len(ids), len(ids)))
    for source, found in nx.all_pairs_dijkstra_path_length(C, weight="length"):
        for target, d in found.items():
            D[index[source], index[target]] = d
    start = nx.spring_layout(C, seed=42, iterations=50)  # only a start: stress majorisation does the rest
    X = np.array([start[n] for n in ids]) * edge_length * math.sqrt(len(ids))
    W = np.where(D > 0, 1.0 / np.maximum(D, 1e-9) ** 2, 0.0)
    L = -W
    np.fill_diagonal(L, W.sum(1))
    L_inv = np.linalg.pinv(L)
    for _ in range(200):
        dist = np.sqrt(((X[:, None, :] - X[None, :, :]) ** 2).sum(-1))
        B = -W * D / np.maximum(dist, 1e-9)
        np.fill_diagonal(B, 0)
        np.fill_diagonal(B, -B.sum(1))
        moved = L_inv @ (B @ X)
        settled = np.abs(moved - X).max() < 1.0  # under a unit: nothing a reader could see
        X = moved
        if settled:
            break
    return {n: X[index[n]] for n in ids}


def _pack(layouts, gap: float = 120.0) -> dict:
    """Components side by side in rows, biggest first, so that a small one does not drift off."""
    import numpy as np

    placed: dict = {}
    layouts = list(layouts)  # never empty: a page shows at least one entity that is not a source
    boxes = []
    for pos in layouts:
        xy = np.array(list(pos.values()))
        boxes.append((xy.min(0), xy.max(0)))
    width = max(max(hi[0] - lo[0] for lo, hi in boxes), math.sqrt(sum(np.prod(hi - lo + gap) for lo, hi in boxes)) * 1.2)
    x = y = row = 0.0
    for pos, (lo, hi) in zip(layouts, boxes):
        size = hi - lo
        if x > 0 and x + size[0] > width:
            x, y, row = 0.0, y + row + gap, 0.0
        for n, p in pos.items():
            placed[n] = p - lo + np.array([x, y])
        x += size[0] + gap
        row = max(row, size[1])
    centre = np.mean(list(placed.values()), axis=0)
    return {n: p - centre for n, p in placed.items()}


def _spread(pos: dict, size: dict, movable: set, gap: float = 18.0, rounds: int = 40) -> dict:
    """Push apart nodes whose shapes (plus ``gap``) overlap; only the ``movable`` ones move."""
    import numpy as np

    ids = sorted(pos)
    if len(ids) < 2:
        return pos
    xy = np.array([pos[n] for n in ids], dtype=float)
    radius = np.array([size[n] for n in ids])
    may_move = np.array([n in movable for n in ids])
    need = radius[:, None] + radius[None, :] + gap
    for _ in range(rounds):
        delta = xy[:, None, :] - xy[None, :, :]
        dist = np.sqrt((delta ** 2).sum(-1)) + np.eye(len(xy))
        overlap = np.clip(need - dist, 0, None)
        np.fill_diagonal(overlap, 0)
        if not overlap.any():
            break
        push = (delta / dist[:, :, None] * overlap[:, :, None] / 2).sum(1)
        xy = xy + push * may_move[:, None]
    return dict(zip(ids, xy))


def _class_layout(page: PageData, spacing: int = 60) -> dict[str, tuple[int, int]]:
    """Positions for a large page: one sunflower cluster per class, best-connected nodes in the middle.

    Cheap and deterministic, so that thousands of nodes open at once without a force layout.
    """
    by_kind: dict[str, list[str]] = {}
    degree = {node.id: node.degree for node in page.nodes}
    for node in page.nodes:
        if node.kind != "source":  # the page shelves sources under the graph
            by_kind.setdefault(node.kind, []).append(node.id)
    radii = {kind: spacing * math.sqrt(len(ids)) for kind, ids in by_kind.items()}
    ring = max(sum(2 * r for r in radii.values()) * 1.15 / (2 * math.pi), max(radii.values(), default=0) * 1.2)
    golden = math.pi * (3 - math.sqrt(5))
    positions = {}
    for index, (kind, ids) in enumerate(sorted(by_kind.items())):
        angle = 2 * math.pi * index / len(by_kind)
        cx, cy = (ring * math.cos(angle), ring * math.sin(angle)) if len(by_kind) > 1 else (0.0, 0.0)
        for rank, node_id in enumerate(sorted(ids, key=lambda i: (-degree.get(i, 0), i))):
            r, theta = spacing * math.sqrt(rank), rank * golden
            positions[node_id] = (round(cx + r * math.cos(theta)), round(cy + r * math.sin(theta)))
    return positions


def _darker(color: str) -> str:
    """The colour at two thirds of its brightness, for borders.

    >>> _darker("#c0392b")
    '#80261c'
    """
    r, g, b = (int(color[i:i + 2], 16) * 2 // 3 for i in (1, 3, 5))
    return f"#{r:02x}{g:02x}{b:02x}"


def _vis_options(page: PageData, big: bool) -> dict:
    """vis-network's options: the layout is done, so physics is off unless ``--physics`` asked for it."""
    return {
        "autoResize": True,
        "layout": {"randomSeed": 42, "improvedLayout": False},
        "physics": {
            "enabled": page.physics,
            "solver": "barnesHut",
            "barnesHut": {"gravitationalConstant": -4000, "springLength": 140, "springConstant": 0.02,
                          "damping": 0.4, "avoidOverlap": 0.3},
            "stabilization": {"enabled": False},
            "minVelocity": 2,
        },
        "interaction": {"hover": not big, "tooltipDelay": 250, "hideEdgesOnDrag": big, "hideEdgesOnZoom": big,
                        "multiselect": False, "keyboard": False, "zoomSpeed": 0.6},
        "nodes": {"shapeProperties": {"borderRadius": 3}},
        "edges": {"smooth": False if big else {"enabled": True, "type": "curvedCW", "roundness": 0.1},
                  "selectionWidth": 2, "hoverWidth": 1.5},
    }


@cache
def _asset(name: str) -> str:
    return (_ASSETS / name).read_text(encoding="utf-8")


@cache
def _vis_library() -> tuple[str, str]:
    """vis-network's script and style sheet as pyvis ships them, to inline into the page."""
    import pyvis

    folder = Path(pyvis.__file__).resolve().parent / "lib" / "vis-9.1.2"
    return ((folder / "vis-network.min.js").read_text(encoding="utf-8"),
            (folder / "vis-network.css").read_text(encoding="utf-8"))


def html(g, *, focus=None, depth=None, shared=None, physics=None, title=None) -> bytes:
    """The explorer page for ``g`` as UTF-8 bytes: self-contained and the same for the same graph.

    Options are those of :func:`page_data`.

    >>> from kg import KnowledgeGraph
    >>> page = html(KnowledgeGraph.load(), focus="fibromyalgia")
    >>> page.startswith(b"<!DOCTYPE html>") and b'src="http' not in page
    True
    """
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    page = page_data(g, focus=focus, depth=depth, shared=shared, physics=physics, title=title)
    nodes, edges, options = _vis_data(page)
    vis_js, vis_css = _vis_library()
    env = Environment(loader=FileSystemLoader(_ASSETS), autoescape=select_autoescape(["html", "j2"]),
                      keep_trailing_newline=True)
    env.filters["script_json"] = script_json
    template = env.get_template("explorer.html.j2")
    rendered = template.render(
        title=page.title,
        network=script_json({"nodes": nodes, "edges": edges, "options": options}),
        page=script_json(page.to_dict()),
        vis_js=vis_js,
        vis_css=vis_css,
        explorer_js=_asset("explorer.js"),
        explorer_css=_asset("explorer.css"),
    )
    return rendered.encode("utf-8")
