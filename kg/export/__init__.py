"""Exporting the graph to files: RDF serialisations, GraphML for network tools, the HTML explorer.

:data:`EXPORTERS` maps a format name to a function ``(graph, **options) -> bytes``; the
keyword arguments a function declares are the options its format takes.
"""

import inspect
from collections.abc import Callable

from ..errors import BadExportOption, BadQuery
from .html import html

__all__ = ["EXPORTERS", "export", "format_for"]


def _rdf(fmt: str) -> Callable:
    def exporter(g) -> bytes:
        return g.rdf.serialize(format=fmt, encoding="utf-8")

    exporter.__doc__ = f"The whole graph serialised by rdflib as {fmt}."
    return exporter


def graphml(g) -> bytes:
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
    "html": html,
}


#: The format a file name's extension asks for, when --format is not given.
EXTENSIONS = {".ttl": "ttl", ".nt": "nt", ".jsonld": "jsonld", ".json": "jsonld", ".graphml": "graphml",
              ".html": "html", ".htm": "html"}


def format_for(path: str) -> str:
    """The export format ``path``'s extension names; Turtle for another extension or ``-``.

    >>> format_for("explorer.HTML"), format_for("graph.nt"), format_for("-")
    ('html', 'nt', 'ttl')
    """
    from pathlib import PurePath

    return EXTENSIONS.get(PurePath(path).suffix.lower(), "ttl")


def export(g, fmt: str, **options) -> bytes:
    """The graph ``g`` in format ``fmt``; options left as None are not given.

    An unknown format raises :class:`BadQuery`; an option the format does not take raises
    :class:`BadExportOption`.
    """
    try:
        exporter = EXPORTERS[fmt]
    except KeyError:
        raise BadQuery(f"unknown export format {fmt!r} (known: {', '.join(EXPORTERS)})") from None
    given = {name: value for name, value in options.items() if value is not None}
    accepted = [p.name for p in inspect.signature(exporter).parameters.values() if p.kind is p.KEYWORD_ONLY]
    refused = [name for name in given if name not in accepted]
    if refused:
        names = ", ".join(f"--{name}" for name in refused)
        takers = sorted(f for f, e in EXPORTERS.items() if set(refused) <= set(inspect.signature(e).parameters))
        hint = f"use --format {' or '.join(takers)}" if takers else "drop them"
        raise BadExportOption(f"{names} does not apply to --format {fmt}: {hint}")
    return exporter(g, **given)
