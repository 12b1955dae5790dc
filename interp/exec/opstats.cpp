#include "interp/exec/opstats.hpp"

#include <algorithm>
#include <cstdio>
#include <unordered_map>
#include <vector>

#include "interp/code/iops.hpp"

namespace tc::wasm::opstats {

namespace {

constexpr size_t kOps = size_t(IOp::Count_);

const char* const kNames[kOps + 1] = {
#define IOP(Name) #Name,
#include "interp/code/iops.def"
#undef IOP
    "?"};

struct Stats {
  std::unordered_map<uint32_t, uint32_t> op_of;  // handler offset -> IOp
  std::vector<uint64_t> single = std::vector<uint64_t>(kOps + 1);
  std::vector<uint64_t> pairs = std::vector<uint64_t>((kOps + 1) * (kOps + 1));
  std::unordered_map<uint64_t, uint64_t> triples;
  uint32_t prev = uint32_t(kOps), prev2 = uint32_t(kOps);

  Stats() {
    const int32_t* h = handler_offsets();
    for (uint32_t i = 0; i < kOps; ++i) op_of.emplace(uint32_t(h[i]), i);
  }
  ~Stats() {
    uint64_t total = 0;
    for (auto c : single) total += c;
    if (!total) return;
    auto top = [&](const std::vector<uint64_t>& v, size_t n, auto print) {
      std::vector<size_t> idx;
      for (size_t i = 0; i < v.size(); ++i)
        if (v[i]) idx.push_back(i);
      std::sort(idx.begin(), idx.end(), [&](size_t a, size_t b) { return v[a] > v[b]; });
      for (size_t i = 0; i < std::min(n, idx.size()); ++i) print(idx[i], v[idx[i]]);
    };
    std::fprintf(stderr, "opstats: %llu instructions\n", (unsigned long long)total);
    top(single, 60, [&](size_t i, uint64_t c) {
      std::fprintf(stderr, "  %6.2f%%  %s\n", 100.0 * double(c) / double(total), kNames[i]);
    });
    std::fprintf(stderr, "opstats: pairs\n");
    top(pairs, 60, [&](size_t i, uint64_t c) {
      std::fprintf(stderr, "  %6.2f%%  %s -> %s\n", 100.0 * double(c) / double(total),
                   kNames[i / (kOps + 1)], kNames[i % (kOps + 1)]);
    });
    std::vector<std::pair<uint64_t, uint64_t>> t(triples.begin(), triples.end());
    std::sort(t.begin(), t.end(), [](auto& a, auto& b) { return a.second > b.second; });
    std::fprintf(stderr, "opstats: triples\n");
    for (size_t i = 0; i < std::min<size_t>(60, t.size()); ++i) {
      uint64_t k = t[i].first;
      std::fprintf(stderr, "  %6.2f%%  %s -> %s -> %s\n", 100.0 * double(t[i].second) / double(total),
                   kNames[k >> 40], kNames[(k >> 20) & 0xfffff], kNames[k & 0xfffff]);
    }
  }
};

Stats& stats() {
  static Stats s;
  return s;
}

}  // namespace

void record(uint32_t handler) {
  Stats& s = stats();
  auto it = s.op_of.find(handler);
  uint32_t op = it == s.op_of.end() ? uint32_t(kOps) : it->second;
  ++s.single[op];
  ++s.pairs[size_t(s.prev) * (kOps + 1) + op];
  ++s.triples[(uint64_t(s.prev2) << 40) | (uint64_t(s.prev) << 20) | op];
  s.prev2 = s.prev;
  s.prev = op;
}

}  // namespace tc::wasm::opstats
