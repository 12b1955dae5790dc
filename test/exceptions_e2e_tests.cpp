// Exception handling end to end, through the real CLI:
//  - test/exn/unwind.wat throws across several frames with handlers in
//    between (try_table and the legacy try), keeps an exnref and raises it
//    again, unwinds 1000 frames at once and throws 10000 times in a loop:
//    `timecraft run` prints the results, every tier prints the same, and
//    the replay is byte-identical;
//  - an uncaught exception ends the run like a trap (exit 134, a one-line
//    error and the backtrace), and replays the same;
//  - pandoc 3.10 (npm package pandoc-wasm, built with GHC's wasm backend,
//    which uses exception handling): --version and markdown to HTML (from
//    stdin, and from a file in a --dir preopen) give what Node gives (its
//    own WASI for _start, and the package's glue, src/core.js, for the
//    conversion), and replay identically. Skipped, with the reason,
//    without node or test/pandoc's node_modules (scripts/setup.sh runs
//    npm ci --prefix test/pandoc).
#define BOOST_TEST_MODULE exceptions_e2e_tests
#include <boost/test/unit_test.hpp>

#include "test/cli_fixture.hpp"

using namespace tc::test;

namespace {

const char* const kNode = "/usr/bin/node";
const fs::path kPandocDir = fs::absolute("test/pandoc");
const fs::path kPandoc = kPandocDir / "node_modules" / "pandoc-wasm" / "src" / "pandoc.wasm";
const fs::path kUnwind = fs::absolute("test/exn/unwind.wat");

boost::test_tools::assertion_result have_pandoc(boost::unit_test::test_unit_id) {
  boost::test_tools::assertion_result r(false);
  if (::access(kNode, X_OK) != 0)
    r.message() << "skipped: node is not installed (scripts/setup.sh installs nodejs)";
  else if (!fs::exists(kPandoc))
    r.message() << "skipped: " << kPandoc.string()
                << " is missing (scripts/setup.sh runs npm ci --prefix test/pandoc)";
  else
    r = true;
  return r;
}

struct Fixture : CliFixture {
  // Replays `id` and checks it reproduces `run` exactly.
  void replays_identically(const std::string& id, const ProcResult& run, int timeout = 120) {
    auto rep = tc({"replay", id}, timeout);
    BOOST_TEST(rep.exit_code == run.exit_code);
    BOOST_TEST(rep.out == run.out);
    BOOST_TEST(rep.err == run.err);
  }
  // node ARGS..., stdout only (Node's ExperimentalWarning goes to stderr).
  ProcResult node(std::vector<std::string> args, const std::string& stdin_path = "/dev/null") {
    args.insert(args.begin(), kNode);
    auto r = run_process(args, 120, stdin_path);
    BOOST_TEST_MESSAGE("node: " << r.err);
    return r;
  }
};

const char* const kMarkdown =
    "# Exceptions *in* pandoc\n\n"
    "Some `code`, a [link](https://example.org) and a footnote.[^1]\n\n"
    "- one\n- two\n\n"
    "| a | b |\n|---|---|\n| 1 | 2 |\n\n"
    "[^1]: The note.\n";

}  // namespace

BOOST_FIXTURE_TEST_SUITE(unwind_wat, Fixture)

BOOST_AUTO_TEST_CASE(throws_across_frames_are_caught_in_between_and_replay) {
  auto run = tc({"run", kUnwind.string()});
  BOOST_TEST_MESSAGE(run.err);
  BOOST_REQUIRE_EQUAL(run.exit_code, 0);
  std::string id = take_id(run.err);
  BOOST_REQUIRE_EQUAL(id.size(), 36u);
  BOOST_TEST(run.out ==
             "outer 17\n"           // 5 * 2 caught two frames down, + 7
             "legacy 112\n"         // try/catch: 6 * 2 + 100
             "rethrow 42\n"         // catch_all + rethrow 0, caught outside
             "stash 66\n"           // catch_all_ref kept in a global, throw_ref later
             "deep 5\n"             // 1000 frames unwound at once
             "loop 100010000\n"     // 10000 throws: sum of 2n
             "other 43\n");         // (i64, i32) payload with catch_ref
  BOOST_TEST(run.err.empty());
  replays_identically(id, run);
}

BOOST_AUTO_TEST_CASE(every_tier_prints_the_same) {
  auto fast = tc({"run", kUnwind.string()});
  BOOST_REQUIRE_EQUAL(fast.exit_code, 0);
  for (const char* tier : {"exact", "switch"}) {
    ::setenv("TIMECRAFT_TIER", tier, 1);
    auto r = tc({"run", kUnwind.string()});
    ::unsetenv("TIMECRAFT_TIER");
    BOOST_TEST(r.exit_code == 0, tier);
    BOOST_TEST(r.out == fast.out, tier);
  }
}

BOOST_AUTO_TEST_CASE(an_uncaught_exception_ends_the_run_like_a_trap) {
  // $middle's handler is for another tag: the throw passes it.
  auto wat = write("uncaught.wat", R"((module
    (tag $e (param i32))
    (tag $other)
    (func $inner (throw $e (i32.const 3)))
    (func $middle
      (block $h
        (try_table (catch $other $h) (call $inner))))
    (func (export "_start") (call $middle))))");
  auto run = tc({"run", wat.string()});
  BOOST_REQUIRE_EQUAL(run.exit_code, 134);
  std::string id = take_id(run.err);
  BOOST_TEST(run.err.find("timecraft: exception: uncaught exception\n") == 0, run.err);
  // The backtrace starts at the throw: nothing was unwound.
  BOOST_TEST(run.err.find("  0: inner+") != std::string::npos, run.err);
  BOOST_TEST(run.err.find("  1: middle+") != std::string::npos, run.err);
  replays_identically(id, run);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_FIXTURE_TEST_SUITE(pandoc, Fixture)

BOOST_AUTO_TEST_CASE(version_matches_node_and_replays, *boost::unit_test::precondition(have_pandoc)) {
  fs::create_directories(root / "docs");
  auto run = tc({"run", "--dir", (root / "docs").string() + ":/", kPandoc.string(), "--version"}, 300);
  BOOST_REQUIRE_EQUAL(run.exit_code, 0);
  std::string id = take_id(run.err);
  BOOST_TEST(run.out.rfind("pandoc 3.10\n", 0) == 0, run.out);
  auto ref = node({(kPandocDir / "wasi-run.mjs").string(), kPandoc.string(), (root / "docs").string(),
                   "--version"});
  BOOST_REQUIRE_EQUAL(ref.exit_code, 0);
  BOOST_TEST(run.out == ref.out);
  replays_identically(id, run, 300);
}

BOOST_AUTO_TEST_CASE(markdown_file_to_html_matches_the_glue_and_replays,
                     *boost::unit_test::precondition(have_pandoc)) {
  fs::path docs = root / "docs";
  fs::create_directories(docs);
  std::ofstream(docs / "in.md") << kMarkdown;
  auto run = tc({"run", "--dir", docs.string() + ":/", kPandoc.string(), "-f", "markdown", "-t", "html",
                 "/in.md"},
                300);
  BOOST_TEST_MESSAGE(run.err);
  BOOST_REQUIRE_EQUAL(run.exit_code, 0);
  std::string id = take_id(run.err);
  BOOST_TEST(run.out.find("<h1 id=\"exceptions-in-pandoc\">Exceptions <em>in</em> pandoc</h1>") !=
             std::string::npos, run.out);
  BOOST_TEST(run.out.find("<table>") != std::string::npos);
  BOOST_TEST(run.out.find("footnote") != std::string::npos);
  // The package's own glue under Node, converting the same text.
  auto ref = node({(kPandocDir / "convert.mjs").string(), R"({"from":"markdown","to":"html"})"},
                  (docs / "in.md").string());
  BOOST_REQUIRE_EQUAL(ref.exit_code, 0);
  BOOST_TEST(run.out == ref.out);
  // The replay reads nothing: the input is gone.
  fs::remove_all(docs);
  replays_identically(id, run, 300);
}

BOOST_AUTO_TEST_CASE(markdown_stdin_to_html_matches_the_glue_and_replays,
                     *boost::unit_test::precondition(have_pandoc)) {
  fs::create_directories(root / "docs");
  auto input = write("in.md", kMarkdown);
  auto run = tc({"run", "--dir", (root / "docs").string() + ":/", kPandoc.string(), "-t", "html"}, 300,
                input.string());
  BOOST_REQUIRE_EQUAL(run.exit_code, 0);
  std::string id = take_id(run.err);
  auto ref = node({(kPandocDir / "convert.mjs").string(), R"({"from":"markdown","to":"html"})"},
                  input.string());
  BOOST_REQUIRE_EQUAL(ref.exit_code, 0);
  BOOST_TEST(!run.out.empty());
  BOOST_TEST(run.out == ref.out);
  replays_identically(id, run, 300);
}

BOOST_AUTO_TEST_SUITE_END()
