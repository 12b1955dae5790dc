// Log format version 4: a clock_time_get record stores its `time` result as
// the difference from the previous clock_time_get time of the same clock in
// its batch (zigzag varint; the first of a batch against 0), so that 1M
// recorded clock reads are ~2 bytes of time each instead of a 9-byte
// absolute value, and the compressor has half as much to chew. The reader
// restores the absolute values when it loads a batch: everything above it
// (trace text, replay, describe, export) sees version 3 payloads.
//
// The rule is on the bytes, so it is lossless for any payload: a payload
// is rewritten iff it is four varints (clock id, precision, errno, time)
// with the last one canonical; the rewritten one is again of that form, and
// anything else is stored as it is.
#pragma once
#include <cstdint>
#include <span>
#include <vector>

#include "trace/byte_buf.hpp"

namespace tc::trace {

constexpr uint32_t kClockTimeGetId = 6;  // wasi::CallId::clock_time_get (checked in recorder.hpp)
constexpr uint32_t kClockDeltaVersion = 4;

// The previous time of each clock (WASI's four; other ids are taken
// against 0), reset at each batch.
struct ClockDeltas {
  uint64_t last[4] = {};
};

// The stored form of clock `id`'s `time` (zigzag of the difference), and
// the clock's last time updated.
inline uint64_t clock_delta(ClockDeltas& c, uint64_t id, uint64_t time) {
  uint64_t last = id < 4 ? c.last[id] : 0;
  if (id < 4) c.last[id] = time;
  return zigzag(int64_t(time - last));
}

// Rewrites the payload [p, end) in place to its delta form; returns the new
// end (which may be up to 10 bytes past `end`), or nullptr if it is not in
// the form above (left as it is).
uint8_t* to_clock_delta(uint8_t* p, const uint8_t* end, ClockDeltas& clocks);

// The inverse: appends the absolute form of `payload` to `out`; false if it
// is not in the form above (nothing appended).
bool from_clock_delta(std::span<const uint8_t> payload, ClockDeltas& clocks, std::vector<uint8_t>& out);

// A version 4 batch's records (`count` of them) with their clock records
// restored, into `out`. Stops rewriting at the first malformed record and
// copies the rest as it is, so the reader reports the same damage there.
void expand_clock_deltas(std::span<const uint8_t> raw, uint32_t count, std::vector<uint8_t>& out);

}  // namespace tc::trace
