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

// src/lib/insights_style.js
var CSS = `
.bn-insights, .bn-profile { font: 14px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1f2933; }
.bn-insights h2, .bn-profile h2 { font-size: 16px; margin: 4px 0 8px; }
.bn-insight-list { list-style: none; margin: 0; padding: 0; display: grid; gap: 10px;
  grid-template-columns: repeat(auto-fill, minmax(300px, 1fr)); }
.bn-insight { border: 1px solid #cbd2d9; border-radius: 8px; padding: 10px 12px; background: #fff; }
.bn-insight.bn-weak { border-style: dashed; background: #fafbfc; }
.bn-insight-head { display: flex; justify-content: space-between; align-items: center; gap: 8px; margin-bottom: 4px; }
.bn-insight-kind { font-weight: 600; font-size: 12px; text-transform: uppercase; letter-spacing: .04em; color: #3e4c59; }
.bn-score { font-variant-numeric: tabular-nums; font-size: 12px; font-weight: 600; border-radius: 10px; padding: 1px 8px;
  background: #e4e7eb; color: #1f2933; }
.bn-score.bn-strong { background: #1d4ed8; color: #fff; }
.bn-insight p { margin: 0 0 6px; }
.bn-insight-chart { min-height: 100px; overflow-x: auto; }
.bn-empty-note { color: #52606d; }
.bn-profile-wrap { overflow-x: auto; }
.bn-profile table { border-collapse: collapse; font-size: 13px; }
.bn-profile .bn-clip { display: inline-block; max-width: 100px; overflow: hidden; text-overflow: ellipsis; white-space: nowrap;
  vertical-align: bottom; }
.bn-profile caption { text-align: left; padding: 4px 0 8px; color: #3e4c59; }
.bn-profile th, .bn-profile td { padding: 4px 8px; border-bottom: 1px solid #e4e7eb; text-align: left; vertical-align: top; }
.bn-profile th { background: #f5f7fa; font-weight: 600; white-space: nowrap; }
.bn-profile td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.bn-profile .bn-type { color: #52606d; font-size: 12px; }
.bn-qbar { display: flex; width: 110px; height: 10px; border-radius: 3px; overflow: hidden; background: #e4e7eb; margin-top: 3px; }
.bn-qbar span { display: block; height: 100%; }
.bn-q-valid { background: #2f855a; } .bn-q-empty { background: #d69e2e; } .bn-q-error { background: #c53030; }
.bn-q-null { background: #a0aec0; }
.bn-topvals { display: grid; grid-template-columns: 120px 50px 40px; gap: 2px 6px; font-size: 12px; }
.bn-tv-pct { text-align: right; font-variant-numeric: tabular-nums; color: #52606d; }
.bn-topvals .bn-tv-label { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.bn-tv-bar { background: #e4e7eb; height: 10px; border-radius: 2px; margin-top: 3px; }
.bn-tv-bar span { display: block; height: 100%; background: #2f6fde; border-radius: 2px; }
.bn-pattern { display: inline-block; font-size: 11px; border: 1px solid #9aa5b1; border-radius: 8px; padding: 0 6px; }
`;
function injectInsightStyles() {
  if (document.getElementById("bn-insights-style")) return;
  const style = document.createElement("style");
  style.id = "bn-insights-style";
  style.textContent = CSS;
  document.head.append(style);
}
var fmt = (v, digits = 2) => {
  if (v === null || v === void 0) return "";
  if (typeof v === "number") {
    if (Number.isInteger(v)) return v.toLocaleString("en-US");
    return v.toLocaleString("en-US", { maximumFractionDigits: digits });
  }
  return String(v);
};

// src/profile.js
var pct = (part, whole) => whole ? 100 * part / whole : 0;
function qualityBar(c) {
  const t = c.total_rows || 0;
  const parts = [["valid", c.valid_rows], ["empty", c.empty_rows], ["error", c.error_rows], ["null", c.null_rows]];
  const label = parts.map(([k, v]) => `${k} ${pct(v, t).toFixed(1)}%`).join(", ");
  return h(
    "div",
    {},
    h("span", {}, `${c.quality_percent.toFixed(1)}%`),
    h(
      "div",
      { class: "bn-qbar", role: "img", "aria-label": `Quality: ${label}` },
      parts.filter(([, v]) => v > 0).map(([k, v]) => h("span", { class: `bn-q-${k}`, style: `width:${pct(v, t)}%` }))
    )
  );
}
function topValues(c) {
  const top = (c.value_distribution || []).slice(0, 5);
  const max = Math.max(...top.map((v) => v.percent), 1e-9);
  return h(
    "div",
    { class: "bn-topvals", role: "list", "aria-label": `Top values of ${c.column_name}` },
    top.flatMap((v) => [
      h("span", {
        class: "bn-tv-label",
        role: "listitem",
        title: String(v.value),
        "aria-label": `${fmt(v.value)}: ${v.percent.toFixed(1)}%`
      }, fmt(v.value)),
      h("div", { class: "bn-tv-bar", "aria-hidden": "true" }, h("span", { style: `width:${100 * v.percent / max}%` })),
      h("span", { class: "bn-tv-pct", "aria-hidden": "true" }, `${v.percent.toFixed(1)}%`)
    ])
  );
}
var COLUMNS = [
  ["Column", (c) => [h("div", {}, c.column_name), h("div", { class: "bn-type" }, `${c.kind} \xB7 ${c.data_type}`)]],
  ["Quality", qualityBar],
  ["Distinct", (c) => fmt(c.distinct_count), true],
  ["Unique %", (c) => `${c.unique_percent.toFixed(1)}%`, true],
  ["Min", (c) => h("span", { class: "bn-clip", title: fmt(c.min_value) }, fmt(c.min_value)), true],
  ["Max", (c) => h("span", { class: "bn-clip", title: fmt(c.max_value) }, fmt(c.max_value)), true],
  ["Mean", (c) => fmt(c.mean), true],
  ["Median", (c) => fmt(c.median), true],
  ["Std dev", (c) => fmt(c.std_dev), true],
  ["Length", (c) => c.min_length === null || c.min_length === void 0 ? "" : `${c.min_length}\u2013${c.max_length} (avg ${fmt(c.avg_length, 1)})`, true],
  ["Top values", topValues],
  ["Pattern", (c) => c.pattern ? h("span", { class: "bn-pattern" }, c.pattern) : ""]
];
function render({ model, el }) {
  injectInsightStyles();
  const root = h("section", { class: "bn-profile" });
  el.append(root);
  function draw() {
    const cols = model.get("columns") || [];
    const caption = `${model.get("table")}: ${fmt(model.get("row_count"))} rows \xB7 quality ${model.get("quality").toFixed(1)}% \xB7 profiled in ${model.get("seconds").toFixed(2)} s`;
    root.setAttribute("aria-label", `Data profile of ${model.get("table")}`);
    const table = h(
      "table",
      {},
      h("caption", {}, caption),
      h("thead", {}, h("tr", {}, COLUMNS.map(([name, , num]) => h("th", { scope: "col", class: num ? "num" : "" }, name)))),
      h("tbody", {}, cols.map((c) => h(
        "tr",
        { "data-column": c.column_name },
        COLUMNS.map(([name, cell, num], i) => i === 0 ? h("th", { scope: "row" }, cell(c)) : h("td", { class: num ? "num" : "", "data-stat": name }, cell(c)))
      )))
    );
    const err = model.get("error");
    root.replaceChildren(h("h2", {}, "Data profile"), err ? h("div", { class: "bn-error", role: "alert" }, err) : h("div", { class: "bn-profile-wrap" }, table));
  }
  draw();
  model.on("change:columns", draw);
  model.on("change:error", draw);
}
var profile_default = { render };
export {
  profile_default as default
};
