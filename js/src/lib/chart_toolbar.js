// The chart's controls: breadcrumb (clickable, keyboard reachable), Up, drill-mode toggle,
// drill through and clear selection. Each control only sends an event; Python decides.
import { h } from "./dom.js";

export function crumbs(items, send) {
  if (!items || items.length < 2) return null;
  return h("nav", { class: "bn-crumbs", "aria-label": "Drill path" },
    h("ol", {}, items.map((c, i) => h("li", {}, i === items.length - 1
      ? h("span", { "aria-current": "location", "data-level": c.level }, c.label)
      : h("button", { type: "button", "data-level": c.level, "aria-label": `Drill up to ${c.label}`,
        onclick: () => send({ event: "crumb", level: c.level }) }, c.label)))));
}

export function button(label, attrs, onclick) {
  return h("button", { type: "button", class: "bn-chart-btn", ...attrs, onclick }, label);
}
