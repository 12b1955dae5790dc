#include "spec-tests/spectest_host.hpp"

#include <bit>

namespace tc::spec {

using namespace tc::wasm;

namespace {
// The reference interpreter prints its arguments; the runner stays quiet.
FuncInst* silent(Store& s, std::vector<ValType> params, const char* name) {
  return s.add_host_func(FuncType{std::move(params), {}},
                         [](HostContext&, std::span<const Value>, std::span<Value>) {
                           return Expected<void>();
                         },
                         name);
}
}  // namespace

SpectestHost::SpectestHost(Store& store) : store_(store) {
  table_ = store.add_table(TableType{ValType::FuncRef, Limits{10, 20}});
  table64_ = store.add_table(TableType{ValType::FuncRef, Limits{10, 20}, AddrType::I64});
  memory_ = store.add_memory(MemoryType{Limits{1, 2}});
  g_i32_ = store.add_global(GlobalType{ValType::I32, false}, Value::make_i32(666));
  g_i64_ = store.add_global(GlobalType{ValType::I64, false}, Value::make_i64(666));
  g_f32_ = store.add_global(GlobalType{ValType::F32, false},
                            Value::make_f32_bits(std::bit_cast<uint32_t>(666.6f)));
  g_f64_ = store.add_global(GlobalType{ValType::F64, false},
                            Value::make_f64_bits(std::bit_cast<uint64_t>(666.6)));
  print_ = silent(store, {}, "print");
  print_i32_ = silent(store, {ValType::I32}, "print_i32");
  print_i64_ = silent(store, {ValType::I64}, "print_i64");
  print_f32_ = silent(store, {ValType::F32}, "print_f32");
  print_f64_ = silent(store, {ValType::F64}, "print_f64");
  print_i32_f32_ = silent(store, {ValType::I32, ValType::F32}, "print_i32_f32");
  print_f64_f64_ = silent(store, {ValType::F64, ValType::F64}, "print_f64_f64");
}

std::optional<ExternVal> SpectestHost::find(std::string_view name) const {
  auto func = [](FuncInst* f) { ExternVal e; e.kind = ExternKind::Func; e.func = f; return e; };
  auto global = [](GlobalInst* g) { ExternVal e; e.kind = ExternKind::Global; e.global = g; return e; };
  if (name == "print") return func(print_);
  if (name == "print_i32") return func(print_i32_);
  if (name == "print_i64") return func(print_i64_);
  if (name == "print_f32") return func(print_f32_);
  if (name == "print_f64") return func(print_f64_);
  if (name == "print_i32_f32") return func(print_i32_f32_);
  if (name == "print_f64_f64") return func(print_f64_f64_);
  if (name == "global_i32") return global(g_i32_);
  if (name == "global_i64") return global(g_i64_);
  if (name == "global_f32") return global(g_f32_);
  if (name == "global_f64") return global(g_f64_);
  if (name == "table") { ExternVal e; e.kind = ExternKind::Table; e.table = table_; return e; }
  if (name == "table64") { ExternVal e; e.kind = ExternKind::Table; e.table = table64_; return e; }
  if (name == "memory") { ExternVal e; e.kind = ExternKind::Memory; e.memory = memory_; return e; }
  return std::nullopt;
}

}  // namespace tc::spec
