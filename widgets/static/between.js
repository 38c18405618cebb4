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
function debounce(fn, ms = 300) {
  let timer = null;
  let last = null;
  const wrapped = (...args) => {
    last = args;
    clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      fn(...last);
    }, ms);
  };
  wrapped.flush = () => {
    if (timer) {
      clearTimeout(timer);
      timer = null;
      fn(...last);
    }
  };
  return wrapped;
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

// src/between.js
function render({ model, el }) {
  const id = uid("between");
  const lo = h("input", { type: "range", class: "bn-range bn-range-lo", "aria-label": "Minimum" });
  const hi = h("input", { type: "range", class: "bn-range bn-range-hi", "aria-label": "Maximum" });
  const loBox = h("input", { type: "number", class: "bn-num bn-num-lo", "aria-label": "Minimum value" });
  const hiBox = h("input", { type: "number", class: "bn-num bn-num-hi", "aria-label": "Maximum value" });
  const label = h("div", { class: "bn-slicer-label", id: `${id}-label` });
  const root = h(
    "div",
    { class: "bn-slicer bn-between", "data-slicer": "between", role: "group", "aria-labelledby": `${id}-label` },
    label,
    h("div", { class: "bn-range-wrap" }, lo, hi),
    h("div", { class: "bn-num-row" }, loBox, h("span", {}, "to"), hiBox)
  );
  el.append(root);
  const current = () => {
    const v = get(model, "value");
    return v && v.length === 2 ? v : [get(model, "min"), get(model, "max")];
  };
  const send = (a, b) => save(model, "value", [Math.min(a, b), Math.max(a, b)]);
  const sendLater = debounce(send, 300);
  function draw() {
    label.textContent = get(model, "label");
    const [a, b] = current();
    for (const input of [lo, hi, loBox, hiBox]) {
      input.min = get(model, "min");
      input.max = get(model, "max");
      input.step = get(model, "step");
    }
    setInput(lo, a);
    setInput(hi, b);
    setInput(loBox, a);
    setInput(hiBox, b);
  }
  function onSlide() {
    let a = Number(lo.value), b = Number(hi.value);
    if (a > b) [a, b] = [b, a];
    loBox.value = a;
    hiBox.value = b;
    sendLater(a, b);
  }
  lo.addEventListener("input", onSlide);
  hi.addEventListener("input", onSlide);
  const onTyped = () => {
    lo.value = loBox.value;
    hi.value = hiBox.value;
    send(Number(loBox.value), Number(hiBox.value));
  };
  loBox.addEventListener("change", onTyped);
  hiBox.addEventListener("change", onTyped);
  for (const input of [lo, hi, loBox, hiBox]) input.addEventListener("blur", draw);
  draw();
  return watch(model, ["value", "min", "max", "step", "label"], draw);
}
var between_default = { render };
export {
  between_default as default
};
