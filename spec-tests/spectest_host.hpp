// The standard `spectest` host module every .wast script may import from
// (print_* functions, global_* constants, a table and a memory).
#pragma once
#include <optional>
#include <string_view>

#include "interp/engine.hpp"

namespace tc::spec {

class SpectestHost {
 public:
  explicit SpectestHost(wasm::Store& store);
  std::optional<wasm::ExternVal> find(std::string_view name) const;

 private:
  wasm::Store& store_;
  wasm::TableInst* table_;
  wasm::TableInst* table64_;  // table64: i64 indices
  wasm::MemoryInst* memory_;
  wasm::GlobalInst *g_i32_, *g_i64_, *g_f32_, *g_f64_;
  wasm::FuncInst *print_, *print_i32_, *print_i64_, *print_f32_, *print_f64_,
      *print_i32_f32_, *print_f64_f64_;
};

}  // namespace tc::spec
