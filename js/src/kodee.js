// KodeeChat: a chat over the semantic model. The kernel answers (Kodee, engine, RLS); this view only
// shows the conversation and sends what the person does: ask, follow up, rate, edit and re-run SQL.
// Charts are Vega-Lite specs drawn by the page's one shared Vega runtime (bundled from npm, no CDN).
import { vegaEmbed } from "./lib/chart_vega.js";
import { h } from "./lib/dom.js";
import { injectKodeeStyles } from "./lib/kodee_style.js";

function table(columns, labels, rows, numeric) {
  return h("table", { class: "bn-kodee-table" },
    h("thead", {}, h("tr", {}, columns.map((c, i) => h("th", { scope: "col", class: numeric[i] ? "num" : "",
      "data-col": c }, labels[i] || c)))),
    h("tbody", {}, rows.map((r) => h("tr", {}, r.map((v, i) => h("td", { class: numeric[i] ? "num" : "" }, v))))));
}

function render({ model, el }) {
  injectKodeeStyles();
  const send = (msg) => model.send(msg);
  const log = h("div", { class: "bn-kodee-log", role: "log", "aria-live": "polite", "aria-label": "Conversation" });
  const input = h("input", { type: "text", class: "bn-kodee-input", "aria-label": "Your question",
    placeholder: "Ask about your data, e.g. revenue by region in 2024" });
  const askBtn = h("button", { type: "submit", class: "bn-kodee-ask" }, "Ask");
  const form = h("form", { class: "bn-kodee-form", onsubmit: (e) => { e.preventDefault(); ask(input.value); } },
    input, askBtn);
  const reset = h("button", { type: "button", class: "bn-kodee-chip", onclick: () => send({ type: "reset" }) },
    "New conversation");
  const root = h("div", { class: "bn-kodee" }, h("div", { class: "bn-kodee-head" }, model.get("title"), reset), log, form);
  el.append(root);
  const shown = new Map();

  function ask(text) {
    const q = (text || "").trim();
    if (!q || model.get("busy")) return;
    input.value = "";
    send({ type: "ask", question: q });
  }

  function chips(items, cls = "bn-kodee-chip") {
    return h("div", { class: "bn-kodee-row" }, items.map((s) => h("button", { type: "button", class: cls,
      onclick: () => ask(s) }, s)));
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
      const run = h("button", { type: "button", class: "bn-kodee-chip bn-kodee-run",
        onclick: () => send({ type: "run_sql", sql: area.value, id: m.id }) }, "Run edited SQL");
      parts.push(h("details", { class: "bn-kodee-sql" }, h("summary", {}, "SQL"), area, run));
    }
    const meta = `${m.source}${m.confidence !== null && m.confidence !== undefined ? ` · confidence ${Math.round(m.confidence * 100)}%` : ""}`;
    const up = h("button", { type: "button", class: "bn-kodee-thumb", "aria-label": "Good answer",
      "aria-pressed": String(m.rating === 1), onclick: () => send({ type: "feedback", id: m.id, rating: 1 }) },
      "✓ Helpful");
    const down = h("button", { type: "button", class: "bn-kodee-thumb", "aria-label": "Bad answer",
      "aria-pressed": String(m.rating === -1), onclick: () => send({ type: "feedback", id: m.id, rating: -1 }) },
      "✗ Not helpful");
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
    askBtn.textContent = busy ? "Thinking…" : "Ask";
    root.dataset.version = String(model.get("version"));
  }

  draw();
  model.on("change:version", draw);
  model.on("change:busy", draw);
  model.on("change:suggestions", draw);
}

export default { render };
