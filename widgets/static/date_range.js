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
function save(model, name, value) {
  model.set(name, value);
  model.save_changes();
}

// src/date_range.js
function render({ model, el }) {
  const id = uid("daterange");
  const start = h("input", { type: "date", class: "bn-date bn-date-start", "aria-label": "From" });
  const end = h("input", { type: "date", class: "bn-date bn-date-end", "aria-label": "To" });
  const reset = h("button", { type: "button", class: "bn-link", onclick: () => save(model, "value", []) }, "All dates");
  const label = h("div", { class: "bn-slicer-label", id: `${id}-label` });
  el.append(h(
    "div",
    { class: "bn-slicer bn-date-range", "data-slicer": "date_range", role: "group", "aria-labelledby": `${id}-label` },
    label,
    h("div", { class: "bn-rel-row" }, start, h("span", {}, "to"), end),
    reset
  ));
  const send = () => save(model, "value", start.value || end.value ? [start.value || null, end.value || null] : []);
  start.addEventListener("change", send);
  end.addEventListener("change", send);
  function draw() {
    label.textContent = model.get("label");
    for (const input of [start, end]) {
      input.min = model.get("min");
      input.max = model.get("max");
    }
    const [a, b] = model.get("value") || [];
    start.value = a || "";
    end.value = b || "";
    start.placeholder = model.get("min");
    end.placeholder = model.get("max");
  }
  draw();
  for (const name of ["value", "min", "max", "label"]) model.on(`change:${name}`, draw);
}
var date_range_default = { render };
export {
  date_range_default as default
};
