// An editor-style client of `timecraft debug --listen`: test/dap/attach.mjs
// (the npm package @vscode/debugadapter-testsupport) drives lldb-vscode-16
// over the Debug Adapter Protocol, attached with `gdb-remote` to a replay of
// test/debug/buggy.c (-O0), to a file:line breakpoint and its stack frame.
// Skipped, with the reason, without node, lldb-vscode-16 or test/dap's
// node_modules (scripts/setup.sh installs them all).
#define BOOST_TEST_MODULE dap_e2e_tests
#include <boost/test/unit_test.hpp>

#include "test/gdbremote_server.hpp"

using namespace tc::test;

namespace {

const char* const kNode = "/usr/bin/node";
const char* const kAdapter = "/usr/bin/lldb-vscode-16";
const fs::path kDap = fs::absolute("test/dap");

boost::test_tools::assertion_result have_dap(boost::unit_test::test_unit_id) {
  boost::test_tools::assertion_result r(false);
  if (::access(kNode, X_OK) != 0)
    r.message() << "skipped: node is not installed (scripts/setup.sh installs nodejs)";
  else if (::access(kAdapter, X_OK) != 0)
    r.message() << "skipped: lldb-vscode-16 is not installed (scripts/setup.sh installs lldb-16)";
  else if (!fs::exists(kDap / "node_modules" / "@vscode" / "debugadapter-testsupport"))
    r.message() << "skipped: " << (kDap / "node_modules").string()
                << " is missing (scripts/setup.sh runs npm ci --prefix test/dap)";
  else
    r = true;
  return r;
}

struct Fixture : BuggyRecording {
  // node test/dap/attach.mjs PORT PROGRAM buggy.c LINE against a fresh server.
  ProcResult attach(int line, int* server_status) {
    Server s(bin, id);
    std::string first = s.first_line();
    std::smatch m;
    BOOST_REQUIRE_MESSAGE(std::regex_match(first, m, std::regex(R"(listening on 127\.0\.0\.1:(\d+))")), first);
    auto r = run_process({kNode, (kDap / "attach.mjs").string(), m[1].str(),
                          fs::absolute(programs / "buggy-O0.wasm").string(), "buggy.c", std::to_string(line)},
                         120);
    BOOST_TEST_MESSAGE(r.out + r.err);
    *server_status = s.wait_exit(30);
    return r;
  }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(lldb_vscode16, Fixture)

BOOST_AUTO_TEST_CASE(a_breakpoint_and_the_top_frame_file_line, *boost::unit_test::precondition(have_dap)) {
  int off_line = marker_line(programs / "buggy.c", "discount_off");
  int status = -1;
  auto r = attach(off_line, &status);
  BOOST_TEST(r.exit_code == 0, r.out + r.err);
  // The stackTrace's top frame: buggy.c's path as the DWARF names it, and the line.
  BOOST_TEST(std::regex_match(r.out, std::regex("stopped at /\\S*/buggy\\.c:" + std::to_string(off_line) + "\n")),
             r.out + r.err);
  BOOST_TEST(status == 0);  // lldb-vscode detached on the disconnect
}

// A line without code: lldb-vscode reports the breakpoint unverified, and
// the script says so and fails rather than waiting for a stop.
BOOST_AUTO_TEST_CASE(a_line_without_code_fails_the_script, *boost::unit_test::precondition(have_dap)) {
  int status = -1;
  auto r = attach(1, &status);
  BOOST_TEST(r.exit_code == 1, r.out + r.err);
  BOOST_TEST(contains(r.err, "attach.mjs: breakpoint at buggy.c:1 not verified"), r.out + r.err);
  BOOST_TEST(!contains(r.out, "stopped at"), r.out);
}

BOOST_AUTO_TEST_SUITE_END()
