// foerdergraph charts: bar, line and pie charts and a force-laid network, drawn as plain SVG
// (no library, nothing from another host). Shared by the query result views (results.js) and
// the entity summaries (summary.js).
"use strict";
window.fgCharts = (function () {
  const SVG = "http://www.w3.org/2000/svg";
  const COLOURS = ["#0b5394", "#e69138", "#6aa84f", "#cc0000", "#674ea7", "#45818e", "#bf9000", "#a64d79"];

  function el(tag, attrs, text) {
    const node = tag.startsWith("svg:") ? document.createElementNS(SVG, tag.slice(4)) : document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
    if (text !== undefined) node.textContent = text;
    return node;
  }

  let locale = "de-DE";
  const fmt = (n) => n.toLocaleString(locale, { maximumFractionDigits: 2 });
  const setLocale = (lang) => { locale = lang === "en" ? "en-GB" : "de-DE"; };

  // points: [[label, value], …]; `id` names the SVG (tests and styles find it by it)
  function bars(points, id) {
    const max = Math.max(...points.map((p) => p[1]), 1), h = 22, width = 720, left = 250;
    const svg = el("svg:svg", { id: id || "chart", class: "chart-svg", viewBox: `0 0 ${width} ${points.length * h + 10}`, role: "img", "aria-label": "Bar chart" });
    points.forEach(([label, value], i) => {
      const w = Math.max(1, (width - left - 90) * value / max);
      svg.appendChild(el("svg:text", { x: left - 6, y: i * h + 16, "text-anchor": "end", class: "chart-label" }, label.length > 34 ? label.slice(0, 33) + "…" : label));
      const bar = el("svg:rect", { x: left, y: i * h + 4, width: w, height: h - 6, fill: COLOURS[0], class: "bar" });
      bar.appendChild(el("svg:title", {}, `${label}: ${fmt(value)}`));
      svg.appendChild(bar);
      svg.appendChild(el("svg:text", { x: left + w + 4, y: i * h + 16, class: "chart-value" }, fmt(value)));
    });
    return svg;
  }

  function line(points, id) {
    const width = 720, height = 300, pad = 50, max = Math.max(...points.map((p) => p[1]), 1);
    const x = (i) => pad + (points.length < 2 ? 0 : i * (width - 2 * pad) / (points.length - 1));
    const y = (v) => height - pad - v * (height - 2 * pad) / max;
    const svg = el("svg:svg", { id: id || "chart", class: "chart-svg", viewBox: `0 0 ${width} ${height}`, role: "img", "aria-label": "Line chart" });
    svg.appendChild(el("svg:polyline", { points: points.map((p, i) => `${x(i)},${y(p[1])}`).join(" "), fill: "none", stroke: COLOURS[0], "stroke-width": 2 }));
    points.forEach(([label, value], i) => {
      const dot = el("svg:circle", { cx: x(i), cy: y(value), r: 4, fill: COLOURS[0], class: "point" });
      dot.appendChild(el("svg:title", {}, `${label}: ${fmt(value)}`));
      svg.appendChild(dot);
      if (points.length <= 30 || i % Math.ceil(points.length / 30) === 0) svg.appendChild(el("svg:text", { x: x(i), y: height - pad + 16, "text-anchor": "middle", class: "chart-label" }, label));
    });
    svg.appendChild(el("svg:text", { x: 4, y: pad - 8, class: "chart-value" }, fmt(max)));
    return svg;
  }

  function pie(points, id) {
    const total = points.reduce((s, p) => s + Math.max(0, p[1]), 0) || 1, r = 120, cx = 140, cy = 140;
    const svg = el("svg:svg", { id: id || "chart", class: "chart-svg", viewBox: `0 0 720 ${Math.max(290, points.length * 20 + 20)}`, role: "img", "aria-label": "Pie chart" });
    let angle = -Math.PI / 2;
    points.forEach(([label, value], i) => {
      const share = Math.max(0, value) / total, end = angle + share * 2 * Math.PI;
      const large = share > 0.5 ? 1 : 0, colour = COLOURS[i % COLOURS.length];
      const d = share >= 0.9999 ? `M ${cx - r} ${cy} a ${r} ${r} 0 1 0 ${2 * r} 0 a ${r} ${r} 0 1 0 ${-2 * r} 0`
        : `M ${cx} ${cy} L ${cx + r * Math.cos(angle)} ${cy + r * Math.sin(angle)} A ${r} ${r} 0 ${large} 1 ${cx + r * Math.cos(end)} ${cy + r * Math.sin(end)} Z`;
      const slice = el("svg:path", { d, fill: colour, class: "slice" });
      slice.appendChild(el("svg:title", {}, `${label}: ${fmt(value)} (${Math.round(share * 100)} %)`));
      svg.appendChild(slice);
      svg.appendChild(el("svg:rect", { x: 300, y: i * 20 + 8, width: 12, height: 12, fill: colour }));
      svg.appendChild(el("svg:text", { x: 318, y: i * 20 + 18, class: "chart-label" }, `${label} — ${fmt(value)} (${Math.round(share * 100)} %)`));
      angle = end;
    });
    return svg;
  }

  // A fixed number of force-layout steps from positions on a circle: the same data gives the
  // same picture.
  function layout(nodes, edges) {
    const w = 800, h = 600, k = Math.sqrt((w * h) / Math.max(1, nodes.length)) * 0.6;
    nodes.forEach((v, i) => { const t = 2 * Math.PI * i / nodes.length; v.x = w / 2 + 250 * Math.cos(t); v.y = h / 2 + 200 * Math.sin(t); });
    for (let step = 0, heat = 60; step < 150; step += 1, heat *= 0.97) {
      for (const v of nodes) { v.dx = 0; v.dy = 0; }
      for (let i = 0; i < nodes.length; i += 1) {
        for (let j = i + 1; j < nodes.length; j += 1) {
          const a = nodes[i], b = nodes[j], dx = a.x - b.x, dy = a.y - b.y, d = Math.max(1, Math.hypot(dx, dy)), f = k * k / d;
          a.dx += dx / d * f; a.dy += dy / d * f; b.dx -= dx / d * f; b.dy -= dy / d * f;
        }
      }
      for (const { a, b } of edges) {
        const dx = a.x - b.x, dy = a.y - b.y, d = Math.max(1, Math.hypot(dx, dy)), f = d * d / k;
        a.dx -= dx / d * f; a.dy -= dy / d * f; b.dx += dx / d * f; b.dy += dy / d * f;
      }
      for (const v of nodes) {
        v.dx -= (v.x - w / 2) * 0.02; v.dy -= (v.y - h / 2) * 0.02;  // gravity: off the border
        const d = Math.max(1, Math.hypot(v.dx, v.dy)), move = Math.min(d, heat);
        v.x = Math.min(w - 20, Math.max(20, v.x + v.dx / d * move));
        v.y = Math.min(h - 20, Math.max(20, v.y + v.dy / d * move));
      }
    }
    fit(nodes, w, h);
  }

  // Stretch the layout over the drawing (a dense partner network settles as a tight ball),
  // leaving room on the right for the labels.
  function fit(nodes, w, h) {
    if (nodes.length < 2) return;
    const xs = nodes.map((v) => v.x), ys = nodes.map((v) => v.y);
    const x0 = Math.min(...xs), x1 = Math.max(...xs), y0 = Math.min(...ys), y1 = Math.max(...ys);
    for (const v of nodes) {
      v.x = 30 + (x1 > x0 ? (v.x - x0) / (x1 - x0) : 0.5) * (w - 200);
      v.y = 25 + (y1 > y0 ? (v.y - y0) / (y1 - y0) : 0.5) * (h - 50);
    }
  }

  // nodes: [{iri, label, group}], edges: [{a, b, weight}] (a and b are node objects);
  // href(iri) is where a click on a node goes. Returns the SVG; `zoomable` adds wheel zoom and
  // dragging (and `svg.zoom(factor)` / `svg.zoom(0)` to reset, for buttons).
  const LABELS = 20;
  function network(nodes, edges, href, options) {
    const opts = options || {};
    layout(nodes, edges);
    const svg = el("svg:svg", { id: opts.id || "network", class: "network-svg", viewBox: "0 0 800 600", role: "img", "aria-label": "Network" });
    const degree = new Map(nodes.map((v) => [v, 0]));
    for (const e of edges) { degree.set(e.a, degree.get(e.a) + e.weight); degree.set(e.b, degree.get(e.b) + e.weight); }
    // the best-connected nodes carry their names; the others name themselves on hover
    const labelled = new Set([...nodes].sort((p, q) => degree.get(q) - degree.get(p)).slice(0, LABELS));
    for (const e of edges) {
      const edge = el("svg:line", { x1: e.a.x, y1: e.a.y, x2: e.b.x, y2: e.b.y, stroke: "#9aa5b1", "stroke-width": Math.min(6, e.weight), class: "edge" });
      edge.appendChild(el("svg:title", {}, `${e.a.label} — ${e.b.label}: ${e.weight}`));
      svg.appendChild(edge);
    }
    for (const v of nodes) {
      const a = el("svg:a", { href: href(v.iri), class: "node" });
      const circle = el("svg:circle", { cx: v.x, cy: v.y, r: 4 + Math.min(10, Math.sqrt(degree.get(v)) * 2), fill: COLOURS[(v.group || 0) % COLOURS.length] });
      circle.appendChild(el("svg:title", {}, v.label));
      a.appendChild(circle);
      if (labelled.has(v)) a.appendChild(el("svg:text", { x: v.x + 8, y: v.y + 4, class: "chart-label" }, v.label.length > 30 ? v.label.slice(0, 29) + "…" : v.label));
      svg.appendChild(a);
    }
    if (opts.zoomable) zoomable(svg);
    return svg;
  }

  function zoomable(svg) {
    const full = { x: 0, y: 0, w: 800, h: 600 };
    let view = { ...full };
    const apply = () => svg.setAttribute("viewBox", `${view.x} ${view.y} ${view.w} ${view.h}`);
    svg.zoom = (factor, cx, cy) => {
      if (!factor) { view = { ...full }; apply(); return; }
      const x = cx === undefined ? view.x + view.w / 2 : cx, y = cy === undefined ? view.y + view.h / 2 : cy;
      const w = Math.min(full.w * 4, Math.max(full.w / 20, view.w / factor)), h = w * full.h / full.w;
      view = { x: x - (x - view.x) * w / view.w, y: y - (y - view.y) * h / view.h, w, h };
      apply();
    };
    const point = (event) => {
      const box = svg.getBoundingClientRect();
      return [view.x + (event.clientX - box.left) / box.width * view.w, view.y + (event.clientY - box.top) / box.height * view.h];
    };
    svg.addEventListener("wheel", (event) => { event.preventDefault(); const [x, y] = point(event); svg.zoom(event.deltaY < 0 ? 1.25 : 0.8, x, y); }, { passive: false });
    let drag = null;
    svg.addEventListener("pointerdown", (event) => { if (event.target.closest("a")) return; drag = point(event); });
    svg.addEventListener("pointermove", (event) => {
      if (!drag) return;
      const [x, y] = point(event);
      view = { ...view, x: view.x + drag[0] - x, y: view.y + drag[1] - y };
      apply();
    });
    for (const end of ["pointerup", "pointerleave"]) svg.addEventListener(end, () => { drag = null; });
  }

  return { el, fmt, setLocale, bars, line, pie, network, COLOURS };
})();
