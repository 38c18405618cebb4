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

// src/table.js
function render({ model, el }) {
  const root = h("div", { class: "bn-tableview" });
  el.append(root);
  function draw() {
    const cols = model.get("columns") || [];
    const table = h(
      "table",
      { class: "bn-table-view" },
      model.get("title") ? h("caption", {}, model.get("title")) : null,
      h("thead", {}, h("tr", {}, cols.map((c) => h("th", { scope: "col", class: c.numeric ? "num" : "" }, c.label)))),
      h("tbody", {}, (model.get("rows") || []).map((r) => h("tr", {}, r.map((cell, i) => h("td", {
        class: cols[i] && cols[i].numeric ? "num" : "",
        "data-col": cols[i] ? cols[i].name : "",
        "data-value": JSON.stringify(cell.value)
      }, cell.text)))))
    );
    const err = model.get("error");
    root.replaceChildren(err ? h("div", { class: "bn-error", role: "alert" }, err) : table);
    root.dataset.version = String(model.get("version"));
    root.setAttribute("aria-live", "polite");
  }
  draw();
  model.on("change:version", draw);
  model.on("change:title", draw);
}
var table_default = { render };
export {
  table_default as default
};
