// The package's own glue (src/core.js: @bjorn3/browser_wasi_shim, the
// exported convert entry point) under Node: converts stdin with the
// pandoc options given as JSON in argv[2] and prints the output, as a
// reference for test/pandoc_e2e_tests.cpp.
import {readFileSync} from "node:fs"
import {convert} from "pandoc-wasm"
const options = JSON.parse(process.argv[2] || "{}")
const result = await convert(options, readFileSync(0, "utf8"), {})
if (result.stderr) process.stderr.write(result.stderr)
process.stdout.write(result.stdout)
