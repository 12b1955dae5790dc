#include "interp/types.hpp"

namespace tc::wasm {

bool valtype_from_byte(uint8_t b, ValType& out) {
  switch (b) {
    case 0x7F: case 0x7E: case 0x7D: case 0x7C: case 0x7B:
      out = ValType(ValType::Code(b));
      return true;
    case 0x70: case 0x6F: case 0x69:  // funcref, externref, exnref
      out = ValType(ValType::Code(b), true);
      return true;
    default:
      return false;
  }
}

const char* valtype_name(ValType t) {
  switch (t) {
    case ValType::I32: return "i32";
    case ValType::I64: return "i64";
    case ValType::F32: return "f32";
    case ValType::F64: return "f64";
    case ValType::V128: return "v128";
    case ValType::FuncRef: return "funcref";
    case ValType::ExternRef: return "externref";
    case ValType::ExnRef: return "exnref";
    default: return "?";
  }
}

const char* extern_kind_name(ExternKind k) {
  switch (k) {
    case ExternKind::Func: return "func";
    case ExternKind::Table: return "table";
    case ExternKind::Memory: return "memory";
    case ExternKind::Global: return "global";
    case ExternKind::Tag: return "tag";
  }
  return "?";
}

std::string functype_to_string(const FuncType& t) {
  std::string s;
  if (!t.params.empty()) {
    s += "(param";
    for (auto p : t.params) { s += ' '; s += valtype_name(p); }
    s += ')';
  }
  if (!t.results.empty()) {
    if (!s.empty()) s += ' ';
    s += "(result";
    for (auto r : t.results) { s += ' '; s += valtype_name(r); }
    s += ')';
  }
  return s;
}

}  // namespace tc::wasm
