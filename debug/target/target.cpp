#include "debug/target/target.hpp"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cinttypes>
#include <cstdio>
#include <fstream>
#include <string>

#include "debug/target/debuggee.hpp"
#include "debug/target/wire.hpp"

namespace tc::debug {

namespace {

std::vector<uint8_t> request(Request r) {
  wire::Writer w;
  w.u8(uint8_t(r));
  return w.data();
}

Error protocol_error() {
  return make_error(ErrorKind::Malformed, "the replaying process sent a malformed reply");
}

}  // namespace

Expected<std::unique_ptr<Target>> Target::start(session::ReplaySession& replay, const DebugInfo* info, bool echo) {
  auto sp = socket_pair();
  if (!sp) return sp.error();
  std::fflush(nullptr);  // the copy must not flush our buffers again
  pid_t pid = ::fork();
  if (pid < 0) {
    ::close(sp->first);
    ::close(sp->second);
    return make_error(ErrorKind::Io, "fork: cannot start the replaying process");
  }
  if (pid == 0) {
    ::close(sp->first);
    debuggee_main(replay, info, sp->second, echo);
  }
  ::close(sp->second);
  std::unique_ptr<Target> t(new Target());
  t->ch_ = Channel(sp->first);
  t->pid_ = pid;
  t->all_.push_back(pid);
  auto s = t->wait_stop();
  if (!s) return s.error();
  if (!s->ended()) TC_TRY(t->checkpoint_here());
  return t;
}

Target::~Target() {
  for (auto& c : checkpoints_) end(c.pid, *c.ch);
  if (pid_) {
    ::kill(pid_, SIGKILL);
    ch_.close();
  }
  for (pid_t p : all_) ::waitpid(p, nullptr, WNOHANG);
}

void Target::end(pid_t pid, Channel& ch) {
  (void)ch.send(request(Request::Kill));
  ch.close();
  ::waitpid(pid, nullptr, WNOHANG);  // only the first process is our child
}

Expected<StopInfo> Target::wait_stop() {
  for (;;) {
    int fd = -1;
    auto msg = ch_.receive(&fd);
    if (!msg) return msg.error();
    wire::Reader r(*msg);
    auto kind = Reply(r.u8());
    if (kind == Reply::Checkpoint) {
      pid_t pid = pid_t(r.u32());
      uint64_t count = r.u64(), record = r.u64();
      if (!r.ok() || fd < 0) {
        if (fd >= 0) ::close(fd);
        return protocol_error();
      }
      add_checkpoint(count, record, pid, fd);
      continue;
    }
    if (fd >= 0) ::close(fd);
    StopInfo s;
    if (kind != Reply::Stopped || !decode(r, s)) return protocol_error();
    stop_ = s;
    max_record_ = std::max(max_record_, s.record);
    return s;
  }
}

Expected<StopInfo> Target::resume(RunSpec spec) {
  if (stop_.ended()) return stop_;
  if (interrupt_) {  // Ctrl-C between two runs of one command
    StopInfo s = stop_;
    s.reason = StopInfo::Reason::Interrupted;
    return s;
  }
  spec.checkpoint_every = checkpoint_interval;
  spec.echo_from = max_record_;
  wire::Writer w;
  w.u8(uint8_t(Request::Resume));
  encode(w, spec);
  std::fflush(nullptr);  // our output first, then the program's
  TC_TRY(ch_.send(w.data()));
  auto s = wait_stop();
  if (s) thin();
  return s;
}

Expected<std::pair<pid_t, int>> Target::fork_of(Channel& ch) {
  TC_TRY(ch.send(request(Request::Fork)));
  int fd = -1;
  auto msg = ch.receive(&fd);
  if (!msg) return msg.error();
  wire::Reader r(*msg);
  auto kind = Reply(r.u8());
  pid_t pid = pid_t(r.u32());
  if (kind != Reply::Forked || !r.ok() || pid == 0 || fd < 0) {
    if (fd >= 0) ::close(fd);
    return make_error(ErrorKind::Io, "cannot make a checkpoint (fork failed)");
  }
  all_.push_back(pid);
  return std::pair<pid_t, int>{pid, fd};
}

void Target::add_checkpoint(uint64_t count, uint64_t record, pid_t pid, int fd) {
  Checkpoint c;
  c.count = count;
  c.record = record;
  c.in_host_call = false;
  c.pid = pid;
  c.ch = std::make_unique<Channel>(fd);
  auto it = checkpoints_.begin();
  while (it != checkpoints_.end() && it->count <= count) ++it;
  checkpoints_.insert(it, std::move(c));
}

Expected<void> Target::checkpoint_here() {
  if (stop_.ended()) return {};
  for (const auto& c : checkpoints_)
    if (c.count == stop_.count && c.in_host_call == stop_.in_host_call) return {};
  auto f = fork_of(ch_);
  if (!f) return f.error();
  add_checkpoint(stop_.count, stop_.record, f->first, f->second);
  for (auto& c : checkpoints_)
    if (c.pid == f->first) c.in_host_call = stop_.in_host_call;
  thin();
  return {};
}

// Keeps O(log n) checkpoints: going away from the current position, each
// kept checkpoint is at least 1/8 of its distance from the next kept one
// (and never closer than the periodic interval); the one at the start is
// always kept.
void Target::thin() {
  const uint64_t here = stop_.count;
  std::vector<bool> keep(checkpoints_.size(), false);
  size_t split = 0;
  while (split < checkpoints_.size() && checkpoints_[split].count <= here) ++split;
  auto far_enough = [&](uint64_t a, uint64_t b, uint64_t distance) {
    uint64_t gap = a > b ? a - b : b - a;
    return gap >= std::max(distance / 8, checkpoint_interval / 2);
  };
  if (split > 0) {
    size_t last = split - 1;
    keep[last] = true;
    for (size_t i = last; i-- > 0;)
      if (far_enough(checkpoints_[last].count, checkpoints_[i].count, here - checkpoints_[i].count)) {
        keep[i] = true;
        last = i;
      }
  }
  if (split < checkpoints_.size()) {
    size_t last = split;
    keep[last] = true;
    for (size_t i = split + 1; i < checkpoints_.size(); ++i)
      if (far_enough(checkpoints_[i].count, checkpoints_[last].count, checkpoints_[i].count - here)) {
        keep[i] = true;
        last = i;
      }
  }
  if (!checkpoints_.empty()) keep[0] = true;
  std::vector<Checkpoint> kept;
  for (size_t i = 0; i < checkpoints_.size(); ++i) {
    if (keep[i]) kept.push_back(std::move(checkpoints_[i]));
    else end(checkpoints_[i].pid, *checkpoints_[i].ch);
  }
  checkpoints_ = std::move(kept);
}

Expected<void> Target::become_copy_of(size_t i) {
  auto f = fork_of(*checkpoints_[i].ch);
  if (!f) return f.error();
  if (pid_) {
    (void)ch_.send(request(Request::Kill));
    ::waitpid(pid_, nullptr, WNOHANG);
  }
  ch_ = Channel(f->second);
  pid_ = f->first;
  TC_TRY(ch_.send(request(Request::Status)));
  auto s = wait_stop();
  if (!s) return s.error();
  return {};
}

Expected<StopInfo> Target::seek(uint64_t n) {
  if (n == stop_.count && !stop_.in_host_call) return stop_;
  bool forward = !stop_.ended() && stop_.count <= n && !(stop_.count == n && stop_.in_host_call);
  if (!forward) {
    size_t best = SIZE_MAX;
    for (size_t i = 0; i < checkpoints_.size(); ++i)
      if (checkpoints_[i].count <= n && !checkpoints_[i].in_host_call) best = i;
    if (best == SIZE_MAX) return make_error(ErrorKind::Usage, "no checkpoint before that position");
    TC_TRY(become_copy_of(best));
  }
  if (stop_.count == n) return stop_;
  RunSpec spec;
  spec.stop_at = n;
  return resume(spec);
}

Expected<StopInfo> Target::seek_record(uint64_t record) {
  if (stop_.in_host_call && stop_.record == record) return stop_;
  bool forward = !stop_.ended() && (stop_.record < record || (stop_.record == record && !stop_.in_host_call));
  if (!forward) {
    size_t best = SIZE_MAX;
    for (size_t i = 0; i < checkpoints_.size(); ++i)
      if (checkpoints_[i].record < record || (checkpoints_[i].record == record && !checkpoints_[i].in_host_call))
        best = i;
    if (best == SIZE_MAX) return make_error(ErrorKind::Usage, "no checkpoint before that record");
    TC_TRY(become_copy_of(best));
  }
  RunSpec spec;
  spec.mode = RunSpec::Mode::ToRecord;
  spec.record = record;
  return resume(spec);
}

Expected<std::optional<StopInfo>> Target::find_before(RunSpec spec) {
  const StopInfo start = stop_;
  const uint64_t here = stop_.count;
  const bool whole_way = spec.event == RunSpec::Event::LineStep || spec.event == RunSpec::Event::LineNext;
  spec.mode = RunSpec::Mode::Scan;
  uint64_t hi = here;
  std::optional<StopInfo> found;
  // Windows back from here: the first within the nearest checkpoint
  // interval, each next one four times longer, from a checkpoint at or
  // before its start (line events: every window reaches `here`, since the
  // current line's run may have begun before it).
  uint64_t width = 100'000;
  for (;;) {
    uint64_t from = hi > width ? hi - width : 0;
    size_t best = SIZE_MAX;
    for (size_t i = 0; i < checkpoints_.size(); ++i)
      if (checkpoints_[i].count <= from && !checkpoints_[i].in_host_call) best = i;
    if (best == SIZE_MAX) return make_error(ErrorKind::Usage, "no checkpoint before this position");
    TC_TRY(become_copy_of(best));
    RunSpec s = spec;
    s.stop_at = whole_way ? here : hi;
    s.scan_from = from;
    auto r = resume(s);
    if (!r) return r.error();
    if (r->reason == StopInfo::Reason::Interrupted || interrupt_) {
      // Stopped inside a window, where nothing is known yet: back to
      // where the search began.
      TC_TRY(return_to(start));
      return make_error(ErrorKind::Interrupted, "Quit");
    }
    if (r->found) { found = *r; break; }
    if (from == 0) break;
    if (!whole_way) hi = from;
    width *= 4;
  }
  return found;
}

// The debugger keeps a checkpoint at each stop (checkpoint_here), so this
// is a fork; without one, a replay to `at`, which the pending interrupt
// does not stop (a new Ctrl-C leaves it short of `at`).
Expected<void> Target::return_to(const StopInfo& at) {
  for (size_t i = checkpoints_.size(); i-- > 0;)
    if (checkpoints_[i].count == at.count && checkpoints_[i].in_host_call == at.in_host_call) {
      TC_TRY(become_copy_of(i));
      stop_ = at;
      return {};
    }
  sig_atomic_t pending = interrupt_;
  interrupt_ = 0;
  auto s = at.in_host_call ? seek_record(at.record) : seek(at.count);
  interrupt_ = pending;
  if (!s) return s.error();
  if (s->reason != StopInfo::Reason::Interrupted) stop_ = at;  // else short of it, where it stopped
  return {};
}

Expected<std::vector<uint8_t>> Target::value_request(const std::vector<uint8_t>& req) {
  TC_TRY(ch_.send(req));
  auto msg = ch_.receive();
  if (!msg) return msg.error();
  return *msg;
}

Expected<std::vector<uint8_t>> Target::read_memory(uint64_t addr, uint32_t len) {
  char what[80];
  std::snprintf(what, sizeof what, "Cannot access memory at address 0x%" PRIx64, addr);
  wire::Writer w;
  w.u8(uint8_t(Request::ReadMemory));
  w.u64(addr);
  w.u32(len);
  auto msg = value_request(w.data());
  if (!msg) return msg.error();
  wire::Reader r(*msg);
  bool kind_ok = Reply(r.u8()) == Reply::Value;
  bool ok = r.u8() != 0;
  auto bytes = r.blob();
  if (!kind_ok || !r.ok()) return protocol_error();
  if (!ok || bytes.size() != len) return make_error(ErrorKind::Trap, what);
  return bytes;
}

namespace {
std::optional<uint64_t> value_of(Expected<std::vector<uint8_t>> msg) {
  if (!msg) return std::nullopt;
  wire::Reader r(*msg);
  bool kind_ok = Reply(r.u8()) == Reply::Value;
  bool ok = r.u8() != 0;
  uint64_t bits = r.u64();
  if (!kind_ok || !ok || !r.ok()) return std::nullopt;
  return bits;
}
}  // namespace

std::optional<uint64_t> Target::local(uint32_t frame, uint32_t index) {
  wire::Writer w;
  w.u8(uint8_t(Request::Local));
  w.u32(frame);
  w.u32(index);
  return value_of(value_request(w.data()));
}

std::optional<uint64_t> Target::global(uint32_t index) {
  wire::Writer w;
  w.u8(uint8_t(Request::Global));
  w.u32(index);
  return value_of(value_request(w.data()));
}

std::optional<uint64_t> Target::operand(uint32_t frame, uint32_t from_top) {
  wire::Writer w;
  w.u8(uint8_t(Request::Operand));
  w.u32(frame);
  w.u32(from_top);
  return value_of(value_request(w.data()));
}

uint64_t Target::checkpoint_memory() const {
  uint64_t total = 0;
  for (const auto& c : checkpoints_) {
    std::ifstream in("/proc/" + std::to_string(c.pid) + "/smaps_rollup");
    std::string key;
    uint64_t kb;
    while (in >> key) {
      if (key == "Private_Dirty:" && in >> kb) total += kb * 1024;
      else in.ignore(1 << 20, '\n');
    }
  }
  return total;
}

void Target::interrupt() {
  interrupt_ = 1;
  if (pid_) ::kill(pid_, SIGINT);
}

}  // namespace tc::debug
