// End to end: two local registries (two "machines", A and B) sharing one
// prefix of a bucket on the radosgw that scripts/test.sh starts
// (TIMECRAFT_TEST_S3_*; skipped, with the reason counted, without one).
// Runs record on one machine and replay on the other through bin/timecraft
// (run uploads, push, pull, get ps --remote, replay/trace pulling), and the
// failures (a wrong key, a dead endpoint, a corrupt object) must be one
// line, a non-zero exit, and leave the local registry as it was.
#define BOOST_TEST_MODULE remote_registry_e2e
#include <boost/test/unit_test.hpp>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <signal.h>
#include <sys/wait.h>

#include <atomic>
#include <set>
#include <thread>

#include "registry/process_meta.hpp"
#include "registry/process_summary.hpp"
#include "registry/remote_index.hpp"
#include "registry/s3/s3_store.hpp"
#include "test/cli_fixture.hpp"
#include "test/gdbremote_server.hpp"
#include "test/tiny_disk.hpp"

using namespace tc::test;
using namespace tc::registry;

namespace {

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

boost::test_tools::assertion_result have_s3(boost::unit_test::test_unit_id) {
  boost::test_tools::assertion_result r(false);
  if (env("TIMECRAFT_TEST_S3_ENDPOINT").empty())
    r.message() << "skipped: no S3 server (TIMECRAFT_TEST_S3_ENDPOINT unset: scripts/test.sh starts "
                   "one with scripts/s3-server.sh"
                << (env("TIMECRAFT_TEST_S3_SKIP_REASON").empty() ? "" : "; it said: " + env("TIMECRAFT_TEST_S3_SKIP_REASON"))
                << ")";
  else
    r = true;
  return r;
}

const std::string kBucket = "tc-remote-e2e";

std::unique_ptr<s3::S3Store> direct(const std::string& prefix) {
  s3::ClientOptions o;
  o.endpoint = env("TIMECRAFT_TEST_S3_ENDPOINT");
  o.credentials.access_key = env("TIMECRAFT_TEST_S3_ACCESS_KEY");
  o.credentials.secret_key = env("TIMECRAFT_TEST_S3_SECRET_KEY");
  auto s = s3::S3Store::open("s3://" + kBucket + "/" + prefix, o);
  BOOST_REQUIRE_MESSAGE(bool(s), (s ? std::string() : s.error().to_string()));
  return std::move(*s);
}

struct Machine {
  fs::path dir, registry, config;
};

struct RemoteFixture : CliFixture {
  std::string prefix = "e2e-" + std::to_string(::getpid()) + "-" +
                       boost::unit_test::framework::current_test_case().p_name.get();
  std::string url = "s3://" + kBucket + "/" + prefix;
  Machine a = machine("a"), b = machine("b");

  RemoteFixture() {
    ::setenv("AWS_ACCESS_KEY_ID", env("TIMECRAFT_TEST_S3_ACCESS_KEY").c_str(), 1);
    ::setenv("AWS_SECRET_ACCESS_KEY", env("TIMECRAFT_TEST_S3_SECRET_KEY").c_str(), 1);
    ::unsetenv("TIMECRAFT_REMOTE");
    ::unsetenv("TIMECRAFT_REMOTE_ENDPOINT");
    static bool made = false;
    if (!made) {
      s3::ClientOptions o;
      o.endpoint = env("TIMECRAFT_TEST_S3_ENDPOINT");
      o.credentials.access_key = env("TIMECRAFT_TEST_S3_ACCESS_KEY");
      o.credentials.secret_key = env("TIMECRAFT_TEST_S3_SECRET_KEY");
      s3::Client c(o);
      auto r = c.create_bucket(kBucket);
      BOOST_REQUIRE_MESSAGE(bool(r), (r ? std::string() : r.error().to_string()));
      made = true;
    }
  }

  Machine machine(const std::string& name) {
    Machine m{root / name, root / name / "registry", root / name / "config.yaml"};
    fs::create_directories(m.dir);
    configure(m, env("TIMECRAFT_TEST_S3_ENDPOINT"));
    return m;
  }
  void configure(const Machine& m, const std::string& endpoint) {
    std::ofstream(m.config) << "registry:\n  root: " << m.registry.string() << "\n  remote: " << url
                            << "\n  endpoint: " << endpoint << "\n  region: us-east-1\n";
  }
  // bin/timecraft ARGS... as machine m (its registry and config).
  ProcResult on(const Machine& m, std::vector<std::string> args, std::vector<std::string> extra_env = {}) {
    std::vector<std::string> argv = {"/usr/bin/env", "TIMECRAFT_CONFIG=" + m.config.string(),
                                     "TIMECRAFT_REGISTRY=" + m.registry.string()};
    argv.insert(argv.end(), extra_env.begin(), extra_env.end());
    argv.push_back(bin);
    argv.insert(argv.end(), args.begin(), args.end());
    return run_process(argv, 120);
  }
  std::string program(const std::string& name) const { return (programs / name).string(); }
  // A recorded run on m (uploaded when it ends): its id and output.
  std::string record(const Machine& m, const std::string& wasm, std::string* out = nullptr) {
    auto r = on(m, {"run", program(wasm)});
    BOOST_REQUIRE_MESSAGE(!crashed(r), r.err);
    std::string id = take_id(r.err);
    BOOST_REQUIRE_MESSAGE(id.size() == 36, "no process id: " + id + r.err);
    BOOST_TEST(!contains(r.err, "not uploaded"), r.err);
    if (out) *out = r.out;
    return id;
  }
};

// `bin/timecraft run MODULE` as machine m in the background, stdin from
// `in` (-1: /dev/null), stderr to err_path: its pid.
pid_t spawn_run(const std::string& bin, const Machine& m, const std::string& module, const std::string& err_path,
                int in = -1) {
  pid_t pid = ::fork();
  if (pid == 0) {
    ::setenv("TIMECRAFT_CONFIG", m.config.c_str(), 1);
    ::setenv("TIMECRAFT_REGISTRY", m.registry.c_str(), 1);
    ::dup2(in >= 0 ? in : ::open("/dev/null", O_RDONLY), 0);
    int o = ::open("/dev/null", O_WRONLY);
    int e = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(o, 1);
    ::dup2(e, 2);
    ::execl(bin.c_str(), bin.c_str(), "run", module.c_str(), (char*)nullptr);
    ::_exit(127);
  }
  return pid;
}

// The first line of the file at err_path (the process id), waiting for it.
std::string id_from(const std::string& err_path) {
  for (int i = 0; i < 3000; ++i) {
    std::string err = slurp(err_path);
    if (err.find('\n') != std::string::npos) return err.substr(0, err.find('\n'));
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return "";
}

bool still_running(pid_t pid) { return ::waitpid(pid, nullptr, WNOHANG) == 0; }

// A TCP forwarder from a port of its own to the S3 server: stop() closes
// it and every connection through it, as if the server had stopped.
struct Forwarder {
  int listener = -1, port = 0;
  std::atomic<bool> stopping{false};
  std::thread thread;
  explicit Forwarder(const std::string& endpoint) {
    int target = std::stoi(endpoint.substr(endpoint.rfind(':') + 1));
    listener = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    BOOST_REQUIRE(::bind(listener, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    BOOST_REQUIRE(::listen(listener, 64) == 0);
    BOOST_REQUIRE(::getsockname(listener, reinterpret_cast<sockaddr*>(&a), &len) == 0);
    port = ntohs(a.sin_port);
    thread = std::thread([this, target] {
      std::vector<std::pair<int, int>> pairs;  // client, server
      while (!stopping) {
        std::vector<pollfd> fds{{listener, POLLIN, 0}};
        for (auto [c, sv] : pairs) fds.push_back({c, POLLIN, 0}), fds.push_back({sv, POLLIN, 0});
        if (::poll(fds.data(), fds.size(), 50) <= 0) continue;
        if (fds[0].revents & POLLIN) {
          int c = ::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC);
          int sv = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
          sockaddr_in t{};
          t.sin_family = AF_INET;
          t.sin_port = htons(uint16_t(target));
          t.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
          if (c >= 0 && ::connect(sv, reinterpret_cast<sockaddr*>(&t), sizeof t) == 0) {
            pairs.push_back({c, sv});
          } else {
            if (c >= 0) ::close(c);
            ::close(sv);
          }
        }
        std::vector<std::pair<int, int>> kept;
        for (size_t i = 0; i < pairs.size(); ++i) {
          bool open = true;
          for (int k = 0; k < 2 && open; ++k) {
            const pollfd& f = fds[1 + 2 * i + size_t(k)];
            if (!(f.revents & (POLLIN | POLLHUP | POLLERR))) continue;
            char buf[65536];
            ssize_t n = ::recv(f.fd, buf, sizeof buf, 0);
            int to = k == 0 ? pairs[i].second : pairs[i].first;
            open = n > 0 && ::send(to, buf, size_t(n), MSG_NOSIGNAL) == n;
          }
          if (open) kept.push_back(pairs[i]);
          else ::close(pairs[i].first), ::close(pairs[i].second);
        }
        pairs.swap(kept);
      }
      for (auto [c, sv] : pairs) ::close(c), ::close(sv);
    });
  }
  std::string endpoint() const { return "http://127.0.0.1:" + std::to_string(port); }
  void stop() {
    if (stopping.exchange(true)) return;
    thread.join();
    ::close(listener);
  }
  ~Forwarder() { stop(); }
};

std::set<std::string> ids_of(const std::string& quiet_listing) {
  std::set<std::string> ids;
  std::istringstream in(quiet_listing);
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) ids.insert(line);
  return ids;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(remote, *boost::unit_test::precondition(have_s3))

BOOST_FIXTURE_TEST_CASE(a_run_on_a_replays_on_b_byte_identical, RemoteFixture) {
  std::string out_a;
  std::string id = record(a, "clocks_random.wasm", &out_a);
  BOOST_REQUIRE(!out_a.empty());
  auto trace_a = on(a, {"trace", id});
  BOOST_REQUIRE_EQUAL(trace_a.exit_code, 0);

  auto listed = on(b, {"get", "ps", "--remote", "-q"});
  BOOST_TEST(listed.exit_code == 0, listed.err);
  BOOST_TEST(ids_of(listed.out).count(id) == 1u, listed.out);

  auto replay_b = on(b, {"replay", id.substr(0, 8)});  // only the remote has it: pulled
  BOOST_TEST(replay_b.exit_code == 0, replay_b.err);
  BOOST_TEST(contains(replay_b.err, "pulled process " + id), replay_b.err);
  BOOST_TEST(replay_b.out == out_a);
  // logs on a third machine pulls it too, and shows what A's run printed.
  Machine c = machine("c");
  auto logs_c = on(c, {"logs", id});
  BOOST_TEST(logs_c.exit_code == 0, logs_c.err);
  BOOST_TEST(contains(logs_c.err, "pulled process " + id), logs_c.err);
  BOOST_TEST(contains(logs_c.out, out_a.substr(0, out_a.find('\n'))), logs_c.out);
  // So do profile and debug, each on a machine of its own.
  Machine d = machine("d"), e = machine("e");
  auto prof = on(d, {"profile", id});
  BOOST_TEST(prof.exit_code == 0, prof.err);
  BOOST_TEST(contains(prof.err, "pulled process " + id), prof.err);
  BOOST_TEST(contains(prof.out, "SELF INSTR"), prof.out);
  auto script = write("cont.txt", "continue\n");
  auto dbg = on(e, {"debug", id, "--batch", "-x", script.string()});
  BOOST_TEST(dbg.exit_code == 0, dbg.err);
  BOOST_TEST(contains(dbg.out, "exited normally"), dbg.out);
  auto trace_b = on(b, {"trace", id});
  BOOST_TEST(trace_b.exit_code == 0, trace_b.err);
  BOOST_TEST(trace_b.out == trace_a.out);
  // A's validation mark never leaves A: the remote sidecar has none.
  auto store = direct(prefix);
  auto sidecars = store->list("modules/sha256/");
  BOOST_REQUIRE(sidecars);
  int seen = 0;
  for (const auto& o : *sidecars)
    if (o.key.size() > 5 && o.key.substr(o.key.size() - 5) == ".json") {
      auto text = store->get(o.key);
      BOOST_REQUIRE(text && *text);
      BOOST_TEST(!contains(std::string((*text)->begin(), (*text)->end()), "validated_by"));
      ++seen;
    }
  BOOST_TEST(seen == 1);
}

BOOST_FIXTURE_TEST_CASE(push_and_pull_then_replay_offline_from_the_cache, RemoteFixture) {
  // A records without a remote, pushes later with --remote.
  std::ofstream(a.config) << "registry:\n  root: " << a.registry.string() << "\n";
  std::string out_a;
  std::string id = record(a, "clocks_random.wasm", &out_a);
  BOOST_TEST(on(b, {"get", "ps", "--remote", "-q"}).out.empty());  // nothing there yet
  auto push = on(a, {"push", id.substr(0, 6), "--remote", url},
                 {"TIMECRAFT_REMOTE_ENDPOINT=" + env("TIMECRAFT_TEST_S3_ENDPOINT")});
  BOOST_TEST(push.exit_code == 0, push.err);
  BOOST_TEST(contains(push.out, "pushed process " + id + " to " + url), push.out);
  auto again = on(a, {"push", id, "--remote", url},
                  {"TIMECRAFT_REMOTE_ENDPOINT=" + env("TIMECRAFT_TEST_S3_ENDPOINT")});
  BOOST_TEST(contains(again.out, "already there"), again.out);

  auto pull = on(b, {"pull", id.substr(0, 6)});
  BOOST_TEST(pull.exit_code == 0, pull.err);
  auto repull = on(b, {"pull", id});
  BOOST_TEST(repull.exit_code == 0, repull.err);
  BOOST_TEST(contains(repull.out, "(0 objects, 0 bytes;"), repull.out);  // never re-fetched

  configure(b, "http://127.0.0.1:1");  // the endpoint is gone: the cache serves
  auto replay = on(b, {"replay", id});
  BOOST_TEST(replay.exit_code == 0, replay.err);
  BOOST_TEST(replay.out == out_a);
  BOOST_TEST(on(b, {"trace", id}).exit_code == 0);
  BOOST_TEST(on(b, {"logs", id}).exit_code == 0);
  BOOST_TEST(on(b, {"describe", "process", id}).exit_code == 0);
}

BOOST_FIXTURE_TEST_CASE(concurrent_runs_on_both_machines_are_listed_from_both, RemoteFixture) {
  std::vector<std::string> ids(10), outs(10);
  std::vector<std::thread> threads;
  std::vector<std::string> errors(10);
  for (int i = 0; i < 10; ++i)
    threads.emplace_back([&, i] {
      auto r = on(i % 2 ? b : a, {"run", program("clocks_random.wasm")});
      ids[size_t(i)] = take_id(r.err);
      outs[size_t(i)] = r.out;
      if (contains(r.err, "not uploaded") || ids[size_t(i)].size() != 36) errors[size_t(i)] = r.err;
    });
  for (auto& t : threads) t.join();
  for (const auto& e : errors) BOOST_TEST(e.empty(), e);
  for (const Machine* m : {&a, &b}) {
    auto l = on(*m, {"get", "ps", "--remote", "-q"});
    BOOST_TEST(l.exit_code == 0, l.err);
    auto listed = ids_of(l.out);
    BOOST_TEST(listed.size() == 10u, l.out);
    for (const auto& id : ids) BOOST_TEST(listed.count(id) == 1u, id);
  }
  // Each replays on the other machine, byte-identical (the output holds
  // the clocks and random bytes the run saw).
  for (int i = 0; i < 10; ++i) {
    auto r = on(i % 2 ? a : b, {"replay", ids[size_t(i)]});
    BOOST_TEST(r.exit_code == 0, ids[size_t(i)] + ": " + r.err);
    BOOST_TEST(!outs[size_t(i)].empty());
    BOOST_TEST(r.out == outs[size_t(i)], ids[size_t(i)]);
  }

}

BOOST_FIXTURE_TEST_CASE(a_wrong_key_is_one_line_and_leaves_the_local_registry, RemoteFixture) {
  std::string mine = record(b, "clocks_random.wasm");
  std::string id = record(a, "clocks_random.wasm");
  fs::remove_all(b.registry / "processes" / id);  // B has only its own
  auto r = on(b, {"pull", id}, {"AWS_SECRET_ACCESS_KEY=wrong"});
  BOOST_TEST(r.exit_code == 1);
  BOOST_TEST(one_error_line(r), r.err);
  BOOST_TEST(contains(r.err, "SignatureDoesNotMatch"), r.err);
  BOOST_TEST(!fs::exists(b.registry / "processes" / id));
  BOOST_TEST(on(b, {"replay", mine}).exit_code == 0);
}

BOOST_FIXTURE_TEST_CASE(a_dead_endpoint_is_one_line_and_leaves_the_local_registry, RemoteFixture) {
  std::string mine = record(b, "clocks_random.wasm");
  configure(b, "http://127.0.0.1:1");
  for (auto args : std::vector<std::vector<std::string>>{{"get", "ps", "--remote"}, {"pull", "0123"},
                                                          {"push", mine}, {"replay", "0123abcd"}}) {
    auto r = on(b, args);
    BOOST_TEST(r.exit_code == 1, args[0] + ": " + r.err);
    BOOST_TEST(one_error_line(r), args[0] + ": " + r.err);
    BOOST_TEST(!crashed(r));
  }
  auto r = on(b, {"run", program("clocks_random.wasm")});  // records, warns it did not upload
  BOOST_TEST(r.exit_code == 0);
  BOOST_TEST(contains(r.err, "is recorded locally but not uploaded"), r.err);
  BOOST_TEST(on(b, {"replay", mine}).exit_code == 0);
  BOOST_TEST(on(b, {"replay", take_id(r.err)}).exit_code == 0);
}

BOOST_FIXTURE_TEST_CASE(a_corrupt_segment_or_module_is_refused_and_nothing_is_kept, RemoteFixture) {
  std::string mine = record(b, "clocks_random.wasm");
  std::string id = record(a, "clocks_random.wasm");
  auto store = direct(prefix);
  std::string key = "processes/" + id + "/log/log.000000";
  auto seg = store->get(key);
  BOOST_REQUIRE(seg && *seg);
  std::vector<uint8_t> garbage = **seg;
  for (size_t i = garbage.size() / 2; i < garbage.size(); ++i) garbage[i] ^= 0x5a;
  BOOST_REQUIRE(store->put(key, garbage));
  auto r = on(b, {"pull", id});
  BOOST_TEST(r.exit_code == 1);
  BOOST_TEST(one_error_line(r), r.err);
  BOOST_TEST(contains(r.err, "corrupt log"), r.err);
  BOOST_TEST(!fs::exists(b.registry / "processes" / id));
  auto listed = ids_of(on(b, {"get", "ps", "-q"}).out);
  BOOST_TEST(listed.size() == 1u);
  BOOST_TEST(on(b, {"replay", mine}).exit_code == 0);

  // A module whose bytes do not match its digest.
  std::string id2 = record(a, "collatz.wasm");
  auto meta = store->get("processes/" + id2 + "/process.json");
  BOOST_REQUIRE(meta && *meta);
  std::string text((*meta)->begin(), (*meta)->end());
  auto at = text.find("\"digest\": \"");
  BOOST_REQUIRE(at != std::string::npos);
  std::string digest = text.substr(at + 11, 64);
  std::string junk = "not a module";
  BOOST_REQUIRE(store->put("modules/sha256/" + digest, {reinterpret_cast<const uint8_t*>(junk.data()), junk.size()}));
  auto m = on(b, {"pull", id2});
  BOOST_TEST(m.exit_code == 1);
  BOOST_TEST(one_error_line(m), m.err);
  BOOST_TEST(contains(m.err, "its sha256 does not match"), m.err);
  BOOST_TEST(!fs::exists(b.registry / "modules" / "sha256" / digest));

  // A process.json that is not one; the listing (the index) still works.
  std::string id3 = record(a, "clocks_random.wasm");
  BOOST_REQUIRE(store->put("processes/" + id3 + "/process.json", {reinterpret_cast<const uint8_t*>(junk.data()), junk.size()}));
  auto j = on(b, {"pull", id3});
  BOOST_TEST(j.exit_code == 1);
  BOOST_TEST(one_error_line(j), j.err);
  BOOST_TEST(contains(j.err, id3 + "/process.json"), j.err);
  BOOST_TEST(!fs::exists(b.registry / "processes" / id3));
  auto still = on(b, {"get", "ps", "--remote", "-q"});
  BOOST_TEST(still.exit_code == 0, still.err);
  BOOST_TEST(ids_of(still.out).count(id3) == 1u, still.out);
  BOOST_TEST(on(b, {"replay", mine}).exit_code == 0);
}

// Writes "hi\n" 6000 times (small batches, 4 KiB segments: several sealed),
// then reads stdin until EOF (blocks): killed there with SIGKILL.
const char kWriteThenBlock[] = R"((module
  (import "wasi_snapshot_preview1" "fd_write" (func $w (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_read" (func $r (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1) (data (i32.const 16) "hi\n")
  (func (export "_start") (local $i i32)
    (i32.store (i32.const 0) (i32.const 16)) (i32.store (i32.const 4) (i32.const 3))
    (loop $l
      (drop (call $w (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (i32.const 6000))))
    (i32.store (i32.const 0) (i32.const 64)) (i32.store (i32.const 4) (i32.const 64))
    (loop $m
      (br_if $m (i32.eqz (call $r (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 8)))))))
)";

BOOST_FIXTURE_TEST_CASE(a_killed_run_is_visible_with_what_it_sealed, RemoteFixture) {
  std::ofstream(a.config, std::ios::app) << "log:\n  batch-size: 16\n  segment-size: 4KiB\n  segment-seconds: 1\n";
  auto module = write("prog.wat", kWriteThenBlock);
  std::string err_path = (root / "err.txt").string();
  int p[2];
  BOOST_REQUIRE(::pipe(p) == 0);
  pid_t pid = ::fork();
  if (pid == 0) {
    ::setenv("TIMECRAFT_CONFIG", a.config.c_str(), 1);
    ::setenv("TIMECRAFT_REGISTRY", a.registry.c_str(), 1);
    ::dup2(p[0], 0);
    ::close(p[1]);
    int o = ::open("/dev/null", O_WRONLY);
    int e = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(o, 1);
    ::dup2(e, 2);
    ::execl(bin.c_str(), bin.c_str(), "run", module.c_str(), (char*)nullptr);
    ::_exit(127);
  }
  ::close(p[0]);
  // Wait until 5 segments are sealed locally (each is uploaded before the
  // next opens). 6000 writes fill about 9 segments of 4 KiB by size alone:
  // on a quiet machine they take less than the 1 s that would seal by time.
  std::string id;
  for (int i = 0; i < 1000; ++i) {
    std::string err = slurp(err_path);
    if (id.empty() && err.find('\n') != std::string::npos) id = err.substr(0, err.find('\n'));
    if (!id.empty() && fs::exists(a.registry / "processes" / id / "log" / "log.000005")) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  ::kill(pid, SIGKILL);
  ::waitpid(pid, nullptr, 0);
  ::close(p[1]);
  BOOST_REQUIRE_EQUAL(id.size(), 36u);

  // It never stored its end: "running" while its last heartbeat is
  // fresh, "killed" once three beats (1 s each here) and 5 s are missed.
  auto listed = on(b, {"get", "ps", "--remote"});
  BOOST_TEST(contains(listed.out, id), listed.out);
  BOOST_TEST(contains(listed.out, "running"), listed.out);
  auto pull = on(b, {"pull", id});
  BOOST_TEST(pull.exit_code == 0, pull.err);
  size_t sealed = 0;
  for (auto& f : fs::directory_iterator(b.registry / "processes" / id / "log")) (void)f, ++sealed;
  BOOST_TEST(sealed >= 5u);  // the open segment stayed on A
  auto replay = on(b, {"replay", id});
  BOOST_TEST(replay.exit_code == 4, replay.err);  // a killed run's log ended
  BOOST_TEST(std::count(replay.out.begin(), replay.out.end(), '\n') > 1000);
  // As the replay of the killed run on A says, on what A has (more: its
  // open segment too).
  auto local = on(a, {"replay", id});
  BOOST_TEST(local.exit_code == replay.exit_code, local.err);
  BOOST_TEST(local.out.compare(0, replay.out.size(), replay.out) == 0);
  std::this_thread::sleep_for(std::chrono::seconds(9));
  auto later = on(b, {"get", "ps", "--remote", "-o", "json"});
  BOOST_TEST(later.exit_code == 0, later.err);
  BOOST_TEST(contains(later.out, "\"status\": \"killed\""), later.out);
  BOOST_TEST(!contains(later.out, "\"status\": \"running\""), later.out);
}

// Counts "tick" lines 12 times, sleeping 0.3 s after each (3.6 s in all).
const char kTicker[] = R"((module
  (import "wasi_snapshot_preview1" "fd_write" (func $w (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "poll_oneoff" (func $p (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1) (data (i32.const 16) "tick\n")
  (func (export "_start") (local $i i32)
    (i32.store (i32.const 0) (i32.const 16)) (i32.store (i32.const 4) (i32.const 5))
    (i32.store (i32.const 272) (i32.const 1))  ;; a relative timeout on the monotonic clock
    (i64.store (i32.const 280) (i64.const 300000000))
    (loop $l
      (drop (call $w (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
      (drop (call $p (i32.const 256) (i32.const 512) (i32.const 1) (i32.const 600)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (i32.const 12))))))
)";

BOOST_FIXTURE_TEST_CASE(a_long_run_is_visible_on_the_remote_while_it_runs, RemoteFixture) {
  // Few records, default batch and segment sizes: only time seals segments.
  std::ofstream(a.config, std::ios::app) << "log:\n  segment-seconds: 1\n";
  auto module = write("ticker.wat", kTicker);
  std::string err_path = (root / "err.txt").string();
  pid_t pid = spawn_run(bin, a, module.string(), err_path);
  std::string id = id_from(err_path);
  BOOST_REQUIRE_EQUAL(id.size(), 36u);
  auto store = direct(prefix);
  size_t remote_segments = 0;
  while (still_running(pid) && remote_segments < 2) {
    auto l = store->list("processes/" + id + "/log/");
    BOOST_REQUIRE(l);
    remote_segments = l->size();
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  BOOST_REQUIRE_MESSAGE(remote_segments >= 2, "the run ended before two segments were sealed");
  // While it runs: listed as running from B, and the prefix pulls and replays.
  auto listed = on(b, {"get", "ps", "--remote"});
  BOOST_TEST(contains(listed.out, id), listed.out);
  BOOST_TEST(contains(listed.out, "running"), listed.out);
  auto pulled = on(b, {"pull", id});
  BOOST_TEST(pulled.exit_code == 0, pulled.err);
  auto described = on(b, {"describe", "process", id});
  BOOST_TEST(described.exit_code == 0, described.err);
  auto prefix_replay = on(b, {"replay", id});
  BOOST_TEST(prefix_replay.exit_code == 4, prefix_replay.err);  // its log ends where the upload did
  size_t ticks = size_t(std::count(prefix_replay.out.begin(), prefix_replay.out.end(), '\n'));
  BOOST_TEST(ticks >= 2u, prefix_replay.out);
  BOOST_TEST(still_running(pid), "the run ended before B had replayed its prefix");

  int status = 0;
  BOOST_REQUIRE(::waitpid(pid, &status, 0) == pid);
  BOOST_TEST(WIFEXITED(status));
  BOOST_TEST(WEXITSTATUS(status) == 0);
  auto ended = on(b, {"get", "ps", "--remote"});
  BOOST_TEST(contains(ended.out, "exited 0"), ended.out);
  BOOST_TEST(store->list("index/alive/" + id)->empty());  // its heartbeat went with its end
  auto rest = on(b, {"pull", id});  // the rest: the new segments only, and the end
  BOOST_TEST(rest.exit_code == 0, rest.err);
  auto full = on(b, {"replay", id});
  BOOST_TEST(full.exit_code == 0, full.err);
  BOOST_TEST(std::count(full.out.begin(), full.out.end(), '\n') == 12);
  BOOST_TEST(full.out.compare(0, prefix_replay.out.size(), prefix_replay.out) == 0);
  BOOST_TEST(full.out.size() > prefix_replay.out.size());
}

// The server stops while a run uploads: the run goes on and ends with
// the program's status and one warning, its local recording is whole, and
// once the server is back `push` uploads the rest for B to replay.
BOOST_FIXTURE_TEST_CASE(a_server_stopping_mid_run_leaves_a_whole_local_recording, RemoteFixture) {
  Forwarder fwd(env("TIMECRAFT_TEST_S3_ENDPOINT"));
  configure(a, fwd.endpoint());
  std::ofstream(a.config, std::ios::app) << "log:\n  segment-seconds: 1\n";
  auto module = write("ticker.wat", kTicker);
  std::string err_path = (root / "err.txt").string();
  pid_t pid = spawn_run(bin, a, module.string(), err_path);
  std::string id = id_from(err_path);
  BOOST_REQUIRE_EQUAL(id.size(), 36u);
  auto store = direct(prefix);
  while (still_running(pid) && store->list("processes/" + id + "/log/")->empty())
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  fwd.stop();  // one segment uploaded, then the server is gone
  int status = 0;
  BOOST_REQUIRE(::waitpid(pid, &status, 0) == pid);
  BOOST_TEST(WIFEXITED(status));
  BOOST_TEST(WEXITSTATUS(status) == 0);
  std::string err = slurp(err_path);
  BOOST_TEST(contains(err, "is recorded locally but not uploaded"), err);
  BOOST_TEST(!contains(err, "terminate"), err);
  auto local = on(a, {"replay", id}, {"TIMECRAFT_REMOTE_ENDPOINT=http://127.0.0.1:1"});
  BOOST_TEST(local.exit_code == 0, local.err);
  BOOST_TEST(std::count(local.out.begin(), local.out.end(), '\n') == 12);

  configure(a, env("TIMECRAFT_TEST_S3_ENDPOINT"));  // back
  auto push = on(a, {"push", id});
  BOOST_TEST(push.exit_code == 0, push.err);
  auto listed = on(b, {"get", "ps", "--remote"});
  BOOST_TEST(contains(listed.out, "exited 0"), listed.out);
  auto replay = on(b, {"replay", id});
  BOOST_TEST(replay.exit_code == 0, replay.err);
  BOOST_TEST(replay.out == local.out);
}

// 1,000 ended processes (process.json, one log segment, index entries),
// stored straight into the bucket: `get ps --remote` lists them with LIST
// calls only. The figure, and the one of the listing before the index (a
// GET of every process.json, 8 at a time), go to the test log.
BOOST_FIXTURE_TEST_CASE(listing_a_thousand_remote_processes, RemoteFixture) {
  auto store = direct(prefix);
  constexpr int kProcesses = 1000;
  std::vector<std::string> ids(kProcesses);
  std::atomic<int> next{0}, failures{0};
  const int64_t t0 = 1'780'000'000'000'000'000;
  auto fill = [&] {
    for (int i; (i = next++) < kProcesses;) {
      ProcessMeta m;
      char id[37];
      std::snprintf(id, sizeof id, "%08x-1111-4000-8000-%012d", ::getpid(), i);
      m.id = ids[size_t(i)] = id;
      m.start_unix_ns = t0 + int64_t(i) * 1000000000;
      m.end_unix_ns = m.start_unix_ns + 500000000;
      m.module_digest = std::string(64, 'c');
      m.module_name = "app.wasm";
      m.status = "exited";
      m.args = {"app.wasm", "--flag", "value"};
      std::string text = to_json(m);
      std::vector<uint8_t> seg(2048, uint8_t(i));
      ProcessSummary sum = summary_of(m);
      sum.log_bytes = seg.size();
      bool ok = store->put("processes/" + m.id + "/process.json", {reinterpret_cast<const uint8_t*>(text.data()), text.size()}) &&
                store->put_if_absent("processes/" + m.id + "/log/log.000000", seg) &&
                store->put_if_absent(started_key(sum), {}) && store->put_if_absent(ended_key(sum), {});
      if (!ok) ++failures;
    }
  };
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) threads.emplace_back(fill);
  for (auto& t : threads) t.join();
  BOOST_REQUIRE_EQUAL(failures.load(), 0);

  using Clock = std::chrono::steady_clock;
  auto start = Clock::now();
  auto l = on(b, {"get", "ps", "--remote", "-q"});
  double cli_s = std::chrono::duration<double>(Clock::now() - start).count();
  BOOST_TEST(l.exit_code == 0, l.err);
  auto listed = ids_of(l.out);
  BOOST_TEST(listed.size() == size_t(kProcesses));
  BOOST_TEST(l.out.substr(0, 36) == ids.back());  // newest first
  for (const auto& id : ids) BOOST_TEST(listed.count(id) == 1u, id);

  start = Clock::now();
  auto idx = list_remote_index(*store, t0 + int64_t(kProcesses) * 1000000000);
  double index_s = std::chrono::duration<double>(Clock::now() - start).count();
  BOOST_REQUIRE(idx);
  BOOST_TEST(idx->size() == size_t(kProcesses));
  for (const auto& p : *idx) BOOST_TEST(p.status == "exited");

  // What the listing did before: LIST processes/, then GET every process.json.
  start = Clock::now();
  auto all = store->list("processes/");
  BOOST_REQUIRE(all);
  std::vector<std::string> keys;
  for (const auto& o : *all)
    if (o.key.size() > 13 && o.key.substr(o.key.size() - 13) == "/process.json") keys.push_back(o.key);
  std::atomic<size_t> at{0};
  std::atomic<int> got{0};
  threads.clear();
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&] {
      for (size_t i; (i = at++) < keys.size();)
        if (auto r = store->get(keys[i]); r && *r && process_meta_from_json(std::string((*r)->begin(), (*r)->end())))
          ++got;
    });
  for (auto& t : threads) t.join();
  double old_s = std::chrono::duration<double>(Clock::now() - start).count();
  BOOST_TEST(got.load() == kProcesses);
  BOOST_TEST_MESSAGE("listing 1000 remote processes: get ps --remote " << cli_s << " s (the index: "
                     << index_s << " s, LIST only); reading every process.json as before: " << old_s << " s");
}

BOOST_FIXTURE_TEST_CASE(debug_listen_pulls_a_remote_only_process_first, RemoteFixture) {
  std::string id = record(a, "clocks_random.wasm");
  Machine f = machine("f");
  ::setenv("TIMECRAFT_CONFIG", f.config.c_str(), 1);
  ::setenv("TIMECRAFT_REGISTRY", f.registry.c_str(), 1);
  Server s(bin, id.substr(0, 8));
  std::string first = s.first_line(60000);
  BOOST_TEST(contains(first, "pulled process " + id), first);
  s.stderr_text.erase(0, first.size() + 1);
  s.connect();  // "listening on 127.0.0.1:PORT"
  BOOST_TEST(s.ask("QStartNoAckMode") == "+");
  BOOST_TEST(s.next() == "OK");
  BOOST_TEST(s.ask("qC") == "QC1");
  BOOST_TEST(s.ask("k") == "X09");
  BOOST_TEST(s.wait_exit(30) == 0);
  BOOST_TEST(fs::exists(f.registry / "processes" / id / "process.json"));
}

BOOST_FIXTURE_TEST_CASE(a_pull_onto_a_full_disk_keeps_nothing_of_it, RemoteFixture) {
  if (!can_mount_tmpfs(0)) {
    BOOST_TEST_MESSAGE("skipped: cannot mount a tmpfs (needs root)");
    return;
  }
  // A's log: 20,000 uncompressed records, far more than B's 256 KiB disk.
  std::ofstream(a.config, std::ios::app) << "log:\n  compression: none\n  segment-size: 64KiB\n";
  std::string wat = kWriteThenBlock;
  wat.replace(wat.find("6000"), 4, "20000");
  wat = wat.substr(0, wat.find("    (i32.store (i32.const 0) (i32.const 64))")) + ")\n)";
  auto module = write("many.wat", wat);
  auto r = on(a, {"run", module.string()});
  BOOST_REQUIRE_EQUAL(r.exit_code, 0);
  std::string id = take_id(r.err);
  TinyDisk disk(b.registry, "256k");
  BOOST_REQUIRE_MESSAGE(disk.mounted, disk.error);
  std::string mine = record(b, "clocks_random.wasm");
  auto p = on(b, {"pull", id});
  BOOST_TEST_MESSAGE("pull onto a full disk: " << p.err);
  BOOST_TEST(p.exit_code == 1);
  BOOST_TEST(one_error_line(p), p.err);
  BOOST_TEST(!fs::exists(b.registry / "processes" / id));
  auto listed = ids_of(on(b, {"get", "ps", "-q"}).out);
  BOOST_TEST(listed.size() == 1u);
  BOOST_TEST(on(b, {"replay", mine}).exit_code == 0);
}

BOOST_AUTO_TEST_SUITE_END()

// Without a server: what loading the S3 library costs a run that has no
// remote (nothing), and what a missing library says.
BOOST_AUTO_TEST_SUITE(loading)

BOOST_FIXTURE_TEST_CASE(a_run_without_a_remote_never_loads_libcurl, CliFixture) {
  auto r = run_process({"/usr/bin/env", "LD_DEBUG=libs", bin, "run", (programs / "clocks_random.wasm").string()});
  BOOST_TEST(r.exit_code == 0, r.err);
  BOOST_TEST(contains(r.err, "calling init: /lib/x86_64-linux-gnu/libc.so.6"), r.err);  // LD_DEBUG works
  BOOST_TEST(!contains(r.err, "libcurl"));
  BOOST_TEST(!contains(r.err, "libtimecraft_s3"));
}

BOOST_FIXTURE_TEST_CASE(a_remote_loads_it_and_a_missing_library_is_one_line, CliFixture) {
  write("config.yaml", "registry:\n  remote: s3://b/p\n  endpoint: http://127.0.0.1:1\n");
  auto loaded = run_process({"/usr/bin/env", "LD_DEBUG=libs", bin, "get", "ps", "--remote"});
  BOOST_TEST(loaded.exit_code == 1);
  BOOST_TEST(contains(loaded.err, "libtimecraft_s3.so"), loaded.err);
  BOOST_TEST(contains(loaded.err, "libcurl.so"), loaded.err);
  auto r = run_process({"/usr/bin/env", "TIMECRAFT_S3_LIBRARY=/nonexistent/libtimecraft_s3.so", bin,
                        "pull", "0123"});
  BOOST_TEST(r.exit_code == 1);
  BOOST_TEST(one_error_line(r), r.err);
  BOOST_TEST(r.err == "timecraft: error: remote registry: /nonexistent/libtimecraft_s3.so not found "
                      "(the S3 support library, built with timecraft)\n");
}

BOOST_AUTO_TEST_SUITE_END()

