// WebAssembly types (spec "Types" chapter), shared by every interp/ part.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace tc::wasm {

// Values are the binary encodings, so a decoded byte converts directly.
enum class ValType : uint8_t {
  I32 = 0x7F,
  I64 = 0x7E,
  F32 = 0x7D,
  F64 = 0x7C,
  V128 = 0x7B,
  FuncRef = 0x70,
  ExternRef = 0x6F,
};

inline bool is_num_type(ValType t) {
  return t == ValType::I32 || t == ValType::I64 || t == ValType::F32 ||
         t == ValType::F64;
}
inline bool is_ref_type(ValType t) {
  return t == ValType::FuncRef || t == ValType::ExternRef;
}
// Returns true and sets out if b is a valid value type encoding.
bool valtype_from_byte(uint8_t b, ValType& out);
const char* valtype_name(ValType t);  // "i32", "funcref", ...

struct FuncType {
  std::vector<ValType> params;
  std::vector<ValType> results;
  bool operator==(const FuncType&) const = default;
};
std::string functype_to_string(const FuncType& t);  // "(param i32) (result i64)"

struct Limits {
  uint64_t min = 0;
  std::optional<uint64_t> max;
  bool operator==(const Limits&) const = default;
};

struct TableType {
  ValType elem = ValType::FuncRef;
  Limits limits;
  bool operator==(const TableType&) const = default;
};

// The type of a memory's addresses (and offsets): i32 in WebAssembly 2.0,
// i64 with memory64 (not decoded yet; validation rejects it).
enum class AddrType : uint8_t { I32, I64 };

struct MemoryType {
  Limits limits;  // in 64 KiB pages
  AddrType addr = AddrType::I32;
  bool operator==(const MemoryType&) const = default;
};

struct GlobalType {
  ValType type = ValType::I32;
  bool mut = false;
  bool operator==(const GlobalType&) const = default;
};

enum class ExternKind : uint8_t { Func = 0, Table = 1, Memory = 2, Global = 3 };
const char* extern_kind_name(ExternKind k);  // "func", "table", ...

constexpr uint32_t kPageSize = 65536;
constexpr uint32_t kMaxPages = 65536;  // 4 GiB for a 32-bit memory

}  // namespace tc::wasm
