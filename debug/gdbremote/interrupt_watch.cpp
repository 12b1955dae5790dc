#include "debug/gdbremote/interrupt_watch.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

namespace tc::debug::gdbremote {

InterruptWatch::InterruptWatch(int fd, std::function<void()> on_interrupt, std::string& others)
    : fd_(fd), on_interrupt_(std::move(on_interrupt)), others_(others) {
  // Without the pipe there is no way to end the thread: no watch then.
  if (::pipe2(stop_, O_CLOEXEC) != 0) return;
  thread_ = std::thread([this] { run(); });
}

InterruptWatch::~InterruptWatch() {
  if (thread_.joinable()) {
    char c = 0;
    while (::write(stop_[1], &c, 1) < 0 && errno == EINTR) {
    }
    thread_.join();
  }
  for (int f : stop_)
    if (f >= 0) ::close(f);
}

void InterruptWatch::run() {
  for (;;) {
    pollfd p[2] = {{stop_[0], POLLIN, 0}, {fd_, POLLIN, 0}};
    int n = ::poll(p, 2, -1);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 || p[0].revents) return;
    char buf[512];
    ssize_t got = (p[1].revents & POLLIN) ? ::recv(fd_, buf, sizeof buf, 0) : 0;
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) {
      // The client went away: no use running on (serve() then ends).
      on_interrupt_();
      return;
    }
    bool interrupt = false;
    for (ssize_t i = 0; i < got; ++i) {
      if (buf[i] == 0x03) interrupt = true;
      else others_ += buf[i];
    }
    if (interrupt) on_interrupt_();
  }
}

}  // namespace tc::debug::gdbremote
