"""RDF terms and query answers of kg's own: what every backend returns.

Every backend answers a query with a :class:`Result` holding these terms: an :class:`IRI`
(a ``str``), a :class:`Literal` (its lexical form, datatype and language) or a
:class:`BlankNode`. They are small and immutable, and need no rdflib, so that a command that
only reads the store starts without importing it (rdflib costs a tenth of a second). The
rdflib memory backend converts rdflib's answers at its boundary (:func:`from_rdflib`), so
all backends answer alike; :func:`to_rdflib` goes the other way for code that builds rdflib
graphs (editing, validation, exports).

>>> rows = Result.select(["s", "n"], [(IRI("urn:a"), Literal(3)), (IRI("urn:b"), None)])
>>> [(str(row.s), row.n) for row in rows]
[('urn:a', Literal('3', datatype=IRI('http://www.w3.org/2001/XMLSchema#integer'))), ('urn:b', None)]
>>> rows.vars, len(rows)
(['s', 'n'], 2)
"""

import sys
from collections.abc import Iterable, Iterator, Sequence

__all__ = ["IRI", "Literal", "BlankNode", "Term", "Row", "Result", "from_rdflib", "to_rdflib", "XSD"]

XSD = "http://www.w3.org/2001/XMLSchema#"
_XSD_STRING = XSD + "string"
_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})


class IRI(str):
    """An IRI: a ``str`` (so ``str(iri)``, comparison with text and CURIE shortening just work).

    >>> IRI("https://w3id.org/fibro-b12/kg#fatigue").n3()
    '<https://w3id.org/fibro-b12/kg#fatigue>'
    """

    __slots__ = ()

    def n3(self) -> str:
        """The IRI as written in SPARQL, Turtle and N-Triples (not checked: see :func:`kg.sparql.term`)."""
        return f"<{self}>"

    def __repr__(self) -> str:
        return f"IRI({str.__repr__(self)})"


class Literal:
    """A literal: its lexical form ``value``, its ``datatype`` (an IRI) or its ``language``.

    A plain string has neither datatype nor language (``xsd:string`` is the same literal). A
    Python bool, int, float or Decimal gives the literal of its XSD type. As rdflib does, the
    lexical form of an integer, a double, a float or a boolean is made canonical and a language
    tag is lower-cased, so that every store's answer reads alike.

    >>> Literal("fatigue") == Literal("fatigue", datatype=XSD + "string")
    True
    >>> Literal("01", datatype=XSD + "integer").value, Literal("1.0E0", datatype=XSD + "double").value
    ('1', '1.0')
    >>> Literal(3).to_python(), Literal("Müdigkeit", language="de").n3()
    (3, '"Müdigkeit"@de')
    >>> str(Literal(True)), Literal("1", datatype=XSD + "boolean").to_python()
    ('true', True)
    """

    __slots__ = ("value", "datatype", "language")
    value: str
    datatype: IRI | None
    language: str | None

    def __init__(self, value, datatype: str | None = None, language: str | None = None):
        if not isinstance(value, str):
            if isinstance(value, bool):
                value, datatype = ("true" if value else "false"), datatype or XSD + "boolean"
            elif isinstance(value, int):
                value, datatype = str(value), datatype or XSD + "integer"
            elif isinstance(value, float):
                value, datatype = str(value), datatype or XSD + "double"
            elif "decimal" in sys.modules and isinstance(value, sys.modules["decimal"].Decimal):  # imported if in use
                value, datatype = str(value), datatype or XSD + "decimal"
            else:
                raise TypeError(f"no literal for {type(value).__name__} {value!r}")
        if language:
            datatype, language = None, language.lower()
        elif datatype is not None:
            datatype = str(datatype)
            if datatype == _XSD_STRING or datatype == _LANG_STRING:
                datatype = None
            elif datatype.startswith(XSD):
                value = _canonical(value, datatype[len(XSD):])
        set_ = object.__setattr__
        set_(self, "value", str(value))
        set_(self, "datatype", IRI(datatype) if datatype is not None else None)
        set_(self, "language", language or None)

    def __setattr__(self, name, value):
        raise AttributeError("a Literal is immutable")

    def __eq__(self, other) -> bool:
        return (type(other) is Literal and self.value == other.value and self.datatype == other.datatype
                and self.language == other.language)

    def __hash__(self) -> int:
        return hash((Literal, self.value, self.datatype, self.language))

    def __str__(self) -> str:
        return self.value

    def __int__(self) -> int:
        return int(self.to_python())

    def __float__(self) -> float:
        return float(self.to_python())

    def __repr__(self) -> str:
        extra = f", language={self.language!r}" if self.language else f", datatype={self.datatype!r}" if self.datatype else ""
        return f"Literal({self.value!r}{extra})"

    def __reduce__(self):
        return Literal, (self.value, self.datatype, self.language)

    def n3(self) -> str:
        """The literal as written in SPARQL, Turtle and N-Triples, quotes and line breaks escaped.

        >>> print(Literal('say "hi"\\n').n3())
        "say \\"hi\\"\\n"
        """
        text = f'"{self.value.translate(_ESCAPES)}"'
        if self.language:
            return f"{text}@{self.language}"
        if self.datatype is not None:
            return f"{text}^^<{self.datatype}>"
        return text

    def to_python(self):
        """The value as Python sees it: an int, float, Decimal or bool for those XSD types, else the text.

        >>> Literal("2.50", datatype=XSD + "decimal").to_python()
        Decimal('2.50')
        """
        kind = self.datatype[len(XSD):] if self.datatype is not None and self.datatype.startswith(XSD) else None
        try:
            if kind in _INTEGERS:
                return int(self.value)
            if kind in ("double", "float"):
                return float(self.value)
            if kind == "decimal":
                from decimal import Decimal

                return Decimal(self.value)
        except ArithmeticError:
            return self.value
        except ValueError:
            return self.value
        if kind == "boolean":
            return self.value.strip() in ("true", "1")
        return self.value


def _canonical(value: str, kind: str) -> str:
    """The canonical lexical form rdflib gives an integer, double, float or boolean; other values as they are."""
    try:
        if kind in _INTEGERS:
            return str(int(value))
        if kind in ("double", "float"):
            number = float(value)
            return str(number) if number - number == 0 else value  # INF and NaN as written
    except ValueError:
        return value
    if kind == "boolean":
        return {"1": "true", "0": "false"}.get(value.strip(), value.strip())
    return value


_INTEGERS = {"integer", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger", "negativeInteger",
             "nonPositiveInteger", "unsignedLong", "unsignedInt", "unsignedShort", "unsignedByte"}


class BlankNode:
    """A blank node, known by the label its store gave it (labels differ from store to store)."""

    __slots__ = ("id",)
    id: str

    def __init__(self, id: str):
        object.__setattr__(self, "id", str(id))

    def __setattr__(self, name, value):
        raise AttributeError("a BlankNode is immutable")

    def __eq__(self, other) -> bool:
        return type(other) is BlankNode and self.id == other.id

    def __hash__(self) -> int:
        return hash((BlankNode, self.id))

    def __str__(self) -> str:
        return self.id

    def __repr__(self) -> str:
        return f"BlankNode({self.id!r})"

    def __reduce__(self):
        return BlankNode, (self.id,)

    def n3(self) -> str:
        return f"_:{self.id}"


#: Any RDF term a query answers with.
Term = IRI | Literal | BlankNode


class Row:
    """One solution of a SELECT: each variable's term, or None where it is unbound.

    Read a variable as an attribute (``row.label``), by name (``row["class"]``, for names
    Python reserves) or by position (``row[0]``); iterating gives the terms in variable order.
    An unknown variable name raises AttributeError or KeyError.
    """

    __slots__ = ("_index", "_terms")

    def __init__(self, index: dict[str, int], terms: Sequence):
        object.__setattr__(self, "_index", index)
        object.__setattr__(self, "_terms", tuple(terms))

    def __setattr__(self, name, value):
        raise AttributeError("a Row is immutable")

    def __getattr__(self, name: str):
        if name.startswith("__"):
            raise AttributeError(name)
        try:
            return self._terms[self._index[name]]
        except KeyError:
            raise AttributeError(f"the query has no variable ?{name}") from None

    def __getitem__(self, key: str | int):
        if isinstance(key, str):
            return self._terms[self._index[key]]
        return self._terms[key]

    def get(self, name: str, default=None):
        """The term of ``name``, or ``default`` when it is unbound or not a variable of the query."""
        position = self._index.get(name)
        value = self._terms[position] if position is not None else None
        return default if value is None else value

    def __iter__(self) -> Iterator:
        return iter(self._terms)

    def __len__(self) -> int:
        return len(self._terms)

    def __eq__(self, other) -> bool:
        return type(other) is Row and self._terms == other._terms and list(self._index) == list(other._index)

    def __hash__(self) -> int:
        return hash(self._terms)

    def asdict(self) -> dict[str, Term]:
        """The bound variables and their terms."""
        return {name: self._terms[i] for name, i in self._index.items() if self._terms[i] is not None}

    def __repr__(self) -> str:
        return f"Row({self.asdict()!r})"


class Result:
    """What a query answers: rows (SELECT), a yes or no (ASK), or triples (CONSTRUCT, DESCRIBE).

    ``type`` says which. A SELECT's ``vars`` name its variables and iterating gives its
    :class:`Row` s; an ASK's ``answer`` is a bool (also its truth value); a CONSTRUCT's or
    DESCRIBE's ``triples`` are tuples of three terms, in no particular order, each once.
    """

    __slots__ = ("type", "vars", "rows", "answer", "triples")

    def __init__(self, type: str, vars: Sequence[str] = (), rows: Sequence[Row] = (), answer: bool | None = None,
                 triples: Iterable[tuple] = ()):
        self.type = type
        self.vars = list(vars)
        self.rows = list(rows)
        self.answer = answer
        self.triples = list(dict.fromkeys(triples))

    @classmethod
    def select(cls, vars: Sequence[str], solutions: Iterable[Sequence]) -> "Result":
        """A SELECT's answer from its variable names and, per solution, the terms in that order."""
        index = {name: i for i, name in enumerate(vars)}
        return cls("SELECT", vars, [Row(index, terms) for terms in solutions])

    @classmethod
    def ask(cls, answer: bool) -> "Result":
        return cls("ASK", answer=bool(answer))

    @classmethod
    def graph(cls, triples: Iterable[tuple], type: str = "CONSTRUCT") -> "Result":
        return cls(type, triples=triples)

    def __iter__(self) -> Iterator:
        if self.type == "SELECT":
            return iter(self.rows)
        if self.type == "ASK":
            return iter([self.answer])
        return iter(self.triples)

    def __len__(self) -> int:
        if self.type == "ASK":
            return 1
        return len(self.rows) if self.type == "SELECT" else len(self.triples)

    def __bool__(self) -> bool:
        return bool(self.answer) if self.type == "ASK" else len(self) > 0

    def __repr__(self) -> str:
        if self.type == "ASK":
            return f"Result(ASK: {self.answer})"
        return f"Result({self.type}: {len(self)} {'rows' if self.type == 'SELECT' else 'triples'})"

    def ntriples(self) -> bytes:
        """A CONSTRUCT's or DESCRIBE's triples as N-Triples."""
        return "".join(f"{s.n3()} {p.n3()} {o.n3()} .\n" for s, p, o in self.triples).encode("utf-8")

    def rdflib_graph(self):
        """A CONSTRUCT's or DESCRIBE's triples as an rdflib Graph, with the project's prefixes bound."""
        from rdflib import Graph

        from .namespaces import PREFIXES

        graph = Graph()
        for prefix, namespace in PREFIXES.items():
            graph.bind(prefix, str(namespace), override=True)
        for triple in self.triples:
            graph.add(tuple(to_rdflib(t) for t in triple))
        return graph


def from_rdflib(term) -> Term | None:
    """The kg term for an rdflib term (a kg term, or None, is returned as it is).

    >>> from rdflib import URIRef, Literal as RdflibLiteral
    >>> from_rdflib(URIRef("urn:a")), from_rdflib(RdflibLiteral("x", lang="en"))
    (IRI('urn:a'), Literal('x', language='en'))
    """
    if term is None or isinstance(term, (IRI, Literal, BlankNode)):
        return term
    rdflib_term = sys.modules.get("rdflib.term")
    if rdflib_term is not None:  # an rdflib term can only exist once rdflib is imported
        if isinstance(term, rdflib_term.URIRef):
            return IRI(term)
        if isinstance(term, rdflib_term.Literal):
            return Literal(str(term), term.datatype, term.language)
        if isinstance(term, rdflib_term.BNode):
            return BlankNode(term)
    raise TypeError(f"not an RDF term: {term!r}")


def to_rdflib(term):
    """The rdflib term for a kg term (an rdflib term, or None, is returned as it is).

    >>> to_rdflib(Literal(3))
    rdflib.term.Literal('3', datatype=rdflib.term.URIRef('http://www.w3.org/2001/XMLSchema#integer'))
    """
    from rdflib import BNode
    from rdflib import Literal as RdflibLiteral
    from rdflib import URIRef

    if isinstance(term, IRI):
        return URIRef(term)
    if isinstance(term, Literal):
        return RdflibLiteral(term.value, lang=term.language,
                             datatype=URIRef(term.datatype) if term.datatype is not None else None)
    if isinstance(term, BlankNode):
        return BNode(term.id)
    return term
