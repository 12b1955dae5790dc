// Where the functions of a module are, and the one place that converts
// between DWARF addresses and module file offsets.
//
// Addresses in clang/wasm-ld DWARF (DW_AT_low_pc, line table rows, location
// and range lists) are byte offsets relative to the start of the Code
// section's payload, i.e. the byte holding the function-count LEB128 right
// after the section id and size (verified against llvm-dwarfdump: a
// function's DW_AT_low_pc is the offset of its local declarations, just
// after the body-size LEB128; DW_AT_high_pc is one past its final `end`).
// The debugger speaks module FILE offsets (the byte offset of an
// instruction in the .wasm file, as timecraft's backtraces and LLDB's wasm
// addresses do): file offset = DWARF address + code_start.
//
// wasm-ld marks the DWARF of functions it dropped with tombstone addresses
// (0xffffffff, 0xfffffffe in .debug_ranges/.debug_loc, or 0 in older
// linkers); to_file() rejects any address outside the Code payload, and
// function entries use in_function() so dead code never matches.
#pragma once
#include <cstdint>
#include <optional>
#include <vector>

#include "interp/error.hpp"
#include "interp/module.hpp"

namespace tc::debug {

struct FunctionExtent {
  uint32_t func_index = 0;   // in the module's function index space
  uint64_t entry = 0;        // file offset of the local declarations (DWARF low_pc)
  uint64_t first_instr = 0;  // file offset of the first instruction
  uint64_t end = 0;          // one past the final `end` (DWARF high_pc)
};

class CodeLayout {
 public:
  // Walks the module's section headers and Code section. A module without
  // a Code section has code_start() == 0 and no functions.
  static Expected<CodeLayout> build(const wasm::Module& m);

  uint64_t code_start() const { return code_start_; }
  uint64_t code_end() const { return code_end_; }

  // DWARF address -> file offset; nullopt for tombstones / out of range.
  // `allow_end` accepts code_end (an exclusive range end).
  std::optional<uint64_t> to_file(uint64_t dwarf_addr, bool allow_end = false) const;
  // File offset -> DWARF address (no range check).
  uint64_t to_dwarf(uint64_t file_offset) const { return file_offset - code_start_; }

  // The function whose [entry, end) holds the file offset.
  const FunctionExtent* function_at(uint64_t file_offset) const;
  const std::vector<FunctionExtent>& functions() const { return funcs_; }

 private:
  uint64_t code_start_ = 0;
  uint64_t code_end_ = 0;
  std::vector<FunctionExtent> funcs_;  // sorted by entry
};

}  // namespace tc::debug
