#include "interp/compile/fuse_pairs.hpp"

#include <cstdlib>
#include <unordered_map>

#include "interp/exec/op_bodies.hpp"

namespace tc::wasm {

namespace {

struct PairInfo {
  IOp fused;
  IOp chained[4];  // [K]: B's word K takes A's result (K = 1..3)
  bool a_result, b_result;
  uint32_t b_reads;
};

uint64_t key(uint32_t a, uint32_t b) { return (uint64_t(a) << 32) | b; }

const std::unordered_map<uint64_t, PairInfo>& pair_table() {
  static const std::unordered_map<uint64_t, PairInfo> table = [] {
    std::unordered_map<uint64_t, PairInfo> t;
#define PAIR(A, B)                                                                   \
  t.emplace(key(uint32_t(IOp::A), uint32_t(IOp::B)),                                 \
            PairInfo{IOp::A##_##B,                                                   \
                     {IOp::A##_##B, IOp::A##_##B##_c1, IOp::A##_##B##_c2, IOp::A##_##B##_c3}, \
                     bodies::Body<IOp::A>::result, bodies::Body<IOp::B>::result,           \
                     bodies::Body<IOp::B>::reads});
#include "interp/compile/iops_pair.def"
#undef PAIR
    return t;
  }();
  return table;
}

// The chained variant of pair (A at `a`, B at `b`), or the plain one.
IOp choose(const PairInfo& p, const CompiledFunc& f, uint32_t a, uint32_t b, uint32_t b_height) {
  if (!p.a_result) return p.fused;
  const uint32_t d = f.code[a + 1];  // A's result slot
  int k = 0;
  for (int w = 1; w < 32; ++w) {
    if (!(p.b_reads >> w & 1) || f.code[b + uint32_t(w)] != d) continue;
    if (k) return p.fused;  // read twice
    k = w;
  }
  if (k == 0 || k > 3) return p.fused;
  // Dead after B: overwritten by B (whose result is word 1, written after
  // its reads), or a stack slot at or above the height after B.
  if (p.b_result && f.code[b + 1] == d) return p.chained[k];
  if (b_height != UINT32_MAX && d >= b_height) return p.chained[k];
  return p.fused;
}

}  // namespace

void fuse_pairs(CompiledFunc& f, const std::vector<uint32_t>& height_after) {
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
    uint32_t h = i + 1 < height_after.size() ? height_after[i + 1] : UINT32_MAX;
    f.code[starts[i]] = uint32_t(choose(it->second, f, starts[i], starts[i + 1], h));
    i += 2;
  }
}

}  // namespace tc::wasm
