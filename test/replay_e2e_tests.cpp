// Record/replay end to end, through the real CLI:
//  - run -> replay gives byte-identical stdout/stderr and the same exit code
//    for programs using args, env, stdin, clocks, random, poll, files,
//    directories, exit codes and traps;
//  - replay needs none of the run's files (the preopened directory is gone)
//    and no network (it runs in a fresh network namespace), and it succeeds
//    in a Landlock sandbox that forbids every file write and TCP connection;
//  - a tampered log (a changed write payload, a dropped record) stops the
//    replay with the divergence error naming the record;
//  - a log cut at many byte offsets, or with flipped bytes, is reported by
//    describe, logs, trace and replay as a one-line error, never a crash.
//
// Paths: $TIMECRAFT_BIN (default bin/timecraft); programs next to this binary.
#define BOOST_TEST_MODULE replay_e2e_tests
#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>

#include "test/wasi_proc.hpp"
#include "trace/log_reader.hpp"
#include "trace/log_writer.hpp"
#include "wasi/call_types.hpp"

namespace fs = std::filesystem;
using tc::test::ProcResult;
using tc::test::run_process;

namespace {

std::string env_or(const char* name, const std::string& dflt) {
  const char* v = std::getenv(name);
  return v && *v ? v : dflt;
}

struct Fixture {
  fs::path root = fs::temp_directory_path() / ("tc_replay_e2e_" + std::to_string(::getpid()));
  fs::path registry = root / "registry";
  std::string bin = fs::absolute(env_or("TIMECRAFT_BIN", "bin/timecraft")).string();
  fs::path programs =
      fs::path(boost::unit_test::framework::master_test_suite().argv[0]).parent_path();
  Fixture() {
    fs::create_directories(root);
    ::setenv("TIMECRAFT_KEY_FILE", (root / "validation.key").c_str(), 1);  // not the user's key
  }
  ~Fixture() { std::error_code ec; fs::remove_all(root, ec); }

  ProcResult tc(std::vector<std::string> args, const std::string& stdin_path = "/dev/null") {
    args.insert(args.begin(), {bin});
    args.insert(args.begin() + 2, {"--registry", registry.string()});
    return run_process(args, 60, stdin_path);
  }
};

// The process id is the first line of a recorded run's stderr.
std::string take_id(std::string& err) {
  auto nl = err.find('\n');
  std::string id = err.substr(0, nl);
  err.erase(0, nl == std::string::npos ? err.size() : nl + 1);
  return id;
}

bool crashed(const ProcResult& r) {
  return r.timed_out || r.exit_code >= 128 && r.exit_code != 134 ||
         r.err.find("Sanitizer") != std::string::npos || r.err.find("terminate") != std::string::npos;
}

bool have_unshare() {
  auto r = run_process({"/usr/bin/unshare", "-n", "/bin/true"}, 10);
  return r.exit_code == 0;
}

std::vector<uint8_t> slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}
void spit(const fs::path& p, const std::vector<uint8_t>& b) {
  std::ofstream(p, std::ios::binary | std::ios::trunc).write(reinterpret_cast<const char*>(b.data()),
                                                            std::streamsize(b.size()));
}

// Rewrites a log through `edit` (which may change or drop records).
template <class Edit>
void rewrite_log(const fs::path& dir, Edit edit) {
  auto reader = tc::trace::LogReader::open(dir.string());
  BOOST_REQUIRE(reader.has_value());
  struct Rec { uint64_t t; uint32_t id; std::vector<uint8_t> payload; };
  std::vector<Rec> recs;
  tc::trace::Record r;
  while (reader->next(r)) recs.push_back({r.time_ns, r.call_id, {r.payload.begin(), r.payload.end()}});
  fs::path tmp = dir.string() + ".new";
  {
    auto w = tc::trace::LogWriter::create(tmp.string());
    BOOST_REQUIRE(w.has_value());
    for (size_t i = 0; i < recs.size(); ++i) {
      if (!edit(i, recs[i].id, recs[i].payload)) continue;
      BOOST_REQUIRE((*w)->append(recs[i].t, recs[i].id, recs[i].payload).has_value());
    }
    BOOST_REQUIRE((*w)->close().has_value());
  }
  fs::remove_all(dir);
  fs::rename(tmp, dir);
}

// Rewrites the log in `dir` record for record (times and flags kept) in
// format version 3, as the previous release wrote it.
void rewrite_as_version_3(const fs::path& dir, tc::trace::Codec codec = tc::trace::Codec::Zstd) {
  auto reader = tc::trace::LogReader::open(dir.string());
  BOOST_REQUIRE(reader.has_value());
  struct Rec { uint64_t t; uint32_t id; bool injected; std::vector<uint8_t> payload; };
  std::vector<Rec> recs;
  tc::trace::Record r;
  while (reader->next(r)) recs.push_back({r.time_ns, r.call_id, r.injected, {r.payload.begin(), r.payload.end()}});
  fs::path tmp = dir.string() + ".v3";
  {
    tc::trace::LogOptions o;
    o.version = 3;
    o.codec = codec;
    auto w = tc::trace::LogWriter::create(tmp.string(), o);
    BOOST_REQUIRE(w.has_value());
    for (const auto& x : recs)
      BOOST_REQUIRE((*w)->append(x.t, x.id, x.payload, x.injected ? tc::trace::kRecordInjected : 0).has_value());
    BOOST_REQUIRE((*w)->close().has_value());
  }
  fs::remove_all(dir);
  fs::rename(tmp, dir);
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(replay, Fixture)

BOOST_AUTO_TEST_CASE(run_then_replay_is_identical_and_side_effect_free) {
  fs::path data = root / "data", input = root / "stdin.txt";
  fs::create_directories(data);
  std::ofstream(input) << "a line of input\nand another\n";
  std::string wasm = (programs / "everything.wasm").string();
  auto run = tc({"run", "--env", "WHO=tester", "--dir", data.string() + ":/data", wasm, "/data"},
                input.string());
  BOOST_TEST_MESSAGE(run.err);
  BOOST_REQUIRE_EQUAL(run.exit_code, 42);
  std::string id = take_id(run.err);
  BOOST_REQUIRE_EQUAL(id.size(), 36u);
  BOOST_TEST(run.out.find("WHO=tester") != std::string::npos);
  BOOST_TEST(run.out.find("stdin: 28 bytes") != std::string::npos);
  BOOST_TEST(run.out.find("after unlink: gone") != std::string::npos);

  // Remove everything the run touched: replay must not need it.
  fs::remove_all(data);
  std::vector<std::string> replay = {"replay", id};
  if (have_unshare()) {
    // No network either: a new, empty network namespace.
    replay = {"/usr/bin/unshare", "-n", bin, "replay", "--registry", registry.string(), id};
    auto rep = run_process(replay, 60);
    BOOST_TEST(rep.exit_code == 42);
    BOOST_TEST(rep.out == run.out);
    BOOST_TEST(rep.err == run.err);
  } else {
    BOOST_TEST_MESSAGE("unshare -n unavailable: replaying without a network namespace");
  }
  // No file access either: a Landlock sandbox where nothing can be written
  // anywhere and only the registry and system directories can be read.
  fs::path sandbox = programs / "sandbox_exec";
  std::vector<std::string> sandboxed = {sandbox.string(), "--ro", registry.string(), "--ro",
                                        fs::path(bin).parent_path().string(), "--",
                                        bin, "replay", "--registry", registry.string(), id};
  auto jailed = run_process(sandboxed, 60);
  if (jailed.exit_code == 125) {
    BOOST_TEST_MESSAGE("Landlock unavailable: " << jailed.err);
  } else {
    BOOST_TEST(jailed.exit_code == 42);
    BOOST_TEST(jailed.out == run.out);
    BOOST_TEST(jailed.err == run.err);
    // The control: the same sandbox stops a recording run (it must write).
    auto control = run_process({sandbox.string(), "--ro", registry.string(), "--ro",
                                fs::path(bin).parent_path().string(), "--ro",
                                programs.string(), "--", bin, "run", "--registry",
                                registry.string(), wasm},
                               60);
    BOOST_TEST(control.exit_code == 1);
    BOOST_TEST(control.err.find("Permission denied") != std::string::npos, control.err);
  }
  auto rep = tc({"replay", id});
  BOOST_TEST(rep.exit_code == 42);
  BOOST_TEST(rep.out == run.out);  // byte-identical, clocks and random included
  BOOST_TEST(rep.err == run.err);
  BOOST_TEST(!fs::exists(data));   // replay created nothing
  auto quiet = tc({"replay", "-q", id});
  BOOST_TEST(quiet.exit_code == 42);
  BOOST_TEST(quiet.out.empty());

  auto logs = tc({"logs", id});
  BOOST_TEST(logs.exit_code == 0);
  BOOST_TEST(logs.out == run.out);
  BOOST_TEST(logs.err == run.err);
  auto tail = tc({"logs", "-n", "2", id});
  // The file holds the "read back" line, whose length depends on the clock.
  size_t rb = run.out.find("read back: ");
  BOOST_REQUIRE(rb != std::string::npos);
  size_t line_len = run.out.find('\n', rb) + 1 - (rb + 11);
  BOOST_TEST(tail.out == "size: " + std::to_string(line_len) + "\nafter unlink: gone\n");
}

BOOST_AUTO_TEST_CASE(every_wasi_test_program_replays) {
  // The WASI end-to-end programs, without their fixtures: each run records,
  // each replay must reproduce stdout, stderr and the exit status.
  int checked = 0;
  for (const auto& e : fs::directory_iterator(programs)) {
    if (e.path().extension() != ".wasm" || e.path().filename() == "everything.wasm") continue;
    auto run = tc({"run", e.path().string(), "x"});
    if (run.err.size() < 36) continue;  // did not start (e.g. needs a preopen): not recorded
    std::string id = take_id(run.err);
    auto rep = tc({"replay", id});
    BOOST_TEST(rep.exit_code == run.exit_code, e.path().filename());
    BOOST_TEST(rep.out == run.out, e.path().filename());
    BOOST_TEST(rep.err == run.err, e.path().filename());
    ++checked;
  }
  BOOST_TEST(checked >= 5);
}

// Logs of the previous format still replay: a run recorded with zlib
// batches (log.compression: zlib), rewritten without clock deltas (version
// 3) and its segments then marked version 2, is byte for byte what the
// previous release wrote. New runs are zstd.
BOOST_AUTO_TEST_CASE(a_version_2_zlib_log_still_replays) {
  fs::path data = root / "data2", input = root / "stdin2.txt", config = root / "config.yaml";
  fs::create_directories(data);
  std::ofstream(input) << "old format\n";
  std::string wasm = (programs / "everything.wasm").string();
  auto codecs = [&](const std::string& id) {
    auto r = tc::trace::LogReader::open((registry / "processes" / id / "log").string());
    BOOST_REQUIRE(r.has_value());
    std::set<uint8_t> seen;
    for (const auto& seg : r->segments())
      for (const auto& b : seg.batches) seen.insert(b.header.codec);
    return seen;
  };
  const char* old = std::getenv("TIMECRAFT_CONFIG");
  std::string saved = old ? old : "";
  ::setenv("TIMECRAFT_CONFIG", (root / "no-config.yaml").c_str(), 1);  // the defaults
  auto fresh = tc({"run", "--dir", data.string() + ":/data", wasm, "/data"}, input.string());
  BOOST_REQUIRE_EQUAL(fresh.exit_code, 42);
  BOOST_TEST((codecs(take_id(fresh.err)) == std::set<uint8_t>{uint8_t(tc::trace::Codec::Zstd)}));

  std::ofstream(config) << "log:\n  compression: zlib\n";
  ::setenv("TIMECRAFT_CONFIG", config.c_str(), 1);
  auto run = tc({"run", "--dir", data.string() + ":/data", wasm, "/data"}, input.string());
  if (old) ::setenv("TIMECRAFT_CONFIG", saved.c_str(), 1);
  else ::unsetenv("TIMECRAFT_CONFIG");
  BOOST_REQUIRE_EQUAL(run.exit_code, 42);
  std::string id = take_id(run.err);
  BOOST_TEST((codecs(id) == std::set<uint8_t>{uint8_t(tc::trace::Codec::Zlib)}));
  rewrite_as_version_3(registry / "processes" / id / "log", tc::trace::Codec::Zlib);
  int segments = 0;
  for (const auto& e : fs::directory_iterator(registry / "processes" / id / "log")) {
    std::fstream f(e.path(), std::ios::in | std::ios::out | std::ios::binary);
    uint32_t v = 2;
    f.seekp(offsetof(tc::trace::SegmentHeader, version));
    f.write(reinterpret_cast<const char*>(&v), sizeof v);
    ++segments;
  }
  BOOST_REQUIRE(segments >= 1);
  auto rep = tc({"replay", id});
  BOOST_TEST(rep.exit_code == 42);
  BOOST_TEST(rep.out == run.out);
  BOOST_TEST(rep.err == run.err);
}

// Log format 4 (clock_time_get results as deltas) shows and replays exactly
// as the same log written in version 3: a run of everything.wasm, rewritten
// record for record as a version 3 log, prints the same trace (text, -v and
// JSON), logs and describe's record, batch and segment counts, and replays
// the same.
BOOST_AUTO_TEST_CASE(a_version_4_log_shows_as_its_version_3_twin) {
  fs::path data = root / "data4", input = root / "stdin4.txt";
  fs::create_directories(data);
  std::ofstream(input) << "clocks and all\n";
  std::string wasm = (programs / "everything.wasm").string();
  auto run = tc({"run", "--dir", data.string() + ":/data", wasm, "/data"}, input.string());
  BOOST_REQUIRE_EQUAL(run.exit_code, 42);
  std::string id = take_id(run.err);
  fs::path log = registry / "processes" / id / "log";
  auto version_and_clocks = [&](size_t& clocks) {
    auto r = tc::trace::LogReader::open(log.string());
    BOOST_REQUIRE(r.has_value());
    tc::trace::Record rec;
    clocks = 0;
    while (r->next(rec)) clocks += rec.call_id == uint32_t(tc::wasi::CallId::clock_time_get);
    return r->segments()[0].version;
  };
  size_t clocks = 0;
  BOOST_REQUIRE_EQUAL(version_and_clocks(clocks), 4u);
  BOOST_REQUIRE(clocks >= 2);
  auto show = [&] {
    std::vector<std::string> out;
    for (auto args : std::vector<std::vector<std::string>>{
             {"trace", id}, {"trace", "-v", id}, {"trace", "-o", "json", id}, {"logs", id}}) {
      auto r = tc(args);
      BOOST_TEST(r.exit_code == 0, args[0] << ": " << r.err);
      out.push_back(r.out + r.err);
    }
    auto d = tc({"describe", "process", id});
    auto at = d.out.find("Records:");
    BOOST_TEST(at != std::string::npos);
    // (Its sizes are the log's real ones, smaller in version 4.)
    std::string line = d.out.substr(at, d.out.find('\n', at) - at);
    out.push_back(line.substr(0, line.find(" segment(s)")));
    auto rep = tc({"replay", id});
    out.push_back(std::to_string(rep.exit_code) + rep.out + rep.err);
    return out;
  };
  auto v4 = show();

  rewrite_as_version_3(log);
  BOOST_REQUIRE_EQUAL(version_and_clocks(clocks), 3u);
  auto v3 = show();
  BOOST_REQUIRE_EQUAL(v3.size(), v4.size());
  for (size_t i = 0; i < v3.size(); ++i) BOOST_TEST(v3[i] == v4[i], "output " << i);
  BOOST_TEST(v4.back().rfind("42", 0) == 0, v4.back());
}

BOOST_AUTO_TEST_CASE(tampered_logs_diverge) {
  std::string wasm = (programs / "everything.wasm").string();
  auto run = tc({"run", "--env", "WHO=x", wasm});
  std::string id = take_id(run.err);
  fs::path log = registry / "processes" / id / "log";

  // A changed write payload: the fd_write of "WHO=x" recorded as "WHO=y".
  // (Changing environ_get's recorded output too would be consistent: the
  // program would then print "WHO=y" and replay fine.)
  rewrite_log(log, [](size_t, uint32_t call, std::vector<uint8_t>& p) {
    if (call != uint32_t(tc::wasi::CallId::fd_write)) return true;
    std::string s(p.begin(), p.end());
    auto at = s.find("WHO=x");
    if (at != std::string::npos) p[at + 4] = 'y';
    return true;
  });
  auto rep = tc({"replay", "-q", id});
  BOOST_TEST_MESSAGE(rep.err);  // the README's example
  BOOST_TEST(rep.exit_code == 3);
  BOOST_TEST(rep.err.find("replay diverged from the log: record ") != std::string::npos, rep.err);
  BOOST_TEST(rep.err.find("fd_write input iovs") != std::string::npos, rep.err);

  // A dropped record (the third): the replay names it and both calls.
  auto run2 = tc({"run", wasm});
  std::string id2 = take_id(run2.err);
  rewrite_log(registry / "processes" / id2 / "log",
              [](size_t i, uint32_t, std::vector<uint8_t>&) { return i != 2; });
  auto rep2 = tc({"replay", "-q", id2});
  BOOST_TEST(rep2.exit_code == 3);
  BOOST_TEST(rep2.err.find("record 2: recorded ") != std::string::npos, rep2.err);
  BOOST_TEST(rep2.err.find(", observed ") != std::string::npos, rep2.err);
}

BOOST_AUTO_TEST_CASE(cut_and_corrupt_logs_are_reported_not_crashed) {
  std::string wasm = (programs / "everything.wasm").string();
  auto run = tc({"run", "--record-batch-size", "2", wasm});
  std::string id = take_id(run.err);
  fs::path seg = registry / "processes" / id / "log" / "log.000000";
  auto full = slurp(seg);
  BOOST_REQUIRE(full.size() > 100);
  int cuts = 0;
  for (size_t cut = 0; cut < full.size(); cut += 1 + full.size() / 60) {
    spit(seg, std::vector<uint8_t>(full.begin(), full.begin() + long(cut)));
    for (const char* cmd : {"describe", "logs", "trace", "replay"}) {
      std::vector<std::string> a = {cmd};
      if (std::string(cmd) == "describe") a.push_back("process");
      if (std::string(cmd) == "replay") a.push_back("-q");
      a.push_back(id);
      auto r = tc(a);
      BOOST_REQUIRE_MESSAGE(!crashed(r), cmd << " crashed at cut " << cut << ": " << r.err);
      if (std::string(cmd) == "replay") {
        // Fewer records than the program needs: a divergence, or an
        // unreadable log; never the program's own exit.
        BOOST_REQUIRE_MESSAGE(r.exit_code == 3 || r.exit_code == 1, "cut " << cut << ": " << r.err);
        BOOST_REQUIRE(!r.err.empty());
      }
    }
    ++cuts;
  }
  std::mt19937 rng(7);
  for (int i = 0; i < 40; ++i) {
    auto bad = full;
    bad[rng() % bad.size()] ^= uint8_t(1 + rng() % 255);
    spit(seg, bad);
    for (const char* cmd : {"logs", "replay"}) {
      auto r = tc({cmd, id});
      BOOST_REQUIRE_MESSAGE(!crashed(r), cmd << " crashed on flipped bytes: " << r.err);
    }
  }
  spit(seg, full);
  BOOST_TEST(tc({"replay", "-q", id}).exit_code == 42);  // intact again: replays
  BOOST_TEST(cuts > 30);
}

// The registry remembers which engine build validated a module; that build
// then only decodes it (run and replay), any other build validates again,
// and a module that fails validation is never stored or marked.
BOOST_AUTO_TEST_CASE(validation_is_remembered_per_build) {
  const fs::path wasm = programs / "exit_code.wasm";
  auto first = tc({"run", wasm.string()});
  std::string id = take_id(first.err);
  auto digest_json = [&] {
    for (const auto& e : fs::directory_iterator(registry / "modules" / "sha256"))
      if (e.path().extension() == ".json") return e.path();
    return fs::path();
  };
  fs::path sidecar = digest_json();
  BOOST_REQUIRE(!sidecar.empty());
  auto text = slurp(sidecar);
  std::string json(text.begin(), text.end());
  auto at = json.find("\"validated_by\": \"");
  BOOST_REQUIRE(at != std::string::npos);
  std::string build = json.substr(at + 17, json.find('"', at + 17) - (at + 17));
  BOOST_TEST(build.size() == 64u, build);  // HMAC-SHA256 of the digest and the GNU build id
  auto again = tc({"run", wasm.string()});
  take_id(again.err);
  BOOST_TEST(again.exit_code == first.exit_code);
  BOOST_TEST(again.out == first.out);
  // Another build's mark: replay validates (and still reproduces the run).
  std::string other = json;
  other.replace(at + 17, build.size(), std::string(64, 'e'));
  spit(sidecar, {other.begin(), other.end()});
  auto rep = tc({"replay", id});
  BOOST_TEST(rep.exit_code == first.exit_code);
  BOOST_TEST(rep.out == first.out);
  // An invalid module: rejected, not stored.
  fs::path bad = root / "invalid.wat";
  std::string wat = "(module (func (result i32) (i64.const 1)))";
  spit(bad, {wat.begin(), wat.end()});
  size_t modules = 0;
  for (const auto& e : fs::directory_iterator(registry / "modules" / "sha256")) modules += !e.path().has_extension();
  auto r = tc({"run", bad.string()});
  BOOST_TEST(r.exit_code == 1);
  BOOST_TEST(r.err.find("type mismatch") != std::string::npos, r.err);
  size_t after = 0;
  for (const auto& e : fs::directory_iterator(registry / "modules" / "sha256")) after += !e.path().has_extension();
  BOOST_TEST(after == modules);
}

// memory64 / multi-memory: WASI reads and writes memory 0, here a 64-bit
// one, while the program also keeps data in a second memory; the run
// records and replays identically.
BOOST_AUTO_TEST_CASE(i64_memory_0_and_a_second_memory_replay) {
  fs::path wat = root / "mem64.wat";
  std::string text = R"((module
    (import "wasi_snapshot_preview1" "fd_write" (func $w (param i32 i32 i32 i32) (result i32)))
    (import "wasi_snapshot_preview1" "random_get" (func $r (param i32 i32) (result i32)))
    (memory (export "memory") i64 1)
    (memory $side 1)
    (data (memory $side) (i32.const 100) "from memory 1\n")
    (func (export "_start")
      (drop (call $r (i32.const 64) (i32.const 8)))
      (memory.copy 0 $side (i64.const 16) (i32.const 100) (i32.const 14))
      (i32.store (i64.const 0) (i32.const 16))
      (i32.store (i64.const 4) (i32.const 14))
      (drop (call $w (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
      (i32.store (i64.const 0) (i32.const 64))
      (i32.store (i64.const 4) (i32.const 8))
      (drop (call $w (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))
  )";
  spit(wat, {text.begin(), text.end()});
  auto run = tc({"run", wat.string()});
  std::string id = take_id(run.err);
  BOOST_REQUIRE_MESSAGE(run.exit_code == 0, run.err);
  BOOST_TEST(run.out.substr(0, 14) == "from memory 1\n");
  BOOST_TEST(run.out.size() == 22u);  // and 8 random bytes
  auto rep = tc({"replay", id});
  BOOST_TEST(rep.exit_code == 0, rep.err);
  BOOST_TEST(rep.out == run.out);
}

BOOST_AUTO_TEST_CASE(bad_ids_get_clear_errors) {
  BOOST_REQUIRE(tc({"run", (programs / "hello-g.wasm").string()}).exit_code == 0);  // the registry exists
  auto r = tc({"replay", "does-not-exist"});
  BOOST_TEST(r.exit_code == 1);
  BOOST_TEST(r.err == "timecraft: error: no process matches \"does-not-exist\"\n");
  auto d = tc({"describe", "module", "zzzz"});
  BOOST_TEST(d.exit_code == 1);
  auto t = tc({"get", "proccess"});
  BOOST_TEST(t.exit_code == 2);
  BOOST_TEST(t.err.find("did you mean \"process\"") != std::string::npos, t.err);
}

BOOST_AUTO_TEST_SUITE_END()
