// Differential test of the compiler's i32.wrap_i64 folds (fold.cpp,
// emit_data.cpp): a wrap stays virtual and is read in place by consumers
// that use only the low 32 bits (addresses, i32 operands, branch and
// br_table conditions, i32 store values); a wrap of an i64.add just emitted
// (and of i64.extend_i32_u then i64.add, Go's stack-pointer arithmetic)
// becomes an i32.add folded into its consumer; an i32.eqz of a compare is
// the negated compare; a constant resume state's br skips the br_table
// (constant_states_jump_past_the_br_table). Every function here runs
// on i64 inputs with garbage in their upper halves, with the folds (the
// default), without fusion, and with nothing specialised, on guarded and
// bounds-checked memory; results (all 64 bits of the host value), memory
// and an i32 global must agree, traps included. The address functions
// must also compile to code without the wrap, extend and add.
#define BOOST_TEST_MODULE wrap_fold_tests
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <sstream>

#include "interp/engine.hpp"
#include "interp/code/iops.hpp"
#include "interp/exec/runtime.hpp"
#include "interp/text/wat.hpp"

using namespace tc;
using namespace tc::wasm;

namespace {

// p, q: i64 with upper garbage; r: i32. Memory holds a pattern (data).
const char* kWat = R"((module
  (memory 1)
  (data (i32.const 0) "\01\02\03\04\05\06\07\08\09\0a\0b\0c\0d\0e\0f\10\11\12\13\14\15\16\17\18\19\1a\1b\1c\1d\1e\1f\20")
  (global $g (export "g") (mut i32) (i32.const 0))
  (func $id (param i32) (result i64) (i64.extend_i32_u (local.get 0)))
  ;; addresses
  (func (export "load_local") (param i64 i64 i32) (result i64)
    (i64.load offset=1 (i32.wrap_i64 (local.get 0))))
  (func (export "load_slot") (param i64 i64 i32) (result i64)
    (i64.load (i32.wrap_i64 (i64.mul (local.get 0) (i64.const 1)))))
  (func (export "load_sum") (param i64 i64 i32) (result i64)
    (i64.load offset=2 (i32.wrap_i64 (i64.add (local.get 0) (local.get 1)))))
  (func (export "load_sum_imm") (param i64 i64 i32) (result i64)
    (i64.load (i32.wrap_i64 (i64.add (local.get 0) (i64.const 8)))))
  (func (export "load_sum_neg") (param i64 i64 i32) (result i64)
    (i64.load8_u (i32.wrap_i64 (i64.sub (local.get 0) (i64.const 3)))))
  (func (export "load_sum_wide") (param i64 i64 i32) (result i64)
    (i64.load (i32.wrap_i64 (i64.add (local.get 0) (i64.const 0x100000004)))))
  (func (export "load_slot_imm") (param i64 i64 i32) (result i64)
    (i32.load16_s (i32.wrap_i64 (i64.add (i64.xor (local.get 0) (local.get 1)) (i64.const 5))))
    (i64.extend_i32_s))
  (func (export "load_ext") (param i64 i64 i32) (result i64)
    (i64.load offset=4 (i32.wrap_i64 (i64.add (i64.extend_i32_u (local.get 2)) (i64.const 16)))))
  (func (export "load_ext_slot") (param i64 i64 i32) (result i64)
    (i64.load (i32.wrap_i64 (i64.add (i64.extend_i32_u (i32.add (local.get 2) (i32.const 1)))
                                     (i64.const 2)))))
  (func (export "store_ext") (param i64 i64 i32) (result i64)
    (i64.store (i32.wrap_i64 (i64.add (i64.extend_i32_u (local.get 2)) (i64.const 8))) (local.get 1))
    (i64.load (i32.const 0)))
  (func (export "store_alias") (param i64 i64 i32) (result i64)
    ;; the address reads local 2, the value overwrites it first
    (i32.store (i32.wrap_i64 (i64.add (i64.extend_i32_u (local.get 2)) (i64.const 4)))
               (local.tee 2 (i32.const 0x41424344)))
    (i64.add (i64.load (i32.const 0)) (i64.extend_i32_u (local.get 2))))
  (func (export "store_value") (param i64 i64 i32) (result i64)
    (i32.store offset=3 (i32.wrap_i64 (local.get 1)) (i32.wrap_i64 (local.get 0)))
    (i32.store8 (i32.const 1) (i32.wrap_i64 (local.get 0)))
    (i64.load (i32.const 0)))
  ;; i32 operands and conditions
  (func (export "arith") (param i64 i64 i32) (result i32)
    (i32.add (i32.wrap_i64 (local.get 0))
             (i32.shr_s (i32.wrap_i64 (local.get 1)) (i32.const 3))))
  (func (export "compare") (param i64 i64 i32) (result i32)
    (i32.lt_s (i32.wrap_i64 (local.get 0)) (i32.wrap_i64 (local.get 1))))
  (func (export "branch") (param i64 i64 i32) (result i32)
    (if (result i32) (i32.wrap_i64 (local.get 0)) (then (i32.const 7)) (else (i32.const 9))))
  (func (export "branch_eqz") (param i64 i64 i32) (result i32)
    (block $b (br_if $b (i32.eqz (i32.wrap_i64 (local.get 1)))) (return (i32.const 1)))
    (i32.const 2))
  (func (export "select") (param i64 i64 i32) (result i64)
    (select (local.get 0) (local.get 1) (i32.wrap_i64 (local.get 1))))
  (func (export "table") (param i64 i64 i32) (result i32)
    (block $c (block $b (block $a
      (br_table $a $b $c (i32.wrap_i64 (local.get 0))))
      (return (i32.const 10)))
      (return (i32.const 11)))
    (i32.const 12))
  (func (export "extend") (param i64 i64 i32) (result i64)
    (i64.add (i64.extend_i32_u (i32.wrap_i64 (local.get 0)))
             (i64.extend_i32_s (i32.wrap_i64 (local.get 1)))))
  ;; whole-slot consumers: the wrap is materialised
  (func (export "ret") (param i64 i64 i32) (result i32) (i32.wrap_i64 (local.get 0)))
  (func (export "ret_sum") (param i64 i64 i32) (result i32)
    (i32.wrap_i64 (i64.add (local.get 0) (i64.const 1))))
  (func (export "set_local") (param i64 i64 i32) (result i64) (local i32)
    (local.set 3 (i32.wrap_i64 (local.get 0)))
    (i64.or (i64.extend_i32_u (local.get 3))
            (i64.shl (i64.extend_i32_u (local.tee 3 (i32.wrap_i64 (local.get 1)))) (i64.const 32))))
  (func (export "set_global") (param i64 i64 i32) (result i64)
    (global.set $g (i32.wrap_i64 (local.get 0)))
    (i64.extend_i32_u (global.get $g)))
  (func (export "call_arg") (param i64 i64 i32) (result i64)
    (call $id (i32.wrap_i64 (i64.add (local.get 1) (i64.const 3)))))
  (func (export "block_result") (param i64 i64 i32) (result i64)
    (i64.extend_i32_u (block (result i32) (i32.wrap_i64 (local.get 0)))))
  (func (export "alias") (param i64 i64 i32) (result i32)
    ;; the first wrap reads local 0 before the tee overwrites it
    (i32.sub (i32.wrap_i64 (local.get 0)) (i32.wrap_i64 (local.tee 0 (local.get 1)))))
  (func (export "alias_sum") (param i64 i64 i32) (result i32)
    (i32.sub (i32.wrap_i64 (i64.add (local.get 0) (i64.const 9)))
             (i32.wrap_i64 (local.tee 0 (local.get 1)))))
  (func (export "loop_param") (param i64 i64 i32) (result i32)
    ;; a label between the extend and the add: no fold across it
    (i64.extend_i32_u (local.get 2))
    (loop $l (param i64) (result i64)
      (i64.add (i64.const 8))
      (local.tee 1)
      (br_if $l (i64.lt_u (local.get 1) (i64.const 40))))
    (i32.wrap_i64))
  ;; i32.eqz of a compare: the negated compare
  (func (export "not_cmp") (param i64 i64 i32) (result i32)
    (i32.eqz (i64.lt_s (local.get 0) (local.get 1))))
  (func (export "not_cmp_imm") (param i64 i64 i32) (result i32)
    (i32.add (i32.eqz (i64.gt_u (local.get 0) (i64.const 20))) (i32.const 4)))
  (func (export "not_eqz") (param i64 i64 i32) (result i32)
    (i32.eqz (i64.eqz (i64.and (local.get 0) (i64.const 3)))))
  (func (export "not_not") (param i64 i64 i32) (result i32)
    (i32.eqz (i32.eqz (i32.le_s (i32.wrap_i64 (local.get 0)) (local.get 2)))))
  (func (export "not_branch") (param i64 i64 i32) (result i32) (local i32)
    (local.set 3 (i32.eqz (i64.ge_u (local.get 1) (local.get 0))))
    (if (result i32) (i32.eqz (i64.eq (local.get 0) (i64.const 8)))
      (then (i32.add (local.get 3) (i32.const 10))) (else (local.get 3))))
  ;; Go's resume-PC loop: a constant state then a br back to the br_table
  (func (export "resume") (param i64 i64 i32) (result i64) (local $pc i32) (local $acc i64) (local $o i32)
    (local.set $pc (i32.and (local.get 2) (i32.const 7)))
    (local.set $acc (local.get 1))
    (block $exit
      (loop $top
        (block $s3 (block $s2 (block $s1 (block $s0
          (br_table $s0 $s1 $s2 $s3 $exit (local.get $pc)))
          (local.set $acc (i64.add (local.get $acc) (i64.const 1)))
          (local.set $pc (i32.const 2))
          (br $top))
          (local.set $acc (i64.mul (local.get $acc) (i64.const 3)))
          (local.set $pc (i32.const 7))  ;; the default: $exit
          (br $top))
        (local.set $acc (i64.add (local.get $acc) (i64.const 10)))
        (local.set $pc (i32.const 1))
        (br $top))
        (local.set $o (i32.const 3))  ;; not the index's slot: not threaded
        (local.set $pc (i32.add (local.get $pc) (i32.const 1)))
        (br_if $top (i32.eq (local.get $o) (i32.const 3)))))
    (i64.add (local.get $acc) (i64.extend_i32_u (local.get $pc)))))
)";

// The functions whose wraps must fold away in the default configuration,
// and those whose address arithmetic (extend, add) must go with them.
const char* const kFolded[] = {"load_local", "load_sum", "load_sum_imm", "load_sum_neg",
                               "load_ext", "store_ext", "store_alias", "arith", "compare",
                               "branch", "branch_eqz", "table", "extend"};
const char* const kFoldedAddress[] = {"load_sum", "load_sum_imm", "load_sum_neg", "load_ext",
                                      "store_ext"};

const char* const kFuncs[] = {
    "load_local", "load_slot", "load_sum", "load_sum_imm", "load_sum_neg", "load_sum_wide",
    "load_slot_imm", "load_ext", "load_ext_slot", "store_ext", "store_alias", "store_value",
    "arith", "compare", "branch", "branch_eqz", "select", "table", "extend", "ret", "ret_sum",
    "set_local", "set_global", "call_arg", "block_result", "alias", "alias_sum", "loop_param",
    "resume", "not_cmp", "not_cmp_imm", "not_eqz", "not_not", "not_branch"};

struct Input {
  uint64_t p, q;
  uint32_t r;
};

std::vector<Input> inputs() {
  std::vector<Input> in;
  const uint64_t highs[] = {0, 0xdeadbeef00000000ull, 0xffffffff00000000ull, 0x100000000ull};
  const uint32_t lows[] = {0, 1, 3, 8, 20, 0xfffffff8u, 0xfffffffdu, 0x7ffffffcu, 65530, 65536};
  for (uint64_t h : highs)
    for (uint32_t lo : lows) in.push_back({h | lo, (~h & 0xffffffff00000000ull) | (lo ^ 5), lo + 2});
  return in;
}

// kWat, instantiated in `s`.
auto instantiate_kwat(Store& s) {
  auto bin = wat::wat_to_binary(kWat);
  BOOST_REQUIRE_MESSAGE(bool(bin), (bin ? std::string() : bin.error().to_string()));
  auto m = load_module(std::move(*bin));
  BOOST_REQUIRE(bool(m));
  auto i = s.instantiate(*m, std::vector<ExternVal>{});
  BOOST_REQUIRE_MESSAGE(bool(i), (i ? std::string() : i.error().to_string()));
  return *i;
}

// Each function on each input: the result's 64 bits (or the trap), the
// global and the first 48 bytes of memory afterwards.
std::string run_all(EngineConfig c) {
  Store s(c);
  auto i = instantiate_kwat(s);
  std::ostringstream out;
  for (const char* name : kFuncs) {
    FuncInst* f = i->find_export(name)->func;
    for (const Input& x : inputs()) {
      std::vector<Value> args{Value::make_i64(x.p), Value::make_i64(x.q), Value::make_i32(x.r)};
      auto r = s.invoke(f, args);
      out << name << " " << x.p << " " << x.q << " " << x.r << ": ";
      if (r) for (const Value& v : *r) out << v.i64 << " ";
      else out << r.error().message << " ";
      out << Store::global_get(i->find_export("g")->global).i64 << " mem";
      const uint8_t* mem = Store::memory_data(Store::instance_memory(i, 0));
      for (int k = 0; k < 48; ++k) out << " " << int(mem[k]);
      out << "\n";
    }
  }
  return out.str();
}

// How many of f's instructions are one of `ops`.
size_t count_ops(const CompiledFunc& f, std::initializer_list<IOp> ops) {
  const int32_t* h = handler_offsets();
  size_t n = 0;
  for (uint32_t at : f.map_code)
    for (IOp op : ops) n += f.code[at] == uint32_t(h[size_t(op)]);
  return n;
}

}  // namespace

BOOST_AUTO_TEST_CASE(folded_wraps_agree_with_the_plain_code) {
  BOOST_REQUIRE_MESSAGE(!std::getenv("TIMECRAFT_FUSE") && !std::getenv("TIMECRAFT_TIER"),
                        "run without TIMECRAFT_FUSE and TIMECRAFT_TIER");
  for (bool guard : {true, false}) {
    EngineConfig on, singles, off;
    on.guard_pages = singles.guard_pages = off.guard_pages = guard;
    singles.fuse = false;
    off.fuse = off.specialise = false;
    BOOST_TEST_CONTEXT("guard_pages " << guard) {
      std::string plain = run_all(off);
      BOOST_TEST(plain.find("out of bounds") != std::string::npos);  // the traps are exercised
      BOOST_TEST(run_all(singles) == plain);
      BOOST_TEST(run_all(on) == plain);
    }
  }
}

BOOST_AUTO_TEST_CASE(wraps_extends_and_adds_fold_into_their_consumer) {
  for (bool specialise : {true, false}) {
    EngineConfig c;
    c.fuse = false;
    c.specialise = specialise;
    Store s(c);
    auto i = instantiate_kwat(s);
    for (const char* name : kFolded) {
      FuncInst* f = i->find_export(name)->func;
      std::vector<Value> args{Value::make_i64(16), Value::make_i64(4), Value::make_i32(4)};
      auto r = s.invoke(f, args);  // compiled now
      BOOST_REQUIRE_MESSAGE(bool(r), name << ": " << (r ? std::string() : r.error().message));
      bool address = std::find_if(std::begin(kFoldedAddress), std::end(kFoldedAddress), [&](const char* a) {
                       return std::strcmp(a, name) == 0;
                     }) != std::end(kFoldedAddress);
      size_t n = address ? count_ops(*f->code, {IOp::I32WrapI64, IOp::I64ExtendI32U, IOp::I64AddImm, IOp::I64Add})
                         : count_ops(*f->code, {IOp::I32WrapI64});
      BOOST_TEST_CONTEXT(name << " specialise " << specialise) {
        if (specialise) BOOST_TEST(n == 0u);
        else BOOST_TEST(n > 0u);
      }
    }
  }
}

// How many Br instructions land on a BrTable.
size_t brs_into_tables(const CompiledFunc& f) {
  const int32_t* h = handler_offsets();
  size_t n = 0;
  for (uint32_t at : f.map_code)
    if (f.code[at] == uint32_t(h[size_t(IOp::Br)]))
      n += f.code[at + int32_t(f.code[at + 1])] == uint32_t(h[size_t(IOp::BrTable)]);
  return n;
}

BOOST_AUTO_TEST_CASE(an_eqz_of_a_compare_is_the_negated_compare) {
  for (bool specialise : {true, false}) {
    EngineConfig c;
    c.fuse = false;
    c.specialise = specialise;
    Store s(c);
    auto i = instantiate_kwat(s);
    for (const char* name : {"not_cmp", "not_cmp_imm", "not_eqz", "not_not", "not_branch"}) {
      FuncInst* f = i->find_export(name)->func;
      std::vector<Value> args{Value::make_i64(16), Value::make_i64(4), Value::make_i32(4)};
      BOOST_REQUIRE(bool(s.invoke(f, args)));
      size_t n = count_ops(*f->code, {IOp::I32Eqz});
      BOOST_TEST_CONTEXT(name << " specialise " << specialise) {
        if (specialise) BOOST_TEST(n == 0u);
        else BOOST_TEST(n > 0u);
      }
    }
  }
}

// Brs (one Br each, after fusion is off) that land on a poll point.
size_t brs_onto_polls(const CompiledFunc& f) {
  const int32_t* h = handler_offsets();
  size_t n = 0;
  for (uint32_t at : f.map_code)
    if (f.code[at] == uint32_t(h[size_t(IOp::Br)]))
      n += std::binary_search(f.poll_at.begin(), f.poll_at.end(), at + int32_t(f.code[at + 1]));
  return n;
}

// Threaded with or without polling (a recorded run polls a stop flag):
// with it, the threaded brs' new targets are the poll points in place of
// the loop header they skip (exec_tests' busy-loop test stops such a loop).
BOOST_AUTO_TEST_CASE(constant_states_jump_past_the_br_table) {
  size_t into[3] = {0, 0, 0}, onto_polls = 0;
  std::atomic<int> flag{0};
  for (int mode : {0, 1, 2}) {
    EngineConfig c;
    c.fuse = false;
    c.specialise = mode != 0;
    if (mode == 2) c.interrupt = &flag;
    Store s(c);
    auto i = instantiate_kwat(s);
    FuncInst* f = i->find_export("resume")->func;
    std::vector<Value> args{Value::make_i64(0), Value::make_i64(5), Value::make_i32(0)};
    auto r = s.invoke(f, args);
    BOOST_REQUIRE(bool(r));
    BOOST_TEST((*r)[0].i64 == ((5 + 1 + 10) * 3 + 7));  // states 0, 2, 1, then the default
    into[mode] = brs_into_tables(*f->code);
    if (mode == 2) {
      onto_polls = brs_onto_polls(*f->code);
      BOOST_TEST(std::is_sorted(f->code->poll_at.begin(), f->code->poll_at.end()));
      BOOST_TEST((std::adjacent_find(f->code->poll_at.begin(), f->code->poll_at.end()) ==
                  f->code->poll_at.end()));
    }
  }
  BOOST_TEST(into[0] == 3u);  // plain: the three constant states' brs
  BOOST_TEST(into[1] == 0u);  // threaded (the br_if of state 3 is no Br)
  BOOST_TEST(into[2] == 0u);  // threaded while polling too
  BOOST_TEST(onto_polls == 3u);  // each onto a poll point
}
