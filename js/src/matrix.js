// MatrixView: a pivot table; row and column groups expand with buttons (aria-expanded), totals in bold.
// The kernel lays out everything (header rows with their spans, cells, styles); this only draws it
// and sends {event: "toggle" | "toggle_column", path} when a group's button is pressed.
import { h } from "./lib/dom.js";
import { injectStyles } from "./lib/chart_css.js";
import { applyStyle } from "./lib/chart_style.js";

const MATRIX_CSS = `
.bn-matrix thead th { vertical-align: bottom; }
.bn-matrix thead th[scope="colgroup"] { text-align: center; border-bottom: 1px solid #cbd2d9; }
.bn-matrix thead th.bn-colsub, .bn-matrix td.bn-subtotal { font-weight: 600; background: #f1f4f8; }
.bn-matrix thead th.bn-coltotal { font-weight: 700; }
.bn-matrix thead .bn-expand { min-height: 24px; }
`;

function injectMatrixStyles() {
  if (document.getElementById("bn-matrix-styles")) return;
  document.head.append(h("style", { id: "bn-matrix-styles" }, MATRIX_CSS));
}

function render({ model, el }) {
  injectStyles();
  injectMatrixStyles();
  const root = h("div", { class: "bn-visual bn-matrix-wrap" });
  el.append(root);
  let focusKey = null; // the button pressed, focused again once the redrawn matrix arrives

  function expander(kind, path, label, expanded) {
    const key = `${kind}:${JSON.stringify(path)}`;
    const what = kind === "col" ? "column " : "";
    return h("button", { type: "button", class: "bn-expand", "aria-expanded": String(expanded),
      "aria-label": `${expanded ? "Collapse" : "Expand"} ${what}${label}`, "data-key": key,
      onclick: () => { focusKey = key; model.send({ event: kind === "col" ? "toggle_column" : "toggle", path }); } },
      expanded ? "▾" : "▸");
  }

  function headRows() {
    const rows = model.get("header_rows") || [];
    return rows.map((cells, i) => h("tr", {},
      i === 0 ? h("th", { scope: "col", rowspan: rows.length, class: "bn-corner" }, model.get("row_header")) : null,
      cells.map((c) => h("th", {
        scope: c.colspan > 1 ? "colgroup" : "col", colspan: c.colspan, rowspan: c.rowspan,
        class: `num${c.kind === "subtotal" ? " bn-colsub" : ""}${c.kind === "total" ? " bn-coltotal" : ""}`,
        "data-col-path": JSON.stringify(c.path), "data-kind": c.kind, "aria-label": c.aria_label,
      }, c.expandable ? expander("col", c.path, c.label, c.expanded) : null, c.label))));
  }

  function draw() {
    if (model.get("error")) {
      root.replaceChildren(h("div", { class: "bn-error", role: "alert" }, model.get("error")));
      return;
    }
    const header = model.get("header") || [];
    const rows = (model.get("body") || []).map((r) => {
      const toggle = r.expandable ? expander("row", r.path, r.label, r.expanded) : null;
      const head = h("th", { scope: "row", style: `padding-left:${10 + r.level * 20 + (r.expandable ? 0 : 28)}px` },
        toggle, r.label);
      return h("tr", { class: r.total ? "bn-total" : "", "data-level": r.level, "data-path": JSON.stringify(r.path) },
        head, r.cells.map((c, i) => applyStyle(h("td", {
          class: `num${c.row_total ? " bn-rowtotal" : ""}${c.subtotal ? " bn-subtotal" : ""}`,
          "data-value": JSON.stringify(c.value), "data-measure": c.measure,
          "data-col-path": header[i] ? JSON.stringify(header[i].path) : null }, c.text), c.style, c.text)));
    });
    const table = h("table", { class: "bn-matrix" },
      model.get("title") ? h("caption", {}, model.get("title")) : null,
      h("thead", {}, headRows()),
      h("tbody", {}, rows));
    root.replaceChildren(table);
    root.dataset.version = String(model.get("version"));
    if (focusKey) {
      const btn = root.querySelector(`button[data-key='${CSS.escape(focusKey)}']`);
      if (btn) btn.focus();
      focusKey = null;
    }
  }
  draw();
  model.on("change:version", draw);
}

export default { render };
