// The explorer page's behaviour: labels, highlighting, details panel, search, filters, chains,
// the state in the URL fragment, and the drawers of narrow screens.
// Every text from the graph is untrusted: it goes into the DOM through textContent only, and
// only http(s) URLs the export checked go into href.
(function () {
  "use strict";

  const net = JSON.parse(document.getElementById("kg-network").textContent);
  const page = JSON.parse(document.getElementById("kg-page").textContent);
  const byId = new Map(page.nodes.map((n) => [n.id, n]));
  const edgeById = new Map(page.edges.map((e) => [e.id, e]));
  const kindStyle = new Map(page.legend.kinds.map((k) => [k.kind, k]));
  const SHARED = page.legend.shared;
  // Restyling thousands of nodes and edges takes seconds: a large page keeps its colours and
  // shows what is lit by names and vis-network's own selection instead of fading the rest.
  const BIG = page.nodes.length > page.layoutThreshold;
  const STATUSES = ["supported", "contested", "unsupported", "refuted"];
  const DIM_NODE = {
    color: { background: "#e8ebee", border: "#d5dadf", highlight: { background: "#e8ebee", border: "#9aa5ae" },
             hover: { background: "#e8ebee", border: "#9aa5ae" } },
  };
  const DIM_EDGE = { color: { color: "#dfe3e7", opacity: 0.35, highlight: "#c5ccd2", hover: "#c5ccd2" } };

  const nodes = new vis.DataSet(net.nodes);
  const edges = new vis.DataSet(net.edges);
  const baseNode = new Map(net.nodes.map((n) => [n.id, { id: n.id, color: n.color }]));
  const baseEdge = new Map(net.edges.map((e) => [e.id, { id: e.id, color: e.color }]));
  const sizeOf = new Map(net.nodes.map((n) => [n.id, n.size]));
  const container = document.getElementById("graph");
  const panel = document.getElementById("details-body");
  const body = document.body;
  const state = {
    ready: false, selected: null, highlighted: null, pair: null, picking: null, chains: [],
    hiddenKinds: new Set(), hiddenStatuses: new Set(), hiddenGroups: new Set(), shown: new Set(),
    labels: [], shelfOpen: true,
  };

  // Edges by node, both ways, for neighbours and chains.
  const edgesAt = new Map(page.nodes.map((n) => [n.id, []]));
  for (const edge of page.edges) {
    edgesAt.get(edge.source).push(edge);
    if (edge.target !== edge.source) edgesAt.get(edge.target).push(edge);
  }

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

  function button(text, className, onClick, title) {
    const b = el("button", text, className);
    b.type = "button";
    if (title) b.title = title;
    b.addEventListener("click", onClick);
    return b;
  }

  function label(id) {
    return (page.names[id] !== undefined) ? page.names[id] : id;
  }

  // A link that opens only when clicked, in a new tab; the page itself fetches nothing.
  function outLink(text, url) {
    if (!/^https?:\/\//i.test(url)) return el("span", text);
    const a = el("a", text, "out");
    a.href = url;
    a.target = "_blank";
    a.rel = "noopener noreferrer";
    return a;
  }

  function identifierLink(curie) {
    const match = /^([A-Za-z]+):(.+)$/.exec(curie);
    const template = match && page.identifierLinks[match[1]];
    return template ? outLink(curie, template.replace("{}", encodeURIComponent(match[2]))) : el("span", curie);
  }

  function entityButton(id) {
    if (!byId.has(id)) return el("span", label(id));
    return button(label(id), "link", () => focusNode(id));
  }

  function statusBadge(status, title) {
    const badge = el("span", status, "status status-" + (STATUSES.includes(status) ? status : "unknown"));
    if (title) badge.title = title;
    return badge;
  }

  // ------------------------------------------------------------------ visibility
  function nodeVisible(id) {
    const node = byId.get(id);
    return !state.hiddenKinds.has(node.kind) && (!node.nearby || state.shown.has(id));
  }

  // Sources are listed on the shelf, not drawn: the canvas has the rest of what is visible.
  function onCanvas(id) {
    return byId.get(id).kind !== "source" && nodeVisible(id);
  }

  function edgeVisible(edge) {
    return nodeVisible(edge.source) && nodeVisible(edge.target)
      && !state.hiddenStatuses.has(STATUSES.includes(edge.status) ? edge.status : "unsupported")
      && !state.hiddenGroups.has(edge.group);
  }

  function refreshVisibility() {
    const nodeChanges = [];
    for (const n of page.nodes) {
      const hidden = !onCanvas(n.id);
      if (nodes.get(n.id).hidden !== hidden) nodeChanges.push({ id: n.id, hidden: hidden });
    }
    const edgeChanges = [];
    for (const e of page.edges) {
      const hidden = !edgeVisible(e);
      if (edges.get(e.id).hidden !== hidden) edgeChanges.push({ id: e.id, hidden: hidden });
    }
    if (nodeChanges.length) nodes.update(nodeChanges);
    if (edgeChanges.length) edges.update(edgeChanges);
    if (state.selected && !nodeVisible(state.selected)) clearSelection();
    syncLegend();
    syncShelf();
    writeHash();
  }

  // ------------------------------------------------------------------ labels, drawn by the page
  // vis-network draws shapes only; names go on the canvas here, most connected first, and a
  // name that would touch one already placed waits until zooming in makes room for it.
  const LABEL_FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";
  const measurer = document.createElement("canvas").getContext("2d");
  const layoutCache = new Map();

  function labelStyle(node) {
    const strong = node.kind === "condition" || node.shared || node.id === state.selected;
    return { size: node.kind === "condition" ? 14 : 12.5,
             weight: strong ? "600" : "400" };
  }

  function fontOf(style, scale) {
    return `${style.weight} ${style.size / scale}px ${LABEL_FONT}`;
  }

  // The label's lines at 1:1 and its size in screen pixels; wrapped at a width, at most two lines.
  function labelLines(node, style) {
    const key = node.id + "|" + style.size + style.weight;
    if (layoutCache.has(key)) return layoutCache.get(key);
    measurer.font = fontOf(style, 1);
    const max = 170;
    const words = node.label.split(/\s+/);
    const lines = [];
    let line = "";
    for (const word of words) {
      const next = line ? line + " " + word : word;
      if (line && measurer.measureText(next).width > max) { lines.push(line); line = word; } else line = next;
    }
    if (line) lines.push(line);
    const limit = 2;
    if (lines.length > limit) {
      lines.length = limit;
      let last = lines[limit - 1];
      while (last.length > 1 && measurer.measureText(last + "…").width > max) last = last.slice(0, -1);
      lines[limit - 1] = last + "…";
    }
    const width = Math.max(...lines.map((l) => measurer.measureText(l).width));
    const found = { lines: lines, width: width, height: lines.length * style.size * 1.2 };
    layoutCache.set(key, found);
    return found;
  }

  let labelOrder = [];
  function orderLabels() {
    const rank = (n) => {
      if (n.id === state.selected || (state.pair && state.pair.includes(n.id))) return 0;
      if (state.highlighted && state.highlighted.has(n.id)) return 1;
      if (n.id === page.focus || page.conditions.includes(n.id)) return 1;
      return 2;
    };
    labelOrder = page.nodes.slice().sort((a, b) => rank(a) - rank(b) || b.degree - a.degree
      || a.label.localeCompare(b.label) || (a.id < b.id ? -1 : 1));
  }

  function drawLabels(ctx) {
    const scale = network.getScale();
    const view = network.getViewPosition();
    const width = container.clientWidth;
    const height = container.clientHeight;
    const positions = network.getPositions();
    const cell = 80;
    const grid = new Map();
    const placed = [];
    const overlaps = (box, self, namesOnly) => {
      for (let gx = Math.floor(box.x / cell); gx <= Math.floor((box.x + box.w) / cell); gx++) {
        for (let gy = Math.floor(box.y / cell); gy <= Math.floor((box.y + box.h) / cell); gy++) {
          for (const other of grid.get(gx + "," + gy) || []) {
            if (other.node && (namesOnly || other.id === self)) continue;
            if (box.x < other.x + other.w && other.x < box.x + box.w && box.y < other.y + other.h && other.y < box.y + box.h) return true;
          }
        }
      }
      return false;
    };
    const remember = (box) => {
      for (let gx = Math.floor(box.x / cell); gx <= Math.floor((box.x + box.w) / cell); gx++) {
        for (let gy = Math.floor(box.y / cell); gy <= Math.floor((box.y + box.h) / cell); gy++) {
          const key = gx + "," + gy;
          if (!grid.has(key)) grid.set(key, []);
          grid.get(key).push(box);
        }
      }
    };
    // The toolbar floats over the graph: no name goes under it.
    const bar = document.getElementById("toolbar").getBoundingClientRect();
    const frame = container.getBoundingClientRect();
    remember({ id: "toolbar", x: bar.left - frame.left - 4, y: bar.top - frame.top - 4, w: bar.width + 8, h: bar.height + 8 });
    const below = coveredBelow();  // nor under the source shelf or a bottom sheet
    if (below) remember({ id: "shelf", x: -4, y: height - below - 4, w: width + 8, h: below + 8 });
    // The shapes of the nodes in view are obstacles too: a name must not cover another node.
    const candidates = [];
    for (const node of labelOrder) {
      const pos = positions[node.id];
      if (!onCanvas(node.id)) continue;
      const x = (pos.x - view.x) * scale + width / 2;
      const y = (pos.y - view.y) * scale + height / 2;
      if (x < -60 || x > width + 60 || y < -60 || y > height + 60) continue;  // off screen
      const radius = (sizeOf.get(node.id) || 10) * scale;
      const disc = { id: node.id, node: true, x: x - radius, y: y - radius, w: 2 * radius, h: 2 * radius };
      remember(disc);
      candidates.push({ node: node, pos: pos, x: x, y: y, radius: radius });
    }
    ctx.save();
    ctx.textBaseline = "top";
    ctx.lineJoin = "round";
    for (const { node, pos, x, y, radius } of candidates) {
      if (placed.length >= 350) break;
      if (state.highlighted && !state.highlighted.has(node.id)) continue;  // faded: its room goes to lit ones
      const style = labelStyle(node);
      const text = labelLines(node, style);
      const w = text.width + 4;
      const h = text.height + 1;
      // Below the shape first, then above, right and left.
      const spots = [
        { x: x - w / 2, y: y + radius + 2, align: "center" },
        { x: x - w / 2, y: y - radius - 2 - h, align: "center" },
        { x: x + radius + 3, y: y - h / 2, align: "left" },
        { x: x - radius - 3 - w, y: y - h / 2, align: "right" },
      ];
      const boxes = spots.map((spot) => ({ id: node.id, x: spot.x, y: spot.y, w: w, h: h, align: spot.align }))
        .filter((b) => b.x >= 0 && b.y >= 0 && b.x + b.w <= width && b.y + b.h <= height);
      let box = boxes.find((b) => !overlaps(b, node.id));
      // A hub, the selection or a condition is named even over small shapes (never over a name).
      if (!box && (node.kind === "condition" || node.id === state.selected || node.degree >= 8)) {
        box = boxes.find((b) => !overlaps(b, node.id, true));
      }
      if (!box) continue;
      remember(box);
      placed.push(box);
      ctx.font = fontOf(style, scale);
      ctx.textAlign = box.align;
      ctx.lineWidth = 3.5 / scale;
      ctx.strokeStyle = "rgba(251, 252, 253, 0.92)";
      ctx.fillStyle = "#1d2b36";
      const anchor = box.align === "center" ? box.x + w / 2 : box.align === "left" ? box.x + 2 : box.x + w - 2;
      const cx = (anchor - width / 2) / scale + view.x;
      text.lines.forEach((line, i) => {
        const ly = (box.y + 1 + i * style.size * 1.2 - height / 2) / scale + view.y;
        ctx.strokeText(line, cx, ly);
        ctx.fillText(line, cx, ly);
      });
    }
    ctx.restore();
    state.labels = placed;
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
    else if (shape === "square") mark = svg("rect", { x: 2.5, y: 2.5, width: 13, height: 13, rx: 2, ...paint });
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

  function toggleEntry(swatch, text, count, pressed, onClick, data) {
    const b = el("button", null, "toggle");
    b.type = "button";
    b.setAttribute("aria-pressed", pressed ? "true" : "false");
    for (const [k, v] of Object.entries(data)) b.dataset[k] = v;
    b.append(swatch, el("span", text, "name"));
    if (count !== null) b.append(el("span", count, "count"));
    b.addEventListener("click", onClick);
    const li = el("li");
    li.appendChild(b);
    return li;
  }

  function buildLegend() {
    const filters = document.getElementById("class-filters");
    for (const entry of page.legend.kinds) {
      filters.appendChild(toggleEntry(shapeSwatch(entry.shape, entry.color), entry.kind, entry.count, true, () => {
        if (state.hiddenKinds.has(entry.kind)) state.hiddenKinds.delete(entry.kind); else state.hiddenKinds.add(entry.kind);
        refreshVisibility();
      }, { kind: entry.kind }));
    }
    const edgeList = document.getElementById("edge-legend");
    for (const entry of page.legend.groups) {
      edgeList.appendChild(toggleEntry(lineSwatch(entry.color, null), entry.label, null, true, () => {
        if (state.hiddenGroups.has(entry.group)) state.hiddenGroups.delete(entry.group); else state.hiddenGroups.add(entry.group);
        refreshVisibility();
      }, { group: entry.group }));
    }
    const statusList = document.getElementById("status-legend");
    const words = { supported: "supported (solid)", contested: "contested (dashed)", unsupported: "unsupported (dotted)",
                    refuted: "refuted (dash-dot)" };
    for (const entry of page.legend.statuses) {
      const faint = entry.status === "unsupported" || entry.status === "refuted";
      statusList.appendChild(toggleEntry(lineSwatch("#55616b", entry.dashes || null, faint ? 0.55 : 1),
        words[entry.status] || entry.status, entry.count, true, () => {
          if (state.hiddenStatuses.has(entry.status)) state.hiddenStatuses.delete(entry.status); else state.hiddenStatuses.add(entry.status);
          refreshVisibility();
        }, { status: entry.status }));
    }
    const shared = document.getElementById("shared-legend");
    const here = SHARED.count ? `${SHARED.count} here` : "none on this page";
    shared.append(shapeSwatch("dot", kindStyle.has("symptom") ? kindStyle.get("symptom").color : "#f0a030", SHARED.border, 4),
                  el("span", page.mode === "shared"
                    ? `Thick purple ring: a symptom both conditions have (${here}).`
                    : `Thick purple ring: a symptom of two or more conditions (${here}).`));
  }

  function syncLegend() {
    for (const b of document.querySelectorAll("#legend button.toggle")) {
      const off = (b.dataset.kind && state.hiddenKinds.has(b.dataset.kind))
        || (b.dataset.group && state.hiddenGroups.has(b.dataset.group))
        || (b.dataset.status && state.hiddenStatuses.has(b.dataset.status));
      b.setAttribute("aria-pressed", off ? "false" : "true");
    }
  }

  // ------------------------------------------------------------------ the source shelf
  // Every source the page cites, by its short name in real text over the foot of the graph, so
  // that all of them can be read at any zoom; it follows the graph (what is lit, what is hidden).
  const shelf = document.getElementById("shelf");
  const shelfList = document.getElementById("shelf-list");
  const shelfToggle = document.getElementById("shelf-toggle");
  const shelfCount = document.getElementById("shelf-count");
  const chips = new Map();
  // On a phone the shelf starts folded to its one-line heading (open, it can cover half the
  // graph); wider screens start with it open. Either way its heading folds and unfolds it.
  const phone = window.matchMedia("(max-width: 719px)");
  const shelfOpenByDefault = () => !phone.matches;

  function buildShelf() {
    const sources = page.nodes.filter((n) => n.kind === "source")
      .sort((a, b) => page.shelf[a.id].localeCompare(page.shelf[b.id]) || (a.id < b.id ? -1 : 1));
    for (const node of sources) {
      const chip = button(null, "chip", () => focusNode(node.id), node.label);
      chip.dataset.id = node.id;
      chip.append(shapeSwatch("square", kindStyle.has("source") ? kindStyle.get("source").color : "#aab4bd"),
                  el("span", page.shelf[node.id], "name"));
      const li = el("li");
      li.appendChild(chip);
      shelfList.appendChild(li);
      chips.set(node.id, chip);
    }
  }

  function syncShelf() {
    let shown = 0;
    let lit = 0;
    for (const [id, chip] of chips) {
      const visible = nodeVisible(id);
      const on = Boolean(state.highlighted && state.highlighted.has(id));
      chip.parentNode.hidden = !visible;
      shown += visible;
      lit += visible && on;
      chip.setAttribute("aria-pressed", state.selected === id ? "true" : "false");
      chip.classList.toggle("lit", on);
    }
    shelf.classList.toggle("dimmed", Boolean(state.highlighted));
    shelfCount.textContent = state.highlighted ? `${lit} of ${shown} behind what is lit` : String(shown);
    shelf.hidden = !shown;
  }

  // Fold or unfold the shelf; ``refit`` keeps the view clear of it (the fit, or the selection).
  function setShelf(open, refit) {
    state.shelfOpen = open;
    shelf.classList.toggle("collapsed", !open);
    shelfToggle.setAttribute("aria-expanded", open ? "true" : "false");
    if (refit && state.ready) {
      if (state.selected) centreOn(state.selected);
      else if (!state.highlighted) fitVisible(true);
      else network.redraw();
    }
    writeHash();
  }
  shelfToggle.addEventListener("click", () => setShelf(!state.shelfOpen, true));

  // ------------------------------------------------------------------ highlighting
  function highlightSets(id) {
    if (page.highlights[id]) {
      return { nodes: new Set(page.highlights[id].nodes), edges: new Set(page.highlights[id].edges) };
    }
    if (byId.get(id).kind === "source") {
      const keepEdges = page.edges.filter((e) => e.sources.includes(id) || e.contested_by.includes(id));
      const keepNodes = new Set([id]);
      for (const e of keepEdges) { keepNodes.add(e.source); keepNodes.add(e.target); }
      return { nodes: keepNodes, edges: new Set(keepEdges.map((e) => e.id)) };
    }
    const keep = { nodes: new Set([id]), edges: new Set() };
    for (const e of edgesAt.get(id) || []) {
      if (!edgeVisible(e)) continue;
      keep.edges.add(e.id);
      keep.nodes.add(e.source);
      keep.nodes.add(e.target);
    }
    return keep;
  }

  function applyHighlight(keep) {
    for (const edge of page.edges) {  // the sources behind what stays lit stay lit too
      if (keep.edges.has(edge.id)) for (const s of edge.sources.concat(edge.contested_by)) if (byId.has(s)) keep.nodes.add(s);
    }
    state.highlighted = keep.nodes;
    state.litEdges = keep.edges;
    if (!BIG) {
      nodes.update(net.nodes.map((n) => keep.nodes.has(n.id) ? baseNode.get(n.id) : { id: n.id, ...DIM_NODE }));
      edges.update(net.edges.map((e) => keep.edges.has(e.id) ? baseEdge.get(e.id) : { id: e.id, ...DIM_EDGE }));
    }
    orderLabels();
    syncShelf();
    network.redraw();
  }

  function clearHighlight() {
    state.highlighted = null;
    state.litEdges = null;
    if (!BIG) {
      nodes.update([...baseNode.values()]);
      edges.update([...baseEdge.values()]);
    }
    orderLabels();
    syncShelf();
    network.redraw();
  }

  // ------------------------------------------------------------------ camera
  // The foot of the graph the source shelf (and on a phone the bottom sheet) covers: the view
  // is centred and fitted in what is left.
  function coveredBelow() {
    const box = container.getBoundingClientRect();
    let top = box.bottom;
    const sheet = document.getElementById("details");
    if (getComputedStyle(sheet).position === "absolute") top = Math.min(top, sheet.getBoundingClientRect().top);
    if (!shelf.hidden) top = Math.min(top, shelf.getBoundingClientRect().top - 6);
    return Math.max(0, box.bottom - top);
  }

  // Centre on a node, zoomed so that what it lights up fits around it: never closer than
  // 1.3, never farther out than a step in from the first fit.
  function centreOn(id, animate) {
    if (byId.get(id).kind === "source") {  // not on the canvas: show the claims it is cited for
      const lit = state.highlighted ? [...state.highlighted].filter(onCanvas) : [];
      if (lit.length) glide(fitView(lit), animate !== false);
      return;
    }
    const pos = network.getPositions([id])[id];
    const lit = state.highlighted ? [...state.highlighted].filter(onCanvas) : [id];
    const around = network.getPositions(lit);
    let dx = 60;
    let dy = 60;
    for (const p of Object.values(around)) { dx = Math.max(dx, Math.abs(p.x - pos.x)); dy = Math.max(dy, Math.abs(p.y - pos.y)); }
    const room = { w: container.clientWidth / 2 - 40, h: (container.clientHeight - coveredBelow()) / 2 - 40 };
    const fits = Math.min(room.w / dx, room.h / dy);
    const scale = Math.min(1.3, Math.max(fits, state.fitScale * 1.6));
    glide({ position: pos, scale: scale, offset: { x: 0, y: -coveredBelow() / 2 } }, animate !== false);
  }

  // vis-network's animation can stop a frame short of its target: land on it exactly. It
  // counts frames, not time, so on a large page (slow frames) the view jumps instead.
  function glide(view, animate) {
    if (!animate || BIG) {
      network.moveTo(view);
      body.dataset.moving = "false";
      return;
    }
    state.target = view;
    body.dataset.moving = "true";
    network.moveTo({ ...view, animation: { duration: 400, easingFunction: "easeInOutQuad" } });
  }

  // The band at the top of the graph the floating toolbar (Fit, Clear, PNG) covers.
  function coveredAbove() {
    const bar = document.getElementById("toolbar").getBoundingClientRect();
    return Math.max(0, bar.bottom + 4 - container.getBoundingClientRect().top);
  }

  // A fit leaves a margin round the graph for the names drawn under the outermost nodes, and
  // keeps the graph clear of what covers its top (the toolbar) and its foot (the shelf, a
  // bottom sheet), so that no node lies under a button at the first fit.
  const FIT_MARGIN = 0.9;
  function fitView(ids) {
    let left = Infinity, right = -Infinity, top = Infinity, bottom = -Infinity;
    for (const id of ids) {
      const box = network.getBoundingBox(id);
      if (!box) continue;
      left = Math.min(left, box.left); right = Math.max(right, box.right);
      top = Math.min(top, box.top); bottom = Math.max(bottom, box.bottom);
    }
    if (left > right) return { position: { x: 0, y: 0 }, scale: 1 };
    const covered = coveredBelow();
    const above = coveredAbove();
    const room = { w: container.clientWidth, h: Math.max(60, container.clientHeight - covered - above) };
    const scale = Math.min(1, room.w / Math.max(1, right - left), room.h / Math.max(1, bottom - top)) * FIT_MARGIN;
    return { position: { x: (left + right) / 2, y: (top + bottom) / 2 }, scale: scale, offset: { x: 0, y: (above - covered) / 2 } };
  }

  function fitVisible(animate) {
    glide(fitView(nodes.getIds({ filter: (n) => !n.hidden })), animate);
  }

  // ------------------------------------------------------------------ selection and details panel
  function select(id) {
    state.selected = id;
    state.pair = null;
    state.chains = [];
    network.selectNodes([id]);
    applyHighlight(highlightSets(id));
    showDetails(id);
    openSheet(true);
    writeHash();
  }

  function focusNode(id) {  // every caller passes an id of the page
    const node = byId.get(id);
    if (state.picking && state.picking !== id) return pickPair(state.picking, id);
    let changed = false;
    if (state.hiddenKinds.has(node.kind)) { state.hiddenKinds.delete(node.kind); changed = true; }
    if (node.nearby && !state.shown.has(id)) { state.shown.add(id); changed = true; }
    if (changed) refreshVisibility();
    select(id);
    centreOn(id);
  }

  function clearSelection() {
    state.selected = null;
    state.pair = null;
    state.picking = null;
    state.chains = [];
    network.unselectAll();
    clearHighlight();
    showOverview();
    openSheet(false);
    writeHash();
  }

  function section(title, children) {
    return [el("h3", title)].concat(children);
  }

  function sourceLine(ids, heading) {
    const line = el("div", null, "sources");
    line.append(el("span", heading));
    if (!ids.length) line.append(el("span", "none given"));
    ids.forEach((s) => {  // one source a line, with its link
      const item = el("span", null, "source");
      item.append(entityButton(s));
      const node = byId.get(s);
      if (node && node.links.length) item.append(el("span", " "), outLink("↗", node.links[0][1]));
      line.append(item);
    });
    return line;
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
    item.appendChild(sourceLine(edge.sources, "Sources: "));
    if (edge.contested_by.length) item.appendChild(sourceLine(edge.contested_by, "Contested by: "));
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

  function list(items, className) {
    const ul = el("ul", null, className);
    for (const item of items) ul.appendChild(item);
    return ul;
  }

  // Neighbours a focused page carries beyond its ring, not shown yet.
  function hiddenNeighbours(id) {
    const found = new Set();
    for (const e of edgesAt.get(id) || []) {
      for (const end of [e.source, e.target]) {
        if (end !== id && byId.get(end).nearby && !state.shown.has(end)) found.add(end);
      }
    }
    return [...found];
  }

  function expand(id) {
    const more = hiddenNeighbours(id);
    for (const n of more) state.shown.add(n);
    for (const e of edgesAt.get(id) || []) {  // and the sources behind the claims now drawn
      if (nodeVisible(e.source) && nodeVisible(e.target)) for (const s of e.sources.concat(e.contested_by)) if (byId.has(s)) state.shown.add(s);
    }
    refreshVisibility();
    select(id);
    return more.length;
  }

  function actions(id) {
    const row = el("div", null, "actions");
    row.append(button("Centre", "small", () => centreOn(id), "Centre the view on it"));
    const more = hiddenNeighbours(id);
    if (more.length) {
      row.append(button(`Show ${more.length} more neighbour${more.length === 1 ? "" : "s"}`, "small expand", () => expand(id),
                        "Bring in what it relates to beyond this page's ring"));
    }
    row.append(button("Chains to…", "small chains", () => startPair(id), "Pick a second node to see how the two connect"));
    return row;
  }

  function showDetails(id) {
    const node = byId.get(id);
    const parts = [el("h2", node.label)];
    const badge = el("span", node.kind, "kind-badge");
    badge.style.background = (kindStyle.get(node.kind) || { color: "#9e9e9e" }).color;
    const sub = el("p");
    sub.append(badge, el("span", " "), identifierLink(node.id));
    parts.push(sub, actions(id));
    if (node.classes.length > 1) parts.push(el("p", "Classes: " + node.classes.join(", "), "muted"));
    if (node.shared) {
      const p = el("p");
      p.append(el("strong", "Shared symptom: "), el("span", "a symptom of " + node.symptom_of.map(label).join(", ") + "."));
      parts.push(p);
    }
    if (node.definition) parts.push(el("p", node.definition));
    if (node.evidence_kind) parts.push(el("p", "Kind of evidence: " + node.evidence_kind, "muted"));
    if (node.links.length) {
      parts.push(...section("Read it", [list(node.links.map(([text, url]) => { const li = el("li"); li.append(outLink(text, url)); return li; }), "links")]));
    }
    if (node.synonyms.length) parts.push(...section("Synonyms", [el("p", node.synonyms.join(", "))]));
    if (node.identifiers.length) {
      const p = el("p");
      node.identifiers.forEach((i, n) => { if (n) p.append(el("span", ", ")); p.append(identifierLink(i)); });
      parts.push(...section("External identifiers", [p]));
    }
    if (node.citation) parts.push(...section("Citation", [el("p", node.citation)]));
    if (node.comments.length) parts.push(...section("Notes", node.comments.map((c) => el("p", c, "note"))));
    const drawn = (e) => nodeVisible(e.source) && nodeVisible(e.target);
    const outgoing = byRelation(page.edges.filter((e) => e.source === id && drawn(e)), "target");
    const incoming = byRelation(page.edges.filter((e) => e.target === id && drawn(e)), "source");
    if (outgoing.length) parts.push(...section(`Relations out (${outgoing.length})`, [list(outgoing.map((e) => claimItem(e, id)))]));
    if (incoming.length) parts.push(...section(`Relations in (${incoming.length})`, [list(incoming.map((e) => claimItem(e, id)))]));
    if (node.kind === "source") {
      const cited = page.edges.filter((e) => (e.sources.includes(id) || e.contested_by.includes(id)) && drawn(e));
      parts.push(...section(`Claims that cite it (${cited.length})`, [list(cited.map((e) => claimItem(e, null)))]));
    }
    panel.replaceChildren(...parts);
    panel.scrollTop = 0;
    document.getElementById("sheet-title").textContent = node.label;
  }

  function showClaim(edgeId) {
    const edge = edgeById.get(edgeId);
    state.selected = null;
    applyHighlight({ nodes: new Set([edge.source, edge.target]), edges: new Set([edge.id]) });
    panel.replaceChildren(el("h2", "Claim"), list([claimItem(edge, null)]),
                          el("p", "Click either end to see all it relates to.", "muted"));
    document.getElementById("sheet-title").textContent = `${label(edge.source)} ${edge.relation_label} ${label(edge.target)}`;
    openSheet(true);
  }

  function symptomClaim(condition, symptom) {
    return edgeById.get(`${condition} fb:hasSymptom ${symptom}`);
  }

  // A list of entities, each with the evidence status of the claims that put it there.
  function idList(ids, conditions) {
    const ul = el("ul", null, "entities");
    for (const id of ids) {
      const li = el("li");
      li.appendChild(entityButton(id));
      for (const c of conditions) {
        const claim = symptomClaim(c, id);
        if (claim) li.append(el("span", " "), statusBadge(claim.status, `${label(c)} has symptom ${label(id)}: ${claim.status}`));
      }
      ul.appendChild(li);
    }
    return ul;
  }

  function chainItem(steps, start) {
    const li = el("li", null, "relation");
    let here = start;
    li.appendChild(entityButton(here));
    for (const step of steps) {
      const forward = step.source === here;
      const next = forward ? step.target : step.source;
      li.append(el("span", forward ? ` ${step.relation_label} → ` : ` ← ${step.relation_label} `, "step"),
                statusBadge(step.status), el("span", " "), entityButton(next));
      here = next;
    }
    const weakest = ["refuted", "unsupported", "contested", "supported"].find((s) => steps.some((x) => x.status === s)) || "unknown";
    li.append(el("div", "weakest step: " + weakest, "muted"));
    return li;
  }

  function showOverview() {
    const parts = [el("h2", page.title),
                   el("p", `${page.nodes.filter((n) => !n.nearby).length} entities and ${page.edges.filter((e) => !e.nearby).length} claims.`, "muted")];
    if (page.mode === "shared") {
      const [first, second] = page.conditions;
      parts.push(...section(`Shared symptoms (${page.summary.shared.length})`, [idList(page.summary.shared, [first, second])]));
      parts.push(...section(`Only ${label(first)}`, [idList(page.summary["only " + first], [first])]));
      parts.push(...section(`Only ${label(second)}`, [idList(page.summary["only " + second], [second])]));
      const chains = page.chains.map((chain) => {
        const steps = chain.map((edgeId) => edgeById.get(edgeId));
        return chainItem(steps, steps[0].source);
      });
      parts.push(...section(`Causal chains between them (${chains.length})`,
                            [chains.length ? list(chains) : el("p", "None in the graph.", "muted")]));
    } else if (page.mode === "focus") {
      const p = el("p", "The neighbourhood of ");
      p.append(entityButton(page.focus), el("span", "."));
      parts.push(p);
      if (page.nodes.some((n) => n.nearby)) parts.push(el("p", "Select a node and press “Show more neighbours” (or double-click it) to bring in what lies one step further.", "muted"));
    }
    parts.push(...section("How to explore", [
      el("p", "Click a node for what it is and every claim about it, with sources and evidence. A condition lights up its symptoms and causal chains; click the background or Clear to go back."),
      el("p", "Search finds names, synonyms and identifiers, forgiving typos. In the legend, click a class, relation or evidence level to hide or show it. Shift-click a second node (or use “Chains to…”) to see how two entities connect. The address bar keeps what you see: copy it to share this view."),
    ]));
    panel.replaceChildren(...parts);
    document.getElementById("sheet-title").textContent = page.title;
  }

  // ------------------------------------------------------------------ chains between two nodes
  // Every shortest chain between two entities over the claims drawn, in either direction.
  function shortestChains(from, to, limit) {
    const dist = new Map([[from, 0]]);
    let frontier = [from];
    while (frontier.length && !dist.has(to)) {
      const next = [];
      for (const here of frontier) {
        for (const e of edgesAt.get(here) || []) {
          if (!edgeVisible(e)) continue;
          const other = e.source === here ? e.target : e.source;
          if (!dist.has(other)) { dist.set(other, dist.get(here) + 1); next.push(other); }
        }
      }
      frontier = next;
    }
    if (!dist.has(to)) return [];
    const chains = [];
    const walk = (here, steps) => {  // backwards from `to`, one step closer each time
      if (chains.length >= limit) return;
      if (here === from) { chains.push(steps.slice().reverse()); return; }
      const seen = new Set();
      for (const e of (edgesAt.get(here) || []).slice().sort((a, b) => (a.id < b.id ? -1 : 1))) {
        if (!edgeVisible(e)) continue;
        const other = e.source === here ? e.target : e.source;
        if (dist.get(other) !== dist.get(here) - 1 || seen.has(other + "|" + e.id)) continue;
        seen.add(other + "|" + e.id);
        steps.push(e);
        walk(other, steps);
        steps.pop();
      }
    };
    walk(to, []);
    return chains;
  }

  function startPair(id) {
    state.picking = id;
    const p = el("p", null, "picking");
    p.append(el("strong", "Chains from " + label(id) + ": "), el("span", "now click or search for a second node."));
    panel.prepend(p);
  }

  function pickPair(a, b) {
    state.picking = null;
    state.selected = null;
    state.pair = [a, b];
    state.chains = shortestChains(a, b, 40);
    network.selectNodes([a, b]);
    const keep = { nodes: new Set([a, b]), edges: new Set() };
    for (const chain of state.chains) for (const e of chain) { keep.edges.add(e.id); keep.nodes.add(e.source); keep.nodes.add(e.target); }
    applyHighlight(keep);
    const parts = [el("h2", `${label(a)} ↔ ${label(b)}`)];
    if (state.chains.length) {
      parts.push(el("p", `${state.chains.length} shortest chain${state.chains.length === 1 ? "" : "s"} of ${state.chains[0].length} step${state.chains[0].length === 1 ? "" : "s"}, through the claims drawn (either direction).`, "muted"));
      parts.push(list(state.chains.map((chain) => chainItem(chain, a))));
    } else {
      parts.push(el("p", "No chain connects them through the claims drawn.", "muted"));
    }
    panel.replaceChildren(...parts);
    document.getElementById("sheet-title").textContent = `${label(a)} ↔ ${label(b)}`;
    openSheet(true);
    if (state.ready) glide(fitView([...keep.nodes].filter(onCanvas)), true);
    writeHash();
  }

  // ------------------------------------------------------------------ search
  // Names are folded (case, accents), split at anything but letters and digits, a lone letter
  // joined to the number after it ("b-12", "b 12" -> "b12"), and abbreviations expanded; a word
  // matches within two edits (Damerau-Levenshtein), fewer for short words.
  const searchBox = document.getElementById("search");
  const results = document.getElementById("search-results");
  const SHOWN_RESULTS = 12;
  let active = 0;
  let showAll = false;

  function tokens(text) {
    const words = text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase().split(/[^a-z0-9]+/).filter(Boolean);
    const out = [];
    for (const w of words) {
      const last = out[out.length - 1];
      if (last !== undefined && /^[a-z]$/.test(last) && /^[0-9]+$/.test(w)) out[out.length - 1] = last + w;
      else out.push(w);
    }
    return out;
  }

  function editDistance(a, b, most) {
    if (Math.abs(a.length - b.length) > most) return most + 1;
    let prevPrev = null;
    let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
      const row = [i];
      let best = i;
      for (let j = 1; j <= b.length; j++) {
        const cost = a[i - 1] === b[j - 1] ? 0 : 1;
        let d = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + cost);
        if (prevPrev && i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, prevPrev[j - 2] + 1);
        row.push(d);
        best = Math.min(best, d);
      }
      if (best > most) return most + 1;
      prevPrev = prev;
      prev = row;
    }
    return prev[b.length];
  }

  const allowed = (word) => (word.length >= 6 ? 2 : word.length >= 4 ? 1 : 0);

  // How well one typed word matches one word of a name (lower is better; Infinity: not at all).
  function wordCost(typed, word, last) {
    if (typed === word) return 0;
    if (last && word.startsWith(typed)) return 0.5;
    if (/^[0-9]+$/.test(typed) || /[0-9]/.test(word) && /[0-9]/.test(typed)) return Infinity;  // numbers match exactly
    const most = allowed(typed);
    if (!most) return Infinity;
    const d = editDistance(typed, word, most);
    if (d <= most) return 1 + d;
    if (last && word.length > typed.length) {
      const p = editDistance(typed, word.slice(0, typed.length), most);
      if (p <= most) return 1.5 + p;
    }
    return Infinity;
  }

  function nameCost(query, name) {
    let total = 0;
    query.forEach((typed, i) => {
      const last = i === query.length - 1;
      const alternatives = page.abbreviations[typed] ? [typed, ...tokens(page.abbreviations[typed])] : [typed];
      let best = Infinity;
      for (const alt of alternatives) for (const word of name) best = Math.min(best, wordCost(alt, word, last));
      total += best;
    });
    if (total === Infinity) return total;
    if (name.length === query.length && total === 0) return -1;  // the whole name
    return total + (name.length - query.length) * 0.05;
  }

  const searchIndex = page.nodes.map((node) => ({
    node: node,
    names: [[node.label, tokens(node.label), 0]]
      .concat(node.synonyms.map((s) => [s, tokens(s), 0.3]))
      .concat(node.identifiers.concat([node.id]).map((i) => [i, tokens(i), 0.6])),
  }));

  function matches(text) {
    const query = tokens(text);
    if (!query.length) return [];
    const found = [];
    for (const entry of searchIndex) {
      let best = Infinity;
      let via = null;
      for (const [name, words, penalty] of entry.names) {
        const cost = nameCost(query, words) + penalty;
        if (cost < best) { best = cost; via = penalty ? name : null; }
      }
      if (best < Infinity) found.push({ node: entry.node, cost: best, via: via });
    }
    // Entities before the documents behind them; then closeness, then how connected.
    found.sort((a, b) => (a.node.kind === "source") - (b.node.kind === "source") || a.cost - b.cost
      || b.node.degree - a.node.degree || a.node.label.localeCompare(b.node.label) || (a.node.id < b.node.id ? -1 : 1));
    return found;
  }

  function mostConnected() {
    return page.nodes.filter((n) => n.kind !== "source").sort((a, b) => b.degree - a.degree || a.label.localeCompare(b.label))
      .map((n) => ({ node: n, cost: 0, via: null }));
  }

  function resultItem(hit, index) {
    const li = el("li");
    li.id = "result-" + index;
    li.setAttribute("role", "option");
    li.dataset.id = hit.node.id;
    const where = !nodeVisible(hit.node.id) ? (hit.node.nearby ? " · one step further" : " · hidden") : "";
    li.append(el("span", hit.node.label, "name"),
              el("span", (hit.via ? `${hit.node.kind} · “${hit.via}”` : hit.node.kind) + where, "kind"));
    li.addEventListener("mousedown", (event) => { event.preventDefault(); pick(hit.node.id); });
    return li;
  }

  function showResults(keepActive) {
    const typed = searchBox.value.trim();
    const found = typed ? matches(typed) : (results.dataset.browse === "true" ? mostConnected() : []);
    const cut = showAll ? Math.min(found.length, 200) : Math.min(found.length, SHOWN_RESULTS);
    if (!keepActive) active = 0;
    const items = found.slice(0, cut).map(resultItem);
    if (found.length > cut) {
      const more = el("li", `${found.length - cut} more…`, "more");
      more.id = "result-more";
      more.setAttribute("role", "option");
      more.dataset.more = "true";
      more.addEventListener("mousedown", (event) => { event.preventDefault(); showAll = true; showResults(true); });
      items.push(more);
    }
    if (!typed && items.length) {
      const heading = el("li", "Most connected", "heading");
      heading.setAttribute("role", "presentation");
      items.unshift(heading);
    }
    if (!found.length && typed) items.push(el("li", "No match", "muted"));
    results.replaceChildren(...items);
    results.hidden = !items.length;
    searchBox.setAttribute("aria-expanded", results.hidden ? "false" : "true");
    markActive();
  }

  function options() {
    return [...results.querySelectorAll("li[data-id], li[data-more]")];
  }

  function markActive() {
    const all = options();
    active = Math.max(0, Math.min(active, all.length - 1));
    all.forEach((o, i) => o.setAttribute("aria-selected", i === active ? "true" : "false"));
    if (all[active]) {
      searchBox.setAttribute("aria-activedescendant", all[active].id);
      all[active].scrollIntoView({ block: "nearest" });
    } else searchBox.removeAttribute("aria-activedescendant");
  }

  function pick(id) {
    results.hidden = true;
    searchBox.setAttribute("aria-expanded", "false");
    showAll = false;
    searchBox.blur();
    focusNode(id);
  }

  searchBox.addEventListener("input", () => { showAll = false; results.dataset.browse = "false"; showResults(); });
  searchBox.addEventListener("keydown", (event) => {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      if (results.hidden) { results.dataset.browse = "true"; showResults(); return; }
      const all = options();
      if (!all.length) return;
      active = (active + (event.key === "ArrowDown" ? 1 : all.length - 1)) % all.length;
      markActive();
    } else if (event.key === "Enter") {
      event.preventDefault();
      const chosen = options()[active];
      if (!chosen) return;
      if (chosen.dataset.more) { showAll = true; showResults(true); } else pick(chosen.dataset.id);
    } else if (event.key === "Escape") {
      results.hidden = true;
      searchBox.setAttribute("aria-expanded", "false");
    }
  });
  searchBox.addEventListener("blur", () => { results.hidden = true; searchBox.setAttribute("aria-expanded", "false"); });
  document.addEventListener("keydown", (event) => {
    if (event.key === "/" && document.activeElement !== searchBox) { event.preventDefault(); searchBox.focus(); }
    else if (event.key === "Escape" && document.activeElement !== searchBox) clearSelection();
  });

  // ------------------------------------------------------------------ drawers (narrow screens) and toolbar
  const wide = window.matchMedia("(min-width: 1200px)");

  function setLegend(open) {
    if (wide.matches) body.classList.toggle("legend-hidden", !open);
    else body.classList.toggle("legend-shown", open);
    document.getElementById("legend-toggle").setAttribute("aria-expanded", open ? "true" : "false");
  }

  function legendOpen() {
    return wide.matches ? !body.classList.contains("legend-hidden") : body.classList.contains("legend-shown");
  }

  function openSheet(open) {
    body.classList.toggle("sheet-open", open);
    document.getElementById("sheet-handle").setAttribute("aria-expanded", open ? "true" : "false");
  }

  document.getElementById("legend-toggle").addEventListener("click", () => setLegend(!legendOpen()));
  document.getElementById("legend-close").addEventListener("click", () => setLegend(false));
  document.getElementById("sheet-handle").addEventListener("click", () => openSheet(!body.classList.contains("sheet-open")));
  document.getElementById("details-toggle").addEventListener("click", () => {
    body.classList.toggle("details-hidden");
    document.getElementById("details-toggle").setAttribute("aria-expanded", body.classList.contains("details-hidden") ? "false" : "true");
  });
  document.getElementById("fit").addEventListener("click", () => fitVisible(true));
  document.getElementById("clear").addEventListener("click", clearSelection);
  document.getElementById("png").addEventListener("click", savePng);

  // The view as a PNG, made from the canvas in the page and handed to the browser as a download.
  function savePng() {
    const source = container.querySelector("canvas");
    const out = document.createElement("canvas");
    out.width = source.width;
    out.height = source.height;
    const ctx = out.getContext("2d");
    ctx.fillStyle = "#fbfcfd";
    ctx.fillRect(0, 0, out.width, out.height);
    ctx.drawImage(source, 0, 0);
    const ratio = source.width / Math.max(1, container.clientWidth);
    ctx.font = `${12 * ratio}px ${LABEL_FONT}`;
    ctx.fillStyle = "#56626b";
    ctx.fillText(`${page.title} · not medical advice`, 10 * ratio, out.height - 10 * ratio);
    const link = document.createElement("a");
    link.href = out.toDataURL("image/png");
    link.download = (page.title.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "") || "graph") + ".png";
    document.body.appendChild(link);
    link.click();
    link.remove();
  }

  // ------------------------------------------------------------------ state in the URL fragment
  // #sel=ID, #pair=A,B, hide=classes, rel=relation groups, status=evidence levels, open=nodes
  // brought in, shelf=open|closed (when not this screen's default): a copied address reopens
  // the same view. Ids not on the page are ignored.
  function stateText() {
    const parts = [];
    const put = (key, values) => { if (values.length) parts.push(key + "=" + values.map(encodeURIComponent).join(",")); };
    if (state.pair) put("pair", state.pair); else if (state.selected) put("sel", [state.selected]);
    put("hide", [...state.hiddenKinds].sort());
    put("rel", [...state.hiddenGroups].sort());
    put("status", [...state.hiddenStatuses].sort());
    put("open", [...state.shown].sort());
    if (state.shelfOpen !== shelfOpenByDefault()) put("shelf", [state.shelfOpen ? "open" : "closed"]);
    return parts.join("&");
  }

  let writtenHash = null;
  function writeHash() {
    if (!state.ready) return;
    const text = stateText();
    if (text === writtenHash) return;
    writtenHash = text;
    history.replaceState(null, "", text ? "#" + text : location.pathname + location.search);
  }

  function hashValues() {
    const values = {};
    for (const part of location.hash.replace(/^#/, "").split("&")) {
      const at = part.indexOf("=");
      if (at > 0) values[part.slice(0, at)] = part.slice(at + 1).split(",").map((v) => { try { return decodeURIComponent(v); } catch (e) { return ""; } });
    }
    return values;
  }

  function shelfFromHash(values) {
    const asked = (values.shelf || [])[0];
    return asked === "open" ? true : asked === "closed" ? false : shelfOpenByDefault();
  }

  function readHash() {
    const values = hashValues();
    const open = shelfFromHash(values);
    if (open !== state.shelfOpen) setShelf(open, !(values.sel || values.pair));
    state.hiddenKinds = new Set((values.hide || []).filter((k) => kindStyle.has(k)));
    state.hiddenGroups = new Set((values.rel || []).filter((g) => page.legend.groups.some((x) => x.group === g)));
    state.hiddenStatuses = new Set((values.status || []).filter((s) => STATUSES.includes(s)));
    state.shown = new Set((values.open || []).filter((id) => byId.has(id) && byId.get(id).nearby));
    refreshVisibility();
    const pair = (values.pair || []).filter((id) => byId.has(id));
    const sel = (values.sel || []).filter((id) => byId.has(id));
    if (pair.length === 2) pickPair(pair[0], pair[1]);
    else if (sel.length) { select(sel[0]); centreOn(sel[0], false); }
    else if (state.selected || state.pair) clearSelection();
    writtenHash = null;
    writeHash();
  }
  window.addEventListener("hashchange", readHash);

  // ------------------------------------------------------------------ the network
  const network = new vis.Network(container, { nodes: nodes, edges: edges }, net.options);

  network.on("click", (params) => {
    const shift = params.event && params.event.srcEvent && params.event.srcEvent.shiftKey;
    if (params.nodes.length) {
      const id = params.nodes[0];
      if (state.picking && state.picking !== id) pickPair(state.picking, id);
      else if (shift && state.selected && state.selected !== id) pickPair(state.selected, id);
      else select(id);
    } else if (params.edges.length) showClaim(params.edges[0]);
    else clearSelection();
  });
  network.on("doubleClick", (params) => { if (params.nodes.length && hiddenNeighbours(params.nodes[0]).length) expand(params.nodes[0]); });
  network.on("afterDrawing", drawLabels);
  network.on("animationFinished", () => {
    if (state.target) network.moveTo(state.target);
    state.target = null;
    body.dataset.moving = "false";
  });

  // A layout wider than tall is turned a quarter on a portrait screen (a phone), so that it
  // fills the screen instead of a strip across it. The same page turns the same way every time.
  function turnForPortrait() {
    if (container.clientHeight < container.clientWidth * 1.2) return;
    const placed = net.nodes.filter((n) => n.x !== undefined && byId.get(n.id).kind !== "source");
    if (!placed.length) return;
    const xs = placed.map((n) => n.x);
    const ys = placed.map((n) => n.y);
    if (Math.max(...xs) - Math.min(...xs) <= (Math.max(...ys) - Math.min(...ys)) * 1.1) return;
    nodes.update(placed.map((n) => ({ id: n.id, x: -n.y, y: n.x })));
  }

  function finish() {
    turnForPortrait();
    orderLabels();
    setShelf(shelfFromHash(hashValues()), false);  // before the fit, which keeps clear of it
    fitVisible(false);
    state.fitScale = network.getScale();
    state.ready = true;
    body.dataset.resting = page.physics ? "false" : "true";
    body.dataset.moving = "false";
    if (location.hash.length > 1) readHash();
    body.dataset.ready = "true";
  }

  buildLegend();
  buildShelf();
  syncShelf();
  showOverview();
  syncLegend();
  finish();
  if (page.physics) {
    network.on("stabilized", () => { body.dataset.resting = "true"; });
    network.on("startStabilizing", () => { body.dataset.resting = "false"; });
  }

  // ------------------------------------------------------------------ hooks for tests and scripts
  window.kgExplorer = {
    get ready() { return state.ready; },
    // What the page shows, on the canvas or (a source) on the shelf.
    counts: () => ({ nodes: page.nodes.filter((n) => nodeVisible(n.id)).length, edges: edges.get({ filter: (e) => !e.hidden }).length }),
    nodeIds: () => nodes.getIds().sort(),
    edgeIds: () => edges.getIds().sort(),
    sharedSymptoms: () => nodes.get({ filter: (n) => n.borderWidth === SHARED.borderWidth && n.color.border === SHARED.border })
      .map((n) => n.id).sort(),
    highlighted: () => (state.highlighted ? [...state.highlighted].sort() : []),
    highlightedEdges: () => (state.litEdges ? [...state.litEdges].sort() : []),
    dimmed: () => nodes.get({ filter: (n) => n.color && n.color.background === DIM_NODE.color.background }).map((n) => n.id).sort(),
    selected: () => state.selected,
    pair: () => state.pair,
    chains: () => state.chains.map((chain) => chain.map((e) => e.id)),
    visibleNodes: () => page.nodes.filter((n) => nodeVisible(n.id)).map((n) => n.id).sort(),
    visibleEdges: () => edges.get({ filter: (e) => !e.hidden }).map((e) => e.id).sort(),
    physicsEnabled: () => network.physics.physicsEnabled,
    positions: () => network.getPositions(),
    scale: () => network.getScale(),
    moving: () => body.dataset.moving === "true",
    labels: () => state.labels.map((b) => {
      const box = container.getBoundingClientRect();
      return { id: b.id, x: box.left + b.x, y: box.top + b.y, w: b.w, h: b.h };
    }),
    labelFont: (id) => { const n = byId.get(id); return fontOf(labelStyle(n), 1); },
    labelText: (id) => { const n = byId.get(id); return labelLines(n, labelStyle(n)).lines; },
    show(id) { centreOn(id, false); },
    fitScale: () => state.fitScale,
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
    viewCentre() {
      const box = container.getBoundingClientRect();
      return { x: box.left + box.width / 2, y: box.top + (box.height - coveredBelow()) / 2 };
    },
    emptyPoint() {
      const box = container.getBoundingClientRect();
      const sheet = coveredBelow();
      for (let fy = 0.1; fy < 1; fy += 0.05) {
        for (let fx = 0.05; fx < 1; fx += 0.05) {
          const point = { x: box.width * fx, y: (box.height - sheet) * fy };
          if (network.getNodeAt(point) === undefined && network.getEdgeAt(point) === undefined) {
            return { x: box.left + point.x, y: box.top + point.y };
          }
        }
      }
      return null;
    },
  };
})();
