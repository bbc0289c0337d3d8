"""Reasoning over symptoms: `kg differential` and `kg compare`, through the CLI and the API."""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import B12_DEFICIENCY, FIBROMYALGIA, kg_json, run_kg
from kg import KnowledgeGraph
from kg.errors import NotASymptom

PERNICIOUS_ANAEMIA = "fb:pernicious-anaemia"
PARESTHESIA = "fb:paresthesia"

# The article's two pictures: nerve signs point to B12 deficiency, widespread pain with
# itching and stomach cramps to fibromyalgia.
NERVE_SIGNS = ("tingling", "gait problems", "memory loss")
FIBRO_PICTURE = ("widespread pain", "itchiness", "stomach cramps")

# Test-only additions: a symptom no condition has, and a small symptom hierarchy around
# paraesthesia (a more specific and a more general symptom), each fb:isA link annotated.
EXTRA = """
@prefix fb: <https://w3id.org/fibro-b12/kg#> .
@prefix src: <https://w3id.org/fibro-b12/source/> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .

fb:test-orphan-symptom a owl:NamedIndividual, fb:Symptom ; rdfs:label "test orphan symptom" .
fb:test-tingling-hands a owl:NamedIndividual, fb:Symptom ; rdfs:label "tingling in the hands" .
fb:test-nerve-symptom a owl:NamedIndividual, fb:Symptom ; rdfs:label "test nerve symptom" .
fb:test-broad-symptom a owl:NamedIndividual, fb:Symptom ; rdfs:label "test broad symptom" .

fb:test-tingling-hands fb:isA fb:paresthesia .
[] a owl:Axiom ; owl:annotatedSource fb:test-tingling-hands ; owl:annotatedProperty fb:isA ;
   owl:annotatedTarget fb:paresthesia ; fb:source src:Stabler2013 ; fb:evidenceStatus fb:supported .
fb:paresthesia fb:isA fb:test-nerve-symptom .
[] a owl:Axiom ; owl:annotatedSource fb:paresthesia ; owl:annotatedProperty fb:isA ;
   owl:annotatedTarget fb:test-nerve-symptom ; fb:source src:Stabler2013 ; fb:evidenceStatus fb:supported .
fb:abdominal-pain fb:isA fb:test-broad-symptom .
[] a owl:Axiom ; owl:annotatedSource fb:abdominal-pain ; owl:annotatedProperty fb:isA ;
   owl:annotatedTarget fb:test-broad-symptom ; fb:source src:Hauser2015 ; fb:evidenceStatus fb:supported .
fb:pallor fb:isA fb:test-broad-symptom .
[] a owl:Axiom ; owl:annotatedSource fb:pallor ; owl:annotatedProperty fb:isA ;
   owl:annotatedTarget fb:test-broad-symptom ; fb:source src:Stabler2013 ; fb:evidenceStatus fb:supported .
"""


@pytest.fixture(scope="module")
def extra_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("reasoning") / "extra.ttl"
    path.write_text(EXTRA, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def gx(extra_file) -> KnowledgeGraph:
    """The curated graph with the test-only symptoms above."""
    return KnowledgeGraph.load([extra_file], env="")


def ranking(answer):
    return [c.condition.id for c in answer.candidates]


# ---------------------------------------------------------------------- the two examples
def test_nerve_signs_put_b12_deficiency_above_fibromyalgia_cli():
    answer = kg_json("differential", *NERVE_SIGNS)
    ids = [c["id"] for c in answer["candidates"]]
    assert ids[0] == B12_DEFICIENCY
    assert FIBROMYALGIA not in ids[:1]
    assert {m["symptom"]["id"] for m in answer["candidates"][0]["matches"]} == {
        PARESTHESIA, "fb:gait-disturbance", "fb:memory-impairment"}


def test_fibromyalgia_picture_puts_fibromyalgia_first_cli():
    answer = kg_json("differential", *FIBRO_PICTURE)
    ids = [c["id"] for c in answer["candidates"]]
    assert ids[0] == FIBROMYALGIA
    assert B12_DEFICIENCY not in ids[:1]


def test_the_two_examples_through_the_api(g):
    nerve = g.differential(NERVE_SIGNS)
    assert ranking(nerve)[0] == B12_DEFICIENCY and nerve.candidates[0].score == 1.0
    fibro = g.differential(FIBRO_PICTURE)
    assert ranking(fibro)[0] == FIBROMYALGIA and fibro.candidates[0].score == 1.0


def test_a_shared_symptom_lists_both_with_b12_deficiency_first(g):
    answer = g.differential([*NERVE_SIGNS, "brain fog"])
    ids = ranking(answer)
    assert ids.index(B12_DEFICIENCY) < ids.index(FIBROMYALGIA)
    fibro = answer.candidates[ids.index(FIBROMYALGIA)]
    assert 0 < fibro.score < 1
    assert [m.symptom.label for m in fibro.matches] == ["brain fog"]
    assert {e.id for e in fibro.unexplained} == {PARESTHESIA, "fb:gait-disturbance", "fb:memory-impairment"}


def test_the_table_shows_the_ranking_and_the_bits(g):
    result = run_kg("differential", *NERVE_SIGNS, "brain fog")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.index("vitamin B12") < out.index("fibromyalgia")
    assert "Bits per symptom" in out and "holotranscobalamin" in out


# ---------------------------------------------------------------------- the score as documented
def test_scores_follow_the_documented_information_content(g):
    """Recompute IC(s) = -log2(conditions with s / conditions with any symptom) from the claims."""
    symptoms = ["brain fog", "tingling", "fatigue", "itchiness"]
    answer = g.differential(symptoms, top=None)
    carriers: dict[str, set[str]] = {}
    for claim in g.claims(predicate="fb:hasSymptom"):
        carriers.setdefault(claim.object.id, set()).add(claim.subject.id)
    total = len(set().union(*carriers.values()))
    ic = {s.id: -math.log2(len(carriers[s.id]) / total) for s in answer.given}
    assert answer.conditions == total
    for s in answer.given:
        assert answer.weights[s.id] == pytest.approx(ic[s.id])
    for candidate in answer.candidates:
        explained = sum(ic[m.given.id] for m in candidate.matches)
        assert candidate.information == pytest.approx(explained)
        assert candidate.score == pytest.approx(explained / sum(ic.values()))
        assert {m.given.id for m in candidate.matches} == {q for q in ic if candidate.condition.id in carriers[q]}
    scores = [c.score for c in answer.candidates]
    assert scores == sorted(scores, reverse=True)


def test_rare_symptoms_weigh_more_than_common_ones(g):
    answer = g.differential(["fatigue", "brain fog", "tingling"])
    assert answer.weights["fb:fatigue"] < answer.weights["fb:brain-fog"] < answer.weights[PARESTHESIA]


def test_ask_next_lists_the_candidates_other_symptoms_most_informative_first(g):
    top = g.differential(NERVE_SIGNS).candidates[0]
    asked = [f.symptom.id for f in top.ask_next]
    own = {c.object.id for c in g.symptoms(B12_DEFICIENCY)}
    assert set(asked) == own - {m.symptom.id for m in top.matches}
    bits = [f.information for f in top.ask_next]
    assert bits == sorted(bits, reverse=True)


def test_separating_tests_are_not_shared_between_the_listed_candidates(g):
    answer = g.differential([*NERVE_SIGNS, "brain fog"])
    by_condition = {c.condition.id: {t.object.id for t in c.separating_tests} for c in answer.candidates}
    assert by_condition[B12_DEFICIENCY] and by_condition[FIBROMYALGIA]
    assert not by_condition[B12_DEFICIENCY] & by_condition[FIBROMYALGIA]
    diagnosed_by = {c.object.id for c in g.claims(subject=B12_DEFICIENCY, predicate="fb:diagnosedBy")}
    assert by_condition[B12_DEFICIENCY] == diagnosed_by


def test_top_limits_the_list(g):
    everything = g.differential(["fatigue"], top=None)
    assert len(everything.candidates) >= 3
    first = kg_json("differential", "fatigue", "--top", "1")
    assert [c["id"] for c in first["candidates"]] == ranking(everything)[:1]
    assert first["considered"] == len(everything.candidates)


def test_symptoms_every_condition_has_score_zero_and_say_so():
    result = run_kg("differential", "fatigue")
    assert result.returncode == 0
    assert "do not tell the conditions apart" in result.stdout


def test_help_explains_the_score():
    result = run_kg("differential", "--help")
    assert result.returncode == 0
    assert "log2" in result.stdout and "ancestor" in result.stdout


# ---------------------------------------------------------------------- the hierarchy
def test_a_more_specific_symptom_matches_its_ancestor(gx):
    answer = gx.differential(["tingling in the hands"])
    top = answer.candidates[0]
    assert top.condition.id == B12_DEFICIENCY and top.score == 1.0
    (match,) = top.matches
    assert (match.symptom.id, match.how) == (PARESTHESIA, "broader")
    assert [step.object.id for step in match.via] == [PARESTHESIA]


def test_a_general_symptom_is_explained_by_a_more_specific_one(gx):
    (match,) = gx.differential(["test nerve symptom"]).candidates[0].matches
    assert (match.symptom.id, match.how) == (PARESTHESIA, "narrower")


def test_carrying_a_symptom_propagates_to_its_ancestors(gx):
    # abdominal pain (fibromyalgia) and pallor (B12 deficiency, megaloblastic anaemia) are
    # both kinds of the broad symptom: every condition carries it, so it is worth 0 bits.
    answer = gx.differential(["test broad symptom"], top=None)
    assert answer.weights["fb:test-broad-symptom"] == 0
    assert {c.condition.id for c in answer.candidates} >= {FIBROMYALGIA, B12_DEFICIENCY}


def test_the_hierarchy_reaches_the_cli_through_data(extra_file):
    answer = kg_json("differential", "tingling in the hands", "--data", extra_file)
    assert answer["candidates"][0]["id"] == B12_DEFICIENCY
    assert answer["candidates"][0]["matches"][0]["how"] == "broader"


@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_ranking_ignores_symptom_order_and_symptoms_no_condition_has(gx, data):
    carried = sorted({c.object.id for c in gx.claims(predicate="fb:hasSymptom")})
    pool = carried + ["fb:test-tingling-hands", "fb:test-nerve-symptom", "fb:test-broad-symptom"]
    symptoms = data.draw(st.lists(st.sampled_from(pool), min_size=1, max_size=6, unique=True), label="symptoms")
    shuffled = data.draw(st.permutations(symptoms), label="shuffled")
    at = data.draw(st.integers(0, len(shuffled)), label="orphan position")
    with_orphan = [*shuffled[:at], "fb:test-orphan-symptom", *shuffled[at:]]

    def scored(names):
        return [(c.condition.id, c.score) for c in gx.differential(names, top=None).candidates]

    baseline = scored(symptoms)
    assert baseline
    assert scored(shuffled) == baseline
    assert scored(with_orphan) == baseline
    assert [e.id for e in gx.differential(with_orphan).unexplained] == ["fb:test-orphan-symptom"]


def test_a_symptom_no_condition_has_alone_is_an_empty_answer(extra_file):
    result = run_kg("differential", "test orphan symptom", "--data", extra_file, "--format", "json")
    assert result.returncode == 1
    assert '"candidates": []' in result.stdout
    assert result.stderr.startswith("kg: error: no condition in the graph has any of: test orphan symptom")


def test_a_condition_is_not_a_symptom(g):
    with pytest.raises(NotASymptom):
        g.differential(["fibromyalgia"])
    result = run_kg("differential", "tingling", "fibromyalgia")
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and "not a symptom" in result.stderr


def test_an_unknown_symptom_suggests_names():
    result = run_kg("differential", "widespred pain")
    assert result.returncode == 2
    assert result.stderr.startswith("kg: error: unknown entity 'widespred pain'")
    assert "did you mean: widespread pain" in result.stderr


def test_differential_csv_has_one_row_per_candidate():
    result = run_kg("differential", *NERVE_SIGNS, "brain fog", "--format", "csv")
    lines = result.stdout.strip().splitlines()
    assert lines[0].startswith("rank,id,condition,score")
    assert len(lines) == 3 and lines[1].startswith("1,fb:vitamin-b12-deficiency,")


# ---------------------------------------------------------------------- compare
def test_compare_json_has_one_key_per_section(g):
    answer = kg_json("compare", "fibromyalgia", "B12 deficiency")
    assert set(answer) == {"conditions", "min_status", "shared_symptoms", "unique_symptoms", "shared_mechanisms",
                           "chains", "misdiagnosis", "separating_tests"}
    shared = g.shared("fibromyalgia", "B12 deficiency")
    assert [s["id"] for s in answer["shared_symptoms"]] == [s.symptom.id for s in shared.shared]
    assert {s["id"] for s in answer["unique_symptoms"][FIBROMYALGIA]} == {c.object.id for c in shared.unique[FIBROMYALGIA]}
    assert [(m["subject"]["id"], m["object"]["id"]) for m in answer["misdiagnosis"]] == [(B12_DEFICIENCY, FIBROMYALGIA)]
    tests = answer["separating_tests"]
    assert tests[B12_DEFICIENCY] and tests[FIBROMYALGIA]
    assert not {t["id"] for t in tests[B12_DEFICIENCY]} & {t["id"] for t in tests[FIBROMYALGIA]}


def test_compare_chains_go_both_ways_and_carry_their_status(g):
    answer = kg_json("compare", "fibromyalgia", "B12 deficiency")
    forward = g.paths("fibromyalgia", "B12 deficiency")
    backward = g.paths("B12 deficiency", "fibromyalgia")
    assert len(answer["chains"]) == len(forward) + len(backward) > 0
    for chain, expected in zip(answer["chains"], forward + backward):
        assert chain["weakest"] == expected.weakest
        assert [step["status"] for step in chain["steps"]] == [step.status for step in expected.steps]


def test_compare_mechanisms_both_involve_and_on_chains(g):
    mechanisms = {m.mechanism.id: m for m in g.compare("fibromyalgia", "pernicious anaemia").mechanisms}
    autoimmunity = mechanisms["fb:autoimmunity"]
    assert autoimmunity.how == "involved in both"
    assert {c.subject.id for c in autoimmunity.claims} == {FIBROMYALGIA, PERNICIOUS_ANAEMIA}
    assert autoimmunity.weakest == "contested"
    on_chains = g.compare("fibromyalgia", "B12 deficiency").mechanisms
    assert on_chains and all(m.how == "on a chain" and m.mechanism.kind == "mechanism" for m in on_chains)
    assert "fb:gastrointestinal-damage" in {m.mechanism.id for m in on_chains}


def test_compare_table_names_its_sections_and_weak_chains():
    result = run_kg("compare", "fibromyalgia", "B12 deficiency")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    for title in ("Symptoms shared by", "Symptoms only fibromyalgia has", "Shared mechanisms",
                  "Causal chains from fibromyalgia to vitamin B12 deficiency", "Misdiagnosis links",
                  "Tests and criteria of vitamin B12 deficiency that fibromyalgia lacks"):
        assert title in out
    assert "Chains resting on a step that is not supported: 1 (unsupported)" in out


def test_compare_refuses_the_same_condition_twice():
    result = run_kg("compare", "fibromyalgia", "FM")
    assert result.returncode == 1 and result.stderr.startswith("kg: error:")


def test_compare_csv_has_a_section_column():
    result = run_kg("compare", "fibromyalgia", "B12 deficiency", "--format", "csv")
    assert result.stdout.startswith("section,id,label,status,sources,detail\n")
    assert "\nmisdiagnosis,fb:fibromyalgia," in result.stdout


def near_and_everything(g, symptoms):
    """The differential as read around the symptoms, and as read from every claim (the definition)."""
    from kg.reasoning import _Everything, _rank, differential

    near = differential(g, symptoms, top=None).to_dict()
    everything = _rank(g, _Everything(g, symptoms, "any"), None, "any").to_dict()
    return near, everything


@pytest.mark.parametrize("symptoms", [
    ["tingling", "gait problems", "memory loss", "brain fog"],
    ["chronic pain", "itchiness", "stomach cramps"],
    ["fatigue"],
    ["chronic widespread pain", "pallor", "depression"],
])
def test_reading_around_the_symptoms_agrees_with_reading_every_claim(g, symptoms):
    near, everything = near_and_everything(g, symptoms)
    assert near["candidates"] and near == everything


@pytest.mark.parametrize("symptoms", [
    ["tingling in the hands", "test broad symptom"],
    ["test nerve symptom", "pallor", "test orphan symptom"],
    ["paresthesia", "abdominal pain", "fatigue"],
])
def test_reading_around_the_symptoms_agrees_through_the_hierarchy(gx, symptoms):
    near, everything = near_and_everything(gx, symptoms)
    assert near["candidates"] and near == everything
