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
  function draw() {
    label.textContent = model.get("label");
    unit.replaceChildren(...model.get("units").map((u) => h("option", { value: u }, u + "s")));
    const v = model.get("value") || {};
    mode.value = v.mode || "";
    unit.value = v.unit || "day";
    if (v.n) n.value = v.n;
    n.hidden = mode.value !== "last" && mode.value !== "next";
    unit.disabled = !mode.value;
    note.textContent = `relative to ${model.get("as_of")}`;
  }
  draw();
  for (const name of ["value", "units", "as_of", "label"]) model.on(`change:${name}`, draw);
}
var relative_date_default = { render };
export {
  relative_date_default as default
};
