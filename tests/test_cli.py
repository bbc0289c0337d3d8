"""Every command through the real `kg` console script, in every output format."""

import csv
import io
import json

import pytest

from conftest import ARTICLE, B12_DEFICIENCY, FIBROMYALGIA, kg_json, run_kg


def test_help_carries_the_disclaimer():
    result = run_kg("--help")
    assert result.returncode == 0
    assert "Not medical advice" in result.stdout


def test_python_dash_m_kg_works():
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-m", "kg", "symptoms", "fibromyalgia", "-f", "json"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert any(row["label"] == "fatigue" for row in json.loads(result.stdout))


def test_search_finds_synonyms():
    rows = kg_json("search", "pins and needles")
    assert rows[0]["id"] == "fb:paresthesia"
    assert rows[0]["matched"].lower() == "pins and needles"


def test_show_lists_relations_both_ways_with_provenance():
    details = kg_json("show", "intrinsic factor")
    assert details["id"] == "fb:intrinsic-factor"
    assert details["definition"]
    enzyme = [c for c in details["outgoing"] if c["object"]["id"] == "fb:enzyme"]
    assert enzyme and enzyme[0]["status"] == "refuted"
    assert {s["id"] for s in enzyme[0]["sources"]} == {ARTICLE}
    assert enzyme[0]["contested_by"] and enzyme[0]["note"]
    assert any(c["subject"]["id"] == "fb:stomach" for c in details["incoming"])
    table = run_kg("show", "intrinsic factor")
    assert table.returncode == 0 and "refuted" in table.stdout and "glycoprotein" in table.stdout


def test_show_identifiers_and_synonyms():
    details = kg_json("show", "HP:0012378")
    assert details["label"] == "fatigue"
    assert "HP:0012378" in details["identifiers"]


def test_symptoms_json_rows_have_id_label_status_sources():
    rows = kg_json("symptoms", "Fibromyalgia")
    assert {"id", "label", "status", "sources"} <= set(rows[0])
    assert all(row["sources"] and row["status"] for row in rows)
    assert "fb:pruritus" in {row["id"] for row in rows}


def test_symptoms_csv_has_a_header_and_a_row_per_symptom():
    result = run_kg("symptoms", "fb:vitamin-b12-deficiency", "--format", "csv")
    assert result.returncode == 0
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert {"id", "label", "status", "sources"} <= set(rows[0])
    assert "fb:paresthesia" in {row["id"] for row in rows}


def test_shared_answers_the_headline_question():
    rows = kg_json("shared", "fibromyalgia", "vitamin B12 deficiency")
    assert {row["id"] for row in rows} >= {"fb:fatigue", "fb:myalgia"}
    assert all(row["section"] == "shared" for row in rows)
    table = run_kg("shared", "fibromyalgia", "vitamin B12 deficiency")
    assert table.returncode == 0 and "fatigue" in table.stdout


def test_shared_unique_adds_sections():
    rows = kg_json("shared", "fibromyalgia", "B12 deficiency", "--unique")
    sections = {row["section"] for row in rows}
    assert sections == {"shared", "unique to fibromyalgia", "unique to vitamin B12 deficiency"}
    unique_fm = {row["id"] for row in rows if row["section"] == "unique to fibromyalgia"}
    assert "fb:pruritus" in unique_fm and "fb:fatigue" not in unique_fm
    table = run_kg("shared", "fibromyalgia", "B12 deficiency", "--unique")
    assert "Only fibromyalgia" in table.stdout


def test_paths_json_is_an_array_of_chains_of_steps():
    chains = kg_json("paths", "fibromyalgia", "vitamin B12 deficiency")
    assert chains and all(isinstance(chain, list) for chain in chains)
    for chain in chains:
        assert chain[0]["subject"]["id"] == FIBROMYALGIA
        assert chain[-1]["object"]["id"] == B12_DEFICIENCY
        for step, following in zip(chain, chain[1:]):
            assert step["object"]["id"] == following["subject"]["id"]
        for step in chain:
            assert {"subject", "predicate", "object", "sources", "status"} <= set(step)
            assert step["sources"]


def test_paths_max_length_bounds_the_chains():
    chains = kg_json("paths", "fibromyalgia", "vitamin B12 deficiency", "--max-length", "2")
    assert chains and all(len(chain) <= 2 for chain in chains)
    longer = kg_json("paths", "fibromyalgia", "vitamin B12 deficiency", "--max-length", "5")
    assert len(longer) > len(chains)


def test_paths_table_warns_about_weak_chains():
    result = run_kg("paths", "fibromyalgia", "vitamin B12 deficiency")
    assert result.returncode == 0
    assert "not supported" in result.stdout


def test_foods():
    rows = kg_json("foods", "cobalamin")
    assert {"fb:beef", "fb:eggs", "fb:cheese"} <= {row["id"] for row in rows}


def test_misdiagnosis_both_directions():
    from_b12 = kg_json("misdiagnosis", "vitamin B12 deficiency")
    assert {row["id"] for row in from_b12} >= {"fb:fibromyalgia", "fb:arthritis", "fb:diabetes", "fb:depression"}
    assert {row["direction"] for row in from_b12} == {"may be mistaken for"}
    from_fm = kg_json("misdiagnosis", "fibromyalgia")
    assert any(row["id"] == B12_DEFICIENCY and row["direction"] == "may be mistaken for it" for row in from_fm)


def test_tests_lists_criteria_and_tests():
    rows = kg_json("tests", "vitamin B12 deficiency")
    assert {"fb:serum-b12-test", "fb:holotranscobalamin-test", "fb:methylmalonic-acid-test"} <= {r["id"] for r in rows}
    fm = kg_json("tests", "fibromyalgia")
    assert "fb:tender-points-11-of-18" in {r["id"] for r in fm}


def test_stats_counts_classes_relations_statuses():
    rows = kg_json("stats")
    groups = {row["group"] for row in rows}
    assert groups == {"class", "relation", "status"}
    by_id = {(row["group"], row["id"]): row["count"] for row in rows}
    assert by_id["class", "fb:Condition"] >= 10
    assert by_id["relation", "fb:hasSymptom"] >= 20
    assert by_id["status", "fb:supported"] > 0


def test_query_select_with_bound_parameter():
    rows = kg_json("query", "SELECT ?s WHERE { ?c fb:hasSymptom ?s }", "--param", "c=fb:fibromyalgia")
    assert "fb:fatigue" in {row["s"] for row in rows}


def test_query_parameter_is_bound_not_pasted():
    # A value that would break out of the query if pasted in is just an odd literal.
    rows = run_kg("query", "SELECT ?e WHERE { ?e rdfs:label ?l }", "--param", 'l=x" } ?e ?p ?o . { ', "-f", "json")
    assert rows.returncode == 1
    assert json.loads(rows.stdout) == []


def test_query_from_file_and_by_name(tmp_path):
    q = tmp_path / "q.rq"
    q.write_text("SELECT ?food WHERE { ?food fb:providesNutrient ?n }")
    rows = kg_json("query", "--file", q, "--param", "n=fb:vitamin-b12")
    assert "fb:beef" in {row["food"] for row in rows}
    named = kg_json("query", "--name", "symptoms_of_condition", "--param", "condition=fb:fibromyalgia")
    assert "fb:fatigue" in {row["object"] for row in named}


def test_query_ask_and_construct():
    ask = run_kg("query", "ASK { fb:fibromyalgia fb:hasSymptom fb:fatigue }")
    assert ask.returncode == 0 and ask.stdout.strip() == "true"
    construct = run_kg("query", "CONSTRUCT { ?f fb:providesNutrient fb:vitamin-b12 } WHERE { ?f fb:providesNutrient fb:vitamin-b12 }")
    assert construct.returncode == 0 and "providesNutrient" in construct.stdout


def test_queries_lists_the_named_queries():
    rows = kg_json("queries")
    names = {row["name"] for row in rows}
    assert {"symptoms_of_condition", "shared_symptoms", "claims"} <= names


@pytest.mark.parametrize("fmt,marker", [("ttl", "@prefix"), ("nt", "<https://w3id.org/fibro-b12/kg#fibromyalgia>"),
                                        ("jsonld", '"@id"'), ("graphml", "<graphml")])
def test_export_formats(tmp_path, fmt, marker):
    out = tmp_path / f"graph.{fmt}"
    result = run_kg("export", "--format", fmt, out)
    assert result.returncode == 0, result.stderr
    assert marker in out.read_text(encoding="utf-8")


def test_export_round_trips_through_rdflib(tmp_path):
    import rdflib

    out = tmp_path / "graph.ttl"
    assert run_kg("export", out).returncode == 0
    exported = rdflib.Graph().parse(out)
    from kg import KnowledgeGraph

    assert len(exported) == len(KnowledgeGraph.load(env="").rdf)


def test_data_option_adds_a_file(tmp_path):
    extra = tmp_path / "extra.ttl"
    extra.write_text(
        "@prefix fb: <https://w3id.org/fibro-b12/kg#> .\n@prefix src: <https://w3id.org/fibro-b12/source/> .\n"
        "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        "fb:coeliac-disease fb:hasSymptom fb:fatigue .\n"
        "[] a owl:Axiom ; owl:annotatedSource fb:coeliac-disease ; owl:annotatedProperty fb:hasSymptom ;"
        " owl:annotatedTarget fb:fatigue ; fb:source src:Green2017 ; fb:evidenceStatus fb:supported .\n"
    )
    rows = kg_json("shared", "fibromyalgia", "coeliac disease", "--data", extra)
    assert [row["id"] for row in rows] == ["fb:fatigue"]
    by_env = run_kg("shared", "fibromyalgia", "coeliac disease", "-f", "json", env={"KG_DATA": str(tmp_path)})
    assert by_env.returncode == 0 and json.loads(by_env.stdout)[0]["id"] == "fb:fatigue"


def test_every_command_accepts_data_and_format():
    import typer.main

    from kg.cli import app

    for command in typer.main.get_command(app).commands.values():
        options = {opt for param in command.params for opt in getattr(param, "opts", [])}
        if command.name == "queries":
            assert "--format" in options
            continue
        assert {"--data", "--format"} <= options, command.name


def test_show_gives_a_conditions_prevalence_with_its_sources_or_why_it_has_none(g):
    stated = {claim.subject.id: (value, claim) for value, claim in g.prevalences()}
    assert stated, "the curated graph states prevalences"
    condition, (value, claim) = sorted(stated.items())[0]
    shown = kg_json("show", condition)
    assert [p["value"] for p in shown["prevalence"]] == [value]
    assert {s["id"] for s in shown["prevalence"][0]["sources"]} == {s.id for s in claim.sources} != set()
    table = run_kg("show", condition).stdout
    assert f"prevalence: {value:.2%} ({claim.status}" in table
    # A condition without one says why (fb:prevalenceNote), in the table and in JSON.
    noted = [c for c in g.entities() if c.kind == "condition" and c.id not in stated
             and kg_json("show", c.id)["prevalence_note"]]
    assert noted
    assert "prevalence: none stated: " in run_kg("show", noted[0].id).stdout
