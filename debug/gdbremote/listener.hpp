// The TCP socket `timecraft debug --listen ADDR:PORT` waits on: one client.
#pragma once
#include <string>

#include "interp/error.hpp"

namespace tc::debug::gdbremote {

struct Listener {
  int fd = -1;
  std::string address;  // "127.0.0.1:40123": the port chosen when 0 was asked
};

// Binds and listens on ADDR:PORT (a numeric IPv4/IPv6 address or
// "localhost"; IPv6 as [ADDR]:PORT). Errors name the address, e.g.
// "127.0.0.1:1234: address already in use".
Expected<Listener> listen_on(const std::string& spec);
// Waits for one client and closes the listening socket.
Expected<int> accept_one(Listener& l);

}  // namespace tc::debug::gdbremote
