// foerdergraph researcher UI: a dependency-free SPARQL highlighter over a textarea, canned
// examples with parameter forms (their commentary above the editor, not in the query), the
// result views of results.js with downloads, and entity autocomplete.
"use strict";
(function () {
  const config = JSON.parse(document.getElementById("ui-config").textContent);
  const root = config.root;
  const $ = (id) => document.getElementById(id);

  // ---------------------------------------------------------------- highlighting
  const KEYWORDS = new Set(("select construct describe ask where from named prefix base distinct reduced " +
    "optional filter union minus graph bind values limit offset order by group having as asc desc " +
    "not exists in a service silent count sum min max avg sample group_concat separator str lang " +
    "langmatches datatype bound iri uri bnode strlen substr ucase lcase contains strstarts strends " +
    "regex replace year month day if coalesce true false undef isiri isuri isliteral isblank").split(" "));
  const TOKEN = new RegExp([
    "(#[^\\n]*)",                                   // 1 comment
    "(\"\"\"[\\s\\S]*?\"\"\"|'''[\\s\\S]*?'''|\"(?:[^\"\\\\\\n]|\\\\.)*\"|'(?:[^'\\\\\\n]|\\\\.)*')", // 2 string
    "(<[^<>\"{}|^`\\\\\\s]*>)",                      // 3 IRI
    "([?$][A-Za-z_0-9\\u00C0-\\uFFFF]+)",            // 4 variable
    "([A-Za-z][\\w.-]*:[\\w.%-]*|:[\\w.%-]+)",       // 5 prefixed name
    "(\\b\\d+(?:\\.\\d+)?(?:[eE][+-]?\\d+)?\\b)",     // 6 number
    "([A-Za-z_]+)",                                 // 7 word
  ].join("|"), "g");
  const escapeHtml = (s) => s.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" }[c]));

  function highlight(text) {
    let out = "", last = 0, m;
    TOKEN.lastIndex = 0;
    while ((m = TOKEN.exec(text)) !== null) {
      out += escapeHtml(text.slice(last, m.index));
      let cls = null;
      if (m[1]) cls = "comment"; else if (m[2]) cls = "str"; else if (m[3]) cls = "iri";
      else if (m[4]) cls = "var"; else if (m[5]) cls = "pname"; else if (m[6]) cls = "num";
      else if (m[7] && KEYWORDS.has(m[7].toLowerCase())) cls = "kw";
      out += cls ? `<span class="tok-${cls}">${escapeHtml(m[0])}</span>` : escapeHtml(m[0]);
      last = TOKEN.lastIndex;
    }
    return out + escapeHtml(text.slice(last)) + "\n";
  }

  const editor = $("query"), painted = $("query-highlight");
  const repaint = () => {
    painted.innerHTML = highlight(editor.value);
    painted.parentElement.scrollTop = editor.scrollTop;
  };
  editor.addEventListener("input", () => { repaint(); currentExample = null; });
  editor.addEventListener("scroll", () => { painted.parentElement.scrollTop = editor.scrollTop; });
  editor.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); run(); }
  });
  repaint();

  // ---------------------------------------------------------------- examples
  const byName = Object.fromEntries(config.queries.map((q) => [q.name, q]));
  let currentExample = null;
  function chooseExample(name) {
    const q = byName[name];
    const params = $("example-params");
    params.innerHTML = "";
    $("example-description").textContent = q ? q.description : "";
    $("example-notes").hidden = !(q && q.notes);
    $("example-notes-text").textContent = q ? q.notes : "";
    if (!q) { currentExample = null; return; }
    editor.value = q.body;
    repaint();
    for (const p of q.parameters) {
      const div = document.createElement("div");
      const id = "param-" + p.name;
      div.innerHTML = `<label for="${id}">${escapeHtml(p.name)} (${escapeHtml(p.type)}${p.required ? ", required" : ""})</label>` +
        `<input id="${id}" name="${escapeHtml(p.name)}" ${p.required ? "required" : ""} placeholder="${escapeHtml(p.description || "")}">`;
      div.querySelector("input").value = p.default || "";
      params.appendChild(div);
    }
    currentExample = q;
  }
  $("examples").addEventListener("change", (e) => chooseExample(e.target.value));
  if ($("examples").value) chooseExample($("examples").value);

  // ---------------------------------------------------------------- running
  const DOWNLOADS = [["csv", "download-csv"], ["tsv", "download-tsv"], ["json", "download-json"]];
  // the drafts switch (query/drafts.py): the box is there only when the build has draft graphs
  const excludeDrafts = () => Boolean($("drafts-exclude") && $("drafts-exclude").checked);
  function requestUrl(format) {
    if (currentExample) {
      const params = new URLSearchParams();
      for (const input of $("example-params").querySelectorAll("input")) {
        if (input.value) params.set(input.name, input.value);
      }
      params.set("format", format);
      if (excludeDrafts()) params.set("drafts", "exclude");
      return { url: root + "queries/" + encodeURIComponent(currentExample.name) + "?" + params, init: {} };
    }
    const body = new URLSearchParams({ query: editor.value, format: format });
    if (excludeDrafts()) body.set("drafts", "exclude");
    return {
      url: root + "sparql", init: {
        method: "POST", body: body,
        headers: { "Content-Type": "application/x-www-form-urlencoded" }
      }
    };
  }

  function localHref(iri) {
    for (const [ns, local] of config.namespaces) {
      if (iri.startsWith(ns)) return local + iri.slice(ns.length);
    }
    return iri;
  }

  function renderTable(data) {
    const out = $("results");
    if ("boolean" in data) {
      out.innerHTML = `<p>Answer: <strong>${data.boolean}</strong></p>`;
      return 1;
    }
    return window.fgResults.render(out, data, { prefixes: config.prefixes, localHref });
  }

  function noteDrafts() {
    const note = $("drafts-note"), n = config.draftGraphs;
    note.hidden = n === 0;
    const graphs = `${n} draft graph${n === 1 ? "" : "s"} of machine-extracted, unreviewed facts`;
    note.textContent = excludeDrafts()
      ? `This answer leaves out the build's ${graphs}.`
      : `This answer includes the build's ${graphs} (maschinell extrahiert); tick the box above to leave them out.`;
  }

  async function run() {
    const status = $("status");
    status.textContent = "Running…";
    $("drafts-note").hidden = true;
    for (const id of DOWNLOADS.map((d) => d[1])) $(id).hidden = true;
    const started = performance.now();
    try {
      const { url, init } = requestUrl("json");
      const response = await fetch(url, init);
      const text = await response.text();
      if (!response.ok) {
        $("results").innerHTML = `<p class="error">${escapeHtml(text)}</p>`;
        status.textContent = `Error ${response.status}`;
        return;
      }
      const type = response.headers.get("content-type") || "";
      if (type.includes("json") && !type.includes("ld+json")) {
        const count = renderTable(JSON.parse(text));
        noteDrafts();
        const truncated = response.headers.get("Foerdergraph-Result-Truncated");
        status.textContent = `${count} row${count === 1 ? "" : "s"} in ${Math.round(performance.now() - started)} ms` +
          (truncated ? ` (cut at ${truncated} rows)` : "");
        await offerDownloads();
      } else {
        $("results").innerHTML = "";
        const pre = document.createElement("pre");
        pre.textContent = text;
        $("results").appendChild(pre);
        status.textContent = "Graph result";
        noteDrafts();
      }
    } catch (error) {
      status.textContent = "Request failed: " + error;
    }
  }

  async function offerDownloads() {
    for (const [format, id] of DOWNLOADS) {
      const { url, init } = requestUrl(format);
      const link = $(id);
      if (init.method === "POST") {
        // POSTed queries: fetch once more and offer the bytes as a file.
        const blob = await (await fetch(url, init)).blob();
        if (link.href.startsWith("blob:")) URL.revokeObjectURL(link.href);
        link.href = URL.createObjectURL(blob);
      } else {
        link.href = url;
      }
      link.hidden = false;
    }
  }

  $("query-form").addEventListener("submit", (e) => { e.preventDefault(); run(); });

  // ---------------------------------------------------------------- entity search
  const input = $("search"), list = $("search-results");
  let active = -1, timer = null, items = [];
  function closeList() { list.hidden = true; input.setAttribute("aria-expanded", "false"); active = -1; input.removeAttribute("aria-activedescendant"); }
  function mark(i) {
    active = i;
    list.querySelectorAll("li").forEach((li, j) => li.setAttribute("aria-selected", j === i ? "true" : "false"));
    if (i >= 0) input.setAttribute("aria-activedescendant", "hit-" + i);
  }
  async function suggest() {
    const q = input.value.trim();
    if (q.length < 2) { closeList(); return; }
    const response = await fetch(root + "api/search?q=" + encodeURIComponent(q) + "&limit=12");
    items = await response.json();
    list.innerHTML = "";
    items.forEach((hit, i) => {
      const li = document.createElement("li");
      li.id = "hit-" + i; li.setAttribute("role", "option");
      li.textContent = hit.label;
      if (hit.matched !== hit.label) {
        const alt = document.createElement("span");
        alt.className = "alt"; alt.textContent = " — " + hit.matched;
        li.appendChild(alt);
      }
      li.addEventListener("mousedown", (e) => { e.preventDefault(); go(i); });
      list.appendChild(li);
    });
    list.hidden = items.length === 0;
    input.setAttribute("aria-expanded", items.length ? "true" : "false");
    mark(-1);
  }
  function go(i) { if (items[i]) window.location.href = localHref(items[i].iri); }
  input.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(suggest, 150); });
  input.addEventListener("keydown", (e) => {
    if (e.key === "ArrowDown") { e.preventDefault(); mark(Math.min(active + 1, items.length - 1)); }
    else if (e.key === "ArrowUp") { e.preventDefault(); mark(Math.max(active - 1, 0)); }
    else if (e.key === "Enter" && active >= 0) { e.preventDefault(); go(active); }
    else if (e.key === "Escape") closeList();
  });
  input.addEventListener("blur", () => setTimeout(closeList, 100));
  // Enter without a chosen suggestion submits the form: the search page lists every hit
})();
