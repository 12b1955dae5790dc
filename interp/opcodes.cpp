#include "interp/opcodes.hpp"

#include <array>
#include <string>
#include <unordered_map>

namespace tc::wasm {

namespace {
constexpr OpType V = OpType::V, X = OpType::X, I32 = OpType::I32,
                 I64 = OpType::I64, F32 = OpType::F32, F64 = OpType::F64,
                 V128 = OpType::V128;

const OpInfo kTable[] = {
#define OP(Id, Prefix, Code, Text, Imm, P1, P2, R, Align) \
  {Opcode::Id, Prefix, Code, Text, ImmKind::Imm, P1, P2, R, Align},
#include "interp/opcodes.def"
#undef OP
};
static_assert(sizeof(kTable) / sizeof(kTable[0]) == size_t(Opcode::Count_));

struct Index {
  std::array<const OpInfo*, 256> single{};
  std::array<const OpInfo*, kPrefixedCodes> fc{}, fd{};  // every 0xFC/0xFD code is below
  std::unordered_map<std::string_view, const OpInfo*> text;
  Index() {
    for (const auto& info : kTable) {
      if (info.prefix == 0) single[info.code] = &info;
      else if (info.prefix == 0xFC) fc.at(info.code) = &info;
      else if (info.prefix == 0xFD) fd.at(info.code) = &info;
      text.emplace(info.text, &info);  // first row wins ("select")
    }
  }
};
const Index& index() {
  static const Index idx;
  return idx;
}
}  // namespace

const OpInfo& op_info(Opcode op) { return kTable[size_t(op)]; }

const OpInfo* op_from_byte(uint8_t byte) { return index().single[byte]; }

const OpInfo* op_from_prefixed(uint8_t prefix, uint32_t code) {
  if (code >= kPrefixedCodes) return nullptr;
  return (prefix == 0xFC ? index().fc : index().fd)[code];
}

const OpInfo* const* op_byte_table() { return index().single.data(); }

const OpInfo* op_from_text(std::string_view text) {
  auto it = index().text.find(text);
  return it == index().text.end() ? nullptr : it->second;
}

std::optional<ValType> op_type_valtype(OpType t) {
  switch (t) {
    case OpType::I32: return ValType::I32;
    case OpType::I64: return ValType::I64;
    case OpType::F32: return ValType::F32;
    case OpType::F64: return ValType::F64;
    case OpType::V128: return ValType::V128;
    default: return std::nullopt;
  }
}

}  // namespace tc::wasm
