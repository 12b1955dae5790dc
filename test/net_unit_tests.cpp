// WasmEdge's socket extension below the CLI: the --net / --dial rule parser
// and matcher (wasi/net_policy.hpp), and the ABI tier's reading and writing
// of guest addresses and getaddrinfo results (wasi/abi_sock.cpp), against a
// System that records what it was given.
#define BOOST_TEST_MODULE net_unit_tests
#include <boost/test/unit_test.hpp>

#include <arpa/inet.h>

#include <cstring>
#include <vector>

#include "wasi/abi_calls.hpp"
#include "wasi/net_policy.hpp"

using namespace tc::wasi;

namespace tc::wasi {
std::ostream& operator<<(std::ostream& os, Errno e) { return os << errno_name(e); }
}  // namespace tc::wasi

namespace {

SockAddr ip(const char* text, uint16_t port) {
  SockAddr a;
  if (inet_pton(AF_INET, text, a.addr) == 1) a.family = AddressFamily::Inet4;
  else if (inet_pton(AF_INET6, text, a.addr) == 1) a.family = AddressFamily::Inet6;
  a.port = port;
  return a;
}

bool allowed(const std::string& list, const SockAddr& a) {
  auto rules = parse_net_rules(list);
  BOOST_REQUIRE_MESSAGE(rules.has_value(), list);
  for (const auto& r : *rules)
    if (r.matches(a)) return true;
  return false;
}

class NoSys : public System {
 public:
#define WASI_CALL(name, id, params, results, ins, outs) \
  Errno name(const call::name##_in&, call::name##_out&) override { return Errno::NoSys; }
#include "wasi/calls.def"
#undef WASI_CALL
};

class Fake : public NoSys {
 public:
  SockAddr connected;
  std::vector<Addrinfo> results;
  Errno sock_connect(const call::sock_connect_in& in, call::sock_connect_out&) override {
    connected = in.addr;
    return Errno::Success;
  }
  Errno sock_getaddrinfo(const call::sock_getaddrinfo_in&, call::sock_getaddrinfo_out& out) override {
    out.results = results;
    return Errno::Success;
  }
  Errno sock_getpeeraddr(const call::sock_getpeeraddr_in&, call::sock_getpeeraddr_out& out) override {
    out.addr = ip("10.1.2.3", 8080);
    return Errno::Success;
  }
};

struct Mem {
  std::vector<uint8_t> bytes = std::vector<uint8_t>(65536);
  GuestMemory view() { return GuestMemory(bytes.data(), bytes.size()); }
  void u32(uint32_t at, uint32_t v) { std::memcpy(&bytes[at], &v, 4); }
  uint32_t u32(uint32_t at) { uint32_t v; std::memcpy(&v, &bytes[at], 4); return v; }
};

Errno ok(tc::Expected<Errno> r) {
  BOOST_REQUIRE(r.has_value());
  return *r;
}

}  // namespace

BOOST_AUTO_TEST_CASE(rules_match_hosts_prefixes_and_ports) {
  BOOST_TEST(allowed("127.0.0.1:8080", ip("127.0.0.1", 8080)));
  BOOST_TEST(!allowed("127.0.0.1:8080", ip("127.0.0.1", 8081)));
  BOOST_TEST(!allowed("127.0.0.1:8080", ip("127.0.0.2", 8080)));
  BOOST_TEST(allowed("10.0.0.0/8:*", ip("10.200.3.4", 1)));
  BOOST_TEST(!allowed("10.0.0.0/8:*", ip("11.0.0.1", 1)));
  BOOST_TEST(allowed("192.168.0.0/23:*", ip("192.168.1.255", 9)));
  BOOST_TEST(!allowed("192.168.0.0/23:*", ip("192.168.2.0", 9)));
  BOOST_TEST(allowed("*:53", ip("8.8.8.8", 53)));
  BOOST_TEST(allowed("*:53", ip("::1", 53)));
  BOOST_TEST(!allowed("*:53", ip("8.8.8.8", 54)));
  BOOST_TEST(allowed("[::1]:1000-2000", ip("::1", 1500)));
  BOOST_TEST(!allowed("[::1]:1000-2000", ip("::1", 2001)));
  BOOST_TEST(!allowed("[::1]:1000-2000", ip("127.0.0.1", 1500)));  // families differ
  BOOST_TEST(allowed("[fd00::]/8:*", ip("fd12::5", 80)));
  BOOST_TEST(allowed("10.0.0.0/8:*,127.0.0.1:80", ip("127.0.0.1", 80)));
  BOOST_TEST(allowed("0.0.0.0/0:*", ip("1.2.3.4", 5)));
}

BOOST_AUTO_TEST_CASE(bad_rules_are_usage_errors) {
  for (const char* bad : {"", "127.0.0.1", "127.0.0.1:", "127.0.0.1:65536", "127.0.0.1:9-1",
                          "1.2.3.4/33:1", "[::1]/129:1", "::1:80", "[127.0.0.1]:80", "host:80",
                          "127.0.0.1:80,", "1.2.3.4/x:1", "*:-1"}) {
    auto r = parse_net_rules(bad);
    BOOST_TEST(!r.has_value(), bad);
    if (!r) BOOST_TEST(r.error().message.find("--net ") == 0, r.error().message);
  }
  auto e = parse_endpoint("--dial", "127.0.0.1:99999");
  BOOST_TEST(!e.has_value());
  auto good = parse_endpoint("--dial", "127.0.0.1:80");
  BOOST_REQUIRE(good.has_value());
  BOOST_TEST(good->size() == 1u);
  BOOST_TEST((*good)[0].matches(ip("127.0.0.1", 80)));
  BOOST_TEST(!(*good)[0].matches(ip("127.0.0.1", 81)));
}

BOOST_AUTO_TEST_CASE(addresses_as_text) {
  BOOST_TEST(ip("127.0.0.1", 8080).to_string() == "127.0.0.1:8080");
  BOOST_TEST(ip("::1", 443).to_string() == "[::1]:443");
  BOOST_TEST(SockAddr{}.to_string() == "-");
}

BOOST_AUTO_TEST_CASE(abi_reads_v1_and_v2_addresses) {
  Fake sys;
  Mem m;
  tc::wasi::abi::Env env{sys, m.view()};
  // v2: 128 bytes of storage, family 1 (INET4) then the address.
  m.u32(100, 1000);
  m.u32(104, 128);
  m.bytes[1000] = 1;
  uint8_t v4[] = {127, 0, 0, 1};
  std::memcpy(&m.bytes[1002], v4, 4);
  uint64_t a[] = {3, 100, 8080};
  BOOST_TEST(ok(tc::wasi::abi::sock_connect(env, a)) == Errno::Success);
  BOOST_TEST(sys.connected.to_string() == "127.0.0.1:8080");
  // v1: 16 raw bytes are IPv6.
  m.u32(104, 16);
  uint8_t v6[16] = {};
  v6[15] = 1;
  std::memcpy(&m.bytes[1000], v6, 16);
  BOOST_TEST(ok(tc::wasi::abi::sock_connect(env, a)) == Errno::Success);
  BOOST_TEST(sys.connected.to_string() == "[::1]:8080");
  // Family AF_UNIX: not supported; another length: EINVAL; out of memory: EFAULT.
  m.u32(104, 128);
  m.bytes[1000] = 3;
  m.bytes[1001] = 0;
  BOOST_TEST(ok(tc::wasi::abi::sock_connect(env, a)) == Errno::AfNoSupport);
  m.bytes[1000] = 9;
  BOOST_TEST(ok(tc::wasi::abi::sock_connect(env, a)) == Errno::Inval);
  m.u32(104, 7);
  BOOST_TEST(ok(tc::wasi::abi::sock_connect(env, a)) == Errno::Inval);
  m.u32(100, 65530);
  m.u32(104, 128);
  BOOST_TEST(ok(tc::wasi::abi::sock_connect(env, a)) == Errno::Fault);
  uint64_t outside[] = {3, 65532, 1};
  BOOST_TEST(ok(tc::wasi::abi::sock_connect(env, outside)) == Errno::Fault);
}

BOOST_AUTO_TEST_CASE(abi_writes_peer_address_as_v2_storage) {
  Fake sys;
  Mem m;
  tc::wasi::abi::Env env{sys, m.view()};
  m.u32(100, 1000);
  m.u32(104, 128);
  std::memset(&m.bytes[1000], 0xee, 128);
  uint64_t a[] = {3, 100, 200};
  BOOST_TEST(ok(tc::wasi::abi::sock_getpeeraddr(env, a)) == Errno::Success);
  BOOST_TEST(m.bytes[1000] == 1);
  BOOST_TEST(m.bytes[1001] == 0);
  BOOST_TEST(m.bytes[1002] == 10);
  BOOST_TEST(m.bytes[1005] == 3);
  BOOST_TEST(m.bytes[1006] == 0);  // the rest is zeroed
  BOOST_TEST(m.u32(200) == 8080u);
  m.u32(104, 16);  // a v1 buffer is refused: this host speaks v2 only for outputs
  BOOST_TEST(ok(tc::wasi::abi::sock_getpeeraddr(env, a)) == Errno::Inval);
}

BOOST_AUTO_TEST_CASE(abi_fills_the_guests_addrinfo_chain) {
  Fake sys;
  Addrinfo r1;
  r1.family = AddressFamily::Inet4;
  r1.socktype = SockType::Stream;
  r1.protocol = Protocol::Tcp;
  r1.addr = ip("10.1.2.3", 443);
  r1.canonname = "example.test";
  Addrinfo r2 = r1;
  r2.addr = ip("10.1.2.4", 443);
  r2.canonname.clear();
  sys.results = {r1, r2, r1};  // more than the guest has room for
  Mem m;
  tc::wasi::abi::Env env{sys, m.view()};
  const char node[] = "example.test";
  std::memcpy(&m.bytes[10], node, sizeof node);  // with its NUL, as WasmEdge's Rust client sends it
  std::memcpy(&m.bytes[40], "443", 3);
  // hints at 64 (zero), result pointer at 96 -> chain of two at 200 and 300.
  m.u32(96, 200);
  for (uint32_t at : {200u, 300u}) {
    m.u32(at + 12, at + 40);       // ai_addr -> sockaddr
    m.u32(at + 40 + 4, 26);        // sa_data_len
    m.u32(at + 40 + 8, at + 60);   // sa_data
    m.u32(at + 16, at + 90);       // ai_canonname
    m.u32(at + 20, 8);             // its capacity
  }
  m.u32(200 + 24, 300);
  uint64_t a[] = {10, sizeof node, 40, 3, 64, 96, 2, 120};
  BOOST_TEST(ok(tc::wasi::abi::sock_getaddrinfo(env, a)) == Errno::Success);
  BOOST_TEST(m.u32(120) == 2u);
  BOOST_TEST(m.bytes[200 + 2] == 1);   // ai_family INET4
  BOOST_TEST(m.bytes[200 + 3] == 2);   // SOCK_STREAM
  BOOST_TEST(m.bytes[200 + 4] == 1);   // IPPROTO_TCP
  BOOST_TEST(m.u32(200 + 8) == 16u);   // ai_addrlen
  BOOST_TEST(m.bytes[240] == 1);       // sa_family
  BOOST_TEST(m.u32(244) == 14u);       // sa_data_len: port + address + zero
  BOOST_TEST(m.bytes[260] == 1);       // 443 = 0x01bb, network order
  BOOST_TEST(m.bytes[261] == 0xbb);
  BOOST_TEST(m.bytes[262] == 10);
  BOOST_TEST(m.bytes[265] == 3);
  BOOST_TEST(std::string(reinterpret_cast<char*>(&m.bytes[290])) == "example");  // cut to 8 with NUL
  BOOST_TEST(m.u32(200 + 20) == 7u);
  BOOST_TEST(m.bytes[365] == 4);
  BOOST_TEST(m.u32(300 + 20) == 0u);  // no canonical name
  // WasmEdge's errors for impossible requests.
  uint64_t none[] = {10, 0, 40, 0, 64, 96, 2, 120};
  BOOST_TEST(ok(tc::wasi::abi::sock_getaddrinfo(env, none)) == Errno::AiNoName);
  uint64_t zero[] = {10, sizeof node, 40, 3, 64, 96, 0, 120};
  BOOST_TEST(ok(tc::wasi::abi::sock_getaddrinfo(env, zero)) == Errno::AiMemory);
  m.bytes[64] = 0x80;  // an unknown ai_flags bit
  BOOST_TEST(ok(tc::wasi::abi::sock_getaddrinfo(env, a)) == Errno::AiBadFlag);
}

BOOST_AUTO_TEST_CASE(abi_sockopts_are_int_valued) {
  Fake sys;
  Mem m;
  tc::wasi::abi::Env env{sys, m.view()};
  m.u32(100, 1);
  uint64_t keepalive[] = {3, 0, 7, 100, 4};
  BOOST_TEST(ok(tc::wasi::abi::sock_setsockopt(env, keepalive)) == Errno::NoSys);  // reached the System
  uint64_t linger[] = {3, 0, 9, 100, 8};
  BOOST_TEST(ok(tc::wasi::abi::sock_setsockopt(env, linger)) == Errno::NotSup);
  uint64_t short_value[] = {3, 0, 7, 100, 2};
  BOOST_TEST(ok(tc::wasi::abi::sock_setsockopt(env, short_value)) == Errno::Inval);
  uint64_t level[] = {3, 6, 7, 100, 4};
  BOOST_TEST(ok(tc::wasi::abi::sock_setsockopt(env, level)) == Errno::Inval);
  uint64_t name[] = {3, 0, 15, 100, 4};
  BOOST_TEST(ok(tc::wasi::abi::sock_setsockopt(env, name)) == Errno::Inval);
  m.u32(200, 2);  // getsockopt: a 2-byte buffer is too small
  uint64_t get[] = {3, 0, 7, 100, 200};
  BOOST_TEST(ok(tc::wasi::abi::sock_getsockopt(env, get)) == Errno::Inval);
}
