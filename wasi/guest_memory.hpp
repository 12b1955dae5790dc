// A bounds-checked view of a guest's linear memory. Every guest pointer and
// length is checked here; nothing else in wasi/ dereferences guest memory.
// Out of bounds -> EFAULT, misaligned typed access -> EINVAL (as wasmtime).
#pragma once
#include <cstdint>
#include <cstring>
#include <span>
#include <string_view>

#include "wasi/types.hpp"

namespace tc::wasi {

class GuestMemory {
 public:
  GuestMemory() = default;
  GuestMemory(uint8_t* data, uint64_t size) : data_(data), size_(size) {}

  uint64_t size() const { return size_; }
  bool in_bounds(uint64_t ptr, uint64_t len) const { return ptr <= size_ && len <= size_ - ptr; }

  // Checks that [ptr, ptr+len) is inside memory and ptr is `align`-aligned.
  Errno check(uint64_t ptr, uint64_t len, uint32_t align = 1) const {
    if (!in_bounds(ptr, len)) return Errno::Fault;
    if (ptr % align) return Errno::Inval;
    return Errno::Success;
  }

  // Only after check(): raw access.
  uint8_t* at(uint64_t ptr) const { return data_ + ptr; }
  std::span<uint8_t> bytes(uint64_t ptr, uint64_t len) const { return {data_ + ptr, len}; }

  template <class T>
  T load(uint64_t ptr) const {  // little-endian host assumed (x86-64, aarch64)
    T v;
    std::memcpy(&v, data_ + ptr, sizeof v);
    return v;
  }
  template <class T>
  void store(uint64_t ptr, T v) const {
    std::memcpy(data_ + ptr, &v, sizeof v);
  }

  // Checked typed reads/writes of one value.
  template <class T>
  Errno read(uint64_t ptr, T& out) const {
    if (Errno e = check(ptr, sizeof(T), alignof(T)); e != Errno::Success) return e;
    out = load<T>(ptr);
    return Errno::Success;
  }
  template <class T>
  Errno write(uint64_t ptr, T v) const {
    if (Errno e = check(ptr, sizeof(T), alignof(T)); e != Errno::Success) return e;
    store<T>(ptr, v);
    return Errno::Success;
  }

 private:
  uint8_t* data_ = nullptr;
  uint64_t size_ = 0;
};

}  // namespace tc::wasi
