// `timecraft trace network` and `timecraft trace request` end to end: the
// HTTP server test/replay/http_server.c runs under `run --listen` and real
// curl drives it (two URLs on one keep-alive connection, a POST, a large
// body); the traces must agree with what curl says it sent and received.
// The recording then replays with the server gone (nothing listens on the
// port any more). Also: a run without sockets, a wrong id, usage errors.
#define BOOST_TEST_MODULE net_trace_e2e_tests
#include <boost/test/unit_test.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <future>
#include <map>
#include <regex>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "test/cli_fixture.hpp"

using namespace tc::test;
using json = nlohmann::json;

namespace {

const char* kCurl = "/usr/bin/curl";

int free_port() {
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

// Whether something listens on 127.0.0.1:port, from /proc/net/tcp (state
// 0A), without connecting: a probe connection would be one more accept.
bool listening(int port) {
  std::istringstream in(slurp("/proc/net/tcp"));
  char want[32];
  std::snprintf(want, sizeof want, "0100007F:%04X", port);
  for (std::string line; std::getline(in, line);) {
    std::istringstream f(line);
    std::string sl, local, remote, st;
    f >> sl >> local >> remote >> st;
    if (local == want && st == "0A") return true;
  }
  return false;
}

bool connect_refused(int port) {
  int s = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(uint16_t(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bool refused = ::connect(s, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0;
  ::close(s);
  return refused;
}

// What one curl invocation moved: the request bytes, the response heads
// and bodies (curl -w), and what it printed.
struct CurlRun {
  ProcResult r;
  uint64_t request = 0, header = 0, download = 0;
};

CurlRun curl(std::vector<std::string> args) {
  args.insert(args.begin(), {kCurl, "-s", "-S", "--max-time", "30"});
  args.push_back("-w");
  args.push_back("\n%{size_request} %{size_header} %{size_download}\n");
  CurlRun c;
  c.r = run_process(args, 60);
  // One -w line per URL, each after that URL's body: add them up.
  std::istringstream in(c.r.out);
  for (std::string line; std::getline(in, line);) {
    std::istringstream f(line);
    uint64_t a, b, d;
    std::string rest;
    if (f >> a >> b >> d && !(f >> rest)) c.request += a, c.header += b, c.download += d;
  }
  return c;
}

struct Recording {
  std::string id;
  int port = 0;
  CurlRun two, post, big;  // keep-alive GET /hello + GET /nope; POST /echo; GET /big
  ProcResult run;
};

// Records the server answering three curl invocations (4 requests).
Recording record_http(CliFixture& f, std::vector<std::string> run_options = {}) {
  Recording rec;
  rec.port = free_port();
  std::string base = "http://127.0.0.1:" + std::to_string(rec.port);
  auto server = std::async(std::launch::async, [&] {
    std::vector<std::string> args = {"run", "--listen", "127.0.0.1:" + std::to_string(rec.port)};
    args.insert(args.end(), run_options.begin(), run_options.end());
    args.push_back((f.programs / "http_server.wasm").string());
    args.push_back("4");
    return f.tc(args, 60);
  });
  for (int i = 0; i < 600 && !listening(rec.port); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  BOOST_REQUIRE_MESSAGE(listening(rec.port), "the server never listened");
  rec.two = curl({base + "/hello", base + "/nope"});
  rec.post = curl({"-d", "abc=def&x=1", base + "/echo"});
  rec.big = curl({"-o", "/dev/null", base + "/big"});
  rec.run = server.get();
  BOOST_REQUIRE_MESSAGE(rec.run.exit_code == 0, rec.run.err);
  rec.id = take_id(rec.run.err);
  return rec;
}

json parse(const std::string& s) {
  json j = json::parse(s, nullptr, false);
  BOOST_REQUIRE_MESSAGE(!j.is_discarded(), s);
  return j;
}

}  // namespace

BOOST_FIXTURE_TEST_CASE(curl_gets_its_answers_and_trace_network_counts_its_bytes, CliFixture) {
  auto rec = record_http(*this);
  BOOST_TEST(rec.run.out == "served all requests\n");
  BOOST_TEST(rec.two.r.exit_code == 0);
  BOOST_TEST(contains(rec.two.r.out, "hello, world\n"));
  BOOST_TEST(contains(rec.two.r.out, "not found\n"));
  BOOST_TEST(rec.post.r.out.rfind("abc=def&x=1", 0) == 0, rec.post.r.out);
  BOOST_TEST(rec.big.download == 3000u);

  auto j = parse(tc({"trace", "network", "-o", "json", rec.id}).out);
  BOOST_TEST(j["process"] == rec.id);
  // The listener and the three accepted connections.
  const auto& socks = j["sockets"];
  BOOST_REQUIRE_EQUAL(socks.size(), 4u);
  BOOST_TEST(socks[0]["role"] == "listen");
  BOOST_TEST(socks[0]["fd"] == 3);
  BOOST_TEST(socks[0]["local"] == "127.0.0.1:" + std::to_string(rec.port));
  const CurlRun* runs[] = {&rec.two, &rec.post, &rec.big};
  for (int i = 0; i < 3; ++i) {
    const auto& s = socks[i + 1];
    BOOST_TEST(s["role"] == "accept");
    BOOST_TEST(s["listener_fd"] == 3);
    BOOST_TEST(s["bytes_received"].is_number_unsigned());
    BOOST_TEST(s["bytes_received"].get<uint64_t>() == runs[i]->request);
    BOOST_TEST(s["bytes_sent"].get<uint64_t>() == runs[i]->header + runs[i]->download);
    BOOST_TEST(s["errors"] == 0);
    BOOST_TEST(s["peer"].is_null());  // preview1 sock_accept does not say
    BOOST_TEST(s["closed_ns"].is_number());
  }
  // Events: per connection ACCEPT, RECV/SEND whose sizes add up, SHUT WR, CLOSE.
  std::map<std::string, int> kinds;
  uint64_t recv = 0, sent = 0;
  uint64_t last_ns = 0;
  for (const auto& e : j["events"]) {
    kinds[e["event"]]++;
    BOOST_TEST(e["time_ns"].get<uint64_t>() >= last_ns);
    last_ns = e["time_ns"];
    BOOST_TEST(e["errno"] == "ESUCCESS");
    if (e["event"] == "RECV") recv += e["size"].get<uint64_t>();
    if (e["event"] == "SEND") sent += e["size"].get<uint64_t>();
    if (e["event"] == "SHUT") BOOST_TEST(e["how"] == "WR");
  }
  BOOST_TEST(kinds["ACCEPT"] == 3);
  BOOST_TEST(kinds["SHUT"] == 3);
  BOOST_TEST(kinds["CLOSE"] == 3);
  BOOST_TEST(kinds["SEND"] == 8);  // head by send(), body by write(), 4 responses
  BOOST_TEST(recv == rec.two.request + rec.post.request + rec.big.request);
  BOOST_TEST(sent == rec.two.header + rec.two.download + rec.post.header + rec.post.download +
                         rec.big.header + rec.big.download);

  // The text: the same events as lines, then the sockets.
  auto t = tc({"trace", "network", rec.id});
  BOOST_TEST(t.exit_code == 0);
  std::regex accept(R"(\n\d+ +\d+\.\d{6} +4 +ACCEPT +127\.0\.0\.1:\d+ +\? +- +OK\n)");
  BOOST_TEST(std::regex_search(t.out, accept), t.out);
  std::regex body(R"(\n\d+ +\d+\.\d{6} +4 +SEND +127\.0\.0\.1:\d+ +\? +3000 +OK\n)");
  BOOST_TEST(std::regex_search(t.out, body), t.out);
  BOOST_TEST(contains(t.out, " SHUT WR "));
  BOOST_TEST(contains(t.out, "\nFD   ROLE"));
  std::regex big_row("\n4 +accept +127\\.0\\.0\\.1:\\d+ +\\? +\\d+\\.\\d+ +\\d+\\.\\d+ +" +
                     std::to_string(rec.big.request) + " +" +
                     std::to_string(rec.big.header + rec.big.download) + " +0\n");
  BOOST_TEST(std::regex_search(t.out, big_row), t.out);
  // JSON lines: one event a line, the same as the JSON's.
  auto l = tc({"trace", "network", "-o", "jsonl", rec.id});
  BOOST_TEST(lines(l.out) == j["events"].size());
  auto y = tc({"trace", "network", "-o", "yaml", rec.id});
  BOOST_TEST(y.exit_code == 0);
  BOOST_TEST(contains(y.out, "event: ACCEPT"));
}

BOOST_FIXTURE_TEST_CASE(trace_request_shows_each_exchange, CliFixture) {
  auto rec = record_http(*this);
  auto j = parse(tc({"trace", "request", "-o", "json", rec.id}).out);
  BOOST_REQUIRE_EQUAL(j.size(), 4u);
  struct Want {
    const char* method;
    const char* target;
    int status;
    uint64_t req_body, resp_body;
    int fd;
  } want[] = {{"GET", "/hello", 200, 0, 13, 4}, {"GET", "/nope", 404, 0, 10, 4},
              {"POST", "/echo", 200, 11, 11, 4}, {"GET", "/big", 200, 0, 3000, 4}};
  for (size_t i = 0; i < 4; ++i) {
    const auto& x = j[i];
    BOOST_TEST(x["request"]["method"] == want[i].method);
    BOOST_TEST(x["request"]["target"] == want[i].target);
    BOOST_TEST(x["request"]["version"] == "HTTP/1.1");
    BOOST_TEST(x["request"]["complete"] == true);
    BOOST_TEST(x["request"]["body_size"].get<uint64_t>() == want[i].req_body);
    BOOST_TEST(x["response"]["status"].is_number());
    BOOST_TEST(x["response"]["status"] == want[i].status);
    BOOST_TEST(x["response"]["body_size"].get<uint64_t>() == want[i].resp_body);
    BOOST_TEST(x["response"]["complete"] == true);
    BOOST_TEST(x["fd"] == want[i].fd);
    BOOST_TEST(x["duration_ns"].get<uint64_t>() > 0u);
    BOOST_TEST(x["response"]["time_ns"].get<uint64_t>() >= x["request"]["time_ns"].get<uint64_t>());
    bool has_agent = false;
    for (const auto& h : x["request"]["headers"])
      has_agent |= h["name"] == "User-Agent" && h["value"].get<std::string>().rfind("curl/", 0) == 0;
    BOOST_TEST(has_agent);
  }
  BOOST_TEST(j[2]["request"]["body"]["text"] == "abc=def&x=1");
  BOOST_TEST(j[2]["response"]["body"]["text"] == "abc=def&x=1");
  // The request and response heads' sizes are what curl counted.
  BOOST_TEST(j[0]["response"]["head_size"].get<uint64_t>() + j[1]["response"]["head_size"].get<uint64_t>() ==
             rec.two.header);
  BOOST_TEST(j[2]["request"]["head_size"].get<uint64_t>() + 11 == rec.post.request);

  auto t = tc({"trace", "request", rec.id});
  BOOST_TEST(t.exit_code == 0);
  BOOST_TEST(lines(t.out) == 6u, t.out);  // the process line, the column names, 4 exchanges
  std::regex row(R"(\n\d+ +\d+\.\d{6} +4 +GET +/nope +404 Not Found +0 +10 +\d+(\.\d+)?(ns|us|ms|s)\n)");
  BOOST_TEST(std::regex_search(t.out, row), t.out);
  BOOST_TEST(std::regex_search(t.out, std::regex(R"(\n\d+ +\d+\.\d{6} +4 +POST +/echo +200 OK +11 +11 )")), t.out);
  BOOST_TEST(!contains(t.out, "User-Agent"));
  auto v = tc({"trace", "request", "-v", rec.id});
  BOOST_TEST(contains(v.out, "\n    > GET /hello HTTP/1.1\n    > Host: 127.0.0.1:" + std::to_string(rec.port) + "\n"), v.out);
  BOOST_TEST(contains(v.out, "\n    > User-Agent: curl/"));
  BOOST_TEST(contains(v.out, "\n    < HTTP/1.1 404 Not Found\n    < Content-Type: text/plain\n    < Content-Length: 10\n"));
  BOOST_TEST(contains(v.out, "\n    > Content-Type: application/x-www-form-urlencoded\n"));
  auto l = tc({"trace", "request", "-o", "jsonl", rec.id});
  BOOST_TEST(lines(l.out) == 4u);
  BOOST_TEST(parse(l.out.substr(0, l.out.find('\n')))["request"]["target"] == "/hello");
}

BOOST_FIXTURE_TEST_CASE(replays_with_the_server_gone, CliFixture) {
  auto rec = record_http(*this);
  auto before = tc({"trace", "request", rec.id}).out;
  BOOST_TEST(!listening(rec.port));
  BOOST_TEST(connect_refused(rec.port));
  auto r = tc({"replay", rec.id});
  BOOST_TEST(r.exit_code == 0, r.err);
  BOOST_TEST(r.out == rec.run.out);
  BOOST_TEST(r.err == rec.run.err);
  // With no network at all: a new, empty network namespace.
  if (run_process({"/usr/bin/unshare", "-n", "/bin/true"}, 10).exit_code == 0) {
    auto n = run_process({"/usr/bin/unshare", "-n", bin, "replay", rec.id}, 60);
    BOOST_TEST(n.exit_code == 0, n.err);
    BOOST_TEST(n.out == rec.run.out);
    BOOST_TEST(n.err == rec.run.err);
  } else {
    BOOST_TEST_MESSAGE("unshare -n unavailable: replayed with the port closed only");
  }
  BOOST_TEST(tc({"trace", "request", rec.id}).out == before);
}

// A log whose last batch is torn: what could be read is printed, then a
// warning, and exit 1 (as `trace`).
BOOST_FIXTURE_TEST_CASE(a_torn_log_prints_what_it_holds_and_fails, CliFixture) {
  auto rec = record_http(*this, {"--record-batch-size", "4"});
  auto whole = parse(tc({"trace", "network", "-o", "json", rec.id}).out);
  fs::path seg = registry / "processes" / rec.id / "log" / "log.000000";
  BOOST_REQUIRE(fs::exists(seg));
  fs::resize_file(seg, fs::file_size(seg) - 5);
  auto r = tc({"trace", "network", "-o", "json", rec.id});
  BOOST_TEST(r.exit_code == 1);
  BOOST_TEST(r.err.rfind("timecraft: warning: the log ends early: ", 0) == 0, r.err);
  auto j = parse(r.out);
  BOOST_TEST(j["events"].size() > 0u);
  BOOST_TEST(j["events"].size() < whole["events"].size());
  for (size_t i = 0; i < j["events"].size(); ++i) BOOST_TEST(j["events"][i] == whole["events"][i]);
  auto q = tc({"trace", "request", rec.id});
  BOOST_TEST(q.exit_code == 1);
  BOOST_TEST(contains(q.out.substr(0, q.out.find('\n')), ", torn tail: "), q.out);
  BOOST_TEST(contains(q.out, " GET "), q.out);
}

// With a preopened directory the listener is fd 4 (after the directories).
BOOST_FIXTURE_TEST_CASE(the_listener_comes_after_the_preopened_directories, CliFixture) {
  int port = free_port();
  fs::create_directories(root / "d");
  auto server = std::async(std::launch::async, [&] {
    return tc({"run", "--dir", (root / "d").string() + ":/d", "--listen",
               "127.0.0.1:" + std::to_string(port), (programs / "http_server.wasm").string(), "1", "4"});
  });
  for (int i = 0; i < 600 && !listening(port); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  auto c = curl({"http://127.0.0.1:" + std::to_string(port) + "/hello"});
  auto run = server.get();
  BOOST_REQUIRE_MESSAGE(run.exit_code == 0, run.err);
  BOOST_TEST(contains(c.r.out, "hello, world"));
  auto j = parse(tc({"trace", "network", "-o", "json", take_id(run.err)}).out);
  BOOST_REQUIRE_EQUAL(j["sockets"].size(), 2u);
  BOOST_TEST(j["sockets"][0]["fd"] == 4);
  BOOST_TEST(j["sockets"][0]["role"] == "listen");
  BOOST_TEST(j["sockets"][0]["local"] == "127.0.0.1:" + std::to_string(port));
  BOOST_TEST(j["sockets"][1]["listener_fd"] == 4);
  BOOST_TEST(j["sockets"][1]["fd"] == 5);
  BOOST_TEST(j["sockets"][1]["bytes_received"].get<uint64_t>() == c.request);
}

BOOST_FIXTURE_TEST_CASE(a_run_without_sockets_has_empty_tables, CliFixture) {
  auto run = tc({"run", (programs / "http_server.wasm").string(), "0"});
  BOOST_REQUIRE_EQUAL(run.exit_code, 0);
  std::string id = take_id(run.err);
  auto n = tc({"trace", "network", id});
  BOOST_TEST(n.exit_code == 0);
  BOOST_TEST(n.err == "");
  BOOST_TEST(lines(n.out) == 4u, n.out);  // the process line, two column lines, a blank
  BOOST_TEST(contains(n.out, ", 0 sockets\nRECORD   SECONDS   FD   EVENT"), n.out);
  auto q = tc({"trace", "request", id});
  BOOST_TEST(q.exit_code == 0);
  BOOST_TEST(lines(q.out) == 2u, q.out);
  BOOST_TEST(parse(tc({"trace", "request", "-o", "json", id}).out) == json::array());
  auto j = parse(tc({"trace", "network", "-o", "json", id}).out);
  BOOST_TEST(j["events"] == json::array());
  BOOST_TEST(j["sockets"] == json::array());
}

BOOST_FIXTURE_TEST_CASE(wrong_ids_and_usage_errors, CliFixture) {
  auto run = tc({"run", (programs / "http_server.wasm").string(), "0"});
  std::string id = take_id(run.err);
  for (const char* sub : {"network", "request"}) {
    auto r = tc({"trace", sub, "feedbeef"});
    BOOST_TEST(r.exit_code == 1);
    BOOST_TEST(one_error_line(r), r.err);
    BOOST_TEST(r.out == "");
    BOOST_TEST(tc({"trace", sub}).exit_code == 2);
    BOOST_TEST(tc({"trace", sub, "-o", "xml", id}).exit_code == 2);
    auto h = tc({"trace", sub, "-h"});
    BOOST_TEST(h.exit_code == 0);
    BOOST_TEST(contains(h.out, std::string("Usage: timecraft trace ") + sub));
    BOOST_TEST(tc({"help", "trace", sub}).out == h.out);
  }
  BOOST_TEST(tc({"trace", "request", "-v", "-o", "json", id}).exit_code == 2);
  BOOST_TEST(tc({"trace", "network", "-v", id}).exit_code == 2);  // no -v there
}
