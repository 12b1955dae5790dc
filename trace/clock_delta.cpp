#include "trace/clock_delta.hpp"

#include "trace/byte_buf.hpp"
#include "trace/log_writer.hpp"

namespace tc::trace {

namespace {

uint64_t unzigzag(uint64_t z) { return (z >> 1) ^ (0 - (z & 1)); }

size_t varint_size(uint64_t v) {
  size_t n = 1;
  while (v >= 0x80) v >>= 7, ++n;
  return n;
}

// Parses the four varints; `last_at` is where the fourth starts. False if
// the payload is not exactly that, or the fourth is not canonical.
bool parse(const uint8_t* p, const uint8_t* end, uint64_t& id, const uint8_t*& last_at, uint64_t& v) {
  uint64_t skip;
  if (!get_varint(p, end, id) || !get_varint(p, end, skip) || !get_varint(p, end, skip)) return false;
  last_at = p;
  return get_varint(p, end, v) && p == end && size_t(p - last_at) == varint_size(v);
}

uint64_t& slot(ClockDeltas& c, uint64_t id, uint64_t& scratch) {
  if (id < 4) return c.last[id];
  scratch = 0;
  return scratch;
}

}  // namespace

uint8_t* to_clock_delta(uint8_t* p, const uint8_t* end, ClockDeltas& clocks) {
  uint64_t id, time;
  const uint8_t* at;
  if (!parse(p, end, id, at, time)) return nullptr;
  return put_varint(p + (at - p), clock_delta(clocks, id, time));
}

bool from_clock_delta(std::span<const uint8_t> payload, ClockDeltas& clocks, std::vector<uint8_t>& out) {
  uint64_t id, z, scratch;
  const uint8_t* at;
  if (!parse(payload.data(), payload.data() + payload.size(), id, at, z)) return false;
  uint64_t& last = slot(clocks, id, scratch);
  last += unzigzag(z);
  out.insert(out.end(), payload.data(), at);
  put_varint(out, last);
  return true;
}

void expand_clock_deltas(std::span<const uint8_t> raw, uint32_t count, std::vector<uint8_t>& out) {
  out.clear();
  out.reserve(raw.size() + raw.size() / 2);
  ClockDeltas clocks;
  const uint8_t* p = raw.data();
  const uint8_t* end = p + raw.size();
  std::vector<uint8_t> payload;
  for (uint32_t i = 0; i < count; ++i) {
    const uint8_t* rec = p;
    uint64_t delta, call, len;
    if (!get_varint(p, end, delta) || !get_varint(p, end, call) || !get_varint(p, end, len) ||
        len > uint64_t(end - p)) {
      p = rec;  // malformed: the reader reports it
      break;
    }
    std::span<const uint8_t> body(p, size_t(len));
    p += len;
    payload.clear();
    if (uint32_t(call) == kClockTimeGetId && from_clock_delta(body, clocks, payload)) {
      put_varint(out, delta);
      put_varint(out, call);
      put_varint(out, payload.size());
      out.insert(out.end(), payload.begin(), payload.end());
    } else {
      out.insert(out.end(), rec, p);
    }
  }
  out.insert(out.end(), p, end);
}

}  // namespace tc::trace
