// Between slicer: a two-thumb range slider with typed inputs. value = [lo, hi]; [] = everything.
import { debounce, get, h, save, setInput, uid, watch } from "./lib/dom.js";

function render({ model, el }) {
  const id = uid("between");
  const lo = h("input", { type: "range", class: "bn-range bn-range-lo", "aria-label": "Minimum" });
  const hi = h("input", { type: "range", class: "bn-range bn-range-hi", "aria-label": "Maximum" });
  const loBox = h("input", { type: "number", class: "bn-num bn-num-lo", "aria-label": "Minimum value" });
  const hiBox = h("input", { type: "number", class: "bn-num bn-num-hi", "aria-label": "Maximum value" });
  const label = h("div", { class: "bn-slicer-label", id: `${id}-label` });
  const root = h("div", { class: "bn-slicer bn-between", "data-slicer": "between", role: "group", "aria-labelledby": `${id}-label` },
    label, h("div", { class: "bn-range-wrap" }, lo, hi), h("div", { class: "bn-num-row" }, loBox, h("span", {}, "to"), hiBox));
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
    setInput(lo, a); setInput(hi, b); setInput(loBox, a); setInput(hiBox, b);
  }

  function onSlide() {
    let a = Number(lo.value), b = Number(hi.value);
    if (a > b) [a, b] = [b, a];
    loBox.value = a; hiBox.value = b;
    sendLater(a, b);
  }
  lo.addEventListener("input", onSlide);
  hi.addEventListener("input", onSlide);
  const onTyped = () => { lo.value = loBox.value; hi.value = hiBox.value; send(Number(loBox.value), Number(hiBox.value)); };
  loBox.addEventListener("change", onTyped);
  hiBox.addEventListener("change", onTyped);
  for (const input of [lo, hi, loBox, hiBox]) input.addEventListener("blur", draw);  // show what was skipped while editing

  draw();
  return watch(model, ["value", "min", "max", "step", "label"], draw);
}

export default { render };
