// Advisory locks on files (flock): the registry's own lock (<root>/lock:
// a run holds it shared while it stores its module and creates its
// process, a prune holds it exclusive) and each process's lock
// (processes/<id>/lock, held exclusive by its run for the whole run).
//
// An flock belongs to the open file, so the kernel drops it when the
// holder dies, however it dies: a free process lock on a process whose
// metadata says "running" means the run was killed.
#pragma once
#include <optional>
#include <string>

#include "interp/error.hpp"

namespace tc::registry {

class FileLock {
 public:
  enum class Mode { Shared, Exclusive };

  // Waits until the lock on `path` (created if missing) is granted.
  static Expected<FileLock> acquire(const std::string& path, Mode mode);
  // Without waiting: nullopt when someone else holds a conflicting lock.
  static Expected<std::optional<FileLock>> try_acquire(const std::string& path, Mode mode);
  // Exclusive, unless someone holds it exclusive (a run): nullopt then.
  // Waits for holders of shared locks (held_exclusively's brief probes).
  static Expected<std::optional<FileLock>> take_unless_held(const std::string& path);
  // Whether someone holds an exclusive lock on `path` (false when there
  // is no such file). Probes with a shared lock, so probes never conflict.
  static bool held_exclusively(const std::string& path);

  FileLock() = default;
  FileLock(FileLock&& o) noexcept : fd_(o.fd_) { o.fd_ = -1; }
  FileLock& operator=(FileLock&& o) noexcept;
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;
  ~FileLock() { release(); }

  bool held() const { return fd_ >= 0; }
  void release();

 private:
  explicit FileLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

}  // namespace tc::registry
