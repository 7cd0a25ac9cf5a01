// Fails the build when the explorer's first load is over its budget: the scripts and style
// sheets dist/index.html names, and the chunks those scripts import statically, as the server
// sends them (the brotli copy compress.mjs wrote, else the file), with an allowance for each
// answer's headers. Chunks loaded later (`import()`) are not counted: bench/ui/ui.mjs measures
// the same load in a browser, those included.
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";

/** The budget, in KiB as bench/ui/ui.mjs counts them (JS + CSS on the wire). */
const BUDGET_KIB = 250;
/** What one answer's status line and headers take on the wire. */
const HEADERS_BYTES = 400;

const dist = new URL("../dist/", import.meta.url).pathname;
const html = readFileSync(join(dist, "index.html"), "utf8");
const named = [
  ...html.matchAll(/<script[^>]*\ssrc="\/([^"]+)"/g),
  ...html.matchAll(/<link[^>]*\shref="\/(assets\/[^"]+\.(?:css|js))"/g),
].map((m) => m[1]);

const files = new Set();
const visit = (file) => {
  if (files.has(file)) return;
  files.add(file);
  if (!file.endsWith(".js")) return;
  const code = readFileSync(join(dist, file), "utf8");
  // Static imports of a minified chunk: `import"./a.js"`, `from"./a.js"`; never `import("./a.js")`.
  for (const [, spec] of code.matchAll(/(?:\bfrom|\bimport)\s*["']\.\/([^"']+\.js)["']/g)) {
    visit(join(file, "..", spec));
  }
};
for (const file of named) visit(file);

let total = 0;
for (const file of files) {
  const path = join(dist, file);
  const sent = existsSync(`${path}.br`) ? `${path}.br` : path;
  const bytes = statSync(sent).size + HEADERS_BYTES;
  total += bytes;
  console.log(`  ${(bytes / 1024).toFixed(1).padStart(7)} KiB ${file}`);
}
const kib = total / 1024;
console.log(`first load: ${kib.toFixed(1)} KiB of ${BUDGET_KIB} KiB (brotli, headers included)`);
if (kib > BUDGET_KIB) {
  console.error(
    `The first load is over its budget by ${(kib - BUDGET_KIB).toFixed(1)} KiB: load what the ` +
      "explorer's first paint does not need with import() (see src/app/NotificationsSeam.tsx).",
  );
  process.exit(1);
}
