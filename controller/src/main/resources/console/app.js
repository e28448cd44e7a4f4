// The Sherlock console: one page over the controller's own API. Every piece of text from the API
// goes into the page through textContent (the h() helper), never as HTML, so a finding carrying
// <script> shows as text; the Content-Security-Policy backs that up by allowing only this file.
"use strict";

const main = document.getElementById("main");
const live = document.getElementById("live");
const TOKEN_KEY = "sherlock.token";

// ------------------------------------------------------------------------------------ helpers

/** An element with attributes (on* keys are listeners) and children (strings become text). */
function h(tag, attrs, ...children) {
  const svg = ["svg", "polyline", "rect", "line", "text", "g", "title"].includes(tag);
  const el = svg
    ? document.createElementNS("http://www.w3.org/2000/svg", tag)
    : document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith("on")) el.addEventListener(key.slice(2), value);
    else el.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

async function api(path, options = {}) {
  const response = await fetch(path, {
    ...options,
    headers: { Accept: "application/json", ...(options.headers || {}) },
  });
  const text = await response.text();
  let body = {};
  try {
    body = text ? JSON.parse(text) : {};
  } catch (e) {
    body = { error: text };
  }
  if (!response.ok) {
    const error = new Error(body.error || `HTTP ${response.status}`);
    error.status = response.status;
    throw error;
  }
  return body;
}

function time(iso) {
  if (!iso) return "";
  const d = new Date(iso);
  return d.toLocaleString(undefined, { hour12: false });
}

function short(iso) {
  if (!iso) return "";
  return new Date(iso).toLocaleTimeString(undefined, { hour12: false });
}

/** "12m 05s" until (or since) an instant. */
function countdown(iso) {
  const ms = new Date(iso).getTime() - Date.now();
  const s = Math.max(0, Math.round(ms / 1000));
  const hh = Math.floor(s / 3600);
  const mm = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, "0");
  return ms <= 0 ? "due" : hh > 0 ? `${hh}h ${mm}m` : `${mm}m ${ss}s`;
}

function kind(k) {
  return h("span", { class: `kind ${k}` }, k);
}

function link(href, text) {
  return h("a", { href }, text);
}

function sessionLink(id) {
  return link(`#/sessions/${encodeURIComponent(id)}`, id);
}

function serviceLink(cluster, service) {
  return link(`#/services/${encodeURIComponent(cluster)}/${encodeURIComponent(service)}`, service);
}

function message(text, tone) {
  return h("p", { class: `message ${tone || ""}`, role: tone === "bad" ? "alert" : "status" }, text);
}

function table(headers, rows, caption) {
  return h(
    "table",
    {},
    caption ? h("caption", { class: "muted" }, caption) : null,
    h("thead", {}, h("tr", {}, headers.map((x) => h("th", { scope: "col" }, x)))),
    h("tbody", {}, rows),
  );
}

function setPage(title, ...content) {
  document.title = `${title} · Sherlock`;
  main.replaceChildren(
    h("h1", {}, title),
    ...content.flat(Infinity).filter((c) => c !== null && c !== undefined && c !== false),
  );
  for (const a of document.querySelectorAll("header nav a")) {
    const current = location.hash.startsWith(a.getAttribute("href")) && a.getAttribute("href") !== "#/";
    const home = a.getAttribute("href") === "#/" && (location.hash === "" || location.hash === "#/");
    if (current || home) a.setAttribute("aria-current", "page");
    else a.removeAttribute("aria-current");
  }
}

// --------------------------------------------------------------------------------- the token

const tokenDialog = document.getElementById("token-dialog");

function token() {
  return sessionStorage.getItem(TOKEN_KEY);
}

/** Asks for the token once per tab; resolves with it, or null when the person cancels. */
function askToken() {
  return new Promise((resolve) => {
    const input = document.getElementById("token-input");
    input.value = "";
    const done = (value) => {
      tokenDialog.removeEventListener("close", onClose);
      resolve(value);
    };
    const onClose = () => {
      if (tokenDialog.returnValue === "save" && input.value) {
        sessionStorage.setItem(TOKEN_KEY, input.value);
        done(input.value);
      } else {
        done(null);
      }
    };
    tokenDialog.addEventListener("close", onClose);
    tokenDialog.returnValue = "";
    tokenDialog.showModal();
    input.focus();
  });
}

document.getElementById("token-button").addEventListener("click", () => askToken());
document.getElementById("token-cancel").addEventListener("click", () => tokenDialog.close(""));
document.getElementById("token-forget").addEventListener("click", () => {
  sessionStorage.removeItem(TOKEN_KEY);
  tokenDialog.close("");
});

/** A mutating call with the token; asks for it when missing or refused. */
async function mutate(path, method, body) {
  for (let attempt = 0; attempt < 2; attempt++) {
    const t = token() || (await askToken());
    if (!t) throw new Error("no token given");
    try {
      return await api(path, {
        method,
        headers: { Authorization: `Bearer ${t}`, "Content-Type": "application/json" },
        body: body ? JSON.stringify(body) : undefined,
      });
    } catch (e) {
      if (e.status === 401 && attempt === 0) {
        sessionStorage.removeItem(TOKEN_KEY);
        continue;
      }
      throw e;
    }
  }
  throw new Error("the token was refused");
}

// ------------------------------------------------------------------------ the findings stream

const listeners = new Set();
let polling = null;
let newestSeen = null;

function onFinding(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function deliver(finding) {
  newestSeen = finding.id;
  for (const l of listeners) l(finding);
}

function connect() {
  if (!("EventSource" in window)) {
    poll();
    return;
  }
  const source = new EventSource("/api/findings/stream");
  source.addEventListener("open", () => {
    live.textContent = "live";
    live.className = "live on";
    if (polling) {
      clearInterval(polling);
      polling = null;
    }
  });
  source.addEventListener("finding", (e) => deliver(JSON.parse(e.data)));
  source.addEventListener("error", () => {
    live.textContent = "polling (stream lost)";
    live.className = "live off";
    poll();
  });
}

/** The fallback: the newest findings every five seconds, each delivered once. */
function poll() {
  if (polling) return;
  live.textContent = "polling";
  live.className = "live off";
  polling = setInterval(async () => {
    try {
      const page = await api("/api/findings?limit=50");
      const fresh = [];
      for (const f of page.findings) {
        if (f.id === newestSeen) break;
        fresh.push(f);
      }
      if (newestSeen !== null) fresh.reverse().forEach(deliver);
      else if (page.findings.length) newestSeen = page.findings[0].id;
    } catch (e) {
      live.textContent = "controller unreachable";
    }
  }, 5000);
}

// ---------------------------------------------------------------------------------- overview

function findingItem(f, fresh) {
  return h(
    "li",
    { class: fresh ? "new" : "" },
    h("span", { class: "muted mono" }, short(f.time)),
    " ",
    kind(f.kind),
    " ",
    f.session ? h("span", {}, sessionLink(f.session), " ") : null,
    h("span", { class: "summary" }, f.summary),
  );
}

async function overview() {
  const [sessions, services, findings] = await Promise.all([
    api("/api/sessions"),
    api("/api/services"),
    api("/api/findings?limit=200"),
  ]);
  const open = sessions.sessions.filter((s) => s.state === "ACTIVE");
  const counts = new Map();
  for (const f of findings.findings) counts.set(f.kind, (counts.get(f.kind) || 0) + 1);
  const countList = h("ul", { class: "counts", "aria-label": "Findings by kind" });
  const renderCounts = () =>
    countList.replaceChildren(
      ...[...counts.entries()]
        .sort((a, b) => b[1] - a[1])
        .map(([k, n]) => h("li", {}, link(`#/findings?kind=${k}`, `${k} ${n}`))),
    );
  renderCounts();

  const feed = h("ul", { class: "feed", id: "feed", "aria-live": "polite", "aria-label": "Latest findings" });
  findings.findings.slice(0, 50).forEach((f) => feed.append(findingItem(f, false)));

  const sessionRows = open.map((s) =>
    h(
      "tr",
      { "data-session": s.id },
      h("td", {}, serviceLink(s.cluster, s.service)),
      h("td", {}, s.policy),
      h("td", {}, s.reason),
      h("td", {}, short(s.openedAt)),
      h("td", { class: "countdown", "data-expires": s.expiresAt }, countdown(s.expiresAt)),
      h("td", { class: "mono" }, s.revision ? s.revision.slice(s.revision.lastIndexOf("/") + 1) : s.dryRun ? "dry run" : ""),
      h("td", {}, sessionLink(s.id)),
    ),
  );
  const serviceRows = services.services.map((s) =>
    h(
      "tr",
      {},
      h("td", {}, s.cluster),
      h("td", {}, serviceLink(s.cluster, s.service)),
      h("td", { class: "mono" }, s.taskDefinition),
      h("td", { class: "num" }, `${s.running}/${s.desired}`),
      h("td", {}, s.rolling ? "rolling out" : "steady"),
      h("td", {}, s.sessions.length ? s.sessions.map((id) => h("span", {}, sessionLink(id), " ")) : "none"),
    ),
  );

  setPage(
    "Overview",
    h(
      "div",
      { class: "grid" },
      h(
        "section",
        { class: "panel", "aria-labelledby": "open-title" },
        h("h2", { id: "open-title" }, `Open sessions (${open.length})`),
        open.length
          ? table(["service", "policy", "why", "opened", "expires in", "revision", "session"], sessionRows)
          : h("p", { class: "muted" }, "No session is open."),
        h("h2", {}, `Services under watch (${services.services.length})`),
        table(["cluster", "service", "revision", "running", "state", "sessions"], serviceRows),
      ),
      h(
        "section",
        { class: "panel", "aria-labelledby": "feed-title" },
        h("h2", { id: "feed-title" }, "Latest findings"),
        countList,
        feed,
      ),
    ),
  );

  return onFinding((f) => {
    feed.prepend(findingItem(f, true));
    counts.set(f.kind, (counts.get(f.kind) || 0) + 1);
    renderCounts();
    if (f.kind === "SessionOpened" || f.kind === "SessionEnded") {
      // The table of open sessions changes: read it again, quietly.
      route();
    }
  });
}

// ----------------------------------------------------------------------------------- a session

/** The last Extend or End outcome, shown on its session's page until another page is opened. */
let notice = null;

function diffList(summary) {
  // "like-service now runs X (was Y): ~ container ...; + container ...": one line per change.
  const colon = summary.indexOf(": ");
  const changes = colon < 0 ? [] : summary.slice(colon + 2).split("; ");
  return h(
    "ul",
    { class: "diff" },
    changes.map((c) =>
      h("li", { class: c.startsWith("+") ? "add" : c.startsWith("-") ? "del" : "chg" }, c),
    ),
  );
}

const CHAOS = /chaos|inject|fault/i;

function renderPart(name, part) {
  const status = part.status === "ok" ? null : message(`${part.status}: ${part.error || ""}`, "bad");
  const data = part.data;
  let body;
  if (name === "logs" && Array.isArray(data)) {
    body = data.map((stream) =>
      h(
        "div",
        {},
        h("p", { class: "muted mono" }, `${stream.container} ${stream.task} (${stream.group})`),
        stream.error ? message(stream.error, "bad") : null,
        h(
          "ul",
          { class: "log" },
          (stream.lines || []).map((l) => h("li", { class: CHAOS.test(l) ? "hit" : "" }, l)),
        ),
      ),
    );
  } else if ((name === "tasks" || name === "stoppedTasks") && Array.isArray(data)) {
    body = table(
      ["task", "status", "revision", "stop code", "reason", "containers"],
      data.map((t) =>
        h(
          "tr",
          {},
          h("td", { class: "mono" }, t.taskArn.slice(t.taskArn.lastIndexOf("/") + 1, t.taskArn.lastIndexOf("/") + 9)),
          h("td", {}, t.lastStatus),
          h("td", { class: "mono" }, (t.taskDefinition || "").slice((t.taskDefinition || "").lastIndexOf("/") + 1)),
          h("td", {}, t.stopCode || ""),
          h("td", {}, t.stoppedReason || ""),
          h(
            "td",
            {},
            (t.containers || []).map((c) =>
              h("div", {}, `${c.name}: ${c.lastStatus}${c.exitCode !== undefined ? ` exit ${c.exitCode}` : ""}${c.reason ? ` (${c.reason})` : ""}`),
            ),
          ),
        ),
      ),
    );
  } else if (name === "taskStats" && Array.isArray(data)) {
    body = table(
      ["task", "container", "CPU %", "memory MiB", "limit MiB"],
      data.flatMap((t) =>
        t.containers.map((c) =>
          h(
            "tr",
            {},
            h("td", { class: "mono" }, t.task.slice(0, 8)),
            h("td", {}, c.name),
            h("td", { class: "num" }, c.cpuPercent),
            h("td", { class: "num" }, c.memoryMiB),
            h("td", { class: "num" }, c.memoryLimitMiB),
          ),
        ),
      ),
    );
  } else if (name === "metrics" && Array.isArray(data)) {
    body = table(
      ["metric", "statistic", "last 30 minutes"],
      data.map((m) =>
        h("tr", {}, h("td", {}, `${m.namespace} ${m.metric}`), h("td", {}, m.statistic), h("td", {}, spark(m.datapoints))),
      ),
    );
  } else if (name === "serviceEvents" && Array.isArray(data)) {
    body = h("ul", { class: "log" }, data.map((e) => h("li", {}, `${short(e.time)} ${e.message}`)));
  } else if (name === "deployments" && Array.isArray(data)) {
    body = table(
      ["deployment", "status", "revision", "rollout", "running"],
      data.map((d) =>
        h(
          "tr",
          {},
          h("td", { class: "mono" }, d.id),
          h("td", {}, d.status),
          h("td", { class: "mono" }, (d.taskDefinition || "").slice((d.taskDefinition || "").lastIndexOf("/") + 1)),
          h("td", {}, `${d.rolloutState || ""} ${d.rolloutStateReason || ""}`),
          h("td", { class: "num" }, `${d.running}/${d.desired}`),
        ),
      ),
    );
  } else if (name === "lastDeploy" && data) {
    body = h(
      "div",
      {},
      h("p", {}, `${data.revision} registered ${time(data.registeredAt)}${data.previous ? `, after ${data.previous}` : ""}`),
      data.changes ? h("ul", { class: "diff" }, data.changes.map((c) => h("li", { class: "chg" }, c))) : null,
    );
  } else if (name === "traces" && data) {
    body = h(
      "div",
      {},
      h("p", { class: "mono" }, data.filter),
      h("p", {}, `${data.matched} matching requests: ${data.slow} slow, ${data.errors} errors, ${data.faults} faults`),
      table(
        ["trace", "request", "status", "seconds", "where the time went", "cause"],
        [...(data.slowest || []), ...(data.failed || [])].map((t) =>
          h(
            "tr",
            {},
            h("td", { class: "mono" }, t.id),
            h("td", {}, `${t.method || ""} ${t.url || ""}`),
            h("td", { class: "num" }, t.status),
            h("td", { class: "num" }, t.seconds),
            h("td", { class: t.where && CHAOS.test(t.where.name) ? "hit" : "" }, t.where ? `${t.where.name} ${t.where.seconds} s (${t.where.share}%)` : ""),
            h("td", {}, t.cause || ""),
          ),
        ),
      ),
    );
  } else if (data !== undefined) {
    if (data && Array.isArray(data.lines)) {
      body = h("ul", { class: "log" }, data.lines.map((l) => h("li", {}, l)));
    } else {
      body = h("pre", {}, JSON.stringify(data, null, 2));
    }
  }
  return h("section", { class: "part" }, h("h3", {}, name), status, body);
}

function spark(points) {
  if (!points || points.length < 2) return h("span", { class: "muted" }, points && points.length ? points[0].value : "no data");
  const values = points.map((p) => p.value);
  const times = points.map((p) => new Date(p.time).getTime());
  const [t0, t1] = [Math.min(...times), Math.max(...times)];
  const [v0, v1] = [Math.min(...values), Math.max(...values)];
  const xy = points
    .map((p) => {
      const x = t1 === t0 ? 0 : ((new Date(p.time).getTime() - t0) / (t1 - t0)) * 136 + 2;
      const y = v1 === v0 ? 14 : 26 - ((p.value - v0) / (v1 - v0)) * 24;
      return `${x.toFixed(1)},${y.toFixed(1)}`;
    })
    .join(" ");
  return h(
    "span",
    {},
    h("svg", { class: "spark", viewBox: "0 0 140 28", role: "img", "aria-label": `from ${v0.toPrecision(3)} to ${v1.toPrecision(3)}` }, h("polyline", { points: xy })),
    ` ${values[values.length - 1].toPrecision(3)}`,
  );
}

function renderDiagnosis(f) {
  return h(
    "div",
    {},
    (f.evidence.causes || []).map((c) =>
      h(
        "div",
        { class: "cause" },
        h("p", {}, h("span", { class: "confidence" }, `${Math.round(c.confidence * 100)}% `), c.title),
        h(
          "ul",
          { class: "log" },
          (c.evidence || []).map((e) => h("li", { class: CHAOS.test(e.text) ? "hit" : "" }, `${e.part}: ${e.text}`)),
        ),
        h("p", {}, h("strong", {}, "Next: "), c.nextStep),
      ),
    ),
  );
}

async function sessionPage(id) {
  const sessions = await api("/api/sessions");
  const s = sessions.sessions.find((x) => x.id === id);
  if (!s) {
    setPage(`Session ${id}`, message(`No session ${id} among the newest 200.`, "bad"));
    return null;
  }
  const all = await api(`/api/findings?service=${encodeURIComponent(s.service)}&cluster=${encodeURIComponent(s.cluster)}&limit=500`);
  const mine = all.findings.filter((f) => f.session === id).reverse();
  const trigger = all.findings.find(
    (f) => f.kind === "TriggerFired" && f.policy === s.policy && new Date(f.time) <= new Date(s.openedAt),
  );
  // The outcome of Extend or End outlives the re-render the session's own findings cause.
  const result = h("div", { id: "action-result" }, notice && notice.session === id ? notice.node : null);
  const act = (node) => {
    notice = { session: id, node };
    result.replaceChildren(node);
  };
  const buttons =
    s.state === "ACTIVE"
      ? h(
          "div",
          { class: "buttons" },
          h("button", {
            type: "button",
            id: "extend",
            onclick: async () => {
              try {
                const updated = await mutate(`/api/sessions/${encodeURIComponent(id)}`, "PATCH", { extendBy: "15m" });
                act(message(`Extended: expires ${time(updated.expiresAt)}.`, "good"));
              } catch (e) {
                act(message(`Not extended: ${e.message}`, "bad"));
              }
            },
          }, "Extend by 15 minutes"),
          h("button", {
            type: "button",
            id: "end",
            class: "danger",
            onclick: async () => {
              try {
                await mutate(`/api/sessions/${encodeURIComponent(id)}`, "DELETE");
                act(message("Ended: Sherlock puts the service back now.", "good"));
              } catch (e) {
                act(message(`Not ended: ${e.message}`, "bad"));
              }
            },
          }, "End session"),
        )
      : null;

  const sections = [];
  sections.push(
    h(
      "dl",
      { class: "facts" },
      h("dt", {}, "service"), h("dd", {}, serviceLink(s.cluster, s.service), ` in ${s.cluster}`),
      h("dt", {}, "policy"), h("dd", {}, s.policy, s.policyCommit ? ` (commit ${s.policyCommit.slice(0, 8)})` : ""),
      h("dt", {}, "state"), h("dd", {}, s.state, s.endReason ? `: ${s.endReason}` : ""),
      h("dt", {}, "why"), h("dd", {}, s.reason),
      h("dt", {}, "opened"), h("dd", {}, time(s.openedAt)),
      h("dt", {}, s.state === "ACTIVE" ? "expires" : "ended"),
      h("dd", {}, s.state === "ACTIVE" ? h("span", { class: "countdown", "data-expires": s.expiresAt }, countdown(s.expiresAt)) : time(s.endedAt)),
    ),
    buttons,
    result,
  );
  if (trigger) {
    sections.push(
      h("h2", {}, "Trigger"),
      h("p", {}, trigger.summary),
      trigger.evidence && trigger.evidence.datapoints ? spark(trigger.evidence.datapoints) : null,
    );
  }
  // The conclusion first: the diagnosis, then what changed, then the evidence.
  for (const f of mine.filter((x) => x.kind === "Diagnosis")) {
    sections.push(h("h2", {}, "Diagnosis"), renderDiagnosis(f));
  }
  for (const f of mine) {
    if (f.kind === "ActionApplied" || f.kind === "ActionReverted") {
      sections.push(h("h2", {}, f.kind === "ActionApplied" ? "Changed" : "Put back"), h("p", { class: "muted" }, time(f.time)), diffList(f.summary));
    } else if (f.kind === "Snapshot") {
      sections.push(
        h("h2", {}, `Snapshot (${short(f.time)})`),
        h("p", {}, f.summary),
        Object.entries(f.evidence.parts || {}).map(([name, part]) => renderPart(name, part)),
      );
    }
  }
  // The revert after the last session on a service is the service's, not the session's.
  if (s.endedAt) {
    const back = [...all.findings]
      .reverse()
      .find((f) => f.kind === "ActionReverted" && !f.session && new Date(f.time) >= new Date(s.endedAt));
    if (back) sections.push(h("h2", {}, "Put back"), h("p", { class: "muted" }, time(back.time)), diffList(back.summary));
  }
  sections.push(
    h("h2", {}, "Every finding of the session"),
    h("ul", { class: "feed" }, mine.map((f) => findingItem(f, false))),
  );
  setPage(`Session ${id}`, ...sections);
  return onFinding((f) => {
    if (f.session === id) route();
  });
}

// ---------------------------------------------------------------------------------- findings

const FILTERS = ["cluster", "service", "policy", "kind", "since"];

async function findingsPage(params) {
  const query = new URLSearchParams();
  for (const k of [...FILTERS, "cursor"]) if (params.get(k)) query.set(k, params.get(k));
  query.set("limit", "50");
  const form = h(
    "form",
    {
      class: "filters",
      onsubmit: (e) => {
        e.preventDefault();
        const next = new URLSearchParams();
        for (const k of FILTERS) {
          const v = form.elements[k].value.trim();
          if (v) next.set(k, v);
        }
        location.hash = `#/findings?${next}`;
      },
    },
    FILTERS.map((k) =>
      h("label", {}, k === "since" ? "since (15m, or an instant)" : k, h("input", { name: k, value: params.get(k) || "" })),
    ),
    h("button", { type: "submit" }, "Filter"),
  );
  let page;
  try {
    page = await api(`/api/findings?${query}`);
  } catch (e) {
    setPage("Findings", form, message(e.message, "bad"));
    return null;
  }
  const rows = page.findings.map((f) =>
    h(
      "tr",
      {},
      h("td", { class: "mono" }, time(f.time)),
      h("td", {}, kind(f.kind)),
      h("td", {}, f.service ? serviceLink(f.cluster || "", f.service) : ""),
      h("td", {}, f.policy || ""),
      h("td", {}, f.session ? sessionLink(f.session) : ""),
      h("td", {}, link(`#/findings/${encodeURIComponent(f.id)}`, f.summary)),
    ),
  );
  const next = new URLSearchParams(params);
  if (page.next) next.set("cursor", page.next);
  setPage(
    "Findings",
    form,
    page.findings.length ? table(["time", "kind", "service", "policy", "session", "summary"], rows) : h("p", { class: "muted" }, "No finding matches."),
    h(
      "div",
      { class: "buttons" },
      params.get("cursor") ? link(`#/findings?${new URLSearchParams([...params].filter(([k]) => k !== "cursor"))}`, "First page") : null,
      page.next ? link(`#/findings?${next}`, "Next page") : null,
    ),
  );
  return null;
}

async function findingPage(id) {
  const f = await api(`/api/findings/${encodeURIComponent(id)}`);
  setPage(
    `${f.kind}`,
    h("p", {}, f.summary),
    h("p", { class: "muted" }, time(f.time), f.session ? [" · session ", sessionLink(f.session)] : null),
    f.kind === "Diagnosis" ? renderDiagnosis(f) : null,
    f.kind === "Snapshot" ? Object.entries(f.evidence.parts || {}).map(([n, p]) => renderPart(n, p)) : null,
    h("h2", {}, "Evidence"),
    h("pre", {}, JSON.stringify(f.evidence, null, 2)),
  );
  return null;
}

// ---------------------------------------------------------------------------------- policies

async function policiesPage(params) {
  const [body, services] = await Promise.all([api("/api/policies"), api("/api/services")]);
  const chosen = params.get("plan") || "";
  const select = h(
    "select",
    { id: "plan-service", name: "plan" },
    services.services.map((s) => {
      const value = `${s.cluster}/${s.service}`;
      return h("option", { value, selected: value === chosen }, value);
    }),
  );
  const output = h("div", { id: "plan-output" });
  if (chosen) {
    const [cluster, service] = chosen.split("/");
    output.append(h("p", { class: "muted" }, `Reading ${service} from ECS...`));
    api(`/api/plan?cluster=${encodeURIComponent(cluster)}&service=${encodeURIComponent(service)}`)
      .then((plan) => output.replaceChildren(h("pre", {}, plan.text || "No policy selects this service.")))
      .catch((e) => output.replaceChildren(message(`No plan: ${e.message}`, "bad")));
  }
  const planForm = h(
    "form",
    {
      class: "filters",
      onsubmit: (e) => {
        e.preventDefault();
        location.hash = `#/policies?plan=${encodeURIComponent(select.value)}`;
      },
    },
    h("label", {}, "service", select),
    h("button", { type: "submit" }, "What would the policies do?"),
  );
  setPage(
    "Policies",
    body.source ? h("p", {}, `From ${body.source.location} (${body.source.ref})`) : null,
    table(
      ["policy", "mode", "last fired", "open sessions", "suppressed", "last error"],
      body.policies.map((p) =>
        h(
          "tr",
          {},
          h("td", {}, link(`#/findings?policy=${encodeURIComponent(p.name)}`, p.name)),
          h("td", {}, p.mode),
          h("td", {}, p.lastFired ? time(p.lastFired) : "never"),
          h("td", { class: "num" }, p.activeSessions),
          h("td", { class: "num" }, p.suppressed ? link(`#/findings?policy=${encodeURIComponent(p.name)}&kind=TriggerSuppressed`, p.suppressed) : 0),
          h("td", {}, p.lastError || ""),
        ),
      ),
    ),
    h("h2", {}, "Rejected files"),
    body.rejected.length
      ? h("ul", { class: "log" }, body.rejected.map((r) => h("li", {}, r)))
      : h("p", { class: "muted" }, "None: every policy file is valid."),
    h("h2", {}, "What would this do?"),
    h("p", { class: "muted" }, "sherlock plan for one service as ECS runs it now: every session the policies could open and the exact change."),
    planForm,
    output,
  );
  return null;
}

// ------------------------------------------------------------------------ a service's timeline

async function servicePage(cluster, service) {
  const [sessions, findings] = await Promise.all([
    api("/api/sessions"),
    api(`/api/findings?cluster=${encodeURIComponent(cluster)}&service=${encodeURIComponent(service)}&limit=500`),
  ]);
  const mine = sessions.sessions.filter((s) => s.service === service && s.cluster === cluster);
  const snapshot = findings.findings.find((f) => f.kind === "Snapshot" && f.evidence.parts && f.evidence.parts.metrics && f.evidence.parts.metrics.data);
  const trigger = findings.findings.find((f) => f.kind === "TriggerFired" && f.evidence && f.evidence.datapoints);
  let series = [];
  let label = "";
  if (snapshot) {
    const metrics = snapshot.evidence.parts.metrics.data;
    const m = metrics.find((x) => x.metric !== "CPUUtilization" && x.metric !== "MemoryUtilization") || metrics[0];
    series = m.datapoints;
    label = `${m.namespace} ${m.metric} ${m.statistic}`;
  } else if (trigger) {
    series = trigger.evidence.datapoints;
    label = `${trigger.evidence.namespace} ${trigger.evidence.metric} ${trigger.evidence.statistic}`;
  }
  const deploys = findings.findings.filter((f) => ["ActionApplied", "ActionReverted", "Drift"].includes(f.kind));
  const times = [
    ...series.map((p) => new Date(p.time).getTime()),
    ...mine.flatMap((s) => [new Date(s.openedAt).getTime(), new Date(s.endedAt || s.expiresAt).getTime()]),
    ...deploys.map((f) => new Date(f.time).getTime()),
  ];
  const content = [h("p", {}, `${service} in ${cluster}`)];
  if (times.length) {
    const t0 = Math.min(...times);
    const t1 = Math.max(...times, t0 + 60_000);
    const W = 1000;
    const H = 260;
    const x = (t) => 50 + ((t - t0) / (t1 - t0)) * (W - 70);
    const values = series.map((p) => p.value);
    const v1 = Math.max(1e-9, ...values);
    const y = (v) => H - 30 - (v / v1) * (H - 60);
    const svg = h(
      "svg",
      { class: "timeline", viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": `Timeline of ${service}: ${mine.length} sessions, ${deploys.length} deploys and reverts, ${label}` },
      h("line", { class: "axis", x1: 50, y1: H - 30, x2: W - 20, y2: H - 30 }),
      h("text", { x: 50, y: H - 10 }, short(new Date(t0).toISOString())),
      h("text", { x: W - 90, y: H - 10 }, short(new Date(t1).toISOString())),
      h("text", { x: 52, y: 16 }, label ? `${label} (max ${v1.toPrecision(3)})` : "no metric in the evidence"),
      mine.map((s) =>
        h(
          "rect",
          { class: "session", x: x(new Date(s.openedAt).getTime()), y: 24, width: Math.max(2, x(new Date(s.endedAt || s.expiresAt).getTime()) - x(new Date(s.openedAt).getTime())), height: H - 54 },
          h("title", {}, `${s.policy}: ${s.reason}`),
        ),
      ),
      series.length > 1 ? h("polyline", { class: "series", points: series.map((p) => `${x(new Date(p.time).getTime()).toFixed(1)},${y(p.value).toFixed(1)}`).join(" ") }) : null,
      deploys.map((f) =>
        h(
          "line",
          { class: f.kind === "Drift" ? "deploy" : "sherlock", x1: x(new Date(f.time).getTime()), y1: 24, x2: x(new Date(f.time).getTime()), y2: H - 30 },
          h("title", {}, `${f.kind}: ${f.summary}`),
        ),
      ),
    );
    content.push(
      svg,
      h("p", { class: "muted" }, "Bars: sessions. Green lines: Sherlock's changes and reverts. Dashed red: a person's deploy (Drift)."),
    );
  } else {
    content.push(h("p", { class: "muted" }, "Nothing has happened on this service yet."));
  }
  content.push(
    h("h2", {}, "Sessions"),
    mine.length
      ? table(
          ["session", "policy", "state", "opened", "why"],
          mine.map((s) => h("tr", {}, h("td", {}, sessionLink(s.id)), h("td", {}, s.policy), h("td", {}, s.state), h("td", {}, time(s.openedAt)), h("td", {}, s.reason))),
        )
      : h("p", { class: "muted" }, "None."),
    h("p", {}, link(`#/findings?cluster=${encodeURIComponent(cluster)}&service=${encodeURIComponent(service)}`, "Every finding of this service")),
  );
  setPage(`Timeline of ${service}`, ...content);
  return null;
}

// ------------------------------------------------------------------------------------- router

let leave = null;

async function route(event) {
  if (event && event.type === "hashchange") notice = null;
  if (leave) {
    leave();
    leave = null;
  }
  const hash = location.hash.replace(/^#/, "") || "/";
  const [path, query] = hash.split("?");
  const params = new URLSearchParams(query || "");
  const parts = path.split("/").filter(Boolean).map(decodeURIComponent);
  try {
    if (parts.length === 0) leave = await overview();
    else if (parts[0] === "sessions" && parts[1]) leave = await sessionPage(parts[1]);
    else if (parts[0] === "findings" && parts[1]) leave = await findingPage(parts[1]);
    else if (parts[0] === "findings") leave = await findingsPage(params);
    else if (parts[0] === "policies") leave = await policiesPage(params);
    else if (parts[0] === "services" && parts[2]) leave = await servicePage(parts[1], parts[2]);
    else setPage("Not found", message(`Nothing at ${hash}.`, "bad"), link("#/", "Overview"));
  } catch (e) {
    setPage("Error", message(`The controller answered: ${e.message}`, "bad"));
  }
}

setInterval(() => {
  for (const el of document.querySelectorAll("[data-expires]")) el.textContent = countdown(el.dataset.expires);
}, 1000);

window.addEventListener("hashchange", route);
connect();
route();
