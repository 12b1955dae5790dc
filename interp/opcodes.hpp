// Opcode enumeration and metadata generated from opcodes.def.
#pragma once
#include <cstdint>
#include <optional>
#include <string_view>

#include "interp/types.hpp"

namespace tc::wasm {

enum class Opcode : uint16_t {
#define OP(Id, Prefix, Code, Text, Imm, P1, P2, R, Align) Id,
#include "interp/opcodes.def"
#undef OP
  Count_
};

enum class ImmKind : uint8_t {
  None, BlockType, Label, BrTable, Func, CallIndirect, Local, Global, Table,
  MemArg, MemIdx, I32, I64, F32, F64, RefType, SelectT, MemoryInit, Data,
  MemoryCopy, TableInit, Elem, TableCopy,
  // SIMD: v128.const (16 bytes), a lane index byte, memarg + lane index,
  // i8x16.shuffle's 16 lane indices.
  V128Const, Lane, MemArgLane, Shuffle,
  // Exception handling: a tag index; try_table's block type and clauses.
  Tag, TryTable,
};

// Operand kind in the P1/P2/R columns.
enum class OpType : uint8_t { V, X, I32, I64, F32, F64, V128 };

struct OpInfo {
  Opcode op;
  uint8_t prefix;   // 0, 0xFC or 0xFD
  uint32_t code;    // byte or sub-opcode
  std::string_view text;
  ImmKind imm;
  OpType p1, p2, r;
  uint8_t align;    // natural alignment log2 (memory accesses)
};

const OpInfo& op_info(Opcode op);
// Decoding: nullptr when the byte (or prefix + sub-opcode) is unknown.
const OpInfo* op_from_byte(uint8_t byte);
const OpInfo* op_from_prefixed(uint8_t prefix, uint32_t code);
// op_from_byte's 256 entries, for decoders that look up every instruction.
const OpInfo* const* op_byte_table();
// Bound of the 0xFC and 0xFD sub-opcodes (the tables are flat arrays).
inline constexpr uint32_t kPrefixedCodes = 512;
// Text: all rows with that mnemonic in table order ("select" has two).
const OpInfo* op_from_text(std::string_view text);

// Converts a simple-signature OpType to a ValType (V/X have none).
std::optional<ValType> op_type_valtype(OpType t);

}  // namespace tc::wasm
