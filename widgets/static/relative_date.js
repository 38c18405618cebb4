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

// src/relative_date.js
var MODES = [["", "All dates"], ["last", "Last"], ["next", "Next"], ["this", "This"], ["previous", "Previous"]];
function render({ model, el }) {
  const id = uid("reldate");
  const mode = h(
    "select",
    { class: "bn-rel-mode", "aria-label": "Period" },
    MODES.map(([v, t]) => h("option", { value: v }, t))
  );
  const n = h("input", { type: "number", min: "1", step: "1", value: "30", class: "bn-rel-n", "aria-label": "How many" });
  const unit = h("select", { class: "bn-rel-unit", "aria-label": "Unit" });
  const note = h("div", { class: "bn-note" });
  const label = h("div", { class: "bn-slicer-label", id: `${id}-label` });
  el.append(h(
    "div",
    { class: "bn-slicer bn-relative-date", "data-slicer": "relative_date", role: "group", "aria-labelledby": `${id}-label` },
    label,
    h("div", { class: "bn-rel-row" }, mode, n, unit),
    note
  ));
  function send() {
    if (!mode.value) return save(model, "value", {});
    const v = { mode: mode.value, unit: unit.value };
    if (mode.value === "last" || mode.value === "next") v.n = Math.max(1, Math.round(Number(n.value) || 1));
    save(model, "value", v);
  }
  for (const input of [mode, unit]) input.addEventListener("change", send);
  n.addEventListener("change", send);
  n.addEventListener("blur", () => draw());
  function draw() {
    label.textContent = get(model, "label");
    unit.replaceChildren(...get(model, "units").map((u) => h("option", { value: u }, u + "s")));
    const v = get(model, "value") || {};
    mode.value = v.mode || "";
    unit.value = v.unit || "day";
    if (v.n) setInput(n, v.n);
    n.hidden = mode.value !== "last" && mode.value !== "next";
    unit.disabled = !mode.value;
    note.textContent = `relative to ${get(model, "as_of")}`;
  }
  draw();
  return watch(model, ["value", "units", "as_of", "label"], draw);
}
var relative_date_default = { render };
export {
  relative_date_default as default
};
