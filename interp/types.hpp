// WebAssembly types (spec "Types" chapter), shared by every interp/ part.
#pragma once
#include <compare>
#include <cstdint>
#include <type_traits>
#include <optional>
#include <string>
#include <vector>

namespace tc::wasm {

// A value type: a number or vector type, or a reference type (a heap type
// and whether null is a value of it). One 32-bit word, compared as one:
//   bits 0-7   code: a number/vector type's binary encoding, or a
//              reference's abstract heap type encoding (func, extern), or
//              Def (a defined type, its index in bits 9-31) or Bot
//   bit 8      nullable (references)
// 2.0 has funcref = (ref null func) and externref = (ref null extern);
// typed function references and GC (a later part) add non-nullable and
// indexed references without changing the layout. A switch on a ValType
// switches on its code (operator Code).
class ValType {
 public:
  enum class Code : uint8_t {
    Bot = 0x00,  // no type: the validator's unknown operand (polymorphic stack)
    Def = 0x01,  // a defined type, index(): typed references (not decoded yet)
    I32 = 0x7F,
    I64 = 0x7E,
    F32 = 0x7D,
    F64 = 0x7C,
    V128 = 0x7B,
    Func = 0x70,
    Extern = 0x6F,
    Exn = 0x69,  // exception references (exception handling)
  };
  static const ValType I32, I64, F32, F64, V128, FuncRef, ExternRef, ExnRef, Bot;

  // Trivial, like the byte enum it replaces: `ValType t;` is not
  // initialised (the validator's pops write theirs), `ValType{}` is Bot.
  ValType() = default;
  constexpr explicit ValType(Code c, bool nullable = false, uint32_t index = 0)
      : bits_(uint32_t(c) | uint32_t(nullable) << 8 | index << 9) {}
  constexpr Code code() const { return Code(bits_ & 0xFF); }
  constexpr operator Code() const { return code(); }
  constexpr bool nullable() const { return bits_ >> 8 & 1; }
  constexpr uint32_t index() const { return bits_ >> 9; }  // Def only
  constexpr bool is_num() const {
    return code() == Code::I32 || code() == Code::I64 || code() == Code::F32 || code() == Code::F64;
  }
  constexpr bool is_ref() const {
    return code() == Code::Func || code() == Code::Extern || code() == Code::Exn ||
           code() == Code::Def;
  }
  // The one-byte binary encoding (number, vector, funcref, externref).
  constexpr uint8_t byte() const { return uint8_t(bits_); }
  constexpr uint32_t bits() const { return bits_; }  // for hashing and ordering
  friend constexpr bool operator==(ValType, ValType) = default;
  friend constexpr auto operator<=>(ValType a, ValType b) { return a.bits_ <=> b.bits_; }

 private:
  uint32_t bits_;
};
static_assert(sizeof(ValType) == 4 && std::is_trivial_v<ValType>);
inline constexpr ValType ValType::I32{Code::I32};
inline constexpr ValType ValType::I64{Code::I64};
inline constexpr ValType ValType::F32{Code::F32};
inline constexpr ValType ValType::F64{Code::F64};
inline constexpr ValType ValType::V128{Code::V128};
inline constexpr ValType ValType::FuncRef{Code::Func, true};
inline constexpr ValType ValType::ExternRef{Code::Extern, true};
inline constexpr ValType ValType::ExnRef{Code::Exn, true};
inline constexpr ValType ValType::Bot{Code::Bot};

inline bool is_num_type(ValType t) { return t.is_num(); }
inline bool is_ref_type(ValType t) { return t.is_ref(); }
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

// The type of a memory's addresses (and offsets) or a table's indices:
// i32 in WebAssembly 2.0, i64 with memory64 / table64.
enum class AddrType : uint8_t { I32, I64 };

struct TableType {
  ValType elem = ValType::FuncRef;
  Limits limits;
  AddrType addr = AddrType::I32;
  bool operator==(const TableType&) const = default;
};

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

enum class ExternKind : uint8_t { Func = 0, Table = 1, Memory = 2, Global = 3, Tag = 4 };
const char* extern_kind_name(ExternKind k);  // "func", "table", ...

constexpr uint32_t kPageSize = 65536;
constexpr uint32_t kMaxPages = 65536;  // 4 GiB for a 32-bit memory
constexpr uint64_t kMaxPages64 = uint64_t(1) << 48;  // 2^64 bytes for a 64-bit memory

}  // namespace tc::wasm
