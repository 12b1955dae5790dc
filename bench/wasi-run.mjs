// Minimal WASI launcher for the V8 reference column:
//   node --experimental-wasi-unstable-preview1 bench/wasi-run.mjs [--dir HOST:GUEST]... MODULE.wasm [ARGS...]
// --dir preopens HOST as GUEST, like `timecraft run --dir`.
import { readFileSync } from 'node:fs';
import { WASI } from 'node:wasi';

const argv = process.argv.slice(2), preopens = {};
while (argv[0] === '--dir') {
  const [host, guest = host] = argv[1].split(':');
  preopens[guest] = host;
  argv.splice(0, 2);
}
const [file, ...args] = argv;
const wasi = new WASI({ version: 'preview1', args: [file, ...args], env: {}, preopens, returnOnExit: true });
const module = await WebAssembly.compile(readFileSync(file));
const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
process.exitCode = wasi.start(instance);
