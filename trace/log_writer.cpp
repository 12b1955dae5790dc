#include "trace/log_writer.hpp"

#include <boost/iostreams/device/back_inserter.hpp>
#include <boost/iostreams/filter/zlib.hpp>
#include <boost/iostreams/filtering_stream.hpp>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "trace/crc32c.hpp"

namespace tc::trace {

namespace io = boost::iostreams;

void put_varint(std::vector<uint8_t>& out, uint64_t v) {
  while (v >= 0x80) {
    out.push_back(uint8_t(v) | 0x80);
    v >>= 7;
  }
  out.push_back(uint8_t(v));
}

bool get_varint(const uint8_t*& p, const uint8_t* end, uint64_t& v) {
  v = 0;
  for (unsigned shift = 0; shift < 64; shift += 7) {
    if (p == end) return false;
    uint8_t b = *p++;
    v |= uint64_t(b & 0x7F) << shift;
    if (!(b & 0x80)) return shift < 63 || b <= 1;
  }
  return false;
}

std::string segment_path(const std::string& dir, uint32_t index) {
  char name[32];
  std::snprintf(name, sizeof name, "/log.%06u", index);
  return dir + name;
}

namespace {
Error io_error(const std::string& what) {
  return make_error(ErrorKind::Io, what + ": " + std::strerror(errno));
}

// write(2) all of it, retrying on EINTR and short writes.
bool write_all(int fd, const void* data, size_t size) {
  auto p = static_cast<const uint8_t*>(data);
  while (size) {
    ssize_t n = ::write(fd, p, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    p += n;
    size -= size_t(n);
  }
  return true;
}
// writev(2) of two buffers, completing short writes.
bool write_all2(int fd, const void* a, size_t an, const void* b, size_t bn) {
  iovec iov[2] = {{const_cast<void*>(a), an}, {const_cast<void*>(b), bn}};
  int first = 0;
  while (first < 2) {
    ssize_t n = ::writev(fd, iov + first, 2 - first);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    size_t left = size_t(n);
    while (first < 2 && left >= iov[first].iov_len) left -= iov[first++].iov_len;
    if (first < 2) {
      iov[first].iov_base = static_cast<uint8_t*>(iov[first].iov_base) + left;
      iov[first].iov_len -= left;
    }
  }
  return true;
}
// zlib through Boost.Iostreams into `out` (cleared first).
void zlib_compress(const uint8_t* data, size_t size, int level, std::string& out) {
  out.clear();
  io::filtering_ostream os;
  os.push(io::zlib_compressor(io::zlib_params(level)));
  os.push(io::back_inserter(out));
  os.write(reinterpret_cast<const char*>(data), std::streamsize(size));
  os.reset();  // flushes the compressor
}

// Bulk data (file contents, random bytes) is often incompressible: try a
// 64 KiB sample first so such batches are stored raw without paying zlib.
bool worth_compressing(const std::vector<uint8_t>& raw, int level, std::string& scratch) {
  constexpr size_t kSample = 64 << 10;
  if (raw.size() <= 4 * kSample) return true;
  zlib_compress(raw.data() + raw.size() / 2 - kSample / 2, kSample, level, scratch);
  return scratch.size() < kSample * 9 / 10;
}
}  // namespace

Expected<std::unique_ptr<LogWriter>> LogWriter::create(const std::string& dir,
                                                       const LogOptions& opts) {
  if (::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) return io_error("cannot create " + dir);
  if (::access(segment_path(dir, 0).c_str(), F_OK) == 0)
    return make_error(ErrorKind::Io, dir + " already holds a log");
  std::unique_ptr<LogWriter> w(new LogWriter(dir, opts));
  if (w->opts_.batch_records == 0) w->opts_.batch_records = 1;
  TC_TRY(w->open_segment(0));
  w->thread_ = std::thread([p = w.get()] { p->worker(); });
  return w;
}

LogWriter::~LogWriter() { (void)close(); }

Expected<void> LogWriter::open_segment(uint64_t first_record) {
  if (fd_ >= 0) {
    ::fsync(fd_);
    ::close(fd_);
    fd_ = -1;
    ++segment_index_;
  }
  std::string path = segment_path(dir_, segment_index_);
  fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd_ < 0) return io_error("cannot create " + path);
  SegmentHeader h{};
  std::memcpy(h.magic, kSegmentMagic, sizeof h.magic);
  h.version = kFormatVersion;
  h.header_size = sizeof h;
  h.segment_index = segment_index_;
  h.first_record = first_record;
  if (!write_all(fd_, &h, sizeof h)) {
    // No room for even a header (disk full): leave no half-made segment,
    // so the log ends cleanly with the previous one.
    auto e = io_error("cannot write " + path);
    ::close(fd_);
    fd_ = -1;
    ::unlink(path.c_str());
    return e;
  }
  segment_size_ = sizeof h;
  ++stats_.segments;
  stats_.file_bytes += sizeof h;
  return {};
}

Expected<void> LogWriter::append(uint64_t time_ns, uint32_t call_id,
                                 std::span<const uint8_t> payload, uint32_t flags) {
  if (failed_.load(std::memory_order_relaxed)) {
    std::lock_guard<std::mutex> lk(mu_);
    return error_ ? *error_ : make_error(ErrorKind::Io, "the log is closed");
  }
  if (batch_count_ == 0) {
    batch_first_time_ = time_ns;
    batch_last_time_ = time_ns;
  }
  // Timestamps are stored as deltas within the batch (never negative).
  uint64_t delta = time_ns >= batch_last_time_ ? time_ns - batch_last_time_ : 0;
  put_varint(batch_, delta);
  put_varint(batch_, uint64_t(call_id) | uint64_t(flags) << 32);
  put_varint(batch_, payload.size());
  batch_.insert(batch_.end(), payload.begin(), payload.end());
  batch_last_time_ = std::max(batch_last_time_, time_ns);
  ++batch_count_;
  ++next_record_;
  if (batch_count_ >= opts_.batch_records || batch_.size() >= opts_.batch_bytes) submit();
  return {};
}

void LogWriter::submit() {
  if (batch_count_ == 0) return;
  Pending p;
  p.raw.swap(batch_);
  p.count = batch_count_;
  p.first_record = next_record_ - batch_count_;
  p.first_time = batch_first_time_;
  p.last_time = batch_last_time_;
  batch_count_ = 0;
  batch_.reserve(p.raw.capacity());
  std::unique_lock<std::mutex> lk(mu_);
  cv_.wait(lk, [&] { return queue_.size() < 2 || stop_; });  // back-pressure
  queue_.push_back(std::move(p));
  cv_.notify_all();
}

void LogWriter::worker() {
  std::unique_lock<std::mutex> lk(mu_);
  for (;;) {
    cv_.wait(lk, [&] { return !queue_.empty() || stop_; });
    if (queue_.empty()) return;  // stop_ and drained
    Pending p = std::move(queue_.front());
    queue_.pop_front();
    busy_ = true;
    cv_.notify_all();
    bool skip = error_.has_value();
    lk.unlock();
    Expected<void> r = skip ? Expected<void>() : write_batch(p);
    lk.lock();
    busy_ = false;
    if (!r && !error_) {
      error_ = r.error();
      failed_ = true;
    }
    cv_.notify_all();
  }
}

Expected<void> LogWriter::flush() {
  if (!thread_.joinable()) return error_ ? Expected<void>(*error_) : Expected<void>();
  submit();
  std::unique_lock<std::mutex> lk(mu_);
  cv_.wait(lk, [&] { return queue_.empty() && !busy_; });
  if (error_) return *error_;
  return {};
}

Expected<void> LogWriter::write_batch(Pending& b) {
  const uint8_t* stored = b.raw.data();
  size_t stored_size = b.raw.size();
  Codec codec = Codec::None;
  if (opts_.codec == Codec::Zlib && worth_compressing(b.raw, opts_.zlib_level, zbuf_)) {
    zlib_compress(b.raw.data(), b.raw.size(), opts_.zlib_level, zbuf_);
    if (zbuf_.size() < b.raw.size()) {
      codec = Codec::Zlib;
      stored = reinterpret_cast<const uint8_t*>(zbuf_.data());
      stored_size = zbuf_.size();
    }
  }
  BatchHeader h{};
  h.magic = kBatchMagic;
  h.count = b.count;
  h.first_record = b.first_record;
  h.first_time = b.first_time;
  h.last_time = b.last_time;
  h.raw_size = uint32_t(b.raw.size());
  h.stored_size = uint32_t(stored_size);
  h.codec = uint8_t(codec);
  h.data_crc = crc32c(stored, stored_size);
  h.header_crc = crc32c(&h, offsetof(BatchHeader, header_crc));

  // Roll over before a batch would push a non-empty segment past its limit.
  if (segment_size_ > sizeof(SegmentHeader) &&
      segment_size_ + sizeof h + stored_size > opts_.segment_bytes)
    TC_TRY(open_segment(b.first_record));
  // One writev for header and data: a crash leaves a whole batch or a torn one.
  if (!write_all2(fd_, &h, sizeof h, stored, stored_size)) {
    // A short write (disk full) leaves a torn batch: cut it off, so the log
    // ends at its last whole batch and the space goes back to the disk.
    auto e = io_error("cannot write log batch to " + segment_path(dir_, segment_index_));
    (void)!::ftruncate(fd_, off_t(segment_size_));
    return e;
  }
  segment_size_ += sizeof h + stored_size;
  stats_.batches++;
  stats_.records += b.count;
  stats_.raw_bytes += b.raw.size();
  stats_.stored_bytes += stored_size;
  stats_.file_bytes += sizeof h + stored_size;
  return {};
}

Expected<void> LogWriter::close() {
  if (!thread_.joinable()) return {};
  auto r = flush();
  {
    std::lock_guard<std::mutex> lk(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
  if (fd_ >= 0) {
    if (::fsync(fd_) != 0 && r) r = io_error("fsync failed");
    ::close(fd_);
    fd_ = -1;
  }
  return r;
}

}  // namespace tc::trace
