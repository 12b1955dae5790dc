#include "interp/compile/fuse_pairs.hpp"

#include <cstdlib>
#include <unordered_map>

namespace tc::wasm {

namespace {

uint64_t key(uint32_t a, uint32_t b) { return (uint64_t(a) << 32) | b; }

const std::unordered_map<uint64_t, IOp>& pair_table() {
  static const std::unordered_map<uint64_t, IOp> table = [] {
    std::unordered_map<uint64_t, IOp> t;
#define PAIR(A, B) t.emplace(key(uint32_t(IOp::A), uint32_t(IOp::B)), IOp::A##_##B);
#include "interp/compile/iops_pair.def"
#undef PAIR
    return t;
  }();
  return table;
}

}  // namespace

void fuse_pairs(CompiledFunc& f) {
#ifdef TC_OPSTATS
  // Tuning builds can count the unfused instruction mix.
  if (const char* e = std::getenv("TIMECRAFT_FUSE"); e && e[0] == '0') return;
#endif
  const auto& table = pair_table();
  const std::vector<uint32_t>& starts = f.map_code;
  for (size_t i = 0; i + 1 < starts.size();) {
    auto it = table.find(key(f.code[starts[i]], f.code[starts[i + 1]]));
    if (it == table.end()) {
      ++i;
      continue;
    }
    f.code[starts[i]] = uint32_t(it->second);
    i += 2;
  }
}

}  // namespace tc::wasm
