/* bundle-ls report page. Reads the model embedded in #report-data; builds every element with
 * textContent (never innerHTML), so nothing from a configuration file is read as markup.
 * Long lists are paged: the DOM never holds more than one page of rows. */
(function () {
  "use strict";
  var DATA = JSON.parse(document.getElementById("report-data").textContent);
  var FILES = DATA.files;
  var NS = new Map(DATA.namespaces.map(function (n) { return [n.id, n]; }));
  // the dialects in the legend's order: a node's colour is its dialect's place here
  var DIALECTS = DATA.distribution.dialects.map(function (d) { return d.id; });
  var PAGE = 100;
  var PANEL_PAGE = 50;

  function label(ns) { var n = NS.get(ns); return n ? n.label : ns; }

  function h(tag, attrs) {
    var el = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (k) {
        var v = attrs[k];
        if (v === null || v === undefined || v === false) return;
        if (k === "text") el.textContent = v;
        else if (k === "class") el.className = v;
        else if (k.slice(0, 2) === "on") el.addEventListener(k.slice(2), v);
        else el.setAttribute(k, v === true ? "" : v);
      });
    }
    for (var i = 2; i < arguments.length; i++) {
      var kid = arguments[i];
      if (kid === null || kid === undefined || kid === false) continue;
      if (Array.isArray(kid)) kid.forEach(function (k) { if (k) el.appendChild(k); });
      else el.appendChild(typeof kid === "string" ? document.createTextNode(kid) : kid);
    }
    return el;
  }

  function where(path, line, col) {
    return path + ":" + (line + 1) + (col === undefined || col === null ? "" : ":" + (col + 1));
  }

  function debounce(fn, ms) {
    var t = null;
    return function () { clearTimeout(t); t = setTimeout(fn, ms); };
  }

  /* ---- values ----------------------------------------------------------------------------- */

  function scalar(v) {
    if (v === null || v === undefined) return "null";
    if (typeof v === "string") return v;
    return String(v);
  }

  function shortValue(v) {
    var s;
    if (v === null || v === undefined) s = "";
    else if (Array.isArray(v)) s = "[" + v.map(shortValue).join(", ") + "]";
    else if (typeof v === "object") {
      s = Object.keys(v).map(function (k) { return k + ": " + shortValue(v[k]); }).join(", ");
    } else s = scalar(v);
    return s.length > 160 ? s.slice(0, 159) + "…" : s;
  }

  function yamlish(v, indent) {
    indent = indent || "";
    if (v === null || v === undefined) return indent + "(a whole file: not shown)";
    if (Array.isArray(v)) {
      if (v.every(function (x) { return x === null || typeof x !== "object"; })) {
        return indent + "[" + v.map(scalar).join(", ") + "]";
      }
      return v.map(function (x) { return indent + "- " + yamlish(x, indent + "  ").trim(); }).join("\n");
    }
    if (typeof v === "object") {
      return Object.keys(v).map(function (k) {
        var x = v[k];
        if (x !== null && typeof x === "object" && !(Array.isArray(x) && x.every(function (y) { return y === null || typeof y !== "object"; }))) {
          return indent + k + ":\n" + yamlish(x, indent + "  ");
        }
        return indent + k + ": " + yamlish(x, "").trim();
      }).join("\n");
    }
    return indent + scalar(v);
  }

  /* ---- pager ------------------------------------------------------------------------------ */

  function pager(el, state, size, total, rerender) {
    el.textContent = "";
    var pages = Math.max(1, Math.ceil(total / size));
    if (state.page >= pages) state.page = pages - 1;
    if (total <= size) return;
    var first = state.page * size;
    el.appendChild(h("button", { type: "button", "class": "prev", disabled: state.page === 0,
      onclick: function () { state.page--; rerender(); } }, "← Previous"));
    el.appendChild(h("span", { "class": "muted page-info" },
      (first + 1) + "–" + Math.min(total, first + size) + " of " + total));
    el.appendChild(h("button", { type: "button", "class": "next", disabled: state.page >= pages - 1,
      onclick: function () { state.page++; rerender(); } }, "Next →"));
  }

  /* ---- tabs and addresses ------------------------------------------------------------------- */

  var rendered = {};
  var current = "overview";

  function showTab(name, params) {
    if (!document.getElementById("sec-" + name)) name = "overview";
    current = name;
    document.querySelectorAll("main > section").forEach(function (s) { s.hidden = s.id !== "sec-" + name; });
    document.querySelectorAll(".tabs button[data-tab]").forEach(function (b) {
      b.setAttribute("aria-selected", b.getAttribute("data-tab") === name ? "true" : "false");
    });
    if (name === "effective") applyEffectiveParams(params);
    if (name === "findings") applyFindingParams(params);
    if (name === "effective") renderEffective();
    if (name === "findings") renderFindings();
    if (name === "changes" && !rendered.changes) { rendered.changes = true; renderChanges(); }
    if (name === "overview" && cy) cy.resize();
  }

  function route() {
    // a page made to open on one view (the editor's "Show effective configuration") says which
    var hash = location.hash.replace(/^#/, "") || DATA.start || "";
    var q = hash.indexOf("?");
    var name = q >= 0 ? hash.slice(0, q) : hash;
    var params = new URLSearchParams(q >= 0 ? hash.slice(q + 1) : "");
    showTab(name || "overview", params);
  }

  document.querySelectorAll(".tabs button[data-tab]").forEach(function (b) {
    b.addEventListener("click", function () { location.hash = b.getAttribute("data-tab"); });
  });
  window.addEventListener("hashchange", route);

  /* ---- the reference graph ------------------------------------------------------------------ */

  var cy = null;
  var badTargets = new Set();
  DATA.edges.forEach(function (e) { if (e.unresolved) { badTargets.add(e.target); badTargets.add(e.source); } });

  function initGraph() {
    var container = document.getElementById("graph");
    if (typeof cytoscape !== "function" || !container) return;
    var n = DATA.namespaces.length;
    var radius = Math.max(150, n * 18);
    var elements = DATA.namespaces.map(function (ns, i) {
      var angle = (2 * Math.PI * i) / Math.max(1, n);
      var colour = DIALECTS.indexOf(ns.dialect);
      return {
        group: "nodes",
        data: {
          id: ns.id,
          // the colour says which dialect: the label keeps the namespace's own name
          label: (colour >= 0 ? ns.short : ns.label) + "\n" + ns.objects,
          size: 18 + Math.min(70, 7 * Math.sqrt(ns.objects)),
          kind: ns.objects && colour >= 0 ? "dialect-" + (colour % 4) : "outside"
        },
        classes: badTargets.has(ns.id) ? "bad" : "",
        position: { x: radius * Math.cos(angle), y: radius * Math.sin(angle) }
      };
    });
    DATA.edges.forEach(function (e, i) {
      if (!NS.has(e.source) || !NS.has(e.target)) return;
      elements.push({
        group: "edges",
        data: {
          id: "e" + i, source: e.source, target: e.target, references: e.references,
          width: 1 + Math.min(9, Math.log2(1 + e.references)),
          label: e.unresolved ? e.unresolved + " unresolved" : ""
        },
        classes: e.unresolved ? "bad" : ""
      });
    });
    cy = cytoscape({
      container: container,
      elements: elements,
      minZoom: 0.1,
      maxZoom: 5,
      style: [
        { selector: "node", style: {
          "width": "data(size)", "height": "data(size)", "label": "data(label)",
          "text-wrap": "wrap", "text-valign": "bottom", "text-margin-y": 3, "font-size": 11,
          "color": "#1d2430", "background-color": "#2f5fb3", "border-width": 0 } },
        { selector: "node[kind = 'dialect-0']", style: { "background-color": "#2e8b57" } },
        { selector: "node[kind = 'dialect-1']", style: { "background-color": "#2f5fb3" } },
        { selector: "node[kind = 'dialect-2']", style: { "background-color": "#8e44ad" } },
        { selector: "node[kind = 'dialect-3']", style: { "background-color": "#d35400" } },
        { selector: "node[kind = 'outside']", style: { "background-color": "#a0a8b5" } },
        { selector: "node.bad", style: { "border-width": 3, "border-color": "#c62828" } },
        { selector: "node:selected", style: { "border-width": 4, "border-color": "#f2a900" } },
        { selector: "edge", style: {
          "width": "data(width)", "line-color": "#9aa5b5", "target-arrow-color": "#9aa5b5",
          "target-arrow-shape": "triangle", "curve-style": "bezier", "arrow-scale": 0.8,
          "opacity": 0.8 } },
        { selector: "edge.bad", style: {
          "line-color": "#c62828", "target-arrow-color": "#c62828", "label": "data(label)",
          "font-size": 9, "color": "#c62828", "text-background-color": "#fff",
          "text-background-opacity": 0.8 } },
        { selector: ".faded", style: { "opacity": 0.15 } }
      ],
      layout: {
        name: "cose", animate: false, randomize: false, fit: true, padding: 30,
        nodeDimensionsIncludeLabels: true, nodeRepulsion: function () { return 9000; },
        idealEdgeLength: function () { return 90; }, numIter: 1500
      }
    });
    cy.on("tap", "node", function (evt) { showNode(evt.target.id()); });
    cy.on("tap", function (evt) { if (evt.target === cy) { cy.elements().removeClass("faded"); } });
    document.getElementById("graph-fit").addEventListener("click", function () { cy.fit(undefined, 30); });
    document.getElementById("graph-zoom-in").addEventListener("click", function () { zoomBy(1.3); });
    document.getElementById("graph-zoom-out").addEventListener("click", function () { zoomBy(1 / 1.3); });
  }

  function zoomBy(f) {
    var c = document.getElementById("graph");
    cy.zoom({ level: cy.zoom() * f, renderedPosition: { x: c.clientWidth / 2, y: c.clientHeight / 2 } });
  }

  /* ---- a node's objects ---------------------------------------------------------------------- */

  var panel = { ns: null, q: "", page: 0 };

  function showNode(ns) {
    panel.ns = ns; panel.q = ""; panel.page = 0;
    if (cy) {
      var node = cy.getElementById(ns);
      cy.elements().unselect();
      node.select();
      var near = node.closedNeighborhood();
      cy.elements().addClass("faded");
      near.removeClass("faded");
    }
    document.querySelectorAll("#namespace-table tr.selected").forEach(function (r) { r.classList.remove("selected"); });
    var row = document.querySelector('#namespace-table tr[data-ns="' + CSS.escape(ns) + '"]');
    if (row) row.classList.add("selected");
    renderPanel(true);
  }

  function renderPanel(fresh) {
    var el = document.getElementById("node-panel");
    var ns = panel.ns;
    var info = NS.get(ns) || { label: ns, objects: 0, files: 0 };
    var objects = DATA.objects[ns] || [];
    var q = panel.q.toLowerCase();
    var shown = q ? objects.filter(function (o) { return o[0].toLowerCase().indexOf(q) >= 0 || FILES[o[1]].toLowerCase().indexOf(q) >= 0; }) : objects;
    if (fresh) {
      el.textContent = "";
      el.appendChild(h("h3", { id: "node-title" }, info.label));
      el.appendChild(h("p", { "class": "muted", id: "node-counts" },
        info.objects + " objects in " + info.files + " files" +
        (info.objects ? "" : " — nothing of it is defined in this folder")));
      var outs = DATA.edges.filter(function (e) { return e.source === ns; });
      var ins = DATA.edges.filter(function (e) { return e.target === ns && e.source !== ns; });
      function edgeList(title, list, other) {
        if (!list.length) return null;
        return h("div", { "class": "edges" }, h("b", null, title),
          h("ul", null, list.map(function (e) {
            var txt = label(e[other]) + ": " + e.references + " reference" + (e.references === 1 ? "" : "s");
            var parts = [];
            if (e.outside) parts.push(e.outside + " defined outside this folder");
            if (e.unresolved) parts.push(e.unresolved + " unresolved");
            return h("li", { "class": e.unresolved ? "differs" : null }, txt + (parts.length ? " (" + parts.join(", ") + ")" : ""));
          })));
      }
      [edgeList("Refers to", outs, "target"), edgeList("Referred to by", ins, "source")].forEach(function (x) {
        if (x) el.appendChild(x);
      });
      if (objects.length) {
        el.appendChild(h("input", { type: "search", id: "node-search", placeholder: "Filter these objects…",
          oninput: debounce(function () { panel.q = document.getElementById("node-search").value; panel.page = 0; renderPanel(false); }, 120) }));
      }
      el.appendChild(h("ul", { id: "node-objects" }));
      el.appendChild(h("div", { "class": "pager", id: "node-pager" }));
    }
    var ul = document.getElementById("node-objects");
    ul.textContent = "";
    pager(document.getElementById("node-pager"), panel, PANEL_PAGE, shown.length, function () { renderPanel(false); });
    shown.slice(panel.page * PANEL_PAGE, (panel.page + 1) * PANEL_PAGE).forEach(function (o) {
      ul.appendChild(h("li", null,
        h("a", { href: "#effective?ns=" + encodeURIComponent(ns) + "&key=" + encodeURIComponent(o[3] || o[0]) }, o[0]),
        " ", h("span", { "class": "muted mono" }, where(FILES[o[1]], o[2]))));
    });
  }

  document.querySelectorAll("#namespace-table tr[data-ns]").forEach(function (row) {
    row.addEventListener("click", function () {
      showNode(row.getAttribute("data-ns"));
      document.getElementById("graph").scrollIntoView({ block: "nearest" });
    });
  });

  /* ---- the effective configuration ------------------------------------------------------------ */

  var eff = { q: "", ns: "", status: "", key: "", page: 0, open: new Set() };
  var effText = null;

  function effSearchText(r) {
    return (r.key + "\n" + (r.label || "") + "\n" + label(r.ns) + "\n" + r.ns + "\n" + FILES[r.winner.f] + "\n" + shortValue(r.winner.v)).toLowerCase();
  }

  (function fillEffectiveNs() {
    var sel = document.getElementById("effective-ns");
    var seen = new Set(DATA.effective.map(function (r) { return r.ns; }));
    DATA.namespaces.forEach(function (n) {
      if (seen.has(n.id)) sel.appendChild(h("option", { value: n.id }, n.label));
    });
    sel.addEventListener("change", function () { eff.ns = sel.value; eff.key = ""; eff.page = 0; renderEffective(); });
    document.getElementById("effective-status").addEventListener("change", function (e) { eff.status = e.target.value; eff.page = 0; renderEffective(); });
    var box = document.getElementById("effective-search");
    box.addEventListener("input", debounce(function () { eff.q = box.value; eff.key = ""; eff.page = 0; renderEffective(); }, 150));
  })();

  function applyEffectiveParams(p) {
    if (!p || !Array.from(p.keys()).length) return;
    eff.ns = p.get("ns") || ""; eff.status = p.get("status") || ""; eff.key = p.get("key") || "";
    eff.q = p.get("q") || ""; eff.page = 0;
    document.getElementById("effective-ns").value = eff.ns;
    document.getElementById("effective-status").value = eff.status;
    document.getElementById("effective-search").value = eff.q || eff.key;
    if (eff.key) { eff.q = ""; }
  }

  function effFiltered() {
    if (eff.q && !effText) effText = DATA.effective.map(effSearchText);
    var q = eff.q.toLowerCase();
    var out = [];
    for (var i = 0; i < DATA.effective.length; i++) {
      var r = DATA.effective[i];
      if (eff.ns && r.ns !== eff.ns) continue;
      if (eff.status === "more" && r.status === "single") continue;
      if (eff.status && eff.status !== "more" && r.status !== eff.status) continue;
      if (eff.key && r.key !== eff.key) continue;
      if (q && effText[i].indexOf(q) < 0) continue;
      out.push(i);
    }
    return out;
  }

  function renderEffective() {
    var rows = effFiltered();
    var tbody = document.getElementById("effective-rows");
    tbody.textContent = "";
    document.getElementById("effective-count").textContent = rows.length + " of " + DATA.effective.length + " keys";
    pager(document.getElementById("effective-pager"), eff, PAGE, rows.length, renderEffective);
    rows.slice(eff.page * PAGE, (eff.page + 1) * PAGE).forEach(function (i) {
      var r = DATA.effective[i];
      var others = r.others || [];
      var conflicts = others.filter(function (o) { return o.same === false; }).length;
      var identical = others.filter(function (o) { return o.same === true; }).length;
      var summary = others.length ? others.length + " other" + (others.length === 1 ? "" : "s") +
        (conflicts ? ", " + conflicts + " conflicting" : "") + (identical ? ", " + identical + " identical" : "") : "";
      var tr = h("tr", { "class": "main status-row-" + r.status, "data-index": String(i),
        onclick: function () { if (eff.open.has(i)) eff.open.delete(i); else eff.open.add(i); renderEffective(); } },
        h("td", null, label(r.ns)),
        h("td", { "class": "mono key" + (r.status === "conflict" ? " status-conflict" : r.status === "identical" ? " status-identical" : "") }, r.label || r.key),
        h("td", { "class": "value" }, r.winner.v === null || r.winner.v === undefined ? h("span", { "class": "muted" }, "(a whole file: not shown)") : shortValue(r.winner.v)),
        h("td", { "class": "mono setby" }, where(FILES[r.winner.f], r.winner.l)),
        h("td", { "class": "also" + (conflicts ? " status-conflict" : "") }, summary));
      tbody.appendChild(tr);
      if (eff.open.has(i)) tbody.appendChild(effDetail(r));
    });
  }

  function effDetail(r) {
    var why = DATA.rules[r.rule] || "";
    var rule = why ? why.charAt(0).toUpperCase() + why.slice(1) + "." : "";
    var kids = [
      h("div", null, h("b", null, "Wins: "), h("span", { "class": "mono" }, where(FILES[r.winner.f], r.winner.l)),
        r.winner.order !== undefined ? " (order " + r.winner.order + ")" : "", " — ", h("span", { "class": "muted" }, rule)),
      h("pre", null, yamlish(r.winner.v))
    ];
    (r.others || []).forEach(function (o) {
      var state = o.same === true ? "identical" : o.same === false
        ? (o.differs.length ? "differs in " + o.differs.join(", ") : "different value") : "not compared";
      kids.push(h("div", { "class": "other" + (o.same === false ? " differs" : "") },
        h("span", { "class": "mono" }, where(FILES[o.f], o.l)), o.order !== undefined ? " (order " + o.order + ")" : "", " — " + state));
      if (o.same === false && o.v !== undefined) kids.push(h("pre", null, yamlish(o.v)));
    });
    return h("tr", { "class": "detail" }, h("td", { colspan: "5" }, kids));
  }

  /* ---- findings ------------------------------------------------------------------------------- */

  var fnd = { q: "", severities: new Set(["error", "warning", "information", "hint"]), code: "", folder: "", onlyNew: false, page: 0 };
  var fndText = null;

  (function fillFindingFilters() {
    var codeSel = document.getElementById("findings-code");
    Object.keys(DATA.summary.codes).forEach(function (c) { codeSel.appendChild(h("option", { value: c }, c)); });
    codeSel.addEventListener("change", function () { fnd.code = codeSel.value; fnd.page = 0; renderFindings(); });
    var folderSel = document.getElementById("findings-folder");
    DATA.bundles.forEach(function (b) {
      if (b.findings) folderSel.appendChild(h("option", { value: b.id }, b.label + " (" + b.findings + ")"));
    });
    folderSel.addEventListener("change", function () { fnd.folder = folderSel.value; fnd.page = 0; renderFindings(); });
    document.querySelectorAll('input[name="severity"]').forEach(function (box) {
      box.addEventListener("change", function () {
        if (box.checked) fnd.severities.add(box.value); else fnd.severities.delete(box.value);
        fnd.page = 0; renderFindings();
      });
    });
    var onlyNew = document.getElementById("findings-new");
    if (onlyNew) onlyNew.addEventListener("change", function () { fnd.onlyNew = onlyNew.checked; fnd.page = 0; renderFindings(); });
    var box = document.getElementById("findings-search");
    box.addEventListener("input", debounce(function () { fnd.q = box.value; fnd.page = 0; renderFindings(); }, 150));
  })();

  function applyFindingParams(p) {
    if (!p || !Array.from(p.keys()).length) return;
    var sev = p.get("severity");
    fnd.severities = new Set(sev ? [sev] : ["error", "warning", "information", "hint"]);
    document.querySelectorAll('input[name="severity"]').forEach(function (b) { b.checked = fnd.severities.has(b.value); });
    fnd.code = p.get("code") || ""; document.getElementById("findings-code").value = fnd.code;
    fnd.folder = p.get("folder") || ""; document.getElementById("findings-folder").value = fnd.folder;
    fnd.q = p.get("q") || ""; document.getElementById("findings-search").value = fnd.q;
    fnd.page = 0;
  }

  function findingsFiltered() {
    var q = fnd.q.toLowerCase();
    if (q && !fndText) fndText = DATA.findings.map(function (f) { return (f.message + "\n" + FILES[f.f] + "\n" + f.code).toLowerCase(); });
    var out = [];
    for (var i = 0; i < DATA.findings.length; i++) {
      var f = DATA.findings[i];
      if (!fnd.severities.has(f.severity)) continue;
      if (fnd.code && f.code !== fnd.code) continue;
      if (fnd.folder && f.bundle !== fnd.folder) continue;
      if (fnd.onlyNew && !f["new"]) continue;
      if (q && fndText[i].indexOf(q) < 0) continue;
      out.push(i);
    }
    return out;
  }

  function findingCard(f, path, extraClass) {
    var ctx = null;
    if (f.context) {
      ctx = h("pre", { "class": "src" }, f.context.lines.map(function (text, k) {
        var n = f.context.start + k;
        return h("span", { "class": n === f.l ? "hit" : null }, h("i", null, String(n + 1)), text);
      }));
    }
    var related = (f.related || []).map(function (r) {
      return h("div", { "class": "related" }, "↳ ", h("span", { "class": "mono" }, where(r.path, r.l, r.c)), " " + r.message);
    });
    return h("div", { "class": "finding " + f.severity + (extraClass ? " " + extraClass : ""), "data-code": f.code },
      h("div", null,
        h("span", { "class": "sev" }, f.severity),
        h("span", { "class": "message" }, f.message),
        f["new"] ? h("span", { "class": "badge-new" }, "new") : null),
      h("div", { "class": "where mono" }, where(path, f.l, f.c) + "  [" + f.code + "]"),
      related, ctx);
  }

  function renderFindingList(listEl, indices, state, pagerEl, rerender) {
    listEl.textContent = "";
    pager(pagerEl, state, PAGE, indices.length, rerender);
    var perCode = {};
    indices.forEach(function (i) { var c = DATA.findings[i].code; perCode[c] = (perCode[c] || 0) + 1; });
    var group = null, groupCode = null;
    indices.slice(state.page * PAGE, (state.page + 1) * PAGE).forEach(function (i) {
      var f = DATA.findings[i];
      if (f.code !== groupCode) {
        groupCode = f.code;
        group = h("div", { "class": "group", "data-code": f.code },
          h("h3", null, f.code + " ", h("span", { "class": "muted" }, "— " + perCode[f.code] + " finding" + (perCode[f.code] === 1 ? "" : "s"))));
        listEl.appendChild(group);
      }
      group.appendChild(findingCard(f, FILES[f.f]));
    });
    if (!indices.length) listEl.appendChild(h("p", { "class": "muted" }, "No finding matches."));
  }

  function renderFindings() {
    var rows = findingsFiltered();
    document.getElementById("findings-count").textContent = rows.length + " of " + DATA.findings.length + " findings";
    renderFindingList(document.getElementById("findings-list"), rows, fnd,
      document.getElementById("findings-pager"), renderFindings);
  }

  /* ---- changes since the baseline ---------------------------------------------------------------- */

  var chNew = { page: 0 }, chFixed = { page: 0 };

  function renderChanges() {
    var news = [];
    DATA.findings.forEach(function (f, i) { if (f["new"]) news.push(i); });
    (function again() {
      renderFindingList(document.getElementById("changes-new"), news, chNew,
        document.getElementById("changes-new-pager"), again);
    })();
    var fixed = DATA.baseline.fixed;
    (function again() {
      var el = document.getElementById("changes-fixed");
      el.textContent = "";
      pager(document.getElementById("changes-fixed-pager"), chFixed, PAGE, fixed.length, again);
      fixed.slice(chFixed.page * PAGE, (chFixed.page + 1) * PAGE).forEach(function (f) {
        el.appendChild(findingCard(f, f.path, "fixed-finding"));
      });
      if (!fixed.length) el.appendChild(h("p", { "class": "muted" }, "Nothing fixed."));
    })();
    if (!news.length) document.getElementById("changes-new").appendChild(h("p", { "class": "muted" }, "Nothing new."));
  }

  /* ---- one search box for the whole page ------------------------------------------------------------ */

  var global = document.getElementById("global-search");
  global.addEventListener("input", debounce(function () {
    var q = global.value;
    eff.q = q; eff.key = ""; eff.page = 0; fnd.q = q; fnd.page = 0;
    document.getElementById("effective-search").value = q;
    document.getElementById("findings-search").value = q;
    var nEff = effFiltered().length, nFnd = findingsFiltered().length;
    document.querySelector("#tab-effective .count").textContent = q ? nEff + " / " + DATA.effective.length : String(DATA.effective.length);
    document.querySelector("#tab-findings .count").textContent = q ? nFnd + " / " + DATA.findings.length : String(DATA.findings.length);
    if (current === "effective") renderEffective();
    else if (current === "findings") renderFindings();
    else if (q && (nEff || nFnd)) location.hash = nEff ? "effective" : "findings";
  }, 200));

  /* ---- start -------------------------------------------------------------------------------------------- */

  initGraph();
  route();
  performance.mark("report-ready");
  window.bundleLsReport = {
    cy: cy,
    data: DATA,
    showNode: showNode,
    ready: true
  };
})();
