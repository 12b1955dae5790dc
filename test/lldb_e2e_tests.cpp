// Debian 12's lldb-16 against `timecraft debug --listen` on a recording of
// test/debug/buggy.c (-O0): what it supports for wasm without a wasm
// process plugin (the top frame only, no locals), asserted on its output.
// Skipped, with the reason, when lldb-16 is not installed.
#define BOOST_TEST_MODULE lldb_e2e_tests
#include <boost/test/unit_test.hpp>

#include "test/gdbremote_server.hpp"

using namespace tc::test;

namespace {

const char* const kLldb = "/usr/bin/lldb-16";

boost::test_tools::assertion_result have_lldb(boost::unit_test::test_unit_id) {
  boost::test_tools::assertion_result r(::access(kLldb, X_OK) == 0);
  if (!r) r.message() << "skipped: lldb-16 is not installed (scripts/setup.sh installs it)";
  return r;
}

struct Fixture : BuggyRecording {
  // lldb-16 -b with these commands, connected to a fresh server; its output.
  std::string lldb(const std::vector<std::string>& commands, int* server_status,
                   const std::string& program = "buggy-O0.wasm", std::string of = "") {
    Server s(bin, of.empty() ? id : of);
    std::string line = s.first_line();
    std::string port = line.substr(line.rfind(':') + 1);
    std::vector<std::string> args = {kLldb, "-b", "--no-lldbinit", (programs / program).string(),
                                     "-o", "gdb-remote 127.0.0.1:" + port};
    for (const auto& c : commands) args.insert(args.end(), {"-o", c});
    auto r = run_process(args, 120);
    BOOST_TEST_MESSAGE(r.out);
    *server_status = s.wait_exit(30);
    return r.out + r.err;
  }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(lldb16, Fixture)

BOOST_AUTO_TEST_CASE(breakpoints_steps_disassembly_and_globals, *boost::unit_test::precondition(have_lldb)) {
  int off_line = marker_line(programs / "buggy.c", "discount_off");
  int status = -1;
  std::string out = lldb({"b total_price", "b buggy.c:" + std::to_string(off_line), "c", "c", "bt", "dis -c 2 --pc",
                          "target variable counter", "si", "detach"},
                         &status);
  // By function, and file:line: code addresses (space 1); main calls
  // total_price, which calls apply_discount (through line_price).
  BOOST_TEST(std::regex_search(out, std::regex(R"(Breakpoint 1: where = buggy-O0\.wasm`total_price)")), out);
  BOOST_TEST(contains(out, "stop reason = breakpoint 1.1"), out);
  BOOST_TEST(std::regex_search(out, std::regex(R"(Breakpoint 2: where = buggy-O0\.wasm`apply_discount \+ \d+ at buggy\.c:)" +
                                               std::to_string(off_line) + R"(:\d+, address = 0x4000000000000[0-9a-f]{3})")),
             out);
  BOOST_TEST(contains(out, "stop reason = breakpoint 2.1"), out);
  // The stop shows the source line.
  BOOST_TEST(std::regex_search(out, std::regex("-> " + std::to_string(off_line) + " +\t  int off = price \\* percent / 100;")), out);
  BOOST_TEST(contains(out, "frame #0: 0x4000"), out);
  // Disassembly at the pc (LLDB's wasm disassembler over the m packets' bytes).
  BOOST_TEST(std::regex_search(out, std::regex(R"(->  0x4000000000000[0-9a-f]{3} <\+\d+>: local\.get)")), out);
  // A C global read from linear memory (space 0).
  BOOST_TEST(contains(out, "(int) counter = 7"), out);
  BOOST_TEST(contains(out, "stop reason = instruction step into"), out);
  BOOST_TEST(contains(out, "Process 1 detached"), out);
  BOOST_TEST(status == 0);
}

BOOST_AUTO_TEST_CASE(a_watchpoint_and_the_exit, *boost::unit_test::precondition(have_lldb)) {
  int status = -1;
  int write_line = marker_line(programs / "buggy.c", "total_counter");
  std::string out = lldb({"b total_price", "c", "watchpoint set variable counter", "breakpoint delete 1", "c", "c"},
                         &status);
  BOOST_TEST(contains(out, "Watchpoint created: Watchpoint 1: addr = 0x00000db0 size = 4 state = enabled type = w"), out);
  BOOST_TEST(contains(out, "old value: 7"), out);
  BOOST_TEST(contains(out, "new value: 8"), out);
  BOOST_TEST(contains(out, "stop reason = watchpoint 1"), out);
  // At the writing line (counter++ is the function's last write before
  // `return`, so the instruction after the store is on the next line).
  BOOST_TEST(std::regex_search(out, std::regex("-> " + std::to_string(write_line) + " +\t  counter\\+\\+;")), out);
  // The replay runs on to the recorded exit.
  BOOST_TEST(contains(out, "Process 1 exited with status = 0"), out);
  BOOST_TEST(status == 0);  // lldb disconnects when it exits
}

// A read watchpoint (Z3): LLDB stops at each line that reads counter
// (`counter++` in total_price, then main's `add(total, counter)`), the
// reading instruction shown as the pc, and runs on to the exit.
BOOST_AUTO_TEST_CASE(a_read_watchpoint_stops_at_the_reading_lines, *boost::unit_test::precondition(have_lldb)) {
  int status = -1;
  int read_line = marker_line(programs / "buggy.c", "total_counter");
  std::string out = lldb({"b total_price", "c", "watchpoint set variable -w read counter", "breakpoint delete 1", "c", "c",
                          "c"},
                         &status);
  BOOST_TEST(contains(out, "Watchpoint created: Watchpoint 1: addr = 0x00000db0 size = 4 state = enabled type = r"), out);
  std::regex first("stop reason = watchpoint 1\n    frame #0: 0x4000000000000[0-9a-f]{3} buggy-O0\\.wasm`total_price[^\n]* at buggy\\.c:" +
                   std::to_string(read_line) + ":\\d+\n(.*\n){3}-> " + std::to_string(read_line) + " +\t  counter\\+\\+;");
  BOOST_TEST(std::regex_search(out, first), out);
  std::regex second("stop reason = watchpoint 1\n    frame #0: 0x4000000000000[0-9a-f]{3} buggy-O0\\.wasm`main at buggy\\.c:\\d+:\\d+\n"
                    "(.*\n){3}-> \\d+ +\t  int sum = add\\(total, counter\\);");
  BOOST_TEST(std::regex_search(out, second), out);
  // LLDB shows the value it last saw and the value now: read, not changed
  // by the first read; changed by counter++ before the second.
  BOOST_TEST(contains(out, "Watchpoint 1 hit:\nold value: 7\nnew value: 7"), out);
  BOOST_TEST(contains(out, "Watchpoint 1 hit:\nold value: 7\nnew value: 8"), out);
  BOOST_TEST(contains(out, "Process 1 exited with status = 0"), out);
  BOOST_TEST(status == 0);
}

// An access watchpoint (Z4, `-w read_write`): the read and the write of
// `counter++`, then main's read, then the exit.
BOOST_AUTO_TEST_CASE(an_access_watchpoint_stops_at_reads_and_writes, *boost::unit_test::precondition(have_lldb)) {
  int status = -1;
  int line = marker_line(programs / "buggy.c", "total_counter");
  std::string out = lldb({"b total_price", "c", "watchpoint set variable -w read_write counter", "breakpoint delete 1",
                          "c", "c", "c", "c"},
                         &status);
  BOOST_TEST(contains(out, "Watchpoint 1: addr = 0x00000db0 size = 4 state = enabled type = rw"), out);
  std::string at_line = "stop reason = watchpoint 1\n[^\n]*\n(.*\n){3}-> ";
  std::regex read(at_line + std::to_string(line) + " +\t  counter\\+\\+;");
  auto n = std::distance(std::sregex_iterator(out.begin(), out.end(), read), std::sregex_iterator());
  BOOST_TEST(n == 2, out);  // its read, its write
  BOOST_TEST(std::regex_search(out, std::regex(at_line + "\\d+ +\t  int sum = add\\(total, counter\\);")), out);
  BOOST_TEST(contains(out, "Watchpoint 1 hit:\nold value: 7\nnew value: 8"), out);  // the write
  BOOST_TEST(contains(out, "Process 1 exited with status = 0"), out);
  BOOST_TEST(status == 0);
}

// `process interrupt` during a continue (LLDB sends 0x03): a SIGINT stop
// in the loop, long before the end of spin-O0's seconds of replay.
BOOST_AUTO_TEST_CASE(process_interrupt_stops_a_continue, *boost::unit_test::precondition(have_lldb)) {
  auto r = tc({"run", (programs / "spin-O0.wasm").string(), "30000000"}, 120);
  BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  int status = -1;
  std::string out = lldb({"script lldb.debugger.SetAsync(True)", "c", "script import time; time.sleep(0.3)",
                          "process interrupt", "script time.sleep(1)", "script lldb.debugger.SetAsync(False)",
                          "thread list", "detach"},
                         &status, "spin-O0.wasm", take_id(r.err));
  BOOST_TEST(std::regex_search(out, std::regex(R"(thread #1: tid = 0x0001, 0x4000000000000[0-9a-f]{3} )"
                                               R"(spin-O0\.wasm`[^\n]+ at spin\.c:\d+(:\d+)?, name = 'spin-O0\.wasm', )"
                                               R"(stop reason = signal SIGINT)")),
             out);
  BOOST_TEST(!contains(out, "exited with status"), out);
  BOOST_TEST(contains(out, "Process 1 detached"), out);
  BOOST_TEST(status == 0);
}

BOOST_AUTO_TEST_SUITE_END()
