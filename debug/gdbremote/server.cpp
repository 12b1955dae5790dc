#include "debug/gdbremote/server.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "debug/gdbremote/interrupt_watch.hpp"
#include "debug/gdbremote/operand_types.hpp"
#include "interp/validate/body_reader.hpp"

namespace tc::debug::gdbremote {

namespace {

using Reason = StopInfo::Reason;

// Error replies: E01 malformed packet, E02 not possible on a recording
// (writing memory, resuming elsewhere), E03 no such address, E04 no such
// frame/local/global/value, E05 the replay failed.
const char* const kMalformed = "E01";
const char* const kReadOnly = "E02";
const char* const kBadAddress = "E03";
const char* const kNoValue = "E04";
const char* const kReplayFailed = "E05";

const char* const kTriple = "wasm32-unknown-unknown-wasm";

size_t value_size(wasm::ValType t) {
  switch (t) {
    case wasm::ValType::I64:
    case wasm::ValType::F64: return 8;
    case wasm::ValType::V128: return 16;
    default: return 4;  // i32, f32, references (a 32-bit index)
  }
}

std::string xml_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '<') out += "&lt;";
    else if (c == '>') out += "&gt;";
    else if (c == '&') out += "&amp;";
    else if (c == '"') out += "&quot;";
    else out += c;
  }
  return out;
}

}  // namespace

Session::Session(Target& target, const wasm::Module& module, std::string name)
    : t_(target), m_(module), name_(std::move(name)) {
  last_stop_ = stop_reply(t_.stop());
}

std::vector<uint32_t> Session::wasm_frames() const {
  std::vector<uint32_t> out;
  const auto& fs = t_.stop().frames;
  for (uint32_t i = 0; i < fs.size(); ++i)
    if (!fs[i].host && fs[i].has_offset) out.push_back(i);
  return out;
}

uint64_t Session::pc() const {
  if (writer_) return kCodeSpace | *writer_;
  auto wf = wasm_frames();
  return wf.empty() ? kCodeSpace : kCodeSpace | t_.stop().frames[wf[0]].offset;
}

// A watch stop comes right after the access, and an access (a load, a
// store, a memory.fill/copy, a host call) never branches: the accessing
// instruction is the one just before the pc in the same function's code.
std::optional<uint32_t> Session::writing_instruction() const {
  auto wf = wasm_frames();
  if (wf.empty()) return std::nullopt;
  const FrameInfo& f = t_.stop().frames[wf[0]];
  if (f.func_index < m_.num_imported_funcs || f.func_index >= m_.total_funcs()) return std::nullopt;
  wasm::BodyReader r(m_, m_.functions[f.func_index - m_.num_imported_funcs]);
  wasm::Instr in;
  std::optional<uint32_t> before;
  while (r.next(in) && in.offset < f.offset) before = in.offset;
  return before;
}

RunSpec Session::base_spec() const {
  RunSpec spec;
  spec.breakpoints.assign(breakpoints_.begin(), breakpoints_.end());
  spec.watches = watches_;
  return spec;
}

std::string Session::stop_reply(const StopInfo& s, const char* extra) {
  if (s.reason == Reason::Exited) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "W%02x", unsigned(s.exit_code) & 0xff);
    return buf;
  }
  const bool interrupted = s.reason == Reason::Interrupted;
  std::string r = interrupted ? "T02" : "T05";
  char pcs[32];
  std::snprintf(pcs, sizeof pcs, "%llx", (unsigned long long)pc());
  r += "thread:1;hexname:" + to_hex(name_) + ";threads:1;thread-pcs:" + pcs + ";00:" + le_hex(pc()) + ";";
  if (s.ended()) {
    // A trap, a divergence or the end of an interrupted run's log: shown at
    // the instruction that did it, as a wasm exception.
    r += "reason:exception;description:" + to_hex(s.message.empty() ? std::string("the replay ended") : s.message) + ";";
  } else if (s.reason == Reason::Breakpoint) {
    r += "reason:breakpoint;";
    if (swbreak_) r += "swbreak:;";
  } else if (s.reason == Reason::Watch && s.watch < watches_.size()) {
    // gdb's watch/rwatch/awatch:ADDR (the watchpoint's address), as the
    // watchpoint's type says; then LLDB's own form, which it reads last:
    // "ADDR INDEX HITADDR" (decimal) in the description.
    const WatchSpan& w = watches_[s.watch];
    const char* key = w.kind == WatchKind::Read ? "rwatch" : w.kind == WatchKind::Access ? "awatch" : "watch";
    char addr[24];
    std::snprintf(addr, sizeof addr, "%llx", (unsigned long long)w.addr);
    uint64_t hit = std::clamp(s.watch_addr, w.addr, w.addr + w.len - 1);  // in the watch's range
    std::string d = std::to_string(w.addr) + " " + std::to_string(s.watch) + " " + std::to_string(hit);
    r += std::string(key) + ":" + addr + ";reason:watchpoint;description:" + to_hex(d) + ";";
  } else if (s.reason == Reason::Step) {
    r += "reason:trace;";
  } else if (interrupted) {
    r += "reason:signal;";
  }
  r += extra;
  return r;
}

std::string Session::resume(const req::Resume& r) {
  const bool at_writer = writer_.has_value();
  writer_.reset();
  if (r.reverse) {
    ended_.reset();  // back before the end: forward reaches it again
    return reverse(r.step);
  }
  if (ended_) {
    // Past a trap (or the end of what was recorded) the program does not
    // go on: it ended there, as a process killed by a signal (gdb's X
    // packet). SIGABRT for a trap, as `timecraft run` exits 128 + SIGABRT,
    // and for a replay that diverged or failed; SIGINT for a run that was
    // interrupted when it was recorded.
    const char* sig = *ended_ == Reason::LogEnded ? "X02" : "X06";
    return last_stop_ = sig;
  }
  if (r.step && at_writer) {
    // The shown instruction (the write) has run: a step shows the next one.
    StopInfo shown = t_.stop();
    shown.reason = Reason::Step;
    return last_stop_ = stop_reply(shown);
  }
  RunSpec spec = base_spec();
  if (r.step) {
    spec.mode = RunSpec::Mode::StepInstr;
    spec.stop_at = t_.stop().count + 1;
  }
  std::optional<InterruptWatch> watch;  // 0x03 while it runs: a T02 stop where it got to
  if (fd_ >= 0 && !r.step) watch.emplace(fd_, [this] { t_.interrupt(); }, pending_);
  auto s = t_.resume(std::move(spec));
  watch.reset();
  t_.clear_interrupt();
  if (!s) return kReplayFailed;
  StopInfo shown = *s;
  if (s->ended() && s->reason != Reason::Exited && s->count > 0) {
    // Stop before the instruction that trapped, so its state can be read.
    auto at = t_.seek(s->count - 1);
    if (!at) return kReplayFailed;
    shown.count = at->count;
  }
  if (!shown.ended()) (void)t_.checkpoint_here();  // going back from here is then quick
  if (shown.reason == Reason::Watch) writer_ = writing_instruction();
  if (shown.ended() && shown.reason != Reason::Exited) ended_ = shown.reason;
  return last_stop_ = stop_reply(shown);
}

// bs: back one instruction; bc: back to the last breakpoint hit or watch
// change. At the start of history, gdb's "replaylog:begin" stop.
std::string Session::reverse(bool step) {
  const char* begin = "replaylog:begin;";
  if (t_.stop().count == 0) return last_stop_ = stop_reply(t_.stop(), begin);
  if (step) {
    auto s = t_.seek(t_.stop().count - 1);
    if (!s) return kReplayFailed;
    StopInfo shown = *s;
    shown.reason = Reason::Step;
    return last_stop_ = stop_reply(shown, shown.count == 0 ? begin : "");
  }
  RunSpec spec = base_spec();
  spec.event = RunSpec::Event::Hit;
  auto f = t_.find_before(spec);
  if (!f) return kReplayFailed;
  if (!*f) {
    auto s = t_.seek(0);
    if (!s) return kReplayFailed;
    return last_stop_ = stop_reply(*s, begin);
  }
  const StopInfo hit = **f;
  const bool watch = hit.watch != UINT32_MAX;
  // A watch hit is seen after the instruction: stop before it.
  auto s = t_.seek(*hit.found - (watch && *hit.found > 0 ? 1 : 0));
  if (!s) return kReplayFailed;
  StopInfo shown = *s;
  shown.reason = watch ? Reason::Watch : Reason::Breakpoint;
  shown.watch = hit.watch;
  shown.watch_read = hit.watch_read;
  shown.watch_addr = hit.watch_addr;
  shown.breakpoint = hit.breakpoint;
  return last_stop_ = stop_reply(shown);
}

std::string Session::breakpoint(const req::Breakpoint& b) {
  if (b.type == 0) {
    if (!(b.addr & kCodeSpace) || (b.addr >> 62) != 1) return kBadAddress;
    uint64_t off = b.addr & kOffsetMask;
    if (off >= m_.bytes.size()) return kBadAddress;
    if (b.insert) breakpoints_.insert(uint32_t(off));
    else breakpoints_.erase(uint32_t(off));
    return "OK";
  }
  // Watchpoints on linear memory: 2 write (a change of the bytes: a write
  // of the same value is none), 3 read, 4 access (a read or a write).
  if (b.type < 2 || b.type > 4) return "";
  if ((b.addr >> 62) != 0 || b.kind == 0 || b.kind > 8) return kBadAddress;
  const WatchKind kind = b.type == 2 ? WatchKind::Write : b.type == 3 ? WatchKind::Read : WatchKind::Access;
  WatchSpan w{b.addr, uint32_t(b.kind), kind};
  auto same = [&](const WatchSpan& x) { return x.addr == w.addr && x.len == w.len && x.kind == w.kind; };
  if (b.insert) {
    if (std::none_of(watches_.begin(), watches_.end(), same)) watches_.push_back(w);
  } else {
    watches_.erase(std::remove_if(watches_.begin(), watches_.end(), same), watches_.end());
  }
  return "OK";
}

std::string Session::read_memory(uint64_t addr, uint64_t len) {
  len = std::min<uint64_t>(len, kMaxPacket / 2 - 16);
  uint64_t off = addr & kOffsetMask;
  switch (addr >> 62) {
    case 0: {
      auto bytes = t_.read_memory(off, uint32_t(len));
      if (!bytes) return kBadAddress;
      return to_hex(*bytes);
    }
    case 1: {
      if (off >= m_.bytes.size()) return kBadAddress;
      len = std::min<uint64_t>(len, m_.bytes.size() - off);
      return to_hex(std::span<const uint8_t>(m_.bytes.data() + off, len));
    }
    default:
      return kBadAddress;
  }
}

std::string Session::wasm_value(const req::WasmValue& v) {
  using K = req::WasmValue::Kind;
  if (v.kind == K::Global) {
    // Globals are the module's (the frame does not matter: one instance).
    if (v.index >= m_.total_globals()) return kNoValue;
    auto bits = t_.global(v.index);
    size_t size = value_size(m_.global_type(v.index).type);
    if (!bits || size > 8) return kNoValue;
    return le_hex(*bits, size);
  }
  auto wf = wasm_frames();
  if (v.frame >= wf.size()) return kNoValue;
  uint32_t frame = wf[v.frame];
  if (v.kind == K::StackValue) {
    // The index counts from the bottom of the frame's operand stack (LLVM's
    // DW_OP_WASM_location 2); the reply is as wide as the value's type. The
    // replay's slots (a v128 takes two) are found from the types, which
    // must account for all of them.
    const FrameInfo& f = t_.stop().frames[frame];
    auto types = operand_types(m_, f.func_index, f.offset);
    if (!types || v.index >= types->size()) return kNoValue;
    uint32_t slots = 0, at = 0;
    for (uint32_t i = 0; i < types->size(); ++i) {
      if (i == v.index) at = slots;
      slots += (*types)[i] == wasm::ValType::V128 ? 2 : 1;
    }
    size_t size = value_size((*types)[v.index]);
    if (size > 8 || !t_.operand(frame, slots - 1) || t_.operand(frame, slots)) return kNoValue;
    auto bits = t_.operand(frame, slots - 1 - at);
    if (!bits) return kNoValue;
    return le_hex(*bits, size);
  }
  uint32_t func = t_.stop().frames[frame].func_index;
  if (func < m_.num_imported_funcs || func >= m_.total_funcs()) return kNoValue;
  const auto& params = m_.func_type(func).params;
  std::optional<wasm::ValType> type;
  if (v.index < params.size()) {
    type = params[v.index];
  } else {
    uint64_t i = v.index - params.size();
    for (const auto& d : m_.functions[func - m_.num_imported_funcs].locals) {
      if (i < d.count) {
        type = d.type;
        break;
      }
      i -= d.count;
    }
  }
  if (!type || value_size(*type) > 8) return kNoValue;
  auto bits = t_.local(frame, v.index);
  if (!bits) return kNoValue;
  return le_hex(*bits, value_size(*type));
}

std::string Session::libraries(uint64_t offset, uint64_t length) const {
  std::string xml = "<library-list><library name=\"" + xml_escape(name_) +
                    "\"><section address=\"0x4000000000000000\"/></library></library-list>";
  if (offset >= xml.size()) return "l";
  std::string part = xml.substr(offset, length);
  return (offset + part.size() < xml.size() ? "m" : "l") + part;
}

std::string Session::reply(const Request& request) {
  return std::visit(
      [&](const auto& r) -> std::string {
        using T = std::decay_t<decltype(r)>;
        if constexpr (std::is_same_v<T, req::Supported>) {
          swbreak_ = std::find(r.features.begin(), r.features.end(), "swbreak+") != r.features.end();
          char buf[160];
          std::snprintf(buf, sizeof buf,
                        "PacketSize=%zx;QStartNoAckMode+;qXfer:libraries:read+;ReverseContinue+;ReverseStep+;swbreak+",
                        kMaxPacket);
          return buf;
        } else if constexpr (std::is_same_v<T, req::StartNoAckMode>) {
          return "OK";  // no_ack_ is set once this reply is sent (acknowledged)
        } else if constexpr (std::is_same_v<T, req::SetOk>) {
          return "OK";
        } else if constexpr (std::is_same_v<T, req::HostInfo>) {
          // Watchpoint stops come after the accessing instruction (LLDB
          // then does not step over it itself).
          return "vendor:unknown;ostype:unknown;arch:wasm32;triple:" + to_hex(std::string_view(kTriple)) +
                 ";endian:little;ptrsize:4;watchpoint_exceptions_received:after;";
        } else if constexpr (std::is_same_v<T, req::ProcessInfo>) {
          return "pid:1;parent-pid:1;vendor:unknown;ostype:unknown;arch:wasm32;triple:" +
                 to_hex(std::string_view(kTriple)) + ";endian:little;ptrsize:4;";
        } else if constexpr (std::is_same_v<T, req::CurrentThread>) {
          return "QC1";
        } else if constexpr (std::is_same_v<T, req::ThreadInfo>) {
          return r.first ? "m1" : "l";
        } else if constexpr (std::is_same_v<T, req::Attached>) {
          return "1";
        } else if constexpr (std::is_same_v<T, req::StopReason>) {
          return last_stop_;
        } else if constexpr (std::is_same_v<T, req::XferLibraries>) {
          return libraries(r.offset, r.length);
        } else if constexpr (std::is_same_v<T, req::RegisterInfo>) {
          if (r.reg != 0) return "E45";  // the end of the register list
          return "name:pc;alt-name:pc;bitsize:64;offset:0;encoding:uint;format:hex;"
                 "set:General Purpose Registers;gcc:16;dwarf:16;generic:pc;";
        } else if constexpr (std::is_same_v<T, req::ReadRegister>) {
          return r.reg == 0 ? le_hex(pc()) : "E45";
        } else if constexpr (std::is_same_v<T, req::ReadRegisters>) {
          return le_hex(pc());
        } else if constexpr (std::is_same_v<T, req::ReadMemory>) {
          return read_memory(r.addr, r.length);
        } else if constexpr (std::is_same_v<T, req::WriteMemory>) {
          return kReadOnly;  // the recording decides every value
        } else if constexpr (std::is_same_v<T, req::MemoryRegionInfo>) {
          return "";
        } else if constexpr (std::is_same_v<T, req::Breakpoint>) {
          return breakpoint(r);
        } else if constexpr (std::is_same_v<T, req::WatchpointInfo>) {
          return "num:32;";
        } else if constexpr (std::is_same_v<T, req::Resume>) {
          return resume(r);
        } else if constexpr (std::is_same_v<T, req::VContQuery>) {
          return "vCont;c;C;s;S";
        } else if constexpr (std::is_same_v<T, req::WasmCallStack>) {
          std::string out;
          for (uint32_t i : wasm_frames()) out += le_hex(out.empty() ? pc() : kCodeSpace | t_.stop().frames[i].offset);
          return out;
        } else if constexpr (std::is_same_v<T, req::WasmValue>) {
          return wasm_value(r);
        } else if constexpr (std::is_same_v<T, req::Kill>) {
          finished_ = true;
          return "X09";
        } else if constexpr (std::is_same_v<T, req::Detach>) {
          finished_ = detached_ = true;
          return "OK";
        } else {
          return "";  // unknown: not supported
        }
      },
      request);
}

std::string Session::handle(std::string_view body) {
  auto r = parse_request(body);
  if (!r) return kMalformed;
  return reply(*r);
}

Expected<void> Session::serve(int fd) {
  fd_ = fd;
  struct Unset {
    int& fd;
    ~Unset() { fd = -1; }
  } unset{fd_};
  Decoder in;
  std::string last;  // the last reply, framed, for a Nak
  auto send_all = [&](const std::string& bytes) {
    for (size_t at = 0; at < bytes.size();) {
      ssize_t n = ::send(fd, bytes.data() + at, bytes.size() - at, MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;  // the client went away
      at += size_t(n);
    }
    return true;
  };
  char buf[4096];
  while (!finished_) {
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno != ECONNRESET) return make_error(ErrorKind::Io, std::string("debug client: ") + std::strerror(errno));
    if (n <= 0) return {};  // disconnected
    in.feed(std::string_view(buf, size_t(n)));
    while (auto e = in.next()) {
      std::string out;
      switch (e->kind) {
        case Event::Kind::Ack:
        case Event::Kind::Interrupt:  // while stopped (a `c` watches for its own): nothing to interrupt
          continue;
        case Event::Kind::Nak:
          if (!no_ack_ && !send_all(last)) return {};
          continue;
        case Event::Kind::Bad:
          // Ack mode: ask for it again. No-ack mode: an error reply.
          if (!send_all(no_ack_ ? frame(kMalformed) : std::string("-"))) return {};
          continue;
        case Event::Kind::Packet: {
          std::string reply_body = handle(e->body);
          last = frame(reply_body);
          out = (no_ack_ ? "" : "+") + last;
          if (!send_all(out)) return {};
          if (e->body == "QStartNoAckMode") no_ack_ = true;
          if (detached_) {
            // Detached, a program runs on by itself: the replay goes on to
            // its end, printing the rest of the program's output.
            auto end = t_.resume(RunSpec{});
            if (!end) return end.error();
          }
          if (finished_) return {};
          in.feed(pending_);  // what came during a `c`
          pending_.clear();
          continue;
        }
      }
    }
  }
  return {};
}

}  // namespace tc::debug::gdbremote
