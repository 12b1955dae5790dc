#include "registry/file_lock.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

namespace tc::registry {

namespace {

Error lock_error(const std::string& what, const std::string& path) {
  return make_error(ErrorKind::Io, what + " " + path + ": " + std::strerror(errno));
}

int open_lock_file(const std::string& path) {
  int fd;
  do fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  while (fd < 0 && errno == EINTR);
  return fd;
}

int flock_retrying(int fd, int op) {
  int r;
  do r = ::flock(fd, op);
  while (r != 0 && errno == EINTR);
  return r;
}

}  // namespace

FileLock& FileLock::operator=(FileLock&& o) noexcept {
  if (this != &o) {
    release();
    fd_ = o.fd_;
    o.fd_ = -1;
  }
  return *this;
}

void FileLock::release() {
  if (fd_ >= 0) ::close(fd_);  // closing the last fd of the open file unlocks it
  fd_ = -1;
}

Expected<FileLock> FileLock::acquire(const std::string& path, Mode mode) {
  int fd = open_lock_file(path);
  if (fd < 0) return lock_error("cannot open lock", path);
  if (flock_retrying(fd, mode == Mode::Shared ? LOCK_SH : LOCK_EX) != 0) {
    auto e = lock_error("cannot lock", path);
    ::close(fd);
    return e;
  }
  return FileLock(fd);
}

Expected<std::optional<FileLock>> FileLock::try_acquire(const std::string& path, Mode mode) {
  int fd = open_lock_file(path);
  if (fd < 0) return lock_error("cannot open lock", path);
  if (flock_retrying(fd, (mode == Mode::Shared ? LOCK_SH : LOCK_EX) | LOCK_NB) != 0) {
    if (errno == EWOULDBLOCK) {
      ::close(fd);
      return std::optional<FileLock>();
    }
    auto e = lock_error("cannot lock", path);
    ::close(fd);
    return e;
  }
  return std::optional<FileLock>(FileLock(fd));
}

Expected<std::optional<FileLock>> FileLock::take_unless_held(const std::string& path) {
  auto lock = try_acquire(path, Mode::Exclusive);
  if (!lock || *lock) return lock;
  // Busy: a run (exclusive) or only probes (shared)? A shared lock is
  // granted only when nobody holds it exclusive; then wait for the probes.
  auto shared = try_acquire(path, Mode::Shared);
  if (!shared || !*shared) return shared;
  if (flock_retrying((*shared)->fd_, LOCK_EX) != 0) return lock_error("cannot lock", path);
  return shared;
}

bool FileLock::held_exclusively(const std::string& path) {
  int fd;
  do fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  while (fd < 0 && errno == EINTR);
  if (fd < 0) return false;
  bool held = flock_retrying(fd, LOCK_SH | LOCK_NB) != 0 && errno == EWOULDBLOCK;
  ::close(fd);
  return held;
}

}  // namespace tc::registry
