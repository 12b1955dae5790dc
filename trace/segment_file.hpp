// The open log segment as a local file: header-only, so that the registry
// (which must not link the log format) appends its local segments with it.
#pragma once
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <algorithm>
#include <sys/uio.h>
#include <unistd.h>

#include "trace/segment_store.hpp"

namespace tc::trace {

namespace segment_file_detail {

inline Error io_error(const std::string& what, int err = errno) {
  return make_error(ErrorKind::Io, what + ": " + std::strerror(err));
}

// What both sinks share: the open file and its path; sealing (fsync,
// close) and discarding (close, unlink) are the same for both.
class FdSink : public SegmentSink {
 public:
  FdSink(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}
  ~FdSink() override {
    if (fd_ >= 0) ::close(fd_);
  }

  Expected<void> seal() override {
    if (fd_ < 0) return {};
    bool ok = ::fsync(fd_) == 0;
    int err = errno;
    ::close(fd_);
    fd_ = -1;
    if (!ok) return io_error("fsync failed: " + path_, err);
    return {};
  }

  void discard() override {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
    ::unlink(path_.c_str());
  }

 protected:
  std::string path_;
  int fd_;
};

class FileSink : public FdSink {
 public:
  FileSink(std::string path, int fd, uint64_t size) : FdSink(std::move(path), fd), size_(size) {}

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
        auto e = io_error("cannot write log batch to " + path_, n == 0 ? ENOSPC : errno);
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

 private:
  uint64_t size_;
};

// The same with O_DIRECT: batches go from an aligned staging buffer to the
// disk without the page cache. Writing hundreds of MB of recorded reads
// through the page cache costs 5-15x the sys time of the reads themselves
// on a VM (fresh page-cache pages; bench/README.md, recording); O_DIRECT
// costs about what the reads do. O_DIRECT writes whole aligned blocks, so
// each append rewrites the segment's last partial block (kept in the
// buffer) with the new bytes, zero-padded to a block, then truncates the
// file to its real end. A kill between the two leaves < 4 KiB of zeros
// after the last whole batch, which the reader drops as a torn tail; a
// failed write is truncated away as in FileSink.
//
// Small appends (under kSmallAppend: a batch of 4096 clock reads is ~6 KiB)
// go through the page cache instead (O_DIRECT cleared on the fd until the
// next large one): a synchronous device write per small batch cost ~0.25
// ms of CPU on a VM, a third of a recorded 1M-clock-reads run. The last
// partial block is kept in the buffer either way; the kernel writes back
// and drops cached pages an O_DIRECT write then covers.
class DirectFileSink : public FdSink {
 public:
  static constexpr size_t kBlock = 4096;  // covers every logical block size
  static constexpr size_t kSmallAppend = 64 << 10;

  DirectFileSink(std::string path, int fd) : FdSink(std::move(path), fd) {}
  ~DirectFileSink() override { std::free(buf_); }

  Expected<void> append(std::span<const uint8_t> a, std::span<const uint8_t> b) override {
    if (fd_ < 0) return make_error(ErrorKind::Io, path_ + ": segment is sealed");
    if (a.size() + b.size() < kSmallAppend) return append_buffered(a, b);
    if (!direct_ && !set_direct(true)) return io_error("cannot write log batch to " + path_);
    size_t tail = size_t(size_ % kBlock);  // bytes of the last partial block, at buf_[0]
    size_t need = tail + a.size() + b.size();
    size_t len = (need + kBlock - 1) / kBlock * kBlock;
    if (len > cap_ && !grow(len)) return io_error("cannot write log batch to " + path_, ENOMEM);
    std::memcpy(buf_ + tail, a.data(), a.size());
    if (!b.empty()) std::memcpy(buf_ + tail + a.size(), b.data(), b.size());
    std::memset(buf_ + need, 0, len - need);
    TC_TRY(write_blocks(buf_, len, a.size() + b.size()));
    size_t new_tail = size_t(size_ % kBlock);
    std::memmove(buf_, buf_ + need - new_tail, new_tail);
    return {};
  }

  // A large batch is written from its own buffer when the room around it
  // lets the last partial block go before it, block-aligned in memory: the
  // log writer places its batches so (LogWriter::place_batch). That saves a
  // copy of every batch (a quarter of the CPU time of recording bulk
  // reads; bench/README.md, recording cost).
  Expected<bool> append_in_buffer(std::span<const uint8_t> a, uint8_t* data, size_t size, size_t before,
                                  size_t after) override {
    size_t tail = size_t(size_ % kBlock);
    size_t need = tail + a.size() + size;
    size_t len = (need + kBlock - 1) / kBlock * kBlock;
    uint8_t* start = data - std::min(before, a.size() + tail);
    if (fd_ < 0 || a.size() + size < kSmallAppend || before < a.size() + tail || after < len - need ||
        reinterpret_cast<uintptr_t>(start) % kBlock != 0) {
      TC_TRY(append(a, {data, size}));
      return false;
    }
    if (!direct_ && !set_direct(true)) return io_error("cannot write log batch to " + path_);
    if (cap_ < kBlock && !grow(kBlock)) return io_error("cannot write log batch to " + path_, ENOMEM);
    std::memcpy(start, buf_, tail);
    std::memcpy(start + tail, a.data(), a.size());
    std::memset(start + need, 0, len - need);
    TC_TRY(write_blocks(start, len, a.size() + size));
    size_t new_tail = size_t(size_ % kBlock);
    std::memcpy(buf_, start + need - new_tail, new_tail);
    return true;
  }

 private:
  // Writes the aligned `len` bytes at `p` over the file from its last
  // partial block on, then cuts the file to its real end, `added` bytes on.
  Expected<void> write_blocks(const uint8_t* p, size_t len, size_t added) {
    off_t at = off_t(size_ - size_ % kBlock);
    for (size_t done = 0; done < len;) {
      ssize_t n = ::pwrite(fd_, p + done, len - done, at + off_t(done));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {  // (a full disk) cut the torn batch off, as FileSink does
        auto e = io_error("cannot write log batch to " + path_, n == 0 ? ENOSPC : errno);
        (void)!::ftruncate(fd_, off_t(size_));
        return e;
      }
      // Short O_DIRECT writes stop at a block boundary; go on from there.
      done += size_t(n) / kBlock * kBlock;
      if (size_t(n) % kBlock) {
        auto e = io_error("cannot write log batch to " + path_, EIO);
        (void)!::ftruncate(fd_, off_t(size_));
        return e;
      }
    }
    size_ += added;
    if (::ftruncate(fd_, off_t(size_)) != 0) return io_error("cannot truncate " + path_);
    return {};
  }

  bool set_direct(bool on) {
    int fl = ::fcntl(fd_, F_GETFL);
    if (fl < 0 || ::fcntl(fd_, F_SETFL, on ? fl | O_DIRECT : fl & ~O_DIRECT) != 0) return false;
    direct_ = on;
    return true;
  }

  Expected<void> append_buffered(std::span<const uint8_t> a, std::span<const uint8_t> b) {
    if ((direct_ && !set_direct(false)) || (cap_ < kBlock && !grow(kBlock)))
      return io_error("cannot write log batch to " + path_);
    iovec iov[2] = {{const_cast<uint8_t*>(a.data()), a.size()},
                    {const_cast<uint8_t*>(b.data()), b.size()}};
    size_t n = a.size() + b.size();
    for (size_t done = 0; done < n;) {
      int first = done < a.size() ? 0 : 1;
      iovec v[2] = {iov[0], iov[1]};
      size_t skip = first == 0 ? done : done - a.size();
      v[first].iov_base = static_cast<uint8_t*>(v[first].iov_base) + skip;
      v[first].iov_len -= skip;
      ssize_t w = ::pwritev(fd_, v + first, 2 - first, off_t(size_ + done));
      if (w < 0 && errno == EINTR) continue;
      if (w <= 0) {  // (a full disk) cut the torn batch off
        auto e = io_error("cannot write log batch to " + path_, w == 0 ? ENOSPC : errno);
        (void)!::ftruncate(fd_, off_t(size_));
        return e;
      }
      done += size_t(w);
    }
    // The last partial block, for the next O_DIRECT append.
    size_t tail = size_t(size_ % kBlock), new_tail = size_t((size_ + n) % kBlock);
    if (tail + n < kBlock) {
      std::memcpy(buf_ + tail, a.data(), a.size());
      if (!b.empty()) std::memcpy(buf_ + tail + a.size(), b.data(), b.size());
    } else {  // it lies within a ++ b
      size_t from_b = std::min(new_tail, b.size()), from_a = new_tail - from_b;
      std::memcpy(buf_, a.data() + a.size() - from_a, from_a);
      if (from_b) std::memcpy(buf_ + from_a, b.data() + b.size() - from_b, from_b);
    }
    size_ += n;
    return {};
  }

  bool grow(size_t len) {
    size_t cap = std::max(len, cap_ * 2);
    void* p = std::aligned_alloc(kBlock, cap);
    if (!p) return false;
    if (buf_) std::memcpy(p, buf_, size_t(size_ % kBlock));
    std::free(buf_);
    buf_ = static_cast<uint8_t*>(p);
    cap_ = cap;
    return true;
  }

  uint64_t size_ = 0;
  uint8_t* buf_ = nullptr;
  size_t cap_ = 0;
  bool direct_ = true;  // O_DIRECT set on fd_
};

}  // namespace segment_file_detail

// Creates (O_EXCL) and opens the segment file at `path`: see
// create_segment_file in segment_store.hpp. Written with O_DIRECT where
// the file system takes it (`direct`; not tmpfs), else through the page cache.
inline Expected<std::unique_ptr<SegmentSink>> open_segment_file(const std::string& path,
                                                                bool direct = true) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) return segment_file_detail::io_error("cannot create " + path);
  if (direct && ::fcntl(fd, F_SETFL, O_DIRECT) == 0)
    return std::unique_ptr<SegmentSink>(new segment_file_detail::DirectFileSink(path, fd));
  return std::unique_ptr<SegmentSink>(new segment_file_detail::FileSink(path, fd, 0));
}

}  // namespace tc::trace
