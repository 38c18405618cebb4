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

/** model.set + save_changes in one call. */
export function save(model, name, value) {
  model.set(name, value);
  model.save_changes();
}

export const fmtCount = (n) => Number(n).toLocaleString("en-US");
