// The workflow for a flaky program (README: "Debugging a flaky program"):
// flaky.wasm fails when a random byte is odd. Record 20 runs, find the
// failing ones with `get ps --failed`, `diff` a good and a bad one (they
// part at the random_get), replay the bad one's log against the fixed
// build (`replay --module`: where the fix leaves the old path), then clean
// up with `delete` and `prune`.
#define BOOST_TEST_MODULE flaky_workflow_e2e_tests
#include <boost/test/unit_test.hpp>

#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>

#include "test/cli_fixture.hpp"

using namespace tc::test;
using json = nlohmann::json;

namespace {

struct Runs : CliFixture {
  std::vector<std::string> good, bad;  // process ids by outcome

  // At least n runs, and at least `each` good and `each` bad ones.
  void record(int n, size_t each = 1) {
    for (int i = 0; i < n || good.size() < each || bad.size() < each; ++i) {
      BOOST_REQUIRE(i < 200);  // 2^-199: never, unless random_get is broken
      auto r = tc({"run", (programs / "flaky.wasm").string()});
      std::string id = take_id(r.err);
      BOOST_REQUIRE(r.exit_code == 0 || r.exit_code == 1);
      (r.exit_code == 0 ? good : bad).push_back(id);
    }
  }
  static std::set<std::string> lines_of(const std::string& s) {
    std::set<std::string> out;
    std::istringstream in(s);
    for (std::string l; std::getline(in, l);) out.insert(l);
    return out;
  }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(flaky_program, Runs)

BOOST_AUTO_TEST_CASE(get_ps_failed_finds_the_failing_runs) {
  record(20);
  auto failed = tc({"get", "ps", "--failed", "-q"});
  BOOST_TEST(failed.exit_code == 0);
  BOOST_TEST(lines_of(failed.out) == std::set<std::string>(bad.begin(), bad.end()));
  auto ok = tc({"get", "ps", "--status", "exited", "-o", "json"});
  auto j = json::parse(ok.out);
  BOOST_TEST(j.size() == good.size() + bad.size());
  for (const auto& p : j) {
    BOOST_TEST(p["exit_code"].is_number_integer());
    BOOST_TEST(p["start_unix_ns"].is_number_integer());
    BOOST_TEST(p["duration_ns"].is_number_integer());
    BOOST_TEST(p["size"].is_number_integer());
    BOOST_TEST(p["module"]["name"] == "flaky.wasm");
    BOOST_TEST((p["exit_code"] == 1) == (std::find(bad.begin(), bad.end(), p["id"]) != bad.end()));
  }
  // The table: the columns, and a failing run's row.
  auto table = tc({"get", "ps", "--failed"});
  BOOST_TEST(table.out.rfind("PROCESS ID", 0) == 0);
  for (const char* col : {"MODULE", "START", "DURATION", "STATUS", "SIZE"}) BOOST_TEST(contains(table.out, col));
  BOOST_TEST(contains(table.out, bad[0] + "   flaky.wasm"), table.out);
  BOOST_TEST(contains(table.out, "exited 1"));
  BOOST_TEST(!contains(table.out, "exited 0"));
  // Other filters.
  BOOST_TEST(lines(tc({"get", "ps", "-q", "-n", "3"}).out) == 3u);
  BOOST_TEST(lines(tc({"get", "ps", "-q", "--module", "flaky.wasm", "--since", "1h"}).out) == j.size());
  BOOST_TEST(tc({"get", "ps", "-q", "--module", "other.wasm"}).out == "");
  BOOST_TEST(tc({"get", "ps", "-q", "--status", "trapped"}).out == "");
  auto by_size = json::parse(tc({"get", "ps", "--sort", "size", "-o", "json"}).out);
  for (size_t i = 1; i < by_size.size(); ++i) BOOST_TEST(by_size[i - 1]["size"] >= by_size[i]["size"]);
  // Bad values are usage errors naming the option.
  auto bad_status = tc({"get", "ps", "--status", "exitted"});
  BOOST_TEST(bad_status.exit_code == 2);
  BOOST_TEST(contains(bad_status.err, "--status exitted: not a status"), bad_status.err);
  BOOST_TEST(tc({"get", "ps", "--since", "2 hours"}).exit_code == 2);
  BOOST_TEST(tc({"get", "ps", "--sort", "name"}).exit_code == 2);
}

BOOST_AUTO_TEST_CASE(diff_names_the_random_get_where_good_and_bad_part) {
  record(2);
  auto d = tc({"diff", "-o", "json", good[0], bad[0]});
  BOOST_TEST(d.exit_code == 3, d.err);
  auto j = json::parse(d.out);
  BOOST_TEST(j["first_difference"]["call_a"] == "random_get");
  BOOST_TEST(j["first_difference"]["call_b"] == "random_get");
  auto text = tc({"diff", good[0], bad[0]});
  BOOST_TEST(contains(text.out, "first divergence at record " +
                                    std::to_string(j["first_difference"]["index_a"].get<int>()) + " (random_get)"),
             text.out);
}

BOOST_AUTO_TEST_CASE(replay_module_shows_where_the_fix_leaves_the_old_path) {
  record(2);
  std::string fixed = (programs / "flaky_patched.wasm").string();
  // The failing run's log: the fixed build no longer writes the error to
  // stderr, but "ok" to stdout. The divergence names the record, both
  // calls' inputs, and where the new build was (file:line from its DWARF).
  auto r = tc({"replay", "-q", "--module", fixed, bad[0]});
  BOOST_TEST(r.exit_code == 3, r.err);
  BOOST_TEST(std::regex_search(r.err, std::regex("replay diverged from the log: record [0-9]+: fd_write input fd: recorded 2, observed 1")), r.err);
  BOOST_TEST(contains(r.err, "test/replay/flaky.c:"), r.err);
  // A good run's log: the fixed build takes the same path to the end.
  auto g = tc({"replay", "--module", fixed, good[0]});
  BOOST_TEST(g.exit_code == 0, g.err);
  BOOST_TEST(contains(g.err, fixed + " follows the log of process " + good[0] + " to its end ("), g.err);
  BOOST_TEST(contains(g.out, "ok\n"));
  // The build that failed, against the same log, is the recorded one: no news.
  BOOST_TEST(tc({"replay", "-q", "--module", (programs / "flaky.wasm").string(), bad[0]}).exit_code == 1);
  // Not a module, or one that cannot link: one line, exit 1, nothing replayed.
  auto junk = write("junk.wasm", "not wasm");
  r = tc({"replay", "--module", junk.string(), bad[0]});
  BOOST_TEST(r.exit_code == 1);
  BOOST_TEST(one_error_line(r), r.err);
}

BOOST_AUTO_TEST_CASE(delete_and_prune_clean_up) {
  record(6, 2);  // a failure stays after one is deleted
  auto r = tc({"delete", "process", good[0], bad[0]});
  BOOST_TEST(r.exit_code == 0, r.err);
  BOOST_TEST(r.out == "deleted process " + good[0] + "\ndeleted process " + bad[0] + "\n");
  auto left = lines_of(tc({"get", "ps", "-q"}).out);
  BOOST_TEST(left.count(good[0]) == 0u);
  BOOST_TEST(left.count(bad[0]) == 0u);
  BOOST_TEST(!fs::exists(registry / "processes" / good[0]));
  r = tc({"delete", "process", good[0]});
  BOOST_TEST(r.exit_code == 1);
  BOOST_TEST(one_error_line(r), r.err);
  // Prune everything but the failures: the module stays (they use it).
  r = tc({"prune", "--older-than", "0s", "--keep-failed", "--dry-run"});
  BOOST_TEST(r.exit_code == 0, r.err);
  BOOST_TEST(lines_of(tc({"get", "ps", "-q"}).out).size() == good.size() + bad.size() - 2);
  r = tc({"prune", "--older-than", "0s", "--keep-failed"});
  BOOST_TEST(r.exit_code == 0, r.err);
  BOOST_TEST(lines_of(tc({"get", "ps", "-q"}).out) == std::set<std::string>(bad.begin() + 1, bad.end()));
  BOOST_TEST(lines(tc({"get", "mod", "-q"}).out) == 1u);
  BOOST_TEST(tc({"replay", "-q", bad.back()}).exit_code == 1);  // still replays (exit 1, as recorded)
  // Then all of it: the module goes with its last process.
  r = tc({"prune", "--older-than", "0s"});
  BOOST_TEST(r.exit_code == 0, r.err);
  BOOST_TEST(tc({"get", "ps", "-q"}).out == "");
  BOOST_TEST(tc({"get", "mod", "-q"}).out == "");
  BOOST_TEST(tc({"prune"}).exit_code == 2);
  BOOST_TEST(tc({"prune", "--older-than", "soon"}).exit_code == 2);
}

BOOST_AUTO_TEST_SUITE_END()
