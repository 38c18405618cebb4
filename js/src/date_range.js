// Date range slicer: two native calendar pickers (keyboard and screen-reader friendly). value = [start, end].
import { get, h, save, setInput, uid, watch } from "./lib/dom.js";

function render({ model, el }) {
  const id = uid("daterange");
  const start = h("input", { type: "date", class: "bn-date bn-date-start", "aria-label": "From" });
  const end = h("input", { type: "date", class: "bn-date bn-date-end", "aria-label": "To" });
  const reset = h("button", { type: "button", class: "bn-link", onclick: () => save(model, "value", []) }, "All dates");
  const label = h("div", { class: "bn-slicer-label", id: `${id}-label` });
  el.append(h("div", { class: "bn-slicer bn-date-range", "data-slicer": "date_range", role: "group", "aria-labelledby": `${id}-label` },
    label, h("div", { class: "bn-rel-row" }, start, h("span", {}, "to"), end), reset));

  const send = () => save(model, "value", start.value || end.value ? [start.value || null, end.value || null] : []);
  start.addEventListener("change", send);
  end.addEventListener("change", send);
  for (const input of [start, end]) input.addEventListener("blur", () => draw());  // see setInput

  function draw() {
    label.textContent = get(model, "label");
    for (const input of [start, end]) { input.min = get(model, "min"); input.max = get(model, "max"); }
    const [a, b] = get(model, "value") || [];
    setInput(start, a || "");
    setInput(end, b || "");
    start.placeholder = get(model, "min");
    end.placeholder = get(model, "max");
  }

  draw();
  return watch(model, ["value", "min", "max", "label"], draw);
}

export default { render };
