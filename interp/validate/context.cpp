#include "interp/validate/context.hpp"

#include "interp/validate/body_reader.hpp"

namespace tc::wasm {

namespace {
// Marks every ref.func in a constant expression as declared.
void declare_refs(const ConstExpr& e, std::vector<bool>& declared) {
  BodyReader br(e.code.data(), e.code.size(), 0);
  Instr in;
  while (br.next(in)) {
    if (in.op == Opcode::RefFunc && in.a < declared.size()) declared[in.a] = true;
  }
}
}  // namespace

ValidationContext::ValidationContext(const Module& mod) : m(mod) {
  func_types.reserve(m.total_funcs());
  globals.reserve(m.total_globals());
  tables.reserve(m.total_tables());
  for (const auto& imp : m.imports) {
    switch (imp.kind) {
      case ExternKind::Func: func_types.push_back(imp.func_type); break;
      case ExternKind::Table: tables.push_back(imp.table); break;
      case ExternKind::Memory: memories.push_back(imp.memory); break;
      case ExternKind::Global: globals.push_back(imp.global); break;
      case ExternKind::Tag: tags.push_back(imp.func_type); break;
    }
  }
  for (const auto& f : m.functions) func_types.push_back(f.type_index);
  for (const auto& t : m.tables) tables.push_back(t);
  for (const auto& t : m.memories) memories.push_back(t);
  for (const auto& g : m.globals) globals.push_back(g.type);
  for (uint32_t t : m.tags) tags.push_back(t);

  declared.assign(func_types.size(), false);
  for (const auto& e : m.exports)
    if (e.kind == ExternKind::Func && e.index < declared.size()) declared[e.index] = true;
  for (const auto& g : m.globals) declare_refs(g.init, declared);
  for (const auto& s : m.elems) {
    if (s.mode == SegmentMode::Active) declare_refs(s.offset, declared);
    for (const auto& e : s.init) declare_refs(e, declared);
  }
  for (const auto& d : m.datas)
    if (d.mode == SegmentMode::Active) declare_refs(d.offset, declared);
}

}  // namespace tc::wasm
