#include "tools/output_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>

#include "registry/atomic_file.hpp"

namespace tc::cli {

namespace {

Error os_error(const std::string& what, int e) {
  return make_error(ErrorKind::Io, what + ": " + std::strerror(e));
}

// Our own stdout/stderr under the names a shell user would give them.
int standard_fd(const std::string& path) {
  for (int fd : {1, 2}) {
    std::string n = std::to_string(fd);
    if (path == "/dev/fd/" + n || path == "/proc/self/fd/" + n ||
        path == (fd == 1 ? "/dev/stdout" : "/dev/stderr"))
      return fd;
  }
  return path == "-" ? 1 : -1;
}

// A device, FIFO or socket: written in place.
Expected<void> write_in_place(const std::string& path, const OutputProducer& produce) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) return os_error("cannot open " + path, errno);
  auto w = produce(fd, path);
  if (::close(fd) != 0 && w && errno != EINTR) return os_error("cannot write " + path, errno);
  return w;
}

// A regular file, replaced atomically (its errors name `shown`, not the
// temporary file).
Expected<void> write_atomic(const std::string& path, const std::string& shown,
                            const OutputProducer& produce) {
  return registry::write_file_atomic_with(path, [&](int fd) { return produce(fd, shown); });
}

}  // namespace

Expected<void> write_all(int fd, std::span<const uint8_t> data, const std::string& name) {
  const uint8_t* p = data.data();
  size_t left = data.size();
  while (left) {
    ssize_t n = ::write(fd, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return os_error("cannot write " + name, errno);
    if (n == 0) return os_error("cannot write " + name, EIO);
    p += n;
    left -= size_t(n);
  }
  return {};
}

Expected<void> write_output_file(const std::string& path, std::span<const uint8_t> data) {
  return write_output_stream(
      path, [&](int fd, const std::string& name) { return write_all(fd, data, name); });
}

Expected<void> write_output_stream(const std::string& path, const OutputProducer& produce) {
  if (int fd = standard_fd(path); fd >= 0) return produce(fd, fd == 1 ? "to stdout" : "to stderr");
  struct stat lst {};
  if (::lstat(path.c_str(), &lst) != 0) {
    if (errno != ENOENT) return os_error("cannot write " + path, errno);
    // A new file: its directory must exist (said in terms of FILE, not of
    // the temporary file the atomic write would fail to create).
    auto slash = path.find_last_of('/');
    std::string dir = slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
    struct stat dst {};
    if (::stat(dir.c_str(), &dst) != 0) return os_error("cannot write " + path, errno);
    if (!S_ISDIR(dst.st_mode)) return os_error("cannot write " + path, ENOTDIR);
    return write_atomic(path, path, produce);
  }
  if (S_ISLNK(lst.st_mode)) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
      if (errno == ENOENT)
        return make_error(ErrorKind::Io, path + ": a symbolic link to a missing file; "
                                                "not writing through it");
      return os_error("cannot write " + path, errno);
    }
    if (S_ISDIR(st.st_mode)) return make_error(ErrorKind::Io, path + ": is a directory");
    if (!S_ISREG(st.st_mode)) return write_in_place(path, produce);
    char resolved[PATH_MAX];
    if (!::realpath(path.c_str(), resolved)) return os_error("cannot resolve " + path, errno);
    return write_atomic(resolved, path, produce);
  }
  if (S_ISREG(lst.st_mode)) return write_atomic(path, path, produce);
  if (S_ISDIR(lst.st_mode)) return make_error(ErrorKind::Io, path + ": is a directory");
  return write_in_place(path, produce);
}

}  // namespace tc::cli
