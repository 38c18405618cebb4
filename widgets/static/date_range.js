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
function setInput(input, value) {
  if (input.ownerDocument.activeElement !== input) input.value = value;
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
  for (const input of [start, end]) input.addEventListener("blur", () => draw());
  function draw() {
    label.textContent = get(model, "label");
    for (const input of [start, end]) {
      input.min = get(model, "min");
      input.max = get(model, "max");
    }
    const [a, b] = get(model, "value") || [];
    setInput(start, a || "");
    setInput(end, b || "");
    start.placeholder = get(model, "min");
    end.placeholder = get(model, "max");
  }
  draw();
  return watch(model, ["value", "min", "max", "label"], draw);
}
var date_range_default = { render };
export {
  date_range_default as default
};
