#include "registry/atomic_file.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <random>
#include <sys/stat.h>
#include <unistd.h>

namespace tc::registry {

namespace {
Error io_error(const std::string& what) {
  return make_error(ErrorKind::Io, what + ": " + std::strerror(errno));
}

// The temporary file next to `path`, or -1 (tmp is its name either way).
int create_temp(const std::string& path, std::string& tmp) {
  tmp = path + ".tmp." + std::to_string(::getpid()) + "." + std::to_string(std::random_device{}());
  return ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
}

// Syncs, closes and renames the written temporary file over `path`.
Expected<void> commit(int fd, const std::string& tmp, const std::string& path, bool durable) {
  if ((durable && ::fsync(fd) != 0) || ::close(fd) != 0) {
    auto e = io_error("cannot sync " + tmp);
    ::unlink(tmp.c_str());
    return e;
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    auto e = io_error("cannot rename " + tmp);
    ::unlink(tmp.c_str());
    return e;
  }
  auto slash = path.find_last_of('/');
  std::string dir = slash == std::string::npos ? "." : path.substr(0, slash);
  int dfd = durable ? ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
  return {};
}

}  // namespace

Expected<void> write_file_atomic(const std::string& path, std::span<const uint8_t> data,
                                 bool durable) {
  std::string tmp;
  int fd = create_temp(path, tmp);
  if (fd < 0) return io_error("cannot create " + tmp);
  const uint8_t* p = data.data();
  size_t left = data.size();
  while (left) {
    ssize_t n = ::write(fd, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      auto e = io_error("cannot write " + tmp);
      ::close(fd);
      ::unlink(tmp.c_str());
      return e;
    }
    p += n;
    left -= size_t(n);
  }
  return commit(fd, tmp, path, durable);
}

Expected<void> write_file_atomic_with(const std::string& path,
                                      const std::function<Expected<void>(int fd)>& produce,
                                      bool durable) {
  std::string tmp;
  int fd = create_temp(path, tmp);
  if (fd < 0) return io_error("cannot create " + tmp);
  if (auto r = produce(fd); !r) {
    ::close(fd);
    ::unlink(tmp.c_str());
    return r;
  }
  return commit(fd, tmp, path, durable);
}

Expected<void> write_file_atomic(const std::string& path, const std::string& text, bool durable) {
  return write_file_atomic(
      path, std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(text.data()), text.size()),
      durable);
}

Expected<std::vector<uint8_t>> read_file(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return io_error("cannot open " + path);
  std::vector<uint8_t> out;
  uint8_t buf[65536];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      auto e = io_error("cannot read " + path);
      ::close(fd);
      return e;
    }
    if (n == 0) break;
    out.insert(out.end(), buf, buf + n);
  }
  ::close(fd);
  return out;
}

}  // namespace tc::registry
