// UTF-8 well-formedness as the spec defines it (no overlong forms, no
// surrogates, nothing above U+10FFFF).
#pragma once
#include <cstddef>
#include <cstdint>

namespace tc::wasm {

inline bool is_valid_utf8(const uint8_t* s, size_t n) {
  size_t i = 0;
  while (i < n) {
    uint8_t b1 = s[i];
    if (b1 < 0x80) { ++i; continue; }
    size_t len;
    uint32_t cp, min;
    if (b1 < 0xC0) return false;
    if (b1 < 0xE0) { len = 2; cp = b1 & 0x1F; min = 0x80; }
    else if (b1 < 0xF0) { len = 3; cp = b1 & 0x0F; min = 0x800; }
    else if (b1 < 0xF8) { len = 4; cp = b1 & 0x07; min = 0x10000; }
    else return false;
    if (n - i < len) return false;
    for (size_t k = 1; k < len; ++k) {
      uint8_t c = s[i + k];
      if ((c & 0xC0) != 0x80) return false;
      cp = cp << 6 | (c & 0x3F);
    }
    if (cp < min || (cp >= 0xD800 && cp < 0xE000) || cp >= 0x110000) return false;
    i += len;
  }
  return true;
}

}  // namespace tc::wasm
