"""The interactive HTML explorer: one self-contained page to browse the graph in a browser.

:func:`page_data` builds what the page shows (nodes, claims, details, shared symptoms,
highlight sets, legend) from the library's answers; :func:`html` turns it into a pyvis
network and renders it with this package's own template, vis-network inlined, so that the
page opens from disk with no network at all. Every text from the graph reaches the page as
JSON escaped for a ``<script>`` element and is put into the DOM with ``textContent`` only.
"""

import json
from dataclasses import asdict, dataclass, field
from functools import cache
from pathlib import Path

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
]

_HERE = Path(__file__).resolve().parent
_ASSETS = _HERE / "assets"

#: Above this many nodes the page is laid out here, class by class, and physics is off
#: unless asked for: a force layout of thousands of nodes would keep the browser busy.
PHYSICS_THRESHOLD = 400

#: Colour and vis-network shape of each class (the kind label of :class:`kg.model.Entity`).
KIND_STYLES: dict[str, tuple[str, str]] = {
    "condition": ("#c0392b", "ellipse"),
    "symptom": ("#f0a030", "dot"),
    "mechanism": ("#8e44ad", "diamond"),
    "biological process": ("#16a085", "triangle"),
    "biomolecule": ("#5d7fa3", "hexagon"),
    "nutrient": ("#27ae60", "star"),
    "food source": ("#9bc53d", "triangleDown"),
    "diagnostic test": ("#2e86c1", "square"),
    "diagnostic criterion": ("#a9d3f0", "box"),
    "anatomical site": ("#e07a9b", "hexagon"),
    "intervention": ("#1e8449", "square"),
    "exposure": ("#a0522d", "triangleDown"),
    "source": ("#d3d9de", "box"),
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
        return data


def _edge_group(relation: str, causal: set[str]) -> str:
    if relation in _GROUP_OF_RELATION:
        return _GROUP_OF_RELATION[relation]
    return "causal" if relation in causal else "other"


def _descriptions(g) -> dict[str, dict[str, list[str]]]:
    found: dict[str, dict[str, list[str]]] = {}
    for row in g.select("entity_descriptions"):
        value = curie(str(row.value)) if str(row.field) == "identifier" else str(row.value)
        found.setdefault(curie(str(row.entity)), {}).setdefault(str(row.field), []).append(value)
    return found


def _descriptions_of(g, iris) -> dict[str, dict[str, list[str]]]:
    if not iris:
        return {}
    found: dict[str, dict[str, list[str]]] = {}
    for row in g.select("descriptions_of", entity=[URIRef(iri) for iri in sorted(iris)]):
        value = curie(str(row.value)) if str(row.field) == "identifier" else str(row.value)
        found.setdefault(curie(str(row.entity)), {}).setdefault(str(row.field), []).append(value)
    return found


def _classes(g, iris=None) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    if iris is not None and not iris:
        return found
    rows = g.select("entities") if iris is None else g.select("entity_classes", entity=[URIRef(i) for i in sorted(iris)])
    for row in rows:
        label = str(row.classLabel) if row.classLabel is not None else curie(str(row["class"]))
        found.setdefault(curie(str(row.entity)), set()).add(label)
    return found


def _is_node(entity) -> bool:
    """Whether :meth:`~kg.KnowledgeGraph.to_networkx` has a node for ``entity`` even without claims."""
    return entity.kind not in ("", "relation", "literal")


def _focus_graph(g, entity, depth):
    """The part of :meth:`~kg.KnowledgeGraph.to_networkx` within ``depth`` steps of ``entity``, and those steps' entities.

    Read with one bound query per entity reached (its claims out and in), so it costs in
    proportion to the neighbourhood, not to the graph; the nodes are the entities reached,
    the edges every claim between two of them, as the whole graph would have them.
    """
    import networkx as nx

    claims: dict[tuple[str, str, str], object] = {}
    reached = {entity.id: entity}
    frontier = [entity]
    for _ in range(depth):
        found = []
        for here in frontier:
            for bound in ("subject", "object"):
                for claim in g.claims(**{bound: here}):
                    claims[claim.subject.id, claim.predicate.id, claim.object.id] = claim
                    for end in (claim.subject, claim.object):
                        if end.id not in reached:
                            reached[end.id] = end
                            found.append(end)
        frontier = found
    for here in frontier:  # the claims between two entities of the outer ring
        for claim in g.claims(subject=here):
            if claim.object.id in reached:
                claims[claim.subject.id, claim.predicate.id, claim.object.id] = claim
    G = nx.MultiDiGraph()
    for end in reached.values():
        G.add_node(end.id, label=end.label, kind=end.kind, iri=end.iri)
    for claim in sorted(claims.values(), key=lambda c: (c.subject.id, c.predicate.id, c.object.id)):
        for cited in claim.sources + claim.contested_by:
            if cited.id not in G and _is_node(cited):
                G.add_node(cited.id, label=cited.label, kind=cited.kind, iri=cited.iri)
        G.add_edge(claim.subject.id, claim.object.id, key=claim.predicate.id, label=claim.predicate.label,
                   status=claim.status, sources=tuple(s.id for s in claim.sources), claim=claim)
    return G, set(reached)


def _selection(g, G, focus, depth, shared):
    """The nodes the page shows, its mode, and what --shared adds (conditions, chains, summary)."""
    from ..algorithms import neighbourhood

    if focus is not None:
        entity = g.resolve(focus)
        if entity.kind == "source":  # a source has no edges of its own: show the claims it is cited for
            cited = {end for u, v, claim in G.edges(data="claim")
                     if entity in claim.sources + claim.contested_by for end in (u, v)}
            return "focus", cited | {entity.id}, entity.id, (), [], {}
        return "focus", set(neighbourhood(G, entity.id, depth)), entity.id, (), [], {}
    if shared is not None:
        answer = g.shared(*shared)
        first, second = answer.conditions
        chains = g.paths(first, second) + g.paths(second, first)
        nodes = {first.id, second.id}
        nodes |= {item.symptom.id for item in answer.shared}
        nodes |= {claim.object.id for claims in answer.unique.values() for claim in claims}
        nodes |= {end.id for chain in chains for step in chain.steps for end in (step.subject, step.object)}
        summary = {
            "shared": [item.symptom.id for item in answer.shared],
            **{f"only {c.id}": [claim.object.id for claim in answer.unique[c.id]] for c in answer.conditions},
        }
        chain_ids = [tuple(_edge_id(s.subject.id, s.predicate.id, s.object.id) for s in chain.steps) for chain in chains]
        return "shared", nodes, None, (first.id, second.id), chain_ids, summary
    return "graph", set(G), None, (), [], {}


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
    between them. Sources that back a shown claim are always shown. ``physics`` defaults to
    on up to :data:`PHYSICS_THRESHOLD` nodes.

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
    if entity is not None and entity.kind != "source":
        # Only the neighbourhood: reading the whole graph would take minutes once the HPO is imported.
        G, chosen = _focus_graph(g, entity, depth or 1)
        mode, focus_id, conditions, chains, summary = "focus", entity.id, (), [], {}
    else:
        G = g.to_networkx()
        mode, chosen, focus_id, conditions, chains, summary = _selection(g, G, focus, depth or 1, shared)
    causal = {curie(str(row.property)) for row in g.select("causal_relations")}

    edges = []
    for u, v, key, attrs in G.edges(keys=True, data=True):
        if u not in chosen or v not in chosen:
            continue
        claim = attrs["claim"]
        edges.append(PageEdge(
            id=_edge_id(u, key, v), source=u, target=v, relation=key, relation_label=attrs["label"],
            group=_edge_group(key, causal), status=claim.status,
            sources=tuple(s.id for s in claim.sources), contested_by=tuple(s.id for s in claim.contested_by),
            note=claim.note,
        ))
    edges.sort(key=lambda e: e.id)
    if mode != "graph":  # the sources behind what is shown
        chosen |= {s for edge in edges for s in edge.sources + edge.contested_by if s in G}

    symptom_of: dict[str, set[str]] = {}
    for edge in edges:
        if edge.group == "symptom":
            symptom_of.setdefault(edge.target, set()).add(edge.source)
    if mode == "shared":
        shared_ids = set(summary["shared"])
    else:
        shared_ids = {s for s, conditions_of in symptom_of.items() if len(conditions_of) >= 2}

    if mode == "focus":
        iris = {G.nodes[node_id]["iri"] for node_id in chosen}
        descriptions, classes = _descriptions_of(g, iris), _classes(g, iris)
    else:
        descriptions, classes = _descriptions(g), _classes(g)
    nodes = {}
    for node_id in sorted(chosen):
        attrs = G.nodes[node_id]
        facts = descriptions.get(node_id, {})
        nodes[node_id] = PageNode(
            id=node_id, label=attrs["label"], kind=attrs["kind"] or "other", shared=node_id in shared_ids,
            classes=tuple(sorted(classes.get(node_id, {attrs["kind"] or "other"}))),
            definition=min(facts.get("definition", [None]), key=lambda x: x or ""),
            synonyms=tuple(sorted(set(facts.get("synonym", [])), key=lambda s: (s.casefold(), s))),
            identifiers=tuple(sorted(set(facts.get("identifier", [])))),
            comments=tuple(sorted(set(facts.get("comment", [])))),
            citation=min(facts.get("citation", [None]), key=lambda x: x or ""),
            symptom_of=tuple(sorted(symptom_of.get(node_id, ()))),
        )
    names = {node_id: G.nodes[node_id]["label"] for node_id in sorted(chosen)}
    for edge in edges:
        for claim_end in (edge.source, edge.target):
            names.setdefault(claim_end, G.nodes[claim_end]["label"])
        for s in edge.sources + edge.contested_by:
            names.setdefault(s, G.nodes[s]["label"] if s in G else s)
    if title is None:
        title = _DEFAULT_TITLE
        if mode == "focus":
            title = f"Around {names[focus_id]}"
        elif mode == "shared":
            title = f"{names[conditions[0]]} and {names[conditions[1]]}: shared symptoms and chains"
    return PageData(
        title=title,
        mode=mode,
        physics=len(nodes) <= PHYSICS_THRESHOLD if physics is None else physics,
        nodes=tuple(nodes.values()),
        edges=tuple(edges),
        names=dict(sorted(names.items())),
        highlights=_condition_highlights(nodes, edges),
        focus=focus_id,
        conditions=conditions,
        chains=tuple(chains),
        summary=summary,
    )


def _legend(page: PageData) -> dict:
    kinds: dict[str, int] = {}
    for node in page.nodes:
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
        "statuses": [{"status": s, "dashes": d} for s, d in STATUS_DASHES.items() if s != "unknown"],
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


def _network(page: PageData):
    """The page's nodes and edges as a pyvis network, styled by class, relation and status."""
    from pyvis.network import Network

    net = Network(directed=True, height="100%", width="100%")  # drawn by our own template, not pyvis's
    big = len(page.nodes) > PHYSICS_THRESHOLD
    positions = _class_layout(page) if big else {}
    for node in page.nodes:
        color, shape = KIND_STYLES.get(node.kind, _OTHER_KIND)
        inside = shape in ("ellipse", "box")
        light = inside and _brightness(color) > 160  # dark text on light boxes, white on dark ones
        style = {
            "shape": shape,
            "color": {"background": color, "border": _darker(color),
                      "highlight": {"background": color, "border": "#222222"},
                      "hover": {"background": color, "border": "#222222"}},
            "borderWidth": 1.5,
            "font": {"color": ("#1d2b36" if light else "#ffffff") if inside else "#263238",
                     "size": 17 if inside else 21, "strokeWidth": 0 if inside else 4},
            "size": 15,
            "title": f"{node.label} ({node.kind})",
        }
        if node.kind == "condition":
            style["font"] = {"color": "#ffffff", "size": 23, "strokeWidth": 0}
            style["mass"] = 2.5
        if node.kind == "source":
            style["physics"] = False  # sources carry no edges: the page lines them up below the graph
        if node.shared:
            style["size"] = 22
            style["borderWidth"] = _SHARED_WIDTH
            style["color"]["border"] = _SHARED_BORDER
            style["font"] = {**style["font"], "size": style["font"]["size"] + 2, "bold": not inside}
            style["title"] = f"{node.label} (symptom shared by {len(node.symptom_of) or 2} conditions)"
        if inside:
            style["margin"] = 8
            style["widthConstraint"] = {"maximum": 170}
        if node.id in positions:
            style["x"], style["y"] = positions[node.id]
        net.add_node(node.id, label=node.label, **style)
    for edge in page.edges:
        color = EDGE_GROUPS[edge.group][1]
        weak = edge.status in ("unsupported", "refuted", "unknown")
        net.add_edge(
            edge.source, edge.target, id=edge.id,
            color={"color": color, "opacity": 0.45 if weak else 0.85, "highlight": color, "hover": color},
            dashes=STATUS_DASHES.get(edge.status, STATUS_DASHES["unknown"]),
            width=2.5 if edge.group == "causal" else 1.5,
            arrows={"to": {"enabled": True, "scaleFactor": 0.8 if edge.group == "causal" else 0.45}},
            title=f"{edge.relation_label} ({edge.status})",
        )
    net.options = _vis_options(page, big)
    return net


def _class_layout(page: PageData, spacing: int = 60) -> dict[str, tuple[int, int]]:
    """Positions for a large page: one sunflower cluster per class, best-connected nodes in the middle.

    Cheap and deterministic, so that thousands of nodes open at once without a force layout.
    """
    import math

    degree: dict[str, int] = {}
    for edge in page.edges:
        degree[edge.source] = degree.get(edge.source, 0) + 1
        degree[edge.target] = degree.get(edge.target, 0) + 1
    by_kind: dict[str, list[str]] = {}
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


def _brightness(color: str) -> int:
    """Perceived brightness of a ``#rrggbb`` colour, 0 to 255."""
    r, g, b = (int(color[i:i + 2], 16) for i in (1, 3, 5))
    return (299 * r + 587 * g + 114 * b) // 1000


def _darker(color: str) -> str:
    """The colour at two thirds of its brightness, for borders.

    >>> _darker("#c0392b")
    '#80261c'
    """
    r, g, b = (int(color[i:i + 2], 16) * 2 // 3 for i in (1, 3, 5))
    return f"#{r:02x}{g:02x}{b:02x}"


def _vis_options(page: PageData, big: bool) -> dict:
    return {
        "autoResize": True,
        "layout": {"randomSeed": 42, "improvedLayout": not big},
        "physics": {
            # A small page always settles by force first (and freezes afterwards if physics is off);
            # a large one comes laid out by class and runs physics only when asked to.
            "enabled": page.physics or not big,
            "solver": "barnesHut" if big else "forceAtlas2Based",
            "forceAtlas2Based": {"gravitationalConstant": -110, "centralGravity": 0.02, "springLength": 105,
                                 "springConstant": 0.06, "damping": 0.7, "avoidOverlap": 0.8},
            "barnesHut": {"gravitationalConstant": -6000, "springLength": 120, "springConstant": 0.03,
                          "damping": 0.3, "avoidOverlap": 0.1},
            "stabilization": {"enabled": True, "iterations": 100 if big else 1000, "updateInterval": 25, "fit": True},
            "minVelocity": 3,  # comes to rest within seconds instead of jittering on
            "maxVelocity": 40,
        },
        "interaction": {"hover": not big, "tooltipDelay": 200, "hideEdgesOnDrag": big, "hideEdgesOnZoom": big,
                        "multiselect": False},
        "nodes": {"font": {"face": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif",
                           "strokeWidth": 4, "strokeColor": "#ffffff"},
                  "shapeProperties": {"borderRadius": 6}},
        "edges": {"smooth": False if big else {"enabled": True, "type": "continuous", "roundness": 0.3},
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
    net = _network(page)
    nodes, edges, _, _, _, options = net.get_network_data()
    vis_js, vis_css = _vis_library()
    env = Environment(loader=FileSystemLoader(_ASSETS), autoescape=select_autoescape(["html", "j2"]),
                      keep_trailing_newline=True)
    env.filters["script_json"] = script_json
    template = env.get_template("explorer.html.j2")
    rendered = template.render(
        title=page.title,
        network=script_json({"nodes": nodes, "edges": edges, "options": json.loads(options)}),
        page=script_json(page.to_dict()),
        vis_js=vis_js,
        vis_css=vis_css,
        explorer_js=_asset("explorer.js"),
        explorer_css=_asset("explorer.css"),
    )
    return rendered.encode("utf-8")
