// Annotations in the text format: @custom sections and their placement,
// @name names, branch hints and their section check, lexing errors.
#define BOOST_TEST_MODULE annotations_tests
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "interp/binary/decoder.hpp"
#include "interp/binary/reader.hpp"
#include "interp/text/wat.hpp"
#include "interp/validate/custom_check.hpp"
#include "interp/validate/validator.hpp"

using namespace tc;

namespace {

std::vector<uint8_t> encode(std::string_view src) {
  auto r = wat::wat_to_binary(src);
  BOOST_REQUIRE_MESSAGE(r.has_value(), (std::string(src) + " -> " + (r ? std::string() : r.error().to_string())));
  return *r;
}

std::string encode_error(std::string_view src) {
  auto r = wat::wat_to_binary(src);
  BOOST_REQUIRE_MESSAGE(!r.has_value(), std::string(src) + " unexpectedly encoded");
  BOOST_CHECK(r.error().kind == ErrorKind::Malformed);
  return r.error().message;
}

// The module's sections in order: "#id" for standard ones, the name for
// custom ones.
std::vector<std::string> sections(const std::vector<uint8_t>& b) {
  std::vector<std::string> out;
  wasm::ByteReader r(b.data(), b.size(), 8);
  while (r.ok() && !r.eof()) {
    uint8_t id = r.u8();
    uint32_t size = r.u32();
    size_t end = r.pos() + size;
    if (id == 0) {
      uint32_t n = r.u32();
      out.emplace_back(reinterpret_cast<const char*>(b.data() + r.pos()), n);
    } else {
      out.push_back("#" + std::to_string(id));
    }
    r.seek(end);
  }
  BOOST_REQUIRE(r.ok());
  return out;
}

// Decoded and validated.
wasm::Module load(std::vector<uint8_t> bytes) {
  auto m = wasm::decode_module(std::move(bytes));
  BOOST_REQUIRE_MESSAGE(m.has_value(), (m ? std::string() : m.error().to_string()));
  auto v = wasm::validate_module(**m);
  BOOST_REQUIRE_MESSAGE(v.has_value(), (v ? std::string() : v.error().to_string()));
  return std::move(**m);  // Module is move-only (its data segments point into its bytes)
}

}  // namespace

BOOST_AUTO_TEST_CASE(custom_sections_are_placed_as_asked) {
  auto b = encode(R"((module
    (type (func))
    (@custom "end1" "a")
    (@custom "bt" (before type) "b")
    (@custom "ag" (after global) "c")
    (@custom "af" (after func) "d")
    (func)
    (@custom "first" (before first) "e")
    (@custom "bg" (before global) "f")
    (global i32 (i32.const 0))
    (@custom "end2" (after last) "")
    (@custom "bd" (before data) "g")))");
  // Same place: source order.
  std::vector<std::string> want = {"bt", "first", "#1", "#3", "af", "bg", "#6", "ag", "#10",
                                   "bd", "end1", "end2"};
  auto got = sections(b);
  BOOST_CHECK_EQUAL_COLLECTIONS(got.begin(), got.end(), want.begin(), want.end());
  auto m = load(b);
  BOOST_REQUIRE_EQUAL(m.customs.size(), 8u);
  BOOST_CHECK_EQUAL(m.customs[1].name, "first");
  BOOST_CHECK_EQUAL(std::string(reinterpret_cast<const char*>(m.bytes.data() + m.customs[1].offset),
                                m.customs[1].size), "e");
  // Contents are the concatenated strings.
  auto c = encode(R"((module (@custom "x" "ab" "" "cd")))");
  auto mc = load(c);
  BOOST_REQUIRE_EQUAL(mc.customs.size(), 1u);
  BOOST_CHECK_EQUAL(std::string(reinterpret_cast<const char*>(mc.bytes.data() + mc.customs[0].offset),
                                mc.customs[0].size), "abcd");
}

BOOST_AUTO_TEST_CASE(custom_annotation_errors) {
  BOOST_CHECK_EQUAL(encode_error("(@custom)"), "@custom annotation: missing section name");
  BOOST_CHECK_EQUAL(encode_error("(@custom \"\\df\")"), "@custom annotation: malformed UTF-8 encoding");
  BOOST_CHECK_EQUAL(encode_error("(@custom \"a\" (after))"), "@custom annotation: malformed section kind");
  BOOST_CHECK_EQUAL(encode_error("(@custom \"a\" (aft type))"), "@custom annotation: malformed placement");
  BOOST_CHECK_EQUAL(encode_error("(@custom \"a\" (after type x))"), "@custom annotation: unexpected token");
  BOOST_CHECK_EQUAL(encode_error("(@custom \"a\" \"b\" 1)"), "@custom annotation: unexpected token");
  BOOST_CHECK_EQUAL(encode_error("(global i32 (@custom \"a\") (i32.const 0))"), "misplaced @custom annotation");
  // Other annotations are ignored wherever they are.
  encode("(module (@other (custom \"x\")) (func (@custom.not \"y\") nop))");
}

BOOST_AUTO_TEST_CASE(name_annotations_fill_the_name_section) {
  auto m = load(encode(R"((module $id (@name "Modül")
    (func $f (@name "λ"))
    (func (@name "g") (export "g"))
    (func $h)))"));
  BOOST_CHECK_EQUAL(m.module_name, "Modül");
  BOOST_CHECK_EQUAL(m.func_names.at(0), "λ");
  BOOST_CHECK_EQUAL(m.func_names.at(1), "g");
  BOOST_CHECK_EQUAL(m.func_names.at(2), "h");
  BOOST_CHECK_EQUAL(encode_error("(module (@name \"a\") (@name \"b\"))"),
                    "@name annotation: multiple module names");
  BOOST_CHECK_EQUAL(encode_error("(module (func) (@name \"M\"))"), "misplaced @name annotation");
  BOOST_CHECK_EQUAL(encode_error("(module (func (@name \"a\") (@name \"b\")))"),
                    "@name annotation: multiple function names");
  BOOST_CHECK_EQUAL(encode_error("(module (func nop (@name \"a\")))"),
                    "@name annotation: misplaced annotation");
}

BOOST_AUTO_TEST_CASE(branch_hints_point_at_their_instructions) {
  auto b = encode(R"((module
    (func $a)
    (func (param i32) (result i32) (local i64)
      (@metadata.code.branch_hint "\01")
      (if (result i32) (i32.eqz (local.get 0))
        (then (block (@metadata.code.branch_hint "\00") (br_if 0 (local.get 0))) (i32.const 1))
        (else (i32.const 2)))
      local.get 0
      (@metadata.code.branch_hint "\00") br_if 0)))");
  auto s = sections(b);
  auto hint_at = std::find(s.begin(), s.end(), "metadata.code.branch_hint");
  auto code_at = std::find(s.begin(), s.end(), "#10");
  BOOST_REQUIRE(hint_at != s.end());
  BOOST_CHECK(hint_at + 1 == code_at);  // before the code section
  auto m = load(b);
  const wasm::CustomSection* c = nullptr;
  for (const auto& x : m.customs)
    if (x.name == "metadata.code.branch_hint") c = &x;
  BOOST_REQUIRE(c);
  // One function (index 1), three hints: if, the folded br_if, br_if.
  // Body of func 1: size, 01 01 7E (one i64 local), then
  //   20 00 45 04 7F  02 40 20 00 0D 00 0B 41 01 05 41 02 0B 20 00 0D 00 0B
  // offsets from the locals vector: if = 6, first br_if = 12, last = 23.
  std::vector<uint8_t> want = {1, 1, 3, 6, 1, 1, 12, 1, 0, 23, 1, 0};
  std::vector<uint8_t> got(m.bytes.begin() + c->offset, m.bytes.begin() + c->offset + c->size);
  BOOST_CHECK_EQUAL_COLLECTIONS(got.begin(), got.end(), want.begin(), want.end());
  BOOST_CHECK(wasm::check_custom_sections(m).has_value());
}

BOOST_AUTO_TEST_CASE(branch_hint_errors) {
  BOOST_CHECK_EQUAL(encode_error("(module (@metadata.code.branch_hint \"\\01\") (func))"),
                    "@metadata.code.branch_hint annotation: not in a function");
  BOOST_CHECK_EQUAL(encode_error("(func (@metadata.code.branch_hint \"\\02\") i32.const 0 if end)"),
                    "@metadata.code.branch_hint annotation: invalid hint value");
  BOOST_CHECK_EQUAL(encode_error("(func (@metadata.code.branch_hint x) nop)"),
                    "@metadata.code.branch_hint annotation: unexpected token");
  BOOST_CHECK_EQUAL(encode_error("(func nop (@metadata.code.branch_hint \"\\01\"))"),
                    "@metadata.code.branch_hint annotation: invalid placement");
  BOOST_CHECK_EQUAL(encode_error("(func i32.const 0 (@metadata.code.branch_hint \"\\01\") "
                                 "(@metadata.code.branch_hint \"\\01\") if end)"),
                    "@metadata.code.branch_hint annotation: duplicate annotation");
  // A hint on another instruction encodes but fails the section check.
  auto m = load(encode("(func i32.const 0 (@metadata.code.branch_hint \"\\01\") drop)"));
  auto r = wasm::check_custom_sections(m);
  BOOST_REQUIRE(!r.has_value());
  BOOST_CHECK(r.error().kind == ErrorKind::Invalid);
  BOOST_CHECK_EQUAL(r.error().message, "@metadata.code.branch_hint annotation: invalid target");
}

BOOST_AUTO_TEST_CASE(branch_hint_sections_from_binaries_are_checked) {
  // (func i32.const 0 if end) with a hand-written hint section.
  auto with_hint = [](std::vector<uint8_t> payload) {
    std::vector<uint8_t> b = {0, 'a', 's', 'm', 1, 0, 0, 0,
                              1, 4, 1, 0x60, 0, 0, 3, 2, 1, 0};
    std::string name = "metadata.code.branch_hint";
    b.push_back(0);
    b.push_back(uint8_t(1 + name.size() + payload.size()));
    b.push_back(uint8_t(name.size()));
    b.insert(b.end(), name.begin(), name.end());
    b.insert(b.end(), payload.begin(), payload.end());
    // One body of 7 bytes: no locals, i32.const 0 (offset 1), if (3), end, end.
    std::vector<uint8_t> code = {10, 9, 1, 7, 0, 0x41, 0, 0x04, 0x40, 0x0B, 0x0B};
    b.insert(b.end(), code.begin(), code.end());
    return load(std::move(b));
  };
  BOOST_CHECK(wasm::check_custom_sections(with_hint({1, 0, 1, 3, 1, 1})).has_value());
  auto msg = [&](std::vector<uint8_t> p) {
    auto r = wasm::check_custom_sections(with_hint(std::move(p)));
    return r ? std::string("ok") : r.error().message;
  };
  BOOST_CHECK_EQUAL(msg({1, 0, 1, 1, 1, 1}), "@metadata.code.branch_hint annotation: invalid target");
  BOOST_CHECK_EQUAL(msg({1, 0, 1, 4, 1, 1}), "@metadata.code.branch_hint section: invalid offset");
  BOOST_CHECK_EQUAL(msg({1, 0, 1, 3, 2, 1}), "@metadata.code.branch_hint section: missing reserved byte");
  BOOST_CHECK_EQUAL(msg({1, 0, 1, 3, 1, 7}), "@metadata.code.branch_hint section: invalid hint value");
  BOOST_CHECK_EQUAL(msg({1, 5, 0}), "@metadata.code.branch_hint section: invalid function index 5");
  BOOST_CHECK_EQUAL(msg({1, 0, 2, 3, 1, 1}), "@metadata.code.branch_hint section: unexpected end");
}

BOOST_AUTO_TEST_CASE(annotation_lexing) {
  BOOST_CHECK_EQUAL(encode_error("(@a \x01)"), "illegal character");
  BOOST_CHECK_EQUAL(encode_error("(@a \xc3\x9f)"), "illegal character");
  BOOST_CHECK_EQUAL(encode_error("(@a \x80)"), "malformed UTF-8 encoding");
  BOOST_CHECK_EQUAL(encode_error("(@\"\")"), "empty annotation id");
  BOOST_CHECK_EQUAL(encode_error("(@\"\n\")"), "empty annotation id");
  BOOST_CHECK_EQUAL(encode_error("(@\"\\ef\")"), "malformed UTF-8 encoding");
  BOOST_CHECK_EQUAL(encode_error("(@x (y)"), "unclosed annotation");
  BOOST_CHECK_EQUAL(encode_error("(func $(@a))"), "empty identifier");
  // Annotations may hold any tokens, parentheses balanced, comments too.
  encode("(module (@a , ; ] [ }} (x (@y)) \"a\\\"\" (; ) ;) ;; )\n) (@\"s p\") (func))");
}
