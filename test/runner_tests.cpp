// Unit tests for the spec-test runner: result matching (NaN classes,
// references), the expectations list, and whole scripts end to end.
#define BOOST_TEST_MODULE runner
#include <boost/test/unit_test.hpp>
#include <cstdio>
#include <fstream>

#include "spec-tests/expectations.hpp"
#include "spec-tests/result_match.hpp"
#include "spec-tests/wast_runner.hpp"

using namespace tc;
using namespace tc::spec;
using wasm::Value;
using wasm::ValType;

namespace {
wast::ResultPattern float_pattern(ValType t, wast::NumPattern::Kind k, uint64_t bits = 0) {
  wast::ResultPattern p;
  p.kind = wast::ResultPattern::Kind::Float;
  p.value.type = t;
  p.lanes.push_back({k, bits});
  return p;
}
FileReport run(const std::string& src, const Expectations* ex = nullptr) {
  RunOptions o;
  o.expectations = ex;
  return run_wast_source("t.wast", src, o);
}
}  // namespace

BOOST_AUTO_TEST_CASE(nan_classes) {
  using K = wast::NumPattern::Kind;
  auto canon = float_pattern(ValType::F32, K::NanCanonical);
  auto arith = float_pattern(ValType::F32, K::NanArithmetic);
  BOOST_TEST(result_matches(canon, Value::make_f32_bits(0x7FC00000)));
  BOOST_TEST(result_matches(canon, Value::make_f32_bits(0xFFC00000)));  // any sign
  BOOST_TEST(!result_matches(canon, Value::make_f32_bits(0x7FC00001)));
  BOOST_TEST(result_matches(arith, Value::make_f32_bits(0x7FC00001)));
  BOOST_TEST(!result_matches(arith, Value::make_f32_bits(0x7F800001)));  // signalling
  BOOST_TEST(!result_matches(arith, Value::make_f32_bits(0x7F800000)));  // inf
  auto canon64 = float_pattern(ValType::F64, K::NanCanonical);
  BOOST_TEST(result_matches(canon64, Value::make_f64_bits(0xFFF8000000000000ull)));
  BOOST_TEST(!result_matches(canon64, Value::make_f64_bits(0x7FF8000000000001ull)));
  BOOST_TEST(!result_matches(canon64, Value::make_f32_bits(0x7FC00000)));  // wrong type
  auto exact = float_pattern(ValType::F64, K::Exact, 0x8000000000000000ull);
  BOOST_TEST(result_matches(exact, Value::make_f64_bits(0x8000000000000000ull)));
  BOOST_TEST(!result_matches(exact, Value::make_f64_bits(0)));  // -0 is not +0
}

BOOST_AUTO_TEST_CASE(reference_results) {
  wast::ResultPattern p;
  p.kind = wast::ResultPattern::Kind::RefExtern;
  p.value.type = ValType::ExternRef;
  p.value.extern_id = 0;
  BOOST_TEST(result_matches(p, Value::make_ref(ValType::ExternRef, extern_ref(0))));
  BOOST_TEST(!result_matches(p, Value::make_ref(ValType::ExternRef, 0)));  // null
  p.kind = wast::ResultPattern::Kind::RefNull;
  BOOST_TEST(result_matches(p, Value::make_ref(ValType::ExternRef, 0)));
  BOOST_TEST(!result_matches(p, Value::make_ref(ValType::FuncRef, 0)));  // other type
}

BOOST_AUTO_TEST_CASE(glob) {
  BOOST_TEST(glob_match("simd_*.wast", "simd_lane.wast"));
  BOOST_TEST(!glob_match("simd_*.wast", "i32.wast"));
  BOOST_TEST(glob_match("*", ""));
  BOOST_TEST(glob_match("a?c", "abc"));
}

BOOST_AUTO_TEST_CASE(expectations_need_reasons) {
  const char* path = "/tmp/tc_runner_tests_expect.txt";
  { std::ofstream(path) << "skip foo.wast\n"; }
  BOOST_TEST(!Expectations::load(path).has_value());
  { std::ofstream(path) << "# c\nskip foo*.wast  not today\nfail bar.wast:12 known\n"; }
  auto ex = Expectations::load(path);
  BOOST_REQUIRE(ex.has_value());
  BOOST_TEST(ex->skip_reason("foo1.wast").value() == "not today");
  BOOST_TEST(ex->accepted_failure("bar.wast", 12).value() == "known");
  BOOST_TEST(!ex->accepted_failure("bar.wast", 13).has_value());
  std::remove(path);
}

BOOST_AUTO_TEST_CASE(script_passes_and_fails) {
  auto rep = run(R"((module (func (export "add") (param i32 i32) (result i32)
                      (i32.add (local.get 0) (local.get 1))))
                    (assert_return (invoke "add" (i32.const 1) (i32.const 2)) (i32.const 3))
                    (assert_return (invoke "add" (i32.const 1) (i32.const 2)) (i32.const 4))
                    (assert_trap (invoke "add" (i32.const 1)) "x"))");
  BOOST_TEST(rep.passed == 2u);  // module + first assertion
  BOOST_TEST(rep.failed == 2u);  // wrong value; wrong arity is not a trap
  BOOST_REQUIRE(rep.failures.size() == 2u);
  BOOST_TEST(rep.failures[0].find("t.wast:4: assert_return \"add\"") == 0u, rep.failures[0]);
}

BOOST_AUTO_TEST_CASE(error_phases_are_checked) {
  // The right message in the wrong phase is a failure.
  auto rep = run(R"((assert_invalid (module (func (result i32) (i64.const 0))) "type mismatch")
                    (assert_malformed (module (func (result i32) (i64.const 0))) "type mismatch")
                    (assert_trap (module (func $f unreachable) (start $f)) "unreachable")
                    (assert_trap (module (func $f unreachable) (start $f)) "integer overflow"))");
  BOOST_TEST(rep.passed == 2u);
  BOOST_TEST(rep.failed == 2u);
}

BOOST_AUTO_TEST_CASE(listed_failure_that_passes_fails) {
  const char* path = "/tmp/tc_runner_tests_expect2.txt";
  { std::ofstream(path) << "fail t.wast:1 flaky\n"; }
  auto ex = Expectations::load(path);
  BOOST_REQUIRE(ex.has_value());
  auto rep = run("(module)", &*ex);
  BOOST_TEST(rep.failed == 1u);
  std::remove(path);
}

BOOST_AUTO_TEST_CASE(spectest_imports_and_register) {
  auto rep = run(R"((module $a (import "spectest" "global_i32" (global $s i32))
                       (global (export "g") i32 (i32.const 7))
                       (func (export "s") (result i32) (global.get $s)))
                    (register "a" $a)
                    (module (import "a" "g" (global i32)) (import "spectest" "print_i32" (func (param i32)))
                       (func (export "g") (result i32) (global.get 0)))
                    (assert_return (invoke "g") (i32.const 7))
                    (assert_return (invoke $a "s") (i32.const 666))
                    (assert_unlinkable (module (import "a" "nope" (global i32))) "unknown import")
                    (assert_unlinkable (module (import "a" "g" (global i64))) "incompatible import type"))");
  BOOST_TEST(rep.failed == 0u);
  for (const auto& f : rep.failures) BOOST_TEST_MESSAGE(f);
  BOOST_TEST(rep.passed == 7u);
}

BOOST_AUTO_TEST_CASE(custom_assertions_are_checked) {
  // assert_malformed_custom: the annotation must fail to encode, with that
  // message; assert_invalid_custom: the module loads, its custom section
  // fails the check.
  auto rep = run(R"w((assert_malformed_custom (module quote "(@custom)") "@custom annotation: missing section name")
                    (assert_malformed_custom (module quote "(@custom \"a\")") "@custom annotation")
                    (assert_malformed_custom (module quote "(@custom 1)") "misplaced @custom annotation")
                    (assert_invalid_custom (module (func i32.const 0 (@metadata.code.branch_hint "\01") drop))
                      "@metadata.code.branch_hint annotation: invalid target")
                    (assert_invalid_custom (module (func i32.const 0 (@metadata.code.branch_hint "\01") if end))
                      "@metadata.code.branch_hint annotation: invalid target"))w");
  BOOST_TEST(rep.skipped == 0u);  // no longer "not supported by this runner"
  BOOST_TEST(rep.passed == 2u);
  BOOST_TEST(rep.failed == 3u);
  BOOST_REQUIRE(rep.failures.size() == 3u);
  BOOST_TEST(rep.failures[0].find("t.wast:2:") == 0u, rep.failures[0]);
  BOOST_TEST(rep.failures[1].find("t.wast:3:") == 0u, rep.failures[1]);
  BOOST_TEST(rep.failures[2].find("t.wast:6:") == 0u, rep.failures[2]);
}

BOOST_AUTO_TEST_CASE(reworded_messages_accept_the_older_text) {
  // 3.0's "immutable global" satisfies a 2.0 script's "global is immutable",
  // but an unrelated message still does not.
  auto rep = run(R"w((assert_invalid (module (global i32 (i32.const 0)) (func (global.set 0 (i32.const 1))))
                      "global is immutable")
                    (assert_invalid (module (global i32 (i32.const 0)) (func (global.set 0 (i32.const 1))))
                      "immutable global")
                    (assert_invalid (module (global i32 (i32.const 0)) (func (global.set 0 (i32.const 1))))
                      "malformed lane index"))w");
  BOOST_TEST(rep.passed == 2u);
  BOOST_TEST(rep.failed == 1u);
}

// (either result+): any one alternative matches (relaxed SIMD scripts);
// a value that is none of them fails, and is shown with every alternative.
BOOST_AUTO_TEST_CASE(either_results) {
  auto rep = run(R"((module (func (export "f") (param i32) (result i32) (local.get 0)))
    (assert_return (invoke "f" (i32.const 2)) (either (i32.const 1) (i32.const 2)))
    (assert_return (invoke "f" (i32.const 7)) (either (i32.const 1) (i32.const 2)))
    (assert_return (invoke "f" (i32.const 1)) (either (i32.const 1))))");
  BOOST_TEST(rep.skipped == 0u);
  BOOST_TEST(rep.passed == 3u);
  BOOST_TEST(rep.failed == 1u);
  BOOST_REQUIRE(rep.failures.size() == 1u);
  BOOST_TEST(rep.failures[0].find("t.wast:3:") == 0u, rep.failures[0]);
  BOOST_TEST(rep.failures[0].find("either(") != std::string::npos, rep.failures[0]);
}
