// Reads everything the debugger needs from libdwarf into plain structures
// (symbols.hpp, types.hpp, line_table.hpp) in one pass over the compile
// units, so that the rest of the library never calls libdwarf and the
// Dwarf_Debug is closed right after loading.
//
// libdwarf parses the DIE tree, attributes and line programs. Location
// and range lists are parsed here -- DWARF 4 .debug_loc/.debug_ranges (what
// clang 14 emits for wasm by default) and DWARF 5 .debug_loclists/
// .debug_rnglists with .debug_addr indices -- because libdwarf's
// location-list reader decodes every expression and fails the whole list
// on DW_OP_WASM_location ("DW_DLE_LOC_EXPR_BAD ... atom 0xed ... is
// unknown").
#pragma once
#include <set>
#include <string>
#include <vector>

#include "debug/dwarf/code_layout.hpp"
#include "debug/dwarf/line_table.hpp"
#include "debug/dwarf/object_access.hpp"
#include "debug/dwarf/symbols.hpp"
#include "debug/dwarf/types.hpp"

namespace tc::debug {

struct LoadedDwarf {
  // Every decl/call file path once; symbols hold string_views into it
  // (std::set nodes stay put when the set is moved).
  std::set<std::string, std::less<>> paths;
  std::vector<CompileUnit> cus;
  std::vector<Function> functions;
  std::vector<Variable> globals;
  TypeTable types;
  LineTable lines;
};

// Errors (Malformed, one line, "DWARF: ...") for DWARF libdwarf rejects or
// lists/expressions that run out of their sections.
Expected<void> load_dwarf(const DwarfObject& obj, const CodeLayout& layout, LoadedDwarf& out);

}  // namespace tc::debug
