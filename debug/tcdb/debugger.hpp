// tcdb: the command interpreter of `timecraft debug`, gdb's commands and
// output shapes over a recorded run (Target: replaying processes,
// checkpoints; DebugInfo: DWARF). The CLI is a thin loop over execute();
// tests drive this class directly or through the CLI.
//
// Everything printed depends only on the recording and the commands, so the
// same commands on the same recording print the same text.
#pragma once
#include <cstdio>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "debug/dwarf/debug_info.hpp"
#include "debug/dwarf/value.hpp"
#include "debug/target/target.hpp"
#include "interp/validate/body_reader.hpp"
#include "registry/registry.hpp"
#include "session/replay.hpp"

namespace tc::debug {

struct DebuggerOptions {
  std::vector<std::string> source_dirs;  // where to look for source files (besides their recorded paths)
  uint64_t checkpoint_interval = 20'000'000;
};

class Debugger {
 public:
  // Opens the process (an id prefix), loads its DWARF if it has any and
  // starts the replay, stopped before the first instruction.
  static Expected<std::unique_ptr<Debugger>> open(const registry::Registry& reg,
                                                  const std::string& id_prefix,
                                                  DebuggerOptions opts, std::FILE* out);
  ~Debugger();

  // What the session says when it starts ("Reading symbols ...").
  void banner();
  // Runs one command line; false once the session is over (quit). A
  // command that fails prints one line and the session goes on;
  // last_failed() tells a script.
  bool execute(const std::string& line);
  bool last_failed() const { return failed_; }
  // Completions of the word at the end of `line` (commands, then function
  // names, files, `info` topics).
  std::vector<std::string> complete(const std::string& line) const;
  // Ctrl-C while running (async-signal-safe): the program stops.
  void interrupt();
  Target& target() { return *target_; }
  const DebugInfo* debug_info() const { return info_.get(); }

  // One selectable frame: a WebAssembly frame, or an inlined level in one.
  struct Frame {
    uint32_t wasm = 0;  // index into the target's frames (innermost 0)
    uint32_t level = 0; // inlined level within it (frames_at index)
    uint32_t func_index = 0;
    uint32_t offset = 0;
    bool has_offset = false;
    std::optional<SourceFrame> source;
  };

 private:
  Debugger() = default;
  struct Command;
  static const std::vector<Command>& commands();
  const Command* find_command(const std::string& word, std::string* error) const;

  // Commands (arguments after the command word).
  void cmd_break(const std::string& a, bool temporary);
  void cmd_delete(const std::string& a);
  void cmd_enable(const std::string& a, bool on);
  void cmd_watch(const std::string& a, WatchKind kind);
  void cmd_continue(const std::string& a);
  void cmd_step(const std::string& a, RunSpec::Mode mode);
  void cmd_finish();
  void finish_inlined(const Frame& f, size_t sel, size_t frames_now);
  void cmd_until(const std::string& a, bool advance);
  void cmd_reverse(const std::string& a, RunSpec::Event event, bool instruction);
  void cmd_reverse_continue();
  void cmd_reverse_finish();
  void cmd_goto(const std::string& a);
  void cmd_run();
  void cmd_backtrace(const std::string& a);
  void cmd_frame(const std::string& a, int relative);
  void cmd_print(const std::string& a);
  void cmd_ptype(const std::string& a, bool whatis);
  void cmd_x(const std::string& a);
  void cmd_list(const std::string& a);
  void cmd_disassemble(const std::string& a);
  void cmd_info(const std::string& a);
  void cmd_help(const std::string& a);
  void info_breakpoints(bool watch_only);
  void info_locals(bool args);
  void info_globals(const std::string& a);
  void info_frame();
  void info_record();
  void info_position();
  void info_functions(const std::string& a);
  void info_line(const std::string& a);
  void info_source();
  void info_checkpoints();

  // Motion and reporting.
  bool running() const;  // a program to run/inspect (else says why)
  RunSpec base_spec();  // breakpoints and watches
  uint32_t depth() const;  // WebAssembly frames of the stop
  void print_location(bool header);
  void refresh_watches();
  void resume_and_report(RunSpec spec);
  void no_more_history();
  void land(uint64_t count, const char* header);
  std::string record_text(uint64_t index);  // a host call as `timecraft trace` prints it
  uint64_t record_count();
  void report(const StopInfo& s, bool print_frame_header);
  void after_stop(const StopInfo& s);
  void announce_end(const StopInfo& s);
  std::vector<Frame> frames() const;
  std::optional<Frame> selected() const;
  std::string frame_line(const Frame& f, size_t number, bool with_pc) const;
  std::string function_name(uint32_t func_index) const;
  std::string args_text(const Frame& f) const;
  void print_source_line(const SourceLoc& loc);
  bool at_line_start(const Frame& f) const;
  void show_frame(size_t i);  // frame line and source line
  std::optional<SourceLoc> location_of(const Frame& f) const;

  // Locations ("break", "until", "list"): offsets to stop at.
  struct Resolved {
    std::vector<uint64_t> offsets;
    std::string description;  // "file buggy.c, line 52." or "apply_discount+0x4"
  };
  Expected<Resolved> resolve_location(const std::string& spec) const;
  std::optional<uint32_t> function_by_name(const std::string& name) const;
  // "0x3a1: file buggy.c, line 52." or "0x3a1 <apply_discount+5>"
  std::string describe_offset(uint64_t offset) const;

  // Source files.
  const std::vector<std::string>* source_lines(const std::string& file);
  std::string short_file(const std::string& file) const;

  // Values.
  class Access;
  Expected<Value> evaluate(const std::string& expr, size_t frame) const;
  std::string format(const Value& v, size_t frame) const;
  std::optional<std::string> wasm_value(const std::string& name, size_t frame) const;
  std::string instruction_text(const wasm::Instr& in) const;
  void fail(const std::string& message);  // prints it, marks the command failed

  std::FILE* out_ = nullptr;
  DebuggerOptions opts_;
  std::unique_ptr<session::ReplaySession> replay_;
  std::unique_ptr<DebugInfo> info_;
  std::string info_error_;
  std::unique_ptr<Target> target_;
  const registry::Registry* reg_ = nullptr;
  bool failed_ = false;
  size_t frame_sel_ = 0;
  std::optional<std::string> last_line_;  // "repeat on empty line" (step, next ...)

  struct Breakpoint {
    uint32_t number = 0;
    bool watch = false, temporary = false, enabled = true;
    WatchKind kind = WatchKind::Write;  // watch: watch, rwatch or awatch
    std::vector<uint64_t> offsets;
    std::string what;      // as shown by info breakpoints
    std::string expr;      // watch: the expression
    uint64_t addr = 0;     // watch: where
    uint32_t len = 0;
    std::vector<uint8_t> value;  // watch: the value last seen
    TypeId type = kVoid;         // watch: the expression's type (DWARF)
    uint64_t hits = 0;
  };
  std::vector<Breakpoint> breakpoints_;
  std::vector<Breakpoint*> active_watches();  // in RunSpec::watches order
  Breakpoint* breakpoint_at(uint64_t offset);  // the enabled breakpoint there, if any
  std::optional<std::pair<Frame, size_t>> frame_to_leave(const std::string& command, const std::string& hint);
  std::string watch_value(const Breakpoint& w, const std::vector<uint8_t>& bytes) const;
  std::string watch_heading(const Breakpoint& w) const;  // "Watchpoint 2: counter", as gdb
  std::optional<uint64_t> records_;  // host calls in the log
  uint32_t next_number_ = 1;
  std::map<std::string, std::vector<std::string>> sources_;
  std::vector<std::string> values_;  // $1, $2 ... (formatted)
  // list: where the next `list` continues.
  std::string list_file_;
  uint32_t list_next_ = 0;
  uint32_t list_centre_ = 0;
  // x: the last format and unit, and where the next x continues.
  char x_fmt_ = 'x', x_unit_ = 'w';
  std::optional<uint64_t> x_next_;
  // The previous stop: a new function there prints a frame header.
  uint32_t last_func_ = UINT32_MAX;
  size_t last_depth_ = 0;
};

}  // namespace tc::debug
