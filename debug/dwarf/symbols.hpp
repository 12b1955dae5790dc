// Functions, scopes and variables read from DW_TAG_subprogram,
// DW_TAG_lexical_block, DW_TAG_inlined_subroutine, DW_TAG_formal_parameter
// and DW_TAG_variable. Plain data; every address is a module file offset
// (code_layout.hpp), converted once while loading.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "debug/dwarf/types.hpp"

namespace tc::debug {

struct Range {
  uint64_t low = 0, high = 0;  // [low, high) file offsets
  bool contains(uint64_t off) const { return off >= low && off < high; }
};

// DW_AT_location (or DW_AT_frame_base): one expression valid everywhere, or
// a location list whose entries each cover a range of code. The bytes are
// raw DWARF expressions (location_expr.hpp evaluates them).
struct LocationDesc {
  enum class Kind : uint8_t {
    None,       // no DW_AT_location: optimized out
    Expr,       // `expr` applies at every offset
    List,       // `entries`; no entry covering the offset: optimized out
    ConstValue, // DW_AT_const_value: `expr` holds the value's bytes (LE)
  };
  struct Entry {
    Range range;
    std::vector<uint8_t> expr;
  };
  Kind kind = Kind::None;
  std::vector<uint8_t> expr;
  std::vector<Entry> entries;

  // The expression in force at `offset`, nullptr when there is none.
  const std::vector<uint8_t>* at(uint64_t offset) const;
};

struct Variable {
  std::string name;
  TypeId type = kVoid;
  LocationDesc location;
  std::string_view decl_file;  // into DebugInfo's path pool (lives as long)
  uint32_t decl_line = 0;
  bool is_param = false;
  bool external = false;  // DW_AT_external (globals)
  uint32_t cu = 0;        // index of its compile unit
};

// A function body, a lexical block or an inlined copy of a function.
struct Scope {
  enum class Kind : uint8_t { Function, Block, Inlined };
  Kind kind = Kind::Block;
  std::vector<Range> ranges;  // empty = inherits the parent's
  std::vector<Variable> vars;   // parameters first, in declaration order
  std::vector<Scope> children;
  // Inlined only: the inlined function and the call site.
  uint32_t origin = UINT32_MAX;  // index into DebugInfo::functions(), or none
  std::string name;
  std::string_view call_file;  // into DebugInfo's path pool
  uint32_t call_line = 0;
  uint32_t call_column = 0;
  uint64_t entry_pc = 0;  // DW_AT_entry_pc or the lowest range start
  uint64_t origin_die = 0;  // DIE offset of the abstract origin (loader use)

  bool contains(uint64_t off) const;
};

struct Function {
  std::string name;
  std::string linkage_name;
  std::string_view decl_file;  // into DebugInfo's path pool
  uint32_t decl_line = 0;
  uint64_t low = 0, high = 0;  // file offsets; 0/0 for abstract-only (always inlined)
  TypeId return_type = kVoid;
  std::vector<uint8_t> frame_base;  // raw expression (DW_OP_WASM_location ...)
  Scope body;                       // Kind::Function; ranges = {[low, high)}
  uint32_t cu = 0;
  bool external = false;
  bool has_code() const { return high > low; }
};

struct CompileUnit {
  std::string name;      // DW_AT_name as clang records it
  std::string comp_dir;
  std::string producer;
  uint16_t language = 0;
  std::vector<Range> ranges;
  std::vector<uint32_t> globals;  // indices into DebugInfo::globals()
};

}  // namespace tc::debug
