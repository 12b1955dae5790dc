// Appends binary-format encodings (LEB128, names, vectors) to a byte buffer.
#pragma once
#include <cstdint>
#include <string_view>
#include <vector>

namespace tc::wat {

struct ByteWriter {
  std::vector<uint8_t> bytes;

  void u8(uint8_t b) { bytes.push_back(b); }
  void u32(uint64_t v) {  // unsigned LEB128 (also used for u64)
    do {
      uint8_t b = v & 0x7F;
      v >>= 7;
      bytes.push_back(v ? (b | 0x80) : b);
    } while (v);
  }
  void s64(int64_t v) {  // signed LEB128 (s32 and s33 too)
    while (true) {
      uint8_t b = v & 0x7F;
      v >>= 7;  // arithmetic shift
      bool done = (v == 0 && !(b & 0x40)) || (v == -1 && (b & 0x40));
      bytes.push_back(done ? b : (b | 0x80));
      if (done) return;
    }
  }
  void fixed(uint64_t bits, unsigned n) {  // little-endian raw bytes
    for (unsigned k = 0; k < n; ++k) bytes.push_back(uint8_t(bits >> (8 * k)));
  }
  void raw(const std::vector<uint8_t>& b) { bytes.insert(bytes.end(), b.begin(), b.end()); }
  void raw(std::string_view s) { bytes.insert(bytes.end(), s.begin(), s.end()); }
  void name(std::string_view s) {
    u32(s.size());
    raw(s);
  }
  // A section: id, byte size, then the count-prefixed contents.
  void section(uint8_t id, uint32_t count, const ByteWriter& body) {
    ByteWriter tmp;
    tmp.u32(count);
    u8(id);
    u32(tmp.bytes.size() + body.bytes.size());
    raw(tmp.bytes);
    raw(body.bytes);
  }
  size_t size() const { return bytes.size(); }
};

}  // namespace tc::wat
