"""Namespaces of the graph and conversion between IRIs and CURIEs."""

from rdflib import Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS, XSD

__all__ = ["FB", "SRC", "HP", "OMIM", "ORPHA", "PREFIXES", "curie", "expand_curie"]

FB = Namespace("https://w3id.org/fibro-b12/kg#")
SRC = Namespace("https://w3id.org/fibro-b12/source/")
HP = Namespace("http://purl.obolibrary.org/obo/HP_")
OMIM = Namespace("https://omim.org/entry/")
ORPHA = Namespace("http://www.orpha.net/ORDO/Orphanet_")

#: Prefixes bound in every query and used to shorten IRIs for display.
PREFIXES: dict[str, Namespace] = {
    "fb": FB,
    "src": SRC,
    "HP": HP,
    "OMIM": OMIM,
    "ORPHA": ORPHA,
    "rdf": Namespace(str(RDF)),
    "rdfs": Namespace(str(RDFS)),
    "owl": Namespace(str(OWL)),
    "skos": Namespace(str(SKOS)),
    "dcterms": Namespace(str(DCTERMS)),
    "xsd": Namespace(str(XSD)),
}

# Longest namespace first so that a namespace that is a prefix of another cannot win.
_BY_LENGTH = sorted(PREFIXES.items(), key=lambda item: -len(item[1]))
_CASEFOLDED = {prefix.casefold(): prefix for prefix in PREFIXES}


def curie(iri: str) -> str:
    """Shorten ``iri`` to a CURIE when a known namespace covers it.

    >>> curie("https://w3id.org/fibro-b12/kg#fibromyalgia")
    'fb:fibromyalgia'
    >>> curie("http://example.org/x")
    'http://example.org/x'
    """
    for prefix, namespace in _BY_LENGTH:
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{prefix}:{iri[len(namespace):]}"
    return str(iri)


def expand_curie(text: str) -> URIRef | None:
    """The IRI a CURIE stands for, or None when ``text`` is not a CURIE of a known prefix.

    The prefix is matched case-insensitively (``hp:0012378`` works as well as ``HP:0012378``).

    >>> expand_curie("HP:0012378")
    rdflib.term.URIRef('http://purl.obolibrary.org/obo/HP_0012378')
    >>> expand_curie("fibromyalgia") is None
    True
    """
    prefix, sep, local = text.partition(":")
    if not sep or not local or local.startswith("//"):
        return None
    known = _CASEFOLDED.get(prefix.casefold())
    if known is None:
        return None
    return URIRef(PREFIXES[known] + local)
