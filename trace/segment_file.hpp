// The open log segment as a local file: header-only, so that the registry
// (which must not link the log format) appends its local segments with it.
#pragma once
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/uio.h>
#include <unistd.h>

#include "trace/segment_store.hpp"

namespace tc::trace {

namespace segment_file_detail {

inline Error io_error(const std::string& what, int err = errno) {
  return make_error(ErrorKind::Io, what + ": " + std::strerror(err));
}

class FileSink : public SegmentSink {
 public:
  FileSink(std::string path, int fd, uint64_t size) : path_(std::move(path)), fd_(fd), size_(size) {}
  ~FileSink() override {
    if (fd_ >= 0) ::close(fd_);
  }

  Expected<void> append(std::span<const uint8_t> a, std::span<const uint8_t> b) override {
    if (fd_ < 0) return make_error(ErrorKind::Io, path_ + ": segment is sealed");
    iovec iov[2] = {{const_cast<uint8_t*>(a.data()), a.size()},
                    {const_cast<uint8_t*>(b.data()), b.size()}};
    int first = 0;
    while (first < 2) {  // one writev; short writes completed
      ssize_t n = ::writev(fd_, iov + first, 2 - first);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        // (A full disk): cut the torn batch off, so the segment ends at its
        // last whole batch and the space goes back to the disk.
        auto e = segment_file_detail::io_error("cannot write log batch to " + path_, n == 0 ? ENOSPC : errno);
        (void)!::ftruncate(fd_, off_t(size_));
        (void)::lseek(fd_, off_t(size_), SEEK_SET);
        return e;
      }
      size_t left = size_t(n);
      while (first < 2 && left >= iov[first].iov_len) left -= iov[first++].iov_len;
      if (first < 2) {
        iov[first].iov_base = static_cast<uint8_t*>(iov[first].iov_base) + left;
        iov[first].iov_len -= left;
      }
    }
    size_ += a.size() + b.size();
    return {};
  }

  Expected<void> seal() override {
    if (fd_ < 0) return {};
    bool ok = ::fsync(fd_) == 0;
    int err = errno;
    ::close(fd_);
    fd_ = -1;
    if (!ok) return segment_file_detail::io_error("fsync failed: " + path_, err);
    return {};
  }

  void discard() override {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
    ::unlink(path_.c_str());
  }

 private:
  std::string path_;
  int fd_;
  uint64_t size_;
};

}  // namespace segment_file_detail

// Creates (O_EXCL) and opens the segment file at `path`: see
// create_segment_file in segment_store.hpp.
inline Expected<std::unique_ptr<SegmentSink>> open_segment_file(const std::string& path) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) return segment_file_detail::io_error("cannot create " + path);
  return std::unique_ptr<SegmentSink>(new segment_file_detail::FileSink(path, fd, 0));
}

}  // namespace tc::trace
