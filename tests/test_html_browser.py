"""The HTML explorer in a real browser: headless Chromium driven by Playwright, clicking and typing.

Every page is opened from disk with every request recorded; a test fails if the page asks
for anything but its own file, logs a console error, or opens a dialog.
"""

import os
import random
import shutil

import pytest

from conftest import B12_DEFICIENCY, FIBROMYALGIA, run_kg
from kg.namespaces import curie
from test_html import XSS_LABEL, XSS_TURTLE, pairwise_shared

CHROMIUM = os.environ.get("KG_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium under Playwright; skipped with the reason where there is none, failed under CI."""
    reason = None
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        reason = "Playwright for Python is not installed (pip install -e '.[test]')"
    if reason is None and not (os.access(CHROMIUM, os.X_OK) or shutil.which(CHROMIUM)):
        reason = f"no Chromium at {CHROMIUM} (apt-get install chromium, or set KG_CHROMIUM)"
    if reason:
        if os.environ.get("CI") == "true":
            pytest.fail(f"browser tests cannot run under CI: {reason}")
        pytest.skip(reason)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


class Explorer:
    """An exported page open in a browser tab, recording requests, console errors and dialogs."""

    def __init__(self, browser, path):
        self.context = browser.new_context(viewport={"width": 1600, "height": 1000})
        self.page = self.context.new_page()
        self.requests, self.errors, self.dialogs = [], [], []
        self.page.on("request", lambda request: self.requests.append(request.url))
        self.page.on("console", lambda message: message.type == "error" and self.errors.append(message.text))
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.on("dialog", lambda dialog: (self.dialogs.append(dialog.message), dialog.dismiss()))
        self.page.goto(path.as_uri())
        # The page's policy forbids eval, so wait on the DOM rather than on a JS predicate.
        self.page.wait_for_selector("body[data-ready=true]", state="attached", timeout=60_000)

    def call(self, expression):
        return self.page.evaluate(f"window.kgExplorer.{expression}")

    def click_node(self, node_id):
        for _ in range(30):  # the view may still be gliding towards a node just found by search
            point = self.call(f"clientPosition({node_id!r})")
            if self.call(f"nodeAtClient({point['x']}, {point['y']})") == node_id:
                break
            self.page.wait_for_timeout(100)
        else:
            pytest.fail(f"cannot click {node_id}: another node covers it")
        self.page.mouse.click(point["x"], point["y"])

    def click_background(self):
        point = self.call("emptyPoint()")
        self.page.mouse.click(point["x"], point["y"])

    def panel(self) -> str:
        return self.page.inner_text("#details")

    def network_requests(self):
        return [url for url in self.requests if not url.startswith(("file:", "data:", "about:", "blob:"))]

    def close(self):
        self.context.close()


@pytest.fixture
def open_page(browser):
    opened = []

    def opener(path):
        explorer = Explorer(browser, path)
        opened.append(explorer)
        return explorer

    yield opener
    for explorer in opened:
        assert explorer.network_requests() == [], "the page must make no network request"
        assert explorer.errors == [], "the page logged errors"
        assert explorer.dialogs == [], "the page opened a dialog"
        explorer.close()


def export(tmp_path, name, *args):
    out = tmp_path / name
    result = run_kg("export", "--format", "html", out, *args)
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture(scope="module")
def whole_page(tmp_path_factory):
    return export(tmp_path_factory.mktemp("explorer"), "graph.html")


def test_page_shows_every_node_and_claim_and_asks_the_network_nothing(open_page, whole_page, g):
    explorer = open_page(whole_page)
    G = g.to_networkx()
    assert explorer.call("counts()") == {"nodes": G.number_of_nodes(), "edges": G.number_of_edges()}
    assert explorer.call("nodeIds()") == sorted(G)
    assert explorer.requests == [whole_page.as_uri()]
    assert explorer.call("physicsEnabled()") is True  # a small graph stays live by default


def test_shared_symptom_styling_is_on_exactly_the_shared_symptoms(open_page, whole_page, g):
    explorer = open_page(whole_page)
    assert set(explorer.call("sharedSymptoms()")) == pairwise_shared(g)
    assert "Thick purple ring" in explorer.page.inner_text("#shared-legend")


def test_clicking_fibromyalgia_highlights_its_symptoms_and_the_background_clears_it(open_page, whole_page, g):
    explorer = open_page(whole_page)
    explorer.click_node(FIBROMYALGIA)
    assert explorer.call("selected()") == FIBROMYALGIA
    lit = set(explorer.call("highlighted()"))
    symptoms = {claim.object.id for claim in g.symptoms("fibromyalgia")}
    assert symptoms <= lit
    causal = {curie(str(row.property)) for row in g.select("causal_relations")} - {"fb:hasSymptom"}
    caused = {c.object.id for c in g.claims(subject="fibromyalgia") if c.predicate.id in causal}
    assert caused and caused <= lit  # the first step of each causal chain out of it
    dimmed = set(explorer.call("dimmed()"))
    assert "fb:beef" in dimmed and not dimmed & symptoms
    assert explorer.page.inner_text("#details h2") == "fibromyalgia"
    explorer.click_background()
    assert explorer.call("selected()") is None
    assert explorer.call("highlighted()") == [] and explorer.call("dimmed()") == []


def test_details_panel_lists_every_relation_with_its_sources(open_page, whole_page, g):
    explorer = open_page(whole_page)
    explorer.click_node(B12_DEFICIENCY)
    text = explorer.panel()
    details = g.show("vitamin B12 deficiency")
    assert details.definition in text
    for synonym in details.synonyms:
        assert synonym in text
    for identifier in details.identifiers:
        assert identifier in text
    for claim in details.outgoing + details.incoming:
        for source in claim.sources:
            assert source.label in text
    assert f"relations out ({len(details.outgoing)})" in text.casefold()  # headings are styled upper-case
    assert f"relations in ({len(details.incoming)})" in text.casefold()


def test_search_finds_brain_fog_and_a_synonym(open_page, whole_page):
    explorer = open_page(whole_page)
    explorer.page.click("#search")
    explorer.page.keyboard.type("brain fog")
    assert explorer.page.inner_text("#search-results li >> nth=0").startswith("brain fog")
    explorer.page.keyboard.press("Enter")
    assert explorer.call("selected()") == "fb:brain-fog"
    assert explorer.page.inner_text("#details h2") == "brain fog"
    explorer.page.fill("#search", "")
    explorer.page.click("#search")
    explorer.page.keyboard.type("pins and needles")
    explorer.page.click("#search-results li >> nth=0")
    assert explorer.call("selected()") == "fb:paresthesia"


def test_a_class_filter_hides_its_nodes_and_their_edges(open_page, whole_page, g):
    explorer = open_page(whole_page)
    G = g.to_networkx()
    foods = {n for n, kind in G.nodes(data="kind") if kind == "food source"}
    explorer.page.uncheck('#class-filters input[data-kind="food source"]')
    visible = set(explorer.call("visibleNodes()"))
    assert visible == set(G) - foods
    kept = sorted(f"{u} {key} {v}" for u, v, key in G.edges(keys=True) if u not in foods and v not in foods)
    assert explorer.call("visibleEdges()") == kept
    explorer.page.check('#class-filters input[data-kind="food source"]')
    assert set(explorer.call("visibleNodes()")) == set(G)


def test_shared_page_marks_exactly_what_the_two_conditions_share(open_page, tmp_path, g):
    path = export(tmp_path, "shared.html", "--shared", "fibromyalgia", "B12 deficiency", "--no-physics")
    explorer = open_page(path)
    expected = sorted(item.symptom.id for item in g.shared("fibromyalgia", "B12 deficiency").shared)
    assert explorer.call("sharedSymptoms()") == expected
    assert explorer.call("physicsEnabled()") is False
    text = explorer.panel()
    assert f"shared symptoms ({len(expected)})" in text.casefold() and "only fibromyalgia" in text.casefold()


def test_focus_page_shows_the_neighbourhood(open_page, tmp_path, g):
    from kg.export.html import page_data

    path = export(tmp_path, "focus.html", "--focus", "vitamin B12", "--depth", "1", "--title", "Foods & B12")
    explorer = open_page(path)
    page = page_data(g, focus="vitamin B12", depth=1)
    assert explorer.call("counts()") == {"nodes": len(page.nodes), "edges": len(page.edges)}
    assert explorer.page.title() == "Foods & B12"


def test_xss_probe_label_runs_nothing_and_shows_as_text(open_page, tmp_path):
    data = tmp_path / "probe.ttl"
    data.write_text(XSS_TURTLE, encoding="utf-8")
    out = tmp_path / "probe.html"
    result = run_kg("export", "--data", data, "--format", "html", out)
    assert result.returncode == 0, result.stderr
    explorer = open_page(out)
    explorer.page.click("#search")
    explorer.page.keyboard.type("onerror")
    explorer.page.keyboard.press("Enter")
    assert explorer.call("selected()") == "fb:xss-probe"
    assert explorer.page.inner_text("#details h2") == XSS_LABEL
    panel = explorer.panel()
    assert "</script><script>alert(2)</script>" in panel and "<script>alert(4)</script>" in panel
    assert explorer.page.locator("img, b, #details script").count() == 0
    explorer.click_node("fb:xss-probe")
    explorer.page.mouse.move(5, 5)
    assert explorer.dialogs == []


def big_turtle(nodes=2000, claims=5000, seed=7) -> str:
    """A synthetic graph of ``nodes`` entities and ``claims`` claims, each with provenance."""
    kinds = ["Condition", "Symptom", "Mechanism", "Nutrient", "FoodSource", "DiagnosticTest", "Biomolecule"]
    relations = ["hasSymptom", "causes", "contributesTo", "providesNutrient", "mayBeMisdiagnosedAs", "requiredFor"]
    statuses = ["supported", "contested", "unsupported", "refuted"]
    rnd = random.Random(seed)
    lines = ["@prefix fb: <https://w3id.org/fibro-b12/kg#> .", "@prefix owl: <http://www.w3.org/2002/07/owl#> .",
             "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .",
             "@prefix src: <https://w3id.org/fibro-b12/source/> ."]
    lines += [f'fb:synthetic{i} a owl:NamedIndividual, fb:{kinds[i % len(kinds)]} ; rdfs:label "synthetic {i}" .'
              for i in range(nodes)]
    seen = set()
    while len(seen) < claims:
        claim = (rnd.randrange(nodes), rnd.choice(relations), rnd.randrange(nodes))
        if claim[0] == claim[2] or claim in seen:
            continue
        seen.add(claim)
        s, p, o = claim
        lines.append(f"fb:synthetic{s} fb:{p} fb:synthetic{o} .\n[] a owl:Axiom ; owl:annotatedSource fb:synthetic{s} ; "
                     f"owl:annotatedProperty fb:{p} ; owl:annotatedTarget fb:synthetic{o} ; fb:source src:article ; "
                     f"fb:evidenceStatus fb:{rnd.choice(statuses)} .")
    return "\n".join(lines) + "\n"


def test_a_graph_of_thousands_of_nodes_opens_and_is_usable(open_page, tmp_path):
    data = tmp_path / "big.ttl"
    data.write_text(big_turtle(), encoding="utf-8")
    out = tmp_path / "big.html"
    result = run_kg("export", "--data", data, "--format", "html", out)
    assert result.returncode == 0, result.stderr
    explorer = open_page(out)
    counts = explorer.call("counts()")
    assert counts["nodes"] >= 2000 and counts["edges"] >= 5000
    assert explorer.call("physicsEnabled()") is False  # laid out by class, not by a long simulation
    explorer.page.click("#search")
    explorer.page.keyboard.type("synthetic 1234")
    explorer.page.keyboard.press("Enter")
    assert explorer.call("selected()") == "fb:synthetic1234"
