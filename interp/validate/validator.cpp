// Module-level validation, in the reference interpreter's order: imports,
// function types, globals, tables, memories, element and data segments,
// function bodies, start, exports, memory count (2.0). Encoding errors found in
// bodies (Malformed) take precedence over every validation error.
#include "interp/validate/validator.hpp"

#include <algorithm>
#include <atomic>
#include <string_view>
#include <thread>
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

// The first errors of the bodies in [from, to) and beyond, by function
// index. Whether a body is malformed does not depend on how it is read
// (validate() keeps decoding after a type error), so once some function
// is known invalid the later ones are only scanned, and once one is known
// malformed the later ones are skipped: neither can change the outcome.
struct BodyErrors {
  static constexpr uint32_t kNone = UINT32_MAX;
  std::atomic<uint32_t> first_malformed{kNone}, first_invalid{kNone};
  std::atomic<uint32_t> next_chunk{0};
  std::atomic<bool> uses_data_index{false};

  static void lower(std::atomic<uint32_t>& a, uint32_t v) {
    uint32_t cur = a.load();
    while (v < cur && !a.compare_exchange_weak(cur, v)) {
    }
  }
};

// One thread's share: chunks of functions taken in turn; its own lowest
// errors are kept (the caller picks the lowest over all threads).
struct BodyWorker {
  std::optional<Error> malformed, invalid;
  uint32_t malformed_at = BodyErrors::kNone, invalid_at = BodyErrors::kNone;

  void run(const ValidationContext& ctx, Features f, BodyErrors& shared, bool scan_only, bool fast) {
    constexpr uint32_t kChunk = 64;
    const uint32_t n = uint32_t(ctx.m.functions.size());
    FuncValidator fv(ctx, f, fast);
    for (;;) {
      uint32_t from = shared.next_chunk.fetch_add(kChunk);
      if (from >= n || from > shared.first_malformed.load()) break;
      uint32_t to = std::min(n, from + kChunk);
      for (uint32_t i = from; i < to; ++i) {
        if (i > shared.first_malformed.load(std::memory_order_relaxed)) break;
        bool scan = scan_only || i > shared.first_invalid.load(std::memory_order_relaxed);
        auto e = scan ? fv.scan(i) : fv.validate(i);
        if (!e) continue;
        if (e->kind == ErrorKind::Malformed) {
          if (i < malformed_at) malformed_at = i, malformed = std::move(e);
          BodyErrors::lower(shared.first_malformed, i);
        } else {
          if (i < invalid_at) invalid_at = i, invalid = std::move(e);
          BodyErrors::lower(shared.first_invalid, i);
        }
      }
    }
    if (fv.uses_data_index()) shared.uses_data_index = true;
  }
};

}  // namespace

unsigned validation_threads(const Module& m) {
  constexpr uint64_t kMinBytesPerThread = 1 << 20;  // a thread costs ~0.1 ms to start
  uint64_t code = 0;
  if (!m.functions.empty()) code = m.functions.back().body_end - m.functions.front().body_offset;
  unsigned cores = std::max(1u, std::min(8u, std::thread::hardware_concurrency()));
  return unsigned(std::max<uint64_t>(1, std::min<uint64_t>(cores, code / kMinBytesPerThread)));
}

Expected<void> validate_module(const Module& m, Features f) {
  return validate_module(m, f, validation_threads(m));
}

Expected<void> validate_module(const Module& m, Features f, unsigned threads, bool fast_paths) {
  ValidationContext ctx(m);
  std::optional<Error> invalid_error = check_declarations(ctx, f);
  BodyErrors shared;
  std::vector<BodyWorker> workers(std::max(1u, threads));
  {
    std::vector<std::jthread> pool;
    for (size_t t = 1; t < workers.size(); ++t)
      pool.emplace_back([&, t] { workers[t].run(ctx, f, shared, invalid_error.has_value(), fast_paths); });
    workers[0].run(ctx, f, shared, invalid_error.has_value(), fast_paths);
  }
  BodyWorker* malformed = nullptr;
  BodyWorker* invalid = nullptr;
  for (auto& w : workers) {
    if (w.malformed && (!malformed || w.malformed_at < malformed->malformed_at)) malformed = &w;
    if (w.invalid && (!invalid || w.invalid_at < invalid->invalid_at)) invalid = &w;
  }
  if (malformed) return std::move(*malformed->malformed);
  if (shared.uses_data_index && !m.data_count)
    return make_error(ErrorKind::Malformed, "data count section required",
                      offset_location(m.bytes.size()));
  if (invalid_error) return std::move(*invalid_error);
  if (invalid) return std::move(*invalid->invalid);
  if (auto e = check_rest(ctx, f)) return std::move(*e);
  return {};
}

}  // namespace tc::wasm
