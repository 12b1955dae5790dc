// Fuzz target: what the debugger parses. The input is a C expression as
// `print`/`watch`/`x` take it, evaluated and printed against the DWARF of
// test/debug/buggy.c (buggy-O0.wasm, found next to this program) with a
// frame whose locals, globals, operands and memory come from the input's
// bytes; and, as bytes, the messages between the debugger and its
// replaying processes (RunSpec, StopInfo), which must survive a round trip.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <unistd.h>
#include <fstream>
#include <memory>
#include <string>

#include "debug/dwarf/c_expr.hpp"
#include "debug/dwarf/debug_info.hpp"
#include "debug/dwarf/value_format.hpp"
#include "debug/target/protocol.hpp"
#include "debug/target/wire.hpp"
#include "interp/engine.hpp"

using namespace tc;
using namespace tc::debug;

namespace {

const DebugInfo* info() {
  static std::unique_ptr<DebugInfo> d = [] {
    std::string self = "/proc/self/exe";
    char buf[4096];
    ssize_t n = ::readlink(self.c_str(), buf, sizeof buf - 1);
    std::string dir = n > 0 ? std::string(buf, size_t(n)) : "";
    dir = dir.substr(0, dir.find_last_of('/'));
    std::ifstream in(dir + "/buggy-O0.wasm", std::ios::binary);
    std::vector<uint8_t> bytes{std::istreambuf_iterator<char>(in), {}};
    auto m = wasm::load_module(std::move(bytes));
    if (!m) { std::fprintf(stderr, "fuzz_debug: buggy-O0.wasm missing next to the binary\n"); std::abort(); }
    auto i = DebugInfo::load(**m);
    if (!i || !*i) { std::fprintf(stderr, "fuzz_debug: no DWARF in buggy-O0.wasm\n"); std::abort(); }
    return std::move(*i);
  }();
  return d.get();
}

// A frame made of the input: 64 KiB of memory repeating it, values from it.
class InputFrame final : public FrameAccess {
 public:
  InputFrame(const uint8_t* d, size_t n) : d_(d), n_(n) {}
  std::optional<uint64_t> local(uint32_t i) override { return word(i * 8 + 1); }
  std::optional<uint64_t> global(uint32_t i) override { return word(i * 8 + 3); }
  std::optional<uint64_t> operand(uint32_t i) override { return word(i * 8 + 5); }
  bool read_memory(uint64_t addr, void* out, size_t n) override {
    if (addr > 65536 || n > 65536 - addr) return false;
    auto* o = static_cast<uint8_t*>(out);
    for (size_t k = 0; k < n; ++k) o[k] = n_ ? d_[(addr + k) % n_] : 0;
    return true;
  }

 private:
  std::optional<uint64_t> word(size_t at) {
    if (!n_) return std::nullopt;
    uint64_t v = 0;
    for (size_t k = 0; k < 8; ++k) v |= uint64_t(d_[(at + k) % n_]) << (8 * k);
    return v;
  }
  const uint8_t* d_;
  size_t n_;
};

template <class T>
void round_trip(const uint8_t* data, size_t size) {
  std::vector<uint8_t> in(data, data + size);
  wire::Reader r(in);
  T t;
  if (!decode(r, t)) return;
  wire::Writer w;
  encode(w, t);
  wire::Reader r2(w.data());
  T u;
  if (!decode(r2, u) || !r2.at_end()) {
    std::fprintf(stderr, "a decoded message does not decode again after encoding\n");
    std::abort();
  }
  wire::Writer w2;
  encode(w2, u);
  if (w2.data() != w.data()) {
    std::fprintf(stderr, "a message changes on a second round trip\n");
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  const DebugInfo* d = info();
  InputFrame frame(data, size);
  // An offset inside a function of buggy.c, chosen by the input.
  const auto& fs = d->functions();
  uint64_t pc = 0;
  if (!fs.empty()) {
    const Function& f = fs[size % fs.size()];
    pc = f.has_code() ? f.low + (size % std::max<uint64_t>(1, f.high - f.low)) : 0;
  }
  EvalScope scope{d, pc, 0, &frame};
  if (auto v = evaluate_expression(text, scope)) {
    (void)format_value(*v, *d, &frame);
    (void)type_name(d->types(), v->type);
    (void)ptype(d->types(), v->type);
  }
  if (auto t = parse_type_name(text))
    if (auto id = resolve_type_name(*d, *t)) (void)whatis(d->types(), *id);
  round_trip<RunSpec>(data, size);
  round_trip<StopInfo>(data, size);
  return 0;
}
