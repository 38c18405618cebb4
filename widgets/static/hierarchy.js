// src/lib/dom.js
var counter = 0;
function uid(prefix) {
  counter += 1;
  return `bn-${prefix}-${counter}-${Math.random().toString(36).slice(2, 7)}`;
}
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
function coalesce(fn, ms = 300, settle = () => {
}) {
  let timer = null;
  let pending = false;
  const quiet = () => {
    timer = null;
    if (pending) {
      pending = false;
      fn();
      timer = setTimeout(quiet, ms);
      return;
    }
    settle();
  };
  return () => {
    if (timer === null) {
      fn();
      timer = setTimeout(quiet, ms);
      return;
    }
    pending = true;
    clearTimeout(timer);
    timer = setTimeout(quiet, ms);
  };
}
var FILTER_DEBOUNCE_MS = 300;
var local = /* @__PURE__ */ new WeakMap();
function localState(model) {
  let s = local.get(model);
  if (!s) {
    const values = /* @__PURE__ */ new Map();
    const redraws = /* @__PURE__ */ new Set();
    const send = () => {
      for (const [n, v] of values) model.set(n, v);
      model.save_changes();
    };
    const settle = () => {
      const stale = [...values].some(([n, v]) => JSON.stringify(v) !== JSON.stringify(model.get(n)));
      values.clear();
      if (stale) for (const draw of redraws) draw();
    };
    s = { values, redraws, send: coalesce(send, FILTER_DEBOUNCE_MS, settle) };
    local.set(model, s);
  }
  return s;
}
function get(model, name) {
  const s = local.get(model);
  return s && s.values.has(name) ? s.values.get(name) : model.get(name);
}
function watch(model, names, draw) {
  for (const name of names) model.on(`change:${name}`, draw);
  localState(model).redraws.add(draw);
  return () => {
    for (const name of names) model.off(`change:${name}`, draw);
    localState(model).redraws.delete(draw);
  };
}
function save(model, name, value) {
  const s = localState(model);
  s.values.set(name, value);
  model.set(name, value);
  s.send();
}
var fmtCount = (n) => Number(n).toLocaleString("en-US");

// src/hierarchy.js
function render({ model, el }) {
  const id = uid("hier");
  const label = h("div", { class: "bn-slicer-label", id: `${id}-label` });
  const tree = h("ul", { class: "bn-tree", role: "tree", "aria-labelledby": `${id}-label`, "aria-multiselectable": "true" });
  el.append(h("div", { class: "bn-slicer bn-hierarchy", "data-slicer": "hierarchy" }, label, tree));
  const open = /* @__PURE__ */ new Set();
  const picked = () => new Set(get(model, "value") || []);
  const setValue = (set) => save(model, "value", [...set].sort());
  function draw() {
    label.textContent = get(model, "label");
    const sel = picked();
    tree.replaceChildren(...(get(model, "options") || []).map((node) => {
      const kids = node.children.map((c) => c.value);
      const n = kids.filter((k) => sel.has(k)).length;
      const box = h("input", {
        type: "checkbox",
        checked: n > 0 && n === kids.length,
        "aria-label": node.label,
        onchange: () => {
          const next = picked();
          if (n === kids.length) kids.forEach((k) => next.delete(k));
          else kids.forEach((k) => next.add(k));
          setValue(next);
        }
      });
      box.indeterminate = n > 0 && n < kids.length;
      const expanded = open.has(node.value);
      const toggle = h(
        "button",
        {
          type: "button",
          class: "bn-expand",
          "aria-label": `${expanded ? "Collapse" : "Expand"} ${node.label}`,
          "aria-expanded": String(expanded),
          onclick: () => {
            expanded ? open.delete(node.value) : open.add(node.value);
            draw();
          }
        },
        expanded ? "\u25BE" : "\u25B8"
      );
      const children = h("ul", { role: "group", hidden: !expanded }, node.children.map((c) => h(
        "li",
        {
          role: "treeitem",
          "aria-selected": String(sel.has(c.value)),
          "data-value": c.value
        },
        h(
          "label",
          { class: "bn-option" },
          h("input", { type: "checkbox", checked: sel.has(c.value), onchange: () => {
            const next = picked();
            next.has(c.value) ? next.delete(c.value) : next.add(c.value);
            setValue(next);
          } }),
          h("span", { class: "bn-option-label" }, c.label),
          h("span", { class: "bn-count" }, fmtCount(c.count))
        )
      )));
      return h(
        "li",
        { role: "treeitem", "aria-expanded": String(expanded), "data-value": node.value },
        h("div", { class: "bn-tree-row" }, toggle, h(
          "label",
          { class: "bn-option" },
          box,
          h("span", { class: "bn-option-label" }, node.label),
          h("span", { class: "bn-count" }, fmtCount(node.count))
        )),
        children
      );
    }));
  }
  draw();
  return watch(model, ["options", "value", "label"], draw);
}
var hierarchy_default = { render };
export {
  hierarchy_default as default
};
