// A growable byte buffer for the log writer's batches: unlike
// std::vector<uint8_t>, growing it does not zero the new bytes, and a
// record reserves its room with one capacity check, then writes through
// a pointer (see LogWriter::append_in_place).
#pragma once
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <new>
#include <span>
#include <utility>

namespace tc::trace {

class ByteBuf {
 public:
  ByteBuf() = default;
  ByteBuf(const ByteBuf&) = delete;
  ByteBuf& operator=(const ByteBuf&) = delete;
  ByteBuf(ByteBuf&& o) noexcept { swap(o); }
  ByteBuf& operator=(ByteBuf&& o) noexcept {
    swap(o);
    return *this;
  }
  ~ByteBuf() { std::free(data_); }

  uint8_t* data() { return data_; }
  const uint8_t* data() const { return data_; }
  size_t size() const { return size_; }
  size_t capacity() const { return cap_; }
  bool empty() const { return size_ == 0; }
  void clear() { size_ = 0; }
  operator std::span<const uint8_t>() const { return {data_, size_}; }

  void reserve(size_t cap) {
    if (cap <= cap_) return;
    void* p = std::realloc(data_, cap);
    if (!p) throw std::bad_alloc();
    data_ = static_cast<uint8_t*>(p);
    cap_ = cap;
  }
  // Room for `n` more bytes at the end, not yet counted in size(): write
  // them, then commit(end).
  uint8_t* room(size_t n) {
    if (cap_ - size_ < n) [[unlikely]]
      reserve(std::max(size_ + n, cap_ * 2));
    return data_ + size_;
  }
  void commit(const uint8_t* end) { size_ = size_t(end - data_); }
  void append(const uint8_t* p, size_t n) {
    if (!n) return;
    std::memcpy(room(n), p, n);
    size_ += n;
  }
  void swap(ByteBuf& o) noexcept {
    std::swap(data_, o.data_);
    std::swap(size_, o.size_);
    std::swap(cap_, o.cap_);
  }

 private:
  uint8_t* data_ = nullptr;
  size_t size_ = 0, cap_ = 0;
};

// A signed number as an unsigned one with small magnitudes small (the
// log's signed varints).
inline uint64_t zigzag(int64_t v) { return (uint64_t(v) << 1) ^ uint64_t(v >> 63); }

// LEB128 at `p` (room for 10 bytes); returns the end.
inline uint8_t* put_varint(uint8_t* p, uint64_t v) {
  while (v >= 0x80) {
    *p++ = uint8_t(v) | 0x80;
    v >>= 7;
  }
  *p++ = uint8_t(v);
  return p;
}
constexpr size_t kMaxVarint = 10;

}  // namespace tc::trace
