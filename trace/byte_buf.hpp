// A growable byte buffer for the log writer's batches: unlike
// std::vector<uint8_t>, growing it does not zero the new bytes, and a
// record reserves its room with one capacity check, then writes through
// a pointer (see LogWriter::append_in_place). Its bytes start `front()`
// bytes into a 4 KiB-aligned allocation, with up to kFrontMax bytes of
// room before them and kBackRoom after the capacity: the room a sink
// needs to write a batch to disk where it lies (LogWriter::place_batch,
// SegmentSink::append_in_buffer).
#pragma once
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <new>
#include <span>
#include <utility>

#include <sys/mman.h>

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
  ~ByteBuf() { std::free(base_); }

  static constexpr size_t kAlign = 4096, kFrontMax = 2 * kAlign, kBackRoom = kAlign;
  static constexpr size_t kPopulateMin = 1 << 20;

  uint8_t* data() { return data_; }
  const uint8_t* data() const { return data_; }
  size_t size() const { return size_; }
  size_t capacity() const { return cap_; }
  bool empty() const { return size_ == 0; }
  void clear() { size_ = 0; }
  operator std::span<const uint8_t>() const { return {data_, size_}; }

  // Bytes of the allocation before data() and after its last byte, which
  // the owner may write (nothing before an allocation exists).
  size_t front_room() const { return base_ ? front_ : 0; }
  size_t back_room() const { return base_ ? cap_ - size_ + kBackRoom : 0; }
  // Where an empty buffer's bytes start: `front` (< kFrontMax) bytes into
  // the allocation.
  void set_front(size_t front) {
    front_ = std::min(front, kFrontMax - 1);
    if (base_) data_ = base_ + front_;
  }

  void reserve(size_t cap) {
    if (cap <= cap_) return;
    size_t total = (kFrontMax + cap + kBackRoom + kAlign - 1) / kAlign * kAlign;
    auto* p = static_cast<uint8_t*>(std::aligned_alloc(kAlign, total));
    if (!p) throw std::bad_alloc();
    // A large buffer (a bulk batch: 4 MiB) gets its pages in one call
    // rather than one fault per 4 KiB page on first write: on a
    // paravirtualised VM a fault costs microseconds (bench/README.md,
    // recording cost). Best effort: an older kernel says EINVAL.
    if (total >= kPopulateMin) (void)::madvise(p, total, MADV_POPULATE_WRITE);
    if (size_) std::memcpy(p + front_, data_, size_);
    std::free(base_);
    base_ = p;
    data_ = p + front_;
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
    std::swap(base_, o.base_);
    std::swap(data_, o.data_);
    std::swap(size_, o.size_);
    std::swap(cap_, o.cap_);
    std::swap(front_, o.front_);
  }

 private:
  uint8_t* base_ = nullptr;  // the allocation
  uint8_t* data_ = nullptr;  // base_ + front_
  size_t size_ = 0, cap_ = 0, front_ = 0;
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
