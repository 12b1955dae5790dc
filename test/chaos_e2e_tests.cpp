// Fault injection (`run --chaotic RATE [--chaos-seed N] [--chaos KINDS]`)
// end to end, on test/replay/chaos_demo.c:
//  - rate 0 injects nothing (the same calls as a run without it); rate 1
//    injects into every eligible call; a seed gives the same faults twice,
//    another seed others;
//  - each kind makes only its faults, with errnos legal for the call; short
//    reads lose no data; clock jumps keep the monotonic clock monotonic;
//  - a failing chaos run replays identically, `trace` marks the injected
//    records (text and JSON), the same seed re-runs the same failure;
//  - the log's record flag: written and read back (format version 2); a
//    version 1 log is still read, and a flag in one is corruption;
//  - the ChaosSystem over a fake System: unknown calls and bad fds are left
//    alone, absolute poll deadlines follow the jumped clocks;
//  - describe / process.json show rate, seed and kinds; bad values are a
//    usage error (exit 2): one line saying what is wrong, then the help hint.
#define BOOST_TEST_MODULE chaos_e2e_tests
#include <boost/test/unit_test.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <cstring>
#include <future>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <thread>

#include "test/cli_fixture.hpp"
#include "trace/log_reader.hpp"
#include "trace/log_writer.hpp"
#include "wasi/chaos_system.hpp"

using namespace tc::test;
using json = nlohmann::json;

namespace {

std::vector<std::string> split_lines(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

// stderr without the process id and the "timecraft: chaos: ..." line.
std::string program_err(std::string err) {
  take_id(err);
  if (err.rfind("timecraft: chaos: ", 0) == 0) take_id(err);
  return err;
}

uint64_t sum_sizes(const json& iovs) {
  uint64_t n = 0;
  for (const auto& b : iovs) n += b.is_object() && b.contains("text")     ? b["text"].get<std::string>().size()
                                  : b.is_number()                         ? b.get<uint64_t>()
                                                                          : 0;
  return n;
}

struct ChaosFixture : CliFixture {
  fs::path dir = root / "d";
  fs::path demo = programs / "chaos_demo.wasm";

  ChaosFixture() { fs::create_directories(dir); }

  // run [options] --dir DIR:/d chaos_demo.wasm ARGS; the id taken off stderr.
  ProcResult run(std::vector<std::string> options, std::vector<std::string> args, std::string& id) {
    std::vector<std::string> a = {"run"};
    a.insert(a.end(), options.begin(), options.end());
    a.insert(a.end(), {"--dir", dir.string() + ":/d", demo.string()});
    a.insert(a.end(), args.begin(), args.end());
    auto r = tc(a);
    BOOST_REQUIRE_MESSAGE(!crashed(r), r.err);
    std::string err = r.err;
    id = take_id(err);
    return r;
  }
  // A fresh directory for each workload run (it creates files and dirs).
  std::string workload(std::vector<std::string> options) {
    fs::remove_all(dir);
    fs::create_directories(dir);
    std::string id;
    auto r = run(options, {"workload", "/d"}, id);
    BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    return id;
  }
  json records(const std::string& id) {
    auto r = tc({"trace", "-o", "jsonl", id});
    BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    json all = json::array();
    for (const auto& l : split_lines(r.out)) all.push_back(json::parse(l));
    return all;
  }
  static bool injected(const json& rec) { return rec.value("injected", false); }
};

// The calls fault injection knows (the others are never touched).
const std::set<std::string> kEligible = {
    "fd_read", "fd_pread", "fd_write", "fd_pwrite", "fd_sync", "fd_datasync", "fd_allocate",
    "fd_filestat_set_size", "path_create_directory", "poll_oneoff", "clock_time_get", "random_get"};

// The errors each kind may inject into each call (io and net).
const std::map<std::string, std::set<std::string>> kIoErrors = {
    {"fd_read", {"EIO", "EINTR", "EAGAIN"}},  {"fd_write", {"EIO", "ENOSPC", "EINTR", "EAGAIN"}},
    {"fd_pread", {"EIO"}},                    {"fd_pwrite", {"EIO", "ENOSPC"}},
    {"fd_sync", {"EIO"}},                     {"fd_datasync", {"EIO"}},
    {"fd_allocate", {"ENOSPC", "EIO"}},       {"fd_filestat_set_size", {"EIO"}},
    {"path_open", {"ENOSPC"}},                {"path_create_directory", {"ENOSPC"}},
    {"poll_oneoff", {"EINTR"}},               {"sock_accept", {"EINTR", "EAGAIN"}},
    {"sock_recv", {"EINTR", "EAGAIN"}},       {"sock_send", {"EINTR", "EAGAIN"}},
};

// What identifies a record's result across two runs with the same faults
// (times and clock readings are the real ones, different each run).
std::string fingerprint(const json& rec) {
  std::string s = rec["call"].get<std::string>() + " " + rec["errno"].get<std::string>();
  if (rec.value("injected", false)) s += " injected";
  for (const char* n : {"nread", "nwritten", "nsent"})
    if (rec["outputs"].contains(n)) s += std::string(" ") + n + "=" + rec["outputs"][n].dump();
  if (rec["call"] == "random_get" && rec.value("injected", false)) s += " " + rec["returned"].dump();
  return s;
}

std::vector<std::string> fingerprints(const json& all) {
  std::vector<std::string> out;
  for (const auto& r : all) out.push_back(fingerprint(r));
  return out;
}

}  // namespace

BOOST_FIXTURE_TEST_CASE(rate_zero_injects_nothing, ChaosFixture) {
  json plain = records(workload({}));
  json zero = records(workload({"--chaotic", "0", "--chaos-seed", "7"}));
  BOOST_REQUIRE_EQUAL(plain.size(), zero.size());
  for (size_t i = 0; i < plain.size(); ++i) {
    BOOST_CHECK(!injected(zero[i]));
    BOOST_CHECK_EQUAL(plain[i]["call"], zero[i]["call"]);
    BOOST_CHECK_EQUAL(plain[i]["errno"], zero[i]["errno"]);
    if (plain[i]["call"] != "clock_time_get" && plain[i]["call"] != "random_get" &&
        !contains(plain[i]["call"].get<std::string>(), "filestat"))
      BOOST_CHECK_MESSAGE(plain[i]["inputs"] == zero[i]["inputs"] && plain[i]["outputs"] == zero[i]["outputs"],
                          "record " << i << ": " << plain[i].dump() << " vs " << zero[i].dump());
  }
  std::string zero_id = workload({"--chaotic", "0", "--chaos-seed", "7"});
  auto text = tc({"trace", zero_id});
  BOOST_CHECK_EQUAL(text.exit_code, 0);
  BOOST_CHECK(!contains(text.out, "(injected)"));
}

BOOST_FIXTURE_TEST_CASE(rate_one_injects_every_eligible_call, ChaosFixture) {
  json all = records(workload({"--chaotic", "1", "--chaos-seed", "3"}));
  size_t eligible = 0, n_injected = 0;
  for (const auto& r : all) {
    std::string call = r["call"];
    if (injected(r)) ++n_injected;
    if (!kEligible.count(call)) continue;
    if (call == "random_get" && sum_sizes(json::array({r["inputs"]["buf"]})) < 2) continue;
    ++eligible;
    // Only a bad fd (the file's open failed: ENOSPC injected) escapes.
    BOOST_CHECK_MESSAGE(injected(r) || r["errno"] == "EBADF", r.dump());
  }
  BOOST_CHECK_GT(eligible, 30u);
  BOOST_CHECK_GE(n_injected, eligible);
  for (const auto& r : all)
    if (r["call"] == "path_open" && r["outputs"].is_object() && r["inputs"]["oflags"].dump().find("CREAT") != std::string::npos)
      BOOST_CHECK_MESSAGE(injected(r) && r["errno"] == "ENOSPC", r.dump());
}

BOOST_FIXTURE_TEST_CASE(same_seed_same_faults_other_seed_others, ChaosFixture) {
  auto a = fingerprints(records(workload({"--chaotic", "0.3", "--chaos-seed", "42"})));
  auto b = fingerprints(records(workload({"--chaotic", "0.3", "--chaos-seed", "42"})));
  auto c = fingerprints(records(workload({"--chaotic", "0.3", "--chaos-seed", "43"})));
  BOOST_CHECK_EQUAL_COLLECTIONS(a.begin(), a.end(), b.begin(), b.end());
  size_t faults = 0;
  for (const auto& f : a) faults += contains(f, " injected");
  BOOST_CHECK_GT(faults, 5u);
  BOOST_CHECK(a != c);
}

BOOST_FIXTURE_TEST_CASE(each_kind_only_its_faults, ChaosFixture) {
  for (std::string kind : {"io", "short", "clock", "random"}) {
    BOOST_TEST_CONTEXT("--chaos " << kind) {
      json all = records(workload({"--chaotic", "0.6", "--chaos-seed", "11", "--chaos", kind}));
      size_t n = 0;
      for (const auto& r : all) {
        if (!injected(r)) continue;
        ++n;
        std::string call = r["call"], err = r["errno"];
        if (kind == "io") {
          auto legal = kIoErrors.find(call);
          BOOST_CHECK_MESSAGE(legal != kIoErrors.end() && legal->second.count(err), r.dump());
          if (call == "fd_write" && r["inputs"]["fd"] == 1)  // a pipe: no ENOSPC
            BOOST_CHECK_MESSAGE(err != "ENOSPC", r.dump());
          if (call == "path_open")
            BOOST_CHECK_MESSAGE(contains(r["inputs"]["oflags"].dump(), "CREAT"), r.dump());
        } else if (kind == "short") {
          BOOST_CHECK_MESSAGE(err == "ESUCCESS", r.dump());
          bool read = call == "fd_read" || call == "fd_pread";
          BOOST_REQUIRE_MESSAGE(read || call == "fd_write" || call == "fd_pwrite", r.dump());
          uint64_t asked = 0, got = r["outputs"][read ? "nread" : "nwritten"];
          for (const auto& b : r["inputs"]["iovs"])
            asked += read ? b.get<uint64_t>() : b["text"].get<std::string>().size();
          BOOST_CHECK_MESSAGE(got < asked, r.dump());
          if (!read) BOOST_CHECK_MESSAGE(got >= 1, r.dump());
        } else if (kind == "clock") {
          BOOST_CHECK_MESSAGE(call == "clock_time_get" && err == "ESUCCESS", r.dump());
        } else {
          BOOST_REQUIRE_MESSAGE(call == "random_get" && err == "ESUCCESS", r.dump());
          std::string bytes = r["returned"][0].contains("text") ? r["returned"][0]["text"].get<std::string>()
                                                                : r["returned"][0]["base64"].get<std::string>();
          if (r["returned"][0].contains("text"))
            BOOST_CHECK_MESSAGE(bytes.find_first_not_of(bytes[0]) == std::string::npos, r.dump());
          else  // 16 equal bytes: base64 of a repeated 3-byte group
            BOOST_CHECK_MESSAGE(bytes.substr(0, 4) == bytes.substr(4, 4), r.dump());
        }
      }
      BOOST_CHECK_GT(n, 2u);
    }
  }
}

BOOST_FIXTURE_TEST_CASE(short_reads_and_retried_errors_lose_no_data, ChaosFixture) {
  std::string text;
  for (int i = 0; i < 3000; ++i) text += "line " + std::to_string(i) + " of the input\n";
  spit(dir / "input.txt", text);
  for (std::string kinds : {"short", "io,short"}) {
    BOOST_TEST_CONTEXT(kinds) {
      std::string id;
      auto r = run({"--chaotic", kinds == "short" ? "1" : "0.3", "--chaos-seed", "5", "--chaos", kinds},
                   {"robust", "/d/input.txt"}, id);
      BOOST_CHECK_EQUAL(r.exit_code, 0);
      BOOST_CHECK(r.out == text);
      BOOST_CHECK_EQUAL(r.out.size(), text.size());
      size_t shorts = 0;
      for (const auto& rec : records(id))
        if (injected(rec) && rec["call"] == "fd_read" && rec["errno"] == "ESUCCESS") {
          ++shorts;
          BOOST_CHECK_LT(rec["outputs"]["nread"].get<uint64_t>(), 4096u);
        }
      BOOST_CHECK_GT(shorts, 3u);
      auto rp = tc({"replay", id});
      BOOST_CHECK_EQUAL(rp.exit_code, 0);
      BOOST_CHECK(rp.out == text);
    }
  }
}

BOOST_FIXTURE_TEST_CASE(failing_run_replays_identically_and_trace_marks_it, ChaosFixture) {
  std::string text;
  for (int i = 0; i < 200; ++i) text += "record " + std::to_string(i) + "\n";
  spit(dir / "input.txt", text);
  // The first seed that makes the naive reader fail (a short read or EIO).
  std::string id, seed;
  ProcResult r;
  for (int s = 1; s <= 40 && id.empty(); ++s) {
    std::string i;
    r = run({"--chaotic", "0.5", "--chaos-seed", std::to_string(s), "--chaos", "io,short"},
            {"naive", "/d/input.txt"}, i);
    // (Its message may be cut short or lost to a fault too: then take the next.)
    std::string e = program_err(r.err);
    if (r.exit_code != 0 && (contains(e, "short read: ") || contains(e, ": I/O error\n")))
      id = i, seed = std::to_string(s);
  }
  BOOST_REQUIRE_MESSAGE(!id.empty(), "no seed in 1..40 made the naive reader fail visibly");
  BOOST_CHECK_EQUAL(r.exit_code, 1);
  std::string err = program_err(r.err);
  BOOST_CHECK(contains(r.err, "timecraft: chaos: rate 0.5, seed " + seed + ", faults io,short\n"));

  auto rp = tc({"replay", id});
  BOOST_CHECK_EQUAL(rp.exit_code, r.exit_code);
  BOOST_CHECK_EQUAL(rp.out, r.out);
  BOOST_CHECK_EQUAL(rp.err, err);

  // The same seed on the same input: the same failure.
  std::string again_id;
  auto again = run({"--chaotic", "0.5", "--chaos-seed", seed, "--chaos", "io,short"},
                   {"naive", "/d/input.txt"}, again_id);
  BOOST_CHECK_EQUAL(again.exit_code, r.exit_code);
  BOOST_CHECK_EQUAL(program_err(again.err), err);

  // trace: the failing read is marked, in text and JSON.
  auto t = tc({"trace", "--call", "fd_read", id});
  BOOST_REQUIRE_EQUAL(t.exit_code, 0);
  std::string last;
  for (const auto& l : split_lines(t.out))
    if (contains(l, "fd_read(")) last = l;
  BOOST_CHECK_MESSAGE(last.size() > 11 && last.substr(last.size() - 11) == " (injected)", last);
  json all = records(id);
  size_t marked = 0;
  for (const auto& rec : all) marked += injected(rec);
  BOOST_CHECK_GE(marked, 1u);
  const json* read = nullptr;
  for (const auto& rec : all)
    if (rec["call"] == "fd_read") read = &rec;
  BOOST_REQUIRE(read);
  BOOST_CHECK_EQUAL((*read)["injected"], true);
  // trace --injected: exactly those.
  auto only = tc({"trace", "--injected", "-o", "jsonl", id});
  BOOST_REQUIRE_EQUAL(only.exit_code, 0);
  auto only_lines = split_lines(only.out);
  BOOST_CHECK_EQUAL(only_lines.size(), marked);
  for (const auto& l : only_lines) BOOST_CHECK(json::parse(l)["injected"] == true);
  // Records that were not injected have no "injected" member.
  for (const auto& rec : all)
    if (!injected(rec)) BOOST_CHECK(!rec.contains("injected"));
  // The live trace marks it too.
  std::string live_id;
  auto live = run({"-T", "--chaotic", "0.5", "--chaos-seed", seed, "--chaos", "io,short"},
                  {"naive", "/d/input.txt"}, live_id);
  BOOST_CHECK(contains(live.err, " (injected)\n"));
}

BOOST_FIXTURE_TEST_CASE(clock_jumps_keep_monotonic_clock_monotonic, ChaosFixture) {
  std::string id;
  auto r = run({"--chaotic", "0.5", "--chaos-seed", "9", "--chaos", "clock"}, {"clock", "100"}, id);
  BOOST_CHECK_EQUAL(r.exit_code, 0);
  BOOST_CHECK(contains(r.out, "never back"));
  uint64_t last = 0, jumps = 0;
  for (const auto& rec : records(id)) {
    if (rec["call"] != "clock_time_get" || rec["inputs"]["id"] != "MONOTONIC") continue;
    uint64_t t = rec["outputs"]["time"];
    BOOST_CHECK_GE(t, last);
    if (injected(rec)) {
      ++jumps;
      BOOST_CHECK_GE(t - last, 1000000000u);  // a jump is at least a second
    }
    last = t;
  }
  BOOST_CHECK_GT(jumps, 20u);
}

BOOST_FIXTURE_TEST_CASE(low_entropy_fails_and_replays, ChaosFixture) {
  std::string id;
  auto r = run({"--chaotic", "1", "--chaos", "random"}, {"random", "10"}, id);
  BOOST_CHECK_EQUAL(r.exit_code, 1);
  BOOST_CHECK(contains(r.err, "chaos_demo: low entropy: 16 bytes of "));
  auto rp = tc({"replay", id});
  BOOST_CHECK_EQUAL(rp.exit_code, 1);
  BOOST_CHECK_EQUAL(rp.err, program_err(r.err));
  // No --chaos-seed: a random one, printed and recorded.
  auto meta = json::parse(slurp(process_json(id)));
  BOOST_CHECK(contains(r.err, "seed " + std::to_string(meta["chaos"]["seed"].get<uint64_t>()) + ","));
}

BOOST_FIXTURE_TEST_CASE(describe_and_process_json_show_the_chaos, ChaosFixture) {
  std::string id = workload({"--chaotic", "0.25", "--chaos-seed", "18446744073709551615", "--chaos",
                             "short,clock"});
  auto meta = json::parse(slurp(process_json(id)));
  BOOST_CHECK_EQUAL(meta["chaos"]["rate"], 0.25);
  BOOST_CHECK_EQUAL(meta["chaos"]["seed"].get<uint64_t>(), 18446744073709551615ull);
  BOOST_CHECK_EQUAL(meta["chaos"]["kinds"], json::array({"short", "clock"}));
  auto d = tc({"describe", "process", id});
  BOOST_REQUIRE_EQUAL(d.exit_code, 0);
  BOOST_CHECK_MESSAGE(contains(d.out, "\nChaos:    rate 0.25, seed 18446744073709551615, faults short,clock\n"), d.out);
  auto dj = tc({"describe", "process", "-o", "json", id});
  BOOST_REQUIRE_EQUAL(dj.exit_code, 0);
  auto j = json::parse(dj.out);
  BOOST_CHECK_EQUAL(j["chaos"]["rate"], 0.25);
  BOOST_CHECK_EQUAL(j["chaos"]["kinds"], json::array({"short", "clock"}));

  // A broken chaos field is a one-line error naming it, not a crash.
  meta["chaos"]["rate"] = 5;
  spit(process_json(id), meta.dump());
  auto broken = tc({"describe", "process", id});
  BOOST_CHECK_EQUAL(broken.exit_code, 1);
  BOOST_CHECK_MESSAGE(one_error_line(broken) && contains(broken.err, "chaos.rate"), broken.err);
  meta["chaos"] = {{"rate", 0.5}, {"seed", "x"}};
  spit(process_json(id), meta.dump());
  broken = tc({"describe", "process", id});
  BOOST_CHECK_MESSAGE(one_error_line(broken) && contains(broken.err, "chaos.seed"), broken.err);

  std::string plain = workload({});
  BOOST_CHECK(!contains(tc({"describe", "process", plain}).out, "Chaos:"));
  BOOST_CHECK(json::parse(tc({"describe", "process", "-o", "json", plain}).out)["chaos"].is_null());
  BOOST_CHECK(!json::parse(slurp(process_json(plain))).contains("chaos"));
}

BOOST_FIXTURE_TEST_CASE(bad_values_are_usage_errors, ChaosFixture) {
  const std::vector<std::vector<std::string>> bad = {
      {"--chaotic", "2"},          {"--chaotic", "-0.5"},        {"--chaotic", "abc"},
      {"--chaotic", "0.5.1"},      {"--chaotic", "nan"},         {"--chaotic", "0.1", "--chaos", "bogus"},
      {"--chaotic", "0.1", "--chaos", ""}, {"--chaotic", "0.1", "--chaos", "io,"},
      {"--chaotic", "0.1", "--chaos-seed", "x"}, {"--chaotic", "0.1", "--chaos-seed", "-1"},
      {"--chaos", "io"},           {"--chaos-seed", "1"},
  };
  for (auto opts : bad) {
    opts.insert(opts.begin(), "run");
    opts.insert(opts.end(), {demo.string(), "clock", "1"});
    auto r = tc(opts);
    BOOST_TEST_CONTEXT(opts[1] << " " << opts[2]) {
      BOOST_CHECK_EQUAL(r.exit_code, 2);
      // The message, then "Run 'timecraft help run' for usage."
      BOOST_CHECK_MESSAGE(lines(r.err) == 2 && r.err.rfind("timecraft run: --chao", 0) == 0, r.err);
      BOOST_CHECK(r.out.empty());
    }
  }
  BOOST_CHECK(!fs::exists(registry / "processes") || fs::is_empty(registry / "processes"));
}

// A TCP client for `serve`: connects (retrying while the run starts),
// sends `data`, shuts its side down, returns what came back.
std::string client(uint16_t port, const std::string& data) {
  for (int tries = 0; tries < 200; ++tries) {
    int s = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(s, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
      ::close(s);
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      continue;
    }
    (void)!::send(s, data.data(), data.size(), MSG_NOSIGNAL);
    ::shutdown(s, SHUT_WR);
    std::string got;
    char buf[256];
    for (ssize_t n; (n = ::recv(s, buf, sizeof buf, 0)) > 0;) got.append(buf, size_t(n));
    ::close(s);
    return got;
  }
  return "(no connection)";
}

uint16_t free_port() {
  int s = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  ::getsockname(s, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(s);
  return ntohs(a.sin_port);
}

BOOST_FIXTURE_TEST_CASE(net_faults_on_sockets, ChaosFixture) {
  // Rate 1: every accept is aborted; the program gives up after 5.
  std::string id;
  uint16_t port = free_port();
  auto listen = "127.0.0.1:" + std::to_string(port);
  auto r = run({"--listen", listen, "--chaotic", "1", "--chaos", "net"}, {"serve", "4"}, id);
  BOOST_CHECK_EQUAL(r.exit_code, 1);
  size_t aborted = 0;
  for (const auto& l : split_lines(r.err)) aborted += l == "chaos_demo: accept: Connection aborted";
  BOOST_CHECK_EQUAL(aborted, 5u);
  for (const auto& rec : records(id))
    if (injected(rec)) BOOST_CHECK(rec["call"] == "sock_accept" && rec["errno"] == "ECONNABORTED");

  // Short receives: all the bytes still arrive.
  std::string data(3000, 'x');
  port = free_port();
  listen = "127.0.0.1:" + std::to_string(port);
  auto got = std::async(std::launch::async, [&] { return client(port, data); });
  r = run({"--listen", listen, "--chaotic", "1", "--chaos", "short"}, {"serve", "4"}, id);
  BOOST_CHECK_EQUAL(r.exit_code, 0);
  BOOST_CHECK_EQUAL(r.out, "got 3000 bytes\n");
  auto reply = got.get();
  BOOST_CHECK(reply.size() >= 1 && std::string("got 3000 bytes\n").rfind(reply, 0) == 0);
  size_t shorts = 0;
  for (const auto& rec : records(id)) shorts += injected(rec) && rec["call"] == "sock_recv";
  BOOST_CHECK_GT(shorts, 3u);

  // ECONNRESET on a receive: the first seed that gets past accept.
  bool reset = false;
  for (int s = 1; s <= 30 && !reset; ++s) {
    port = free_port();
    listen = "127.0.0.1:" + std::to_string(port);
    auto c = std::async(std::launch::async, [&] { return client(port, "hello"); });
    r = run({"--listen", listen, "--chaotic", "0.5", "--chaos-seed", std::to_string(s), "--chaos", "net"},
            {"serve", "4"}, id);
    if (contains(r.err, "chaos_demo: recv: Connection reset by peer")) {
      reset = true;
      auto rp = tc({"replay", id});
      BOOST_CHECK_EQUAL(rp.exit_code, 1);
      BOOST_CHECK_EQUAL(rp.err, program_err(r.err));
    }
    c.wait_for(std::chrono::seconds(20));
  }
  BOOST_CHECK(reset);
}

// The injected mark is a record flag: it survives the log, records without
// it read as before, and a version 1 log (which has no flags) is still read.
BOOST_FIXTURE_TEST_CASE(log_record_flag_and_version_1_logs, CliFixture) {
  using namespace tc::trace;
  auto write = [&](const fs::path& dir, bool flagged) {
    auto w = LogWriter::create(dir.string());
    BOOST_REQUIRE(w.has_value());
    const uint8_t p[] = {1, 2, 3};
    for (uint32_t i = 0; i < 6; ++i)
      BOOST_REQUIRE((*w)->append(10 * i, 21 + i, p, flagged && i % 2 ? kRecordInjected : 0).has_value());
    BOOST_REQUIRE((*w)->close().has_value());
  };
  auto read = [&](const fs::path& dir, std::vector<bool>& marks) {
    auto r = LogReader::open(dir.string());
    BOOST_REQUIRE(r.has_value());
    Record rec;
    while (r->next(rec)) {
      BOOST_CHECK_EQUAL(rec.call_id, 21 + rec.index);
      BOOST_CHECK_EQUAL(rec.payload.size(), 3u);
      marks.push_back(rec.injected);
    }
    return r->torn_tail();
  };
  auto set_version = [&](const fs::path& dir, uint32_t v) {
    std::string seg = slurp(segment_path(dir.string(), 0));
    std::memcpy(seg.data() + offsetof(SegmentHeader, version), &v, sizeof v);
    spit(segment_path(dir.string(), 0), seg);
  };
  std::vector<bool> marks;
  BOOST_CHECK(!read(root / "flagged", (write(root / "flagged", true), marks)));
  BOOST_CHECK((marks == std::vector<bool>{false, true, false, true, false, true}));
  // A version 1 log: the same records without flags read the same.
  write(root / "v1", false);
  set_version(root / "v1", 1);
  marks.clear();
  BOOST_CHECK(!read(root / "v1", marks));
  BOOST_CHECK_EQUAL(marks.size(), 6u);
  BOOST_CHECK(std::find(marks.begin(), marks.end(), true) == marks.end());
  // A flag in a version 1 log, or an unknown flag, is a corrupt record.
  set_version(root / "flagged", 1);
  marks.clear();
  auto torn = read(root / "flagged", marks);
  BOOST_REQUIRE(torn);
  BOOST_CHECK(contains(*torn, "record 1: corrupt record encoding"));
  BOOST_CHECK_EQUAL(marks.size(), 1u);
  {
    auto w = LogWriter::create((root / "unknown2").string());
    const uint8_t p[] = {1, 2, 3};
    BOOST_REQUIRE((*w)->append(0, 21, p, 2).has_value());
    BOOST_REQUIRE((*w)->close().has_value());
  }
  marks.clear();
  torn = read(root / "unknown2", marks);
  BOOST_CHECK(torn && marks.empty());
}

namespace {

// Answers every call with ESUCCESS and remembers what reached it.
struct FakeSystem : tc::wasi::System {
#define WASI_CALL(name, id, params, results, ins, outs)                                \
  tc::wasi::Errno name(const tc::wasi::call::name##_in&, tc::wasi::call::name##_out&) \
      override {                                                                       \
    calls.push_back(#name);                                                            \
    return tc::wasi::Errno::Success;                                                   \
  }
#include "wasi/calls.def"
#undef WASI_CALL
  std::vector<std::string> calls;
};

struct ClockFake : FakeSystem {
  tc::wasi::Errno clock_time_get(const tc::wasi::call::clock_time_get_in&,
                                 tc::wasi::call::clock_time_get_out& out) override {
    out.time = now;
    return tc::wasi::Errno::Success;
  }
  tc::wasi::Errno poll_oneoff(const tc::wasi::call::poll_oneoff_in& in,
                              tc::wasi::call::poll_oneoff_out&) override {
    polled = in.subscriptions;
    return tc::wasi::Errno::Success;
  }
  tc::wasi::Errno fd_fdstat_get(const tc::wasi::call::fd_fdstat_get_in& in,
                                tc::wasi::call::fd_fdstat_get_out& out) override {
    if (in.fd != 3) return tc::wasi::Errno::BadF;
    out.stat.filetype = tc::wasi::Filetype::RegularFile;
    out.stat.rights_base = tc::wasi::right::All;
    return tc::wasi::Errno::Success;
  }
  tc::wasi::Errno fd_read(const tc::wasi::call::fd_read_in& in,
                          tc::wasi::call::fd_read_out& out) override {
    uint64_t n = 0;
    for (auto b : in.iovs) n += b.size();
    asked.push_back(n);
    out.nread = tc::wasi::Size(n);
    return tc::wasi::Errno::Success;
  }
  uint64_t now = 5000000000;
  std::vector<tc::wasi::Subscription> polled;
  std::vector<uint64_t> asked;
};

}  // namespace

BOOST_AUTO_TEST_CASE(chaos_system_leaves_unknown_calls_and_bad_fds_alone) {
  using namespace tc::wasi;
  ClockFake real;
  ChaosSystem chaos(real, ChaosConfig{1.0, 1, chaos::kAll});
  call::args_get_out args;
  BOOST_CHECK(chaos.args_get({}, args) == Errno::Success && !chaos.last_result_injected());
  call::proc_exit_out exit_out;
  chaos.proc_exit({7}, exit_out);
  BOOST_CHECK(!chaos.last_result_injected());
  BOOST_CHECK(std::count(real.calls.begin(), real.calls.end(), "proc_exit") == 1);
  uint8_t buf[64];
  call::fd_read_out r;
  // fd 9 is no fd: the real call answers (EBADF in a real System).
  BOOST_CHECK(chaos.fd_read({9, {std::span<uint8_t>(buf)}}, r) == Errno::Success);
  BOOST_CHECK(!chaos.last_result_injected());
  BOOST_CHECK_EQUAL(real.asked.size(), 1u);
  // fd 3 at rate 1: every read is injected; a short one asks the real
  // system for fewer bytes (1..63), so what it returns is not lost.
  size_t shorts = 0, errors = 0;
  for (int i = 0; i < 200; ++i) {
    size_t before = real.asked.size();
    Errno e = chaos.fd_read({3, {std::span<uint8_t>(buf, 40), std::span<uint8_t>(buf + 40, 24)}}, r);
    BOOST_CHECK(chaos.last_result_injected());
    if (e == Errno::Success) {
      ++shorts;
      BOOST_REQUIRE_EQUAL(real.asked.size(), before + 1);
      BOOST_CHECK(real.asked.back() >= 1 && real.asked.back() <= 63);
      BOOST_CHECK_EQUAL(r.nread, real.asked.back());
    } else {
      ++errors;
      BOOST_CHECK(e == Errno::Io);  // a regular file: only EIO
      BOOST_CHECK_EQUAL(real.asked.size(), before);  // no real call
    }
  }
  BOOST_CHECK(shorts > 50 && errors > 50);
  BOOST_CHECK_EQUAL(chaos.injected(), 200u);
}

BOOST_AUTO_TEST_CASE(chaos_system_poll_deadlines_follow_the_jumped_clocks) {
  using namespace tc::wasi;
  ClockFake real;
  ChaosSystem chaos(real, ChaosConfig{1.0, 2, chaos::kClock});
  call::clock_time_get_out t;
  BOOST_REQUIRE(chaos.clock_time_get({ClockId::Monotonic, 1}, t) == Errno::Success);
  BOOST_CHECK(chaos.last_result_injected());
  uint64_t offset = t.time - real.now;
  BOOST_CHECK(offset >= 1000000000ull && offset <= 3600000000000ull);
  // An absolute deadline 5 ms after what the program saw: 5 ms after the real now.
  Subscription s;
  s.type = EventType::Clock;
  s.clock_id = ClockId::Monotonic;
  s.clock_flags = kSubclockAbstime;
  s.timeout = t.time + 5000000;
  Subscription rel = s;
  rel.clock_flags = 0;
  rel.timeout = 5000000;
  call::poll_oneoff_out out;
  BOOST_REQUIRE(chaos.poll_oneoff({{s, rel}}, out) == Errno::Success);  // io is off: no EINTR
  BOOST_CHECK(!chaos.last_result_injected());
  BOOST_REQUIRE_EQUAL(real.polled.size(), 2u);
  BOOST_CHECK_EQUAL(real.polled[0].timeout, real.now + 5000000);
  BOOST_CHECK_EQUAL(real.polled[1].timeout, 5000000u);  // relative: unchanged
  // The realtime clock jumps either way, and keeps its jump.
  std::set<bool> forward;
  int64_t last_offset = 0;
  for (int i = 0; i < 50; ++i) {
    BOOST_REQUIRE(chaos.clock_time_get({ClockId::Realtime, 1}, t) == Errno::Success);
    int64_t off = int64_t(t.time) - int64_t(real.now);
    forward.insert(off > last_offset);
    BOOST_CHECK(off != last_offset);
    last_offset = off;
  }
  BOOST_CHECK_EQUAL(forward.size(), 2u);
  // The same seed: the same jumps.
  ClockFake real2;
  ChaosSystem again(real2, ChaosConfig{1.0, 2, chaos::kClock});
  BOOST_REQUIRE(again.clock_time_get({ClockId::Monotonic, 1}, t) == Errno::Success);
  BOOST_CHECK_EQUAL(t.time - real2.now, offset);
}
