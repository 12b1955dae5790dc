#include "trace/log_reader.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "trace/codec.hpp"
#include "trace/crc32c.hpp"

namespace tc::trace {

namespace {

constexpr uint64_t kMaxRawBatch = 1ull << 30;  // refuse absurd sizes from a bad header

std::string hex(uint64_t v) {
  char b[24];
  std::snprintf(b, sizeof b, "0x%llx", static_cast<unsigned long long>(v));
  return b;
}

// Exactly `size` bytes of segment `index` at `off` into `buf`; false if
// fewer are there or the read fails.
bool read_exact(const SegmentStore& store, uint32_t index, uint64_t off, void* buf, size_t size) {
  auto got = store.read(index, off, size);
  if (!got || !got->has_value() || (*got)->size() != size) return false;
  std::memcpy(buf, (*got)->data(), size);
  return true;
}
// The same into `out` (no copy).
bool read_exact(const SegmentStore& store, uint32_t index, uint64_t off, size_t size,
                std::vector<uint8_t>& out) {
  auto got = store.read(index, off, size);
  if (!got || !got->has_value() || (*got)->size() != size) return false;
  out = std::move(**got);
  return true;
}

}  // namespace

Expected<LogReader> LogReader::open(std::shared_ptr<const SegmentStore> segments) {
  LogReader r;
  r.store_ = std::move(segments);
  TC_TRY(r.scan());
  return r;
}

Expected<LogReader> LogReader::open(const std::string& dir) { return open(dir_segments(dir)); }

Expected<void> LogReader::scan() {
  const SegmentStore& store = *store_;
  auto listed = store.list();
  if (!listed) return make_error(ErrorKind::Io, "cannot open log " + store.name(0) + ": " + listed.error().message);
  uint64_t expect_record = 0;
  for (uint32_t i = 0;; ++i) {
    std::string path = store.name(i);
    if (i >= listed->size() || (*listed)[i].index != i) {  // the log ends at the first gap
      if (i == 0) return make_error(ErrorKind::Io, "cannot open log " + path + ": " + std::strerror(ENOENT));
      return {};
    }
    uint64_t size = (*listed)[i].size;
    std::string where = "segment " + std::to_string(i);
    SegmentHeader sh{};
    if (size < sizeof sh || !read_exact(store, i, 0, &sh, sizeof sh) ||
        std::memcmp(sh.magic, kSegmentMagic, sizeof sh.magic) != 0) {
      if (i == 0) return make_error(ErrorKind::Io, path + ": not a timecraft log (bad segment header)");
      torn_ = where + ": bad segment header";
      return {};
    }
    if (sh.version > kFormatVersion)
      return make_error(ErrorKind::Io, path + ": log format version " + std::to_string(sh.version) +
                                           " is newer than this timecraft supports (" +
                                           std::to_string(kFormatVersion) + ")");
    if (sh.segment_index != i || sh.first_record != expect_record || sh.header_size < sizeof sh ||
        sh.header_size > size) {
      torn_ = where + ": segment header out of sequence";
      return {};
    }
    version_ = std::min(version_, sh.version);
    SegmentInfo seg;
    seg.index = i;
    seg.path = path;
    seg.size = size;
    seg.version = sh.version;
    uint64_t off = sh.header_size;
    std::vector<uint8_t> stored;
    while (off < size) {
      std::string at = where + " offset " + hex(off);
      BatchHeader h{};
      if (size - off < sizeof h) {
        torn_ = at + ": truncated batch header (" + std::to_string(size - off) + " of " +
                std::to_string(sizeof h) + " bytes)";
        break;
      }
      if (!read_exact(store, i, off, &h, sizeof h)) {
        torn_ = at + ": batch header unreadable";
        break;
      }
      if (h.magic != kBatchMagic || h.header_crc != crc32c(&h, offsetof(BatchHeader, header_crc))) {
        torn_ = at + ": corrupt batch header";
        break;
      }
      // A batch's raw size is bounded by what its stored bytes can hold:
      // equal when stored raw, at most deflate's ratio (1032:1) when
      // compressed with zlib, and what its zstd frame says (checked below
      // with the stored bytes); so a corrupt header cannot make a reader
      // allocate far more than the file's size (found by fuzz_log).
      bool raw_fits = h.codec == uint8_t(Codec::None)   ? h.raw_size == h.stored_size
                      : h.codec == uint8_t(Codec::Zlib) ? uint64_t(h.raw_size) <= uint64_t(h.stored_size) * 1032 + 1024
                                                        : true;
      if (h.first_record != expect_record || h.count == 0 || h.raw_size > kMaxRawBatch ||
          h.codec > kLastCodec || h.count > h.raw_size || !raw_fits) {
        torn_ = at + ": inconsistent batch header";
        break;
      }
      if (h.stored_size > size - off - sizeof h) {
        torn_ = at + ": batch truncated (" + std::to_string(size - off - sizeof h) + " of " +
                std::to_string(h.stored_size) + " bytes)";
        break;
      }
      if (!read_exact(store, i, off + sizeof h, h.stored_size, stored) ||
          crc32c(stored.data(), stored.size()) != h.data_crc) {
        torn_ = at + ": batch checksum mismatch";
        break;
      }
      if (h.codec == uint8_t(Codec::Zstd) && !zstd_frame_says(stored, h.raw_size)) {
        torn_ = at + ": inconsistent batch header";
        break;
      }
      seg.batches.push_back(BatchInfo{i, off, h});
      seg.records += h.count;
      expect_record += h.count;
      off += sizeof h + h.stored_size;
    }
    segments_.push_back(std::move(seg));
    if (torn_) return {};
  }
}

LogStats LogReader::stats() const {
  LogStats s;
  s.segments = segments_.size();
  for (const auto& seg : segments_) {
    s.file_bytes += seg.size;
    for (const auto& b : seg.batches) {
      s.batches++;
      s.records += b.header.count;
      s.raw_bytes += b.header.raw_size;
      s.stored_bytes += b.header.stored_size;
    }
  }
  return s;
}

bool LogReader::load_batch() {
  while (seg_ < segments_.size() && batch_ >= segments_[seg_].batches.size()) {
    ++seg_;
    batch_ = 0;
  }
  if (seg_ >= segments_.size()) return false;
  const BatchInfo& b = segments_[seg_].batches[batch_++];
  std::string at = "segment " + std::to_string(b.segment) + " offset " + hex(b.offset);
  std::vector<uint8_t> stored;
  if (!read_exact(*store_, b.segment, b.offset + sizeof(BatchHeader), b.header.stored_size, stored) ||
      crc32c(stored.data(), stored.size()) != b.header.data_crc) {
    torn_ = at + ": batch changed or unreadable since the scan";
    seg_ = segments_.size();
    return false;
  }
  raw_.clear();
  if (b.header.codec == uint8_t(Codec::None)) raw_ = std::move(stored);
  else if (!decompress(Codec(b.header.codec), stored, b.header.raw_size, raw_)) raw_.clear();
  if (raw_.size() != b.header.raw_size) {
    torn_ = at + ": batch does not decompress to its recorded size";
    seg_ = segments_.size();
    return false;
  }
  if (segments_[seg_].version >= kClockDeltaVersion) {  // clock records back to absolute times
    expand_clock_deltas(raw_, b.header.count, expanded_);
    raw_.swap(expanded_);
  }
  pos_ = raw_.data();
  end_ = pos_ + raw_.size();
  left_in_batch_ = b.header.count;
  next_index_ = b.header.first_record;
  time_ = b.header.first_time;
  return true;
}

bool LogReader::next(Record& r) {
  if (left_in_batch_ == 0) {
    if (pos_ != end_ && pos_ != nullptr) {
      torn_ = "record " + std::to_string(next_index_) + ": trailing bytes after the batch's records";
      seg_ = segments_.size();
      pos_ = end_ = nullptr;
      return false;
    }
    if (!load_batch()) return false;
  }
  uint64_t delta, call, len;
  if (!get_varint(pos_, end_, delta) || !get_varint(pos_, end_, call) ||
      !get_varint(pos_, end_, len) || len > uint64_t(end_ - pos_) ||
      (call >> 32) & ~uint64_t(version_ >= 2 ? kRecordFlagsKnown : 0)) {
    torn_ = "record " + std::to_string(next_index_) + ": corrupt record encoding";
    seg_ = segments_.size();
    left_in_batch_ = 0;
    pos_ = end_ = nullptr;
    return false;
  }
  time_ += delta;
  r.index = next_index_++;
  r.time_ns = time_;
  r.call_id = uint32_t(call);
  r.injected = (call >> 32) & kRecordInjected;
  r.payload = std::span<const uint8_t>(pos_, size_t(len));
  pos_ += len;
  --left_in_batch_;
  return true;
}

}  // namespace tc::trace
