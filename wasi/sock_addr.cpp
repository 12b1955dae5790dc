// SockAddr (wasi/types.hpp) as text and compared.
#include <arpa/inet.h>
#include <cstring>

#include "wasi/types.hpp"

namespace tc::wasi {

std::string SockAddr::to_string() const {
  char buf[INET6_ADDRSTRLEN] = "?";
  if (family == AddressFamily::Inet4) {
    inet_ntop(AF_INET, addr, buf, sizeof buf);
    return std::string(buf) + ":" + std::to_string(port);
  }
  if (family == AddressFamily::Inet6) {
    inet_ntop(AF_INET6, addr, buf, sizeof buf);
    return "[" + std::string(buf) + "]:" + std::to_string(port);
  }
  return family == AddressFamily::Unspec ? "-" : "unix";
}

bool SockAddr::operator==(const SockAddr& o) const {
  return family == o.family && port == o.port && std::memcmp(addr, o.addr, addr_size()) == 0;
}

}  // namespace tc::wasi
