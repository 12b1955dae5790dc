// Differential test of the fast code's superinstructions: every fused
// pair, triple and quad of interp/code/iops_{pair,triple,quad}.def, in
// each of its chain variants, and every specialised single op (immediate,
// compare-and-branch, guarded and folded-address memory forms, Copy2) runs
// on random operands with edge values, NaNs, traps and both branch
// outcomes, against the plain sequence it stands for. Everything comes
// from the tables, so new rows are covered with no edit here.
//
// Each case is threaded code written here: the group's instructions with
// chosen slots, then labels (one per branch target) that store a marker
// and return every slot. The plain code is the instructions as they are;
// the fused code is what fuse_pairs makes of them, checked to be exactly
// the intended variant. Input: slots [0, kLive) live after the group,
// [kLive, kSlots) temporaries whose values die where they are chained (the
// compiler's height-after contract, fuse_pairs.hpp), slot kSlots the marker.
#define BOOST_TEST_MODULE fusion_tests
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cstring>
#include <functional>
#include <random>
#include <sstream>

#include "interp/compile/fuse_pairs.hpp"
#include "interp/engine.hpp"
#include "interp/exec/op_bodies.hpp"
#include "interp/exec/runtime.hpp"
#include "interp/text/wat.hpp"

using namespace tc;
using namespace tc::wasm;

namespace {

constexpr uint32_t kSlots = 8, kLive = 5, kMarker = kSlots;
constexpr uint32_t kLabels = 9;  // 0 fall-through, 1 + j member j's branch, 5 + e br_table entry e

// An op with a body, as the tables see it.
struct Op {
  IOp id;
  const char* name;
  uint32_t len, off, reads;
  bool result, branch, tail;
};
#define TC_OP(X)                                                                       \
  Op{IOp::X, #X, bodies::Body<IOp::X>::len, bodies::Body<IOp::X>::off,                 \
     bodies::Body<IOp::X>::reads, bodies::Body<IOp::X>::result, bodies::Body<IOp::X>::branch, \
     bodies::Body<IOp::X>::tail}

// A fused group: its members and its variants, indexed as in fuse_pairs
// (pair: K; triple and quad: X * 4 + Y). links[v]: the member pair (p, p + 1)
// that chain index v of the variant joins.
struct Group {
  std::string name;
  std::vector<Op> ops;
  std::vector<IOp> variants;
  std::vector<std::string> variant_names;
  std::vector<uint32_t> links;  // first member of each chainable link
};

std::vector<Group> pair_groups() {
  std::vector<Group> g;
#define PAIR(A, B)                                                                       \
  g.push_back({#A "_" #B, {TC_OP(A), TC_OP(B)},                                          \
               {IOp::A##_##B, IOp::A##_##B##_c1, IOp::A##_##B##_c2, IOp::A##_##B##_c3},   \
               {#A "_" #B, #A "_" #B "_c1", #A "_" #B "_c2", #A "_" #B "_c3"}, {0}});
#include "interp/code/iops_pair.def"
#undef PAIR
  return g;
}

#define TC_V4(N, X) IOp::N##_##X##0, IOp::N##_##X##1, IOp::N##_##X##2, IOp::N##_##X##3
#define TC_S4(S, X) S "_" #X "0", S "_" #X "1", S "_" #X "2", S "_" #X "3"
std::vector<Group> triple_groups() {
  std::vector<Group> g;
#define TRIPLE(A, B, C)                                                                  \
  g.push_back({#A "_" #B "_" #C, {TC_OP(A), TC_OP(B), TC_OP(C)},                         \
               {TC_V4(A##_##B##_##C, 0), TC_V4(A##_##B##_##C, 1), TC_V4(A##_##B##_##C, 2), \
                TC_V4(A##_##B##_##C, 3)},                                                \
               {TC_S4(#A "_" #B "_" #C, 0), TC_S4(#A "_" #B "_" #C, 1),                  \
                TC_S4(#A "_" #B "_" #C, 2), TC_S4(#A "_" #B "_" #C, 3)},                 \
               {0, 1}});
#include "interp/code/iops_triple.def"
#undef TRIPLE
  return g;
}

std::vector<Group> quad_groups() {
  std::vector<Group> g;
#define QUAD(A, B, C, D)                                                                     \
  g.push_back({#A "_" #B "_" #C "_" #D, {TC_OP(A), TC_OP(B), TC_OP(C), TC_OP(D)},            \
               {TC_V4(A##_##B##_##C##_##D, 0), TC_V4(A##_##B##_##C##_##D, 1),                \
                TC_V4(A##_##B##_##C##_##D, 2), TC_V4(A##_##B##_##C##_##D, 3)},               \
               {TC_S4(#A "_" #B "_" #C "_" #D, 0), TC_S4(#A "_" #B "_" #C "_" #D, 1),        \
                TC_S4(#A "_" #B "_" #C "_" #D, 2), TC_S4(#A "_" #B "_" #C "_" #D, 3)},       \
               {0, 2}});
#include "interp/code/iops_quad.def"
#undef QUAD
  return g;
}
#undef TC_V4
#undef TC_S4

// Memory ops (their non-slot words are an address addend and the offset).
bool is_mem(IOp op) {
  switch (op) {
#define MEM_LOAD(Id, M, R) case IOp::Id##G: case IOp::Id##G2: case IOp::Id##GI:
#define MEM_STORE(Id, M) case IOp::Id##G: case IOp::Id##G2: case IOp::Id##GI:
#include "interp/code/iops_mem.def"
#undef MEM_LOAD
#undef MEM_STORE
    return true;
    default: return false;
  }
}

bool is_global(IOp op) { return op == IOp::GlobalGet || op == IOp::GlobalSet; }

// Words naming a slot an op writes besides its result (word 1): a body's
// shape does not say, so each such op is listed here.
uint32_t extra_writes(IOp op) { return op == IOp::Copy2 ? (1u << 1 | 1u << 3) : 0; }

// Operand values: edge integers, shift counts, addresses near the end of
// the one-page memory, NaNs (quiet, signalling, negative), infinities,
// signed zeros and denormals of both widths.
const uint64_t kValues[] = {
    0, 1, 2, 4, 7, 8, 31, 32, 33, 63, 64, 65, 100, 65528, 65532, 65535, 65536,
    0x7fffffff, 0x80000000, 0xffffffff, 0xfffffffc, 0x100000000ull, 0x7fffffffffffffffull,
    0x8000000000000000ull, ~0ull, ~0ull - 1, 0xffffffff80000000ull,
    0x7ff8000000000000ull, 0x7ff0000000000001ull, 0xfff8000000000000ull, 0x7ff0000000000000ull,
    0xfff0000000000000ull, 0x000fffffffffffffull, 0x3ff0000000000000ull, 0xc004000000000000ull,
    0x7fc00000, 0x7fa00000, 0xff800000, 0x7f800000, 0x007fffff, 0x3f800000, 0xc0200000};
const uint32_t kOffsets[] = {0, 1, 2, 4, 8, 16, 65528, 65532, 65535, 65536, 0xfffffff0, 0x7fffffff};
const uint64_t kSmall[] = {0, 1, ~0ull};  // low-entropy sets: equal values, branches both ways

struct Rng {
  std::mt19937_64 g;
  bool small = false;  // this operand set draws from kSmall
  explicit Rng(uint64_t seed) : g(seed) {}
  uint64_t below(uint64_t n) { return g() % n; }
  bool coin() { return g() & 1; }
  uint64_t value() {
    if (small) return kSmall[below(std::size(kSmall))];
    switch (below(8)) {
      case 0: return g();
      case 1: return (g() << 32) | uint32_t(kValues[below(std::size(kValues))]);  // i32 ops ignore the top
      default: return kValues[below(std::size(kValues))];
    }
  }
  uint32_t imm(bool offset) {
    if (small) return uint32_t(kSmall[below(std::size(kSmall))]);
    if (offset) return kOffsets[below(std::size(kOffsets))];
    return uint32_t(below(8) == 0 ? g() : kValues[below(std::size(kValues))]);
  }
  uint32_t live() { return uint32_t(below(kLive)); }
  uint32_t temp() { return kLive + uint32_t(below(kSlots - kLive)); }
  uint32_t any() { return uint32_t(below(kSlots)); }
};

// The function a Call member calls: i64 -> i64, x * 3 + 1.
FuncInst* g_callee = nullptr;
// The global a GlobalGet / GlobalSet member reads or writes (reset to
// kGlobalInit, or to 0 when the memory's first byte is even, so that a
// branch on it goes both ways, before each run; compared after it).
GlobalInst* g_global = nullptr;
constexpr uint64_t kGlobalInit = 0x0123456789abcdefull;

// Threaded code under construction: instruction starts and their bytecode
// offsets (the trap's reported location).
struct Code {
  std::vector<uint32_t> words, starts, offsets;
  uint32_t begin(IOp op, uint32_t offset) {
    starts.push_back(uint32_t(words.size()));
    offsets.push_back(offset);
    words.push_back(uint32_t(op));
    return starts.back();
  }
  void add(std::initializer_list<uint32_t> w) { words.insert(words.end(), w); }
};

// Appends the labels: each stores its number + 1 in the marker slot and
// returns every slot. `targets` receives their code positions.
void add_labels(Code& c, std::vector<uint32_t>& targets) {
  targets.clear();
  for (uint32_t l = 0; l < kLabels; ++l) {
    targets.push_back(c.begin(IOp::Const32, 1));
    c.add({kMarker, l + 1});
    c.begin(IOp::Return, 1);
    c.add({0, kSlots + 1});
  }
}

void patch_branch(Code& c, uint32_t word, uint32_t instr, uint32_t target) {
  c.words[word] = uint32_t(int32_t(target) - int32_t(instr));
}

// What a run left: the live slots and the marker, the memory, or the trap.
struct Outcome {
  bool trapped = false;
  std::string trap;
  std::vector<uint64_t> slots;
  std::vector<uint8_t> memory;
  uint64_t global = 0;
};

class Harness {
 public:
  Harness() {
    std::string params, results;
    for (uint32_t i = 0; i < kSlots; ++i) params += " i64";
    for (uint32_t i = 0; i <= kSlots; ++i) results += " i64";
    std::string wat = "(module (memory (export \"mem\") 1)\n"
                      "  (global (export \"gl\") (mut i64) (i64.const 0))\n"
                      "  (func (export \"f\") (param" + params + ") (result" + results + ") unreachable)\n"
                      "  (func (export \"g\") (param i64) (result i64)\n"
                      "    (i64.add (i64.mul (local.get 0) (i64.const 3)) (i64.const 1))))";
    auto bin = wat::wat_to_binary(wat);
    BOOST_REQUIRE(bool(bin));
    auto m = load_module(std::move(*bin));
    BOOST_REQUIRE(bool(m));
    auto i = store_.instantiate(*m, std::vector<ExternVal>{});
    BOOST_REQUIRE(bool(i));
    inst_ = *i;
    func_ = inst_->find_export("f")->func;
    mem_ = inst_->exported_memory("mem");
    g_callee = inst_->find_export("g")->func;
    g_global = inst_->find_export("gl")->global;
    // The code written here has no Counts, and its G forms rely on the fault handler.
    BOOST_REQUIRE_MESSAGE(!store_.config().exact_tier, "run without TIMECRAFT_TIER");
    BOOST_REQUIRE_MESSAGE(mem_->mem.guarded(), "needs guard pages (TIMECRAFT_GUARD_PAGES unset)");
    BOOST_REQUIRE_EQUAL(mem_->mem.size_bytes(), uint64_t(kPageSize));
  }

  // Runs `code` (IOp numbers at instruction starts) on the frame `args`
  // over a memory holding `memory`.
  Outcome run(const Code& code, const std::vector<Value>& args, const std::vector<uint8_t>& memory) {
    auto f = std::make_unique<CompiledFunc>();
    f->code = code.words;
    f->map_code = code.starts;
    f->map_bytecode = code.offsets;
    f->frame_slots = kSlots + 1;
    f->zero_from = kSlots;  // the marker starts at 0
    f->zero_count = 1;
    const int32_t* h = handler_offsets();
    for (uint32_t at : f->map_code) f->code[at] = uint32_t(h[f->code[at]]);
    func_->code = std::move(f);
    func_->entry = func_->code->code.data();
    func_->frame_slots = func_->code->frame_slots;
    func_->zero_from = func_->code->zero_from;
    func_->zero_count = func_->code->zero_count;
    std::memcpy(mem_->mem.data(), memory.data(), memory.size());
    g_global->bits[0] = !memory.empty() && memory[0] % 2 == 0 ? 0 : kGlobalInit;
    Outcome o;
    auto r = store_.invoke(func_, args);
    if (!r) {
      o.trapped = true;
      o.trap = r.error().message;
      if (!r.error().backtrace.empty()) o.trap += " at " + std::to_string(r.error().backtrace[0].offset);
    } else {
      for (uint32_t k = 0; k < kLive; ++k) o.slots.push_back((*r)[k].i64);
      o.slots.push_back((*r)[kMarker].i64);
    }
    o.memory.assign(mem_->mem.data(), mem_->mem.data() + memory.size());
    o.global = g_global->bits[0];
    return o;
  }

 private:
  Store store_;
  Instance* inst_ = nullptr;
  FuncInst* func_ = nullptr;
  MemoryInst* mem_ = nullptr;
};

std::string describe(const Outcome& o) {
  std::ostringstream s;
  if (o.trapped) return "trap \"" + o.trap + "\"";
  s << std::hex << "slots";
  for (size_t k = 0; k + 1 < o.slots.size(); ++k) s << " " << o.slots[k];
  s << std::dec << ", label " << (o.slots.back() - 1);
  return s.str();
}

// NaN bits are compared like any others: an operation on two NaNs returns
// the first operand's NaN in every handler (exec/float_ops.hpp, nan_first),
// so a fused form must give exactly the plain sequence's bits.
// Compares two outcomes: "" when equal, else the first difference.
std::string differ(const Outcome& a, const Outcome& b) {
  if (a.trapped != b.trapped || a.trap != b.trap || a.slots != b.slots || a.global != b.global)
    return "plain: " + describe(a) + "; fused: " + describe(b);
  if (a.memory != b.memory) {
    size_t k = 0;
    while (a.memory[k] == b.memory[k]) ++k;
    return "memory differs at " + std::to_string(k) + " (" + describe(a) + ")";
  }
  return "";
}

struct Input {
  std::vector<Value> args;
  std::vector<uint8_t> memory;
};

// Runs `plain` and `fused` on `in`: "" when they agree, else the difference.
std::string compare_runs(Harness& h, const Code& plain, const Code& fused, const Input& in, Outcome& a) {
  a = h.run(plain, in.args, in.memory);
  Outcome b = h.run(fused, in.args, in.memory);
  return differ(a, b);
}

// Random slots; the memory is random bytes, with operand values in the
// first and last 128 bytes (where the addresses drawn land).
Input random_input(Rng& r) {
  static const std::vector<uint8_t> base = [] {
    std::vector<uint8_t> m(kPageSize);
    std::mt19937 g(7);
    for (auto& b : m) b = uint8_t(g());
    return m;
  }();
  Input f;
  for (uint32_t i = 0; i < kSlots; ++i) f.args.push_back(Value::make_i64(r.value()));
  f.memory = base;
  for (size_t k = 0; k < 128; k += 8) {
    uint64_t v = r.value(), w = r.value();
    std::memcpy(&f.memory[k], &v, 8);
    std::memcpy(&f.memory[kPageSize - 8 - k], &w, 8);
  }
  return f;
}

// Coverage each variant must reach before its runs count: both branch
// outcomes of each conditional branch member, and a trapping and a
// completing run when a member touches memory.
struct Coverage {
  bool needs_trap = false;
  std::vector<int> branch_members;
  bool trapped = false, completed = false;
  std::vector<bool> taken, fell;
  // A br_table "branches" to an entry and "falls through" to its default.
  std::vector<bool> table;
  void note(const Outcome& o) {
    (o.trapped ? trapped : completed) = true;
    if (o.trapped) return;
    uint32_t label = uint32_t(o.slots.back() - 1);
    for (size_t b = 0; b < branch_members.size(); ++b) {
      uint32_t j = uint32_t(branch_members[b]);
      if (table[b]) {
        if (label >= 5 && label < kLabels - 1) taken[b] = true;
        if (label == kLabels - 1) fell[b] = true;
      } else if (label == 1 + j) {
        taken[b] = true;
      } else if (label == 0 || label >= 5 || label - 1 > j) {  // the run went on past member j
        fell[b] = true;
      }
    }
  }
  bool done() const {
    if (needs_trap && !(trapped && completed)) return false;
    for (size_t b = 0; b < taken.size(); ++b)
      if (!taken[b] || !fell[b]) return false;
    return true;
  }
  std::string missing() const {
    std::string m;
    if (needs_trap && !trapped) m += " no trapping run;";
    if (!completed) m += " no completing run;";
    for (size_t b = 0; b < taken.size(); ++b) {
      if (!taken[b]) m += " member " + std::to_string(branch_members[b]) + " never branched;";
      if (!fell[b]) m += " member " + std::to_string(branch_members[b]) + " never fell through;";
    }
    return m;
  }
};

constexpr int kMinSets = 160, kMaxSets = 2000;

// ---- Fused groups ----

// The chain index each link of the variant asks for, and whether the
// variant can occur (each nonzero index is a slot operand of the reader,
// and the writer has a result); an impossible one runs the unchained form.
struct Want {
  std::vector<uint32_t> k;  // per link
  bool possible = true;
};

Want want(const Group& g, size_t v) {
  Want w;
  if (g.links.size() == 1) w.k = {uint32_t(v)};
  else w.k = {uint32_t(v / 4), uint32_t(v % 4)};
  for (size_t l = 0; l < w.k.size(); ++l) {
    const Op &p = g.ops[g.links[l]], &q = g.ops[g.links[l] + 1];
    if (w.k[l] != 0 && !(p.result && (q.reads >> w.k[l] & 1))) {
      w.possible = false;
      w.k[l] = 0;
    }
  }
  return w;
}

size_t variant_index(const Group& g, const std::vector<uint32_t>& k) {
  return g.links.size() == 1 ? k[0] : k[0] * 4 + k[1];
}

// The chain index of link p -> p + 1 under the compiler's contract (fuse_pairs.hpp):
// q reads p's result slot in exactly one word k <= 3, and the slot dies
// there (q overwrites it, or it is a temporary).
uint32_t contract_chain(const Op& p, const Op& q, const uint32_t* pw, const uint32_t* qw) {
  if (!p.result || q.tail) return 0;
  uint32_t d = pw[1], k = 0;
  for (uint32_t w = 1; w < q.len; ++w) {
    if (!(q.reads >> w & 1) || qw[w] != d) continue;
    if (k) return 0;
    k = w;
  }
  if (k == 0 || k > 3) return 0;
  if ((q.result && qw[1] == d) || d >= kLive) return k;
  return 0;
}

// Writes the group's words for chain indices `k`; false if the draw breaks
// the contract (a chained temporary read again later) or misses `k`.
bool build_group(const Group& g, const std::vector<uint32_t>& k, Rng& r, Code& c,
                 std::vector<std::pair<uint32_t, uint32_t>>& branches, std::string& why) {
  const size_t n = g.ops.size();
  std::vector<uint32_t> at(n);
  branches.clear();
  auto link_into = [&](size_t j) -> int {  // link index whose reader is j, or -1
    for (size_t l = 0; l < g.links.size(); ++l)
      if (g.links[l] + 1 == j) return int(l);
    return -1;
  };
  auto link_from = [&](size_t j) -> int {
    for (size_t l = 0; l < g.links.size(); ++l)
      if (g.links[l] == j) return int(l);
    return -1;
  };
  std::vector<bool> overwrite(n, false);  // member j must overwrite member j-1's result
  for (size_t j = 0; j < n; ++j) {
    const Op& op = g.ops[j];
    if (op.tail && op.id != IOp::BrTable && op.id != IOp::Br && op.id != IOp::Return &&
        op.id != IOp::Call) {
      why = std::string("no harness for the tail op ") + op.name;
      return false;
    }
    at[j] = c.begin(op.id, 100 + uint32_t(j));
    int li = link_into(j), lo = link_from(j);
    uint32_t kin = li >= 0 ? k[size_t(li)] : 0, kout = lo >= 0 ? k[size_t(lo)] : 0;
    uint32_t prev_d = j > 0 && g.ops[j - 1].result ? c.words[at[j - 1] + 1] : UINT32_MAX;
    if (op.id == IOp::BrTable) {  // s index, u32 n, off[n + 1]
      c.add({r.coin() && prev_d != UINT32_MAX ? prev_d : r.any(), 3, 0, 0, 0, 0});
      for (uint32_t e = 0; e < 4; ++e) branches.push_back({at[j] + 3 + e, 5 + e});
      continue;
    }
    if (op.id == IOp::Return) {  // s src, u32 count: every slot, the marker still 0
      c.add({0, kSlots + 1});
      continue;
    }
    if (op.id == IOp::Call) {  // s base, ptr FuncInst, s dst: the callee's frame from the last live slot
      uint64_t p = uint64_t(g_callee);
      c.add({kLive - 1, uint32_t(p), uint32_t(p >> 32), kLive - 1});
      continue;
    }
    if (op.id == IOp::Br) {
      c.add({0});
      branches.push_back({at[j] + 1, 1 + uint32_t(j)});
      continue;
    }
    std::vector<uint32_t> w(op.len, 0);
    for (uint32_t i = 1; i < op.len; ++i) {
      if (op.branch && i == op.off) {
        branches.push_back({at[j] + i, 1 + uint32_t(j)});
      } else if (op.reads >> i & 1) {
        if (i == kin) w[i] = prev_d;
        else if (kin != 0 || li >= 0) {
          // Not the chained word: mostly not the linked result (read here
          // too, it cannot chain; a draw that chains by accident is
          // rejected below, as is one that misses the variant).
          do w[i] = r.any(); while (w[i] == prev_d && r.below(4) != 0);
        } else {
          w[i] = r.any();
        }
      } else if ((i == 1 && op.result) || (extra_writes(op.id) >> i & 1)) {
        w[i] = UINT32_MAX;  // chosen below
      } else if (is_global(op.id)) {  // ptr GlobalInst in words 2 and 3
        w[i] = uint32_t(uint64_t(g_global) >> (i == 2 ? 0 : 32));
      } else {
        w[i] = r.imm(is_mem(op.id));  // memory ops: an address addend or the offset
      }
    }
    for (uint32_t i = 1; i < op.len; ++i)
      if (w[i] == UINT32_MAX && (i != 1 || !op.result)) w[i] = r.live();
    if (op.result) {
      if (overwrite[j]) w[1] = prev_d;
      else if (kout != 0) {
        const Op& q = g.ops[j + 1];
        if (q.result && r.coin()) {
          w[1] = r.live();
          overwrite[j + 1] = true;
        } else {
          w[1] = r.temp();
        }
      } else if (j + 1 == n || lo >= 0) {
        w[1] = r.live();  // compared at the end, or read live by the next member
      } else {
        w[1] = r.any();
      }
    }
    c.words.insert(c.words.end(), w.begin() + 1, w.end());
  }
  // Contract checks: the intended chain indices, and no chained temporary read later.
  for (size_t l = 0; l < g.links.size(); ++l) {
    size_t p = g.links[l];
    uint32_t got = contract_chain(g.ops[p], g.ops[p + 1], &c.words[at[p]], &c.words[at[p + 1]]);
    if (got != k[l]) return false;
    if (got == 0 || c.words[at[p] + 1] < kLive) continue;
    uint32_t d = c.words[at[p] + 1];
    for (size_t j = p + 2; j < n; ++j) {
      const Op& op = g.ops[j];
      for (uint32_t i = 1; i < op.len; ++i)
        if ((op.reads >> i & 1) && c.words[at[j] + i] == d) return false;
      if (op.id == IOp::BrTable && c.words[at[j] + 1] == d) return false;
      if (op.result && c.words[at[j] + 1] == d) break;
    }
  }
  return true;
}

struct Tally {
  size_t variants = 0, produced = 0, patched = 0, sets = 0, traps = 0, failures = 0;
};

void check_groups(const std::vector<Group>& groups, uint64_t seed, Tally& t) {
  Harness h;
  Rng r(seed);
  for (const Group& g : groups) {
    for (size_t v = 0; v < g.variants.size(); ++v) {
      const std::string& name = g.variant_names[v];
      Want w = want(g, v);
      Coverage cov;
      for (size_t j = 0; j < g.ops.size(); ++j) {
        if (is_mem(g.ops[j].id)) cov.needs_trap = true;
        if (g.ops[j].branch || g.ops[j].id == IOp::BrTable) {
          cov.branch_members.push_back(int(j));
          cov.table.push_back(g.ops[j].id == IOp::BrTable);
        }
      }
      cov.taken.assign(cov.branch_members.size(), false);
      cov.fell.assign(cov.branch_members.size(), false);
      ++t.variants;
      bool failed = false;
      int sets = 0;
      for (; sets < kMaxSets && !failed && !(sets >= kMinSets && cov.done()); ++sets) {
        r.small = r.below(4) == 0;
        Code plain;
        std::vector<std::pair<uint32_t, uint32_t>> branches;
        std::string why;
        int tries = 0;
        while (true) {
          plain = Code{};
          if (build_group(g, w.k, r, plain, branches, why)) break;
          if (!why.empty() || ++tries == 10000) break;
        }
        if (!why.empty() || tries == 10000) {
          BOOST_ERROR(name << ": " << (why.empty() ? "cannot draw operands for this variant" : why));
          failed = true;
          break;
        }
        // Fuse the group alone, then check it became exactly this variant.
        CompiledFunc grp;
        grp.code = plain.words;
        grp.map_code = plain.starts;
        fuse_pairs(grp, std::vector<uint32_t>(grp.map_code.size(), kLive));
        const IOp expect = g.variants[variant_index(g, w.k)];
        if (IOp(grp.code[0]) != expect ||
            !std::equal(grp.code.begin() + 1, grp.code.end(), plain.words.begin() + 1)) {
          BOOST_ERROR(name << ": fuse_pairs made op " << grp.code[0] << ", expected "
                           << g.variant_names[variant_index(g, w.k)] << " (" << uint32_t(expect) << ")");
          failed = true;
          break;
        }
        Code fused = plain;
        fused.words[0] = uint32_t(w.possible ? expect : g.variants[v]);
        std::vector<uint32_t> targets;
        add_labels(plain, targets);
        add_labels(fused, targets);
        for (auto [word, label] : branches) {
          uint32_t instr = *std::prev(std::upper_bound(plain.starts.begin(), plain.starts.end(), word));
          patch_branch(plain, word, instr, targets[label]);
          patch_branch(fused, word, instr, targets[label]);
        }
        Input f = random_input(r);
        Outcome a;
        if (std::string d = compare_runs(h, plain, fused, f, a); !d.empty()) {
          std::ostringstream args;
          for (const Value& x : f.args) args << " " << std::hex << x.i64;
          std::ostringstream words;
          for (uint32_t x : plain.words) words << " " << x;
          BOOST_ERROR(name << ": " << d << "; args" << args.str() << "; code" << words.str());
          failed = true;
        }
        cov.note(a);
        t.traps += a.trapped;
      }
      t.sets += size_t(sets);
      if (w.possible) ++t.produced;
      else ++t.patched;
      if (!failed && !cov.done()) {
        BOOST_ERROR(name << ": after " << sets << " operand sets:" << cov.missing());
        failed = true;
      }
      t.failures += failed;
    }
  }
}

void report(const char* what, size_t groups, const Tally& t) {
  BOOST_TEST_MESSAGE(what << ": " << groups << " groups, " << t.variants << " variants ("
                          << t.produced << " produced by fuse_pairs, " << t.patched
                          << " that cannot occur, patched in: they run the unchained form), "
                          << t.sets << " operand sets (" << t.traps << " trapping), " << t.failures << " failing variants");
  BOOST_TEST(t.failures == 0u);
}

}  // namespace

BOOST_AUTO_TEST_CASE(every_fused_pair_agrees_with_its_two_ops) {
  auto g = pair_groups();
  BOOST_REQUIRE(!g.empty());
  Tally t;
  check_groups(g, 0x5eed0001, t);
  report("pairs", g.size(), t);
  BOOST_TEST(t.variants == g.size() * 4);
}

BOOST_AUTO_TEST_CASE(every_fused_triple_agrees_with_its_three_ops) {
  auto g = triple_groups();
  BOOST_REQUIRE(!g.empty());
  Tally t;
  check_groups(g, 0x5eed0002, t);
  report("triples", g.size(), t);
  BOOST_TEST(t.variants == g.size() * 16);
}

BOOST_AUTO_TEST_CASE(every_fused_quad_agrees_with_its_four_ops) {
  auto g = quad_groups();
  BOOST_REQUIRE(!g.empty());
  Tally t;
  check_groups(g, 0x5eed0003, t);
  report("quads", g.size(), t);
  BOOST_TEST(t.variants == g.size() * 16);
}

// ---- Specialised single ops ----
//
// Each against the plain sequence the compiler emits with
// EngineConfig::specialise off, in a temporary slot kTemp nothing else
// uses: Id##Imm = Const32/64 (sign-extended) + Id; Id##Imm64 = Const64 +
// Id; BrIf##Id = Id + BrIf; BrIf##Id##Imm = Const + Id + BrIf; the guarded
// loads and stores: G = the bounds-checked op, G2 = i32.add + checked op,
// GI = Const32 + i32.add + checked op; Copy2 = Copy + Copy.

namespace {

constexpr uint32_t kTemp = kSlots - 1;

struct Spec {
  Op op;
  // Appends the plain sequence for the words `w` of op; returns the code
  // word holding the branch offset (0: none).
  std::function<uint32_t(Code&, const std::vector<uint32_t>& w)> plain;
};

void add_const(Code& c, bool wide, uint64_t v) {
  if (wide) {
    c.begin(IOp::Const64, 100);
    c.add({kTemp, uint32_t(v), uint32_t(v >> 32)});
  } else {
    c.begin(IOp::Const32, 100);
    c.add({kTemp, uint32_t(v)});
  }
}

uint64_t sext(uint32_t v) { return uint64_t(int64_t(int32_t(v))); }

std::vector<Spec> specs() {
  std::vector<Spec> t;
#define TC_WIDE(Id) (sizeof(bodies::Sem<Opcode::Id>::T) == 8)
#define TC_IMM(Id)                                                              \
  t.push_back({TC_OP(Id##Imm), [](Code& c, const std::vector<uint32_t>& w) {    \
                 add_const(c, TC_WIDE(Id), TC_WIDE(Id) ? sext(w[3]) : w[3]);    \
                 c.begin(IOp::Id, 100);                                         \
                 c.add({w[1], w[2], kTemp});                                    \
                 return 0u;                                                     \
               }});
#define TC_IMM64(Id)                                                            \
  t.push_back({TC_OP(Id##Imm64), [](Code& c, const std::vector<uint32_t>& w) {  \
                 add_const(c, true, uint64_t(w[3]) | uint64_t(w[4]) << 32);     \
                 c.begin(IOp::Id, 100);                                         \
                 c.add({w[1], w[2], kTemp});                                    \
                 return 0u;                                                     \
               }});
#define TC_BR(Id)                                                                   \
  t.push_back({TC_OP(BrIf##Id), [](Code& c, const std::vector<uint32_t>& w) {       \
                 c.begin(IOp::Id, 100);                                             \
                 c.add({kTemp, w[1], w[2]});                                        \
                 uint32_t i = c.begin(IOp::BrIf, 100);                              \
                 c.add({kTemp, 0});                                                 \
                 return i + 2;                                                      \
               }});                                                                 \
  t.push_back({TC_OP(BrIf##Id##Imm), [](Code& c, const std::vector<uint32_t>& w) {  \
                 add_const(c, TC_WIDE(Id), TC_WIDE(Id) ? sext(w[2]) : w[2]);        \
                 c.begin(IOp::Id, 100);                                             \
                 c.add({kTemp, w[1], kTemp});                                       \
                 uint32_t i = c.begin(IOp::BrIf, 100);                              \
                 c.add({kTemp, 0});                                                 \
                 return i + 2;                                                      \
               }});
#define BINOP(Id, T, R, HasImm, HasImm64, Comm, expr) \
  TC_NUM_IF_##HasImm(TC_IMM(Id)) TC_NUM_IF_##HasImm64(TC_IMM64(Id))
#define CMPOP(Id, T, HasImm, Comm, Br, Neg, expr) TC_NUM_IF_##HasImm(TC_IMM(Id)) TC_NUM_IF_##Br(TC_BR(Id))
#include "interp/code/numeric.def"
#undef TC_IMM
#undef TC_IMM64
#undef TC_BR
#undef TC_WIDE
  // Loads: G (s dst, s addr, off), G2 (s dst, s a, s b, off), GI (s dst, s a, imm, off);
  // stores name the value in word 1 and the address after it.
#define TC_MEM(Id, Load)                                                                  \
  t.push_back({TC_OP(Id##G), [](Code& c, const std::vector<uint32_t>& w) {                \
                 c.begin(IOp::Id, 100);                                                   \
                 c.add({w[1], w[2], w[3]});                                               \
                 return 0u;                                                               \
               }});                                                                       \
  t.push_back({TC_OP(Id##G2), [](Code& c, const std::vector<uint32_t>& w) {               \
                 c.begin(IOp::I32Add, 100);                                               \
                 c.add({kTemp, w[2], w[3]});                                              \
                 c.begin(IOp::Id, 100);                                                   \
                 if (Load) c.add({w[1], kTemp, w[4]});                                    \
                 else c.add({kTemp, w[1], w[4]});                                         \
                 return 0u;                                                               \
               }});                                                                       \
  t.push_back({TC_OP(Id##GI), [](Code& c, const std::vector<uint32_t>& w) {               \
                 add_const(c, false, w[3]);                                               \
                 c.begin(IOp::I32Add, 100);                                               \
                 c.add({kTemp, w[2], kTemp});                                             \
                 c.begin(IOp::Id, 100);                                                   \
                 if (Load) c.add({w[1], kTemp, w[4]});                                    \
                 else c.add({kTemp, w[1], w[4]});                                         \
                 return 0u;                                                               \
               }});
#define MEM_LOAD(Id, M, R) TC_MEM(Id, true)
#define MEM_STORE(Id, M) TC_MEM(Id, false)
#include "interp/code/iops_mem.def"
#undef MEM_LOAD
#undef MEM_STORE
#undef TC_MEM
  t.push_back({TC_OP(Copy2), [](Code& c, const std::vector<uint32_t>& w) {
                 c.begin(IOp::Copy, 100);
                 c.add({w[1], w[2]});
                 c.begin(IOp::Copy, 100);
                 c.add({w[3], w[4]});
                 return 0u;
               }});
  return t;
}

}  // namespace

BOOST_AUTO_TEST_CASE(every_specialised_op_agrees_with_its_plain_sequence) {
  auto table = specs();
  BOOST_REQUIRE(!table.empty());
  Harness h;
  Rng r(0x5eed0004);
  size_t sets_total = 0, traps = 0, failures = 0;
  for (const Spec& sp : table) {
    const Op& op = sp.op;
    Coverage cov;
    cov.needs_trap = is_mem(op.id);
    if (op.branch) {
      cov.branch_members = {0};
      cov.table = {false};
      cov.taken = cov.fell = {false};
    }
    bool failed = false;
    int sets = 0;
    for (; sets < kMaxSets && !failed && !(sets >= kMinSets && cov.done()); ++sets) {
      r.small = r.below(4) == 0;
      // The op's words: reads and writes anywhere but kTemp, written results live.
      std::vector<uint32_t> w(op.len, 0);
      uint32_t branch_word = 0;
      for (uint32_t i = 1; i < op.len; ++i) {
        if (op.branch && i == op.off) branch_word = i;
        else if (op.reads >> i & 1) w[i] = uint32_t(r.below(kTemp));
        else if ((i == 1 && op.result) || (extra_writes(op.id) >> i & 1)) w[i] = r.live();
        else w[i] = r.imm(is_mem(op.id));
      }
      Code special, plain;
      special.begin(op.id, 100);
      special.add({});
      special.words.insert(special.words.end(), w.begin() + 1, w.end());
      uint32_t plain_branch = sp.plain(plain, w);
      std::vector<uint32_t> ts, tp;
      add_labels(special, ts);
      add_labels(plain, tp);
      if (branch_word) {
        patch_branch(special, branch_word, 0, ts[1]);
        uint32_t instr = *std::prev(std::upper_bound(plain.starts.begin(), plain.starts.end(), plain_branch));
        patch_branch(plain, plain_branch, instr, tp[1]);
      }
      Input f = random_input(r);
      Outcome a;
      if (std::string d = compare_runs(h, plain, special, f, a); !d.empty()) {
        std::ostringstream args, words;
        for (const Value& x : f.args) args << " " << std::hex << x.i64;
        for (uint32_t x : w) words << " " << x;
        BOOST_ERROR(op.name << ": " << d << "; args" << args.str() << "; words" << words.str());
        failed = true;
      }
      cov.note(a);
      traps += a.trapped;
    }
    sets_total += size_t(sets);
    if (!failed && !cov.done()) {
      BOOST_ERROR(op.name << ": after " << sets << " operand sets:" << cov.missing());
      failed = true;
    }
    failures += failed;
  }
  BOOST_TEST_MESSAGE("specialised ops: " << table.size() << " ops, " << sets_total << " operand sets ("
                                         << traps << " trapping), " << failures << " failing ops");
  BOOST_TEST(failures == 0u);
}

// ---- The switch ----

namespace {

// The ops of a compiled function's code (a threaded handler offset can
// stand for several ops; the code's op counts as special only when all do).
std::vector<std::vector<IOp>> ops_of(const CompiledFunc& f) {
  const int32_t* h = handler_offsets();
  std::vector<std::vector<IOp>> out;
  for (uint32_t at : f.map_code) {
    out.emplace_back();
    for (uint32_t op = 0; op < uint32_t(IOp::Count_); ++op)
      if (uint32_t(h[op]) == f.code[at]) out.back().push_back(IOp(op));
  }
  return out;
}

}  // namespace

BOOST_AUTO_TEST_CASE(fuse_off_compiles_the_plain_sequence) {
  std::vector<bool> fused(size_t(IOp::Count_), false), special(size_t(IOp::Count_), false);
  for (auto* groups : {&pair_groups, &triple_groups, &quad_groups})
    for (const Group& g : (*groups)())
      for (IOp v : g.variants) fused[size_t(v)] = true;
  for (const Spec& sp : specs()) special[size_t(sp.op.id)] = true;
  // The G forms are the guarded memory's own (EngineConfig::guard_pages), not specialisations.
#define MEM_LOAD(Id, M, R) special[size_t(IOp::Id##G)] = false;
#define MEM_STORE(Id, M) special[size_t(IOp::Id##G)] = false;
#include "interp/code/iops_mem.def"
#undef MEM_LOAD
#undef MEM_STORE
  // Immediates, a compare-and-branch, an i32.add address, two copies, and a
  // loop counter triple (I32AddImm, I32AddImm, BrIfI32Ne).
  const char* wat = R"((module (memory 1)
    (func (export "f") (param i32 i32) (result i32) (local i32 i32)
      (loop $l
        (local.set 2 (i32.add (local.get 2) (i32.load (i32.add (local.get 0) (local.get 1)))))
        (local.set 3 (i32.xor (local.get 3) (i32.const 0x55)))
        (local.set 0 (i32.add (local.get 0) (i32.const 4)))
        (local.set 1 (i32.add (local.get 1) (i32.const -4)))
        (br_if $l (i32.ne (local.get 0) (i32.const 400))))
      (if (result i32) (i32.lt_u (local.get 2) (local.get 3))
        (then (local.get 2)) (else (local.get 3))))))";
  auto run = [&](EngineConfig c, size_t& n_fused, size_t& n_special) {
    Store s(c);
    auto bin = wat::wat_to_binary(wat);
    BOOST_REQUIRE(bool(bin));
    auto m = load_module(std::move(*bin));
    BOOST_REQUIRE(bool(m));
    auto i = s.instantiate(*m, std::vector<ExternVal>{});
    BOOST_REQUIRE(bool(i));
    FuncInst* f = (*i)->find_export("f")->func;
    std::vector<Value> args{Value::make_i32(0), Value::make_i32(800)};
    auto r = s.invoke(f, args);
    BOOST_REQUIRE(bool(r));
    n_fused = n_special = 0;
    for (const auto& ops : ops_of(*f->code)) {
      BOOST_REQUIRE(!ops.empty());
      n_fused += std::all_of(ops.begin(), ops.end(), [&](IOp o) { return fused[size_t(o)]; });
      n_special += std::all_of(ops.begin(), ops.end(), [&](IOp o) { return special[size_t(o)]; });
    }
    return (*r)[0].i32;
  };
  BOOST_REQUIRE_MESSAGE(!std::getenv("TIMECRAFT_FUSE") && !std::getenv("TIMECRAFT_TIER"),
                        "run without TIMECRAFT_FUSE and TIMECRAFT_TIER");
  size_t on_fused, on_special, off_fused, off_special, singles_fused, singles_special;
  EngineConfig off, singles;
  off.fuse = off.specialise = false;
  singles.fuse = false;
  uint32_t a = run(EngineConfig{}, on_fused, on_special);
  uint32_t b = run(off, off_fused, off_special);
  uint32_t c = run(singles, singles_fused, singles_special);
  BOOST_TEST(a == b);
  BOOST_TEST(a == c);
  BOOST_TEST(on_fused > 0u);  // the default fuses...
  BOOST_TEST(singles_special > 0u);  // ... and specialises
  BOOST_TEST(off_fused == 0u);
  BOOST_TEST(off_special == 0u);
  BOOST_TEST(singles_fused == 0u);
  // The environment sets both for every Store.
  for (auto [value, fuse, specialise] : {std::tuple{"0", false, false}, std::tuple{"singles", false, true},
                                         std::tuple{"1", true, true}}) {
    setenv("TIMECRAFT_FUSE", value, 1);
    Store s;
    BOOST_TEST_CONTEXT("TIMECRAFT_FUSE=" << value) {
      BOOST_TEST(s.config().fuse == fuse);
      BOOST_TEST(s.config().specialise == specialise);
    }
  }
  unsetenv("TIMECRAFT_FUSE");
}
