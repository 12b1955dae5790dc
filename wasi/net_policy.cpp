#include "wasi/net_policy.hpp"

#include <arpa/inet.h>
#include <charconv>
#include <cstring>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>

namespace tc::wasi {

namespace {

Error bad(const std::string& rule, const std::string& why) {
  return make_error(ErrorKind::Usage, "--net " + rule + ": " + why);
}

bool parse_u(std::string_view s, unsigned max, unsigned& out) {
  if (s.empty()) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size() && out <= max;
}

// "127.0.0.1" / "::1" (no brackets) into a, numerically.
bool parse_ip(const std::string& host, SockAddr& a) {
  if (inet_pton(AF_INET, host.c_str(), a.addr) == 1) {
    a.family = AddressFamily::Inet4;
    return true;
  }
  if (inet_pton(AF_INET6, host.c_str(), a.addr) == 1) {
    a.family = AddressFamily::Inet6;
    return true;
  }
  return false;
}

// Splits "HOST:PORT" / "[V6]:PORT" at the last colon; strips brackets.
bool split_host_port(const std::string& spec, std::string& host, std::string& port) {
  auto colon = spec.rfind(':');
  if (colon == std::string::npos) return false;
  host = spec.substr(0, colon);
  port = spec.substr(colon + 1);
  return true;
}

std::string unbracket(std::string h) {
  if (h.size() >= 2 && h.front() == '[' && h.back() == ']') return h.substr(1, h.size() - 2);
  return h;
}

}  // namespace

bool NetRule::matches(const SockAddr& a) const {
  if (a.port < port_lo || a.port > port_hi) return false;
  if (any_host) return true;
  if (a.family != net.family) return false;
  unsigned full = prefix / 8, rest = prefix % 8;
  if (std::memcmp(a.addr, net.addr, full) != 0) return false;
  if (rest == 0) return true;
  uint8_t mask = uint8_t(0xff << (8 - rest));
  return (a.addr[full] & mask) == (net.addr[full] & mask);
}

Expected<std::vector<NetRule>> parse_net_rules(const std::string& list) {
  std::vector<NetRule> out;
  size_t at = 0;
  while (at <= list.size()) {
    size_t comma = list.find(',', at);
    std::string rule = list.substr(at, comma == std::string::npos ? std::string::npos : comma - at);
    at = comma == std::string::npos ? list.size() + 1 : comma + 1;
    std::string host, port;
    if (!split_host_port(rule, host, port)) return bad(rule, "expected HOST:PORT");
    NetRule r;
    if (port == "*") {
    } else if (auto dash = port.find('-'); dash != std::string::npos) {
      unsigned lo, hi;
      if (!parse_u(std::string_view(port).substr(0, dash), 65535, lo) ||
          !parse_u(std::string_view(port).substr(dash + 1), 65535, hi) || lo > hi)
        return bad(rule, "bad port range " + port);
      r.port_lo = uint16_t(lo);
      r.port_hi = uint16_t(hi);
    } else {
      unsigned p;
      if (!parse_u(port, 65535, p)) return bad(rule, "bad port " + port);
      r.port_lo = r.port_hi = uint16_t(p);
    }
    if (host == "*") {
      r.any_host = true;
    } else {
      std::string addr = host, bits;
      if (auto slash = host.rfind('/'); slash != std::string::npos) {
        addr = host.substr(0, slash);
        bits = host.substr(slash + 1);
      }
      bool bracketed = addr.size() >= 2 && addr.front() == '[' && addr.back() == ']';
      if (!parse_ip(unbracket(addr), r.net)) return bad(rule, "bad address " + addr);
      if ((r.net.family == AddressFamily::Inet6) != bracketed)
        return bad(rule, bracketed ? "brackets are for IPv6 addresses" : "write IPv6 addresses in brackets");
      unsigned max = r.net.family == AddressFamily::Inet6 ? 128 : 32;
      r.prefix = max;
      if (!bits.empty() && !parse_u(bits, max, r.prefix)) return bad(rule, "bad prefix /" + bits);
    }
    out.push_back(r);
  }
  return out;
}

Expected<std::vector<NetRule>> parse_endpoint(const std::string& option, const std::string& spec) {
  std::string host, port;
  unsigned p;
  if (!split_host_port(spec, host, port) || host.empty())
    return make_error(ErrorKind::Usage, option + " " + spec + ": expected HOST:PORT");
  if (!parse_u(port, 65535, p))
    return make_error(ErrorKind::Usage, option + " " + spec + ": bad port " + port);
  host = unbracket(host);
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV;
  addrinfo* res = nullptr;
  if (int rc = getaddrinfo(host.c_str(), port.c_str(), &hints, &res))
    return make_error(ErrorKind::Usage, option + " " + spec + ": " + gai_strerror(rc));
  std::vector<NetRule> out;
  for (addrinfo* i = res; i; i = i->ai_next) {
    NetRule r;
    r.port_lo = r.port_hi = uint16_t(p);
    if (i->ai_family == AF_INET) {
      r.net.family = AddressFamily::Inet4;
      std::memcpy(r.net.addr, &reinterpret_cast<sockaddr_in*>(i->ai_addr)->sin_addr, 4);
      r.prefix = 32;
    } else if (i->ai_family == AF_INET6) {
      r.net.family = AddressFamily::Inet6;
      std::memcpy(r.net.addr, &reinterpret_cast<sockaddr_in6*>(i->ai_addr)->sin6_addr, 16);
      r.prefix = 128;
    } else {
      continue;
    }
    out.push_back(r);
  }
  freeaddrinfo(res);
  return out;
}

bool NetPolicy::may_connect(const SockAddr& a) const {
  for (const auto& r : connect)
    if (r.matches(a)) return true;
  return false;
}

bool NetPolicy::may_bind(const SockAddr& a) const {
  for (const auto& r : bind)
    if (r.matches(a)) return true;
  return false;
}

}  // namespace tc::wasi
