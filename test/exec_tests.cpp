// Unit tests for the compiler and runtime (interp/compile, interp/exec).
#define BOOST_TEST_MODULE exec_tests
#include <chrono>
#include <boost/test/unit_test.hpp>

#include "test/wasm_bytes.hpp"

#include <signal.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <bit>
#include <atomic>
#include <thread>
#include <cstring>

#include "interp/engine.hpp"
#include "interp/code/iops.hpp"
#include "interp/opcodes.hpp"
#include "interp/exec/guard_pages.hpp"
#include "interp/exec/runtime.hpp"
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

Instance* instantiate(Store& s, std::string_view wat, const std::vector<ExternVal>& imports = {}) {
  auto i = s.instantiate(load(wat), imports);
  BOOST_REQUIRE_MESSAGE(bool(i), (i ? std::string() : i.error().to_string()));
  return *i;
}

FuncInst* func(Instance* i, std::string_view name) {
  auto e = i->find_export(name);
  BOOST_REQUIRE(e && e->kind == ExternKind::Func);
  return e->func;
}

Expected<std::vector<Value>> call(Store& s, Instance* i, std::string_view name,
                                  std::vector<Value> args = {}) {
  return s.invoke(func(i, name), args);
}

Value I32(uint32_t v) { return Value::make_i32(v); }
Value I64(uint64_t v) { return Value::make_i64(v); }
Value F32(float f) { uint32_t b; std::memcpy(&b, &f, 4); return Value::make_f32_bits(b); }
Value F64(double d) { uint64_t b; std::memcpy(&b, &d, 8); return Value::make_f64_bits(b); }

uint64_t one(Store& s, Instance* i, std::string_view name, std::vector<Value> args = {}) {
  auto r = call(s, i, name, std::move(args));
  BOOST_REQUIRE_MESSAGE(bool(r), (r ? std::string() : r.error().to_string()));
  BOOST_REQUIRE_EQUAL(r->size(), 1u);
  return (*r)[0].i64 & ((*r)[0].type == ValType::I32 || (*r)[0].type == ValType::F32 ? 0xffffffffull : ~0ull);
}

std::string trap_of(Store& s, Instance* i, std::string_view name, std::vector<Value> args = {}) {
  auto r = call(s, i, name, std::move(args));
  if (r) return "no trap";
  return r.error().message;
}

}  // namespace

BOOST_AUTO_TEST_CASE(integer_edge_cases) {
  Store s;
  auto* i = instantiate(s, R"((module
    (func (export "div_s") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
    (func (export "rem_s") (param i32 i32) (result i32) (i32.rem_s (local.get 0) (local.get 1)))
    (func (export "div_u64") (param i64 i64) (result i64) (i64.div_u (local.get 0) (local.get 1)))
    (func (export "shl") (param i32 i32) (result i32) (i32.shl (local.get 0) (local.get 1)))
    (func (export "shr_s") (param i64 i64) (result i64) (i64.shr_s (local.get 0) (local.get 1)))
    (func (export "rotl") (param i32 i32) (result i32) (i32.rotl (local.get 0) (local.get 1)))
    (func (export "clz") (param i32) (result i32) (i32.clz (local.get 0)))
    (func (export "ctz64") (param i64) (result i64) (i64.ctz (local.get 0)))
    (func (export "ext8") (param i32) (result i32) (i32.extend8_s (local.get 0)))
    (func (export "ext32") (param i64) (result i64) (i64.extend32_s (local.get 0)))
  ))");
  BOOST_TEST(one(s, i, "div_s", {I32(uint32_t(-7)), I32(2)}) == uint32_t(-3));
  BOOST_TEST(trap_of(s, i, "div_s", {I32(0x80000000u), I32(uint32_t(-1))}) == "integer overflow");
  BOOST_TEST(trap_of(s, i, "div_s", {I32(1), I32(0)}) == "integer divide by zero");
  BOOST_TEST(one(s, i, "rem_s", {I32(0x80000000u), I32(uint32_t(-1))}) == 0u);
  BOOST_TEST(one(s, i, "rem_s", {I32(uint32_t(-7)), I32(2)}) == uint32_t(-1));
  BOOST_TEST(trap_of(s, i, "rem_s", {I32(1), I32(0)}) == "integer divide by zero");
  BOOST_TEST(one(s, i, "div_u64", {I64(~0ull), I64(2)}) == 0x7fffffffffffffffull);
  BOOST_TEST(one(s, i, "shl", {I32(1), I32(33)}) == 2u);
  BOOST_TEST(one(s, i, "shr_s", {I64(0x8000000000000000ull), I64(63 + 64)}) == ~0ull);
  BOOST_TEST(one(s, i, "rotl", {I32(0x80000001u), I32(1)}) == 3u);
  BOOST_TEST(one(s, i, "clz", {I32(0)}) == 32u);
  BOOST_TEST(one(s, i, "ctz64", {I64(0)}) == 64u);
  BOOST_TEST(one(s, i, "ext8", {I32(0x80)}) == 0xffffff80u);
  BOOST_TEST(one(s, i, "ext32", {I64(0x80000000ull)}) == 0xffffffff80000000ull);
}

// Every folded form a code/numeric.def row asks for (Id##Imm with the
// constant as b, or as a for a commutative op; Id##Imm64 for a wide
// constant; BrIf##Id and BrIf##Id##Imm through `if`, which branches on the
// negated compare) gives what the plain op gives on two locals.
BOOST_AUTO_TEST_CASE(numeric_forms_agree_with_the_plain_op) {
  std::vector<std::pair<Opcode, bool>> ops;  // op, has compare-and-branch forms
#define BINOP(Id, T, R, HasImm, HasImm64, Comm, expr) \
  TC_NUM_IF_##HasImm(ops.push_back({Opcode::Id, false});)
#define CMPOP(Id, T, HasImm, Comm, Br, Neg, expr) \
  TC_NUM_IF_##HasImm(ops.push_back({Opcode::Id, Br == 1});)
#include "interp/code/numeric.def"
  BOOST_REQUIRE_GE(ops.size(), 40u);
  const uint64_t values[] = {0, 1, 2, 31, 33, 63, 64, 0x7fffffff, 0x80000000, 0xffffffff,
                             0x123456789abcdefull, 0x8000000000000000ull, ~0ull, ~0ull - 40};
  size_t checked = 0;
  for (auto [op, br] : ops) {
    const OpInfo& info = op_info(op);
    bool wide = info.p1 == OpType::I64;
    std::string t = wide ? "i64" : "i32", r = info.r == OpType::I64 ? "i64" : "i32";
    std::string o(info.text), par = "(param " + t + ")", par2 = "(param " + t + " " + t + ")";
    auto V = [&](uint64_t v) { return wide ? I64(v) : I32(uint32_t(v)); };
    for (uint64_t c : values) {
      if (!wide) c = uint32_t(c);
      std::string k = "(" + t + ".const " + std::to_string(wide ? int64_t(c) : int64_t(int32_t(c))) + ")";
      std::string wat = "(module\n"
          "(func (export \"p\") " + par2 + " (result " + r + ") (" + o + " (local.get 0) (local.get 1)))\n"
          "(func (export \"b\") " + par + " (result " + r + ") (" + o + " (local.get 0) " + k + "))\n"
          "(func (export \"a\") " + par + " (result " + r + ") (" + o + " " + k + " (local.get 0)))\n";
      if (br)
        wat += "(func (export \"ib\") " + par + " (result i32) (if (result i32) (" + o + " (local.get 0) " + k +
               ") (then (i32.const 1)) (else (i32.const 0))))\n"
               "(func (export \"ip\") " + par2 + " (result i32) (if (result i32) (" + o +
               " (local.get 0) (local.get 1)) (then (i32.const 1)) (else (i32.const 0))))\n";
      wat += ")";
      Store s;
      auto* inst = instantiate(s, wat);
      for (uint64_t x : values) {
        if (!wide) x = uint32_t(x);
        uint64_t xc = one(s, inst, "p", {V(x), V(c)}), cx = one(s, inst, "p", {V(c), V(x)});
        BOOST_TEST_CONTEXT(o << " " << x << ", " << c) {
          BOOST_TEST(one(s, inst, "b", {V(x)}) == xc);
          BOOST_TEST(one(s, inst, "a", {V(x)}) == cx);
          if (br) {
            BOOST_TEST(one(s, inst, "ib", {V(x)}) == xc);
            BOOST_TEST(one(s, inst, "ip", {V(x), V(c)}) == xc);
          }
        }
        ++checked;
      }
    }
  }
  BOOST_TEST(checked == ops.size() * std::size(values) * std::size(values));
}

BOOST_AUTO_TEST_CASE(float_semantics) {
  Store s;
  auto* i = instantiate(s, R"((module
    (func (export "min") (param f32 f32) (result f32) (f32.min (local.get 0) (local.get 1)))
    (func (export "max") (param f64 f64) (result f64) (f64.max (local.get 0) (local.get 1)))
    (func (export "nearest") (param f32) (result f32) (f32.nearest (local.get 0)))
    (func (export "neg") (param f32) (result f32) (f32.neg (local.get 0)))
    (func (export "abs") (param f64) (result f64) (f64.abs (local.get 0)))
    (func (export "copysign") (param f32 f32) (result f32) (f32.copysign (local.get 0) (local.get 1)))
    (func (export "u64_to_f32") (param i64) (result f32) (f32.convert_i64_u (local.get 0)))
    (func (export "u64_to_f64") (param i64) (result f64) (f64.convert_i64_u (local.get 0)))
    (func (export "trunc_u") (param f32) (result i32) (i32.trunc_f32_u (local.get 0)))
    (func (export "trunc_s64") (param f64) (result i64) (i64.trunc_f64_s (local.get 0)))
    (func (export "trunc_s32_f64") (param f64) (result i32) (i32.trunc_f64_s (local.get 0)))
    (func (export "sat_s") (param f32) (result i32) (i32.trunc_sat_f32_s (local.get 0)))
    (func (export "sat_u64") (param f64) (result i64) (i64.trunc_sat_f64_u (local.get 0)))
    (func (export "demote") (param f64) (result f32) (f32.demote_f64 (local.get 0)))
    (func (export "floor") (param f32) (result f32) (f32.floor (local.get 0)))
    (func (export "roundtrip") (param f32) (result f32)
      (f32.reinterpret_i32 (i32.reinterpret_f32 (local.get 0))))
  ))");
  // Signed zeros and NaN in min/max.
  BOOST_TEST(one(s, i, "min", {F32(0.0f), F32(-0.0f)}) == 0x80000000u);
  BOOST_TEST(one(s, i, "max", {F64(-0.0), F64(0.0)}) == 0ull);
  uint32_t nan_min = uint32_t(one(s, i, "min", {Value::make_f32_bits(0x7fa00000u), F32(1.0f)}));
  BOOST_TEST((nan_min & 0x7fc00000u) == 0x7fc00000u);  // quiet NaN
  // Round half to even.
  BOOST_TEST(one(s, i, "nearest", {F32(2.5f)}) == 0x40000000u);   // 2.0
  BOOST_TEST(one(s, i, "nearest", {F32(-3.5f)}) == 0xc0800000u);  // -4.0
  // Bit-exact sign operations keep NaN payloads (even signalling ones).
  BOOST_TEST(one(s, i, "neg", {Value::make_f32_bits(0x7f800001u)}) == 0xff800001u);
  BOOST_TEST(one(s, i, "abs", {Value::make_f64_bits(0xfff0000000000001ull)}) == 0x7ff0000000000001ull);
  BOOST_TEST(one(s, i, "copysign", {Value::make_f32_bits(0x7fa00001u), F32(-1.0f)}) == 0xffa00001u);
  BOOST_TEST(one(s, i, "roundtrip", {Value::make_f32_bits(0x7f800123u)}) == 0x7f800123u);
  // u64 -> float rounds correctly (sticky bit beyond the halfway point).
  BOOST_TEST(one(s, i, "u64_to_f32", {I64(0x8000008000000001ull)}) == 0x5f000001u);
  BOOST_TEST(one(s, i, "u64_to_f32", {I64(0xffffffffffffffffull)}) == 0x5f800000u);
  BOOST_TEST(one(s, i, "u64_to_f64", {I64(0x8000000000000401ull)}) == 0x43e0000000000001ull);
  // Trapping and saturating truncations.
  BOOST_TEST(one(s, i, "trunc_u", {F32(-0.9f)}) == 0u);
  BOOST_TEST(trap_of(s, i, "trunc_u", {F32(-1.0f)}) == "integer overflow");
  BOOST_TEST(trap_of(s, i, "trunc_u", {F32(4294967296.0f)}) == "integer overflow");
  BOOST_TEST(trap_of(s, i, "trunc_u", {Value::make_f32_bits(0x7fc00000u)}) == "invalid conversion to integer");
  BOOST_TEST(one(s, i, "trunc_s32_f64", {F64(-2147483648.9)}) == 0x80000000u);
  BOOST_TEST(trap_of(s, i, "trunc_s32_f64", {F64(-2147483649.0)}) == "integer overflow");
  BOOST_TEST(trap_of(s, i, "trunc_s64", {F64(9223372036854775808.0)}) == "integer overflow");
  BOOST_TEST(one(s, i, "trunc_s64", {F64(-9223372036854775808.0)}) == 0x8000000000000000ull);
  BOOST_TEST(one(s, i, "sat_s", {F32(1e10f)}) == 0x7fffffffu);
  BOOST_TEST(one(s, i, "sat_s", {F32(-1e10f)}) == 0x80000000u);
  BOOST_TEST(one(s, i, "sat_s", {Value::make_f32_bits(0x7fc00000u)}) == 0u);
  BOOST_TEST(one(s, i, "sat_u64", {F64(-5.0)}) == 0ull);
  BOOST_TEST(one(s, i, "sat_u64", {F64(1e30)}) == ~0ull);
  BOOST_TEST(one(s, i, "demote", {F64(1e300)}) == 0x7f800000u);
  // Rounding a signalling NaN yields a quiet NaN.
  BOOST_TEST((one(s, i, "floor", {Value::make_f32_bits(0x7fa00000u)}) & 0x7fc00000u) == 0x7fc00000u);
}

BOOST_AUTO_TEST_CASE(traps_and_backtrace) {
  Store s;
  auto* i = instantiate(s, R"((module
    (type $v (func))
    (type $i (func (result i32)))
    (memory 1)
    (table 3 funcref)
    (elem (i32.const 0) $nop)
    (func $nop)
    (func $inner (export "unreachable") unreachable)
    (func $outer (export "nested") (call $inner))
    (func (export "load") (param i32) (result i32) (i32.load offset=4 (local.get 0)))
    (func (export "store8") (param i32) (i32.store8 (local.get 0) (i32.const 1)))
    (func (export "table") (param i32) (result funcref) (table.get (local.get 0)))
    (func (export "indirect") (param i32) (result i32) (call_indirect (type $i) (local.get 0)))
    (func (export "fill") (param i32 i32) (memory.fill (local.get 0) (i32.const 0) (local.get 1)))
  ))");
  BOOST_TEST(trap_of(s, i, "unreachable") == "unreachable");
  auto r = call(s, i, "nested");
  BOOST_REQUIRE(!r);
  BOOST_TEST(int(r.error().kind) == int(ErrorKind::Trap));
  BOOST_REQUIRE_EQUAL(r.error().backtrace.size(), 2u);
  const auto& bt = r.error().backtrace;
  BOOST_TEST(bt[0].name == "inner");  // innermost first
  BOOST_TEST(bt[1].name == "outer");
  BOOST_TEST((bt[0].has_offset && bt[1].has_offset));
  // Offsets: module bytes and from each function's first instruction.
  BOOST_TEST(bt[0].offset > bt[0].func_offset);
  BOOST_TEST(bt[0].offset != bt[1].offset);
  BOOST_TEST(one(s, i, "load", {I32(65532 - 4)}) == 0u);
  BOOST_TEST(trap_of(s, i, "load", {I32(65533 - 4)}) == "out of bounds memory access");
  BOOST_TEST(trap_of(s, i, "load", {I32(0xfffffffc)}) == "out of bounds memory access");  // no 32-bit wrap
  BOOST_TEST(trap_of(s, i, "store8", {I32(65536)}) == "out of bounds memory access");
  BOOST_TEST(trap_of(s, i, "table", {I32(3)}) == "out of bounds table access");
  BOOST_TEST(trap_of(s, i, "indirect", {I32(5)}).rfind("undefined element", 0) == 0u);
  BOOST_TEST(trap_of(s, i, "indirect", {I32(1)}).rfind("uninitialized element", 0) == 0u);
  BOOST_TEST(trap_of(s, i, "indirect", {I32(0)}) == "indirect call type mismatch");
  BOOST_TEST(trap_of(s, i, "fill", {I32(65535), I32(2)}) == "out of bounds memory access");
  BOOST_TEST(trap_of(s, i, "fill", {I32(65536), I32(0)}) == "no trap");  // n = 0 at the end is fine
}

BOOST_AUTO_TEST_CASE(lazy_compilation) {
  std::string wat = "(module (func $leaf (result i32) (i32.const 7))\n"
                    "(func (export \"caller\") (result i32) (call $leaf))\n";
  for (int k = 0; k < 1000; ++k) wat += "(func (result i32) (i32.const " + std::to_string(k) + "))\n";
  wat += ")";
  Store s;
  auto* i = instantiate(s, wat);
  BOOST_TEST(compiled_function_count(i) == 0u);  // instantiation compiles nothing
  BOOST_TEST(one(s, i, "caller") == 7u);
  BOOST_TEST(compiled_function_count(i) == 2u);  // caller and leaf only
  BOOST_TEST(one(s, i, "caller") == 7u);
  BOOST_TEST(compiled_function_count(i) == 2u);  // compiled once
}

BOOST_AUTO_TEST_CASE(call_depth_limit) {
  const char* wat = R"((module
    (func $down (export "down") (param i32) (result i32)
      (if (result i32) (i32.eqz (local.get 0))
        (then (i32.const 0))
        (else (i32.add (i32.const 1) (call $down (i32.sub (local.get 0) (i32.const 1)))))))
    (func $forever (export "forever") (call $forever))
  ))";
  EngineConfig cfg;
  cfg.max_call_depth = 100;
  Store s(cfg);
  auto* i = instantiate(s, wat);
  // down(n) uses n + 1 frames.
  BOOST_TEST(one(s, i, "down", {I32(99)}) == 99u);
  auto r = call(s, i, "down", {I32(100)});
  BOOST_REQUIRE(!r);
  BOOST_TEST(int(r.error().kind) == int(ErrorKind::Exhaustion));
  BOOST_TEST(r.error().message == "call stack exhausted");
  // The store is usable after exhaustion.
  BOOST_TEST(one(s, i, "down", {I32(50)}) == 50u);

  // A large limit: deep recursion on the own frame stack, never natively.
  EngineConfig big;
  big.max_call_depth = 200000;
  Store s2(big);
  auto* i2 = instantiate(s2, wat);
  BOOST_TEST(one(s2, i2, "down", {I32(150000)}) == 150000u);
  auto r2 = call(s2, i2, "forever");
  BOOST_REQUIRE(!r2);
  BOOST_TEST(r2.error().message == "call stack exhausted");
}

// EngineConfig::interrupt: a host entry and every loop iteration poll, and
// so does the entry of a function that loops or calls; a call into one that
// does neither (it ends within its own length) does not, and the caller's
// next poll stops the run. The same with poll points armed by a set flag
// (the fast code) and with Poll ops (the counted tiers).
void check_interrupt_points(bool counted) {
  std::atomic<int> flag{0};
  EngineConfig cfg;
  cfg.interrupt = &flag;
  cfg.exact_tier = counted;
  Store s(cfg);
  FuncInst* raise = s.add_host_func(
      FuncType{{}, {}},
      [&](HostContext&, std::span<const Value>, std::span<Value>) -> Expected<void> {
        flag = 1;
        return {};
      },
      "raise");
  auto* i = instantiate(s, R"((module
    (import "h" "raise" (func $raise))
    (func $leaf (export "leaf") (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))
    (func $down (export "down") (param i32) (result i32)
      (if (result i32) (i32.eqz (local.get 0))
        (then (i32.const 0))
        (else (call $down (i32.sub (local.get 0) (i32.const 1))))))
    (func $to_leaf (export "to_leaf") (result i32)
      (local i32)
      (loop $l
        (call $raise)
        (local.set 0 (call $leaf (local.get 0)))
        (br_if $l (i32.lt_u (local.get 0) (i32.const 3))))
      (local.get 0))
    (func $to_down (export "to_down") (result i32) (call $raise) (call $down (i32.const 3)))
  ))", {ExternVal{ExternKind::Func, raise}});
  auto stopped_in = [&](const char* name, std::vector<Value> args) {
    auto r = call(s, i, name, std::move(args));
    flag = 0;
    if (r) return std::string("no stop");
    BOOST_TEST(int(r.error().kind) == int(ErrorKind::Interrupted));
    return r.error().backtrace.empty() ? std::string("no frames") : r.error().backtrace[0].name;
  };
  BOOST_TEST(one(s, i, "leaf", {I32(1)}) == 2u);
  flag = 1;
  BOOST_TEST(stopped_in("leaf", {I32(1)}) == "leaf");  // entered from the host
  flag = 1;
  BOOST_TEST(stopped_in("down", {I32(5)}) == "down");
  // raise, then the call into $leaf runs it; the loop's header stops.
  BOOST_TEST(stopped_in("to_leaf", {}) == "to_leaf");
  // raise, then the first call into $down stops at its entry.
  BOOST_TEST(stopped_in("to_down", {}) == "down");
  BOOST_TEST(one(s, i, "down", {I32(4)}) == 0u);  // the store goes on
}
BOOST_AUTO_TEST_CASE(interrupt_polls_where_execution_could_go_on) { check_interrupt_points(false); }
BOOST_AUTO_TEST_CASE(interrupt_polls_in_the_counted_tiers_too) { check_interrupt_points(true); }

// A flag set from another thread while a loop runs without calling the
// host: the watcher arms the poll points. The state machine's branches to
// its loop's br_table are threaded past that header (no fuel here to keep
// them apart): their new targets must poll instead. A loop that is never
// stopped ends the test binary by SIGALRM after 30 s: a failure, not a hang.
BOOST_AUTO_TEST_CASE(interrupt_from_another_thread_stops_a_busy_loop) {
  for (const char* name : {"spin", "machine"}) {
    std::atomic<int> flag{0};
    EngineConfig cfg;
    cfg.interrupt = &flag;
    Store s(cfg);
    auto* i = instantiate(s, R"((module
      (func $spin (export "spin") (param i32) (result i32)
        (loop $l (local.set 0 (i32.add (local.get 0) (i32.const 1))) (br $l))
        (local.get 0))
      (func $machine (export "machine") (param i32) (result i32)
        (local $s i32)
        (loop $l
          (block $b1 (block $b0 (br_table $b0 $b1 (local.get $s)))
            (local.set 0 (i32.add (local.get 0) (i32.const 1)))
            (local.set $s (i32.const 1))
            (br $l))
          (local.set $s (i32.const 0))
          (br $l))
        (local.get 0))
    ))");
    std::thread setter([&] {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      flag = 1;
    });
    alarm(30);
    auto r = call(s, i, name, {I32(0)});
    alarm(0);
    setter.join();
    BOOST_REQUIRE(!r);
    BOOST_TEST(int(r.error().kind) == int(ErrorKind::Interrupted), name);
    BOOST_REQUIRE(!r.error().backtrace.empty());
    BOOST_TEST(r.error().backtrace[0].name == name);
  }
}

BOOST_AUTO_TEST_CASE(multi_value) {
  Store s;
  auto* i = instantiate(s, R"((module
    (func $three (export "three") (param i32) (result i32 i64 f32)
      (local.get 0) (i64.const -1) (f32.const 1.5))
    (func (export "swap") (param i32 i32) (result i32 i32) (local.get 1) (local.get 0))
    (func (export "sub_swapped") (param i32 i32) (result i32)
      (local.get 0) (local.get 1)
      (block (param i32 i32) (result i32 i32) (call 1))
      (i32.sub))
    (func (export "br_values") (param i32) (result i32 i32)
      (block $out (result i32 i32)
        (i32.const 10) (i32.const 20)
        (block (param i32 i32) (result i32 i32)
          (br_if $out (local.get 0))
          (drop) (drop) (i32.const 1) (i32.const 2))))
    (func (export "table") (param i32) (result i32 i32)
      (block $a (result i32 i32)
        (block $b (result i32 i32)
          (i32.const 7) (i32.const 8) (local.get 0)
          (br_table $a $b $a))
        (i32.add) (i32.const 100)))
    (func (export "loop_params") (param i32) (result i32)
      (i32.const 0) (local.get 0)
      (loop $l (param i32 i32) (result i32)  ;; (acc, n) -> acc + n + ... + 1
        (local.set 0)
        (local.get 0) (i32.add)
        (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))
        (br_if $l (local.get 0))
        (drop)))
  ))");
  auto r = call(s, i, "three", {I32(42)});
  BOOST_REQUIRE(r);
  BOOST_REQUIRE_EQUAL(r->size(), 3u);
  BOOST_TEST((*r)[0].i32 == 42u);
  BOOST_TEST((*r)[1].i64 == ~0ull);
  BOOST_TEST((*r)[2].f32 == 0x3fc00000u);
  BOOST_TEST(one(s, i, "sub_swapped", {I32(3), I32(10)}) == 7u);
  auto b1 = call(s, i, "br_values", {I32(1)});
  BOOST_REQUIRE(b1);
  BOOST_TEST((*b1)[0].i32 == 10u);
  BOOST_TEST((*b1)[1].i32 == 20u);
  auto b0 = call(s, i, "br_values", {I32(0)});
  BOOST_REQUIRE(b0);
  BOOST_TEST((*b0)[0].i32 == 1u);
  BOOST_TEST((*b0)[1].i32 == 2u);
  auto t0 = call(s, i, "table", {I32(0)});
  BOOST_REQUIRE(t0);
  BOOST_TEST((*t0)[0].i32 == 7u);
  BOOST_TEST((*t0)[1].i32 == 8u);
  auto t1 = call(s, i, "table", {I32(1)});
  BOOST_REQUIRE(t1);
  BOOST_TEST((*t1)[0].i32 == 15u);
  BOOST_TEST((*t1)[1].i32 == 100u);
  auto t9 = call(s, i, "table", {I32(9)});  // default
  BOOST_REQUIRE(t9);
  BOOST_TEST((*t9)[0].i32 == 7u);
  BOOST_TEST(one(s, i, "loop_params", {I32(5)}) == 15u);
  BOOST_TEST(one(s, i, "loop_params", {I32(1000)}) == 500500u);
}

BOOST_AUTO_TEST_CASE(call_indirect_across_instances) {
  Store s;
  auto* a = instantiate(s, R"((module
    (type $bin (func (param i32 i32) (result i32)))
    (table (export "tab") 4 funcref)
    (memory (export "mem") 1)
    (func $add (type $bin) (i32.add (local.get 0) (local.get 1)))
    (func $sto (param i32) (i32.store (i32.const 0) (local.get 0)))
    (elem (i32.const 0) $add $sto)
    (func (export "call") (param i32 i32 i32) (result i32)
      (call_indirect (type $bin) (local.get 1) (local.get 2) (local.get 0)))
    (func (export "peek") (result i32) (i32.load (i32.const 0)))
  ))");
  auto tab = a->find_export("tab");
  // B declares the same type structurally (different index, different module)
  // and installs its own function, which uses B's memory, in A's table.
  auto* b = instantiate(s, R"((module
    (import "a" "tab" (table 4 funcref))
    (type $other (func (param f32)))
    (type $bin (func (param i32 i32) (result i32)))
    (memory 1)
    (func $mul (type $bin)
      (i32.store (i32.const 0) (i32.const 99))
      (i32.mul (local.get 0) (local.get 1)))
    (elem (i32.const 2) $mul)
    (func (export "call") (param i32 i32 i32) (result i32)
      (call_indirect (type $bin) (local.get 1) (local.get 2) (local.get 0)))
    (func (export "peek") (result i32) (i32.load (i32.const 0)))
  ))", {*tab});
  BOOST_TEST(one(s, a, "call", {I32(0), I32(3), I32(4)}) == 7u);
  BOOST_TEST(one(s, a, "call", {I32(2), I32(3), I32(4)}) == 12u);  // B's function from A
  BOOST_TEST(one(s, b, "call", {I32(0), I32(5), I32(6)}) == 11u);  // A's function from B
  BOOST_TEST(one(s, b, "peek") == 99u);  // $mul wrote B's memory, not A's
  BOOST_TEST(one(s, a, "peek") == 0u);
  BOOST_TEST(trap_of(s, b, "call", {I32(1), I32(0), I32(0)}) == "indirect call type mismatch");
}

BOOST_AUTO_TEST_CASE(sizes_beyond_the_limits_fail_to_instantiate) {
  // A table of 2^32 - 1 elements validates; allocating it threw std::bad_alloc.
  Store s;
  auto t = s.instantiate(load("(module (table 0xffffffff funcref))"), std::vector<ExternVal>{});
  BOOST_REQUIRE(!t.has_value());
  BOOST_TEST(t.error().message == "table allocation failed");
  BOOST_TEST(s.add_table(TableType{ValType::FuncRef, Limits{0xffffffff, {}}}) == nullptr);
  BOOST_TEST(s.add_table(TableType{ValType::FuncRef, Limits{10, {}}}) != nullptr);
  // max_memory_pages caps the initial size too (it used to start at the minimum).
  EngineConfig cfg;
  cfg.max_memory_pages = 4;
  Store c(cfg);
  auto m = c.instantiate(load("(module (memory 5))"), std::vector<ExternVal>{});
  BOOST_REQUIRE(!m.has_value());
  BOOST_TEST(m.error().message == "memory allocation failed");
  BOOST_TEST(c.add_memory(MemoryType{Limits{5, {}}}) == nullptr);
  BOOST_TEST(c.instantiate(load("(module (memory 4))"), std::vector<ExternVal>{}).has_value());
}

BOOST_AUTO_TEST_CASE(memory_grow) {
  EngineConfig cfg;
  cfg.max_memory_pages = 5;
  Store s(cfg);
  auto* i = instantiate(s, R"((module
    (memory (export "mem") 1 10)
    (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
    (func (export "size") (result i32) (memory.size))
    (func (export "store") (param i32 i32) (i32.store (local.get 0) (local.get 1)))
    (func (export "load") (param i32) (result i32) (i32.load (local.get 0)))
  ))");
  BOOST_TEST(one(s, i, "size") == 1u);
  BOOST_TEST(trap_of(s, i, "store", {I32(65536), I32(1)}) == "out of bounds memory access");
  BOOST_TEST(one(s, i, "grow", {I32(2)}) == 1u);
  BOOST_TEST(one(s, i, "size") == 3u);
  BOOST_TEST(trap_of(s, i, "store", {I32(3 * 65536 - 4), I32(0xabcd)}) == "no trap");
  BOOST_TEST(one(s, i, "load", {I32(3 * 65536 - 4)}) == 0xabcdu);
  BOOST_TEST(one(s, i, "load", {I32(2 * 65536)}) == 0u);  // new pages are zeroed
  BOOST_TEST(one(s, i, "grow", {I32(3)}) == 0xffffffffu);  // config max is 5 pages
  BOOST_TEST(one(s, i, "grow", {I32(2)}) == 3u);
  BOOST_TEST(one(s, i, "grow", {I32(0)}) == 5u);
  BOOST_TEST(one(s, i, "grow", {I32(0x10000)}) == 0xffffffffu);
  auto mem = i->exported_memory("mem");
  BOOST_REQUIRE(mem);
  BOOST_TEST(Store::memory_size_bytes(mem) == 5u * 65536);
  BOOST_TEST(Store::memory_data(mem)[3 * 65536 - 4] == 0xcd);
}

BOOST_AUTO_TEST_CASE(host_functions) {
  Store s;
  int calls = 0;
  FuncInst* add = s.add_host_func(
      FuncType{{ValType::I32, ValType::I32}, {ValType::I32}},
      [&](HostContext&, std::span<const Value> args, std::span<Value> res) -> Expected<void> {
        ++calls;
        res[0] = Value::make_i32(args[0].i32 + args[1].i32);
        return {};
      },
      "add");
  FuncInst* fail = s.add_host_func(
      FuncType{{}, {}},
      [](HostContext&, std::span<const Value>, std::span<Value>) -> Expected<void> {
        return make_error(ErrorKind::Trap, "host says no");
      },
      "fail");
  FuncInst* bye = s.add_host_func(
      FuncType{{ValType::I32}, {}},
      [](HostContext&, std::span<const Value> args, std::span<Value>) -> Expected<void> {
        Error e = make_error(ErrorKind::Exit, "exit");
        e.code = int(args[0].i32);
        return e;
      },
      "exit");
  // Re-enters the store: calls the guest's "twice" export from the host.
  Instance* guest = nullptr;
  FuncInst* reenter = s.add_host_func(
      FuncType{{ValType::I32}, {ValType::I32}},
      [&](HostContext& ctx, std::span<const Value> args, std::span<Value> res) -> Expected<void> {
        BOOST_TEST(ctx.caller == guest);
        std::vector<Value> a{args[0]};
        auto r = ctx.store.invoke(guest->find_export("twice")->func, a);
        if (!r) return std::move(r.error());
        res[0] = (*r)[0];
        return {};
      },
      "reenter");
  ExternVal e_add{ExternKind::Func, add}, e_fail{ExternKind::Func, fail},
      e_bye{ExternKind::Func, bye}, e_re{ExternKind::Func, reenter};
  guest = instantiate(s, R"((module
    (import "env" "add" (func $add (param i32 i32) (result i32)))
    (import "env" "fail" (func $fail))
    (import "env" "exit" (func $exit (param i32)))
    (import "env" "reenter" (func $reenter (param i32) (result i32)))
    (memory 1)
    (func (export "sum3") (param i32 i32 i32) (result i32)
      (call $add (call $add (local.get 0) (local.get 1)) (local.get 2)))
    (func $twice (export "twice") (param i32) (result i32)
      (if (result i32) (i32.gt_u (local.get 0) (i32.const 100))
        (then (call $fail) (i32.const 0))
        (else (i32.mul (local.get 0) (i32.const 2)))))
    (func (export "via_host") (param i32) (result i32)
      (i32.add (i32.const 1) (call $reenter (local.get 0))))
    (func (export "quit") (call $exit (i32.const 3)) unreachable)
  ))", {e_add, e_fail, e_bye, e_re});
  BOOST_TEST(one(s, guest, "sum3", {I32(1), I32(2), I32(3)}) == 6u);
  BOOST_TEST(calls == 2);
  BOOST_TEST(one(s, guest, "via_host", {I32(20)}) == 41u);
  auto r = call(s, guest, "via_host", {I32(200)});  // trap inside the nested invocation
  BOOST_REQUIRE(!r);
  BOOST_TEST(r.error().message == "host says no");
  BOOST_TEST(one(s, guest, "via_host", {I32(5)}) == 11u);  // still usable
  auto q = call(s, guest, "quit");
  BOOST_REQUIRE(!q);
  BOOST_TEST(int(q.error().kind) == int(ErrorKind::Exit));
  BOOST_TEST(q.error().code == 3);
  // Host functions can be invoked directly too.
  std::vector<Value> args{I32(4), I32(5)};
  auto d = s.invoke(add, args);
  BOOST_REQUIRE(d);
  BOOST_TEST((*d)[0].i32 == 9u);
  // Wrong argument types are a usage error.
  std::vector<Value> bad{I64(4), I32(5)};
  BOOST_TEST(int(s.invoke(add, bad).error().kind) == int(ErrorKind::Usage));
}

BOOST_AUTO_TEST_CASE(instantiation_rules) {
  Store s;
  auto* a = instantiate(s, R"((module
    (memory (export "mem") 1)
    (table (export "tab") 2 funcref)
    (global (export "g") (mut i32) (i32.const 5))
    (global (export "c") i32 (i32.const 40))
    (func (export "f") (param i32))
  ))");
  ExternVal mem = *a->find_export("mem"), tab = *a->find_export("tab"),
            g = *a->find_export("g"), cg = *a->find_export("c"), f = *a->find_export("f");
  auto bad = [&](const char* wat, std::vector<ExternVal> imps) {
    auto r = s.instantiate(load(wat), imps);
    return r ? std::string("ok") : r.error().message;
  };
  BOOST_TEST(bad("(module (import \"a\" \"f\" (func (param i64))))", {f}) == "incompatible import type");
  BOOST_TEST(bad("(module (import \"a\" \"f\" (func (param i32))))", {f}) == "ok");
  BOOST_TEST(bad("(module (import \"a\" \"g\" (global i32)))", {g}) == "incompatible import type");
  BOOST_TEST(bad("(module (import \"a\" \"g\" (global (mut i32))))", {g}) == "ok");
  BOOST_TEST(bad("(module (import \"a\" \"m\" (memory 2)))", {mem}) == "incompatible import type");
  BOOST_TEST(bad("(module (import \"a\" \"m\" (memory 1 2)))", {mem}) == "incompatible import type");
  BOOST_TEST(bad("(module (import \"a\" \"m\" (memory 0)))", {mem}) == "ok");
  BOOST_TEST(bad("(module (import \"a\" \"t\" (table 1 funcref)))", {tab}) == "ok");
  BOOST_TEST(bad("(module (import \"a\" \"t\" (table 1 externref)))", {tab}) == "incompatible import type");
  BOOST_TEST(bad("(module (import \"a\" \"m\" (memory 0)))", {f}) == "incompatible import type");
  auto unknown = s.instantiate(load("(module (import \"x\" \"y\" (func)))"),
                               ImportResolver([](std::string_view, std::string_view) {
                                 return std::optional<ExternVal>();
                               }));
  BOOST_REQUIRE(!unknown);
  BOOST_TEST(unknown.error().message == "unknown import");
  BOOST_TEST(int(unknown.error().kind) == int(ErrorKind::Unlinkable));

  // A failing data segment keeps the writes made before it (spec 2.0).
  auto r = s.instantiate(load(R"((module
    (import "a" "mem" (memory 1))
    (import "a" "g" (global $g (mut i32)))
    (data (i32.const 10) "\2a")
    (data (i32.const 65536) "x")
  ))"), {mem, g});
  BOOST_REQUIRE(!r);
  BOOST_TEST(r.error().message == "out of bounds memory access");
  BOOST_TEST(Store::memory_data(mem.memory)[10] == 0x2a);

  // Globals initialised from imported globals; the start function runs.
  auto* c = instantiate(s, R"((module
    (import "a" "g" (global $g (mut i32)))
    (import "a" "c" (global $c i32))
    (global $h i32 (global.get $c))
    (func $start (global.set $g (i32.add (global.get $h) (i32.const 2))))
    (start $start)
  ))", {g, cg});
  (void)c;
  BOOST_TEST(Store::global_get(g.global).i32 == 42u);
}

// Out-of-bounds loads and stores at the edges, with big offsets, after
// memory.grow, from a nested frame and from a re-entered store: the same
// results with guard pages (fault handler) and with explicit checks.
namespace {

void check_memory_edges(bool guard_pages) {
  EngineConfig cfg;
  cfg.guard_pages = guard_pages;
  Store s(cfg);
  Instance* guest = nullptr;
  int host_traps = 0;
  FuncInst* host = s.add_host_func(
      FuncType{{ValType::I32}, {}},
      [&](HostContext& ctx, std::span<const Value> args, std::span<Value>) -> Expected<void> {
        std::vector<Value> a{args[0]};
        auto r = ctx.store.invoke(guest->find_export("load32")->func, a);  // a nested activation
        if (!r && r.error().message == "out of bounds memory access") ++host_traps;
        return {};
      },
      "probe");
  guest = instantiate(s, R"((module
    (import "env" "probe" (func $probe (param i32)))
    (memory (export "mem") 1 3)
    (func (export "load32") (param i32) (result i32) (i32.load (local.get 0)))
    (func (export "load64") (param i32) (result i64) (i64.load (local.get 0)))
    (func (export "load8") (param i32) (result i32) (i32.load8_u (local.get 0)))
    (func (export "load_off") (param i32) (result i32) (i32.load offset=0xffffffff (local.get 0)))
    (func (export "load16_off") (param i32) (result i32) (i32.load16_s offset=65534 (local.get 0)))
    (func (export "store32") (param i32 i32) (i32.store (local.get 0) (local.get 1)))
    (func (export "store64") (param i32 i64) (i64.store (local.get 0) (local.get 1)))
    (func (export "store8") (param i32 i32) (i32.store8 (local.get 0) (local.get 1)))
    (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
    (func $deep (param i32) (result i32) (i32.load (local.get 0)))
    (func (export "nested") (param i32) (result i32) (call $deep (local.get 0)))
    (func (export "via_host") (param i32) (result i32)
      (call $probe (local.get 0))
      (i32.load (local.get 0)))
  ))", {ExternVal{ExternKind::Func, host}});
  auto mem = guest->exported_memory("mem");
  BOOST_REQUIRE(mem);
  BOOST_TEST(mem->mem.guarded() == (guard_pages && guard_pages_available()));
  const std::string oob = "out of bounds memory access";

  BOOST_TEST(one(s, guest, "load32", {I32(65532)}) == 0u);
  BOOST_TEST(trap_of(s, guest, "load32", {I32(65533)}) == oob);
  BOOST_TEST(trap_of(s, guest, "load32", {I32(65536)}) == oob);
  BOOST_TEST(trap_of(s, guest, "load32", {I32(0xffffffff)}) == oob);
  BOOST_TEST(one(s, guest, "load64", {I32(65528)}) == 0u);
  BOOST_TEST(trap_of(s, guest, "load64", {I32(65529)}) == oob);
  BOOST_TEST(one(s, guest, "load8", {I32(65535)}) == 0u);
  BOOST_TEST(trap_of(s, guest, "load8", {I32(65536)}) == oob);
  BOOST_TEST(trap_of(s, guest, "load_off", {I32(0)}) == oob);
  BOOST_TEST(trap_of(s, guest, "load_off", {I32(0xffffffff)}) == oob);  // ea near 2^33
  BOOST_TEST(one(s, guest, "load16_off", {I32(0)}) == 0u);
  BOOST_TEST(trap_of(s, guest, "load16_off", {I32(1)}) == oob);

  // A store that straddles the end traps and writes nothing.
  BOOST_TEST(trap_of(s, guest, "store32", {I32(65532), I32(0x11223344)}) == "no trap");
  BOOST_TEST(trap_of(s, guest, "store64", {I32(65532), I64(0x5566778899aabbccull)}) == oob);
  BOOST_TEST(one(s, guest, "load32", {I32(65532)}) == 0x11223344u);
  BOOST_TEST(trap_of(s, guest, "store8", {I32(65536), I32(1)}) == oob);
  BOOST_TEST(trap_of(s, guest, "store32", {I32(0xfffffffe), I32(1)}) == oob);

  // Backtrace of a trap in a nested frame.
  auto r = call(s, guest, "nested", {I32(70000)});
  BOOST_REQUIRE(!r);
  BOOST_TEST(r.error().message == oob);
  BOOST_TEST(r.error().backtrace.size() == 2u);

  // Many traps in a row (the signal must not stay blocked).
  for (int k = 0; k < 50; ++k) BOOST_REQUIRE(trap_of(s, guest, "load32", {I32(65536 + k)}) == oob);

  // After memory.grow the new page is accessible, the one after is not.
  BOOST_TEST(one(s, guest, "grow", {I32(1)}) == 1u);
  BOOST_TEST(one(s, guest, "load32", {I32(65536)}) == 0u);
  BOOST_TEST(one(s, guest, "load8", {I32(131071)}) == 0u);
  BOOST_TEST(trap_of(s, guest, "store32", {I32(131070), I32(7)}) == oob);
  BOOST_TEST(trap_of(s, guest, "load8", {I32(131072)}) == oob);
  BOOST_TEST(trap_of(s, guest, "store32", {I32(131068), I32(7)}) == "no trap");
  BOOST_TEST(one(s, guest, "grow", {I32(1)}) == 2u);
  BOOST_TEST(one(s, guest, "load64", {I32(3 * 65536 - 8)}) == 0u);
  BOOST_TEST(trap_of(s, guest, "load64", {I32(3 * 65536 - 7)}) == oob);
  BOOST_TEST(one(s, guest, "grow", {I32(1)}) == 0xffffffffu);  // max 3 pages
  BOOST_TEST(trap_of(s, guest, "load8", {I32(3 * 65536)}) == oob);

  // A trap inside a host-entered activation leaves the outer one armed.
  BOOST_TEST(trap_of(s, guest, "via_host", {I32(3 * 65536)}) == oob);
  BOOST_TEST(host_traps == 1);
  BOOST_TEST(one(s, guest, "via_host", {I32(131068)}) == 7u);
  BOOST_TEST(host_traps == 1);
}

}  // namespace

BOOST_AUTO_TEST_CASE(memory_bounds_guard_pages) { check_memory_edges(true); }
BOOST_AUTO_TEST_CASE(memory_bounds_explicit_checks) { check_memory_edges(false); }

// Multi-memory and memory64: memory 0 (32-bit, guard-paged when it can be)
// keeps its own handlers; memory 1 and an i64 memory get explicit bounds
// checks on 64-bit effective addresses, each memory its own size.
BOOST_AUTO_TEST_CASE(other_memories_have_their_own_bounds) {
  for (bool guard : {true, false}) {
    EngineConfig config;
    config.guard_pages = guard;
    Store s(config);
    Instance* i = instantiate(s, R"((module
      (memory $a 1)
      (memory $b 2)
      (memory $w i64 1)
      (data (memory $b) (i32.const 65536) "\2a")
      (data (memory $w) (i64.const 8) "\07")
      (func (export "load_a") (param i32) (result i32) (i32.load8_u $a (local.get 0)))
      (func (export "load_b") (param i32) (result i32) (i32.load8_u $b (local.get 0)))
      (func (export "load_b32") (param i32) (result i32) (i32.load $b offset=8 (local.get 0)))
      (func (export "load_w") (param i64) (result i64) (i64.load8_u $w (local.get 0)))
      (func (export "load_w_off") (param i64) (result i64)
        (i64.load8_u $w offset=0xffff_ffff_ffff_fff0 (local.get 0)))
      (func (export "store_w") (param i64 i32) (i32.store $w (local.get 0) (local.get 1)))
      (func (export "copy_b_to_w") (param i64 i32 i32) (memory.copy $w $b (local.get 0) (local.get 1) (local.get 2)))
      (func (export "grow_w") (param i64) (result i64) (memory.grow $w (local.get 0)))
      (func (export "size") (result i32)
        (i32.add (memory.size $a) (i32.mul (i32.const 10) (memory.size $b))))
    ))");
    const std::string oob = "out of bounds memory access";
    BOOST_TEST(one(s, i, "size") == 21u);
    BOOST_TEST(one(s, i, "load_b", {I32(65536)}) == 42u);
    BOOST_TEST(trap_of(s, i, "load_a", {I32(65536)}) == oob);  // memory 0 has one page
    BOOST_TEST(one(s, i, "load_b", {I32(131071)}) == 0u);
    BOOST_TEST(trap_of(s, i, "load_b", {I32(131072)}) == oob);
    BOOST_TEST(trap_of(s, i, "load_b32", {I32(131064)}) == oob);
    BOOST_TEST(one(s, i, "load_b32", {I32(131060)}) == 0u);
    BOOST_TEST(trap_of(s, i, "load_b32", {I32(0xfffffffc)}) == oob);  // no 32-bit wrap
    BOOST_TEST(one(s, i, "load_w", {I64(8)}) == 7u);
    BOOST_TEST(trap_of(s, i, "load_w", {I64(65536)}) == oob);
    BOOST_TEST(trap_of(s, i, "load_w", {I64(0x1'0000'0008ull)}) == oob);  // high bits count
    BOOST_TEST(trap_of(s, i, "load_w_off", {I64(0x18)}) == oob);  // addr + offset overflows
    BOOST_TEST(trap_of(s, i, "store_w", {I64(65533), I32(1)}) == oob);
    BOOST_TEST(trap_of(s, i, "store_w", {I64(65532), I32(0x01020304)}) == "no trap");
    BOOST_TEST(one(s, i, "load_w", {I64(65535)}) == 1u);
    BOOST_TEST(trap_of(s, i, "copy_b_to_w", {I64(0), I32(65536), I32(1)}) == "no trap");
    BOOST_TEST(one(s, i, "load_w", {I64(0)}) == 42u);
    BOOST_TEST(trap_of(s, i, "copy_b_to_w", {I64(65535), I32(0), I32(2)}) == oob);
    BOOST_TEST(one(s, i, "grow_w", {I64(1)}) == 1u);
    BOOST_TEST(one(s, i, "load_w", {I64(65536)}) == 0u);
    BOOST_TEST(one(s, i, "grow_w", {I64(0x1'0000'0000ull)}) == ~uint64_t(0));  // -1
  }
}

// A fault outside any linear memory still kills the process while the
// guard-page handler is installed.
BOOST_AUTO_TEST_CASE(guard_pages_keep_real_crashes) {
  Store s;
  auto* i = instantiate(s, "(module (memory 1) (func (export \"f\") (result i32) (i32.load (i32.const 0))))");
  BOOST_TEST(one(s, i, "f") == 0u);  // the handler is installed by now
  pid_t pid = fork();
  BOOST_REQUIRE(pid >= 0);
  if (pid == 0) {
    // Take the test framework's handler out of the chain; the next call
    // into wasm reinstalls ours on top of the default action.
    signal(SIGSEGV, SIG_DFL);
    if (one(s, i, "f") != 0) _exit(2);
    void* page = mmap(nullptr, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (page == MAP_FAILED) _exit(3);
    *static_cast<volatile int*>(page) = 1;  // not inside any linear memory
    _exit(0);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  BOOST_TEST(WIFSIGNALED(status));
  BOOST_TEST((WIFSIGNALED(status) ? WTERMSIG(status) : 0) == SIGSEGV);
}

// A valid function may declare ~2^31 locals; calling it must fail with
// "call stack exhausted" (before the fix it first built per-local tables:
// 38 s and 10 GB of memory).
BOOST_AUTO_TEST_CASE(huge_local_count_exhausts_quickly) {
  using namespace tc::test;
  // One function: 2^31-1 i32 locals; local.get 0; end.
  Bytes body = cat({{0x01}, leb(0x7fffffff), {0x7f, 0x20, 0x00, 0x0b}});
  Bytes bin = module({section(1, {1, 0x60, 0, 1, 0x7f}), section(3, {1, 0}),
                      section(7, {1, 1, 'f', 0, 0}),
                      section(10, cat({{1}, leb(body.size()), body}))});
  auto mod = tc::wasm::load_module(bin);
  BOOST_REQUIRE(mod.has_value());
  tc::wasm::Store store;
  auto inst = store.instantiate(*mod, std::vector<tc::wasm::ExternVal>{});
  BOOST_REQUIRE(inst.has_value());
  auto r = store.invoke((*inst)->find_export("f")->func, {});
  BOOST_REQUIRE(!r.has_value());
  BOOST_TEST(r.error().message == "call stack exhausted");
}

// Fused pairs, triples and quads (compile/fuse_pairs.hpp): a fused group
// keeps each member's own handler word, so a branch into the group runs
// from there, and a fault in a later member reports that member's offset.
namespace {

size_t count_op(FuncInst* f, IOp op) {
  BOOST_REQUIRE(f->code);
  const uint32_t h = uint32_t(handler_offsets()[size_t(op)]);
  size_t n = 0;
  for (uint32_t at : f->code->map_code) n += f->code->code[at] == h;
  return n;
}

}  // namespace

BOOST_AUTO_TEST_CASE(fused_pairs) {
  const char* wat = R"((module
    (memory (export "mem") 1)
    ;; Byte copy, unrolled by two: load8/store8 pairs with immediate offsets.
    (func (export "copy") (param $d i32) (param $s i32) (param $n i32)
      (loop $l
        (i32.store8 offset=0 (i32.add (local.get $d) (i32.const 1))
          (i32.load8_u (i32.add (local.get $s) (i32.const 1))))
        (i32.store8 offset=0 (i32.add (local.get $d) (i32.const 0))
          (i32.load8_u (i32.add (local.get $s) (i32.const 0))))
        (local.set $d (i32.add (local.get $d) (i32.const 2)))
        (local.set $s (i32.add (local.get $s) (i32.const 2)))
        (br_if $l (local.tee $n (i32.add (local.get $n) (i32.const -2))))))
    ;; The loop starts at the second add of an add/add pair: the back edge
    ;; must run only that add.
    (func (export "sum") (param $n i32) (result i32) (local $a i32) (local $b i32)
      (local.set $a (i32.add (local.get $n) (local.get $n)))
      (loop $l
        (local.set $b (i32.add (local.get $b) (local.get $n)))
        (local.set $n (i32.add (local.get $n) (i32.const -1)))
        (br_if $l (local.get $n)))
      (i32.add (local.get $a) (local.get $b)))
    ;; Read-modify-write: load, add, store fuse into one chained triple.
    (func (export "rmw") (param $p i32) (param $x f64) (result f64)
      (f64.store (local.get $p) (f64.add (f64.load (local.get $p)) (local.get $x)))
      (f64.load (local.get $p)))
  ))";
  auto run = [&](bool guard) {
    EngineConfig cfg;
    cfg.guard_pages = guard;
    Store s(cfg);
    Instance* i = instantiate(s, wat);
    auto mem = i->exported_memory("mem");
    for (uint32_t k = 0; k < 16; ++k) mem->mem.data()[k] = uint8_t(k + 1);
    BOOST_TEST(trap_of(s, i, "copy", {I32(100), I32(0), I32(16)}) == "no trap");
    for (uint32_t k = 0; k < 16; ++k) BOOST_TEST(mem->mem.data()[100 + k] == k + 1);
    BOOST_TEST(one(s, i, "sum", {I32(10)}) == 20u + 55u);
    BOOST_TEST(one(s, i, "rmw", {I32(200), F64(1.5)}) == std::bit_cast<uint64_t>(1.5));
    BOOST_TEST(one(s, i, "rmw", {I32(200), F64(2.25)}) == std::bit_cast<uint64_t>(3.75));
    BOOST_TEST(trap_of(s, i, "rmw", {I32(65536 - 7), F64(1.0)}) == "out of bounds memory access");
    // The store half of the last pair faults: bytes before it were copied.
    auto r = call(s, i, "copy", {I32(65536 - 5), I32(0), I32(8)});
    BOOST_REQUIRE(!r);
    BOOST_TEST(r.error().message == "out of bounds memory access");
    BOOST_TEST(mem->mem.data()[65534] == 4u);
    BOOST_TEST(mem->mem.data()[65535] == 0u);
    BOOST_REQUIRE(!r.error().backtrace.empty());
    const TraceFrame& top = r.error().backtrace[0];
    std::string where = top.name + "+" + std::to_string(top.func_offset);
    if (guard && mem->mem.guarded()) {
      FuncInst* copy = func(i, "copy");
      // Both load/store pairs run in one dispatch, each loaded byte going to
      // its store in a register (its slot dies there).
      BOOST_TEST(count_op(copy, IOp::I32Load8UGI_I32Store8GI_I32Load8UGI_I32Store8GI_11) == 1u);
      BOOST_TEST(count_op(func(i, "sum"), IOp::I32Add_I32Add) == 1u);
      // Both values pass in registers: the load's into word 2 of the add,
      // the add's into word 2 (the value) of the store.
      BOOST_TEST(count_op(func(i, "rmw"), IOp::F64LoadG_F64Add_F64StoreG_22) == 1u);
    }
    return where;
  };
  // Same backtrace position with fused guarded ops and with explicit checks.
  BOOST_TEST(run(true) == run(false));
}

// A single result is returned from where it is (compiler.cpp,
// emit_return): from its local, or computed straight into slot 0, which may
// be an operand of the instruction computing it; never a Copy first. Two
// results, and results of a call, go through the operand stack as before.
BOOST_AUTO_TEST_CASE(return_forms) {
  Store s;
  auto* i = instantiate(s, R"((module
    (func $two (result i32 i32) (i32.const 3) (i32.const 4))
    (func (export "local") (param i32 i32) (result i32) (local.get 1))
    (func (export "early") (param i32 i32) (result i32)
      (block (br_if 0 (local.get 0)) (return (local.get 1)))
      (local.get 0))
    (func (export "sub") (param i32 i32) (result i32) (i32.sub (local.get 1) (local.get 0)))
    (func (export "sum") (param i32 i32) (result i32) (i32.add (local.get 1) (local.get 0)))
    (func (export "sum_imm") (param i32 i32) (result i32) (i32.add (local.get 1) (i32.const 5)))
    (func (export "const") (param i32) (result i32) (return (i32.const 7)))
    (func (export "i64") (param i64 i64) (result i64) (i64.xor (local.get 1) (local.get 0)))
    (func (export "swap") (param i32 i32) (result i32 i32) (local.get 1) (local.get 0))
    (func (export "call") (result i32) (call $two) (drop))
  ))");
  BOOST_TEST(one(s, i, "local", {I32(1), I32(2)}) == 2u);
  BOOST_TEST(one(s, i, "early", {I32(0), I32(9)}) == 9u);
  BOOST_TEST(one(s, i, "early", {I32(5), I32(9)}) == 5u);
  BOOST_TEST(one(s, i, "sub", {I32(3), I32(10)}) == 7u);
  BOOST_TEST(one(s, i, "sum", {I32(3), I32(10)}) == 13u);
  BOOST_TEST(one(s, i, "sum_imm", {I32(3), I32(10)}) == 15u);
  BOOST_TEST(one(s, i, "const", {I32(3)}) == 7u);
  BOOST_TEST(one(s, i, "i64", {I64(0xf0), I64(0xff00000000000000ull)}) == 0xff000000000000f0ull);
  auto r = call(s, i, "swap", {I32(1), I32(2)});
  BOOST_REQUIRE(bool(r));
  BOOST_REQUIRE_EQUAL(r->size(), 2u);
  BOOST_TEST((*r)[0].i64 == 2u);
  BOOST_TEST((*r)[1].i64 == 1u);
  BOOST_TEST(one(s, i, "call") == 3u);
  for (const char* name : {"local", "early", "sub", "sum", "sum_imm", "const", "i64"}) {
    BOOST_TEST_CONTEXT(name) {
      BOOST_TEST(count_op(func(i, name), IOp::Copy) == 0u);
      BOOST_TEST(count_op(func(i, name), IOp::Copy_Return) == 0u);
    }
  }
}

// Result destinations (compiler.cpp): a call's one-slot result goes
// straight where the local.set, return or br after it wants it (the call's
// dst word, moved by the return), a br's value is computed straight into
// its label's slot, and a block whose every way in computes its result
// just before it hands it to the local.set after its end. Each function
// runs on random operands against the plain sequence (fuse and specialise
// off: a Copy after each call and block), and the forms leave no Copy.
namespace {

const char* kDstWat = R"((module
  (import "host" "add" (func $host (param i32 i32) (result i32)))
  (func $f (param i32 i32) (result i32) (i32.sub (local.get 0) (local.get 1)))
  (func $two (param i32) (result i32 i32) (local.get 0) (i32.const 9))
  (table 2 funcref)
  (elem (i32.const 0) $f $host)
  ;; call -> local.set / local.tee, then both operands read again
  (func (export "call_set") (param i32 i32) (result i32) (local i32)
    (local.set 2 (call $f (local.get 0) (local.get 1)))
    (i32.mul (local.get 2) (i32.add (local.get 0) (local.get 1))))
  (func (export "call_tee") (param i32 i32) (result i32) (local i32)
    (i32.add (local.tee 2 (call $f (local.get 1) (local.get 0))) (local.get 2)))
  ;; the call's result over its own argument's local
  (func (export "call_self") (param i32 i32) (result i32)
    (local.set 0 (call $f (local.get 0) (local.get 1)))
    (i32.xor (local.get 0) (local.get 1)))
  (func (export "call_ind") (param i32 i32) (result i32) (local i32)
    (local.set 2 (call_indirect (param i32 i32) (result i32)
      (local.get 0) (local.get 1) (i32.and (local.get 0) (i32.const 1))))
    (i32.sub (local.get 2) (local.get 1)))
  (func (export "call_host") (param i32 i32) (result i32) (local i32)
    (local.set 2 (call $host (local.get 0) (local.get 1)))
    (i32.sub (local.get 2) (local.get 0)))
  (func (export "call_ret") (param i32 i32) (result i32)
    (return (call $f (local.get 1) (local.get 0))))
  (func (export "call_br") (param i32 i32) (result i32)
    (i32.add (block (result i32)
      (drop (br_if 0 (call $f (local.get 0) (local.get 1)) (local.get 1)))
      (br 0 (call $f (local.get 1) (local.get 0))))
      (local.get 0)))
  ;; multiple results: through the operand stack as before
  (func (export "call_two") (param i32 i32) (result i32) (local i32 i32)
    (call $two (local.get 0)) (local.set 2) (local.set 3)
    (i32.sub (local.get 3) (local.get 2)))
  ;; a block's every way computes its value: straight into the local
  (func (export "block_set") (param i32 i32) (result i32) (local i32)
    (local.set 2 (block (result i32)
      (if (i32.lt_u (local.get 0) (local.get 1))
        (then (br 1 (i32.add (local.get 0) (i32.const 100)))))
      (if (i32.eqz (local.get 1)) (then (br 1 (i32.mul (local.get 0) (local.get 0)))))
      (i32.sub (local.get 0) (local.get 1))))
    (i32.add (local.get 2) (local.get 1)))
  (func (export "if_set") (param i32 i32) (result i32) (local i32)
    (local.set 2 (if (result i32) (local.get 0)
      (then (i32.shl (local.get 1) (i32.const 2)))
      (else (i32.rotl (local.get 1) (local.get 1)))))
    (i32.xor (local.get 2) (local.get 0)))
  ;; nested: the inner block's ways become the outer's
  (func (export "nested") (param i32 i32) (result i32) (local i32)
    (local.set 2 (block (result i32)
      (br 0 (block (result i32)
        (if (i32.eqz (local.get 1)) (then (br 2 (i32.sub (local.get 0) (i32.const 5)))))
        (if (local.get 0) (then (br 1 (i32.or (local.get 0) (local.get 1)))))
        (i32.and (local.get 0) (local.get 1))))))
    (i32.sub (local.get 2) (local.get 0)))
  (func (export "block_ret") (param i32 i32) (result i32)
    (block (result i32)
      (if (local.get 1) (then (br 1 (i32.div_u (local.get 0) (local.get 1)))))
      (i32.add (local.get 0) (i32.const 1))))
  ;; a br_if carries the value too: its producer keeps the block's slot
  (func (export "block_brif") (param i32 i32) (result i32) (local i32)
    (local.set 2 (block (result i32)
      (drop (br_if 0 (i32.add (local.get 0) (local.get 1)) (local.get 0)))
      (i32.sub (local.get 1) (local.get 0))))
    (i32.add (local.get 2) (local.get 2)))
  ;; the value's local read on one way after another way could have set it
  (func (export "block_self") (param i32 i32) (result i32)
    (local.set 0 (block (result i32)
      (if (local.get 1) (then (br 1 (i32.add (local.get 0) (local.get 1)))))
      (i32.mul (local.get 0) (i32.const 3))))
    (i32.add (local.get 0) (local.get 1)))
  ;; an if without else passes its param through
  (func (export "if_param") (param i32 i32) (result i32) (local i32)
    (local.get 0)
    (if (param i32) (result i32) (local.get 1) (then (i32.const 7) (i32.add)))
    (local.set 2)
    (local.get 2))
  ;; a loop's value falls out of its end
  (func (export "loop_set") (param i32 i32) (result i32) (local i32 i32)
    (local.set 3 (loop (result i32)
      (local.set 2 (i32.add (local.get 2) (i32.const 1)))
      (br_if 0 (i32.lt_u (local.get 2) (i32.and (local.get 1) (i32.const 15))))
      (i32.add (local.get 2) (local.get 0))))
    (local.get 3))
))";

}  // namespace

BOOST_AUTO_TEST_CASE(result_destinations) {
  auto mod = load(kDstWat);
  const std::vector<std::string> names = {
      "call_set", "call_tee", "call_self", "call_ind", "call_host", "call_ret", "call_br", "call_two",
      "block_set", "if_set", "nested", "block_ret", "block_brif", "block_self", "if_param", "loop_set"};
  EngineConfig plain;
  plain.fuse = false;
  plain.specialise = false;
  Store fast, slow(plain);
  BOOST_REQUIRE(fast.config().specialise && !fast.config().exact_tier);
  auto host_add = [](Store& s) {
    FuncInst* f = s.add_host_func(
        FuncType{{ValType::I32, ValType::I32}, {ValType::I32}},
        [](HostContext&, std::span<const Value> a, std::span<Value> r) -> Expected<void> {
          r[0] = Value::make_i32(a[0].i32 + 3 * a[1].i32);
          return {};
        },
        "add");
    return ExternVal{ExternKind::Func, f};
  };
  auto fi = fast.instantiate(mod, {host_add(fast)});
  auto si = slow.instantiate(mod, {host_add(slow)});
  BOOST_REQUIRE(fi && si);
  uint64_t seed = 0x9e3779b97f4a7c15ull;
  auto rnd = [&] {
    seed ^= seed << 13; seed ^= seed >> 7; seed ^= seed << 17;
    const uint32_t edge[] = {0, 1, 2, 0x7fffffff, 0x80000000, 0xffffffff};
    return seed % 4 == 0 ? edge[(seed >> 8) % 6] : uint32_t(seed >> 20) % (seed % 3 ? 64 : 0xffffffff);
  };
  for (const auto& name : names) {
    BOOST_TEST_CONTEXT(name) {
      for (int k = 0; k < 200; ++k) {
        std::vector<Value> args = {I32(rnd()), I32(rnd())};
        auto a = fast.invoke(func(*fi, name), args);
        auto b = slow.invoke(func(*si, name), args);
        BOOST_REQUIRE_EQUAL(bool(a), bool(b));
        if (!a) {
          BOOST_TEST(a.error().message == b.error().message);
          continue;
        }
        BOOST_REQUIRE_EQUAL(a->size(), 1u);
        BOOST_TEST((*a)[0].i32 == (*b)[0].i32);
      }
    }
  }
  // The forms: no Copy where every value had a known producer; the plain
  // code has them.
  for (const char* name : {"call_set", "call_tee", "call_self", "call_ind", "call_host", "block_set",
                           "if_set", "nested", "block_self"}) {
    BOOST_TEST_CONTEXT(name) {
      BOOST_TEST(count_op(func(*fi, name), IOp::Copy) == 0u);
      BOOST_TEST(count_op(func(*si, name), IOp::Copy) + count_op(func(*si, name), IOp::Copy2) > 0u);
    }
  }
  BOOST_TEST(count_op(func(*fi, "block_brif"), IOp::Copy) == 1u);  // a br_if's way: the block's slot
}

namespace {

const char* kFuelWat = R"((module
  (memory (export "mem") 1)
  (func (export "spin") (loop (br 0)))
  ;; A compare fused into the back edge (br_if i32.lt_u with an immediate).
  (func (export "spin_cmp") (param $n i32) (loop (br_if 0 (i32.lt_u (local.get $n) (i32.const 10)))))
  ;; A loop with a parameter: the back edge copies before jumping.
  (func (export "spin_param") (result i32)
    (i32.const 1) (loop (param i32) (result i32) (i32.add (i32.const 1)) (br 0)))
  ;; br_table whose entries go back to the loop.
  (func (export "spin_table") (param $i i32) (loop (br_table 0 0 0 (local.get $i))))
  (func $leaf (i32.store (i32.const 0) (i32.add (i32.load (i32.const 0)) (i32.const 1))))
  ;; Calls without recursion, forever.
  (func (export "call_forever") (loop (call $leaf) (br 0)))
  ;; 100 iterations: 1 (entry) + 100 (loop) units.
  (func (export "count100") (result i32) (local $k i32)
    (loop
      (local.set $k (i32.add (local.get $k) (i32.const 1)))
      (br_if 0 (i32.lt_u (local.get $k) (i32.const 100))))
    (local.get $k))
  ;; 10 calls to $leaf: 1 + 10 (loop) + 10 (calls) units.
  (func (export "calls10") (result i32) (local $k i32)
    (loop
      (call $leaf)
      (local.set $k (i32.add (local.get $k) (i32.const 1)))
      (br_if 0 (i32.ne (local.get $k) (i32.const 10))))
    (i32.load (i32.const 0)))
))";

Store fuel_store(uint64_t fuel) {
  EngineConfig cfg;
  cfg.fuel = fuel;
  return Store(cfg);
}

}  // namespace

BOOST_AUTO_TEST_CASE(fuel_ends_infinite_loops) {
  for (const char* name : {"spin", "spin_cmp", "spin_param", "spin_table", "call_forever"}) {
    EngineConfig cfg;
    cfg.fuel = 100000;
    Store s(cfg);
    Instance* i = instantiate(s, kFuelWat);
    FuncInst* f = func(i, name);
    std::vector<Value> args;
    for (auto t : Store::func_type(f).params) args.push_back(Value::zero(t));
    auto r = s.invoke(f, args);
    BOOST_REQUIRE_MESSAGE(!r, name);
    BOOST_TEST(int(r.error().kind) == int(ErrorKind::Exhaustion));
    BOOST_TEST(r.error().message == "fuel exhausted");
    BOOST_TEST(s.fuel_remaining() == 0u);
    BOOST_REQUIRE(!r.error().backtrace.empty());
    // The budget is the store's: a later invoke finds it spent.
    BOOST_TEST(trap_of(s, i, "count100") == "fuel exhausted");
  }
  // call_forever: 1 + 50000 loop units + 49999 calls, then the next call's
  // entry unit is missing; the store has been incremented 49999 times.
  EngineConfig cfg;
  cfg.fuel = 100000;
  Store s(cfg);
  Instance* i = instantiate(s, kFuelWat);
  BOOST_TEST(trap_of(s, i, "call_forever") == "fuel exhausted");
  uint32_t stored;
  std::memcpy(&stored, i->exported_memory("mem")->mem.data(), 4);
  BOOST_TEST(stored == 49999u);
}

BOOST_AUTO_TEST_CASE(fuel_is_deterministic_and_exact) {
  auto outcome = [](uint64_t fuel, const char* name) {
    Store s = fuel_store(fuel);
    Instance* i = instantiate(s, kFuelWat);
    auto r = call(s, i, name);
    uint32_t mem;
    std::memcpy(&mem, i->exported_memory("mem")->mem.data(), 4);
    std::string out = r ? "ok " + std::to_string((*r)[0].i32) : r.error().message;
    if (!r)
      for (const auto& b : r.error().backtrace) out += " " + b.name + "+" + std::to_string(b.offset);
    return out + " mem=" + std::to_string(mem) + " left=" + std::to_string(s.fuel_remaining());
  };
  // Same fuel, same stopping point (backtrace, memory, budget).
  BOOST_TEST(outcome(37, "calls10") == outcome(37, "calls10"));
  BOOST_TEST(outcome(12345, "call_forever") == outcome(12345, "call_forever"));
  // count100 needs exactly 101 units, calls10 21.
  BOOST_TEST(outcome(101, "count100") == "ok 100 mem=0 left=0");
  BOOST_TEST(outcome(100, "count100").starts_with("fuel exhausted"));
  BOOST_TEST(outcome(1000, "count100") == "ok 100 mem=0 left=899");
  BOOST_TEST(outcome(21, "calls10") == "ok 10 mem=10 left=0");
  BOOST_TEST(outcome(20, "calls10").starts_with("fuel exhausted"));
  BOOST_TEST(outcome(20, "calls10").ends_with("mem=9 left=0"));
}

BOOST_AUTO_TEST_CASE(fuel_off_changes_nothing) {
  // Without fuel the code has no fuel op, and the programs run as usual.
  Store s;
  BOOST_TEST(s.fuel_remaining() == 0u);
  Instance* i = instantiate(s, kFuelWat);
  BOOST_TEST(one(s, i, "count100") == 100u);
  BOOST_TEST(one(s, i, "calls10") == 10u);
  for (const char* name : {"count100", "calls10"}) BOOST_TEST(count_op(func(i, name), IOp::Fuel) == 0u);
  // With fuel: one at the entry, one per loop header.
  Store s2 = fuel_store(1000);
  Instance* i2 = instantiate(s2, kFuelWat);
  BOOST_TEST(one(s2, i2, "count100") == 100u);
  BOOST_TEST(count_op(func(i2, "count100"), IOp::Fuel) == 2u);
  // The fuel op only adds instructions: otherwise the same code.
  FuncInst* a = func(i, "count100");
  FuncInst* b = func(i2, "count100");
  BOOST_TEST(b->code->map_code.size() == a->code->map_code.size() + 2);
  // Fuel also covers the start function.
  auto m = load(R"((module (func $s (loop (br 0))) (start $s)))");
  Store s3 = fuel_store(500);
  auto r = s3.instantiate(m, std::vector<ExternVal>{});
  BOOST_REQUIRE(!r);
  BOOST_TEST(r.error().message == "fuel exhausted");
}

// Growth caps from a limited address space are an input: capped_memories
// caps a memory at its initial size however much address space there is;
// under RLIMIT_AS a memory that cannot be reserved is capped and reported
// (on_memory_capped), or with exact_memory_caps fails to instantiate.
BOOST_AUTO_TEST_CASE(memory_growth_caps) {
  const char* wat = R"((module
    (memory (export "mem") 1)
    (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
  ))";
  for (bool guard : {true, false}) {
    EngineConfig cfg;
    cfg.guard_pages = guard;
    cfg.capped_memories = {0};
    cfg.exact_memory_caps = true;
    Store s(cfg);
    MemoryInst* host = s.add_memory(MemoryType{Limits{1, 4}});  // index 0: capped
    BOOST_REQUIRE(host);
    auto* i = instantiate(s, wat);  // its memory is index 1: not capped
    BOOST_TEST(one(s, i, "grow", {I32(2)}) == 1u);
    BOOST_TEST(Store::memory_size_bytes(host) == 65536u);
  }
  for (bool guard : {true, false}) {
    EngineConfig cfg;
    cfg.guard_pages = guard;
    cfg.capped_memories = {0};
    Store s(cfg);
    auto* i = instantiate(s, wat);
    BOOST_TEST(one(s, i, "grow", {I32(1)}) == 0xffffffffu);
    BOOST_TEST(one(s, i, "grow", {I32(0)}) == 1u);
  }
  pid_t pid = fork();
  BOOST_REQUIRE(pid >= 0);
  if (pid == 0) {
    rlimit lim{uint64_t(4000000) << 10, uint64_t(4000000) << 10};  // ~3.8 GiB: not 4 GiB
    if (setrlimit(RLIMIT_AS, &lim) != 0) _exit(2);
    auto mod = load_module(*wat::wat_to_binary(wat));
    std::vector<uint32_t> reported;
    EngineConfig cfg;
    cfg.on_memory_capped = [&](uint32_t index) { reported.push_back(index); };
    Store s(cfg);
    auto inst = s.instantiate(*mod, std::vector<ExternVal>{});
    if (!inst) _exit(3);
    if (reported != std::vector<uint32_t>{0}) _exit(4);
    Value arg = I32(1);
    auto r = s.invoke((*inst)->find_export("grow")->func, std::span<const Value>(&arg, 1));
    if (!r || (*r)[0].i32 != 0xffffffffu) _exit(5);
    EngineConfig exact;
    exact.exact_memory_caps = true;
    Store s2(exact);
    if (s2.instantiate(*mod, std::vector<ExternVal>{})) _exit(6);  // cannot be had whole
    EngineConfig recorded = exact;
    recorded.capped_memories = {0};
    Store s3(recorded);
    if (!s3.instantiate(*mod, std::vector<ExternVal>{})) _exit(7);
    _exit(0);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  BOOST_TEST(WIFEXITED(status));
  BOOST_TEST((WIFEXITED(status) ? WEXITSTATUS(status) : -1) == 0);
}
