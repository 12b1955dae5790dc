// Unit tests for interp/binary: LEB128 edge cases, section grammar errors
// with their spec wording and offsets, element/data forms, the name
// section, and robustness against truncated input.
#define BOOST_TEST_MODULE binary_tests
#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

#include "interp/binary/decoder.hpp"
#include "test/wasm_bytes.hpp"
#include "interp/binary/reader.hpp"
#include "interp/binary/utf8.hpp"
#include "interp/validate/body_reader.hpp"

using namespace tc;
using namespace tc::wasm;

namespace {

using tc::test::Bytes;
using tc::test::cat;
using tc::test::leb;
using tc::test::module;
using tc::test::section;

Bytes from_hex(const std::string& hex) {
  Bytes out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) out.push_back(uint8_t(std::stoi(hex.substr(i, 2), nullptr, 16)));
  return out;
}

// Decodes and returns "" on success or the error message.
std::string decode_error(const Bytes& b) {
  auto m = decode_module(b);
  if (m) return "";
  BOOST_TEST((m.error().kind == ErrorKind::Malformed));
  return m.error().message;
}

// (type (func)) + one function whose body is `body` (without the final end).
Bytes one_func(const Bytes& body, const Bytes& locals = {0x00}) {
  Bytes code = cat({locals, body, {0x0b}});
  return module({section(1, {0x01, 0x60, 0x00, 0x00}), section(3, {0x01, 0x00}),
                 section(10, cat({{0x01}, leb(code.size()), code}))});
}

// clang --target=wasm32 -O2 -nostdlib --export-all (a small C file with a
// jump table, indirect calls, floats and a data segment).
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

BOOST_AUTO_TEST_SUITE(leb128)

BOOST_AUTO_TEST_CASE(unsigned_edges) {
  auto u32 = [](Bytes b, uint32_t& v) {
    ByteReader r(b.data(), b.size());
    v = r.u32();
    return r.ok() ? std::string() : r.error().message;
  };
  uint32_t v = 0;
  BOOST_TEST(u32({0x00}, v) == "");
  BOOST_TEST(v == 0u);
  BOOST_TEST(u32({0xff, 0xff, 0xff, 0xff, 0x0f}, v) == "");
  BOOST_TEST(v == 0xffffffffu);
  BOOST_TEST(u32({0x80, 0x80, 0x80, 0x80, 0x00}, v) == "");  // padded zero
  BOOST_TEST(v == 0u);
  BOOST_TEST(u32({0xff, 0xff, 0xff, 0xff, 0x1f}, v) == "integer too large");
  BOOST_TEST(u32({0x80, 0x80, 0x80, 0x80, 0x10}, v) == "integer too large");
  BOOST_TEST(u32({0x80, 0x80, 0x80, 0x80, 0x80, 0x00}, v) == "integer representation too long");
  BOOST_TEST(u32({0x80, 0x80}, v) == "unexpected end of section or function");
}

BOOST_AUTO_TEST_CASE(signed_edges) {
  auto s = [](Bytes b, int bits, int64_t& v) {
    ByteReader r(b.data(), b.size());
    v = r.sN(bits);
    return r.ok() ? std::string() : r.error().message;
  };
  int64_t v = 0;
  BOOST_TEST(s({0x7f}, 32, v) == "");
  BOOST_TEST(v == -1);
  BOOST_TEST(s({0xff, 0xff, 0xff, 0xff, 0x07}, 32, v) == "");
  BOOST_TEST(v == 0x7fffffff);
  BOOST_TEST(s({0x80, 0x80, 0x80, 0x80, 0x78}, 32, v) == "");
  BOOST_TEST(v == -0x80000000LL);
  BOOST_TEST(s({0x80, 0x80, 0x80, 0x80, 0x70}, 32, v) == "integer too large");
  BOOST_TEST(s({0xff, 0xff, 0xff, 0xff, 0x0f}, 32, v) == "integer too large");
  BOOST_TEST(s({0xff, 0xff, 0xff, 0xff, 0x7f}, 32, v) == "");  // -1 padded
  BOOST_TEST(v == -1);
  BOOST_TEST(s({0x80, 0x80, 0x80, 0x80, 0x80, 0x00}, 32, v) == "integer representation too long");
  // s33 (block types) allows one more bit than s32.
  BOOST_TEST(s({0xff, 0xff, 0xff, 0xff, 0x0f}, 33, v) == "");
  BOOST_TEST(v == 0xffffffffLL);
  BOOST_TEST(s({0xff, 0xff, 0xff, 0xff, 0x1f}, 33, v) == "integer too large");
  // s64 extremes.
  BOOST_TEST(s({0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7f}, 64, v) == "");
  BOOST_TEST(v == INT64_MIN);
  BOOST_TEST(s({0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00}, 64, v) == "");
  BOOST_TEST(v == INT64_MAX);
  BOOST_TEST(s({0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}, 64, v) == "integer too large");
  BOOST_TEST(s({0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00}, 64, v) ==
             "integer representation too long");
}

BOOST_AUTO_TEST_CASE(length_bounds) {
  Bytes b = {0x05, 1, 2, 3};
  ByteReader r(b.data(), b.size());
  r.len32();
  BOOST_TEST(r.error().message == "length out of bounds");
  BOOST_TEST(r.error().location == "offset 0x0");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(sections)

BOOST_AUTO_TEST_CASE(header) {
  BOOST_TEST(decode_error(module({})) == "");
  BOOST_TEST(decode_error({}) == "unexpected end of section or function");
  BOOST_TEST(decode_error({0x00, 0x61, 0x73}) == "unexpected end of section or function");
  BOOST_TEST(decode_error({0x00, 0x41, 0x53, 0x4d, 1, 0, 0, 0}) == "magic header not detected");
  BOOST_TEST(decode_error({0x00, 0x61, 0x73, 0x6d, 2, 0, 0, 0}) == "unknown binary version");
  auto m = decode_module({0x00, 0x61, 0x73, 0x6d, 0x0d, 0, 0, 0});
  BOOST_REQUIRE(!m);
  BOOST_TEST(m.error().location == "offset 0x4");
}

BOOST_AUTO_TEST_CASE(section_ids_and_order) {
  auto m = decode_module(module({section(14, {})}));
  BOOST_REQUIRE(!m);
  BOOST_TEST(m.error().message == "malformed section id");
  BOOST_TEST(m.error().location == "offset 0x8");
  BOOST_TEST(decode_error(module({section(1, {0x00}), section(1, {0x00})})) ==
             "unexpected content after last section");
  BOOST_TEST(decode_error(module({section(3, {0x00}), section(1, {0x00})})) ==
             "unexpected content after last section");
  // Data count comes before code, custom sections go anywhere.
  BOOST_TEST(decode_error(module({section(0, {0x01, 'a'}), section(12, {0x00}), section(0, {0x01, 'b'}),
                                  section(10, {0x00}), section(11, {0x00}), section(0, {0x01, 'c'})})) == "");
  BOOST_TEST(decode_error(module({section(10, {0x00}), section(12, {0x00})})) ==
             "unexpected content after last section");
}

BOOST_AUTO_TEST_CASE(section_sizes) {
  // Type section declaring one type but holding two.
  BOOST_TEST(decode_error(module({section(1, {0x01, 0x60, 0x00, 0x00, 0x60, 0x00, 0x00})})) ==
             "section size mismatch");
  // Declaring two, holding one: reads run past the section.
  BOOST_TEST(decode_error(module({section(1, {0x02, 0x60, 0x00, 0x00})})) ==
             "unexpected end of section or function");
  BOOST_TEST(decode_error(cat({module({}), {0x01, 0x10, 0x00}})) == "length out of bounds");
  // Custom section whose name overruns the declared size.
  BOOST_TEST(decode_error(cat({module({}), {0x00, 0x01, 0x03, 'a', 'b', 'c'}})) ==
             "unexpected end of section or function");
}

BOOST_AUTO_TEST_CASE(types_and_imports) {
  BOOST_TEST(decode_error(module({section(1, {0x01, 0x61, 0x00, 0x00})})) == "malformed function type");
  BOOST_TEST(decode_error(module({section(1, {0x01, 0x60, 0x01, 0x55, 0x00})})) == "malformed reference type");
  // Kind 4 is a tag (exception handling).
  BOOST_TEST(decode_error(module({section(2, {0x01, 0x01, 'm', 0x01, 'f', 0x05, 0x00})})) ==
             "malformed import kind");
  BOOST_TEST(decode_error(module({section(2, {0x01, 0x01, 'm', 0x01, 't', 0x04, 0x01, 0x00})})) ==
             "malformed tag attribute");
  BOOST_TEST(decode_error(module({section(2, {0x01, 0x01, 'm', 0x01, 'g', 0x03, 0x7f, 0x02})})) ==
             "malformed mutability");
  BOOST_TEST(decode_error(module({section(2, {0x01, 0x01, 'm', 0x01, 't', 0x01, 0x7f, 0x00, 0x00})})) ==
             "malformed reference type");
  BOOST_TEST(decode_error(module({section(5, {0x01, 0x02, 0x00})})) == "malformed limits flags");
  {  // 2.0 read the flag as a u1
    auto m2 = decode_module(module({section(5, {0x01, 0x02, 0x00})}), Features::wasm2());
    BOOST_REQUIRE(!m2);
    BOOST_TEST(m2.error().message == "integer too large");
  }
  BOOST_TEST(decode_error(module({section(2, {0x01, 0x02, 0xc0, 0x80, 0x01, 'f', 0x00, 0x00})})) ==
             "malformed UTF-8 encoding");

  auto m = decode_module(module({section(1, {0x01, 0x60, 0x01, 0x7f, 0x01, 0x7e}),
                                  section(2, {0x04, 0x01, 'm', 0x01, 'f', 0x00, 0x00,
                                              0x01, 'm', 0x01, 't', 0x01, 0x70, 0x01, 0x01, 0x02,
                                              0x01, 'm', 0x01, 'M', 0x02, 0x00, 0x01,
                                              0x01, 'm', 0x01, 'g', 0x03, 0x7c, 0x01})}));
  BOOST_REQUIRE(m);
  const Module& mod = **m;
  BOOST_TEST(mod.types.size() == 1u);
  BOOST_TEST((mod.types[0].results == std::vector<ValType>{ValType::I64}));
  BOOST_TEST(mod.num_imported_funcs == 1u);
  BOOST_TEST(mod.num_imported_tables == 1u);
  BOOST_TEST(mod.num_imported_memories == 1u);
  BOOST_TEST(mod.num_imported_globals == 1u);
  BOOST_TEST(mod.imports[1].table.limits.min == 1u);
  BOOST_TEST(*mod.imports[1].table.limits.max == 2u);
  BOOST_TEST(!mod.imports[2].memory.limits.max.has_value());
  BOOST_TEST(mod.imports[3].global.mut);
  BOOST_TEST((mod.imports[3].global.type == ValType::F64));
}

BOOST_AUTO_TEST_CASE(code_section) {
  BOOST_TEST(decode_error(one_func({})) == "");
  BOOST_TEST(decode_error(module({section(1, {0x01, 0x60, 0x00, 0x00}), section(3, {0x01, 0x00})})) ==
             "function and code section have inconsistent lengths");
  BOOST_TEST(decode_error(module({section(10, {0x01, 0x02, 0x00, 0x0b})})) ==
             "function and code section have inconsistent lengths");
  // Locals: counts summing past 2^32 are rejected without allocating.
  BOOST_TEST(decode_error(one_func({}, {0x02, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x7f, 0x02, 0x7e})) ==
             "too many locals");
  auto m = decode_module(one_func({0x01}, {0x02, 0xff, 0xff, 0xff, 0xff, 0x07, 0x7f, 0x03, 0x7e}));
  BOOST_REQUIRE(m);
  const Function& f = (*m)->functions[0];
  BOOST_TEST(f.num_locals == 0x80000002ull);
  BOOST_TEST(f.locals.size() == 2u);
  BOOST_TEST(f.body_end - f.body_offset == 2u);  // nop end
  BOOST_TEST((*m)->bytes[f.body_offset] == 0x01);
  // An instruction-level error in a body wins over a later section error.
  Bytes bad = one_func({0xff});
  bad.push_back(0x0e);
  BOOST_TEST(decode_error(bad) == "illegal opcode ff");
}

BOOST_AUTO_TEST_CASE(data_count) {
  Bytes mem = section(5, {0x01, 0x00, 0x01});
  Bytes data = section(11, {0x01, 0x01, 0x02, 'h', 'i'});
  BOOST_TEST(decode_error(module({mem, section(12, {0x02}), data})) ==
             "data count and data section have inconsistent lengths");
  BOOST_TEST(decode_error(module({mem, section(12, {0x01})})) ==
             "data count and data section have inconsistent lengths");
  auto m = decode_module(module({mem, section(12, {0x01}), data}));
  BOOST_REQUIRE(m);
  BOOST_TEST(*(*m)->data_count == 1u);
  BOOST_TEST(((*m)->datas[0].mode == SegmentMode::Passive));
  BOOST_TEST(std::string((*m)->datas[0].bytes.begin(), (*m)->datas[0].bytes.end()) == "hi");
  BOOST_TEST(decode_error(module({mem, section(11, {0x01, 0x03})})) == "malformed data segment kind");
}

BOOST_AUTO_TEST_CASE(element_forms) {
  // One segment of each of the 8 encodings.
  Bytes off = {0x41, 0x00, 0x0b};
  Bytes elems = cat({{0x08},
                     {0x00}, off, {0x01, 0x00},                         // active, table 0, func idx
                     {0x01, 0x00, 0x01, 0x00},                          // passive, elemkind
                     {0x02, 0x00}, off, {0x00, 0x01, 0x00},             // active table x
                     {0x03, 0x00, 0x01, 0x00},                          // declarative
                     {0x04}, off, {0x01, 0xd2, 0x00, 0x0b},             // active, exprs
                     {0x05, 0x70, 0x01, 0xd0, 0x70, 0x0b},              // passive exprs
                     {0x06, 0x00}, off, {0x70, 0x01, 0xd2, 0x00, 0x0b}, // active table x exprs
                     {0x07, 0x6f, 0x01, 0xd0, 0x6f, 0x0b}});            // declarative exprs
  auto m = decode_module(module({section(1, {0x01, 0x60, 0x00, 0x00}), section(3, {0x01, 0x00}),
                                  section(4, {0x01, 0x70, 0x00, 0x01}), section(9, elems),
                                  section(10, {0x01, 0x02, 0x00, 0x0b})}));
  BOOST_REQUIRE(m);
  const auto& es = (*m)->elems;
  BOOST_REQUIRE(es.size() == 8u);
  const SegmentMode modes[] = {SegmentMode::Active, SegmentMode::Passive, SegmentMode::Active,
                               SegmentMode::Declarative, SegmentMode::Active, SegmentMode::Passive,
                               SegmentMode::Active, SegmentMode::Declarative};
  for (int i = 0; i < 8; ++i) {
    BOOST_TEST((es[i].mode == modes[i]));
    BOOST_REQUIRE(es[i].init.size() == 1u);
  }
  Bytes ref_func0 = {0xd2, 0x00, 0x0b};
  BOOST_TEST(es[0].init[0].code == ref_func0);  // index forms become ref.func
  BOOST_TEST(es[4].init[0].code == ref_func0);
  BOOST_TEST(es[0].offset.code == off);
  BOOST_TEST((es[7].type == ValType::ExternRef));
  BOOST_TEST(decode_error(module({section(9, {0x01, 0x08})})) == "malformed elements segment kind");
  BOOST_TEST(decode_error(module({section(9, {0x01, 0x01, 0x01, 0x00})})) == "malformed element kind");
}

BOOST_AUTO_TEST_CASE(const_exprs) {
  // Constant expressions are decoded structurally; a missing end runs into
  // the next section's id byte (0x0a, throw_ref, then off the end, as in
  // wasm-3.0/binary.wast).
  BOOST_TEST(decode_error(cat({module({section(6, {0x01, 0x7f, 0x00, 0x41, 0x00})}), {0x0a, 0x01, 0x00}})) ==
             "unexpected end of section or function");
  BOOST_TEST(decode_error(module({section(6, {0x01, 0x7f, 0x00, 0x41, 0x00, 0x17})})) ==
             "illegal opcode 17");
  auto m = decode_module(module({section(6, {0x01, 0x7e, 0x01, 0x42, 0x7f, 0x0b})}));
  BOOST_REQUIRE(m);
  Bytes init = {0x42, 0x7f, 0x0b};
  BOOST_TEST((*m)->globals[0].init.code == init);
  BOOST_TEST((*m)->globals[0].type.mut);
  BOOST_TEST(decode_error(module({section(6, {0x01, 0x7f, 0x00, 0x41, 0x00, 0x05, 0x0b})})) ==
             "END opcode expected");
}

BOOST_AUTO_TEST_CASE(utf8) {
  BOOST_TEST(is_valid_utf8(reinterpret_cast<const uint8_t*>("h\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"), 10));
  auto bad = [](Bytes b) { return !is_valid_utf8(b.data(), b.size()); };
  BOOST_TEST(bad({0x80}));                    // lone continuation
  BOOST_TEST(bad({0xc0, 0x80}));              // overlong
  BOOST_TEST(bad({0xe0, 0x80, 0x80}));        // overlong
  BOOST_TEST(bad({0xed, 0xa0, 0x80}));        // surrogate
  BOOST_TEST(bad({0xf4, 0x90, 0x80, 0x80}));  // > U+10FFFF
  BOOST_TEST(bad({0xf8, 0x88, 0x80, 0x80, 0x80}));
  BOOST_TEST(bad({0xe2, 0x82}));              // truncated
}

BOOST_AUTO_TEST_CASE(exports_and_start) {
  auto m = decode_module(module({section(1, {0x01, 0x60, 0x00, 0x00}), section(3, {0x01, 0x00}),
                                  section(7, {0x01, 0x03, 'r', 'u', 'n', 0x00, 0x00}), section(8, {0x00}),
                                  section(10, {0x01, 0x02, 0x00, 0x0b})}));
  BOOST_REQUIRE(m);
  BOOST_TEST((*m)->exports[0].name == "run");
  BOOST_TEST(*(*m)->start == 0u);
  BOOST_TEST(decode_error(module({section(7, {0x01, 0x01, 'x', 0x05, 0x00})})) == "malformed export kind");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(names)

BOOST_AUTO_TEST_CASE(name_section) {
  Bytes funcs = {0x02, 0x00, 0x04, 'm', 'a', 'i', 'n', 0x01, 0x03, 'f', 'o', 'o'};
  Bytes payload = cat({{0x04, 'n', 'a', 'm', 'e'}, {0x00, 0x04, 0x03, 'm', 'o', 'd'},
                       {0x01}, leb(funcs.size()), funcs});
  Bytes funcsecs = {section(1, {0x01, 0x60, 0x00, 0x00})};
  auto m = decode_module(module({section(1, {0x01, 0x60, 0x00, 0x00}), section(3, {0x02, 0x00, 0x00}),
                                  section(10, {0x02, 0x02, 0x00, 0x0b, 0x02, 0x00, 0x0b}),
                                  section(0, payload)}));
  BOOST_REQUIRE(m);
  BOOST_TEST((*m)->module_name == "mod");
  BOOST_TEST((*m)->func_names.size() == 2u);
  BOOST_TEST((*m)->func_name(1) == "foo");
  BOOST_TEST((*m)->customs.size() == 1u);
  BOOST_TEST((*m)->customs[0].name == "name");

  // A malformed name section (bad UTF-8, truncated subsection) is ignored.
  Bytes bad = {0x04, 'n', 'a', 'm', 'e', 0x01, 0x05, 0x01, 0x00, 0x02, 0xc0, 0x80};
  auto m2 = decode_module(module({section(0, bad)}));
  BOOST_REQUIRE(m2);
  BOOST_TEST((*m2)->func_names.empty());
  Bytes truncated = {0x04, 'n', 'a', 'm', 'e', 0x01, 0x09, 0x01, 0x00};
  auto m3 = decode_module(module({section(0, truncated)}));
  BOOST_REQUIRE(m3);
  BOOST_TEST((*m3)->func_names.empty());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(robustness)

BOOST_AUTO_TEST_CASE(real_module_decodes) {
  auto m = decode_module(from_hex(kRealModule));
  BOOST_REQUIRE(m);
  BOOST_TEST((*m)->functions.size() > 3u);
  BOOST_TEST(!(*m)->func_names.empty());
  // Every body can be walked to its end by the instruction reader.
  BodyReader br(**m, (*m)->functions[0]);
  for (const auto& f : (*m)->functions) {
    br.reset(f.body_offset, f.body_end);
    Instr in;
    size_t n = 0;
    while (br.next(in)) ++n;
    BOOST_TEST(!br.failed());
    BOOST_TEST(br.done());
    BOOST_TEST(n > 0u);
  }
}

BOOST_AUTO_TEST_CASE(truncation_at_every_offset) {
  Bytes full = from_hex(kRealModule);
  size_t decoded = 0;
  for (size_t n = 0; n < full.size(); ++n) {
    Bytes prefix(full.begin(), full.begin() + n);
    auto m = decode_module(prefix);
    if (m) {
      ++decoded;  // only possible at a section boundary
      continue;
    }
    BOOST_TEST((m.error().kind == ErrorKind::Malformed));
    BOOST_TEST(m.error().location.rfind("offset 0x", 0) == 0u);
  }
  BOOST_TEST(decoded < 12u);
}

BOOST_AUTO_TEST_CASE(every_byte_corrupted) {
  // Replacing any single byte never crashes (errors or a different module).
  Bytes full = from_hex(kRealModule);
  for (size_t i = 0; i < full.size(); ++i) {
    for (uint8_t v : {uint8_t(0x00), uint8_t(0x80), uint8_t(0xff), uint8_t(full[i] ^ 0x40)}) {
      Bytes b = full;
      b[i] = v;
      auto m = decode_module(b);
      if (!m) BOOST_TEST(!m.error().message.empty());
    }
  }
}

BOOST_AUTO_TEST_CASE(huge_counts_do_not_allocate) {
  // Counts far beyond the input are "length out of bounds", not a bad_alloc.
  BOOST_TEST(decode_error(module({section(1, {0xff, 0xff, 0xff, 0xff, 0x0f})})) == "length out of bounds");
  BOOST_TEST(decode_error(module({section(3, {0xff, 0xff, 0xff, 0xff, 0x0f})})) == "length out of bounds");
  BOOST_TEST(decode_error(module({section(11, {0x01, 0x01, 0xff, 0xff, 0xff, 0xff, 0x0f})})) ==
             "length out of bounds");
}

BOOST_AUTO_TEST_SUITE_END()
