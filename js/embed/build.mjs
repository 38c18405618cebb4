// Build the SDK into dist/: one ESM file, one UMD file (window.BheemEmbed), and the React hook as ESM
// (react stays external). esbuild comes from ../node_modules (js/package.json); no CDN, no network.
// Usage: cd js/embed && npm run build
import { build } from "esbuild";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const common = { bundle: true, target: "es2019", legalComments: "none", logLevel: "info", minify: false };
const umdFooter = `
(function (root, api) {
  if (typeof module === "object" && module.exports) module.exports = api;
  else if (typeof define === "function" && define.amd) define([], function () { return api; });
  else { root.BheemEmbed = api.BheemEmbed; root.BheemEmbedSDK = api; }
})(typeof self !== "undefined" ? self : this, __bheemEmbed);`;

await build({ ...common, entryPoints: [join(here, "src/index.js")], format: "esm",
  outfile: join(here, "dist/bheem-embed.esm.js") });
await build({ ...common, entryPoints: [join(here, "src/index.js")], format: "iife", globalName: "__bheemEmbed",
  footer: { js: umdFooter }, outfile: join(here, "dist/bheem-embed.umd.cjs") });
await build({ ...common, entryPoints: [join(here, "src/react.js")], format: "esm", external: ["react"],
  outfile: join(here, "dist/bheem-embed-react.esm.js") });
