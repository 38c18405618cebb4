// MatrixView: a pivot table; row groups expand with a button (aria-expanded), totals in bold.
import { h } from "./lib/dom.js";
import { injectStyles } from "./lib/chart_css.js";
import { applyStyle } from "./lib/chart_style.js";

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
      const toggle = r.expandable ? h("button", { type: "button", class: "bn-expand", "aria-expanded": String(r.expanded),
        "aria-label": `${r.expanded ? "Collapse" : "Expand"} ${r.label}`, "data-path": key,
        onclick: () => { focusPath = key; model.send({ event: "toggle", path: r.path }); } }, r.expanded ? "▾" : "▸") : null;
      const head = h("th", { scope: "row", style: `padding-left:${10 + r.level * 20 + (r.expandable ? 0 : 28)}px` }, toggle, r.label);
      return h("tr", { class: r.total ? "bn-total" : "", "data-level": r.level, "data-path": key },
        head, r.cells.map((c) => applyStyle(h("td", { class: `num${c.row_total ? " bn-rowtotal" : ""}`,
          "data-value": JSON.stringify(c.value), "data-measure": c.measure }, c.text), c.style, c.text)));
    });
    const table = h("table", { class: "bn-matrix" },
      model.get("title") ? h("caption", {}, model.get("title")) : null,
      h("thead", {}, h("tr", {}, h("th", { scope: "col" }, model.get("row_header")),
        header.map((c) => h("th", { scope: "col", class: "num", "data-member": JSON.stringify(c.member) }, c.label)))),
      h("tbody", {}, rows));
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

export default { render };
