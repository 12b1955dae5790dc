// Unit tests for the text format: lexer, literals, WAT -> binary, WAST.
#define BOOST_TEST_MODULE text_tests
#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

#include "interp/text/lexer.hpp"
#include "interp/text/literals.hpp"
#include "interp/text/script.hpp"
#include "interp/text/wat.hpp"

using namespace tc;
using tc::wat::TokKind;

namespace {

std::vector<uint8_t> encode(std::string_view src) {
  auto r = wat::wat_to_binary(src);
  BOOST_REQUIRE_MESSAGE(r.has_value(), (std::string(src) + " -> " + (r ? std::string() : r.error().to_string())));
  return *r;
}

Error encode_error(std::string_view src) {
  auto r = wat::wat_to_binary(src);
  BOOST_REQUIRE_MESSAGE(!r.has_value(), std::string(src) + " unexpectedly encoded");
  BOOST_CHECK(r.error().kind == ErrorKind::Malformed);
  return r.error();
}

bool starts_with(const std::string& s, std::string_view p) { return s.rfind(p, 0) == 0; }

}  // namespace

// ---------------------------------------------------------------- lexer

BOOST_AUTO_TEST_CASE(lexer_token_kinds_and_positions) {
  auto t = wat::tokenize("(module $m\n  (; a (; nested ;) comment ;) i32.add 1_000 -0x1F 1.5e3 \"a\\n\\u{41}\\ff\" ;; tail\n  offset=8 foo/bar)");
  BOOST_REQUIRE(t.has_value());
  const auto& v = *t;
  std::vector<TokKind> kinds;
  for (const auto& tok : v) kinds.push_back(tok.kind);
  std::vector<TokKind> want = {TokKind::LParen, TokKind::Keyword, TokKind::Id, TokKind::Keyword,
                               TokKind::Nat, TokKind::Int, TokKind::Float, TokKind::String,
                               TokKind::OffsetEq, TokKind::Reserved, TokKind::RParen, TokKind::Eof};
  BOOST_REQUIRE_EQUAL(kinds.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) BOOST_CHECK(kinds[i] == want[i]);
  BOOST_CHECK_EQUAL(v[2].value, "m");
  BOOST_CHECK_EQUAL(v[3].line, 2u);
  BOOST_CHECK_EQUAL(v[3].col, 32u);
  BOOST_CHECK_EQUAL(v[7].value, std::string("a\nA\xff"));
  BOOST_CHECK_EQUAL(v[8].value, "8");
  BOOST_CHECK_EQUAL(v[8].line, 3u);
  BOOST_CHECK_EQUAL(v[8].col, 3u);
}

BOOST_AUTO_TEST_CASE(lexer_errors) {
  auto unclosed = wat::tokenize("(module \"abc");
  BOOST_REQUIRE(!unclosed.has_value());
  BOOST_CHECK_EQUAL(unclosed.error().message, "unclosed string literal");
  BOOST_CHECK_EQUAL(unclosed.error().location, "1:9");
  auto comment = wat::tokenize("(; (; ;)");
  BOOST_REQUIRE(!comment.has_value());
  BOOST_CHECK_EQUAL(comment.error().message, "unclosed comment");
  auto esc = wat::tokenize("\"\\q\"");
  BOOST_REQUIRE(!esc.has_value());
  BOOST_CHECK_EQUAL(esc.error().message, "illegal escape");
  auto raw = wat::tokenize(std::string("\"\xff\""));
  BOOST_REQUIRE(!raw.has_value());
  BOOST_CHECK_EQUAL(raw.error().message, "malformed UTF-8 encoding");
  // Annotations are skipped whole, strings and parens inside included.
  auto ann = wat::tokenize("(@custom \"x)\" (a (b))) nop");
  BOOST_REQUIRE(ann.has_value());
  BOOST_CHECK_EQUAL(ann->size(), 2u);
}

BOOST_AUTO_TEST_CASE(lexer_number_shapes) {
  BOOST_CHECK(wat::is_nat_text("1_000"));
  BOOST_CHECK(!wat::is_nat_text("1__000"));
  BOOST_CHECK(!wat::is_nat_text("_1"));
  BOOST_CHECK(!wat::is_nat_text("1_"));
  BOOST_CHECK(!wat::is_nat_text("0x"));
  BOOST_CHECK(wat::is_float_text("0x1.fffffep127"));
  BOOST_CHECK(wat::is_float_text("-inf"));
  BOOST_CHECK(wat::is_float_text("nan:0x7f_ffff"));
  BOOST_CHECK(wat::is_float_text("1."));
  BOOST_CHECK(!wat::is_float_text("1.e"));
  BOOST_CHECK(!wat::is_float_text("0x1.p"));
}

// ---------------------------------------------------------------- literals

BOOST_AUTO_TEST_CASE(integer_literal_ranges) {
  BOOST_CHECK_EQUAL(*wat::parse_i32("4294967295"), 0xFFFFFFFFu);
  BOOST_CHECK(!wat::parse_i32("4294967296"));
  BOOST_CHECK_EQUAL(*wat::parse_i32("-2147483648"), 0x80000000u);
  BOOST_CHECK(!wat::parse_i32("-2147483649"));
  BOOST_CHECK_EQUAL(*wat::parse_i32("+0x7fff_ffff"), 0x7FFFFFFFu);
  BOOST_CHECK_EQUAL(*wat::parse_i64("-9223372036854775808"), 0x8000000000000000ull);
  BOOST_CHECK(!wat::parse_i64("18446744073709551616"));
  BOOST_CHECK_EQUAL(*wat::parse_i64("0xffff_ffff_ffff_ffff"), ~0ull);
  BOOST_CHECK(!wat::parse_u32("-1"));
  BOOST_CHECK_EQUAL(*wat::parse_int_bits("-128", 8), 0x80u);
  BOOST_CHECK(!wat::parse_int_bits("256", 8));
}

BOOST_AUTO_TEST_CASE(float_literals_round_once) {
  BOOST_CHECK_EQUAL(*wat::parse_f32("1"), 0x3F800000u);
  BOOST_CHECK_EQUAL(*wat::parse_f32("0x1p-149"), 0x00000001u);
  BOOST_CHECK_EQUAL(*wat::parse_f32("0x1.000001p0"), 0x3F800000u);    // tie -> even
  BOOST_CHECK_EQUAL(*wat::parse_f32("0x1.000003p0"), 0x3F800002u);    // tie -> even (up)
  // Just above the f32 halfway point; parsing through double would round
  // to the halfway value first and then down to 1.0.
  BOOST_CHECK_EQUAL(*wat::parse_f32("1.000000059604644775390625000000000001"), 0x3F800001u);
  BOOST_CHECK_EQUAL(*wat::parse_f32("1_000.5"), 0x447A2000u);
  BOOST_CHECK_EQUAL(*wat::parse_f32("0x1.fffffep127"), 0x7F7FFFFFu);
  BOOST_CHECK(!wat::parse_f32("0x1p128"));
  BOOST_CHECK(!wat::parse_f32("1e39"));
  BOOST_CHECK_EQUAL(*wat::parse_f32("-inf"), 0xFF800000u);
  BOOST_CHECK_EQUAL(*wat::parse_f32("nan"), 0x7FC00000u);
  BOOST_CHECK_EQUAL(*wat::parse_f32("-nan:0x1"), 0xFF800001u);
  BOOST_CHECK(!wat::parse_f32("nan:0x0"));
  BOOST_CHECK(!wat::parse_f32("nan:0x80_0000"));
  BOOST_CHECK_EQUAL(*wat::parse_f64("nan:0xf_ffff_ffff_ffff"), 0x7FFFFFFFFFFFFFFFull);
  BOOST_CHECK_EQUAL(*wat::parse_f64("0x1p-1074"), 1ull);
  BOOST_CHECK_EQUAL(*wat::parse_f64("-0"), 0x8000000000000000ull);
  BOOST_CHECK(!wat::parse_f64("1e309"));
}

// ---------------------------------------------------------------- modules

BOOST_AUTO_TEST_CASE(exact_encoding_of_a_small_module) {
  auto b = encode("(module (func (export \"f\") (param i32) (result i32) local.get 0))");
  std::vector<uint8_t> want = {
      0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00,   // header
      0x01, 0x06, 0x01, 0x60, 0x01, 0x7F, 0x01, 0x7F,   // type
      0x03, 0x02, 0x01, 0x00,                           // function
      0x07, 0x05, 0x01, 0x01, 'f', 0x00, 0x00,          // export
      0x0A, 0x06, 0x01, 0x04, 0x00, 0x20, 0x00, 0x0B};  // code
  BOOST_CHECK_EQUAL_COLLECTIONS(b.begin(), b.end(), want.begin(), want.end());
}

BOOST_AUTO_TEST_CASE(empty_module_forms) {
  std::vector<uint8_t> header = {0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00};
  BOOST_CHECK(encode("(module)") == header);
  BOOST_CHECK(encode("") == header);  // a bare (empty) field list
  BOOST_CHECK(encode("(module binary \"\\00asm\" \"\\01\\00\\00\\00\")") == header);
  BOOST_CHECK(encode("(module quote \"(func\" \")\")") == encode("(func)"));
}

// Each abbreviation must encode exactly like its expansion.
BOOST_AUTO_TEST_CASE(abbreviations_match_expansions) {
  auto same = [](std::string_view a, std::string_view b) {
    BOOST_CHECK_MESSAGE(encode(a) == encode(b), std::string(a) + "  vs  " + std::string(b));
  };
  same("(func (export \"a\") (export \"b\") (nop))",
       "(func (nop)) (export \"a\" (func 0)) (export \"b\" (func 0))");
  same("(func (import \"m\" \"f\") (param i32))",
       "(type (func (param i32))) (import \"m\" \"f\" (func (type 0)))");
  same("(global (import \"m\" \"g\") (mut i64))", "(import \"m\" \"g\" (global (mut i64)))");
  same("(memory (export \"m\") (import \"a\" \"b\") 1 2)",
       "(import \"a\" \"b\" (memory 1 2)) (export \"m\" (memory 0))");
  same("(func (param i32 i64) (local f32) (local f64))",
       "(type (func (param i32) (param i64))) (func (type 0) (local f32 f64))");
  same("(func (result i32) (i32.add (i32.const 1) (i32.const 2)))",
       "(func (result i32) i32.const 1 i32.const 2 i32.add)");
  same("(func (if (i32.const 1) (then (nop)) (else (unreachable))))",
       "(func i32.const 1 if nop else unreachable end)");
  same("(func (block $l (loop $k (br_if $l (i32.const 0)) (br $k))))",
       "(func block loop i32.const 0 br_if 1 br 0 end end)");
  same("(func $f) (table funcref (elem $f $f))",
       "(func $f) (table 2 2 funcref) (elem (i32.const 0) func $f $f)");
  same("(memory (data \"ab\" \"c\"))", "(memory 1 1) (data (i32.const 0) \"abc\")");
  same("(func (block (result i32) (i32.const 1)))", "(func block (result i32) i32.const 1 end)");
  // A block with parameters gets an implicit type, appended after the
  // explicit ones and reused when it reappears.
  same("(type (func)) (func (block (param i32) (drop)) (block (param i32) (drop)))",
       "(type (func)) (type (func (param i32))) (func (type 0) (block (type 1) (drop)) (block (type 1) (drop)))");
  same("(func (call_indirect (param i32) (i32.const 0) (i32.const 0))) (table 1 funcref)",
       "(type (func)) (type (func (param i32))) (func (type 0) i32.const 0 i32.const 0 call_indirect 0 (type 1)) (table 1 funcref)");
  same("(func (i32.load offset=0x10 align=4 (i32.const 0))) (memory 1)",
       "(func i32.const 0 i32.load offset=16) (memory 1)");
  same("(func (select (result i32) (i32.const 1) (i32.const 2) (i32.const 0)))",
       "(func i32.const 1 i32.const 2 i32.const 0 select (result i32))");
}

BOOST_AUTO_TEST_CASE(names_resolve_across_fields) {
  // Forward references, and named indices equal to the numeric ones.
  auto named = encode(
      "(module (func $a (call $b)) (func $b (local $x i32) (local.set $x (global.get $g)))"
      " (global $g i32 (i32.const 7)))");
  auto numeric = encode(
      "(module (func $a (call 1)) (func $b (local i32) (local.set 0 (global.get 0)))"
      " (global i32 (i32.const 7)))");
  BOOST_CHECK(named == numeric);
  // The name section carries the function names.
  std::string s(numeric.begin(), numeric.end());
  BOOST_CHECK(s.find("name") != std::string::npos);
  BOOST_CHECK(s.find('a') != std::string::npos);
}

BOOST_AUTO_TEST_CASE(validator_issues_are_not_parse_errors) {
  encode("(func (local.get 5))");                       // local out of range
  encode("(func (call 99))");                           // function out of range
  encode("(memory 0) (memory 0)");                      // multiple memories
  encode("(memory 1) (func (drop (i32.load align=8 (i32.const 0))))");  // too large
  encode("(func (result i32) (i64.const 0))");          // type mismatch
  encode("(func (type 42))");                           // unknown type, no inline
}

BOOST_AUTO_TEST_CASE(malformed_messages_and_locations) {
  auto e = encode_error("(module\n  (func (i32.addd)))");
  BOOST_CHECK_EQUAL(e.message, "unknown operator i32.addd");
  BOOST_CHECK_EQUAL(e.location, "2:10");
  BOOST_CHECK(starts_with(encode_error("(func (br $nope))").message, "unknown label"));
  BOOST_CHECK(starts_with(encode_error("(func block $a end $b)").message, "mismatching label"));
  BOOST_CHECK(starts_with(encode_error("(func $f) (func $f)").message, "duplicate func"));
  BOOST_CHECK(starts_with(encode_error("(func (param $x i32) (local $x i32))").message,
                          "duplicate local"));
  BOOST_CHECK_EQUAL(encode_error("(func (i32.const 4294967296))").message, "constant out of range");
  BOOST_CHECK_EQUAL(encode_error("(func (f32.const nan:0x0))").message, "constant out of range");
  BOOST_CHECK(starts_with(
      encode_error("(memory 1) (func (drop (i32.load align=3 (i32.const 0))))").message,
      "alignment"));
  // u64 limits with memory64 (validation checks the range); u32 in 2.0.
  BOOST_CHECK(wat::wat_to_binary("(memory 0x1_0000_0000)").has_value());
  auto v2 = wat::wat_to_binary("(memory 0x1_0000_0000)", wasm::Features::wasm2());
  BOOST_REQUIRE(!v2.has_value());
  BOOST_CHECK(starts_with(v2.error().message, "i32 constant out of range"));
  BOOST_CHECK(starts_with(encode_error("(type (func)) (func (type 0) (param i32))").message,
                          "inline function type"));
  BOOST_CHECK(starts_with(encode_error("(func) (import \"a\" \"b\" (func))").message,
                          "import after function"));
  BOOST_CHECK(starts_with(encode_error("(func) (start 0) (start 0)").message,
                          "multiple start sections"));
  BOOST_CHECK_EQUAL(encode_error("(func (result i32) (param i32))").message, "unexpected token");
  BOOST_CHECK_EQUAL(encode_error("(export \"\\ff\" (func 0))").message,
                    "malformed UTF-8 encoding");
  BOOST_CHECK(starts_with(encode_error("(func (type $t))").message, "unknown type"));
}

BOOST_AUTO_TEST_CASE(truncated_input_fails_cleanly) {
  const std::string src =
      "(module (type (func (param i32))) (func $f (param $p i32) (result i32)"
      " (block $b (result i32) (if (result i32) (local.get $p) (then (i32.const 1))"
      " (else (i32.const 2))))) (table 1 funcref) (elem (i32.const 0) $f))";
  BOOST_REQUIRE(wat::wat_to_binary(src).has_value());
  for (size_t n = 0; n < src.size(); ++n) {
    auto r = wat::wat_to_binary(std::string_view(src).substr(0, n));
    if (n > 0) BOOST_CHECK_MESSAGE(!r.has_value(), "prefix of length " << n << " encoded");
  }
}

BOOST_AUTO_TEST_CASE(deep_nesting_does_not_overflow) {
  const int depth = 200000;
  std::string flat = "(func";
  for (int i = 0; i < depth; ++i) flat += " block";
  for (int i = 0; i < depth; ++i) flat += " end";
  flat += ")";
  BOOST_CHECK(wat::wat_to_binary(flat).has_value());
  std::string folded = "(func (result i32) ";
  for (int i = 0; i < depth; ++i) folded += "(i32.eqz ";
  folded += "(i32.const 0)";
  folded += std::string(depth, ')');
  folded += ")";
  BOOST_CHECK(wat::wat_to_binary(folded).has_value());
  std::string unclosed(depth, '(');
  BOOST_CHECK(!wat::wat_to_binary(unclosed).has_value());
  std::string comments;
  for (int i = 0; i < depth; ++i) comments += "(;";
  for (int i = 0; i < depth; ++i) comments += ";)";
  BOOST_CHECK(wat::wat_to_binary(comments).has_value());
}

// ---------------------------------------------------------------- scripts

BOOST_AUTO_TEST_CASE(wast_commands) {
  const char* src = R"W((module $M (func (export "f") (param i32) (result i32) (local.get 0)))
(register "m" $M)
(invoke "f" (i32.const 1))
(assert_return (invoke $M "f" (i32.const -1)) (i32.const 0xffffffff))
(assert_return (invoke "g") (f32.const nan:canonical) (f64.const -0x1p-1) (ref.null extern) (ref.extern 3) (ref.func) (ref.extern))
(assert_trap (invoke "f" (i32.const 0)) "unreachable")
(assert_trap (module (func unreachable) (start 0)) "unreachable")
(assert_exhaustion (invoke "f") "call stack exhausted")
(assert_invalid (module (func (result i32))) "type mismatch")
(assert_malformed (module quote "(func (i32.const 0x))") "unknown operator")
(assert_malformed (module binary "\00asm") "unexpected end")
(assert_unlinkable (module (import "x" "y" (func))) "unknown import")
(assert_uninstantiable (module (func unreachable) (start 0)) "unreachable")
(get "g")
(some_future_command 1 2 (3))
)W";
  auto s = wast::parse_wast(src);
  BOOST_REQUIRE_MESSAGE(s.has_value(), (s ? std::string() : s.error().to_string()));
  using K = wast::Command::Kind;
  const auto& c = s->commands;
  BOOST_REQUIRE_EQUAL(c.size(), 15u);
  std::vector<K> kinds = {K::Module, K::Register, K::Action, K::AssertReturn, K::AssertReturn,
                          K::AssertTrap, K::AssertTrap, K::AssertExhaustion, K::AssertInvalid,
                          K::AssertMalformed, K::AssertMalformed, K::AssertUnlinkable,
                          K::AssertUninstantiable, K::Action, K::Unsupported};
  for (size_t i = 0; i < kinds.size(); ++i) {
    BOOST_CHECK(c[i].kind == kinds[i]);
    BOOST_CHECK_EQUAL(c[i].line, i + 1);
  }
  BOOST_CHECK_EQUAL(*c[0].module.name, "M");
  BOOST_CHECK(wast::module_source_to_binary(c[0].module).has_value());
  BOOST_CHECK_EQUAL(c[1].register_name, "m");
  BOOST_CHECK_EQUAL(*c[1].register_module, "M");
  BOOST_CHECK_EQUAL(c[3].action.args[0].bits, 0xFFFFFFFFu);
  BOOST_CHECK_EQUAL(c[3].expected[0].value.bits, 0xFFFFFFFFu);
  const auto& r = c[4].expected;
  BOOST_REQUIRE_EQUAL(r.size(), 6u);
  BOOST_CHECK(r[0].kind == wast::ResultPattern::Kind::Float);
  BOOST_CHECK(r[0].lanes[0].kind == wast::NumPattern::Kind::NanCanonical);
  BOOST_CHECK_EQUAL(r[1].lanes[0].bits, 0xBFE0000000000000ull);
  BOOST_CHECK(r[2].kind == wast::ResultPattern::Kind::RefNull);
  BOOST_CHECK(r[3].kind == wast::ResultPattern::Kind::RefExtern);
  BOOST_CHECK_EQUAL(r[3].value.extern_id, 3u);
  BOOST_CHECK(r[4].kind == wast::ResultPattern::Kind::RefFunc);
  BOOST_CHECK(r[5].kind == wast::ResultPattern::Kind::RefExternAny);
  BOOST_CHECK(!c[5].has_module);
  BOOST_CHECK(c[6].has_module);
  BOOST_CHECK_EQUAL(c[7].message, "call stack exhausted");
  BOOST_CHECK(wast::module_source_to_binary(c[8].module).has_value());  // invalid, not malformed
  auto bad = wast::module_source_to_binary(c[9].module);
  BOOST_REQUIRE(!bad.has_value());
  BOOST_CHECK_EQUAL(bad.error().message, "unknown operator 0x");
  BOOST_CHECK(c[10].module.kind == wast::ModuleSource::Kind::Binary);
  BOOST_CHECK_EQUAL(c[10].module.bytes.size(), 4u);
  BOOST_CHECK(c[13].action.kind == wast::Action::Kind::Get);
}

BOOST_AUTO_TEST_CASE(wast_text_module_errors_use_file_positions) {
  auto s = wast::parse_wast("\n\n  (module\n    (func (br 7x)))");
  BOOST_REQUIRE(s.has_value());
  auto r = wast::module_source_to_binary(s->commands[0].module);
  BOOST_REQUIRE(!r.has_value());
  BOOST_CHECK_EQUAL(r.error().location, "4:15");
}
