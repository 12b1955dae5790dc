// Removes NaN nondeterminism from SIMD float arithmetic in binaryen text
// modules (wasm-dis output), in place:
//
//   node denan_simd.js [--hang-limit N] MODULE.wat...   (prints the paths it changed)
//
// The spec lets an operation on NaNs return any arithmetic NaN, and V8 and
// timecraft's engine choose differently (V8 returns the canonical NaN, the
// engine often keeps an input's payload). binaryen 108's --denan pass only
// handles scalar floats, so every f32x4/f64x2 operation that can produce a
// NaN from a NaN (add, sub, mul, div, min, max, sqrt, rounding, demote,
// promote) gets wrapped in a call to a helper that zeroes NaN lanes:
// (v128.and x (f32x4.eq x x)). Operations that only move bits (neg, abs,
// pmin, pmax, lanes, compares) are deterministic and stay as they are.
//
// --hang-limit N: binaryen's -ttf modules count loop iterations and calls
// in a global that the exported hangLimitInitializer resets to 10 (both
// runners call it before each export); N lets every call run longer.
'use strict';
const fs = require('fs');

const ops = new Set();
for (const shape of ['f32x4', 'f64x2'])
  for (const op of ['add', 'sub', 'mul', 'div', 'min', 'max', 'sqrt', 'ceil', 'floor', 'trunc', 'nearest'])
    ops.add(shape + '.' + op);
ops.add('f32x4.demote_f64x2_zero');
ops.add('f64x2.promote_low_f32x4');

const helpers = `
 (func $__timecraft_denan_f32x4 (param $0 v128) (result v128)
  (v128.and (local.get $0) (f32x4.eq (local.get $0) (local.get $0))))
 (func $__timecraft_denan_f64x2 (param $0 v128) (result v128)
  (v128.and (local.get $0) (f64x2.eq (local.get $0) (local.get $0))))
`;

function rewrite(text) {
  let out = '';
  const open = [];  // per open paren: the wrapper's closing text, or ''
  let wrapped = 0;
  for (let i = 0; i < text.length; ++i) {
    const c = text[i];
    if (c === '"') {  // string literal (data segments, names): copied verbatim
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j;
      continue;
    }
    if (c === '(') {
      const m = /^[a-z0-9_.]+/.exec(text.slice(i + 1, i + 40));
      const op = m ? m[0] : '';
      if (ops.has(op)) {
        out += '(call $__timecraft_denan_' + op.slice(0, 5) + ' ';
        open.push(')');
        ++wrapped;
      } else {
        open.push('');
      }
      out += c;
      continue;
    }
    if (c === ')') {
      out += c + (open.pop() || '');
      continue;
    }
    out += c;
  }
  if (!wrapped) return text;
  const end = out.lastIndexOf(')');  // the module's
  return out.slice(0, end) + helpers + out.slice(end);
}

function raiseHangLimit(text, limit) {
  const e = /\(export "hangLimitInitializer" \(func (\$[^ )]+)\)\)/.exec(text);
  if (!e) return text;
  const start = text.indexOf('\n (func ' + e[1] + '\n');
  if (start < 0) return text;
  const end = text.indexOf('\n )', start);
  const body = text.slice(start, end).replace(/(\(global\.set \$[^\s)]+\s*\(i32\.const )10\)/, '$1' + limit + ')');
  return text.slice(0, start) + body + text.slice(end);
}

let args = process.argv.slice(2);
let hangLimit = 0;
if (args[0] === '--hang-limit') { hangLimit = +args[1]; args = args.slice(2); }
for (const path of args) {
  const text = fs.readFileSync(path, 'utf8');
  let out = rewrite(text);
  if (hangLimit) out = raiseHangLimit(out, hangLimit);
  if (out === text) continue;
  fs.writeFileSync(path, out);
  console.log(path);
}
