"""Namespaces of the graph and conversion between IRIs and CURIEs."""

from .terms import IRI

__all__ = ["Namespace", "FB", "SRC", "HP", "OMIM", "ORPHA", "RDF", "RDFS", "OWL", "SKOS", "DCTERMS", "XSD", "PREFIXES",
           "curie", "expand_curie"]


class Namespace(str):
    """An IRI prefix whose terms are :class:`~kg.terms.IRI` s: ``FB.Condition``, ``FB["vitamin-b12"]``.

    >>> FB["vitamin-b12"], FB.Condition == "https://w3id.org/fibro-b12/kg#Condition"
    (IRI('https://w3id.org/fibro-b12/kg#vitamin-b12'), True)
    """

    __slots__ = ()

    def __getitem__(self, name: str) -> IRI:
        return IRI(str.__add__(self, name))

    def __getattr__(self, name: str) -> IRI:
        if name.startswith("__"):
            raise AttributeError(name)
        return IRI(str.__add__(self, name))

    def term(self, name: str) -> IRI:
        return IRI(str.__add__(self, name))

    def __repr__(self) -> str:
        return f"Namespace({str.__repr__(self)})"


FB = Namespace("https://w3id.org/fibro-b12/kg#")
SRC = Namespace("https://w3id.org/fibro-b12/source/")
HP = Namespace("http://purl.obolibrary.org/obo/HP_")
OMIM = Namespace("https://omim.org/entry/")
ORPHA = Namespace("http://www.orpha.net/ORDO/Orphanet_")
RDF = Namespace("http://www.w3.org/1999/02/22-rdf-syntax-ns#")
RDFS = Namespace("http://www.w3.org/2000/01/rdf-schema#")
OWL = Namespace("http://www.w3.org/2002/07/owl#")
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
DCTERMS = Namespace("http://purl.org/dc/terms/")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")

#: Prefixes bound in every query and used to shorten IRIs for display.
PREFIXES: dict[str, Namespace] = {
    "fb": FB,
    "src": SRC,
    "HP": HP,
    "OMIM": OMIM,
    "ORPHA": ORPHA,
    "rdf": RDF,
    "rdfs": RDFS,
    "owl": OWL,
    "skos": SKOS,
    "dcterms": DCTERMS,
    "xsd": XSD,
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


def expand_curie(text: str) -> IRI | None:
    """The IRI a CURIE stands for, or None when ``text`` is not a CURIE of a known prefix.

    The prefix is matched case-insensitively (``hp:0012378`` works as well as ``HP:0012378``).

    >>> expand_curie("HP:0012378")
    IRI('http://purl.obolibrary.org/obo/HP_0012378')
    >>> expand_curie("fibromyalgia") is None
    True
    """
    prefix, sep, local = text.partition(":")
    if not sep or not local or local.startswith("//"):
        return None
    known = _CASEFOLDED.get(prefix.casefold())
    if known is None:
        return None
    return PREFIXES[known][local]
