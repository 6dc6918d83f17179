// foerdergraph result views: a SPARQL JSON result as a readable table (labels with links,
// wrapped cells, sorting, paging, a filter box), as a chart (bar, line, pie from its columns) or,
// when it has two IRI columns, as a network. The drawing is charts.js's (plain SVG, no library,
// nothing loaded from another host); this file turns result rows into its points and nodes.
"use strict";
window.fgResults = (function () {
  const PAGE = 50, TOP = 20;
  const NUMERIC = /#(integer|decimal|double|float|long|int|short|nonNegativeInteger|positiveInteger|gYear)$/;
  const escapeHtml = (s) => String(s).replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" }[c]));

  const charts = window.fgCharts, el = charts.el;

  // A cell's text: the label column beside an IRI column (?x and ?xLabel), else the prefixed
  // name, else the IRI itself.
  function shortName(iri, prefixes) {
    for (const [p, ns] of Object.entries(prefixes)) if (iri.startsWith(ns)) return p + ":" + iri.slice(ns.length);
    return iri;
  }
  const isNumber = (b) => b && b.type !== "uri" && b.type !== "bnode" && (NUMERIC.test(b.datatype || "") || (!b.datatype && b.value !== "" && !isNaN(Number(b.value))));

  function model(data, config) {
    const vars = data.head.vars, rows = data.results.bindings;
    const labelled = new Set(vars.filter((v) => vars.includes(v + "Label")));
    const shown = vars.filter((v) => !(v.endsWith("Label") && labelled.has(v.slice(0, -5))));
    const text = (row, v) => {
      const b = row[v];
      if (!b) return "";
      if (b.type === "uri") return labelled.has(v) && row[v + "Label"] ? row[v + "Label"].value : shortName(b.value, config.prefixes);
      return b.type === "bnode" ? "_:" + b.value : b.value;
    };
    const iriColumns = shown.filter((v) => rows.some((r) => r[v] && r[v].type === "uri"));
    const numberColumns = shown.filter((v) => rows.some((r) => r[v]) && rows.every((r) => !r[v] || isNumber(r[v])));
    return { vars, rows, shown, labelled, text, iriColumns, numberColumns };
  }

  // ------------------------------------------------------------------ table
  function table(out, m, config, state) {
    const needle = state.filter.toLowerCase();
    let rows = needle ? m.rows.filter((r) => m.shown.some((v) => m.text(r, v).toLowerCase().includes(needle))) : m.rows.slice();
    if (state.sort) {
      const { column, down } = state.sort, numeric = m.numberColumns.includes(column);
      rows.sort((a, b) => {
        const x = m.text(a, column), y = m.text(b, column);
        const order = numeric ? (Number(x || -Infinity) - Number(y || -Infinity)) : x.localeCompare(y, "de");
        return down ? -order : order;
      });
    }
    const pages = Math.max(1, Math.ceil(rows.length / PAGE));
    state.page = Math.min(state.page, pages);
    const tableEl = el("table", { id: "results-table" });
    tableEl.appendChild(el("caption", { class: "visually-hidden" }, "Query results"));
    const head = tableEl.createTHead().insertRow();
    for (const v of m.shown) {
      const th = el("th", { scope: "col" });
      const current = state.sort && state.sort.column === v;
      if (current) th.setAttribute("aria-sort", state.sort.down ? "descending" : "ascending");
      const button = el("button", { type: "button", class: "sort", "data-column": v }, v + (current ? (state.sort.down ? " ▼" : " ▲") : ""));
      button.addEventListener("click", () => { state.sort = { column: v, down: current ? !state.sort.down : m.numberColumns.includes(v) }; state.redraw(); });
      th.appendChild(button);
      head.appendChild(th);
    }
    const body = tableEl.createTBody();
    for (const row of rows.slice((state.page - 1) * PAGE, state.page * PAGE)) {
      const tr = body.insertRow();
      for (const v of m.shown) tr.appendChild(cell(row, v, m, config));
    }
    out.appendChild(tableEl);
    const pager = el("nav", { class: "pager", "aria-label": "Result pages" });
    const prev = el("button", { type: "button", id: "results-prev" }, "‹ previous");
    const next = el("button", { type: "button", id: "results-next" }, "next ›");
    prev.disabled = state.page <= 1; next.disabled = state.page >= pages;
    prev.addEventListener("click", () => { state.page -= 1; state.redraw(); });
    next.addEventListener("click", () => { state.page += 1; state.redraw(); });
    pager.append(prev, el("span", { id: "results-page" }, `page ${state.page} of ${pages} · ${rows.length} of ${m.rows.length} rows`), next);
    out.appendChild(pager);
  }

  function cell(row, v, m, config) {
    const td = el("td"), b = row[v];
    if (!b) return td;
    const text = m.text(row, v);
    if (b.type === "uri") {
      const a = el("a", { href: config.localHref(b.value), title: b.value }, text);
      td.appendChild(a);
    } else if (text.length > 160) {
      // a long literal (a quote, a document text) scrolls inside its cell: rows stay short
      td.appendChild(el("div", { class: "long", tabindex: "0" }, text));
    } else {
      td.textContent = text;
      if (isNumber(b)) td.className = "num";
    }
    if (b["xml:lang"]) td.lang = b["xml:lang"];
    return td;
  }

  // ------------------------------------------------------------------ charts
  function chart(out, m, state) {
    if (!m.numberColumns.length) { out.appendChild(el("p", { class: "hint" }, "No numeric column to chart.")); return; }
    const labels = m.shown.filter((v) => !m.numberColumns.includes(v));
    const pick = (id, name, options, value) => {
      const label = el("label", { for: id }, name + " ");
      const select = el("select", { id });
      for (const o of options) select.appendChild(el("option", o === value ? { value: o, selected: "" } : { value: o }, o));
      select.addEventListener("change", () => { state.chart[id.replace("chart-", "")] = select.value; state.redraw(); });
      label.appendChild(select);
      return label;
    };
    const c = state.chart;
    c.kind = c.kind || "bar";
    c.label = labels.includes(c.label) ? c.label : (labels[0] || m.numberColumns[0]);
    c.value = m.numberColumns.includes(c.value) ? c.value : m.numberColumns[m.numberColumns.length - 1];
    const controls = el("div", { class: "chart-controls" });
    controls.append(pick("chart-kind", "Chart", ["bar", "line", "pie"], c.kind), pick("chart-label", "Labels", labels.length ? labels : m.numberColumns, c.label), pick("chart-value", "Values", m.numberColumns, c.value));
    out.appendChild(controls);
    const sums = new Map();
    for (const row of m.rows) {
      const key = m.text(row, c.label), value = Number(row[c.value] ? row[c.value].value : 0);
      sums.set(key, (sums.get(key) || 0) + value);
    }
    let points = [...sums.entries()];
    if (c.kind === "line") points.sort((a, b) => (isNaN(a[0]) || isNaN(b[0]) ? a[0].localeCompare(b[0]) : a[0] - b[0]));
    else points = points.sort((a, b) => b[1] - a[1]).slice(0, TOP);
    const note = c.kind === "line" ? `${c.value} summed per ${c.label}` : `${c.value} summed per ${c.label}, the ${Math.min(TOP, sums.size)} largest of ${sums.size}`;
    out.appendChild(el("p", { class: "hint", id: "chart-note" }, note));
    out.appendChild(charts[c.kind === "pie" || c.kind === "line" ? c.kind : "bars"](points));
  }

  // ------------------------------------------------------------------ network
  // Nodes are the IRIs of two columns, an edge joins the two IRIs of a row, weighted by the rows
  // that join them.
  function network(out, m, config, state) {
    const n = state.network;
    n.from = m.iriColumns.includes(n.from) ? n.from : m.iriColumns[0];
    n.to = m.iriColumns.includes(n.to) && n.to !== n.from ? n.to : m.iriColumns.find((v) => v !== n.from);
    const controls = el("div", { class: "chart-controls" });
    for (const [id, key] of [["network-from", "from"], ["network-to", "to"]]) {
      const label = el("label", { for: id }, (key === "from" ? "From " : "To "));
      const select = el("select", { id });
      for (const o of m.iriColumns) select.appendChild(el("option", o === n[key] ? { value: o, selected: "" } : { value: o }, o));
      select.addEventListener("change", () => { n[key] = select.value; state.redraw(); });
      label.appendChild(select);
      controls.appendChild(label);
    }
    out.appendChild(controls);
    const nodes = new Map(), edges = new Map();
    const node = (row, v) => {
      const iri = row[v].value;
      if (!nodes.has(iri)) nodes.set(iri, { iri, label: m.text(row, v), column: v });
      return nodes.get(iri);
    };
    for (const row of m.rows) {
      if (!row[n.from] || !row[n.to] || row[n.from].type !== "uri" || row[n.to].type !== "uri") continue;
      const a = node(row, n.from), b = node(row, n.to), key = a.iri + " " + b.iri;
      edges.set(key, { a, b, weight: (edges.has(key) ? edges.get(key).weight : 0) + 1 });
    }
    const list = [...nodes.values()].slice(0, 300);
    for (const v of list) v.group = v.column === n.from ? 0 : 1;
    const drawn = [...edges.values()].filter((e) => list.includes(e.a) && list.includes(e.b));
    out.appendChild(el("p", { class: "hint", id: "network-note" }, `${nodes.size} nodes, ${edges.size} links${nodes.size > 300 ? " (the first 300 nodes drawn)" : ""}; click a node to open it.`));
    out.appendChild(charts.network(list, drawn, config.localHref, { id: "network" }));
  }

  // ------------------------------------------------------------------ entry point
  // Draws `data` into `out` with a view switch (table, chart, network) and a filter box;
  // returns the number of rows.
  function render(out, data, config) {
    const m = model(data, config);
    const state = { view: "table", filter: "", page: 1, sort: null, chart: {}, network: {} };
    const bar = el("div", { class: "view-bar", role: "toolbar", "aria-label": "Result views" });
    const views = [["table", "Table"], ["chart", "Chart"]];
    if (m.iriColumns.length >= 2) views.push(["network", "Network"]);
    for (const [name, title] of views) {
      const b = el("button", { type: "button", id: "view-" + name, "aria-pressed": String(name === "table") }, title);
      b.addEventListener("click", () => { state.view = name; bar.querySelectorAll("button").forEach((x) => x.setAttribute("aria-pressed", String(x === b))); state.redraw(); });
      bar.appendChild(b);
    }
    const filterLabel = el("label", { for: "results-filter" }, "Filter rows ");
    const filter = el("input", { id: "results-filter", type: "search" });
    filter.addEventListener("input", () => { state.filter = filter.value; state.page = 1; state.redraw(); });
    filterLabel.appendChild(filter);
    bar.appendChild(filterLabel);
    const body = el("div", { id: "result-view" });
    out.innerHTML = "";
    out.append(bar, body);
    state.redraw = () => {
      body.innerHTML = "";
      filterLabel.hidden = state.view !== "table";
      if (state.view === "chart") chart(body, m, state);
      else if (state.view === "network") network(body, m, config, state);
      else table(body, m, config, state);
    };
    state.redraw();
    return m.rows.length;
  }

  return { render, escapeHtml };
})();
