// One end of a socket between the debugger and a replaying process:
// length-prefixed messages, each optionally carrying a file descriptor
// (SCM_RIGHTS). Errors are one line; the peer's exit reads as
// "the replaying process ended".
#pragma once
#include <cstdint>
#include <vector>

#include "interp/error.hpp"

namespace tc::debug {

class Channel {
 public:
  Channel() = default;
  explicit Channel(int fd) : fd_(fd) {}
  ~Channel();
  Channel(Channel&& o) noexcept : fd_(o.fd_) { o.fd_ = -1; }
  Channel& operator=(Channel&& o) noexcept;
  Channel(const Channel&) = delete;
  Channel& operator=(const Channel&) = delete;

  int fd() const { return fd_; }
  bool open() const { return fd_ >= 0; }
  void close();

  Expected<void> send(const std::vector<uint8_t>& msg, int pass_fd = -1);
  // `got_fd` receives a passed descriptor or -1.
  Expected<std::vector<uint8_t>> receive(int* got_fd = nullptr);

 private:
  int fd_ = -1;
};

// A connected pair (AF_UNIX, SOCK_STREAM, close-on-exec).
Expected<std::pair<int, int>> socket_pair();

}  // namespace tc::debug
