"""Names that two entities share because one is the other under a second name (issue 12).

A curated entity that declares ``skos:exactMatch`` with an imported term *is* that term (the
HPO import merges them). A graph whose import predates the mapping still holds the term as
an entity of its own; a name both carry must then lead to the curated entity, not be
ambiguous. The graphs here are the shipped ontology plus a few lines written by the test, in
place of an import.
"""

import pytest

from kg import KnowledgeGraph
from kg.errors import AmbiguousEntity

PREFIXES = """
@prefix fb: <https://w3id.org/fibro-b12/kg#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix HP: <http://purl.obolibrary.org/obo/HP_> .
@prefix ORPHA: <http://www.orpha.net/ORDO/Orphanet_> .
@prefix ex: <https://example.org/terms/> .
"""

# Made-up terms standing for an import made before the curators mapped them.
IMPORTED = """
HP:0033630 a fb:Symptom ; rdfs:label "Brain fog" ; skos:altLabel "Mental fog" .
fb:cog-ache a fb:Symptom ; rdfs:label "cog ache" ; skos:altLabel "gear pain" ; skos:exactMatch HP:9999901 .
HP:9999901 a fb:Symptom ; rdfs:label "Gear pain" ; skos:altLabel "Sprocket soreness" .
fb:widget-itch a fb:Symptom ; rdfs:label "widget itch" ; skos:exactMatch ORPHA:999999 .
ex:widget-itch a fb:Symptom ; rdfs:label "Widget itch" ; skos:exactMatch ORPHA:999999 .
ex:lever-rash a fb:Symptom ; rdfs:label "lever rash" .
ex:other-lever-rash a fb:Symptom ; rdfs:label "Lever rash" .
"""


@pytest.fixture(scope="module")
def g(tmp_path_factory) -> KnowledgeGraph:
    extra = tmp_path_factory.mktemp("resolve") / "imported.ttl"
    extra.write_text(PREFIXES + IMPORTED, encoding="utf-8")
    return KnowledgeGraph.load([extra], env="", backend="memory")


@pytest.mark.parametrize("name, expected", [
    ("brain fog", "fb:brain-fog"),          # curated label and the imported term's label
    ("Mental fog", "fb:brain-fog"),         # a name only the imported term carries
    ("gear pain", "fb:cog-ache"),           # a curated synonym against the imported term's label
    ("Sprocket soreness", "fb:cog-ache"),
    ("pain in the gears", "fb:cog-ache"),   # a phrase (kg.text) meets the same rule
    ("widget itch", "fb:widget-itch"),      # both declare one identifier: the graph's own entity
    ("HP:9999901", "HP:9999901"),           # an id names exactly what it names
])
def test_a_name_of_an_entity_mapped_to_leads_to_the_entity_that_maps_it(g, name, expected):
    assert g.resolve(name).id == expected


def test_names_of_unrelated_entities_stay_ambiguous(g):
    with pytest.raises(AmbiguousEntity) as error:
        g.resolve("lever rash")
    assert "lever-rash" in str(error.value) and "other-lever-rash" in str(error.value)


def test_the_differential_takes_the_name_to_the_curated_entity(g):
    answer = g.differential(["brain fog", "tingling"])
    assert [s.id for s in answer.given] == ["fb:brain-fog", "fb:paresthesia"]
