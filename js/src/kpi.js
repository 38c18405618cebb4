// KpiCard: big number, delta (good/bad colour), optional sparkline drawn as a tiny inline SVG.
import { h } from "./lib/dom.js";
import { injectStyles } from "./lib/chart_css.js";
import { applyStyle } from "./lib/chart_style.js";

const SVG = "http://www.w3.org/2000/svg";

function sparkline(values, labels, label) {
  const pts = values.map((v, i) => [i, v]).filter(([, v]) => v !== null && v !== undefined);
  if (pts.length < 2) return null;
  const w = 180, hgt = 36, pad = 2;
  const ys = pts.map(([, v]) => v);
  const lo = Math.min(...ys), hi = Math.max(...ys);
  const x = (i) => pad + (i / (values.length - 1)) * (w - 2 * pad);
  const y = (v) => hgt - pad - (hi === lo ? 0.5 : (v - lo) / (hi - lo)) * (hgt - 2 * pad);
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("class", "bn-kpi-spark");
  svg.setAttribute("viewBox", `0 0 ${w} ${hgt}`);
  svg.setAttribute("width", String(w));
  svg.setAttribute("height", String(hgt));
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", `${label} trend from ${labels[0]} to ${labels[labels.length - 1]}`);
  const path = document.createElementNS(SVG, "path");
  path.setAttribute("d", pts.map(([i, v], k) => `${k ? "L" : "M"}${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(""));
  path.setAttribute("fill", "none");
  path.setAttribute("stroke", "#0072B2");
  path.setAttribute("stroke-width", "1.5");
  const [li, lv] = pts[pts.length - 1];
  const dot = document.createElementNS(SVG, "circle");
  dot.setAttribute("cx", x(li).toFixed(1));
  dot.setAttribute("cy", y(lv).toFixed(1));
  dot.setAttribute("r", "2.5");
  dot.setAttribute("fill", "#0072B2");
  svg.append(path, dot);
  return svg;
}

function render({ model, el }) {
  injectStyles();
  const root = h("div", { class: "bn-visual bn-kpi", role: "group" });
  el.append(root);
  function draw() {
    const label = model.get("label");
    root.setAttribute("aria-label", `${label}: ${model.get("text")} ${model.get("delta_text")}`.trim());
    if (model.get("error")) {
      root.replaceChildren(h("div", { class: "bn-kpi-label" }, label), h("div", { class: "bn-error", role: "alert" }, model.get("error")));
    } else {
      const value = h("div", { class: "bn-kpi-value", "data-value": JSON.stringify(model.get("value")) }, model.get("text"));
      applyStyle(value, model.get("value_style"), model.get("text"));
      const trend = model.get("trend");
      root.replaceChildren(...[h("div", { class: "bn-kpi-label" }, label), value,
        model.get("delta_text") ? h("div", { class: `bn-kpi-delta bn-${trend}`, "data-compare": JSON.stringify(model.get("compare_value")) },
          model.get("delta_text")) : null,
        sparkline(model.get("spark") || [], model.get("spark_labels") || [], label)].filter(Boolean));
    }
    root.dataset.version = String(model.get("version"));
  }
  draw();
  model.on("change:version", draw);
}

export default { render };
