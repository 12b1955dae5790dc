// The POSIX implementation of System: a guest fd table over host
// descriptors, preopened directories confining every path (wasi/sandbox.hpp),
// listening sockets for sock_accept. Every OS access made on the guest's
// behalf happens inside one of the System methods (clock and random too), so
// a replayer standing in for this class makes the run side-effect free.
#pragma once
#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include <sys/stat.h>

#include "interp/error.hpp"
#include "wasi/fd_table.hpp"
#include "wasi/net_policy.hpp"
#include "wasi/system.hpp"

namespace tc::wasi {

struct PosixConfig {
  std::vector<std::string> args;     // args[0] is the program name
  std::vector<std::string> environ;  // "NAME=VALUE"; nothing else reaches the guest
  struct Dir {
    std::string host_path;
    std::string guest_path;  // the prestat name, e.g. "/" or "data"
  };
  std::vector<Dir> dirs;                // fds 3, 4, ... in this order
  std::vector<std::string> listen;      // "ADDR:PORT", after the dirs; the guest may bind there too
  std::vector<std::string> dial;        // "HOST:PORT" the guest may connect / send to
  std::vector<std::string> net;         // allow-lists (wasi/net_policy.hpp) for both
  int stdio[3] = {0, 1, 2};             // host descriptors for guest 0, 1, 2 (not owned)
  // Non-zero once the run must stop (SIGINT/SIGTERM): a call blocked in the
  // host then returns EINTR instead of waiting on (see EngineConfig::interrupt).
  const std::atomic<int>* interrupt = nullptr;
};

class PosixSystem final : public System {
 public:
  // Opens the preopened directories and listening sockets. Errors: Io.
  static Expected<std::unique_ptr<PosixSystem>> create(const PosixConfig& config);

#define WASI_CALL(name, id, params, results, ins, outs) \
  Errno name(const call::name##_in& in, call::name##_out& out) override;
  bool host_monotonic_clock() const override { return true; }
#include "wasi/calls.def"
#undef WASI_CALL

 private:
  PosixSystem() = default;
  // The entry for `fd` if it exists and has all `rights` (EBADF / ENOTCAPABLE).
  Errno lookup(Fd fd, Rights rights, FdEntry*& out);
  Errno lookup_dir(Fd fd, Rights rights, FdEntry*& out);

  bool stopping() const { return config_.interrupt && config_.interrupt->load() != 0; }
  Errno lookup_socket(Fd fd, FdEntry*& out);
  PosixConfig config_;
  FdTable fds_;
  NetPolicy net_;
  // The --listen sockets by address: a guest binding one of these addresses
  // gets that listener (the port is already taken by it).
  struct Listener {
    SockAddr addr;
    std::shared_ptr<HostFd> host;
  };
  std::vector<Listener> listeners_;
};

// Helpers shared by the posix_*.cpp files.
Errno errno_from_host(int host_errno);
Filetype filetype_from_mode(unsigned mode);
Filestat filestat_from_host(const struct ::stat& st);
// A host sockaddr as a SockAddr (family Unspec for anything but IPv4/IPv6).
SockAddr sockaddr_from_host(const void* sa, unsigned len);

// Rights a descriptor of each kind can have at most.
namespace right {
constexpr Rights kFileRights =
    FdDatasync | FdRead | FdSeek | FdFdstatSetFlags | FdSync | FdTell | FdWrite | FdAdvise |
    FdAllocate | FdFilestatGet | FdFilestatSetSize | FdFilestatSetTimes | PollFdReadwrite;
constexpr Rights kDirRights =
    FdFdstatSetFlags | FdSync | FdDatasync | PathCreateDirectory | PathCreateFile |
    PathLinkSource | PathLinkTarget | PathOpen | FdReaddir | PathReadlink | PathRenameSource |
    PathRenameTarget | PathFilestatGet | PathFilestatSetSize | PathFilestatSetTimes |
    FdFilestatGet | FdFilestatSetTimes | PathSymlink | PathRemoveDirectory | PathUnlinkFile;
constexpr Rights kSocketRights = FdRead | FdWrite | FdFdstatSetFlags | FdFilestatGet |
                                 PollFdReadwrite | SockShutdown | SockAccept;
constexpr Rights kTtyRights = FdRead | FdWrite | FdFdstatSetFlags | FdFilestatGet |
                              PollFdReadwrite;
}  // namespace right

}  // namespace tc::wasi
