// Socket activity rebuilt from a log (`timecraft trace network`, and the
// byte streams `trace request` parses): which guest fds are sockets, and
// what happened on each — accepts, connects, bytes received and sent (by
// sock_recv/sock_send and by fd_read/fd_write on a socket fd), shutdowns,
// closes and failed calls — with record indexes and times since the start.
//
// Fed decoded records in order. Calls are handled by name (a table in
// net_activity.cpp), so a call added to wasi/calls.def (the WasmEdge socket
// extension: sock_open, sock_connect, ...) is tracked by adding its row.
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "trace/decode.hpp"

namespace tc::trace {

enum class NetEventKind : uint8_t { Listen, Accept, Connect, Recv, Send, Shutdown, Close };
// "LISTEN", "ACCEPT", "CONN", "RECV", "SEND", "SHUT", "CLOSE"
const char* net_event_name(NetEventKind k);

struct NetEvent {
  uint64_t record = 0;
  uint64_t time_ns = 0;  // since the start of the run
  NetEventKind kind = NetEventKind::Recv;
  uint32_t fd = 0;      // the socket's fd (a failed accept: the listener's)
  size_t socket = 0;    // index in NetActivity::sockets
  std::string call;     // the call that did it
  wasi::Errno error = wasi::Errno::Success;
  uint64_t size = 0;    // RECV/SEND: bytes moved
  std::string data;     // RECV/SEND: those bytes
  uint64_t how = 0;     // SHUT: wasi sdflags (RD = 1, WR = 2)
};

struct NetSocket {
  uint32_t fd = 0;
  std::string local, peer;  // "ADDR:PORT"; empty when the log does not say
  bool listener = false;
  bool accepted = false, connected = false;
  std::optional<uint32_t> listener_fd;  // accepted from
  uint64_t first_record = 0, first_ns = 0;
  std::optional<uint64_t> closed_record, closed_ns;
  uint64_t bytes_received = 0, bytes_sent = 0;
  uint64_t recvs = 0, sends = 0, errors = 0;
  uint64_t shut = 0;  // sdflags shut so far
};

struct NetActivity {
  std::vector<NetSocket> sockets;  // in the order they appeared
  std::vector<NetEvent> events;    // in record order
};

class NetTracker {
 public:
  // A listening socket the run was given before its first call (run
  // --listen ADDR:PORT: fds after the preopened directories).
  void add_listener(uint32_t fd, std::string addr);
  void feed(const DecodedCall& c);
  const NetActivity& activity() const { return act_; }
  NetActivity take() { return std::move(act_); }

  using Handler = void (*)(NetTracker&, const DecodedCall&);
  // The calls tracked, by name.
  static const std::map<std::string_view, Handler>& handlers();

  // For the handlers.
  NetSocket* socket_of(uint32_t fd);
  NetSocket& socket(size_t i) { return act_.sockets[i]; }
  // The socket at `fd`, made if unknown (a call that works only on sockets
  // tells that `fd` is one).
  size_t ensure(uint32_t fd, const DecodedCall& c);
  size_t open(uint32_t fd, const DecodedCall& c);  // a new socket at fd
  void forget(uint32_t fd) { open_.erase(fd); }
  void move(uint32_t from, uint32_t to);
  NetEvent& event(NetEventKind k, size_t socket, const DecodedCall& c);

 private:
  NetActivity act_;
  std::map<uint32_t, size_t> open_;  // fd -> socket index, while open
};

// The fd and address text of a field, or nothing.
std::optional<uint32_t> fd_field(const DecodedField* f);
std::string address_field(const DecodedField* f);

}  // namespace tc::trace
