// Appends records to a log: segments (log.000000, ...) in a SegmentStore
// (segment_store.hpp), a directory or the registry's object store.
// Records are buffered into a batch; a full batch is compressed and
// appended to the open segment in one piece (on a local file, one
// writev(2)), so after a crash the log is whole up to its last batch.
#pragma once
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "interp/error.hpp"
#include "trace/byte_buf.hpp"
#include "trace/clock_delta.hpp"
#include "trace/codec.hpp"
#include "trace/log_format.hpp"
#include "trace/segment_store.hpp"

namespace tc::trace {

struct LogOptions {
  uint32_t batch_records = 4096;          // --record-batch-size
  uint32_t batch_bytes = 4u << 20;        // flush earlier when raw bytes exceed this
  uint64_t segment_bytes = 64ull << 20;   // roll over to a new segment past this
  // Also seal the open segment at the first record this many seconds after
  // it was opened (0: by size only), so that a long run's log is uploaded
  // as it goes when a remote registry is set.
  uint32_t segment_seconds = 0;
  Codec codec = Codec::Zstd;
  int level = 0;                          // 0: the codec's fast default (kDefaultLevel)
  // The segment format written: 4, or 3 (no clock deltas: for tests that
  // compare the two).
  uint32_t version = kFormatVersion;
};

// Bytes spliced into a record's payload at offset `at` of its encoded head
// (the data a read filled, appended from guest memory without a copy into
// the head first).
struct Splice {
  size_t at;
  std::span<const uint8_t> bytes;
};

struct LogStats {
  uint64_t records = 0, batches = 0, segments = 0;
  uint64_t raw_bytes = 0, stored_bytes = 0, file_bytes = 0;
  uint64_t in_place_batches = 0;  // written from where they were built (no copy)
};

class LogWriter {
 public:
  // Writes into `segments`; fails if they already hold a log.
  static Expected<std::unique_ptr<LogWriter>> create(std::shared_ptr<SegmentStore> segments,
                                                     const LogOptions& opts = {});
  // The same in the directory `dir` (dir_segments), created if needed.
  static Expected<std::unique_ptr<LogWriter>> create(const std::string& dir,
                                                     const LogOptions& opts = {});
  ~LogWriter();  // flushes and closes; errors are lost, call close() to see them

  // Cheap: encodes into the current batch. A full batch is handed to the
  // writer thread, which compresses, checksums and writes it while the
  // program runs on (at most two batches wait; then append waits).
  // `flags`: kRecordInjected... (trace/log_format.hpp).
  Expected<void> append(uint64_t time_ns, uint32_t call_id, std::span<const uint8_t> payload,
                        uint32_t flags = 0) {
    return append(time_ns, call_id, payload, {}, flags);
  }
  // The same with the payload `head` with `splices` inserted (ascending `at`).
  Expected<void> append(uint64_t time_ns, uint32_t call_id, std::span<const uint8_t> head,
                        std::span<const Splice> splices, uint32_t flags = 0);
  // The same for a payload of at most kMaxInPlace bytes, written by
  // `encode(uint8_t* at) -> end` straight into the batch (no head buffer,
  // one capacity check). The bytes are those append would store.
  static constexpr size_t kMaxInPlace = 127;  // (its length varint is one byte)
  // False if the log has failed (failure() says why); the record is lost.
  template <class Encode>
  bool append_in_place(uint64_t time_ns, uint32_t call_id, uint32_t flags, Encode encode) {
    if (failed_.load(std::memory_order_relaxed)) [[unlikely]]
      return false;
    uint8_t* p = batch_.room(2 * kMaxVarint + 1 + kMaxInPlace);
    p = put_record_head(p, time_ns, call_id, flags);
    uint8_t* len = p++;
    uint8_t* end = encode(p);
    if (call_id == kClockTimeGetId && opts_.version >= kClockDeltaVersion)
      if (uint8_t* d = to_clock_delta(p, end, clocks_)) end = d;
    *len = uint8_t(end - p);
    batch_.commit(end);
    record_done(time_ns);
    return true;
  }
  // A clock_time_get record: the bytes append_in_place stores for its
  // payload (clock id, precision, errno, time), without parsing it back.
  bool append_clock(uint64_t time_ns, uint32_t flags, uint64_t clock, uint64_t precision, uint64_t err,
                    uint64_t time) {
    if (failed_.load(std::memory_order_relaxed)) [[unlikely]]
      return false;
    uint8_t* p = batch_.room(2 * kMaxVarint + 1 + 4 * kMaxVarint);
    p = put_record_head(p, time_ns, kClockTimeGetId, flags);
    uint8_t* len = p++;
    uint8_t* end = put_varint(put_varint(put_varint(p, clock), precision), err);
    end = put_varint(end, opts_.version >= kClockDeltaVersion ? clock_delta(clocks_, clock, time) : time);
    *len = uint8_t(end - p);
    batch_.commit(end);
    record_done(time_ns);
    return true;
  }
  Expected<void> failure();  // the error that stopped the log
  Expected<void> flush();   // the pending batch and all queued ones are written
  Expected<void> close();   // flush, fsync, close

  const LogStats& stats() const { return stats_; }  // exact after flush()/close()

 private:
  struct Pending {
    ByteBuf raw;
    uint32_t count = 0;
    uint64_t first_record = 0, first_time = 0, last_time = 0;
    bool seal_after = false;  // the segment's time is up: seal it after this batch
  };

  LogWriter(std::shared_ptr<SegmentStore> segments, LogOptions opts)
      : segments_(std::move(segments)), opts_(opts),
        compressor_(opts.codec, opts.level ? opts.level : default_level(opts.codec)) {}
  Expected<void> open_segment(uint64_t first_record);
  // A record's timestamp delta and call id | flags varints, at `p`.
  uint8_t* put_record_head(uint8_t* p, uint64_t time_ns, uint32_t call_id, uint32_t flags) {
    if (batch_count_ == 0) {
      batch_first_time_ = time_ns;
      batch_last_time_ = time_ns;
    }
    // Timestamps are stored as deltas within the batch (never negative).
    p = put_varint(p, time_ns >= batch_last_time_ ? time_ns - batch_last_time_ : 0);
    return put_varint(p, uint64_t(call_id) | uint64_t(flags) << 32);
  }
  void record_done(uint64_t time_ns) {  // counts the record; submits a full batch
    batch_last_time_ = std::max(batch_last_time_, time_ns);
    ++batch_count_;
    ++next_record_;
    if (opts_.segment_seconds) [[unlikely]]
      return check_seal_due();
    if (batch_count_ >= opts_.batch_records || batch_.size() >= opts_.batch_bytes) submit();
  }
  void check_seal_due();
  // Where the next batch's bytes start in its buffer: so that the batch,
  // its header and the segment's last partial block before it start on a
  // block in memory when it lands where predicted (at the end of what is
  // in flight, all stored raw, the segment rolling over as the writer
  // does it, a full batch's size assumed for this one). Under mu_.
  void place_batch();
  void submit(bool seal_after = false);   // producer: queue the current batch
  void worker();                          // writer thread body
  Expected<void> write_batch(Pending& b);  // compress, checksum, write (writer thread)

  std::shared_ptr<SegmentStore> segments_;
  LogOptions opts_;
  std::unique_ptr<SegmentSink> sink_;  // the open segment (none after a timed seal)
  uint32_t segment_index_ = 0;
  uint64_t segment_size_ = 0;

  // Producer side.
  ByteBuf batch_;
  uint32_t batch_count_ = 0;
  uint64_t batch_first_time_ = 0, batch_last_time_ = 0;
  uint64_t next_record_ = 0;
  int64_t seal_due_ns_ = 0;  // CLOCK_MONOTONIC_COARSE, with segment_seconds
  ClockDeltas clocks_;       // of the current batch (version 4; reset by submit)

  // Shared with the writer thread (under mu_).
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Pending> queue_;
  std::vector<ByteBuf> spare_;  // written batches' buffers, for reuse
  bool busy_ = false, stop_ = false;
  // The open segment's size after the last batch written, and the raw
  // size of the one being written (busy_): where the next batch will land
  // (place_batch).
  uint64_t written_end_ = 0, busy_raw_ = 0;
  std::optional<Error> error_;
  std::atomic<bool> failed_{false};
  std::thread thread_;

  // Writer thread only.
  Compressor compressor_;
  std::vector<uint8_t> zbuf_;
  LogStats stats_;
};

// The file of segment `index` of the log in directory `dir`.
inline std::string segment_path(const std::string& dir, uint32_t index) {
  return dir + "/" + segment_name(index);
}

// Varint helpers shared with the reader and payload encoders. The one-byte
// case inline: a recorded clock_time_get writes six varints, four of them
// single bytes.
void put_varint_long(std::vector<uint8_t>& out, uint64_t v);
inline void put_varint(std::vector<uint8_t>& out, uint64_t v) {
  if (v < 0x80) [[likely]]
    out.push_back(uint8_t(v));
  else
    put_varint_long(out, v);
}
// Returns false on truncation or over-long encoding.
bool get_varint(const uint8_t*& p, const uint8_t* end, uint64_t& v);

}  // namespace tc::trace
