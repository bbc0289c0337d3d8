"""What keeps kg usable on a large graph: streaming exports, bounded walks, stoppable queries.

No timing assertions: each test checks the behaviour a fast path must keep (the same
answer as the reference, the one-line message, the exit status), in real processes.
"""

import json

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from conftest import run_kg


@pytest.mark.parametrize("fmt,rdflib_format", [("ttl", "turtle"), ("nt", "nt"), ("jsonld", "json-ld")])
def test_streamed_export_is_the_graph_the_memory_backend_writes(tmp_path, fmt, rdflib_format):
    out, ref = tmp_path / f"graph.{fmt}", tmp_path / f"ref.{fmt}"
    written = run_kg("export", out, "--format", fmt)
    assert written.returncode == 0, written.stderr
    assert f"wrote {out} ({fmt}, {out.stat().st_size:,} bytes)" in written.stderr
    assert run_kg("export", ref, "--format", fmt, "--backend", "memory").returncode == 0
    assert isomorphic(Graph().parse(out, format=rdflib_format), Graph().parse(ref, format=rdflib_format))


def test_streamed_export_to_stdout_and_no_temporary_file_left(tmp_path):
    result = run_kg("export", "-", "--format", "ttl", cwd=tmp_path)
    assert result.returncode == 0 and "@prefix fb: <https://w3id.org/fibro-b12/kg#> ." in result.stdout
    assert list(tmp_path.iterdir()) == []


def test_a_failed_export_leaves_the_old_file(tmp_path):
    out = tmp_path / "graph.ttl"
    out.write_text("old", encoding="utf-8")
    result = run_kg("export", out, "--format", "ttl", "--focus", "fibromyalgia")
    assert result.returncode != 0 and out.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["graph.ttl"]


# ---------------------------------------------------------------------- stoppable queries
RUNAWAY = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"  # billions of rows on the shipped graph
RUNAWAY_FILE = "tests/data/runaway.rq"


def start_kg(*args, env=None):
    import os
    import subprocess

    from conftest import KG, ROOT

    environment = {k: v for k, v in os.environ.items() if k != "KG_DATA"}
    environment.update(env or {})
    return subprocess.Popen([KG, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=environment, cwd=ROOT)


def test_ctrl_c_stops_a_runaway_local_query_with_one_line():
    import signal
    import time

    process = start_kg("query", RUNAWAY, env={"KG_MAX_MEMORY": "100000"})
    time.sleep(4)  # well into the query (a cold start takes about a second)
    assert process.poll() is None, process.stderr.read()
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=20)
    assert process.returncode == 130
    assert err == "kg: interrupted\n"


def test_timeout_applies_to_local_queries_and_names_the_query():
    result = run_kg("query", RUNAWAY, "--timeout", "1")
    assert result.returncode == 1
    assert result.stderr.splitlines() == ["kg: error: the query ran out of time after 1 s (raise --timeout, or ask a narrower question)"]
    on_rdflib = run_kg("query", "--file", RUNAWAY_FILE, "--timeout", "1", "--backend", "memory")
    assert on_rdflib.returncode == 1
    assert on_rdflib.stderr.splitlines() == [
        f"kg: error: query {RUNAWAY_FILE} ran out of time after 1 s (raise --timeout, or ask a narrower question)"]


def test_a_query_that_eats_memory_is_stopped_with_one_line():
    result = run_kg("query", "SELECT ?a WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?a LIMIT 1",
                    env={"KG_MAX_MEMORY": "400"})
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "kg: error: stopped while running the query: memory use passed 400 MB "
        "(ask a narrower question, or raise KG_MAX_MEMORY, in MB)"]


# ---------------------------------------------------------------------- validating with an import
HPO_DATA = __import__("conftest").ROOT / "tests" / "data" / "hpo"
CLAIM = """@prefix fb: <https://w3id.org/fibro-b12/kg#> .
@prefix src: <https://w3id.org/fibro-b12/source/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix HP: <http://purl.obolibrary.org/obo/HP_> .
@prefix ORPHA: <http://www.orpha.net/ORDO/Orphanet_> .

fb:tiredness-syndrome a owl:NamedIndividual, fb:Condition ;
    rdfs:label "tiredness syndrome" .

fb:tiredness-syndrome fb:hasSymptom {target} .
[] a owl:Axiom ; owl:annotatedSource fb:tiredness-syndrome ; owl:annotatedProperty fb:hasSymptom ;
   owl:annotatedTarget {target} ; fb:source src:article ; fb:evidenceStatus fb:unsupported .
"""


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    folder = tmp_path_factory.mktemp("validate-home")
    env = {"KG_HOME": str(folder)}
    result = run_kg("import", "hpo", "--obo", HPO_DATA / "hp.obo", "--hpoa", HPO_DATA / "phenotype.hpoa", env=env)
    assert result.returncode == 0, result.stderr
    return folder, env


def test_an_import_is_checked_once_and_files_against_what_it_says(imported, tmp_path):
    folder, env = imported
    assert run_kg("validate", env=env).returncode == 0
    records = sorted((folder / "cache" / "validated").glob("*.json"))
    assert len(records) == 1
    stamp = records[0].stat().st_mtime_ns
    # A claim about an imported phenotype is valid: the import says it is a symptom (an
    # unknown HP term would be reported, as the next file's disease is).
    good = tmp_path / "good.ttl"
    good.write_text(CLAIM.replace("{target}", "HP:0001903"), encoding="utf-8")
    result = run_kg("validate", good, env=env)
    assert result.returncode == 0, result.stdout
    # An imported disease is not a symptom: the problem is the user's file's, at its line.
    bad = tmp_path / "bad.ttl"
    bad.write_text(CLAIM.replace("{target}", "ORPHA:35858"), encoding="utf-8")
    result = run_kg("validate", bad, "--format", "json", env=env)
    assert result.returncode == 1
    problems = json.loads(result.stdout)
    assert problems and all(p["file"] == str(bad) for p in problems)
    assert [p["problem"] for p in problems] == ["the object of a 'has symptom' claim must be a symptom (here: ORPHA:35858)"]
    assert records[0].stat().st_mtime_ns == stamp  # the import was not checked again


def test_a_damaged_import_is_reported(tmp_path):
    env = {"KG_HOME": str(tmp_path)}
    imports = tmp_path / "data" / "imports"
    imports.mkdir(parents=True)
    (imports / "broken.nt").write_text("<urn:a> <urn:b> <urn:c> .\n<urn:a> <urn:b> .\n", encoding="utf-8")
    result = run_kg("validate", env=env)
    assert result.returncode == 1
    assert f"{imports / 'broken.nt'}: file: invalid N-Triples" in result.stdout


IMPORT_LIKE = """@prefix fb: <https://w3id.org/fibro-b12/kg#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix HP: <http://purl.obolibrary.org/obo/HP_> .
""" + "".join(f'HP:{n:07d} a fb:Symptom ; rdfs:label "finding number {n}" ; skos:altLabel "synonym {n}" .\n'
              for n in range(9_000_000, 9_004_000))


@pytest.mark.parametrize("second", [
    # a new entity (the same as an imported term), a synonym for an imported term
    '@prefix fb: <https://w3id.org/fibro-b12/kg#> .\n@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n'
    '@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n@prefix owl: <http://www.w3.org/2002/07/owl#> .\n'
    'fb:toe-ache a fb:Symptom, owl:NamedIndividual ; rdfs:label "toe ache" ;\n'
    '  skos:exactMatch <http://purl.obolibrary.org/obo/HP_9000008> .\n'
    '<http://purl.obolibrary.org/obo/HP_9000007> skos:altLabel "seventh finding" .\n',
    # nothing at all: what the first file described must be read again without it
    "",
    # a class label changed: every kind label may change, so all is read again
    '@prefix fb: <https://w3id.org/fibro-b12/kg#> .\n@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n'
    'fb:Symptom rdfs:label "complaint" .\n',
])
def test_after_an_edit_the_name_index_is_the_one_a_full_read_gives(tmp_path, monkeypatch, second):
    """With an import loaded, a graph whose small files changed reads names again only for
    what those files describe (kg.graph): it must name everything as reading it all would."""
    from kg.backends import OxigraphBackend
    from kg.graph import KnowledgeGraph

    monkeypatch.setenv("KG_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("KG_EXTENSIONS_DIR", str(tmp_path / "extensions"))
    large, small = tmp_path / "import.ttl", tmp_path / "local.ttl"
    large.write_text(IMPORT_LIKE, encoding="utf-8")
    monkeypatch.setattr(OxigraphBackend, "BASE_SIZE", large.stat().st_size)  # only that file is an import
    small.write_text('@prefix fb: <https://w3id.org/fibro-b12/kg#> .\n@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n'
                     '<http://purl.obolibrary.org/obo/HP_9000003> rdfs:label "third finding" .\n'
                     'fb:fatigue rdfs:label "tiredness" .\n', encoding="utf-8")
    first = KnowledgeGraph.load([large, small], env="")
    assert first.resolve("third finding").id == "HP:9000003"
    read = []
    original = KnowledgeGraph._rows
    monkeypatch.setattr(KnowledgeGraph, "_rows", lambda self, classes, resources=None: (
        read.append(resources), original(self, classes, resources))[1])
    small.write_text(second, encoding="utf-8")
    kept = KnowledgeGraph.load([large, small], env="")
    reference = KnowledgeGraph.load([large, small], env="", backend="memory")
    for graph in (kept, KnowledgeGraph.load([large, small], env="")):  # the second from what the first kept
        assert graph._entities == reference._entities
        assert sorted(graph._names.names()) == sorted(reference._names.names())
        index, whole = graph._names, reference._names
        assert dict(index._by_name) == dict(whole._by_name) and index._same == whole._same
        assert {k: v for k, v in index._declared.items() if v} == {k: v for k, v in whole._declared.items() if v}
    if "exactMatch" in second:  # the imported term's names now lead to the entity that declares the match
        assert kept.resolve("finding number 9000008").id == "fb:toe-ache"
    incremental = "complaint" not in second
    assert (read[0] is not None) == incremental  # only the described resources were read again
    assert len(read) == 2  # that one, the reference; the graph after them read nothing
