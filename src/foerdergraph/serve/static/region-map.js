// The choropleth of /browse/funding-by-region: the page's JSON (the same rows as its table) and
// the NRW boundaries `make install` derived from a registry package, drawn as plain SVG in an
// equirectangular projection (longitudes shortened by the cosine of NRW's middle latitude).
// Regions are matched by the official key: 3 digits for a Regierungsbezirk, 5 for a Kreis or
// kreisfreie Stadt (whose 8-digit key begins with its 5).
(function () {
  "use strict";
  const SVG = "http://www.w3.org/2000/svg";
  const COLOURS = ["#deebf7", "#9ecae1", "#6baed6", "#3182bd", "#08519c"];
  const EMPTY = "#e5e5e5";
  const WIDTH = 640;

  const figure = document.getElementById("region-map");
  if (!figure || !figure.dataset.boundaries) return;
  const canvas = figure.querySelector(".map-canvas");
  const keyLength = figure.dataset.level === "kreis" ? 5 : 3;

  function el(name, attributes) {
    const node = document.createElementNS(SVG, name);
    for (const [key, value] of Object.entries(attributes || {})) node.setAttribute(key, value);
    return node;
  }

  function euros(amount) {
    return Math.round(amount).toLocaleString("en") + " EUR";
  }

  // Class limits: quintiles of the regions that received anything, so a few large sums do not
  // leave every other region in the palest colour.
  function limits(amounts) {
    const sorted = amounts.filter((a) => a > 0).sort((a, b) => a - b);
    return COLOURS.slice(1).map((_, i) => sorted[Math.floor(((i + 1) * sorted.length) / COLOURS.length)]);
  }

  function colour(amount, bounds) {
    if (!(amount > 0)) return EMPTY;
    let index = 0;
    while (index < bounds.length && amount >= bounds[index]) index += 1;
    return COLOURS[index];
  }

  function projector(areas) {
    let west = Infinity, east = -Infinity, south = Infinity, north = -Infinity;
    for (const area of areas) {
      for (const ring of area.rings) {
        for (const [x, y] of ring) {
          west = Math.min(west, x); east = Math.max(east, x);
          south = Math.min(south, y); north = Math.max(north, y);
        }
      }
    }
    const shrink = Math.cos(((south + north) / 2) * Math.PI / 180);
    const scale = WIDTH / ((east - west) * shrink);
    const height = (north - south) * scale;
    return {
      height: height,
      point: ([x, y]) => [((x - west) * shrink * scale).toFixed(1), ((north - y) * scale).toFixed(1)],
    };
  }

  function draw(boundaries, answer) {
    const areas = boundaries.areas.filter((a) => a.level === figure.dataset.level);
    const rows = new Map(answer.regions.map((r) => [String(r.ags || "").slice(0, keyLength), r]));
    const bounds = limits(answer.regions.map((r) => r.amount));
    const project = projector(areas);
    const svg = el("svg", {
      viewBox: `0 0 ${WIDTH} ${Math.ceil(project.height)}`,
      role: "img",
      "aria-label": "Map of the sums per region",
    });
    for (const area of areas) {
      const row = rows.get(area.ags);
      const d = area.rings.map((ring) => "M" + ring.map(project.point).join("L") + "Z").join("");
      const path = el("path", {
        d: d,
        fill: colour(row ? row.amount : 0, bounds),
        stroke: "#fff",
        "stroke-width": "0.8",
        "data-ags": area.ags,
      });
      const title = el("title");
      title.textContent = row
        ? `${row.label}: ${row.grants} grants, ${euros(row.amount)}`
        : `${area.name}: no figure`;
      path.appendChild(title);
      svg.appendChild(path);
    }
    canvas.appendChild(svg);
    canvas.appendChild(legend(bounds));
    figure.dataset.drawn = String(areas.length);
  }

  function legend(bounds) {
    const list = document.createElement("ul");
    list.className = "map-legend";
    const entries = [[EMPTY, "none"]];
    COLOURS.forEach((c, i) => {
      const from = i === 0 ? undefined : bounds[i - 1];
      const to = bounds[i];
      if (i > 0 && from === undefined) return;
      const low = i === 0 ? "more than 0 EUR" : euros(from);
      const text = to === undefined ? `${low} or more` : `${low} to under ${euros(to)}`;
      entries.push([c, text]);
    });
    for (const [c, text] of entries) {
      const item = document.createElement("li");
      const swatch = document.createElement("span");
      swatch.className = "swatch";
      swatch.style.background = c;
      item.appendChild(swatch);
      item.appendChild(document.createTextNode(" " + text));
      list.appendChild(item);
    }
    return list;
  }

  function fetchJson(url) {
    return fetch(url, { headers: { Accept: "application/json" } }).then((response) => {
      if (!response.ok) throw new Error(`${url}: ${response.status}`);
      return response.json();
    });
  }

  Promise.all([fetchJson(figure.dataset.boundaries), fetchJson(figure.dataset.json)])
    .then(([boundaries, answer]) => draw(boundaries, answer))
    .catch(() => {
      const note = document.createElement("p");
      note.className = "hint";
      note.textContent = "The map could not be loaded; the table holds every figure.";
      canvas.appendChild(note);
    });
})();
