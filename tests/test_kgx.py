"""`kg export --format kgx`: KGX TSV that the Monarch / Translator tooling can read back.

The columns checked are those the KGX specification documents for TSV (nodes: id, category,
name ...; edges: subject, predicate, object, primary_knowledge_source, knowledge_level,
agent_type ...). Expectations come from the graph itself (g.claims()), not from a copy.
"""

import csv

import pytest

from conftest import B12_DEFICIENCY, FIBROMYALGIA, kg_json, run_kg

NODE_COLUMNS = {"id", "category", "name", "description", "synonym", "xref", "provided_by"}
EDGE_COLUMNS = {"id", "subject", "predicate", "object", "category", "primary_knowledge_source", "knowledge_level",
                "agent_type", "publications"}
KNOWLEDGE_LEVELS = {"knowledge_assertion", "logical_entailment", "prediction", "statistical_association",
                    "observation", "not_provided"}
AGENT_TYPES = {"manual_agent", "automated_agent", "data_analysis_pipeline", "computational_model",
               "text_mining_agent", "image_processing_agent", "manual_validation_of_automated_agent", "not_provided"}


def read_tsv(path):
    with open(path, encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        return reader.fieldnames, list(reader)


def export(folder, *extra, env=None):
    result = run_kg("export", str(folder), "--format", "kgx", *extra, env=env)
    assert result.returncode == 0, result.stderr
    node_columns, nodes = read_tsv(folder / "nodes.tsv")
    edge_columns, edges = read_tsv(folder / "edges.tsv")
    return node_columns, nodes, edge_columns, edges


@pytest.fixture(scope="module")
def kgx(tmp_path_factory):
    return export(tmp_path_factory.mktemp("kgx") / "out")


def test_columns_are_those_kgx_documents(kgx):
    node_columns, nodes, edge_columns, edges = kgx
    assert NODE_COLUMNS <= set(node_columns) and EDGE_COLUMNS <= set(edge_columns)
    assert all(n["id"] and n["category"].startswith("biolink:") and n["name"] for n in nodes)
    for edge in edges:
        assert edge["predicate"].startswith("biolink:")
        assert edge["primary_knowledge_source"].startswith("infores:")
        assert edge["knowledge_level"] in KNOWLEDGE_LEVELS and edge["agent_type"] in AGENT_TYPES
        assert edge["publications"], edge["id"]


def test_every_edge_joins_two_nodes_and_every_claim_is_an_edge(kgx, g):
    _, nodes, _, edges = kgx
    ids = [n["id"] for n in nodes]
    assert len(ids) == len(set(ids))
    assert all(e["subject"] in set(ids) and e["object"] in set(ids) for e in edges)
    claims = {(c.subject.id, c.predicate.id, c.object.id): c for c in g.claims()}
    assert {(e["subject"], e["original_predicate"], e["object"]) for e in edges} == set(claims)
    for edge in edges:
        assert edge["evidence_status"] == claims[edge["subject"], edge["original_predicate"], edge["object"]].status


def rows(records, **wanted):
    return [r for r in records if all(r[k] == v for k, v in wanted.items())]


def test_real_rows(kgx):
    _, nodes, _, edges = kgx
    by_id = {n["id"]: n for n in nodes}
    assert by_id[FIBROMYALGIA]["category"] == "biolink:Disease"
    assert by_id["fb:fatigue"]["category"] == "biolink:PhenotypicFeature" and "HP:0012378" in by_id["fb:fatigue"]["xref"].split("|")
    assert by_id["fb:vitamin-b12"]["category"] == "biolink:SmallMolecule"
    assert by_id["fb:beef"]["category"] == "biolink:Food"
    assert by_id["fb:serum-b12-test"]["category"] == "biolink:Procedure"
    stabler = by_id["src:Stabler2013"]
    assert stabler["category"] == "biolink:Publication" and "doi:10.1056/NEJMcp1113996" in stabler["xref"].split("|")
    # The close match is written as a cross-reference, beside the curated entity, not as its id.
    assert "HP:0100502" in by_id[B12_DEFICIENCY]["xref"].split("|")

    [tingling] = rows(edges, subject=B12_DEFICIENCY, object="fb:paresthesia")
    assert tingling["predicate"] == "biolink:has_phenotype" and tingling["evidence_status"] == "supported"
    assert "doi:10.1056/NEJMcp1113996" in tingling["publications"].split("|")
    assert "src:article" in tingling["publications"].split("|")  # no link recorded: its own CURIE
    [not_cause] = rows(edges, subject=B12_DEFICIENCY, original_predicate="fb:doesNotCause")
    assert not_cause["predicate"] == "biolink:causes" and not_cause["negated"] == "True"
    [exercise] = rows(edges, subject="fb:exercise", object=FIBROMYALGIA)
    assert exercise["recommendation_grade"] == "strong for" and exercise["original_predicate"] == "fb:recommendedFor"
    against = rows(edges, original_predicate="fb:notRecommendedFor")
    assert against and all(e["recommendation_grade"].endswith("against") for e in against)
    [enzyme] = rows(edges, subject="fb:intrinsic-factor", object="fb:enzyme")
    assert enzyme["predicate"] == "biolink:subclass_of" and enzyme["evidence_status"] == "refuted"
    assert enzyme["contested_by"]


def test_an_extension_is_exported_too(tmp_path):
    extension = tmp_path / "thyroid.ttl"
    extension.write_text("""@prefix fb: <https://w3id.org/fibro-b12/kg#> .
@prefix src: <https://w3id.org/fibro-b12/source/> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
fb:hypothyroidism a owl:NamedIndividual, fb:Condition ; rdfs:label "hypothyroidism" .
fb:hypothyroidism fb:hasSymptom fb:fatigue .
[] a owl:Axiom ; owl:annotatedSource fb:hypothyroidism ; owl:annotatedProperty fb:hasSymptom ;
   owl:annotatedTarget fb:fatigue ; fb:source src:Green2017 ; fb:evidenceStatus fb:contested .
""", encoding="utf-8")
    _, nodes, _, edges = export(tmp_path / "out", "--data", str(extension))
    assert rows(nodes, id="fb:hypothyroidism", category="biolink:Disease")
    [edge] = rows(edges, subject="fb:hypothyroidism")
    assert edge["object"] == "fb:fatigue" and edge["evidence_status"] == "contested"


def test_a_folder_with_other_files_is_refused_and_left_alone(tmp_path):
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "notes.txt").write_text("keep me")
    result = run_kg("export", str(folder), "--format", "kgx")
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert result.stderr.startswith("kg: error: ") and "other files" in result.stderr
    assert sorted(p.name for p in folder.iterdir()) == ["notes.txt"]
    assert [p.name for p in tmp_path.iterdir()] == ["mine"]  # no temporary folder left behind


def test_a_second_export_replaces_the_first(tmp_path, kgx):
    folder = tmp_path / "out"
    first = export(folder)
    (folder / "edges.tsv").write_text("truncated\n")
    assert export(folder) == first
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_kgx_to_standard_output_is_refused():
    result = run_kg("export", "-", "--format", "kgx")
    assert result.returncode != 0 and "folder" in result.stderr


def test_show_prints_a_source_link_and_kind():
    details = kg_json("show", "Carmel2003")
    assert details["link"] == ["https://pubmed.ncbi.nlm.nih.gov/12881454/"]
    assert details["evidence_kind"] == ["primary study"] and details["pmid"] == ["12881454"]
    # Where show lists claims, the kinds of their sources sit next to the status.
    shown = list(csv.DictReader(run_kg("show", "haptocorrin", "--format", "csv").stdout.splitlines()))
    [absorption] = [r for r in shown if r["id"] == "fb:b12-absorption"]
    assert absorption["status"] == "contested" and absorption["evidence"] == "narrative review"
    table = run_kg("show", "haptocorrin").stdout
    assert [line for line in table.splitlines() if "fb:b12-absorption" in line and "contested" in line and "review" in line]
