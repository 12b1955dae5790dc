// Which socket addresses a guest may reach: `run --dial HOST:PORT` (connect
// and send_to), `--listen ADDR:PORT` (bind) and `--net ALLOW-LIST` (both).
// Nothing is reachable unless allowed.
//
// An allow-list is comma-separated rules HOST:PORT:
//   HOST  an IPv4 address (127.0.0.1), an IPv6 one in brackets ([::1]),
//         either with a /PREFIX (10.0.0.0/8, [fd00::]/8), or * (any host)
//   PORT  a number, a range LO-HI, or * (any port)
// e.g. --net 127.0.0.1:8080,10.0.0.0/8:*,[::1]:1000-2000
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "interp/error.hpp"
#include "wasi/types.hpp"

namespace tc::wasi {

struct NetRule {
  bool any_host = false;
  SockAddr net;         // family and address bits (port unused)
  unsigned prefix = 0;  // leading bits of net.addr that must match
  uint16_t port_lo = 0, port_hi = 65535;
  bool matches(const SockAddr& a) const;
};

// Parses one allow-list (ErrorKind::Usage, naming the bad rule).
Expected<std::vector<NetRule>> parse_net_rules(const std::string& list);
// HOST:PORT of --dial / --listen: HOST a name or address (resolved here,
// every address it has), PORT a number. One exact rule per address.
Expected<std::vector<NetRule>> parse_endpoint(const std::string& option, const std::string& spec);

struct NetPolicy {
  std::vector<NetRule> connect;  // --dial and --net
  std::vector<NetRule> bind;     // --listen and --net
  bool may_connect(const SockAddr& a) const;
  bool may_bind(const SockAddr& a) const;
};

}  // namespace tc::wasi
