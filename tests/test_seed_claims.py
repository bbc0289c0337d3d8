"""Every claim of the seed article is in the graph, attributed to it, with the status the
curators gave it (see ../shared/domain-notes.md for why), and the graph answers the
questions the article raises.

The table below is the curation spec: one row per claim the article makes.
"""

import pytest

from conftest import ARTICLE, B12_DEFICIENCY, FIBROMYALGIA, VITAMIN_B12

FM, B12D, B12 = FIBROMYALGIA, B12_DEFICIENCY, VITAMIN_B12

ARTICLE_CLAIMS = [
    # What fibromyalgia is, and its link with B12 deficiency.
    ("B12 deficiency is not a cause of fibromyalgia", B12D, "fb:doesNotCause", FM, "unsupported"),
    ("B12 deficiency is often comorbid with fibromyalgia", B12D, "fb:comorbidWith", FM, "unsupported"),
    ("fibromyalgia is an autoimmune disorder", FM, "fb:isA", "fb:autoimmune-disease", "contested"),
    ("fibromyalgia works through autoimmunity", FM, "fb:involvesMechanism", "fb:autoimmunity", "contested"),
    # Fibromyalgia's symptoms.
    ("fibromyalgia: chronic pain", FM, "fb:hasSymptom", "fb:chronic-pain", "supported"),
    ("fibromyalgia: sore, aching muscles", FM, "fb:hasSymptom", "fb:myalgia", "supported"),
    ("fibromyalgia: back pain", FM, "fb:hasSymptom", "fb:back-pain", "supported"),
    ("fibromyalgia: intense fatigue", FM, "fb:hasSymptom", "fb:fatigue", "supported"),
    ("fibromyalgia: itchiness", FM, "fb:hasSymptom", "fb:pruritus", "contested"),
    ("fibromyalgia: stomach cramps", FM, "fb:hasSymptom", "fb:abdominal-pain", "supported"),
    ("fibromyalgia: nausea", FM, "fb:hasSymptom", "fb:nausea", "supported"),
    ("fibromyalgia: diarrhoea", FM, "fb:hasSymptom", "fb:diarrhoea", "supported"),
    ("fibromyalgia: constipation", FM, "fb:hasSymptom", "fb:constipation", "supported"),
    ("fibromyalgia: acid reflux indigestion", FM, "fb:hasSymptom", "fb:gastroesophageal-reflux", "supported"),
    # Diagnosing fibromyalgia.
    ("11 of 18 tender points", FM, "fb:hasDiagnosticCriterion", "fb:tender-points-11-of-18", "contested"),
    ("chronic pain without injury or inflammation", FM, "fb:hasDiagnosticCriterion", "fb:chronic-pain-without-injury", "contested"),
    ("extensive testing to rule out other illnesses", FM, "fb:hasDiagnosticCriterion", "fb:exclusion-of-other-illnesses", "contested"),
    # Food sources of B12.
    ("animal protein foods provide B12", "fb:animal-foods", "fb:providesNutrient", B12, "supported"),
    ("beef provides B12", "fb:beef", "fb:providesNutrient", B12, "supported"),
    ("chicken provides B12", "fb:chicken", "fb:providesNutrient", B12, "supported"),
    ("seafood provides B12", "fb:seafood", "fb:providesNutrient", B12, "supported"),
    ("eggs provide B12", "fb:eggs", "fb:providesNutrient", B12, "supported"),
    ("yogurt provides B12", "fb:yogurt", "fb:providesNutrient", B12, "supported"),
    ("cheese provides B12", "fb:cheese", "fb:providesNutrient", B12, "supported"),
    # What the body uses B12 for.
    ("B12 for red blood cells", B12, "fb:requiredFor", "fb:red-blood-cell-formation", "supported"),
    ("B12 for the nervous system", B12, "fb:requiredFor", "fb:nervous-system-function", "supported"),
    ("B12 for metabolism", B12, "fb:requiredFor", "fb:energy-metabolism", "supported"),
    ("B12 for cognitive health", B12, "fb:requiredFor", "fb:cognitive-function", "supported"),
    # B12 deficiency's symptoms.
    ("B12 deficiency: painful tingling", B12D, "fb:hasSymptom", "fb:paresthesia", "supported"),
    ("B12 deficiency: numbness", B12D, "fb:hasSymptom", "fb:hypoesthesia", "supported"),
    ("B12 deficiency: sore muscles", B12D, "fb:hasSymptom", "fb:myalgia", "unsupported"),
    ("B12 deficiency: muscle spasms", B12D, "fb:hasSymptom", "fb:muscle-spasm", "unsupported"),
    ("B12 deficiency: depression", B12D, "fb:hasSymptom", "fb:depression", "supported"),
    ("B12 deficiency: fatigue", B12D, "fb:hasSymptom", "fb:fatigue", "supported"),
    ("B12 deficiency: brain fog", B12D, "fb:hasSymptom", "fb:brain-fog", "supported"),
    ("B12 deficiency: memory loss", B12D, "fb:hasSymptom", "fb:memory-impairment", "supported"),
    ("B12 deficiency: gait problems", B12D, "fb:hasSymptom", "fb:gait-disturbance", "supported"),
    # Mechanisms: absorption, autoimmunity, gastrointestinal damage, intrinsic factor.
    ("poor absorption leads to B12 deficiency", "fb:b12-malabsorption", "fb:causes", B12D, "supported"),
    ("autoimmune disorders raise the risk of others", "fb:autoimmunity", "fb:riskFactorFor", "fb:pernicious-anaemia", "supported"),
    ("B12 deficiency is often autoimmune", "fb:pernicious-anaemia", "fb:isA", "fb:autoimmune-disease", "supported"),
    ("autoimmune B12 deficiency", "fb:pernicious-anaemia", "fb:causes", B12D, "supported"),
    ("fibromyalgia patients often have autoimmune B12 deficiency", FM, "fb:comorbidWith", "fb:pernicious-anaemia", "unsupported"),
    ("fibromyalgia damages the gut", FM, "fb:causes", "fb:gastrointestinal-damage", "unsupported"),
    ("gut ailments lead to low B12", "fb:gastrointestinal-damage", "fb:causes", B12D, "supported"),
    ("gut damage lowers intrinsic factor", "fb:gastrointestinal-damage", "fb:causes", "fb:intrinsic-factor-deficiency", "contested"),
    ("the small intestine makes intrinsic factor", "fb:small-intestine", "fb:produces", "fb:intrinsic-factor", "refuted"),
    ("the stomach makes intrinsic factor", "fb:stomach", "fb:produces", "fb:intrinsic-factor", "supported"),
    ("intrinsic factor is an enzyme", "fb:intrinsic-factor", "fb:isA", "fb:enzyme", "refuted"),
    ("intrinsic factor is needed to absorb B12", "fb:intrinsic-factor", "fb:requiredFor", "fb:b12-absorption", "supported"),
    ("lack of intrinsic factor impairs absorption", "fb:intrinsic-factor-deficiency", "fb:causes", "fb:b12-malabsorption", "supported"),
    ("fibromyalgia causes vomiting", FM, "fb:causes", "fb:vomiting", "unsupported"),
    ("fibromyalgia causes stomach ulcers", FM, "fb:causes", "fb:peptic-ulcer", "unsupported"),
    ("vomiting lowers intrinsic factor", "fb:vomiting", "fb:contributesTo", "fb:intrinsic-factor-deficiency", "unsupported"),
    ("diarrhoea lowers intrinsic factor", "fb:diarrhoea", "fb:contributesTo", "fb:intrinsic-factor-deficiency", "unsupported"),
    ("ulcers lower intrinsic factor", "fb:peptic-ulcer", "fb:contributesTo", "fb:intrinsic-factor-deficiency", "unsupported"),
    # Misdiagnosis.
    ("B12 deficiency mistaken for arthritis", B12D, "fb:mayBeMisdiagnosedAs", "fb:arthritis", "unsupported"),
    ("B12 deficiency mistaken for depression", B12D, "fb:mayBeMisdiagnosedAs", "fb:depression", "unsupported"),
    ("B12 deficiency mistaken for diabetes", B12D, "fb:mayBeMisdiagnosedAs", "fb:diabetes", "unsupported"),
    ("B12 deficiency mistaken for fibromyalgia", B12D, "fb:mayBeMisdiagnosedAs", FM, "unsupported"),
    # Testing and supplementation.
    ("check B12 routinely in fibromyalgia", "fb:serum-b12-test", "fb:recommendedFor", FM, "unsupported"),
    ("blood tests measure total B12", "fb:serum-b12-test", "fb:measures", B12, "supported"),
    ("blood tests are not always accurate", "fb:serum-b12-test", "fb:mayMiss", B12D, "supported"),
    ("supplement B12 regularly in fibromyalgia", "fb:b12-supplementation", "fb:recommendedFor", FM, "unsupported"),
]


@pytest.mark.parametrize("subject,predicate,obj,status", [row[1:] for row in ARTICLE_CLAIMS],
                         ids=[row[0] for row in ARTICLE_CLAIMS])
def test_article_claim_is_in_the_graph(g, subject, predicate, obj, status):
    claims = g.claims(subject=subject, predicate=predicate, object=obj)
    assert len(claims) == 1, f"{subject} {predicate} {obj} is missing"
    claim = claims[0]
    assert ARTICLE in {s.id for s in claim.sources}
    assert claim.status == status
    if status != "supported":
        assert claim.note, "a claim that is not supported says why"


def test_every_article_claim_in_the_graph_is_in_the_spec(g):
    """The other direction: the graph attributes nothing to the article that the spec lacks."""
    spec = {(s, p, o) for _, s, p, o, _ in ARTICLE_CLAIMS}
    attributed = {
        (c.subject.id, c.predicate.id, c.object.id) for c in g.claims() if ARTICLE in {s.id for s in c.sources}
    }
    # isA links of the food examples and the gut damage sites are modelling detail, not extra claims.
    detail = {c for c in attributed if c[1] in ("fb:isA", "fb:occursIn", "fb:deficiencyOf")} - spec
    assert attributed - detail == spec


def test_corrections_sit_beside_wrong_claims(g):
    """Where the article is wrong, the better view is in the graph with its reference."""
    enzyme = g.claims("fb:intrinsic-factor", "fb:isA", "fb:enzyme")[0]
    assert {s.id for s in enzyme.contested_by} & {"src:Stabler2013", "src:Green2017"}
    glycoprotein = g.claims("fb:intrinsic-factor", "fb:isA", "fb:glycoprotein")[0]
    assert glycoprotein.status == "supported" and "src:Stabler2013" in {s.id for s in glycoprotein.sources}
    parietal = g.claims("fb:parietal-cells", "fb:produces", "fb:intrinsic-factor")[0]
    assert parietal.status == "supported"
    autoimmune = g.claims(FM, "fb:isA", "fb:autoimmune-disease")[0]
    assert "src:Hauser2015" in {s.id for s in autoimmune.contested_by}
    tender = g.claims(FM, "fb:hasDiagnosticCriterion", "fb:tender-points-11-of-18")[0]
    assert {s.id for s in tender.contested_by} & {"src:ACR2010", "src:ACR2016"}
    current = {c.object.id for c in g.tests(FM) if c.status == "supported"}
    assert {"fb:widespread-pain-index", "fb:symptom-severity-scale"} <= current


def test_both_conditions_and_their_symptoms(g):
    assert g.resolve("fibromyalgia").kind == g.resolve("vitamin B12 deficiency").kind == "condition"
    assert len(g.symptoms(FM)) >= 10 and len(g.symptoms(B12D)) >= 8


def test_symptoms_overlap(g):
    shared = {item.symptom.id for item in g.shared(FM, B12D).shared}
    assert {"fb:fatigue", "fb:myalgia", "fb:brain-fog", "fb:depression"} <= shared


@pytest.mark.parametrize("mechanism", ["fb:autoimmunity", "fb:gastrointestinal-damage", "fb:intrinsic-factor-deficiency"])
def test_each_mechanism_is_a_causal_chain_from_fibromyalgia_to_b12_deficiency(g, mechanism):
    chains = g.paths(FM, B12D, max_length=5)
    through = [c for c in chains if mechanism in {step.object.id for step in c.steps}]
    assert through, f"no chain through {mechanism}"
    for chain in through:
        assert all(step.sources for step in chain.steps)
        # The article's chains all start with a claim no good source backs.
        assert chain.weakest in ("contested", "unsupported", "refuted")


def test_foods_providing_b12(g):
    foods = {c.subject.label for c in g.foods("cobalamin")}
    assert {"beef", "chicken", "seafood", "eggs", "yogurt", "cheese"} <= foods


def test_total_versus_active_b12_caveat(g):
    misses = g.claims("fb:serum-b12-test", "fb:mayMiss", B12D)[0]
    assert {"src:article", "src:Stabler2013"} <= {s.id for s in misses.sources}
    active = g.resolve("active B12")
    assert g.claims("fb:holotranscobalamin-test", "fb:measures", active.id)


def test_supplementation_advice_is_unsupported_but_treatment_of_deficiency_is_supported(g):
    advice = g.claims("fb:b12-supplementation", "fb:recommendedFor", FM)[0]
    assert advice.status == "unsupported" and advice.note
    treats = g.claims("fb:b12-supplementation", "fb:treats", B12D)[0]
    assert treats.status == "supported"


def test_every_condition_states_a_prevalence_or_says_why_not(g):
    """The differential's prior: each curated condition gives a sourced prevalence, or a
    note saying why it gives none (a grouping category, or no checkable figure)."""
    from kg.rdflib_namespaces import FB
    from rdflib import RDF

    for condition in g.rdf.subjects(RDF.type, FB.Condition):
        stated = list(g.rdf.objects(condition, FB.prevalence))
        notes = list(g.rdf.objects(condition, FB.prevalenceNote))
        assert len(stated) + len(notes) == 1, f"{condition}: give one prevalence or one fb:prevalenceNote"
    # The differential reads prevalences through this query: each must come with its provenance.
    for row in g.select("prevalences"):
        assert row.source and row.status and row.note, f"{row.subject}: prevalence without source, status or population"


def test_grouping_categories_are_never_ranked(g):
    """A category without a prevalence has no symptom claims, so it cannot be a candidate."""
    from kg.rdflib_namespaces import FB

    for condition in g.rdf.subjects(FB.prevalenceNote, None):
        note = str(g.rdf.value(condition, FB.prevalenceNote))
        if note.startswith("A grouping category"):
            assert not list(g.rdf.objects(condition, FB.hasSymptom)), condition
