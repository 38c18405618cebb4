// src/lib/chart_vega.js
function vegaEmbed() {
  if (globalThis.__bnVegaEmbed) return Promise.resolve(globalThis.__bnVegaEmbed);
  return new Promise((resolve) => {
    globalThis.addEventListener("bn-vega-ready", () => resolve(globalThis.__bnVegaEmbed), { once: true });
  });
}

// src/lib/dom.js
function h(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === void 0 || v === null || v === false) continue;
    if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else if (k === "class") node.className = v;
    else if (k in node && typeof v !== "string") node[k] = v;
    else node.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children.flat()) {
    if (c === void 0 || c === null || c === false) continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}

// src/lib/kodee_style.js
var CSS = `
.bn-kodee { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1f2430; border: 1px solid #d8dce6;
  border-radius: 10px; background: #fff; max-width: 960px; display: flex; flex-direction: column; }
.bn-kodee-head { padding: 10px 14px; border-bottom: 1px solid #eceef3; font-weight: 600; display: flex;
  justify-content: space-between; align-items: center; }
.bn-kodee-head button { font: inherit; font-weight: 400; font-size: 12px; }
.bn-kodee-log { padding: 10px 14px; display: flex; flex-direction: column; gap: 12px; max-height: 720px; overflow-y: auto; }
.bn-kodee-q { align-self: flex-end; background: #2f5bd3; color: #fff; padding: 6px 12px; border-radius: 14px 14px 2px 14px;
  max-width: 80%; }
.bn-kodee-a { align-self: stretch; background: #f6f7fb; border: 1px solid #e4e7ef; border-radius: 2px 12px 12px 12px;
  padding: 10px 12px; display: flex; flex-direction: column; gap: 8px; }
.bn-kodee-expl { margin: 0; }
.bn-kodee-meta { font-size: 12px; color: #5b6275; }
.bn-kodee-error { color: #a4001d; background: #fff0f2; border-radius: 6px; padding: 6px 8px; }
.bn-kodee-chart { background: #fff; border-radius: 6px; padding: 6px; min-height: 40px; width: 100%; box-sizing: border-box; }
.bn-kodee-table { border-collapse: collapse; font-size: 12.5px; background: #fff; }
.bn-kodee-table th, .bn-kodee-table td { border-bottom: 1px solid #eceef3; padding: 3px 8px; text-align: left; }
.bn-kodee-table th.num, .bn-kodee-table td.num { text-align: right; font-variant-numeric: tabular-nums; }
.bn-kodee-sql textarea { width: 100%; box-sizing: border-box; font: 12px/1.4 ui-monospace, Menlo, monospace; min-height: 70px; }
.bn-kodee-row { display: flex; flex-wrap: wrap; gap: 6px; align-items: center; }
.bn-kodee-chip { font: inherit; font-size: 12.5px; border: 1px solid #c9cfdd; background: #fff; border-radius: 14px;
  padding: 3px 10px; cursor: pointer; color: #2f5bd3; }
.bn-kodee-chip:hover, .bn-kodee-chip:focus-visible { background: #eef2fd; }
.bn-kodee-thumb { font: inherit; font-size: 12.5px; border: 1px solid #c9cfdd; background: #fff; border-radius: 6px; cursor: pointer; padding: 2px 8px; }
.bn-kodee-thumb[aria-pressed="true"] { background: #2f5bd3; color: #fff; border-color: #2f5bd3; }
.bn-kodee-form { display: flex; gap: 8px; padding: 10px 14px; border-top: 1px solid #eceef3; }
.bn-kodee-form input { flex: 1; font: inherit; padding: 7px 10px; border: 1px solid #c9cfdd; border-radius: 8px; }
.bn-kodee-form button { font: inherit; padding: 7px 16px; border-radius: 8px; border: 0; background: #2f5bd3; color: #fff;
  cursor: pointer; }
.bn-kodee-form button:disabled { background: #9aa7c7; cursor: progress; }
.bn-kodee-empty { color: #5b6275; }
`;
var injected = false;
function injectKodeeStyles() {
  if (injected || typeof document === "undefined") return;
  injected = true;
  const style = document.createElement("style");
  style.setAttribute("data-bn", "kodee");
  style.textContent = CSS;
  document.head.append(style);
}

// src/kodee.js
function table(columns, labels, rows, numeric) {
  return h(
    "table",
    { class: "bn-kodee-table" },
    h("thead", {}, h("tr", {}, columns.map((c, i) => h("th", {
      scope: "col",
      class: numeric[i] ? "num" : "",
      "data-col": c
    }, labels[i] || c)))),
    h("tbody", {}, rows.map((r) => h("tr", {}, r.map((v, i) => h("td", { class: numeric[i] ? "num" : "" }, v)))))
  );
}
function render({ model, el }) {
  injectKodeeStyles();
  const send = (msg) => model.send(msg);
  const log = h("div", { class: "bn-kodee-log", role: "log", "aria-live": "polite", "aria-label": "Conversation" });
  const input = h("input", {
    type: "text",
    class: "bn-kodee-input",
    "aria-label": "Your question",
    placeholder: "Ask about your data, e.g. revenue by region in 2024"
  });
  const askBtn = h("button", { type: "submit", class: "bn-kodee-ask" }, "Ask");
  const form = h(
    "form",
    { class: "bn-kodee-form", onsubmit: (e) => {
      e.preventDefault();
      ask(input.value);
    } },
    input,
    askBtn
  );
  const reset = h(
    "button",
    { type: "button", class: "bn-kodee-chip", onclick: () => send({ type: "reset" }) },
    "New conversation"
  );
  const root = h("div", { class: "bn-kodee" }, h("div", { class: "bn-kodee-head" }, model.get("title"), reset), log, form);
  el.append(root);
  const shown = /* @__PURE__ */ new Map();
  function ask(text) {
    const q = (text || "").trim();
    if (!q || model.get("busy")) return;
    input.value = "";
    send({ type: "ask", question: q });
  }
  function chips(items, cls = "bn-kodee-chip") {
    return h("div", { class: "bn-kodee-row" }, items.map((s) => h("button", {
      type: "button",
      class: cls,
      onclick: () => ask(s)
    }, s)));
  }
  function answerNode(m) {
    const parts = [h("p", { class: "bn-kodee-expl" }, m.explanation)];
    if (m.error) parts.push(h("div", { class: "bn-kodee-error", role: "alert" }, m.error));
    if (m.chart) {
      const box = h("div", { class: "bn-kodee-chart", "data-kind": m.chart_kind || "" });
      parts.push(box);
      vegaEmbed().then((embed) => embed(box, m.chart, { actions: false, renderer: "svg" })).catch((err) => {
        box.replaceChildren(h("div", { class: "bn-kodee-error" }, `chart failed: ${err.message}`));
      });
    }
    if (m.columns && m.columns.length) {
      parts.push(table(m.columns, m.labels || [], m.rows || [], m.numeric || []));
      if (m.truncated) parts.push(h("div", { class: "bn-kodee-meta" }, `first ${m.rows.length} of ${m.row_count} rows`));
    }
    if (m.sql) {
      const area = h("textarea", { class: "bn-kodee-sql-text", "aria-label": "SQL", spellcheck: "false", rows: "6" });
      area.value = m.sql;
      const run = h("button", {
        type: "button",
        class: "bn-kodee-chip bn-kodee-run",
        onclick: () => send({ type: "run_sql", sql: area.value, id: m.id })
      }, "Run edited SQL");
      parts.push(h("details", { class: "bn-kodee-sql" }, h("summary", {}, "SQL"), area, run));
    }
    const meta = `${m.source}${m.confidence !== null && m.confidence !== void 0 ? ` \xB7 confidence ${Math.round(m.confidence * 100)}%` : ""}`;
    const up = h(
      "button",
      {
        type: "button",
        class: "bn-kodee-thumb",
        "aria-label": "Good answer",
        "aria-pressed": String(m.rating === 1),
        onclick: () => send({ type: "feedback", id: m.id, rating: 1 })
      },
      "\u2713 Helpful"
    );
    const down = h(
      "button",
      {
        type: "button",
        class: "bn-kodee-thumb",
        "aria-label": "Bad answer",
        "aria-pressed": String(m.rating === -1),
        onclick: () => send({ type: "feedback", id: m.id, rating: -1 })
      },
      "\u2717 Not helpful"
    );
    parts.push(h("div", { class: "bn-kodee-row" }, up, down, h("span", { class: "bn-kodee-meta" }, meta)));
    if (m.follow_ups && m.follow_ups.length) parts.push(chips(m.follow_ups));
    const node = h("div", { class: "bn-kodee-a", "data-id": m.id }, parts);
    node._thumbs = [up, down];
    return node;
  }
  function draw() {
    const messages = model.get("messages") || [];
    if (!messages.length) {
      shown.clear();
      const sugg = model.get("suggestions") || [];
      log.replaceChildren(h("div", { class: "bn-kodee-empty" }, "Try one of these:"), chips(sugg));
    } else {
      if (!shown.size) log.replaceChildren();
      for (const m of messages) {
        const have = shown.get(m.id);
        if (have) {
          have._thumbs[0].setAttribute("aria-pressed", String(m.rating === 1));
          have._thumbs[1].setAttribute("aria-pressed", String(m.rating === -1));
          continue;
        }
        const node = answerNode(m);
        shown.set(m.id, node);
        log.append(h("div", { class: "bn-kodee-q" }, m.question), node);
      }
      log.scrollTop = log.scrollHeight;
    }
    const busy = model.get("busy");
    askBtn.disabled = busy;
    askBtn.textContent = busy ? "Thinking\u2026" : "Ask";
    root.dataset.version = String(model.get("version"));
  }
  draw();
  model.on("change:version", draw);
  model.on("change:busy", draw);
  model.on("change:suggestions", draw);
}
var kodee_default = { render };
export {
  kodee_default as default
};
