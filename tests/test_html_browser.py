"""The HTML explorer in a real browser: headless Chromium driven by Playwright, clicking and typing.

Every page is opened from disk with every request recorded; a test fails if the page asks
for anything but its own file, logs a console error, or opens a dialog. One browser serves
the module and one tab per screen size is reused (reloaded for each test), so that testing
at desktop, laptop and phone sizes stays cheap.
"""

import itertools
import os
import random
import shutil
import time

import networkx as nx
import pytest

from conftest import B12_DEFICIENCY, FIBROMYALGIA, run_kg
from kg.export.html import page_data
from kg.namespaces import curie
from test_html import LINKED_SOURCES, XSS_LABEL, XSS_TURTLE, pairwise_shared

CHROMIUM = os.environ.get("KG_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
SIZES = {"desktop": (1440, 900), "laptop": (1024, 768), "phone": (390, 844)}
ALL_SIZES = pytest.mark.parametrize("size", list(SIZES))


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
    """A browser tab of one screen size, recording requests, console errors and dialogs."""

    def __init__(self, browser, size):
        width, height = SIZES[size]
        self.size = size
        self.context = browser.new_context(viewport={"width": width, "height": height}, accept_downloads=True)
        self.page = self.context.new_page()
        self.requests, self.errors, self.dialogs = [], [], []
        self.page.on("request", lambda request: self.requests.append(request.url))
        self.page.on("console", lambda message: message.type == "error" and self.errors.append(message.text))
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.on("dialog", lambda dialog: (self.dialogs.append(dialog.message), dialog.dismiss()))

    def open(self, path, fragment=""):
        """Load ``path`` afresh (a page that differs only by its fragment would not reload)."""
        self.page.goto("about:blank")
        started = time.perf_counter()
        self.page.goto(path.as_uri() + fragment)
        # The page's policy forbids eval, so wait on the DOM rather than on a JS predicate.
        self.page.wait_for_selector("body[data-ready=true]", state="attached", timeout=60_000)
        self.seconds_to_ready = time.perf_counter() - started
        return self

    def call(self, expression):
        return self.page.evaluate(f"window.kgExplorer.{expression}")

    def settle(self):
        """Wait until no camera animation runs."""
        for _ in range(50):
            if not self.call("moving()"):
                return
            self.page.wait_for_timeout(50)
        pytest.fail("the view kept moving")

    def covered(self, x, y) -> bool:
        """Whether something (the bottom sheet, a drawer) lies over the graph at this point."""
        return self.page.evaluate(f"document.elementFromPoint({x}, {y}).tagName") != "CANVAS"

    def click_node(self, node_id):
        self.settle()
        point = self.call(f"clientPosition({node_id!r})")
        if self.covered(point["x"], point["y"]) or self.call(f"nodeAtClient({point['x']}, {point['y']})") != node_id:
            self.call(f"show({node_id!r})")  # pan it into view, as a user would
            point = self.call(f"clientPosition({node_id!r})")
        assert not self.covered(point["x"], point["y"]), f"{node_id} is under a panel"
        assert self.call(f"nodeAtClient({point['x']}, {point['y']})") == node_id, f"another node covers {node_id}"
        self.page.mouse.click(point["x"], point["y"])

    def click_background(self):
        point = self.call("emptyPoint()")
        self.page.mouse.click(point["x"], point["y"])

    def search(self, text):
        self.page.fill("#search", "")
        self.page.click("#search")
        self.page.keyboard.type(text)
        return [item.get_attribute("data-id") for item in self.page.query_selector_all("#search-results li[data-id]")]

    def open_legend(self):
        if not self.page.is_visible("#class-filters"):
            self.page.click("#legend-toggle")
            self.page.wait_for_timeout(300)  # the drawer slides in for 200 ms
        self.page.wait_for_selector("#class-filters", state="visible")

    def open_shelf(self):
        """Unfold the source shelf (folded on a phone) and wait until the view has made room for it."""
        if self.page.get_attribute("#shelf-toggle", "aria-expanded") != "true":
            self.page.click("#shelf-toggle")
        self.page.wait_for_selector("#shelf-list li:not([hidden]) button.chip", state="visible")
        self.settle()

    def panel(self) -> str:
        return self.page.inner_text("#details")

    def network_requests(self):
        return [url for url in self.requests if not url.startswith(("file:", "data:", "about:", "blob:"))]


@pytest.fixture(scope="module")
def tabs(browser):
    opened = {}
    yield lambda size: opened.setdefault(size, Explorer(browser, size))
    for explorer in opened.values():
        explorer.context.close()


@pytest.fixture
def tab(tabs):
    """The tab of a screen size, checked after the test: no request, no error, no dialog."""
    used = []

    def get(size="desktop"):
        explorer = tabs(size)
        explorer.requests.clear(), explorer.errors.clear(), explorer.dialogs.clear()
        used.append(explorer)
        return explorer

    yield get
    for explorer in used:
        assert explorer.network_requests() == [], "the page must make no network request"
        assert explorer.errors == [], "the page logged errors"
        assert explorer.dialogs == [], "the page opened a dialog"


def export(folder, name, *args):
    out = folder / name
    result = run_kg("export", "--format", "html", out, *args)
    assert result.returncode == 0, result.stderr
    return out


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


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    """Every kind of page, exported once through the real `kg export`."""
    folder = tmp_path_factory.mktemp("explorer")
    big = folder / "big.ttl"
    big.write_text(big_turtle(), encoding="utf-8")
    linked = folder / "linked.ttl"
    linked.write_text(LINKED_SOURCES, encoding="utf-8")
    return {
        "whole": export(folder, "graph.html"),
        "focus": export(folder, "focus.html", "--focus", "vitamin B12", "--depth", "1", "--title", "Foods & B12"),
        "shared": export(folder, "shared.html", "--shared", "fibromyalgia", "B12 deficiency"),
        "big": export(folder, "big.html", "--data", big),
        "linked": export(folder, "linked.html", "--data", linked, "--focus", "fibromyalgia"),
    }


# ---------------------------------------------------------------------------- every screen

@ALL_SIZES
def test_the_graph_gets_most_of_the_screen_and_nothing_scrolls_sideways(tab, pages, size):
    explorer = tab(size).open(pages["whole"])
    page = explorer.page
    width, height = SIZES[size]
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert page.evaluate("document.body.scrollWidth") <= width
    graph = page.locator("#graph").bounding_box()
    share = graph["width"] * graph["height"] / (width * height)
    assert share >= (0.6 if size == "phone" else 0.5), f"the graph gets {share:.0%} of the screen"
    if size == "phone":
        assert graph["width"] == width
    for control in ("#fit", "#clear", "#png", "#search", "#legend-toggle"):
        box = page.locator(control).bounding_box()
        assert box and 0 <= box["x"] and box["x"] + box["width"] <= width and 0 <= box["y"] and box["y"] + box["height"] <= height, control
        assert page.is_visible(control)
    assert page.is_visible("#disclaimer") and "Not medical advice" in page.inner_text("#disclaimer")


@pytest.mark.parametrize("size", ["laptop", "phone"])
def test_on_narrower_screens_the_legend_is_a_drawer(tab, pages, size):
    explorer = tab(size).open(pages["whole"])
    page = explorer.page
    assert not page.is_visible("#class-filters")
    page.click("#legend-toggle")
    page.wait_for_selector("#class-filters", state="visible")
    page.wait_for_timeout(300)  # the drawer slides in for 200 ms
    box = page.locator("#legend").bounding_box()
    assert box["x"] >= -1 and box["x"] + box["width"] <= SIZES[size][0]
    page.click('#class-filters button[data-kind="food source"]')
    assert "fb:beef" not in explorer.call("visibleNodes()")
    page.click("#legend-close")
    page.wait_for_selector("#class-filters", state="hidden")
    assert page.evaluate("document.documentElement.scrollWidth") <= SIZES[size][0]


def test_on_a_phone_the_details_are_a_bottom_sheet_over_the_graph(tab, pages):
    explorer = tab("phone").open(pages["whole"])
    page = explorer.page
    graph = page.locator("#graph").bounding_box()
    closed = page.locator("#details").bounding_box()
    assert closed["height"] < 80 and abs(closed["y"] + closed["height"] - (graph["y"] + graph["height"])) < 2
    explorer.search("brain fog")
    page.keyboard.press("Enter")
    explorer.settle()
    sheet = page.locator("#details").bounding_box()
    assert sheet["height"] > 200 and sheet["y"] > graph["y"] + graph["height"] * 0.35  # the graph stays in view above
    assert page.inner_text("#details h2") == "brain fog"
    point = explorer.call("clientPosition('fb:brain-fog')")
    assert graph["y"] < point["y"] < sheet["y"]  # centred in what the sheet leaves free
    page.click("#sheet-handle")
    assert page.locator("#details").bounding_box()["height"] < 80


# ---------------------------------------------------------------------------- still

@pytest.mark.parametrize("kind", ["whole", "focus", "shared", "big"])
def test_every_page_comes_to_rest_at_once_and_stays_put(tab, pages, kind):
    explorer = tab("desktop").open(pages[kind])
    print(f"{kind}: ready in {explorer.seconds_to_ready:.2f} s")  # the bar is 5 s; measured, not asserted
    assert explorer.call("physicsEnabled()") is False
    assert explorer.page.get_attribute("body", "data-resting") == "true"
    before = (explorer.call("positions()"), explorer.call("scale()"))
    explorer.page.wait_for_timeout(1500)
    assert (explorer.call("positions()"), explorer.call("scale()")) == before


@ALL_SIZES
def test_a_dragged_node_stays_where_it_is_dropped(tab, pages, size):
    explorer = tab(size).open(pages["whole"])
    explorer.call("show('fb:fatigue')")
    start = explorer.call("clientPosition('fb:fatigue')")
    others = {k: v for k, v in explorer.call("positions()").items() if k != "fb:fatigue"}
    mouse = explorer.page.mouse
    mouse.move(start["x"], start["y"])
    mouse.down()
    for step in range(1, 11):
        mouse.move(start["x"] + 6 * step, start["y"] - 4 * step)
    mouse.up()
    dropped = explorer.call("clientPosition('fb:fatigue')")
    assert abs(dropped["x"] - start["x"] - 60) < 3 and abs(dropped["y"] - start["y"] + 40) < 3
    explorer.page.wait_for_timeout(1000)
    assert explorer.call("clientPosition('fb:fatigue')") == dropped
    assert {k: v for k, v in explorer.call("positions()").items() if k != "fb:fatigue"} == others


def assert_centred(explorer, node_id):
    explorer.settle()
    point = explorer.call(f"clientPosition({node_id!r})")
    graph = explorer.page.locator("#graph").bounding_box()
    sheet = explorer.page.locator("#details").bounding_box()
    bottom = graph["y"] + graph["height"]
    if explorer.size == "phone":  # the sheet lies over the graph: centre in what it leaves
        bottom = min(bottom, sheet["y"])
    if explorer.page.is_visible("#shelf"):  # and so does the source shelf
        bottom = min(bottom, explorer.page.locator("#shelf").bounding_box()["y"] - 6)
    centre = (graph["x"] + graph["width"] / 2, (graph["y"] + bottom) / 2)
    assert abs(point["x"] - centre[0]) < 2 and abs(point["y"] - centre[1]) < 2, (node_id, point, centre)


@ALL_SIZES
def test_search_and_panel_links_centre_and_zoom_on_their_target_every_time(tab, pages, size):
    explorer = tab(size).open(pages["whole"])
    fit = explorer.call("scale()")
    for name, node_id in [("brain fog", "fb:brain-fog"), ("cheese", "fb:cheese"), ("brain fog", "fb:brain-fog")]:
        explorer.search(name)
        explorer.page.keyboard.press("Enter")
        assert explorer.call("selected()") == node_id
        assert_centred(explorer, node_id)
        assert explorer.call("scale()") > fit
    explorer.page.click("#details li.relation button.link >> nth=0")  # a name in the panel
    target = explorer.call("selected()")
    assert target not in (None, "fb:brain-fog")
    assert_centred(explorer, target)
    explorer.page.click("#fit")
    explorer.settle()
    explorer.page.click("#details li.relation button.link >> nth=0")
    assert_centred(explorer, explorer.call("selected()"))


# ---------------------------------------------------------------------------- legible

def assert_labels_apart(explorer):
    labels = explorer.call("labels()")
    assert labels
    for a, b in itertools.combinations(labels, 2):
        apart = a["x"] + a["w"] <= b["x"] or b["x"] + b["w"] <= a["x"] or a["y"] + a["h"] <= b["y"] or b["y"] + b["h"] <= a["y"]
        assert apart, f"the names of {a['id']} and {b['id']} overlap"
    graph = explorer.page.locator("#graph").bounding_box()
    bar = explorer.page.locator("#toolbar").bounding_box()
    for a in labels:  # nor under the floating Fit/Clear/PNG buttons
        assert a["x"] + a["w"] <= bar["x"] or bar["x"] + bar["width"] <= a["x"] or a["y"] + a["h"] <= bar["y"] or bar["y"] + bar["height"] <= a["y"]
    if explorer.page.is_visible("#shelf"):  # nor under the source shelf
        shelf_top = explorer.page.locator("#shelf").bounding_box()["y"]
        assert all(a["y"] + a["h"] <= shelf_top for a in labels), "a name lies under the source shelf"
    measure = ("(args) => { const c = document.createElement('canvas').getContext('2d'); c.font = args[0];"
               " return Math.max(...args[1].map((t) => c.measureText(t).width)); }")
    scale = explorer.call("scale()")
    for box in labels[:60]:
        node = explorer.call(f"clientPosition({box['id']!r})")  # where vis-network draws the node
        centre = (box["x"] + box["w"] / 2, box["y"] + box["h"] / 2)
        assert abs(centre[0] - node["x"]) < 1.5 or abs(centre[1] - node["y"]) < 1.5  # below, above or beside it
        assert not (box["x"] < node["x"] < box["x"] + box["w"] and box["y"] < node["y"] < box["y"] + box["h"])
        gap = max(box["x"] - node["x"], node["x"] - box["x"] - box["w"], box["y"] - node["y"], node["y"] - box["y"] - box["h"])
        assert 0 < gap <= 44 * scale + 6  # next to its shape (at most 44 units across), not elsewhere
        assert graph["x"] <= box["x"] and box["x"] + box["w"] <= graph["x"] + graph["width"]
        font, lines = explorer.call(f"labelFont({box['id']!r})"), explorer.call(f"labelText({box['id']!r})")
        assert box["w"] >= explorer.page.evaluate(measure, [font, lines])
    return {box["id"] for box in labels}


@pytest.mark.parametrize("kind", ["whole", "shared", "big"])
@ALL_SIZES
def test_no_two_names_overlap_at_the_first_fit(tab, pages, kind, size):
    explorer = tab(size).open(pages[kind])
    named = assert_labels_apart(explorer)
    if kind != "big":
        assert {FIBROMYALGIA, B12_DEFICIENCY} <= named  # the hubs are named first


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_zooming_in_names_more(tab, pages, size):
    explorer = tab(size).open(pages["whole"])
    graph = explorer.page.locator("#graph").bounding_box()
    before = assert_labels_apart(explorer)
    hub = explorer.call(f"clientPosition({FIBROMYALGIA!r})")
    explorer.page.mouse.move(hub["x"], hub["y"])
    for _ in range(6):
        explorer.page.mouse.wheel(0, -200)
        explorer.page.wait_for_timeout(60)
    after = assert_labels_apart(explorer)
    # The source shelf covers the foot of the graph (most of a phone's lower third): labels there are not shown.
    shelf = explorer.page.locator("#shelf").bounding_box()
    bottom = min(graph["y"] + graph["height"] - 90, shelf["y"] - 30 if shelf else float("inf"))
    inside = []
    for node_id in explorer.call("visibleNodes()"):
        p = explorer.call(f"clientPosition({node_id!r})")
        if graph["x"] + 60 < p["x"] < graph["x"] + graph["width"] - 60 and graph["y"] + 30 < p["y"] < bottom:
            inside.append(node_id)
    assert after - before and len(after & set(inside)) > len(before & set(inside))


# What the shelf shows of each source: its box, its rendered font size, whether its text is cut
# and whether it is the element under its own centre (not scrolled away, not under a panel).
SHELF_CHIPS = """() => [...document.querySelectorAll('#shelf button.chip')].filter((c) => c.offsetParent).map((c) => {
  const r = c.getBoundingClientRect(), name = c.querySelector('.name');
  const top = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
  return { id: c.dataset.id, text: name.textContent, title: c.title, x: r.x, y: r.y, w: r.width, h: r.height,
           font: parseFloat(getComputedStyle(name).fontSize), cut: name.scrollWidth > name.clientWidth + 0.5,
           inView: c.contains(top), faded: parseFloat(getComputedStyle(c).opacity) < 0.9,
           lit: c.classList.contains('lit'), pressed: c.getAttribute('aria-pressed') === 'true' };
})"""
PAGE_SOURCES = ("JSON.parse(document.getElementById('kg-page').textContent).nodes"
                ".filter((n) => n.kind === 'source' && !n.nearby).map((n) => n.id).sort()")


@pytest.mark.parametrize("kind", ["whole", "focus", "shared"])
@ALL_SIZES
def test_every_source_on_the_shelf_can_be_read_at_the_first_fit(tab, pages, g, kind, size):
    explorer = tab(size).open(pages[kind])
    page = explorer.page
    width, height = SIZES[size]
    if size == "phone":  # a phone's shelf starts folded to one line: unfolded, the same holds
        explorer.open_shelf()
    expected = page.evaluate(PAGE_SOURCES)
    if kind == "whole":
        G = g.to_networkx()
        assert expected == sorted(n for n, k in G.nodes(data="kind") if k == "source")
    assert expected
    chips = page.evaluate(SHELF_CHIPS)
    assert sorted(c["id"] for c in chips) == expected  # every source, once
    texts = [c["text"] for c in chips]
    assert len(set(texts)) == len(texts), "two sources look alike on the shelf"
    graph = page.locator("#graph").bounding_box()
    for c in chips:
        assert c["font"] >= 11 and c["h"] >= 11, f"{c['id']} is set in {c['font']} px"
        assert not c["cut"], f"the name of {c['id']} is cut off"
        assert c["inView"], f"{c['id']} is scrolled away or under a panel"
        assert graph["x"] <= c["x"] and c["x"] + c["w"] <= graph["x"] + graph["width"] and c["y"] + c["h"] <= height
        assert c["title"] == g.resolve(c["id"]).label  # the whole name on hover
        assert c["text"].rstrip("…") in c["title"]
    for a, b in itertools.combinations(chips, 2):
        apart = a["x"] + a["w"] <= b["x"] or b["x"] + b["w"] <= a["x"] or a["y"] + a["h"] <= b["y"] or b["y"] + b["h"] <= a["y"]
        assert apart, f"{a['id']} and {b['id']} overlap on the shelf"
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    shelf = page.locator("#shelf").bounding_box()
    kinds = dict(page.evaluate("JSON.parse(document.getElementById('kg-page').textContent).nodes.map((n) => [n.id, n.kind])"))
    for node_id in explorer.call("visibleNodes()"):  # the fit keeps the graph clear of the shelf
        if kinds[node_id] != "source":
            assert explorer.call(f"clientPosition({node_id!r})")["y"] < shelf["y"], f"{node_id} lies under the shelf"
    assert_labels_apart(explorer)


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_a_source_on_the_shelf_shows_what_it_supports(tab, pages, g, size):
    explorer = tab(size).open(pages["whole"])
    page = explorer.page
    explorer.open_shelf()
    page.click('#shelf button.chip[data-id="src:Hauser2015"]')
    assert explorer.call("selected()") == "src:Hauser2015"
    assert page.inner_text("#details h2") == g.resolve("src:Hauser2015").label
    cited = [c for c in g.claims() if "src:Hauser2015" in {s.id for s in c.sources + c.contested_by}]
    ends = {end.id for c in cited for end in (c.subject, c.object)}
    assert cited and ends <= set(explorer.call("highlighted()"))
    explorer.settle()
    graph = page.locator("#graph").bounding_box()
    bottom = min(page.locator("#shelf").bounding_box()["y"], page.locator("#details").bounding_box()["y"]
                 if size == "phone" else graph["y"] + graph["height"])
    for end in ends:  # what it supports is in view, clear of the shelf and the sheet
        point = explorer.call(f"clientPosition({end!r})")
        assert graph["x"] <= point["x"] <= graph["x"] + graph["width"] and graph["y"] <= point["y"] <= bottom, end
    chips = {c["id"]: c for c in page.evaluate(SHELF_CHIPS.replace(".filter((c) => c.offsetParent)", ""))}
    assert chips["src:Hauser2015"]["pressed"] and chips["src:Hauser2015"]["lit"]
    behind = {s.id for c in cited for s in c.sources + c.contested_by}  # the others behind the same claims stay lit
    assert {i for i, c in chips.items() if c["lit"]} == behind
    assert all(c["faded"] for i, c in chips.items() if i not in behind)
    explorer.click_background()
    chips = page.evaluate(SHELF_CHIPS)
    assert not any(c["lit"] or c["faded"] or c["pressed"] for c in chips)
    explorer.open_legend()
    page.click('#class-filters button[data-kind="source"]')  # hiding the class hides the shelf
    assert not page.is_visible("#shelf")


@ALL_SIZES
def test_the_source_shelf_folds_to_one_line_and_the_address_keeps_it(tab, pages, size):
    explorer = tab(size).open(pages["whole"])
    page = explorer.page
    graph = page.locator("#graph").bounding_box()
    folded_by_default = size == "phone"  # open, a phone's shelf took about 40% of the graph
    assert page.get_attribute("#shelf-toggle", "aria-expanded") == ("false" if folded_by_default else "true")
    assert page.evaluate("location.hash") == ""  # the default is not written down
    chips = "#shelf-list li:not([hidden]) button.chip >> nth=0"

    def check(folded):
        explorer.settle()
        shelf = page.locator("#shelf").bounding_box()
        if folded:
            assert shelf["height"] <= 40, f"the folded shelf is {shelf['height']} px high"
            assert not page.is_visible(chips)
            count = page.inner_text("#shelf-count")
            assert count.isdigit() and int(count) == len(page.evaluate(PAGE_SOURCES))  # says how many it holds
        else:
            assert page.is_visible(chips) and page.evaluate(SHELF_CHIPS)  # open: the names, readable
        ys = [explorer.call(f"clientPosition({node_id!r})")["y"] for node_id in explorer.call("visibleNodes()")
              if not node_id.startswith("src:")]
        assert max(ys) < shelf["y"], "a node lies under the shelf"  # the view makes room for it either way
        return (max(ys) - min(ys)) / graph["height"]

    spread = {folded_by_default: check(folded_by_default)}
    page.click("#shelf-toggle")
    spread[not folded_by_default] = check(not folded_by_default)
    assert spread[True] > spread[False]  # folding it gives the graph more of the screen
    if size == "phone":
        assert spread[True] > 0.5, f"the graph spans {spread[True]:.0%} of the phone's graph area"
    fragment = page.evaluate("location.hash")
    assert fragment == ("#shelf=open" if folded_by_default else "#shelf=closed")
    explorer.open(pages["whole"], fragment)  # a copied address reopens it as it was
    assert page.get_attribute("#shelf-toggle", "aria-expanded") == ("true" if folded_by_default else "false")
    check(not folded_by_default)
    explorer.search("fatigue")
    page.keyboard.press("Enter")
    assert "behind what is lit" in page.inner_text("#shelf-count")  # folded or not, it says what backs the selection
    assert "sel=fb%3Afatigue" in page.evaluate("location.hash") and "shelf=" in page.evaluate("location.hash")


@pytest.mark.parametrize("kind", ["whole", "focus", "shared"])
@ALL_SIZES
def test_no_node_lies_under_the_toolbar_at_the_first_fit(tab, pages, kind, size):
    explorer = tab(size).open(pages[kind])
    bar = explorer.page.locator("#toolbar").bounding_box()
    for node_id in explorer.call("visibleNodes()"):
        if node_id.startswith("src:"):
            continue
        point = explorer.call(f"clientPosition({node_id!r})")
        assert not (bar["x"] - 6 <= point["x"] <= bar["x"] + bar["width"] + 6 and point["y"] <= bar["y"] + bar["height"] + 6), \
            f"{node_id} lies under the Fit / Clear / PNG buttons"


# ---------------------------------------------------------------------------- forgiving search

@pytest.mark.parametrize("typed,first", [
    ("fibromylagia", FIBROMYALGIA),  # two letters swapped
    ("fatige", "fb:fatigue"),  # one missing
    ("paresthesa", "fb:paresthesia"),
    ("megaloblastic anemia", "fb:megaloblastic-anaemia"),  # American spelling
    ("vit b12", "fb:vitamin-b12"),  # an abbreviation
    ("vit. b-12 defic", B12_DEFICIENCY),
    ("B-12 deficiency", B12_DEFICIENCY),  # punctuation and spacing
    ("pins and needles", "fb:paresthesia"),  # a synonym
    ("FM", FIBROMYALGIA),
    ("brain fo", "fb:brain-fog"),  # still typing
])
def test_search_forgives_typos_spelling_and_punctuation(tab, pages, typed, first):
    explorer = tab("desktop").open(pages["whole"])
    found = explorer.search(typed)
    assert found and found[0] == first, found


def test_search_puts_entities_before_sources_and_says_how_many_more(tab, pages, g):
    explorer = tab("desktop").open(pages["whole"])
    explorer.search("B12")
    if explorer.page.locator("#search-results li.more").count():
        explorer.page.click("#search-results li.more")  # the whole list
    found = [item.get_attribute("data-id") for item in explorer.page.query_selector_all("#search-results li[data-id]")]
    kinds = [g.resolve(i).kind for i in found]
    assert "source" in kinds and kinds.index("source") > 0
    assert kinds == sorted(kinds, key=lambda k: k == "source")  # every entity before every document
    found = explorer.search("s")
    more = explorer.page.locator("#search-results li.more")
    assert len(found) == 12 and more.count() == 1
    extra = int(more.inner_text().split()[0])
    explorer.page.keyboard.press("End")
    for _ in range(12):
        explorer.page.keyboard.press("ArrowDown")
    explorer.page.keyboard.press("Enter")  # the "more" line, reached by keyboard
    assert explorer.page.locator("#search-results li[data-id]").count() == 12 + extra


def test_a_graph_of_thousands_of_nodes_opens_and_is_usable(tab, pages):
    explorer = tab("desktop").open(pages["big"])
    counts = explorer.call("counts()")
    assert counts["nodes"] >= 2000 and counts["edges"] >= 5000
    explorer.click_node("fb:synthetic1")
    assert explorer.call("selected()") == "fb:synthetic1"
    explorer.search("synthetic 1234")
    explorer.page.keyboard.press("Enter")
    assert explorer.call("selected()") == "fb:synthetic1234"
    assert_centred(explorer, "fb:synthetic1234")
    assert explorer.search("synthetc 1234")[0] == "fb:synthetic1234"  # numbers must match, words may be misspelt


def test_nodes_are_reachable_from_the_keyboard(tab, pages):
    explorer = tab("desktop").open(pages["whole"])
    page = explorer.page
    page.locator("body").press("/")
    assert page.evaluate("document.activeElement.id") == "search"
    page.keyboard.press("ArrowDown")  # with nothing typed: the most connected entities
    options = page.query_selector_all("#search-results li[data-id]")
    assert options[0].get_attribute("data-id") in (FIBROMYALGIA, B12_DEFICIENCY)
    page.keyboard.press("ArrowDown")
    chosen = page.get_attribute("#search-results li[aria-selected=true]", "data-id")
    assert page.get_attribute("#search", "aria-activedescendant") == page.get_attribute("#search-results li[aria-selected=true]", "id")
    page.keyboard.press("Enter")
    assert explorer.call("selected()") == chosen
    page.locator("#details button.link >> nth=0").focus()
    page.keyboard.press("Enter")
    assert explorer.call("selected()") != chosen


# ---------------------------------------------------------------------------- more ways in

@ALL_SIZES
def test_the_legend_filters_by_evidence_and_relation_in_one_click(tab, pages, size):
    explorer = tab(size).open(pages["whole"])
    page = explorer.page
    data = page_data_cache("whole")
    explorer.open_legend()
    page.click('#status-legend button[data-status="unsupported"]')
    assert page.get_attribute('#status-legend button[data-status="unsupported"]', "aria-pressed") == "false"
    assert explorer.call("visibleEdges()") == sorted(e.id for e in data.edges if e.status != "unsupported")
    page.click('#edge-legend button[data-group="food"]')
    assert explorer.call("visibleEdges()") == sorted(e.id for e in data.edges if e.status != "unsupported" and e.group != "food")
    assert "status=unsupported" in explorer.page.url and "rel=food" in explorer.page.url
    page.click('#status-legend button[data-status="unsupported"]')
    page.click('#edge-legend button[data-group="food"]')
    assert explorer.call("visibleEdges()") == sorted(e.id for e in data.edges)


_PAGE_DATA = {}


def page_data_cache(kind):
    from kg import KnowledgeGraph

    if kind not in _PAGE_DATA:
        g = KnowledgeGraph.load(env="")
        _PAGE_DATA[kind] = {"whole": lambda: page_data(g), "focus": lambda: page_data(g, focus="vitamin B12", depth=1)}[kind]()
    return _PAGE_DATA[kind]


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_a_copied_address_reopens_the_same_view(tab, tabs, pages, size):
    explorer = tab(size).open(pages["whole"])
    explorer.open_legend()
    explorer.page.click('#class-filters button[data-kind="food source"]')
    explorer.page.click('#status-legend button[data-status="refuted"]')
    if size == "phone":
        explorer.page.click("#legend-close")
    explorer.search("brain fog")
    explorer.page.keyboard.press("Enter")
    address = explorer.page.url
    assert "sel=fb%3Abrain-fog" in address and "hide=food%20source" in address
    view = (explorer.call("visibleNodes()"), explorer.call("visibleEdges()"), explorer.call("highlighted()"))
    other = tab("laptop")  # another tab, another size
    other.page.goto("about:blank")
    other.page.goto(address)
    other.page.wait_for_selector("body[data-ready=true]", state="attached")
    assert other.call("selected()") == "fb:brain-fog"
    assert (other.call("visibleNodes()"), other.call("visibleEdges()"), other.call("highlighted()")) == view
    assert other.page.inner_text("#details h2") == "brain fog"
    assert_centred(other, "fb:brain-fog")
    junk = pages["whole"].as_uri() + "#sel=%3Cimg%20src%3Dx%3E&hide=nothing,%zz&open=fb:fatigue"
    other.page.goto("about:blank")
    other.page.goto(junk)  # ids not on the page are ignored, nothing breaks
    other.page.wait_for_selector("body[data-ready=true]", state="attached")
    assert other.call("selected()") is None and other.call("visibleNodes()") == other.call("nodeIds()")


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_expanding_a_node_of_a_focused_page_brings_in_its_neighbours_in_place(tab, pages, size):
    data = page_data_cache("focus")
    nearby = {n.id for n in data.nodes if n.nearby}
    explorer = tab(size).open(pages["focus"])
    assert explorer.page.title() == "Foods & B12"
    shown = explorer.call("visibleNodes()")
    assert shown == sorted(n.id for n in data.nodes if not n.nearby)
    before = explorer.call("positions()")
    explorer.search("vitamin B12 deficiency")
    explorer.page.keyboard.press("Enter")
    neighbours = {e.source if e.target == B12_DEFICIENCY else e.target for e in data.edges
                  if B12_DEFICIENCY in (e.source, e.target)} & nearby
    button = explorer.page.locator("#details button.expand")
    assert button.inner_text() == f"Show {len(neighbours)} more neighbours"
    button.click()
    now = set(explorer.call("visibleNodes()"))
    assert neighbours <= now and not (now - set(shown) - neighbours - nearby)
    after = explorer.call("positions()")
    drawn = [n.id for n in data.nodes if n.id in shown and n.kind != "source"]  # sources are on the shelf
    assert drawn and {k: after[k] for k in drawn} == {k: before[k] for k in drawn}  # nothing already there moves
    address = explorer.page.url
    assert "open=" in address
    explorer.page.goto("about:blank")
    explorer.page.goto(address)  # the link brings the same neighbours in
    explorer.page.wait_for_selector("body[data-ready=true]", state="attached")
    assert set(explorer.call("visibleNodes()")) == now


@ALL_SIZES
def test_picking_two_nodes_lights_the_chains_between_them(tab, pages, size):
    data = page_data_cache("whole")
    H = nx.MultiGraph()
    H.add_edges_from((e.source, e.target, e.id) for e in data.edges)
    expected = {tuple(p) for p in nx.all_shortest_paths(H, FIBROMYALGIA, "fb:vitamin-b12")}
    explorer = tab(size).open(pages["whole"])
    explorer.search("fibromyalgia")
    explorer.page.keyboard.press("Enter")
    explorer.page.click("#details button.chains")
    explorer.search("vitamin B12")
    explorer.page.keyboard.press("Enter")
    assert explorer.call("pair()") == [FIBROMYALGIA, "fb:vitamin-b12"]
    chains = explorer.call("chains()")
    walked = set()
    for chain in chains:
        here, nodes = FIBROMYALGIA, [FIBROMYALGIA]
        for edge_id in chain:
            edge = next(e for e in data.edges if e.id == edge_id)
            here = edge.target if edge.source == here else edge.source
            nodes.append(here)
        walked.add(tuple(nodes))
    assert walked == expected
    lit = set(explorer.call("highlighted()"))
    assert {n for path in expected for n in path} <= lit
    assert set(explorer.call("highlightedEdges()")) == {e for chain in chains for e in chain}
    assert f"{len(chains)} shortest chain" in explorer.panel()
    if size == "desktop":  # shift-click picks a second node too
        explorer.click_background()
        explorer.click_node(B12_DEFICIENCY)
        explorer.page.keyboard.down("Shift")
        explorer.click_node("fb:fatigue")
        explorer.page.keyboard.up("Shift")
        assert explorer.call("pair()") == [B12_DEFICIENCY, "fb:fatigue"]
        assert explorer.call("chains()") == [[f"{B12_DEFICIENCY} fb:hasSymptom fb:fatigue"]]
    assert "pair=" in explorer.page.url


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_the_view_saves_as_a_png_without_a_request(tab, pages, size):
    explorer = tab(size).open(pages["whole"])
    with explorer.page.expect_download() as download:
        explorer.page.click("#png")
    image = open(download.value.path(), "rb").read()
    assert image[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(image[16:20], "big"), int.from_bytes(image[20:24], "big")
    canvas = explorer.page.evaluate("[document.querySelector('#graph canvas').width, document.querySelector('#graph canvas').height]")
    assert [width, height] == canvas
    assert download.value.suggested_filename.endswith(".png")


def test_sources_and_identifiers_are_links_that_open_only_when_clicked(tab, pages):
    explorer = tab("desktop").open(pages["linked"])
    explorer.search("Linked 2020")
    explorer.page.keyboard.press("Enter")
    links = explorer.page.eval_on_selector_all(
        "#details a.out", "(links) => links.map((a) => [a.href, a.target, a.rel])")
    hrefs = [href for href, _, _ in links]
    assert "https://doi.org/10.1000/xyz123" in hrefs and "https://pubmed.ncbi.nlm.nih.gov/12345678/" in hrefs
    assert all(target == "_blank" and "noopener" in rel for _, target, rel in links)
    assert not any(href.startswith("javascript") for href in hrefs)
    assert "primary study" in explorer.panel()
    explorer.search("linked symptom")
    explorer.page.keyboard.press("Enter")
    assert explorer.page.get_attribute("#details a.out:text('HP:0012378')", "href") == "https://hpo.jax.org/browse/term/HP:0012378"
    assert explorer.page.locator("#details .sources a.out").count() >= 1  # the claim's source, with its link
    explorer.open(pages["whole"])
    explorer.search("pernicious anaemia")
    explorer.page.keyboard.press("Enter")
    assert explorer.page.get_attribute("#details a.out:text('OMIM:170900')", "href") == "https://omim.org/entry/170900"
    assert explorer.requests[-1] == pages["whole"].as_uri() or explorer.network_requests() == []


def test_the_only_lists_of_a_shared_page_show_evidence_status(tab, pages, g):
    explorer = tab("desktop").open(pages["shared"])
    answer = g.shared("fibromyalgia", "B12 deficiency")
    items = explorer.page.eval_on_selector_all(
        "#details h3 + ul.entities", "(lists) => lists.map((ul) => [...ul.children].map((li) => li.innerText))")
    shared, only_first, only_second = items[:3]
    assert len(shared) == len(answer.shared) and all(len(text.split()) >= 3 for text in shared)
    for texts, condition in ((only_first, FIBROMYALGIA), (only_second, B12_DEFICIENCY)):
        claims = answer.unique[condition]
        assert sorted(texts) == sorted(f"{c.object.label} {c.status}" for c in claims)


# ---------------------------------------------------------------------------- what the page always did

def test_page_shows_every_node_and_claim_and_asks_the_network_nothing(tab, pages, g):
    explorer = tab("desktop").open(pages["whole"])
    G = g.to_networkx()
    assert explorer.call("counts()") == {"nodes": G.number_of_nodes(), "edges": G.number_of_edges()}
    assert explorer.call("nodeIds()") == sorted(G)
    assert [url for url in explorer.requests if url != "about:blank"] == [pages["whole"].as_uri()]


def test_shared_symptom_styling_is_on_exactly_the_shared_symptoms(tab, pages, g):
    explorer = tab("desktop").open(pages["whole"])
    assert set(explorer.call("sharedSymptoms()")) == pairwise_shared(g)
    assert "Thick purple ring" in explorer.page.inner_text("#shared-legend")


@ALL_SIZES
def test_clicking_fibromyalgia_highlights_its_symptoms_and_the_background_clears_it(tab, pages, g, size):
    explorer = tab(size).open(pages["whole"])
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
    named = {box["id"] for box in explorer.call("labels()")}
    assert FIBROMYALGIA in named and not named & dimmed  # faded nodes give their room to lit ones
    explorer.click_background()
    assert explorer.call("selected()") is None
    assert explorer.call("highlighted()") == [] and explorer.call("dimmed()") == []


def test_details_panel_lists_every_relation_with_its_sources(tab, pages, g):
    explorer = tab("desktop").open(pages["whole"])
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


def test_a_class_filter_hides_its_nodes_and_their_edges(tab, pages, g):
    explorer = tab("desktop").open(pages["whole"])
    G = g.to_networkx()
    foods = {n for n, kind in G.nodes(data="kind") if kind == "food source"}
    explorer.page.click('#class-filters button[data-kind="food source"]')
    assert set(explorer.call("visibleNodes()")) == set(G) - foods
    kept = sorted(f"{u} {key} {v}" for u, v, key in G.edges(keys=True) if u not in foods and v not in foods)
    assert explorer.call("visibleEdges()") == kept
    explorer.search("beef")  # searching for a hidden entity shows its class again
    explorer.page.keyboard.press("Enter")
    assert set(explorer.call("visibleNodes()")) == set(G)


def test_shared_page_marks_exactly_what_the_two_conditions_share(tab, pages, g):
    explorer = tab("desktop").open(pages["shared"])
    expected = sorted(item.symptom.id for item in g.shared("fibromyalgia", "B12 deficiency").shared)
    assert explorer.call("sharedSymptoms()") == expected
    text = explorer.panel()
    assert f"shared symptoms ({len(expected)})" in text.casefold() and "only fibromyalgia" in text.casefold()


def test_xss_probe_label_runs_nothing_and_shows_as_text(tab, tmp_path):
    data = tmp_path / "probe.ttl"
    data.write_text(XSS_TURTLE, encoding="utf-8")
    out = tmp_path / "probe.html"
    result = run_kg("export", "--data", data, "--format", "html", out)
    assert result.returncode == 0, result.stderr
    explorer = tab("desktop").open(out)
    explorer.search("onerror")
    explorer.page.keyboard.press("Enter")
    assert explorer.call("selected()") == "fb:xss-probe"
    assert explorer.page.inner_text("#details h2") == XSS_LABEL
    panel = explorer.panel()
    assert "</script><script>alert(2)</script>" in panel and "<script>alert(4)</script>" in panel
    assert explorer.page.locator("img, b, #details script").count() == 0
    explorer.click_node("fb:xss-probe")
    explorer.page.mouse.move(5, 5)
    assert explorer.dialogs == []
