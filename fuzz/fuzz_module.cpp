// Fuzz target: the binary module path. Decode + validate, instantiate with
// a stub for every import (host functions that return zeros; tables,
// memories and globals of the imported type), then invoke every exported
// function with zero arguments, under a fuel budget and a low call depth.
// Every step may fail; none may crash.
#include <cstdint>
#include <vector>

#include "interp/engine.hpp"

using namespace tc;
using namespace tc::wasm;

namespace {

// The engine's own limit on table.grow (exec_helpers.cpp): a stub table
// bigger than that is the embedder's problem, not the engine's.
constexpr uint64_t kMaxStubTable = 10'000'000;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto loaded = load_module(std::vector<uint8_t>(data, data + size));
  if (!loaded) return 0;
  std::shared_ptr<const Module> module = *loaded;

  EngineConfig config;
  config.fuel = 20000;
  config.max_call_depth = 200;
  config.max_memory_pages = 256;
  // Both bounds-check strategies, chosen by the input so a crash reproduces.
  config.guard_pages = (data[size / 2] & 1) != 0;
  Store store(config);

  std::vector<ExternVal> imports;
  for (const Import& imp : module->imports) {
    ExternVal v;
    v.kind = imp.kind;
    switch (imp.kind) {
      case ExternKind::Func:
        v.func = store.add_host_func(module->types[imp.func_type],
                                     [](HostContext&, std::span<const Value>, std::span<Value>) -> Expected<void> {
                                       return {};  // results arrive zeroed
                                     });
        break;
      case ExternKind::Table:
        if (imp.table.limits.min > kMaxStubTable) return 0;
        v.table = store.add_table(imp.table);
        break;
      case ExternKind::Memory:
        v.memory = store.add_memory(imp.memory);
        if (!v.memory) return 0;
        break;
      case ExternKind::Global:
        v.global = store.add_global(imp.global, Value::zero(imp.global.type));
        break;
      case ExternKind::Tag:
        v.tag = store.add_tag(module->types[imp.func_type]);
        break;
    }
    imports.push_back(v);
  }

  auto inst = store.instantiate(module, imports);
  if (!inst) return 0;
  for (const Export& e : module->exports) {
    auto ext = (*inst)->find_export(e.name);
    if (!ext) __builtin_trap();  // every export must be found by its name
    switch (ext->kind) {
      case ExternKind::Func: {
        std::vector<Value> args;
        for (ValType t : Store::func_type(ext->func).params) args.push_back(Value::zero(t));
        (void)store.invoke(ext->func, args);
        break;
      }
      case ExternKind::Global:
        (void)value_to_string(Store::global_get(ext->global));
        break;
      case ExternKind::Memory:
        (void)Store::memory_size_bytes(ext->memory);
        break;
      case ExternKind::Table:
        (void)Store::table_type(ext->table);
        break;
      case ExternKind::Tag:
        (void)Store::tag_type(ext->tag);
        break;
    }
  }
  return 0;
}
