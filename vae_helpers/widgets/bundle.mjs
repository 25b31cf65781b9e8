// Bundles each widget's module graph (src/NAME.js and what it imports) into one ES module,
// static/NAME.js, and its styles into static/NAME.css, with esbuild (pinned in package.json).
// Run by `make widgets` (or `npm run build`); `npm run watch` rebuilds on every change, for
// anywidget's live reload (see README.md in this folder).
//
// Each bundle starts with a line naming its sources and their SHA-256, so that a test can tell
// a stale bundle without esbuild (tests/test_widget_bundles.py).

import { createHash } from "node:crypto";
import { readFileSync, watch } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";

const HERE = dirname(fileURLToPath(import.meta.url));
// `--outdir DIR`: write the bundles there instead (the test that checks the shipped ones are fresh).
const at = process.argv.indexOf("--outdir");
const OUTDIR = at > 0 ? process.argv[at + 1] : join(HERE, "static");
export const ENTRIES = ["panels", "elbo", "explorer", "conditional"];

/** SHA-256 over each source's path (relative to this folder) and bytes, in the order given. */
function digest(paths) {
  const hash = createHash("sha256");
  for (const path of paths) hash.update(path).update("\0").update(readFileSync(join(HERE, path))).update("\0");
  return hash.digest("hex");
}

async function bundle(name) {
  const options = {
    entryPoints: [join(HERE, "src", `${name}.js`)],
    bundle: true,
    format: "esm",
    target: "es2020",
    outdir: OUTDIR,
    metafile: true,
    write: false,
    logLevel: "warning",
    absWorkingDir: HERE, // the comments esbuild writes name sources relative to this folder, wherever make runs
  };
  const first = await esbuild.build(options);
  const sources = Object.keys(first.metafile.inputs).sort();
  const banner = `/* Bundled by esbuild ${esbuild.version} from ${sources.join(" ")} (sha256 ${digest(sources)}): ` +
    "edit those, then run make widgets. */";
  await esbuild.build({ ...options, write: true, metafile: false, banner: { js: banner, css: banner } });
  console.log(`${join(OUTDIR, name)}.js: ${sources.length} sources`);
}

async function bundleAll() {
  for (const name of ENTRIES) await bundle(name);
}

await bundleAll();
if (process.argv.includes("--watch")) {
  let timer = 0;
  watch(join(HERE, "src"), () => {
    clearTimeout(timer);
    timer = setTimeout(() => bundleAll().catch((error) => console.error(error.message)), 50);
  });
  console.log("watching src/ (Ctrl-C to stop)");
}
