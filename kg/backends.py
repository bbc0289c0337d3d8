"""The stores a graph can live in, behind one small interface.

:func:`get_backend` turns a description into a backend (as oaklib's ``get_adapter`` does):

- ``"oxigraph"`` (the default): an embedded Oxigraph store persisted in the cache folder,
  rebuilt only when the content of a loaded file changes;
- ``"memory"``: rdflib's in-memory graph, the reference every other backend must agree with;
- an ``http://`` or ``https://`` URL: any SPARQL 1.1 endpoint, asked over HTTP.

Every backend honours :class:`Backend`: run a query text with parameters bound as RDF
terms (SELECT, ASK and CONSTRUCT alike, answered as an rdflib ``Result``), count the
triples, and dump the graph as N-Triples. Parameters are always bound as terms: rdflib's
``initBindings``, pyoxigraph's ``substitutions``, and for an endpoint a VALUES clause of
serialised terms; user text is never pasted into a query.
"""

import hashlib
import json
import os
import re
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Protocol

from rdflib import BNode, Graph, Literal, URIRef, Variable
from rdflib.query import Result
from rdflib.term import Identifier

from .errors import BadData, BadQuery, EndpointError
from .namespaces import PREFIXES
from .sparql import PROLOGUE

__all__ = [
    "Backend", "MemoryBackend", "OxigraphBackend", "EndpointBackend", "get_backend",
    "BACKENDS", "DEFAULT_BACKEND", "DEFAULT_TIMEOUT", "kg_home", "data_dir", "cache_dir",
    "values_clause", "with_values", "push", "server_command",
]

#: The backend names ``--backend`` accepts; an endpoint is given by its URL instead.
BACKENDS = ("oxigraph", "memory")
DEFAULT_BACKEND = "oxigraph"
#: Seconds an endpoint request may take before it is given up.
DEFAULT_TIMEOUT = 30.0

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


class Backend(Protocol):
    """What every store behind a :class:`~kg.KnowledgeGraph` answers."""

    #: Where the graph lives, for messages and ``kg stats``.
    location: str

    def query(self, text: str, bindings: Mapping[str, Identifier]) -> Result:
        """Run the query ``text`` (its prefixes declared) with ``bindings`` bound as RDF terms."""

    def triple_count(self) -> int:
        """How many triples the graph holds."""

    def ntriples(self) -> bytes:
        """The whole graph as N-Triples."""


# ---------------------------------------------------------------------- where files live
def kg_home() -> Path | None:
    """``KG_HOME`` when set: one folder holding both the data and the cache of kg."""
    home = os.environ.get("KG_HOME", "").strip()
    return Path(home).expanduser() if home else None


def data_dir() -> Path:
    """The user's data folder (imports live here): ``$KG_HOME/data`` or the platform's."""
    if (home := kg_home()) is not None:
        return home / "data"
    from platformdirs import user_data_dir

    return Path(user_data_dir("kg", appauthor=False))


def cache_dir() -> Path:
    """The folder of rebuildable caches (the Oxigraph store): ``$KG_HOME/cache`` or the platform's."""
    if (home := kg_home()) is not None:
        return home / "cache"
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("kg", appauthor=False))


# ---------------------------------------------------------------------- rdflib, the reference
@lru_cache(maxsize=64)
def _prepared(text: str):
    from .sparql import parser

    return parser()(text)


class MemoryBackend:
    """rdflib's in-memory graph: the reference implementation.

    >>> from kg import loading
    >>> backend = MemoryBackend(loading.parse_files(loading.data_files(env="")))
    >>> backend.triple_count() > 1000
    True
    """

    def __init__(self, graph: Graph, location: str = "memory", files: list[Path] = ()):
        self.graph = graph
        self.location = location
        self.files = list(files)

    def query(self, text: str, bindings: Mapping[str, Identifier]) -> Result:
        result = self.graph.query(_prepared(text), initBindings=dict(bindings))
        result.bindings  # rdflib evaluates lazily: evaluate now, within the caller's time limit
        return result

    def triple_count(self) -> int:
        return len(self.graph)

    def ntriples(self) -> bytes:
        return self.graph.serialize(format="nt", encoding="utf-8")


# ---------------------------------------------------------------------- converting terms
def _to_rdflib(term) -> Identifier | None:
    """A pyoxigraph term as the rdflib term the memory backend would give."""
    import pyoxigraph as ox

    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    datatype = term.datatype.value
    return Literal(term.value, datatype=None if datatype in (_XSD_STRING, _LANG_STRING) else URIRef(datatype))


def _to_oxigraph(term: Identifier):
    import pyoxigraph as ox

    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)) if term.datatype else None)
    raise TypeError(f"cannot bind {term!r}: not an RDF term")


def _select_result(variables: list[str], rows: Iterable[dict]) -> Result:
    result = Result("SELECT")
    result.vars = [Variable(v) for v in variables]
    result.bindings = list(rows)
    return result


def _ask_result(answer: bool) -> Result:
    result = Result("ASK")
    result.askAnswer = answer
    return result


def _graph_result(graph: Graph, kind: str = "CONSTRUCT") -> Result:
    result = Result(kind)
    result.graph = graph
    return result


def _new_graph() -> Graph:
    graph = Graph()
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True)
    return graph


# ---------------------------------------------------------------------- Oxigraph, embedded
_FORMATS = {".ttl": "TURTLE", ".nt": "N_TRIPLES"}


def _hash_files(files: list[Path], memo_path: Path) -> str:
    """A digest of the files' contents, in order.

    Each file's digest is remembered with its size and modification time, so a file that
    has not changed is not read again (as git's index does).
    """
    try:
        memo = json.loads(memo_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        memo = {}
    total = hashlib.sha256()
    changed = False
    for path in files:
        try:
            stat = path.stat()
        except OSError as error:
            raise BadData(f"{path}: cannot read: {error.strerror or error}") from None
        stamp = [stat.st_size, stat.st_mtime_ns]
        known = memo.get(str(path))
        if known is None or known[0] != stamp:
            digest = hashlib.sha256()
            with open(path, "rb") as handle:
                while chunk := handle.read(1 << 20):
                    digest.update(chunk)
            known = [stamp, digest.hexdigest()]
            memo[str(path)] = known
            changed = True
        total.update(f"{path.suffix}\0{known[1]}\n".encode())
    if changed:
        from .fileio import atomic_write

        memo_path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(memo_path, json.dumps(memo).encode())
    return total.hexdigest()[:32]


def file_triples(path: Path, memo_path: Path | None = None) -> int:
    """How many triples the Turtle or N-Triples file ``path`` holds, remembered per file.

    Counted once with Oxigraph's parser (seconds for the HPO import, instead of a minute with
    rdflib) and kept in the cache with the file's size and modification time, like
    :func:`_hash_files`, so ``kg sources`` reads no file twice.
    """
    import pyoxigraph as ox

    memo_path = memo_path or cache_dir() / "triples.json"
    try:
        memo = json.loads(memo_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        memo = {}
    try:
        stat = path.stat()
    except OSError as error:
        raise BadData(f"{path}: cannot read: {error.strerror or error}") from None
    stamp = [stat.st_size, stat.st_mtime_ns]
    known = memo.get(str(path))
    if known is not None and known[0] == stamp:
        return known[1]
    fmt = getattr(ox.RdfFormat, _FORMATS.get(path.suffix, "TURTLE"))
    try:
        # Distinct triples, as a graph holds them: a file rarely repeats one, and when it does
        # the in-memory store is small, so only the large, repetition-free case streams.
        if stat.st_size < 16 << 20:
            store = ox.Store()
            store.bulk_load(path=str(path), format=fmt, base_iri=path.as_uri())
            count = len(store)
        else:
            count = sum(1 for _ in ox.parse(path=str(path), format=fmt, base_iri=path.as_uri()))
    except SyntaxError as error:
        raise _load_error(path, error) from None
    except OSError as error:
        raise BadData(f"{path}: cannot read: {error}") from None
    memo[str(path)] = [stamp, count]
    from .fileio import atomic_write

    memo_path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(memo_path, json.dumps(memo).encode())
    return count


def _load_error(path: Path, error: Exception) -> BadData:
    """The message the memory backend gives for a bad file, so that both backends agree."""
    from .loading import _parse_into

    try:
        _parse_into(Graph(), path)
    except BadData as reference:
        return reference
    return BadData(f"{path}: invalid RDF: {error} (fix the file there)")


class OxigraphBackend:
    """An embedded Oxigraph store, persisted under ``cache`` and keyed on the files' contents.

    The store is built once (bulk-loaded into a temporary folder, then renamed into place)
    and opened read-only afterwards, so a warm start parses nothing.

    >>> from kg import loading
    >>> backend = OxigraphBackend(loading.data_files(env=""))
    >>> backend.triple_count() > 1000
    True
    """

    #: How many stores (one per set of files) the cache keeps.
    KEEP = 3

    def __init__(self, files: list[Path], cache: Path | None = None):
        import pyoxigraph as ox

        self.files = list(files)
        cache = (cache or cache_dir()) / "oxigraph"
        key = _hash_files(self.files, cache / "hashes.json")
        self.path = cache / key
        if not self.path.is_dir():
            self._build(cache)
        self.location = str(self.path)
        try:
            self.store = ox.Store.read_only(str(self.path))
        except OSError as error:
            raise BadData(f"{self.path}: cannot open the cached store ({error}); delete that folder to rebuild it") from None

    def _build(self, cache: Path) -> None:
        import pyoxigraph as ox

        cache.mkdir(parents=True, exist_ok=True)
        building = Path(tempfile.mkdtemp(prefix=".build-", dir=cache))
        try:
            store = ox.Store(str(building))
            for path in self.files:
                fmt = getattr(ox.RdfFormat, _FORMATS.get(path.suffix, "TURTLE"))
                try:
                    store.bulk_load(path=str(path), format=fmt, base_iri=path.as_uri())
                except SyntaxError as error:
                    raise _load_error(path, error) from None
                except OSError as error:
                    raise BadData(f"{path}: cannot read: {error}") from None
            store.flush()
            del store
            try:
                building.rename(self.path)
            except OSError:  # another process built the same store first: use theirs
                pass
        finally:
            shutil.rmtree(building, ignore_errors=True)
        self._prune(cache)

    def _prune(self, cache: Path) -> None:
        stores = sorted(
            (p for p in cache.iterdir() if p.is_dir() and not p.name.startswith(".")),
            key=lambda p: p.stat().st_mtime, reverse=True,
        )
        for old in stores[self.KEEP:]:
            if old != self.path:
                shutil.rmtree(old, ignore_errors=True)
                for derived in cache.glob(f"{old.name}-*"):
                    derived.unlink(missing_ok=True)
        os.utime(self.path)

    def query(self, text: str, bindings: Mapping[str, Identifier]) -> Result:
        import pyoxigraph as ox

        substitutions = {ox.Variable(name): _to_oxigraph(term) for name, term in bindings.items()}
        try:
            try:
                answer = self.store.query(text, substitutions=substitutions or None)
            except RuntimeError:
                # Oxigraph substitutes only variables the query returns (SPARQL SEP-0007);
                # any other parameter is bound the way an endpoint binds it.
                answer = self.store.query(f"{text}\n{values_clause(bindings)}")
        except SyntaxError as error:
            raise BadQuery(f"query: Oxigraph cannot run this query: {error} (check the SPARQL)") from None
        except OSError as error:
            raise BadData(f"{self.path}: cannot read the cached store: {error} (delete that folder to rebuild it)") from None
        if isinstance(answer, ox.QueryBoolean):
            return _ask_result(bool(answer))
        if isinstance(answer, ox.QuerySolutions):
            names = [v.value for v in answer.variables]
            return _select_result(names, (
                {Variable(name): _to_rdflib(value) for name, value in zip(names, solution) if value is not None}
                for solution in answer
            ))
        graph = _new_graph()
        for triple in answer:
            graph.add((_to_rdflib(triple.subject), _to_rdflib(triple.predicate), _to_rdflib(triple.object)))
        return _graph_result(graph)

    def cache_file(self, name: str, version: str) -> Path:
        """A file beside the store for something derived from the graph (``version`` names the code)."""
        return self.path.parent / f"{self.path.name}-{name}-{version}.pickle"

    def triple_count(self) -> int:
        return len(self.store)

    def ntriples(self) -> bytes:
        import pyoxigraph as ox

        return self.store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())

    #: The formats :meth:`dump` writes, by export name.
    DUMP_FORMATS = {"nt": "N_TRIPLES", "ttl": "TURTLE", "jsonld": "JSON_LD"}

    def dump(self, out, fmt: str) -> None:
        """Write the whole graph to the binary file ``out`` as ``fmt`` (nt, ttl or jsonld).

        Oxigraph serialises straight from the store as it reads it, so memory does not grow
        with the graph.
        """
        import pyoxigraph as ox

        self.store.dump(output=out, format=getattr(ox.RdfFormat, self.DUMP_FORMATS[fmt]), from_graph=ox.DefaultGraph(),
                        prefixes={prefix: str(namespace) for prefix, namespace in PREFIXES.items()})


# ---------------------------------------------------------------------- any SPARQL endpoint
def values_clause(bindings: Mapping[str, Identifier]) -> str:
    """A VALUES clause binding each variable to its term, serialised as N-Triples terms.

    >>> values_clause({"condition": URIRef("https://w3id.org/fibro-b12/kg#fibromyalgia"), "n": Literal('a "b"')})
    'VALUES (?condition ?n) { (<https://w3id.org/fibro-b12/kg#fibromyalgia> "a \\\\"b\\\\"") }'
    """
    for name, term in bindings.items():
        if not name.isidentifier():
            raise EndpointError(f"cannot bind {name!r}: not a SPARQL variable name")
        if not isinstance(term, (URIRef, Literal)):
            raise EndpointError(f"cannot bind ?{name} to {term!r} at an endpoint (bind an IRI or a literal)")
    names = " ".join(f"?{name}" for name in bindings)
    terms = " ".join(term.n3() for term in bindings.values())
    return f"VALUES ({names}) {{ ({terms}) }}"


_WHERE = re.compile(r"^(?!\s*#).*?\bWHERE\s*\{", re.IGNORECASE | re.MULTILINE)


def with_values(text: str, bindings: Mapping[str, Iterable[URIRef]]) -> str:
    """``text`` with each variable taking each of its IRIs: VALUES blocks opening its WHERE clause.

    The IRIs are written with ``n3()`` (so escaped), never taken from the text a user typed.

    >>> print(with_values("SELECT ?s WHERE { ?s ?p ?o }", {"s": [URIRef("urn:a"), URIRef("urn:b")]}))
    SELECT ?s WHERE { VALUES ?s { <urn:a> <urn:b> }
     ?s ?p ?o }
    """
    blocks = []
    for name, terms in bindings.items():
        terms = list(terms)
        if not name.isidentifier() or not all(isinstance(term, URIRef) for term in terms):
            raise BadQuery(f"cannot bind ?{name} to {terms!r}: bind a collection of IRIs")
        blocks.append(f"VALUES ?{name} {{ {' '.join(term.n3() for term in terms)} }}\n")
    match = _WHERE.search(text)
    if match is None:
        raise BadQuery("cannot bind a collection of IRIs: the query has no WHERE clause")
    return f"{text[:match.end()]} {''.join(blocks)}{text[match.end():]}"


class EndpointBackend:
    """A SPARQL 1.1 endpoint (read over the SPARQL protocol, with a timeout on every request)."""

    def __init__(self, url: str, timeout: float = DEFAULT_TIMEOUT):
        self.location = self.url = url
        self.timeout = timeout

    def _request(self, text: str, accept: str) -> tuple[str, bytes]:
        import urllib.parse

        body = urllib.parse.urlencode({"query": text}).encode()
        return self._send(self.url, body, method="POST", content_type="application/x-www-form-urlencoded", accept=accept)

    def _send(self, url: str, body: bytes, *, method: str, content_type: str, accept: str = "*/*") -> tuple[str, bytes]:
        """One HTTP request, bounded by the timeout; every failure is one :class:`EndpointError`."""
        import http.client
        import socket
        import urllib.error
        import urllib.request

        request = urllib.request.Request(url, data=body, method=method, headers={
            "Content-Type": content_type, "Accept": accept, "User-Agent": "kg",
        })
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return response.headers.get_content_type(), response.read()
        except urllib.error.HTTPError as error:
            detail = " ".join(error.read(300).decode("utf-8", "replace").split())[:200]
            raise EndpointError(
                f"{self.url}: the endpoint answered HTTP {error.code} {error.reason}"
                + (f": {detail}" if detail else "") + " (check the URL and the query)"
            ) from None
        except (TimeoutError, socket.timeout):
            raise EndpointError(
                f"{self.url}: no answer within {self.timeout:g} s (raise --timeout or check the server)"
            ) from None
        except urllib.error.URLError as error:
            reason = error.reason
            if isinstance(reason, (TimeoutError, socket.timeout)):
                raise EndpointError(
                    f"{self.url}: no answer within {self.timeout:g} s (raise --timeout or check the server)"
                ) from None
            why = getattr(reason, "strerror", None) or str(reason)
            raise EndpointError(f"{self.url}: cannot reach the endpoint: {why} (is the server running?)") from None
        except (OSError, ValueError, http.client.HTTPException) as error:
            raise EndpointError(f"{self.url}: cannot reach the endpoint: {error or type(error).__name__} (check the URL)") from None

    def query(self, text: str, bindings: Mapping[str, Identifier]) -> Result:
        if bindings:
            text = f"{text}\n{values_clause(bindings)}"
        content_type, payload = self._request(
            text, "application/sparql-results+json, application/n-triples;q=0.9"
        )
        if content_type in ("application/sparql-results+json", "application/json"):
            return self._results(payload)
        if content_type in ("application/n-triples", "text/plain"):
            graph = _new_graph()
            try:
                graph.parse(data=payload.decode("utf-8"), format="nt")
            except Exception:
                raise self._not_sparql(content_type) from None
            return _graph_result(graph)
        raise self._not_sparql(content_type)

    def _not_sparql(self, content_type: str) -> EndpointError:
        return EndpointError(
            f"{self.url}: the reply ({content_type}) is not a SPARQL result "
            "(is this the endpoint's query URL, such as http://host:port/query?)"
        )

    def _results(self, payload: bytes) -> Result:
        try:
            answer = json.loads(payload)
            if "boolean" in answer:
                return _ask_result(bool(answer["boolean"]))
            names = answer["head"]["vars"]
            rows = [
                {Variable(name): _json_term(value) for name, value in row.items()}
                for row in answer["results"]["bindings"]
            ]
        except (ValueError, KeyError, TypeError, AttributeError):
            raise self._not_sparql("malformed JSON") from None
        return _select_result(names, rows)

    def triple_count(self) -> int:
        rows = list(self.query(PROLOGUE + "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", {}))
        return int(rows[0][0]) if rows else 0

    def ntriples(self) -> bytes:
        result = self.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", {})
        return result.graph.serialize(format="nt", encoding="utf-8")


def _json_term(value: dict) -> Identifier:
    kind = value["type"]
    if kind == "uri":
        return URIRef(value["value"])
    if kind == "bnode":
        return BNode(value["value"])
    if "xml:lang" in value:
        return Literal(value["value"], lang=value["xml:lang"])
    datatype = value.get("datatype")
    return Literal(value["value"], datatype=URIRef(datatype) if datatype and datatype != _XSD_STRING else None)


# ---------------------------------------------------------------------- the one entry point
def get_backend(description: str | None, files: list[Path] | Callable[[], list[Path]], *,
                timeout: float | None = None) -> Backend:
    """The backend a description names: ``oxigraph``, ``memory`` or an endpoint URL.

    ``None`` means ``KG_BACKEND`` or else :data:`DEFAULT_BACKEND`. ``files`` are what a local
    backend loads (or a function giving them, called only then); an endpoint already holds
    its graph.

    >>> from kg import loading
    >>> get_backend("memory", loading.data_files(env="")).location
    'memory'
    >>> get_backend("sqlite", [])
    Traceback (most recent call last):
    ...
    kg.errors.BadData: unknown backend 'sqlite' (use oxigraph, memory, or an http:// endpoint URL)
    """
    description = (description or os.environ.get("KG_BACKEND", "").strip() or DEFAULT_BACKEND)
    if description.startswith(("http://", "https://")):
        return EndpointBackend(description, DEFAULT_TIMEOUT if timeout is None else timeout)
    if description not in BACKENDS:
        raise BadData(f"unknown backend {description!r} (use oxigraph, memory, or an http:// endpoint URL)")
    files = files() if callable(files) else files
    if description == "oxigraph":
        return OxigraphBackend(files)
    from .loading import parse_files

    return MemoryBackend(parse_files(files), files=files)


# ---------------------------------------------------------------------- sharing the graph
def push(ntriples: bytes, store_url: str, *, graph: str | None = None, replace: bool = True,
         timeout: float = DEFAULT_TIMEOUT) -> None:
    """Upload N-Triples to a server's Graph Store Protocol endpoint (SPARQL 1.1 GSP).

    ``store_url`` is the graph store (Oxigraph: ``http://host:port/store``); the triples go
    into the default graph, or into ``graph`` (an IRI). ``replace`` PUTs (the graph becomes
    exactly these triples), otherwise they are POSTed (added).
    """
    import urllib.parse

    target = f"{store_url}{'&' if '?' in store_url else '?'}" + (
        urllib.parse.urlencode({"graph": graph}) if graph else "default"
    )
    EndpointBackend(store_url, timeout)._send(
        target, ntriples, method="PUT" if replace else "POST", content_type="application/n-triples",
    )


def server_command(store: Path, host: str = "127.0.0.1", port: int = 7878) -> list[str]:
    """The command line that serves ``store`` read-only over SPARQL (the ``oxigraph`` binary)."""
    import shutil
    import sys

    binary = shutil.which("oxigraph", path=str(Path(sys.executable).parent)) or shutil.which("oxigraph")
    if binary is None:
        raise BadData("the oxigraph server is not installed (pip install 'fibro-b12-kg[serve]', or pip install oxigraph, which ships it)")
    return [binary, "serve-read-only", "--location", str(store), "--bind", f"{host}:{port}"]
