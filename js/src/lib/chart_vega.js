// Wait for the shared Vega runtime (js/src/chart_runtime.js), loaded once per page by its own widget model.
export function vegaEmbed() {
  if (globalThis.__bnVegaEmbed) return Promise.resolve(globalThis.__bnVegaEmbed);
  return new Promise((resolve) => {
    globalThis.addEventListener("bn-vega-ready", () => resolve(globalThis.__bnVegaEmbed), { once: true });
  });
}
