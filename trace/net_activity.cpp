#include "trace/net_activity.hpp"

namespace tc::trace {

using wasi::Errno;
using K = NetEventKind;

const char* net_event_name(NetEventKind k) {
  switch (k) {
    case K::Listen: return "LISTEN";
    case K::Accept: return "ACCEPT";
    case K::Connect: return "CONN";
    case K::Recv: return "RECV";
    case K::Send: return "SEND";
    case K::Shutdown: return "SHUT";
    case K::Close: return "CLOSE";
  }
  return "?";
}

std::optional<uint32_t> fd_field(const DecodedField* f) {
  if (!f) return std::nullopt;
  return uint32_t(f->number);
}

// A socket address decodes as text ("127.0.0.1:80"), kept in the value's
// bytes; anything else falls back to how `trace` prints it.
std::string address_field(const DecodedField* f) {
  if (!f) return "";
  return f->value.bytes.empty() ? f->text : f->value.bytes;
}

NetSocket* NetTracker::socket_of(uint32_t fd) {
  auto it = open_.find(fd);
  return it == open_.end() ? nullptr : &act_.sockets[it->second];
}

size_t NetTracker::open(uint32_t fd, const DecodedCall& c) {
  NetSocket s;
  s.fd = fd;
  s.first_record = c.index;
  s.first_ns = c.time_ns;
  act_.sockets.push_back(std::move(s));
  return open_[fd] = act_.sockets.size() - 1;
}

size_t NetTracker::ensure(uint32_t fd, const DecodedCall& c) {
  auto it = open_.find(fd);
  return it != open_.end() ? it->second : open(fd, c);
}

void NetTracker::move(uint32_t from, uint32_t to) {
  auto it = open_.find(from);
  if (it == open_.end()) {
    open_.erase(to);  // renumbering a non-socket over a socket closes it
    return;
  }
  size_t i = it->second;
  open_.erase(it);
  open_[to] = i;
  act_.sockets[i].fd = to;
}

NetEvent& NetTracker::event(NetEventKind k, size_t socket, const DecodedCall& c) {
  NetEvent e;
  e.record = c.index;
  e.time_ns = c.time_ns;
  e.kind = k;
  e.socket = socket;
  e.fd = act_.sockets[socket].fd;
  e.call = c.name;
  e.error = c.error;
  if (c.error != Errno::Success) ++act_.sockets[socket].errors;
  act_.events.push_back(std::move(e));
  return act_.events.back();
}

void NetTracker::add_listener(uint32_t fd, std::string addr) {
  DecodedCall none;
  size_t i = open(fd, none);
  act_.sockets[i].listener = true;
  act_.sockets[i].local = std::move(addr);
}

void NetTracker::feed(const DecodedCall& c) {
  // EAGAIN is a non-blocking socket's "not yet": no activity.
  if (c.error == Errno::Again) return;
  auto it = handlers().find(c.name);
  if (it != handlers().end()) it->second(*this, c);
}

namespace {

// The socket a call acts on (input `fd`), made if unknown when the call
// works only on sockets; none when it failed because fd is not one.
std::optional<size_t> target(NetTracker& t, const DecodedCall& c, bool sockets_only = true) {
  auto fd = fd_field(c.input("fd"));
  if (!fd) return std::nullopt;
  if (NetSocket* s = t.socket_of(*fd)) return size_t(s - t.activity().sockets.data());
  if (!sockets_only || c.error == Errno::BadF || c.error == Errno::NotSock) return std::nullopt;
  return t.ensure(*fd, c);
}

uint64_t out_number(const DecodedCall& c, std::string_view name) {
  const DecodedField* f = c.output(name);
  return f ? f->number : 0;
}

// RECV: the bytes the call filled (sock_recv, fd_read on a socket, ...).
void on_recv(NetTracker& t, const DecodedCall& c, bool sockets_only) {
  auto s = target(t, c, sockets_only);
  if (!s) return;
  NetEvent& e = t.event(K::Recv, *s, c);
  if (c.error != Errno::Success) return;
  for (const auto& b : c.filled) e.data += b;
  e.size = e.data.size();
  NetSocket& sock = t.socket(*s);
  sock.bytes_received += e.size;
  ++sock.recvs;
  if (const DecodedField* peer = c.output("peer")) sock.peer = address_field(peer);
}

// SEND: the first n (nsent, nwritten) bytes of the iovecs.
void on_send(NetTracker& t, const DecodedCall& c, bool sockets_only) {
  auto s = target(t, c, sockets_only);
  if (!s) return;
  NetEvent& e = t.event(K::Send, *s, c);
  if (c.error != Errno::Success) return;
  uint64_t n = out_number(c, c.output("nsent") ? "nsent" : "nwritten");
  if (const DecodedField* iovs = c.input("iovs"))
    for (const auto& b : iovs->buffers) {
      size_t take = size_t(std::min<uint64_t>(n - e.data.size(), b.size()));
      e.data.append(b, 0, take);
    }
  e.size = e.data.size();
  NetSocket& sock = t.socket(*s);
  sock.bytes_sent += e.size;
  ++sock.sends;
  if (const DecodedField* to = c.input("addr")) sock.peer = address_field(to);
}

void on_accept(NetTracker& t, const DecodedCall& c) {
  auto l = target(t, c);
  if (!l) return;
  if (c.error != Errno::Success) {
    t.event(K::Accept, *l, c);
    return;
  }
  auto nfd = fd_field(c.output("accepted"));
  if (!nfd) return;
  std::string local = t.socket(*l).local;
  uint32_t lfd = t.socket(*l).fd;
  size_t s = t.open(*nfd, c);
  NetSocket& sock = t.socket(s);
  sock.accepted = true;
  sock.listener_fd = lfd;
  sock.local = local;  // the listener's address (a wildcard one stays so)
  t.event(K::Accept, s, c);
}

void on_shutdown(NetTracker& t, const DecodedCall& c) {
  auto s = target(t, c);
  if (!s) return;
  NetEvent& e = t.event(K::Shutdown, *s, c);
  const DecodedField* how = c.input("how");
  e.how = how ? how->number : 0;
  if (c.error == Errno::Success) t.socket(*s).shut |= e.how;
}

void on_close(NetTracker& t, const DecodedCall& c) {
  auto s = target(t, c, false);
  if (!s) return;
  t.event(K::Close, *s, c);
  if (c.error != Errno::Success) return;
  NetSocket& sock = t.socket(*s);
  sock.closed_record = c.index;
  sock.closed_ns = c.time_ns;
  t.forget(sock.fd);
}

void on_renumber(NetTracker& t, const DecodedCall& c) {
  auto from = fd_field(c.input("fd")), to = fd_field(c.input("to"));
  if (c.error == Errno::Success && from && to) t.move(*from, *to);
}

// ---- the WasmEdge socket extension (sock_open, sock_connect, ...) --------
void on_open(NetTracker& t, const DecodedCall& c) {
  auto fd = fd_field(c.output("fd"));
  if (c.error == Errno::Success && fd) t.open(*fd, c);
}

void on_bind(NetTracker& t, const DecodedCall& c) {
  auto s = target(t, c);
  if (s && c.error == Errno::Success) t.socket(*s).local = address_field(c.input("addr"));
}

void on_listen(NetTracker& t, const DecodedCall& c) {
  auto s = target(t, c);
  if (!s) return;
  if (c.error == Errno::Success) t.socket(*s).listener = true;
  t.event(K::Listen, *s, c);
}

void on_connect(NetTracker& t, const DecodedCall& c) {
  auto s = target(t, c);
  if (!s) return;
  NetSocket& sock = t.socket(*s);
  sock.peer = address_field(c.input("addr"));
  if (c.error == Errno::Success || c.error == Errno::InProgress) sock.connected = true;
  t.event(K::Connect, *s, c);
}

void on_address(NetTracker& t, const DecodedCall& c, bool local) {
  auto s = target(t, c);
  if (!s || c.error != Errno::Success) return;
  std::string a = address_field(c.output("addr"));
  (local ? t.socket(*s).local : t.socket(*s).peer) = a;
}

}  // namespace

const std::map<std::string_view, NetTracker::Handler>& NetTracker::handlers() {
  static const std::map<std::string_view, Handler> table = {
      {"sock_accept", on_accept},
      {"sock_recv", [](NetTracker& t, const DecodedCall& c) { on_recv(t, c, true); }},
      {"sock_send", [](NetTracker& t, const DecodedCall& c) { on_send(t, c, true); }},
      {"sock_shutdown", on_shutdown},
      {"fd_read", [](NetTracker& t, const DecodedCall& c) { on_recv(t, c, false); }},
      {"fd_write", [](NetTracker& t, const DecodedCall& c) { on_send(t, c, false); }},
      {"fd_close", on_close},
      {"fd_renumber", on_renumber},
      {"sock_open", on_open},
      {"sock_bind", on_bind},
      {"sock_listen", on_listen},
      {"sock_connect", on_connect},
      {"sock_recv_from", [](NetTracker& t, const DecodedCall& c) { on_recv(t, c, true); }},
      {"sock_send_to", [](NetTracker& t, const DecodedCall& c) { on_send(t, c, true); }},
      {"sock_getlocaladdr", [](NetTracker& t, const DecodedCall& c) { on_address(t, c, true); }},
      {"sock_getpeeraddr", [](NetTracker& t, const DecodedCall& c) { on_address(t, c, false); }},
  };
  return table;
}

}  // namespace tc::trace
