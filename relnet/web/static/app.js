// relnet's page: the Analyse tab (text → mentions, relations, network) and the Explore tab (store → neighbourhoods).
// Everything comes from the JSON API of the same server; vis-network is served by it too.
"use strict";

const $ = id => document.getElementById(id);
const state = {info: null, analysis: null, networks: {analyse: null, explore: null}};
window.relnet = state;  // for the browser tests and the console

function esc(s) {
  return String(s).replace(/[&<>"']/g, c => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c]));
}

// `text` with each [start, end, class] span wrapped in <mark>; a span overlapping an earlier one is skipped.
function highlight(text, spans) {
  let out = "", pos = 0;
  for (const [s, e, cls] of [...spans].sort((a, b) => a[0] - b[0] || b[1] - a[1])) {
    if (s < pos) continue;
    out += esc(text.slice(pos, s)) + '<mark class="' + cls + '">' + esc(text.slice(s, e)) + "</mark>";
    pos = e;
  }
  return out + esc(text.slice(pos));
}

// fetch → JSON (or a Blob with `asBlob`); a failed request throws the server's {"error": …} message.
async function api(url, options = {}, asBlob = false) {
  const response = await fetch(url, options);
  if (!response.ok) {
    let message = "HTTP " + response.status;
    try { message = (await response.json()).error || message; } catch (_) { /* not JSON */ }
    throw new Error(message);
  }
  return asBlob ? response.blob() : response.json();
}

function showError(id, err) {
  const el = $(id);
  el.textContent = err ? String(err.message || err) : "";
  el.hidden = !err;
}

function saveBlob(blob, filename) {
  const a = document.createElement("a");
  a.href = URL.createObjectURL(blob);
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  setTimeout(() => { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
}

// -- tabs and server info -------------------------------------------------------------------
for (const tab of document.querySelectorAll(".tab")) {
  tab.addEventListener("click", () => {
    for (const t of document.querySelectorAll(".tab")) t.classList.toggle("active", t === tab);
    for (const p of document.querySelectorAll(".panel")) p.hidden = p.id !== tab.dataset.panel;
    const net = state.networks[tab.dataset.panel];
    if (net) net.redraw();
  });
}

api("/api/info").then(info => {
  state.info = info;
  $("model-info").textContent = "model: " + info.scheme + " (" + info.labels.length + " labels)" +
    (info.tagger ? " · tagger: " + info.tagger : " · no tagger") + (info.store ? " · store loaded" : "");
  $("no-store").hidden = info.store;
  $("explore-form").hidden = !info.store;
  $("types").insertAdjacentHTML("beforeend", info.store_labels.map(l =>
    '<label><input type="checkbox" name="types" value="' + esc(l) + '"> ' + esc(l) + "</label>").join(" "));
}).catch(err => showError("analyse-error", err));

// -- network drawing (shared by both tabs) ---------------------------------------------------
const PALETTE = ["#d1352b", "#2e9e44", "#1f5fbf", "#e07b00", "#8e44ad", "#17becf", "#7f7f7f", "#bcbd22", "#e377c2"];
const labelColours = new Map();
function colourOf(label) {
  if (!labelColours.has(label)) labelColours.set(label, PALETTE[labelColours.size % PALETTE.length]);
  return labelColours.get(label);
}

function drawNetwork(name, container, graph, panel) {
  if (state.networks[name]) state.networks[name].destroy();
  const nodeById = new Map(graph.nodes.map(n => [n.data.id, n.data]));
  const edgeById = new Map(graph.edges.map(e => [e.data.id, e.data]));
  const rank = new Map();
  const nodes = new vis.DataSet(graph.nodes.map(({data: n}) => ({
    id: n.id, label: n.name, value: Math.max(1, n.mentions), shape: n.kind === "GENE" ? "dot" : "diamond",
    color: {background: n.kind === "GENE" ? "#3a86c8" : "#f0a202", border: "#555"},
    title: n.name + " (" + n.kind.toLowerCase() + ", " + n.mentions + " mentions)",
  })));
  const edges = new vis.DataSet(graph.edges.map(({data: e}) => {
    const pair = e.source + "\u0000" + e.target, r = rank.has(pair) ? rank.get(pair) + 1 : 0;
    rank.set(pair, r);  // fan parallel edges out
    return {
      id: e.id, from: e.source, to: e.target, arrows: "to", font: {size: 10, align: "middle"},
      label: graph.edges.length <= 40 ? e.label : undefined,  // beyond that, labels hide the drawing (hover shows them)
      width: 1 + Math.min(9, 1.5 * Math.sqrt(e.evidence - 1)), color: {color: colourOf(e.label), highlight: colourOf(e.label)},
      smooth: r ? {type: r % 2 ? "curvedCCW" : "curvedCW", roundness: 0.15 * Math.ceil(r / 2)} : false,
      title: e.label + ": " + e.evidence + " sentence(s), mean score " + e.mean_score.toFixed(2),
    };
  }));
  const network = new vis.Network(container, {nodes, edges}, {
    nodes: {scaling: {min: 8, max: 30}, font: {size: 13}},
    edges: {selectionWidth: 2},
    interaction: {hover: true, tooltipDelay: 150},
    physics: {stabilization: {iterations: 250}, barnesHut: {gravitationalConstant: -5000, springLength: 150}},
  });
  container.dataset.stable = "";
  network.once("stabilizationIterationsDone", () => {
    network.setOptions({physics: false});
    container.dataset.stable = "1";  // the drawing stays put from here on
  });
  network.on("click", params => {
    if (params.nodes.length || !params.edges.length) return;
    showEvidence(panel, edgeById.get(params.edges[0]), nodeById);
  });
  state.networks[name] = network;
  return network;
}

function showEvidence(panel, e, nodeById) {
  const head = nodeById.get(e.source), tail = nodeById.get(e.target);
  const items = e.sentences.map(s =>
    "<li>" + highlight(s.text, [[s.head[0], s.head[1], "head"], [s.tail[0], s.tail[1], "tail"]]) +
    '<br><span class="doc">' + esc(s.doc_id) + "</span>" +
    (s.score === null ? "" : ' <span class="muted">score ' + s.score.toFixed(2) + "</span>") + "</li>").join("");
  const more = e.evidence > e.sentences.length ? '<p class="muted">showing ' + e.sentences.length + " of " + e.evidence + "</p>" : "";
  panel.innerHTML = '<h3><mark class="head">' + esc(head.name) + "</mark> → " + esc(e.label) +
    ' → <mark class="tail">' + esc(tail.name) + "</mark></h3>" +
    '<p class="muted">' + (e.group && e.group !== e.label ? esc(e.group) + " · " : "") + e.evidence +
    " sentence(s) in " + e.docs + " document(s), mean score " + e.mean_score.toFixed(2) + "</p>" +
    '<ol class="evidence-list">' + items + "</ol>" + more;
}

// -- Analyse ---------------------------------------------------------------------------------
// A request for the current input: JSON for pasted text, multipart for a chosen file.
function analyseRequest(format) {
  const file = $("file").files[0], inputFormat = $("input-format").value, layout = $("layout").value;
  if (file) {
    const form = new FormData();
    form.append("file", file);
    form.append("input_format", inputFormat);
    form.append("layout", layout);
    return ["/api/analyse/file?format=" + format, {method: "POST", body: form}];
  }
  const text = $("text").value;
  if (!text.trim()) throw new Error("Paste some text or choose a file first.");
  return ["/api/analyse?format=" + format, {method: "POST", headers: {"Content-Type": "application/json"},
    body: JSON.stringify({text, input_format: inputFormat, layout})}];
}

// Runs `work` with the progress indicator shown and the buttons disabled; the page stays usable meanwhile.
async function withProgress(work) {
  const buttons = ["analyse-button", "download-json", "download-csv"].map($);
  const started = Date.now();
  const timer = setInterval(() => { $("progress-text").textContent = "working… " + Math.round((Date.now() - started) / 1000) + " s"; }, 500);
  $("progress-text").textContent = "working…";
  $("progress").hidden = false;
  buttons.forEach(b => { b.disabled = true; });
  try {
    return await work();
  } finally {
    clearInterval(timer);
    $("progress").hidden = true;
    buttons.forEach(b => { b.disabled = false; });
  }
}

function renderAnalysis(result) {
  state.analysis = result;
  const relations = result.documents.flatMap(d => d.relations);
  const mentions = result.documents.reduce((n, d) => n + d.mentions.length, 0);
  const layout = {blocks: " (plain text, separated by blank lines)", lines: " (plain text, one per line)"}[result.layout] || "";
  $("analyse-summary").textContent = result.documents.length + " document(s)" + layout + ", " + mentions +
    " mention(s), " + relations.length + " relation(s) in " + result.seconds.toFixed(2) + " s" +
    (result.warnings.length ? ". Reader: " + result.warnings.join("; ") : "");
  $("documents").innerHTML = result.documents.map(d =>
    '<div class="document"><div class="doc-id">' + esc(d.id) + "</div>" +
    highlight(d.text, d.mentions.map(m => [m.start, m.end, m.kind === "GENE" ? "gene" : "chemical"])) + "</div>").join("");
  $("relations").tBodies[0].innerHTML = relations.length ? relations.map(r =>
    "<tr><td class=\"doc\">" + esc(r.doc_id) + "</td><td>" + esc(r.chemical) + "</td><td>" +
    '<span class="swatch" style="background:' + colourOf(r.label) + '"></span>' + esc(r.label) + "</td><td>" +
    esc(r.gene) + '</td><td class="num">' + (r.confidence === null ? "" : r.confidence.toFixed(2)) + "</td><td>" +
    highlight(r.sentence, [[r.chemical_span[0], r.chemical_span[1], "head"], [r.gene_span[0], r.gene_span[1], "tail"]]) +
    "</td></tr>").join("") : '<tr><td colspan="6" class="muted">No relations found.</td></tr>';
  $("analyse-results").hidden = false;
  $("analyse-evidence").innerHTML = '<p class="muted">Click an edge to read its evidence.</p>';
  drawNetwork("analyse", $("analyse-net"), result.graph, $("analyse-evidence"));
}

$("analyse-form").addEventListener("submit", async ev => {
  ev.preventDefault();
  showError("analyse-error", null);
  try {
    const [url, options] = analyseRequest("json");
    renderAnalysis(await withProgress(() => api(url, options)));
  } catch (err) {
    showError("analyse-error", err);
  }
});

$("download-json").addEventListener("click", () => {
  if (state.analysis) saveBlob(new Blob([JSON.stringify(state.analysis, null, 2)], {type: "application/json"}), "relnet-analysis.json");
});

// The CSV of the analysis on screen, built here: the same columns as the API's ?format=csv, without
// analysing the input a second time.
const CSV_COLUMNS = ["doc_id", "chemical", "chemical_id", "gene", "gene_id", "label", "group", "confidence", "sentence"];
function csvCell(value) {
  const s = value === null || value === undefined ? "" : String(value);
  return /[",\r\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
}
function analysisCsv(result) {
  const rows = result.documents.flatMap(d => d.relations).map(r => CSV_COLUMNS.map(c =>
    csvCell(c === "confidence" && r.confidence !== null ? r.confidence.toFixed(4) : r[c])).join(","));
  return [CSV_COLUMNS.join(","), ...rows].join("\r\n") + "\r\n";
}

$("download-csv").addEventListener("click", () => {
  if (state.analysis) saveBlob(new Blob([analysisCsv(state.analysis)], {type: "text/csv"}), "relnet-analysis.csv");
});

// -- Explore ---------------------------------------------------------------------------------
function exploreParams(withName) {
  const params = new URLSearchParams();
  const name = $("entity").value.trim();
  if (withName && name) params.set("name", name);
  params.set("hops", $("hops").value);
  params.set("min_evidence", $("min-evidence").value || "1");
  params.set("min_confidence", $("min-confidence").value || "0");
  for (const box of document.querySelectorAll('#types input[name="types"]:checked')) params.append("types", box.value);
  return params;
}

function setExportLinks(name) {
  const params = exploreParams(Boolean(name));
  for (const format of ["graphml", "cyjs", "csv"]) {
    params.set("format", format);
    $("export-" + format).href = "/api/export?" + params.toString();
  }
  $("export-scope").textContent = name ? "Export this neighbourhood:" : "Export the whole network:";
}

let suggestTimer = null, suggestSeq = 0;
$("entity").addEventListener("input", () => {
  clearTimeout(suggestTimer);
  suggestTimer = setTimeout(async () => {
    const prefix = $("entity").value.trim(), seq = ++suggestSeq;
    const list = $("suggestions");
    if (!prefix) { list.hidden = true; return; }
    try {
      const {entities} = await api("/api/entities?limit=10&prefix=" + encodeURIComponent(prefix));
      if (seq !== suggestSeq) return;  // a newer keystroke has asked already
      list.innerHTML = entities.map(e => '<li data-name="' + esc(e.name) + '">' + esc(e.name) +
        ' <span class="muted">' + esc(e.kind.toLowerCase()) + ", " + e.relations + " relation(s)</span></li>").join("");
      list.hidden = !entities.length;
    } catch (err) {
      showError("explore-error", err);
    }
  }, 150);
});

$("suggestions").addEventListener("click", ev => {
  const li = ev.target.closest("li");
  if (!li) return;
  $("entity").value = li.dataset.name;
  $("suggestions").hidden = true;
  $("explore-form").requestSubmit();
});

$("explore-form").addEventListener("submit", async ev => {
  ev.preventDefault();
  $("suggestions").hidden = true;
  showError("explore-error", null);
  const name = $("entity").value.trim();
  if (!name) { showError("explore-error", "Type an entity name first."); return; }
  $("explore-progress").hidden = false;
  $("show-button").disabled = true;
  try {
    const result = await api("/api/neighbourhood?" + exploreParams(true).toString());
    $("explore-summary").textContent = result.graph.nodes.length + " entities, " + result.graph.edges.length +
      " relations within " + result.hops + " hop(s) of " + result.name;
    $("explore-evidence").innerHTML = '<p class="muted">Click an edge to read its evidence.</p>';
    drawNetwork("explore", $("explore-net"), result.graph, $("explore-evidence"));
    setExportLinks(name);
  } catch (err) {
    showError("explore-error", err);
  } finally {
    $("explore-progress").hidden = true;
    $("show-button").disabled = false;
  }
});
