// The compiled form's own functions (interp/code/iops.hpp).
#include <algorithm>

#include "interp/code/iops.hpp"

namespace tc::wasm {

uint32_t CompiledFunc::bytecode_offset(uint32_t pos) const {
  auto it = std::upper_bound(map_code.begin(), map_code.end(), pos);
  if (it == map_code.begin()) return 0;
  return map_bytecode[size_t(it - map_code.begin()) - 1];
}

const char* trap_message(TrapCode c) {
  switch (c) {
    case TrapCode::Unreachable: return "unreachable";
    case TrapCode::DivByZero: return "integer divide by zero";
    case TrapCode::IntOverflow: return "integer overflow";
    case TrapCode::InvalidConversion: return "invalid conversion to integer";
    case TrapCode::MemoryOob: return "out of bounds memory access";
    case TrapCode::TableOob: return "out of bounds table access";
    case TrapCode::UndefinedElement: return "undefined element";
    case TrapCode::UninitializedElement: return "uninitialized element";
    case TrapCode::IndirectTypeMismatch: return "indirect call type mismatch";
    case TrapCode::CallStackExhausted: return "call stack exhausted";
    case TrapCode::FuelExhausted: return "fuel exhausted";
    case TrapCode::Interrupted: return "interrupted";
    case TrapCode::NullExnRef: return "null exception reference";
  }
  return "trap";
}

}  // namespace tc::wasm
