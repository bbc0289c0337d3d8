"""The HTML explorer without a browser: its data model, the exported file, and the export options."""

import itertools
import json
import re

import pytest

from conftest import B12_DEFICIENCY, FIBROMYALGIA, run_kg
from kg.algorithms import neighbourhood
from kg.export.html import page_data, script_json

XSS_LABEL = "<img src=x onerror=alert(1)>"
XSS_TURTLE = """\
@prefix fb: <https://w3id.org/fibro-b12/kg#> .
@prefix src: <https://w3id.org/fibro-b12/source/> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .

fb:xss-probe a owl:NamedIndividual, fb:Symptom ;
    rdfs:label "<img src=x onerror=alert(1)>" ;
    skos:altLabel "</script><script>alert(2)</script>", "line\\u2028separator" ;
    skos:definition "<b onmouseover=alert(3)>bold</b> & ampersand" .

fb:fibromyalgia fb:hasSymptom fb:xss-probe .
[] a owl:Axiom ; owl:annotatedSource fb:fibromyalgia ; owl:annotatedProperty fb:hasSymptom ;
   owl:annotatedTarget fb:xss-probe ; fb:source src:article ; fb:evidenceStatus fb:unsupported ;
   rdfs:comment "<script>alert(4)</script>" .
"""


def embedded(html: str, element_id: str) -> dict:
    """The JSON the page embeds in ``<script type="application/json" id=...>``."""
    match = re.search(rf'<script type="application/json" id="{element_id}">(.*?)</script>', html, re.S)
    assert match, f"no #{element_id} data in the page"
    return json.loads(match.group(1))


def pairwise_shared(g) -> set[str]:
    """Symptoms that at least two conditions share, asked of the library pair by pair."""
    with_symptoms = sorted({c.subject.id for c in g.claims(predicate="fb:hasSymptom")})
    found = set()
    for first, second in itertools.combinations(with_symptoms, 2):
        found |= {item.symptom.id for item in g.shared(first, second).shared}
    return found


def test_whole_page_has_every_node_and_claim_of_the_graph(g):
    page = page_data(g)
    G = g.to_networkx()
    assert {n.id for n in page.nodes} == set(G)
    assert sorted((e.source, e.target, e.relation) for e in page.edges) == sorted(G.edges(keys=True))


def test_every_edge_carries_its_sources_and_status(g):
    page = page_data(g)
    claims = {(c.subject.id, c.predicate.id, c.object.id): c for c in g.claims()}
    for edge in page.edges:
        claim = claims[(edge.source, edge.relation, edge.target)]
        assert edge.status == claim.status
        assert edge.sources == tuple(s.id for s in claim.sources) and edge.sources


def test_shared_symptoms_are_those_two_conditions_share(g):
    page = page_data(g)
    assert set(page.shared_symptoms) == pairwise_shared(g)
    assert {"fb:fatigue", "fb:brain-fog"} <= set(page.shared_symptoms)


def test_shared_page_is_the_two_conditions_their_symptoms_and_chains(g):
    page = page_data(g, shared=("fibromyalgia", "B12 deficiency"))
    answer = g.shared("fibromyalgia", "B12 deficiency")
    assert page.conditions == (FIBROMYALGIA, B12_DEFICIENCY)
    assert sorted(page.shared_symptoms) == sorted(item.symptom.id for item in answer.shared)
    ids = {n.id for n in page.nodes}
    for claims in answer.unique.values():
        assert {c.object.id for c in claims} <= ids
    chains = g.paths("fibromyalgia", "B12 deficiency") + g.paths("B12 deficiency", "fibromyalgia")
    assert len(page.chains) == len(chains)
    for chain in chains:
        assert {s.subject.id for s in chain.steps} | {s.object.id for s in chain.steps} <= ids


def test_focus_page_is_the_neighbourhood_and_the_sources_behind_it(g):
    page = page_data(g, focus="vitamin B12", depth=2)
    G = g.to_networkx()
    near = set(neighbourhood(G, "fb:vitamin-b12", depth=2))
    ids = {n.id for n in page.nodes}
    assert {i for i in ids if G.nodes[i]["kind"] != "source"} == near
    assert {s for e in page.edges for s in e.sources} <= ids
    assert page.focus == "fb:vitamin-b12" and page.mode == "focus"
    assert len(page_data(g, focus="vitamin B12", depth=1).nodes) < len(page.nodes)


def test_focus_on_a_source_shows_the_claims_it_is_cited_for(g):
    page = page_data(g, focus="src:Hauser2015")
    cited = [c for c in g.claims() if "src:Hauser2015" in {s.id for s in c.sources + c.contested_by}]
    ids = {n.id for n in page.nodes}
    assert cited and {c.subject.id for c in cited} | {c.object.id for c in cited} | {"src:Hauser2015"} <= ids


def test_a_condition_highlights_its_symptoms_and_causal_chains(g):
    page = page_data(g)
    lit = set(page.highlights[B12_DEFICIENCY]["nodes"])
    assert {c.object.id for c in g.symptoms("vitamin B12 deficiency")} <= lit
    causes = {e.source for e in page.edges if e.target == B12_DEFICIENCY and e.group == "causal"}
    assert causes and causes <= lit
    assert "fb:beef" not in lit


def test_details_come_from_the_graph(g):
    page = page_data(g)
    node = next(n for n in page.nodes if n.id == FIBROMYALGIA)
    shown = g.show("fibromyalgia")
    assert node.synonyms == shown.synonyms and node.definition == shown.definition
    assert node.identifiers == shown.identifiers


def test_script_json_cannot_close_the_script_or_break_lines():
    text = script_json({"x": "</script><!-- \u2028\u2029 & <b>"})
    assert not set("<>&\u2028\u2029") & set(text)
    assert json.loads(text) == {"x": "</script><!-- \u2028\u2029 & <b>"}


def test_export_html_is_deterministic_and_self_contained(tmp_path):
    first, second = tmp_path / "a.html", tmp_path / "b.html"
    assert run_kg("export", "--format", "html", first).returncode == 0
    assert run_kg("export", "--format", "html", second).returncode == 0
    assert first.read_bytes() == second.read_bytes()
    html = first.read_text(encoding="utf-8")
    assert not re.search(r"<(script|link|img|iframe)\b[^>]*\b(src|href)=", html, re.I)
    assert not re.search(r"(cdn|jsdelivr|unpkg|cloudflare|googleapis)\.", html, re.I)
    assert "default-src 'none'" in html  # the page's own policy forbids fetching anything
    assert html.count("</script>") == 4


def test_untrusted_text_is_escaped_in_the_page(tmp_path):
    data = tmp_path / "probe.ttl"
    data.write_text(XSS_TURTLE, encoding="utf-8")
    out = tmp_path / "probe.html"
    result = run_kg("export", "--data", data, "--format", "html", out, "--title", "<i>title</i>")
    assert result.returncode == 0, result.stderr
    html = out.read_text(encoding="utf-8")
    assert XSS_LABEL not in html and "<script>alert" not in html and "<i>title</i>" not in html
    assert "&lt;i&gt;title&lt;/i&gt;" in html
    page = embedded(html, "kg-page")
    probe = next(n for n in page["nodes"] if n["id"] == "fb:xss-probe")
    assert probe["label"] == XSS_LABEL and "line\u2028separator" in probe["synonyms"]
    network = embedded(html, "kg-network")
    assert any(n["label"] == XSS_LABEL for n in network["nodes"])


@pytest.mark.parametrize("args,message", [
    (["--format", "ttl", "--focus", "fibromyalgia"], "--focus does not apply to --format ttl"),
    (["--format", "graphml", "--no-physics"], "--physics does not apply to --format graphml"),
    (["--format", "nt", "--title", "x"], "--title does not apply to --format nt"),
    (["--format", "html", "--depth", "2"], "give --focus ENTITY too"),
    (["--format", "html", "--focus", "fibromyalgia", "--shared", "fibromyalgia", "B12 deficiency"], "not both"),
    (["--format", "html", "--focus", "fibromyalgia", "--depth", "0"], "--depth must be 1 or more"),
    (["--format", "html", "--focus", "no such thing"], "no such thing"),
])
def test_bad_export_options_are_one_line_errors(tmp_path, args, message):
    out = tmp_path / "out.file"
    result = run_kg("export", out, *args)
    assert result.returncode != 0
    assert result.stderr.startswith("kg: error:") and message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not out.exists()


@pytest.mark.parametrize("focus,depth", [("fatigue", 1), ("fibromyalgia", 1), ("vitamin B12 deficiency", 2),
                                         ("paresthesia", 3)])
def test_focus_page_reads_the_same_neighbourhood_as_the_whole_graph(g, focus, depth):
    G = g.to_networkx()
    near = set(neighbourhood(G, g.resolve(focus).id, depth))
    edges = {f"{u} {key} {v}" for u, v, key in G.edges(keys=True) if u in near and v in near}
    page = page_data(g, focus=focus, depth=depth)
    assert {edge.id for edge in page.edges} == edges
    cited = {s for u, v, claim in G.edges(data="claim") if u in near and v in near
             for s in (x.id for x in claim.sources + claim.contested_by) if s in G}
    assert {node.id for node in page.nodes} == near | cited
    whole = {node.id: node for node in page_data(g).nodes}
    for node in page.nodes:  # the same details as the whole graph's page gives
        assert (node.label, node.kind, node.classes, node.definition, node.synonyms, node.identifiers,
                node.comments, node.citation) == (whole[node.id].label, whole[node.id].kind, whole[node.id].classes,
                                                  whole[node.id].definition, whole[node.id].synonyms,
                                                  whole[node.id].identifiers, whole[node.id].comments,
                                                  whole[node.id].citation)
