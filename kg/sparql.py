"""Named SPARQL queries (the ``.rq`` files of ``kg/queries``) and safe query preparation.

Each ``.rq`` file starts with comment lines: the first says what question it answers, and
lines of the form ``# param NAME: what it is`` declare the parameters a caller binds.
Parameters are bound as RDF terms (rdflib ``initBindings``), never pasted into the text.
"""

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from typing import TYPE_CHECKING

from rdflib import Literal, URIRef
from rdflib.term import Identifier

from .errors import BadQuery, ReadOnlyQuery
from .namespaces import PREFIXES, expand_curie

if TYPE_CHECKING:
    from pyparsing import ParseException
    from rdflib.plugins.sparql.sparql import Query

__all__ = ["NamedQuery", "named_queries", "named_query", "prepare", "parse_param", "QUERY_DIR"]

QUERY_DIR = Path(__file__).resolve().parent / "queries"

#: Every query may use the project's prefixes without declaring them.
PROLOGUE = "".join(f"PREFIX {prefix}: <{namespace}>\n" for prefix, namespace in PREFIXES.items())
_PROLOGUE_LINES = PROLOGUE.count("\n")
_PARAM_LINE = re.compile(r"^#\s*param\s+(\w+)\s*:\s*(.*)$")


@dataclass(frozen=True)
class NamedQuery:
    """A query shipped with the package."""

    name: str
    description: str
    params: dict[str, str]
    text: str
    path: Path


def _read(path: Path) -> NamedQuery:
    text = path.read_text(encoding="utf-8")
    comments = [line for line in text.splitlines() if line.startswith("#")]
    params = {}
    description = ""
    for line in comments:
        if match := _PARAM_LINE.match(line):
            params[match.group(1)] = match.group(2).strip()
        elif not description:
            description = line.lstrip("# ").strip()
    return NamedQuery(path.stem, description, params, text, path)


@cache
def named_queries() -> dict[str, NamedQuery]:
    """The queries shipped in ``kg/queries``, by name.

    >>> "symptoms_of_condition" in named_queries()
    True
    """
    return {path.stem: _read(path) for path in sorted(QUERY_DIR.glob("*.rq"))}


def named_query(name: str) -> NamedQuery:
    """The shipped query called ``name``; :class:`BadQuery` lists the names when unknown."""
    try:
        return named_queries()[name]
    except KeyError:
        known = ", ".join(named_queries())
        raise BadQuery(f"no named query {name!r} (known: {known}; see `kg queries`)") from None


def _find(node, name: str) -> list:
    """Every algebra node called ``name`` (ServiceGraphPattern, Function ...) under ``node``."""
    found = []
    if getattr(node, "name", None) == name:
        found.append(node)
    if isinstance(node, dict):
        for value in node.values():
            found += _find(value, name)
    elif isinstance(node, (list, tuple)):
        for value in node:
            found += _find(value, name)
    return found


def _uses_service(node) -> bool:
    return bool(_find(node, "ServiceGraphPattern"))


def _unknown_functions(node) -> list[str]:
    """Functions called by IRI that no store of kg implements (XSD casts are the known ones)."""
    from rdflib.namespace import XSD

    return sorted({str(f.iri) for f in _find(node, "Function") if not str(f.iri).startswith(str(XSD))})


def _syntax_error(error: "ParseException", where: str) -> BadQuery:
    line = max(error.lineno - _PROLOGUE_LINES, 1)
    return BadQuery(f"{where}:{line}:{error.col}: SPARQL syntax error: {error.msg} (fix the query there)")


def parser():
    """rdflib's SPARQL parser, imported on first use: it costs a tenth of a second to load.

    A FROM clause must not make rdflib fetch a graph from the network, so that is switched
    off here, before any query can run.
    """
    import rdflib.plugins.sparql
    from rdflib.plugins.sparql import prepareQuery

    rdflib.plugins.sparql.SPARQL_LOAD_GRAPHS = False
    return prepareQuery


def prepare(text: str, where: str = "query") -> "Query":
    """Parse ``text`` as a read-only SPARQL query with the project's prefixes.

    Updates are refused with :class:`ReadOnlyQuery`, syntax errors reported with their line
    and column, SERVICE clauses refused (no network at run time).

    >>> prepare("SELECT ?s WHERE { ?s a fb:Condition }").algebra.name
    'SelectQuery'
    >>> prepare("DELETE WHERE { ?s ?p ?o }")
    Traceback (most recent call last):
    ...
    kg.errors.ReadOnlyQuery: query: updates are refused: kg only reads the graph (use a SELECT, ASK, CONSTRUCT or DESCRIBE query)
    """
    from pyparsing import ParseException
    from rdflib.plugins.sparql.parser import parseUpdate

    prepareQuery = parser()
    if not "".join(line for line in text.splitlines() if not line.lstrip().startswith("#")).strip():
        raise BadQuery(f"{where}: empty query (give a SELECT, ASK, CONSTRUCT or DESCRIBE query)")
    try:
        query = prepareQuery(PROLOGUE + text)
    except ParseException as error:
        try:
            parseUpdate(PROLOGUE + text)
        except ParseException:
            raise _syntax_error(error, where) from None
        raise ReadOnlyQuery(
            f"{where}: updates are refused: kg only reads the graph "
            "(use a SELECT, ASK, CONSTRUCT or DESCRIBE query)"
        ) from None
    except Exception as error:  # rdflib reports unknown prefixes and the like this way
        raise BadQuery(f"{where}: invalid SPARQL: {error}") from None
    if _uses_service(query.algebra):
        raise BadQuery(f"{where}: SERVICE clauses are refused: kg makes no network requests")
    if unknown := _unknown_functions(query.algebra):
        raise BadQuery(f"{where}: unknown function <{unknown[0]}>: kg's stores know the SPARQL 1.1 "
                       "built-in functions and XSD casts only")
    return query


_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def parse_param(text: str) -> tuple[str, Identifier]:
    """Turn ``NAME=VALUE`` into a variable name and an RDF term.

    VALUE is read as: ``<IRI>``; a CURIE of a known prefix (``fb:fibromyalgia``); a number;
    an N3 literal (``"text"@en``, ``"1"^^xsd:integer``); anything else is a plain literal.

    >>> parse_param("condition=fb:fibromyalgia")
    ('condition', rdflib.term.URIRef('https://w3id.org/fibro-b12/kg#fibromyalgia'))
    >>> parse_param("label=fatigue")
    ('label', rdflib.term.Literal('fatigue'))
    >>> parse_param("n=3")[1].toPython()
    3
    """
    name, sep, value = text.partition("=")
    name = name.strip().lstrip("?$")
    if not sep or not re.fullmatch(r"\w+", name):
        raise BadQuery(f"parameter {text!r}: expected NAME=VALUE, for example condition=fb:fibromyalgia")
    if value.startswith("<") and value.endswith(">"):
        return name, _iri(name, value[1:-1], value)
    if (iri := expand_curie(value)) is not None:
        return name, _iri(name, str(iri), value)
    if _NUMBER.match(value):
        return name, _number(value)
    if value.startswith('"'):
        return name, _literal(name, value)
    return name, Literal(value)


# Characters an IRI may not hold (RFC 3987): controls, space and <>"{}|^`\
_NOT_IN_IRI = re.compile(r'[\x00-\x20<>"{}|^`\\]')


def _iri(name: str, text: str, given: str) -> URIRef:
    """``text`` as an IRI, refused (naming the parameter) when it is not a valid one."""
    if not text or _NOT_IN_IRI.search(text) or ":" not in text:
        raise BadQuery(f"parameter {name}: {given[:80]!r} is not a valid IRI "
                       "(write <http://...>, or a CURIE such as fb:fibromyalgia)")
    return URIRef(text)


# "text", "text"@en or "text"^^datatype, the quotes closed (rdflib's from_n3 reads "abc as abc).
_N3_LITERAL = re.compile(r'^"(?:[^"\\]|\\.)*"(?:@[A-Za-z]+(?:-[A-Za-z0-9]+)*|\^\^\S+)?$')


def _literal(name: str, value: str) -> Literal:
    """An N3 literal such as ``"fatigue"@en`` or ``"3"^^xsd:integer``, refused when malformed or ill-typed."""
    import logging

    from rdflib.util import from_n3

    quiet = logging.getLogger("rdflib.term")
    level, quiet.level = quiet.level, logging.CRITICAL  # rdflib logs a traceback for an ill-typed value
    try:
        term = from_n3(value, nsm=_namespace_manager()) if _N3_LITERAL.match(value) else None
    except Exception:
        term = None
    finally:
        quiet.level = level
    if not isinstance(term, Literal):
        raise BadQuery(f"parameter {name}: {value[:80]!r} is not a valid N3 literal "
                       '(write "text", "text"@en or "3"^^xsd:integer)')
    if term.ill_typed:
        raise BadQuery(f"parameter {name}: {str(term)[:80]!r} is not a valid {term.datatype.n3(_namespace_manager())}")
    return term


def _number(value: str) -> Literal:
    if re.fullmatch(r"[+-]?\d+", value):
        return Literal(int(value))
    return Literal(float(value))


@cache
def _namespace_manager():
    from rdflib import Graph

    graph = Graph()
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True)
    return graph.namespace_manager
