// `timecraft profile` end to end: profiles of real recorded programs count
// exactly the instructions the exact tier counts, are the same every time,
// are read by Go's own `go tool pprof` with the right functions and lines,
// are registry objects (get, describe, export), and their flame graph
// renders in headless Chromium with its biggest frames where the table
// says.
#define BOOST_TEST_MODULE profile_e2e_tests
#include <boost/test/unit_test.hpp>

#include <nlohmann/json.hpp>

#include "debug/dwarf/debug_info.hpp"
#include "profile/collect.hpp"
#include "test/cli_fixture.hpp"
#include "test/pprof_reader.hpp"
#include "test/session_fixture.hpp"
#include "test/svg_browser.hpp"

using namespace tc;
using namespace tc::test;
using json = nlohmann::json;

namespace {

// The count of the whole run on the exact code alone.
uint64_t exact_count(registry::Registry& reg, const std::string& id) {
  auto s = session::ReplaySession::open(reg, id);
  BOOST_REQUIRE(s.has_value());
  uint64_t n = 0;
  session::ReplaySession::Hooks hooks;
  hooks.exact_only = true;
  hooks.on_end = [&](wasm::Store& st) { n = st.instruction_count(); };
  trace::ReplayOptions opts;
  opts.echo = false;
  (*s)->run(opts, hooks);
  return n;
}

profile::ProfileRun profile_of(registry::Registry& reg, const std::string& id) {
  auto s = session::ReplaySession::open(reg, id);
  BOOST_REQUIRE(s.has_value());
  auto info = debug::DebugInfo::load(*(*s)->module());
  return profile::profile_replay(**s, info ? info->get() : nullptr);
}

struct Recorded : test::SessionFixture {
  std::string id_of(const std::string& program, std::vector<std::string> args = {}) {
    auto end = record(program, std::move(args));
    BOOST_REQUIRE(end.outcome.has_value());
    return end.meta.id;
  }
};

uint64_t line_sum(const profile::Node& n) {
  uint64_t s = 0;
  for (const auto& [l, c] : n.lines) s += c;
  return s;
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(library, Recorded)

BOOST_AUTO_TEST_CASE(a_profile_counts_what_the_exact_tier_counts) {
  for (auto [program, args] : std::vector<std::pair<std::string, std::vector<std::string>>>{
           {"hello-g.wasm", {}}, {"buggy-O2.wasm", {}}, {"divide.wasm", {}}, {"interp-O2.wasm", {"20000"}}}) {
    std::string id = id_of(program, args);
    auto run = profile_of(reg, id);
    const profile::Profile& p = run.profile;
    BOOST_REQUIRE(!p.nodes.empty());
    uint64_t exact = exact_count(reg, id);
    BOOST_TEST(p.nodes[0].total_instructions == exact, program << ": " << p.nodes[0].total_instructions << " vs " << exact);
    BOOST_TEST(p.nodes.size() > 3u, program);
    for (const auto& n : p.nodes) BOOST_TEST(line_sum(n) <= n.self_instructions, program);
  }
}

BOOST_AUTO_TEST_CASE(two_profiles_of_one_process_are_identical) {
  std::string id = id_of("interp-O2.wasm", {"20000"});
  auto a = profile_of(reg, id).profile, b = profile_of(reg, id).profile;
  BOOST_REQUIRE(a.nodes.size() == b.nodes.size());
  for (size_t i = 0; i < a.nodes.size(); ++i) {
    BOOST_TEST(a.nodes[i].parent == b.nodes[i].parent);
    BOOST_TEST(a.functions[a.nodes[i].function].name == b.functions[b.nodes[i].function].name);
    BOOST_TEST(a.nodes[i].self_instructions == b.nodes[i].self_instructions);
    BOOST_TEST(a.nodes[i].calls == b.nodes[i].calls);
    BOOST_TEST((a.nodes[i].lines == b.nodes[i].lines));
  }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_FIXTURE_TEST_SUITE(cli, CliFixture)

BOOST_AUTO_TEST_CASE(go_tool_pprof_shows_the_functions_and_lines) {
  for (std::string program : {"buggy-O2.wasm", "hello-g.wasm"}) {
    auto r = tc({"run", (programs / program).string()});
    BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    std::string id = take_id(r.err);
    fs::path out = root / (program + ".pprof");
    auto p = tc({"profile", "--export", "cpu:" + out.string(), id});
    BOOST_REQUIRE_MESSAGE(p.exit_code == 0, p.err);
    auto table = tc({"profile", "-o", "json", "-n", "5", id});
    BOOST_REQUIRE(table.exit_code == 0);
    json t = json::parse(table.out);
    std::string top = t["functions"][0]["function"];
    uint64_t top_self = t["functions"][0]["self_instructions"];
    Pprof pp;
    std::string flat = pp.run("-top -nodecount=5", out);
    BOOST_TEST(flat.find("Type: instructions") != std::string::npos, flat);
    // The table's first function is pprof's first row, with the same count.
    auto first = flat.find(" " + top + "\n");
    BOOST_TEST(first != std::string::npos, program << ": " << top << " not in\n" << flat);
    BOOST_TEST(flat.find(std::to_string(top_self) + " ") != std::string::npos, flat);
    std::string lines = pp.run("-top -lines -nodecount=100000", out);
    if (program == "buggy-O2.wasm") {
      BOOST_TEST(lines.find("buggy.c:") != std::string::npos, lines);
      BOOST_TEST((flat.find("total_price") != std::string::npos || lines.find("total_price") != std::string::npos));
    } else {
      BOOST_TEST(lines.find("hello.c:") != std::string::npos, lines);
    }
  }
}

BOOST_AUTO_TEST_CASE(profiles_are_registry_objects) {
  auto r = tc({"run", (programs / "buggy-O2.wasm").string()});
  std::string id = take_id(r.err);
  fs::path a = root / "a.pprof", b = root / "b.pprof";
  auto p = tc({"profile", "--export", "cpu:" + a.string(), id});
  BOOST_REQUIRE_MESSAGE(p.exit_code == 0, p.err);
  std::string prof = p.err.substr(0, p.err.find('\n'));  // the stored profile's id
  auto g = tc({"get", "profile"});
  BOOST_TEST(g.out.find("PROFILE ID") == 0u, g.out);
  BOOST_TEST(g.out.find(prof + "   " + id + "   cpu") != std::string::npos, g.out);
  auto gj = tc({"get", "profiles", "-o", "json"});
  json j = json::parse(gj.out);
  BOOST_REQUIRE(j.size() == 1u);
  BOOST_TEST(j[0]["process"] == id);
  BOOST_TEST(j[0]["size"].is_number());
  BOOST_TEST(j[0]["duration_ns"].is_number());
  auto d = tc({"describe", "profile", prof.substr(0, 8)});
  BOOST_TEST(d.exit_code == 0, d.err);
  BOOST_TEST(d.out.find("Process:      " + id) != std::string::npos, d.out);
  BOOST_TEST(d.out.find("printf_core") != std::string::npos, d.out);
  auto e = tc({"export", "profile", prof.substr(0, 8), b.string()});
  BOOST_TEST(e.exit_code == 0, e.err);
  BOOST_TEST(read(a) == read(b));
  auto bad = tc({"describe", "profile", "ffffffff"});
  BOOST_TEST(bad.exit_code != 0);
  BOOST_TEST(bad.err == "timecraft: error: no profile matches \"ffffffff\"\n", bad.err);
}

BOOST_AUTO_TEST_CASE(the_flame_graph_renders_its_biggest_frames_where_the_table_says) {
  auto r = tc({"run", (programs / "interp-O2.wasm").string(), "20000"});
  std::string id = take_id(r.err);
  fs::path svg = root / "flame.svg";
  auto p = tc({"profile", "--flamegraph", svg.string(), id});
  BOOST_REQUIRE_MESSAGE(p.exit_code == 0, p.err);
  auto table = tc({"profile", "-o", "json", "-n", "3", id});
  json t = json::parse(table.out);
  const double all = t["instructions"];
  Scratch s;
  std::string dom = dump_dom(s, read(svg));
  auto fs = frames(dom);
  BOOST_REQUIRE(!fs.empty());
  double root_width = 0;
  for (auto& f : fs) root_width = std::max(root_width, std::stod(f["rect.width"]));
  // The function the table puts first: its frames' widths add up to its
  // total share (within 1%; frames too narrow to draw are left out).
  std::string top = t["functions"][0]["function"];
  double total = t["functions"][0]["total_instructions"], width = 0;
  for (auto& f : fs)
    if (f["data-name"] == top) width += std::stod(f["rect.width"]);
  BOOST_TEST(width > 0, top << " has no frame");
  BOOST_TEST(std::abs(width / root_width - total / all) < 0.01, top << ": " << width / root_width << " vs " << total / all);
}

BOOST_AUTO_TEST_CASE(without_dwarf_the_name_section_names_and_no_lines) {
  auto r = tc({"run", (programs / "buggy-nodebug.wasm").string()});
  std::string id = take_id(r.err);
  auto p = tc({"profile", id});
  BOOST_TEST(p.exit_code == 0, p.err);
  BOOST_TEST(p.out.find("apply_discount") != std::string::npos, p.out);
  auto l = tc({"profile", "--lines", id});
  BOOST_TEST(l.out == "No line information (the module has no DWARF): profile without --lines.\n", l.out);
}

BOOST_AUTO_TEST_CASE(bad_input_is_one_line) {
  auto p = tc({"profile", "ffffffff"});
  BOOST_TEST(p.exit_code != 0);
  BOOST_TEST(lines(p.err) == 1u, p.err);
  auto r = tc({"run", (programs / "hello-g.wasm").string()});
  std::string id = take_id(r.err);
  auto e = tc({"profile", "--export", "mem:x.pprof", id});
  BOOST_TEST(e.exit_code == 2);
  BOOST_TEST(lines(e.err) >= 1u);
  auto w = tc({"profile", "--flamegraph", "/nonexistent/dir/x.svg", id});
  BOOST_TEST(w.exit_code == 1);
  BOOST_TEST(w.err.find("/nonexistent/dir/x.svg: cannot write the file") != std::string::npos, w.err);
}

BOOST_AUTO_TEST_SUITE_END()
