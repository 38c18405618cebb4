// ChartWidget: a Vega-Lite spec of engine-aggregated rows, drawn by the bundled vega-embed (no CDN),
// which the page loads once through the chart runtime widget (chart_runtime.js).
// Clicks on marks become events for the kernel: drill down, select (cross-filter); a right-click opens
// the mark's menu (explain this, drill through). The kernel computes an explanation; the panel draws it.
// Each row of the spec's data carries __bn_member, the member key the kernel filters on.
import { vegaEmbed } from "./lib/chart_vega.js";
import { h } from "./lib/dom.js";
import { injectStyles } from "./lib/chart_css.js";
import { button, crumbs } from "./lib/chart_toolbar.js";
import { closeMenu, openMenu } from "./lib/chart_menu.js";
import { explainPanel } from "./lib/chart_explain.js";

function render({ model, el }) {
  injectStyles();
  const send = (msg) => model.send(msg);
  const bar = h("div", { class: "bn-chart-bar", role: "toolbar", "aria-label": "Chart controls" });
  const plot = h("div", { class: "bn-chart-plot" });
  const status = h("div", { class: "bn-chart-status", role: "status", "aria-live": "polite" });
  const panel = h("div", { class: "bn-chart-explain" });
  const root = h("div", { class: "bn-visual bn-chart", role: "figure" }, bar, plot, panel, status);
  el.append(root);
  let view = null;
  let pending = Promise.resolve();
  let focusPanel = false; // move focus to the panel once the explanation a person asked for is ready

  const selection = () => model.get("selection") || [];
  const labelOf = (member) => model.get("member_labels")[member] || String(member);

  function explain(member) {
    focusPanel = true;
    send({ event: "explain", member });
  }

  // the mark's menu: what can be done with this one mark
  function markMenu(member, event) {
    const items = [];
    if (model.get("can_explain")) items.push({ label: "Explain this", action: "explain", onselect: () => explain(member) });
    if (model.get("through_label")) {
      items.push({ label: model.get("through_label"), action: "through", onselect: () => send({ event: "through", member }) });
    }
    openMenu({ label: `Actions for ${labelOf(member)}`, items, at: { x: event.clientX, y: event.clientY },
      returnTo: bar.querySelector("[data-action='explain']") });
  }

  function clicked(datum, event) {
    const member = datum ? datum.__bn_member : undefined;
    if (member === undefined) return;
    if (event && event.type === "contextmenu") {
      // a chart that explains: the mark's menu; one that only drills through does so at once, as before
      if (model.get("can_explain")) markMenu(member, event);
      else if (model.get("through_label")) send({ event: "through", member });
      return;
    }
    if (model.get("drill_mode") && model.get("can_down")) {
      send({ event: "down", member });
      return;
    }
    const sel = selection();
    const multi = event && (event.shiftKey || event.ctrlKey || event.metaKey);
    let next;
    if (sel.includes(member)) next = multi ? sel.filter((m) => m !== member) : (sel.length === 1 ? [] : [member]);
    else next = multi ? [...sel, member] : [member];
    select(next);
  }

  // optimistic: highlight at once and let a quick second (shift-)click build on it; the kernel confirms
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
      controls.unshift(button(`${model.get("context_label")} ✕`, { "data-action": "clear-context",
        "aria-label": `Remove drill-through filter ${model.get("context_label")}` }, () => send({ event: "clear_context" })));
    }
    if (hasDrill) {
      controls.push(button("Up", { "data-action": "up", disabled: !model.get("can_up"),
        "aria-label": "Drill up one level" }, () => send({ event: "up" })));
      controls.push(button("Drill on click", { "data-action": "mode", "aria-pressed": String(model.get("drill_mode")),
        title: "When on, a click on a bar shows the next level; when off, it selects (cross-filters)" },
      () => { model.set("drill_mode", !model.get("drill_mode")); model.save_changes(); }));
    }
    if (model.get("through_label")) {
      controls.push(button(model.get("through_label"), { "data-action": "through", disabled: sel.length !== 1,
        title: "Select one bar (with Drill on click off), or right-click a bar" },
        () => send({ event: "through", member: sel[0] })));
    }
    if (model.get("can_explain")) {
      const one = sel.length === 1;
      const explainBtn = button("Explain", { "data-action": "explain", "aria-haspopup": one ? null : "menu",
        "aria-label": one ? `Explain ${labelOf(sel[0])}` : "Explain a mark (choose from a list)",
        title: "What drives this mark's difference from the one before it and from the whole chart" },
      () => {
        if (one) { explain(sel[0]); return; }
        const box = explainBtn.getBoundingClientRect();
        openMenu({ label: "Explain which mark?", at: { x: box.left, y: box.bottom + 2 }, returnTo: explainBtn,
          items: (model.get("members") || []).map((m) => ({ label: labelOf(m), action: "explain-member", member: m,
            onselect: () => explain(m) })) });
      });
      controls.push(explainBtn);
    }
    controls.push(button("Clear selection", { "data-action": "clear", hidden: sel.length === 0 },
      () => select([])));
    bar.replaceChildren(...controls.filter(Boolean));
    const link = model.get("through_url");
    const parts = [];
    if (sel.length) parts.push(`Selected: ${sel.map((m) => model.get("member_labels")[m] || m).join(", ")}`);
    status.replaceChildren(parts.join(" · "),
      link ? h("a", { class: "bn-chart-link", href: link, target: "_blank", rel: "noopener" }, ` Open ${model.get("through_target")} ›`) : "");
    if (model.get("error")) status.replaceChildren(h("span", { class: "bn-error", role: "alert" }, model.get("error")));
  }

  function drawPanel() {
    const ex = model.get("explanation") || {};
    const node = explainPanel(ex, () => {
      send({ event: "close_explain" });
      const back = bar.querySelector("[data-action='explain']");
      if (back) back.focus();
    });
    panel.replaceChildren(...(node ? [node] : []));
    if (node && focusPanel && ex.status !== "working") { focusPanel = false; node.focus(); }
  }

  async function drawSpec() {
    const spec = model.get("spec");
    if (view) { view.finalize(); view = null; }
    if (!spec || !Object.keys(spec).length) { plot.replaceChildren(); return; }
    const embed = await vegaEmbed();
    const result = await embed(plot, spec, { actions: false, renderer: "svg", tooltip: true });
    view = result.view;
    plot.bnView = view; // for tests and debugging: the drawn marks and their data
    view.addEventListener("click", (event, item) => clicked(item && item.datum, event));
    view.addEventListener("contextmenu", (event, item) => {
      if (item && item.datum && item.datum.__bn_member !== undefined) { event.preventDefault(); clicked(item.datum, event); }
    });
    await highlight();
    plot.dataset.version = String(model.get("version"));
    root.dataset.version = String(model.get("version"));
  }

  async function highlight() {
    if (!view) return;
    try { await view.signal("bn_sel", selection()).runAsync(); } catch (e) { /* a spec without the highlight param */ }
  }

  const redraw = () => { pending = pending.then(drawSpec).catch((e) => { status.textContent = String(e); }); };
  drawBar();
  drawPanel();
  redraw();
  model.on("change:version", () => { drawBar(); redraw(); });
  model.on("change:selection", () => { drawBar(); pending = pending.then(highlight); });
  for (const name of ["drill_mode", "breadcrumb", "through_url", "error", "title", "context_label", "can_explain",
    "members"]) model.on(`change:${name}`, drawBar);
  model.on("change:explanation", drawPanel);
  if (typeof ResizeObserver !== "undefined") {
    let width = 0;
    new ResizeObserver(() => {
      if (view && Math.abs(plot.clientWidth - width) > 4) { width = plot.clientWidth; view.resize().runAsync(); }
    }).observe(plot);
  }
  return () => { closeMenu(); if (view) view.finalize(); };
}

export default { render };
