#include "debug/target/debuggee.hpp"

#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <cstring>

#include "debug/target/channel.hpp"
#include "debug/target/protocol.hpp"
#include "debug/target/wire.hpp"
#include "interp/validate/body_reader.hpp"

namespace tc::debug {

namespace {

using Mode = RunSpec::Mode;
using Event = RunSpec::Event;
using Reason = StopInfo::Reason;

// Where the program is, as the source-line stepping modes compare it.
struct LineKey {
  uint32_t file = UINT32_MAX, line = 0, depth = 0;
  bool operator==(const LineKey&) const = default;
};

// An instruction that reads or writes linear memory 0 at an address taken
// from the operand stack (read_slot/write_slot: how many 64-bit slots
// below the top it is) plus `mem_offset`; `size` bytes, or (size 0) as
// many as the top slot says (memory.copy/fill/init). memory.copy both
// reads (its source) and writes (its destination).
struct MemAccess {
  uint32_t offset = 0;  // the instruction's module offset
  uint32_t mem_offset = 0;
  uint8_t size = 0;
  uint8_t read_slot = 0, write_slot = 0;
  bool read = false, write = false;
  bool operator<(uint32_t o) const { return offset < o; }
};

// A watch an instruction is about to touch.
struct AccessHit {
  uint32_t watch = 0;
  uint64_t addr = 0;
  bool read = false;
};

class Debuggee {
 public:
  Debuggee(session::ReplaySession& replay, const DebugInfo* info, int fd)
      : replay_(replay), info_(info), ch_(fd) {
    index_lines();
    index_writes();
  }
  [[noreturn]] void run();
  static Debuggee* current;
  volatile sig_atomic_t interrupted = 0;
  bool echo = true;
  wasm::Store* store = nullptr;

 private:
  bool on_step();
  void on_host_call(bool after);
  // Stops: fills the StopInfo, tells the debugger, serves until resumed.
  void stop(Reason why);
  void serve();
  void begin(RunSpec spec);
  void arm();
  void reply(const StopInfo& s);
  // fork() with a channel for the copy: the copy's pid in the original
  // (and the debugger's end of the copy's channel in *peer_fd), 0 in the
  // copy, -1 if it failed.
  pid_t fork_copy(int* peer_fd);
  void checkpoint(uint64_t n);
  void value_reply(bool ok, uint64_t bits);
  std::vector<uint8_t> read_memory(uint64_t addr, uint32_t len, bool* ok);
  // Where [addr, addr + len) is in linear memory 0 now, or null. Cheap:
  // the watch checks call it before every instruction.
  const uint8_t* memory_at(uint64_t addr, uint32_t len);
  // Watch i's bytes differ from watched_[i] (then `now` holds them).
  bool watch_changed(size_t i, std::vector<uint8_t>* now);
  const wasm::Instance* instance() const;
  // Source lines.
  void index_lines();
  // Watches are checked only where memory may just have changed: before
  // each instruction that follows a memory write (Breaks patched there)
  // and after host calls.
  void index_writes();
  bool watching() const { return !spec_.watches.empty(); }
  // Read and access watches are checked by address, before each
  // instruction that reads (access: or writes) memory, Breaks patched there.
  bool by_address() const { return reads_watched_; }
  std::optional<AccessHit> access_hit(uint32_t offset);
  void hit_by_address(const AccessHit& h, StopInfo& s);
  bool user_breakpoint(uint32_t offset) const {
    return std::binary_search(user_breaks_.begin(), user_breaks_.end(), offset);
  }
  bool line_event(uint32_t offset) const;
  std::optional<LineKey> key_at(uint32_t offset, uint32_t depth) const;
  bool per_instruction() const;

  session::ReplaySession& replay_;
  const DebugInfo* info_;
  Channel ch_;
  trace::Replayer* replayer_ = nullptr;
  uint64_t echo_from_ = 0;
  StopInfo last_;
  bool ended_ = false;
  bool started_ = false;
  uint64_t record_base_ = 0;
  wasm::MemoryInst* memory_ = nullptr;  // the program's memory 0, once found
  // The resumed run.
  RunSpec spec_;
  uint64_t start_n_ = 0;
  uint32_t start_depth_ = 0;
  std::optional<LineKey> start_key_;
  std::vector<std::vector<uint8_t>> watched_;
  uint64_t next_checkpoint_ = UINT64_MAX;
  // Scan state (reverse search).
  std::optional<uint64_t> found_;
  StopInfo hit_;  // Scan for Hit: what the last one was
  std::optional<LineKey> run_key_;
  uint64_t run_start_ = 0, prev_run_start_ = UINT64_MAX;
  // Statement starts and prologues, indexed by offset - code_start.
  uint64_t code_start_ = 0;
  std::vector<uint8_t> stmt_;  // 1: a statement starts here (with a line); 2: in a prologue
  std::vector<uint32_t> after_writes_;  // offsets of instructions right after a memory write
  std::vector<MemAccess> accesses_;     // memory accesses by instruction, by offset
  bool reads_watched_ = false;          // spec_ has a read or access watch
  // Seen before the instruction at the current position ran: reported at
  // the next position, once it has.
  std::optional<AccessHit> pending_;
  std::vector<uint32_t> user_breaks_;   // spec_.breakpoints, sorted
  std::vector<uint32_t> patched_;       // the Breaks now in the code
  void add_break(uint32_t offset);      // one more Break (patched_ kept in step)
  void skip_call(uint32_t depth);
  bool skipping_ = false;         // next, scans: inside a call, waiting for its return
  uint32_t skip_depth_ = 0;       // ... to this depth
  bool finish_by_break_ = false;  // finish: waiting where the frame returns
};

Debuggee* Debuggee::current = nullptr;

void on_sigint(int) {
  Debuggee* d = Debuggee::current;
  if (!d) return;
  d->interrupted = 1;
  if (d->store) d->store->set_stop_at(0);
}

void Debuggee::index_lines() {
  if (!info_) return;
  code_start_ = info_->layout().code_start();
  uint64_t end = info_->layout().code_end();
  if (end <= code_start_) return;
  stmt_.assign(end - code_start_, 0);
  for (const LineRow& r : info_->lines().rows())
    if (r.is_stmt && !r.end_sequence && r.line != 0 && r.offset >= code_start_ && r.offset < end)
      stmt_[r.offset - code_start_] |= 1;
  // A step into a function stops after its prologue, where `break` would.
  for (const Function& f : info_->functions()) {
    if (!f.has_code()) continue;
    uint64_t lo = f.low, hi = info_->breakpoint_offset(f);
    for (uint64_t o = lo; o < hi && o < end; ++o)
      if (o >= code_start_) stmt_[o - code_start_] |= 2;
  }
}

void Debuggee::index_writes() {
  const wasm::Module& m = *replay_.module();
  for (const auto& fn : m.functions) {
    wasm::BodyReader r(m, fn);
    wasm::Instr in;
    bool wrote = false;
    while (r.next(in)) {
      if (wrote) after_writes_.push_back(in.offset);
      using K = wasm::ImmKind;
      using O = wasm::Opcode;
      K imm = in.info->imm;
      wrote = ((imm == K::MemArg || imm == K::MemArgLane) && in.info->r == wasm::OpType::V) ||
              in.op == O::MemoryFill || in.op == O::MemoryCopy || in.op == O::MemoryInit;
      MemAccess a;
      a.offset = in.offset;
      // Watches are on memory 0 (multi-memory: accesses to others are not theirs).
      bool copy = in.op == O::MemoryCopy;
      if ((imm == K::MemArg || imm == K::MemArgLane || in.op == O::MemoryFill ||
           in.op == O::MemoryInit || copy) &&
          in.mem.memory != 0 && !(copy && in.b == 0))
        continue;
      if (imm == K::MemArg || imm == K::MemArgLane) {
        // The address is below the value a store or lane access takes (a
        // v128 is two slots).
        a.mem_offset = in.mem.offset;
        a.size = uint8_t(1u << in.info->align);
        bool store = in.info->r == wasm::OpType::V;
        wasm::OpType above = store || imm == K::MemArgLane ? in.info->p2 : wasm::OpType::V;
        uint8_t slot = above == wasm::OpType::V ? 0 : above == wasm::OpType::V128 ? 2 : 1;
        (store ? a.write : a.read) = true;
        (store ? a.write_slot : a.read_slot) = slot;
      } else if (copy) {  // dst, src, n; either may be another memory
        a.read = in.b == 0;
        a.write = in.mem.memory == 0;
        a.read_slot = 1;
        a.write_slot = 2;
      } else if (in.op == O::MemoryFill || in.op == O::MemoryInit) {
        a.write = true;  // dst, value or source offset, n
        a.write_slot = 2;
      } else {
        continue;
      }
      accesses_.push_back(a);
    }
  }
  std::sort(after_writes_.begin(), after_writes_.end());
  std::sort(accesses_.begin(), accesses_.end(), [](const MemAccess& x, const MemAccess& y) { return x.offset < y.offset; });
}

std::optional<AccessHit> Debuggee::access_hit(uint32_t offset) {
  auto it = std::lower_bound(accesses_.begin(), accesses_.end(), offset);
  if (it == accesses_.end() || it->offset != offset) return std::nullopt;
  const MemAccess& a = *it;
  std::vector<uint64_t> slots = store->frame_operand_slots(0);
  auto slot = [&](uint8_t k) { return k < slots.size() ? slots[slots.size() - 1 - k] : 0; };
  if (slots.size() <= std::max(a.read ? a.read_slot : 0, a.write ? a.write_slot : 0)) return std::nullopt;
  const uint64_t size = a.size ? a.size : uint32_t(slot(0));
  if (size == 0) return std::nullopt;  // a bulk operation of no bytes touches none
  auto touches = [&](const WatchSpan& w, uint8_t k) {
    uint64_t at = uint64_t(uint32_t(slot(k))) + a.mem_offset;
    return at < w.addr + w.len && w.addr < at + size;
  };
  for (uint32_t i = 0; i < spec_.watches.size(); ++i) {
    const WatchSpan& w = spec_.watches[i];
    if (w.kind == WatchKind::Write) continue;
    if (a.read && touches(w, a.read_slot))
      return AccessHit{i, uint64_t(uint32_t(slot(a.read_slot))) + a.mem_offset, true};
    if (w.kind == WatchKind::Access && a.write && touches(w, a.write_slot))
      return AccessHit{i, uint64_t(uint32_t(slot(a.write_slot))) + a.mem_offset, false};
  }
  return std::nullopt;
}

// A hit by address, in a Watch stop or a Scan's last hit: the watch's
// bytes before (an access watch: as last seen) and now (a write of an
// access watch is then seen as a change no more).
void Debuggee::hit_by_address(const AccessHit& h, StopInfo& s) {
  const WatchSpan& w = spec_.watches[h.watch];
  s.watch = h.watch;
  s.watch_read = h.read;
  s.watch_addr = h.addr;
  bool ok;
  std::vector<uint8_t> now = read_memory(w.addr, w.len, &ok);
  s.old_bytes = w.kind == WatchKind::Access ? watched_[h.watch] : now;
  s.new_bytes = now;
  watched_[h.watch] = std::move(now);
}

bool Debuggee::line_event(uint32_t offset) const {
  if (offset < code_start_ || offset - code_start_ >= stmt_.size()) return false;
  return stmt_[offset - code_start_] == 1;
}

std::optional<LineKey> Debuggee::key_at(uint32_t offset, uint32_t depth) const {
  if (!info_) return std::nullopt;
  const LineRow* r = info_->lines().row_at(offset);
  if (!r || r->line == 0) return std::nullopt;
  return LineKey{r->file, r->line, depth};
}

const wasm::Instance* Debuggee::instance() const {
  if (!store) return nullptr;
  for (const auto& f : store->stack_frames())
    if (f.instance) return f.instance;
  return nullptr;
}

const uint8_t* Debuggee::memory_at(uint64_t addr, uint32_t len) {
  if (!memory_) {
    const wasm::Instance* inst = instance();
    memory_ = inst ? wasm::Store::instance_memory(inst, 0) : nullptr;
    if (!memory_) return nullptr;
  }
  uint64_t size = wasm::Store::memory_size_bytes(memory_);
  if (addr > size || len > size - addr) return nullptr;
  return wasm::Store::memory_data(memory_) + addr;
}

std::vector<uint8_t> Debuggee::read_memory(uint64_t addr, uint32_t len, bool* ok) {
  const uint8_t* p = memory_at(addr, len);
  *ok = p != nullptr;
  return p ? std::vector<uint8_t>(p, p + len) : std::vector<uint8_t>{};
}

bool Debuggee::watch_changed(size_t i, std::vector<uint8_t>* now) {
  const WatchSpan& w = spec_.watches[i];
  if (w.kind == WatchKind::Read) return false;  // reads change nothing
  const uint8_t* p = memory_at(w.addr, w.len);
  const std::vector<uint8_t>& was = watched_[i];
  bool same = p ? was.size() == w.len && std::memcmp(p, was.data(), w.len) == 0 : was.empty();
  if (same) return false;
  *now = p ? std::vector<uint8_t>(p, p + w.len) : std::vector<uint8_t>{};
  return true;
}

bool Debuggee::per_instruction() const {
  if (skipping_ || finish_by_break_) return false;  // waiting at a Break where a call returns
  switch (spec_.mode) {
    case Mode::NextInstr: case Mode::StepLine: case Mode::NextLine: case Mode::Finish: return true;
    case Mode::Scan: return spec_.event != Event::Hit;
    default: return spec_.return_depth != 0;
  }
}

// Sets the engine's stop mark for the resumed run: every instruction when
// a mode must look at each, else the next count that matters (breakpoints
// are Break instructions and need no mark).
void Debuggee::arm() {
  if (!store) return;
  if (interrupted || pending_) { store->set_stop_at(0); return; }
  uint64_t n = store->instruction_count();  // counted so far
  if (per_instruction() && (spec_.mode != Mode::Scan || n + 1 >= spec_.scan_from)) {
    store->set_stop_at(0);
    return;
  }
  uint64_t mark = std::min(spec_.stop_at, next_checkpoint_);
  if (spec_.mode == Mode::Scan && per_instruction()) mark = std::min(mark, spec_.scan_from);
  store->set_stop_at(mark == UINT64_MAX ? UINT64_MAX : mark + 1);
}

void Debuggee::begin(RunSpec spec) {
  spec_ = std::move(spec);
  interrupted = 0;
  echo_from_ = spec_.echo_from;
  start_n_ = last_.count;
  start_depth_ = last_.frames.empty() ? 0 : uint32_t(last_.frames.size());
  start_key_.reset();
  if (store && !last_.in_host_call && !last_.frames.empty())
    start_key_ = key_at(last_.frames[0].offset, start_depth_);
  watched_.clear();
  for (const auto& w : spec_.watches) {
    bool ok;
    watched_.push_back(read_memory(w.addr, w.len, &ok));
  }
  found_.reset();
  hit_ = StopInfo{};
  run_key_.reset();
  run_start_ = 0;
  prev_run_start_ = UINT64_MAX;
  next_checkpoint_ = spec_.checkpoint_every ? start_n_ + spec_.checkpoint_every : UINT64_MAX;
  skipping_ = false;
  finish_by_break_ = false;
  user_breaks_ = spec_.breakpoints;
  std::sort(user_breaks_.begin(), user_breaks_.end());
  reads_watched_ = false;
  bool writes_watched = false, access_watched = false;
  for (const auto& w : spec_.watches) {
    reads_watched_ |= w.kind != WatchKind::Write;
    writes_watched |= w.kind != WatchKind::Read;
    access_watched |= w.kind == WatchKind::Access;
  }
  pending_.reset();
  if (store) {
    std::vector<uint32_t> patch = spec_.breakpoints;
    if (writes_watched) patch.insert(patch.end(), after_writes_.begin(), after_writes_.end());
    for (const MemAccess& a : accesses_)
      if ((reads_watched_ && a.read) || (access_watched && a.write)) patch.push_back(a.offset);
    patch.erase(std::unique((std::sort(patch.begin(), patch.end()), patch.begin()), patch.end()), patch.end());
    if (patch != patched_) {  // re-patching walks all compiled code
      patched_ = patch;
      store->set_breakpoints(std::move(patch));
    }
    // finish / until: wait where the frame's caller resumes instead of
    // looking at every instruction until then.
    if (spec_.return_depth >= 2 && (spec_.mode == Mode::Finish || spec_.mode == Mode::Continue))
      if (auto at = store->resume_offset(spec_.return_depth - 1)) {
        add_break(*at);
        finish_by_break_ = true;
      }
    // The instruction about to run (the program stopped in the step hook)
    // may touch a watch: from here on, it has not run yet.
    if (reads_watched_ && started_ && !last_.in_host_call && (spec_.mode != Mode::Scan || spec_.event == Event::Hit))
      pending_ = access_hit(store->step_offset());
  }
  arm();
}

// Stops looking at every instruction until the frame at `depth` resumes
// (a Break where its callee returns), when that place is known.
void Debuggee::skip_call(uint32_t depth) {
  if (depth < 1) return;
  if (auto at = store->resume_offset(depth)) {
    add_break(*at);
    skipping_ = true;
    skip_depth_ = depth;
  }
}

void Debuggee::add_break(uint32_t offset) {
  auto at = std::lower_bound(patched_.begin(), patched_.end(), offset);
  if (at != patched_.end() && *at == offset) return;
  patched_.insert(at, offset);
  store->add_breakpoint(offset);
}

bool Debuggee::on_step() {
  const uint64_t n = store->instruction_count() - 1;  // executed before this one
  if (!started_) {
    started_ = true;
    stop(Reason::Started);
    return true;
  }
  if (interrupted) {
    interrupted = 0;
    stop(Reason::Interrupted);
    return true;
  }
  if (n >= next_checkpoint_) {
    checkpoint(n);
    next_checkpoint_ = n + spec_.checkpoint_every;
  }
  const uint32_t depth = store->call_depth();
  const uint32_t offset = store->step_offset();
  if (spec_.mode == Mode::Scan) {
    if (n >= spec_.stop_at) {
      stop(Reason::Scanned);
      return true;
    }
    if (skipping_) {
      if (depth > skip_depth_) { arm(); return true; }  // still in the call
      skipping_ = false;
    }
    switch (spec_.event) {
      case Event::Hit: {
        bool hit = false;
        if (pending_) {  // the instruction before this one touched a watch
          hit = true;
          hit_by_address(*pending_, hit_);
          hit_.breakpoint = 0;
          pending_.reset();
        }
        if (!hit && store->at_breakpoint() && n > start_n_ && user_breakpoint(offset)) {
          hit = true;
          hit_.breakpoint = offset;
          hit_.watch = UINT32_MAX;
        }
        for (size_t i = 0; i < watched_.size() && !hit; ++i) {
          std::vector<uint8_t> now;
          if (watch_changed(i, &now)) {
            hit = true;
            hit_.watch = uint32_t(i);
            hit_.watch_read = false;
            hit_.watch_addr = spec_.watches[i].addr;
            hit_.old_bytes = watched_[i];
            hit_.new_bytes = now;
            watched_[i] = std::move(now);
          }
        }
        if (hit) found_ = n;
        if (by_address()) pending_ = access_hit(offset);
        break;
      }
      case Event::LineStep: case Event::LineNext: {
        if (spec_.event == Event::LineNext && depth > spec_.depth) {
          skip_call(spec_.depth);  // deeper frames have no events: wait for the return
          break;
        }
        if (n < spec_.scan_from) break;
        if (!line_event(offset)) break;
        auto k = key_at(offset, depth);
        if (k && k != run_key_) {
          prev_run_start_ = run_key_ ? run_start_ : UINT64_MAX;
          run_key_ = k;
          run_start_ = n;
        }
        break;
      }
      case Event::Caller:
        if (depth >= spec_.depth) skip_call(spec_.depth - 1);  // only shallower frames count
        else if (n >= spec_.scan_from) found_ = n;
        break;
    }
    arm();
    return true;
  }
  if (pending_) {  // the instruction before this one touched a watch: it has run
    AccessHit h = *pending_;
    pending_.reset();
    hit_by_address(h, last_);
    stop(Reason::Watch);
    return true;
  }
  if (by_address()) pending_ = access_hit(offset);  // stopping here first: begin() looks again
  if (n >= spec_.stop_at) {
    stop(spec_.mode == Mode::StepInstr ? Reason::Step : Reason::Position);
    return true;
  }
  if (store->at_breakpoint() && n > start_n_ && user_breakpoint(offset)) {
    last_.breakpoint = offset;
    stop(Reason::Breakpoint);
    return true;
  }
  for (size_t i = 0; i < watched_.size(); ++i) {
    std::vector<uint8_t> now;
    if (watch_changed(i, &now)) {
      last_.watch = uint32_t(i);
      last_.watch_read = false;
      last_.watch_addr = spec_.watches[i].addr;
      last_.old_bytes = watched_[i];
      last_.new_bytes = now;
      stop(Reason::Watch);
      return true;
    }
  }
  if (spec_.return_depth && depth < spec_.return_depth) {
    stop(Reason::Returned);
    return true;
  }
  if (skipping_) {
    if (depth > skip_depth_) { arm(); return true; }  // still in the call
    skipping_ = false;  // back: look at every instruction again
  }
  bool next_mode = spec_.mode == Mode::NextInstr || spec_.mode == Mode::NextLine;
  if (next_mode && depth > start_depth_) {
    // Entered a call `next` steps over: wait where this frame resumes.
    skip_call(start_depth_);
    if (skipping_) { arm(); return true; }
  }
  switch (spec_.mode) {
    case Mode::NextInstr:
      if (n > start_n_ && depth <= start_depth_) { stop(Reason::Step); return true; }
      break;
    case Mode::StepLine: case Mode::NextLine:
      if (n > start_n_ && (spec_.mode == Mode::StepLine || depth <= start_depth_) && line_event(offset)) {
        auto k = key_at(offset, depth);
        if (k && (!start_key_ || k != start_key_)) { stop(Reason::Step); return true; }
      }
      break;
    default: break;
  }
  arm();
  return true;
}

void Debuggee::on_host_call(bool after) {
  if (after) {
    record_base_ = store->instruction_count();
    if (watching()) store->set_stop_at(0);  // the call may have written a watch: check at the next instruction
    return;
  }
  if (spec_.mode == Mode::ToRecord && replayer_ && replayer_->replayed() >= spec_.record) {
    last_.in_host_call = true;
    stop(Reason::Record);
    last_.in_host_call = false;
  }
}

void Debuggee::stop(Reason why) {
  last_.reason = why;
  last_.count = store ? store->instruction_count() - 1 : 0;
  last_.record = replayer_ ? replayer_->replayed() : 0;
  last_.record_base = record_base_;
  last_.found = found_;
  if (why == Reason::Scanned && spec_.event == Event::Hit && found_) {
    last_.breakpoint = hit_.breakpoint;
    last_.watch = hit_.watch;
    last_.watch_read = hit_.watch_read;
    last_.watch_addr = hit_.watch_addr;
    last_.old_bytes = hit_.old_bytes;
    last_.new_bytes = hit_.new_bytes;
  }
  if (why == Reason::Scanned && (spec_.event == Event::LineStep || spec_.event == Event::LineNext)) {
    // At the scan's end (the current position): its line's run started at
    // run_start_; the line before began at prev_run_start_. A position
    // off a statement boundary belongs to the run it is in.
    last_.found.reset();
    if (run_key_) {
      auto here = key_at(store->step_offset(), store->call_depth());
      uint64_t at = (here && here == run_key_) ? prev_run_start_ : run_start_;
      if (at != UINT64_MAX) last_.found = at;
    }
  }
  last_.frames.clear();
  if (store)
    for (const auto& f : store->stack_frames())
      last_.frames.push_back(FrameInfo{f.func_index, f.offset, f.has_offset, f.instance == nullptr});
  reply(last_);
  last_.old_bytes.clear();
  last_.new_bytes.clear();
  serve();
}

void Debuggee::reply(const StopInfo& s) {
  wire::Writer w;
  w.u8(uint8_t(Reply::Stopped));
  encode(w, s);
  if (!ch_.send(w.data())) _exit(0);
}

void Debuggee::value_reply(bool ok, uint64_t bits) {
  wire::Writer w;
  w.u8(uint8_t(Reply::Value));
  w.u8(ok);
  w.u64(bits);
  if (!ch_.send(w.data())) _exit(0);
}

pid_t Debuggee::fork_copy(int* peer_fd) {
  *peer_fd = -1;
  auto sp = socket_pair();
  if (!sp) return -1;
  pid_t pid = ::fork();
  if (pid < 0) {
    ::close(sp->first);
    ::close(sp->second);
    return -1;
  }
  if (pid == 0) {
    ::close(sp->first);
    ch_ = Channel(sp->second);
    return 0;
  }
  ::close(sp->second);
  *peer_fd = sp->first;
  return pid;
}

// A checkpoint while running: the copy waits here, stopped at count n.
void Debuggee::checkpoint(uint64_t n) {
  int peer = -1;
  pid_t pid = fork_copy(&peer);
  if (pid == 0) {
    last_.reason = Reason::Position;
    last_.count = n;
    last_.record = replayer_ ? replayer_->replayed() : 0;
    last_.record_base = record_base_;
    last_.frames.clear();
    for (const auto& f : store->stack_frames())
      last_.frames.push_back(FrameInfo{f.func_index, f.offset, f.has_offset, f.instance == nullptr});
    serve();  // dormant until restored
    return;
  }
  if (pid < 0) return;  // no checkpoint this time (fork failed): not an error for the run
  wire::Writer w;
  w.u8(uint8_t(Reply::Checkpoint));
  w.u32(uint32_t(pid));
  w.u64(n);
  w.u64(replayer_ ? replayer_->replayed() : 0);
  if (!ch_.send(w.data(), peer)) _exit(0);
  ::close(peer);
}

void Debuggee::serve() {
  for (;;) {
    int unused = -1;
    auto msg = ch_.receive(&unused);
    if (unused >= 0) ::close(unused);
    if (!msg) _exit(0);
    wire::Reader r(*msg);
    auto req = Request(r.u8());
    switch (req) {
      case Request::Resume: {
        RunSpec spec;
        if (!decode(r, spec)) _exit(3);
        if (ended_ || !store) { reply(last_); break; }
        begin(std::move(spec));
        return;
      }
      case Request::ReadMemory: {
        uint64_t addr = r.u64();
        uint32_t len = r.u32();
        bool ok = false;
        std::vector<uint8_t> bytes;
        if (!ended_ && len <= (1u << 24)) bytes = read_memory(addr, len, &ok);
        wire::Writer w;
        w.u8(uint8_t(Reply::Value));
        w.u8(ok);
        w.blob(bytes);
        if (!ch_.send(w.data())) _exit(0);
        break;
      }
      case Request::Local: {
        uint32_t frame = r.u32(), index = r.u32();
        std::optional<wasm::Value> v;
        if (!ended_ && store) v = store->frame_local(frame, index);
        value_reply(v.has_value(), v ? v->i64 : 0);
        break;
      }
      case Request::Global: {
        uint32_t index = r.u32();
        std::optional<wasm::Value> v;
        if (!ended_) v = wasm::Store::instance_global(instance(), index);
        value_reply(v.has_value(), v ? v->i64 : 0);
        break;
      }
      case Request::Operand: {
        uint32_t frame = r.u32(), k = r.u32();
        std::vector<uint64_t> slots;
        if (!ended_ && store) slots = store->frame_operand_slots(frame);
        value_reply(k < slots.size(), k < slots.size() ? slots[slots.size() - 1 - k] : 0);
        break;
      }
      case Request::Status:
        reply(last_);
        break;
      case Request::Fork: {
        int peer = -1;
        pid_t pid = fork_copy(&peer);
        if (pid == 0) break;  // the copy: serve on its own channel
        wire::Writer w;
        w.u8(uint8_t(Reply::Forked));
        w.u32(pid > 0 ? uint32_t(pid) : 0);
        if (!ch_.send(w.data(), peer)) _exit(0);
        if (peer >= 0) ::close(peer);
        break;
      }
      case Request::Kill:
      default:
        _exit(0);
    }
  }
}

void Debuggee::run() {
  current = this;
  struct sigaction sa{};
  sa.sa_handler = on_sigint;
  sa.sa_flags = SA_RESTART;
  sigaction(SIGINT, &sa, nullptr);
  signal(SIGCHLD, SIG_IGN);  // checkpoints' own copies reap themselves
  trace::ReplayOptions opts;
  opts.echo_from = &echo_from_;
  opts.echo = echo;
  session::ReplaySession::Hooks hooks;
  hooks.exact_tier = true;
  hooks.wrap = [&](wasi::System& r) -> wasi::System& {
    replayer_ = static_cast<trace::Replayer*>(&r);
    return r;
  };
  hooks.on_store = [&](wasm::Store& s) {
    store = &s;
    s.set_step_hook([this] { return on_step(); });
    s.set_host_call_hook([this](bool after) { on_host_call(after); });
    spec_.mode = Mode::Continue;
    s.set_stop_at(1);  // stop before the first instruction
    next_checkpoint_ = UINT64_MAX;
  };
  session::ReplayEnd end = replay_.run(opts, hooks);
  ended_ = true;
  // A scan running to a position past the end (reverse from the end)
  // ends here: what it found is its answer.
  if (spec_.mode == Mode::Scan && started_) {
    StopInfo sc;
    sc.reason = Reason::Scanned;
    sc.count = store ? store->instruction_count() : 0;
    sc.found = found_;
    if (spec_.event == Event::Hit && found_) {
      sc.breakpoint = hit_.breakpoint;
      sc.watch = hit_.watch;
      sc.watch_read = hit_.watch_read;
      sc.watch_addr = hit_.watch_addr;
      sc.old_bytes = hit_.old_bytes;
      sc.new_bytes = hit_.new_bytes;
    }
    if (spec_.event == Event::LineStep || spec_.event == Event::LineNext) {
      sc.found.reset();  // the end is in no line: the last line's run began at run_start_
      if (run_key_) sc.found = run_start_;
    }
    reply(sc);
  }
  StopInfo s;
  s.count = store ? store->instruction_count() : 0;
  s.record = replayer_ ? replayer_->replayed() : end.records_replayed;
  s.record_base = record_base_;
  store = nullptr;
  memory_ = nullptr;
  s.exit_code = end.exit_code;
  switch (end.kind) {
    case session::ReplayEnd::Kind::Exited: s.reason = Reason::Exited; break;
    case session::ReplayEnd::Kind::Trapped: s.reason = Reason::Trapped; break;
    case session::ReplayEnd::Kind::Diverged: s.reason = Reason::Diverged; break;
    case session::ReplayEnd::Kind::Failed: s.reason = Reason::Failed; break;
    case session::ReplayEnd::Kind::LogEnded: s.reason = Reason::LogEnded; break;
  }
  if (end.error) s.message = end.error->message;
  last_ = s;
  reply(last_);
  serve();
  _exit(0);
}

}  // namespace

void debuggee_main(session::ReplaySession& replay, const DebugInfo* info, int channel_fd, bool echo) {
  Debuggee d(replay, info, channel_fd);
  d.echo = echo;
  d.run();
}

}  // namespace tc::debug
