// Bundle each widget's ESM (src/<name>.js, not src/lib/) into ../widgets/static/<name>.js, plus the shared CSS.
// Usage: npm ci && npm run build   (scripts/test.sh does this before the tests)
//        npm run build -- chart kodee  (only the entries whose names are given)
import { build } from "esbuild";
import { copyFileSync, mkdirSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const src = join(here, "src");
const out = join(here, "..", "widgets", "static");
mkdirSync(out, { recursive: true });

const only = process.argv.slice(2);
const entries = readdirSync(src)
  .filter((f) => f.endsWith(".js"))
  .filter((f) => only.length === 0 || only.includes(f.replace(/\.js$/, "")))
  .map((f) => join(src, f));
await build({
  entryPoints: entries,
  outdir: out,
  bundle: true,
  format: "esm",
  target: "es2020",
  minify: true,  // half the bytes for every viewer; sources stay readable in js/src
  legalComments: "eof",  // vega, d3 and friends keep their licence notices
  logLevel: "info",
});
copyFileSync(join(src, "widgets.css"), join(out, "widgets.css"));
