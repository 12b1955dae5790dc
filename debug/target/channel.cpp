#include "debug/target/channel.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace tc::debug {

namespace {

constexpr uint32_t kMaxMessage = 1u << 28;

Error ended() { return make_error(ErrorKind::Io, "the replaying process ended"); }

bool read_all(int fd, uint8_t* p, size_t n) {
  while (n) {
    ssize_t r = ::read(fd, p, n);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return false;
    p += r;
    n -= size_t(r);
  }
  return true;
}

}  // namespace

Channel::~Channel() { close(); }

Channel& Channel::operator=(Channel&& o) noexcept {
  if (this != &o) {
    close();
    fd_ = o.fd_;
    o.fd_ = -1;
  }
  return *this;
}

void Channel::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

Expected<void> Channel::send(const std::vector<uint8_t>& msg, int pass_fd) {
  if (fd_ < 0) return ended();
  uint8_t head[4];
  uint32_t n = uint32_t(msg.size());
  std::memcpy(head, &n, 4);
  iovec iov[2] = {{head, 4}, {const_cast<uint8_t*>(msg.data()), msg.size()}};
  msghdr mh{};
  mh.msg_iov = iov;
  mh.msg_iovlen = 2;
  alignas(cmsghdr) char ctl[CMSG_SPACE(sizeof(int))];
  if (pass_fd >= 0) {
    std::memset(ctl, 0, sizeof ctl);
    mh.msg_control = ctl;
    mh.msg_controllen = sizeof ctl;
    cmsghdr* c = CMSG_FIRSTHDR(&mh);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    std::memcpy(CMSG_DATA(c), &pass_fd, sizeof(int));
  }
  size_t total = 4 + msg.size(), sent = 0;
  while (sent < total) {
    ssize_t r = ::sendmsg(fd_, &mh, MSG_NOSIGNAL);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return ended();
    sent += size_t(r);
    // Partial send: the rest goes without the descriptor.
    mh.msg_control = nullptr;
    mh.msg_controllen = 0;
    size_t skip = size_t(r);
    while (mh.msg_iovlen && skip >= mh.msg_iov[0].iov_len) {
      skip -= mh.msg_iov[0].iov_len;
      ++mh.msg_iov;
      --mh.msg_iovlen;
    }
    if (mh.msg_iovlen) {
      mh.msg_iov[0].iov_base = static_cast<uint8_t*>(mh.msg_iov[0].iov_base) + skip;
      mh.msg_iov[0].iov_len -= skip;
    }
  }
  return {};
}

Expected<std::vector<uint8_t>> Channel::receive(int* got_fd) {
  if (got_fd) *got_fd = -1;
  if (fd_ < 0) return ended();
  uint8_t head[4];
  iovec iov{head, 4};
  msghdr mh{};
  mh.msg_iov = &iov;
  mh.msg_iovlen = 1;
  alignas(cmsghdr) char ctl[CMSG_SPACE(sizeof(int))];
  mh.msg_control = ctl;
  mh.msg_controllen = sizeof ctl;
  ssize_t r;
  do r = ::recvmsg(fd_, &mh, MSG_CMSG_CLOEXEC);
  while (r < 0 && errno == EINTR);
  if (r <= 0) return ended();
  for (cmsghdr* c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c))
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
      int fd;
      std::memcpy(&fd, CMSG_DATA(c), sizeof fd);
      if (got_fd) *got_fd = fd;
      else ::close(fd);
    }
  if (r < 4 && !read_all(fd_, head + r, size_t(4 - r))) return ended();
  uint32_t n;
  std::memcpy(&n, head, 4);
  if (n > kMaxMessage) return make_error(ErrorKind::Malformed, "a message from the replaying process is too long");
  std::vector<uint8_t> msg(n);
  if (n && !read_all(fd_, msg.data(), n)) return ended();
  return msg;
}

Expected<std::pair<int, int>> socket_pair() {
  int sv[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
    return make_error(ErrorKind::Io, std::string("socketpair: ") + std::strerror(errno));
  return std::pair<int, int>{sv[0], sv[1]};
}

}  // namespace tc::debug
