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
fb:test-tingling-hands a owl:NamedIndividual, fb:Symptom ; rdfs:label "test tingling hands" .
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


def test_a_shared_symptom_keeps_b12_deficiency_first(g):
    answer = g.differential([*NERVE_SIGNS, "brain fog"])
    ids = ranking(answer)
    assert ids.index(B12_DEFICIENCY) < ids.index(FIBROMYALGIA)
    fibro = answer.candidates[ids.index(FIBROMYALGIA)]
    assert 0 < fibro.probability < answer.candidates[0].probability
    assert [m.symptom.label for m in fibro.met] == ["brain fog"]
    assert {e.id for e in fibro.unexplained} == {PARESTHESIA, "fb:gait-disturbance", "fb:memory-impairment"}
    assert math.fsum(c.probability for c in answer.candidates) == pytest.approx(1.0)


def test_the_table_shows_probabilities_and_each_findings_ratio(g):
    result = run_kg("differential", *NERVE_SIGNS, "brain fog")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.index("vitamin B12") < out.index("fibromyalgia")
    assert "probability" in out and "Background" in out and "holotranscobalamin" in out
    assert "brain fog: same ×" in out and "paresthesia: none ×0.05" in out


# ---------------------------------------------------------------------- the model as documented
def test_likelihood_ratios_follow_the_documented_model(g):
    """Recompute every LR from the claims: frequency times the mention ratio over background,
    the constant for no match."""
    from kg.reasoning import DEFAULT_FREQUENCY, NO_MATCH_RATIO

    given = ["brain fog", "tingling", "fatigue", "itchiness"]
    answer = g.differential(given, top=None)
    carriers: dict[str, set[str]] = {}
    claims_of: dict[str, int] = {}
    for claim in g.claims(predicate="fb:hasSymptom"):
        carriers.setdefault(claim.object.id, set()).add(claim.subject.id)
        claims_of[claim.subject.id] = claims_of.get(claim.subject.id, 0) + 1
    total = len(set().union(*carriers.values()))
    assert answer.conditions == total
    bg = {s.id: (len(carriers[s.id]) + 1) / (total + 2) for s in answer.given}
    assert answer.backgrounds == pytest.approx(bg)
    # the curated claims state no frequency: a patient shows half of a condition's symptoms
    typical = DEFAULT_FREQUENCY * sum(claims_of.values()) / total
    assert answer.typical_shown == pytest.approx(typical)
    for candidate in answer.candidates:
        shown = DEFAULT_FREQUENCY * claims_of[candidate.condition.id]
        mention = min(1, len(given) / shown) / min(1, len(given) / typical)
        assert (candidate.shown, candidate.mention) == pytest.approx((shown, mention))
        product = 1.0
        for m in candidate.matches:
            has = candidate.condition.id in carriers[m.given.id]
            assert m.how == ("same" if has else "none")
            expected = max(DEFAULT_FREQUENCY * mention / bg[m.given.id], NO_MATCH_RATIO) if has else NO_MATCH_RATIO
            assert m.likelihood_ratio == pytest.approx(expected)
            product *= expected
        assert candidate.likelihood_ratio == pytest.approx(product)
    scores = [c.probability for c in answer.candidates]
    assert scores == sorted(scores, reverse=True)


def test_stated_frequencies_are_read_as_probabilities():
    from kg.reasoning import frequency

    assert frequency("Obligate") == 1.0 and frequency("Very rare") == pytest.approx(0.025)
    assert frequency("Occasional (29-5%)") == pytest.approx(0.17)
    assert frequency("2/8") == 0.25 and frequency("75%") == 0.75
    assert frequency("9/8") is None and frequency("sometimes") is None and frequency("140%") is None


def test_a_frequent_finding_weighs_more_than_a_rare_one(g, tmp_path):
    data = tmp_path / "frequencies.ttl"
    data.write_text(PREFIXES + """
    [] a owl:Axiom ; owl:annotatedSource fb:vitamin-b12-deficiency ; owl:annotatedProperty fb:hasSymptom ;
       owl:annotatedTarget fb:paresthesia ; fb:frequency "Very frequent" ; fb:source src:Stabler2013 ;
       fb:evidenceStatus fb:supported .
    [] a owl:Axiom ; owl:annotatedSource fb:megaloblastic-anaemia ; owl:annotatedProperty fb:hasSymptom ;
       owl:annotatedTarget fb:paresthesia ; fb:frequency "1/20" ; fb:source src:Stabler2013 ;
       fb:evidenceStatus fb:supported .
    fb:megaloblastic-anaemia fb:hasSymptom fb:paresthesia .
    """, encoding="utf-8")
    answer = KnowledgeGraph.load([data], env="").differential(["tingling"])
    by_id = {c.condition.id: c for c in answer.candidates}
    assert by_id[B12_DEFICIENCY].matches[0].annotation.stated == ("Very frequent",)
    b12, megaloblastic = by_id[B12_DEFICIENCY].matches[0], by_id["fb:megaloblastic-anaemia"].matches[0]
    assert b12.probability / b12.background > 1 > megaloblastic.probability / megaloblastic.background
    assert ranking(answer)[0] == B12_DEFICIENCY


def test_an_absent_finding_counts_against_the_conditions_that_have_it(g):
    def odds(answer):  # B12 deficiency against fibromyalgia
        found = {c.condition.id: c.probability for c in answer.candidates}
        return found[B12_DEFICIENCY] / found[FIBROMYALGIA]

    answer = g.differential(["brain fog"], absent=["tingling"], top=None)
    ids = ranking(answer)
    assert odds(answer) < odds(g.differential(["brain fog"], top=None))
    b12 = answer.candidates[ids.index(B12_DEFICIENCY)]
    (absent,) = [m for m in b12.matches if not m.present]
    assert absent.how == "same" and absent.likelihood_ratio < 1
    assert absent.likelihood_ratio == pytest.approx((1 - absent.probability) / (1 - absent.background))
    cli = kg_json("differential", "brain fog", "--absent", "tingling")
    assert [c["id"] for c in cli["candidates"]] == ids and cli["absent"][0]["id"] == PARESTHESIA


def test_a_finding_both_present_and_absent_is_refused():
    result = run_kg("differential", "tingling", "--absent", "pins and needles")
    assert result.returncode != 0 and result.stderr.startswith("kg: error:") and "both" in result.stderr


# A test-only prevalence, weakly backed, for a condition the curated graph gives none.
PREVALENCES = """
fb:megaloblastic-anaemia fb:prevalence "0.01"^^xsd:decimal .
[] a owl:Axiom ; owl:annotatedSource fb:megaloblastic-anaemia ; owl:annotatedProperty fb:prevalence ;
   owl:annotatedTarget "0.01"^^xsd:decimal ; fb:source src:article ; fb:evidenceStatus fb:unsupported ;
   rdfs:comment "test figure" .
"""
PREFIXES = """
@prefix fb: <https://w3id.org/fibro-b12/kg#> .
@prefix src: <https://w3id.org/fibro-b12/source/> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""


@pytest.fixture(scope="module")
def prevalence_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("prevalence") / "prevalence.ttl"
    path.write_text(PREFIXES + PREVALENCES, encoding="utf-8")
    return path


def test_prevalence_is_the_prior(g, prevalence_file):
    from kg.reasoning import DEFAULT_PREVALENCE

    stated = {str(row.c): float(row.p) for row in g.query("SELECT ?c ?p WHERE { ?c fb:prevalence ?p }")}
    answer = g.differential(["fatigue"], top=None)
    by_id = {c.condition.id: c for c in answer.candidates}
    assert B12_DEFICIENCY in by_id and FIBROMYALGIA in by_id
    for c in answer.candidates:
        assert c.prior == pytest.approx(stated.get(c.condition.iri, DEFAULT_PREVALENCE))
        assert (c.prevalence is None) == (c.condition.iri not in stated)
    b12, fm = by_id[B12_DEFICIENCY], by_id[FIBROMYALGIA]
    assert b12.probability / fm.probability == pytest.approx(
        (b12.prior * b12.likelihood_ratio) / (fm.prior * fm.likelihood_ratio))
    assert b12.prevalence.sources  # the prior names its source
    # a weakly backed prevalence is the prior only while weak claims count
    gp = KnowledgeGraph.load([prevalence_file], env="")
    assert "https://w3id.org/fibro-b12/kg#megaloblastic-anaemia" not in stated
    priors = {level: {c.condition.id: c.prior for c in gp.differential(["pallor"], top=None, min_status=level).candidates}
              for level in ("any", "supported")}
    assert priors["any"]["fb:megaloblastic-anaemia"] == 0.01
    assert priors["supported"]["fb:megaloblastic-anaemia"] == pytest.approx(DEFAULT_PREVALENCE)


TWINS = "".join(f"""
fb:test-twin-{name} a owl:NamedIndividual, fb:Condition ; rdfs:label "test twin {name}" ; fb:hasSymptom fb:pallor .
[] a owl:Axiom ; owl:annotatedSource fb:test-twin-{name} ; owl:annotatedProperty fb:hasSymptom ;
   owl:annotatedTarget fb:pallor ; fb:source src:Stabler2013 ; fb:evidenceStatus fb:{status} .
""" for name, status in (("b", "supported"), ("a", "unsupported"), ("c", "supported")))


def test_ties_share_a_rank_and_are_listed_by_the_documented_rule(tmp_path):
    from kg.model import status_rank

    data = tmp_path / "twins.ttl"
    data.write_text(PREFIXES + TWINS, encoding="utf-8")
    answer = KnowledgeGraph.load([data], env="").differential(["pallor"], top=None)
    twins = [c.condition.label for c in answer.candidates if c.condition.label.startswith("test twin")]
    assert twins == ["test twin b", "test twin c", "test twin a"]  # stronger evidence first, then label
    groups = {}
    for position, c in enumerate(answer.candidates, 1):
        groups.setdefault(c.rank, []).append((position, c))
    assert any(len(members) > 1 for members in groups.values()), "the example must have a tie"
    for rank, members in groups.items():
        assert rank == members[0][0]  # a rank is the first position its ties share
        tied = [c for _, c in members]
        assert all(c.tied == (len(tied) > 1) for c in tied)
        assert len({round(c.probability, 9) for c in tied}) == 1
        keys = [(-len(c.met), status_rank(c.weakest), c.condition.label.casefold()) for c in tied]
        assert keys == sorted(keys)
    result = run_kg("differential", "pallor", "--top", "20", "--data", data)
    assert "=" in result.stdout and "Ties (=) share a rank" in result.stdout


def test_ask_next_lists_the_candidates_other_symptoms_weightiest_first(g):
    top = g.differential(NERVE_SIGNS).candidates[0]
    asked = [f.symptom.id for f in top.ask_next]
    own = {c.object.id for c in g.symptoms(B12_DEFICIENCY)}
    assert set(asked) == own - {m.symptom.id for m in top.met}
    ratios = [f.likelihood_ratio for f in top.ask_next]
    assert ratios == sorted(ratios, reverse=True)


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


def test_help_explains_the_model():
    result = run_kg("differential", "--help")
    assert result.returncode == 0
    assert "P(finding | condition)" in result.stdout and "prevalence" in result.stdout and "--absent" in result.stdout


# ---------------------------------------------------------------------- the hierarchy
def test_a_more_specific_finding_meets_its_ancestor(gx):
    answer = gx.differential(["test tingling hands"])
    top = answer.candidates[0]
    assert top.condition.id == B12_DEFICIENCY
    (match,) = top.matches
    assert (match.symptom.id, match.how) == (PARESTHESIA, "descendant")
    assert [step.object.id for step in match.via] == [PARESTHESIA]
    from kg.reasoning import DEFAULT_FREQUENCY

    ratio = DEFAULT_FREQUENCY / gx.differential(["tingling"]).backgrounds[PARESTHESIA]
    assert match.likelihood_ratio == pytest.approx(ratio * match.mention)


def test_a_general_finding_is_met_by_a_more_specific_one(gx):
    (match,) = gx.differential(["test nerve symptom"]).candidates[0].matches
    assert (match.symptom.id, match.how) == (PARESTHESIA, "ancestor")


def test_carrying_a_symptom_propagates_to_its_ancestors(gx):
    # abdominal pain (fibromyalgia) and pallor (B12 deficiency, megaloblastic anaemia) are
    # both kinds of the broad symptom: every condition carries it.
    answer = gx.differential(["test broad symptom"], top=None)
    claims = gx.claims(predicate="fb:hasSymptom")
    carriers = {c.subject.id for c in claims if c.object.id in ("fb:abdominal-pain", "fb:pallor")}
    total = len({c.subject.id for c in claims})
    assert answer.backgrounds["fb:test-broad-symptom"] == pytest.approx((len(carriers) + 1) / (total + 2))
    assert {c.condition.id for c in answer.candidates} >= {FIBROMYALGIA, B12_DEFICIENCY}


def test_the_kinds_a_condition_has_of_a_general_finding_add_up(tmp_path):
    """B12 deficiency has paraesthesia and hypoaesthesia (50% each, unstated): it shows a
    finding above both with P = 1 - 0.5 · 0.5, not with the larger of the two."""
    data = tmp_path / "sensory.ttl"
    data.write_text(PREFIXES + """
    fb:test-sensory-symptom a owl:NamedIndividual, fb:Symptom ; rdfs:label "test sensory symptom" .
    fb:paresthesia fb:isA fb:test-sensory-symptom .
    [] a owl:Axiom ; owl:annotatedSource fb:paresthesia ; owl:annotatedProperty fb:isA ;
       owl:annotatedTarget fb:test-sensory-symptom ; fb:source src:Stabler2013 ; fb:evidenceStatus fb:supported .
    fb:hypoesthesia fb:isA fb:test-sensory-symptom .
    [] a owl:Axiom ; owl:annotatedSource fb:hypoesthesia ; owl:annotatedProperty fb:isA ;
       owl:annotatedTarget fb:test-sensory-symptom ; fb:source src:Stabler2013 ; fb:evidenceStatus fb:supported .
    """, encoding="utf-8")
    answer = KnowledgeGraph.load([data], env="").differential(["test sensory symptom"], top=None)
    (match,) = next(c for c in answer.candidates if c.condition.id == B12_DEFICIENCY).matches
    assert match.how == "ancestor" and match.probability == pytest.approx(0.75)


def test_a_count_is_read_as_a_sample(tmp_path):
    """One patient of one is not certainty: n/m counts as (n + 1) / (m + 2)."""
    from kg.reasoning import estimate

    assert estimate("1/1") == pytest.approx(2 / 3) and estimate("0/4") == pytest.approx(1 / 6)
    assert estimate("Very frequent") == pytest.approx(0.895) and estimate("9/8") is None
    data = tmp_path / "count.ttl"
    data.write_text(PREFIXES + """
    [] a owl:Axiom ; owl:annotatedSource fb:vitamin-b12-deficiency ; owl:annotatedProperty fb:hasSymptom ;
       owl:annotatedTarget fb:paresthesia ; fb:frequency "1/1" ; fb:source src:Stabler2013 ;
       fb:evidenceStatus fb:supported .
    """, encoding="utf-8")
    answer = KnowledgeGraph.load([data], env="").differential(["tingling"], top=None)
    (match,) = next(c for c in answer.candidates if c.condition.id == B12_DEFICIENCY).matches
    assert match.annotation.stated == ("1/1",) and match.probability == pytest.approx(2 / 3)


def test_the_hierarchy_reaches_the_cli_through_data(extra_file):
    answer = kg_json("differential", "test tingling hands", "--data", extra_file)
    assert answer["candidates"][0]["id"] == B12_DEFICIENCY
    assert answer["candidates"][0]["matches"][0]["how"] == "descendant"


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
        return [(c.condition.id, round(c.probability, 9)) for c in gx.differential(names, top=None).candidates]

    baseline = scored(symptoms)
    assert baseline
    assert scored(shuffled) == baseline
    # a finding no condition has costs every candidate the same ratio: the ranking stays
    assert [c for c, _ in scored(with_orphan)] == [c for c, _ in baseline]
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
    assert lines[0].startswith("rank,id,condition,probability")
    assert len(lines) == 1 + len(kg_json("differential", *NERVE_SIGNS, "brain fog")["candidates"])
    assert lines[1].startswith("1,fb:vitamin-b12-deficiency,")


# ---------------------------------------------------------------------- the one reader and its reference
@pytest.mark.parametrize("symptoms, absent", [
    (["tingling", "gait problems", "memory loss", "brain fog"], []),
    (["chronic pain", "itchiness", "stomach cramps"], ["tingling"]),
    (["fatigue"], []),
    (["chronic widespread pain", "pallor", "depression"], ["brain fog"]),
])
@pytest.mark.parametrize("min_status", ["any", "supported"])
def test_the_reading_agrees_with_every_claim(g, symptoms, absent, min_status):
    from reference_reading import reference_differential

    answer = g.differential(symptoms, absent=absent, top=None, min_status=min_status).to_dict()
    assert answer["candidates"]
    assert answer == reference_differential(g, symptoms, absent, min_status).to_dict()


@pytest.mark.parametrize("symptoms", [
    ["test tingling hands", "test broad symptom"],
    ["test nerve symptom", "pallor", "test orphan symptom"],
    ["paresthesia", "abdominal pain", "fatigue"],
])
def test_the_reading_agrees_through_the_hierarchy(gx, symptoms):
    from reference_reading import reference_differential

    answer = gx.differential(symptoms, top=None).to_dict()
    assert answer["candidates"] and answer == reference_differential(gx, symptoms).to_dict()


# ---------------------------------------------------------------------- plain words
@pytest.mark.parametrize("phrase, expected", [
    ("needles and pins", PARESTHESIA),  # word order
    ("Memory Losses", "fb:memory-impairment"),  # case and plural
    ("megaloblastic anemia", "fb:megaloblastic-anaemia"),  # American spelling of a British label
    ("diarrhea", "fb:diarrhoea"),
    ("sleep that is unrefreshing", "fb:non-restorative-sleep"),  # stop words and order
    ("troubles with walking", "fb:gait-disturbance"),  # a lay word for "difficulty"
    ("the pain is widespread", "fb:chronic-widespread-pain"),
])
def test_phrases_not_in_the_data_resolve(g, phrase, expected):
    assert g.resolve(phrase).id == expected
    assert run_kg("show", phrase, "--format", "json").returncode == 0


def test_annotate_finds_symptoms_and_conditions_in_a_sentence(g):
    text = "Since my fibromyalgia flared I get pins and needles, troubles with walking, and no itchiness at all."
    spans = g.annotate(text)
    found = [(s.text, s.entity.id, s.negated) for s in spans]
    assert found == [("fibromyalgia", FIBROMYALGIA, False), ("pins and needles", PARESTHESIA, False),
                     ("troubles with walking", "fb:gait-disturbance", False), ("itchiness", "fb:pruritus", True)]
    assert all(text[s.start:s.end] == s.text for s in spans)
    cli = kg_json("annotate", text)
    assert [(s["text"], s["entity"]["id"], s["negated"]) for s in cli] == found


def test_differential_text_shows_what_it_understood_and_ranks_it(g):
    text = "Lately I have had needles and pins, troubles with walking and my memory losses; no itch."
    result = run_kg("differential", "--text", text)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Understood: 'needles and pins' → paresthesia (fb:paresthesia)")
    assert "no pruritus" in result.stdout
    answer = kg_json("differential", "--text", text)
    direct = g.differential(NERVE_SIGNS, absent=["itchiness"], top=5).to_dict()
    assert {k: v for k, v in answer.items() if k != "understood"} == direct
    assert [s["entity"]["id"] for s in answer["understood"]] == [PARESTHESIA, "fb:gait-disturbance",
                                                                   "fb:memory-impairment", "fb:pruritus"]


def test_text_naming_no_symptom_is_one_error_line():
    result = run_kg("differential", "--text", "the weather was lovely")
    assert result.returncode == 1 and result.stderr.count("\n") == 1 and result.stderr.startswith("kg: error:")


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
