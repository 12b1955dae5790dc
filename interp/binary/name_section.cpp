#include "interp/binary/name_section.hpp"

#include "interp/binary/reader.hpp"
#include "interp/binary/utf8.hpp"

namespace tc::wasm {

namespace {
bool read_name(ByteReader& r, std::string& out) {
  uint32_t n = r.len32();
  size_t start = r.pos();
  if (!r.skip(n)) return false;
  if (!is_valid_utf8(r.data() + start, n)) return false;
  out.assign(reinterpret_cast<const char*>(r.data() + start), n);
  return true;
}
}  // namespace

bool parse_name_section(const uint8_t* data, size_t size, std::string& module_name,
                        std::map<uint32_t, std::string>& func_names) {
  ByteReader r(data, size);
  std::string mod;
  std::map<uint32_t, std::string> funcs;
  int last_id = -1;
  while (!r.eof()) {
    uint8_t id = r.u8();
    uint32_t len = r.len32();
    if (r.failed() || int(id) <= last_id) return false;  // order is fixed
    last_id = id;
    size_t start = r.pos();
    size_t end = start + len;
    if (id == 0) {
      if (!read_name(r, mod)) return false;
    } else if (id == 1) {
      uint32_t n = r.len32();
      int64_t prev = -1;
      for (uint32_t i = 0; i < n; ++i) {
        uint32_t idx = r.u32();
        std::string name;
        if (r.failed() || !read_name(r, name) || int64_t(idx) <= prev) return false;
        prev = idx;
        funcs.emplace(idx, std::move(name));
      }
    } else {
      if (!r.skip(len)) return false;
    }
    if (r.pos() != end) return false;
  }
  module_name = std::move(mod);
  func_names = std::move(funcs);
  return true;
}

}  // namespace tc::wasm
