// debug/dwarf: DWARF read from test/debug/buggy.c compiled by clang with -g
// at -O0 and -O2. Line numbers come from "@marker" comments in the source,
// offsets from the API itself (cross-checked against the module's code
// section and, when installed, llvm-dwarfdump-14) -- never hard-coded.
//  - addresses: DWARF addresses are Code-payload offsets; the API speaks
//    file offsets;
//  - line table: file:line of instructions, break FILE:LINE (suffix paths,
//    lines without code, loops, inlined copies), step ranges;
//  - functions: lookup by offset and name, prologue skipping, inlined
//    frames;
//  - variables per scope, globals, types;
//  - no DWARF -> no debug info; corrupt DWARF -> one-line error, no crash.
#define BOOST_TEST_MODULE dwarf_tests
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <random>
#include <regex>
#include <set>

#include "debug/dwarf/location_expr.hpp"
#include "debug/dwarf/value_format.hpp"
#include "test/dwarf_fixture.hpp"
#include "test/wasm_bytes.hpp"

using namespace tc;
using namespace tc::test;
using debug::DebugInfo;

namespace {

std::vector<std::string> names_of(const std::vector<debug::VisibleVariable>& vs) {
  std::vector<std::string> out;
  for (const auto& v : vs) out.push_back(v.var->name);
  return out;
}

uint32_t line_at(const DebugInfo& d, uint64_t off) {
  auto loc = d.location(off);
  return loc ? loc->line : 0;
}

// The single location `break buggy.c:LINE` resolves to.
uint64_t break_at(const DebugInfo& d, uint32_t line) {
  auto m = d.addresses_for_line("buggy.c", line);
  BOOST_REQUIRE_MESSAGE(!m.locations.empty(), "no code for line " << line);
  return m.locations.front().offset;
}

struct DumpRow {
  uint64_t addr;
  uint32_t line;
  bool end;
};

// llvm-dwarfdump-14 --debug-line rows of the tables whose file 1 is buggy.c
// (empty if the tool is missing).
std::vector<DumpRow> dump_rows(const std::string& wasm) {
  std::string out = command_output("llvm-dwarfdump-14 --debug-line '" + wasm + "' 2>/dev/null");
  std::vector<DumpRow> rows;
  std::istringstream in(out);
  std::string line;
  bool ours = false;
  std::map<int, std::string> files;
  int cur_file = 0;
  std::regex file_re(R"re(^file_names\[\s*(\d+)\]:)re"), name_re(R"re(^\s+name: "(.*)")re");
  std::regex row_re(R"re(^0x([0-9a-f]+)\s+(\d+)\s+(\d+)\s+(\d+)\s+\d+\s+\d+\s*(.*)$)re");
  std::smatch m;
  while (std::getline(in, line)) {
    if (line.rfind("debug_line[", 0) == 0) {
      files.clear();
      ours = false;
    } else if (std::regex_search(line, m, file_re)) {
      cur_file = std::stoi(m[1]);
    } else if (std::regex_search(line, m, name_re)) {
      files[cur_file] = m[1];
    } else if (std::regex_match(line, m, row_re)) {
      ours = files.count(std::stoi(m[4])) && files[std::stoi(m[4])] == "buggy.c";
      if (!ours) continue;
      rows.push_back({std::stoull(m[1], nullptr, 16), uint32_t(std::stoul(m[2])),
                      m[5].str().find("end_sequence") != std::string::npos});
    }
  }
  return rows;
}

// name -> low_pc of DW_TAG_subprograms with code, from llvm-dwarfdump-14.
std::multimap<std::string, uint64_t> dump_functions(const std::string& wasm) {
  std::string out = command_output("llvm-dwarfdump-14 --debug-info '" + wasm + "' 2>/dev/null");
  std::multimap<std::string, uint64_t> fns;
  std::istringstream in(out);
  std::string line;
  bool in_sub = false;
  std::optional<uint64_t> low;
  std::string name;
  std::regex low_re(R"re(DW_AT_low_pc\s+\(0x([0-9a-f]+)\))re"), name_re(R"re(DW_AT_name\s+\("([^"]*)"\))re");
  std::smatch m;
  auto flush = [&] {
    if (in_sub && low && !name.empty()) fns.emplace(name, *low);
    in_sub = false;
    low.reset();
    name.clear();
  };
  while (std::getline(in, line)) {
    if (line.find("DW_TAG_") != std::string::npos) {
      flush();
      in_sub = line.find("DW_TAG_subprogram") != std::string::npos;
    } else if (in_sub && std::regex_search(line, m, low_re)) {
      low = std::stoull(m[1], nullptr, 16);
    } else if (in_sub && std::regex_search(line, m, name_re)) {
      name = m[1];
    }
  }
  flush();
  return fns;
}

bool have_dwarfdump() { return !command_output("command -v llvm-dwarfdump-14").empty(); }

}  // namespace

// ---------------------------------------------------------------- addresses

BOOST_AUTO_TEST_CASE(dwarf_addresses_are_code_payload_offsets) {
  for (Program* p : {&O0(), &O2()}) {
    const DebugInfo& d = *p->info;
    const auto& layout = d.layout();
    BOOST_TEST(layout.code_start() > 8u);
    size_t checked = 0;
    for (const auto& f : d.functions()) {
      if (!f.has_code()) continue;
      // DW_AT_low_pc + code start = the body's local declarations (just
      // after the body size); DW_AT_high_pc = one past its `end`.
      const auto* ext = layout.function_at(f.low);
      BOOST_REQUIRE_MESSAGE(ext, f.name << " low outside any body");
      BOOST_TEST(ext->entry == f.low, f.name);
      BOOST_TEST(ext->end == f.high, f.name);
      BOOST_TEST(p->module->functions[ext->func_index - p->module->num_imported_funcs].body_end == f.high);
      ++checked;
    }
    BOOST_TEST(checked >= 8u);
  }
}

BOOST_AUTO_TEST_CASE(functions_match_llvm_dwarfdump) {
  if (!have_dwarfdump()) {
    BOOST_TEST_MESSAGE("llvm-dwarfdump-14 not installed: cross-check skipped");
    return;
  }
  for (const char* name : {"buggy-O0.wasm", "buggy-O2.wasm"}) {
    Program& p = program(name);
    auto fns = dump_functions((programs_dir() / name).string());
    size_t checked = 0;
    for (const char* fn : {"apply_discount", "line_price", "total_price", "add", "set_name", "checksum", "main"}) {
      auto it = fns.find(fn);
      BOOST_REQUIRE_MESSAGE(it != fns.end(), fn << " not in llvm-dwarfdump output");
      BOOST_TEST(function(*p.info, fn).low == p.info->layout().code_start() + it->second, name << " " << fn);
      ++checked;
    }
    BOOST_TEST(checked == 7u);
  }
}

// ---------------------------------------------------------------- line table

BOOST_AUTO_TEST_CASE(first_instruction_maps_to_the_function_line) {
  for (Program* p : {&O0(), &O2()}) {
    const DebugInfo& d = *p->info;
    for (auto [fn, text] : std::vector<std::pair<std::string, std::string>>{
             {"apply_discount", "int apply_discount("}, {"add", "int add("}, {"main", "int main("},
             {"set_name", "void set_name("}}) {
      const auto& f = function(d, fn);
      const auto* ext = d.layout().function_at(f.low);
      BOOST_REQUIRE(ext);
      // The entry (DW_AT_low_pc) is on the opening line; so is the first
      // instruction at -O0 (the prologue). At -O2 a function without a
      // prologue starts with its first statement.
      auto entry = d.location(f.low);
      BOOST_REQUIRE_MESSAGE(entry, fn);
      BOOST_TEST(entry->line == line_of(text), fn);
      auto loc = d.location(ext->first_instr);
      BOOST_REQUIRE_MESSAGE(loc, fn);
      BOOST_TEST(ends_with(loc->file, "/buggy.c"), loc->file);
      if (p == &O0()) BOOST_TEST(loc->line == line_of(text), fn);
      else BOOST_TEST((loc->line == line_of(text) || loc->line == line_at(d, d.breakpoint_offset(f))), fn);
      BOOST_TEST(f.decl_line == line_of(text), fn);
      BOOST_TEST(ends_with(f.decl_file, "/buggy.c"));
    }
  }
}

BOOST_AUTO_TEST_CASE(function_breakpoint_skips_the_prologue) {
  const DebugInfo& d = *O0().info;
  BOOST_TEST(line_at(d, d.breakpoint_offset(function(d, "add"))) == marker("add_return"));
  BOOST_TEST(line_at(d, d.breakpoint_offset(function(d, "apply_discount"))) == marker("discount_off"));
  BOOST_TEST(line_at(d, d.breakpoint_offset(function(d, "main"))) == marker("main_first"));
  BOOST_TEST(line_at(d, d.breakpoint_offset(function(d, "total_price"))) == marker("total_init"));
  const DebugInfo& o2 = *O2().info;
  BOOST_TEST(line_at(o2, o2.breakpoint_offset(function(o2, "add"))) == marker("add_return"));
  for (const DebugInfo* x : {&d, &o2}) {
    auto b = x->function_breakpoints("add");
    BOOST_REQUIRE(b.size() == 1u);
    BOOST_TEST(b[0].offset == x->breakpoint_offset(function(*x, "add")));
    BOOST_TEST(!b[0].inlined);
  }
}

BOOST_AUTO_TEST_CASE(line_table_matches_llvm_dwarfdump) {
  if (!have_dwarfdump()) {
    BOOST_TEST_MESSAGE("llvm-dwarfdump-14 not installed: cross-check skipped");
    return;
  }
  for (const char* name : {"buggy-O0.wasm", "buggy-O2.wasm"}) {
    Program& p = program(name);
    auto rows = dump_rows((programs_dir() / name).string());
    BOOST_REQUIRE(rows.size() > 20u);
    size_t checked = 0;
    for (size_t i = 0; i + 1 < rows.size(); ++i) {
      // The row in force at an address is the last one there; line 0 rows
      // report the previous line (DebugInfo::location).
      if (rows[i].end || rows[i + 1].addr == rows[i].addr || rows[i].line == 0) continue;
      uint64_t off = p.info->layout().code_start() + rows[i].addr;
      BOOST_TEST(line_at(*p.info, off) == rows[i].line, name << " at 0x" << std::hex << rows[i].addr);
      ++checked;
    }
    BOOST_TEST(checked > 20u);
  }
}

BOOST_AUTO_TEST_CASE(break_file_line) {
  for (Program* p : {&O0(), &O2()}) {
    const DebugInfo& d = *p->info;
    uint32_t line = marker("add_return");
    auto m = d.addresses_for_line("buggy.c", line);
    BOOST_TEST(m.requested_line == line);
    BOOST_TEST(m.line == line);
    BOOST_REQUIRE(m.locations.size() == 1u);
    BOOST_TEST(m.locations[0].function == &function(d, "add"));
    BOOST_TEST(line_at(d, m.locations[0].offset) == line);
    BOOST_TEST(d.is_statement_start(m.locations[0].offset));
    BOOST_REQUIRE(m.files.size() == 1u);
    // Suffix paths and the full recorded path match the same file.
    std::string full = m.files[0];
    for (const std::string& spelled : {std::string("debug/buggy.c"), std::string("test/debug/buggy.c"), full}) {
      auto x = d.addresses_for_line(spelled, line);
      BOOST_REQUIRE_MESSAGE(x.locations.size() == 1u, spelled);
      BOOST_TEST(x.locations[0].offset == m.locations[0].offset);
    }
    // A name that is only a string suffix, or no such file: nothing.
    BOOST_TEST(d.addresses_for_line("uggy.c", line).files.empty());
    BOOST_TEST(d.addresses_for_line("nosuch.c", line).locations.empty());
    // Past the end of the file: no line with code.
    auto past = d.addresses_for_line("buggy.c", 100000);
    BOOST_TEST(past.line == 0u);
    BOOST_TEST(past.locations.empty());
  }
}

BOOST_AUTO_TEST_CASE(break_on_a_line_without_code_moves_to_the_next_line) {
  for (Program* p : {&O0(), &O2()}) {
    const DebugInfo& d = *p->info;
    uint32_t blank = marker("set_name_len") + 1;  // the empty line in set_name
    auto m = d.addresses_for_line("buggy.c", blank);
    BOOST_TEST(m.requested_line == blank);
    BOOST_TEST(m.line == marker("set_name_copy"));
    BOOST_REQUIRE(m.locations.size() == 1u);
    BOOST_TEST(m.locations[0].function == &function(d, "set_name"));
    BOOST_TEST(line_at(d, m.locations[0].offset) == marker("set_name_copy"));
  }
}

BOOST_AUTO_TEST_CASE(break_on_a_function_line_and_a_loop_line) {
  const DebugInfo& d = *O0().info;
  // The opening line: after the prologue, like `break add`.
  auto m = d.addresses_for_line("buggy.c", line_of("int add("));
  BOOST_REQUIRE(m.locations.size() == 1u);
  BOOST_TEST(m.locations[0].offset == d.breakpoint_offset(function(d, "add")));
  // A `for` line has several statement rows (init, test, increment): one
  // location, the first.
  auto loop = d.addresses_for_line("buggy.c", marker("total_loop"));
  BOOST_REQUIRE(loop.locations.size() == 1u);
  BOOST_TEST(loop.locations[0].function == &function(d, "total_price"));
  size_t rows = 0;
  uint64_t lowest = UINT64_MAX;
  for (const auto& r : d.lines().rows())
    if (r.line == marker("total_loop") && r.is_stmt && !r.end_sequence) {
      ++rows;
      lowest = std::min(lowest, r.offset);
    }
  BOOST_TEST(rows >= 2u);
  BOOST_TEST(loop.locations[0].offset == lowest);
}

BOOST_AUTO_TEST_CASE(step_ranges) {
  for (Program* p : {&O0(), &O2()}) {
    const DebugInfo& d = *p->info;
    uint64_t at = d.breakpoint_offset(function(d, "add"));
    auto r = d.line_range(at);
    BOOST_REQUIRE(r);
    BOOST_TEST(r->low <= at);
    BOOST_TEST(r->high > at);
    BOOST_TEST(r->loc.line == marker("add_return"));
    BOOST_TEST(ends_with(r->loc.file, "/buggy.c"));
    for (uint64_t o = r->low; o < r->high; ++o) BOOST_TEST(line_at(d, o) == marker("add_return"));
    // Past the range: another line, or the end of the function.
    BOOST_TEST((r->high >= function(d, "add").high || line_at(d, r->high) != marker("add_return")));
  }
  // The statement after `int off = ...` in apply_discount (-O0) starts where
  // the range ends.
  const DebugInfo& d = *O0().info;
  uint64_t at = break_at(d, marker("discount_off"));
  auto r = d.line_range(at);
  BOOST_REQUIRE(r);
  BOOST_TEST(line_at(d, r->high) == marker("discount_off") + 1);
  BOOST_TEST(d.is_statement_start(r->high));
  BOOST_TEST(!d.line_range(d.layout().code_start()));  // the function count byte: no line
}

BOOST_AUTO_TEST_CASE(source_files) {
  for (Program* p : {&O0(), &O2()}) {
    auto files = p->info->source_files();
    BOOST_TEST(std::is_sorted(files.begin(), files.end()));
    size_t ours = 0;
    for (const auto& f : files) ours += ends_with(f, "/buggy.c");
    BOOST_TEST(ours == 1u);
  }
}

// ---------------------------------------------------------------- functions

BOOST_AUTO_TEST_CASE(functions_by_name_and_offset) {
  for (Program* p : {&O0(), &O2()}) {
    const DebugInfo& d = *p->info;
    auto adds = d.functions_named("add");
    BOOST_REQUIRE(adds.size() == 1u);
    const auto& add = *adds[0];
    BOOST_TEST(add.name == "add");
    BOOST_TEST(add.linkage_name.empty());  // C
    BOOST_TEST(add.external);
    BOOST_TEST(add.decl_line == line_of("int add("));
    BOOST_TEST(debug::type_name(d.types(), add.return_type) == "int");
    BOOST_TEST(d.function_at(add.low) == &add);
    BOOST_TEST(d.function_at(add.high - 1) == &add);
    BOOST_TEST(d.function_at(add.high) != &add);
    BOOST_TEST(d.functions_named("nosuch").empty());
    BOOST_TEST(d.function_at(0) == nullptr);
    auto names = d.function_names();
    BOOST_TEST(std::is_sorted(names.begin(), names.end()));
    for (const char* n : {"main", "add", "apply_discount", "line_price", "total_price", "set_name", "checksum", "scale"})
      BOOST_TEST(std::binary_search(names.begin(), names.end(), std::string(n)), n);
    // Frame base: a wasm local at -O0 (the stack pointer copy), the
    // __stack_pointer global at -O2 where add has no frame.
    std::string fb = debug::describe_expression(add.frame_base);
    BOOST_TEST(std::regex_match(fb, std::regex(R"(DW_OP_WASM_location 0x[03] 0x[0-9a-f]+, DW_OP_stack_value)")), fb);
  }
  BOOST_TEST(debug::describe_expression(function(*O2().info, "add").frame_base) ==
             "DW_OP_WASM_location 0x3 0x0, DW_OP_stack_value");
}

BOOST_AUTO_TEST_CASE(inlined_frames_at_O2) {
  const DebugInfo& d = *O2().info;
  // scale() is inlined into line_price: its line has code only there.
  auto m = d.addresses_for_line("buggy.c", marker("scale_mul"));
  BOOST_REQUIRE(!m.locations.empty());
  const auto& lp = function(d, "line_price");
  BOOST_TEST(m.locations[0].function == &lp);
  BOOST_REQUIRE(m.locations[0].inlined);
  BOOST_TEST(m.locations[0].inlined->name == "scale");
  uint64_t at = m.locations[0].offset;
  auto inl = d.inlined_at(at);
  BOOST_REQUIRE(inl.size() == 1u);
  BOOST_TEST(inl[0]->call_line == marker("line_return"));
  BOOST_TEST(ends_with(inl[0]->call_file, "/buggy.c"));
  BOOST_TEST(inl[0]->origin < d.functions().size());
  BOOST_TEST(d.functions()[inl[0]->origin].name == "scale");
  BOOST_TEST(!d.functions()[inl[0]->origin].has_code());  // only inlined at -O2
  // bt: scale at buggy.c:@scale_mul, called from line_price at @line_return.
  auto frames = d.frames_at(at);
  BOOST_REQUIRE(frames.size() == 2u);
  BOOST_TEST(frames[0].function == "scale");
  BOOST_REQUIRE(frames[0].loc);
  BOOST_TEST(frames[0].loc->line == marker("scale_mul"));
  BOOST_TEST(frames[1].function == "line_price");
  BOOST_REQUIRE(frames[1].loc);
  BOOST_TEST(frames[1].loc->line == marker("line_return"));
  BOOST_TEST(frames[1].concrete == &lp);
  // break scale: the inlined copy's entry.
  auto b = d.function_breakpoints("scale");
  BOOST_REQUIRE(b.size() == 1u);
  BOOST_TEST(b[0].inlined == inl[0]);
  BOOST_TEST(b[0].function == &lp);
  BOOST_TEST(b[0].offset == inl[0]->entry_pc);
  // At -O0 nothing is inlined: scale is a function of its own.
  const DebugInfo& o0 = *O0().info;
  BOOST_TEST(function(o0, "scale").has_code());
  BOOST_TEST(o0.frames_at(o0.breakpoint_offset(function(o0, "scale"))).size() == 1u);
  BOOST_TEST(o0.frames_at(o0.breakpoint_offset(function(o0, "scale")))[0].function == "scale");
}

// ---------------------------------------------------------------- variables

BOOST_AUTO_TEST_CASE(variables_per_scope) {
  for (Program* p : {&O0(), &O2()}) {
    const DebugInfo& d = *p->info;
    // Inside the loop body: q (body block), i (for block), then the
    // function's parameters and local.
    auto in_loop = d.variables_at(break_at(d, marker("total_add")));
    auto names = names_of(in_loop);
    BOOST_TEST(names == (std::vector<std::string>{"q", "i", "p", "n", "total"}), (p == &O0() ? "O0" : "O2"));
    BOOST_REQUIRE(in_loop.size() == 5u);
    BOOST_TEST(in_loop[0].depth == 0u);
    BOOST_TEST(in_loop[1].depth == 1u);
    BOOST_TEST(in_loop[2].depth == 2u);
    BOOST_TEST(in_loop[2].var->is_param);
    BOOST_TEST(!in_loop[4].var->is_param);
    BOOST_TEST(in_loop[0].var->decl_line == marker("total_add") - 1);
    BOOST_TEST(debug::type_name(d.types(), in_loop[2].var->type) == "const int *");
    // Before the loop only the function level is visible (at -O2 `total =
    // 0` has no code: the function starts in the loop header, i's block).
    auto entry = names_of(d.variables_at(d.breakpoint_offset(function(d, "total_price"))));
    if (p == &O0()) BOOST_TEST(entry == (std::vector<std::string>{"p", "n", "total"}));
    else BOOST_TEST(entry == (std::vector<std::string>{"i", "p", "n", "total"}));
    // checksum's inner loop.
    auto inner = names_of(d.variables_at(break_at(d, marker("checksum_inner"))));
    BOOST_TEST(inner == (std::vector<std::string>{"mixed", "c", "h", "sum"}));
    BOOST_TEST(d.variables_at(0).empty());
  }
  // -O2: inside the inlined scale(), frame 0 is scale's, frame 1 line_price's.
  const DebugInfo& d = *O2().info;
  uint64_t at = d.addresses_for_line("buggy.c", marker("scale_mul")).locations.at(0).offset;
  auto inl = names_of(d.variables_at(at, 0));
  BOOST_TEST((inl == std::vector<std::string>{"each", "qty", "scaled"} || inl == std::vector<std::string>{"each", "qty"}));
  BOOST_TEST(names_of(d.variables_at(at, 1)) == (std::vector<std::string>{"price", "qty", "each"}));
  BOOST_TEST(d.variables_at(at, 2).empty());
}

BOOST_AUTO_TEST_CASE(globals) {
  for (Program* p : {&O0(), &O2()}) {
    const DebugInfo& d = *p->info;
    for (const char* n : {"g_header", "counter", "prices", "greeting", "g_packet", "g_word", "quantities", "g_ratio"}) {
      const auto* g = d.find_global(n);
      BOOST_REQUIRE_MESSAGE(g, n);
      BOOST_TEST(d.static_address(*g).has_value(), n);
      BOOST_TEST(ends_with(g->decl_file, "/buggy.c"));
    }
    BOOST_TEST(d.find_global("g_header")->external);
    BOOST_TEST(!d.find_global("quantities")->external);  // static
    BOOST_TEST(d.find_global("nosuch") == nullptr);
    const auto* h = d.find_global("g_header");
    uint64_t addr = *d.static_address(*h);
    uint64_t off = 99;
    BOOST_TEST(d.global_at_address(addr, &off) == h);
    BOOST_TEST(off == 0u);
    BOOST_TEST(d.global_at_address(addr + 9, &off) == h);
    BOOST_TEST(off == 9u);
    BOOST_TEST(d.global_at_address(addr + 16, &off) != h);
  }
}

// ---------------------------------------------------------------- types

BOOST_AUTO_TEST_CASE(struct_union_enum_array_types) {
  for (Program* p : {&O0(), &O2()}) {
    const DebugInfo& d = *p->info;
    auto& types = d.types();
    debug::TypeId hdr = d.find_global("g_header")->type;
    const auto& h = types.resolved(hdr);
    BOOST_TEST((h.kind == debug::TypeKind::Struct));
    BOOST_TEST(h.name == "header");
    BOOST_TEST(h.size == 16u);
    BOOST_REQUIRE(h.members.size() == 3u);
    BOOST_TEST(h.members[0].name == "magic");
    BOOST_TEST(h.members[1].offset == 4u);
    BOOST_TEST(h.members[2].offset == 8u);
    BOOST_TEST(debug::type_name(types, h.members[0].type) == "u32");
    BOOST_TEST(debug::type_name(types, types.strip(h.members[0].type)) == "unsigned int");
    BOOST_TEST(debug::type_name(types, h.members[2].type) == "char [8]");
    BOOST_TEST(debug::whatis(types, hdr) == "type = struct header");
    BOOST_TEST(debug::ptype(types, hdr) ==
               "type = struct header {\n    u32 magic;\n    u32 len;\n    char name[8];\n}");

    debug::TypeId pk = d.find_global("g_packet")->type;
    const auto& t = types.resolved(pk);
    std::vector<std::string> members;
    for (const auto& m : t.members)
      members.push_back(debug::declare(types, m.type, m.name) + " @" + std::to_string(m.offset));
    BOOST_TEST(members == (std::vector<std::string>{
                              "char name[8] @0", "uint32_t checksum @8", "const char *label @12",
                              "struct header *hdr @16", "enum color tint @20", "_Bool valid @24",
                              "double ratio @32"}), boost::test_tools::per_element());
    BOOST_TEST(types.size_of(pk) == 40u);
    // ptype through a pointer expands the struct and keeps the '*'.
    debug::TypeId ptr = types.pointer_to(hdr);
    BOOST_TEST(debug::type_name(types, ptr) == "struct header *");
    BOOST_TEST(debug::ptype(types, ptr) ==
               "type = struct header {\n    u32 magic;\n    u32 len;\n    char name[8];\n} *");

    debug::TypeId tint = t.members[4].type;
    BOOST_TEST(debug::ptype(types, tint) == "type = enum color {RED, GREEN = 5, BLUE}");
    const auto& e = types.resolved(tint);
    BOOST_REQUIRE(e.enumerators.size() == 3u);
    BOOST_TEST(e.enumerators[2].value == 6);

    debug::TypeId w = d.find_global("g_word")->type;
    BOOST_TEST(debug::ptype(types, w) == "type = union word {\n    uint32_t u;\n    uint8_t b[4];\n}");
    BOOST_TEST(types.size_of(w) == 4u);

    debug::TypeId q = d.find_global("quantities")->type;
    BOOST_TEST(debug::type_name(types, q) == "int [2][3]");
    BOOST_TEST(types.size_of(q) == 24u);
    BOOST_TEST(debug::type_name(types, types.element_of(q)) == "int [3]");
    BOOST_TEST(debug::type_name(types, types.pointer_to(types.element_of(q))) == "int (*)[3]");
    BOOST_TEST(debug::type_name(types, d.find_global("greeting")->type) == "const char *");

    // Named types for casts.
    BOOST_TEST(types.find("struct packet").value_or(0) != 0u);
    BOOST_TEST(types.find("u32").value_or(0) != 0u);
    BOOST_TEST(types.find("unsigned").has_value());
    BOOST_TEST(types.size_of(*types.find("long long")) == 8u);
    BOOST_TEST(types.size_of(*types.find("long")) == 4u);  // wasm32
    BOOST_TEST(!types.find("struct nosuch"));
    BOOST_TEST(!types.find("nosuch_t"));
  }
}

// ---------------------------------------------------------------- DWARF 5

BOOST_AUTO_TEST_CASE(dwarf5_lists_and_address_indices) {
  Program& p = program("dwarf5.wasm");
  const DebugInfo& d = *p.info;
  const auto& run = function(d, "run");
  BOOST_TEST(run.decl_line == line_of("int run(", "dwarf5.c"));
  BOOST_TEST(ends_with(run.decl_file, "/dwarf5.c"));  // DWARF 5 numbers files from 0
  // The unit's DW_AT_ranges is a DW_FORM_rnglistx list: one range per function.
  BOOST_REQUIRE(d.compile_units().size() == 1u);
  size_t with_code = 0;
  for (const auto& f : d.functions()) with_code += f.has_code();
  BOOST_TEST(d.compile_units()[0].ranges.size() == with_code);
  // A global at DW_OP_addrx, resolved through .debug_addr.
  const auto* g = d.find_global("g_base");
  BOOST_REQUIRE(g);
  auto addr = d.static_address(*g);
  BOOST_REQUIRE(addr);
  TestFrame f = frame_for(*p.module);
  uint32_t v;
  std::memcpy(&v, f.mem.data() + *addr, 4);
  BOOST_TEST(v == 3u);
  // Location lists (DW_FORM_loclistx): n lives in a wasm local at entry.
  uint64_t pc = d.breakpoint_offset(run);
  bool found = false;
  for (const auto& vv : d.variables_at(pc)) {
    if (vv.var->name != "n") continue;
    found = true;
    BOOST_TEST((vv.var->location.kind == debug::LocationDesc::Kind::List));
    const auto* e = vv.var->location.at(pc);
    BOOST_REQUIRE(e);
    BOOST_TEST(debug::describe_expression(*e) == "DW_OP_WASM_location 0x0 0x0, DW_OP_stack_value");
  }
  BOOST_TEST(found);
  // Lines and the inlined sq().
  BOOST_TEST(line_at(d, d.breakpoint_offset(function(d, "add"))) == marker("d5_add", "dwarf5.c"));
  auto m = d.addresses_for_line("dwarf5.c", marker("d5_sq", "dwarf5.c"));
  BOOST_REQUIRE(!m.locations.empty());
  BOOST_REQUIRE(m.locations[0].inlined);
  BOOST_TEST(m.locations[0].inlined->name == "sq");
  BOOST_TEST(m.locations[0].inlined->call_line == marker("d5_t", "dwarf5.c"));
}

// ---------------------------------------------------------------- no / bad DWARF

BOOST_AUTO_TEST_CASE(module_without_dwarf_has_no_debug_info) {
  auto m = module_named("buggy-nodebug.wasm");
  auto d = debug::DebugInfo::load(*m);
  BOOST_REQUIRE(d);
  BOOST_TEST(!*d);
  auto tiny = decode(tc::test::module({}));
  auto t = debug::DebugInfo::load(*tiny);
  BOOST_REQUIRE(t);
  BOOST_TEST(!*t);
}

namespace {
// Loads and, if it loaded, exercises the result; returns the error or "".
std::string load_and_poke(const std::vector<uint8_t>& bytes) {
  auto m = wasm::decode_module(bytes);
  if (!m) return "decode: " + m.error().to_string();
  auto d = debug::DebugInfo::load(**m);
  if (!d) return d.error().to_string();
  if (!*d) return "";
  const DebugInfo& info = **d;
  for (uint64_t o = info.layout().code_start(); o < info.layout().code_end(); o += 7) {
    info.location(o);
    info.line_range(o);
    info.frames_at(o);
    for (const auto& v : info.variables_at(o)) debug::type_name(info.types(), v.var->type);
  }
  for (const auto& f : info.functions()) info.breakpoint_offset(f);
  info.addresses_for_line("buggy.c", 50);
  for (const auto& g : info.globals()) debug::ptype(info.types(), g.type);
  return "";
}
}  // namespace

BOOST_AUTO_TEST_CASE(corrupt_dwarf_is_a_one_line_error) {
  auto bytes = read_bytes(programs_dir() / "buggy-O0.wasm");
  // Truncated sections: cut .debug_info / .debug_abbrev / .debug_line.
  for (const char* sec : {".debug_info", ".debug_abbrev", ".debug_line", ".debug_str", ".debug_loc"}) {
    for (double keep : {0.0, 0.1, 0.5, 0.97}) {
      auto cut = edit_custom(bytes, sec, [&](std::vector<uint8_t>& d) { d.resize(size_t(d.size() * keep)); });
      std::string err = load_and_poke(cut);
      BOOST_TEST(err.find('\n') == std::string::npos, sec << " " << keep << ": " << err);
      if (!err.empty()) BOOST_TEST(err.rfind("DWARF: ", 0) == 0u, err);
    }
  }
  // A compile unit claiming to be longer than .debug_info.
  auto huge = edit_custom(bytes, ".debug_info", [](std::vector<uint8_t>& d) {
    d[0] = 0xf0; d[1] = 0xff; d[2] = 0xff; d[3] = 0x0f;
  });
  std::string err = load_and_poke(huge);
  BOOST_TEST(!err.empty());
  BOOST_TEST(err.rfind("DWARF: ", 0) == 0u, err);
  BOOST_TEST(err.find('\n') == std::string::npos);
}

BOOST_AUTO_TEST_CASE(flipped_bytes_never_crash) {
  std::mt19937 rng(12345);
  size_t errors = 0, loaded = 0;
  // (libdwarf 20210528 double-freed on a flipped .debug_rnglists header
  // before the list sections were kept from it.)
  std::vector<std::pair<std::string, std::vector<std::string>>> cases = {
      {"buggy-O2.wasm", {".debug_info", ".debug_abbrev", ".debug_line", ".debug_loc", ".debug_ranges"}},
      {"dwarf5.wasm", {".debug_info", ".debug_rnglists", ".debug_loclists", ".debug_addr", ".debug_str_offsets", ".debug_line"}}};
  for (const auto& [file, sections] : cases) {
    auto bytes = read_bytes(programs_dir() / file);
    for (const auto& sec : sections) {
      for (int round = 0; round < 50; ++round) {
        auto bad = edit_custom(bytes, sec, [&](std::vector<uint8_t>& d) {
          if (d.empty()) return;
          int flips = 1 + int(rng() % 8);
          for (int i = 0; i < flips; ++i) d[rng() % d.size()] ^= uint8_t(1 + rng() % 255);
        });
        std::string err = load_and_poke(bad);
        BOOST_TEST(err.find('\n') == std::string::npos, err);
        if (err.empty()) ++loaded; else ++errors;
      }
    }
  }
  BOOST_TEST_MESSAGE("flipped: " << loaded << " loaded, " << errors << " rejected");
  BOOST_TEST(loaded + errors == 550u);
}

// ---------------------------------------------------------------- figures

BOOST_AUTO_TEST_CASE(load_cost) {
  for (const char* name : {"buggy-O0.wasm", "buggy-O2.wasm"}) {
    auto m = module_named(name);
    auto t0 = std::chrono::steady_clock::now();
    auto d = debug::DebugInfo::load(*m);
    auto t1 = std::chrono::steady_clock::now();
    BOOST_REQUIRE(d && *d);
    auto s = (*d)->stats();
    BOOST_TEST_MESSAGE(name << ": " << s.debug_bytes << " bytes of DWARF, " << s.compile_units << " units, "
                            << s.functions << " functions, " << s.types << " types, " << s.line_rows
                            << " line rows: loaded in "
                            << (std::chrono::duration<double, std::milli>(t1 - t0).count()) << " ms");
    BOOST_TEST(s.compile_units >= 2u);
  }
}
