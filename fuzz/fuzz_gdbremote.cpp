// Fuzz target: the GDB remote protocol's framing and request parser
// (debug/gdbremote), what `timecraft debug --listen` reads from a client.
// The input is split into chunks at the positions its first byte picks
// (a socket delivers a stream in any pieces); every packet body decoded,
// and the whole input taken as a body, go through parse_request. Framed
// bodies must decode back to themselves.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "debug/gdbremote/packet.hpp"
#include "debug/gdbremote/request.hpp"

using namespace tc::debug::gdbremote;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  (void)parse_request(in);
  size_t chunk = size ? size_t(data[0] % 16) + 1 : 1;
  Decoder d;
  for (size_t at = 0; at < in.size(); at += chunk) d.feed(in.substr(at, chunk));
  while (auto e = d.next()) {
    if (e->kind != Event::Kind::Packet) continue;
    (void)parse_request(e->body);
    Decoder again;
    again.feed(frame(e->body));
    auto back = again.next();
    if (!back || back->kind != Event::Kind::Packet || back->body != e->body || again.next()) {
      std::fprintf(stderr, "a packet body does not survive frame/decode\n");
      std::abort();
    }
  }
  return 0;
}
