// C types as DWARF describes them, flattened into a table indexed by
// TypeId (DIE references become indices, so recursive types need no
// pointers). The evaluator adds types DWARF lacks (a pointer to `int` for
// `&x`, `(long long)x`) through pointer_to() and base_named(), which extend
// the table; the table is not thread-safe.
#pragma once
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace tc::debug {

using TypeId = uint32_t;
constexpr TypeId kVoid = 0;  // entry 0 is always `void`

enum class TypeKind : uint8_t {
  Void,
  Base,       // int, char, float, _Bool ... (encoding says which)
  Pointer,    // target = pointee
  Typedef,    // target = aliased type, name = typedef name
  Const,      // target = qualified type
  Volatile,
  Restrict,
  Struct,     // members; name = tag ("" when anonymous)
  Union,
  Class,
  Array,      // target = element type; dims outermost first
  Enum,       // enumerators; target = underlying type when given
  Function,   // subroutine type: target = return type, params
  Unknown,    // a DWARF type this reader does not model (DW_TAG_... kept in name)
};

enum class Encoding : uint8_t { None, Signed, Unsigned, SignedChar, UnsignedChar, Bool, Float };

struct Member {
  std::string name;
  TypeId type = kVoid;
  uint64_t offset = 0;      // bytes from the start of the aggregate
  uint32_t bit_size = 0;    // bit-fields only
  uint32_t bit_offset = 0;  // from the start of `offset`'s byte, LSB first
};

struct Enumerator {
  std::string name;
  int64_t value = 0;
};

struct Type {
  TypeKind kind = TypeKind::Void;
  std::string name;
  uint64_t size = 0;         // DW_AT_byte_size (0 when absent)
  bool declaration = false;  // incomplete (`struct foo;`)
  Encoding encoding = Encoding::None;
  TypeId target = kVoid;
  std::vector<Member> members;
  std::vector<uint64_t> dims;  // Array: element counts; 0 = unknown ([])
  std::vector<Enumerator> enumerators;
  std::vector<TypeId> params;  // Function
  bool variadic = false;       // Function
};

class TypeTable {
 public:
  TypeTable();

  const Type& operator[](TypeId id) const { return types_[id < types_.size() ? id : 0]; }
  Type& at(TypeId id) { return types_[id]; }
  TypeId add(Type t);
  size_t count() const { return types_.size(); }

  // Typedefs and cv-qualifiers removed.
  TypeId strip(TypeId id) const;
  // Typedefs removed, cv kept.
  TypeId strip_typedefs(TypeId id) const;
  const Type& resolved(TypeId id) const { return (*this)[strip(id)]; }
  // Size in bytes (arrays: element size * counts; pointers 4 on wasm32).
  uint64_t size_of(TypeId id) const;

  bool is_integer(TypeId id) const;  // base non-float, enum, bool, char
  bool is_float(TypeId id) const;
  bool is_pointer(TypeId id) const;
  bool is_array(TypeId id) const;
  bool is_aggregate(TypeId id) const;  // struct/union/class
  bool is_scalar(TypeId id) const { return is_integer(id) || is_float(id) || is_pointer(id); }
  bool is_signed(TypeId id) const;
  bool is_char(TypeId id) const;  // char / signed char / unsigned char
  // Pointer or array element type (kVoid if neither).
  TypeId pointee(TypeId id) const;
  // The array with its first dimension removed (int[2][3] -> int[3]).
  TypeId element_of(TypeId id);

  // Derived types, created on demand and cached.
  TypeId pointer_to(TypeId id);
  TypeId array_of(TypeId element, std::vector<uint64_t> dims);

  // Named types for casts: "int", "unsigned long", "u32" (typedef),
  // "struct packet", "union word", "enum color". Standard C base types
  // missing from the DWARF are synthesised (wasm32 sizes). nullopt: unknown.
  std::optional<TypeId> find(const std::string& spelled);
  // Registers a named DWARF type for find() (first definition wins; a
  // complete struct replaces a declaration).
  void index_name(TypeId id);
  // All struct/union/enum/typedef/base names (for completion).
  std::vector<std::string> names() const;

 private:
  std::optional<TypeId> synth_base(const std::string& canonical);
  std::deque<Type> types_;
  std::map<std::string, TypeId> by_name_;  // "int", "u32", "struct packet"
  std::map<TypeId, TypeId> pointer_cache_;
};

// "unsigned   int" -> "unsigned int", "long unsigned int" -> "unsigned long".
std::string canonical_base_name(const std::string& spelled);

}  // namespace tc::debug
