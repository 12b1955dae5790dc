// Byte-level reader for the binary format: LEB128 integers with the
// reference interpreter's exact edge cases, fixed-width floats, lengths.
// Header-only so both binary/ (sections) and validate/ (instruction
// streams) can use it without a library dependency.
//
// Errors are sticky: the first failure is recorded (Malformed, location
// "offset 0x.."), the position jumps to the end so every later read fails
// quietly, and callers check ok() at convenient points.
#pragma once
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>

#include "interp/error.hpp"

namespace tc::wasm {

inline std::string offset_location(size_t at) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "offset 0x%zx", at);
  return buf;
}

class ByteReader {
 public:
  ByteReader() = default;
  ByteReader(const uint8_t* data, size_t size, size_t pos = 0)
      : data_(data), size_(size), pos_(pos) {}

  const uint8_t* data() const { return data_; }
  size_t size() const { return size_; }
  size_t pos() const { return pos_; }
  void seek(size_t pos) { if (!failed_) pos_ = pos; }
  bool eof() const { return pos_ >= size_; }
  size_t remaining() const { return size_ - pos_; }
  bool ok() const { return !failed_; }
  bool failed() const { return failed_; }
  const Error& error() const { return error_; }
  Error take_error() { return std::move(error_); }

  // Records the first error only.
  void fail(size_t at, const char* msg) {
    if (failed_) return;
    failed_ = true;
    error_ = make_error(ErrorKind::Malformed, msg, offset_location(at));
    pos_ = size_;
  }
  void fail(size_t at, const std::string& msg) { fail(at, msg.c_str()); }
  void fail(Error e) {
    if (failed_) return;
    failed_ = true;
    error_ = std::move(e);
    pos_ = size_;
  }
  void fail_eof() { fail(size_, "unexpected end of section or function"); }

  // Next byte without consuming it; -1 at the end.
  int peek() const { return pos_ < size_ ? data_[pos_] : -1; }

  uint8_t u8() {
    if (pos_ >= size_) { fail_eof(); return 0; }
    return data_[pos_++];
  }

  bool skip(uint64_t n) {
    if (n > size_ - pos_) { fail_eof(); return false; }
    pos_ += size_t(n);
    return true;
  }

  // Unsigned LEB128 of at most `bits` significant bits.
  uint64_t uN(int bits) {
    uint64_t result = 0;
    int shift = 0;
    for (int n = bits;; n -= 7, shift += 7) {
      if (n <= 0) { fail(pos_, "integer representation too long"); return 0; }
      if (pos_ >= size_) { fail_eof(); return 0; }
      uint8_t b = data_[pos_++];
      if (n < 7 && (b & 0x7f) >= (1u << n)) { fail(pos_ - 1, "integer too large"); return 0; }
      result |= uint64_t(b & 0x7f) << shift;
      if (!(b & 0x80)) return result;
    }
  }

  // Signed LEB128 of at most `bits` significant bits, sign-extended.
  int64_t sN(int bits) {
    uint64_t result = 0;
    int shift = 0;
    for (int n = bits;; n -= 7) {
      if (n <= 0) { fail(pos_, "integer representation too long"); return 0; }
      if (pos_ >= size_) { fail_eof(); return 0; }
      uint8_t b = data_[pos_++];
      if (n < 7) {
        uint8_t mask = uint8_t((0xFF << (n - 1)) & 0x7f);
        if ((b & mask) != 0 && (b & mask) != mask) { fail(pos_ - 1, "integer too large"); return 0; }
      }
      result |= uint64_t(b & 0x7f) << shift;
      shift += 7;
      if (!(b & 0x80)) {
        if (shift < 64 && (b & 0x40)) result |= ~uint64_t(0) << shift;
        return int64_t(result);
      }
    }
  }

  uint32_t u32() {
    if (pos_ < size_ && data_[pos_] < 0x80) return data_[pos_++];
    return uint32_t(uN(32));
  }
  bool u1() { return uN(1) == 1; }
  int32_t s32() { return int32_t(uint32_t(uint64_t(sN(32)))); }
  int64_t s33() { return sN(33); }
  int64_t s64() { return sN(64); }

  uint32_t fixed32() {
    if (size_ - pos_ < 4) { fail_eof(); return 0; }
    uint32_t v = uint32_t(data_[pos_]) | uint32_t(data_[pos_ + 1]) << 8 |
                 uint32_t(data_[pos_ + 2]) << 16 | uint32_t(data_[pos_ + 3]) << 24;
    pos_ += 4;
    return v;
  }
  uint64_t fixed64() {
    uint64_t lo = fixed32();
    uint64_t hi = fixed32();
    return lo | hi << 32;
  }

  // A u32 length that must fit in the rest of the input ("length out of
  // bounds"), so it is safe to size allocations by it.
  uint32_t len32() {
    size_t at = pos_;
    uint32_t n = u32();
    if (failed_) return 0;
    // Like the reference interpreter, measured from before the length.
    if (n > size_ - at) { fail(at, "length out of bounds"); return 0; }
    return n;
  }

 private:
  const uint8_t* data_ = nullptr;
  size_t size_ = 0;
  size_t pos_ = 0;
  bool failed_ = false;
  Error error_;
};

// Appends the unsigned LEB128 encoding of v.
template <class Out>
inline void write_u32_leb(Out& out, uint32_t v) {
  do {
    uint8_t b = v & 0x7f;
    v >>= 7;
    if (v) b |= 0x80;
    out.push_back(b);
  } while (v);
}

}  // namespace tc::wasm
