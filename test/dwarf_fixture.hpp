// Shared by the DWARF tests: test/debug/buggy.c compiled with -g at -O0 and
// -O2 (installed next to the test binaries with its source), line numbers
// found by grepping the source for "@marker" comments, and a FrameAccess
// whose linear memory is the module's data segments.
#pragma once
#include <boost/test/unit_test.hpp>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "debug/dwarf/debug_info.hpp"
#include "debug/dwarf/frame_access.hpp"
#include "interp/binary/decoder.hpp"

namespace tc::test {

namespace fs = std::filesystem;

inline fs::path programs_dir() {
  return fs::path(boost::unit_test::framework::master_test_suite().argv[0]).parent_path();
}

inline std::vector<uint8_t> read_bytes(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  BOOST_REQUIRE_MESSAGE(f, "cannot open " << p);
  return std::vector<uint8_t>((std::istreambuf_iterator<char>(f)), {});
}

inline std::shared_ptr<wasm::Module> decode(std::vector<uint8_t> bytes) {
  auto m = wasm::decode_module(std::move(bytes));
  BOOST_REQUIRE_MESSAGE(m, "decode: " << (m ? "" : m.error().to_string()));
  return *m;
}

inline std::shared_ptr<wasm::Module> module_named(const std::string& name) {
  return decode(read_bytes(programs_dir() / name));
}

// Loaded once per binary and module.
struct Program {
  std::shared_ptr<wasm::Module> module;
  std::unique_ptr<debug::DebugInfo> info;
};
inline Program& program(const std::string& name) {
  static std::map<std::string, std::unique_ptr<Program>> cache;
  auto& p = cache[name];
  if (!p) {
    p = std::make_unique<Program>();
    p->module = module_named(name);
    auto d = debug::DebugInfo::load(*p->module);
    BOOST_REQUIRE_MESSAGE(d, name << ": " << (d ? "" : d.error().to_string()));
    BOOST_REQUIRE_MESSAGE(*d, name << " has no DWARF");
    p->info = std::move(*d);
  }
  return *p;
}
inline Program& O0() { return program("buggy-O0.wasm"); }
inline Program& O2() { return program("buggy-O2.wasm"); }

// Line of the source line holding "@name" (exact marker, 1-based).
inline uint32_t marker(const std::string& name, const std::string& source = "buggy.c") {
  std::ifstream f(programs_dir() / source);
  BOOST_REQUIRE(f);
  std::string line;
  uint32_t n = 0, found = 0;
  std::string want = "@" + name;
  while (std::getline(f, line)) {
    ++n;
    auto at = line.find(want);
    if (at != std::string::npos &&
        (at + want.size() == line.size() || (!std::isalnum(uint8_t(line[at + want.size()])) &&
                                                 line[at + want.size()] != '_'))) {
      BOOST_REQUIRE_MESSAGE(!found, "marker @" << name << " twice");
      found = n;
    }
  }
  BOOST_REQUIRE_MESSAGE(found, "no marker @" << name);
  return found;
}
// Line of the first source line containing `text`.
inline uint32_t line_of(const std::string& text, const std::string& source = "buggy.c") {
  std::ifstream f(programs_dir() / source);
  std::string line;
  uint32_t n = 0;
  while (std::getline(f, line)) {
    ++n;
    if (line.find(text) != std::string::npos) return n;
  }
  BOOST_FAIL("no line containing " << text);
  return 0;
}

inline const debug::Function& function(const debug::DebugInfo& d, const std::string& name) {
  auto fs = d.functions_named(name);
  for (const auto* f : fs)
    if (f->has_code()) return *f;
  BOOST_FAIL("no function " << name << " with code");
  return *fs.front();
}

// Linear memory from the data segments; locals/globals/operands set by hand.
struct TestFrame : debug::FrameAccess {
  std::vector<uint8_t> mem;
  std::map<uint32_t, uint64_t> locals, globals;
  std::vector<uint64_t> operands;  // back() is the top
  std::optional<uint64_t> local(uint32_t i) override {
    auto it = locals.find(i);
    if (it == locals.end()) return std::nullopt;
    return it->second;
  }
  std::optional<uint64_t> global(uint32_t i) override {
    auto it = globals.find(i);
    if (it == globals.end()) return std::nullopt;
    return it->second;
  }
  std::optional<uint64_t> operand(uint32_t i) override {
    if (i >= operands.size()) return std::nullopt;
    return operands[operands.size() - 1 - i];
  }
  bool read_memory(uint64_t addr, void* out, size_t n) override {
    if (addr > mem.size() || n > mem.size() - addr) return false;
    std::memcpy(out, mem.data() + addr, n);
    return true;
  }
  void write32(uint64_t addr, uint32_t v) { std::memcpy(mem.data() + addr, &v, 4); }
  uint32_t read32(uint64_t addr) {
    uint32_t v;
    std::memcpy(&v, mem.data() + addr, 4);
    return v;
  }
};

inline TestFrame frame_for(const wasm::Module& m) {
  TestFrame f;
  uint64_t pages = m.memories.empty() ? 1 : m.memories[0].limits.min;
  f.mem.assign(size_t(pages * 65536), 0);
  for (const auto& d : m.datas) {
    if (d.mode != wasm::SegmentMode::Active) continue;
    // Offsets are `i32.const N end` in clang's output.
    const auto& c = d.offset.code;
    BOOST_REQUIRE(!c.empty() && c[0] == 0x41);
    uint64_t v = 0;
    int shift = 0;
    size_t i = 1;
    for (; i < c.size(); ++i, shift += 7) {
      v |= uint64_t(c[i] & 0x7f) << shift;
      if (!(c[i] & 0x80)) break;
    }
    if (shift + 7 < 64 && (c[i] & 0x40)) v |= ~0ull << (shift + 7);
    uint64_t at = v & 0xffffffffu;
    BOOST_REQUIRE(at + d.bytes.size() <= f.mem.size());
    std::memcpy(f.mem.data() + at, d.bytes.data(), d.bytes.size());
  }
  return f;
}

// Runs a command, returns its stdout ("" when it cannot run).
inline std::string command_output(const std::string& cmd) {
  std::string out;
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  pclose(p);
  return out;
}

// The module with custom section `name`'s contents passed through `edit`
// (section and name headers re-encoded).
template <class Edit>
std::vector<uint8_t> edit_custom(const std::vector<uint8_t>& in, const std::string& name, Edit edit) {
  auto leb = [](std::vector<uint8_t>& out, uint64_t v) {
    do {
      uint8_t b = v & 0x7f;
      v >>= 7;
      if (v) b |= 0x80;
      out.push_back(b);
    } while (v);
  };
  auto read_leb = [&](size_t& p) {
    uint64_t v = 0;
    for (int shift = 0;; shift += 7) {
      uint8_t b = in.at(p++);
      v |= uint64_t(b & 0x7f) << shift;
      if (!(b & 0x80)) return v;
    }
  };
  std::vector<uint8_t> out(in.begin(), in.begin() + 8);
  size_t p = 8;
  bool found = false;
  while (p < in.size()) {
    uint8_t id = in[p++];
    uint64_t size = read_leb(p);
    size_t end = p + size;
    if (id == 0) {
      size_t q = p;
      uint64_t n = read_leb(q);
      std::string sec(in.begin() + q, in.begin() + q + n);
      if (sec == name) {
        found = true;
        std::vector<uint8_t> data(in.begin() + q + n, in.begin() + end);
        edit(data);
        std::vector<uint8_t> payload;
        leb(payload, sec.size());
        payload.insert(payload.end(), sec.begin(), sec.end());
        payload.insert(payload.end(), data.begin(), data.end());
        out.push_back(0);
        leb(out, payload.size());
        out.insert(out.end(), payload.begin(), payload.end());
        p = end;
        continue;
      }
    }
    out.push_back(id);
    leb(out, size);
    out.insert(out.end(), in.begin() + p, in.begin() + end);
    p = end;
  }
  BOOST_REQUIRE_MESSAGE(found, "no custom section " << name);
  return out;
}

inline bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace tc::test
