// Small DOM helpers shared by the widgets (bundled into each widget by esbuild).

let counter = 0;

/** A unique id prefix per widget instance, for label/for and aria links. */
export function uid(prefix) {
  counter += 1;
  return `bn-${prefix}-${counter}-${Math.random().toString(36).slice(2, 7)}`;
}

/** h("div", {class: "x", onclick: fn}, child, "text") */
export function h(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else if (k === "class") node.className = v;
    else if (k in node && typeof v !== "string") node[k] = v;
    else node.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}

/** Call fn after ms of quiet; .flush() runs a pending call now. */
export function debounce(fn, ms = 300) {
  let timer = null;
  let last = null;
  const wrapped = (...args) => {
    last = args;
    clearTimeout(timer);
    timer = setTimeout(() => { timer = null; fn(...last); }, ms);
  };
  wrapped.flush = () => { if (timer) { clearTimeout(timer); timer = null; fn(...last); } };
  return wrapped;
}

/**
 * Send at once when the widget was quiet, then coalesce: changes made within `ms` of the
 * previous one go to the kernel together, `ms` after the last of them. One click answers
 * immediately; five quick clicks cost two queries, not five. `settle` runs once all is quiet.
 */
export function coalesce(fn, ms = 300, settle = () => {}) {
  let timer = null;
  let pending = false;
  const quiet = () => {
    timer = null;
    if (pending) { pending = false; fn(); timer = setTimeout(quiet, ms); return; }
    settle();
  };
  return () => {
    if (timer === null) { fn(); timer = setTimeout(quiet, ms); return; }
    pending = true;
    clearTimeout(timer);
    timer = setTimeout(quiet, ms);
  };
}

export const FILTER_DEBOUNCE_MS = 300;
const local = new WeakMap();

// What the person set but the kernel has not confirmed yet. The kernel's echo of an earlier
// send would otherwise put an older value back into the view while the person is still clicking.
function localState(model) {
  let s = local.get(model);
  if (!s) {
    const values = new Map();
    const redraws = new Set();
    const send = () => { for (const [n, v] of values) model.set(n, v); model.save_changes(); };
    const settle = () => {
      const stale = [...values].some(([n, v]) => JSON.stringify(v) !== JSON.stringify(model.get(n)));
      values.clear();
      if (stale) for (const draw of redraws) draw();  // the kernel changed it meanwhile (e.g. clear all)
    };
    s = { values, redraws, send: coalesce(send, FILTER_DEBOUNCE_MS, settle) };
    local.set(model, s);
  }
  return s;
}

/** A trait as the view should show it: the person's unsent choice first, else the kernel's. */
export function get(model, name) {
  const s = local.get(model);
  return s && s.values.has(name) ? s.values.get(name) : model.get(name);
}

/** Redraw on changes of these traits; returns the cleanup. */
export function watch(model, names, draw) {
  for (const name of names) model.on(`change:${name}`, draw);
  localState(model).redraws.add(draw);
  return () => {
    for (const name of names) model.off(`change:${name}`, draw);
    localState(model).redraws.delete(draw);
  };
}

/** Set a trait now (the view redraws at once) and send it to the kernel coalesced (see coalesce). */
export function save(model, name, value) {
  const s = localState(model);
  s.values.set(name, value);
  model.set(name, value);
  s.send();
}

/**
 * Put a value into an input unless the person is editing it. A redraw can come at any moment
 * (the kernel's echo of an earlier send, new bounds from another slicer); writing into a
 * focused input would throw away what they typed or snap a dragged thumb back before it is sent.
 */
export function setInput(input, value) {
  if (input.ownerDocument.activeElement !== input) input.value = value;
}

export const fmtCount = (n) => Number(n).toLocaleString("en-US");
