// ProfileView: one table row per column: type, a quality bar (valid/empty/error/null), distinct, stats, top values.
import { h } from "./lib/dom.js";
import { fmt, injectInsightStyles } from "./lib/insights_style.js";

const pct = (part, whole) => (whole ? (100 * part) / whole : 0);

function qualityBar(c) {
  const t = c.total_rows || 0;
  const parts = [["valid", c.valid_rows], ["empty", c.empty_rows], ["error", c.error_rows], ["null", c.null_rows]];
  const label = parts.map(([k, v]) => `${k} ${pct(v, t).toFixed(1)}%`).join(", ");
  return h("div", {},
    h("span", {}, `${c.quality_percent.toFixed(1)}%`),
    h("div", { class: "bn-qbar", role: "img", "aria-label": `Quality: ${label}` },
      parts.filter(([, v]) => v > 0).map(([k, v]) => h("span", { class: `bn-q-${k}`, style: `width:${pct(v, t)}%` }))));
}

function topValues(c) {
  const top = (c.value_distribution || []).slice(0, 5);
  const max = Math.max(...top.map((v) => v.percent), 1e-9);
  return h("div", { class: "bn-topvals", role: "list", "aria-label": `Top values of ${c.column_name}` },
    top.flatMap((v) => [
      h("span", { class: "bn-tv-label", role: "listitem", title: String(v.value),
        "aria-label": `${fmt(v.value)}: ${v.percent.toFixed(1)}%` }, fmt(v.value)),
      h("div", { class: "bn-tv-bar", "aria-hidden": "true" }, h("span", { style: `width:${(100 * v.percent) / max}%` })),
      h("span", { class: "bn-tv-pct", "aria-hidden": "true" }, `${v.percent.toFixed(1)}%`),
    ]));
}

const COLUMNS = [
  ["Column", (c) => [h("div", {}, c.column_name), h("div", { class: "bn-type" }, `${c.kind} · ${c.data_type}`)]],
  ["Quality", qualityBar],
  ["Distinct", (c) => fmt(c.distinct_count), true],
  ["Unique %", (c) => `${c.unique_percent.toFixed(1)}%`, true],
  ["Min", (c) => h("span", { class: "bn-clip", title: fmt(c.min_value) }, fmt(c.min_value)), true],
  ["Max", (c) => h("span", { class: "bn-clip", title: fmt(c.max_value) }, fmt(c.max_value)), true],
  ["Mean", (c) => fmt(c.mean), true],
  ["Median", (c) => fmt(c.median), true],
  ["Std dev", (c) => fmt(c.std_dev), true],
  ["Length", (c) => (c.min_length === null || c.min_length === undefined ? ""
    : `${c.min_length}–${c.max_length} (avg ${fmt(c.avg_length, 1)})`), true],
  ["Top values", topValues],
  ["Pattern", (c) => (c.pattern ? h("span", { class: "bn-pattern" }, c.pattern) : "")],
];

function render({ model, el }) {
  injectInsightStyles();
  const root = h("section", { class: "bn-profile" });
  el.append(root);

  function draw() {
    const cols = model.get("columns") || [];
    const caption = `${model.get("table")}: ${fmt(model.get("row_count"))} rows · quality ${model.get("quality").toFixed(1)}% · `
      + `profiled in ${model.get("seconds").toFixed(2)} s`;
    root.setAttribute("aria-label", `Data profile of ${model.get("table")}`);
    const table = h("table", {},
      h("caption", {}, caption),
      h("thead", {}, h("tr", {}, COLUMNS.map(([name, , num]) => h("th", { scope: "col", class: num ? "num" : "" }, name)))),
      h("tbody", {}, cols.map((c) => h("tr", { "data-column": c.column_name },
        COLUMNS.map(([name, cell, num], i) => (i === 0
          ? h("th", { scope: "row" }, cell(c))
          : h("td", { class: num ? "num" : "", "data-stat": name }, cell(c))))))));
    const err = model.get("error");
    root.replaceChildren(h("h2", {}, "Data profile"), err ? h("div", { class: "bn-error", role: "alert" }, err)
      : h("div", { class: "bn-profile-wrap" }, table));
  }

  draw();
  model.on("change:columns", draw);
  model.on("change:error", draw);
}

export default { render };
