// DWARF location expressions as clang emits them for wasm, decoded from the
// raw bytes (libdwarf's expression decoder rejects DW_OP_WASM_location:
// "DW_DLE_LOC_EXPR_BAD ... atom 0xed is unknown", so this module never asks
// it to). Supported: DW_OP_WASM_location (0xed) kinds 0 local, 1 global
// (ULEB index), 2 operand stack (ULEB depth from the top), 3 global (u32
// fixed index); DW_OP_fbreg over a frame base that is itself a wasm
// location; DW_OP_addr, DW_OP_lit*, DW_OP_const*, DW_OP_plus_uconst,
// arithmetic and stack ops, DW_OP_deref(_size), DW_OP_stack_value,
// DW_OP_implicit_value, DW_OP_piece (DWARF 5's DW_OP_addrx is rewritten to
// DW_OP_addr at load: resolve_address_indices). Anything else (DW_OP_entry_value,
// registers ...) evaluates to Unavailable with the operation's name.
#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "debug/dwarf/frame_access.hpp"
#include "interp/error.hpp"

namespace tc::debug {

struct Location {
  enum class Kind : uint8_t {
    Memory,       // `address` in linear memory (an lvalue that can be watched)
    WasmLocal,    // the variable lives in wasm local `index` (also for
                  // "DW_OP_WASM_location 0x0 N, DW_OP_stack_value")
    WasmGlobal,   // ... in wasm global `index`
    WasmOperand,  // ... on the operand stack, `index` from the top
    Value,        // no storage: `value` (DW_OP_stack_value)
    Implicit,     // no storage: `bytes` (DW_OP_implicit_value, DW_AT_const_value)
    Pieces,       // DW_OP_piece composition
    Unavailable,  // optimized out, or needs what the frame cannot give (`why`)
  };
  struct Piece;
  Kind kind = Kind::Unavailable;
  uint64_t address = 0;
  uint32_t index = 0;
  uint64_t value = 0;
  std::vector<uint8_t> bytes;
  std::vector<Piece> pieces;
  std::string why;
};
struct Location::Piece {
  uint64_t size = 0;  // bytes
  Location loc;
};

struct LocationContext {
  FrameAccess* frame = nullptr;                   // may be null (no running frame)
  const std::vector<uint8_t>* frame_base = nullptr;  // for DW_OP_fbreg
};

// Evaluates `expr`. Errors (Malformed) only for undecodable bytes; an
// operation it cannot carry out yields Kind::Unavailable.
Expected<Location> evaluate_location(const std::vector<uint8_t>& expr, const LocationContext& ctx);

// Reads `size` bytes of the object at `loc` (little-endian register and
// value contents). Error (one line) when memory or a slot cannot be read.
Expected<std::vector<uint8_t>> read_location(const Location& loc, uint64_t size, FrameAccess* frame);

// llvm-dwarfdump style: "DW_OP_WASM_location 0x0 0x4, DW_OP_stack_value".
std::string describe_expression(const std::vector<uint8_t>& expr);

// DWARF 5's DW_OP_addrx / DW_OP_constx N (indices into .debug_addr)
// rewritten to DW_OP_addr / DW_OP_const4u of the address `lookup` gives, so
// evaluation needs no section. nullopt when an index cannot be resolved or
// the bytes do not decode; the input unchanged when it has neither.
std::optional<std::vector<uint8_t>> resolve_address_indices(
    const std::vector<uint8_t>& expr, const std::function<std::optional<uint64_t>(uint64_t)>& lookup);

}  // namespace tc::debug
