// src/lib/chart_vega.js
function vegaEmbed() {
  if (globalThis.__bnVegaEmbed) return Promise.resolve(globalThis.__bnVegaEmbed);
  return new Promise((resolve) => {
    globalThis.addEventListener("bn-vega-ready", () => resolve(globalThis.__bnVegaEmbed), { once: true });
  });
}

// src/lib/dom.js
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

// src/lib/chart_css.js
var CSS = `
.bn-visual { font: 14px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1f2933; width: 100%;
  box-sizing: border-box; margin: 4px 0; }
.bn-visual-title { font-weight: 600; font-size: 15px; margin: 0 0 4px; }
.bn-chart-bar { display: flex; flex-wrap: wrap; align-items: center; gap: 6px; min-height: 36px; }
.bn-crumbs ol { display: flex; flex-wrap: wrap; list-style: none; margin: 0; padding: 0; align-items: center; }
.bn-crumbs li + li::before { content: "\u203A"; color: #616e7c; padding: 0 6px; }
.bn-crumbs button, .bn-chart-btn { min-height: 32px; padding: 2px 10px; border: 1px solid #9aa5b1; border-radius: 6px;
  background: #fff; cursor: pointer; font: inherit; color: #1f2933; }
.bn-crumbs button { border-color: transparent; color: #1a4fb4; text-decoration: underline; padding: 2px 4px; }
.bn-crumbs [aria-current] { font-weight: 600; padding: 2px 4px; }
.bn-chart-btn[aria-pressed="true"] { background: #2f6fde; border-color: #2f6fde; color: #fff; }
.bn-chart-btn[hidden] { display: none; }
.bn-chart-btn:disabled { opacity: .45; cursor: default; }
.bn-chart-btn:focus-visible, .bn-crumbs button:focus-visible, .bn-matrix button:focus-visible {
  outline: 2px solid #2f6fde; outline-offset: 1px; }
.bn-chart-plot { width: 100%; min-height: 120px; }
.bn-chart-plot .vega-embed { width: 100%; }
.bn-chart-plot .vega-embed .mark-rect path, .bn-chart-plot .vega-embed path { cursor: pointer; }
.bn-chart-status { color: #52606d; font-size: 12px; min-height: 16px; }
.bn-chart-link { color: #1a4fb4; }
.bn-kpi { display: inline-flex; flex-direction: column; gap: 2px; min-width: 180px; max-width: 100%; padding: 12px 16px;
  border: 1px solid #e4e7eb; border-radius: 8px; background: #fff; box-sizing: border-box; }
.bn-kpi-label { color: #52606d; font-size: 13px; font-weight: 600; }
.bn-kpi-value { font-size: clamp(20px, 5vw, 28px); overflow-wrap: anywhere; font-weight: 700; font-variant-numeric: tabular-nums; }
.bn-kpi-delta { font-size: 13px; font-variant-numeric: tabular-nums; }
.bn-kpi-delta.bn-good { color: #0a7d3e; }
.bn-kpi-delta.bn-bad { color: #b3261e; }
.bn-kpi-spark { display: block; margin-top: 4px; }
.bn-matrix-wrap { overflow-x: auto; }
.bn-matrix { border-collapse: collapse; min-width: 320px; font-variant-numeric: tabular-nums; }
.bn-matrix caption { text-align: left; font-weight: 600; padding: 4px 0; }
.bn-matrix th, .bn-matrix td { padding: 4px 10px; border-bottom: 1px solid #e4e7eb; text-align: left; white-space: nowrap; }
.bn-matrix thead th { background: #f5f7fa; }
.bn-matrix tbody th { font-weight: 400; }
.bn-matrix tbody tr[data-level="0"] th { font-weight: 600; }
.bn-matrix td.num, .bn-matrix th.num { text-align: right; }
.bn-matrix tr.bn-total th, .bn-matrix tr.bn-total td { font-weight: 700; border-top: 2px solid #9aa5b1; }
.bn-matrix td.bn-rowtotal { font-weight: 600; background: #f8fafc; }
.bn-matrix .bn-expand { min-width: 28px; min-height: 28px; border: none; background: none; cursor: pointer; font: inherit; }
.bn-bar { position: relative; }
.bn-bar > span.bn-fill { position: absolute; top: 3px; bottom: 3px; left: 0; opacity: .35; }
.bn-bar > span.bn-text { position: relative; }
.bn-bar > span.bn-axis { position: absolute; top: 0; bottom: 0; border-left: 1px dashed #616e7c; }
@media (max-width: 600px) { .bn-kpi { width: 100%; } .bn-crumbs button, .bn-chart-btn { min-height: 44px; } }
`;
function injectStyles() {
  if (typeof document === "undefined" || document.getElementById("bn-visual-styles")) return;
  const style = document.createElement("style");
  style.id = "bn-visual-styles";
  style.textContent = CSS;
  document.head.append(style);
}

// src/lib/chart_toolbar.js
function crumbs(items, send) {
  if (!items || items.length < 2) return null;
  return h(
    "nav",
    { class: "bn-crumbs", "aria-label": "Drill path" },
    h("ol", {}, items.map((c, i) => h("li", {}, i === items.length - 1 ? h("span", { "aria-current": "location", "data-level": c.level }, c.label) : h("button", {
      type: "button",
      "data-level": c.level,
      "aria-label": `Drill up to ${c.label}`,
      onclick: () => send({ event: "crumb", level: c.level })
    }, c.label))))
  );
}
function button(label, attrs, onclick) {
  return h("button", { type: "button", class: "bn-chart-btn", ...attrs, onclick }, label);
}

// src/chart.js
function render({ model, el }) {
  injectStyles();
  const send = (msg) => model.send(msg);
  const bar = h("div", { class: "bn-chart-bar", role: "toolbar", "aria-label": "Chart controls" });
  const plot = h("div", { class: "bn-chart-plot" });
  const status = h("div", { class: "bn-chart-status", role: "status", "aria-live": "polite" });
  const root = h("div", { class: "bn-visual bn-chart", role: "figure" }, bar, plot, status);
  el.append(root);
  let view = null;
  let pending = Promise.resolve();
  const selection = () => model.get("selection") || [];
  function clicked(datum, event) {
    const member = datum ? datum.__bn_member : void 0;
    if (member === void 0) return;
    if (event && event.type === "contextmenu") {
      if (model.get("through_label")) send({ event: "through", member });
      return;
    }
    if (model.get("drill_mode") && model.get("can_down")) {
      send({ event: "down", member });
      return;
    }
    const sel = selection();
    const multi = event && (event.shiftKey || event.ctrlKey || event.metaKey);
    let next;
    if (sel.includes(member)) next = multi ? sel.filter((m) => m !== member) : sel.length === 1 ? [] : [member];
    else next = multi ? [...sel, member] : [member];
    select(next);
  }
  function select(members) {
    model.set("selection", members);
    send({ event: "select", members });
  }
  function drawBar() {
    root.setAttribute("aria-label", model.get("title") || "Chart");
    const sel = selection();
    const hasDrill = model.get("levels") > 1;
    const controls = [crumbs(model.get("breadcrumb"), send)];
    if (model.get("context_label")) {
      controls.unshift(button(`${model.get("context_label")} \u2715`, {
        "data-action": "clear-context",
        "aria-label": `Remove drill-through filter ${model.get("context_label")}`
      }, () => send({ event: "clear_context" })));
    }
    if (hasDrill) {
      controls.push(button("Up", {
        "data-action": "up",
        disabled: !model.get("can_up"),
        "aria-label": "Drill up one level"
      }, () => send({ event: "up" })));
      controls.push(button(
        "Drill on click",
        {
          "data-action": "mode",
          "aria-pressed": String(model.get("drill_mode")),
          title: "When on, a click on a bar shows the next level; when off, it selects (cross-filters)"
        },
        () => {
          model.set("drill_mode", !model.get("drill_mode"));
          model.save_changes();
        }
      ));
    }
    if (model.get("through_label")) {
      controls.push(button(
        model.get("through_label"),
        {
          "data-action": "through",
          disabled: sel.length !== 1,
          title: "Select one bar (with Drill on click off), or right-click a bar"
        },
        () => send({ event: "through", member: sel[0] })
      ));
    }
    controls.push(button(
      "Clear selection",
      { "data-action": "clear", hidden: sel.length === 0 },
      () => select([])
    ));
    bar.replaceChildren(...controls.filter(Boolean));
    const link = model.get("through_url");
    const parts = [];
    if (sel.length) parts.push(`Selected: ${sel.map((m) => model.get("member_labels")[m] || m).join(", ")}`);
    status.replaceChildren(
      parts.join(" \xB7 "),
      link ? h("a", { class: "bn-chart-link", href: link, target: "_blank", rel: "noopener" }, ` Open ${model.get("through_target")} \u203A`) : ""
    );
    if (model.get("error")) status.replaceChildren(h("span", { class: "bn-error", role: "alert" }, model.get("error")));
  }
  async function drawSpec() {
    const spec = model.get("spec");
    if (view) {
      view.finalize();
      view = null;
    }
    if (!spec || !Object.keys(spec).length) {
      plot.replaceChildren();
      return;
    }
    const embed = await vegaEmbed();
    const result = await embed(plot, spec, { actions: false, renderer: "svg", tooltip: true });
    view = result.view;
    plot.bnView = view;
    view.addEventListener("click", (event, item) => clicked(item && item.datum, event));
    view.addEventListener("contextmenu", (event, item) => {
      if (item && item.datum && item.datum.__bn_member !== void 0) {
        event.preventDefault();
        clicked(item.datum, event);
      }
    });
    await highlight();
    plot.dataset.version = String(model.get("version"));
    root.dataset.version = String(model.get("version"));
  }
  async function highlight() {
    if (!view) return;
    try {
      await view.signal("bn_sel", selection()).runAsync();
    } catch (e) {
    }
  }
  const redraw = () => {
    pending = pending.then(drawSpec).catch((e) => {
      status.textContent = String(e);
    });
  };
  drawBar();
  redraw();
  model.on("change:version", () => {
    drawBar();
    redraw();
  });
  model.on("change:selection", () => {
    drawBar();
    pending = pending.then(highlight);
  });
  for (const name of ["drill_mode", "breadcrumb", "through_url", "error", "title", "context_label"]) model.on(`change:${name}`, drawBar);
  if (typeof ResizeObserver !== "undefined") {
    let width = 0;
    new ResizeObserver(() => {
      if (view && Math.abs(plot.clientWidth - width) > 4) {
        width = plot.clientWidth;
        view.resize().runAsync();
      }
    }).observe(plot);
  }
  return () => {
    if (view) view.finalize();
  };
}
var chart_default = { render };
export {
  chart_default as default
};
