// The web view of `pretext serve`: the queue, a job's live curves and results, the plugins, a submit form.
// Everything it shows comes from the REST API (docs/openapi.yaml); text is set with textContent, never as HTML,
// because job names, reasons and files are whatever users submitted.
"use strict";

const main = document.getElementById("main");
const tokenInput = document.getElementById("token");
tokenInput.value = localStorage.getItem("pretext.token") || "";
tokenInput.addEventListener("change", () => localStorage.setItem("pretext.token", tokenInput.value.trim()));

let leave = () => {};   // stops the current view's timers and streams when the route changes

function headers(extra) {
  const h = Object.assign({}, extra || {});
  const t = tokenInput.value.trim();
  if (t) { h["Authorization"] = "Bearer " + t; }
  return h;
}

async function api(path, options) {
  const o = Object.assign({}, options || {});
  o.headers = headers(o.headers);
  const r = await fetch(path, o);
  const type = r.headers.get("Content-Type") || "";
  const body = type.startsWith("application/json") ? await r.json() : await r.text();
  if (!r.ok) {
    const e = body && body.error ? body.error : {message: String(body)};
    const err = new Error(e.message);
    err.problems = e.problems || [];
    err.status = r.status;
    throw err;
  }
  return body;
}

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") { e.className = v; } else if (k.startsWith("on")) { e.addEventListener(k.slice(2), v); }
    else { e.setAttribute(k, v); }
  }
  for (const c of children.flat()) {
    if (c !== null && c !== undefined) { e.append(c instanceof Node ? c : document.createTextNode(String(c))); }
  }
  return e;
}

function show(...nodes) { main.replaceChildren(...nodes); }
function badge(state) { return el("span", {class: "state " + state, "data-state": state}, state); }
function when(t) { return t ? new Date(t).toLocaleString() : ""; }
function fmt(v) {
  if (typeof v !== "number") { return v === null || v === undefined ? "" : String(v); }
  return Math.abs(v) >= 1e5 || (v !== 0 && Math.abs(v) < 1e-3) ? v.toExponential(3) : String(Math.round(v * 1e4) / 1e4);
}
function errorBox(e) {
  const lines = [e.message].concat((e.problems || []).map(p =>
      (p.file || "") + (p.line ? ":" + p.line : "") + (p.key ? " " + p.key : "") + ": " + p.problem
      + (p.hint ? " (" + p.hint + ")" : "")));
  return el("p", {class: "error", id: "error"}, lines.join("\n"));
}

// ---- the queue ----

async function queueView(params) {
  const state = params.get("state") || "";
  const offset = Number(params.get("offset") || 0);
  const limit = 50;
  const select = el("select", {id: "state-filter", onchange: e => {
    location.hash = "#/?state=" + e.target.value; }},
      ["", "queued", "running", "finished", "failed", "cancelled"].map(s =>
          el("option", s === state ? {value: s, selected: ""} : {value: s}, s || "all")));
  const table = el("table", {id: "jobs"});
  const pager = el("p", {class: "muted"});
  show(el("h1", {}, "Jobs"), el("p", {}, "state ", select), table, pager);
  async function refresh() {
    try {
      const q = "limit=" + limit + "&offset=" + offset + (state ? "&state=" + state : "");
      const page = await api("/api/jobs?" + q);
      table.replaceChildren(el("tr", {}, ["id", "name", "kind", "user", "state", "priority", "attempt", "submitted",
        "ended", "reason"].map(h => el("th", {}, h))),
        ...page.jobs.map(j => el("tr", {"data-job": j.id},
          el("td", {}, el("a", {href: "#/jobs/" + j.id}, "#" + j.id)), el("td", {}, j.name), el("td", {}, j.kind),
          el("td", {}, j.user), el("td", {}, badge(j.state)), el("td", {class: "num"}, j.priority),
          el("td", {class: "num"}, j.attempt), el("td", {}, when(j.submitted)), el("td", {}, when(j.ended)),
          el("td", {}, j.reason || ""))));
      const base = "#/?" + (state ? "state=" + state + "&" : "") + "offset=";
      pager.replaceChildren(page.total === 0 ? "No jobs yet: submit one." :
          `${offset + 1}-${offset + page.jobs.length} of ${page.total} `,
          offset > 0 ? el("a", {href: base + Math.max(0, offset - limit)}, "newer") : "", " ",
          offset + limit < page.total ? el("a", {href: base + (offset + limit)}, "older") : "");
    } catch (e) {
      table.replaceChildren(el("tr", {}, el("td", {}, errorBox(e))));
    }
  }
  await refresh();
  const timer = setInterval(refresh, 3000);
  leave = () => clearInterval(timer);
}

// ---- one job ----

/** Reads server-sent events with fetch (EventSource cannot send the Authorization header). */
function follow(path, onEvent) {
  const ctl = new AbortController();
  (async () => {
    try {
      const r = await fetch(path, {headers: headers(), signal: ctl.signal});
      if (!r.ok || !r.body) { return; }
      const reader = r.body.getReader();
      const dec = new TextDecoder();
      let buf = "";
      for (;;) {
        const {value, done} = await reader.read();
        if (done) { return; }
        buf += dec.decode(value, {stream: true});
        let cut;
        while ((cut = buf.indexOf("\n\n")) >= 0) {
          const block = buf.slice(0, cut); buf = buf.slice(cut + 2);
          let name = "message", data = [];
          for (const line of block.split("\n")) {
            if (line.startsWith("event: ")) { name = line.slice(7); }
            else if (line.startsWith("data: ")) { data.push(line.slice(6)); }
          }
          if (data.length) { onEvent(name, JSON.parse(data.join("\n"))); }
        }
      }
    } catch (e) { /* aborted, or the server went away: the page shows the last state */ }
  })();
  return () => ctl.abort();
}

function curves(target, title) {
  const loss = el("canvas", {id: "chart-loss"}), flops = el("canvas", {id: "chart-flops"});
  const points = new Map();   // step -> metrics line (a resumed run sends its steps again)
  target.append(el("h2", {}, title),
      el("div", {class: "charts"}, el("figure", {}, loss), el("figure", {}, flops)),
      el("p", {class: "muted", id: "last-step"}, "waiting for the first step"));
  const last = target.querySelector("#last-step");
  function redraw() {
    const rows = [...points.values()].sort((a, b) => a.step - b.step);
    PretextChart.draw(loss, [{name: "loss", points: rows.map(m => [m.step, m.loss])}],
        {xLabel: "step", yLabel: "loss"});
    PretextChart.draw(flops, [{name: "FLOPs", points: rows.map(m => [m.step, m.flops_total])}],
        {xLabel: "step", yLabel: "training FLOPs"});
    const m = rows[rows.length - 1];
    if (m) { last.textContent = `step ${m.step}: loss ${fmt(m.loss)}, ${fmt(m.flops_total)} FLOPs`; }
  }
  redraw();
  return m => { points.set(m.step, m); redraw(); };
}

function kv(obj) {
  return el("table", {}, Object.entries(obj).map(([k, v]) => el("tr", {}, el("th", {}, k),
      el("td", {}, typeof v === "object" && v !== null ? JSON.stringify(v) : fmt(v)))));
}

function probeTable(probes) {
  const rows = [];
  for (const kind of ["pretrained", "random", "features"]) {
    for (const [task, r] of Object.entries(probes[kind] || {})) {
      const seeds = (r.seeds || []).length;
      rows.push(el("tr", {}, el("td", {}, kind), el("td", {}, task), el("td", {}, r.metric),
          el("td", {class: "num"}, fmt(r.value)),
          el("td", {class: "num"}, seeds > 1 && r.std !== undefined ? "± " + fmt(r.std) : ""),
          el("td", {class: "num"}, seeds || "")));
    }
  }
  const t = el("table", {id: "probes"}, el("tr", {}, ["encoder", "task", "metric", "value", "std over seeds",
    "seeds"].map(h => el("th", {}, h))), rows);
  // The overall score per encoder, over every task (docs/PROBES.md says how it is made).
  const score = probes.overall_score || {};
  const std = probes.overall_score_std || {};
  const scores = Object.keys(score).map(k => `${k} ${fmt(score[k])}` + (std[k] ? ` ± ${fmt(std[k])}` : ""));
  return [t, scores.length ? el("p", {id: "overall-score"}, "overall score: " + scores.join(", ")) : ""];
}

async function text(job, path) {
  const r = await fetch(`/api/jobs/${job}/files/${path}`, {headers: headers()});
  return r.ok ? r.text() : null;
}

async function image(job, path) {
  const r = await fetch(`/api/jobs/${job}/files/${path}`, {headers: headers()});
  if (!r.ok) { return null; }
  return el("img", {src: URL.createObjectURL(await r.blob()), alt: path, title: path});
}

async function jobView(id) {
  let job;
  try { job = await api("/api/jobs/" + id); } catch (e) { show(el("h1", {}, "Job " + id), errorBox(e)); return; }
  const stateBox = el("span", {id: "job-state"}, badge(job.state));
  const reason = el("p", {class: "muted", id: "job-reason"}, job.reason || "");
  const actions = el("p", {},
      ["cancel", "resume", "retry"].map(a => el("button", {id: "job-" + a, onclick: async () => {
        try { await api(`/api/jobs/${id}/${a}`, {method: "POST"}); reason.textContent = a + ": done"; }
        catch (e) { reason.replaceChildren(errorBox(e)); }
      }}, a)));
  const live = el("section", {id: "live"});
  const results = el("section", {id: "results"});
  const files = el("section", {id: "files"});
  show(el("h1", {}, `#${job.id} ${job.name} `, stateBox),
      el("p", {}, `${job.kind} by ${job.user}, priority ${job.priority}, attempt `,
          el("span", {id: "job-attempt"}, job.attempt), `, submitted ${when(job.submitted)}`),
      reason, actions, live, results, files);
  const runPath = `runs/${job.name}`;   // a recipe's run folder, or a sweep's folder
  let stop = () => {};
  async function fill() {
    results.replaceChildren();
    const listing = await api(`/api/jobs/${id}/files`);
    const paths = listing.files.map(f => f.path);
    if (job.kind === "recipe") {
      const probes = await text(id, `${runPath}/probes.json`);
      if (probes) { results.append(el("h2", {}, "Probes"), ...probeTable(JSON.parse(probes))); }
      const manifest = await text(id, `${runPath}/manifest.json`);
      if (manifest) {
        results.append(el("details", {}, el("summary", {}, "Manifest"), el("pre", {id: "manifest"}, manifest)));
      }
      const recipe = await text(id, `${runPath}/recipe.yaml`) || await text(id, `files/${job.main}`);
      if (recipe) { results.append(el("h2", {}, "Recipe"), el("pre", {id: "recipe"}, recipe)); }
    } else {
      const detail = await api("/api/jobs/" + id);
      const rows = detail.results || [];
      if (rows.length) {
        results.append(el("h2", {}, "Runs"), el("table", {id: "sweep-runs"},
            el("tr", {}, ["run", "status", "parameters", "FLOPs", "final loss", "score"].map(h => el("th", {}, h))),
            rows.map(r => el("tr", {}, el("td", {}, r.run), el("td", {}, r.status), el("td", {class: "num"},
                fmt(r.parameters)), el("td", {class: "num"}, fmt(r.flops)), el("td", {class: "num"},
                fmt(r.final_loss)), el("td", {class: "num"}, r.score ? fmt(r.score.mean) : "")))));
      }
      const pngs = paths.filter(p => p.startsWith(`${runPath}/plots/`) && p.endsWith(".png"));
      if (pngs.length) {
        const box = el("div", {class: "plots"});
        results.append(el("h2", {}, "Plots"), box);
        for (const p of pngs) { const img = await image(id, p); if (img) { box.append(img); } }
      }
      const report = await text(id, `${runPath}/report.md`);
      if (report) { results.append(el("details", {}, el("summary", {}, "report.md"), el("pre", {}, report))); }
      const sweep = await text(id, `files/${job.main}`);
      if (sweep) { results.append(el("h2", {}, "Sweep"), el("pre", {id: "recipe"}, sweep)); }
    }
    const log = await fetch(`/api/jobs/${id}/log?tail=40`, {headers: headers()});
    if (log.ok) { results.append(el("h2", {}, "Log (last 40 lines)"), el("pre", {id: "log"}, await log.text())); }
    files.replaceChildren(el("details", {}, el("summary", {}, `Files (${paths.length})`),
        el("ul", {}, listing.files.map(f => el("li", {}, `${f.path} (${f.bytes} bytes)`)))));
  }
  await fill();
  const add = job.kind === "recipe" ? curves(live, "Training") : null;
  let stopRun = () => {};
  if (job.kind === "sweep") {
    // One run's curves at a time, picked from the sweep's runs (the running one first when there is one).
    const pick = el("select", {id: "sweep-run"});
    const chartBox = el("div");
    live.append(el("h2", {}, "A run's training"), el("p", {}, "run ", pick), chartBox);
    const watch = run => {
      stopRun();
      chartBox.replaceChildren();
      if (!run) { return; }
      const addRun = curves(chartBox, run);
      stopRun = follow(`/api/jobs/${id}/events?run=${encodeURIComponent(run)}`, (n, d) => {
        if (n === "metric") { addRun(d); }
      });
    };
    pick.addEventListener("change", () => watch(pick.value));
    const detail = await api("/api/jobs/" + id);
    const rows = detail.results || [];
    pick.replaceChildren(...rows.map(r => el("option", {value: r.run}, `${r.run} (${r.status})`)));
    const running = rows.find(r => r.status === "running") || rows.find(r => r.status !== "pending") || rows[0];
    if (running) { pick.value = running.run; watch(running.run); }
  }
  stop = follow(`/api/jobs/${id}/events`, (name, data) => {
    if (name === "metric" && add) { add(data); }
    if (name === "status") {
      stateBox.replaceChildren(badge(data.state));
      document.getElementById("job-attempt").textContent = data.attempt;
      reason.textContent = data.reason || "";
    }
    if (name === "end" || name === "results") { fill(); }
  });
  leave = () => { stop(); stopRun(); };
}

// ---- runs of every job, side by side ----

async function runsView(params) {
  const sort = params.get("sort") || "score";
  const objective = params.get("objective") || "";
  const offset = Number(params.get("offset") || 0);
  const limit = 100;
  const q = `sort=${sort}&limit=${limit}&offset=${offset}` + (objective ? "&objective=" + encodeURIComponent(objective) : "");
  let page;
  try { page = await api("/api/runs?" + q); } catch (e) { show(el("h1", {}, "Runs"), errorBox(e)); return; }
  const link = (s, o) => `#/runs?sort=${s}` + (o ? "&objective=" + encodeURIComponent(o) : "");
  show(el("h1", {}, "Runs"),
      el("p", {}, "sorted by ", ...["score", "flops", "newest"].map(s => s === sort ? el("b", {}, s + " ")
          : el("a", {href: link(s, objective)}, s + " ")),
          objective ? el("span", {}, " objective ", el("b", {}, objective), " ",
              el("a", {href: link(sort, "")}, "(all)")) : ""),
      el("table", {id: "runs"}, el("tr", {}, ["job", "run", "objective", "encoder", "parameters", "FLOPs", "steps",
        "final loss", "score"].map(h => el("th", {}, h))),
        page.runs.map(r => el("tr", {},
          el("td", {}, el("a", {href: "#/jobs/" + r.job}, "#" + r.job)), el("td", {}, r.run),
          el("td", {}, r.objective ? el("a", {href: link(sort, r.objective)}, r.objective) : ""),
          el("td", {}, r.encoder || ""), el("td", {class: "num"}, fmt(r.parameters)),
          el("td", {class: "num"}, fmt(r.flops)), el("td", {class: "num"}, fmt(r.steps)),
          el("td", {class: "num"}, fmt(r.final_loss)),
          el("td", {class: "num"}, r.score === null ? "" : fmt(r.score) + (r.score_std ? " ± " + fmt(r.score_std) : ""))))),
      el("p", {class: "muted"}, page.total === 0 ? "No trained runs yet." :
          `${offset + 1}-${offset + page.runs.length} of ${page.total} runs; the score is the pre-trained encoder's `
          + "overall probe score (docs/PROBES.md)"));
}

// ---- plugins ----

async function pluginsView() {
  let doc;
  try { doc = await api("/api/plugins"); } catch (e) { show(el("h1", {}, "Plugins"), errorBox(e)); return; }
  show(el("h1", {}, "Plugins"), el("p", {class: "muted"}, "watched folder: " + (doc.plugins_dir || "")),
      el("table", {id: "plugins"}, el("tr", {}, ["kind", "type", "version", "bundle", "state", "description"]
          .map(h => el("th", {}, h))),
        doc.plugins.map(p => el("tr", {}, el("td", {}, p.kind), el("td", {}, p.type), el("td", {}, p.version),
            el("td", {}, p.bundle), el("td", {}, p.state), el("td", {}, p.description || "")))),
      el("h2", {}, "Problems"),
      (doc.problems || []).length === 0 ? el("p", {class: "muted"}, "none") :
        el("table", {id: "problems"}, el("tr", {}, ["bundle", "version", "plugin", "state", "cause"]
            .map(h => el("th", {}, h))),
          doc.problems.map(p => el("tr", {}, el("td", {}, p.bundle), el("td", {}, p.version),
              el("td", {}, p.plugin || ""), el("td", {}, p.state), el("td", {}, el("pre", {}, p.cause))))));
}

// ---- submit ----

function submitView() {
  const name = el("input", {id: "submit-name", value: "recipe.yaml"});
  const priority = el("input", {id: "submit-priority", type: "number", value: "0", min: "-100", max: "100"});
  const body = el("textarea", {id: "submit-yaml", spellcheck: "false",
    placeholder: "a recipe or a sweep, as you would give it to pretext train or pretext sweep"});
  const out = el("div", {id: "submit-result"});
  const go = el("button", {id: "submit-go", onclick: async () => {
    out.replaceChildren();
    try {
      const job = await api(`/api/jobs?name=${encodeURIComponent(name.value)}&priority=${priority.value}`,
          {method: "POST", headers: {"Content-Type": "application/yaml"}, body: body.value});
      location.hash = "#/jobs/" + job.id;
    } catch (e) { out.replaceChildren(errorBox(e)); }
  }}, "Submit");
  show(el("h1", {}, "Submit a recipe or a sweep"),
      el("p", {}, "file name ", name, " priority ", priority), body, el("p", {}, go), out,
      el("p", {class: "muted"}, "Checked against the plugins now running before it is queued; it then runs on "
          + "exactly those bundles. Writing needs a token (top right)."));
}

// ---- routes ----

async function route() {
  leave();
  leave = () => {};
  const [path, query] = (location.hash.slice(1) || "/").split("?");
  const params = new URLSearchParams(query || "");
  const m = path.match(/^\/jobs\/(\d+)$/);
  if (m) { await jobView(m[1]); }
  else if (path === "/plugins") { await pluginsView(); }
  else if (path === "/runs") { await runsView(params); }
  else if (path === "/submit") { submitView(); }
  else { await queueView(params); }
}

window.addEventListener("hashchange", route);
route();
