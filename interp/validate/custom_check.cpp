#include "interp/validate/custom_check.hpp"

#include <algorithm>
#include <vector>

#include "interp/binary/reader.hpp"
#include "interp/validate/body_reader.hpp"

namespace tc::wasm {

namespace {

Error invalid(const std::string& msg) {
  return make_error(ErrorKind::Invalid, "@metadata.code.branch_hint " + msg);
}

// Where each code-section entry starts (after its size): hint offsets
// count from there, locals included.
std::vector<uint32_t> code_entry_starts(const Module& m) {
  std::vector<uint32_t> starts;
  ByteReader r(m.bytes.data(), m.bytes.size(), 8);
  while (r.ok() && !r.eof()) {
    uint8_t id = r.u8();
    uint32_t size = r.u32();
    size_t end = r.pos() + size;
    if (id == 10) {
      uint32_t n = r.u32();
      for (uint32_t i = 0; i < n && r.ok(); ++i) {
        uint32_t len = r.u32();
        starts.push_back(uint32_t(r.pos()));
        r.skip(len);
      }
      break;
    }
    r.seek(end);
  }
  return starts;
}

Expected<void> check_branch_hints(const Module& m, const CustomSection& c) {
  ByteReader r(m.bytes.data(), c.offset + c.size, c.offset);
  auto starts = code_entry_starts(m);
  uint32_t nfuncs = r.u32();
  int64_t prev_func = -1;
  for (uint32_t i = 0; i < nfuncs && r.ok(); ++i) {
    uint32_t fidx = r.u32();
    if (r.failed()) break;
    if (fidx < m.num_imported_funcs || fidx - m.num_imported_funcs >= m.functions.size() ||
        fidx - m.num_imported_funcs >= starts.size())
      return invalid("section: invalid function index " + std::to_string(fidx));
    if (int64_t(fidx) <= prev_func) return invalid("section: invalid function order");
    prev_func = fidx;
    const Function& f = m.functions[fidx - m.num_imported_funcs];
    uint32_t base = starts[fidx - m.num_imported_funcs];
    // The function's instructions: offset -> opcode.
    std::vector<std::pair<uint32_t, Opcode>> instrs;
    BodyReader br(m, f);
    Instr in;
    while (br.next(in)) instrs.emplace_back(in.offset - base, in.op);
    uint32_t nhints = r.u32();
    int64_t prev = -1;
    for (uint32_t k = 0; k < nhints && r.ok(); ++k) {
      uint32_t off = r.u32();
      uint32_t size = r.u32();
      uint8_t value = r.u8();
      if (r.failed()) break;
      if (size != 1) return invalid("section: missing reserved byte");
      if (value > 1) return invalid("section: invalid hint value");
      auto it = std::lower_bound(instrs.begin(), instrs.end(), std::pair{off, Opcode{}},
                                 [](const auto& a, const auto& b) { return a.first < b.first; });
      if (it == instrs.end() || it->first != off) return invalid("section: invalid offset");
      if (it->second != Opcode::If && it->second != Opcode::BrIf)
        return invalid("annotation: invalid target");
      if (int64_t(off) <= prev) return invalid("annotation: invalid order");
      prev = off;
    }
  }
  if (r.failed()) return invalid("section: unexpected end");
  if (!r.eof()) return invalid("section: unexpected content after the last function");
  return {};
}

}  // namespace

Expected<void> check_custom_sections(const Module& m) {
  for (const auto& c : m.customs)
    if (c.name == "metadata.code.branch_hint") TC_TRY(check_branch_hints(m, c));
  return {};
}

}  // namespace tc::wasm
