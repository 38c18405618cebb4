// Relative date slicer: last/next N units, this period, previous period, relative to as_of.
import { get, h, save, setInput, uid, watch } from "./lib/dom.js";

const MODES = [["", "All dates"], ["last", "Last"], ["next", "Next"], ["this", "This"], ["previous", "Previous"]];

function render({ model, el }) {
  const id = uid("reldate");
  const mode = h("select", { class: "bn-rel-mode", "aria-label": "Period" },
    MODES.map(([v, t]) => h("option", { value: v }, t)));
  const n = h("input", { type: "number", min: "1", step: "1", value: "30", class: "bn-rel-n", "aria-label": "How many" });
  const unit = h("select", { class: "bn-rel-unit", "aria-label": "Unit" });
  const note = h("div", { class: "bn-note" });
  const label = h("div", { class: "bn-slicer-label", id: `${id}-label` });
  el.append(h("div", { class: "bn-slicer bn-relative-date", "data-slicer": "relative_date", role: "group", "aria-labelledby": `${id}-label` },
    label, h("div", { class: "bn-rel-row" }, mode, n, unit), note));

  function send() {
    if (!mode.value) return save(model, "value", {});
    const v = { mode: mode.value, unit: unit.value };
    if (mode.value === "last" || mode.value === "next") v.n = Math.max(1, Math.round(Number(n.value) || 1));
    save(model, "value", v);
  }
  for (const input of [mode, unit]) input.addEventListener("change", send);
  n.addEventListener("change", send);
  n.addEventListener("blur", () => draw());  // show the clamped n that was skipped while editing

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

export default { render };
