#include "trace/log_writer.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "trace/crc32c.hpp"

namespace tc::trace {

void put_varint_long(std::vector<uint8_t>& out, uint64_t v) {
  // (push_back per byte: fewer instructions than resize or a range insert)
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

namespace {

// Bulk data (file contents, random bytes) is often incompressible: try a
// 64 KiB sample first so such batches are stored raw without paying the
// codec on all of them.
bool worth_compressing(std::span<const uint8_t> raw, Compressor& c, std::vector<uint8_t>& scratch) {
  constexpr size_t kSample = 64 << 10;
  if (raw.size() <= 4 * kSample) return true;
  if (!c.compress({raw.data() + raw.size() / 2 - kSample / 2, kSample}, scratch)) return false;
  return scratch.size() < kSample * 9 / 10;
}

// A few nanoseconds (vDSO, no syscall): cheap enough for every record.
int64_t coarse_now_ns() {
  timespec ts;
  ::clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
  return int64_t(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

int64_t seconds_ns(uint32_t s) { return int64_t(s) * 1000000000; }
}  // namespace

Expected<std::unique_ptr<LogWriter>> LogWriter::create(std::shared_ptr<SegmentStore> segments,
                                                       const LogOptions& opts) {
  auto existing = segments->list();
  if (!existing) return existing.error();
  if (!existing->empty()) return make_error(ErrorKind::Io, segments->name(0) + ": already holds a log");
  std::unique_ptr<LogWriter> w(new LogWriter(std::move(segments), opts));
  if (w->opts_.batch_records == 0) w->opts_.batch_records = 1;
  if (w->opts_.version != kFormatVersion && w->opts_.version != 3)
    return make_error(ErrorKind::Io, "cannot write log format version " + std::to_string(w->opts_.version));
  TC_TRY(w->open_segment(0));
  w->written_end_ = w->segment_size_;
  w->place_batch();
  if (w->opts_.segment_seconds) w->seal_due_ns_ = coarse_now_ns() + seconds_ns(w->opts_.segment_seconds);
  w->thread_ = std::thread([p = w.get()] { p->worker(); });
  return w;
}

Expected<std::unique_ptr<LogWriter>> LogWriter::create(const std::string& dir,
                                                       const LogOptions& opts) {
  return create(dir_segments(dir), opts);
}

LogWriter::~LogWriter() { (void)close(); }

Expected<void> LogWriter::open_segment(uint64_t first_record) {
  if (sink_) {
    TC_TRY(sink_->seal());  // (a local file: fsync; a remote store: the upload)
    sink_.reset();
    ++segment_index_;
  }
  auto sink = segments_->create(segment_index_);
  if (!sink) return sink.error();
  SegmentHeader h{};
  std::memcpy(h.magic, kSegmentMagic, sizeof h.magic);
  h.version = opts_.version;
  h.header_size = sizeof h;
  h.segment_index = segment_index_;
  h.first_record = first_record;
  if (auto r = (*sink)->append({reinterpret_cast<const uint8_t*>(&h), sizeof h}, {}); !r) {
    // No room for even a header (disk full): leave no half-made segment,
    // so the log ends cleanly with the previous one.
    (*sink)->discard();
    return r.error();
  }
  sink_ = std::move(*sink);
  segment_size_ = sizeof h;
  ++stats_.segments;
  stats_.file_bytes += sizeof h;
  return {};
}

Expected<void> LogWriter::append(uint64_t time_ns, uint32_t call_id, std::span<const uint8_t> head,
                                 std::span<const Splice> splices, uint32_t flags) {
  if (failed_.load(std::memory_order_relaxed)) return failure();
  size_t size = head.size();
  for (const auto& s : splices) size += s.bytes.size();
  uint8_t clock[64];  // a clock record in its version 4 form
  if (call_id == kClockTimeGetId && opts_.version >= kClockDeltaVersion && size <= 40) {
    uint8_t* end = clock;
    size_t from = 0;
    for (const auto& s : splices) {
      end = std::copy(head.data() + from, head.data() + s.at, end);
      end = std::copy(s.bytes.begin(), s.bytes.end(), end);
      from = s.at;
    }
    end = std::copy(head.data() + from, head.data() + head.size(), end);
    if (uint8_t* d = to_clock_delta(clock, end, clocks_)) {
      head = {clock, size_t(d - clock)};
      splices = {};
      size = head.size();
    }
  }
  uint8_t* p = batch_.room(3 * kMaxVarint);
  p = put_record_head(p, time_ns, call_id, flags);
  batch_.commit(put_varint(p, size));
  // Copied once, without zeroing the room first (a whole extra pass over
  // bulk reads).
  batch_.room(size);
  size_t from = 0;
  for (const auto& s : splices) {
    batch_.append(head.data() + from, s.at - from);
    batch_.append(s.bytes.data(), s.bytes.size());
    from = s.at;
  }
  batch_.append(head.data() + from, head.size() - from);
  record_done(time_ns);
  return {};
}

Expected<void> LogWriter::failure() {
  std::lock_guard<std::mutex> lk(mu_);
  return error_ ? *error_ : make_error(ErrorKind::Io, "the log is closed");
}

void LogWriter::check_seal_due() {
  if (int64_t now = coarse_now_ns(); now >= seal_due_ns_) {
    seal_due_ns_ = now + seconds_ns(opts_.segment_seconds);
    submit(true);
  } else if (batch_count_ >= opts_.batch_records || batch_.size() >= opts_.batch_bytes) {
    submit();
  }
}

void LogWriter::submit(bool seal_after) {
  if (batch_count_ == 0) return;
  Pending p;
  p.seal_after = seal_after;
  p.raw.swap(batch_);
  p.count = batch_count_;
  p.first_record = next_record_ - batch_count_;
  p.first_time = batch_first_time_;
  p.last_time = batch_last_time_;
  batch_count_ = 0;
  clocks_ = {};
  size_t cap = p.raw.capacity();
  std::unique_lock<std::mutex> lk(mu_);
  cv_.wait(lk, [&] { return queue_.size() < 2 || stop_; });  // back-pressure
  queue_.push_back(std::move(p));
  cv_.notify_all();
  // A written batch's buffer, already mapped and faulted in: a fresh 4 MiB
  // one per batch costs page faults (sys time) on bulk reads.
  if (!spare_.empty()) {
    batch_.swap(spare_.back());
    spare_.pop_back();
  }
  place_batch();
  lk.unlock();
  if (batch_.capacity() < cap) batch_.reserve(cap);
}

void LogWriter::place_batch() {
  constexpr size_t kBlock = ByteBuf::kAlign;
  // The writer's roll-over rule (write_batch), over the batches in flight.
  uint64_t at = written_end_;
  auto land = [&](uint64_t raw) {
    if (at > sizeof(SegmentHeader) && at + sizeof(BatchHeader) + raw > opts_.segment_bytes)
      at = sizeof(SegmentHeader);
  };
  auto after = [&](uint64_t raw) {
    land(raw);
    at += sizeof(BatchHeader) + raw;
  };
  if (busy_) after(busy_raw_);
  for (const auto& q : queue_) after(q.raw.size());
  land(opts_.batch_bytes);  // (a bulk batch fills up to about that)
  batch_.set_front(sizeof(BatchHeader) + size_t(at % kBlock));
}

void LogWriter::worker() {
  std::unique_lock<std::mutex> lk(mu_);
  for (;;) {
    cv_.wait(lk, [&] { return !queue_.empty() || stop_; });
    if (queue_.empty()) return;  // stop_ and drained
    Pending p = std::move(queue_.front());
    queue_.pop_front();
    busy_ = true;
    busy_raw_ = p.raw.size();
    cv_.notify_all();
    bool skip = error_.has_value();
    lk.unlock();
    Expected<void> r = skip ? Expected<void>() : write_batch(p);
    lk.lock();
    busy_ = false;
    written_end_ = segment_size_;
    if (spare_.size() < 2) {
      p.raw.clear();
      spare_.push_back(std::move(p.raw));
    }
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
  if (compressor_.codec() != Codec::None && worth_compressing(b.raw, compressor_, zbuf_) &&
      compressor_.compress(b.raw, zbuf_)) {
    codec = compressor_.codec();
    stored = zbuf_.data();
    stored_size = zbuf_.size();
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

  // Roll over before a batch would push a non-empty segment past its
  // limit, or after a timed seal.
  if (!sink_ || (segment_size_ > sizeof(SegmentHeader) &&
                 segment_size_ + sizeof h + stored_size > opts_.segment_bytes))
    TC_TRY(open_segment(b.first_record));
  // Header and data in one append: a crash leaves a whole batch or a torn
  // one; a failed append (disk full) is cut off by the sink, so the log
  // ends at its last whole batch.
  std::span<const uint8_t> head{reinterpret_cast<const uint8_t*>(&h), sizeof h};
  if (codec == Codec::None) {
    auto in_place = sink_->append_in_buffer(head, b.raw.data(), b.raw.size(), b.raw.front_room(),
                                            b.raw.back_room());
    if (!in_place) return in_place.error();
    stats_.in_place_batches += *in_place;
  } else {
    TC_TRY(sink_->append(head, {stored, stored_size}));
  }
  segment_size_ += sizeof h + stored_size;
  stats_.batches++;
  stats_.records += b.count;
  stats_.raw_bytes += b.raw.size();
  stats_.stored_bytes += stored_size;
  stats_.file_bytes += sizeof h + stored_size;
  if (b.seal_after) {  // the next batch, if any, opens the next segment
    TC_TRY(sink_->seal());
    sink_.reset();
    ++segment_index_;
  }
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
  if (sink_) {
    auto sealed = sink_->seal();
    sink_.reset();
    if (!sealed && r) r = sealed;
  }
  return r;
}

}  // namespace tc::trace
