// Source-level view of a module: DWARF from its ".debug_*" custom sections,
// read once by DebugInfo::load() into plain tables (libdwarf is closed
// before load returns). Every offset in and out of this API is a module
// FILE offset (see code_layout.hpp for the conversion from DWARF
// addresses). Queries are const and cheap; not thread-safe (the type table
// grows when the evaluator needs a derived type).
//
// Cost (release build, CPU time of load(), heap it keeps; the machine was
// shared): test/debug/buggy.c (73 KB of DWARF, mostly wasi-libc's) 4 ms,
// 0.5 MB; a libc++ program (iostream, map, regex...; 1.95 MB of DWARF,
// 199 units, 4008 functions) 100-110 ms, 8.9 MB; a generated C file with
// 4000 functions (1.56 MB, 183k line rows) 120-170 ms at -O0, 165-190 ms at
// -O2, 15 MB. Most of it is libdwarf walking DIEs (clang emits no
// DW_AT_sibling, so every sibling step re-reads the subtree); libdwarf's
// allocation tracking is turned off (it was 60% of the time).
//
// Headers: code_layout.hpp (address conversion), line_table.hpp,
// symbols.hpp (Function/Scope/Variable), types.hpp, location_expr.hpp
// (wasm DWARF expressions), frame_access.hpp, value.hpp, c_expr.hpp
// (print/watch expressions), value_format.hpp (gdb-style output).
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "debug/dwarf/code_layout.hpp"
#include "debug/dwarf/line_table.hpp"
#include "debug/dwarf/symbols.hpp"
#include "debug/dwarf/types.hpp"
#include "interp/error.hpp"
#include "interp/module.hpp"

namespace tc::debug {

// `break FILE:LINE` resolved.
struct LineMatch {
  uint32_t requested_line = 0;
  uint32_t line = 0;  // == requested, or the next line with code (as gdb does); 0: none
  struct Location {
    uint64_t offset = 0;               // where to stop (an instruction)
    std::string file;                  // the file as recorded
    const Function* function = nullptr;
    const Scope* inlined = nullptr;    // the inlined copy holding it, if any
  };
  std::vector<Location> locations;  // one per function / inlined copy, ascending
  std::vector<std::string> files;   // every recorded file the name matched
};

// One source-level frame at an offset: the innermost is the function or
// inlined copy executing the code; outer ones are the inlined call sites,
// ending with the real (out-of-line) function.
struct SourceFrame {
  std::string function;  // name ("func[N]"-less; "" if unknown)
  std::optional<SourceLoc> loc;
  const Function* concrete = nullptr;  // the out-of-line function (frame base)
  const Scope* scope = nullptr;        // the inlined scope, or the function's body
};

// A variable visible at an offset, innermost scope first.
struct VisibleVariable {
  const Variable* var = nullptr;
  const Function* function = nullptr;  // whose frame base DW_OP_fbreg uses
  unsigned depth = 0;                  // 0 = innermost scope
};

struct DebugStats {
  size_t compile_units = 0, functions = 0, globals = 0, types = 0, line_rows = 0, files = 0;
  size_t debug_bytes = 0;  // total size of the .debug_* sections
};

// A function entry for `break NAME`: where gdb would stop.
struct FunctionBreak {
  const Function* function = nullptr;
  const Scope* inlined = nullptr;  // an inlined copy (stop at its entry)
  uint64_t offset = 0;
};

class DebugInfo {
 public:
  // nullptr when the module has no DWARF (.debug_info absent); an error
  // (Malformed, one line starting "DWARF: ") when libdwarf rejects it or a
  // list runs out of its section.
  // The module is not referenced after load returns. Not to be called from
  // two threads at once (libdwarf keeps global settings).
  static Expected<std::unique_ptr<DebugInfo>> load(const wasm::Module& m);
  // Symbols point into the tables (string_views, Function pointers): no copies.
  DebugInfo(const DebugInfo&) = delete;
  DebugInfo& operator=(const DebugInfo&) = delete;

  const CodeLayout& layout() const { return layout_; }
  DebugStats stats() const;

  // ---- line table ----
  std::optional<SourceLoc> location(uint64_t file_offset) const;
  LineMatch addresses_for_line(const std::string& file, uint32_t line) const;
  std::vector<std::string> source_files() const;  // sorted, unique
  // The run of code of the line statement holding `offset` (step/next run
  // until the offset leaves it); nullopt where there is no line info.
  struct StepRange {
    uint64_t low = 0, high = 0;
    SourceLoc loc;
  };
  std::optional<StepRange> line_range(uint64_t file_offset) const;
  // True when a statement row starts exactly at `offset`: where a step may
  // stop.
  bool is_statement_start(uint64_t file_offset) const;
  const LineTable& lines() const { return lines_; }

  // ---- functions ----
  const Function* function_at(uint64_t file_offset) const;  // out-of-line function
  // Inlined copies holding the offset, innermost first.
  std::vector<const Scope*> inlined_at(uint64_t file_offset) const;
  // Innermost first, for `bt` (file:line per inlined level).
  std::vector<SourceFrame> frames_at(uint64_t file_offset) const;
  // Functions whose name or linkage name is `name` (with code or inlined).
  std::vector<const Function*> functions_named(const std::string& name) const;
  // Where `break NAME` stops: after the prologue of each out-of-line copy
  // (the first line-table row marked prologue_end, else the second line),
  // and at the entry of each inlined copy. Ascending offsets.
  std::vector<FunctionBreak> function_breakpoints(const std::string& name) const;
  uint64_t breakpoint_offset(const Function& f) const;
  std::vector<std::string> function_names() const;  // sorted, unique (completion)
  const std::vector<Function>& functions() const { return functions_; }
  const std::vector<CompileUnit>& compile_units() const { return cus_; }

  // ---- variables ----
  // Parameters and locals of the frame `frame` (0 = innermost, counting
  // inlined levels as frames_at does) whose scopes contain the offset,
  // innermost scope first; each scope's variables in declaration order.
  std::vector<VisibleVariable> variables_at(uint64_t file_offset, size_t frame = 0) const;
  const std::vector<Variable>& globals() const { return globals_; }
  // A global by name, preferring one in compile unit `cu` (static globals
  // of other units are found too, as gdb does).
  const Variable* find_global(const std::string& name, std::optional<uint32_t> cu = {}) const;
  // The global whose static storage (DW_OP_addr) holds `addr`, and the
  // offset into it; for pointer symbolisation "<g_header+4>".
  const Variable* global_at_address(uint64_t addr, uint64_t* offset_in) const;
  // Static address of a global (its location is exactly DW_OP_addr A).
  std::optional<uint64_t> static_address(const Variable& v) const;
  // An enumerator by name across all enum types: its type and value.
  std::optional<std::pair<TypeId, int64_t>> find_enumerator(const std::string& name) const;

  TypeTable& types() const { return types_; }

 private:
  DebugInfo() = default;
  void build_indexes();

  CodeLayout layout_;
  std::set<std::string, std::less<>> paths_;  // decl/call files (symbols view them)
  std::vector<CompileUnit> cus_;
  std::vector<Function> functions_;
  std::vector<Variable> globals_;
  mutable TypeTable types_;
  LineTable lines_;
  size_t debug_bytes_ = 0;
  // Indexes.
  std::vector<uint32_t> by_low_;  // functions with code, by low offset
  std::multimap<std::string, uint32_t> by_name_;
  struct StaticGlobal {
    uint64_t addr = 0, size = 0;
    uint32_t index = 0;
  };
  std::vector<StaticGlobal> by_addr_;
};

}  // namespace tc::debug
