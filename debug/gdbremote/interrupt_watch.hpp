// While a `c` runs, the client may send 0x03 (an interrupt): a thread that
// watches the socket for it and calls back (Target::interrupt), keeping any
// other bytes it read in `others` for the packet decoder. Destroying the
// watch ends and joins the thread; `others` must outlive it.
#pragma once
#include <functional>
#include <string>
#include <thread>

namespace tc::debug::gdbremote {

class InterruptWatch {
 public:
  InterruptWatch(int fd, std::function<void()> on_interrupt, std::string& others);
  ~InterruptWatch();
  InterruptWatch(const InterruptWatch&) = delete;
  InterruptWatch& operator=(const InterruptWatch&) = delete;

 private:
  void run();

  int fd_;
  int stop_[2] = {-1, -1};  // a pipe: a byte written to it ends the thread
  std::function<void()> on_interrupt_;
  std::string& others_;
  std::thread thread_;
};

}  // namespace tc::debug::gdbremote
