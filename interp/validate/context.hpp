// Index spaces of a module flattened for O(1) lookups during validation
// (Module's own accessors walk the import list).
#pragma once
#include <cstdint>
#include <vector>

#include "interp/module.hpp"

namespace tc::wasm {

struct ValidationContext {
  explicit ValidationContext(const Module& m);

  const Module& m;
  std::vector<uint32_t> func_types;  // type index per function (imports first)
  std::vector<GlobalType> globals;   // imports first
  std::vector<TableType> tables;     // imports first
  std::vector<MemoryType> memories;  // imports first
  std::vector<uint32_t> tags;        // type index per tag (imports first)
  // Functions that may appear in ref.func inside bodies: those referenced
  // by exports, global initialisers and element/data segments.
  std::vector<bool> declared;

  bool has_type(uint32_t func) const {
    return func < func_types.size() && func_types[func] < m.types.size();
  }
};

}  // namespace tc::wasm
