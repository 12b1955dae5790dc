// PosixSystem: WasmEdge's socket extension (sock_open ... sock_send_to),
// sandboxed by the NetPolicy built from --dial / --listen / --net: a
// connect, send_to or bind to an address the policy does not allow is
// ENOTCAPABLE, before any host call.
#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "wasi/posix_system.hpp"

namespace tc::wasi {

#define TC_WASI_TRY(expr)                                 \
  do {                                                    \
    if (Errno r_ = (expr); r_ != Errno::Success) return r_; \
  } while (0)

namespace {

socklen_t to_host(const SockAddr& a, sockaddr_storage& ss) {
  std::memset(&ss, 0, sizeof ss);
  if (a.family == AddressFamily::Inet4) {
    auto* s = reinterpret_cast<sockaddr_in*>(&ss);
    s->sin_family = AF_INET;
    s->sin_port = htons(a.port);
    std::memcpy(&s->sin_addr, a.addr, 4);
    return sizeof *s;
  }
  auto* s = reinterpret_cast<sockaddr_in6*>(&ss);
  s->sin6_family = AF_INET6;
  s->sin6_port = htons(a.port);
  std::memcpy(&s->sin6_addr, a.addr, 16);
  return sizeof *s;
}

int host_family(const FdEntry& e) {
  int domain = 0;
  socklen_t len = sizeof domain;
  ::getsockopt(e.fd(), SOL_SOCKET, SO_DOMAIN, &domain, &len);
  return domain;
}

// The address must be of the socket's own family (the kernel would say EINVAL
// or EAFNOSUPPORT later; the sandbox check should see the same address).
Errno check_family(const FdEntry& e, const SockAddr& a) {
  int want = a.family == AddressFamily::Inet4 ? AF_INET : AF_INET6;
  return host_family(e) == want ? Errno::Success : Errno::AfNoSupport;
}

bool is_socket(const FdEntry& e) {
  return e.type == Filetype::SocketStream || e.type == Filetype::SocketDgram;
}

int host_sockopt(SockOpt o) {
  switch (o) {
    case SockOpt::ReuseAddr: return SO_REUSEADDR;
    case SockOpt::Type: return SO_TYPE;
    case SockOpt::Error: return SO_ERROR;
    case SockOpt::DontRoute: return SO_DONTROUTE;
    case SockOpt::Broadcast: return SO_BROADCAST;
    case SockOpt::SndBuf: return SO_SNDBUF;
    case SockOpt::RcvBuf: return SO_RCVBUF;
    case SockOpt::KeepAlive: return SO_KEEPALIVE;
    case SockOpt::OobInline: return SO_OOBINLINE;
    case SockOpt::RcvLowat: return SO_RCVLOWAT;
    case SockOpt::AcceptConn: return SO_ACCEPTCONN;
    default: return -1;  // not int-valued: the ABI tier refused it already
  }
}

Errno errno_from_gai(int rc) {
  switch (rc) {
    case EAI_ADDRFAMILY: return Errno::AiAddrFamily;
    case EAI_AGAIN: return Errno::AiAgain;
    case EAI_BADFLAGS: return Errno::AiBadFlag;
    case EAI_FAIL: return Errno::AiFail;
    case EAI_FAMILY: return Errno::AiFamily;
    case EAI_MEMORY: return Errno::AiMemory;
    case EAI_NODATA: return Errno::AiNoData;
    case EAI_NONAME: return Errno::AiNoName;
    case EAI_SERVICE: return Errno::AiService;
    case EAI_SOCKTYPE: return Errno::AiSockType;
    case EAI_SYSTEM: return errno_from_host(errno);
    default: return Errno::AiFail;
  }
}

bool numeric_host(std::string_view node) {
  std::string n(node);
  uint8_t buf[16];
  return n.empty() || inet_pton(AF_INET, n.c_str(), buf) == 1 || inet_pton(AF_INET6, n.c_str(), buf) == 1;
}

}  // namespace

SockAddr sockaddr_from_host(const void* p, unsigned len) {
  SockAddr a;
  auto* sa = static_cast<const sockaddr*>(p);
  if (len >= sizeof(sockaddr_in) && sa->sa_family == AF_INET) {
    auto* s = static_cast<const sockaddr_in*>(p);
    a.family = AddressFamily::Inet4;
    a.port = ntohs(s->sin_port);
    std::memcpy(a.addr, &s->sin_addr, 4);
  } else if (len >= sizeof(sockaddr_in6) && sa->sa_family == AF_INET6) {
    auto* s = static_cast<const sockaddr_in6*>(p);
    a.family = AddressFamily::Inet6;
    a.port = ntohs(s->sin6_port);
    std::memcpy(a.addr, &s->sin6_addr, 16);
  }
  return a;
}

Errno PosixSystem::lookup_socket(Fd fd, FdEntry*& out) {
  if (Errno r = lookup(fd, 0, out); r != Errno::Success) return r;
  return is_socket(*out) ? Errno::Success : Errno::NotSock;
}

Errno PosixSystem::sock_open(const call::sock_open_in& in, call::sock_open_out& out) {
  int domain = in.family == AddressFamily::Inet4 ? AF_INET
             : in.family == AddressFamily::Inet6 ? AF_INET6 : -1;
  if (in.family == AddressFamily::Unix) return Errno::AfNoSupport;
  if (domain < 0 || in.type == SockType::Any) return Errno::Inval;
  int type = in.type == SockType::Stream ? SOCK_STREAM : SOCK_DGRAM;
  int fd = ::socket(domain, type | SOCK_CLOEXEC, 0);
  if (fd < 0) return errno_from_host(errno);
  FdEntry n;
  n.host = std::make_shared<HostFd>(fd, true);
  n.type = in.type == SockType::Stream ? Filetype::SocketStream : Filetype::SocketDgram;
  n.rights_base = right::kSocketRights;
  n.rights_inheriting = right::kSocketRights;
  out.fd = fds_.insert(std::move(n));
  return Errno::Success;
}

Errno PosixSystem::sock_bind(const call::sock_bind_in& in, call::sock_bind_out&) {
  FdEntry* e;
  TC_WASI_TRY(lookup_socket(in.fd, e));
  TC_WASI_TRY(check_family(*e, in.addr));
  if (!net_.may_bind(in.addr)) return Errno::NotCapable;
  for (const auto& l : listeners_)
    if (l.addr == in.addr && e->type == Filetype::SocketStream) {
      int fd = ::fcntl(l.host->get(), F_DUPFD_CLOEXEC, 0);
      if (fd < 0) return errno_from_host(errno);
      e->host = std::make_shared<HostFd>(fd, true);
      return Errno::Success;
    }
  sockaddr_storage ss;
  socklen_t len = to_host(in.addr, ss);
  return ::bind(e->fd(), reinterpret_cast<sockaddr*>(&ss), len) == 0 ? Errno::Success
                                                                      : errno_from_host(errno);
}

Errno PosixSystem::sock_connect(const call::sock_connect_in& in, call::sock_connect_out&) {
  FdEntry* e;
  TC_WASI_TRY(lookup_socket(in.fd, e));
  TC_WASI_TRY(check_family(*e, in.addr));
  if (!net_.may_connect(in.addr)) return Errno::NotCapable;
  sockaddr_storage ss;
  socklen_t len = to_host(in.addr, ss);
  if (::connect(e->fd(), reinterpret_cast<sockaddr*>(&ss), len) == 0) return Errno::Success;
  return errno_from_host(errno);
}

Errno PosixSystem::sock_listen(const call::sock_listen_in& in, call::sock_listen_out&) {
  FdEntry* e;
  TC_WASI_TRY(lookup_socket(in.fd, e));
  // An unbound socket would be bound by listen(2) to every interface, on a
  // port the kernel picks: that is a bind the policy must allow too.
  sockaddr_storage ss{};
  socklen_t len = sizeof ss;
  if (::getsockname(e->fd(), reinterpret_cast<sockaddr*>(&ss), &len) != 0) return errno_from_host(errno);
  SockAddr local = sockaddr_from_host(&ss, len);
  if (local.port == 0 && !net_.may_bind(local)) return Errno::NotCapable;
  return ::listen(e->fd(), in.backlog) == 0 ? Errno::Success : errno_from_host(errno);
}

// A numeric host (or none) resolves as given: nothing leaves the machine,
// and the connect or bind that follows is what the policy checks. A name
// goes to the host's resolver only when some rule could allow a result, and
// only the results the policy allows (bind rules with AI_PASSIVE, connect
// rules otherwise; without a service, any port of an allowed host) come
// back: EAI_NONAME when none is.
Errno PosixSystem::sock_getaddrinfo(const call::sock_getaddrinfo_in& in,
                                    call::sock_getaddrinfo_out& out) {
  const auto& rules = (in.hints.flags & kAiPassive) ? net_.bind : net_.connect;
  const bool numeric = numeric_host(in.node);
  if (!numeric && rules.empty()) return Errno::AiNoName;
  addrinfo hints{};
  static const int kFlags[][2] = {{kAiPassive, AI_PASSIVE},         {kAiCanonname, AI_CANONNAME},
                                  {kAiNumerichost, AI_NUMERICHOST}, {kAiNumericserv, AI_NUMERICSERV},
                                  {kAiV4mapped, AI_V4MAPPED},       {kAiAll, AI_ALL},
                                  {kAiAddrconfig, AI_ADDRCONFIG}};
  for (const auto& f : kFlags)
    if (in.hints.flags & f[0]) hints.ai_flags |= f[1];
  hints.ai_family = in.hints.family == AddressFamily::Inet4 ? AF_INET
                  : in.hints.family == AddressFamily::Inet6 ? AF_INET6 : AF_UNSPEC;
  hints.ai_socktype = in.hints.socktype == SockType::Stream ? SOCK_STREAM
                    : in.hints.socktype == SockType::Dgram ? SOCK_DGRAM : 0;
  hints.ai_protocol = in.hints.protocol == Protocol::Tcp ? IPPROTO_TCP
                    : in.hints.protocol == Protocol::Udp ? IPPROTO_UDP : 0;
  std::string node(in.node), service(in.service);
  addrinfo* res = nullptr;
  if (int rc = ::getaddrinfo(node.empty() ? nullptr : node.c_str(),
                             service.empty() ? nullptr : service.c_str(), &hints, &res))
    return errno_from_gai(rc);
  bool any_allowed = false;
  for (addrinfo* i = res; i && out.results.size() < in.max_results; i = i->ai_next) {
    Addrinfo r;
    r.addr = sockaddr_from_host(i->ai_addr, i->ai_addrlen);
    if (r.addr.family == AddressFamily::Unspec) continue;
    bool allowed = numeric;
    for (const auto& rule : rules) {
      NetRule host_only = rule;
      if (service.empty()) host_only.port_lo = 0, host_only.port_hi = 65535;
      allowed = allowed || host_only.matches(r.addr);
    }
    if (!allowed) continue;
    any_allowed = true;
    r.family = r.addr.family;
    r.socktype = i->ai_socktype == SOCK_STREAM ? SockType::Stream
               : i->ai_socktype == SOCK_DGRAM ? SockType::Dgram : SockType::Any;
    r.protocol = i->ai_protocol == IPPROTO_TCP ? Protocol::Tcp
               : i->ai_protocol == IPPROTO_UDP ? Protocol::Udp : Protocol::Ip;
    if (i->ai_canonname) r.canonname = i->ai_canonname;
    out.results.push_back(std::move(r));
  }
  ::freeaddrinfo(res);
  return any_allowed ? Errno::Success : Errno::AiNoName;
}

Errno PosixSystem::sock_getlocaladdr(const call::sock_getlocaladdr_in& in,
                                     call::sock_getlocaladdr_out& out) {
  FdEntry* e;
  TC_WASI_TRY(lookup_socket(in.fd, e));
  sockaddr_storage ss{};
  socklen_t len = sizeof ss;
  if (::getsockname(e->fd(), reinterpret_cast<sockaddr*>(&ss), &len) != 0) return errno_from_host(errno);
  out.addr = sockaddr_from_host(&ss, len);
  return Errno::Success;
}

Errno PosixSystem::sock_getpeeraddr(const call::sock_getpeeraddr_in& in,
                                    call::sock_getpeeraddr_out& out) {
  FdEntry* e;
  TC_WASI_TRY(lookup_socket(in.fd, e));
  sockaddr_storage ss{};
  socklen_t len = sizeof ss;
  if (::getpeername(e->fd(), reinterpret_cast<sockaddr*>(&ss), &len) != 0) return errno_from_host(errno);
  out.addr = sockaddr_from_host(&ss, len);
  return Errno::Success;
}

Errno PosixSystem::sock_setsockopt(const call::sock_setsockopt_in& in, call::sock_setsockopt_out&) {
  FdEntry* e;
  TC_WASI_TRY(lookup_socket(in.fd, e));
  int opt = host_sockopt(in.name);
  if (opt < 0) return Errno::NotSup;
  int v = in.value;
  return ::setsockopt(e->fd(), SOL_SOCKET, opt, &v, sizeof v) == 0 ? Errno::Success
                                                                    : errno_from_host(errno);
}

Errno PosixSystem::sock_getsockopt(const call::sock_getsockopt_in& in, call::sock_getsockopt_out& out) {
  FdEntry* e;
  TC_WASI_TRY(lookup_socket(in.fd, e));
  int opt = host_sockopt(in.name);
  if (opt < 0) return Errno::NotSup;
  int v = 0;
  socklen_t len = sizeof v;
  if (::getsockopt(e->fd(), SOL_SOCKET, opt, &v, &len) != 0) return errno_from_host(errno);
  // Host numbers into WASI's: a socket type, a pending error.
  if (in.name == SockOpt::Type)
    v = int(v == SOCK_STREAM ? SockType::Stream : v == SOCK_DGRAM ? SockType::Dgram : SockType::Any);
  else if (in.name == SockOpt::Error && v != 0)
    v = int(errno_from_host(v));
  out.value = v;
  return Errno::Success;
}

Errno PosixSystem::sock_recv_from(const call::sock_recv_from_in& in, call::sock_recv_from_out& out) {
  FdEntry* e;
  TC_WASI_TRY(lookup_socket(in.fd, e));
  if ((e->rights_base & right::FdRead) == 0) return Errno::NotCapable;
  std::vector<iovec> iov;
  for (const auto& b : in.iovs)
    if (iov.size() < 1024) iov.push_back(iovec{b.data(), b.size()});
  sockaddr_storage ss{};
  msghdr msg{};
  msg.msg_name = &ss;
  msg.msg_namelen = sizeof ss;
  msg.msg_iov = iov.data();
  msg.msg_iovlen = iov.size();
  int flags = ((in.flags & kRiRecvPeek) ? MSG_PEEK : 0) | ((in.flags & kRiRecvWaitall) ? MSG_WAITALL : 0);
  ssize_t n;
  do n = ::recvmsg(e->fd(), &msg, flags);
  while (n < 0 && errno == EINTR && !stopping());
  if (n < 0) return errno_from_host(errno);
  out.nread = static_cast<Size>(n);
  out.roflags = (msg.msg_flags & MSG_TRUNC) ? kRoRecvDataTruncated : 0;
  out.peer = sockaddr_from_host(&ss, msg.msg_namelen);
  return Errno::Success;
}

Errno PosixSystem::sock_send_to(const call::sock_send_to_in& in, call::sock_send_to_out& out) {
  FdEntry* e;
  TC_WASI_TRY(lookup_socket(in.fd, e));
  if ((e->rights_base & right::FdWrite) == 0) return Errno::NotCapable;
  TC_WASI_TRY(check_family(*e, in.addr));
  if (!net_.may_connect(in.addr)) return Errno::NotCapable;
  std::vector<iovec> iov;
  for (const auto& b : in.iovs)
    if (iov.size() < 1024) iov.push_back(iovec{const_cast<uint8_t*>(b.data()), b.size()});
  sockaddr_storage ss;
  msghdr msg{};
  msg.msg_name = &ss;
  msg.msg_namelen = to_host(in.addr, ss);
  msg.msg_iov = iov.data();
  msg.msg_iovlen = iov.size();
  ssize_t n;
  do n = ::sendmsg(e->fd(), &msg, MSG_NOSIGNAL);
  while (n < 0 && errno == EINTR && !stopping());
  if (n < 0) return errno_from_host(errno);
  out.nsent = static_cast<Size>(n);
  return Errno::Success;
}

}  // namespace tc::wasi
