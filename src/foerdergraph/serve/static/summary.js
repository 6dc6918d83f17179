// foerdergraph entity summaries: the charts of the totals tables (the page embeds their numbers
// as JSON) and the partner network (fetched from /network/partners), drawn with charts.js.
// The tables work without this script; the charts add the picture.
"use strict";
(function () {
  const charts = window.fgCharts;
  const data = JSON.parse(document.getElementById("summary-data").textContent);
  charts.setLocale(data.lang);

  document.querySelectorAll("div.chart[data-chart]").forEach((box, i) => {
    const points = data[box.dataset.chart] || [];
    if (!points.length) return;
    const draw = box.dataset.kind === "line" && points.length > 1 ? charts.line : charts.bars;
    box.appendChild(draw(points, `chart-${box.dataset.chart}-${i}`));
    box.removeAttribute("aria-hidden");
  });

  const holder = document.getElementById("partner-network");
  if (!holder) return;
  // IRIs under the data's base are served here: the JSON names them by IRI
  const local = (iri) => (iri.startsWith(data.base) ? data.root + iri.slice(data.base.length) : iri);
  fetch(holder.dataset.source)
    .then((response) => (response.ok ? response.json() : Promise.reject(new Error(response.status))))
    .then((graph) => {
      const byId = new Map(graph.nodes.map((n) => [n.id, { iri: n.id, label: n.label || n.id, group: 0 }]));
      if (byId.has(data.self)) byId.get(data.self).group = 1;
      const edges = graph.edges.map((e) => ({ a: byId.get(e.source), b: byId.get(e.target), weight: e.weight || 1 }));
      const svg = charts.network([...byId.values()], edges, local, { id: "partner-network-svg", zoomable: true });
      holder.appendChild(svg);
      holder.dataset.nodes = String(byId.size);
      document.querySelectorAll("[data-zoom]").forEach((button) => {
        const factor = { in: 1.25, out: 0.8, reset: 0 }[button.dataset.zoom];
        button.addEventListener("click", () => svg.zoom(factor));
      });
    })
    .catch((error) => { holder.textContent = String(error); });
})();
