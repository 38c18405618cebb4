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

// src/lib/chart_css.js
var CSS2 = `
.bn-visual { font: 14px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1f2933; width: 100%;
  box-sizing: border-box; margin: 4px 0; }
.bn-visual-title { font-weight: 600; font-size: 15px; margin: 0 0 4px; }
.bn-chart-bar { display: flex; flex-wrap: wrap; align-items: center; gap: 6px; min-height: 36px; }
.bn-crumbs ol { display: flex; flex-wrap: wrap; list-style: none; margin: 0; padding: 0; align-items: center; }
.bn-crumbs li + li::before { content: "\u203A"; color: #616e7c; padding: 0 6px; }
.bn-crumbs button, .bn-chart-btn { min-height: 32px; padding: 2px 10px; border: 1px solid #9aa5b1; border-radius: 6px;
  background: #fff; cursor: pointer; font: inherit; color: #1f2933; }
.bn-crumbs button { border-color: transparent; color: #1a4fb4; text-decoration: underline; padding: 2px 4px; }
.bn-crumbs [aria-current] { font-weight: 600; padding: 2px 4px; }
.bn-chart-btn[aria-pressed="true"] { background: #2f6fde; border-color: #2f6fde; color: #fff; }
.bn-chart-btn[hidden] { display: none; }
.bn-chart-btn:disabled { opacity: .45; cursor: default; }
.bn-chart-btn:focus-visible, .bn-crumbs button:focus-visible, .bn-matrix button:focus-visible {
  outline: 2px solid #2f6fde; outline-offset: 1px; }
.bn-chart-plot { width: 100%; min-height: 120px; }
.bn-chart-plot .vega-embed { width: 100%; }
.bn-chart-plot .vega-embed .mark-rect path, .bn-chart-plot .vega-embed path { cursor: pointer; }
.bn-chart-status { color: #52606d; font-size: 12px; min-height: 16px; }
.bn-chart-link { color: #1a4fb4; }
.bn-kpi { display: inline-flex; flex-direction: column; gap: 2px; min-width: 180px; max-width: 100%; padding: 12px 16px;
  border: 1px solid #e4e7eb; border-radius: 8px; background: #fff; box-sizing: border-box; }
.bn-kpi-label { color: #52606d; font-size: 13px; font-weight: 600; }
.bn-kpi-value { font-size: clamp(20px, 5vw, 28px); overflow-wrap: anywhere; font-weight: 700; font-variant-numeric: tabular-nums; }
.bn-kpi-delta { font-size: 13px; font-variant-numeric: tabular-nums; }
.bn-kpi-delta.bn-good { color: #0a7d3e; }
.bn-kpi-delta.bn-bad { color: #b3261e; }
.bn-kpi-spark { display: block; margin-top: 4px; }
.bn-matrix-wrap { overflow-x: auto; }
.bn-matrix { border-collapse: collapse; min-width: 320px; font-variant-numeric: tabular-nums; }
.bn-matrix caption { text-align: left; font-weight: 600; padding: 4px 0; }
.bn-matrix th, .bn-matrix td { padding: 4px 10px; border-bottom: 1px solid #e4e7eb; text-align: left; white-space: nowrap; }
.bn-matrix thead th { background: #f5f7fa; }
.bn-matrix tbody th { font-weight: 400; }
.bn-matrix tbody tr[data-level="0"] th { font-weight: 600; }
.bn-matrix td.num, .bn-matrix th.num { text-align: right; }
.bn-matrix tr.bn-total th, .bn-matrix tr.bn-total td { font-weight: 700; border-top: 2px solid #9aa5b1; }
.bn-matrix td.bn-rowtotal { font-weight: 600; background: #f8fafc; }
.bn-matrix .bn-expand { min-width: 28px; min-height: 28px; border: none; background: none; cursor: pointer; font: inherit; }
.bn-bar { position: relative; }
.bn-bar > span.bn-fill { position: absolute; top: 3px; bottom: 3px; left: 0; opacity: .35; }
.bn-bar > span.bn-text { position: relative; }
.bn-bar > span.bn-axis { position: absolute; top: 0; bottom: 0; border-left: 1px dashed #616e7c; }
@media (max-width: 600px) { .bn-kpi { width: 100%; } .bn-crumbs button, .bn-chart-btn { min-height: 44px; } }
`;
function injectStyles() {
  if (typeof document === "undefined" || document.getElementById("bn-visual-styles")) return;
  const style = document.createElement("style");
  style.id = "bn-visual-styles";
  style.textContent = CSS2;
  document.head.append(style);
}

// src/lib/chart_style.js
var pct = (x) => `${(Math.max(0, Math.min(1, Number(x) || 0)) * 100).toFixed(1)}%`;
function applyStyle(node, style, text) {
  if (!style) return node;
  injectStyles();
  if (style.background) node.style.background = style.background;
  if (style.color) node.style.color = style.color;
  if (style["font-weight"]) node.style.fontWeight = style["font-weight"];
  if (style["font-style"]) node.style.fontStyle = style["font-style"];
  const bar = style.bar;
  if (bar && typeof bar === "object") {
    node.classList.add("bn-bar");
    const start = Math.min(bar.start ?? 0, bar.end ?? 0), end = Math.max(bar.start ?? 0, bar.end ?? 0);
    node.replaceChildren(...[
      h("span", { class: "bn-fill", style: `left:${pct(start)};width:${pct(end - start)};background:${bar.color || "#56B4E9"}` }),
      bar.axis !== void 0 && bar.axis !== null && bar.axis > 0 && bar.axis < 1 ? h("span", { class: "bn-axis", style: `left:${pct(bar.axis)}` }) : null,
      h("span", { class: "bn-text" }, style.show_value === false ? "" : text)
    ].filter(Boolean));
  }
  const icon = style.icon;
  if (icon) {
    const symbol = typeof icon === "object" ? icon.symbol : icon;
    const color = typeof icon === "object" ? icon.color : null;
    node.prepend(h("span", {
      class: "bn-icon",
      role: "img",
      "aria-label": icon && icon.name || "icon",
      style: color ? `color:${color}` : ""
    }, `${symbol} `));
  }
  return node;
}

// src/matrix.js
function render({ model, el }) {
  injectStyles();
  const root = h("div", { class: "bn-visual bn-matrix-wrap" });
  el.append(root);
  let focusPath = null;
  function draw() {
    if (model.get("error")) {
      root.replaceChildren(h("div", { class: "bn-error", role: "alert" }, model.get("error")));
      return;
    }
    const header = model.get("header") || [];
    const rows = (model.get("body") || []).map((r) => {
      const key = JSON.stringify(r.path);
      const toggle = r.expandable ? h("button", {
        type: "button",
        class: "bn-expand",
        "aria-expanded": String(r.expanded),
        "aria-label": `${r.expanded ? "Collapse" : "Expand"} ${r.label}`,
        "data-path": key,
        onclick: () => {
          focusPath = key;
          model.send({ event: "toggle", path: r.path });
        }
      }, r.expanded ? "\u25BE" : "\u25B8") : null;
      const head = h("th", { scope: "row", style: `padding-left:${10 + r.level * 20 + (r.expandable ? 0 : 28)}px` }, toggle, r.label);
      return h(
        "tr",
        { class: r.total ? "bn-total" : "", "data-level": r.level, "data-path": key },
        head,
        r.cells.map((c) => applyStyle(h("td", {
          class: `num${c.row_total ? " bn-rowtotal" : ""}`,
          "data-value": JSON.stringify(c.value),
          "data-measure": c.measure
        }, c.text), c.style, c.text))
      );
    });
    const table = h(
      "table",
      { class: "bn-matrix" },
      model.get("title") ? h("caption", {}, model.get("title")) : null,
      h("thead", {}, h(
        "tr",
        {},
        h("th", { scope: "col" }, model.get("row_header")),
        header.map((c) => h("th", { scope: "col", class: "num", "data-member": JSON.stringify(c.member) }, c.label))
      )),
      h("tbody", {}, rows)
    );
    root.replaceChildren(table);
    root.dataset.version = String(model.get("version"));
    if (focusPath) {
      const btn = root.querySelector(`button[data-path='${CSS.escape(focusPath)}']`);
      if (btn) btn.focus();
      focusPath = null;
    }
  }
  draw();
  model.on("change:version", draw);
}
var matrix_default = { render };
export {
  matrix_default as default
};
