"""KGX TSV: the graph as Biolink nodes and edges, for the Monarch and Translator tooling.

``write_kgx(g, folder)`` writes ``nodes.tsv`` and ``edges.tsv`` (the KGX TSV layout: one row per
node or edge, multi-valued fields joined by ``|``) into a new temporary folder beside ``folder``
and renames it into place, so a reader never sees half an export.

Choices where KGX leaves room:

- Node ids are the graph's own CURIEs (``fb:fatigue``, ``src:Stabler2013``, ``HP:...`` for imported
  terms); an entity's HPO, OMIM or Orphanet identifiers go in ``xref``, close matches too.
- Each entity kind maps to one Biolink category (:data:`CATEGORIES`); sources are
  ``biolink:Publication`` nodes.
- Each relation maps to one Biolink predicate (:data:`PREDICATES`); a relation Biolink has no
  predicate for falls back to ``biolink:related_to``, and every edge keeps the graph's own
  relation in ``original_predicate``. "Does not cause" is ``biolink:causes`` with ``negated``.
- ``primary_knowledge_source`` is an infores-style id of the resource that asserts the edge:
  ``infores:hpo-annotations`` for claims that only the HPO import makes, otherwise
  ``infores:fibro-b12-kg`` (this graph's curators, who read the cited documents). The documents
  themselves are in ``publications`` (``doi:``, else ``PMID:``, else the ``src:`` CURIE).
- Provenance beyond Biolink: ``evidence_status`` (supported, contested, unsupported, refuted),
  ``contested_by``, ``recommendation_grade`` and the curators' ``description``.

>>> PREDICATES["fb:hasSymptom"], PREDICATES["fb:riskFactorFor"]
('biolink:has_phenotype', 'biolink:predisposes_to_condition')
"""

import os
import shutil
import tempfile
from pathlib import Path

from ..errors import BadExportOption

__all__ = ["CATEGORIES", "PREDICATES", "FALLBACK_PREDICATE", "NODE_COLUMNS", "EDGE_COLUMNS", "kgx_tables", "write_kgx"]

#: Biolink category of each entity kind (the label of its class in schema.ttl).
CATEGORIES = {
    "condition": "biolink:Disease",
    "symptom": "biolink:PhenotypicFeature",
    "mechanism": "biolink:PathologicalProcess",
    "biological process": "biolink:BiologicalProcess",
    "biomolecule": "biolink:MolecularEntity",
    "nutrient": "biolink:SmallMolecule",
    "food source": "biolink:Food",
    "diagnostic test": "biolink:Procedure",
    "diagnostic criterion": "biolink:ClinicalAttribute",
    "anatomical site": "biolink:AnatomicalEntity",
    "intervention": "biolink:Treatment",
    "exposure": "biolink:ExposureEvent",
    "source": "biolink:Publication",
}
_DEFAULT_CATEGORY = "biolink:NamedThing"

#: Biolink predicate of each relation of schema.ttl.
FALLBACK_PREDICATE = "biolink:related_to"
PREDICATES = {
    "fb:hasSymptom": "biolink:has_phenotype",
    "fb:causes": "biolink:causes",
    "fb:doesNotCause": "biolink:causes",  # written with negated=True
    "fb:contributesTo": "biolink:contributes_to",
    "fb:impairs": "biolink:disrupts",
    "fb:riskFactorFor": "biolink:predisposes_to_condition",
    "fb:involvesMechanism": "biolink:disease_has_basis_in",
    "fb:requiredFor": "biolink:participates_in",
    "fb:produces": "biolink:produces",
    "fb:occursIn": "biolink:occurs_in",
    "fb:partOf": "biolink:part_of",
    "fb:comorbidWith": "biolink:correlated_with",
    "fb:treats": "biolink:treats",
    "fb:providesNutrient": "biolink:has_part",
    "fb:isA": "biolink:subclass_of",
    # No Biolink predicate says these; the fallback keeps them, original_predicate says which.
    "fb:mayBeMisdiagnosedAs": FALLBACK_PREDICATE,
    "fb:diagnosedBy": FALLBACK_PREDICATE,
    "fb:hasDiagnosticCriterion": FALLBACK_PREDICATE,
    "fb:measures": FALLBACK_PREDICATE,
    "fb:mayMiss": FALLBACK_PREDICATE,
    "fb:recommendedFor": FALLBACK_PREDICATE,
    "fb:notRecommendedFor": FALLBACK_PREDICATE,
    "fb:deficiencyOf": FALLBACK_PREDICATE,
    "fb:masks": FALLBACK_PREDICATE,
}
_NEGATED = {"fb:doesNotCause"}
_CURATED, _HPO = "infores:fibro-b12-kg", "infores:hpo-annotations"

NODE_COLUMNS = ("id", "category", "name", "description", "synonym", "xref", "provided_by")
EDGE_COLUMNS = ("id", "subject", "predicate", "object", "category", "primary_knowledge_source", "knowledge_level",
                "agent_type", "publications", "negated", "original_predicate", "evidence_status", "contested_by",
                "recommendation_grade", "description")


def _cell(value) -> str:
    """One TSV field: lists joined by ``|``; tabs, newlines and pipes inside text become spaces."""
    if isinstance(value, (list, tuple)):
        return "|".join(_cell(v) for v in value if v not in (None, ""))
    return " ".join(str(value).replace("|", " ").split()) if value is not None else ""


def kgx_tables(g) -> tuple[list[dict], list[dict]]:
    """The nodes and edges of ``g`` as KGX records (dicts keyed by :data:`NODE_COLUMNS` / :data:`EDGE_COLUMNS`).

    >>> from kg import KnowledgeGraph
    >>> nodes, edges = kgx_tables(KnowledgeGraph.load())
    >>> {n["id"]: n["category"] for n in nodes}["fb:fibromyalgia"]
    'biolink:Disease'
    """
    entities = g.entities()
    names = {e.id: e for e in entities}
    described = {row["id"]: row for row in _descriptions(g, entities)}
    claims = g.claims()
    cited = {s for c in claims for s in c.sources} | {e for e in entities if e.kind == "source"}
    facts = g.source_details(cited)
    grades = _grades(g)

    nodes: dict[str, dict] = {}
    for entity in list(entities) + [end for c in claims for end in (c.subject, c.object)]:
        if entity.id in nodes:
            continue
        entity = names.get(entity.id, entity)
        info = described.get(entity.id, {})
        xrefs = list(info.get("identifier", [])) + list(info.get("close match", []))
        if entity.kind == "source":
            found = facts.get(entity.id, {})
            xrefs += [f"doi:{d}" for d in found.get("doi", [])] + [f"PMID:{p}" for p in found.get("pmid", [])]
        nodes[entity.id] = {
            "id": entity.id,
            "category": CATEGORIES.get(entity.kind, _DEFAULT_CATEGORY),
            "name": entity.label,
            "description": (info.get("definition") or info.get("citation") or [""])[0],
            "synonym": sorted(set(info.get("synonym", []))),
            "xref": sorted(set(xrefs)),
            "provided_by": _CURATED,
        }

    edges = []
    for claim in sorted(claims, key=lambda c: (c.subject.id, c.predicate.id, c.object.id)):
        source_ids = [s.id for s in claim.sources]
        only_hpo = source_ids == ["src:HPO"]
        edges.append({
            "id": f"{claim.subject.id}--{claim.predicate.id}--{claim.object.id}",
            "subject": claim.subject.id,
            "predicate": PREDICATES.get(claim.predicate.id, FALLBACK_PREDICATE),
            "object": claim.object.id,
            "category": "biolink:Association",
            "primary_knowledge_source": _HPO if only_hpo else _CURATED,
            "knowledge_level": "knowledge_assertion",
            "agent_type": "not_provided" if only_hpo else "manual_agent",
            "publications": [_publication(s, facts.get(s, {})) for s in source_ids],
            "negated": "True" if claim.predicate.id in _NEGATED else "",
            "original_predicate": claim.predicate.id,
            "evidence_status": claim.status,
            "contested_by": [s.id for s in claim.contested_by],
            "recommendation_grade": grades.get((claim.subject.iri, claim.predicate.iri, claim.object.iri), ""),
            "description": claim.note or "",
        })
    return list(nodes.values()), edges


def _publication(source_id: str, facts: dict) -> str:
    """A source as the CURIE KGX tools know best: its DOI, else its PMID, else our own CURIE."""
    if facts.get("doi"):
        return f"doi:{facts['doi'][0]}"
    if facts.get("pmid"):
        return f"PMID:{facts['pmid'][0]}"
    return source_id


def _descriptions(g, entities) -> list[dict]:
    """Definition, synonyms, identifiers and citation of every entity, read once."""
    from ..namespaces import curie

    found: dict[str, dict[str, list[str]]] = {}
    refs = [e.ref for e in entities]
    for row in g.select("descriptions_of", entity=refs) if refs else []:
        field = str(row.field)
        value = curie(str(row.value)) if field == "identifier" else str(row.value)
        found.setdefault(g.entity(row.entity).id, {}).setdefault(field, []).append(value)
    for row in g.select("close_matches"):
        found.setdefault(g.entity(row.entity).id, {}).setdefault("close match", []).append(curie(str(row.match)))
    return [{"id": key, **fields} for key, fields in found.items()]


def _grades(g) -> dict:
    """The guideline grade of each recommendation claim, keyed by (subject, predicate, object) IRIs."""
    return {(str(r.subject), str(r.predicate), str(r.object)): str(r.grade) for r in g.select("recommendation_grades")}


def _write_tsv(path: Path, columns, records) -> None:
    with open(path, "w", encoding="utf-8", newline="\n") as handle:
        handle.write("\t".join(columns) + "\n")
        for record in records:
            handle.write("\t".join(_cell(record.get(c)) for c in columns) + "\n")
        handle.flush()
        os.fsync(handle.fileno())


def write_kgx(g, folder: Path) -> tuple[int, int]:
    """Write ``nodes.tsv`` and ``edges.tsv`` of ``g`` into ``folder``; return (nodes, edges) counted.

    The folder must be new, empty, or an earlier KGX export (holding only those two files); it is
    replaced as a whole, so a failed export leaves what was there before.
    """
    folder = Path(folder)
    if folder.exists():
        if not folder.is_dir():
            raise BadExportOption(f"{folder}: is a file; kg export --format kgx writes a folder (give a new folder name)")
        extra = sorted(p.name for p in folder.iterdir() if p.name not in ("nodes.tsv", "edges.tsv"))
        if extra:
            raise BadExportOption(f"{folder}: holds other files ({', '.join(extra[:3])}); give an empty or new folder for the KGX export")
    nodes, edges = kgx_tables(g)
    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", suffix=".kgx-tmp", dir=folder.parent))
    old = None
    try:
        _write_tsv(tmp / "nodes.tsv", NODE_COLUMNS, nodes)
        _write_tsv(tmp / "edges.tsv", EDGE_COLUMNS, edges)
        os.chmod(tmp, 0o755)
        if folder.exists():  # move the earlier export aside, then the new one in
            old = folder.with_name(f".{folder.name}.kgx-old")
            shutil.rmtree(old, ignore_errors=True)
            os.replace(folder, old)
        os.replace(tmp, folder)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        if old is not None and old.exists() and not folder.exists():
            os.replace(old, folder)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
    return len(nodes), len(edges)
