"""Named SPARQL queries (the ``.rq`` files of ``kg/queries``), binding parameters, safe preparation.

Each ``.rq`` file starts with comment lines: the first says what question it answers, lines
of the form ``# param NAME: what it is`` declare the parameters a caller binds, and lines of
the form ``# example NAME: VALUE`` give a value worth trying (the tests bind it).

Parameters are bound in one way on every backend, by :func:`bind`: a VALUES block of RDF
terms, serialised here (never text a user typed), opens the query's WHERE group. So the
store starts from them and every FILTER of the group sees them, whatever the engine.
"""

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from .errors import BadQuery, ReadOnlyQuery
from .namespaces import PREFIXES, XSD, expand_curie
from .terms import IRI, BlankNode, Literal, Term, from_rdflib

if TYPE_CHECKING:
    from pyparsing import ParseException
    from rdflib.plugins.sparql.sparql import Query

__all__ = ["NamedQuery", "named_queries", "named_query", "prepare", "parse_param", "bind", "term", "form", "QUERY_DIR",
           "PROLOGUE"]

QUERY_DIR = Path(__file__).resolve().parent / "queries"

#: Every query may use the project's prefixes without declaring them.
PROLOGUE = "".join(f"PREFIX {prefix}: <{namespace}>\n" for prefix, namespace in PREFIXES.items())
_PROLOGUE_LINES = PROLOGUE.count("\n")
_PARAM_LINE = re.compile(r"^#\s*param\s+(\w+)\s*:\s*(.*)$")
_EXAMPLE_LINE = re.compile(r"^#\s*example\s+(\w+)\s*:\s*(.*)$")


@dataclass(frozen=True)
class NamedQuery:
    """A query shipped with the package.

    ``examples`` maps parameter names to a value worth binding, written as ``kg query
    --param`` reads it (``fb:fibromyalgia``); several values are separated by spaces.
    """

    name: str
    description: str
    params: dict[str, str]
    text: str
    path: Path
    examples: dict[str, str] = field(default_factory=dict)

    def example_bindings(self) -> dict[str, "Term | list[Term]"]:
        """The ``# example`` values as terms, ready for :func:`bind` (a list where several are given).

        >>> named_query("causal_links").example_bindings()["subject"]
        IRI('https://w3id.org/fibro-b12/kg#pernicious-anaemia')
        """
        bindings: dict = {}
        for name, text in self.examples.items():
            terms = [parse_param(f"{name}={value}")[1] for value in text.split()]
            bindings[name] = terms[0] if len(terms) == 1 else terms
        return bindings


def _read(path: Path) -> NamedQuery:
    text = path.read_text(encoding="utf-8")
    comments = [line for line in text.splitlines() if line.startswith("#")]
    params, examples = {}, {}
    description = ""
    for line in comments:
        if match := _PARAM_LINE.match(line):
            params[match.group(1)] = match.group(2).strip()
        elif match := _EXAMPLE_LINE.match(line):
            examples[match.group(1)] = match.group(2).strip()
        elif not description:
            description = line.lstrip("# ").strip()
    return NamedQuery(path.stem, description, params, text, path, examples)


@cache
def named_queries() -> dict[str, NamedQuery]:
    """The queries shipped in ``kg/queries``, by name.

    >>> "symptoms_of_condition" in named_queries()
    True
    """
    return {path.stem: _read(path) for path in sorted(QUERY_DIR.glob("*.rq"))}


@cache
def named_query(name: str) -> NamedQuery:
    """The shipped query called ``name``; :class:`BadQuery` lists the names when unknown.

    Only that query's file is read (a command asks a few of the three dozen).

    >>> named_query("claims").params["subject"]
    'the entity the claim is about (IRI, optional)'
    """
    path = QUERY_DIR / f"{name}.rq"
    if re.fullmatch(r"\w+", name) and path.is_file():
        return _read(path)
    known = ", ".join(named_queries())
    raise BadQuery(f"no named query {name!r} (known: {known}; see `kg queries`)")


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


def parse_param(text: str) -> tuple[str, Term]:
    """Turn ``NAME=VALUE`` into a variable name and an RDF term.

    VALUE is read as: ``<IRI>``; a CURIE of a known prefix (``fb:fibromyalgia``); a number;
    an N3 literal (``"text"@en``, ``"1"^^xsd:integer``); anything else is a plain literal.

    >>> parse_param("condition=fb:fibromyalgia")
    ('condition', IRI('https://w3id.org/fibro-b12/kg#fibromyalgia'))
    >>> parse_param("label=fatigue")
    ('label', Literal('fatigue'))
    >>> parse_param("n=3")[1].to_python()
    3
    """
    name, sep, value = text.partition("=")
    name = name.strip().lstrip("?$")
    if not sep or not re.fullmatch(r"\w+", name):
        raise BadQuery(f"parameter {text!r}: expected NAME=VALUE, for example condition=fb:fibromyalgia")
    if value.startswith("<") and value.endswith(">"):
        return name, _parameter_iri(name, value[1:-1], value)
    if (iri := expand_curie(value)) is not None:
        return name, _parameter_iri(name, str(iri), value)
    if _NUMBER.match(value):
        return name, _number(value)
    if value.startswith('"'):
        return name, _literal(name, value)
    return name, Literal(value)


# Characters an IRI may not hold (RFC 3987): controls, space and <>"{}|^`\
_NOT_IN_IRI = re.compile(r'[\x00-\x20<>"{}|^`\\]')


def _parameter_iri(name: str, text: str, given: str) -> IRI:
    """``text`` as an IRI, refused (naming the parameter) when it is not a valid one."""
    if not text or _NOT_IN_IRI.search(text) or ":" not in text:
        raise BadQuery(f"parameter {name}: {given[:80]!r} is not a valid IRI "
                       "(write <http://...>, or a CURIE such as fb:fibromyalgia)")
    return IRI(text)


# "text", "text"@en or "text"^^datatype, the quotes closed (rdflib's from_n3 reads "abc as abc).
_N3_LITERAL = re.compile(r'^"(?:[^"\\]|\\.)*"(?:@[A-Za-z]+(?:-[A-Za-z0-9]+)*|\^\^\S+)?$')


def _literal(name: str, value: str) -> Literal:
    """An N3 literal such as ``"fatigue"@en`` or ``"3"^^xsd:integer``, refused when malformed or ill-typed."""
    import logging

    from rdflib import Literal as RdflibLiteral
    from rdflib.util import from_n3

    quiet = logging.getLogger("rdflib.term")
    level, quiet.level = quiet.level, logging.CRITICAL  # rdflib logs a traceback for an ill-typed value
    try:
        term = from_n3(value, nsm=_namespace_manager()) if _N3_LITERAL.match(value) else None
    except Exception:
        term = None
    finally:
        quiet.level = level
    if not isinstance(term, RdflibLiteral):
        raise BadQuery(f"parameter {name}: {value[:80]!r} is not a valid N3 literal "
                       '(write "text", "text"@en or "3"^^xsd:integer)')
    if term.ill_typed:
        raise BadQuery(f"parameter {name}: {str(term)[:80]!r} is not a valid {term.datatype.n3(_namespace_manager())}")
    return from_rdflib(term)


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


# ---------------------------------------------------------------------- binding parameters
#: What a parameter may be bound to: one RDF term, or a collection of them (each in turn).
Binding = Term | Iterable[Term]

# Characters an IRI written <...> in SPARQL may not hold (the grammar's IRIREF).
_IRI_OK = re.compile(r'[^<>"{}|^`\\\x00-\x20]*')
_LANGUAGE = re.compile(r"[a-zA-Z]+(-[a-zA-Z0-9]+)*")


def _iri(value: str, what: str) -> str:
    if not _IRI_OK.fullmatch(value):
        raise BadQuery(f"cannot bind {what}: {value!r} is not an IRI (it holds a space or one of <>\"{{}}|^`\\)")
    return f"<{value}>"


def term(value: Term, name: str = "parameter") -> str:
    """``value`` written as a SPARQL term, ready to stand in a query.

    Every character that could end the term is escaped, so a value never becomes query
    text; an IRI holding characters no IRI may hold is refused, and so is a blank node (a
    blank node in a query is a fresh variable, not that node). An rdflib term is taken too.

    >>> term(IRI("https://w3id.org/fibro-b12/kg#fatigue"))
    '<https://w3id.org/fibro-b12/kg#fatigue>'
    >>> print(term(Literal('say "hi"\\n } DROP ALL')))
    "say \\"hi\\"\\n } DROP ALL"
    >>> term(Literal("Müdigkeit", language="de")), term(Literal(3))
    ('"Müdigkeit"@de', '"3"^^<http://www.w3.org/2001/XMLSchema#integer>')
    >>> term(IRI("urn:x> } DROP ALL { <urn:y"))
    Traceback (most recent call last):
    ...
    kg.errors.BadQuery: cannot bind ?parameter: 'urn:x> } DROP ALL { <urn:y' is not an IRI (it holds a space or one of <>"{}|^`\\)
    """
    what = f"?{name}"
    if not isinstance(value, (IRI, Literal, BlankNode)) and not type(value) is str:
        try:
            value = from_rdflib(value)
        except TypeError:
            pass
    if isinstance(value, IRI):
        return _iri(str(value), what)
    if isinstance(value, Literal):
        if value.language and not _LANGUAGE.fullmatch(value.language):
            raise BadQuery(f"cannot bind {what}: {value.language!r} is not a language tag")
        if value.datatype is not None:
            _iri(value.datatype, what)
        return value.n3()
    if isinstance(value, BlankNode):
        raise BadQuery(f"cannot bind {what} to a blank node (bind an IRI or a literal)")
    raise BadQuery(f"cannot bind {what} to {value!r}: not an RDF term")


def _values(bindings: Mapping[str, Binding]) -> str:
    blocks = []
    for name, value in bindings.items():
        if not re.fullmatch(r"\w+", name):
            raise BadQuery(f"cannot bind {name!r}: not a SPARQL variable name")
        terms = [value] if isinstance(value, (IRI, Literal, BlankNode, str)) else list(value)
        blocks.append(f"VALUES ?{name} {{ {' '.join(term(t, name) for t in terms)} }}")
    return " ".join(blocks)


# The tokens that matter for finding the WHERE group; anything else is skipped a character at
# a time. Strings, IRIs and comments are matched whole, so that a brace inside them is no brace.
_TOKENS = re.compile(r"""
    (?P<comment>\#[^\n]*)
  | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*'''
               |"(?:[^"\\\n\r]|\\.)*"|'(?:[^'\\\n\r]|\\.)*')
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$]\w+)
  | (?P<word>[^\W\d][\w:.\-]*|:[\w:.\-]*)
  | (?P<open>[{(\[])
  | (?P<close>[})\]])
""", re.VERBOSE | re.DOTALL)
_FORMS = {"SELECT", "CONSTRUCT", "DESCRIBE", "ASK"}
# What may follow a DESCRIBE's (optional) WHERE clause.
_AFTER_WHERE = {"GROUP", "HAVING", "ORDER", "LIMIT", "OFFSET", "VALUES"}


def _outside_brackets(text: str):
    """The words and brackets of ``text`` at bracket depth 0, outside strings, IRIs and comments.

    Yields ``(kind, start, end)``; an opening bracket is reported at depth 0, its content not.
    """
    depth, position = 0, 0
    while position < len(text):
        match = _TOKENS.match(text, position)
        if match is None:
            position += 1
            continue
        kind = match.lastgroup
        if kind == "close":
            depth -= 1
        if depth == 0 and kind in ("word", "open", "close"):
            yield kind, match.start(), match.end()
        if kind == "open":
            depth += 1
        position = match.end()


def form(text: str) -> str | None:
    """The query's form: SELECT, ASK, CONSTRUCT or DESCRIBE (None when it has none of them).

    >>> form("PREFIX ask: <urn:x#> # SELECT\\nconstruct { ?s ?p ?o } WHERE { ?s ?p ?o }")
    'CONSTRUCT'
    """
    for kind, start, end in _outside_brackets(text):
        if kind == "word" and text[start:end].upper() in _FORMS:
            return text[start:end].upper()
    return None


def bind(text: str, bindings: Mapping[str, Binding]) -> str:
    """``text`` with each parameter bound: a VALUES block opening the query's WHERE group.

    A parameter bound to a collection of terms takes each of them in turn. The query is the
    same on every backend, and its parameters are bound before the group's patterns and
    FILTERs are evaluated (a VALUES block after the query would be joined after them). A
    ``CONSTRUCT WHERE`` query gets its template written out; a ``DESCRIBE`` without a WHERE
    clause gets one.

    >>> print(bind("SELECT ?s WHERE { ?s rdfs:label ?l FILTER(?l = ?v) }", {"v": Literal("fatigue")}))
    SELECT ?s WHERE { VALUES ?v { "fatigue" }  ?s rdfs:label ?l FILTER(?l = ?v) }
    >>> print(bind("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", {"s": [IRI("urn:a"), IRI("urn:b")]}))
    CONSTRUCT { ?s ?p ?o } WHERE { VALUES ?s { <urn:a> <urn:b> }  ?s ?p ?o }
    >>> print(bind("DESCRIBE ?s", {"s": IRI("urn:a")}))
    DESCRIBE ?s
    WHERE { VALUES ?s { <urn:a> } }
    """
    if not bindings:
        return text
    values = _values(bindings)
    form = template = None
    previous = (None, 0)  # the last word at depth 0, and where it starts
    for kind, start, end in _outside_brackets(text):
        word = text[start:end].upper() if kind == "word" else None
        if form is None:
            form = word if word in _FORMS else None
        elif kind == "open" and text[start] == "{":
            if form == "CONSTRUCT" and template is None and previous[0] == "CONSTRUCT":
                template = start  # CONSTRUCT { template } WHERE { group }: the group comes next
            elif form == "CONSTRUCT" and template is None:
                return _short_construct(text, previous[1], start, values)
            else:
                return f"{text[:end]} {values} {text[end:]}"  # on the same line: error positions hold
        elif form == "DESCRIBE" and word in _AFTER_WHERE:
            return f"{text[:start]}WHERE {{ {values} }} {text[start:]}"
        if word is not None:
            previous = (word, start)
    if form == "DESCRIBE":
        return f"{text}\nWHERE {{ {values} }}"  # on a line of its own: the text may end in a comment
    raise BadQuery("cannot bind parameters: the query has no SELECT, ASK, CONSTRUCT or DESCRIBE with a WHERE group")


def _short_construct(text: str, where: int, brace: int, values: str) -> str:
    """``CONSTRUCT WHERE { P }`` as ``CONSTRUCT { P } WHERE { VALUES ... P }``: a template holds no VALUES."""
    for kind, _, end in _outside_brackets(text[brace:]):
        if kind == "close":
            template = text[brace:brace + end]
            return f"{text[:where]}{template} {text[where:brace + 1]} {values} {text[brace + 1:]}"
    raise BadQuery("cannot bind parameters: the CONSTRUCT WHERE group is not closed")
