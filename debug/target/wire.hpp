// Byte encoding of the messages between the debugger and its replaying
// processes (protocol.hpp): little-endian integers, length-prefixed bytes.
// A Reader never reads past its input; a short or malformed message makes
// ok() false and every later read return zero.
#pragma once
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace tc::debug::wire {

class Writer {
 public:
  void u8(uint8_t v) { out_.push_back(v); }
  void u32(uint32_t v) { for (int i = 0; i < 4; ++i) out_.push_back(uint8_t(v >> (8 * i))); }
  void u64(uint64_t v) { for (int i = 0; i < 8; ++i) out_.push_back(uint8_t(v >> (8 * i))); }
  void bytes(const void* p, size_t n) {
    u64(n);
    const auto* b = static_cast<const uint8_t*>(p);
    out_.insert(out_.end(), b, b + n);
  }
  void str(const std::string& s) { bytes(s.data(), s.size()); }
  void blob(const std::vector<uint8_t>& v) { bytes(v.data(), v.size()); }
  const std::vector<uint8_t>& data() const { return out_; }

 private:
  std::vector<uint8_t> out_;
};

class Reader {
 public:
  explicit Reader(const std::vector<uint8_t>& in) : in_(in) {}
  uint8_t u8() { return uint8_t(take(1)); }
  uint32_t u32() { return uint32_t(take(4)); }
  uint64_t u64() { return take(8); }
  std::vector<uint8_t> blob() {
    uint64_t n = u64();
    if (!ok_ || n > in_.size() - at_) { ok_ = false; return {}; }
    std::vector<uint8_t> v(in_.begin() + long(at_), in_.begin() + long(at_ + n));
    at_ += n;
    return v;
  }
  std::string str() {
    auto v = blob();
    return std::string(v.begin(), v.end());
  }
  bool ok() const { return ok_; }
  bool at_end() const { return at_ == in_.size(); }

 private:
  uint64_t take(size_t n) {
    if (!ok_ || n > in_.size() - at_) { ok_ = false; return 0; }
    uint64_t v = 0;
    for (size_t i = 0; i < n; ++i) v |= uint64_t(in_[at_ + i]) << (8 * i);
    at_ += n;
    return v;
  }
  const std::vector<uint8_t>& in_;
  size_t at_ = 0;
  bool ok_ = true;
};

}  // namespace tc::debug::wire
