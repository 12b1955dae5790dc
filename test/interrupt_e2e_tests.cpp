// Runs that end abnormally are recorded as such: SIGINT/SIGTERM end a
// recorded run cleanly (status "interrupted", exit 128 + N, the log whole up
// to there) whether the program computes or blocks in a host call; a
// replay of it stops at the end of its log; a module that cannot link
// leaves no process behind.
#define BOOST_TEST_MODULE interrupt_e2e_tests
#include <boost/test/unit_test.hpp>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <nlohmann/json.hpp>
#include <thread>

#include "test/cli_fixture.hpp"

using namespace tc::test;
using json = nlohmann::json;

namespace {

// Writes "hi\n", then spins forever (no host call: only the engine's
// poll at the loop header can stop it).
const char kSpin[] = R"((module
  (import "wasi_snapshot_preview1" "fd_write" (func $w (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1) (data (i32.const 16) "hi\n")
  (func (export "_start")
    (i32.store (i32.const 0) (i32.const 16)) (i32.store (i32.const 4) (i32.const 3))
    (drop (call $w (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
    (loop $l (br $l))))
)";

// Writes "hi\n", then reads stdin until EOF (blocks in fd_read).
const char kRead[] = R"((module
  (import "wasi_snapshot_preview1" "fd_write" (func $w (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_read" (func $r (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1) (data (i32.const 16) "hi\n")
  (func (export "_start")
    (i32.store (i32.const 0) (i32.const 16)) (i32.store (i32.const 4) (i32.const 3))
    (drop (call $w (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
    (i32.store (i32.const 0) (i32.const 64)) (i32.store (i32.const 4) (i32.const 64))
    (loop $l
      (br_if $l (i32.eqz (call $r (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 8)))))))
)";

// `timecraft run FILE` in the background, stdin a pipe held open; waits
// until the process id is on stderr, then sends `sig`.
struct Background {
  pid_t pid = -1;
  int stdin_w = -1;
  std::string out_path, err_path;
};

Background start(CliFixture& f, const fs::path& module) {
  Background b;
  b.out_path = (f.root / "out.txt").string();
  b.err_path = (f.root / "err.txt").string();
  int p[2];
  BOOST_REQUIRE(::pipe(p) == 0);
  b.pid = ::fork();
  if (b.pid == 0) {
    ::dup2(p[0], 0);
    ::close(p[1]);
    int o = ::open(b.out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int e = ::open(b.err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(o, 1);
    ::dup2(e, 2);
    ::execl(f.bin.c_str(), f.bin.c_str(), "run", module.c_str(), (char*)nullptr);
    ::_exit(127);
  }
  ::close(p[0]);
  b.stdin_w = p[1];
  // The id line on stderr and "hi" on stdout: the program is past its first call.
  for (int i = 0; i < 500 && (slurp(b.out_path) != "hi\n" || !contains(slurp(b.err_path), "\n")); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  std::this_thread::sleep_for(std::chrono::milliseconds(100));  // into the loop or the read
  return b;
}

// The exit status (128 + N for a death by signal N); -1 after 20 s.
int wait_for(Background& b) {
  for (int i = 0; i < 2000; ++i) {
    int st = 0;
    if (::waitpid(b.pid, &st, WNOHANG) == b.pid) {
      ::close(b.stdin_w);
      return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ::kill(b.pid, SIGKILL);
  ::waitpid(b.pid, nullptr, 0);
  ::close(b.stdin_w);
  return -1;
}

// `records`: the host calls in the log; a read the signal cut short is
// one of them (recorded with its EINTR; the program stops as it returns).
void check_interrupted(CliFixture& f, const char* wat, int sig, const std::string& name, int records) {
  auto module = f.write("prog.wat", wat);
  Background b = start(f, module);
  ::kill(b.pid, sig);
  int code = wait_for(b);
  BOOST_TEST(code == 128 + sig);
  std::string err = slurp(b.err_path);
  std::string id = take_id(err);
  BOOST_TEST(err == "timecraft: interrupted by " + name + ": process " + id + " is recorded, " +
                        std::to_string(records) + " host call(s)\n");
  auto meta = json::parse(slurp(f.process_json(id)));
  BOOST_TEST(meta["exit"]["status"] == "interrupted");
  BOOST_TEST(meta["exit"]["code"] == 128 + sig);
  BOOST_TEST(meta["exit"]["message"] == name);
  auto ps = f.tc({"get", "ps"});
  BOOST_TEST(contains(ps.out, "interrupted"), ps.out);
  // The replay stops as the log's last record returns: it neither spins
  // nor blocks, and it is not a divergence.
  auto rep = f.tc({"replay", id}, 20);
  BOOST_TEST(!rep.timed_out);
  BOOST_TEST(rep.exit_code == 128 + sig);
  BOOST_TEST(rep.out == "hi\n");
  BOOST_TEST(contains(rep.err, "timecraft: the log ends at record " + std::to_string(records) + " (the run was interrupted by " + name + ")"),
             rep.err);
  BOOST_TEST(!contains(rep.err, "diverged"), rep.err);
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(interrupted_runs, CliFixture)

BOOST_AUTO_TEST_CASE(sigint_stops_a_computing_program) { check_interrupted(*this, kSpin, SIGINT, "SIGINT", 1); }

BOOST_AUTO_TEST_CASE(sigterm_stops_a_program_blocked_in_a_read) {
  check_interrupted(*this, kRead, SIGTERM, "SIGTERM", 2);
}

// A second signal is not ignored: it kills (for a program that will not stop).
BOOST_AUTO_TEST_CASE(a_second_sigint_kills) {
  auto module = write("prog.wat", kSpin);
  Background b = start(*this, module);
  // Both at once: the first asks to stop; if the run is still there, the second kills it.
  ::kill(b.pid, SIGINT);
  ::kill(b.pid, SIGINT);
  int code = wait_for(b);
  BOOST_TEST((code == 130), code);
}

// SIGKILL leaves no end: while the run lives it is "running" (and cannot be
// deleted); once dead it is "killed", and its replay stops at the end of
// its log with exit status 4, not as a divergence.
BOOST_AUTO_TEST_CASE(a_killed_run_shows_killed_and_replays_to_its_end) {
  auto module = write("prog.wat", kSpin);
  Background b = start(*this, module);
  std::string err = slurp(b.err_path);
  std::string id = take_id(err);
  auto ps = tc({"get", "ps", "-o", "json"});
  BOOST_TEST(contains(ps.out, "\"status\": \"running\""), ps.out);
  auto del = tc({"delete", "process", id});
  BOOST_TEST(del.exit_code == 1);
  BOOST_TEST(del.err == "timecraft: error: process " + id + " is running\n", del.err);
  ::kill(b.pid, SIGKILL);
  BOOST_TEST(wait_for(b) == 128 + SIGKILL);
  ps = tc({"get", "ps"});
  BOOST_TEST(contains(ps.out, "killed"), ps.out);
  BOOST_TEST(tc({"get", "ps", "--failed", "-q"}).out == id + "\n");
  auto d = tc({"describe", "process", id});
  BOOST_TEST(contains(d.out, "Status:   killed"), d.out);
  auto rep = tc({"replay", id}, 20);
  BOOST_TEST(rep.exit_code == 4, rep.err);
  // The one record was still in the unwritten batch when the run died
  // (a batch is written when full or at the end): the log is empty.
  BOOST_TEST(rep.out == "");
  BOOST_TEST(contains(rep.err, "timecraft: the log ends at record 0 (the run was killed)"), rep.err);
  // Dead, it can be deleted.
  BOOST_TEST(tc({"delete", "process", id}).exit_code == 0);
}

// A module that cannot link never runs: no id is printed, nothing is stored.
BOOST_AUTO_TEST_CASE(a_module_that_cannot_link_stores_nothing) {
  auto module = write("unlinkable.wat",
                      "(module (import \"env\" \"nope\" (func)) (func (export \"_start\")))\n");
  auto r = tc({"run", module.string()});
  BOOST_TEST(r.exit_code == 1);
  BOOST_TEST(r.err == "timecraft: error: " + module.string() + ": unknown import env::nope\n");
  BOOST_TEST(tc({"get", "ps", "-q"}).out == "");
  auto typed = write("typed.wat",
                     "(module (import \"wasi_snapshot_preview1\" \"fd_write\" (func (param i32)))"
                     " (func (export \"_start\")))\n");
  r = tc({"run", typed.string()});
  BOOST_TEST(r.exit_code == 1);
  BOOST_TEST(r.err == "timecraft: error: " + typed.string() +
                          ": incompatible import type wasi_snapshot_preview1::fd_write\n");
  BOOST_TEST(tc({"get", "ps", "-q"}).out == "");
}

BOOST_AUTO_TEST_SUITE_END()
