// Registers one host function per row of calls.def.
#include "wasi/abi.hpp"

#include "wasi/abi_calls.hpp"

namespace tc::wasi {

using namespace tc::wasm;

namespace {

using Marshaller = Expected<Errno> (*)(abi::Env&, const uint64_t*);

struct Row {
  const char* name;
  const char* params;
  const char* results;
  Marshaller fn;
};

constexpr Row kRows[] = {
#define WASI_CALL(name, id, params, results, ins, outs) {#name, params, results, abi::name},
#include "wasi/calls.def"
#undef WASI_CALL
};

FuncType wasm_type(const Row& r) {
  FuncType t;
  for (const char* p = r.params; *p; ++p) t.params.push_back(*p == 'I' ? ValType::I64 : ValType::I32);
  for (const char* p = r.results; *p; ++p) t.results.push_back(*p == 'I' ? ValType::I64 : ValType::I32);
  return t;
}

}  // namespace

Expected<void> check_linkable(const Module& module) {
  for (const auto& imp : module.imports) {
    std::string what = imp.module + "::" + imp.name;
    const Row* row = nullptr;
    if (imp.module == kModuleName)
      for (const auto& r : kRows)
        if (imp.name == r.name) row = &r;
    if (!row || imp.kind != ExternKind::Func)
      return make_error(ErrorKind::Unlinkable, (row ? "incompatible import type " : "unknown import ") + what);
    if (!(module.types[imp.func_type] == wasm_type(*row)))
      return make_error(ErrorKind::Unlinkable, "incompatible import type " + what);
  }
  return {};
}

WasiImports::WasiImports(Store& store, System& system) : store_(store), system_(system) {}

std::optional<ExternVal> WasiImports::resolve(std::string_view module, std::string_view name) {
  if (module != kModuleName) return std::nullopt;
  if (auto it = funcs_.find(name); it != funcs_.end()) {
    ExternVal v;
    v.kind = ExternKind::Func;
    v.func = it->second;
    return v;
  }
  const Row* row = nullptr;
  for (const auto& r : kRows)
    if (name == r.name) row = &r;
  if (!row) return std::nullopt;
  System* sys = &system_;
  Marshaller fn = row->fn;
  MemoryCache* cache = &memory_cache_;
  HostFunc host = [sys, fn, cache](HostContext& ctx, std::span<const Value> args,
                                   std::span<Value> results) -> Expected<void> {
    uint64_t a[10] = {};
    for (size_t i = 0; i < args.size() && i < 10; ++i)
      a[i] = args[i].type == ValType::I64 ? args[i].i64 : args[i].i32;
    // Re-read the memory on every call: memory.grow may have moved it.
    abi::Env env{*sys, {}};
    if (ctx.caller) {
      // The export lookup is by name: do it once per calling instance.
      if (ctx.caller != cache->instance) {
        cache->instance = ctx.caller;
        cache->memory = ctx.caller->exported_memory("memory");
      }
      if (MemoryInst* m = cache->memory)
        env.mem = GuestMemory(Store::memory_data(m), Store::memory_size_bytes(m));
    }
    auto r = fn(env, a);
    if (!r) return std::move(r.error());
    if (const Error* f = sys->fault()) return *f;
    if (!results.empty()) results[0] = Value::make_i32(static_cast<uint32_t>(*r));
    return {};
  };
  FuncInst* f = store_.add_host_func(wasm_type(*row), std::move(host),
                                     std::string(kModuleName) + "::" + row->name);
  funcs_.emplace(std::string(name), f);
  ExternVal v;
  v.kind = ExternKind::Func;
  v.func = f;
  return v;
}

}  // namespace tc::wasi
