"""One compliance suite, run against every backend: memory (the reference), oxigraph, endpoint.

The endpoint is a real Oxigraph server on 127.0.0.1 serving the shipped graph. Each test
asks a backend and the rdflib reference the same question and compares the answers.
"""

import json

import pytest
from rdflib import Literal, URIRef

from conftest import B12_DEFICIENCY, FIBROMYALGIA, kg_json, run_kg
from kg import KnowledgeGraph
from kg.backends import EndpointBackend, MemoryBackend, OxigraphBackend
from kg.namespaces import FB
from oxigraph_server import oxigraph_server

BACKENDS = ["memory", "oxigraph", "endpoint"]


@pytest.fixture(scope="session")
def reference() -> KnowledgeGraph:
    return KnowledgeGraph.load(env="", backend="memory")


@pytest.fixture(scope="session")
def endpoint_url(reference, tmp_path_factory):
    folder = tmp_path_factory.mktemp("endpoint")
    data = folder / "graph.nt"
    data.write_bytes(reference.backend.ntriples())
    with oxigraph_server(folder / "store", data=data) as base:
        yield f"{base}/query"


@pytest.fixture(params=BACKENDS, scope="session")
def backend_name(request):
    return request.param


@pytest.fixture(scope="session")
def location(backend_name, request):
    """What `--backend` / `--endpoint` is given for this backend."""
    return request.getfixturevalue("endpoint_url") if backend_name == "endpoint" else backend_name


@pytest.fixture(scope="session")
def kg(location) -> KnowledgeGraph:
    return KnowledgeGraph.load(env="", backend=location)


def test_each_description_gives_its_backend(kg, backend_name):
    expected = {"memory": MemoryBackend, "oxigraph": OxigraphBackend, "endpoint": EndpointBackend}[backend_name]
    assert isinstance(kg.backend, expected)


def test_same_triple_count(kg, reference):
    assert kg.backend.triple_count() == reference.backend.triple_count() > 1000


def test_same_entities(kg, reference):
    assert kg.entities() == reference.entities()


def test_same_symptoms_with_provenance(kg, reference):
    for condition in (FIBROMYALGIA, B12_DEFICIENCY):
        assert kg.symptoms(condition) == reference.symptoms(condition)


def test_same_shared_symptoms(kg, reference):
    assert kg.shared("fibromyalgia", "vitamin B12 deficiency") == reference.shared("fibromyalgia", "vitamin B12 deficiency")


def test_same_claims_and_details(kg, reference):
    assert kg.claims() == reference.claims()
    assert kg.claims(predicate="fb:hasSymptom", object="fatigue") == reference.claims(predicate="fb:hasSymptom", object="fatigue")
    assert kg.show("intrinsic factor") == reference.show("intrinsic factor")


def test_same_stats(kg, reference):
    assert kg.stats().counts == reference.stats().counts


def test_same_entity_for_an_undescribed_iri(kg, reference):
    iri = "http://purl.obolibrary.org/obo/HP_0000001"
    assert kg.entity(iri) == reference.entity(iri)


def test_select_binds_parameters_as_terms(kg, reference):
    text = "SELECT ?symptom WHERE { ?condition fb:hasSymptom ?symptom }"
    params = {"condition": FB["fibromyalgia"]}
    rows = {str(r.symptom) for r in kg.query(text, params)}
    assert rows == {str(r.symptom) for r in reference.query(text, params)}
    assert str(FB["fatigue"]) in rows


def test_a_literal_parameter_is_a_term_not_query_text(kg):
    # A value that would break out of a pasted query must match nothing, and harm nothing.
    hostile = Literal('x" } ; DROP ALL ; SELECT * WHERE { ?s ?p "')
    rows = kg.query("SELECT ?entity WHERE { ?entity rdfs:label ?label }", {"label": hostile})
    assert list(rows) == []
    rows = kg.query("SELECT ?entity WHERE { ?entity rdfs:label ?label }", {"label": Literal("fatigue")})
    assert [str(r.entity) for r in rows] == [str(FB["fatigue"])]


def test_a_parameter_is_bound_before_the_filters_run(kg):
    # Bound after the pattern (a trailing VALUES), ?v would be unbound when the FILTER runs.
    text = "SELECT ?s WHERE { ?s rdfs:label ?l FILTER(?l = ?v) }"
    assert [str(r.s) for r in kg.query(text, {"v": Literal("fatigue")})] == [str(FB["fatigue"])]
    assert [str(r.s) for r in kg.query(text, {"v": [Literal("fatigue"), Literal("myalgia")]})] != []
    assert kg.query("ASK { FILTER(?v = 3) }", {"v": Literal(3)}).askAnswer is True


def test_parameters_bind_in_construct_and_describe(kg, reference):
    bound = {"c": FB["fibromyalgia"]}
    for text in ("CONSTRUCT { ?c fb:hasSymptom ?s } WHERE { ?c fb:hasSymptom ?s }",
                 "CONSTRUCT WHERE { ?c fb:hasSymptom ?s }"):
        graph = set(kg.query(text, bound).graph)
        assert graph == set(reference.query(text, bound).graph)
        assert graph and {s for s, _, _ in graph} == {FB["fibromyalgia"]}


def test_ask_and_construct(kg, reference):
    assert kg.query("ASK { fb:fibromyalgia fb:hasSymptom fb:fatigue }").askAnswer is True
    assert kg.query("ASK { fb:fibromyalgia fb:hasSymptom fb:beef }").askAnswer is False
    text = "CONSTRUCT { ?c fb:hasSymptom ?s } WHERE { ?c fb:hasSymptom ?s }"
    assert set(kg.query(text).graph) == set(reference.query(text).graph)


def test_typed_and_language_literals_round_trip(kg, reference):
    text = 'SELECT (42 AS ?n) ("Müdigkeit"@de AS ?l) ("plain" AS ?p) WHERE {}'
    [row] = list(kg.query(text))
    assert tuple(row) == tuple(next(iter(reference.query(text))))
    assert row.n.toPython() == 42 and row.l.language == "de" and row.p == Literal("plain")


def test_rdf_copy_is_the_same_graph(kg, reference):
    from rdflib.compare import isomorphic

    assert isomorphic(kg.rdf, reference.rdf)


# ---------------------------------------------------------------------- the command line
@pytest.mark.parametrize("command", [
    ("shared", "fibromyalgia", "vitamin B12 deficiency"),
    ("symptoms", "fibromyalgia"),
    ("show", "intrinsic factor"),
    ("stats",),
    ("search", "b12"),
    ("query", "--name", "symptoms_of_condition", "--param", "condition=fb:fibromyalgia"),
])
def test_cli_answers_alike_on_every_backend(command, location):
    option = ("--endpoint", location) if location.startswith("http") else ("--backend", location)
    answer = kg_json(*command, *option)
    reference = kg_json(*command, "--backend", "memory")
    if command[0] == "stats":  # the files list names where the graph came from
        answer, reference = ([r for r in rows if r["group"] != "file"] for rows in (answer, reference))
    if command[0] == "query":
        answer, reference = (sorted(rows, key=json.dumps) for rows in (answer, reference))
    assert answer == reference


@pytest.mark.parametrize("value, expected", [("fatigue", "fb:fatigue"), ('"pins and needles"', "fb:paresthesia")])
def test_query_param_means_the_same_on_every_backend(location, value, expected):
    option = ("--endpoint", location) if location.startswith("http") else ("--backend", location)
    text = "SELECT ?s WHERE { { ?s rdfs:label ?l } UNION { ?s skos:altLabel ?l } FILTER(?l = ?v) }"
    assert kg_json("query", text, "--param", f"v={value}", *option) == [{"s": expected}]


def test_kg_backend_environment_variable_chooses_the_backend():
    result = run_kg("stats", "--format", "json", env={"KG_BACKEND": "memory"})
    assert result.returncode == 0
    bad = run_kg("stats", env={"KG_BACKEND": "sqlite"})
    assert bad.returncode == 1 and "unknown backend 'sqlite'" in bad.stderr


def test_export_is_the_same_graph_on_every_backend(location, tmp_path):
    from rdflib import Graph

    option = ("--endpoint", location) if location.startswith("http") else ("--backend", location)
    out, ref = tmp_path / "graph.nt", tmp_path / "ref.nt"
    assert run_kg("export", out, "--format", "nt", *option).returncode == 0
    assert run_kg("export", ref, "--format", "nt", "--backend", "memory").returncode == 0
    from rdflib.compare import isomorphic

    assert isomorphic(Graph().parse(out, format="nt"), Graph().parse(ref, format="nt"))


# ---------------------------------------------------------------------- the Oxigraph cache
def test_oxigraph_cache_is_reused_and_rebuilt_when_content_changes(tmp_path):
    extra = tmp_path / "extra.ttl"
    extra.write_text("@prefix fb: <https://w3id.org/fibro-b12/kg#> .\nfb:a fb:hasSymptom fb:b .\n")
    env = {"KG_HOME": str(tmp_path / "home")}
    first = kg_json("stats", "--data", extra, env=env)
    stores = sorted((tmp_path / "home" / "cache" / "oxigraph").iterdir())
    again = kg_json("stats", "--data", extra, env=env)
    assert sorted((tmp_path / "home" / "cache" / "oxigraph").iterdir()) == stores and again == first
    extra.write_text("@prefix fb: <https://w3id.org/fibro-b12/kg#> .\nfb:a fb:hasSymptom fb:b , fb:c .\n")
    result = run_kg("query", "ASK { fb:a fb:hasSymptom fb:c }", "--data", extra, env=env)
    assert result.stdout.strip() == "true", result.stderr
    assert len([p for p in (tmp_path / "home" / "cache" / "oxigraph").iterdir() if p.is_dir()]) == 2


def test_oxigraph_reports_bad_turtle_like_memory(tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_text('@prefix fb: <https://w3id.org/fibro-b12/kg#> .\n\nfb:x fb:hasSymptom "unterminated .\n')
    answers = [run_kg("stats", "--data", bad, "--backend", b, env={"KG_HOME": str(tmp_path / b)}) for b in ("oxigraph", "memory")]
    assert all(a.returncode == 1 and "Traceback" not in a.stderr for a in answers)
    assert answers[0].stderr == answers[1].stderr and f"{bad}:3" in answers[0].stderr
    assert not any((tmp_path / "oxigraph" / "cache" / "oxigraph").glob("[!.]*/"))


def test_select_rows_are_rdflib_terms(kg):
    rows = list(kg.select("symptoms_of_condition", condition=URIRef(FB["fibromyalgia"])))
    assert rows and all(isinstance(r.subject, URIRef) for r in rows)


def test_html_export_is_the_same_page_on_every_backend(location, tmp_path):
    option = ("--endpoint", location) if location.startswith("http") else ("--backend", location)
    out, ref = tmp_path / "page.html", tmp_path / "ref.html"
    assert run_kg("export", out, "--format", "html", *option).returncode == 0
    assert run_kg("export", ref, "--format", "html", "--backend", "memory").returncode == 0
    assert out.read_bytes() == ref.read_bytes()
