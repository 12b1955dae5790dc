#include "interp/compile/fuse_pairs.hpp"

#include <cstddef>
#include <unordered_map>


namespace tc::wasm {

namespace {

struct PairInfo {
  IOp variants[4];  // [K]: B's word K takes A's result (K = 1..3); [0] unchained
  bool a_result, b_result;
  uint32_t b_reads;
};

uint64_t key(uint32_t a, uint32_t b) { return (uint64_t(a) << 32) | b; }

const std::unordered_map<uint64_t, PairInfo>& pair_table() {
  static const std::unordered_map<uint64_t, PairInfo> table = [] {
    std::unordered_map<uint64_t, PairInfo> t;
#define PAIR(A, B)                                                                   \
  t.emplace(key(uint32_t(IOp::A), uint32_t(IOp::B)),                                 \
            PairInfo{{IOp::A##_##B, IOp::A##_##B##_c1, IOp::A##_##B##_c2, IOp::A##_##B##_c3}, \
                     op_shape(IOp::A).result, op_shape(IOp::B).result,           \
                     op_shape(IOp::B).reads});
#include "interp/code/iops_pair.def"
#undef PAIR
    return t;
  }();
  return table;
}

// The word (1..3) of the instruction at `b` that can take the result of
// the instruction at `a` in a register, or 0: `b` reads A's result slot
// exactly once, and the slot dies there (`b` overwrites it - its result is
// word 1, written after its reads - or it lies at or above the stack
// height after `b`).
int chain_word(bool a_result, bool b_result, uint32_t b_reads, const CompiledFunc& f, uint32_t a,
               uint32_t b, uint32_t b_height) {
  if (!a_result) return 0;
  const uint32_t d = f.code[a + 1];  // A's result slot
  int k = 0;
  for (int w = 1; w < 32; ++w) {
    if (!(b_reads >> w & 1) || f.code[b + uint32_t(w)] != d) continue;
    if (k) return 0;  // read twice
    k = w;
  }
  if (k == 0 || k > 3) return 0;
  if (b_result && f.code[b + 1] == d) return k;
  if (b_height != UINT32_MAX && d >= b_height) return k;
  return 0;
}

struct TripleInfo {
  IOp variants[16];  // [X * 4 + Y]
  bool a_result, b_result, c_result;
  uint32_t b_reads, c_reads;
};

uint64_t key3(uint32_t a, uint32_t b, uint32_t c) {
  return (uint64_t(a) << 42) | (uint64_t(b) << 21) | c;
}

const std::unordered_map<uint64_t, TripleInfo>& triple_table() {
  static const std::unordered_map<uint64_t, TripleInfo> table = [] {
    std::unordered_map<uint64_t, TripleInfo> t;
#define TV(A, B, C, X) \
  IOp::A##_##B##_##C##_##X##0, IOp::A##_##B##_##C##_##X##1, IOp::A##_##B##_##C##_##X##2, IOp::A##_##B##_##C##_##X##3
#define TRIPLE(A, B, C)                                                                        \
  t.emplace(key3(uint32_t(IOp::A), uint32_t(IOp::B), uint32_t(IOp::C)),                       \
            TripleInfo{{TV(A, B, C, 0), TV(A, B, C, 1), TV(A, B, C, 2), TV(A, B, C, 3)},       \
                       op_shape(IOp::A).result, op_shape(IOp::B).result,            \
                       op_shape(IOp::C).result,                                          \
                       op_shape(IOp::B).reads, op_shape(IOp::C).reads});
#include "interp/code/iops_triple.def"
#undef TRIPLE
#undef TV
    return t;
  }();
  return table;
}

struct QuadInfo {
  IOp variants[16];  // [X * 4 + Y]
  bool a_result, b_result, c_result, d_result;
  uint32_t b_reads, d_reads;
};

uint64_t key4(uint32_t a, uint32_t b, uint32_t c, uint32_t d) {
  return (uint64_t(a) << 48) | (uint64_t(b) << 32) | (uint64_t(c) << 16) | d;
}

const std::unordered_map<uint64_t, QuadInfo>& quad_table() {
  static const std::unordered_map<uint64_t, QuadInfo> table = [] {
    std::unordered_map<uint64_t, QuadInfo> t;
#define QV(A, B, C, D, X)                                                          \
  IOp::A##_##B##_##C##_##D##_##X##0, IOp::A##_##B##_##C##_##D##_##X##1,             \
      IOp::A##_##B##_##C##_##D##_##X##2, IOp::A##_##B##_##C##_##D##_##X##3
#define QUAD(A, B, C, D)                                                                     \
  t.emplace(key4(uint32_t(IOp::A), uint32_t(IOp::B), uint32_t(IOp::C), uint32_t(IOp::D)),   \
            QuadInfo{{QV(A, B, C, D, 0), QV(A, B, C, D, 1), QV(A, B, C, D, 2), QV(A, B, C, D, 3)}, \
                     op_shape(IOp::A).result, op_shape(IOp::B).result,            \
                     op_shape(IOp::C).result, op_shape(IOp::D).result,            \
                     op_shape(IOp::B).reads, op_shape(IOp::D).reads});
#include "interp/code/iops_quad.def"
#undef QUAD
#undef QV
    return t;
  }();
  return table;
}

// Per op: bit 0 if it starts a listed pair, bit 1 a triple, bit 2 a quad
// (most instructions start none, and skip the table lookups).
const std::vector<uint8_t>& leads() {
  static const std::vector<uint8_t> table = [] {
    std::vector<uint8_t> t(size_t(IOp::Count_), 0);
#define PAIR(A, B) t[size_t(IOp::A)] |= 1;
#include "interp/code/iops_pair.def"
#undef PAIR
#define TRIPLE(A, B, C) t[size_t(IOp::A)] |= 2;
#include "interp/code/iops_triple.def"
#undef TRIPLE
#define QUAD(A, B, C, D) t[size_t(IOp::A)] |= 4;
#include "interp/code/iops_quad.def"
#undef QUAD
    return t;
  }();
  return table;
}

}  // namespace

void fuse_pairs(CompiledFunc& f, const std::vector<uint32_t>& height_after) {
  const auto& pairs = pair_table();
  const auto& triples = triple_table();
  const auto& quads = quad_table();
  const auto& lead = leads();
  const std::vector<uint32_t>& starts = f.map_code;
  const size_t n = starts.size();
  auto height = [&](size_t i) { return i < height_after.size() ? height_after[i] : UINT32_MAX; };
  // The fused op a pair / triple starting at each instruction would become,
  // and what it is worth: 4 per dispatch saved, 1 per chained value.
  std::vector<IOp> as_pair(n, IOp::Count_), as_triple(n, IOp::Count_), as_quad(n, IOp::Count_);
  std::vector<int> pair_value(n, 0), triple_value(n, 0), quad_value(n, 0);
  for (size_t i = 0; i + 1 < n; ++i) {
    const uint32_t a = starts[i], b = starts[i + 1];
    const uint8_t l = lead[f.code[a]];
    if (l == 0) continue;
    if (auto it = (l & 1) ? pairs.find(key(f.code[a], f.code[b])) : pairs.end(); it != pairs.end()) {
      const PairInfo& p = it->second;
      int k = chain_word(p.a_result, p.b_result, p.b_reads, f, a, b, height(i + 1));
      as_pair[i] = p.variants[k];
      pair_value[i] = 4 + (k != 0);
    }
    if (i + 2 >= n || !(l & 6)) continue;
    const uint32_t c = starts[i + 2];
    if (auto it = (l & 2) ? triples.find(key3(f.code[a], f.code[b], f.code[c])) : triples.end();
        it != triples.end()) {
      const TripleInfo& p = it->second;
      int x = chain_word(p.a_result, p.b_result, p.b_reads, f, a, b, height(i + 1));
      int y = chain_word(p.b_result, p.c_result, p.c_reads, f, b, c, height(i + 2));
      as_triple[i] = p.variants[x * 4 + y];
      triple_value[i] = 8 + (x != 0) + (y != 0);
    }
    if (i + 3 >= n || !(l & 4)) continue;
    const uint32_t d = starts[i + 3];
    if (auto it = quads.find(key4(f.code[a], f.code[b], f.code[c], f.code[d])); it != quads.end()) {
      const QuadInfo& p = it->second;
      int x = chain_word(p.a_result, p.b_result, p.b_reads, f, a, b, height(i + 1));
      int y = chain_word(p.c_result, p.d_result, p.d_reads, f, c, d, height(i + 3));
      as_quad[i] = p.variants[x * 4 + y];
      quad_value[i] = 12 + (x != 0) + (y != 0);
    }
  }
  // Best cover of the instruction sequence by singles, pairs and triples
  // (greedy left to right can pair an op away from a better triple).
  std::vector<int> best(n + 4, 0);
  std::vector<uint8_t> take(n + 1, 1);
  for (size_t i = n; i-- > 0;) {
    best[i] = best[i + 1];
    take[i] = 1;
    if (as_pair[i] != IOp::Count_ && pair_value[i] + best[i + 2] > best[i]) {
      best[i] = pair_value[i] + best[i + 2];
      take[i] = 2;
    }
    if (as_triple[i] != IOp::Count_ && triple_value[i] + best[i + 3] > best[i]) {
      best[i] = triple_value[i] + best[i + 3];
      take[i] = 3;
    }
    if (as_quad[i] != IOp::Count_ && quad_value[i] + best[i + 4] > best[i]) {
      best[i] = quad_value[i] + best[i + 4];
      take[i] = 4;
    }
  }
  for (size_t i = 0; i < n; i += take[i]) {
    if (take[i] == 2) f.code[starts[i]] = uint32_t(as_pair[i]);
    if (take[i] == 3) f.code[starts[i]] = uint32_t(as_triple[i]);
    if (take[i] == 4) f.code[starts[i]] = uint32_t(as_quad[i]);
  }
}

}  // namespace tc::wasm
