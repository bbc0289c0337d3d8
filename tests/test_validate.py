"""`kg validate`: syntax, SHACL shapes and vocabulary checks, each problem with its file and line."""

import json
import tempfile
from pathlib import Path

import pytest
from rdflib import OWL, RDF, RDFS, Graph, URIRef
from rdflib.namespace import SH

from conftest import ROOT, run_kg
from kg import loading
from kg.rdflib_namespaces import FB
from kg.validate import shapes_dir, validate

PREFIXES = """\
@prefix fb: <https://w3id.org/fibro-b12/kg#> .
@prefix src: <https://w3id.org/fibro-b12/source/> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
"""

# One mistake per block; each block's first line carries a marker comment naming the mistake,
# so the tests find the expected line in the text instead of hard-coding numbers.
BROKEN = PREFIXES + """
fb:hypothyroidism a owl:NamedIndividual, fb:Condition ;
    rdfs:label "hypothyroidism" ;
    skos:altlabel "underactive thyroid" ;    # MARK misspelt-property
    skos:exactMatch <http://example.org/thyroid> .   # MARK bad-identifier

fb:no-label a fb:Symptom .    # MARK missing-label

fb:cold-intolerance a fb:Symptm ; rdfs:label "cold intolerance" .    # MARK misspelt-class

fb:hypothyroidism fb:hasSympton fb:fatigue .    # MARK misspelt-relation

fb:hypothyroidism fb:hasSymptom fb:fatige .    # MARK undefined-entity
[] a owl:Axiom ; owl:annotatedSource fb:hypothyroidism ; owl:annotatedProperty fb:hasSymptom ; owl:annotatedTarget fb:fatige ;
   fb:source src:Hauser2015 ; fb:evidenceStatus fb:supported .

fb:hypothyroidism fb:hasSymptom fb:stomach .    # MARK wrong-range
[] a owl:Axiom ; owl:annotatedSource fb:hypothyroidism ; owl:annotatedProperty fb:hasSymptom ; owl:annotatedTarget fb:stomach ;    # MARK no-source
   fb:evidenceStatus fb:maybe .    # MARK bad-status

fb:myalgia fb:hasSymptom fb:fatigue .    # MARK wrong-domain
[] a owl:Axiom ; owl:annotatedSource fb:myalgia ; owl:annotatedProperty fb:hasSymptom ; owl:annotatedTarget fb:fatigue ;
   fb:source src:Hauser2015 ; fb:evidenceStatus fb:supported .

fb:hypothyroidism fb:hasSymptom fb:myalgia .    # MARK no-axiom

[] a owl:Axiom ; owl:annotatedSource fb:hypothyroidism ; owl:annotatedProperty fb:causes ; owl:annotatedTarget fb:fatigue ;    # MARK stray-axiom
   fb:source src:Hauser2015 ; fb:evidenceStatus fb:supported .

fb:weariness a owl:NamedIndividual, fb:Symptom ; rdfs:label "Fatigue" .    # MARK duplicate-label

<http://example.org/pain> a owl:NamedIndividual, fb:Symptom ; rdfs:label "example pain" .    # MARK bad-entity-id
"""


def line_of(text: str, mark: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if f"# MARK {mark}" in line)


@pytest.fixture(autouse=True)
def empty_extensions(tmp_path, monkeypatch):
    """Every test sees an empty extensions folder of its own, never the real one."""
    folder = tmp_path / "extensions"
    folder.mkdir()
    monkeypatch.setenv("KG_EXTENSIONS_DIR", str(folder))
    return folder


@pytest.fixture(scope="module")
def broken_report():
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "broken.ttl"
        path.write_text(BROKEN, encoding="utf-8")
        result = run_kg("validate", path, "--format", "json", env={"KG_EXTENSIONS_DIR": folder + "/none"})
        yield path, result


def find(problems, mark, *words):
    """The problems reported on the line of ``mark`` whose text has all ``words``."""
    line = line_of(BROKEN, mark)
    return [p for p in problems if p["line"] == line and all(w in p["problem"] + " " + p["fix"] for w in words)]


def test_the_shipped_ontology_is_clean():
    result = run_kg("validate")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == ""
    assert "no problems" in result.stderr
    assert run_kg("validate", "--format", "json").stdout.strip() == "[]"


def test_problems_exit_1_and_name_the_file(broken_report):
    path, result = broken_report
    assert result.returncode == 1, result.stderr
    problems = json.loads(result.stdout)
    assert problems and all(p["file"] == str(path) for p in problems)
    assert all({"file", "line", "entity", "problem", "fix"} <= set(p) for p in problems)


@pytest.mark.parametrize("mark, entity, words", [
    ("misspelt-property", "fb:hypothyroidism", ["skos:altlabel", "did you mean skos:altLabel?"]),
    ("misspelt-relation", "fb:hypothyroidism", ["fb:hasSympton", "did you mean fb:hasSymptom?"]),
    ("misspelt-class", "fb:cold-intolerance", ["fb:Symptm", "did you mean fb:Symptom?"]),
    ("undefined-entity", "fb:fatige", ["nothing defines it", "did you mean fb:fatigue?"]),
])
def test_misspelt_terms_are_reported_with_the_closest_defined_term(broken_report, mark, entity, words):
    problems = json.loads(broken_report[1].stdout)
    found = find(problems, mark, *words)
    assert found and found[0]["entity"] == entity, problems


@pytest.mark.parametrize("mark, entity, words", [
    ("bad-identifier", "fb:hypothyroidism", ["HPO, OMIM or Orphanet"]),
    ("missing-label", "fb:no-label", ["rdfs:label"]),
    ("wrong-range", "fb:hypothyroidism", ["object of a 'has symptom' claim must be a symptom", "fb:stomach"]),
    ("wrong-domain", "fb:myalgia", ["subject of a 'has symptom' claim must be a condition"]),
    ("no-source", "axiom of fb:hypothyroidism fb:hasSymptom fb:stomach", ["no source"]),
    ("bad-status", "axiom of fb:hypothyroidism fb:hasSymptom fb:stomach", ["not one of supported", "fb:maybe"]),
    ("no-axiom", "fb:hypothyroidism", ["fb:hasSymptom fb:myalgia has no owl:Axiom"]),
    ("stray-axiom", "axiom of fb:hypothyroidism fb:causes fb:fatigue", ["does not make"]),
    ("duplicate-label", "fb:weariness", ["same label as fb:fatigue"]),
    ("bad-entity-id", "http://example.org/pain", ["fb: CURIE"]),
])
def test_each_kind_of_violation_is_reported_at_its_line(broken_report, mark, entity, words):
    problems = json.loads(broken_report[1].stdout)
    found = find(problems, mark, *words)
    assert found, f"nothing on line {line_of(BROKEN, mark)} about {words}: {problems}"
    assert found[0]["entity"] == entity


def test_table_output_is_one_line_per_problem(tmp_path):
    path = tmp_path / "typo.ttl"
    path.write_text(PREFIXES + "\nfb:fibromyalgia fb:hasSympton fb:fatigue .\n", encoding="utf-8")
    result = run_kg("validate", path)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines == [f"{path}:7: fb:fibromyalgia: uses the property fb:hasSympton, which the schema does not define; "
                     "did you mean fb:hasSymptom?"]


def test_a_syntax_error_is_reported_with_its_line(tmp_path):
    path = tmp_path / "syntax.ttl"
    path.write_text(PREFIXES + "\nfb:x a fb:Symptom ;\n    rdfs:label \"unterminated .\n", encoding="utf-8")
    result = run_kg("validate", path, "--format", "json")
    assert result.returncode == 1
    [problem] = json.loads(result.stdout)
    assert problem["file"] == str(path) and problem["line"] >= 8 and "invalid Turtle" in problem["problem"]


def test_without_files_it_checks_extensions_kg_data_and_data(tmp_path, empty_extensions):
    typo = PREFIXES + "\nfb:fibromyalgia fb:hasSympton fb:fatigue .\n"
    (empty_extensions / "mine.ttl").write_text(typo, encoding="utf-8")
    (tmp_path / "kgdata.ttl").write_text(typo.replace("hasSympton", "causez"), encoding="utf-8")
    (tmp_path / "extra.ttl").write_text(typo.replace("hasSympton", "impairz"), encoding="utf-8")
    result = run_kg("validate", "--data", tmp_path / "extra.ttl", "--format", "json",
                    env={"KG_DATA": str(tmp_path / "kgdata.ttl")})
    assert result.returncode == 1
    reported = {(Path(p["file"]).name, p["line"]) for p in json.loads(result.stdout)}
    assert reported == {("mine.ttl", 7), ("kgdata.ttl", 7), ("extra.ttl", 7)}


def test_problems_of_other_files_are_not_blamed_on_the_checked_file(tmp_path, empty_extensions):
    (empty_extensions / "other.ttl").write_text(PREFIXES + "\nfb:fibromyalgia fb:hasSympton fb:fatigue .\n", encoding="utf-8")
    clean = tmp_path / "clean.ttl"
    clean.write_text(PREFIXES + '\nfb:weariness a owl:NamedIndividual, fb:Symptom ; rdfs:label "weariness" .\n', encoding="utf-8")
    result = run_kg("validate", clean)
    assert result.returncode == 0, result.stdout + result.stderr


def test_validation_that_cannot_run_exits_2(tmp_path):
    result = run_kg("validate", tmp_path / "missing.ttl")
    assert result.returncode == 2
    assert result.stderr.startswith("kg: error:") and "missing.ttl" in result.stderr
    assert "Traceback" not in result.stderr


def test_library_answers_problem_objects(tmp_path):
    path = tmp_path / "typo.ttl"
    path.write_text(PREFIXES + "\nfb:fibromyalgia fb:hasSympton fb:fatigue .\n", encoding="utf-8")
    [problem] = validate([path])
    assert (problem.line, problem.entity, problem.check) == (7, "fb:fibromyalgia", "vocabulary")
    assert "fb:hasSymptom" in problem.fix


# ---------------------------------------------------------------------- the shapes and the schema
def _schema() -> Graph:
    graph = Graph()
    for path in sorted(loading.ontology_dir().glob("*.ttl")):
        graph.parse(path)
    return graph


def test_the_shapes_folder_is_not_loaded_as_data():
    assert shapes_dir().parent == loading.ontology_dir()
    assert not any(p.parent == shapes_dir() for p in loading.data_files(env=""))


def test_every_relation_has_a_shape_with_its_domain_and_range():
    """A relation added to the schema without its shape (or with a different domain) fails here."""
    schema = _schema()
    shapes = Graph().parse(shapes_dir() / "shapes.ttl")

    def ancestors(prop):
        return set(schema.transitive_objects(prop, RDFS.subPropertyOf))

    def most_specific(classes):
        return {c for c in classes if not any(o != c and (o, RDFS.subClassOf, c) in schema for o in classes)}

    relations = [p for p in schema.subjects(RDF.type, OWL.ObjectProperty)
                 if FB.relation in ancestors(p) and p not in (FB.relation, FB.causalRelation)]
    assert len(relations) > 15
    for prop in relations:
        domain = most_specific({d for a in ancestors(prop) for d in schema.objects(a, RDFS.domain)})
        range_ = most_specific({r for a in ancestors(prop) for r in schema.objects(a, RDFS.range)})
        shape = shapes.value(predicate=SH.targetSubjectsOf, object=prop)
        assert shape is not None, f"no shape for {prop}"
        assert set(shapes.objects(shape, SH["class"])) == domain, prop
        [prop_shape] = [s for s in shapes.objects(shape, SH.property) if shapes.value(s, SH.path) == prop]
        assert set(shapes.objects(prop_shape, SH["class"])) == range_, prop


def test_every_class_of_entities_is_covered_by_the_entity_shape():
    schema = _schema()
    shapes = Graph().parse(shapes_dir() / "shapes.ttl")
    targeted = set(shapes.objects(None, SH.targetClass))
    for cls in schema.subjects(RDF.type, OWL.Class):
        if isinstance(cls, URIRef) and cls != FB.EvidenceStatus:
            assert set(schema.transitive_objects(cls, RDFS.subClassOf)) & targeted, f"no shape covers {cls}"


def test_the_ontology_is_owl2_that_an_owl_parser_loads(tmp_path):
    """owlready2 (the OWL library behind many Protégé workflows) reads the whole ontology."""
    owlready2 = pytest.importorskip("owlready2")
    graph = _schema()
    path = tmp_path / "fibro-b12.owl"
    graph.serialize(path, format="xml")
    world = owlready2.World()
    onto = world.get_ontology(path.as_uri()).load()
    classes = {c.iri for c in onto.classes()}
    properties = {p.iri for p in onto.object_properties()}
    individuals = {i.iri for i in onto.individuals()}
    assert {str(c) for c in graph.subjects(RDF.type, OWL.Class) if isinstance(c, URIRef)} <= classes
    assert {str(p) for p in graph.subjects(RDF.type, OWL.ObjectProperty)} <= properties
    assert {str(i) for i in graph.subjects(RDF.type, OWL.NamedIndividual)} <= individuals
    # OWL 2 DL: no IRI is both an object property and an annotation property.
    kinds = (OWL.ObjectProperty, OWL.AnnotationProperty, OWL.DatatypeProperty)
    for prop in set(graph.subjects(RDF.type, None)):
        assert sum((prop, RDF.type, k) in graph for k in kinds) <= 1, prop


def test_repository_extensions_folder_is_untouched_by_these_tests():
    real = ROOT / "ontology" / "extensions"
    assert loading.extensions_dir() != real
