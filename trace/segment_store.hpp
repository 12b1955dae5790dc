// Where a log's segments live, as the log writer and reader need it: the
// few operations of an object store that a log uses (trace/ does not know
// the registry). Segments are numbered 0, 1, 2 ...; a sealed segment is
// immutable; the open one is appended batch by batch.
//
// Implementations: a directory of segment files (dir_segments, below; what
// tests and tools given a bare directory use) and the registry's, over its
// ObjectStore (registry/log_segments.hpp): on a local store the open
// segment is a file appended in place, on a remote one a buffer stored as
// one immutable object when sealed.
#pragma once
#include <cstdint>
#include <cstdio>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "interp/error.hpp"

namespace tc::trace {

// The open segment.
class SegmentSink {
 public:
  virtual ~SegmentSink() = default;
  // Appends `a` then `b` (a batch header and its bytes). On failure the
  // segment ends where it did before the call: a torn append is cut off.
  virtual Expected<void> append(std::span<const uint8_t> a, std::span<const uint8_t> b) = 0;
  // The same for `b` = [data, data + size) in a buffer the sink may also
  // write `before` bytes before and `after` bytes after (a local file
  // written with O_DIRECT puts its last partial block and `a` there and
  // writes the batch from where it lies, without copying it). True if it
  // did so, false if it appended as append() does.
  virtual Expected<bool> append_in_buffer(std::span<const uint8_t> a, uint8_t* data, size_t size,
                                          size_t before, size_t after) {
    (void)before;
    (void)after;
    TC_TRY(append(a, {data, size}));
    return false;
  }
  // Durable and immutable from now on; nothing more is appended.
  virtual Expected<void> seal() = 0;
  // Deletes the segment (it holds no batch: its header could not be written).
  virtual void discard() = 0;
};

struct SegmentEntry {
  uint32_t index = 0;
  uint64_t size = 0;
};

class SegmentStore {
 public:
  virtual ~SegmentStore() = default;
  // The segment's name in messages: its file's path or its object's URL.
  virtual std::string name(uint32_t index) const = 0;
  // The segments there are, by index ascending (gaps included: the reader
  // stops at the first).
  virtual Expected<std::vector<SegmentEntry>> list() const = 0;
  // Bytes [offset, offset + len) of a segment (fewer at its end); nullopt
  // if there is no such segment.
  virtual Expected<std::optional<std::vector<uint8_t>>> read(uint32_t index, uint64_t offset,
                                                             uint64_t len) const = 0;
  // Starts segment `index`; an error if it exists.
  virtual Expected<std::unique_ptr<SegmentSink>> create(uint32_t index) = 0;
};

// A segment's object name within its log: "log.000000", ...
inline std::string segment_name(uint32_t index) {
  char name[32];
  std::snprintf(name, sizeof name, "log.%06u", index);
  return name;
}
// The index a segment name stands for; nullopt for any other name.
inline std::optional<uint32_t> parse_segment_name(const std::string& name) {
  if (name.size() < 10 || name.compare(0, 4, "log.") != 0) return std::nullopt;
  uint64_t v = 0;
  for (size_t i = 4; i < name.size(); ++i) {
    if (name[i] < '0' || name[i] > '9' || v > UINT32_MAX) return std::nullopt;
    v = v * 10 + uint64_t(name[i] - '0');
  }
  if (v > UINT32_MAX || segment_name(uint32_t(v)) != name) return std::nullopt;
  return uint32_t(v);
}

// Segment files log.000000, ... in `dir` (created by the first create()).
std::shared_ptr<SegmentStore> dir_segments(const std::string& dir);

// The open segment as a local file, created (O_EXCL) at `path` and
// appended with one writev per batch, so that after a crash or kill -9 the
// file is whole up to its last batch (the reader drops a torn tail); a
// short write (full disk) is truncated away at once. Sealing is fsync.
Expected<std::unique_ptr<SegmentSink>> create_segment_file(const std::string& path);

}  // namespace tc::trace
