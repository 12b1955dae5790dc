// Process metadata and module sidecars through the real CLI: one unusable
// file (valid JSON of the wrong shape, wrong-typed or out-of-range fields)
// is listed as broken and gives a one-line error naming it, while every
// other process and module keeps working.
#define BOOST_TEST_MODULE metadata_e2e_tests
#include <boost/test/unit_test.hpp>

#include "test/cli_fixture.hpp"

using namespace tc::test;

BOOST_FIXTURE_TEST_SUITE(metadata, CliFixture)

BOOST_AUTO_TEST_CASE(a_broken_process_json_breaks_only_its_process) {
  const std::string wasm = (programs / "exit_code.wasm").string();
  auto r1 = tc({"run", wasm}), r2 = tc({"run", wasm});
  std::string good = take_id(r1.err), bad = take_id(r2.err);
  BOOST_REQUIRE_EQUAL(r1.exit_code, 42);
  const std::string original = slurp(process_json(bad));
  for (const char* text : {"[]", "42", "\"x\"", "{\"id\": 5}", "{"}) {
    spit(process_json(bad), text);
    auto ps = tc({"get", "ps"});
    BOOST_TEST(ps.exit_code == 0, text << ": " << ps.err);
    BOOST_TEST(ps.out.find(good) != std::string::npos, text);
    BOOST_TEST(ps.out.find("exited 42") != std::string::npos, ps.out);
    BOOST_TEST(ps.out.find(bad) != std::string::npos, text);
    BOOST_TEST(ps.out.find("broken: process.json") != std::string::npos, ps.out);
    BOOST_TEST(tc({"get", "ps", "-o", "json"}).exit_code == 0, text);
    for (std::vector<std::string> cmd : {std::vector<std::string>{"describe", "process"},
                                         {"logs"}, {"replay", "-q"}, {"profile"}}) {
      auto args = cmd;
      args.push_back(good);
      auto ok = tc(args);
      BOOST_TEST(ok.exit_code == (cmd[0] == "replay" ? 42 : 0), cmd[0] << " " << text << ": " << ok.err);
    }
    for (std::vector<std::string> cmd : {std::vector<std::string>{"describe", "process"},
                                         {"replay", "-q"}, {"profile"}}) {
      auto args = cmd;
      args.push_back(bad);
      auto r = tc(args);
      BOOST_TEST(r.exit_code == 1, cmd[0] << " " << text);
      BOOST_TEST(one_error_line(r), cmd[0] << " " << text << ": " << r.err);
      BOOST_TEST(r.err.find(process_json(bad).string() + ": ") != std::string::npos, r.err);
      BOOST_TEST(r.err.find("json.exception") == std::string::npos, r.err);
    }
  }
  spit(process_json(bad), original);
  BOOST_TEST(tc({"replay", "-q", bad}).exit_code == 42);
}

BOOST_AUTO_TEST_CASE(out_of_range_limits_are_an_error_naming_the_field) {
  auto run = tc({"run", (programs / "exit_code.wasm").string()});
  std::string id = take_id(run.err);
  std::string text = slurp(process_json(id));
  auto at = text.find("\"max_call_depth\": 10000");
  BOOST_REQUIRE(at != std::string::npos);
  spit(process_json(id), text.replace(at, 23, "\"max_call_depth\": 1099511627776"));  // 2^40
  auto rep = tc({"replay", id});
  BOOST_TEST(rep.exit_code == 1);
  BOOST_TEST(one_error_line(rep), rep.err);
  BOOST_TEST(rep.err.find("field \"limits.max_call_depth\" is out of range") != std::string::npos, rep.err);
  auto ps = tc({"get", "ps"});
  BOOST_TEST(ps.exit_code == 0);
  BOOST_TEST(ps.out.find("limits.max_call_depth") != std::string::npos, ps.out);
}

BOOST_AUTO_TEST_CASE(a_broken_module_sidecar_breaks_only_its_module) {
  auto a = tc({"run", (programs / "exit_code.wasm").string()});
  auto b = tc({"run", (programs / "args_env.wasm").string()});
  std::string ida = take_id(a.err), idb = take_id(b.err);
  auto digest_of = [&](const std::string& id) {
    std::string t = slurp(process_json(id));
    auto at = t.find("\"digest\": \"");
    return t.substr(at + 11, 64);
  };
  std::string good = digest_of(ida), bad = digest_of(idb);
  fs::path sidecar = registry / "modules" / "sha256" / (bad + ".json");
  BOOST_REQUIRE(fs::exists(sidecar));
  fs::path out = root / "out.wasm";
  for (const char* text : {"{\"name\": 5, \"created\": \"x\"}", "{\"created\": \"x\"}", "[]", "0"}) {
    spit(sidecar, text);
    auto mods = tc({"get", "mod"});
    BOOST_TEST(mods.exit_code == 0, text << ": " << mods.err);
    BOOST_TEST(mods.out.find("exit_code.wasm") != std::string::npos, mods.out);
    BOOST_TEST(mods.out.find("broken: ") != std::string::npos, mods.out);
    BOOST_TEST(tc({"get", "mod", "-o", "yaml"}).exit_code == 0, text);
    BOOST_TEST(tc({"describe", "module", good}).exit_code == 0, text);
    BOOST_TEST(tc({"export", "module", good, out.string()}).exit_code == 0, text);
    BOOST_TEST(slurp(out) == slurp(programs / "exit_code.wasm"));
    BOOST_TEST(tc({"replay", "-q", ida}).exit_code == 42, text);
    auto d = tc({"describe", "module", bad});
    BOOST_TEST(d.exit_code == 1, text);
    BOOST_TEST(one_error_line(d), d.err);
    BOOST_TEST(d.err.find(sidecar.string() + ": ") != std::string::npos, d.err);
    // The module's bytes are intact: it still replays and exports.
    BOOST_TEST(tc({"replay", "-q", idb}).exit_code == 7, text);
    BOOST_TEST(tc({"export", "module", bad, out.string()}).exit_code == 0, text);
  }
  // Running the module again rewrites its sidecar.
  BOOST_TEST(tc({"run", (programs / "args_env.wasm").string()}).exit_code == 7);
  BOOST_TEST(tc({"describe", "module", bad}).exit_code == 0);
}

BOOST_AUTO_TEST_CASE(arguments_that_are_not_utf8_are_recorded) {
  auto run = tc({"run", (programs / "args_env.wasm").string(), "\xff\xfe"});
  BOOST_TEST(run.exit_code == 7, run.err);
  std::string id = take_id(run.err);
  BOOST_REQUIRE_EQUAL(id.size(), 36u);
  auto rep = tc({"replay", id});
  BOOST_TEST(rep.exit_code == 7);
  BOOST_TEST(rep.out == run.out);
  BOOST_TEST(tc({"describe", "process", id}).exit_code == 0);
  BOOST_TEST(tc({"get", "ps", "-o", "json"}).exit_code == 0);
}

BOOST_AUTO_TEST_SUITE_END()
