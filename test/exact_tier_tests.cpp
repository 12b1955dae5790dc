// The debugger's tiers (EngineConfig::exact_tier): every WebAssembly
// instruction counted, a hook at any count, frames, locals and
// operand-stack values readable there, whether the frames ran on the
// counted fast code or the exact code; results identical to the fast
// tier's. (test/tier_count_tests.cpp checks the counts on real programs.)
#define BOOST_TEST_MODULE exact_tier_tests
#include <boost/test/unit_test.hpp>

#include <map>

#include "interp/engine.hpp"
#include "interp/text/wat.hpp"

using namespace tc;
using namespace tc::wasm;

namespace {

std::shared_ptr<const Module> load(std::string_view wat) {
  auto bin = wat::wat_to_binary(wat);
  BOOST_REQUIRE_MESSAGE(bool(bin), (bin ? std::string() : bin.error().to_string()));
  auto m = load_module(std::move(*bin));
  BOOST_REQUIRE_MESSAGE(bool(m), (m ? std::string() : m.error().to_string()));
  return *m;
}

EngineConfig exact() {
  EngineConfig c;
  c.exact_tier = true;
  return c;
}

struct Program {
  Store store;
  Instance* inst = nullptr;
  explicit Program(std::string_view wat, EngineConfig c = exact()) : store(c) {
    auto i = store.instantiate(load(wat), std::vector<ExternVal>{});
    BOOST_REQUIRE(bool(i));
    inst = *i;
  }
  Expected<std::vector<Value>> call(std::string_view name, std::vector<Value> args = {}) {
    auto e = inst->find_export(name);
    BOOST_REQUIRE(e && e->kind == ExternKind::Func);
    return store.invoke(e->func, args);
  }
};

const char* kWat = R"((module
  (func (export "three") (result i32)
    i32.const 1
    i32.const 2
    i32.add)
  ;; 1 + 10 iterations of a 6-instruction body + the loop's exit
  (func (export "count10") (result i32) (local $k i32)
    (loop $l
      (local.set $k (i32.add (local.get $k) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $k) (i32.const 10))))
    (local.get $k))
  (func $add (param $a i32) (param $b i32) (result i32)
    (i32.add (local.get $a) (local.get $b)))
  (func (export "twice") (param $x i32) (result i32)
    (call $add (local.get $x) (call $add (local.get $x) (i32.const 5))))
  (func (export "fac") (param i64) (result i64)
    (if (result i64) (i64.eqz (local.get 0))
      (then (i64.const 1))
      (else (i64.mul (local.get 0) (call 4 (i64.sub (local.get 0) (i64.const 1))))))))
)";

}  // namespace

BOOST_AUTO_TEST_CASE(counts_every_instruction) {
  Program p(kWat);
  BOOST_TEST(p.store.instruction_count() == 0u);
  auto r = p.call("three");
  BOOST_REQUIRE(bool(r));
  BOOST_TEST((*r)[0].i32 == 3u);
  BOOST_TEST(p.store.instruction_count() == 4u);  // const, const, add, end
  // loop; 10 x (local.get, const, add, local.set, local.get, const, lt_u,
  // br_if); the loop's end; local.get; the function's end.
  uint64_t before = p.store.instruction_count();
  r = p.call("count10");
  BOOST_REQUIRE(bool(r));
  BOOST_TEST((*r)[0].i32 == 10u);
  BOOST_TEST(p.store.instruction_count() - before == 1u + 10u * 8u + 3u);
}

BOOST_AUTO_TEST_CASE(results_equal_the_fast_tier) {
  Program fast(kWat, EngineConfig{}), slow(kWat);
  for (uint64_t n : {0, 1, 5, 20}) {
    auto a = fast.call("fac", {Value::make_i64(n)});
    auto b = slow.call("fac", {Value::make_i64(n)});
    BOOST_REQUIRE(a && b);
    BOOST_TEST((*a)[0].i64 == (*b)[0].i64);
  }
  BOOST_TEST(fast.store.instruction_count() == 0u);  // the fast tier does not count
}

BOOST_AUTO_TEST_CASE(the_hook_stops_at_any_count_and_sees_the_frames) {
  Program p(kWat);
  // Stop at every instruction of twice(7): collect (depth, offset).
  std::vector<std::pair<size_t, uint32_t>> seen;
  std::map<uint64_t, std::vector<uint64_t>> operands;  // count -> innermost frame's operands
  std::map<uint64_t, int64_t> first_local;
  p.store.set_step_hook([&] {
    auto frames = p.store.stack_frames();
    BOOST_REQUIRE(!frames.empty());
    BOOST_TEST(frames[0].has_offset);
    seen.push_back({frames.size(), frames[0].offset});
    uint64_t n = p.store.instruction_count();
    operands[n] = p.store.frame_operand_slots(0);
    if (auto v = p.store.frame_local(0, 0)) first_local[n] = int32_t(v->i32);
    p.store.set_stop_at(n + 1);
    return true;
  });
  p.store.set_stop_at(1);
  auto r = p.call("twice", {Value::make_i32(7)});
  BOOST_REQUIRE(bool(r));
  BOOST_TEST((*r)[0].i32 == 19u);
  // twice: local.get, local.get, const, call, [add: get, get, add, end],
  // call, [add: 4], end = 14 instructions, each seen once, in order.
  BOOST_REQUIRE(seen.size() == 14u);
  BOOST_TEST(seen.size() == p.store.instruction_count());
  BOOST_TEST(seen[0].first == 1u);
  BOOST_TEST(seen[4].first == 2u);  // inside the first call of $add
  BOOST_TEST(seen[8].first == 1u);  // back in twice, at the second call
  BOOST_TEST(seen[9].first == 2u);
  BOOST_TEST(seen[13].first == 1u);
  // Offsets rise through straight-line code within a function.
  BOOST_TEST(seen[1].second > seen[0].second);
  BOOST_TEST(seen[2].second > seen[1].second);
  BOOST_TEST(seen[5].second > seen[4].second);
  // Before the first call (count 4): x, x, 5 on the operand stack.
  BOOST_TEST((operands[4] == std::vector<uint64_t>{7, 7, 5}));
  // In $add, before its add (count 7): a = 7, b = 5 pushed; local 0 = 7.
  BOOST_TEST((operands[7] == std::vector<uint64_t>{7, 5}));
  BOOST_TEST(first_local[7] == 7);
  // Second call: b = 12.
  BOOST_TEST((operands[12] == std::vector<uint64_t>{7, 12}));
}

BOOST_AUTO_TEST_CASE(the_same_count_is_the_same_place_every_time) {
  auto place = [](uint64_t mark) {
    Program p(kWat);
    std::vector<StackFrame> at;
    p.store.set_step_hook([&] { at = p.store.stack_frames(); return true; });
    p.store.set_stop_at(mark);
    auto r = p.call("fac", {Value::make_i64(6)});
    BOOST_REQUIRE(bool(r));
    std::vector<std::pair<uint32_t, uint32_t>> v;
    for (auto& f : at) v.push_back({f.func_index, f.offset});
    return std::make_pair(v, p.store.instruction_count());
  };
  for (uint64_t mark : {1, 17, 40, 66}) {
    auto a = place(mark), b = place(mark);
    BOOST_TEST((a.first == b.first));
    BOOST_TEST(!a.first.empty());
    BOOST_TEST(a.second == b.second);
  }
}

BOOST_AUTO_TEST_CASE(the_hook_can_stop_execution) {
  Program p(kWat);
  p.store.set_step_hook([&] { return false; });
  p.store.set_stop_at(30);
  auto r = p.call("count10");
  BOOST_REQUIRE(!r);
  BOOST_TEST(int(r.error().kind) == int(ErrorKind::Interrupted));
  BOOST_TEST(p.store.instruction_count() == 30u);
  // The store stays usable: no hook, no stop.
  p.store.set_stop_at(UINT64_MAX);
  r = p.call("three");
  BOOST_REQUIRE(bool(r));
  BOOST_TEST((*r)[0].i32 == 3u);
}

// What a debugger sees at a host call (the frames, their operand stacks,
// where each caller resumes) is the same whether the calling frames ran on
// the counted fast code or on the exact code.
BOOST_AUTO_TEST_CASE(a_host_call_looks_the_same_from_both_codes) {
  const char* wat = R"((module
    (import "h" "f" (func $f (param i32) (result i32)))
    (func $g (param i32) (result i32)
      (i32.add (i32.const 7) (i32.mul (local.get 0) (call $f (i32.add (local.get 0) (i32.const 1))))))
    (func (export "main") (result i32)
      (i32.add (i32.const 100) (call $g (i32.const 5)))))
  )";
  struct Seen {
    std::vector<std::pair<uint32_t, uint32_t>> frames;
    std::vector<std::vector<uint64_t>> operands;
    std::vector<std::optional<uint32_t>> resume;
    uint64_t count = 0, end = 0;
    int32_t result = 0;
    bool operator==(const Seen&) const = default;
  };
  auto look = [&](bool exact_only) {
    EngineConfig c = exact();
    c.exact_only = exact_only;
    Store store(c);
    Seen seen;
    FuncInst* host = store.add_host_func(
        FuncType{{ValType::I32}, {ValType::I32}},
        [&](HostContext&, std::span<const Value> args, std::span<Value> results) -> Expected<void> {
          for (auto& f : store.stack_frames()) seen.frames.push_back({f.func_index, f.offset});
          for (size_t i = 0; i < 2; ++i) seen.operands.push_back(store.frame_operand_slots(i));
          for (uint32_t d = 1; d <= store.call_depth(); ++d) seen.resume.push_back(store.resume_offset(d));
          seen.count = store.instruction_count();
          results[0] = Value::make_i32(args[0].i32 * 2);
          return {};
        });
    ExternVal e;
    e.kind = ExternKind::Func;
    e.func = host;
    auto inst = store.instantiate(load(wat), std::vector<ExternVal>{e});
    BOOST_REQUIRE(bool(inst));
    auto r = store.invoke((*inst)->find_export("main")->func, {});
    BOOST_REQUIRE(bool(r));
    seen.result = int32_t((*r)[0].i32);
    seen.end = store.instruction_count();
    return seen;
  };
  Seen fast = look(false), slow = look(true);
  BOOST_TEST(fast.result == 100 + 7 + 5 * 12);
  BOOST_TEST((fast == slow));
  BOOST_REQUIRE(fast.frames.size() == 2u);
  // The operand stacks as the calls start, their arguments on top: $g's
  // 7, x, x + 1 and main's 100, 5.
  BOOST_TEST((fast.operands[0] == std::vector<uint64_t>{7, 5, 6}));
  BOOST_TEST((fast.operands[1] == std::vector<uint64_t>{100, 5}));
  BOOST_REQUIRE(fast.resume.size() == 2u);
  BOOST_TEST(bool(fast.resume[0]));  // main resumes after its call of $g
  BOOST_TEST(!fast.resume[1]);       // $g's callee is the host function
}

// An operation on two NaNs returns the first operand's NaN, quieted, on
// every tier and in every fused form: the hardware takes the first source
// operand, and the compiler may order a commutative op's operands
// differently in different handlers, so without a fixed rule a run
// recorded on the fast code could give other bits under the debugger.
BOOST_AUTO_TEST_CASE(nan_operands_give_the_same_bits_on_every_tier) {
  const char* wat = R"((module (memory 1)
    (func (export "rmw64") (param $x f64) (result i64)
      (f64.store (i32.const 8) (f64.reinterpret_i64 (i64.const 0x7ff8000000000001)))
      (f64.store (i32.const 8) (f64.add (f64.load (i32.const 8)) (local.get $x)))
      (i64.load (i32.const 8)))
    (func (export "mul32") (param $x f32) (param $y f32) (result i32)
      (i32.reinterpret_f32 (f32.mul (local.get $x) (local.get $y))))
    (func (export "add64") (param $x f64) (param $y f64) (result i64)
      (i64.reinterpret_f64 (f64.add (local.get $x) (local.get $y))))
    (func (export "sub64") (param $x f64) (param $y f64) (result i64)
      (i64.reinterpret_f64 (f64.sub (local.get $x) (local.get $y))))
    (func (export "min32") (param $x f32) (param $y f32) (result i32)
      (i32.reinterpret_f32 (f32.min (local.get $x) (local.get $y))))
    (func (export "max64") (param $x f64) (param $y f64) (result i64)
      (i64.reinterpret_f64 (f64.max (local.get $x) (local.get $y)))))
  )";
  const uint64_t a64 = 0x7ff8000000000001ull, b64 = 0x7ff0000000000002ull;  // quiet, signalling
  const uint32_t a32 = 0x7fc00001u, b32 = 0xff800002u;
  std::map<std::string, uint64_t> want = {
      {"rmw64", a64}, {"mul32", a32}, {"add64", a64}, {"sub64", a64}, {"min32", a32}, {"max64", a64}};
  auto args = [&](const std::string& f, bool swap) {
    if (f == "rmw64") return std::vector<Value>{Value::make_f64_bits(b64)};
    if (f.back() == '2') {
      uint32_t x = swap ? b32 : a32, y = swap ? a32 : b32;
      return std::vector<Value>{Value::make_f32_bits(x), Value::make_f32_bits(y)};
    }
    uint64_t x = swap ? b64 : a64, y = swap ? a64 : b64;
    return std::vector<Value>{Value::make_f64_bits(x), Value::make_f64_bits(y)};
  };
  EngineConfig fast, plain;
  plain.fuse = plain.specialise = false;
  for (auto [name, c] : {std::pair{"fast", fast}, {"plain", plain}, {"exact", exact()}}) {
    Program p(wat, c);
    for (auto& [f, bits] : want) {
      for (bool swap : {false, true}) {
        if (swap && f == "rmw64") continue;
        auto r = p.call(f, args(f, swap));
        BOOST_REQUIRE(bool(r));
        uint64_t got = f.back() == '2' ? (*r)[0].i32 : (*r)[0].i64;
        // Swapped, the first operand is the signalling one: its NaN, quieted.
        uint64_t expect = !swap ? bits : f.back() == '2' ? (b32 | 0x00400000u) : (b64 | 0x0008000000000000ull);
        BOOST_TEST(got == expect, name << " " << f << (swap ? " (swapped)" : "") << ": 0x" << std::hex << got
                                        << ", want 0x" << expect);
      }
    }
  }
}
