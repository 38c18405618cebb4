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
var fmtCount = (n) => Number(n).toLocaleString("en-US");

// src/lib/choices.js
var same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
function renderChoices({ model, el }, layout) {
  const id = uid(layout);
  const root = h("div", { class: `bn-slicer bn-${layout}`, "data-slicer": layout });
  const label = h("div", { class: "bn-slicer-label", id: `${id}-label` });
  root.append(label);
  el.append(root);
  const selected = () => get(model, "value") || [];
  const isSelected = (v) => selected().some((s) => same(s, v));
  const setValue = (v) => save(model, "value", v);
  function toggle(v) {
    const multi = get(model, "multi");
    if (!multi) return setValue(isSelected(v) ? [] : [v]);
    setValue(isSelected(v) ? selected().filter((s) => !same(s, v)) : [...selected(), v]);
  }
  function selectAll() {
    const search2 = get(model, "search");
    if (!search2) return setValue([]);
    const visible = get(model, "options").map((o) => o.value);
    setValue([...selected(), ...visible.filter((v) => !isSelected(v))]);
  }
  const sendSearch = debounce((text) => save(model, "search", text), 300);
  const search = h("input", {
    type: "search",
    class: "bn-slicer-search",
    placeholder: "Search",
    "aria-label": "Search",
    oninput: (e) => sendSearch(e.target.value)
  });
  const list = h("div", {
    class: "bn-options",
    role: layout === "tile" ? "group" : "listbox",
    "aria-labelledby": `${id}-label`,
    "aria-multiselectable": layout === "tile" ? null : "true"
  });
  const more = h("div", { class: "bn-more" });
  const chips = h("div", { class: "bn-chips", "aria-label": "Selected" });
  const cleanups = [];
  let button = null;
  let panel = null;
  if (layout === "dropdown") {
    button = h("button", {
      type: "button",
      class: "bn-dropdown-button",
      "aria-haspopup": "listbox",
      "aria-expanded": "false",
      "aria-labelledby": `${id}-label ${id}-summary`,
      onclick: () => setOpen(panel.hidden)
    }, h("span", { class: "bn-summary", id: `${id}-summary` }), h("span", { class: "bn-caret", "aria-hidden": "true" }, "\u25BE"));
    panel = h("div", { class: "bn-panel", hidden: true }, search, list, more);
    root.append(button, panel);
    const onKey = (e) => {
      if (e.key === "Escape" && !panel.hidden) {
        setOpen(false);
        button.focus();
      }
    };
    const onClick = (e) => {
      if (!panel.hidden && !root.contains(e.target)) setOpen(false);
    };
    document.addEventListener("keydown", onKey);
    document.addEventListener("click", onClick);
    cleanups.push(() => {
      document.removeEventListener("keydown", onKey);
      document.removeEventListener("click", onClick);
    });
  } else if (layout === "list") {
    root.append(search, list, more);
  } else if (layout === "search") {
    search.setAttribute("role", "combobox");
    search.setAttribute("aria-autocomplete", "list");
    search.placeholder = "Type to search";
    root.append(chips, search, list, more);
  } else {
    root.append(list);
  }
  function setOpen(open) {
    panel.hidden = !open;
    button.setAttribute("aria-expanded", String(open));
    if (open) search.focus();
  }
  function summary() {
    const v = selected();
    if (!v.length) return "All";
    if (v.length === 1) return String(v[0] ?? "(blank)");
    return `${v.length} selected`;
  }
  function draw() {
    label.textContent = get(model, "label");
    if (button) button.querySelector(".bn-summary").textContent = summary();
    const opts = get(model, "options") || [];
    const rows = [];
    if (layout === "search") {
      chips.replaceChildren(...selected().map((v) => h("button", {
        type: "button",
        class: "bn-chip",
        "aria-label": `Remove ${v}`,
        onclick: () => toggle(v)
      }, String(v ?? "(blank)"), h("span", { "aria-hidden": "true" }, " \xD7"))));
    }
    if (layout === "search") {
    } else if (layout !== "tile" && get(model, "multi")) {
      const all = !selected().length;
      rows.push(h(
        "label",
        { class: "bn-option bn-select-all", role: "option", "aria-selected": String(all), "data-value": "*" },
        h("input", { type: "checkbox", checked: all, onchange: selectAll }),
        h("span", {}, "Select all")
      ));
    } else if (layout === "tile") {
      rows.push(h("button", {
        type: "button",
        class: "bn-tile-btn" + (selected().length ? "" : " bn-on"),
        "aria-pressed": String(!selected().length),
        onclick: () => setValue([])
      }, "All"));
    }
    for (const o of opts) {
      const on = isSelected(o.value);
      if (layout === "tile") {
        rows.push(h("button", {
          type: "button",
          class: "bn-tile-btn" + (on ? " bn-on" : ""),
          "aria-pressed": String(on),
          "data-value": JSON.stringify(o.value),
          title: `${o.label}: ${fmtCount(o.count)}`,
          onclick: () => toggle(o.value)
        }, o.label));
      } else {
        rows.push(h(
          "label",
          { class: "bn-option", role: "option", "aria-selected": String(on), "data-value": JSON.stringify(o.value) },
          h("input", { type: get(model, "multi") ? "checkbox" : "radio", name: id, checked: on, onchange: () => toggle(o.value) }),
          h("span", { class: "bn-option-label" }, o.label),
          h("span", { class: "bn-count" }, fmtCount(o.count))
        ));
      }
    }
    const focused = list.contains(document.activeElement) ? document.activeElement.closest("[data-value]") : null;
    const focusKey = focused ? focused.getAttribute("data-value") : null;
    list.replaceChildren(...rows);
    if (focusKey !== null) {
      const again = [...list.querySelectorAll("[data-value]")].find((n) => n.getAttribute("data-value") === focusKey);
      if (again) (again.matches("button") ? again : again.querySelector("input")).focus();
    }
    const total = get(model, "total");
    const shown = opts.length;
    more.textContent = total > shown ? `Showing the first ${fmtCount(shown)}; type to narrow` : "";
    if (document.activeElement !== search) search.value = get(model, "search");
  }
  draw();
  const unwatch = watch(model, ["options", "value", "label", "multi", "total", "search"], draw);
  return () => {
    unwatch();
    for (const undo of cleanups) undo();
  };
}

// src/list.js
var list_default = { render: (ctx) => renderChoices(ctx, "list") };
export {
  list_default as default
};
