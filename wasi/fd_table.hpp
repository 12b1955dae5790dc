// The guest's file descriptor table. Guest fds are indices of this table
// only: closing or renumbering a guest fd never touches another guest fd's
// host descriptor, and host descriptors it does not own (stdio) are never
// closed.
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "wasi/types.hpp"

namespace tc::wasi {

// A host descriptor; closes it on destruction when owned.
class HostFd {
 public:
  HostFd(int fd, bool owned) : fd_(fd), owned_(owned) {}
  ~HostFd();
  HostFd(const HostFd&) = delete;
  HostFd& operator=(const HostFd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
  bool owned_;
};

struct FdEntry {
  std::shared_ptr<HostFd> host;
  Filetype type = Filetype::Unknown;
  Rights rights_base = 0;
  Rights rights_inheriting = 0;
  uint16_t flags = 0;          // fdflags as the guest set them
  bool preopen = false;        // a preopened directory (has a prestat name)
  std::string preopen_name;    // the guest path, e.g. "/" or "/data"
  int fd() const { return host->get(); }
};

class FdTable {
 public:
  FdEntry* get(Fd fd);
  // Inserts at the lowest free number >= `min` (3 for anything after stdio).
  Fd insert(FdEntry e, Fd min = 0);
  void put(Fd fd, FdEntry e);  // at a fixed number (stdio, preopens)
  bool erase(Fd fd);
  // Moves `from` over `to` (whose previous entry is dropped). Both must exist.
  bool renumber(Fd from, Fd to);
  size_t size() const { return table_.size(); }

 private:
  std::map<Fd, FdEntry> table_;
};

}  // namespace tc::wasi
