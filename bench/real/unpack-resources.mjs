// Writes the file tree a YoWASP package embeds in its resources-*.js
// (`filesystem`: nested objects of file contents, or URLs of files next to
// it) into a directory, for preopening it in the runs of bench/real.sh.
//   node bench/real/unpack-resources.mjs resources-yosys.js OUTDIR
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL, fileURLToPath } from 'node:url';

const [resources, out] = process.argv.slice(2);
const { filesystem } = await import(pathToFileURL(resolve(resources)).href);
function write(tree, dir) {
  mkdirSync(dir, { recursive: true });
  for (const [name, v] of Object.entries(tree)) {
    const path = join(dir, name);
    if (typeof v === 'string' || v instanceof Uint8Array) writeFileSync(path, v);
    else if (v instanceof URL) copyFileSync(fileURLToPath(v), path);
    else write(v, path);
  }
}
write(filesystem, out);
