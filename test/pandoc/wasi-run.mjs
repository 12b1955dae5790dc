// Node's own WASI (node:wasi) running a command module's _start, the way
// `timecraft run --dir ROOT:/ MODULE ARGS...` does: argv[0] "pandoc.wasm",
// no environment, ROOT preopened as "/", stdin/stdout/stderr inherited.
// Usage: node wasi-run.mjs MODULE.wasm ROOT [ARGS...]
import {readFileSync} from "node:fs"
import {WASI} from "node:wasi"
const [wasmPath, root, ...args] = process.argv.slice(2)
const wasi = new WASI({version: "preview1", args: ["pandoc.wasm", ...args], env: {},
                       preopens: {"/": root}, returnOnExit: true})
const module = await WebAssembly.compile(readFileSync(wasmPath))
const instance = await WebAssembly.instantiate(module, {wasi_snapshot_preview1: wasi.wasiImport})
process.exitCode = wasi.start(instance)
