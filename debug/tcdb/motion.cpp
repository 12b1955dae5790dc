// Moving through the recording: continue, step, next, finish, until, the
// reverse commands, goto; and what is printed at each stop (gdb's shapes).
#include "debug/dwarf/value_format.hpp"
#include "debug/tcdb/access.hpp"
#include "debug/tcdb/debugger.hpp"
#include "debug/tcdb/text.hpp"

namespace tc::debug {

using Mode = RunSpec::Mode;
using Event = RunSpec::Event;
using Reason = StopInfo::Reason;

bool Debugger::running() const {
  if (!target_->stop().ended()) return true;
  const_cast<Debugger*>(this)->fail("The program is not being run.");
  return false;
}

std::vector<Debugger::Breakpoint*> Debugger::active_watches() {
  std::vector<Breakpoint*> out;
  for (auto& b : breakpoints_)
    if (b.watch && b.enabled) out.push_back(&b);
  return out;
}

RunSpec Debugger::base_spec() {
  RunSpec spec;
  for (auto& b : breakpoints_) {
    if (!b.enabled) continue;
    if (b.watch) spec.watches.push_back(WatchSpan{b.addr, b.len, b.kind});
    else for (uint64_t o : b.offsets) spec.breakpoints.push_back(uint32_t(o));
  }
  return spec;
}

Debugger::Breakpoint* Debugger::breakpoint_at(uint64_t offset) {
  for (auto& b : breakpoints_)
    if (!b.watch && b.enabled && std::find(b.offsets.begin(), b.offsets.end(), offset) != b.offsets.end()) return &b;
  return nullptr;
}

// The selected frame, if finish/reverse-finish can leave it (else says why).
std::optional<std::pair<Debugger::Frame, size_t>> Debugger::frame_to_leave(const std::string& command,
                                                                          const std::string& hint) {
  auto fs = frames();
  if (fs.empty()) {
    fail("No stack.");
    return std::nullopt;
  }
  size_t sel = std::min(frame_sel_, fs.size() - 1);
  const Frame& f = fs[sel];
  if (f.source && f.source->scope && f.source->scope->kind == Scope::Kind::Inlined) {
    fail(command + ": frame " + std::to_string(sel) + " is inlined into its caller; " + hint);
    return std::nullopt;
  }
  if (f.wasm + 1 >= target_->stop().frames.size()) {
    fail("\"finish\" not meaningful in the outermost frame.");
    return std::nullopt;
  }
  return std::pair<Frame, size_t>{f, sel};
}

uint32_t Debugger::depth() const { return uint32_t(target_->stop().frames.size()); }

// The innermost frame's place: a frame header when the function (or depth)
// changed or `header`, else just the source line (with the pc when the
// stop is inside a line, as gdb does for stepi).
void Debugger::print_location(bool header) {
  auto fs = frames();
  if (fs.empty()) return;
  const Frame& f = fs[0];
  header = header || f.func_index != last_func_ || depth() != last_depth_;
  last_func_ = f.func_index;
  last_depth_ = depth();
  auto loc = location_of(f);
  bool start = at_line_start(f);
  if (!loc) {
    std::fprintf(out_, "%s in %s ()\n", hex(f.offset, 8).c_str(),
                 (f.source && !f.source->function.empty() ? f.source->function : function_name(f.func_index)).c_str());
    return;
  }
  if (header) {
    std::fprintf(out_, "%s\n", frame_line(f, SIZE_MAX, !start).c_str());
  } else if (!start) {
    std::fprintf(out_, "%s\t", hex(f.offset, 8).c_str());
  }
  print_source_line(*loc);
}

void Debugger::refresh_watches() {
  for (auto* w : active_watches()) {
    auto b = target_->read_memory(w->addr, w->len);
    if (b) w->value = *b;
  }
}

std::string Debugger::watch_value(const Breakpoint& w, const std::vector<uint8_t>& bytes) const {
  if (!info_ || w.type == kVoid) {
    std::string s;
    for (size_t i = 0; i < bytes.size(); ++i) s += (i ? " " : "") + hex(bytes[i]);
    return s;
  }
  Value v;
  v.type = w.type;
  v.bytes = bytes;
  v.fetched = true;
  v.address = w.addr;
  FrameValues access(*target_, 0);
  return format_value(v, *info_, &access);
}

void Debugger::after_stop(const StopInfo& s) {
  frame_sel_ = 0;
  if (s.ended()) return announce_end(s);
  (void)target_->checkpoint_here();  // going back from here is then quick
  switch (s.reason) {
    case Reason::Started:
      std::fprintf(out_, "Program stopped before its first instruction.\n");
      print_location(true);
      break;
    case Reason::Breakpoint: {
      Breakpoint* hit = breakpoint_at(s.breakpoint);
      if (!hit) {  // an until/advance location
        print_location(false);
        break;
      }
      ++hit->hits;
      std::fprintf(out_, "\n%s %u, ", hit->temporary ? "Temporary breakpoint" : "Breakpoint", hit->number);
      uint32_t number = hit->number;
      if (hit->temporary) std::erase_if(breakpoints_, [&](const Breakpoint& b) { return b.number == number; });
      print_location(true);
      break;
    }
    case Reason::Watch: {
      auto ws = active_watches();
      if (s.watch < ws.size()) {
        Breakpoint& w = *ws[s.watch];
        ++w.hits;
        // As gdb: a read (or a write of the same value) shows the value.
        if (s.old_bytes == s.new_bytes)
          std::fprintf(out_, "\n%s\n\nValue = %s\n", watch_heading(w).c_str(), watch_value(w, s.new_bytes).c_str());
        else
          std::fprintf(out_, "\n%s\n\nOld value = %s\nNew value = %s\n", watch_heading(w).c_str(),
                       watch_value(w, s.old_bytes).c_str(), watch_value(w, s.new_bytes).c_str());
      }
      print_location(true);
      break;
    }
    case Reason::Interrupted:
      std::fprintf(out_, "\nProgram received signal SIGINT, Interrupt.\n");
      print_location(true);
      break;
    case Reason::Record: {
      std::fprintf(out_, "Stopped before host call %llu: %s\n", static_cast<unsigned long long>(s.record),
                   record_text(s.record).c_str());
      print_location(true);
      break;
    }
    default:
      print_location(false);
      break;
  }
  refresh_watches();
}

void Debugger::announce_end(const StopInfo& s) {
  std::string id = replay_->id().substr(0, 8);
  switch (s.reason) {
    case Reason::Exited:
      if (s.exit_code == 0) std::fprintf(out_, "[Inferior 1 (process %s) exited normally]\n", id.c_str());
      else std::fprintf(out_, "[Inferior 1 (process %s) exited with code %d]\n", id.c_str(), s.exit_code);
      return;
    case Reason::Failed:
      std::fprintf(out_, "The program could not run: %s\n", s.message.c_str());
      return;
    default: break;
  }
  // A trap or a divergence: stop at the instruction that did it, so that
  // the state before it can be inspected.
  std::string why = s.message;
  const std::string prefix = "replay diverged from the log: ";
  if (why.rfind(prefix, 0) == 0) why = why.substr(prefix.size());
  const char* what = s.reason == Reason::Trapped    ? "Program trapped"
                     : s.reason == Reason::LogEnded ? "The recording ends here"
                                                    : "The replay diverged from the log";
  std::fprintf(out_, "\n%s: %s\n", what, why.c_str());
  if (s.count == 0) return;
  auto at = target_->seek(s.count - 1);
  if (!at) return fail(at.error().message);
  if (at->ended()) return;
  (void)target_->checkpoint_here();
  print_location(true);
}

void Debugger::resume_and_report(RunSpec spec) {
  auto s = target_->resume(std::move(spec));
  if (!s) return fail(s.error().message);
  after_stop(*s);
}

void Debugger::cmd_continue(const std::string& a) {
  if (!running()) return;
  uint64_t times = 1;
  if (!a.empty()) {
    auto n = parse_number(a);
    if (!n || *n == 0) return fail("continue: the argument must be a positive number (hits to go through)");
    times = *n;
  }
  std::fprintf(out_, "Continuing.\n");
  for (uint64_t i = 0; i < times; ++i) {
    auto s = target_->resume(base_spec());
    if (!s) return fail(s.error().message);
    if (i + 1 == times || s->reason != Reason::Breakpoint) return after_stop(*s);
    if (Breakpoint* b = breakpoint_at(s->breakpoint)) ++b->hits;  // a hit gone through still counts
  }
}

void Debugger::cmd_step(const std::string& a, Mode mode) {
  if (!running()) return;
  uint64_t times = 1;
  if (!a.empty()) {
    auto n = parse_number(a);
    if (!n || *n == 0) return fail("the argument must be a positive number of steps");
    times = *n;
  }
  for (uint64_t i = 0; i < times; ++i) {
    RunSpec spec = base_spec();
    spec.mode = mode;
    const StopInfo& here = target_->stop();
    if (mode == Mode::StepInstr) spec.stop_at = here.count + 1;
    if (mode == Mode::StepLine || mode == Mode::NextLine) {
      auto f = selected();
      if (!f || !location_of(*f)) {
        std::string name = f ? function_name(f->func_index) : "?";
        std::fprintf(out_, "Single stepping until exit from function %s,\nwhich has no line number information.\n",
                     name.c_str());
        spec.mode = Mode::Finish;
        spec.return_depth = depth();
      }
    }
    auto s = target_->resume(std::move(spec));
    if (!s) return fail(s.error().message);
    bool done = i + 1 == times || (s->reason != Reason::Step && s->reason != Reason::Returned);
    if (done) return after_stop(*s);
  }
}

// finish from an inlined frame of the innermost WebAssembly frame: it has
// no return of its own, so step lines (over calls) until it is no longer
// on the stack, as gdb steps out of the inlined range.
void Debugger::finish_inlined(const Frame& f, size_t sel, size_t frames_now) {
  std::fprintf(out_, "Run till exit from %s\n", frame_line(f, sel, !at_line_start(f) || sel > 0).c_str());
  const size_t outside = frames_now - sel - 1;  // the frames it is inlined into, and theirs
  for (int guard = 0; guard < 1000000; ++guard) {
    RunSpec spec = base_spec();
    spec.mode = Mode::NextLine;
    auto s = target_->resume(std::move(spec));
    if (!s) return fail(s.error().message);
    if (s->reason != Reason::Step) return after_stop(*s);
    if (frames().size() <= outside) {
      frame_sel_ = 0;
      (void)target_->checkpoint_here();
      print_location(true);
      refresh_watches();
      return;
    }
  }
  fail("finish: still in the inlined frame after a million lines; stopped here");
}

void Debugger::cmd_finish() {
  if (!running()) return;
  {
    auto fs = frames();
    size_t sel = fs.empty() ? 0 : std::min(frame_sel_, fs.size() - 1);
    if (!fs.empty() && fs[sel].wasm == 0 && fs[sel].source && fs[sel].source->scope &&
        fs[sel].source->scope->kind == Scope::Kind::Inlined)
      return finish_inlined(fs[sel], sel, fs.size());
  }
  auto leave = frame_to_leave("finish", "select the caller (up), or use next or until");
  if (!leave) return;
  const auto& [f, sel] = *leave;
  std::fprintf(out_, "Run till exit from %s\n", frame_line(f, sel, !at_line_start(f) || sel > 0).c_str());
  RunSpec spec = base_spec();
  spec.mode = Mode::Finish;
  spec.return_depth = depth() - f.wasm;
  auto s = target_->resume(std::move(spec));
  if (!s) return fail(s.error().message);
  if (s->reason != Reason::Returned) return after_stop(*s);
  frame_sel_ = 0;
  (void)target_->checkpoint_here();
  print_location(true);
  refresh_watches();
  // The value is on top of the caller's operand stack now.
  const wasm::Module& m = *replay_->module();
  const wasm::FuncType& t = m.func_type(f.func_index);
  if (t.results.empty()) return;
  auto bits = target_->operand(0, 0);
  if (!bits) return;
  std::string text;
  const Function* fn = f.source ? f.source->concrete : nullptr;
  if (info_ && fn && fn->return_type != kVoid) {
    Value v = make_scalar(info_->types(), fn->return_type, *bits);
    FrameValues access(*target_, 0);
    text = format_value(v, *info_, &access);
  } else if (fn && fn->return_type == kVoid) {
    return;
  } else {
    wasm::Value v;
    v.type = t.results[0];
    v.i64 = *bits;
    text = wasm::value_to_string(v);
  }
  values_.push_back(text);
  std::fprintf(out_, "Value returned is $%zu = %s\n", values_.size(), text.c_str());
}

void Debugger::cmd_until(const std::string& a, bool advance) {
  if (!running()) return;
  if (a.empty()) {
    if (advance) return fail("advance: a location is needed (advance LOCATION)");
    // `next`, but never back to an earlier line of this frame (loops run through).
    auto f = selected();
    auto loc = f ? location_of(*f) : std::nullopt;
    uint32_t start_func = f ? f->func_index : 0, start_depth = depth();
    for (int guard = 0; guard < 100000; ++guard) {
      RunSpec spec = base_spec();
      spec.mode = Mode::NextLine;
      auto s = target_->resume(std::move(spec));
      if (!s) return fail(s.error().message);
      if (s->reason != Reason::Step) return after_stop(*s);
      auto g = selected();
      auto now = g ? location_of(*g) : std::nullopt;
      if (!loc || !now || !g || g->func_index != start_func || depth() != start_depth || now->line > loc->line)
        return after_stop(*s);
    }
    return after_stop(target_->stop());
  }
  auto r = resolve_location(a);
  if (!r) return fail(r.error().message);
  // until stops at the location only in this frame (it runs through
  // recursive calls and callees); advance stops there in any frame.
  const uint32_t here = depth();
  Expected<StopInfo> s = target_->stop();
  for (;;) {
    RunSpec spec = base_spec();
    for (uint64_t o : r->offsets) spec.breakpoints.push_back(uint32_t(o));
    spec.return_depth = here;
    s = target_->resume(std::move(spec));
    if (!s) return fail(s.error().message);
    bool user_break = breakpoint_at(s->breakpoint) != nullptr;
    if (advance || s->reason != Reason::Breakpoint || user_break || depth() <= here) break;
  }
  if (s->reason == Reason::Returned) {
    frame_sel_ = 0;
    (void)target_->checkpoint_here();
    print_location(true);
    return;
  }
  after_stop(*s);
}

void Debugger::no_more_history() {
  std::fprintf(out_, "\nNo more reverse-execution history.\n");
  auto s = target_->seek(0);
  if (!s) return fail(s.error().message);
  frame_sel_ = 0;
  print_location(true);
  refresh_watches();
}

void Debugger::land(uint64_t count, const char* header) {
  auto s = target_->seek(count);
  if (!s) return fail(s.error().message);
  if (header) std::fprintf(out_, "%s", header);
  after_stop(*s);
}

// The reverse commands work from the end of the program too.
void Debugger::cmd_reverse(const std::string& a, Event event, bool instruction) {
  uint64_t times = 1;
  if (!a.empty()) {
    auto n = parse_number(a);
    if (!n || *n == 0) return fail("the argument must be a positive number of steps");
    times = *n;
  }
  for (uint64_t i = 0; i < times; ++i) {
    const StopInfo& here = target_->stop();
    if (here.count == 0) return no_more_history();
    std::optional<uint64_t> to;
    bool no_lines = !instruction && !here.ended() && [&] {
      auto f = selected();
      return !f || !location_of(*f);
    }();
    if (instruction && event == Event::LineStep) {
      to = here.count - 1;
    } else if (no_lines) {
      // As forward `step` runs to the return of a function without line
      // information, going back runs to its call.
      std::string name = selected() ? function_name(selected()->func_index) : "?";
      std::fprintf(out_, "Single stepping back until the call of function %s,\nwhich has no line number information.\n",
                   name.c_str());
      RunSpec spec;
      spec.event = Event::Caller;
      spec.depth = depth();
      auto f = target_->find_before(spec);
      if (!f) return fail(f.error().message);
      if (*f) to = (*f)->found;
    } else {
      RunSpec spec;
      spec.event = instruction ? Event::Caller : event;
      spec.depth = instruction ? depth() + 1 : depth();
      auto f = target_->find_before(spec);
      if (!f) return fail(f.error().message);
      if (*f) to = (*f)->found;
    }
    if (!to) return no_more_history();
    auto s = target_->seek(*to);
    if (!s) return fail(s.error().message);
    if (s->reason == Reason::Interrupted) return after_stop(*s);  // Ctrl-C on the way there
    if (i + 1 == times) {
      StopInfo shown = *s;
      shown.reason = Reason::Step;
      after_stop(shown);
    }
  }
}

void Debugger::cmd_reverse_continue() {
  if (target_->stop().count == 0) return no_more_history();
  RunSpec spec = base_spec();
  spec.event = Event::Hit;
  auto f = target_->find_before(spec);
  if (!f) return fail(f.error().message);
  if (!*f) return no_more_history();
  const StopInfo hit = **f;
  bool watch = hit.watch != UINT32_MAX;
  // A watch change is found where it is first seen, after the write; going
  // backwards, stop before the writing instruction, as gdb does.
  uint64_t to = *hit.found - (watch && *hit.found > 0 ? 1 : 0);
  auto s = target_->seek(to);
  if (!s) return fail(s.error().message);
  if (s->reason == Reason::Interrupted) return after_stop(*s);
  StopInfo shown = *s;
  if (watch) {
    shown.reason = Reason::Watch;
    shown.watch = hit.watch;
    shown.old_bytes = hit.new_bytes;  // backwards, the value goes from new to old
    shown.new_bytes = hit.old_bytes;
  } else {
    shown.reason = Reason::Breakpoint;
    shown.breakpoint = hit.breakpoint;
  }
  after_stop(shown);
}

void Debugger::cmd_reverse_finish() {
  auto leave = frame_to_leave("reverse-finish", "select the caller (up)");
  if (!leave) return;
  const auto& [f, sel] = *leave;
  std::fprintf(out_, "Run back to call of %s\n", frame_line(f, sel, !at_line_start(f) || sel > 0).c_str());
  RunSpec spec;
  spec.event = Event::Caller;
  spec.depth = depth() - f.wasm;
  auto found = target_->find_before(spec);
  if (!found) return fail(found.error().message);
  if (!*found) return no_more_history();
  auto s = target_->seek(*(*found)->found);
  if (!s) return fail(s.error().message);
  if (s->reason == Reason::Interrupted) return after_stop(*s);
  StopInfo shown = *s;
  shown.reason = Reason::Step;
  last_func_ = UINT32_MAX;  // always the caller's header
  after_stop(shown);
}

void Debugger::cmd_goto(const std::string& a) {
  auto w = split_words(a);
  auto usage = [&] { fail("usage: goto record N | goto position N[+M] | goto instruction N | goto start"); };
  if (w.empty()) return usage();
  if (w[0] == "start" && w.size() == 1) return cmd_run();
  if (w.size() != 2) return usage();
  if (w[0] == "record") {
    auto n = parse_number(w[1]);
    if (!n) return usage();
    uint64_t total = record_count();
    if (*n >= total)
      return fail("goto record: the recording has " + std::to_string(total) + " host calls (0.." +
                  std::to_string(total ? total - 1 : 0) + ")");
    auto s = target_->seek_record(*n);
    if (!s) return fail(s.error().message);
    return after_stop(*s);
  }
  if (w[0] == "instruction") {
    auto n = parse_number(w[1]);
    if (!n) return usage();
    return land(*n, nullptr);
  }
  if (w[0] == "position") {
    std::string k = w[1], m = "0";
    size_t plus = k.find('+');
    if (plus != std::string::npos) {
      m = k.substr(plus + 1);
      k = k.substr(0, plus);
    }
    auto calls = parse_number(k), since = parse_number(m);
    if (!calls || !since) return usage();
    uint64_t base = 0;
    if (*calls > 0) {
      if (*calls > record_count()) return fail("goto position: the recording has " + std::to_string(record_count()) + " host calls");
      auto s = target_->seek_record(*calls - 1);
      if (!s) return fail(s.error().message);
      if (s->ended()) return after_stop(*s);
      base = s->count + 1;  // the instruction after the call
    }
    return land(base + *since, nullptr);
  }
  usage();
}

void Debugger::cmd_run() {
  auto s = target_->seek(0);
  if (!s) return fail(s.error().message);
  last_func_ = UINT32_MAX;
  after_stop(*s);
}

}  // namespace tc::debug
