"""Writing Turtle the way ``kg add`` and the curators lay it out.

One block per subject (``rdf:type`` first, then label, synonyms, definition, identifiers),
each claim followed by its ``owl:Axiom`` with the claim on the first line and the provenance
on the next, as in ``ontology/curated.ttl``. IRIs become CURIEs of the project's prefixes
where Turtle allows it; every literal is written by rdflib, so escaped.
"""

import unicodedata
from collections.abc import Iterable

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

from .namespaces import PREFIXES
from .rdflib_namespaces import FB

__all__ = [
    "HEADER", "FILE_PREFIXES", "term", "subject_block", "axiom_block", "prefix_lines", "missing_prefixes",
    "is_relation", "axioms_of", "render_file", "render_entity", "is_pn_local",
]

HEADER = (
    "# Extension of the fibromyalgia / vitamin B12 knowledge graph, written by `kg add`.\n"
    "# It is loaded on top of the shipped ontology; check it with `kg validate FILE`.\n"
)
FILE_PREFIXES = ("fb", "src", "owl", "rdfs", "skos", "dcterms", "HP", "OMIM", "ORPHA")
# The order of an entity's predicates in its block; others follow, sorted.
_PREDICATE_ORDER = [RDF.type, RDFS.label, SKOS.altLabel, SKOS.definition, SKOS.exactMatch,
                    DCTERMS.bibliographicCitation, RDFS.comment]
_AXIOM_ORDER = [RDF.type, OWL.annotatedSource, OWL.annotatedProperty, OWL.annotatedTarget,
                FB.source, FB.evidenceStatus, FB.contestedBy, RDFS.comment]


def is_pn_local(local: str) -> bool:
    """Whether ``local`` can follow ``prefix:`` in Turtle as it is (letters of any script, digits, _ - .).

    >>> is_pn_local("chronic-fatigue"), is_pn_local("日本語"), is_pn_local("a b"), is_pn_local("x.")
    (True, True, False, False)
    """
    if not local or local[0] in "-." or local[-1] == ".":
        return False
    return all(c in "_-." or (unicodedata.category(c) in _NAME_CATEGORIES and (c.isascii() or ord(c) >= 0xC0))
               for c in local)


_NAME_CATEGORIES = {"Lu", "Ll", "Lt", "Lm", "Lo", "Nd"}


def term(node, prefixes: dict[str, str]) -> str:
    """``node`` as Turtle: a CURIE where one of ``prefixes`` covers it, else ``<IRI>``."""
    if isinstance(node, Literal):
        return node.n3()
    if isinstance(node, BNode):
        return f"_:{node}"
    iri = str(node)
    for prefix, namespace in sorted(prefixes.items(), key=lambda item: -len(item[1])):
        local = iri[len(namespace):]
        if iri.startswith(namespace) and is_pn_local(local):
            return f"{prefix}:{local}"
    return "<" + iri.replace("\\", "%5C").replace(">", "%3E") + ">"


def _ordered(predicates: Iterable, order: list) -> list:
    return sorted(set(predicates), key=lambda p: (order.index(p) if p in order else len(order), str(p)))


def _objects(graph: Graph, subject, predicate, prefixes) -> str:
    terms = sorted(graph.objects(subject, predicate), key=lambda o: (isinstance(o, Literal), str(o)))
    return ", ".join(term(o, prefixes) for o in terms)


def subject_block(graph: Graph, subject, prefixes: dict[str, str]) -> str:
    """One subject and everything ``graph`` says about it, as a Turtle block."""
    lines = []
    for predicate in _ordered(graph.predicates(subject, None), _PREDICATE_ORDER):
        verb = "a" if predicate == RDF.type else term(predicate, prefixes)
        lines.append(f"{verb} {_objects(graph, subject, predicate, prefixes)}")
    return f"{term(subject, prefixes)} " + " ;\n    ".join(lines) + " .\n"


def axiom_block(graph: Graph, axiom, prefixes: dict[str, str]) -> str:
    """An owl:Axiom laid out as in curated.ttl: the claim on the first line, provenance after."""
    parts = []
    for predicate in _ordered(graph.predicates(axiom, None), _AXIOM_ORDER):
        verb = "a" if predicate == RDF.type else term(predicate, prefixes)
        parts.append((predicate, f"{verb} {_objects(graph, axiom, predicate, prefixes)}"))
    head = [text for p, text in parts if p in _AXIOM_ORDER[:4]]
    provenance = [text for p, text in parts if p in (FB.source, FB.evidenceStatus, FB.contestedBy)]
    rest = [text for p, text in parts if p not in _AXIOM_ORDER[:7]]
    rows = [" ; ".join(head)] + ([" ; ".join(provenance)] if provenance else []) + rest
    return "[] " + " ;\n   ".join(rows) + " .\n"


def prefix_lines(prefixes: Iterable[str]) -> str:
    return "".join(f"@prefix {p}: <{PREFIXES[p]}> .\n" for p in prefixes)


def missing_prefixes(declared: dict[str, str]) -> list[str]:
    return [p for p in FILE_PREFIXES if declared.get(p) != str(PREFIXES[p])]


def is_relation(graph: Graph, predicate) -> bool:
    return (predicate, RDFS.subPropertyOf, None) in graph and any(
        str(p) == str(FB.relation) for p in graph.transitive_objects(predicate, RDFS.subPropertyOf))


def axioms_of(graph: Graph, s, p, o) -> list:
    return [a for a in graph.subjects(OWL.annotatedSource, s)
            if (a, OWL.annotatedProperty, p) in graph and (a, OWL.annotatedTarget, o) in graph]


def render_file(file: Graph, schema: Graph, line_of: dict | None = None) -> str:
    """A whole extension file in kg's layout: entities first, then each claim with its axiom.

    ``schema`` tells claims (relations of the schema) from other triples; blocks keep the
    order of ``line_of`` (the lines they were read from) and new ones follow, sorted.
    """
    prefixes = {p: str(PREFIXES[p]) for p in FILE_PREFIXES}
    line_of = line_of or {}

    def first(triples) -> tuple:
        lines = [line_of[t] for t in triples if t in line_of]
        return (min(lines) if lines else float("inf"), str(triples[0][0]) if triples else "")

    claims = [(s, p, o) for s, p, o in file if is_relation(schema, p)]
    claimed_axioms = {a for s, p, o in claims for a in axioms_of(file, s, p, o)}
    other = Graph()
    for triple in file:
        if triple not in claims and triple[0] not in claimed_axioms:
            other.add(triple)
    blocks = []
    for subject in set(other.subjects()):
        if (subject, RDF.type, OWL.Axiom) in other and isinstance(subject, BNode) and not any(other.subjects(None, subject)):
            text = axiom_block(other, subject, prefixes)
        else:
            text = subject_block(other, subject, prefixes)
        blocks.append((first(list(other.triples((subject, None, None)))), text))
    for s, p, o in claims:
        text = f"{term(s, prefixes)} {term(p, prefixes)} {term(o, prefixes)} .\n"
        text += "".join(axiom_block(file, a, prefixes) for a in sorted(axioms_of(file, s, p, o)))
        blocks.append((first([(s, p, o)]), text))
    blocks.sort(key=lambda item: item[0])
    return HEADER + prefix_lines(FILE_PREFIXES) + "".join("\n" + text for _, text in blocks)


def render_entity(iri: URIRef, cls: URIRef, label: str, synonyms: Iterable[str] = (),
                  definition: str | None = None, matches: Iterable[URIRef] = ()) -> tuple[Graph, str]:
    """The triples of a new entity of class ``cls`` and their Turtle block.

    >>> print(render_entity(FB["chronic-fatigue-syndrome"], FB.Condition, "chronic fatigue syndrome", ["CFS"])[1])
    fb:chronic-fatigue-syndrome a owl:NamedIndividual, fb:Condition ;
        rdfs:label "chronic fatigue syndrome" ;
        skos:altLabel "CFS" .
    <BLANKLINE>
    """
    graph = Graph()
    graph.add((iri, RDF.type, OWL.NamedIndividual))
    graph.add((iri, RDF.type, cls))
    graph.add((iri, RDFS.label, Literal(label)))
    for synonym in synonyms:
        graph.add((iri, SKOS.altLabel, Literal(synonym)))
    if definition:
        graph.add((iri, SKOS.definition, Literal(definition)))
    for match in matches:
        graph.add((iri, SKOS.exactMatch, match))
    return graph, subject_block(graph, iri, {p: str(PREFIXES[p]) for p in FILE_PREFIXES})
