// A typed value as the evaluator and the formatter see it: an object in
// linear memory (an lvalue: `address`, what `watch` watches) and/or its
// bytes, or a value held in a wasm local/global/operand (`storage`), or
// <optimized out>.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "debug/dwarf/frame_access.hpp"
#include "debug/dwarf/location_expr.hpp"
#include "debug/dwarf/types.hpp"
#include "interp/error.hpp"

namespace tc::debug {

class DebugInfo;
struct Function;
struct Variable;

// Objects larger than this are not read eagerly (gdb's max-value-size is
// 64 KiB); the formatter reads what it prints.
constexpr uint64_t kMaxValueBytes = 1 << 20;

struct Value {
  TypeId type = kVoid;
  std::optional<uint64_t> address;  // in linear memory: an lvalue
  std::vector<uint8_t> bytes;       // contents, little-endian (empty if not read)
  bool fetched = false;             // `bytes` holds the whole object
  // Where a non-memory variable lives (WasmLocal/WasmGlobal/WasmOperand).
  std::optional<Location> storage;
  bool optimized_out = false;
  uint32_t bit_size = 0, bit_offset = 0;  // bit-field member: bits of `bytes`

  bool is_lvalue() const { return address.has_value(); }
};

// What `watch EXPR` needs: a byte range of linear memory.
struct WatchRange {
  uint64_t address = 0;
  uint64_t size = 0;
};
std::optional<WatchRange> watch_range(const Value& v, const TypeTable& types);

// Reads a variable at `pc` (a file offset) in `fn`'s frame (whose frame
// base DW_OP_fbreg uses; null for globals).
Expected<Value> read_variable(const DebugInfo& info, const Variable& var, const Function* fn,
                              uint64_t pc, FrameAccess* frame);

// Fills `bytes` of a memory value if not yet read (error: "Cannot access
// memory at address 0x..").
Expected<void> fetch(Value& v, const TypeTable& types, FrameAccess* frame);

// Scalar contents (integers sign/zero-extended by the type, bools, enums,
// pointers; floats converted). Error for aggregates / optimized out.
Expected<int64_t> as_int(const Value& v, const TypeTable& types);
Expected<double> as_double(const Value& v, const TypeTable& types);

// An rvalue of `type` holding `bits` (truncated to the type's size) or a
// double (for float types).
Value make_scalar(const TypeTable& types, TypeId type, uint64_t bits);
Value make_float(const TypeTable& types, TypeId type, double d);

}  // namespace tc::debug
