"""--min-status: every command that walks relations can keep only the better-backed claims."""

import json

import pytest

from conftest import B12_DEFICIENCY, FIBROMYALGIA, VITAMIN_B12, run_kg
from kg.errors import UnknownStatus
from kg.model import MIN_STATUSES, STATUSES, status_rank

# The curated foods are all supported; a test-only refuted claim (spirulina's vitamin B12 is
# mostly an inactive analogue) gives `kg foods` something to leave out.
EXTRA = """
@prefix fb: <https://w3id.org/fibro-b12/kg#> .
@prefix src: <https://w3id.org/fibro-b12/source/> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .

fb:test-spirulina a owl:NamedIndividual, fb:FoodSource ; rdfs:label "test spirulina" .
fb:test-spirulina fb:providesNutrient fb:vitamin-b12 .
[] a owl:Axiom ; owl:annotatedSource fb:test-spirulina ; owl:annotatedProperty fb:providesNutrient ;
   owl:annotatedTarget fb:vitamin-b12 ; fb:source src:article ; fb:evidenceStatus fb:refuted ;
   fb:contestedBy src:Stabler2013 .
"""

COMMANDS = {
    "symptoms": ["symptoms", "fibromyalgia"],
    "shared": ["shared", "fibromyalgia", "B12 deficiency", "--unique"],
    "paths": ["paths", "fibromyalgia", "B12 deficiency"],
    "foods": ["foods", "cobalamin"],
    "misdiagnosis": ["misdiagnosis", "B12 deficiency"],
    "tests": ["tests", "fibromyalgia"],
    "differential": ["differential", "chronic pain", "itchiness", "stomach cramps", "brain fog"],
    "compare": ["compare", "fibromyalgia", "B12 deficiency"],
    "show": ["show", "fibromyalgia"],
}


@pytest.fixture(scope="module")
def extra_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("min_status") / "extra.ttl"
    path.write_text(EXTRA, encoding="utf-8")
    return path


def statuses(value) -> list[str]:
    """Every "status" anywhere in a JSON answer."""
    if isinstance(value, dict):
        found = [value["status"]] if isinstance(value.get("status"), str) else []
        return found + [s for v in value.values() for s in statuses(v)]
    if isinstance(value, list):
        return [s for v in value for s in statuses(v)]
    return []


def answer(command, level, extra_file):
    result = run_kg(*COMMANDS[command], "--min-status", level, "--data", extra_file, "--format", "json")
    if result.returncode != 0:  # nothing left at this level: one error line, and still JSON on stdout
        assert result.returncode == 1 and result.stderr.startswith("kg: error:"), result.stderr
    return json.loads(result.stdout)


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_min_status_keeps_only_claims_at_least_that_strong(command, extra_file):
    found = {level: statuses(answer(command, level, extra_file)) for level in MIN_STATUSES}
    assert any(status_rank(s) > 0 for s in found["any"]), "the example must have a claim weaker than supported"
    for level in ("supported", "contested", "unsupported"):
        assert all(status_rank(s) <= status_rank(level) for s in found[level]), (level, found[level])
    assert len(found["supported"]) < len(found["any"])


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_min_status_is_in_every_walking_commands_help(command):
    result = run_kg(COMMANDS[command][0], "--help")
    assert "--min-status" in result.stdout


def test_refuted_claims_pass_only_any(extra_file):
    ids = {level: {row["id"] for row in answer("foods", level, extra_file)} for level in MIN_STATUSES}
    assert "fb:test-spirulina" in ids["any"]
    assert "fb:test-spirulina" not in ids["unsupported"]
    assert ids["unsupported"] == ids["supported"]


def test_paths_with_min_status_walk_only_strong_enough_edges(g):
    weak = g.paths("fibromyalgia", "B12 deficiency")
    assert weak and {c.weakest for c in weak} == {"unsupported", "contested"}
    # Only the chain through autoimmunity (contested: fibromyalgia is not autoimmune) survives.
    contested = g.paths("fibromyalgia", "B12 deficiency", min_status="contested")
    assert contested and len(contested) < len(weak)
    assert all(step.status in ("supported", "contested") for chain in contested for step in chain.steps)
    assert g.paths("fibromyalgia", "B12 deficiency", min_status="supported") == []
    strong = g.paths("pernicious anaemia", "B12 deficiency", min_status="supported")
    assert strong and all(step.status == "supported" for chain in strong for step in chain.steps)
    result = run_kg("paths", "fibromyalgia", "B12 deficiency", "--min-status", "supported")
    assert result.returncode == 1 and "--min-status any" in result.stderr


def test_paths_table_names_the_weakest_status_of_each_chain():
    result = run_kg("paths", "fibromyalgia", "B12 deficiency", "--min-status", "unsupported")
    assert result.returncode == 0
    assert "Chains resting on a step that is not supported: 1 (unsupported)" in result.stdout


def test_shared_with_min_status_moves_weakly_shared_symptoms_out(g):
    # B12 deficiency's myalgia is unsupported: under "supported" only fibromyalgia has it.
    loose = g.shared(FIBROMYALGIA, B12_DEFICIENCY)
    strict = g.shared(FIBROMYALGIA, B12_DEFICIENCY, min_status="supported")
    assert "fb:myalgia" in {s.symptom.id for s in loose.shared}
    assert "fb:myalgia" not in {s.symptom.id for s in strict.shared}
    assert "fb:myalgia" in {c.object.id for c in strict.unique[FIBROMYALGIA]}


@pytest.mark.parametrize("level", MIN_STATUSES)
def test_library_methods_filter_their_claims(g, level):
    limit = status_rank(level) if level != "any" else len(STATUSES)
    answers = [
        g.symptoms(FIBROMYALGIA, min_status=level),
        g.foods(VITAMIN_B12, min_status=level),
        g.misdiagnosis(B12_DEFICIENCY, min_status=level),
        g.tests(FIBROMYALGIA, min_status=level),
        g.claims(subject=FIBROMYALGIA, min_status=level),
        [*g.show(FIBROMYALGIA, min_status=level).outgoing, *g.show(FIBROMYALGIA, min_status=level).incoming],
        [d["claim"] for *_, d in g.to_networkx(min_status=level).edges(data=True)],
    ]
    for claims in answers:
        assert all(c.rank <= limit for c in claims)
    compared = g.compare(FIBROMYALGIA, B12_DEFICIENCY, min_status=level)
    assert all(status_rank(m.weakest) <= limit for m in compared.mechanisms)
    assert all(status_rank(chain.weakest) <= limit for chain in compared.chains)


def test_an_unknown_status_is_refused(g):
    with pytest.raises(UnknownStatus):
        g.symptoms(FIBROMYALGIA, min_status="strong")
    result = run_kg("symptoms", "fibromyalgia", "--min-status", "strong")
    assert result.returncode == 2 and "Traceback" not in result.stderr
