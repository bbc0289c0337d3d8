"""The named SPARQL queries: each parses, declares its parameters, and answers its documented example.

Each `.rq` with parameters documents an example value for each (`# example NAME: VALUE`);
bound to it, over the shipped graph plus the HPO excerpt, every query must return rows (a
query that parses but answers nothing is as broken as one that does not parse).
"""

import pytest

from kg import KnowledgeGraph
from kg.sparql import named_queries, prepare

NAMES = sorted(named_queries())


@pytest.fixture(scope="module")
def graph(hpo_excerpt) -> KnowledgeGraph:
    return KnowledgeGraph.load([hpo_excerpt], env="")


@pytest.mark.parametrize("name", NAMES)
def test_every_named_query_parses_and_describes_itself(name):
    query = named_queries()[name]
    assert query.description, f"{name}.rq needs a first comment line saying what it answers"
    prepare(query.text, where=name)
    for param in query.params:
        assert f"?{param}" in query.text, f"{name}.rq declares {param} but never uses it"
    assert set(query.examples) == set(query.params), f"{name}.rq: give one '# example NAME: VALUE' per parameter"


@pytest.mark.parametrize("name", NAMES)
def test_every_named_query_answers_its_example(graph, name):
    query = named_queries()[name]
    rows = list(graph.query(query.text, query.example_bindings()))
    assert rows, f"{name} answers nothing for its example {query.examples}"


@pytest.mark.parametrize("name", [n for n in NAMES if named_queries()[n].params])
def test_every_named_query_answers_its_example_from_the_command_line(name, hpo_excerpt):
    from conftest import kg_json

    query = named_queries()[name]
    params = [arg for key, text in query.examples.items() for value in text.split() for arg in ("--param", f"{key}={value}")]
    assert kg_json("query", "--name", name, *params, "--data", hpo_excerpt)


def test_shared_symptoms_query_agrees_with_the_api(graph):
    rows = graph.query(named_queries()["shared_symptoms"].text,
                       {"first": graph.resolve("fibromyalgia").ref, "second": graph.resolve("B12 deficiency").ref})
    from_query = {str(row.symptom) for row in rows}
    from_api = {item.symptom.iri for item in graph.shared("fibromyalgia", "B12 deficiency").shared}
    assert from_query == from_api


@pytest.mark.parametrize("name, method, argument", [
    ("symptoms_of_condition", "symptoms", "fibromyalgia"),
    ("foods_providing_nutrient", "foods", "vitamin B12"),
    ("misdiagnosis_links", "misdiagnosis", "vitamin B12 deficiency"),
    ("diagnostic_tests", "tests", "fibromyalgia"),
])
def test_claim_queries_agree_with_the_api(graph, name, method, argument):
    entity = graph.resolve(argument)
    param = next(iter(named_queries()[name].params))
    rows = graph.query(named_queries()[name].text, {param: entity.ref})
    from_query = {(str(r.subject), str(r.predicate), str(r.object)) for r in rows}
    from_api = {(c.subject.iri, c.predicate.iri, c.object.iri) for c in getattr(graph, method)(entity)}
    assert from_query == from_api and from_api
