// Memory growth under a limited address space, through the real CLI: a
// memory whose range cannot be reserved (ulimit -v) cannot grow, and a
// replay must see the same memory.grow results wherever it runs; a replay
// that cannot have a memory the run had fails instead of behaving
// differently.
#define BOOST_TEST_MODULE memory_cap_e2e_tests
#include <boost/test/unit_test.hpp>

#include "test/cli_fixture.hpp"

using namespace tc::test;

namespace {

// Grows a memory of 1 page (maximum `max`) by 100 pages; prints the outcome.
std::string grow_wat(const std::string& max) {
  return "(module\n"
         "  (import \"wasi_snapshot_preview1\" \"fd_write\"\n"
         "    (func $fd_write (param i32 i32 i32 i32) (result i32)))\n"
         "  (memory (export \"memory\") 1 " + max + ")\n"
         "  (data (i32.const 16) \"grow ok\\n\")\n"
         "  (data (i32.const 24) \"grow failed\\n\")\n"
         "  (func (export \"_start\")\n"
         "    (if (i32.eq (memory.grow (i32.const 100)) (i32.const -1))\n"
         "      (then (i32.store (i32.const 0) (i32.const 24)) (i32.store (i32.const 4) (i32.const 12)))\n"
         "      (else (i32.store (i32.const 0) (i32.const 16)) (i32.store (i32.const 4) (i32.const 8))))\n"
         "    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))\n";
}

// About 3.8 GiB: neither the 8 GiB guarded range nor the 4 GiB of a memory
// without a maximum can be reserved, a few pages can.
const char* const kLimitKiB = "4000000";

struct CapFixture : CliFixture {
  // timecraft ARGS... under `ulimit -v`, with `env` (NAME=VALUE) set.
  ProcResult limited(const std::vector<std::string>& args, const std::string& env = "") {
    std::string cmd = std::string("ulimit -v ") + kLimitKiB + " && exec env " + env + " '" + bin + "'";
    cmd += " " + args[0] + " --registry '" + registry.string() + "'";
    for (size_t i = 1; i < args.size(); ++i) cmd += " '" + args[i] + "'";
    return run_process({"/bin/sh", "-c", cmd}, 60);
  }
  std::string wat(const std::string& max) {
    fs::path p = root / ("grow" + max + ".wat");
    spit(p, grow_wat(max));
    return p.string();
  }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(memory_cap, CapFixture)

BOOST_AUTO_TEST_CASE(a_memory_capped_by_ulimit_is_capped_on_replay) {
  const std::string module = wat("");
  for (const char* env : {"", "TIMECRAFT_GUARD_PAGES=0"}) {
    auto run = limited({"run", module}, env);
    BOOST_TEST(run.exit_code == 0, env << ": " << run.err);
    BOOST_TEST(run.out == "grow failed\n", env);
    std::string id = take_id(run.err);
    BOOST_REQUIRE_EQUAL(id.size(), 36u);
    std::string meta = slurp(process_json(id));
    BOOST_TEST(meta.find("\"capped_memories\": [\n      0\n    ]") != std::string::npos, meta);
    // Without the limit, the memory could grow: it must not.
    auto rep = tc({"replay", id});
    BOOST_TEST(rep.exit_code == 0, env << ": " << rep.err);
    BOOST_TEST(rep.out == run.out, env);
    BOOST_TEST(rep.err == run.err, env);
    // Under it again, and with the other bounds-check mode: the same.
    auto rep2 = limited({"replay", id}, env[0] ? "" : "TIMECRAFT_GUARD_PAGES=0");
    BOOST_TEST(rep2.exit_code == 0, env << ": " << rep2.err);
    BOOST_TEST(rep2.out == run.out, env);
    auto d = tc({"describe", "process", id});
    BOOST_TEST(d.out.find("memory 0 could not grow") != std::string::npos, d.out);
  }
}

BOOST_AUTO_TEST_CASE(a_memory_that_fits_is_not_capped) {
  auto run = limited({"run", wat("200")});  // 200 pages: reserved whole
  BOOST_TEST(run.exit_code == 0, run.err);
  BOOST_TEST(run.out == "grow ok\n");
  std::string id = take_id(run.err);
  BOOST_TEST(slurp(process_json(id)).find("\"capped_memories\": []") != std::string::npos);
  auto rep = tc({"replay", id});
  BOOST_TEST(rep.exit_code == 0, rep.err);
  BOOST_TEST(rep.out == "grow ok\n");
}

BOOST_AUTO_TEST_CASE(a_replay_that_cannot_have_the_runs_memory_fails) {
  auto run = tc({"run", wat("")});  // no limit: grows
  BOOST_TEST(run.exit_code == 0, run.err);
  BOOST_TEST(run.out == "grow ok\n");
  std::string id = take_id(run.err);
  auto rep = limited({"replay", id});
  BOOST_TEST(!crashed(rep), rep.err);
  BOOST_TEST(rep.exit_code == 3, rep.err);  // not "grow failed" and exit 0
  BOOST_TEST(rep.out.empty(), rep.out);
  BOOST_TEST(rep.err.find("memory allocation failed") != std::string::npos, rep.err);
}

BOOST_AUTO_TEST_SUITE_END()
