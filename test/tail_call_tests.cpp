// Tail calls (return_call, return_call_indirect): the callee takes over the
// caller's frame, so a million mutually tail-recursive calls run in one
// frame on every tier (the fast code, the exact code, the counted fast
// code and frames switching between the two), while the same recursion
// with `call` exhausts the call stack. A tail call of a host function
// behaves as a call followed by a return. The debugger's frame list shows
// the callee in the caller's place.
#define BOOST_TEST_MODULE tail_call_tests
#include <boost/test/unit_test.hpp>

#include <cstdlib>

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

// even/odd in both directions with different parameter counts and frame
// sizes, the same through a table, the same with plain calls, and tail
// calls of an imported host function.
const char* kWat = R"((module
  (import "h" "twice" (func $twice (param i32) (result i32)))
  (type $t1 (func (param i32) (result i32)))
  (type $t2 (func (param i32 i32) (result i32)))
  (table funcref (elem $even_i $odd_i))
  (func $even (export "even") (param $n i32) (result i32)
    (if (result i32) (i32.eqz (local.get $n))
      (then (i32.const 1))
      (else (return_call $odd (i32.sub (local.get $n) (i32.const 1)) (i64.const 7) (i32.const 9)))))
  (func $odd (export "odd") (param $n i32) (param i64) (param i32) (result i32)
    (local f64 f64 f64 f64 v128)
    (if (result i32) (i32.eqz (local.get $n))
      (then (i32.const 0))
      (else (return_call $even (i32.sub (local.get $n) (i32.const 1))))))
  (func $even_i (export "even_i") (param $n i32) (result i32)
    (if (result i32) (i32.eqz (local.get $n))
      (then (i32.const 1))
      (else (return_call_indirect (type $t2)
              (i32.sub (local.get $n) (i32.const 1)) (i32.const 5) (i32.const 1)))))
  (func $odd_i (param $n i32) (param i32) (result i32) (local i64 i64 i64)
    (if (result i32) (i32.eqz (local.get $n))
      (then (i32.const 0))
      (else (return_call_indirect (type $t1) (i32.sub (local.get $n) (i32.const 1)) (i32.const 0)))))
  (func $even_c (export "even_call") (param $n i32) (result i32)
    (if (result i32) (i32.eqz (local.get $n))
      (then (i32.const 1))
      (else (call $odd_c (i32.sub (local.get $n) (i32.const 1)) (i64.const 7)))))
  (func $odd_c (param $n i32) (param i64) (result i32)
    (if (result i32) (i32.eqz (local.get $n))
      (then (i32.const 0))
      (else (call $even_c (i32.sub (local.get $n) (i32.const 1))))))
  (func $to_host (param i32) (result i32)
    (return_call $twice (i32.add (local.get 0) (i32.const 1))))
  (func (export "host") (param i32) (result i32)
    (i32.add (i32.const 1000) (call $to_host (local.get 0))))
  (func (export "host_direct") (param i32) (result i32)
    (return_call $twice (local.get 0)))
  (func (export "main") (param i32) (result i32)
    (i32.add (i32.const 100) (call $even (local.get 0)))))
)";

struct Program {
  Store store;
  Instance* inst = nullptr;
  explicit Program(EngineConfig c = {}) : store(c) {
    FuncInst* host = store.add_host_func(
        FuncType{{ValType::I32}, {ValType::I32}},
        [](HostContext&, std::span<const Value> args, std::span<Value> results) -> Expected<void> {
          results[0] = Value::make_i32(args[0].i32 * 2);
          return {};
        });
    ExternVal e;
    e.kind = ExternKind::Func;
    e.func = host;
    auto i = store.instantiate(load(kWat), std::vector<ExternVal>{e});
    BOOST_REQUIRE(bool(i));
    inst = *i;
  }
  Expected<std::vector<Value>> call(std::string_view name, uint32_t arg) {
    auto e = inst->find_export(name);
    BOOST_REQUIRE(e && e->kind == ExternKind::Func);
    std::vector<Value> args{Value::make_i32(arg)};
    return store.invoke(e->func, args);
  }
};

// Runs `body` once per tier: TIMECRAFT_TIER as the spec scripts run them
// (unset: the fast code).
template <class F>
void on_every_tier(F body) {
  for (const char* tier : {"", "exact", "switch", "counted"}) {
    BOOST_TEST_CONTEXT("tier " << (*tier ? tier : "fast")) {
      if (*tier) setenv("TIMECRAFT_TIER", tier, 1);
      else unsetenv("TIMECRAFT_TIER");
      body();
    }
  }
  unsetenv("TIMECRAFT_TIER");
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_million_mutual_tail_calls_run_in_one_frame) {
  on_every_tier([] {
    Program p;
    for (auto [name, n, want] : {std::tuple{"even", 1'000'000u, 1u}, {"even", 1'000'001u, 0u},
                                 {"odd", 1'000'000u, 0u}, {"odd", 999'999u, 1u}}) {
      auto e = p.inst->find_export(name);
      std::vector<Value> args{Value::make_i32(n)};
      if (std::string_view(name) == "odd") args = {Value::make_i32(n), Value::make_i64(0), Value::make_i32(0)};
      auto r = p.store.invoke(e->func, args);
      BOOST_REQUIRE_MESSAGE(bool(r), (r ? std::string() : r.error().to_string()));
      BOOST_TEST((*r)[0].i32 == want);
    }
    BOOST_TEST(p.store.call_depth() == 0u);
  });
}

BOOST_AUTO_TEST_CASE(a_million_tail_calls_through_a_table) {
  on_every_tier([] {
    Program p;
    auto r = p.call("even_i", 1'000'000);
    BOOST_REQUIRE_MESSAGE(bool(r), (r ? std::string() : r.error().to_string()));
    BOOST_TEST((*r)[0].i32 == 1u);
    r = p.call("even_i", 777'777);
    BOOST_REQUIRE(bool(r));
    BOOST_TEST((*r)[0].i32 == 0u);
  });
}

// The same recursion with plain calls needs a frame per call: it stops at
// the call depth limit, so the tests above do measure frame reuse.
BOOST_AUTO_TEST_CASE(the_same_recursion_with_calls_exhausts_the_stack) {
  on_every_tier([] {
    Program p;
    auto r = p.call("even_call", 1'000'000);
    BOOST_REQUIRE(!r);
    BOOST_TEST(int(r.error().kind) == int(ErrorKind::Exhaustion));
    BOOST_TEST(r.error().message.find("call stack exhausted") != std::string::npos);
    r = p.call("even_call", 100);  // and is right where it fits
    BOOST_REQUIRE(bool(r));
    BOOST_TEST((*r)[0].i32 == 1u);
  });
}

BOOST_AUTO_TEST_CASE(a_tail_call_of_a_host_function_returns_its_results) {
  on_every_tier([] {
    Program p;
    auto r = p.call("host", 20);  // 1000 + twice(20 + 1)
    BOOST_REQUIRE(bool(r));
    BOOST_TEST((*r)[0].i32 == 1042u);
    r = p.call("host_direct", 21);  // from the entry frame
    BOOST_REQUIRE(bool(r));
    BOOST_TEST((*r)[0].i32 == 42u);
    BOOST_TEST(p.store.call_depth() == 0u);
  });
}

// At every instruction of main(3) on the exact code: below main there is
// only ever one frame, the current one of even/odd, never a chain.
BOOST_AUTO_TEST_CASE(the_frame_list_shows_the_callee_in_the_callers_place) {
  EngineConfig c;
  c.exact_tier = true;
  c.exact_only = true;
  Program p(c);
  const uint32_t even = 1, odd = 2, main = 10;  // function indices (import first)
  std::vector<std::vector<uint32_t>> seen;
  p.store.set_step_hook([&] {
    std::vector<uint32_t> fs;
    for (const auto& f : p.store.stack_frames()) fs.push_back(f.func_index);
    if (seen.empty() || seen.back() != fs) seen.push_back(fs);
    p.store.set_stop_at(p.store.instruction_count() + 1);
    return true;
  });
  p.store.set_stop_at(1);
  auto r = p.call("main", 3);
  BOOST_REQUIRE(bool(r));
  BOOST_TEST((*r)[0].i32 == 100u);  // odd(3) -> 0
  // main; even(3) called; odd(2) replaces it; even(1); odd(0); back in main.
  std::vector<std::vector<uint32_t>> want{
      {main}, {even, main}, {odd, main}, {even, main}, {odd, main}, {main}};
  BOOST_TEST((seen == want));
}

// A trap in a tail callee: its backtrace has the callee where the caller was.
BOOST_AUTO_TEST_CASE(a_trap_after_tail_calls_shows_the_callee) {
  const char* wat = R"((module
    (table 1 funcref)
    (func $f (param i32) (result i32) (return_call_indirect (type 0) (local.get 0) (local.get 0)))
    (func $g (export "g") (param i32) (result i32) (i32.add (i32.const 1) (return_call $f (local.get 0))))
  ))";
  on_every_tier([&] {
    Store store;
    auto inst = store.instantiate(load(wat), std::vector<ExternVal>{});
    BOOST_REQUIRE(bool(inst));
    std::vector<Value> args{Value::make_i32(5)};
    auto r = store.invoke((*inst)->find_export("g")->func, args);
    BOOST_REQUIRE(!r);
    BOOST_TEST(int(r.error().kind) == int(ErrorKind::Trap));
    BOOST_TEST(r.error().message.find("undefined element 5") != std::string::npos);
    BOOST_REQUIRE(r.error().backtrace.size() == 1u);  // $f alone: $g was replaced
    BOOST_TEST(r.error().backtrace[0].func_index == 0u);
  });
}
