// Process metadata and module sidecars through the real CLI: one unusable
// file (valid JSON of the wrong shape, wrong-typed or out-of-range fields)
// is listed as broken and gives a one-line error naming it, while every
// other process and module keeps working; the engine build and machine a
// run recorded are shown, and a replay elsewhere warns but still runs.
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

// `text` with the value of the first `"key": ` replaced by `value`.
std::string with_field(std::string text, const std::string& key, const std::string& value) {
  auto at = text.find("\"" + key + "\": ");
  BOOST_REQUIRE_MESSAGE(at != std::string::npos, key);
  at += key.size() + 4;
  size_t end = at;
  if (text[at] == '"') end = text.find('"', at + 1) + 1;
  else if (text[at] == '[') end = text.find(']', at) + 1;
  else end = text.find_first_of(",\n}", at);
  return text.replace(at, end - at, value);
}

BOOST_AUTO_TEST_CASE(replay_warns_when_the_build_or_machine_differ) {
  auto run = tc({"run", (programs / "exit_code.wasm").string()});
  std::string id = take_id(run.err);
  const std::string original = slurp(process_json(id));
  BOOST_TEST(original.find("\"build\": \"\"") == std::string::npos, original);  // recorded
  BOOST_TEST(original.find("\"arch\": \"\"") == std::string::npos, original);
  auto d = tc({"describe", "process", id});
  auto build_at = original.find("\"build\": \"") + 10;
  std::string build = original.substr(build_at, original.find('"', build_at) - build_at);
  BOOST_TEST(d.out.find(" " + build + ")\n") != std::string::npos, d.out);  // Runtime: timecraft (VERSION BUILD)
  BOOST_TEST(d.out.find("\nPlatform: ") != std::string::npos, d.out);
  BOOST_TEST(d.out.find("Platform: unknown") == std::string::npos, d.out);

  auto same = tc({"replay", id});
  BOOST_TEST(same.exit_code == 42);
  BOOST_TEST(same.err == run.err);  // no warning
  const char* const warning = "timecraft: warning: ";
  const char* const consequence = ": results may differ (NaN bit patterns, relaxed SIMD)\n";
  struct Edit { const char* key; const char* value; const char* why; };
  const Edit edits[] = {
      {"build", "\"0123abcd\"", "recorded by engine build 0123abcd, this is "},
      {"arch", "\"riscv64\"", "recorded on riscv64"},
      {"cpu_features", "[\"avx512f\"]", "(avx512f), this is "},
  };
  for (const auto& e : edits) {
    spit(process_json(id), with_field(original, e.key, e.value));
    auto rep = tc({"replay", id});
    BOOST_TEST(rep.exit_code == 42, e.key);
    BOOST_TEST(rep.out == run.out, e.key);
    BOOST_TEST(rep.err.rfind(warning, 0) == 0u, rep.err);
    auto nl = rep.err.find('\n');
    BOOST_REQUIRE(nl != std::string::npos);
    std::string line = rep.err.substr(0, nl + 1);
    BOOST_TEST(line.find(e.why) != std::string::npos, line);
    BOOST_TEST(line.find(consequence) == line.size() - std::string(consequence).size(), line);
    BOOST_TEST(rep.err.substr(nl + 1) == run.err, e.key);
  }
  // Metadata from before these fields existed: nothing to compare, no warning.
  std::string old = with_field(with_field(original, "build", "\"\""), "arch", "\"\"");
  spit(process_json(id), old);
  auto rep = tc({"replay", id});
  BOOST_TEST(rep.exit_code == 42);
  BOOST_TEST(rep.err == run.err);
  auto d2 = tc({"describe", "process", id});
  BOOST_TEST(d2.out.find("\nPlatform: unknown") != std::string::npos, d2.out);
  BOOST_TEST(d2.out.find(" " + build + ")") == std::string::npos, d2.out);  // no build: none shown
}

BOOST_AUTO_TEST_SUITE_END()
