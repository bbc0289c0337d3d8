"""The HTML explorer without a browser: its data model, the exported file, and the export options."""

import importlib
import itertools
import json
import re

import pytest

from conftest import B12_DEFICIENCY, FIBROMYALGIA, run_kg
from kg.algorithms import neighbourhood
from kg.errors import BadExportOption
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
    ids = {n.id for n in page.nodes if not n.nearby}
    assert {i for i in ids if G.nodes[i]["kind"] != "source"} == near
    assert {s for e in page.edges if not e.nearby for s in e.sources} <= ids
    assert page.focus == "fb:vitamin-b12" and page.mode == "focus"
    shown = [n for n in page_data(g, focus="vitamin B12", depth=1).nodes if not n.nearby]
    assert len(shown) < len(ids)


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
    assert any(n["title"].startswith(XSS_LABEL) for n in network["nodes"])  # vis-network 9 shows titles as text


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
    assert {edge.id for edge in page.edges if not edge.nearby} == edges
    cited = {s for u, v, claim in G.edges(data="claim") if u in near and v in near
             for s in (x.id for x in claim.sources + claim.contested_by) if s in G}
    assert {node.id for node in page.nodes if not node.nearby} == near | cited
    whole = {node.id: node for node in page_data(g).nodes}
    for node in page.nodes:  # the same details as the whole graph's page gives
        assert (node.label, node.kind, node.classes, node.definition, node.synonyms, node.identifiers,
                node.comments, node.citation) == (whole[node.id].label, whole[node.id].kind, whole[node.id].classes,
                                                  whole[node.id].definition, whole[node.id].synonyms,
                                                  whole[node.id].identifiers, whole[node.id].comments,
                                                  whole[node.id].citation)


@pytest.mark.parametrize("focus,depth", [("fatigue", 1), ("vitamin B12", 2), ("H2 blockers", 1)])
def test_a_focused_page_carries_the_next_ring_hidden_for_expanding(g, focus, depth):
    G = g.to_networkx()
    entity = g.resolve(focus).id
    entities = G.subgraph(n for n, kind in G.nodes(data="kind") if kind != "source")
    ring = set(neighbourhood(entities, entity, depth + 1)) - set(neighbourhood(entities, entity, depth))
    page = page_data(g, focus=focus, depth=depth)
    nearby = {n.id for n in page.nodes if n.nearby and n.kind != "source"}
    assert ring and nearby == ring
    within = set(neighbourhood(entities, entity, depth + 1))
    claims = {f"{u} {key} {v}" for u, v, key in G.edges(keys=True) if u in within and v in within}
    assert {e.id for e in page.edges} == claims
    assert all(e.nearby == (e.source in ring or e.target in ring) for e in page.edges)


def test_nodes_are_sized_by_how_connected_they_are_not_by_name(g):
    from kg.export.html import _vis_data

    page = page_data(g)
    nodes, _, options = _vis_data(page)
    size = {n["id"]: n["size"] for n in nodes}
    degree = {n.id: n.degree for n in page.nodes if n.kind != "source"}
    hub = max(degree, key=degree.get)
    assert hub in (FIBROMYALGIA, B12_DEFICIENCY)
    assert size[hub] == max(size.values())
    by_degree = sorted(degree, key=degree.get)
    assert all(size[a] <= size[b] for a, b in zip(by_degree, by_degree[1:]))
    assert all("label" not in n for n in nodes)  # the page draws names itself, decluttered
    assert options["physics"]["enabled"] is False and all("x" in n and "y" in n for n in nodes if not n["id"].startswith("src:"))


@pytest.mark.parametrize("options", [{}, {"focus": "vitamin B12"}, {"shared": ("fibromyalgia", "B12 deficiency")}])
def test_the_layout_separates_nodes_and_keeps_components_together(g, options):
    from kg.export.html import _vis_data

    nodes, _, _ = _vis_data(page_data(g, **options))
    placed = [(n["x"], n["y"], n["size"]) for n in nodes if "x" in n and not n.get("hidden")]
    for (x1, y1, r1), (x2, y2, r2) in itertools.combinations(placed, 2):
        assert (x1 - x2) ** 2 + (y1 - y2) ** 2 >= (r1 + r2) ** 2  # no two shapes overlap
    xs, ys = [p[0] for p in placed], [p[1] for p in placed]
    assert max(xs) - min(xs) < 4 * (max(ys) - min(ys)) and max(ys) - min(ys) < 4 * (max(xs) - min(xs))


LINKED_SOURCES = """\
@prefix fb: <https://w3id.org/fibro-b12/kg#> .
@prefix src: <https://w3id.org/fibro-b12/source/> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .

src:Linked2020 a fb:Source ; rdfs:label "Linked 2020, a study with every kind of link" ;
    rdfs:seeAlso <https://doi.org/10.1000/xyz123>, <javascript:alert(1)>, <https://example.org/paper> ;
    fb:doi "10.1000/xyz123" ; fb:pmid "12345678", "not-a-number" ; fb:evidenceKind fb:primary-study .
fb:primary-study rdfs:label "primary study" .
fb:linked-symptom a owl:NamedIndividual, fb:Symptom ; rdfs:label "linked symptom" ;
    skos:exactMatch <http://purl.obolibrary.org/obo/HP_0012378> .
fb:fibromyalgia fb:hasSymptom fb:linked-symptom .
[] a owl:Axiom ; owl:annotatedSource fb:fibromyalgia ; owl:annotatedProperty fb:hasSymptom ;
   owl:annotatedTarget fb:linked-symptom ; fb:source src:Linked2020 ; fb:evidenceStatus fb:supported .
"""


def test_sources_carry_their_links_and_evidence_kind_and_only_web_links(tmp_path):
    data = tmp_path / "linked.ttl"
    data.write_text(LINKED_SOURCES, encoding="utf-8")
    out = tmp_path / "linked.html"
    result = run_kg("export", "--data", data, "--format", "html", out, "--focus", "linked symptom")
    assert result.returncode == 0, result.stderr
    html = out.read_text(encoding="utf-8")
    page = embedded(html, "kg-page")
    source = next(n for n in page["nodes"] if n["id"] == "src:Linked2020")
    assert source["evidence_kind"] == "primary study"
    urls = [url for _, url in source["links"]]
    assert urls == ["https://doi.org/10.1000/xyz123", "https://pubmed.ncbi.nlm.nih.gov/12345678/", "https://example.org/paper"]
    assert "javascript:" not in html.split('id="kg-page"')[1].split("</script>")[0]
    symptom = next(n for n in page["nodes"] if n["id"] == "fb:linked-symptom")
    assert symptom["identifiers"] == ["HP:0012378"] and page["identifierLinks"]["HP"].startswith("https://hpo.jax.org/")


def test_a_next_ring_too_big_to_carry_is_left_out_and_the_shown_part_is_whole(g, monkeypatch):
    html_export = importlib.import_module("kg.export.html")  # kg.export.html is also a function

    full = page_data(g, focus="vitamin B12", depth=1)
    monkeypatch.setattr(html_export, "NEARBY_LIMIT", 3)
    small = page_data(g, focus="vitamin B12", depth=1)
    assert any(n.nearby for n in full.nodes) and not any(n.nearby for n in small.nodes + small.edges)
    assert {n.id for n in small.nodes} == {n.id for n in full.nodes if not n.nearby}
    assert {e.id for e in small.edges} == {e.id for e in full.edges if not e.nearby}



@pytest.mark.parametrize("options", [{"shared": ("fibromyalgia", "B12 deficiency")},
                                     {"shared": ("pernicious anaemia", "fibromyalgia")},
                                     {"focus": "src:Hauser2015"}, {"focus": "src:article"}, {"focus": "fatigue"}])
def test_focused_and_shared_pages_read_only_what_they_show(g, monkeypatch, options):
    """The part a page shows, as the whole graph has it, read through bound queries only: never every claim
    or every entity's description (with the HPO imported, that took minutes for a page of a hundred nodes)."""
    G = g.to_networkx()
    graph_class = type(g)
    claims, select = graph_class.claims, graph_class.select

    def whole(*args, **kwargs):
        raise AssertionError("the page read the whole graph")

    def bound_claims(self, subject=None, predicate=None, object=None, **kwargs):
        assert subject is not None or object is not None, "the page asked for every claim of the store"
        return claims(self, subject, predicate, object, **kwargs)

    def bound_select(self, name, /, bounded=True, **bindings):
        assert name != "entity_descriptions", "the page read the description of every entity"
        return select(self, name, bounded, **bindings)

    monkeypatch.setattr(graph_class, "to_networkx", whole)
    monkeypatch.setattr(graph_class, "claims", bound_claims)
    monkeypatch.setattr(graph_class, "select", bound_select)
    page = page_data(g, **options)
    shown = {n.id for n in page.nodes if not n.nearby and n.kind != "source"}
    assert {e.id for e in page.edges if not e.nearby} == {f"{u} {key} {v}" for u, v, key in G.edges(keys=True)
                                                          if u in shown and v in shown}
    cited = {s.id for u, v, claim in G.edges(data="claim") if u in shown and v in shown
             for s in claim.sources + claim.contested_by}
    sources = {n.id for n in page.nodes if not n.nearby and n.kind == "source"}
    assert sources == cited | ({options["focus"]} if str(options.get("focus")).startswith("src:") else set())


def test_a_whole_graph_too_big_for_one_page_is_refused_at_once(g, monkeypatch):
    html_export = importlib.import_module("kg.export.html")
    monkeypatch.setattr(html_export, "WHOLE_GRAPH_LIMIT", 50)
    monkeypatch.setattr(type(g), "to_networkx", lambda *args, **kwargs: pytest.fail("read the whole graph"))
    with pytest.raises(BadExportOption, match=r"claims, more than one page can draw \(50\).*--focus ENTITY or --shared A B"):
        page_data(g)
    assert page_data(g, shared=("fibromyalgia", "B12 deficiency")).edges  # a part of it still exports
