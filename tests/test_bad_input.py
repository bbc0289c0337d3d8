"""Bad input: one clear line on stderr, a non-zero exit, no traceback, nothing changed on disk."""

import pytest

from conftest import run_kg


def one_line_error(result, code=None):
    assert result.returncode != 0
    if code is not None:
        assert result.returncode == code, result.stderr
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("kg: error: ")
    return lines[0]


def test_unknown_entity_exits_2_with_candidates():
    line = one_line_error(run_kg("symptoms", "fibromyalga"), code=2)
    assert "fibromyalgia" in line and "did you mean" in line


def test_ambiguous_entity_exits_2_naming_candidates(tmp_path):
    extra = tmp_path / "twin.ttl"
    extra.write_text(
        "@prefix fb: <https://w3id.org/fibro-b12/kg#> .\n@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        "fb:fatigue-twin a fb:Symptom ; rdfs:label \"Fatigue\" .\n"
    )
    line = one_line_error(run_kg("show", "fatigue", "--data", extra), code=2)
    assert "ambiguous" in line and "fb:fatigue-twin" in line and "fb:fatigue" in line


def test_malformed_turtle_names_file_and_line(tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_text('@prefix fb: <https://w3id.org/fibro-b12/kg#> .\n\nfb:x fb:hasSymptom "unterminated .\n')
    line = one_line_error(run_kg("stats", "--data", bad), code=1)
    assert f"{bad}:3" in line and "invalid Turtle" in line


def test_missing_data_file():
    line = one_line_error(run_kg("stats", "--data", "/nonexistent/extra.ttl"), code=1)
    assert "/nonexistent/extra.ttl" in line and "no such file" in line


def test_sparql_syntax_error_says_where():
    line = one_line_error(run_kg("query", "SELECT ?s WHERE { ?s ?p }"), code=1)
    assert "SPARQL syntax error" in line and "query:1:" in line


def test_sparql_syntax_error_in_file_names_the_line(tmp_path):
    q = tmp_path / "broken.rq"
    q.write_text("SELECT ?s\nWHERE {\n  ?s ?p \n}\n")
    line = one_line_error(run_kg("query", "--file", q), code=1)
    assert f"{q}:" in line


@pytest.mark.parametrize("update", [
    "DELETE WHERE { ?s ?p ?o }",
    "INSERT DATA { fb:x fb:hasSymptom fb:y }",
    "DROP ALL",
])
def test_update_is_refused(update):
    line = one_line_error(run_kg("query", update), code=1)
    assert "updates are refused" in line


def test_service_is_refused():
    line = one_line_error(run_kg("query", "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }"))
    assert "SERVICE" in line


def test_empty_result_is_an_error_line():
    line = one_line_error(run_kg("query", "SELECT ?s WHERE { ?s fb:hasSymptom fb:nothing-like-this }"), code=1)
    assert "no rows" in line


def test_no_shared_symptoms_is_an_error_line():
    line = one_line_error(run_kg("shared", "fibromyalgia", "arthritis"), code=1)
    assert "share no symptoms" in line


def test_no_chain_is_an_error_line():
    line = one_line_error(run_kg("paths", "beef", "fibromyalgia"), code=1)
    assert "no causal chain" in line


def test_bad_param_syntax():
    line = one_line_error(run_kg("query", "SELECT * WHERE { ?s ?p ?o }", "--param", "novalue"))
    assert "NAME=VALUE" in line


def test_unknown_named_query():
    line = one_line_error(run_kg("query", "--name", "no_such_query"))
    assert "no named query" in line


def test_failed_export_leaves_the_existing_file_intact(tmp_path, monkeypatch):
    out = tmp_path / "graph.ttl"
    out.write_text("precious")
    bad = tmp_path / "bad.ttl"
    bad.write_text("this is not turtle")
    one_line_error(run_kg("export", out, "--data", bad))
    assert out.read_text() == "precious"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.ttl", "graph.ttl"]


def test_export_to_missing_folder():
    line = one_line_error(run_kg("export", "/nonexistent-dir/graph.ttl"))
    assert "does not exist" in line
