#include "debug/target/protocol.hpp"

#include "debug/target/wire.hpp"

namespace tc::debug {

void encode(wire::Writer& w, const RunSpec& s) {
  w.u8(uint8_t(s.mode));
  w.u8(uint8_t(s.event));
  w.u64(s.breakpoints.size());
  for (uint32_t b : s.breakpoints) w.u32(b);
  w.u64(s.watches.size());
  for (const auto& x : s.watches) { w.u64(x.addr); w.u32(x.len); w.u8(uint8_t(x.kind)); }
  w.u64(s.stop_at);
  w.u64(s.record);
  w.u32(s.return_depth);
  w.u32(s.depth);
  w.u64(s.scan_from);
  w.u64(s.echo_from);
  w.u64(s.checkpoint_every);
}

bool decode(wire::Reader& r, RunSpec& s) {
  s.mode = RunSpec::Mode(r.u8());
  s.event = RunSpec::Event(r.u8());
  uint64_t n = r.u64();
  for (uint64_t i = 0; i < n && r.ok(); ++i) s.breakpoints.push_back(r.u32());
  n = r.u64();
  for (uint64_t i = 0; i < n && r.ok(); ++i) {
    WatchSpan x;
    x.addr = r.u64();
    x.len = r.u32();
    uint8_t kind = r.u8();
    if (kind > uint8_t(WatchKind::Access)) return false;
    x.kind = WatchKind(kind);
    s.watches.push_back(x);
  }
  s.stop_at = r.u64();
  s.record = r.u64();
  s.return_depth = r.u32();
  s.depth = r.u32();
  s.scan_from = r.u64();
  s.echo_from = r.u64();
  s.checkpoint_every = r.u64();
  return r.ok() && uint8_t(s.mode) <= uint8_t(RunSpec::Mode::Scan) &&
         uint8_t(s.event) <= uint8_t(RunSpec::Event::Caller);
}

void encode(wire::Writer& w, const StopInfo& s) {
  w.u8(uint8_t(s.reason));
  w.u64(s.count);
  w.u64(s.record);
  w.u64(s.record_base);
  w.u8(s.in_host_call);
  w.u32(s.breakpoint);
  w.u32(s.watch);
  w.u8(s.watch_read);
  w.u64(s.watch_addr);
  w.blob(s.old_bytes);
  w.blob(s.new_bytes);
  w.u32(uint32_t(s.exit_code));
  w.str(s.message);
  w.u8(s.found.has_value());
  w.u64(s.found.value_or(0));
  w.u64(s.frames.size());
  for (const auto& f : s.frames) {
    w.u32(f.func_index);
    w.u32(f.offset);
    w.u8(uint8_t(f.has_offset) | uint8_t(f.host) << 1);
  }
}

bool decode(wire::Reader& r, StopInfo& s) {
  s.reason = StopInfo::Reason(r.u8());
  s.count = r.u64();
  s.record = r.u64();
  s.record_base = r.u64();
  s.in_host_call = r.u8() != 0;
  s.breakpoint = r.u32();
  s.watch = r.u32();
  s.watch_read = r.u8() != 0;
  s.watch_addr = r.u64();
  s.old_bytes = r.blob();
  s.new_bytes = r.blob();
  s.exit_code = int32_t(r.u32());
  s.message = r.str();
  bool has_found = r.u8() != 0;
  uint64_t found = r.u64();
  if (has_found) s.found = found;
  uint64_t n = r.u64();
  for (uint64_t i = 0; i < n && r.ok(); ++i) {
    FrameInfo f;
    f.func_index = r.u32();
    f.offset = r.u32();
    uint8_t flags = r.u8();
    f.has_offset = flags & 1;
    f.host = flags & 2;
    s.frames.push_back(f);
  }
  return r.ok() && uint8_t(s.reason) <= uint8_t(StopInfo::Reason::LogEnded);
}

}  // namespace tc::debug
