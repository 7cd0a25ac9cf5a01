// Writes a brotli (.br) and a gzip (.gz) copy beside every compressible file of dist/, which the
// server sends to browsers that accept them (it compresses nothing at request time). A copy that
// would not be smaller is not written, nor one of index.html, which the server fills per request.
import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";

const dist = new URL("../dist/", import.meta.url).pathname;
const compressible = /\.(js|mjs|css|html|json|svg|txt|map|wasm)$/;

async function* files(dir) {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* files(path);
    else yield path;
  }
}

let plain = 0;
let brotli = 0;
for await (const path of files(dist)) {
  if (!compressible.test(path) || path === join(dist, "index.html")) continue;
  const bytes = await readFile(path);
  const br = brotliCompressSync(bytes, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
      [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
    },
  });
  const gz = gzipSync(bytes, { level: 9 });
  if (br.length < bytes.length) await writeFile(`${path}.br`, br);
  if (gz.length < bytes.length) await writeFile(`${path}.gz`, gz);
  plain += bytes.length;
  brotli += Math.min(br.length, bytes.length);
}
console.log(
  `compressed dist/: ${(plain / 1024).toFixed(0)} KiB -> ${(brotli / 1024).toFixed(0)} KiB brotli`,
);
