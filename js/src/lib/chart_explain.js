// The "Explain this" panel of a chart: the kernel's explanation (widgets/chart_explain.py) drawn as
// given: a title, one sentence, and per comparison a small table of drivers (member, contribution,
// share). Numbers arrive formatted (text) and raw (data-value). Its own styles, so the chart, KPI
// and matrix bundles that share chart_css.js stay as they are.
import { h } from "./dom.js";

const CSS = `
.bn-explain { margin: 6px 0; padding: 10px 12px; border: 1px solid #cbd2d9; border-radius: 8px; background: #f8fafc;
  max-width: 720px; box-sizing: border-box; }
.bn-explain:focus { outline: 2px solid #2f6fde; outline-offset: 1px; }
.bn-explain-head { display: flex; align-items: center; justify-content: space-between; gap: 8px; }
.bn-explain-head h3 { margin: 0; font-size: 14px; font-weight: 600; }
.bn-explain-close { min-width: 32px; min-height: 32px; border: 1px solid transparent; border-radius: 6px; background: none;
  cursor: pointer; font: inherit; font-size: 16px; color: #3e4c59; }
.bn-explain-close:hover { border-color: #9aa5b1; }
.bn-explain-close:focus-visible { outline: 2px solid #2f6fde; }
.bn-explain-sentence { margin: 6px 0 8px; }
.bn-explain table { border-collapse: collapse; width: 100%; margin: 0 0 8px; font-variant-numeric: tabular-nums; }
.bn-explain caption { text-align: left; font-weight: 600; font-size: 13px; color: #3e4c59; padding: 2px 0 4px; }
.bn-explain th, .bn-explain td { padding: 3px 8px; border-bottom: 1px solid #e4e7eb; text-align: left; font-size: 13px; }
.bn-explain thead th, .bn-explain thead th.num { color: #52606d; font-weight: 600; border-bottom-color: #cbd2d9; white-space: normal;
  vertical-align: bottom; }
.bn-explain-note { margin: -4px 0 8px; font-size: 12px; color: #52606d; }
@media (max-width: 600px) { .bn-explain { padding: 8px; } .bn-explain th, .bn-explain td { padding: 3px 4px; } }
.bn-explain tbody th { font-weight: 400; }
.bn-explain .num { text-align: right; white-space: nowrap; }
.bn-explain .bn-up { color: #0a7d3e; }
.bn-explain .bn-down { color: #b3261e; }
.bn-explain .bn-error { color: #b3261e; }
.bn-menu { position: fixed; z-index: 1000; min-width: 180px; max-height: 50vh; overflow-y: auto; padding: 4px 0;
  background: #fff; border: 1px solid #9aa5b1; border-radius: 6px; box-shadow: 0 4px 14px rgba(0,0,0,.18);
  font: 14px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; }
.bn-menu-item { display: block; width: 100%; min-height: 32px; padding: 4px 14px; border: none; background: none;
  text-align: left; font: inherit; color: #1f2933; cursor: pointer; }
.bn-menu-item:hover, .bn-menu-item:focus { background: #e6efff; outline: none; }
`;

export function injectExplainStyles() {
  if (typeof document === "undefined" || document.getElementById("bn-explain-styles")) return;
  const style = h("style", { id: "bn-explain-styles" });
  style.textContent = CSS;
  document.head.append(style);
}

function table(c) {
  const [driver, change, share] = c.headers;
  const note = c.note ? h("p", { class: "bn-explain-note" }, c.note) : null;
  return [h("table", { "data-comparison": c.key },
    h("caption", {}, c.title),
    h("thead", {}, h("tr", {}, h("th", { scope: "col" }, driver), h("th", { scope: "col", class: "num" }, change),
      h("th", { scope: "col", class: "num" }, share))),
    h("tbody", {}, c.drivers.map((d) => h("tr", { "data-dimension": d.dimension },
      h("th", { scope: "row" }, `${d.dimension_label}: ${d.label}`),
      h("td", { class: `num ${d.contribution > 0 ? "bn-up" : d.contribution < 0 ? "bn-down" : ""}`,
        "data-value": JSON.stringify(d.contribution) }, d.contribution_text),
      h("td", { class: "num", "data-value": JSON.stringify(d.share) }, d.share_text))))), note];
}

// the panel for an explanation ({} = closed: null); onclose sends the kernel "close_explain"
export function explainPanel(ex, onclose) {
  if (!ex || !ex.status) return null;
  injectExplainStyles();
  const close = h("button", { type: "button", class: "bn-explain-close", "data-action": "close-explain",
    "aria-label": "Close explanation", title: "Close" }, "✕");
  close.addEventListener("click", onclose);
  const body = [];
  if (ex.status === "working") body.push(h("p", { class: "bn-explain-sentence", role: "status" }, `Explaining ${ex.label}…`));
  else if (ex.status === "error") body.push(h("p", { class: "bn-explain-sentence bn-error", role: "alert" }, ex.error));
  else body.push(h("p", { class: "bn-explain-sentence" }, ex.sentence), ...(ex.comparisons || []).flatMap(table));
  return h("section", { class: "bn-explain", role: "region", tabindex: "-1", "aria-label": ex.title,
    "data-status": ex.status, "data-member": JSON.stringify(ex.member) },
    h("div", { class: "bn-explain-head" }, h("h3", {}, ex.title), close), body);
}
