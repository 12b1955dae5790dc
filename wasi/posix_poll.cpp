// PosixSystem: poll_oneoff and the socket calls.
#include <cerrno>
#include <ctime>
#include <fcntl.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "wasi/posix_system.hpp"

namespace tc::wasi {

namespace {

uint64_t now_ns(ClockId id) {
  clockid_t c = id == ClockId::Realtime ? CLOCK_REALTIME
              : id == ClockId::Monotonic ? CLOCK_MONOTONIC
              : id == ClockId::ProcessCputime ? CLOCK_PROCESS_CPUTIME_ID
                                              : CLOCK_THREAD_CPUTIME_ID;
  timespec ts{};
  ::clock_gettime(c, &ts);
  return uint64_t(ts.tv_sec) * 1000000000ull + uint64_t(ts.tv_nsec);
}

bool is_socket(const FdEntry& e) {
  return e.type == Filetype::SocketStream || e.type == Filetype::SocketDgram;
}

}  // namespace

Errno PosixSystem::poll_oneoff(const call::poll_oneoff_in& in, call::poll_oneoff_out& out) {
  const auto& subs = in.subscriptions;
  if (subs.empty()) return Errno::Inval;
  // Relative timeout of each clock subscription (ns); the earliest one bounds the wait.
  std::vector<uint64_t> clock_wait(subs.size(), 0);
  bool have_clock = false;
  uint64_t min_wait = UINT64_MAX;
  std::vector<pollfd> pfds;
  std::vector<size_t> pfd_sub;  // subscription index of each pollfd
  for (size_t i = 0; i < subs.size(); ++i) {
    const Subscription& s = subs[i];
    if (s.type == EventType::Clock) {
      uint64_t wait = s.timeout;
      if (s.clock_flags & kSubclockAbstime) {
        uint64_t now = now_ns(s.clock_id);
        wait = s.timeout > now ? s.timeout - now : 0;
      }
      clock_wait[i] = wait;
      have_clock = true;
      min_wait = std::min(min_wait, wait);
      continue;
    }
    Event ev;
    ev.userdata = s.userdata;
    ev.type = s.type;
    FdEntry* e = fds_.get(s.fd);
    Rights need = s.type == EventType::FdRead ? right::FdRead : right::FdWrite;
    if (!e) ev.error = Errno::BadF;
    else if ((e->rights_base & need) != need) ev.error = Errno::NotCapable;
    if (ev.error != Errno::Success) {
      out.events.push_back(ev);
      continue;
    }
    if (e->type == Filetype::RegularFile || e->type == Filetype::Directory) {
      // Files are always ready (as in POSIX and wasmtime); report what is left to read.
      if (s.type == EventType::FdRead) {
        struct ::stat st{};
        off_t pos = ::lseek(e->fd(), 0, SEEK_CUR);
        if (::fstat(e->fd(), &st) == 0 && pos >= 0 && st.st_size > pos)
          ev.nbytes = uint64_t(st.st_size - pos);
      }
      out.events.push_back(ev);
      continue;
    }
    pfds.push_back(pollfd{e->fd(), short(s.type == EventType::FdRead ? POLLIN : POLLOUT), 0});
    pfd_sub.push_back(i);
  }

  uint64_t start = now_ns(ClockId::Monotonic);
  bool ready_now = !out.events.empty();
  if (!pfds.empty() || (!ready_now && have_clock)) {
    timespec ts{}, *tp = nullptr;
    if (ready_now) tp = &ts;  // just sample the others
    else if (have_clock) {
      ts.tv_sec = static_cast<time_t>(min_wait / 1000000000ull);
      ts.tv_nsec = static_cast<long>(min_wait % 1000000000ull);
      tp = &ts;
    }
    int n;
    do n = ::ppoll(pfds.data(), pfds.size(), tp, nullptr);
    while (n < 0 && errno == EINTR && !ready_now && !have_clock && !stopping());
    if (n < 0 && errno != EINTR) return errno_from_host(errno);
    for (size_t k = 0; k < pfds.size(); ++k) {
      if (!pfds[k].revents) continue;
      const Subscription& s = subs[pfd_sub[k]];
      Event ev;
      ev.userdata = s.userdata;
      ev.type = s.type;
      if (pfds[k].revents & POLLNVAL) ev.error = Errno::BadF;
      if (pfds[k].revents & POLLHUP) ev.flags |= kEventFdReadwriteHangup;
      if (s.type == EventType::FdRead) {
        int avail = 0;
        if (::ioctl(pfds[k].fd, FIONREAD, &avail) == 0 && avail > 0) ev.nbytes = uint64_t(avail);
      }
      out.events.push_back(ev);
    }
  } else if (!ready_now) {
    // Only fd subscriptions that can never be polled: nothing to wait for.
    return Errno::Success;
  }
  if (out.events.empty() && have_clock) {
    uint64_t elapsed = now_ns(ClockId::Monotonic) - start;
    for (size_t i = 0; i < subs.size(); ++i) {
      if (subs[i].type != EventType::Clock) continue;
      if (clock_wait[i] <= std::max(elapsed, min_wait)) {
        Event ev;
        ev.userdata = subs[i].userdata;
        ev.type = EventType::Clock;
        out.events.push_back(ev);
      }
    }
  } else if (have_clock) {
    for (size_t i = 0; i < subs.size(); ++i)
      if (subs[i].type == EventType::Clock && clock_wait[i] == 0) {
        Event ev;
        ev.userdata = subs[i].userdata;
        ev.type = EventType::Clock;
        out.events.push_back(ev);
      }
  }
  return Errno::Success;
}

Errno PosixSystem::sock_accept(const call::sock_accept_in& in, call::sock_accept_out& out) {
  FdEntry* e;
  if (Errno r = lookup(in.fd, 0, e); r != Errno::Success) return r;
  if (!is_socket(*e)) return Errno::NotSock;
  if ((e->rights_base & right::SockAccept) == 0) return Errno::NotCapable;
  int flags = SOCK_CLOEXEC | ((in.flags & kFdflagNonblock) ? SOCK_NONBLOCK : 0);
  int fd;
  do fd = ::accept4(e->fd(), nullptr, nullptr, flags);
  while (fd < 0 && errno == EINTR && !stopping());
  if (fd < 0) return errno_from_host(errno);
  FdEntry n;
  n.host = std::make_shared<HostFd>(fd, true);
  n.type = Filetype::SocketStream;
  n.rights_base = right::kSocketRights & ~right::SockAccept;
  n.rights_inheriting = 0;
  n.flags = in.flags;
  out.accepted = fds_.insert(std::move(n));
  return Errno::Success;
}

Errno PosixSystem::sock_recv(const call::sock_recv_in& in, call::sock_recv_out& out) {
  FdEntry* e;
  if (Errno r = lookup(in.fd, 0, e); r != Errno::Success) return r;
  if (!is_socket(*e)) return Errno::NotSock;
  if ((e->rights_base & right::FdRead) == 0) return Errno::NotCapable;
  std::vector<iovec> iov;
  for (const auto& b : in.iovs)
    if (iov.size() < 1024) iov.push_back(iovec{b.data(), b.size()});
  msghdr msg{};
  msg.msg_iov = iov.data();
  msg.msg_iovlen = iov.size();
  int flags = ((in.flags & kRiRecvPeek) ? MSG_PEEK : 0) | ((in.flags & kRiRecvWaitall) ? MSG_WAITALL : 0);
  ssize_t n;
  do n = ::recvmsg(e->fd(), &msg, flags);
  while (n < 0 && errno == EINTR && !stopping());
  if (n < 0) return errno_from_host(errno);
  out.nread = static_cast<Size>(n);
  out.roflags = (msg.msg_flags & MSG_TRUNC) ? kRoRecvDataTruncated : 0;
  return Errno::Success;
}

Errno PosixSystem::sock_send(const call::sock_send_in& in, call::sock_send_out& out) {
  FdEntry* e;
  if (Errno r = lookup(in.fd, 0, e); r != Errno::Success) return r;
  if (!is_socket(*e)) return Errno::NotSock;
  if ((e->rights_base & right::FdWrite) == 0) return Errno::NotCapable;
  std::vector<iovec> iov;
  for (const auto& b : in.iovs)
    if (iov.size() < 1024) iov.push_back(iovec{const_cast<uint8_t*>(b.data()), b.size()});
  msghdr msg{};
  msg.msg_iov = iov.data();
  msg.msg_iovlen = iov.size();
  ssize_t n;
  do n = ::sendmsg(e->fd(), &msg, MSG_NOSIGNAL);
  while (n < 0 && errno == EINTR && !stopping());
  if (n < 0) return errno_from_host(errno);
  out.nsent = static_cast<Size>(n);
  return Errno::Success;
}

Errno PosixSystem::sock_shutdown(const call::sock_shutdown_in& in, call::sock_shutdown_out&) {
  FdEntry* e;
  if (Errno r = lookup(in.fd, 0, e); r != Errno::Success) return r;
  if (!is_socket(*e)) return Errno::NotSock;
  if ((e->rights_base & right::SockShutdown) == 0) return Errno::NotCapable;
  if (in.how == 0) return Errno::Inval;
  int how = in.how == (kSdRd | kSdWr) ? SHUT_RDWR : in.how == kSdRd ? SHUT_RD : SHUT_WR;
  return ::shutdown(e->fd(), how) == 0 ? Errno::Success : errno_from_host(errno);
}

}  // namespace tc::wasi
