// Fault injection (`run --chaotic`): a System between the Recorder and the
// real System that, per call, decides from a seeded PRNG whether to make
// the call fail or misbehave in a way that is legal for it:
//
//   io      EIO (reads, writes, syncs, truncate, allocate), ENOSPC (writes to
//           files, allocate, creating files and directories), EINTR
//           (poll_oneoff, a blocking sock_accept; reads and writes that can
//           block: pipes, character devices, sockets), EAGAIN (reads and
//           writes on non-blocking fds and sockets, a non-blocking accept)
//   short   reads and writes of fewer bytes than asked (at least 1): the
//           real call is made with shorter buffers, so no byte of a stream
//           is lost and a program that retries sees all of it
//   clock   clock_time_get jumps: the realtime clock by +-1 s..1 h, the
//           monotonic and CPU clocks forward only; a jump stays (later
//           readings include it, absolute poll_oneoff deadlines are shifted
//           back to the real clock)
//   random  random_get returns one byte repeated (low entropy)
//   net     ECONNRESET (sock_recv, sock_send, fd_read/fd_write on sockets),
//           ECONNABORTED (sock_accept)
//
// An injected error makes no real call. Calls without an entry here (args,
// environment, prestat, proc_exit, the WasmEdge socket calls, ...) are
// forwarded untouched. Above this System the Recorder logs what the
// program saw and marks the record as injected (last_result_injected()),
// so a replay reproduces the failing run from the log alone.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "interp/error.hpp"
#include "wasi/system.hpp"

namespace tc::wasi {

namespace chaos {
constexpr unsigned kIo = 1, kShort = 2, kClock = 4, kRandom = 8, kNet = 16;
constexpr unsigned kAll = kIo | kShort | kClock | kRandom | kNet;
}  // namespace chaos

struct ChaosConfig {
  double rate = 0;        // probability of a fault per eligible call, 0..1
  uint64_t seed = 0;      // the PRNG's seed: the same seed, the same faults
  unsigned kinds = chaos::kAll;
};

// "io,short" -> kIo|kShort; an unknown or empty name is an error naming it.
Expected<unsigned> parse_chaos_kinds(const std::string& list);
// kinds in table order: {"io", "short", ...}.
std::vector<std::string> chaos_kind_names(unsigned kinds);
// "0.25", "1", ".5": a decimal number from 0 to 1.
Expected<double> parse_chaos_rate(const std::string& text);

class ChaosSystem : public System {
 public:
  ChaosSystem(System& real, const ChaosConfig& cfg);

#define WASI_CALL(name, id, params, results, ins, outs)                     \
  Errno name(const call::name##_in& in, call::name##_out& out) override {   \
    injected_ = false;                                                      \
    if (cfg_.rate > 0)                                                      \
      if (auto e = inject(in, out)) return *e;                              \
    return real_.name(in, out);                                             \
  }
#include "wasi/calls.def"
#undef WASI_CALL

  bool last_result_injected() const override { return injected_; }
  const Error* fault() const override { return real_.fault(); }
  // (A made-up time is marked injected; the Recorder does not take it.)
  bool host_monotonic_clock() const override { return real_.host_monotonic_clock(); }
  uint64_t injected() const { return count_; }  // faults so far

 private:
  // A call with no faults: forwarded (nullopt). The calls that have some
  // are the overloads below (non-templates, preferred on an exact match):
  // each returns the call's errno when it injected, else nullopt.
  template <class In, class Out>
  std::optional<Errno> inject(const In&, Out&) { return std::nullopt; }
  std::optional<Errno> inject(const call::fd_read_in& in, call::fd_read_out& out);
  std::optional<Errno> inject(const call::fd_pread_in& in, call::fd_pread_out& out);
  std::optional<Errno> inject(const call::fd_write_in& in, call::fd_write_out& out);
  std::optional<Errno> inject(const call::fd_pwrite_in& in, call::fd_pwrite_out& out);
  std::optional<Errno> inject(const call::fd_sync_in& in, call::fd_sync_out& out);
  std::optional<Errno> inject(const call::fd_datasync_in& in, call::fd_datasync_out& out);
  std::optional<Errno> inject(const call::fd_allocate_in& in, call::fd_allocate_out& out);
  std::optional<Errno> inject(const call::fd_filestat_set_size_in& in,
                              call::fd_filestat_set_size_out& out);
  std::optional<Errno> inject(const call::path_open_in& in, call::path_open_out& out);
  std::optional<Errno> inject(const call::path_create_directory_in& in,
                              call::path_create_directory_out& out);
  std::optional<Errno> inject(const call::poll_oneoff_in& in, call::poll_oneoff_out& out);
  std::optional<Errno> inject(const call::clock_time_get_in& in, call::clock_time_get_out& out);
  std::optional<Errno> inject(const call::random_get_in& in, call::random_get_out& out);
  std::optional<Errno> inject(const call::sock_accept_in& in, call::sock_accept_out& out);
  std::optional<Errno> inject(const call::sock_recv_in& in, call::sock_recv_out& out);
  std::optional<Errno> inject(const call::sock_send_in& in, call::sock_send_out& out);

  // What a call may suffer, filtered by the enabled kinds.
  enum class Fault : uint8_t { None, Error, Short, Jump, LowEntropy };
  struct Pick {
    Fault fault = Fault::None;
    Errno err = Errno::Success;
  };
  struct Choices {
    Pick items[8];
    unsigned n = 0;
  };
  void add(Choices& c, unsigned kind, Fault f, Errno e = Errno::Success) const;
  // One draw per call with choices: a fault with probability `rate`.
  Pick pick(const Choices& c);
  uint64_t next();                    // xoshiro256**
  uint64_t below(uint64_t n);         // uniform in [0, n)
  uint64_t short_size(uint64_t total);  // in [1, total - 1], small ones likelier

  System& real_;
  ChaosConfig cfg_;
  uint64_t s_[4];
  bool injected_ = false;
  uint64_t count_ = 0;
  int64_t realtime_offset_ = 0;  // jumps so far (ns)
  uint64_t forward_offset_[3] = {0, 0, 0};  // monotonic, process and thread CPU time
};

}  // namespace tc::wasi
