"""`kg add`, `kg remove` and `kg sources`: round trips, refusals, crash safety, concurrency.

Every test points KG_EXTENSIONS_DIR at a folder of its own (or writes with --to into one),
so nothing here writes into the repository's ontology/extensions/.
"""

import json
import os
import signal
import subprocess
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDFS

from conftest import KG, ROOT, kg_json, run_kg
from kg import KnowledgeGraph, loading
from kg.editing import _slug, add_entity, add_relation
from kg.errors import RefusedEdit
from kg.namespaces import expand_curie
from kg.validate import parse_turtle

CARRUTHERS = ("Carruthers BM, et al. Myalgic encephalomyelitis: International Consensus Criteria. "
              "J Intern Med. 2011;270(4):327-338.")


@pytest.fixture(autouse=True)
def extensions(tmp_path, monkeypatch) -> Path:
    """An empty extensions folder of the test's own; `kg add` writes local.ttl into it."""
    folder = tmp_path / "extensions"
    folder.mkdir()
    monkeypatch.setenv("KG_EXTENSIONS_DIR", str(folder))
    return folder


def add(*args, **kwargs) -> dict:
    """Run `kg add ...` and return its JSON report."""
    [report] = kg_json("add", *args, **kwargs)
    return report


def test_add_round_trip_through_the_cli_and_the_export(extensions):
    condition = add("condition", "chronic fatigue syndrome", "--synonym", "CFS", "--synonym", "ME/CFS",
                    "--definition", "Long-lasting, disabling fatigue that rest does not relieve.")
    assert condition["subject"]["id"] == "fb:chronic-fatigue-syndrome"
    assert condition["file"] == str(extensions / "local.ttl")
    symptom = add("symptom", "post-exertional malaise", "--synonym", "PEM")
    claim = add("relation", "CFS", "has symptom", "PEM", "--source", CARRUTHERS, "--status", "supported",
                "--note", "The hallmark of the International Consensus Criteria.")
    assert claim["new_sources"][0]["id"] == "src:Carruthers2011"
    add("relation", "CFS", "has symptom", "fatigue", "--source", "Carruthers2011", "--status", "supported")

    shown = kg_json("show", "cfs")
    assert shown["id"] == condition["subject"]["id"] and "ME/CFS" in shown["synonyms"]
    assert shown["definition"].startswith("Long-lasting")
    outgoing = {c["object"]["id"]: c for c in shown["outgoing"]}
    assert set(outgoing) == {symptom["subject"]["id"], "fb:fatigue"}
    assert outgoing[symptom["subject"]["id"]]["sources"][0]["id"] == "src:Carruthers2011"
    assert outgoing[symptom["subject"]["id"]]["note"].startswith("The hallmark")
    assert [r["id"] for r in kg_json("shared", "fibromyalgia", "CFS")] == ["fb:fatigue"]

    ttl = run_kg("export", "-", "--format", "ttl")
    assert ttl.returncode == 0, ttl.stderr
    exported = Graph().parse(data=ttl.stdout, format="turtle")
    cfs, has_symptom, pem = (URIRef(expand_curie(c)) for c in ("fb:chronic-fatigue-syndrome", "fb:hasSymptom",
                                                                "fb:post-exertional-malaise"))
    assert (cfs, has_symptom, pem) in exported
    assert (cfs, RDFS.label, Literal("chronic fatigue syndrome")) in exported

    assert run_kg("validate").returncode == 0
    sources = {Path(row["path"]).name: row for row in kg_json("sources")}
    assert sources["local.ttl"]["kind"] == "extension"
    assert sources["local.ttl"]["triples"] == len(Graph().parse(extensions / "local.ttl"))


def test_the_extension_file_is_readable_turtle_in_the_curated_layout(extensions):
    add("condition", "hypothyroidism")
    add("relation", "hypothyroidism", "has symptom", "fatigue", "--source", "Hauser2015", "--status", "contested")
    text = (extensions / "local.ttl").read_text(encoding="utf-8")
    assert "@prefix fb: <https://w3id.org/fibro-b12/kg#> ." in text
    assert 'fb:hypothyroidism a owl:NamedIndividual, fb:Condition ;\n    rdfs:label "hypothyroidism" .' in text
    assert ("fb:hypothyroidism fb:hasSymptom fb:fatigue .\n[] a owl:Axiom ; owl:annotatedSource fb:hypothyroidism ; "
            "owl:annotatedProperty fb:hasSymptom ; owl:annotatedTarget fb:fatigue ;\n"
            "   fb:source src:Hauser2015 ; fb:evidenceStatus fb:contested .") in text


def test_adding_keeps_what_the_file_already_said(extensions):
    path = extensions / "hand.ttl"
    original = ("# written by hand\n@prefix fb: <https://w3id.org/fibro-b12/kg#> .\n"
                "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n\n"
                'fb:weariness a fb:Symptom ; rdfs:label "weariness" .  # a comment\n')
    path.write_text(original, encoding="utf-8")
    add("symptom", "cold intolerance", "--to", path)
    text = path.read_text(encoding="utf-8")
    assert text.startswith(original)
    assert kg_json("show", "cold intolerance")["id"] == "fb:cold-intolerance"


def test_a_claim_without_a_source_is_refused_and_the_file_kept(extensions):
    add("condition", "hypothyroidism")
    before = (extensions / "local.ttl").read_bytes()
    result = run_kg("add", "relation", "hypothyroidism", "has symptom", "fatigue", "--status", "supported")
    assert result.returncode == 1
    assert result.stderr.startswith("kg: error: a claim needs a source") and result.stderr.count("\n") == 1
    assert (extensions / "local.ttl").read_bytes() == before
    assert kg_json("show", "hypothyroidism")["outgoing"] == []


@pytest.mark.parametrize("args, message", [
    (["condition", "fibromyalgia"], "already names fibromyalgia (fb:fibromyalgia"),
    (["condition", "FM"], "already names fibromyalgia (fb:fibromyalgia"),
    (["symptom", "weariness", "--synonym", "tiredness"], "already names fatigue (fb:fatigue"),
    (["symptom", "weariness", "--id", "fb:fatigue"], "already in use by fatigue (fb:fatigue)"),
    (["symptom", "weariness", "--match", "HP:0012378"], "already names fatigue (fb:fatigue"),
    (["relation", "fatigue", "has symptom", "fibromyalgia", "--source", "Hauser2015", "--status", "supported"],
     "cannot be the subject of 'has symptom': its subject must be a condition"),
    (["relation", "fibromyalgia", "has symptom", "stomach", "--source", "Hauser2015", "--status", "supported"],
     "cannot be the object of 'has symptom': its object must be a symptom"),
    (["relation", "fibromyalgia", "has sympton", "fatigue", "--source", "Hauser2015", "--status", "supported"],
     "did you mean 'has symptom'?"),
    (["relation", "fibromyalgia", "has symptom", "fatigue", "--source", "Hauser2015", "--status", "supported"],
     "already says fibromyalgia has symptom fatigue"),
    (["relation", "fibromyalgia", "causes", "fatigue", "--source", "Hauser2105", "--status", "supported"],
     "unknown source 'Hauser2105'"),
    (["relation", "fibromyalgia", "causes", "fatigue", "--source", "fatigue", "--status", "supported"],
     "not a source document"),
    (["relation", "fibromyalgia", "causes", "fatigue", "--source", "Hauser2015"], "needs an evidence status"),
])
def test_refusals_name_the_reason_and_write_nothing(extensions, args, message):
    result = run_kg("add", *args)
    assert result.returncode != 0
    assert result.stderr.startswith("kg: error:") and message in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert not (extensions / "local.ttl").exists()


def test_remove_takes_back_extension_content_only(extensions):
    add("condition", "hypothyroidism")
    add("symptom", "cold intolerance")
    add("relation", "hypothyroidism", "has symptom", "cold intolerance", "--source", "Hauser2015", "--status", "supported")
    add("relation", "hypothyroidism", "has symptom", "fatigue", "--source", "Hauser2015", "--status", "supported")

    shipped = run_kg("remove", "entity", "fatigue")
    assert shipped.returncode == 1 and "part of the shipped ontology" in shipped.stderr
    claim = run_kg("remove", "relation", "fibromyalgia", "has symptom", "fatigue")
    assert claim.returncode == 1 and "part of the shipped ontology" in claim.stderr

    [removed] = kg_json("remove", "relation", "hypothyroidism", "has symptom", "fatigue")
    assert removed["action"] == "removed"
    [removed] = kg_json("remove", "entity", "cold intolerance")
    assert removed["also_removed"] == ["fb:hypothyroidism fb:hasSymptom fb:cold-intolerance"]
    assert kg_json("show", "hypothyroidism")["outgoing"] == []
    assert run_kg("show", "cold intolerance").returncode == 2
    assert run_kg("validate").returncode == 0
    text = (extensions / "local.ttl").read_text(encoding="utf-8")
    assert "cold-intolerance" not in text and "owl:Axiom" not in text


def test_writing_into_the_shipped_ontology_is_refused():
    curated = ROOT / "ontology" / "curated.ttl"
    before = curated.read_bytes()
    result = run_kg("add", "symptom", "weariness", "--to", curated)
    assert result.returncode == 1 and "part of the shipped ontology" in result.stderr
    assert curated.read_bytes() == before


def test_sources_lists_every_kind_of_file(tmp_path, extensions):
    add("symptom", "weariness")
    kgdata = tmp_path / "kgdata.ttl"
    extra = tmp_path / "extra.ttl"
    for path, label in ((kgdata, "lassitude"), (extra, "languor")):
        path.write_text('@prefix fb: <https://w3id.org/fibro-b12/kg#> .\n@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n'
                        f'fb:{label} a fb:Symptom ; rdfs:label "{label}" .\n', encoding="utf-8")
    rows = kg_json("sources", "--data", extra, env={"KG_DATA": str(kgdata)})
    kinds = {Path(r["path"]).name: (r["kind"], r["triples"]) for r in rows}
    assert kinds["curated.ttl"][0] == "shipped"
    assert kinds["curated.ttl"][1] == len(Graph().parse(ROOT / "ontology" / "curated.ttl"))
    assert kinds["local.ttl"] == ("extension", len(Graph().parse(extensions / "local.ttl")))
    assert kinds["kgdata.ttl"] == ("KG_DATA", 2)
    assert kinds["extra.ttl"] == ("--data", 2)


# ---------------------------------------------------------------------- crash safety and concurrency
def test_an_add_killed_before_the_rename_leaves_the_file_intact(extensions):
    add("condition", "hypothyroidism")
    path = extensions / "local.ttl"
    before = path.read_bytes()
    env = {k: v for k, v in os.environ.items() if k != "KG_DATA"}
    env["KG_TEST_PAUSE_BEFORE_RENAME"] = "600"
    process = subprocess.Popen([KG, "add", "symptom", "cold intolerance"], env=env, cwd=ROOT,
                               stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    try:
        announced = process.stderr.readline()  # blocks until the new file is written, just before the rename
        assert "KG_TEST_PAUSE_BEFORE_RENAME" in announced, announced
        tmp = Path(announced.split(": ")[2].split(" written")[0])
        assert tmp.exists() and b"cold intolerance" in tmp.read_bytes()
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
        process.stderr.close()
    assert process.returncode == -signal.SIGKILL
    assert path.read_bytes() == before
    assert tmp.exists()  # what the killed add left behind
    assert run_kg("show", "cold intolerance").returncode == 2
    # The lock died with the process: the next add goes through, and clears the leftover.
    again = run_kg("add", "symptom", "cold intolerance", "--format", "json")
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)[0]["subject"]["id"] == "fb:cold-intolerance"
    assert not tmp.exists() and f"removed {tmp}" in again.stderr
    assert not list(extensions.glob(".local.ttl.*.tmp"))


def test_only_our_own_stale_temporaries_are_removed(extensions):
    path = extensions / "local.ttl"
    ours = extensions / ".local.ttl.ab12cd_9.tmp"
    others = [extensions / ".other.ttl.ab12cd_9.tmp", extensions / "local.ttl.bak", extensions / ".local.ttl.x.tmp"]
    for leftover in [ours, *others]:
        leftover.write_text("half a file")
    old = os.stat(ours).st_mtime - 60
    for leftover in [ours, *others]:
        os.utime(leftover, (old, old))
    add("condition", "hypothyroidism")
    assert not ours.exists()
    assert all(p.read_text() == "half a file" for p in others)
    assert "hypothyroidism" in path.read_text()


def test_eight_concurrent_adds_all_land(extensions):
    env = {k: v for k, v in os.environ.items() if k != "KG_DATA"}
    labels = [f"concurrent symptom {n}" for n in range(8)]
    processes = [subprocess.Popen([KG, "add", "symptom", label], env=env, cwd=ROOT,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for label in labels]
    results = [(p.wait(timeout=300), p.stderr.read()) for p in processes]
    for p in processes:
        p.stdout.close()
        p.stderr.close()
    assert all(code == 0 for code, _ in results), results
    graph = Graph().parse(extensions / "local.ttl")
    assert {str(o) for o in graph.objects(None, RDFS.label)} == set(labels)
    assert run_kg("validate").returncode == 0


# ---------------------------------------------------------------------- any label survives
@pytest.fixture(scope="module")
def base():
    """The shipped ontology, parsed once for the library round trips."""
    return [parse_turtle(p) for p in sorted(loading.ontology_dir().glob("*.ttl"))]


def _existing_name(label: str, graph: Graph) -> bool:
    """Whether ``label`` already names something, so that kg add rightly refuses it."""
    from kg.errors import AmbiguousEntity, UnknownEntity

    try:
        KnowledgeGraph(graph).resolve(label)
    except UnknownEntity as error:
        return isinstance(error, AmbiguousEntity)  # it names several things
    return True


def _has_control(text: str) -> bool:
    """Whether kg add refuses ``text`` for a control character (docs/errors.md)."""
    return any(unicodedata.category(c) in ("Cc", "Cs") or c in "\u2028\u2029" for c in text)


# Control characters are refused (tests/test_hostile.py covers that); drawing them here would
# mostly generate refusals, so the labels come from every other character.
_PRINTABLE = st.characters(blacklist_categories=("Cc", "Cs"), blacklist_characters="\u2028\u2029")


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.filter_too_much])
@given(label=st.text(alphabet=_PRINTABLE, min_size=1, max_size=40).filter(lambda s: s.strip()),
       synonym=st.text(alphabet=_PRINTABLE, min_size=1, max_size=20).filter(lambda s: s.strip()))
def test_any_label_survives_add_the_file_and_show(tmp_path_factory, base, label, synonym):
    path = tmp_path_factory.mktemp("labels") / "labels.ttl"
    try:
        edit = add_entity("symptom", label, synonyms=[synonym], to=path, base=base)
    except RefusedEdit as error:
        shipped = Graph()
        for parsed in base:
            shipped += parsed.graph
        legit = (_existing_name(label, shipped) or _existing_name(synonym, shipped)
                 or "repeats the label" in str(error)
                 or (_has_control(label + synonym) and "control character" in str(error))
                 or (not _slug(label) and "no letters or digits" in str(error)))
        assume(not legit)
        raise
    reread = Graph().parse(path, format="turtle")
    iri = URIRef(edit.subject.iri)
    assert str(reread.value(iri, RDFS.label)) == label
    g = KnowledgeGraph(base[0].graph + base[1].graph + base[2].graph + reread)
    details = g.show(edit.subject.id)
    assert details.entity.label == label and details.synonyms == (synonym,)


@pytest.mark.parametrize("label", [
    'the "quoted" <angle> & \\ back\\slash',
    "  spaces around  ",
    "Ménière's 病 🧪 \u200b zero-width",
    '"""triple quotes"""',
])
def test_nasty_labels_round_trip_through_the_cli(extensions, label):
    report = add("symptom", label)
    shown = kg_json("show", report["subject"]["id"])
    assert shown["label"] == label
    assert run_kg("validate").returncode == 0


@pytest.mark.parametrize("label", ["two\nlines", "a\ttab", "carriage\rreturn", "line\u2028separator"])
def test_labels_with_control_characters_are_refused(extensions, label):
    result = run_kg("add", "symptom", label)
    assert result.returncode == 1 and "control character" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not (extensions / "local.ttl").exists()


def test_library_add_relation_refuses_a_claim_without_source(tmp_path, base):
    with pytest.raises(RefusedEdit, match="needs a source"):
        add_relation("fibromyalgia", "causes", "fatigue", sources=[], status="supported", to=tmp_path / "x.ttl", base=base)
    assert not (tmp_path / "x.ttl").exists()
