// The debugger's side of its replaying processes (see protocol.hpp): the
// active process, which runs and answers questions about where it is
// stopped, and checkpoints, dormant copies at earlier positions. Moving
// backwards restores a checkpoint (a copy of it becomes the active
// process) and re-executes forward; the replay is deterministic, so the
// same position always shows the same state.
#pragma once
#include <signal.h>
#include <sys/types.h>

#include <memory>
#include <optional>
#include <vector>

#include "debug/dwarf/debug_info.hpp"
#include "debug/target/channel.hpp"
#include "debug/target/protocol.hpp"
#include "session/replay.hpp"

namespace tc::debug {

class Target {
 public:
  // Forks the first replaying process and waits for it to stop before the
  // program's first instruction (a checkpoint is kept there). `info` may
  // be null.
  static Expected<std::unique_ptr<Target>> start(session::ReplaySession& replay,
                                                 const DebugInfo* info, bool echo = true);
  ~Target();  // ends every process
  Target(const Target&) = delete;
  Target& operator=(const Target&) = delete;

  const StopInfo& stop() const { return stop_; }

  // Runs the active process forward per `spec` (checkpoint_every is filled
  // in here); periodic checkpoints it makes are kept.
  Expected<StopInfo> resume(RunSpec spec);
  // The active process goes to absolute count `n` (backwards: from the
  // latest checkpoint at or before it). Not past the end of the program.
  Expected<StopInfo> seek(uint64_t n);
  // Just before host call `record`.
  Expected<StopInfo> seek_record(uint64_t record);
  // The last `spec.event` (Scan) before the current position, searching
  // back one checkpoint interval at a time; nullopt at the start of
  // history. Leaves the active process where it was.
  // The Scanned stop's `found` is the event's count; for a Hit, its
  // `breakpoint`, or `watch` with old/new bytes, say what it was.
  Expected<std::optional<StopInfo>> find_before(RunSpec spec);

  // The stopped program's state.
  Expected<std::vector<uint8_t>> read_memory(uint64_t addr, uint32_t len);
  std::optional<uint64_t> local(uint32_t frame, uint32_t index);
  std::optional<uint64_t> global(uint32_t index);
  std::optional<uint64_t> operand(uint32_t frame, uint32_t from_top);

  // A checkpoint at the current position (the debugger keeps one at each
  // stop so that going back from it is quick).
  Expected<void> checkpoint_here();
  struct Checkpoint {
    uint64_t count = 0, record = 0;
    bool in_host_call = false;  // made while stopped in host call `record`
    pid_t pid = 0;
    std::unique_ptr<Channel> ch;
  };
  const std::vector<Checkpoint>& checkpoints() const { return checkpoints_; }
  // Resident memory the checkpoints' processes hold apart from each other
  // (private pages, from /proc/PID/smaps_rollup), in bytes.
  uint64_t checkpoint_memory() const;
  // Forwards an interrupt (Ctrl-C) to the running active process, and
  // remembers it: until clear_interrupt(), resume() stops at once (a
  // command of many runs ends as a whole) and find_before() gives up.
  // Safe in a signal handler.
  void interrupt();
  void clear_interrupt() { interrupt_ = 0; }
  pid_t active_pid() const { return pid_; }

  // Instructions between periodic checkpoints (RunSpec::checkpoint_every).
  uint64_t checkpoint_interval = 20'000'000;

 private:
  Target() = default;
  Expected<StopInfo> wait_stop();
  Expected<std::pair<pid_t, int>> fork_of(Channel& ch);
  void add_checkpoint(uint64_t count, uint64_t record, pid_t pid, int fd);
  void thin();
  Expected<void> become_copy_of(size_t checkpoint);
  void end(pid_t pid, Channel& ch);
  Expected<void> return_to(const StopInfo& at);
  Expected<std::vector<uint8_t>> value_request(const std::vector<uint8_t>& req);

  Channel ch_;  // the active process
  pid_t pid_ = 0;
  StopInfo stop_;
  std::vector<Checkpoint> checkpoints_;  // by count
  std::vector<pid_t> all_;               // every process made, to end them
  uint64_t max_record_ = 0;  // the furthest the program has been: its output is shown once
  volatile sig_atomic_t interrupt_ = 0;
};

}  // namespace tc::debug
