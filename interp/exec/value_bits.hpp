// Slot <-> C++ value conversions used by the handlers. Floats are moved as
// raw bits so NaN payloads survive.
#pragma once
#include <bit>
#include <cstdint>
#include <type_traits>

#include "interp/exec/runtime.hpp"

namespace tc::wasm {

template <class T>
inline T rd(Slot s) {
  if constexpr (std::is_same_v<T, uint32_t>) return uint32_t(s);
  else if constexpr (std::is_same_v<T, int32_t>) return int32_t(uint32_t(s));
  else if constexpr (std::is_same_v<T, uint64_t>) return s;
  else if constexpr (std::is_same_v<T, int64_t>) return int64_t(s);
  else if constexpr (std::is_same_v<T, float>) return std::bit_cast<float>(uint32_t(s));
  else if constexpr (std::is_same_v<T, double>) return std::bit_cast<double>(s);
  else static_assert(sizeof(T) == 0, "slot type");
}

inline Slot to_slot(uint32_t v) { return v; }
inline Slot to_slot(int32_t v) { return uint32_t(v); }
inline Slot to_slot(uint64_t v) { return v; }
inline Slot to_slot(int64_t v) { return uint64_t(v); }
inline Slot to_slot(float v) { return std::bit_cast<uint32_t>(v); }
inline Slot to_slot(double v) { return std::bit_cast<uint64_t>(v); }
inline Slot to_slot(bool v) { return v ? 1 : 0; }

template <class T>
inline T* ptr_at(const uint32_t* p) {
  return reinterpret_cast<T*>(uintptr_t(uint64_t(p[0]) | (uint64_t(p[1]) << 32)));
}

}  // namespace tc::wasm
