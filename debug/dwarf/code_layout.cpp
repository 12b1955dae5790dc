#include "debug/dwarf/code_layout.hpp"

#include <algorithm>

#include "interp/binary/reader.hpp"

namespace tc::debug {

Expected<CodeLayout> CodeLayout::build(const wasm::Module& m) {
  CodeLayout out;
  wasm::ByteReader r(m.bytes.data(), m.bytes.size(), 8);
  while (!r.eof() && r.ok()) {
    uint8_t id = r.u8();
    uint32_t size = r.len32();
    if (r.failed()) break;
    size_t start = r.pos();
    if (id == 10) {  // Code
      out.code_start_ = start;
      out.code_end_ = start + size;
      wasm::ByteReader c(m.bytes.data(), start + size, start);
      uint32_t n = c.len32();
      for (uint32_t i = 0; i < n && c.ok(); ++i) {
        uint32_t body = c.len32();
        FunctionExtent f;
        f.func_index = m.num_imported_funcs + i;
        f.entry = c.pos();
        f.end = f.entry + body;
        if (i < m.functions.size()) f.first_instr = m.functions[i].body_offset;
        if (f.first_instr < f.entry || f.first_instr >= f.end) f.first_instr = f.entry;
        c.skip(body);
        if (c.ok()) out.funcs_.push_back(f);
      }
      if (c.failed())
        return make_error(ErrorKind::Malformed, "code section: " + c.error().message,
                          c.error().location);
      break;
    }
    r.skip(size);
  }
  if (r.failed()) return r.take_error();
  return out;
}

std::optional<uint64_t> CodeLayout::to_file(uint64_t dwarf_addr, bool allow_end) const {
  if (code_end_ == 0) return std::nullopt;
  uint64_t size = code_end_ - code_start_;
  // 0 is the function-count byte: no function starts there (tombstone).
  if (dwarf_addr == 0 || dwarf_addr > size || (dwarf_addr == size && !allow_end))
    return std::nullopt;
  return code_start_ + dwarf_addr;
}

const FunctionExtent* CodeLayout::function_at(uint64_t off) const {
  auto it = std::upper_bound(funcs_.begin(), funcs_.end(), off,
                             [](uint64_t o, const FunctionExtent& f) { return o < f.entry; });
  if (it == funcs_.begin()) return nullptr;
  --it;
  return off < it->end ? &*it : nullptr;
}

}  // namespace tc::debug
