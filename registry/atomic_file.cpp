#include "registry/atomic_file.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <memory>
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


// Writes all of `data` at `offset` onwards; false with errno set on failure.
bool write_all(int fd, const uint8_t* p, size_t left, off_t offset) {
  while (left) {
    ssize_t n = ::pwrite(fd, p, left, offset);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    p += n;
    left -= size_t(n);
    offset += n;
  }
  return true;
}

// A big durable file (a module) is written with O_DIRECT through a small
// aligned buffer: it goes to the disk without first filling the page cache
// with a copy that the fsync must then flush. On this kind of VM, filling
// 75 MB of fresh page cache cost 0.2-0.4 s of system time per run (new guest
// pages); this path costs ~0.03 s. Returns how many bytes it wrote (whole
// 4 KB blocks from the start); the caller writes the rest the usual way,
// also when the file system refuses O_DIRECT (0 written).
constexpr size_t kDirectMin = size_t(8) << 20;
constexpr size_t kDirectAlign = 4096;  // covers 512-byte and 4 KB sectors
constexpr size_t kDirectChunk = size_t(1) << 20;

size_t write_direct(int fd, std::span<const uint8_t> data) {
  int flags = ::fcntl(fd, F_GETFL);
  if (flags < 0 || ::fcntl(fd, F_SETFL, flags | O_DIRECT) != 0) return 0;
  std::unique_ptr<uint8_t, decltype(&std::free)> buf(
      static_cast<uint8_t*>(std::aligned_alloc(kDirectAlign, kDirectChunk)), &std::free);
  size_t done = 0;
  while (buf && data.size() - done >= kDirectAlign) {
    size_t n = std::min(data.size() - done, kDirectChunk) & ~(kDirectAlign - 1);
    std::memcpy(buf.get(), data.data() + done, n);
    if (!write_all(fd, buf.get(), n, off_t(done))) break;  // the rest goes through the page cache
    done += n;
  }
  ::fcntl(fd, F_SETFL, flags);
  return done;
}

}  // namespace

Expected<void> write_file_atomic(const std::string& path, std::span<const uint8_t> data,
                                 bool durable) {
  std::string tmp;
  int fd = create_temp(path, tmp);
  if (fd < 0) return io_error("cannot create " + tmp);
  size_t done = durable && data.size() >= kDirectMin ? write_direct(fd, data) : 0;
  if (!write_all(fd, data.data() + done, data.size() - done, off_t(done))) {
    auto e = io_error("cannot write " + tmp);
    ::close(fd);
    ::unlink(tmp.c_str());
    return e;
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
