"""The stores a graph can live in, behind one interface.

:func:`get_backend` turns a description into a backend (as oaklib's ``get_adapter`` does):

- ``"oxigraph"`` (the default): an embedded Oxigraph store persisted in the cache folder,
  rebuilt only when the content of a loaded file changes;
- ``"memory"``: rdflib's in-memory graph, the reference every other backend must agree with;
- an ``http://`` or ``https://`` URL: any SPARQL 1.1 endpoint, asked over HTTP.

Every backend is a :class:`Backend`: it runs a query text with parameters bound (SELECT,
ASK, CONSTRUCT and DESCRIBE alike, answered as a :class:`kg.terms.Result` holding kg's own
terms, whatever the store: the memory backend converts rdflib's answers), counts the triples,
and gives the graph as N-Triples or as an rdflib Graph. Only the memory backend and the
rdflib copy of the graph import rdflib. Parameters are
bound by :func:`kg.sparql.bind` on every backend alike: a VALUES block of serialised terms
opening the WHERE group, so a query means the same thing wherever it runs.
"""

import hashlib
import json
import os
import shutil
import tempfile
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from . import loading
from .errors import BadData, BadQuery, EndpointError
from .loading import cache_dir
from .namespaces import PREFIXES
from .sparql import PROLOGUE, Binding, bind, form
from .terms import IRI, BlankNode, Literal, Result, from_rdflib

if TYPE_CHECKING:
    from rdflib import Graph

__all__ = [
    "Backend", "MemoryBackend", "OxigraphBackend", "EndpointBackend", "get_backend",
    "BACKENDS", "DEFAULT_BACKEND", "DEFAULT_TIMEOUT", "push", "server_command", "hash_files", "file_triples",
    "LoadedFile", "loaded_files",
]

#: The backend names ``--backend`` accepts; an endpoint is given by its URL instead.
BACKENDS = ("oxigraph", "memory")
DEFAULT_BACKEND = "oxigraph"
#: Seconds a request to a server (reading an endpoint, pushing to a graph store) may take.
DEFAULT_TIMEOUT = 30.0

_XSD_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"


class Backend(ABC):
    """What every store behind a :class:`~kg.KnowledgeGraph` answers.

    ``location`` says where the graph lives (for messages and ``kg stats``); ``files`` are
    the files it was read from, empty when a server holds the graph (``local`` is False);
    ``timeout`` bounds every request to a server, including pushes from a local graph.
    """

    location: str
    files: tuple[Path, ...] = ()
    local: bool = True
    timeout: float = DEFAULT_TIMEOUT

    def query(self, text: str, bindings: Mapping[str, Binding] | None = None) -> Result:
        """Run the query ``text`` (its prefixes declared) with ``bindings`` bound (see :func:`kg.sparql.bind`)."""
        return self._run(bind(text, bindings or {}))

    @abstractmethod
    def _run(self, text: str) -> Result:
        """Run a complete query text."""

    @abstractmethod
    def triple_count(self) -> int:
        """How many triples the graph holds."""

    @abstractmethod
    def ntriples(self) -> bytes:
        """The whole graph as N-Triples."""

    def rdflib_graph(self) -> "Graph":
        """The whole graph as an rdflib Graph (a copy, except for the memory backend's own)."""
        graph = loading.parse_files([])
        graph.parse(data=self.ntriples().decode("utf-8"), format="nt")
        return graph

    def cache_file(self, name: str, version: str) -> Path | None:
        """A file where something derived from this graph may be kept, or None when there is no cache.

        ``version`` names the code that derives it, so a file from other code is not used.
        """
        return None

    def layers(self) -> tuple[Path, list[Path]] | None:
        """Where to keep what is derived from the large files alone, and the small files on top of them.

        None unless the graph is a store of large files (an import) with smaller files added:
        then something costly to derive from the whole (the name index) can be kept for the
        large part and brought up to date for the small files, which change with every
        ``kg add``.
        """
        return None


# ---------------------------------------------------------------------- rdflib, the reference
@lru_cache(maxsize=64)
def _prepared(text: str):
    from .sparql import parser

    return parser()(text)


class MemoryBackend(Backend):
    """rdflib's in-memory graph: the reference implementation.

    >>> backend = MemoryBackend(loading.parse_files(loading.data_files(env="")))
    >>> backend.triple_count() > 1000
    True
    """

    def __init__(self, graph: "Graph", location: str = "memory", files: Iterable[Path] = (), *,
                 timeout: float = DEFAULT_TIMEOUT):
        self.graph = graph
        self.location = location
        self.files = tuple(files)
        self.timeout = timeout

    def _run(self, text: str) -> Result:
        prepared = _prepared(text)
        if _graph_patterns(prepared.algebra):
            raise BadQuery("query: GRAPH clauses need named graphs, which the memory backend has none of "
                           "(use --backend oxigraph, where the graph is the default graph)")
        return _from_rdflib_result(self.graph.query(prepared))  # evaluated now, within the caller's time limit

    def triple_count(self) -> int:
        return len(self.graph)

    def ntriples(self) -> bytes:
        return self.graph.serialize(format="nt", encoding="utf-8")

    def rdflib_graph(self) -> "Graph":
        return self.graph


def _graph_patterns(node) -> bool:
    if getattr(node, "name", None) == "Graph":
        return True
    if isinstance(node, dict):
        return any(_graph_patterns(value) for value in node.values())
    if isinstance(node, (list, tuple)):
        return any(_graph_patterns(value) for value in node)
    return False


# ---------------------------------------------------------------------- converting terms
def _from_rdflib_result(result) -> Result:
    """rdflib's answer as kg's :class:`~kg.terms.Result`, so that every backend answers alike."""
    if result.type == "ASK":
        return Result.ask(result.askAnswer)
    if result.type == "SELECT":
        names = [str(v) for v in result.vars]
        return Result.select(names, ([from_rdflib(row.get(v)) for v in result.vars] for row in result.bindings))
    return Result.graph(((from_rdflib(s), from_rdflib(p), from_rdflib(o)) for s, p, o in result.graph), result.type)


def _from_oxigraph(term):
    """A pyoxigraph term as a kg term (the same one the memory backend gives)."""
    import pyoxigraph as ox

    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return IRI(term.value)
    if isinstance(term, ox.BlankNode):
        return BlankNode(term.value)
    if term.language:
        return Literal(term.value, language=term.language)
    return Literal(term.value, term.datatype.value)


# ---------------------------------------------------------------------- Oxigraph, embedded
_FORMATS = {".ttl": "TURTLE", ".nt": "N_TRIPLES"}


def hash_files(files: list[Path], memo_path: Path) -> str:
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


def _cache_error(cache: Path, error: OSError) -> BadData:
    """One line for a cache that cannot be written, saying which setting moves it."""
    why = error.strerror or " ".join(str(error).split())[:300]
    return BadData(f"cannot keep the store cache in {cache}: {why} (set KG_HOME to a writable folder, "
                   "free some space, or use --backend memory)")


def file_triples(path: Path, memo_path: Path | None = None) -> int:
    """How many triples the Turtle or N-Triples file ``path`` holds, remembered per file.

    Counted once with Oxigraph's parser (seconds for the HPO import, instead of a minute with
    rdflib) and kept in the cache with the file's size and modification time, like
    :func:`hash_files`, so ``kg sources`` reads no file twice.
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


#: The predicates that name a resource (see :func:`described_resources`).
_NAMING = {"http://www.w3.org/2000/01/rdf-schema#label",
           *(f"http://www.w3.org/2004/02/skos/core#{name}" for name in ("altLabel", "prefLabel", "exactMatch"))}


def described_resources(paths: Iterable[Path]) -> set[str] | None:
    """The IRIs the files ``paths`` say something about (their subjects), read with Oxigraph's parser.

    None when a file gives a blank node a name: a blank node is a new one each time a file
    is loaded, so names derived from such a file cannot be kept by IRI.
    """
    import pyoxigraph as ox

    found: set[str] = set()
    for path in paths:
        fmt = getattr(ox.RdfFormat, _FORMATS.get(path.suffix, "TURTLE"))
        for triple in ox.parse(path=str(path), format=fmt, base_iri=path.as_uri()):
            if isinstance(triple.subject, ox.NamedNode):
                found.add(triple.subject.value)
            elif triple.predicate.value in _NAMING:
                return None
    return found


@dataclass(frozen=True)
class LoadedFile:
    """One file the graph was loaded from, where it came from, and how many triples it holds."""

    path: str
    kind: str  # shipped, extension, import, KG_DATA or --data
    triples: int

    def to_dict(self) -> dict:
        return {"path": self.path, "kind": self.kind, "triples": self.triples}


def loaded_files(files: Iterable[Path], data: Iterable[Path] = (), *, env: str | None = None) -> list[LoadedFile]:
    """Each of ``files`` (as the graph loaded them) with its kind and triple count.

    >>> [(f.kind, Path(f.path).name) for f in loaded_files(loading.data_files(env=""), env="")][:2]
    [('shipped', 'curated.ttl'), ('shipped', 'schema.ttl')]
    """

    def resolved(paths):
        return {Path(p).resolve() for p in paths}

    kinds = [
        ("shipped", resolved(loading.ontology_dir().glob("*.ttl"))),
        ("extension", resolved(loading.extensions_dir().glob("*.ttl"))),
        ("import", resolved(loading.imported_files())),
        ("KG_DATA", resolved(loading.env_files(env))),
    ]
    answer = []
    for path in files:
        path = Path(path).resolve()
        kind = next((name for name, members in kinds if path in members), "--data")
        answer.append(LoadedFile(str(path), kind, file_triples(path)))
    return answer


def _load_error(path: Path, error: Exception) -> BadData:
    """The message the memory backend gives for a bad file, so that both backends agree."""
    from rdflib import Graph

    try:
        loading.parse_into(Graph(), path)
    except BadData as reference:
        return reference
    return BadData(f"{path}: invalid RDF: {error} (fix the file there)")


class OxigraphBackend(Backend):
    """An embedded Oxigraph store, persisted under ``cache`` and keyed on the files' contents.

    The store is built once (bulk-loaded into a temporary folder, then renamed into place)
    and opened read-only afterwards, so a warm start parses nothing.

    >>> backend = OxigraphBackend(loading.data_files(env=""))
    >>> backend.triple_count() > 1000
    True
    """

    #: How many stores (one per set of files) the cache keeps.
    KEEP = 3

    def __init__(self, files: Iterable[Path], cache: Path | None = None, *, timeout: float = DEFAULT_TIMEOUT):
        import pyoxigraph as ox

        self.files = tuple(files)
        self.timeout = timeout
        cache = (cache or cache_dir()) / "oxigraph"
        try:
            key = hash_files(self.files, cache / "hashes.json")
            self.path = cache / key
            if not self.path.is_dir():
                self._build(cache)
        except OSError as error:  # the cache folder cannot be made or written: a full disk, a read-only home
            raise _cache_error(cache, error) from None
        self.location = str(self.path)
        try:
            self.store = ox.Store.read_only(str(self.path))
        except (OSError, RuntimeError) as error:  # a damaged cache (RocksDB says "Corruption: ...")
            self.store = self._rebuild(cache, error)

    def _rebuild(self, cache: Path, error: Exception):
        """The store is derived data: set the damaged one aside, build it again, and say so once."""
        import sys

        import pyoxigraph as ox

        why = " ".join(str(error).split())[:200]
        print(f"kg: the cached store {self.path} could not be opened ({why}); rebuilding it from the Turtle files",
              file=sys.stderr)
        broken = cache / f".broken-{self.path.name}-{os.getpid()}"
        try:
            self.path.rename(broken)
        except OSError:
            pass
        shutil.rmtree(broken, ignore_errors=True)
        for derived in cache.glob(f"{self.path.name}-*"):
            derived.unlink(missing_ok=True)
        if not self.path.is_dir():
            self._build(cache)
        try:
            return ox.Store.read_only(str(self.path))
        except (OSError, RuntimeError) as again:
            raise BadData(f"{self.path}: cannot open the cached store even after rebuilding it ({again}); "
                          f"check the disk, or delete {cache}") from None

    #: Files at least this large (an HPO import: 400 MB) form a base store of their own, which
    #: every store that adds smaller files to them starts from.
    BASE_SIZE = 8 << 20

    def _build(self, cache: Path) -> None:
        """Build the store of :attr:`files` into ``cache`` (under a temporary name, then renamed).

        The large files change rarely and the small ones (extensions) often: a store of the
        large files alone is kept as a base, and a new store starts as a checkpoint of it
        (hard links, milliseconds) to which only the small files are added. So ``kg add``
        with the HPO import loaded costs the next command a second, not a minute's bulk load.
        """
        import pyoxigraph as ox

        cache.mkdir(parents=True, exist_ok=True)
        base, small = self._base(cache)
        if base is not None:
            if not base.is_dir():
                self._bulk_load(cache, [p for p in self.files if p not in small], base)
            os.utime(base)
        self._bulk_load(cache, small, self.path, start=base)
        self._prune(cache)

    def _base(self, cache: Path) -> tuple[Path | None, list[Path]]:
        """The base store of the large files (None when there is none), and the files loaded on top of it."""
        large = [p for p in self.files if p.stat().st_size >= self.BASE_SIZE]
        if not large or len(large) == len(self.files):
            return None, list(self.files)
        return cache / f"base-{hash_files(large, cache / 'hashes.json')}", [p for p in self.files if p not in large]

    def layers(self) -> tuple[Path, list[Path]] | None:
        """The base store's folder (see :meth:`_build`) and the small files (see :meth:`Backend.layers`)."""
        base, small = self._base(self.path.parent)
        return None if base is None else (base, small)

    def _bulk_load(self, cache: Path, files: list[Path], target: Path, start: Path | None = None) -> None:
        """Load ``files`` into a new store at ``target``, starting from a checkpoint of the store ``start``."""
        import pyoxigraph as ox

        building = Path(tempfile.mkdtemp(prefix=".build-", dir=cache))
        try:
            if start is not None:
                building.rmdir()  # the checkpoint makes the folder
                ox.Store.read_only(str(start)).backup(str(building))
            store = ox.Store(str(building))
            for path in files:
                fmt = getattr(ox.RdfFormat, _FORMATS.get(path.suffix, "TURTLE"))
                try:
                    store.bulk_load(path=str(path), format=fmt, base_iri=path.as_uri())
                except SyntaxError as error:
                    raise _load_error(path, error) from None
                except OSError as error:  # reading the file, or writing the store (a full disk)
                    raise BadData(f"{path}: cannot load it into the cache in {cache}: {' '.join(str(error).split())[:300]} "
                                  "(free some space, or use --backend memory)") from None
            store.flush()
            del store
            try:
                building.rename(target)
            except OSError:  # another process built the same store first: use theirs
                pass
        finally:
            shutil.rmtree(building, ignore_errors=True)

    def _prune(self, cache: Path) -> None:
        stores = sorted(
            (p for p in cache.iterdir() if p.is_dir() and not p.name.startswith(".")),
            key=lambda p: p.stat().st_mtime, reverse=True,
        )
        bases = [p for p in stores if p.name.startswith("base-")]
        for old in bases[1:]:  # the base last used stays
            shutil.rmtree(old, ignore_errors=True)
            for derived in cache.glob(f"{old.name}-*"):
                derived.unlink(missing_ok=True)
        for old in [p for p in stores if not p.name.startswith("base-")][self.KEEP:]:
            if old != self.path:
                shutil.rmtree(old, ignore_errors=True)
                for derived in cache.glob(f"{old.name}-*"):
                    derived.unlink(missing_ok=True)
        os.utime(self.path)

    def _run(self, text: str) -> Result:
        import pyoxigraph as ox

        try:
            answer = self.store.query(text)
        except SyntaxError as error:
            raise BadQuery(f"query: Oxigraph cannot run this query: {error} (check the SPARQL)") from None
        except OSError as error:
            raise BadData(f"{self.location}: cannot read the cached store: {error} (delete that folder to rebuild it)") from None
        if isinstance(answer, ox.QueryBoolean):
            return Result.ask(bool(answer))
        if isinstance(answer, ox.QuerySolutions):
            names = [v.value for v in answer.variables]
            term = _from_oxigraph
            return Result.select(names, ([term(value) for value in solution] for solution in answer))
        return Result.graph(((_from_oxigraph(t.subject), _from_oxigraph(t.predicate), _from_oxigraph(t.object))
                             for t in answer), form(text) or "CONSTRUCT")

    def cache_file(self, name: str, version: str) -> Path:
        """A file beside the store, removed with it (see :meth:`Backend.cache_file`)."""
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


class OxigraphMemoryBackend(OxigraphBackend):
    """An rdflib graph copied into an Oxigraph store in memory: for the many queries of a check
    over a graph made in Python (``kg add`` validates its change so), at Oxigraph's speed.

    >>> backend = OxigraphMemoryBackend(loading.parse_files(loading.data_files(env="")))
    >>> backend.triple_count() == MemoryBackend(loading.parse_files(loading.data_files(env=""))).triple_count()
    True
    """

    def __init__(self, graph: "Graph", *, timeout: float = DEFAULT_TIMEOUT):
        import pyoxigraph as ox

        self.files, self.timeout, self.location = (), timeout, "memory (Oxigraph)"
        self.store = ox.Store()
        # Term by term rather than through N-Triples: a parser renames blank nodes, and the
        # answers must name the graph's own (a check locates an axiom by its node).
        self.store.extend(ox.Quad(*map(_to_oxigraph, triple)) for triple in graph)

    def cache_file(self, name: str, version: str) -> None:
        return None

    def layers(self) -> None:
        return None


def _to_oxigraph(term):
    """An rdflib term as the pyoxigraph term, blank nodes keeping their ids."""
    import pyoxigraph as ox
    from rdflib import BNode, URIRef

    if isinstance(term, URIRef):
        return ox.NamedNode(term)
    if isinstance(term, BNode):
        return ox.BlankNode(term)
    if term.language:
        return ox.Literal(term, language=term.language)
    return ox.Literal(term, datatype=ox.NamedNode(term.datatype) if term.datatype else None)


# ---------------------------------------------------------------------- any SPARQL endpoint
class _Server:
    """A server URL taken apart: where to send requests, its parameters, and any credentials.

    Parameters in the URL's query string (``default-graph-uri=...``) go with every request;
    a user name and password come from the URL (``http://USER:PASSWORD@host/...``) or from
    ``KG_USER`` and ``KG_PASSWORD``, answer basic or digest authentication, and never appear
    in a message: :attr:`shown` is the URL without them.

    >>> server = _Server("http://dba:secret@127.0.0.1:8890/sparql?default-graph-uri=urn%3Akg")
    >>> server.base, server.params, server.shown
    ('http://127.0.0.1:8890/sparql', [('default-graph-uri', 'urn:kg')], 'http://127.0.0.1:8890/sparql?default-graph-uri=urn%3Akg')
    """

    def __init__(self, url: str):
        import urllib.parse

        parts = urllib.parse.urlsplit(url)
        netloc = parts.netloc.rpartition("@")[2]
        self.base = urllib.parse.urlunsplit((parts.scheme, netloc, parts.path, "", ""))
        self.params = urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
        self.shown = urllib.parse.urlunsplit((parts.scheme, netloc, parts.path, parts.query, ""))
        user, password = parts.username, parts.password
        if user is None and os.environ.get("KG_USER"):
            user, password = os.environ["KG_USER"], os.environ.get("KG_PASSWORD", "")
        self.credentials = (urllib.parse.unquote(user), urllib.parse.unquote(password or "")) if user else None

    def url(self, *extra: tuple[str, str]) -> str:
        """The base URL with the URL's own parameters and ``extra`` ones."""
        import urllib.parse

        params = self.params + list(extra)
        return f"{self.base}?{urllib.parse.urlencode(params)}" if params else self.base

    def opener(self, *handlers):
        """A urllib opener with ``handlers`` that answers basic and digest authentication."""
        import urllib.request

        if self.credentials is None:
            return urllib.request.build_opener(*handlers)
        passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        passwords.add_password(None, self.base, *self.credentials)
        return urllib.request.build_opener(*handlers, urllib.request.HTTPDigestAuthHandler(passwords),
                                           urllib.request.HTTPBasicAuthHandler(passwords))


def _error_detail(error) -> str:
    """The start of a server's error reply as one line of text (an HTML page's tags removed)."""
    import re

    text = error.read(2000).decode("utf-8", "replace")
    text = re.sub(r"(?is)<(script|style|title)\b.*?</\1>|<[^>]+>", " ", text)
    return " ".join(text.split())[:300]


class EndpointBackend(Backend):
    """A SPARQL 1.1 endpoint (read over the SPARQL protocol, with a timeout on every request).

    The URL may carry protocol parameters, such as ``default-graph-uri`` to read one named
    graph (Virtuoso's default graph is the union of all its graphs, system graphs included),
    and a user name and password (see :class:`_Server`).
    """

    local = False

    def __init__(self, url: str, timeout: float = DEFAULT_TIMEOUT):
        # What a request needs (50 ms to import), imported now: not within the first query's time
        # limit, where the supervisor's deadline would pass before the request's own could.
        import http.client  # noqa: F401
        import urllib.request  # noqa: F401

        self.server = _Server(url)
        self.location = self.url = self.server.shown
        self.timeout = timeout

    def _request(self, text: str, accept: str) -> tuple[str, bytes]:
        import urllib.parse

        body = urllib.parse.urlencode([("query", text), *self.server.params]).encode()
        return self._send(self.server.base, body, method="POST", content_type="application/x-www-form-urlencoded",
                          accept=accept)

    def _send(self, url: str, body: bytes, *, method: str, content_type: str, accept: str = "*/*") -> tuple[str, bytes]:
        """One HTTP request, all of it (connecting, authenticating, every read) within the timeout.

        A socket timeout alone restarts on every read, so a server that sends a byte a second
        would hold kg for ever: a timer shuts the request's sockets down at the deadline
        instead. Every failure is one :class:`EndpointError`.
        """
        import http.client
        import socket
        import threading
        import urllib.error
        import urllib.request
        from urllib.parse import urlsplit

        parts = urlsplit(url)
        try:
            port = parts.port
        except ValueError:
            port = -1
        if parts.scheme not in ("http", "https") or not parts.hostname or port == -1:
            raise EndpointError(f"{self.url}: not an http:// or https:// URL (check it)")
        expired = threading.Event()
        opened: list[socket.socket] = []  # every socket of this request (authentication may take two)

        def expire() -> None:
            expired.set()
            for sock in opened:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

        def recorded(connection_class):
            class Recorded(connection_class):
                def connect(self):
                    super().connect()
                    opened.append(self.sock)
                    if expired.is_set():
                        expire()
            return Recorded

        class Plain(urllib.request.HTTPHandler):
            def http_open(self, req):
                return self.do_open(recorded(http.client.HTTPConnection), req)

        class Secure(urllib.request.HTTPSHandler):
            def https_open(self, req):
                return self.do_open(recorded(http.client.HTTPSConnection), req, context=self._context)

        request = urllib.request.Request(url, data=body, method=method, headers={
            "Content-Type": content_type, "Accept": accept, "User-Agent": "kg",
        })
        too_slow = EndpointError(f"{self.url}: no answer within {self.timeout:g} s (raise --timeout or check the server)")
        timer = threading.Timer(self.timeout, expire)
        timer.daemon = True
        timer.start()
        try:
            with self.server.opener(Plain(), Secure()).open(request, timeout=self.timeout) as response:
                found = response.headers.get_content_type(), response.read()
            if expired.is_set():
                raise too_slow
            return found
        except urllib.error.HTTPError as error:
            if error.code == 401:
                raise EndpointError(
                    f"{self.url}: the server refused the user name and password (check KG_USER / KG_PASSWORD or the URL's USER:PASSWORD@)"
                    if self.server.credentials else
                    f"{self.url}: the server asks for a user name and password (set KG_USER and KG_PASSWORD, "
                    "or write http://USER:PASSWORD@host/... in the URL)"
                ) from None
            try:
                detail = _error_detail(error)
            except OSError:
                detail = ""
            if expired.is_set():
                raise too_slow from None
            raise EndpointError(
                f"{self.url}: the endpoint answered HTTP {error.code} {error.reason}"
                + (f": {detail}" if detail else "") + " (check the URL and the query)"
            ) from None
        except EndpointError:
            raise
        except (OSError, ValueError, http.client.HTTPException) as error:
            reason = getattr(error, "reason", error)
            if expired.is_set() or isinstance(reason, (TimeoutError, socket.timeout)):
                raise too_slow from None
            why = getattr(reason, "strerror", None) or str(reason) or type(reason).__name__
            raise EndpointError(f"{self.url}: cannot reach the endpoint: {why} (is the server running, and the URL right?)") from None
        finally:
            timer.cancel()

    def _run(self, text: str) -> Result:
        # Ask for what the query makes: Virtuoso would answer a CONSTRUCT in SPARQL results JSON.
        graph_query = form(text) in ("CONSTRUCT", "DESCRIBE")
        content_type, payload = self._request(
            text, "application/n-triples, text/turtle;q=0.8" if graph_query else "application/sparql-results+json"
        )
        if not graph_query and content_type in ("application/sparql-results+json", "application/json"):
            return self._results(payload)
        formats = {"application/n-triples": "nt", "text/plain": "nt", "text/turtle": "turtle"}
        if graph_query and content_type in formats:
            return Result.graph(self._triples(payload, formats[content_type]), form(text))
        raise self._not_sparql(content_type)

    def _triples(self, payload: bytes, fmt: str) -> list[tuple]:
        """The triples of an N-Triples or Turtle reply, read with Oxigraph's parser."""
        import pyoxigraph as ox

        term = _from_oxigraph
        try:
            return [(term(t.subject), term(t.predicate), term(t.object))
                    for t in ox.parse(payload, format=ox.RdfFormat.N_TRIPLES if fmt == "nt" else ox.RdfFormat.TURTLE)]
        except (SyntaxError, ValueError, UnicodeDecodeError):
            raise self._not_sparql({"nt": "application/n-triples", "turtle": "text/turtle"}[fmt]) from None

    def _not_sparql(self, content_type: str) -> EndpointError:
        return EndpointError(
            f"{self.url}: the reply ({content_type}) is not a SPARQL result "
            "(is this the endpoint's query URL, such as http://host:port/query?)"
        )

    def _results(self, payload: bytes) -> Result:
        try:
            answer = json.loads(payload)
            if "boolean" in answer:
                return Result.ask(bool(answer["boolean"]))
            names = answer["head"]["vars"]
            rows = [[_json_term(row[name]) if name in row else None for name in names]
                    for row in answer["results"]["bindings"]]
        except (ValueError, KeyError, TypeError, AttributeError):
            raise self._not_sparql("malformed JSON") from None
        return Result.select(names, rows)

    def triple_count(self) -> int:
        rows = list(self.query(PROLOGUE + "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"))
        return int(rows[0][0]) if rows else 0

    def ntriples(self) -> bytes:
        return self.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }").ntriples()


def _json_term(value: dict):
    kind = value["type"]
    if kind == "uri":
        return IRI(value["value"])
    if kind == "bnode":
        return BlankNode(value["value"])
    if not isinstance(value["value"], str):
        raise TypeError("a term's value is text")
    if "xml:lang" in value:
        return Literal(value["value"], language=value["xml:lang"])
    datatype = value.get("datatype")
    if datatype == _XSD_BOOLEAN and value["value"] in ("1", "0"):  # Virtuoso's form; the canonical one is true/false
        return Literal(value["value"] == "1")
    return Literal(value["value"], datatype)


# ---------------------------------------------------------------------- the one entry point
def get_backend(description: str | None, files: list[Path] | Callable[[], list[Path]], *,
                timeout: float | None = None) -> Backend:
    """The backend a description names: ``oxigraph``, ``memory`` or an endpoint URL.

    ``None`` means ``KG_BACKEND`` or else :data:`DEFAULT_BACKEND`. ``files`` are what a local
    backend loads (or a function giving them, called only then); an endpoint already holds
    its graph.

    >>> get_backend("memory", loading.data_files(env="")).location
    'memory'
    >>> get_backend("sqlite", [])
    Traceback (most recent call last):
    ...
    kg.errors.BadData: unknown backend 'sqlite' (use oxigraph, memory, or an http:// endpoint URL)
    """
    description = (description or os.environ.get("KG_BACKEND", "").strip() or DEFAULT_BACKEND)
    timeout = DEFAULT_TIMEOUT if timeout is None else timeout
    if description.startswith(("http://", "https://")):
        return EndpointBackend(description, timeout)
    if description not in BACKENDS:
        raise BadData(f"unknown backend {description!r} (use oxigraph, memory, or an http:// endpoint URL)")
    files = files() if callable(files) else files
    if description == "oxigraph":
        return OxigraphBackend(files, timeout=timeout)
    return MemoryBackend(loading.parse_files(files), files=files, timeout=timeout)


# ---------------------------------------------------------------------- sharing the graph
def push(ntriples: bytes, store_url: str, *, graph: str | None = None, replace: bool = True,
         timeout: float = DEFAULT_TIMEOUT) -> str:
    """Upload N-Triples to a server's Graph Store Protocol endpoint (SPARQL 1.1 GSP); return where they went.

    ``store_url`` is the graph store (Oxigraph: ``http://host:port/store``; Virtuoso:
    ``http://host:8890/sparql-graph-crud-auth``, which asks for a user name and password, see
    :class:`_Server`). The triples go into the default graph, or into ``graph`` (an IRI).
    ``replace`` PUTs (the graph becomes exactly these triples), otherwise they are POSTed
    (added). The answer is the URL written to, without credentials.
    """
    target = EndpointBackend(store_url, timeout)
    if graph:
        where = target.server.url(("graph", graph))
    else:
        where = target.server.url()
        where += f"{'&' if '?' in where else '?'}default"
    target._send(where, ntriples, method="PUT" if replace else "POST", content_type="application/n-triples")
    return target.url


def server_command(store: Path, host: str = "127.0.0.1", port: int = 7878) -> list[str]:
    """The command line that serves ``store`` read-only over SPARQL (the ``oxigraph`` binary)."""
    import shutil
    import sys

    binary = shutil.which("oxigraph", path=str(Path(sys.executable).parent)) or shutil.which("oxigraph")
    if binary is None:
        raise BadData("the oxigraph server is not installed (pip install 'fibro-b12-kg[serve]', or pip install oxigraph, which ships it)")
    return [binary, "serve-read-only", "--location", str(store), "--bind", f"{host}:{port}"]
