#include "interp/module.hpp"

namespace tc::wasm {

namespace {
template <class F>
const Import& nth_import(const Module& m, ExternKind kind, uint32_t n, F&&) {
  for (const auto& imp : m.imports) {
    if (imp.kind != kind) continue;
    if (n == 0) return imp;
    --n;
  }
  static const Import none;
  return none;
}
}  // namespace

uint32_t Module::func_type_index(uint32_t i) const {
  if (i < num_imported_funcs) return nth_import(*this, ExternKind::Func, i, 0).func_type;
  return functions[i - num_imported_funcs].type_index;
}

const FuncType& Module::func_type(uint32_t i) const { return types[func_type_index(i)]; }

TableType Module::table_type(uint32_t i) const {
  if (i < num_imported_tables) return nth_import(*this, ExternKind::Table, i, 0).table;
  return tables[i - num_imported_tables];
}

MemoryType Module::memory_type(uint32_t i) const {
  if (i < num_imported_memories) return nth_import(*this, ExternKind::Memory, i, 0).memory;
  return memories[i - num_imported_memories];
}

GlobalType Module::global_type(uint32_t i) const {
  if (i < num_imported_globals) return nth_import(*this, ExternKind::Global, i, 0).global;
  return globals[i - num_imported_globals].type;
}

uint32_t Module::tag_type_index(uint32_t i) const {
  if (i < num_imported_tags) return nth_import(*this, ExternKind::Tag, i, 0).func_type;
  return tags[i - num_imported_tags];
}

std::string Module::func_name(uint32_t i) const {
  auto it = func_names.find(i);
  if (it != func_names.end()) return it->second;
  return "func[" + std::to_string(i) + "]";
}

}  // namespace tc::wasm
