// Unit tests for interp/validate: every module-level and instruction rule
// we can construct, with the spec's wording; Malformed-over-Invalid
// precedence; the BodyReader interface; robustness on corrupted input.
#define BOOST_TEST_MODULE validate_tests
#include <boost/test/unit_test.hpp>

#include <random>
#include <string>
#include <vector>

#include "interp/binary/decoder.hpp"
#include "test/wasm_bytes.hpp"
#include "interp/text/wat.hpp"
#include "interp/validate/body_reader.hpp"
#include "interp/validate/validator.hpp"

using namespace tc;
using namespace tc::wasm;

namespace {

using tc::test::Bytes;
using tc::test::cat;
using tc::test::leb;
using tc::test::module;
using tc::test::section;

Bytes code_entry(const Bytes& body) {
  Bytes c = cat({{0x00}, body, {0x0b}});
  return cat({leb(c.size()), c});
}

// n functions of type [] -> [], with the given bodies (without final end).
Bytes funcs_module(const std::vector<Bytes>& bodies, std::initializer_list<Bytes> extra_before_code = {},
                   std::initializer_list<Bytes> extra_after_code = {}) {
  Bytes funcsec = leb(bodies.size());
  Bytes codesec = leb(bodies.size());
  for (const auto& b : bodies) {
    funcsec.push_back(0x00);
    auto e = code_entry(b);
    codesec.insert(codesec.end(), e.begin(), e.end());
  }
  Bytes out = module({section(1, {0x01, 0x60, 0x00, 0x00}), section(3, funcsec)});
  for (const auto& s : extra_before_code) out.insert(out.end(), s.begin(), s.end());
  auto cs = section(10, codesec);
  out.insert(out.end(), cs.begin(), cs.end());
  for (const auto& s : extra_after_code) out.insert(out.end(), s.begin(), s.end());
  return out;
}

Bytes from_hex(const std::string& hex) {
  Bytes out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) out.push_back(uint8_t(std::stoi(hex.substr(i, 2), nullptr, 16)));
  return out;
}

// "" when valid, else "<kind>: <message>".
std::string check_bytes(const Bytes& b) {
  auto m = decode_module(b);
  if (!m) return std::string("decode: ") + m.error().message;
  auto v = validate_module(**m);
  if (v) return "";
  return std::string(error_kind_name(v.error().kind)) + ": " + v.error().message;
}

std::string check(const std::string& wat) {
  auto b = wat::wat_to_binary(wat);
  if (!b) return "text: " + b.error().message;
  return check_bytes(*b);
}

bool starts_with(const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; }

#define EXPECT_INVALID(wat, msg) BOOST_TEST(starts_with(check(wat), std::string("invalid: ") + msg), check(wat))
#define EXPECT_VALID(wat) BOOST_TEST(check(wat) == "")

const std::string kRealModule =
    "0061736d0100000001160460017f017f60000060037c7d7e017c60027e7f017e03080701000000020300040501700103"
    "030503010002063d0a7f0141f088040b7f0041b0080b7f0041a0080b7f0041a8080b7f004180080b7f0041f0080b7f00"
    "4180080b7f0041f088040b7f0041000b7f0041010b07bb0110066d656d6f72790200115f5f7761736d5f63616c6c5f63"
    "746f7273000002737700030264640004036d697800050372756e0006036275660301057461626c65030201670303195f"
    "5f696e6469726563745f66756e6374696f6e5f7461626c6501000c5f5f64736f5f68616e646c6503040a5f5f64617461"
    "5f656e6403050d5f5f676c6f62616c5f6261736503060b5f5f686561705f6261736503070d5f5f6d656d6f72795f6261"
    "736503080c5f5f7461626c655f6261736503090908010041010b0201020aee020702000b0700200041036c0b08002000"
    "41d500730b2501017f417f21010240200041054b0d0020004102744180888080006a28020021010b20010b100020009f"
    "20002001bba22002b9a0a00b15002000420387200141076ead8520002001ad86840b8a0202077f017c02400240200041"
    "014e0d00410021010c010b4180888080002102410021034100210103402003410b6e41756c41b0888080006a2104417f"
    "21052003200341017141027441a0888080006a28020011808080800000210602402003200341076e41796c22076a4105"
    "4b0d00200220074102746a28020021050b4100200620016a20056a200420036a2c00006a220141002802a8888080006a"
    "3602a888808000200241046a21022000200341016a2203470d000b0b20004103752000410374722103024002402000b7"
    "440000000000000e40a0442e2109148e98f33fa022089944000000000000e04163450d002008aa21020c010b41808080"
    "807821020b200320026a20016a0b0b7502004180080b180a000000160000001f000000ffffffffffffffff0900000000"
    "41a0080b500100000002000000050000000000000068656c6c6f20776f726c6400000000000000000000000000000000"
    "00000000000000000000000000000000000000000000000000000000000000000000000000005c046e616d65012e0700"
    "115f5f7761736d5f63616c6c5f63746f72730102663102026632030273770402646405036d6978060372756e07120100"
    "0f5f5f737461636b5f706f696e74657209110200072e726f6461746101052e64617461002d0970726f64756365727301"
    "0c70726f6365737365642d6279010c44656269616e20636c616e670631342e302e36";

}  // namespace

BOOST_AUTO_TEST_SUITE(instructions)

BOOST_AUTO_TEST_CASE(basic_typing) {
  EXPECT_VALID("(module (func (param i32) (result i32) local.get 0 i32.const 1 i32.add))");
  EXPECT_INVALID("(module (func (result i32) i64.const 0))", "type mismatch");
  EXPECT_INVALID("(module (func (result i32)))", "type mismatch");
  EXPECT_INVALID("(module (func i32.const 0))", "type mismatch");
  EXPECT_INVALID("(module (func (result i32) i32.const 0 f32.const 0 i32.add))", "type mismatch");
  EXPECT_INVALID("(module (func i32.eqz drop))", "type mismatch");
}

BOOST_AUTO_TEST_CASE(unreachable_code) {
  EXPECT_VALID("(module (func (result i32) unreachable i32.add))");
  EXPECT_VALID("(module (func (result i32) unreachable select))");
  EXPECT_VALID("(module (func (result i64) (block (result i64) (br 0 (unreachable)))))");
  EXPECT_INVALID("(module (func (result i32) unreachable i64.const 0 i32.add))", "type mismatch");
  EXPECT_INVALID("(module (func unreachable i32.const 0 i32.const 0))", "type mismatch");
  EXPECT_VALID("(module (func (result f32) (return (f32.const 1)) (i32.const 1) drop))");
  EXPECT_INVALID("(module (func (result f32) return))", "type mismatch");
}

BOOST_AUTO_TEST_CASE(blocks) {
  EXPECT_VALID("(module (type $t (func (param i32 i32) (result i64)))"
               " (func (result i64) i32.const 1 i32.const 2 (block (type $t) drop drop i64.const 7)))");
  EXPECT_VALID("(module (func (param i32) (result i32 i32) local.get 0 local.get 0"
               " (loop (param i32 i32) (result i32 i32))))");
  EXPECT_INVALID("(module (func (result i32) (block (result i32) (i64.const 0))))", "type mismatch");
  EXPECT_INVALID("(module (func (if (result i32) (i32.const 1) (then (i32.const 1)))))", "type mismatch");
  EXPECT_INVALID("(module (func (if (i64.const 1) (then))))", "type mismatch");
  EXPECT_INVALID("(module (func (block (i32.const 1))))", "type mismatch");
  EXPECT_INVALID("(module (func (block (type 3))))", "unknown type");
}

BOOST_AUTO_TEST_CASE(branches) {
  EXPECT_INVALID("(module (func (br 1)))", "unknown label");
  EXPECT_VALID("(module (func (br 0)))");
  EXPECT_VALID("(module (func (result i32) (block (result i32) (br_if 0 (i32.const 1) (i32.const 0)))))");
  EXPECT_INVALID("(module (func (block (result i32) (br_if 0 (i64.const 1) (i32.const 0)) drop (i32.const 0))))",
                 "type mismatch");
  EXPECT_VALID("(module (func (param i32) (result i32) (block (result i32) (block (result i32)"
               " (br_table 0 1 (i32.const 5) (local.get 0))))))");
  EXPECT_INVALID("(module (func (param i32) (block (result i32) (block"
                 " (br_table 0 1 (i32.const 5) (local.get 0))) (i32.const 0))))",
                 "type mismatch");
  EXPECT_INVALID("(module (func (param i32) (block (br_table 0 2 (local.get 0)))))", "unknown label");
  EXPECT_VALID("(module (func (param i32) (result i32) (block (result f32) unreachable (br_table 0 0)) drop"
               " i32.const 0))");
}

BOOST_AUTO_TEST_CASE(variables) {
  BOOST_TEST(check("(module (func (local.get 0) drop))") == "invalid: unknown local 0");
  EXPECT_INVALID("(module (func (param i32) (local i64) (local.set 1 (i32.const 0))))", "type mismatch");
  EXPECT_VALID("(module (func (param i32) (local i64) (local.set 1 (i64.const 0))))");
  BOOST_TEST(check("(module (func (global.get 3) drop))") == "invalid: unknown global 3");
  EXPECT_INVALID("(module (global i32 (i32.const 0)) (func (global.set 0 (i32.const 1))))",
                 "immutable global");
  EXPECT_VALID("(module (global (mut i32) (i32.const 0)) (func (global.set 0 (i32.const 1))))");
}

BOOST_AUTO_TEST_CASE(calls) {
  BOOST_TEST(check("(module (func (call 7)))") == "invalid: unknown function 7");
  EXPECT_INVALID("(module (func (param i32)) (func (call 0 (i64.const 1))))", "type mismatch");
  EXPECT_INVALID("(module (func (call_indirect (type 0) (i32.const 0))))", "unknown table");
  EXPECT_INVALID("(module (table 1 funcref) (func (call_indirect (type 9) (i32.const 0))))", "unknown type");
  EXPECT_INVALID("(module (type (func)) (table 1 externref) (func (call_indirect (type 0) (i32.const 0))))",
                 "type mismatch");
  EXPECT_VALID("(module (type (func)) (table 1 funcref) (func (call_indirect (type 0) (i32.const 0))))");
}

BOOST_AUTO_TEST_CASE(memory_access) {
  BOOST_TEST(check("(module (func (drop (i32.load (i32.const 0)))))") == "invalid: unknown memory 0");
  EXPECT_INVALID("(module (memory 1) (func (drop (i32.load align=8 (i32.const 0)))))",
                 "alignment must not be larger than natural");
  EXPECT_INVALID("(module (memory 1) (func (drop (i64.load8_u align=2 (i32.const 0)))))",
                 "alignment must not be larger than natural");
  EXPECT_VALID("(module (memory 1) (func (drop (i64.load align=8 (i32.const 0)))))");
  EXPECT_INVALID("(module (memory 1) (func (i64.store (i32.const 0) (i32.const 0))))", "type mismatch");
  EXPECT_INVALID("(module (func (drop (memory.size))))", "unknown memory");
  EXPECT_INVALID("(module (func (memory.fill (i32.const 0) (i32.const 0) (i32.const 0))))", "unknown memory");
  EXPECT_VALID("(module (memory 1) (func (memory.copy (i32.const 0) (i32.const 0) (i32.const 0))))");
}

BOOST_AUTO_TEST_CASE(select_forms) {
  EXPECT_VALID("(module (func (result i64) (select (i64.const 1) (i64.const 2) (i32.const 0))))");
  EXPECT_INVALID("(module (func (result i64) (select (i64.const 1) (i32.const 2) (i32.const 0))))",
                 "type mismatch");
  EXPECT_INVALID("(module (func (drop (select (ref.null func) (ref.null func) (i32.const 0)))))",
                 "type mismatch");
  EXPECT_VALID("(module (func (drop (select (result funcref) (ref.null func) (ref.null func) (i32.const 0)))))");
  // select with two result types (hand-encoded: 1c 02 7f 7f).
  Bytes body = {0x41, 0x00, 0x41, 0x00, 0x41, 0x00, 0x1c, 0x02, 0x7f, 0x7f, 0x1a};
  BOOST_TEST(check_bytes(funcs_module({body})) == "invalid: invalid result arity");
}

BOOST_AUTO_TEST_CASE(references) {
  EXPECT_INVALID("(module (func (drop (ref.func 0))))", "undeclared function reference");
  EXPECT_VALID("(module (func (export \"f\") (drop (ref.func 0))))");
  EXPECT_VALID("(module (elem declare func 0) (func (drop (ref.func 0))))");
  EXPECT_VALID("(module (global funcref (ref.func 0)) (func (drop (ref.func 0))))");
  EXPECT_INVALID("(module (func (drop (ref.is_null (i32.const 0)))))", "type mismatch");
  EXPECT_VALID("(module (func (drop (ref.is_null (ref.null extern)))))");
}

BOOST_AUTO_TEST_CASE(tables_and_segments) {
  EXPECT_INVALID("(module (func (drop (table.size 0))))", "unknown table");
  EXPECT_INVALID("(module (table 1 funcref) (table 1 externref)"
                 " (func (table.copy 0 1 (i32.const 0) (i32.const 0) (i32.const 0))))",
                 "type mismatch");
  EXPECT_INVALID("(module (table 1 funcref) (func (elem.drop 4)))", "unknown elem segment 4");
  EXPECT_INVALID("(module (table 1 externref) (elem funcref) "
                 "(func (table.init 0 0 (i32.const 0) (i32.const 0) (i32.const 0))))",
                 "type mismatch");
  EXPECT_VALID("(module (table 1 funcref) (elem funcref) "
               "(func (table.init 0 0 (i32.const 0) (i32.const 0) (i32.const 0))))");
  EXPECT_INVALID("(module (table 1 externref) (func (table.set 0 (i32.const 0) (ref.null func))))",
                 "type mismatch");
  EXPECT_INVALID("(module (memory 1) (data \"a\") (func (data.drop 3)))", "unknown data segment 3");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(module_rules)

BOOST_AUTO_TEST_CASE(constant_expressions) {
  // Extended constants (wasm 3.0): i32/i64 add, sub, mul, typed.
  EXPECT_VALID("(module (global i32 (i32.add (i32.const 1) (i32.mul (i32.const 2) (i32.const 3)))))");
  EXPECT_VALID("(module (global i64 (i64.sub (i64.const 1) (i64.const 2))))");
  EXPECT_INVALID("(module (global i32 (i32.div_s (i32.const 1) (i32.const 2))))", "constant expression required");
  EXPECT_INVALID("(module (global i32 (i32.add (i32.const 1) (i64.const 2))))", "type mismatch");
  EXPECT_INVALID("(module (global i64 (i32.add (i32.const 1) (i32.const 2))))", "type mismatch");
  EXPECT_INVALID("(module (global (import \"m\" \"g\") (mut i32)) (global i32 (global.get 0)))",
                 "constant expression required");
  EXPECT_VALID("(module (global (import \"m\" \"g\") i32) (global i32 (global.get 0)))");
  // wasm 3.0: the globals before it are visible, defined ones too; later
  // ones are not; segments see all of them.
  EXPECT_VALID("(module (global i32 (i32.const 0)) (global i32 (global.get 0)))");
  EXPECT_INVALID("(module (global i32 (global.get 1)) (global i32 (i32.const 0)))", "unknown global 1");
  EXPECT_INVALID("(module (global i32 (global.get 0)))", "unknown global 0");
  EXPECT_VALID("(module (memory 1) (global i32 (i32.const 0)) (data (global.get 0) \"a\"))");
  EXPECT_INVALID("(module (global i32 (i64.const 0)))", "type mismatch");
  Bytes empty_init = module({section(6, {0x01, 0x7f, 0x00, 0x0b})});
  BOOST_TEST(starts_with(check_bytes(empty_init), "invalid: type mismatch"));
  Bytes two_values = module({section(6, {0x01, 0x7f, 0x00, 0x41, 0x00, 0x41, 0x00, 0x0b})});
  BOOST_TEST(starts_with(check_bytes(two_values), "invalid: type mismatch"));
  EXPECT_INVALID("(module (memory 1) (data (offset (i64.const 0)) \"\"))", "type mismatch");
  EXPECT_INVALID("(module (table 1 funcref) (elem (offset (i32.const 0) (nop)) func))",
                 "constant expression required");
}

BOOST_AUTO_TEST_CASE(limits) {
  EXPECT_INVALID("(module (memory 2 1))", "size minimum must not be greater than maximum");
  EXPECT_INVALID("(module (table 2 1 funcref))", "size minimum must not be greater than maximum");
  EXPECT_INVALID("(module (memory 65537))", "memory size must be at most 65536 pages (4GiB)");
  EXPECT_INVALID("(module (memory 0 65537))", "memory size must be at most 65536 pages (4GiB)");
  EXPECT_VALID("(module (memory 0 65536))");
  EXPECT_INVALID("(module (memory i64 0x1_0000_0000_0001))",
                 "memory size must be at most 2^48 pages (256 TiB) for i64");
  EXPECT_VALID("(module (memory i64 0x1_0000_0000_0000))");
  EXPECT_INVALID("(module (table 0x1_0000_0000 funcref))", "table size must be at most 2^32-1");
  EXPECT_VALID("(module (table i64 0 0xffff_ffff_ffff_ffff funcref))");
  // Multi-memory; 2.0 allowed one.
  EXPECT_VALID("(module (memory 1) (memory 1))");
  EXPECT_VALID("(module (memory (import \"m\" \"m\") 1) (memory 1))");
  auto b = wat::wat_to_binary("(module (memory 1) (memory 1))");
  BOOST_REQUIRE(b);
  auto m = decode_module(*b);
  BOOST_REQUIRE(m);
  auto v = validate_module(**m, Features::wasm2());
  BOOST_REQUIRE(!v);
  BOOST_TEST(v.error().message == "multiple memories");
}

// Memory types carry their address type and memory instructions their
// memory: an i64 memory takes i64 addresses, sizes and offsets beyond u32.
BOOST_AUTO_TEST_CASE(memory_address_type_and_index) {
  auto b = wat::wat_to_binary(
      "(module (memory 1) (data (i32.const 0) \"x\")"
      " (func (drop (i64.load offset=8 (i32.const 0))) (memory.fill (i32.const 0) (i32.const 1) (i32.const 2))))");
  BOOST_REQUIRE(b);
  auto m = decode_module(*b);
  BOOST_REQUIRE(m);
  BOOST_TEST(((*m)->memories[0].addr == AddrType::I32));
  BOOST_TEST(bool(validate_module(**m)));
  (*m)->memories[0].addr = AddrType::I64;  // the i32 data offset no longer fits
  auto v = validate_module(**m);
  BOOST_REQUIRE(!v);
  BOOST_TEST(v.error().message == "type mismatch: constant expression must produce i64");
  EXPECT_VALID("(module (memory i64 1) (func (result i64) (i64.load offset=0x1_0000_0000 (i64.const 0)))"
               " (func (result i64) (memory.grow (memory.size))))");
  EXPECT_INVALID("(module (memory i64 1) (func (result i64) (i64.load (i32.const 0))))", "type mismatch");
  EXPECT_INVALID("(module (memory 1) (func (result i64) (i64.load offset=0x1_0000_0000 (i32.const 0))))",
                 "offset out of range");
  // The second memory's own address type; copy sizes take the narrower.
  EXPECT_VALID("(module (memory 1) (memory $m i64 1)"
               " (func (result i32) (i32.load $m (i64.const 0)))"
               " (func (memory.copy 0 $m (i32.const 0) (i64.const 0) (i32.const 1))))");
  EXPECT_INVALID("(module (memory 1) (func (drop (i32.load 1 (i32.const 0)))))", "unknown memory 1");
}

BOOST_AUTO_TEST_CASE(exports_and_start) {
  EXPECT_INVALID("(module (func) (export \"a\" (func 0)) (export \"a\" (func 0)))", "duplicate export name");
  EXPECT_INVALID("(module (export \"a\" (func 3)))", "unknown function 3");
  EXPECT_INVALID("(module (export \"a\" (memory 0)))", "unknown memory 0");
  EXPECT_INVALID("(module (export \"a\" (table 0)))", "unknown table 0");
  EXPECT_INVALID("(module (export \"a\" (global 0)))", "unknown global 0");
  EXPECT_INVALID("(module (func (param i32)) (start 0))", "start function");
  EXPECT_INVALID("(module (func (result i32) (i32.const 0)) (start 0))", "start function");
  EXPECT_INVALID("(module (start 1))", "unknown function 1");
  EXPECT_VALID("(module (func) (start 0))");
}

BOOST_AUTO_TEST_CASE(segments) {
  EXPECT_INVALID("(module (data (i32.const 0) \"\"))", "unknown memory 0");
  EXPECT_INVALID("(module (elem (i32.const 0) func))", "unknown table 0");
  EXPECT_INVALID("(module (table 1 externref) (elem (i32.const 0) func))", "type mismatch");
  EXPECT_INVALID("(module (table 1 funcref) (elem (i32.const 0) func 5))", "unknown function 5");
  BOOST_TEST(check_bytes(module({section(1, {0x01, 0x60, 0x00, 0x00}), section(3, {0x01, 0x05}),
                                 section(10, {0x01, 0x02, 0x00, 0x0b})})) == "invalid: unknown type 5");
  BOOST_TEST(check_bytes(module({section(2, {0x01, 0x01, 'm', 0x01, 'f', 0x00, 0x02})})) ==
             "invalid: unknown type 2");
}

BOOST_AUTO_TEST_CASE(data_count_required) {
  // data.drop without a data count section is a *decoding* error.
  Bytes mem = section(5, {0x01, 0x00, 0x01});
  Bytes data = section(11, {0x01, 0x01, 0x00});
  Bytes drop = {0xfc, 0x09, 0x00};
  BOOST_TEST(check_bytes(funcs_module({drop}, {mem}, {data})) == "malformed: data count section required");
  BOOST_TEST(check_bytes(funcs_module({drop}, {mem, section(12, {0x01})}, {data})) == "");
  // ... and it wins over a validation error.
  BOOST_TEST(check_bytes(funcs_module({{0x41, 0x00}, drop}, {mem}, {data})) ==
             "malformed: data count section required");
}

BOOST_AUTO_TEST_CASE(malformed_wins_over_invalid) {
  Bytes invalid_body = {0x41, 0x00};  // leaves an i32 behind
  Bytes malformed_body = {0xff};     // illegal opcode
  BOOST_TEST(starts_with(check_bytes(funcs_module({invalid_body})), "invalid: type mismatch"));
  BOOST_TEST(check_bytes(funcs_module({invalid_body, malformed_body})) == "malformed: illegal opcode ff");
  // Later in the same body, too.
  // (multi-memory reads memory.size's byte as an index: 2.0's zero byte
  // check is binary_tests' and the 2.0 suite's)
  BOOST_TEST(check_bytes(funcs_module({{0x41, 0x00, 0x3f, 0x01, 0xff}})) == "malformed: illegal opcode ff");
  // Misplaced else and a missing end.
  BOOST_TEST(check_bytes(funcs_module({{0x02, 0x40, 0x05}})) == "malformed: END opcode expected");
  BOOST_TEST(check_bytes(funcs_module({{0x28, 0x80, 0x01, 0x00}})) == "malformed: malformed memop flags");
  // Module-level validation errors lose too.
  BOOST_TEST(check_bytes(funcs_module({malformed_body}, {section(5, {0x01, 0x01, 0x02, 0x01})})) ==
             "malformed: illegal opcode ff");
}

BOOST_AUTO_TEST_CASE(many_functions) {
  // 100k small functions: validation is one pass with reused buffers.
  std::vector<Bytes> bodies(100000, Bytes{0x41, 0x01, 0x04, 0x40, 0x01, 0x0b});
  BOOST_TEST(check_bytes(funcs_module(bodies)) == "");
}

BOOST_AUTO_TEST_CASE(many_locals_and_deep_nesting) {
  // 2^31 locals are legal; lookups must not allocate per local.
  Bytes code = {0x02, 0xff, 0xff, 0xff, 0xff, 0x07, 0x7f, 0x01, 0x7e, 0x20, 0xff, 0xff, 0xff, 0xff, 0x07,
                0x1a, 0x0b};
  Bytes m = module({section(1, {0x01, 0x60, 0x00, 0x00}), section(3, {0x01, 0x00}),
                    section(10, cat({{0x01}, leb(code.size()), code}))});
  BOOST_TEST(check_bytes(m) == "");
  // 200k nested blocks (no recursion in the validator).
  Bytes deep;
  for (int i = 0; i < 200000; ++i) deep.insert(deep.end(), {0x02, 0x40});
  for (int i = 0; i < 200000; ++i) deep.push_back(0x0b);
  BOOST_TEST(check_bytes(funcs_module({deep})) == "");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(body_reader)

BOOST_AUTO_TEST_CASE(immediates) {
  Bytes body = {0x0e, 0x02, 0x00, 0x01, 0x02,        // br_table 0 1 2
                0x11, 0x03, 0x00,                    // call_indirect type 3 table 0
                0x29, 0x03, 0x10,                    // i64.load align=3 offset=16
                0x42, 0x7f,                          // i64.const -1
                0x43, 0x00, 0x00, 0x80, 0x3f,        // f32.const 1.0
                0x1c, 0x01, 0x70,                    // select (result funcref)
                0xfc, 0x0c, 0x02, 0x01,              // table.init elem 2 table 1
                0xfc, 0x08, 0x05, 0x00,              // memory.init 5
                0x02, 0x7e,                          // block (result i64)
                0x03, 0x05,                          // loop (type 5)
                0x0b, 0x0b, 0x0b};
  BodyReader br(body.data(), body.size(), 0, body.size());
  Instr in;
  BOOST_REQUIRE(br.next(in));
  BOOST_TEST((in.op == Opcode::BrTable));
  BOOST_TEST(in.targets.size() == 2u);
  BOOST_TEST(in.targets[1] == 1u);
  BOOST_TEST(in.a == 2u);
  BOOST_REQUIRE(br.next(in));
  BOOST_TEST((in.op == Opcode::CallIndirect));
  BOOST_TEST(in.a == 3u);
  BOOST_TEST(in.b == 0u);
  BOOST_TEST(in.offset == 5u);
  BOOST_REQUIRE(br.next(in));
  BOOST_TEST((in.op == Opcode::I64Load));
  BOOST_TEST(in.mem.align == 3u);
  BOOST_TEST(in.mem.offset == 16u);
  BOOST_TEST(in.mem.memory == 0u);
  BOOST_REQUIRE(br.next(in));
  BOOST_TEST(in.i == -1);
  BOOST_REQUIRE(br.next(in));
  BOOST_TEST(in.bits == 0x3f800000u);
  BOOST_REQUIRE(br.next(in));
  BOOST_TEST((in.op == Opcode::SelectT));
  BOOST_TEST(in.a == 1u);
  BOOST_TEST((in.type == ValType::FuncRef));
  BOOST_REQUIRE(br.next(in));
  BOOST_TEST((in.op == Opcode::TableInit));
  BOOST_TEST(in.a == 2u);
  BOOST_TEST(in.b == 1u);
  BOOST_REQUIRE(br.next(in));
  BOOST_TEST((in.op == Opcode::MemoryInit));
  BOOST_TEST(in.a == 5u);
  BOOST_REQUIRE(br.next(in));
  BOOST_TEST((in.block.kind == BlockTypeKind::Value));
  BOOST_TEST((in.block.type == ValType::I64));
  BOOST_REQUIRE(br.next(in));
  BOOST_TEST((in.block.kind == BlockTypeKind::Index));
  BOOST_TEST(in.block.index == 5u);
  BOOST_TEST(br.depth() == 2u);
  BOOST_REQUIRE(br.next(in));
  BOOST_REQUIRE(br.next(in));
  BOOST_REQUIRE(br.next(in));  // the function's own end
  BOOST_TEST(br.done());
  BOOST_TEST(!br.next(in));
  BOOST_TEST(!br.failed());
}

// ValType is one word that can carry a heap type and nullability: the 2.0
// reference types decode as the nullable abstract ones, and types that
// differ only in nullability or type index are distinct.
BOOST_AUTO_TEST_CASE(value_type_representation) {
  Bytes bytes = {0x70, 0x6F, 0x7F};
  ByteReader br(bytes.data(), bytes.size(), 0);
  ValType f, e, i;
  BOOST_REQUIRE(read_ref_type(br, f));
  BOOST_REQUIRE(read_ref_type(br, e));
  BOOST_REQUIRE(read_value_type(br, i));
  BOOST_TEST((f == ValType::FuncRef && f.code() == ValType::Code::Func && f.nullable()));
  BOOST_TEST((e == ValType::ExternRef && e.is_ref() && e.byte() == 0x6F));
  BOOST_TEST((i == ValType::I32 && i.is_num() && !i.is_ref()));
  BOOST_TEST((ValType(ValType::Code::Func, false) != ValType::FuncRef));
  BOOST_TEST((ValType(ValType::Code::Def, true, 7) != ValType(ValType::Code::Def, true, 8)));
  BOOST_TEST(ValType(ValType::Code::Def, false, 123456).index() == 123456u);
  BOOST_TEST(std::string(valtype_name(f)) == "funcref");
}

BOOST_AUTO_TEST_CASE(size_mismatch_and_illegal) {
  Bytes body = {0x01, 0x0b, 0x01};
  BodyReader br(body.data(), body.size(), 0, body.size());
  Instr in;
  while (br.next(in)) {
  }
  BOOST_TEST(br.failed());
  BOOST_TEST(br.error().message == "section size mismatch");
  Bytes bad = {0xfc, 0x7f, 0x0b};
  br = BodyReader(bad.data(), bad.size(), 0);
  BOOST_TEST(!br.next(in));
  BOOST_TEST(br.error().message == "illegal opcode fc 7f");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(robustness)

BOOST_AUTO_TEST_CASE(real_module_valid) { BOOST_TEST(check_bytes(from_hex(kRealModule)) == ""); }

// The validator's fast path (interp/validate/fast_path.inc) types the
// commonest instructions from the bytes and leaves anything doubtful to the
// general decoder and step(). Both ways must give the same answer, message
// and offset included, on valid bodies and on broken ones: bodies of every
// shape the fast path takes, with 1-3 code bytes overwritten at random.
namespace {

// A module left open (its fields follow, then ")").
const char* kFastShapes = R"((module
  (type $bin (func (param i32 i64) (result i64)))
  (import "m" "g" (global $gi i32))
  (global $g (mut i32) (i32.const 0))
  (global $h (mut i64) (i64.const 0))
  (global $k f64 (f64.const 1))
  (memory 1)
  (table 2 funcref)
  (func $f (type $bin) (i64.add (local.get 1) (i64.extend_i32_u (local.get 0))))
  (func $v (param f32 f64))
  (func $many (param i32) (result i32)
    (local $a i64) (local f32 f64) (local i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32
      i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32
      i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32
      i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32
      i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32
      i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32
      i64 f32)
    (local.set 130 (i32.const 100000))
    (local.set 140 (i64.const 0x123456789abcdef))
    (local.set 141 (f32.const 2.5))
    (global.set $g (i32.add (global.get $g) (global.get $gi)))
    (global.set $h (call $f (local.get 130) (local.get 140)))
    (call $v (local.get 141) (global.get $k))
    (block $out (result i32)
      (loop $top
        (br_if $top (i32.eqz (local.tee 4 (i32.sub (local.get 4) (i32.const 1)))))
        (drop (br_if $out (i32.const 7) (local.get 0)))
        (i64.store (i32.const 8)
          (block $in (result i64)
            (drop (br_if $in (i64.const -1) (local.get 5)))
            (i64.load offset=1000 (i32.const 16))))
        (f64.store (i32.const 0) (select (f64.const 1) (local.get 3) (local.get 6))))
      (block (result f32) (f32.const 1))
      (drop)
      (if (result i32) (local.get 0) (then (i32.const 1)) (else (br $out (i32.const 2))))
      (br_table 0 0 (i32.const 3)))
    (call_indirect (type $bin) (i32.const 1) (i64.const 2) (i32.const 0))
    (drop)
    (return (i32.const -123456789))
    (unreachable) (i32.add) (drop) (block (result i64) (unreachable)) (call $f) (drop) (select) (br 0)))";
// 3.0 only.
const char* kFastShapes3 = R"((func $tail (result i64)
    (block $h (try_table (catch_all $h) (drop (i64.const 0x7fffffffffff))))
    (i64.const 1)))";

// The code section's bytes [begin, end) of a module.
std::pair<size_t, size_t> code_section(const Bytes& b) {
  size_t p = 8;
  while (p < b.size()) {
    uint8_t id = b[p++];
    uint64_t size = 0;
    for (int shift = 0; p < b.size(); shift += 7) {
      size |= uint64_t(b[p] & 0x7F) << shift;
      if (!(b[p++] & 0x80)) break;
    }
    if (id == 10) return {p, std::min<size_t>(b.size(), p + size)};
    p += size;
  }
  return {0, 0};
}

// "" or "<kind>: <message> <location>", one thread.
std::string check_way(const Module& m, Features f, bool fast) {
  auto v = validate_module(m, f, 1, fast);
  if (v) return "";
  return std::string(error_kind_name(v.error().kind)) + ": " + v.error().message + " " + v.error().location;
}

}  // namespace

// What compilers emit for indices and addresses they may relocate and no
// text assembler does: LEBs padded to their full 5 (or 10) bytes. One
// function of type [] -> [] with an i32 local, calling the second.
Bytes padded_lebs_module() {
  const Bytes body = {
      0x01, 0x01, 0x7f,                          // one i32 local
      0x41, 0x80, 0x80, 0x80, 0x80, 0x00,        // i32.const 0 (5 bytes)
      0x41, 0xff, 0xff, 0xff, 0xff, 0x7f,        // i32.const -1 (5 bytes)
      0x6a,                                      // i32.add
      0x23, 0x80, 0x80, 0x80, 0x80, 0x00, 0x6a,  // global.get 0 (5 bytes), i32.add
      0x24, 0x80, 0x80, 0x80, 0x80, 0x00,        // global.set 0 (5 bytes)
      0x10, 0x81, 0x80, 0x80, 0x80, 0x00,        // call 1 (5 bytes)
      0x20, 0x80, 0x00,                          // local.get 0 (2 bytes)
      0x29, 0x03, 0x88, 0x80, 0x80, 0x80, 0x0f,  // i64.load offset=0xf0000008 (5 bytes)
      0x42, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00,  // i64.const 0 (10)
      0x7c, 0x1a,                                // i64.add, drop
      0x02, 0x40, 0x0c, 0x00, 0x0b,              // block br 0 end
      0x02, 0x7f, 0x41, 0x01, 0x0c, 0x00, 0x0b, 0x1a,  // block (result i32) 1 br 0 end, drop
      0x03, 0x7e, 0x42, 0x7f, 0x0f, 0x0b, 0x1a,  // loop (result i64) -1 return end, drop
      0x0b};
  const Bytes second = {0x00, 0x0b};
  const Bytes code = cat({{0x02}, leb(body.size()), body, leb(second.size()), second});
  return module({section(1, {0x01, 0x60, 0x00, 0x00}), section(3, {0x02, 0x00, 0x00}),
                 section(5, {0x01, 0x00, 0x01}), section(6, {0x01, 0x7f, 0x01, 0x41, 0x00, 0x0b}),
                 section(10, code)});
}

BOOST_AUTO_TEST_CASE(fast_path_equals_the_general_path) {
  for (Features f : {Features{}, Features::wasm2()}) {
    const bool v3 = f.exceptions;
    auto text = wat::wat_to_binary(std::string(kFastShapes) + (v3 ? kFastShapes3 : "") + ")");
    BOOST_REQUIRE_MESSAGE(text, (text ? "" : text.error().to_string()));
    for (const Bytes& base : {*text, padded_lebs_module()}) {
      auto [begin, end] = code_section(base);
      BOOST_REQUIRE(end > begin + 16);
      {
        auto m = decode_module(base, f);
        BOOST_REQUIRE(m);
        BOOST_TEST(check_way(**m, f, true) == "");
        BOOST_TEST(check_way(**m, f, false) == "");
      }
      std::mt19937_64 rng(v3 ? 3 : 2);
      const uint8_t interesting[] = {0x00, 0x02, 0x03, 0x0b, 0x0c, 0x0d, 0x0f, 0x10, 0x1a, 0x1b,
                                     0x20, 0x21, 0x22, 0x23, 0x24, 0x41, 0x42, 0x40, 0x7f, 0x7e,
                                     0x7d, 0x7c, 0x80, 0x01, 0x0f, 0x10, 0x07, 0x08, 0x78, 0x77};
      size_t counts[4] = {};  // valid, invalid, malformed, undecodable
      size_t differ = 0;
      for (int round = 0; round < 20000; ++round) {
        Bytes b = base;
        for (int k = 1 + int(rng() % 3); k-- > 0;) {
          size_t at = begin + rng() % (end - begin);
          b[at] = rng() % 2 ? interesting[rng() % sizeof interesting] : uint8_t(rng());
        }
        auto m = decode_module(b, f);
        if (!m) { ++counts[3]; continue; }
        std::string fast = check_way(**m, f, true), general = check_way(**m, f, false);
        ++counts[fast.empty() ? 0 : fast.rfind("invalid", 0) == 0 ? 1 : 2];
        if (fast != general && differ++ < 5)
          BOOST_ERROR("round " << round << ": fast path '" << fast << "', general path '" << general << "'");
      }
      BOOST_TEST(differ == 0u, differ << " of the mutants differ");
      BOOST_TEST_MESSAGE((v3 ? "3.0" : "2.0") << ": valid " << counts[0] << ", invalid " << counts[1]
                         << ", malformed " << counts[2] << ", undecodable " << counts[3]);
      // The mutants reach every outcome, or the comparison proves little.
      BOOST_TEST(counts[0] > 100u);
      BOOST_TEST(counts[1] > 1000u);
      BOOST_TEST(counts[2] > 100u);
    }
  }
}

BOOST_AUTO_TEST_CASE(corrupted_bytes_never_crash) {
  Bytes full = from_hex(kRealModule);
  size_t errors = 0;
  for (size_t i = 8; i < full.size(); ++i) {
    for (uint8_t v : {uint8_t(0x00), uint8_t(0x0b), uint8_t(0x41), uint8_t(0xff), uint8_t(full[i] ^ 0x01)}) {
      Bytes b = full;
      b[i] = v;
      if (!check_bytes(b).empty()) ++errors;
    }
    Bytes prefix(full.begin(), full.begin() + i);
    if (!check_bytes(prefix).empty()) ++errors;
  }
  BOOST_TEST(errors > full.size());
}

BOOST_AUTO_TEST_SUITE_END()

// Function bodies validated over several threads: the outcome is the
// serial one whatever the thread count and scheduling (the lowest-indexed
// function's error; a malformed body anywhere over an invalid one).
namespace {

constexpr size_t kManyFuncs = 3000;
const Bytes kValidBody = {0x41, 0x00, 0x1a};  // i32.const 0 drop
const Bytes kEmptyDrop = {0x1a};              // drop: nothing to drop
const Bytes kLeftOver = {0x41, 0x00};         // i32.const 0: [i32] left at end
const Bytes kIllegal = {0xff};                // illegal opcode ff

// Validates `bytes` with `threads` threads: "" or "<kind>: <message> <location>".
std::string check_threads(const Bytes& bytes, unsigned threads) {
  auto m = decode_module(bytes);
  if (!m) return std::string("decode: ") + m.error().message;
  auto v = validate_module(**m, Features{}, threads);
  if (v) return "";
  return std::string(error_kind_name(v.error().kind)) + ": " + v.error().message + " " + v.error().location;
}

Bytes many_funcs(std::initializer_list<std::pair<size_t, Bytes>> odd, std::initializer_list<Bytes> before = {},
                 std::initializer_list<Bytes> after = {}) {
  std::vector<Bytes> bodies(kManyFuncs, kValidBody);
  for (const auto& [i, b] : odd) bodies[i] = b;
  return funcs_module(bodies, before, after);
}

// Every thread count gives `want`, 10 times over (scheduling varies).
void expect_same_for_all_threads(const Bytes& bytes, const std::string& want) {
  BOOST_TEST(check_threads(bytes, 1) == want);
  for (int round = 0; round < 10; ++round)
    for (unsigned t : {2u, 3u, 4u, 8u}) BOOST_TEST(check_threads(bytes, t) == want, "threads " << t);
}

}  // namespace

BOOST_AUTO_TEST_CASE(parallel_valid_module) {
  expect_same_for_all_threads(many_funcs({}), "");
}

BOOST_AUTO_TEST_CASE(parallel_one_invalid_in_the_middle) {
  auto bytes = many_funcs({{1777, kEmptyDrop}});
  std::string serial = check_threads(bytes, 1);
  BOOST_TEST(starts_with(serial, "invalid: type mismatch: drop needs an operand but the stack is empty offset 0x"));
  BOOST_TEST(check_bytes(bytes) == serial.substr(0, serial.rfind(" offset")));  // the default count
  expect_same_for_all_threads(bytes, serial);
}

BOOST_AUTO_TEST_CASE(parallel_first_invalid_by_index_wins) {
  // The later error is in a function a second thread takes first.
  auto bytes = many_funcs({{2900, kEmptyDrop}, {1500, kLeftOver}, {2999, kEmptyDrop}});
  std::string serial = check_threads(bytes, 1);
  BOOST_TEST(starts_with(serial, "invalid: type mismatch: block requires [] but stack has [i32]"));
  expect_same_for_all_threads(bytes, serial);
}

BOOST_AUTO_TEST_CASE(parallel_malformed_beats_earlier_invalid) {
  auto bytes = many_funcs({{10, kEmptyDrop}, {2500, kIllegal}, {2800, kIllegal}});
  std::string serial = check_threads(bytes, 1);
  BOOST_TEST(starts_with(serial, "malformed: illegal opcode ff offset 0x"));
  expect_same_for_all_threads(bytes, serial);
}

BOOST_AUTO_TEST_CASE(parallel_data_count_required) {
  // data.drop 0 in a late function, no data count section, an earlier
  // invalid body: the missing section (malformed) is reported.
  Bytes mem = section(5, {0x01, 0x00, 0x01});
  Bytes data = section(11, {0x01, 0x01, 0x00});
  auto bytes = many_funcs({{5, kEmptyDrop}, {2990, {0xfc, 0x09, 0x00}}}, {mem}, {data});
  std::string serial = check_threads(bytes, 1);
  BOOST_TEST(starts_with(serial, "malformed: data count section required"));
  expect_same_for_all_threads(bytes, serial);
}

BOOST_AUTO_TEST_CASE(small_modules_use_one_thread) {
  auto m = decode_module(many_funcs({}));
  BOOST_REQUIRE(m);
  BOOST_TEST(validation_threads(**m) == 1u);  // 3000 tiny bodies: ~15 KB of code
}
