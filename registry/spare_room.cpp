#include "registry/spare_room.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace tc::registry {

namespace {
Error io_error(const std::string& what, int e) {
  return make_error(ErrorKind::Io, what + ": " + std::strerror(e));
}

struct Fd {
  int fd;
  ~Fd() { if (fd >= 0) ::close(fd); }
};
}  // namespace

Expected<void> reserve_file_space(const std::string& path, uint64_t bytes) {
  Fd f{::open(path.c_str(), O_WRONLY | O_CLOEXEC)};
  if (f.fd < 0) return io_error("cannot open " + path, errno);
  if (::fallocate(f.fd, FALLOC_FL_KEEP_SIZE, 0, off_t(bytes)) != 0)
    return io_error("cannot reserve space for " + path, errno);
  return {};
}

Expected<void> overwrite_file_in_place(const std::string& path, const std::string& text) {
  Fd f{::open(path.c_str(), O_WRONLY | O_CLOEXEC)};
  if (f.fd < 0) return io_error("cannot open " + path, errno);
  struct stat st {};
  if (::fstat(f.fd, &st) != 0) return io_error("cannot stat " + path, errno);
  if (!S_ISREG(st.st_mode)) return io_error("cannot rewrite " + path, EINVAL);
  std::string data = text;
  if (uint64_t(st.st_size) > data.size()) data.append(size_t(st.st_size) - data.size(), ' ');
  size_t off = 0;
  while (off < data.size()) {
    ssize_t n = ::pwrite(f.fd, data.data() + off, data.size() - off, off_t(off));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return io_error("cannot rewrite " + path, n < 0 ? errno : EIO);
    off += size_t(n);
  }
  if (::fsync(f.fd) != 0) return io_error("cannot sync " + path, errno);
  return {};
}

}  // namespace tc::registry
