"""Exporting the graph to files: RDF serialisations, GraphML for network tools, the HTML explorer.

:data:`EXPORTERS` maps a format name to a function ``(graph, **options) -> bytes``; the
keyword arguments a function declares are the options its format takes.
"""

import inspect
import io
from collections.abc import Callable
from typing import BinaryIO

from ..errors import BadExportOption, BadQuery
from .html import html

__all__ = ["EXPORTERS", "export", "export_to", "format_for", "write_rdf"]


def write_rdf(g, fmt: str, out: BinaryIO) -> None:
    """Write the whole graph ``g`` to the binary file ``out`` as ``fmt`` (ttl, nt or jsonld).

    An Oxigraph store serialises itself, streaming; any other backend goes through rdflib.

    >>> import io
    >>> from kg import KnowledgeGraph
    >>> out = io.BytesIO()
    >>> write_rdf(KnowledgeGraph.load(), "nt", out)
    >>> b"<https://w3id.org/fibro-b12/kg#fibromyalgia>" in out.getvalue()
    True
    """
    dump = getattr(g.backend, "dump", None)
    if dump is not None:
        dump(out, fmt)
    else:
        g.rdf.serialize(destination=out, format=_RDFLIB_NAMES[fmt], encoding="utf-8")


_RDFLIB_NAMES = {"ttl": "turtle", "nt": "nt", "jsonld": "json-ld"}


def _rdf(fmt: str) -> Callable:
    def exporter(g) -> bytes:
        buffer = io.BytesIO()
        write_rdf(g, fmt, buffer)
        return buffer.getvalue()

    exporter.__doc__ = f"The whole graph as {_RDFLIB_NAMES[fmt]} (see :func:`write_rdf`)."
    return exporter


def graphml(g) -> bytes:
    """The networkx projection of the claims as GraphML (sources joined by spaces).

    >>> from kg import KnowledgeGraph
    >>> b"<graphml" in graphml(KnowledgeGraph.load())
    True
    """
    import networkx as nx

    G = g.to_networkx()
    for _, _, attrs in G.edges(data=True):
        attrs["sources"] = " ".join(attrs["sources"])
        del attrs["claim"]
    buffer = io.BytesIO()
    nx.write_graphml(G, buffer)
    return buffer.getvalue()


EXPORTERS: dict[str, Callable] = {
    "ttl": _rdf("ttl"),
    "nt": _rdf("nt"),
    "jsonld": _rdf("jsonld"),
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


def export_to(g, fmt: str, out: BinaryIO, **options) -> None:
    """Write the graph ``g`` in format ``fmt`` to the binary file ``out``, as :func:`export` would.

    The RDF formats stream (:func:`write_rdf`): a whole-graph export never holds the graph
    in memory.
    """
    exporter, given = _exporter(fmt, options)
    if fmt in _RDFLIB_NAMES:
        write_rdf(g, fmt, out)
    else:
        out.write(exporter(g, **given))


def export(g, fmt: str, **options) -> bytes:
    """The graph ``g`` in format ``fmt``; options left as None are not given.

    An unknown format raises :class:`BadQuery`; an option the format does not take raises
    :class:`BadExportOption`.
    """
    exporter, given = _exporter(fmt, options)
    return exporter(g, **given)


def _exporter(fmt: str, options: dict) -> tuple[Callable, dict]:
    """The exporter of ``fmt`` and the options given to it, refusing any it does not take."""
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
    return exporter, given
