// Apply a conditional-format style from the kernel to a cell or a KPI value. The kernel has already
// evaluated the rule (bheem_nb.charts.formatting.cell_styles): colours, weight, a data bar given as
// fractions of the cell width ({start, end, axis, color}) and an icon ({symbol, color, name}).
import { h } from "./dom.js";
import { injectStyles } from "./chart_css.js";

const pct = (x) => `${(Math.max(0, Math.min(1, Number(x) || 0)) * 100).toFixed(1)}%`;

export function applyStyle(node, style, text) {
  if (!style) return node;
  injectStyles(); // data bars need the .bn-bar rules, also in widgets that do not load them otherwise
  if (style.background) node.style.background = style.background;
  if (style.color) node.style.color = style.color;
  if (style["font-weight"]) node.style.fontWeight = style["font-weight"];
  if (style["font-style"]) node.style.fontStyle = style["font-style"];
  const bar = style.bar;
  if (bar && typeof bar === "object") {
    node.classList.add("bn-bar");
    const start = Math.min(bar.start ?? 0, bar.end ?? 0), end = Math.max(bar.start ?? 0, bar.end ?? 0);
    node.replaceChildren(...[
      h("span", { class: "bn-fill", style: `left:${pct(start)};width:${pct(end - start)};background:${bar.color || "#56B4E9"}` }),
      bar.axis !== undefined && bar.axis !== null && bar.axis > 0 && bar.axis < 1
        ? h("span", { class: "bn-axis", style: `left:${pct(bar.axis)}` }) : null,
      h("span", { class: "bn-text" }, style.show_value === false ? "" : text)].filter(Boolean));
  }
  const icon = style.icon;
  if (icon) {
    const symbol = typeof icon === "object" ? icon.symbol : icon;
    const color = typeof icon === "object" ? icon.color : null;
    node.prepend(h("span", { class: "bn-icon", role: "img", "aria-label": (icon && icon.name) || "icon",
      style: color ? `color:${color}` : "" }, `${symbol} `));
  }
  return node;
}
