// Differential-testing runner, timecraft side: runs a module (typically
// made by binaryen's `wasm-opt -ttf`) with the engine API and prints what
// test/diff/diff_runner.js prints for V8, so that scripts/difftest.sh can
// compare the two line by line.
//
//   wasm_diff_runner [--fuel N] [--explicit-bounds] [--dump-memory] MODULE.wasm
//
// Output: "invalid" (decode/validation error; exit 2), "link error",
// "instantiate trap", or "instantiate ok" followed, for every exported
// function in export order, by
//   call NAME [log TYPE VALUE]... => RESULT...|trap KIND|skip v128
//   memory PAGES FNV1A32            (when the module exports a memory)
// Values: i32/i64 as signed decimal, f32/f64 as raw bits in hex or "nan"
// (NaN payloads may differ between engines), references as "null" or
// "nonnull"; traps as a kind (see trap_kind), messages differing between
// engines. Functions get zero (null) arguments; an exported
// "hangLimitInitializer" runs before each call, as in binaryen's own JS
// wrapper. v128 cannot cross the JS boundary, so exports with v128 in their
// signature are not called and a v128 log import traps (as V8's TypeError).
// Running out of fuel (default 10^7 units, the whole run) prints
// "=> exhausted" and exits 3: the comparison is inconclusive.
#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "interp/engine.hpp"

using namespace tc;
using namespace tc::wasm;

namespace {

std::string fmt(const Value& v) {
  char buf[64];
  switch (v.type) {
    case ValType::I32: std::snprintf(buf, sizeof buf, "i32 %" PRId32, int32_t(v.i32)); break;
    case ValType::I64: std::snprintf(buf, sizeof buf, "i64 %" PRId64, int64_t(v.i64)); break;
    case ValType::F32:
      if ((v.f32 & 0x7f800000u) == 0x7f800000u && (v.f32 & 0x007fffffu)) return "f32 nan";
      std::snprintf(buf, sizeof buf, "f32 0x%08" PRIx32, v.f32);
      break;
    case ValType::F64:
      if ((v.f64 & 0x7ff0000000000000ull) == 0x7ff0000000000000ull && (v.f64 & 0x000fffffffffffffull))
        return "f64 nan";
      std::snprintf(buf, sizeof buf, "f64 0x%016" PRIx64, v.f64);
      break;
    case ValType::FuncRef: return v.ref ? "funcref nonnull" : "funcref null";
    case ValType::ExternRef: return v.ref ? "externref nonnull" : "externref null";
    default: return "v128";
  }
  return buf;
}

bool has_v128(const FuncType& t) {
  for (auto p : t.params) if (p == ValType::V128) return true;
  for (auto r : t.results) if (r == ValType::V128) return true;
  return false;
}

bool g_dump_memory = false;  // --dump-memory: non-zero 16-byte rows too (triage)

std::string memory_line(MemoryInst* mem) {
  const uint8_t* b = Store::memory_data(mem);
  const uint64_t n = Store::memory_size_bytes(mem);
  uint32_t h = 0x811c9dc5u;
  for (uint64_t i = 0; i < n; ++i) h = (h ^ b[i]) * 0x01000193u;
  char buf[64];
  std::snprintf(buf, sizeof buf, "memory %" PRIu64 " %08" PRIx32, n / 65536, h);
  std::string out = buf;
  for (uint64_t at = 0; g_dump_memory && at < n; at += 16) {
    uint64_t end = std::min<uint64_t>(at + 16, n);
    bool zero = true;
    for (uint64_t i = at; i < end; ++i) zero = zero && b[i] == 0;
    if (zero) continue;
    std::snprintf(buf, sizeof buf, "\n  %08" PRIx64 ":", at);
    out += buf;
    for (uint64_t i = at; i < end; ++i) {
      std::snprintf(buf, sizeof buf, " %02x", b[i]);
      out += buf;
    }
  }
  return out;
}

// The trap kinds diff_runner.js derives from V8's messages.
std::string trap_kind(const Error& e) {
  const std::string& m = e.message;
  if (m == "call stack exhausted") return "stack";
  if (m == "v128 cannot cross the JS boundary") return "host";
  if (m == "unreachable") return "unreachable";
  if (m == "out of bounds memory access") return "memory";
  if (m == "integer divide by zero") return "div0";
  if (m == "integer overflow" || m == "invalid conversion to integer") return "int";
  if (m.starts_with("uninitialized element") || m == "indirect call type mismatch") return "indirect";
  if (m.starts_with("undefined element") || m == "out of bounds table access") return "table";
  return "other: " + m;
}

bool is_fuel(const Error& e) { return e.kind == ErrorKind::Exhaustion && e.message == "fuel exhausted"; }

int usage() {
  std::fprintf(stderr, "usage: wasm_diff_runner [--fuel N] [--explicit-bounds] [--dump-memory] MODULE.wasm\n");
  return 64;
}

}  // namespace

int main(int argc, char** argv) {
  EngineConfig cfg;
  cfg.fuel = 10'000'000;
  const char* path = nullptr;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--fuel" && i + 1 < argc) cfg.fuel = std::strtoull(argv[++i], nullptr, 10);
    else if (a == "--explicit-bounds") cfg.guard_pages = false;
    else if (a == "--dump-memory") g_dump_memory = true;
    else if (!path && !a.starts_with("--")) path = argv[i];
    else return usage();
  }
  if (!path) return usage();
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "%s: cannot read\n", path);
    return 64;
  }
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());

  auto mod = load_module(std::move(bytes));
  if (!mod) {
    std::printf("invalid\n");
    std::fprintf(stderr, "%s\n", mod.error().to_string().c_str());
    return 2;
  }
  const Module& m = **mod;
  Store store(cfg);
  std::vector<std::string> logs;
  std::vector<ExternVal> imports;
  for (const auto& imp : m.imports) {
    if (imp.kind != ExternKind::Func || imp.module != "fuzzing-support" || !imp.name.starts_with("log-")) {
      std::printf("link error\n");
      std::fprintf(stderr, "unsupported import %s::%s\n", imp.module.c_str(), imp.name.c_str());
      return 0;
    }
    const FuncType& t = m.types[imp.func_type];
    const bool v128 = has_v128(t);
    HostFunc fn = [&logs, v128](HostContext&, std::span<const Value> args, std::span<Value>) -> Expected<void> {
      if (v128) return make_error(ErrorKind::Trap, "v128 cannot cross the JS boundary");
      std::string line = "log";
      for (const auto& a : args) line += " " + fmt(a);
      logs.push_back(std::move(line));
      return {};
    };
    ExternVal ev;
    ev.kind = ExternKind::Func;
    ev.func = store.add_host_func(t, std::move(fn), imp.name);
    imports.push_back(ev);
  }
  auto inst = store.instantiate(*mod, imports);
  if (!inst) {
    const Error& e = inst.error();
    if (is_fuel(e)) {
      std::printf("instantiate exhausted\n");
      return 3;
    }
    if (e.kind == ErrorKind::Unlinkable) std::printf("link error\n");
    else std::printf("instantiate trap %s\n", trap_kind(e).c_str());
    std::fprintf(stderr, "%s\n", e.to_string().c_str());
    return 0;
  }
  std::printf("instantiate ok\n");
  Instance* instance = *inst;
  MemoryInst* mem = nullptr;
  for (const auto& e : m.exports)
    if (e.kind == ExternKind::Memory) {
      mem = instance->exported_memory(e.name);
      break;
    }
  FuncInst* hang_init = nullptr;
  if (auto h = instance->find_export("hangLimitInitializer"); h && h->kind == ExternKind::Func)
    hang_init = h->func;

  for (const auto& e : m.exports) {
    if (e.kind != ExternKind::Func) continue;
    FuncInst* f = instance->find_export(e.name)->func;
    const FuncType& t = Store::func_type(f);
    std::string line = "call " + e.name;
    if (has_v128(t)) {
      std::printf("%s => skip v128\n", line.c_str());
      if (mem) std::printf("%s\n", memory_line(mem).c_str());
      continue;
    }
    logs.clear();
    std::string out;
    bool exhausted = false;
    Expected<std::vector<Value>> r = std::vector<Value>{};
    if (hang_init) {
      auto h = store.invoke(hang_init, {});
      if (!h) r = std::move(h.error());
    }
    if (r) {
      std::vector<Value> args;
      for (auto p : t.params) args.push_back(Value::zero(p));
      r = store.invoke(f, args);
    }
    if (r) {
      for (const auto& v : *r) out += (out.empty() ? "" : " ") + fmt(v);
    } else {
      exhausted = is_fuel(r.error());
      out = exhausted ? "exhausted" : "trap " + trap_kind(r.error());
    }
    for (const auto& l : logs) line += " [" + l + "]";
    std::printf("%s =>%s%s\n", line.c_str(), out.empty() ? "" : " ", out.c_str());
    if (exhausted) return 3;
    if (mem) std::printf("%s\n", memory_line(mem).c_str());
  }
  return 0;
}
