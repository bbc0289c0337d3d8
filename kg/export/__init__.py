"""Exporting the graph to files: RDF serialisations, GraphML for network tools.

:data:`EXPORTERS` maps a format name to a function ``(graph, **options) -> bytes``.
"""

from collections.abc import Callable

from ..errors import BadQuery

__all__ = ["EXPORTERS", "export"]


def _rdf(fmt: str) -> Callable:
    def exporter(g, **options) -> bytes:
        return g.rdf.serialize(format=fmt, encoding="utf-8")

    exporter.__doc__ = f"The whole graph serialised by rdflib as {fmt}."
    return exporter


def graphml(g, **options) -> bytes:
    """The networkx projection of the claims as GraphML (sources joined by spaces).

    >>> from kg import KnowledgeGraph
    >>> b"<graphml" in graphml(KnowledgeGraph.load())
    True
    """
    import io

    import networkx as nx

    G = g.to_networkx()
    for _, _, attrs in G.edges(data=True):
        attrs["sources"] = " ".join(attrs["sources"])
        del attrs["claim"]
    buffer = io.BytesIO()
    nx.write_graphml(G, buffer)
    return buffer.getvalue()


EXPORTERS: dict[str, Callable] = {
    "ttl": _rdf("turtle"),
    "nt": _rdf("nt"),
    "jsonld": _rdf("json-ld"),
    "graphml": graphml,
}


def export(g, fmt: str, **options) -> bytes:
    """The graph ``g`` in format ``fmt``; an unknown format raises :class:`BadQuery`."""
    try:
        exporter = EXPORTERS[fmt]
    except KeyError:
        raise BadQuery(f"unknown export format {fmt!r} (known: {', '.join(EXPORTERS)})") from None
    return exporter(g, **options)
