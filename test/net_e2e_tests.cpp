// Outbound and listening sockets (WasmEdge's socket extension) end to end,
// through the real CLI, against servers this test runs itself:
//  - test/replay/net_client.c fetches from a local HTTP server under
//    --dial (and a UDP echo server: sock_send_to / sock_recv_from); without
//    --dial, or outside the --net allow-list, its connect is ENOTCAPABLE and
//    the server sees nothing;
//  - the replay reproduces the output byte for byte after the servers are
//    gone, and inside a new network namespace (unshare -rn: no network);
//  - `trace` shows the socket calls with their addresses;
//  - test/replay/net_server.c binds, listens and accepts under --listen
//    and under --net, and the test is its client; without either its bind
//    is ENOTCAPABLE;
//  - malformed --dial / --net are usage errors (exit 2).
#define BOOST_TEST_MODULE net_e2e_tests
#include <boost/test/unit_test.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <future>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "test/cli_fixture.hpp"

using namespace tc::test;

namespace {

const char kResponse[] =
    "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 19\r\n\r\nhello from the test\n";

sockaddr_in loopback(uint16_t port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return a;
}

uint16_t bound_port(int fd) {
  sockaddr_in a{};
  socklen_t len = sizeof a;
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  return ntohs(a.sin_port);
}

// A TCP server answering every request with kResponse, and a UDP server
// answering every datagram with "pong", on 127.0.0.1 ephemeral ports.
struct Servers {
  int tcp = -1, udp = -1;
  uint16_t tcp_port = 0, udp_port = 0;
  std::atomic<bool> stop{false};
  std::atomic<int> connections{0}, datagrams{0};
  std::mutex mutex;
  std::string last_request_;  // under mutex
  std::thread thread;

  std::string last_request() {
    std::lock_guard<std::mutex> lock(mutex);
    return last_request_;
  }

  Servers() {
    tcp = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    udp = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    auto a = loopback(0);
    BOOST_REQUIRE(bind(tcp, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    BOOST_REQUIRE(listen(tcp, 16) == 0);
    BOOST_REQUIRE(bind(udp, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    tcp_port = bound_port(tcp);
    udp_port = bound_port(udp);
    thread = std::thread([this] { serve(); });
  }
  ~Servers() { shut(); }

  void serve() {
    while (!stop) {
      pollfd p[2] = {{tcp, POLLIN, 0}, {udp, POLLIN, 0}};
      if (poll(p, 2, 50) <= 0) continue;
      if (p[0].revents & POLLIN) {
        int c = accept4(tcp, nullptr, nullptr, SOCK_CLOEXEC);
        if (c < 0) continue;
        ++connections;
        std::string req;
        char buf[1024];
        while (req.find("\r\n\r\n") == std::string::npos) {
          ssize_t n = recv(c, buf, sizeof buf, 0);
          if (n <= 0) break;
          req.append(buf, size_t(n));
        }
        {
          std::lock_guard<std::mutex> lock(mutex);
          last_request_ = req;
        }
        send(c, kResponse, sizeof kResponse - 1, MSG_NOSIGNAL);
        close(c);
      }
      if (p[1].revents & POLLIN) {
        char buf[512];
        sockaddr_in from{};
        socklen_t len = sizeof from;
        ssize_t n = recvfrom(udp, buf, sizeof buf, 0, reinterpret_cast<sockaddr*>(&from), &len);
        if (n < 0) continue;
        ++datagrams;
        sendto(udp, "pong", 4, 0, reinterpret_cast<sockaddr*>(&from), len);
      }
    }
  }

  // Stops serving and closes both ports.
  void shut() {
    if (thread.joinable()) {
      stop = true;
      thread.join();
    }
    if (tcp >= 0) close(tcp);
    if (udp >= 0) close(udp);
    tcp = udp = -1;
  }
};

bool port_open(uint16_t port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  auto a = loopback(port);
  bool ok = connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  close(fd);
  return ok;
}

// A port nothing listens on now (bound, then released).
uint16_t free_port() {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  auto a = loopback(0);
  bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  uint16_t p = bound_port(fd);
  close(fd);
  return p;
}

// Connects to 127.0.0.1:port (retrying while the guest starts), sends an
// HTTP request and returns the whole response ("" if it never connected).
std::string fetch(uint16_t port, const std::string& path) {
  for (int attempt = 0; attempt < 300; ++attempt) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    auto a = loopback(port);
    if (connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0) {
      std::string req = "GET " + path + " HTTP/1.0\r\nHost: test\r\n\r\n";
      send(fd, req.data(), req.size(), MSG_NOSIGNAL);
      std::string resp;
      char buf[1024];
      for (ssize_t n; (n = recv(fd, buf, sizeof buf, 0)) > 0;) resp.append(buf, size_t(n));
      close(fd);
      return resp;
    }
    close(fd);
    usleep(20000);
  }
  return "";
}

struct NetFixture : CliFixture {
  std::string client = (programs / "net_client.wasm").string();
  std::string server = (programs / "net_server.wasm").string();
};

std::string dial(uint16_t port) { return "127.0.0.1:" + std::to_string(port); }

}  // namespace

BOOST_FIXTURE_TEST_CASE(client_fetches_under_dial, NetFixture) {
  Servers s;
  auto r = tc({"run", "--dial", dial(s.tcp_port), "--dial", dial(s.udp_port), client, "127.0.0.1",
               std::to_string(s.tcp_port), std::to_string(s.udp_port)});
  BOOST_TEST_INFO(r.out + r.err);
  BOOST_REQUIRE_EQUAL(r.exit_code, 0);
  std::string p = std::to_string(s.tcp_port), u = std::to_string(s.udp_port);
  BOOST_TEST(r.out.find("resolved 127.0.0.1:" + p + " -> 127.0.0.1:" + p + " (1 result)") != std::string::npos);
  BOOST_TEST(r.out.find("SO_KEEPALIVE=1 SO_TYPE=STREAM\n") != std::string::npos);
  BOOST_TEST(r.out.find("local 127.0.0.1:0\npeer 127.0.0.1:" + p + "\n") != std::string::npos);
  BOOST_TEST(r.out.find("local port missing") == std::string::npos);
  BOOST_TEST(r.out.find(kResponse) != std::string::npos);
  BOOST_TEST(r.out.find("udp: sent 4 bytes, got \"pong\" from 127.0.0.1:" + u + "\n") != std::string::npos);
  BOOST_TEST(s.connections.load() == 1);
  BOOST_TEST(s.datagrams.load() == 1);
  BOOST_TEST(s.last_request() == "GET / HTTP/1.0\r\nHost: 127.0.0.1:" + p + "\r\n\r\n");
}

BOOST_FIXTURE_TEST_CASE(replay_needs_no_network, NetFixture) {
  Servers s;
  auto r = tc({"run", "--dial", dial(s.tcp_port), "--dial", dial(s.udp_port), client, "127.0.0.1",
               std::to_string(s.tcp_port), std::to_string(s.udp_port)});
  BOOST_REQUIRE_EQUAL(r.exit_code, 0);
  std::string id = take_id(r.err);
  s.shut();
  BOOST_REQUIRE(!port_open(s.tcp_port));
  auto rp = tc({"replay", id});
  BOOST_TEST_INFO(rp.err);
  BOOST_TEST(rp.exit_code == 0);
  BOOST_TEST(rp.out == r.out);  // byte for byte
  // And with no network at all: a new, empty network namespace.
  auto ns = run_process({"/usr/bin/unshare", "-rn", bin, "replay", id}, 60);
  BOOST_TEST_INFO(ns.err);
  BOOST_TEST(ns.exit_code == 0);
  BOOST_TEST(ns.out == r.out);
}

BOOST_FIXTURE_TEST_CASE(connect_refused_without_dial, NetFixture) {
  Servers s;
  std::string p = std::to_string(s.tcp_port);
  auto r = tc({"run", client, "127.0.0.1", p});
  BOOST_TEST(r.exit_code == 1);
  BOOST_TEST(r.out.find("sock_connect(127.0.0.1:" + p + "): errno 76 (ENOTCAPABLE)\n") != std::string::npos,
             r.out);
  // --dial of another port does not open this one.
  auto other = tc({"run", "--dial", dial(s.udp_port), client, "127.0.0.1", p});
  BOOST_TEST(other.exit_code == 1);
  BOOST_TEST(other.out.find("errno 76 (ENOTCAPABLE)") != std::string::npos, other.out);
  BOOST_TEST(s.connections.load() == 0);
}

BOOST_FIXTURE_TEST_CASE(net_allow_list, NetFixture) {
  Servers s;
  std::string p = std::to_string(s.tcp_port);
  for (const std::string& allow : std::vector<std::string>{
           dial(s.tcp_port), "127.0.0.0/8:*", "10.0.0.0/8:*,127.0.0.1:1-65535", "*:" + p}) {
    auto r = tc({"run", "--net", allow, client, "127.0.0.1", p});
    BOOST_TEST(r.exit_code == 0, allow << ": " << r.out);
    BOOST_TEST(r.out.find("hello from the test") != std::string::npos, allow);
  }
  for (const std::string& deny :
       std::vector<std::string>{"10.0.0.0/8:*", "127.0.0.1:1-2", "127.0.0.2:" + p, "[::1]:" + p}) {
    auto r = tc({"run", "--net", deny, client, "127.0.0.1", p});
    BOOST_TEST(r.exit_code == 1, deny);
    BOOST_TEST(r.out.find("errno 76 (ENOTCAPABLE)") != std::string::npos, deny << ": " << r.out);
  }
  BOOST_TEST(s.connections.load() == 4);
}

BOOST_FIXTURE_TEST_CASE(trace_shows_addresses, NetFixture) {
  Servers s;
  std::string p = std::to_string(s.tcp_port), u = std::to_string(s.udp_port);
  auto r = tc({"run", "--dial", dial(s.tcp_port), "--dial", dial(s.udp_port), client, "127.0.0.1", p, u});
  BOOST_REQUIRE_EQUAL(r.exit_code, 0);
  std::string id = take_id(r.err);
  auto t = tc({"trace", id});
  BOOST_REQUIRE_EQUAL(t.exit_code, 0);
  BOOST_TEST_INFO(t.out);
  for (const std::string& want : std::vector<std::string>{
           "sock_getaddrinfo(node=\"127.0.0.1\", service=\"" + p +
            "\", hints={flags=0, family=INET4, socktype=STREAM, protocol=IP}, max_results=2) = ESUCCESS "
            "results=[{addr=127.0.0.1:" + p + ", socktype=STREAM, protocol=TCP}]",
        std::string("sock_open(family=INET4, type=STREAM) = ESUCCESS fd=3"),
        std::string("sock_setsockopt(fd=3, level=SOL_SOCKET, name=SO_KEEPALIVE, value=1) = ESUCCESS"),
        std::string("sock_getsockopt(fd=3, level=SOL_SOCKET, name=SO_TYPE) = ESUCCESS value=2"),
        "sock_connect(fd=3, addr=127.0.0.1:" + p + ") = ESUCCESS",
        "sock_getpeeraddr(fd=3) = ESUCCESS addr=127.0.0.1:" + p,
        "sock_send_to(fd=3, iovs=[\"ping\"], addr=127.0.0.1:" + u + ", flags=0) = ESUCCESS nsent=4",
        "roflags=0 peer=127.0.0.1:" + u + " <- \"pong\""})
    BOOST_TEST(t.out.find(want) != std::string::npos, want);
  // JSON: the address as a string.
  auto j = tc({"trace", "-o", "jsonl", "--call", "sock_connect", id});
  BOOST_REQUIRE_EQUAL(j.exit_code, 0);
  auto rec = nlohmann::json::parse(j.out.substr(0, j.out.find('\n')));
  BOOST_TEST(rec["inputs"]["addr"] == "127.0.0.1:" + p);
  // A refused connect is in the log too.
  auto d = tc({"run", client, "127.0.0.1", p});
  std::string did = take_id(d.err);
  auto dt = tc({"trace", "--call", "sock_connect", did});
  BOOST_TEST(dt.out.find("sock_connect(fd=3, addr=127.0.0.1:" + p + ") = ENOTCAPABLE") != std::string::npos,
             dt.out);
  // The network settings are in the process's metadata.
  auto meta = nlohmann::json::parse(std::ifstream(process_json(id)));
  BOOST_TEST(meta["dial"].size() == 2);
  BOOST_TEST(meta["dial"][0] == dial(s.tcp_port));
  auto desc = tc({"describe", "process", id});
  BOOST_TEST(desc.out.find("Network:\n  dial " + dial(s.tcp_port) + "\n  dial " + dial(s.udp_port) + "\n") !=
                 std::string::npos,
             desc.out);
  auto dj = tc({"describe", "process", id, "-o", "json"});
  BOOST_TEST(nlohmann::json::parse(dj.out)["dial"].size() == 2);
}

BOOST_FIXTURE_TEST_CASE(server_under_listen, NetFixture) {
  uint16_t port = free_port();
  std::string p = std::to_string(port);
  auto run = std::async(std::launch::async, [&] {
    return tc({"run", "--listen", dial(port), server, "127.0.0.1", p});
  });
  std::string resp = fetch(port, "/hello");
  auto r = run.get();
  BOOST_TEST_INFO(r.out + r.err);
  BOOST_REQUIRE_EQUAL(r.exit_code, 0);
  BOOST_TEST(resp.find("HTTP/1.0 200 OK\r\n") == 0);
  BOOST_TEST(resp.find("\r\n\r\nhello from net_server\n") != std::string::npos);
  BOOST_TEST(r.out.find("accepted a connection from 127.0.0.1\nrequest: GET /hello HTTP/1.0\n") !=
             std::string::npos);
  std::string id = take_id(r.err);
  BOOST_REQUIRE(!port_open(port));
  auto rp = run_process({"/usr/bin/unshare", "-rn", bin, "replay", id}, 60);
  BOOST_TEST_INFO(rp.err);
  BOOST_TEST(rp.exit_code == 0);
  BOOST_TEST(rp.out == r.out);
}

BOOST_FIXTURE_TEST_CASE(server_under_net, NetFixture) {
  uint16_t port = free_port();
  std::string p = std::to_string(port);
  auto run = std::async(std::launch::async, [&] {
    return tc({"run", "--net", "127.0.0.1:" + p, server, "127.0.0.1", p});
  });
  std::string resp = fetch(port, "/net");
  auto r = run.get();
  BOOST_TEST_INFO(r.out + r.err);
  BOOST_REQUIRE_EQUAL(r.exit_code, 0);
  BOOST_TEST(resp.find("hello from net_server") != std::string::npos);
  BOOST_TEST(r.out.find("request: GET /net HTTP/1.0\n") != std::string::npos);
  // Nothing allowed: the bind is refused before anything listens.
  auto denied = tc({"run", server, "127.0.0.1", p});
  BOOST_TEST(denied.exit_code == 1);
  BOOST_TEST(denied.out == "sock_bind: errno 76 (ENOTCAPABLE)\n");
  auto other = tc({"run", "--net", "127.0.0.1:1", server, "127.0.0.1", p});
  BOOST_TEST(other.out == "sock_bind: errno 76 (ENOTCAPABLE)\n");
}

BOOST_FIXTURE_TEST_CASE(bad_network_options, NetFixture) {
  for (std::vector<std::string> bad : std::vector<std::vector<std::string>>{
           {"--net", "127.0.0.1"}, {"--net", "1.2.3.4/33:80"}, {"--net", "::1:80"},
           {"--net", "[127.0.0.1]:80"}, {"--net", "127.0.0.1:9-1"}, {"--net", "127.0.0.1:80,"},
           {"--net", "example:80"}, {"--dial", "127.0.0.1:99999"}, {"--dial", "127.0.0.1"},
           {"--dial", ":80"}}) {
    auto args = bad;
    args.insert(args.begin(), "run");
    args.push_back(client);
    auto r = tc(args);
    BOOST_TEST(r.exit_code == 2, bad[0] << " " << bad[1] << ": " << r.err);
    BOOST_TEST(r.err.find(bad[0] + " ") != std::string::npos, r.err);
    BOOST_TEST(r.out.empty());
  }
}
