#include "wasi/sandbox.hpp"

#include <cerrno>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace tc::wasi::sandbox {

Parent::~Parent() {
  if (fd >= 0) ::close(fd);
}

int check_path(std::string_view path) {
  if (path.empty()) return -ENOENT;
  if (path.find('\0') != std::string_view::npos) return -EINVAL;
  if (path.front() == '/') return -EPERM;
  return 0;
}

int open_beneath(int dirfd, std::string_view path, int flags, mode_t mode) {
  if (int e = check_path(path)) return e;
  std::string p(path);
  open_how how{};
  how.flags = static_cast<uint64_t>(flags | O_CLOEXEC);
  how.mode = ((flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE) ? mode : 0;
  how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
  for (int attempt = 0; attempt < 16; ++attempt) {
    long r = ::syscall(SYS_openat2, dirfd, p.c_str(), &how, sizeof how);
    if (r >= 0) return static_cast<int>(r);
    if (errno == EAGAIN || errno == EINTR) continue;  // a racing rename: retry
    return errno == EXDEV ? -EPERM : -errno;
  }
  return -EAGAIN;
}

int open_parent(int dirfd, std::string_view path, Parent& out) {
  if (int e = check_path(path)) return e;
  size_t end = path.size();
  while (end > 0 && path[end - 1] == '/') --end;
  bool trailing = end < path.size();
  size_t slash = path.rfind('/', end - 1);
  std::string_view dir = slash == std::string_view::npos ? "." : path.substr(0, slash);
  std::string_view last = path.substr(slash == std::string_view::npos ? 0 : slash + 1,
                                      end - (slash == std::string_view::npos ? 0 : slash + 1));
  if (dir.empty()) dir = ".";
  int fd = open_beneath(dirfd, dir, O_PATH | O_DIRECTORY);
  if (fd < 0) return fd;
  out.fd = fd;
  out.dot = last == "." || last == "..";
  out.name = std::string(last) + (trailing ? "/" : "");
  if (out.dot) {
    // Make sure "x/.." itself stays inside (it is only ever used as a whole).
    int full = open_beneath(dirfd, path, O_PATH | O_DIRECTORY);
    if (full < 0) return full;
    ::close(full);
  }
  return 0;
}

}  // namespace tc::wasi::sandbox
