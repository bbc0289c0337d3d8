// The explorer page's behaviour: layout, highlighting, details panel, search and class filters.
// Every text from the graph is untrusted: it goes into the DOM through textContent only.
(function () {
  "use strict";

  const net = JSON.parse(document.getElementById("kg-network").textContent);
  const page = JSON.parse(document.getElementById("kg-page").textContent);
  const byId = new Map(page.nodes.map((n) => [n.id, n]));
  const kindStyle = new Map(page.legend.kinds.map((k) => [k.kind, k]));
  const groupStyle = new Map(page.legend.groups.map((g) => [g.group, g]));
  const SHARED = page.legend.shared;
  const DIM_NODE = {
    color: { background: "#e6e9ec", border: "#d5dadf", highlight: { background: "#e6e9ec", border: "#9aa5ae" },
             hover: { background: "#e6e9ec", border: "#9aa5ae" } },
    font: { color: "#b9c0c6" },
  };
  const DIM_EDGE = { color: { color: "#dfe3e7", opacity: 0.35, highlight: "#c5ccd2", hover: "#c5ccd2" } };

  const nodes = new vis.DataSet(net.nodes);
  const edges = new vis.DataSet(net.edges);
  const baseNode = new Map(net.nodes.map((n) => [n.id, { id: n.id, color: n.color, font: n.font }]));
  const baseEdge = new Map(net.edges.map((e) => [e.id, { id: e.id, color: e.color }]));
  const container = document.getElementById("graph");
  const panel = document.getElementById("details");
  const state = { ready: false, selected: null, highlighted: null, hiddenKinds: new Set() };

  const loading = el("div", `Laying out ${page.nodes.length} entities and ${page.edges.length} claims…`);
  loading.id = "loading";
  container.appendChild(loading);
  const network = new vis.Network(container, { nodes: nodes, edges: edges }, net.options);

  // ------------------------------------------------------------------ small DOM helpers
  function el(tag, text, className) {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (className) node.className = className;
    return node;
  }

  function svg(tag, attrs) {
    const node = document.createElementNS("http://www.w3.org/2000/svg", tag);
    for (const [name, value] of Object.entries(attrs || {})) node.setAttribute(name, String(value));
    return node;
  }

  function label(id) {
    return (page.names[id] !== undefined) ? page.names[id] : id;
  }

  function entityButton(id) {
    if (!byId.has(id)) return el("span", label(id));
    const button = el("button", label(id), "link");
    button.type = "button";
    button.addEventListener("click", () => focusNode(id));
    return button;
  }

  function statusBadge(status) {
    return el("span", status, "status status-" + (["supported", "contested", "unsupported", "refuted"].includes(status) ? status : "unknown"));
  }

  // ------------------------------------------------------------------ legend swatches
  const POLYGONS = {
    diamond: "9,1 17,9 9,17 1,9",
    triangle: "9,1 17,16 1,16",
    triangleDown: "1,2 17,2 9,17",
    hexagon: "5,1.5 13,1.5 17,9 13,16.5 5,16.5 1,9",
    star: "9,1 11.2,6.4 17,6.9 12.6,10.7 13.9,16.4 9,13.4 4.1,16.4 5.4,10.7 1,6.9 6.8,6.4",
  };

  function shapeSwatch(shape, fill, stroke, strokeWidth) {
    const box = svg("svg", { width: 18, height: 18, viewBox: "0 0 18 18", "aria-hidden": "true" });
    const paint = { fill: fill, stroke: stroke || "#00000055", "stroke-width": strokeWidth || 1 };
    let mark;
    if (POLYGONS[shape]) mark = svg("polygon", { points: POLYGONS[shape], ...paint });
    else if (shape === "ellipse") mark = svg("ellipse", { cx: 9, cy: 9, rx: 8.5, ry: 5.5, ...paint });
    else if (shape === "box") mark = svg("rect", { x: 1, y: 4, width: 16, height: 10, rx: 3, ...paint });
    else if (shape === "square") mark = svg("rect", { x: 2, y: 2, width: 14, height: 14, ...paint });
    else mark = svg("circle", { cx: 9, cy: 9, r: strokeWidth ? 9 - strokeWidth / 2 : 7, ...paint });
    box.appendChild(mark);
    return box;
  }

  function lineSwatch(color, dashes, opacity) {
    const box = svg("svg", { width: 38, height: 12, viewBox: "0 0 38 12", "aria-hidden": "true" });
    const line = svg("line", { x1: 1, y1: 6, x2: 30, y2: 6, stroke: color, "stroke-width": 2, "stroke-opacity": opacity || 1 });
    if (dashes) line.setAttribute("stroke-dasharray", dashes.join(" "));
    box.appendChild(line);
    box.appendChild(svg("polygon", { points: "29,2 37,6 29,10", fill: color, "fill-opacity": opacity || 1 }));
    return box;
  }

  function buildLegend() {
    const filters = document.getElementById("class-filters");
    for (const entry of page.legend.kinds) {
      const item = el("li");
      const tick = el("label");
      const box = document.createElement("input");
      box.type = "checkbox";
      box.checked = true;
      box.dataset.kind = entry.kind;
      box.addEventListener("change", () => setKindVisible(entry.kind, box.checked));
      tick.append(box, shapeSwatch(entry.shape, entry.color), el("span", entry.kind), el("span", entry.count, "count"));
      item.appendChild(tick);
      filters.appendChild(item);
    }
    const edgeList = document.getElementById("edge-legend");
    for (const entry of page.legend.groups) {
      const item = el("li");
      item.append(lineSwatch(entry.color, null), el("span", entry.label));
      edgeList.appendChild(item);
    }
    const statusList = document.getElementById("status-legend");
    const words = { supported: "supported: solid", contested: "contested: dashed", unsupported: "unsupported: dotted",
                    refuted: "refuted: dash-dot, faint" };
    for (const entry of page.legend.statuses) {
      const item = el("li");
      const faint = entry.status === "unsupported" || entry.status === "refuted";
      item.append(lineSwatch("#55616b", entry.dashes || null, faint ? 0.55 : 1), el("span", words[entry.status] || entry.status));
      statusList.appendChild(item);
    }
    const shared = document.getElementById("shared-legend");
    const row = el("li");
    row.style.display = "flex";
    row.style.gap = "8px";
    row.style.alignItems = "center";
    const here = SHARED.count ? `${SHARED.count} here` : "none on this page";
    row.append(shapeSwatch("dot", kindStyle.has("symptom") ? kindStyle.get("symptom").color : "#f0a030", SHARED.border, 4),
               el("span", page.mode === "shared"
                 ? `Thick purple ring: a symptom both conditions have (${here}).`
                 : `Thick purple ring: a symptom of two or more conditions (${here}).`));
    shared.appendChild(row);
  }

  // ------------------------------------------------------------------ highlighting
  function highlightSets(id) {
    if (page.highlights[id]) {
      return { nodes: new Set(page.highlights[id].nodes), edges: new Set(page.highlights[id].edges) };
    }
    const node = byId.get(id);
    if (node && node.kind === "source") {
      const keepEdges = page.edges.filter((e) => e.sources.includes(id) || e.contested_by.includes(id));
      const keepNodes = new Set([id]);
      for (const e of keepEdges) { keepNodes.add(e.source); keepNodes.add(e.target); }
      return { nodes: keepNodes, edges: new Set(keepEdges.map((e) => e.id)) };
    }
    return { nodes: new Set([id, ...network.getConnectedNodes(id)]), edges: new Set(network.getConnectedEdges(id)) };
  }

  function applyHighlight(keep) {
    for (const edge of page.edges) {  // the sources behind what stays lit stay lit too
      if (keep.edges.has(edge.id)) for (const s of edge.sources.concat(edge.contested_by)) if (byId.has(s)) keep.nodes.add(s);
    }
    state.highlighted = keep.nodes;
    nodes.update(net.nodes.map((n) => keep.nodes.has(n.id) ? baseNode.get(n.id) : { id: n.id, ...DIM_NODE }));
    edges.update(net.edges.map((e) => keep.edges.has(e.id) ? baseEdge.get(e.id) : { id: e.id, ...DIM_EDGE }));
  }

  function clearHighlight() {
    state.highlighted = null;
    nodes.update([...baseNode.values()]);
    edges.update([...baseEdge.values()]);
  }

  // ------------------------------------------------------------------ selection and details panel
  function select(id) {
    state.selected = id;
    network.selectNodes([id]);
    applyHighlight(highlightSets(id));
    showDetails(id);
  }

  function focusNode(id) {
    const node = byId.get(id);
    if (!node) return;
    if (state.hiddenKinds.has(node.kind)) {
      const box = document.querySelector(`#class-filters input[data-kind="${CSS.escape(node.kind)}"]`);
      if (box) box.checked = true;
      setKindVisible(node.kind, true);
    }
    select(id);
    network.focus(id, { scale: Math.max(network.getScale(), 1.0), animation: { duration: 350, easingFunction: "easeInOutQuad" } });
  }

  function clearSelection() {
    state.selected = null;
    network.unselectAll();
    clearHighlight();
    showOverview();
  }

  function section(title, children) {
    const parts = [el("h3", title)];
    return parts.concat(children);
  }

  function claimItem(edge, selfId) {
    const item = el("li", null, "relation");
    const line = el("div");
    if (edge.source === selfId) {
      line.append(el("span", edge.relation_label + " "), entityButton(edge.target));
    } else if (edge.target === selfId) {
      line.append(entityButton(edge.source), el("span", " " + edge.relation_label + " "), el("em", "this"));
    } else {
      line.append(entityButton(edge.source), el("span", " " + edge.relation_label + " "), entityButton(edge.target));
    }
    line.append(el("span", " "), statusBadge(edge.status));
    item.appendChild(line);
    item.appendChild(el("div", "Sources: " + (edge.sources.length ? edge.sources.map(label).join("; ") : "none given"), "sources"));
    if (edge.contested_by.length) item.appendChild(el("div", "Contested by: " + edge.contested_by.map(label).join("; "), "sources"));
    if (edge.note) item.appendChild(el("div", edge.note, "note"));
    return item;
  }

  const RANK = { supported: 0, contested: 1, unsupported: 2, refuted: 3 };

  const GROUP_ORDER = ["symptom", "causal", "misdiagnosis", "diagnosis", "food", "other"];

  // Claims grouped by kind of relation (symptoms first), strongest evidence first, then by name.
  function byRelation(claims, otherEnd) {
    const rank = (e) => (RANK[e.status] !== undefined ? RANK[e.status] : 4);
    return claims.slice().sort((a, b) => GROUP_ORDER.indexOf(a.group) - GROUP_ORDER.indexOf(b.group)
      || a.relation_label.localeCompare(b.relation_label) || rank(a) - rank(b)
      || label(a[otherEnd]).localeCompare(label(b[otherEnd])) || (a.id < b.id ? -1 : 1));
  }

  function list(items) {
    const ul = el("ul");
    for (const item of items) ul.appendChild(item);
    return ul;
  }

  function showDetails(id) {
    const node = byId.get(id);
    const parts = [el("h2", node.label)];
    const badge = el("span", node.kind, "kind-badge");
    badge.style.background = (kindStyle.get(node.kind) || { color: "#9e9e9e" }).color;
    const sub = el("p");
    sub.append(badge, el("span", "  " + node.id, "muted"));
    parts.push(sub);
    if (node.classes.length > 1) parts.push(el("p", "Classes: " + node.classes.join(", "), "muted"));
    if (node.shared) {
      const p = el("p");
      p.append(el("strong", "Shared symptom: "), el("span", "a symptom of " + node.symptom_of.map(label).join(", ") + "."));
      parts.push(p);
    }
    if (node.definition) parts.push(el("p", node.definition));
    if (node.synonyms.length) parts.push(...section("Synonyms", [el("p", node.synonyms.join(", "))]));
    if (node.identifiers.length) parts.push(...section("External identifiers", [el("p", node.identifiers.join(", "))]));
    if (node.citation) parts.push(...section("Citation", [el("p", node.citation)]));
    if (node.comments.length) parts.push(...section("Notes", node.comments.map((c) => el("p", c, "note"))));
    const outgoing = byRelation(page.edges.filter((e) => e.source === id), "target");
    const incoming = byRelation(page.edges.filter((e) => e.target === id), "source");
    if (outgoing.length) parts.push(...section(`Relations out (${outgoing.length})`, [list(outgoing.map((e) => claimItem(e, id)))]));
    if (incoming.length) parts.push(...section(`Relations in (${incoming.length})`, [list(incoming.map((e) => claimItem(e, id)))]));
    if (node.kind === "source") {
      const cited = page.edges.filter((e) => e.sources.includes(id) || e.contested_by.includes(id));
      parts.push(...section(`Claims that cite it (${cited.length})`, [list(cited.map((e) => claimItem(e, null)))]));
    }
    panel.replaceChildren(...parts);
    panel.scrollTop = 0;
  }

  function showClaim(edgeId) {
    const edge = page.edges.find((e) => e.id === edgeId);
    if (!edge) return;
    state.selected = null;
    applyHighlight({ nodes: new Set([edge.source, edge.target]), edges: new Set([edge.id]) });
    panel.replaceChildren(el("h2", "Claim"), list([claimItem(edge, null)]),
                          el("p", "Click either end to see all it relates to.", "muted"));
  }

  function idList(ids) {
    const ul = el("ul");
    for (const id of ids) {
      const li = el("li");
      li.appendChild(entityButton(id));
      ul.appendChild(li);
    }
    return ul;
  }

  function showOverview() {
    const parts = [el("h2", page.title),
                   el("p", `${page.nodes.length} entities and ${page.edges.length} claims.`, "muted")];
    if (page.mode === "shared") {
      const [first, second] = page.conditions;
      parts.push(...section(`Shared symptoms (${page.summary.shared.length})`, [idList(page.summary.shared)]));
      parts.push(...section(`Only ${label(first)}`, [idList(page.summary["only " + first])]));
      parts.push(...section(`Only ${label(second)}`, [idList(page.summary["only " + second])]));
      const chains = page.chains.map((chain) => {
        const li = el("li", null, "relation");
        const steps = chain.map((edgeId) => page.edges.find((e) => e.id === edgeId));
        li.appendChild(entityButton(steps[0].source));
        for (const step of steps) li.append(el("span", ` ${step.relation_label} `), entityButton(step.target));
        const weakest = ["refuted", "unsupported", "contested", "supported"].find((s) => steps.some((x) => x.status === s)) || "unknown";
        li.append(el("span", " "), statusBadge(weakest));
        return li;
      });
      parts.push(...section(`Causal chains between them (${chains.length})`,
                            [chains.length ? list(chains) : el("p", "None in the graph.", "muted")]));
    } else if (page.mode === "focus") {
      const p = el("p", "The neighbourhood of ");
      p.append(entityButton(page.focus), el("span", "."));
      parts.push(p);
    }
    parts.push(...section("How to explore", [
      el("p", "Click a node to see what it is, its synonyms and identifiers, and every relation with its sources and evidence. Clicking a condition lights up its symptoms and causal chains; click the background to clear."),
      el("p", "Search by name or synonym above; untick a class on the left to hide it. Dashed and dotted lines are claims that are contested, unsupported or refuted."),
    ]));
    panel.replaceChildren(...parts);
  }

  // ------------------------------------------------------------------ class filters
  function setKindVisible(kind, visible) {
    if (visible) state.hiddenKinds.delete(kind); else state.hiddenKinds.add(kind);
    nodes.update(page.nodes.filter((n) => n.kind === kind).map((n) => ({ id: n.id, hidden: !visible })));
    const hiddenNode = (id) => state.hiddenKinds.has(byId.get(id).kind);
    edges.update(page.edges.map((e) => ({ id: e.id, hidden: hiddenNode(e.source) || hiddenNode(e.target) })));
    if (state.selected && hiddenNode(state.selected)) clearSelection();
  }

  // ------------------------------------------------------------------ search
  const searchBox = document.getElementById("search");
  const results = document.getElementById("search-results");
  let active = 0;

  function matches(text) {
    const query = text.trim().toLowerCase();
    if (!query) return [];
    const found = [];
    for (const node of page.nodes) {
      const name = node.label.toLowerCase();
      let rank = -1;
      let via = null;
      if (name === query) rank = 0;
      else if (name.startsWith(query)) rank = 1;
      else if (name.includes(query)) rank = 2;
      else {
        const synonym = node.synonyms.find((s) => s.toLowerCase().includes(query));
        if (synonym !== undefined) { rank = synonym.toLowerCase() === query ? 0 : 3; via = synonym; }
        else if (node.id.toLowerCase().includes(query) || node.identifiers.some((i) => i.toLowerCase().includes(query))) rank = 4;
      }
      if (rank >= 0) found.push({ node: node, rank: rank, via: via });
    }
    found.sort((a, b) => a.rank - b.rank || a.node.label.localeCompare(b.node.label) || (a.node.id < b.node.id ? -1 : 1));
    return found.slice(0, 12);
  }

  function showResults() {
    const found = matches(searchBox.value);
    active = 0;
    results.replaceChildren(...found.map((hit, index) => {
      const li = el("li");
      li.setAttribute("role", "option");
      li.dataset.id = hit.node.id;
      li.setAttribute("aria-selected", index === 0 ? "true" : "false");
      li.append(el("span", hit.node.label), el("span", hit.via ? `${hit.node.kind} · also “${hit.via}”` : hit.node.kind, "kind"));
      li.addEventListener("mousedown", (event) => { event.preventDefault(); pick(hit.node.id); });
      return li;
    }));
    if (!found.length && searchBox.value.trim()) results.replaceChildren(el("li", "No match", "muted"));
    results.hidden = !searchBox.value.trim();
  }

  function pick(id) {
    results.hidden = true;
    searchBox.blur();
    focusNode(id);
  }

  searchBox.addEventListener("input", showResults);
  searchBox.addEventListener("keydown", (event) => {
    const options = [...results.querySelectorAll("li[data-id]")];
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      if (!options.length) return;
      active = (active + (event.key === "ArrowDown" ? 1 : options.length - 1)) % options.length;
      options.forEach((o, i) => o.setAttribute("aria-selected", i === active ? "true" : "false"));
    } else if (event.key === "Enter") {
      event.preventDefault();
      if (options.length) pick(options[Math.min(active, options.length - 1)].dataset.id);
    } else if (event.key === "Escape") {
      results.hidden = true;
    }
  });
  searchBox.addEventListener("blur", () => { results.hidden = true; });
  document.getElementById("fit").addEventListener("click", () => network.fit({ animation: { duration: 350 } }));
  document.getElementById("clear").addEventListener("click", clearSelection);

  // ------------------------------------------------------------------ graph events and layout
  network.on("click", (params) => {
    if (params.nodes.length) select(params.nodes[0]);
    else if (params.edges.length) showClaim(params.edges[0]);
    else clearSelection();
  });

  network.on("stabilizationProgress", (params) => {
    loading.textContent = `Laying out ${page.nodes.length} entities… ${Math.round(100 * params.iterations / params.total)}%`;
  });

  // Sources carry no edges of their own: line them up on a shelf under the graph.
  function shelveSources() {
    const sources = page.nodes.filter((n) => n.kind === "source").map((n) => n.id);
    const others = page.nodes.filter((n) => n.kind !== "source").map((n) => n.id);
    if (!sources.length) return;
    const positions = network.getPositions(others);
    const xs = others.map((id) => positions[id].x);
    const ys = others.map((id) => positions[id].y);
    const left = xs.length ? Math.min(...xs) : 0;
    const right = xs.length ? Math.max(...xs) : 0;
    const bottom = ys.length ? Math.max(...ys) : 0;
    const step = 200;
    const perRow = Math.max(5, Math.floor((right - left) / step) + 1);
    const width = (Math.min(perRow, sources.length) - 1) * step;
    const start = (left + right) / 2 - width / 2;
    const places = sources.map((id, index) => ({
      id: id, x: start + (index % perRow) * step, y: bottom + 150 + Math.floor(index / perRow) * 110,
    }));
    const now = network.getPositions(sources);
    if (places.some((p) => Math.abs(now[p.id].x - p.x) > 1 || Math.abs(now[p.id].y - p.y) > 1)) {
      nodes.update(places); // one update, one redraw
    }
  }

  let finished = false;
  function finish() {
    if (finished) return;
    finished = true;
    shelveSources();
    if (!page.physics && net.options.physics.enabled) network.setOptions({ physics: { enabled: false } });
    if (!page.physics || !net.options.physics.enabled) document.body.dataset.resting = "true";
    network.fit({ animation: false });
    loading.remove();
    state.ready = true;
    document.body.dataset.ready = "true";
  }
  if (net.options.physics.enabled && net.nodes.some((n) => n.physics !== false)) {
    network.once("stabilizationIterationsDone", finish);
    // A live layout may still drift after the bounded stabilisation: when it comes to rest,
    // keep the shelf under it and, unless the reader has moved the view, show it whole.
    network.on("startStabilizing", () => { document.body.dataset.resting = "false"; });
    network.on("stabilized", () => {
      document.body.dataset.resting = "true";
      if (!finished) return finish();
      shelveSources();
      if (!state.touched) network.fit({ animation: false });
    });
    network.on("dragStart", () => { state.touched = true; });
    network.on("zoom", () => { state.touched = true; });
  } else {
    network.once("afterDrawing", finish); // laid out already: ready once drawn
  }

  buildLegend();
  showOverview();

  // ------------------------------------------------------------------ hooks for tests and scripts
  window.kgExplorer = {
    get ready() { return state.ready; },
    counts: () => ({ nodes: nodes.length, edges: edges.length }),
    nodeIds: () => nodes.getIds().sort(),
    edgeIds: () => edges.getIds().sort(),
    sharedSymptoms: () => nodes.get({ filter: (n) => n.borderWidth === SHARED.borderWidth && n.color.border === SHARED.border })
      .map((n) => n.id).sort(),
    highlighted: () => (state.highlighted ? [...state.highlighted].sort() : []),
    dimmed: () => nodes.get({ filter: (n) => n.color && n.color.background === DIM_NODE.color.background }).map((n) => n.id).sort(),
    selected: () => state.selected,
    visibleNodes: () => nodes.get({ filter: (n) => !n.hidden }).map((n) => n.id).sort(),
    visibleEdges: () => edges.get({ filter: (e) => !e.hidden }).map((e) => e.id).sort(),
    physicsEnabled: () => network.physics.physicsEnabled,
    clientPosition(id) {
      const dom = network.canvasToDOM(network.getPositions([id])[id]);
      const box = container.getBoundingClientRect();
      return { x: box.left + dom.x, y: box.top + dom.y };
    },
    nodeAtClient(x, y) {
      const box = container.getBoundingClientRect();
      const found = network.getNodeAt({ x: x - box.left, y: y - box.top });
      return found === undefined ? null : found;
    },
    emptyPoint() {
      const box = container.getBoundingClientRect();
      for (let fy = 0.05; fy < 1; fy += 0.05) {
        for (let fx = 0.05; fx < 1; fx += 0.05) {
          const point = { x: box.width * fx, y: box.height * fy };
          if (network.getNodeAt(point) === undefined && network.getEdgeAt(point) === undefined) {
            return { x: box.left + point.x, y: box.top + point.y };
          }
        }
      }
      return null;
    },
  };
})();
