// Reads a log written by LogWriter, from its SegmentStore (a directory or
// the registry's object store: range reads, no paths). Never trusts the bytes: a
// truncated or corrupted batch ends the readable log there and is reported
// as the torn tail; everything before it is returned.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "interp/error.hpp"
#include "trace/log_format.hpp"
#include "trace/log_writer.hpp"

namespace tc::trace {

struct Record {
  uint64_t index = 0;
  uint64_t time_ns = 0;
  uint32_t call_id = 0;
  std::span<const uint8_t> payload;  // valid until the next call to next()
  bool injected = false;             // made up by fault injection (kRecordInjected)
};

// Sees each record as it is made (Recorder) or consumed (Replayer): the
// live trace of `run -T` and `replay -T`. The payload lives only for the call.
using RecordHook = std::function<void(const Record&)>;

struct BatchInfo {
  uint32_t segment = 0;
  uint64_t offset = 0;  // of the batch header in its segment file
  BatchHeader header{};
};

struct SegmentInfo {
  uint32_t index = 0;
  std::string path;  // its name in messages (SegmentStore::name)
  uint64_t size = 0;
  uint64_t records = 0;
  uint32_t version = 0;  // of its header
  std::vector<BatchInfo> batches;
};

class LogReader {
 public:
  // Fails only if the log has no readable first segment header.
  static Expected<LogReader> open(std::shared_ptr<const SegmentStore> segments);
  static Expected<LogReader> open(const std::string& dir);  // dir_segments(dir)

  // Next record; false at the end of the readable log.
  bool next(Record& r);

  // Why the readable log ended early, e.g. "segment 0 offset 0x1234:
  // batch truncated (header says 812 bytes, 100 present)"; nullopt if clean.
  const std::optional<std::string>& torn_tail() const { return torn_; }

  // Whole-log scan (headers only, plus CRC checks): for `describe`.
  const std::vector<SegmentInfo>& segments() const { return segments_; }
  LogStats stats() const;

 private:
  Expected<void> scan();
  bool load_batch();

  std::shared_ptr<const SegmentStore> store_;
  std::vector<SegmentInfo> segments_;
  std::optional<std::string> torn_;
  // Iteration state.
  size_t seg_ = 0, batch_ = 0;
  std::vector<uint8_t> raw_, expanded_;
  const uint8_t* pos_ = nullptr;
  const uint8_t* end_ = nullptr;
  uint32_t left_in_batch_ = 0;
  uint64_t next_index_ = 0, time_ = 0;
  uint32_t version_ = kFormatVersion;  // the lowest of the segments' (1: no record flags)
};

}  // namespace tc::trace
