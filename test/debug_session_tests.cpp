// `timecraft debug` sessions run as a user scripts them: test/debug/sessions/
// NAME.tcdb run with --batch --echo against a recording of the test program
// (test/debug/buggy.c at -O0, -O2, or without DWARF; collatz.rs), the whole
// output compared with NAME.expected. In both files {@marker} stands for
// the line of the program's source carrying that marker comment and {ID} for the process id's
// first 8 characters ({FULLID} for all of it), so neither hard-codes line
// numbers or ids.
// TIMECRAFT_UPDATE_SESSIONS=1 rewrites the .expected files from the
// actual output (review the diff before committing it).
#define BOOST_TEST_MODULE debug_session_tests
#include <boost/test/unit_test.hpp>

#include <regex>
#include <sstream>

#include "test/cli_fixture.hpp"

using namespace tc::test;

namespace {

fs::path sessions_dir() {
  return fs::path(env_or("TIMECRAFT_SOURCE_DIR", ".")) / "test/debug/sessions";
}

// marker -> line in the source (the installed copy next to the programs).
std::map<std::string, int> markers(const fs::path& source) {
  std::map<std::string, int> out;
  std::ifstream in(source);
  std::string l;
  std::regex marker(R"(// @([a-z_0-9]+)\b)");
  for (int n = 1; std::getline(in, l); ++n) {
    std::smatch m;
    if (std::regex_search(l, m, marker)) out[m[1]] = n;
  }
  return out;
}

std::string expand(const std::string& text, const std::map<std::string, int>& lines, const std::string& id,
                   const std::string& source = "buggy.c") {
  std::string out;
  std::regex ref(R"(\{@([a-z_0-9]+)\}|\{ID\}|\{FULLID\})");
  auto it = std::sregex_iterator(text.begin(), text.end(), ref);
  size_t at = 0;
  for (; it != std::sregex_iterator(); ++it) {
    out += text.substr(at, size_t(it->position()) - at);
    if ((*it)[0] == "{ID}") out += id.substr(0, 8);
    else if ((*it)[0] == "{FULLID}") out += id;
    else {
      auto f = lines.find((*it)[1]);
      BOOST_REQUIRE_MESSAGE(f != lines.end(), "no marker @" + std::string((*it)[1]) + " in " + source);
      out += std::to_string(f->second);
    }
    at = size_t(it->position() + it->length());
  }
  return out + text.substr(at);
}

// The reverse of expand for writing .expected files: line numbers of
// markers that the script names become {@marker} again.
std::string unexpand(std::string text, const std::string& script, const std::map<std::string, int>& lines,
                     const std::string& id, const std::string& source) {
  for (size_t p; (p = text.find(id)) != std::string::npos;) text.replace(p, id.size(), "{FULLID}");
  std::string id8 = id.substr(0, 8);
  for (size_t p; (p = text.find(id8)) != std::string::npos;) text.replace(p, id8.size(), "{ID}");
  // Echoed commands: the script's lines as written.
  std::istringstream sl(script);
  std::vector<std::string> commands;
  for (std::string l; std::getline(sl, l);) commands.push_back("(tcdb) " + l);
  std::istringstream tl(text);
  std::string out;
  size_t next = 0;
  for (std::string l; std::getline(tl, l);) {
    if (next < commands.size() && l.rfind("(tcdb) ", 0) == 0) l = commands[next++];
    out += l + "\n";
  }
  text = out;
  std::regex ref(R"(\{@([a-z_0-9]+)\})");
  for (auto it = std::sregex_iterator(script.begin(), script.end(), ref); it != std::sregex_iterator(); ++it) {
    int n = lines.at((*it)[1]);
    std::string num = std::to_string(n);
    // Line numbers where they appear as such: "SOURCE:N", "line N", "N\t".
    std::string escaped = std::regex_replace(source, std::regex(R"([.])"), R"(\.)");
    text = std::regex_replace(text, std::regex(escaped + ":" + num + "\\b"), source + ":{@" + std::string((*it)[1]) + "}");
    text = std::regex_replace(text, std::regex("line " + num + "\\b"), "line {@" + std::string((*it)[1]) + "}");
    text = std::regex_replace(text, std::regex("(^|\n)" + num + "\t"), "$1{@" + std::string((*it)[1]) + "}\t");
  }
  return text;
}

std::string first_difference(const std::string& want, const std::string& got) {
  std::istringstream a(want), b(got);
  std::string x, y;
  for (int n = 1;; ++n) {
    bool ha = bool(std::getline(a, x)), hb = bool(std::getline(b, y));
    if (!ha && !hb) return "";
    if (!ha || !hb || x != y)
      return "line " + std::to_string(n) + ":\n  expected: " + (ha ? x : "<end>") + "\n  actual:   " + (hb ? y : "<end>");
  }
}

struct SessionFixture : CliFixture {
  std::string record(const std::string& program) {
    auto r = tc({"run", (programs / program).string()});
    BOOST_REQUIRE_MESSAGE(r.exit_code == 0, program + " did not run: " + r.err);
    return take_id(r.err);
  }

};

void run_session(SessionFixture& f, const std::string& name, const std::string& program,
                 const std::string& source = "buggy.c") {
  std::string id = f.record(program);
  auto lines = markers(f.programs / source);
  fs::path script_in = sessions_dir() / (name + ".tcdb");
  BOOST_REQUIRE_MESSAGE(fs::exists(script_in), script_in.string() + " is missing (set TIMECRAFT_SOURCE_DIR)");
  std::string script = slurp(script_in);
  fs::path script_path = f.write(name + ".tcdb", expand(script, lines, id, source));
  auto r = f.tc({"debug", "--batch", "--echo", "-x", script_path.string(), id}, 120);
  BOOST_TEST_MESSAGE(name << ": " << f.seconds << " s");
  BOOST_TEST(!crashed(r));
  BOOST_TEST(r.err == "");
  fs::path expected_path = sessions_dir() / (name + ".expected");
  if (std::getenv("TIMECRAFT_UPDATE_SESSIONS")) {
    spit(expected_path, unexpand(r.out, script, lines, id, source));
    return;
  }
  BOOST_REQUIRE_MESSAGE(fs::exists(expected_path), expected_path.string() + " is missing");
  std::string want = expand(slurp(expected_path), lines, id, source);
  std::string diff = first_difference(want, r.out);
  BOOST_TEST(diff == "", name << " differs at " << diff);
  // The same commands on the same recording print the same text.
  auto again = f.tc({"debug", "--batch", "--echo", "-x", script_path.string(), id}, 120);
  BOOST_TEST(again.out == r.out);
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(sessions, SessionFixture)

BOOST_AUTO_TEST_CASE(o0_a_wrong_value_two_calls_deep) { run_session(*this, "o0_discount", "buggy-O0.wasm"); }
BOOST_AUTO_TEST_CASE(o0_a_watchpoint_finds_the_stray_write) { run_session(*this, "o0_overwrite", "buggy-O0.wasm"); }
BOOST_AUTO_TEST_CASE(o0_read_and_access_watchpoints) { run_session(*this, "o0_rwatch", "buggy-O0.wasm"); }
BOOST_AUTO_TEST_CASE(o0_next_and_finish_over_calls) { run_session(*this, "o0_next_finish", "buggy-O0.wasm"); }
BOOST_AUTO_TEST_CASE(o2_inlined_and_optimised_frames) { run_session(*this, "o2_discount", "buggy-O2.wasm"); }
BOOST_AUTO_TEST_CASE(without_dwarf_the_webassembly_level) { run_session(*this, "nodebug", "buggy-nodebug.wasm"); }
BOOST_AUTO_TEST_CASE(bad_input_is_one_line_and_the_session_goes_on) { run_session(*this, "bad_input", "buggy-O0.wasm"); }
BOOST_AUTO_TEST_CASE(a_rust_program_at_the_source_level) {
  run_session(*this, "rust_collatz", "collatz.wasm", "collatz.rs");
}

// run and replay print the trap's backtrace with file:line (DWARF read
// only then); the debugger stops at the trapping instruction.
BOOST_AUTO_TEST_CASE(traps_are_shown_at_their_source_line) {
  auto lines = markers(programs / "divide.c");
  std::string at_trap = "at test/debug/divide.c:" + std::to_string(lines.at("divide_trap"));
  std::string at_call = "at test/debug/divide.c:" + std::to_string(lines.at("ratio_call"));
  auto r = tc({"run", (programs / "divide.wasm").string()});
  BOOST_TEST(r.exit_code == 134);
  std::string id = take_id(r.err);
  BOOST_TEST(contains(r.err, "timecraft: trap: integer divide by zero\nwasm backtrace:\n  0: divide+0x"));
  BOOST_TEST(contains(r.err, at_trap));
  BOOST_TEST(contains(r.err, "1: ratio+0x"));
  BOOST_TEST(contains(r.err, at_call));
  auto rp = tc({"replay", id});
  BOOST_TEST(rp.exit_code == 134);
  BOOST_TEST(rp.err == r.err);
  fs::path script = write("trap.tcdb", "continue\nbt 2\ninfo args\nreverse-step\n");
  auto d = tc({"debug", "--batch", "-x", script.string(), id});
  BOOST_TEST(d.exit_code == 0);
  BOOST_TEST(contains(d.out, "\nProgram trapped: integer divide by zero\n"));
  BOOST_TEST(contains(d.out, "in divide (a=100, b=0) " + at_trap + "\n"));
  BOOST_TEST(contains(d.out, "in ratio (n=1) " + at_call));
  BOOST_TEST(contains(d.out, "a = 100\nb = 0\n"));
}

// A log cut short (a torn last batch): the replay stops where the program
// makes the call the log no longer has, says so in one line, and the
// session goes on (backwards, breakpoints, prints).
BOOST_AUTO_TEST_CASE(a_torn_log_stops_at_the_missing_call_and_the_session_goes_on) {
  std::string id = record("buggy-O0.wasm");
  fs::path log = registry / "processes" / id / "log" / "log.000000";
  BOOST_REQUIRE(fs::exists(log));
  fs::resize_file(log, fs::file_size(log) - 30);
  fs::path script = write("torn.tcdb", "continue\ninfo record\nrun\nbreak apply_discount\ncontinue\nprint price\n");
  auto d = tc({"debug", "--batch", "-x", script.string(), id});
  BOOST_TEST(!crashed(d));
  BOOST_TEST(d.exit_code == 0);
  BOOST_TEST(contains(d.out, "\nThe replay diverged from the log: "));
  BOOST_TEST(contains(d.out, "the log is cut short"));
  BOOST_TEST(contains(d.out, "Breakpoint 1, apply_discount (price=100, percent=10)"));
  BOOST_TEST(contains(d.out, "$1 = 100\n"));
}

BOOST_AUTO_TEST_SUITE_END()
