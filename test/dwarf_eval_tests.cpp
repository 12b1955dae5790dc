// debug/dwarf: location expressions, the C expression evaluator and
// gdb-style formatting, against the real DWARF of test/debug/buggy.c.
// Memory is the module's data segments (globals initialised there are read
// through their DW_OP_addr locations); frames are simulated by setting the
// wasm locals / operands that DWARF says hold a variable, never by mocking
// DWARF.
#define BOOST_TEST_MODULE dwarf_eval_tests
#include <boost/test/unit_test.hpp>

#include <regex>

#include "debug/dwarf/c_expr.hpp"
#include "debug/dwarf/location_expr.hpp"
#include "debug/dwarf/value_format.hpp"
#include "test/dwarf_fixture.hpp"

using namespace tc;
using namespace tc::test;
using debug::DebugInfo;

namespace {

std::string hex(uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%llx", (unsigned long long)v);
  return buf;
}

// `print EXPR` without the "$N = ": the value, or "error: MESSAGE".
std::string print(Program& p, TestFrame& f, uint64_t pc, const std::string& expr, size_t frame = 0,
                  const debug::FormatOptions& opt = {}) {
  debug::EvalScope s{p.info.get(), pc, frame, &f};
  auto v = debug::evaluate_expression(expr, s);
  if (!v) return "error: " + v.error().message;
  return debug::format_value(*v, *p.info, &f, opt);
}

std::optional<debug::WatchRange> watch(Program& p, TestFrame& f, uint64_t pc, const std::string& expr) {
  debug::EvalScope s{p.info.get(), pc, 0, &f};
  auto v = debug::evaluate_expression(expr, s);
  BOOST_REQUIRE_MESSAGE(v, expr << ": " << (v ? "" : v.error().message));
  return debug::watch_range(*v, p.info->types());
}

uint64_t addr_of(Program& p, const std::string& global) {
  const auto* g = p.info->find_global(global);
  BOOST_REQUIRE(g);
  return *p.info->static_address(*g);
}

uint64_t main_pc(Program& p) { return p.info->breakpoint_offset(function(*p.info, "main")); }

// The wasm local a -O0 frame base lives in ("DW_OP_WASM_location 0x0 N, DW_OP_stack_value").
uint32_t frame_base_local(const debug::Function& f) {
  std::smatch m;
  std::string fb = debug::describe_expression(f.frame_base);
  BOOST_REQUIRE_MESSAGE(std::regex_match(fb, m, std::regex(R"re(DW_OP_WASM_location 0x0 0x([0-9a-f]+), DW_OP_stack_value)re")), fb);
  return uint32_t(std::stoul(m[1], nullptr, 16));
}

}  // namespace

// ---------------------------------------------------------------- location expressions

BOOST_AUTO_TEST_CASE(location_expressions) {
  TestFrame f;
  f.mem.assign(0x1000, 0);
  f.locals = {{1, 0x11111111aaaaaaaaull}, {2, 0x22222222bbbbbbbbull}, {4, 0x100}};
  f.globals = {{0, 0x800}};
  f.operands = {5, 9};  // 9 on top
  f.write32(0x40, 0x200);
  std::vector<uint8_t> fb = {0xed, 0x00, 0x04, 0x9f};  // frame base: value of local 4
  debug::LocationContext ctx{&f, &fb};
  using K = debug::Location::Kind;
  auto eval = [&](std::vector<uint8_t> e) {
    auto l = debug::evaluate_location(e, ctx);
    BOOST_REQUIRE_MESSAGE(l, debug::describe_expression(e) << ": " << (l ? "" : l.error().message));
    return *l;
  };
  auto l = eval({0x03, 0x10, 0x00, 0x00, 0x00});  // DW_OP_addr 0x10
  BOOST_TEST((l.kind == K::Memory));
  BOOST_TEST(l.address == 0x10u);
  l = eval({0x91, 0x0c});  // DW_OP_fbreg +12
  BOOST_TEST((l.kind == K::Memory));
  BOOST_TEST(l.address == 0x10cu);
  l = eval({0x91, 0x74});  // DW_OP_fbreg -12
  BOOST_TEST(l.address == 0xf4u);
  l = eval({0xed, 0x00, 0x02});  // the variable lives in local 2
  BOOST_TEST((l.kind == K::WasmLocal));
  BOOST_TEST(l.index == 2u);
  auto bytes = debug::read_location(l, 4, &f);
  BOOST_REQUIRE(bytes);
  BOOST_TEST(*bytes == (std::vector<uint8_t>{0xbb, 0xbb, 0xbb, 0xbb}));
  auto u32 = [&](const debug::Location& loc) {
    auto b = debug::read_location(loc, 4, &f);
    BOOST_REQUIRE(b);
    uint32_t v;
    std::memcpy(&v, b->data(), 4);
    return v;
  };
  // With DW_OP_stack_value (clang's usual form) it is the slot too.
  l = eval({0xed, 0x03, 0x00, 0x00, 0x00, 0x00, 0x9f});  // global 0 (u32 index)
  BOOST_TEST((l.kind == K::WasmGlobal));
  BOOST_TEST(u32(l) == 0x800u);
  l = eval({0xed, 0x01, 0x00});
  BOOST_TEST((l.kind == K::WasmGlobal));
  l = eval({0xed, 0x02, 0x00, 0x9f});  // operand stack top
  BOOST_TEST((l.kind == K::WasmOperand));
  BOOST_TEST(u32(l) == 9u);
  l = eval({0xed, 0x02, 0x01, 0x9f});
  BOOST_TEST(u32(l) == 5u);
  l = eval({0xed, 0x00, 0x01, 0x10, 0x01, 0x22, 0x9f});  // local 1 + 1: a computed value
  BOOST_TEST((l.kind == K::Value));
  BOOST_TEST(l.value == 0x11111111aaaaaaabull);
  l = eval({0xed, 0x00, 0x04, 0x23, 0x10});  // local 4 + 16, in memory
  BOOST_TEST((l.kind == K::Memory));
  BOOST_TEST(l.address == 0x110u);
  l = eval({0x10, 0x05, 0x9f});  // constu 5, stack_value
  BOOST_TEST(l.value == 5u);
  l = eval({0x11, 0x7f, 0x9f});  // consts -1
  BOOST_TEST(l.value == ~0ull);
  l = eval({0x03, 0x40, 0x00, 0x00, 0x00, 0x06});  // *(0x40) = 0x200
  BOOST_TEST(l.address == 0x200u);
  l = eval({0x9e, 0x02, 0x34, 0x12});  // implicit value
  BOOST_TEST((l.kind == K::Implicit));
  BOOST_TEST(debug::read_location(l, 2, &f).value() == (std::vector<uint8_t>{0x34, 0x12}));
  l = eval({0x32, 0x33, 0x1e, 0x9f});  // lit2 * lit3
  BOOST_TEST(l.value == 6u);
  // Pieces: low half from local 1, high half from local 2.
  l = eval({0xed, 0x00, 0x01, 0x9f, 0x93, 0x04, 0xed, 0x00, 0x02, 0x9f, 0x93, 0x04});
  BOOST_TEST((l.kind == K::Pieces));
  auto joined = debug::read_location(l, 8, &f);
  BOOST_REQUIRE(joined);
  BOOST_TEST(*joined == (std::vector<uint8_t>{0xaa, 0xaa, 0xaa, 0xaa, 0xbb, 0xbb, 0xbb, 0xbb}));
  // Unavailable: entry values, native registers, slots the frame lacks.
  BOOST_TEST((eval({0xa3, 0x01, 0x50, 0x9f}).kind == K::Unavailable));
  BOOST_TEST((eval({0x50}).kind == K::Unavailable));
  BOOST_TEST(!debug::read_location(eval({0xed, 0x00, 0x09, 0x9f}), 4, &f));  // no local 9
  BOOST_TEST((eval({0xed, 0x00, 0x09, 0x23, 0x01, 0x9f}).kind == K::Unavailable));
  BOOST_TEST((eval({}).kind == K::Unavailable));
  debug::LocationContext no_fb{&f, nullptr};
  BOOST_TEST((debug::evaluate_location({0x91, 0x08}, no_fb)->kind == K::Unavailable));
  BOOST_TEST(!debug::read_location(eval({0x03, 0xf0, 0xff, 0xff, 0xff}), 4, &f));  // out of memory
  // Malformed bytes: errors, never a crash.
  for (std::vector<uint8_t> bad : std::vector<std::vector<uint8_t>>{
           {0x03, 0x10}, {0xed}, {0xed, 0x00}, {0xed, 0x07, 0x00}, {0x22}, {0x12}, {0x10, 0x80},
           {0x10, 0x01, 0x9f, 0x22}, {0x2f, 0x00, 0x10}, {0x10, 0x00, 0x10, 0x00, 0x1b}}) {
    auto r = debug::evaluate_location(bad, ctx);
    BOOST_TEST(!r, debug::describe_expression(bad));
  }
  // llvm-dwarfdump spelling.
  BOOST_TEST(debug::describe_expression({0xed, 0x00, 0x04, 0x9f}) == "DW_OP_WASM_location 0x0 0x4, DW_OP_stack_value");
  BOOST_TEST(debug::describe_expression({0xed, 0x03, 0x00, 0x00, 0x00, 0x00, 0x9f}) ==
             "DW_OP_WASM_location 0x3 0x0, DW_OP_stack_value");
  BOOST_TEST(debug::describe_expression({0x91, 0x0c}) == "DW_OP_fbreg +12");
  BOOST_TEST(debug::describe_expression({0x03, 0xa0, 0x0d, 0x00, 0x00}) == "DW_OP_addr 0xda0");
  BOOST_TEST(debug::describe_expression({0x93, 0x04, 0x23, 0x10, 0x30}) == "DW_OP_piece 0x4, DW_OP_plus_uconst 0x10, DW_OP_lit0");
}

// ---------------------------------------------------------------- globals from the data section

BOOST_AUTO_TEST_CASE(print_globals) {
  for (Program* p : {&O0(), &O2()}) {
    TestFrame f = frame_for(*p->module);
    uint64_t pc = main_pc(*p);
    auto pr = [&](const std::string& e) { return print(*p, f, pc, e); };
    BOOST_TEST(pr("counter") == "7");
    BOOST_TEST(pr("g_header") == R"({magic = 305419896, len = 512, name = "abc\000\000\000\000"})");
    BOOST_TEST(pr("g_header.len") == "512");
    BOOST_TEST(pr("g_header.magic == 0x12345678") == "1");
    BOOST_TEST(pr("g_header.name[1]") == "98 'b'");
    BOOST_TEST(pr("g_header.name") == R"("abc\000\000\000\000")");
    BOOST_TEST(pr("prices") == "{100, 250, 399, 1000, 5}");
    BOOST_TEST(pr("prices[3]") == "1000");
    BOOST_TEST(pr("*(prices + 2)") == "399");
    BOOST_TEST(pr("prices[2] + 1") == "400");
    BOOST_TEST(pr("&prices[3] - &prices[1]") == "2");
    BOOST_TEST(pr("&prices[1]") == "(int *) " + hex(addr_of(*p, "prices") + 4) + " <prices+4>");
    BOOST_TEST(pr("*prices@3") == "{100, 250, 399}");
    uint64_t str = f.read32(addr_of(*p, "greeting"));
    BOOST_TEST(pr("greeting") == hex(str) + R"( "hello, debugger")");
    BOOST_TEST(pr("*greeting") == "104 'h'");
    BOOST_TEST(pr("greeting[7]") == "100 'd'");
    BOOST_TEST(pr("*greeting@5") == R"("hello")");
    BOOST_TEST(pr("greeting + 7") == hex(str + 7) + R"( "debugger")");
    BOOST_TEST(pr("quantities") == "{{1, 2, 3}, {4, 5, 6}}");
    BOOST_TEST(pr("quantities[1]") == "{4, 5, 6}");
    BOOST_TEST(pr("quantities[1][2]") == "6");
    BOOST_TEST(pr("g_word") == R"({u = 16909060, b = "\004\003\002\001"})");
    BOOST_TEST(pr("g_word.b[0]") == R"(4 '\004')");
    BOOST_TEST(pr("g_ratio") == "0.10000000000000001");
    BOOST_TEST(pr("unused_global") == "<optimized out>");
    BOOST_TEST(!p->info->static_address(*p->info->find_global("unused_global")));
    BOOST_TEST(pr("(float)g_ratio") == "0.100000001");
    BOOST_TEST(pr("g_ratio * 10") == "1");
    BOOST_TEST(pr("(int)(g_ratio * 25)") == "2");
    BOOST_TEST(pr("g_packet") == R"({name = "\000\000\000\000\000\000\000", checksum = 0, label = 0x0, hdr = 0x0, tint = RED, valid = false, ratio = 0})");
    uint64_t h = addr_of(*p, "g_header");
    BOOST_TEST(pr("&g_header") == "(struct header *) " + hex(h) + " <g_header>");
    BOOST_TEST(pr("*&g_header") == pr("g_header"));
    BOOST_TEST(pr("(&g_header)->len") == "512");
    BOOST_TEST(pr("&g_header.len") == "(u32 *) " + hex(h + 4) + " <g_header+4>");
    // Casts, arithmetic, enums, literals.
    BOOST_TEST(pr("(char)counter") == R"(7 '\a')");
    BOOST_TEST(pr("(unsigned char)300") == "44 ','");
    BOOST_TEST(pr("-counter") == "-7");
    BOOST_TEST(pr("counter * 3 - 1") == "20");
    BOOST_TEST(pr("(counter + 1) * 2") == "16");
    BOOST_TEST(pr("counter / 2") == "3");
    BOOST_TEST(pr("counter % 4") == "3");
    BOOST_TEST(pr("-5 / 2") == "-2");
    BOOST_TEST(pr("(unsigned)-1") == "4294967295");
    BOOST_TEST(pr("(u32)-1") == "4294967295");
    BOOST_TEST(pr("0xffffffff") == "4294967295");
    BOOST_TEST(pr("0x10 + 010 + 10") == "34");
    BOOST_TEST(pr("BLUE") == "BLUE");
    BOOST_TEST(pr("(enum color)5") == "GREEN");
    BOOST_TEST(pr("(enum color)7") == "7");
    BOOST_TEST(pr("BLUE == 6 && RED == 0") == "1");
    BOOST_TEST(pr("(int)BLUE") == "6");
    BOOST_TEST(pr("!counter") == "0");
    BOOST_TEST(pr("(_Bool)counter") == "true");
    BOOST_TEST(pr("'a'") == "97 'a'");
    BOOST_TEST(pr("'\\n'") == R"(10 '\n')");
    BOOST_TEST(pr("(long long)counter * 1000000000") == "7000000000");
    // Pointers made from numbers.
    BOOST_TEST(pr("*(int*)" + hex(addr_of(*p, "counter"))) == "7");
    BOOST_TEST(pr("(int*)0x11330") == "(int *) 0x11330");
    BOOST_TEST(pr("(struct header*)" + hex(h)) == "(struct header *) " + hex(h) + " <g_header>");
    BOOST_TEST(pr("((struct header *)" + hex(h) + ")->len") == "512");
    BOOST_TEST(pr("(const char *)" + hex(str)) == hex(str) + R"( "hello, debugger")");
    BOOST_TEST(pr("*(u32 *)" + hex(h)) == "305419896");
    BOOST_TEST(pr("(long)&g_header == " + std::to_string(h)) == "1");
    // sizeof reads nothing.
    BOOST_TEST(pr("sizeof(struct packet)") == "40");
    BOOST_TEST(pr("sizeof g_packet") == "40");
    BOOST_TEST(pr("sizeof(g_header.name)") == "8");
    BOOST_TEST(pr("sizeof(u32) + sizeof(long long)") == "12");
    BOOST_TEST(pr("sizeof(char *)") == "4");
    BOOST_TEST(pr("sizeof *(struct header *)0xfffffff0") == "16");
    BOOST_TEST(pr("sizeof prices / sizeof prices[0]") == "5");
  }
}

BOOST_AUTO_TEST_CASE(type_names_for_ptype_and_whatis) {
  const DebugInfo& d = *O0().info;
  auto type = [&](const std::string& text) -> std::string {
    auto ct = debug::parse_type_name(text);
    if (!ct) return "error: " + ct.error().message;
    auto t = debug::resolve_type_name(d, *ct);
    if (!t) return "error: " + t.error().message;
    return debug::ptype(d.types(), *t);
  };
  BOOST_TEST(type("struct header") == "type = struct header {\n    u32 magic;\n    u32 len;\n    char name[8];\n}");
  BOOST_TEST(type("u32") == "type = unsigned int");
  BOOST_TEST(type("unsigned char **") == "type = unsigned char **");
  BOOST_TEST(type("const char *") == "type = char *");  // qualifiers are dropped
  BOOST_TEST(type("enum color") == "type = enum color {RED, GREEN = 5, BLUE}");
  BOOST_TEST(type("struct nosuch") == "error: No struct type named nosuch.");
  BOOST_TEST(type("nosuch_t") == R"(error: No symbol "nosuch_t" in current context.)");
  BOOST_TEST(type("struct header +") == "error: A syntax error in expression, near `+'.");
}

BOOST_AUTO_TEST_CASE(expression_errors_are_one_line) {
  Program& p = O0();
  TestFrame f = frame_for(*p.module);
  uint64_t pc = main_pc(p);
  auto pr = [&](const std::string& e) { return print(p, f, pc, e); };
  BOOST_TEST(pr("nosuch") == R"(error: No symbol "nosuch" in current context.)");
  BOOST_TEST(pr("1 +") == "error: A syntax error in expression, near `'.");
  BOOST_TEST(pr("counter )") == "error: A syntax error in expression, near `)'.");
  BOOST_TEST(pr("prices[1") == "error: A syntax error in expression, near `'.");
  BOOST_TEST(pr("") == "error: Argument required (expression to compute).");
  BOOST_TEST(pr("#") == "error: Invalid character '#' in expression.");
  BOOST_TEST(pr("g_header.nope") == "error: There is no member named nope.");
  BOOST_TEST(pr("counter.x") == "error: Attempt to extract a component of a value that is not a structure.");
  BOOST_TEST(pr("counter->x") == "error: The -> operator must be applied to a pointer to a structure or union.");
  BOOST_TEST(pr("*(int*)0xfffffff0") == "error: Cannot access memory at address 0xfffffff0");
  BOOST_TEST(pr("((struct header*)0xfffffff8)->len") == "error: Cannot access memory at address 0xfffffffc");
  BOOST_TEST(pr("(struct nosuch*)0") == "error: No struct type named nosuch.");
  BOOST_TEST(pr("(nosuch_t)1") == R"(error: No symbol "nosuch_t" in current context.)");
  BOOST_TEST(pr("counter / 0") == "error: Division by zero");
  BOOST_TEST(pr("&5") == "error: Attempt to take address of value not located in memory.");
  BOOST_TEST(pr("*greeting@0") == "error: Non-positive repeat count.");
  BOOST_TEST(pr("(struct header)counter") == "error: Invalid cast.");
  BOOST_TEST(pr("'a") == "error: Unmatched single quote.");
  BOOST_TEST(pr("08") == "error: A syntax error in expression, near `08'.");
  BOOST_TEST(pr("g_header + 1") == "error: Argument to arithmetic operation not a number or boolean.");
  // A pointer that cannot be read prints as gdb does inside a value.
  BOOST_TEST(pr("(char*)0xfffffff0") == "0xfffffff0 <error: Cannot access memory at address 0xfffffff0>");
  // No frame: globals cannot be read, constants still evaluate.
  debug::EvalScope none{p.info.get(), pc, 0, nullptr};
  auto v = debug::evaluate_expression("counter", none);
  BOOST_TEST(!v);
  BOOST_TEST(v.error().message == "Cannot access memory at address " + hex(addr_of(p, "counter")));
  auto c = debug::evaluate_expression("1 + 2", none);
  BOOST_REQUIRE(c);
  BOOST_TEST(debug::format_value(*c, *p.info, nullptr) == "3");
  debug::EvalScope nothing{nullptr, 0, 0, nullptr};
  BOOST_TEST(debug::evaluate_expression("1", nothing).error().message == "No symbol table is loaded.");
}

BOOST_AUTO_TEST_CASE(watch_ranges) {
  for (Program* p : {&O0(), &O2()}) {
    TestFrame f = frame_for(*p->module);
    uint64_t pc = main_pc(*p);
    uint64_t counter = addr_of(*p, "counter"), h = addr_of(*p, "g_header");
    auto w = watch(*p, f, pc, "counter");
    BOOST_REQUIRE(w);
    BOOST_TEST(w->address == counter);
    BOOST_TEST(w->size == 4u);
    w = watch(*p, f, pc, "*(int*)" + hex(counter));
    BOOST_REQUIRE(w);
    BOOST_TEST(w->address == counter);
    BOOST_TEST(w->size == 4u);
    w = watch(*p, f, pc, "g_header.len");
    BOOST_REQUIRE(w);
    BOOST_TEST(w->address == h + 4);
    w = watch(*p, f, pc, "g_header.name[2]");
    BOOST_REQUIRE(w);
    BOOST_TEST(w->address == h + 10);
    BOOST_TEST(w->size == 1u);
    w = watch(*p, f, pc, "g_packet");
    BOOST_REQUIRE(w);
    BOOST_TEST(w->size == 40u);
    w = watch(*p, f, pc, "prices");
    BOOST_REQUIRE(w);
    BOOST_TEST(w->size == 20u);
    BOOST_TEST(!watch(*p, f, pc, "counter + 1"));  // not an lvalue
  }
}

// ---------------------------------------------------------------- locals in a simulated frame

BOOST_AUTO_TEST_CASE(locals_at_O0_live_in_the_shadow_stack) {
  Program& p = O0();
  const DebugInfo& d = *p.info;
  TestFrame f = frame_for(*p.module);
  const auto& add = function(d, "add");
  uint64_t pc = d.breakpoint_offset(add);
  // Without the frame base local every local is unavailable.
  BOOST_TEST(print(p, f, pc, "a") == "<optimized out>");
  // The frame base is a wasm local holding the shadow stack pointer; a and
  // b are DW_OP_fbreg slots above it.
  uint32_t fb = frame_base_local(add);
  const uint64_t sp = 0x8000;
  f.locals[fb] = sp;
  for (const auto& v : d.variables_at(pc)) {
    std::smatch m;
    std::string e = debug::describe_expression(v.var->location.expr);
    BOOST_REQUIRE_MESSAGE(std::regex_match(e, m, std::regex(R"re(DW_OP_fbreg \+(\d+))re")), e);
    BOOST_TEST(print(p, f, pc, "&" + v.var->name) == "(int *) " + hex(sp + std::stoul(m[1])));
  }
  BOOST_REQUIRE(d.variables_at(pc).size() == 2u);
  auto addr = [&](const std::string& e) {
    debug::EvalScope s{&d, pc, 0, &f};
    auto v = debug::evaluate_expression("&" + e, s);
    BOOST_REQUIRE(v);
    return uint64_t(*debug::as_int(*v, d.types()));
  };
  f.write32(addr("a"), 3);
  f.write32(addr("b"), uint32_t(-4));
  BOOST_TEST(print(p, f, pc, "a + b") == "-1");
  BOOST_TEST(print(p, f, pc, "a * b + counter") == "-5");
  std::vector<std::string> args;
  for (const auto& v : d.variables_at(pc)) {
    auto val = debug::read_variable(d, *v.var, v.function, pc, &f);
    BOOST_REQUIRE(val);
    args.push_back(debug::format_variable(v.var->name, *val, d, &f));
  }
  BOOST_TEST(args == (std::vector<std::string>{"a = 3", "b = -4"}));
  auto w = watch(p, f, pc, "b");
  BOOST_REQUIRE(w);
  BOOST_TEST(w->address == addr("b"));

  // set_name(pk, src): a struct pointer and a string.
  const auto& sn = function(d, "set_name");
  uint64_t pc2 = d.breakpoint_offset(sn);
  f.locals[frame_base_local(sn)] = sp;
  auto set = [&](const std::string& var, uint32_t value) {
    debug::EvalScope s{&d, pc2, 0, &f};
    auto v = debug::evaluate_expression("&" + var, s);
    BOOST_REQUIRE(v);
    f.write32(uint64_t(*debug::as_int(*v, d.types())), value);
  };
  uint64_t pk = addr_of(p, "g_packet"), str = f.read32(addr_of(p, "greeting"));
  set("pk", uint32_t(pk));
  set("src", uint32_t(str));
  set("n", 15);
  // Fill g_packet as main does.
  set("pk->checksum", 0x77b38000);
  set("pk->hdr", uint32_t(addr_of(p, "g_header")));
  set("pk->tint", 6);
  std::memcpy(f.mem.data() + pk, "overflow", 8);
  auto pr = [&](const std::string& e) { return print(p, f, pc2, e); };
  BOOST_TEST(pr("pk") == "(struct packet *) " + hex(pk) + " <g_packet>");
  std::vector<std::string> info_args;
  for (const auto& v : d.variables_at(pc2)) {
    auto val = debug::read_variable(d, *v.var, v.function, pc2, &f);
    BOOST_REQUIRE(val);
    info_args.push_back(debug::format_variable(v.var->name, *val, d, &f));
  }
  BOOST_TEST(info_args == (std::vector<std::string>{"pk = " + hex(pk) + " <g_packet>",
                                                    "src = " + hex(str) + " \"hello, debugger\"", "n = 15"}),
             boost::test_tools::per_element());
  BOOST_TEST(pr("src") == hex(str) + R"( "hello, debugger")");
  BOOST_TEST(pr("n") == "15");
  BOOST_TEST(pr("pk->checksum") == "2008252416");
  BOOST_TEST(pr("pk->name") == R"("overflow")");  // no NUL in the array: nothing dropped
  BOOST_TEST(pr("pk->hdr->len") == "512");
  BOOST_TEST(pr("*pk->hdr") == R"({magic = 305419896, len = 512, name = "abc\000\000\000\000"})");
  BOOST_TEST(pr("pk->tint") == "BLUE");
  BOOST_TEST(pr("*pk") == "{name = \"overflow\", checksum = 2008252416, label = 0x0, hdr = " + hex(addr_of(p, "g_header")) +
                              " <g_header>, tint = BLUE, valid = false, ratio = 0}");
  BOOST_TEST(pr("pk->name[8]") == "0 '\\000'");  // one past the array: the checksum's low byte
  auto wc = watch(p, f, pc2, "pk->checksum");
  BOOST_REQUIRE(wc);
  BOOST_TEST(wc->address == pk + 8);
  BOOST_TEST(wc->size == 4u);
}

BOOST_AUTO_TEST_CASE(locals_at_O2_live_in_wasm_locals_and_operands) {
  Program& p = O2();
  const DebugInfo& d = *p.info;
  TestFrame f = frame_for(*p.module);
  const auto& lp = function(d, "line_price");
  uint64_t pc = d.breakpoint_offset(lp);
  // price and qty are wasm locals; find which from their locations.
  // Their locations are "DW_OP_WASM_location 0x0 N, DW_OP_stack_value".
  std::map<std::string, uint32_t> slot;
  for (const auto& v : d.variables_at(pc)) {
    const auto* e = v.var->location.at(pc);
    if (e && e->size() >= 3 && (*e)[0] == 0xed && (*e)[1] == 0x00) slot[v.var->name] = (*e)[2];
  }
  BOOST_REQUIRE(slot.count("price") && slot.count("qty"));
  f.locals[slot["price"]] = 250;
  f.locals[slot["qty"]] = 2;
  BOOST_TEST(print(p, f, pc, "price") == "250");
  BOOST_TEST(print(p, f, pc, "price * qty") == "500");
  BOOST_TEST(print(p, f, pc, "each") == "<optimized out>");  // no list entry covers the entry
  BOOST_TEST(print(p, f, pc, "each + 1") == "error: value has been optimized out");
  BOOST_TEST(print(p, f, pc, "&price") == "error: Attempt to take address of value not located in memory.");
  debug::EvalScope s{&d, pc, 0, &f};
  auto v = debug::evaluate_expression("price", s);
  BOOST_REQUIRE(v);
  BOOST_TEST(!debug::watch_range(*v, d.types()));
  BOOST_REQUIRE(v->storage);
  BOOST_TEST((v->storage->kind == debug::Location::Kind::WasmLocal));
  BOOST_TEST(v->storage->index == slot["price"]);

  // Inside the inlined scale(): `each` is on the operand stack.
  uint64_t in = d.addresses_for_line("buggy.c", marker("scale_mul")).locations.at(0).offset;
  f.operands = {225};
  BOOST_TEST(print(p, f, in, "each", 0) == "225");
  BOOST_TEST(print(p, f, in, "each * qty", 0) == "450");
  BOOST_TEST(print(p, f, in, "price", 0) == R"(error: No symbol "price" in current context.)");
  BOOST_TEST(print(p, f, in, "price", 1) == "250");  // line_price's frame
  BOOST_TEST(print(p, f, in, "each", 1) == "225");

  // apply_discount's `off` has no location at all.
  const auto& ad = function(d, "apply_discount");
  BOOST_TEST(print(p, f, d.breakpoint_offset(ad), "off") == "<optimized out>");
}

BOOST_AUTO_TEST_CASE(dwarf5_values) {
  Program& p = program("dwarf5.wasm");
  TestFrame f = frame_for(*p.module);
  const auto& run = function(*p.info, "run");
  uint64_t pc = p.info->breakpoint_offset(run);
  f.locals[0] = 5;
  BOOST_TEST(print(p, f, pc, "g_base") == "3");        // DW_OP_addrx
  BOOST_TEST(print(p, f, pc, "n * g_base") == "15");   // DW_FORM_loclistx entry
  BOOST_TEST(print(p, f, pc, "&g_base") == "(int *) " + hex(addr_of(p, "g_base")) + " <g_base>");
}

// ---------------------------------------------------------------- formatting

BOOST_AUTO_TEST_CASE(gdb_style_formatting) {
  Program& p = O0();
  auto& types = p.info->types();
  TestFrame f = frame_for(*p.module);
  auto fmt = [&](debug::TypeId t, std::vector<uint8_t> bytes, const debug::FormatOptions& opt = {}) {
    debug::Value v;
    v.type = t;
    v.bytes = std::move(bytes);
    v.fetched = true;
    return debug::format_value(v, *p.info, &f, opt);
  };
  debug::TypeId ch = *types.find("char"), in = *types.find("int");
  BOOST_TEST(fmt(types.array_of(ch, {16}), std::vector<uint8_t>(16, 0)) == R"('\000' <repeats 15 times>)");
  std::vector<uint8_t> s = {'a', '\n', '"', '\\', 0};
  BOOST_TEST(fmt(types.array_of(ch, {5}), s) == R"("a\n\"\\")");
  std::vector<uint8_t> run(20, 'x');
  run.insert(run.begin(), 'a');
  run.push_back('b');
  BOOST_TEST(fmt(types.array_of(ch, {22}), run) == R"("a", 'x' <repeats 20 times>, "b")");
  BOOST_TEST(fmt(types.array_of(in, {20}), std::vector<uint8_t>(80, 0)) == "{0 <repeats 20 times>}");
  std::vector<uint8_t> one(64, 0);
  one[0] = 1;
  BOOST_TEST(fmt(types.array_of(in, {16}), one) == "{1, 0 <repeats 15 times>}");
  debug::FormatOptions three;
  three.max_elements = 3;
  BOOST_TEST(print(p, f, main_pc(p), "prices", 0, three) == "{100, 250, 399...}");
  BOOST_TEST(print(p, f, main_pc(p), "greeting", 0, three).find(R"("hel"...)") != std::string::npos);
  BOOST_TEST(fmt(*types.find("double"), {0, 0, 0, 0, 0, 0, 0xf0, 0x7f}) == "inf");
  BOOST_TEST(fmt(*types.find("_Bool"), {2}) == "2");
  BOOST_TEST(fmt(*types.find("unsigned char"), {200}) == R"(200 '\310')");
  BOOST_TEST(fmt(*types.find("signed char"), {0xff}) == R"(-1 '\377')");
  BOOST_TEST(fmt(*types.find("unsigned long long"), std::vector<uint8_t>(8, 0xff)) == "18446744073709551615");
  BOOST_TEST(fmt(*types.find("long long"), std::vector<uint8_t>(8, 0xff)) == "-1");
  debug::Value gone;
  gone.type = in;
  gone.optimized_out = true;
  BOOST_TEST(debug::format_value(gone, *p.info, &f) == "<optimized out>");
  BOOST_TEST(fmt(in, {0, 2, 0, 0}) == "512");
  BOOST_TEST(debug::format_variable("len", debug::make_scalar(types, in, 512), *p.info, &f) == "len = 512");
  // whatis / ptype through expressions' types.
  debug::EvalScope sc{p.info.get(), main_pc(p), 0, &f};
  BOOST_TEST(debug::whatis(types, debug::evaluate_expression("&g_packet", sc)->type) == "type = struct packet *");
  BOOST_TEST(debug::whatis(types, debug::evaluate_expression("g_header.magic", sc)->type) == "type = u32");
  BOOST_TEST(debug::ptype(types, debug::evaluate_expression("g_header.magic", sc)->type) == "type = unsigned int");
  BOOST_TEST(debug::whatis(types, debug::evaluate_expression("quantities[0]", sc)->type) == "type = int [3]");
  BOOST_TEST(debug::whatis(types, debug::evaluate_expression("&quantities[0]", sc)->type) == "type = int (*)[3]");
  BOOST_TEST(debug::whatis(types, debug::evaluate_expression("*greeting@5", sc)->type) == "type = const char [5]");
}
