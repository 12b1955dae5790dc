// Module-level validation, in the reference interpreter's order: imports,
// function types, globals, tables, memories, element and data segments,
// function bodies, start, exports, memory count (2.0). Encoding errors found in
// bodies (Malformed) take precedence over every validation error.
#include "interp/validate/validator.hpp"

#include <string_view>
#include <unordered_set>

#include "interp/validate/const_expr.hpp"
#include "interp/validate/context.hpp"
#include "interp/validate/func_validator.hpp"

namespace tc::wasm {

namespace {

Error invalid(std::string msg) { return make_error(ErrorKind::Invalid, std::move(msg)); }

std::string unknown(const char* what, uint32_t idx) {
  return std::string("unknown ") + what + " " + std::to_string(idx);
}

std::optional<Error> check_limits(const Limits& l, uint64_t range, const char* msg) {
  if (l.min > range) return invalid(msg);
  if (l.max) {
    if (*l.max > range) return invalid(msg);
    if (l.min > *l.max) return invalid("size minimum must not be greater than maximum");
  }
  return std::nullopt;
}

std::optional<Error> check_table_type(const TableType& t) {
  if (t.addr == AddrType::I64)
    return check_limits(t.limits, UINT64_MAX, "table size must be at most 2^64-1 for i64");
  return check_limits(t.limits, 0xFFFFFFFFull, "table size must be at most 2^32-1");
}

std::optional<Error> check_memory_type(const MemoryType& t) {
  if (t.addr == AddrType::I64)
    return check_limits(t.limits, kMaxPages64, "memory size must be at most 2^48 pages (256 TiB) for i64");
  return check_limits(t.limits, kMaxPages, "memory size must be at most 65536 pages (4GiB)");
}

// A tag's type: a function type without results.
std::optional<Error> check_tag_type(const Module& m, uint32_t type) {
  if (type >= m.types.size()) return invalid(unknown("type", type));
  if (!m.types[type].results.empty()) return invalid("non-empty tag result type");
  return std::nullopt;
}

// Checks that come before the function bodies.
std::optional<Error> check_declarations(const ValidationContext& ctx, Features f) {
  const Module& m = ctx.m;
  // The reference folds over imports from the last one.
  for (size_t i = m.imports.size(); i-- > 0;) {
    const Import& imp = m.imports[i];
    std::optional<Error> e;
    switch (imp.kind) {
      case ExternKind::Func:
        if (imp.func_type >= m.types.size()) return invalid(unknown("type", imp.func_type));
        break;
      case ExternKind::Table: e = check_table_type(imp.table); break;
      case ExternKind::Memory: e = check_memory_type(imp.memory); break;
      case ExternKind::Global: break;
      case ExternKind::Tag: e = check_tag_type(m, imp.func_type); break;
    }
    if (e) return e;
  }
  for (const auto& f : m.functions)
    if (f.type_index >= m.types.size()) return invalid(unknown("type", f.type_index));

  // wasm 3.0: a global's initializer reads the globals before it (imports
  // and defined ones), segment offsets and elements read all of them; 2.0
  // only imported ones.
  const bool ext = f.extended_const;
  uint32_t visible = m.num_imported_globals;
  for (const auto& g : m.globals) {
    if (auto e = check_const_expr(ctx, g.init, g.type.type, visible, ext)) return e;
    if (ext) ++visible;
  }
  if (ext) visible = uint32_t(ctx.globals.size());
  for (const auto& t : m.tables)
    if (auto e = check_table_type(t)) return e;
  for (const auto& t : m.memories)
    if (auto e = check_memory_type(t)) return e;
  for (uint32_t t : m.tags)
    if (auto e = check_tag_type(m, t)) return e;
  for (const auto& s : m.elems) {
    for (const auto& init : s.init)
      if (auto e = check_const_expr(ctx, init, s.type, visible, ext)) return e;
    if (s.mode == SegmentMode::Active) {
      if (s.table >= ctx.tables.size()) return invalid(unknown("table", s.table));
      if (ctx.tables[s.table].elem != s.type)
        return invalid("type mismatch: element segment type does not match the table");
      ValType idx = ctx.tables[s.table].addr == AddrType::I64 ? ValType::I64 : ValType::I32;
      if (auto e = check_const_expr(ctx, s.offset, idx, visible, ext)) return e;
    }
  }
  for (const auto& d : m.datas) {
    if (d.mode != SegmentMode::Active) continue;
    if (d.memory >= ctx.memories.size()) return invalid(unknown("memory", d.memory));
    ValType addr = ctx.memories[d.memory].addr == AddrType::I64 ? ValType::I64 : ValType::I32;
    if (auto e = check_const_expr(ctx, d.offset, addr, visible, ext)) return e;
  }
  return std::nullopt;
}

// Checks that come after the function bodies.
std::optional<Error> check_rest(const ValidationContext& ctx, Features f) {
  const Module& m = ctx.m;
  if (m.start) {
    uint32_t f = *m.start;
    if (f >= ctx.func_types.size()) return invalid(unknown("function", f));
    const FuncType& ft = m.types[ctx.func_types[f]];
    if (!ft.params.empty() || !ft.results.empty())
      return invalid("start function must not have parameters or results");
  }
  std::unordered_set<std::string_view> names;
  names.reserve(m.exports.size());
  for (const auto& e : m.exports) {
    uint32_t limit = 0;
    const char* what = "";
    switch (e.kind) {
      case ExternKind::Func: limit = uint32_t(ctx.func_types.size()); what = "function"; break;
      case ExternKind::Table: limit = uint32_t(ctx.tables.size()); what = "table"; break;
      case ExternKind::Memory: limit = uint32_t(ctx.memories.size()); what = "memory"; break;
      case ExternKind::Global: limit = uint32_t(ctx.globals.size()); what = "global"; break;
      case ExternKind::Tag: limit = uint32_t(ctx.tags.size()); what = "tag"; break;
    }
    if (e.index >= limit) return invalid(unknown(what, e.index));
    if (!names.insert(e.name).second) return invalid("duplicate export name");
  }
  if (!f.multi_memory && ctx.memories.size() > 1) return invalid("multiple memories");
  return std::nullopt;
}

}  // namespace

Expected<void> validate_module(const Module& m, Features f) {
  ValidationContext ctx(m);
  std::optional<Error> invalid_error = check_declarations(ctx, f);
  FuncValidator fv(ctx, f);
  for (uint32_t i = 0; i < m.functions.size(); ++i) {
    auto e = invalid_error ? fv.scan(i) : fv.validate(i);
    if (!e) continue;
    if (e->kind == ErrorKind::Malformed) return std::move(*e);
    invalid_error = std::move(e);
  }
  if (fv.uses_data_index() && !m.data_count)
    return make_error(ErrorKind::Malformed, "data count section required",
                      offset_location(m.bytes.size()));
  if (invalid_error) return std::move(*invalid_error);
  if (auto e = check_rest(ctx, f)) return std::move(*e);
  return {};
}

}  // namespace tc::wasm
