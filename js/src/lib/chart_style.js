// Apply a conditional-format style from the kernel (flat CSS-like keys) to a cell or a KPI value.
import { h } from "./dom.js";

export function applyStyle(node, style, text) {
  if (!style) return node;
  if (style.background) node.style.background = style.background;
  if (style.color) node.style.color = style.color;
  if (style["font-weight"]) node.style.fontWeight = style["font-weight"];
  if (style["font-style"]) node.style.fontStyle = style["font-style"];
  const bar = style.bar;
  if (bar && typeof bar === "object") {
    node.classList.add("bn-bar");
    const width = Math.max(0, Math.min(100, Number(bar.width ?? bar.length ?? 0) * (Number(bar.width ?? bar.length) <= 1 ? 100 : 1)));
    const left = Number(bar.offset ?? bar.left ?? 0) * (Number(bar.offset ?? bar.left ?? 0) <= 1 ? 100 : 1);
    node.replaceChildren(h("span", { class: "bn-fill", style: `left:${left}%;width:${width}%;background:${bar.color || "#56B4E9"}` }),
      h("span", { class: "bn-text" }, text));
  }
  if (style.icon) {
    node.prepend(h("span", { class: "bn-icon", "aria-hidden": "true", style: style["icon-color"] ? `color:${style["icon-color"]}` : "" },
      `${style.icon} `));
  }
  return node;
}
