// Hierarchy slicer: a tree of parents (years) with children (months). value = picked children; [] = all.
import { fmtCount, get, h, save, uid, watch } from "./lib/dom.js";

function render({ model, el }) {
  const id = uid("hier");
  const label = h("div", { class: "bn-slicer-label", id: `${id}-label` });
  const tree = h("ul", { class: "bn-tree", role: "tree", "aria-labelledby": `${id}-label`, "aria-multiselectable": "true" });
  el.append(h("div", { class: "bn-slicer bn-hierarchy", "data-slicer": "hierarchy" }, label, tree));
  const open = new Set();

  const picked = () => new Set(get(model, "value") || []);
  const setValue = (set) => save(model, "value", [...set].sort());

  function draw() {
    label.textContent = get(model, "label");
    const sel = picked();
    tree.replaceChildren(...(get(model, "options") || []).map((node) => {
      const kids = node.children.map((c) => c.value);
      const n = kids.filter((k) => sel.has(k)).length;
      const box = h("input", { type: "checkbox", checked: n > 0 && n === kids.length, "aria-label": node.label,
        onchange: () => {
          const next = picked();
          if (n === kids.length) kids.forEach((k) => next.delete(k)); else kids.forEach((k) => next.add(k));
          setValue(next);
        } });
      box.indeterminate = n > 0 && n < kids.length;
      const expanded = open.has(node.value);
      const toggle = h("button", { type: "button", class: "bn-expand", "aria-label": `${expanded ? "Collapse" : "Expand"} ${node.label}`,
        "aria-expanded": String(expanded), onclick: () => { expanded ? open.delete(node.value) : open.add(node.value); draw(); } },
        expanded ? "▾" : "▸");
      const children = h("ul", { role: "group", hidden: !expanded }, node.children.map((c) => h("li", {
        role: "treeitem", "aria-selected": String(sel.has(c.value)), "data-value": c.value },
        h("label", { class: "bn-option" },
          h("input", { type: "checkbox", checked: sel.has(c.value), onchange: () => {
            const next = picked(); next.has(c.value) ? next.delete(c.value) : next.add(c.value); setValue(next);
          } }),
          h("span", { class: "bn-option-label" }, c.label), h("span", { class: "bn-count" }, fmtCount(c.count))))));
      return h("li", { role: "treeitem", "aria-expanded": String(expanded), "data-value": node.value },
        h("div", { class: "bn-tree-row" }, toggle, h("label", { class: "bn-option" }, box,
          h("span", { class: "bn-option-label" }, node.label), h("span", { class: "bn-count" }, fmtCount(node.count)))),
        children);
    }));
  }

  draw();
  return watch(model, ["options", "value", "label"], draw);
}

export default { render };
