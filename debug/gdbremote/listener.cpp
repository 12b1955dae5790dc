#include "debug/gdbremote/listener.hpp"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace tc::debug::gdbremote {

namespace {

Error io(const std::string& spec, int err) {
  return make_error(ErrorKind::Io, spec + ": " + std::strerror(err));
}

}  // namespace

Expected<Listener> listen_on(const std::string& spec) {
  size_t colon = spec.rfind(':');
  if (colon == std::string::npos) return make_error(ErrorKind::Usage, spec + ": expected ADDR:PORT");
  std::string host = spec.substr(0, colon), port = spec.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  if (host.empty()) host = "127.0.0.1";  // ":PORT": loopback, never every interface by accident
  addrinfo hints{}, *res = nullptr;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  if (host != "localhost") hints.ai_flags |= AI_NUMERICHOST;
  if (int rc = ::getaddrinfo(host.c_str(), port.c_str(), &hints, &res); rc != 0)
    return make_error(ErrorKind::Usage, spec + ": " + ::gai_strerror(rc));
  int fd = ::socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    int e = errno;
    ::freeaddrinfo(res);
    return io(spec, e);
  }
  int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);  // TIME_WAIT of a previous session
  if (::bind(fd, res->ai_addr, res->ai_addrlen) != 0 || ::listen(fd, 1) != 0) {
    int e = errno;
    ::freeaddrinfo(res);
    ::close(fd);
    return io(spec, e);
  }
  ::freeaddrinfo(res);
  sockaddr_storage bound{};
  socklen_t len = sizeof bound;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&bound), &len);
  char text[INET6_ADDRSTRLEN] = "?";
  uint16_t p = 0;
  if (bound.ss_family == AF_INET) {
    auto* a = reinterpret_cast<sockaddr_in*>(&bound);
    ::inet_ntop(AF_INET, &a->sin_addr, text, sizeof text);
    p = ntohs(a->sin_port);
  } else {
    auto* a = reinterpret_cast<sockaddr_in6*>(&bound);
    ::inet_ntop(AF_INET6, &a->sin6_addr, text, sizeof text);
    p = ntohs(a->sin6_port);
  }
  Listener l;
  l.fd = fd;
  l.address = (bound.ss_family == AF_INET6 ? "[" + std::string(text) + "]" : std::string(text)) + ":" +
              std::to_string(p);
  return l;
}

Expected<int> accept_one(Listener& l) {
  int c;
  do c = ::accept4(l.fd, nullptr, nullptr, SOCK_CLOEXEC);
  while (c < 0 && errno == EINTR);
  int e = errno;
  ::close(l.fd);
  l.fd = -1;
  if (c < 0) return io(l.address, e);
  return c;
}

}  // namespace tc::debug::gdbremote
