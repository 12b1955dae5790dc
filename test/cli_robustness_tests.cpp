// Bad input on the command line never crashes or misbehaves silently:
//  - every number an option takes is range-checked (a usage error, exit 2,
//    naming the option), and so are the config file's sizes;
//  - `wast` with a path that names no script is an error.
#define BOOST_TEST_MODULE cli_robustness_tests
#include <boost/test/unit_test.hpp>

#include <csignal>

#include "test/cli_fixture.hpp"

namespace fs = std::filesystem;
using namespace tc::test;

namespace {

const char kStart[] = "(module (func (export \"_start\")))\n";

struct Fixture : CliFixture {
  Fixture() { std::signal(SIGPIPE, SIG_IGN); }  // a FIFO reader that stops is not our death
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(numbers, Fixture)

BOOST_AUTO_TEST_CASE(run_rejects_out_of_range_numbers) {
  auto mod = write("start.wat", kStart).string();
  const std::vector<std::vector<std::string>> cases = {
      {"--max-call-depth", "-1"},          {"--max-call-depth", "99999999999"},
      {"--max-call-depth", "0"},           {"--max-call-depth", "16777217"},
      {"--max-call-depth", "12abc"},       {"--max-call-depth=-1"},
      {"--max-memory-pages", "70000"},     {"--max-memory-pages", "65537"},
      {"--max-memory-pages", "-1"},        {"--record-batch-size", "0"},
      {"--record-batch-size", "1000001"},  {"--record-batch-size", "99999999999999999999"},
      {"--record-batch-size", "-1"},       {"--listen", "127.0.0.1:99999"},
      {"--listen", "127.0.0.1:65536"},     {"--listen", "host:abc"},
      {"--listen", "127.0.0.1:-1"},        {"--listen", "127.0.0.1"},
  };
  for (const auto& c : cases) {
    std::vector<std::string> args = {"run", "--no-record"};
    args.insert(args.end(), c.begin(), c.end());
    args.push_back(mod);
    auto r = tc(args);
    std::string option = c[0].substr(0, c[0].find('='));
    BOOST_TEST_CONTEXT(c[0] << " " << (c.size() > 1 ? c[1] : "")) {
      BOOST_TEST(r.exit_code == 2);
      BOOST_TEST(r.err.rfind("timecraft run: " + option, 0) == 0, r.err);
      BOOST_TEST(lines(r.err) == 2u, r.err);  // the message, then "Run 'timecraft help run'"
    }
  }
}

BOOST_AUTO_TEST_CASE(run_accepts_numbers_at_the_limits) {
  auto mod = write("start.wat", kStart).string();
  auto r = tc({"run", "--no-record", "--max-call-depth", "16777216", "--max-memory-pages", "65536",
               "--record-batch-size", "1000000", mod});
  BOOST_TEST(r.exit_code == 0, r.err);
  r = tc({"run", "--no-record", "--max-call-depth", "1", "--max-memory-pages", "0",
          "--record-batch-size", "1", "--listen", "127.0.0.1:0", mod});
  BOOST_TEST(r.exit_code == 0, r.err);
}

BOOST_AUTO_TEST_CASE(wast_rejects_out_of_range_call_depth) {
  auto script = write("ok.wast", kStart).string();
  for (std::string bad : {"-1", "0", "99999999999"}) {
    auto r = tc({"wast", "--max-call-depth", bad, script});
    BOOST_TEST(r.exit_code == 2);
    BOOST_TEST(r.err.rfind("timecraft wast: --max-call-depth: \"" + bad + "\"", 0) == 0, r.err);
  }
  BOOST_TEST(tc({"wast", "--max-call-depth", "16777216", script}).exit_code == 0);
}

BOOST_AUTO_TEST_CASE(config_rejects_out_of_range_sizes) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"log:\n  batch-size: -1\n", "log.batch-size"},
      {"log:\n  batch-size: 0\n", "log.batch-size"},
      {"log:\n  batch-size: 1000001\n", "log.batch-size"},
      {"log:\n  batch-size: 99999999999999999999\n", "log.batch-size"},
      {"log:\n  segment-size: -1\n", "log.segment-size"},
      {"log:\n  segment-size: 1k\n", "log.segment-size"},
      {"log:\n  segment-size: 2TiB\n", "log.segment-size"},
      {"log:\n  segment-size: 17179869185GiB\n", "log.segment-size"},  // wrapped to 1GiB before
      {"log:\n  segment-size: 18446744073709551615\n", "log.segment-size"},
      {"module:\n  max-size: 0\n", "module.max-size"},
      {"module:\n  max-size: -1\n", "module.max-size"},
      {"module:\n  max-size: 2TiB\n", "module.max-size"},
      {"module:\n  max-size: lots\n", "module.max-size"},
  };
  for (const auto& [text, key] : cases) {
    write("config.yaml", text);
    BOOST_TEST_CONTEXT(text) {
      auto r = tc({"config"});
      BOOST_TEST(r.exit_code == 1);
      BOOST_TEST(r.err.rfind("timecraft: error: " + config.string() + ":2: " + key, 0) == 0, r.err);
      BOOST_TEST(lines(r.err) == 1u, r.err);
    }
  }
}

BOOST_AUTO_TEST_CASE(config_shows_the_module_size_limit) {
  auto r = tc({"config"});
  BOOST_TEST(r.exit_code == 0);
  BOOST_TEST(contains(r.out, "module:\n  max-size: 1GiB\n"), r.out);
  write("config.yaml", "module:\n  max-size: 3MiB\nlog:\n  segment-size: 1TiB\n");
  r = tc({"config"});
  BOOST_TEST(contains(r.out, "module:\n  max-size: 3MiB\n"), r.out);
  BOOST_TEST(contains(r.out, "segment-size: 1TiB\n"), r.out);
  r = tc({"get", "config", "-o", "json"});
  BOOST_TEST(contains(r.out, "\"max-size\": 3145728"), r.out);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_FIXTURE_TEST_SUITE(wast_paths, Fixture)

BOOST_AUTO_TEST_CASE(a_path_without_scripts_is_an_error) {
  fs::create_directories(root / "empty");
  write("empty/notes.txt", "not a script\n");
  for (std::string p : {(root / "nonexistent").string(), (root / "empty").string()}) {
    auto r = tc({"wast", p});
    BOOST_TEST_CONTEXT(p) {
      BOOST_TEST(r.exit_code == 1);
      BOOST_TEST(r.err.rfind("timecraft: error: " + p + ": ", 0) == 0, r.err);
      BOOST_TEST(lines(r.err) == 1u, r.err);
      BOOST_TEST(!contains(r.out, "0 files"), r.out);
    }
  }
  // Even next to a good script.
  auto good = write("ok.wast", kStart).string();
  BOOST_TEST(tc({"wast", good, (root / "empty").string()}).exit_code == 1);
  BOOST_TEST(tc({"wast", good}).exit_code == 0);
}

BOOST_AUTO_TEST_SUITE_END()
