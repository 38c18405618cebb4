// InsightsPanel: one card per insight (kind, significance badge, sentence, mini chart by the shared vega-embed).
import { vegaEmbed } from "./lib/chart_vega.js";
import { h } from "./lib/dom.js";
import { injectInsightStyles } from "./lib/insights_style.js";

function render({ model, el }) {
  injectInsightStyles();
  const root = h("section", { class: "bn-insights", "aria-live": "polite" });
  el.append(root);
  let views = [];

  async function draw() {
    views.forEach((v) => v.finalize());
    views = [];
    const cards = model.get("cards") || [];
    const threshold = model.get("threshold");
    const heading = h("h2", {}, model.get("title"));
    const err = model.get("error");
    root.setAttribute("aria-label", model.get("title"));
    if (err) {
      root.replaceChildren(heading, h("div", { class: "bn-error", role: "alert" }, err));
      return;
    }
    const items = cards.map((c) => {
      const chart = h("div", { class: "bn-insight-chart", role: "img", "aria-label": `Chart: ${c.description}` });
      const strong = c.score >= threshold;
      const card = h("li", { class: `bn-insight ${strong ? "bn-strong" : "bn-weak"}`, "data-kind": c.kind,
        "data-score": String(c.score) },
        h("div", { class: "bn-insight-head" },
          h("span", { class: "bn-insight-kind" }, c.label),
          h("span", { class: `bn-score ${strong ? "bn-strong" : ""}`, title: "significance, 0 to 1",
            "aria-label": `significance ${c.score.toFixed(2)} of 1${strong ? ", strong" : ""}` }, c.score.toFixed(2))),
        h("p", { class: "bn-insight-text" }, c.description),
        chart);
      return { card, chart, spec: c.chart };
    });
    const list = h("ul", { class: "bn-insight-list", "aria-label": `${cards.length} insights` }, items.map((i) => i.card));
    root.replaceChildren(heading, cards.length ? list : h("p", { class: "bn-empty-note" }, "No insight stands out."));
    root.dataset.version = String(model.get("version"));
    const embed = await vegaEmbed();
    for (const item of items) {
      if (!item.spec || !Object.keys(item.spec).length) continue;
      try {
        const result = await embed(item.chart, item.spec, { actions: false, renderer: "svg" });
        views.push(result.view);
      } catch (e) {
        item.chart.append(h("div", { class: "bn-error" }, String(e)));
      }
    }
    root.dataset.charts = String(views.length);
  }

  draw();
  model.on("change:version", draw);
  return () => views.forEach((v) => v.finalize());
}

export default { render };
