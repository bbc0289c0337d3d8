"""The named SPARQL queries: each parses, declares its parameters, and agrees with the API."""

import pytest

from kg.sparql import named_queries, prepare

NAMES = sorted(named_queries())


@pytest.mark.parametrize("name", NAMES)
def test_every_named_query_parses_and_describes_itself(name):
    query = named_queries()[name]
    assert query.description, f"{name}.rq needs a first comment line saying what it answers"
    prepare(query.text, where=name)
    for param in query.params:
        assert f"?{param}" in query.text, f"{name}.rq declares {param} but never uses it"


# Questions about fibromyalgia that the shipped graph must answer (check queries, such as
# claims without provenance, rightly answer nothing on a clean graph).
QUESTIONS = ["symptoms_of_condition", "diagnostic_tests", "misdiagnosis_links", "entity_details", "claims",
             "entities", "entity_names", "relations", "class_counts", "relation_counts", "claims_by_status"]


@pytest.mark.parametrize("name", NAMES)
def test_every_named_query_runs(g, name):
    query = named_queries()[name]
    fibromyalgia = g.resolve("fibromyalgia").ref
    bindings = {p: fibromyalgia for p in query.params if name != "claims"}
    rows = list(g.query(query.text, bindings))
    if name in QUESTIONS:
        assert rows, f"{name} answers nothing about fibromyalgia"


def test_shared_symptoms_query_agrees_with_the_api(g):
    rows = g.query(named_queries()["shared_symptoms"].text,
                   {"first": g.resolve("fibromyalgia").ref, "second": g.resolve("B12 deficiency").ref})
    from_query = {str(row.symptom) for row in rows}
    from_api = {item.symptom.iri for item in g.shared("fibromyalgia", "B12 deficiency").shared}
    assert from_query == from_api
