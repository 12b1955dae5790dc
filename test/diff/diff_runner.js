// Differential-testing runner, V8 side: the same output as
// wasm_diff_runner.cpp (timecraft's engine) for the same module, so that
// scripts/difftest.sh can compare the two line by line.
//
//   node diff_runner.js [--dump-memory] MODULE.wasm
//   node diff_runner.js --out DIR MODULE.wasm...   (batch, see the end)
//
// Output: "invalid" (compile error), "link error", "instantiate trap", or
// "instantiate ok" followed, for every exported function in export order, by
//   call NAME [log TYPE VALUE]... => RESULT...|trap KIND|skip v128
//   memory PAGES FNV1A32            (when the module exports a memory)
// Values: i32/i64 as signed decimal, f32/f64 as raw bits in hex or "nan",
// references as "null" or "nonnull". A trap is reduced to a kind (the two
// engines word their messages differently): unreachable, memory, div0, int
// (overflow or float-to-int conversion), table, indirect (null or mismatched
// call_indirect target), stack, host, or "other: MESSAGE".
// Functions are called with zero (null)
// arguments; "hangLimitInitializer", when exported, runs before each call
// (as binaryen's own JS wrapper does). v128 cannot cross the JS boundary:
// exports with v128 in their signature are not called ("skip v128"), and a
// v128 log import traps (V8 throws a TypeError when it is called).
'use strict';
const fs = require('fs');

// Just enough of the binary format to know the exports' signatures.
function parseModule(bytes) {
  let p = 0;
  const u8 = () => bytes[p++];
  const leb = () => {
    let r = 0, shift = 0, b;
    do { b = bytes[p++]; r += (b & 0x7f) * 2 ** shift; shift += 7; } while (b & 0x80);
    return r;
  };
  const name = () => { const n = leb(); const s = Buffer.from(bytes.subarray(p, p + n)).toString('utf8'); p += n; return s; };
  const valtype = (b) => ({0x7f: 'i32', 0x7e: 'i64', 0x7d: 'f32', 0x7c: 'f64', 0x7b: 'v128',
                           0x70: 'funcref', 0x6f: 'externref'})[b] || 'unknown';
  const limits = () => { const f = u8(); leb(); if (f & 1) leb(); };
  const types = [], funcs = [], exports = [];
  p = 8;
  while (p < bytes.length) {
    const id = u8(), size = leb(), end = p + size;
    if (id === 1) {
      for (let n = leb(); n > 0; --n) {
        u8();  // 0x60
        const params = []; for (let k = leb(); k > 0; --k) params.push(valtype(u8()));
        const results = []; for (let k = leb(); k > 0; --k) results.push(valtype(u8()));
        types.push({params, results});
      }
    } else if (id === 2) {
      for (let n = leb(); n > 0; --n) {
        const modname = name(), field = name(), kind = u8();
        if (kind === 0) funcs.push({type: types[leb()], module: modname, field});
        else if (kind === 1) { u8(); limits(); }
        else if (kind === 2) limits();
        else if (kind === 3) { u8(); u8(); }
      }
    } else if (id === 3) {
      for (let n = leb(); n > 0; --n) funcs.push({type: types[leb()]});
    } else if (id === 7) {
      for (let n = leb(); n > 0; --n) {
        const nm = name(), kind = u8(), index = leb();
        exports.push({name: nm, kind, index});
      }
    }
    p = end;
  }
  return {funcs, exports};
}

const f32buf = new DataView(new ArrayBuffer(8));
function fmt(type, v) {
  switch (type) {
    case 'i32': return 'i32 ' + (v | 0);
    case 'i64': return 'i64 ' + BigInt.asIntN(64, BigInt(v)).toString();
    case 'f32':
      if (Number.isNaN(v)) return 'f32 nan';
      f32buf.setFloat32(0, v, true);
      return 'f32 0x' + f32buf.getUint32(0, true).toString(16).padStart(8, '0');
    case 'f64':
      if (Number.isNaN(v)) return 'f64 nan';
      f32buf.setFloat64(0, v, true);
      return 'f64 0x' + f32buf.getBigUint64(0, true).toString(16).padStart(16, '0');
    default: return type + ' ' + (v === null ? 'null' : 'nonnull');
  }
}
function trapKind(e) {
  if (e instanceof RangeError) return 'stack';
  if (e instanceof TypeError) return 'host';
  const m = String(e && e.message);
  if (m === 'unreachable') return 'unreachable';
  if (m === 'memory access out of bounds') return 'memory';
  if (m === 'divide by zero' || m === 'remainder by zero') return 'div0';
  if (m === 'divide result unrepresentable' || m === 'float unrepresentable in integer range') return 'int';
  if (m === 'null function or function signature mismatch') return 'indirect';
  if (m.includes('table')) return 'table';
  return 'other: ' + m;
}
function zero(type) {
  return type === 'i64' ? 0n : (type === 'funcref' || type === 'externref') ? null : 0;
}

let dumpMemory = false;  // --dump-memory: non-zero 16-byte rows too (triage)
function memoryLine(mem) {
  const b = new Uint8Array(mem.buffer);
  let rows = '';
  if (dumpMemory)
    for (let at = 0; at < b.length; at += 16) {
      const row = b.subarray(at, at + 16);
      if (row.every((x) => x === 0)) continue;
      rows += '\n  ' + at.toString(16).padStart(8, '0') + ':';
      for (const x of row) rows += ' ' + x.toString(16).padStart(2, '0');
    }
  let h = 0x811c9dc5;
  for (let i = 0; i < b.length; ++i) h = Math.imul(h ^ b[i], 0x01000193);
  return 'memory ' + (b.length / 65536) + ' ' + (h >>> 0).toString(16).padStart(8, '0') + rows;
}

// Runs one module; returns its exit status (0, or 2 when V8 rejects it).
function runModule(path, print) {
  const bytes = new Uint8Array(fs.readFileSync(path));
  let compiled;
  try {
    compiled = new WebAssembly.Module(bytes);
  } catch (e) {
    print('invalid');
    return 2;
  }
  const info = parseModule(bytes);

  let logs = [];
  const imports = {};
  for (const f of info.funcs) {
    if (f.module !== 'fuzzing-support' || !f.field.startsWith('log-')) continue;
    const params = f.type.params;
    imports[f.module] = imports[f.module] || {};
    imports[f.module][f.field] = (...args) => {
      logs.push('log ' + args.map((a, k) => fmt(params[k], a)).join(' '));
    };
  }
  let instance;
  try {
    instance = new WebAssembly.Instance(compiled, imports);
  } catch (e) {
    print(e instanceof WebAssembly.RuntimeError ? 'instantiate trap ' + trapKind(e) : 'link error');
    return 0;
  }
  print('instantiate ok');
  const ex = instance.exports;
  let mem = null;
  for (const e of info.exports)
    if (e.kind === 2) { mem = ex[e.name]; break; }
  const hangInit = typeof ex.hangLimitInitializer === 'function' ? ex.hangLimitInitializer : null;
  for (const e of info.exports) {
    if (e.kind !== 0) continue;
    const type = info.funcs[e.index].type;
    let line = 'call ' + e.name;
    if (type.params.includes('v128') || type.results.includes('v128')) {
      print(line + ' => skip v128');
      if (mem) print(memoryLine(mem));
      continue;
    }
    logs = [];
    let out;
    try {
      if (hangInit) hangInit();
      const r = ex[e.name](...type.params.map(zero));
      const rs = type.results.length === 1 ? [r] : type.results.length === 0 ? [] : Array.from(r);
      out = rs.map((v, k) => fmt(type.results[k], v)).join(' ');
    } catch (err) {
      out = 'trap ' + trapKind(err);
    }
    for (const l of logs) line += ' [' + l + ']';
    print(line + ' =>' + (out ? ' ' + out : ''));
    if (mem) print(memoryLine(mem));
  }
  return 0;
}

// Batch mode saves a Node start-up per module: --out DIR writes
// DIR/NAME.v8.txt (the output) and then DIR/NAME.v8.rc (the status) for
// each NAME.wasm, so a run killed by a timeout shows which module hung.
const argv = process.argv.slice(2);
if (argv[0] === '--out') {
  const dir = argv[1];
  for (const path of argv.slice(2)) {
    const name = dir + '/' + require('path').basename(path, '.wasm');
    const lines = [];
    const rc = runModule(path, (l) => lines.push(l));
    fs.writeFileSync(name + '.v8.txt', lines.length ? lines.join('\n') + '\n' : '');
    fs.writeFileSync(name + '.v8.rc', rc + '\n');
  }
} else {
  if (argv[0] === '--dump-memory') { dumpMemory = true; argv.shift(); }
  process.exitCode = runModule(argv[0], (l) => console.log(l));
}
