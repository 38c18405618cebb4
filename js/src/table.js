// TableView: rows of {value, text} cells; re-drawn on every new answer (version).
import { h } from "./lib/dom.js";
import { applyStyle } from "./lib/chart_style.js";

function render({ model, el }) {
  const root = h("div", { class: "bn-tableview" });
  el.append(root);

  function draw() {
    const cols = model.get("columns") || [];
    const table = h("table", { class: "bn-table-view" },
      model.get("title") ? h("caption", {}, model.get("title")) : null,
      h("thead", {}, h("tr", {}, cols.map((c) => h("th", { scope: "col", class: c.numeric ? "num" : "" }, c.label)))),
      h("tbody", {}, (model.get("rows") || []).map((r) => h("tr", {}, r.map((cell, i) => applyStyle(h("td", {
        class: cols[i] && cols[i].numeric ? "num" : "", "data-col": cols[i] ? cols[i].name : "",
        "data-value": JSON.stringify(cell.value),
      }, cell.text), cell.style, cell.text))))));
    const err = model.get("error");
    root.replaceChildren(err ? h("div", { class: "bn-error", role: "alert" }, err) : table);
    root.dataset.version = String(model.get("version"));
    root.setAttribute("aria-live", "polite");
  }

  draw();
  model.on("change:version", draw);
  model.on("change:title", draw);
}

export default { render };
