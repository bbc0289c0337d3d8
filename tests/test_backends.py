"""One compliance suite, run against every backend: memory (the reference), oxigraph, and two servers.

The graph is the shipped one plus the HPO excerpt of tests/data/hpo (imported as `kg import
hpo` writes it, given with --data), so that hierarchies, imports and frequencies are asked
too. The servers are real, on 127.0.0.1: an Oxigraph server (`endpoint`) and Virtuoso 7
(`virtuoso`, read through `default-graph-uri`: its default graph also holds system graphs).
Each test asks a backend and the rdflib reference the same question and compares answers;
every command that reads the graph runs with `--format json` on each.
"""

import json
import urllib.parse

import pytest

from conftest import B12_DEFICIENCY, FIBROMYALGIA, kg_json, run_kg
from kg import KnowledgeGraph
from kg.backends import EndpointBackend, MemoryBackend, OxigraphBackend
from kg.namespaces import FB
from kg.sparql import named_queries
from kg.terms import IRI, BlankNode, Literal
from oxigraph_server import oxigraph_server

BACKENDS = ["memory", "oxigraph", "endpoint", "virtuoso"]


@pytest.fixture(scope="session")
def reference(hpo_excerpt) -> KnowledgeGraph:
    return KnowledgeGraph.load([hpo_excerpt], env="", backend="memory")


@pytest.fixture(scope="session")
def endpoint_url(served_graph, tmp_path_factory):
    with oxigraph_server(tmp_path_factory.mktemp("endpoint") / "store", data=served_graph) as base:
        yield f"{base}/query"


@pytest.fixture(scope="session")
def virtuoso_url(virtuoso):
    from virtuoso_server import GRAPH

    return f"{virtuoso}/sparql?" + urllib.parse.urlencode({"default-graph-uri": GRAPH})


@pytest.fixture(params=BACKENDS, scope="session")
def backend_name(request):
    return request.param


@pytest.fixture(scope="session")
def location(backend_name, request):
    """What `--backend` / `--endpoint` is given for this backend."""
    if backend_name in ("endpoint", "virtuoso"):
        return request.getfixturevalue(f"{backend_name}_url")
    return backend_name


@pytest.fixture(scope="session")
def options(location, hpo_excerpt) -> tuple:
    """The command-line options that read this backend's copy of the graph."""
    if location.startswith("http"):
        return ("--endpoint", location)
    return ("--backend", location, "--data", hpo_excerpt)


@pytest.fixture(scope="session")
def kg(location, hpo_excerpt) -> KnowledgeGraph:
    return KnowledgeGraph.load([] if location.startswith("http") else [hpo_excerpt], env="", backend=location)


def test_each_description_gives_its_backend(kg, backend_name):
    expected = {"memory": MemoryBackend, "oxigraph": OxigraphBackend, "endpoint": EndpointBackend,
                "virtuoso": EndpointBackend}[backend_name]
    assert isinstance(kg.backend, expected)
    assert kg.backend.local is (expected is not EndpointBackend)
    assert bool(kg.files) is kg.backend.local


def test_same_triple_count(kg, reference):
    assert kg.backend.triple_count() == reference.backend.triple_count() > 1000


def test_same_entities(kg, reference):
    assert kg.entities() == reference.entities()


def test_same_symptoms_with_provenance(kg, reference):
    for condition in (FIBROMYALGIA, B12_DEFICIENCY, "OMIM:263800"):
        assert kg.symptoms(condition) == reference.symptoms(condition)


def test_same_shared_symptoms(kg, reference):
    assert kg.shared("fibromyalgia", "vitamin B12 deficiency") == reference.shared("fibromyalgia", "vitamin B12 deficiency")
    expanded = reference.shared("OMIM:170900", "ORPHA:35858", expand=True)
    assert expanded.shared and kg.shared("OMIM:170900", "ORPHA:35858", expand=True) == expanded


def _rows(result) -> list:
    """A query's answer, comparable across stores: rows sorted, blank nodes anonymous (their labels are the store's)."""
    if result.type == "ASK":
        return [result.answer]
    if result.type in ("CONSTRUCT", "DESCRIBE"):
        return sorted(" ".join("_:" if isinstance(t, BlankNode) else t.n3() for t in triple) for triple in result.triples)
    return sorted(json.dumps({k: "_:" if isinstance(v, BlankNode) else v.n3() for k, v in row.asdict().items()},
                             sort_keys=True) for row in result)


@pytest.mark.parametrize("name", sorted(named_queries()))
def test_every_named_query_answers_alike(kg, reference, name):
    query = named_queries()[name]
    bindings = query.example_bindings()
    assert _rows(kg.query(query.text, bindings)) == _rows(reference.query(query.text, bindings))


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
    assert kg.query("ASK { FILTER(?v = 3) }", {"v": Literal(3)}).answer is True


def test_parameters_bind_in_construct_and_describe(kg, reference):
    bound = {"c": FB["fibromyalgia"]}
    for text in ("CONSTRUCT { ?c fb:hasSymptom ?s } WHERE { ?c fb:hasSymptom ?s }",
                 "CONSTRUCT WHERE { ?c fb:hasSymptom ?s }"):
        graph = set(kg.query(text, bound).triples)
        assert graph == set(reference.query(text, bound).triples)
        assert graph and {s for s, _, _ in graph} == {FB["fibromyalgia"]}


def test_ask_and_construct(kg, reference):
    assert kg.query("ASK { fb:fibromyalgia fb:hasSymptom fb:fatigue }").answer is True
    assert kg.query("ASK { fb:fibromyalgia fb:hasSymptom fb:beef }").answer is False
    text = "CONSTRUCT { ?c fb:hasSymptom ?s } WHERE { ?c fb:hasSymptom ?s }"
    assert set(kg.query(text).triples) == set(reference.query(text).triples)


def test_typed_and_language_literals_round_trip(kg, reference):
    text = 'SELECT (42 AS ?n) ("Müdigkeit"@de AS ?l) ("plain" AS ?p) WHERE {}'
    [row] = list(kg.query(text))
    assert tuple(row) == tuple(next(iter(reference.query(text))))
    assert row.n.to_python() == 42 and row.l.language == "de" and row.p == Literal("plain")


def test_rdf_copy_is_the_same_graph(kg, reference):
    from rdflib.compare import isomorphic

    assert isomorphic(kg.rdf, reference.rdf)


# ---------------------------------------------------------------------- the command line
#: Every command that reads the graph, asked about curated and imported entities alike.
COMMANDS = [
    ("search", "b12"),
    ("search", "anemia"),
    ("show", "intrinsic factor"),
    ("show", "fibromyalgia", "--min-status", "supported"),
    ("show", "HP:0012378"),
    ("symptoms", "fibromyalgia"),
    ("symptoms", "OMIM:263800"),
    ("shared", "fibromyalgia", "vitamin B12 deficiency", "--unique"),
    ("shared", "OMIM:170900", "ORPHA:35858", "--expand", "--unique"),
    ("paths", "fibromyalgia", "vitamin B12 deficiency"),
    ("foods", "vitamin B12"),
    ("misdiagnosis", "vitamin B12 deficiency"),
    ("tests", "fibromyalgia"),
    ("stats",),
    ("differential", "tingling", "gait problems", "memory loss"),
    ("differential", "fatigue", "macrocytic anemia", "HP:0001251", "--min-status", "supported"),
    ("differential", "--text", "numb tingling hands, trouble walking and a sore tongue", "--absent", "pallor"),
    ("annotate", "Tired all the time, with pins and needles in her feet and memory loss."),
    ("compare", "fibromyalgia", "vitamin B12 deficiency"),
    ("query", "--name", "symptoms_of_condition", "--param", "condition=fb:fibromyalgia"),
    ("query", "--name", "hpo_annotations", "--param", "condition=OMIM:263800"),
    ("query", "SELECT ?s WHERE { ?s rdfs:label ?l FILTER(?l = ?v) }", "--param", "v=fatigue"),
]
#: Commands that read the graph but are checked elsewhere, and why.
ELSEWHERE = {
    "export": "compared as a graph and as a page below",
    "sources": "lists the files read, which an endpoint has none of",
    "push": "writes to a server (tests/test_endpoint.py)",
    "serve": "runs a server (tests/test_endpoint.py)",
}


def test_the_compliance_suite_runs_every_command_that_reads_the_graph():
    import typer.main

    from kg.cli import app

    reads = {command.name or command.callback.__name__ for command in typer.main.get_command(app).commands.values()
             if any(param.name == "endpoint" for param in command.params)}
    assert reads - set(ELSEWHERE) == {command[0] for command in COMMANDS}


_REFERENCE_ANSWERS: dict = {}


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_cli_answers_alike_on_every_backend(command, options, hpo_excerpt):
    reference_options = ("--backend", "memory", "--data", hpo_excerpt)
    if command not in _REFERENCE_ANSWERS:
        _REFERENCE_ANSWERS[command] = kg_json(*command, *reference_options)
    reference = _REFERENCE_ANSWERS[command]
    answer = reference if options == reference_options else kg_json(*command, *options)
    if command[0] == "query":  # rows come in the store's order
        answer, reference = (sorted(rows, key=json.dumps) for rows in (answer, reference))
    assert answer == reference and answer


@pytest.mark.parametrize("value, expected", [("fatigue", "fb:fatigue"), ('"pins and needles"', "fb:paresthesia")])
def test_query_param_means_the_same_on_every_backend(options, value, expected):
    text = "SELECT ?s WHERE { { ?s rdfs:label ?l } UNION { ?s skos:altLabel ?l } FILTER(?l = ?v) }"
    assert kg_json("query", text, "--param", f"v={value}", *options) == [{"s": expected}]


def test_kg_backend_environment_variable_chooses_the_backend():
    result = run_kg("stats", "--format", "json", env={"KG_BACKEND": "memory"})
    assert result.returncode == 0
    bad = run_kg("stats", env={"KG_BACKEND": "sqlite"})
    assert bad.returncode == 1 and "unknown backend 'sqlite'" in bad.stderr


def test_export_is_the_same_graph_on_every_backend(options, hpo_excerpt, tmp_path):
    from rdflib import Graph

    out, ref = tmp_path / "graph.nt", tmp_path / "ref.nt"
    assert run_kg("export", out, "--format", "nt", *options).returncode == 0
    assert run_kg("export", ref, "--format", "nt", "--backend", "memory", "--data", hpo_excerpt).returncode == 0
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


def test_select_rows_are_kg_terms_on_every_backend(kg):
    from rdflib import URIRef

    rows = list(kg.select("symptoms_of_condition", condition=FB["fibromyalgia"]))
    assert rows and all(type(r.subject) is IRI and isinstance(r.note, (Literal, type(None))) for r in rows)
    # rdflib terms are still taken as parameters, and answer the same
    assert list(kg.select("symptoms_of_condition", condition=URIRef(FB["fibromyalgia"]))) == rows


def test_html_export_is_the_same_page_on_every_backend(options, hpo_excerpt, tmp_path):
    out, ref = tmp_path / "page.html", tmp_path / "ref.html"
    assert run_kg("export", out, "--format", "html", *options).returncode == 0
    assert run_kg("export", ref, "--format", "html", "--backend", "memory", "--data", hpo_excerpt).returncode == 0
    assert out.read_bytes() == ref.read_bytes()
