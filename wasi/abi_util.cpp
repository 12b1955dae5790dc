#include "wasi/abi_calls.hpp"

namespace tc::wasi::abi {

namespace {
bool valid_utf8(const uint8_t* s, size_t n) {
  size_t i = 0;
  while (i < n) {
    uint8_t c = s[i];
    if (c < 0x80) { ++i; continue; }
    size_t len;
    uint32_t cp;
    if ((c & 0xE0) == 0xC0) { len = 2; cp = c & 0x1F; }
    else if ((c & 0xF0) == 0xE0) { len = 3; cp = c & 0x0F; }
    else if ((c & 0xF8) == 0xF0) { len = 4; cp = c & 0x07; }
    else return false;
    if (n - i < len) return false;
    for (size_t k = 1; k < len; ++k) {
      if ((s[i + k] & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (s[i + k] & 0x3F);
    }
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
        cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
      return false;
    i += len;
  }
  return true;
}
}  // namespace

Errno read_path(const GuestMemory& mem, uint64_t ptr, uint64_t len, std::string_view& out) {
  TC_WASI_CHECK(mem.check(ptr, len));
  if (!valid_utf8(mem.at(ptr), len)) return Errno::IlSeq;
  out = std::string_view(reinterpret_cast<const char*>(mem.at(ptr)), len);
  return Errno::Success;
}

template <class Span, class Vec>
static Errno read_vecs(const GuestMemory& mem, uint64_t ptr, uint64_t count, Vec& out) {
  // The array itself must fit (so count is bounded by memory size / 8).
  if (count > mem.size() / 8) return Errno::Fault;
  TC_WASI_CHECK(mem.check(ptr, count * 8, 4));
  out.clear();
  out.reserve(count);
  for (uint64_t i = 0; i < count; ++i) {
    uint32_t buf = mem.load<uint32_t>(ptr + i * 8);
    uint32_t len = mem.load<uint32_t>(ptr + i * 8 + 4);
    TC_WASI_CHECK(mem.check(buf, len));
    out.push_back(Span(mem.at(buf), len));
  }
  return Errno::Success;
}

Errno read_iovecs(const GuestMemory& mem, uint64_t ptr, uint64_t count, IovecsOut& out) {
  return read_vecs<std::span<uint8_t>>(mem, ptr, count, out);
}
Errno read_ciovecs(const GuestMemory& mem, uint64_t ptr, uint64_t count, IovecsIn& out) {
  return read_vecs<std::span<const uint8_t>>(mem, ptr, count, out);
}

Errno write_filestat(const GuestMemory& mem, uint64_t ptr, const Filestat& st) {
  TC_WASI_CHECK(mem.check(ptr, 64, 8));
  std::memset(mem.at(ptr), 0, 64);
  mem.store<uint64_t>(ptr + 0, st.dev);
  mem.store<uint64_t>(ptr + 8, st.ino);
  mem.store<uint8_t>(ptr + 16, static_cast<uint8_t>(st.filetype));
  mem.store<uint64_t>(ptr + 24, st.nlink);
  mem.store<uint64_t>(ptr + 32, st.size);
  mem.store<uint64_t>(ptr + 40, st.atim);
  mem.store<uint64_t>(ptr + 48, st.mtim);
  mem.store<uint64_t>(ptr + 56, st.ctim);
  return Errno::Success;
}

}  // namespace tc::wasi::abi
