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
function save(model, name, value) {
  model.set(name, value);
  model.save_changes();
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
    const v = model.get("value");
    return v && v.length === 2 ? v : [model.get("min"), model.get("max")];
  };
  const send = (a, b) => save(model, "value", [Math.min(a, b), Math.max(a, b)]);
  const sendLater = debounce(send, 300);
  function draw() {
    label.textContent = model.get("label");
    const [a, b] = current();
    for (const input of [lo, hi, loBox, hiBox]) {
      input.min = model.get("min");
      input.max = model.get("max");
      input.step = model.get("step");
    }
    lo.value = a;
    hi.value = b;
    loBox.value = a;
    hiBox.value = b;
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
  draw();
  for (const name of ["value", "min", "max", "step", "label"]) model.on(`change:${name}`, draw);
}
var between_default = { render };
export {
  between_default as default
};
