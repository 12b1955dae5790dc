// What the debugger asks of a replaying process and what it answers.
//
// The debugger (Target, target.hpp) keeps each replay of the recording in a
// process of its own: the active one, which runs and stops, and dormant
// checkpoints, fork()ed copies waiting at earlier positions (reverse
// execution restores one and re-executes forward; replay makes no system
// call, so a copy is exact). Each process serves these requests over a
// socket while its program is stopped (debuggee.hpp).
//
// Positions are counts of WebAssembly instructions executed since the
// program started (the exact tier's count), identical in every replay; the
// user sees them as (host calls replayed, instructions since the last one).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace tc::debug {

// A watch on linear memory 0. Write: a change of its bytes (by an
// instruction or a host call; a write of the same value is none). Read: an
// instruction that reads any of its bytes. Access: an instruction that
// reads or writes any of them, or a change by a host call.
enum class WatchKind : uint8_t { Write, Read, Access };

struct WatchSpan {
  uint64_t addr = 0;
  uint32_t len = 0;
  WatchKind kind = WatchKind::Write;
};

// How a resumed program runs and where it stops. Whatever the mode, it
// stops at the first breakpoint or watch hit (right after the instruction
// that touched the watch), at `stop_at` (an
// absolute count), or when the program ends.
struct RunSpec {
  enum class Mode : uint8_t {
    Continue,
    StepInstr,  // one instruction
    NextInstr,  // one instruction in this frame (calls run to their return)
    StepLine,   // to the start of another source line, entering calls
    NextLine,   // ... in this frame or an outer one
    Finish,     // until this frame has returned
    ToRecord,   // to just before host call `record`
    Scan,       // run to stop_at and report the last `event` before it
  };
  enum class Event : uint8_t {
    Hit,       // a breakpoint or a watch hit (reverse-continue)
    LineStep,  // the start of the line before the current one (reverse-step)
    LineNext,  // ... ignoring deeper frames (reverse-next)
    Caller,    // the last instruction outside the current frame (reverse-finish)
  };
  Mode mode = Mode::Continue;
  Event event = Event::Hit;
  std::vector<uint32_t> breakpoints;  // module code offsets
  std::vector<WatchSpan> watches;
  uint64_t stop_at = UINT64_MAX;
  uint64_t record = 0;
  // Finish/Until: stop when the frame depth drops below this (0: never).
  uint32_t return_depth = 0;
  // Scan: the current position's depth and source key (see debuggee.cpp).
  uint32_t depth = 0;
  uint64_t scan_from = 0;  // per-instruction checks start here
  uint64_t echo_from = 0;  // echo the output of records from this index on
  // Periodic checkpoints: fork one each `checkpoint_every` instructions.
  uint64_t checkpoint_every = 0;
};

struct FrameInfo {
  uint32_t func_index = 0;
  uint32_t offset = 0;  // module code offset of its current instruction
  bool has_offset = false;
  bool host = false;
};

struct StopInfo {
  enum class Reason : uint8_t {
    Started, Step, Breakpoint, Watch, Returned, Record, Position,
    Exited, Trapped, Diverged, Failed, Interrupted, Scanned,
    LogEnded,  // an interrupted or killed run: the replay reached the end of its log
  };
  Reason reason = Reason::Started;
  uint64_t count = 0;        // instructions executed before the current one
  uint64_t record = 0;       // host calls replayed
  uint64_t record_base = 0;  // `count` when the last of them returned
  bool in_host_call = false; // stopped in host call `record` (before it)
  uint32_t breakpoint = 0;   // Breakpoint: its offset
  uint32_t watch = 0;        // Watch: the index in RunSpec::watches
  bool watch_read = false;   // Watch: a read hit it (else a write or a change)
  uint64_t watch_addr = 0;   // Watch: the first byte of the access (a change: the watch's address)
  std::vector<uint8_t> old_bytes, new_bytes;
  int32_t exit_code = 0;
  std::string message;       // Trapped/Diverged/Failed: what happened
  std::optional<uint64_t> found;  // Scanned: the event's count
  std::vector<FrameInfo> frames;  // innermost first
  bool ended() const {
    return reason == Reason::Exited || reason == Reason::Trapped || reason == Reason::Diverged ||
           reason == Reason::Failed || reason == Reason::LogEnded;
  }
};

// One request, one reply. Fork's reply carries a socket (SCM_RIGHTS): the
// copy's end of its own channel.
enum class Request : uint8_t {
  Resume,      // RunSpec -> StopInfo (preceded by Checkpoint replies, each with a socket)
  ReadMemory,  // u64 addr, u32 len -> u8 ok, bytes
  Local,       // u32 frame, u32 index -> u8 ok, u64 bits
  Global,      // u32 index -> u8 ok, u64 bits
  Operand,     // u32 frame, u32 from top -> u8 ok, u64 bits
  Status,      // -> StopInfo (the current one)
  Fork,        // -> u32 pid of the copy, 0 if it failed (+ socket)
  Kill,        // no reply: the process exits
};

// A Resume's stream of replies: zero or more Checkpoint (u32 pid, u64
// count, u64 record, + socket), then one Stopped (StopInfo).
enum class Reply : uint8_t { Stopped, Checkpoint, Value, Forked };

namespace wire { class Writer; class Reader; }
void encode(wire::Writer& w, const RunSpec& s);
bool decode(wire::Reader& r, RunSpec& s);
void encode(wire::Writer& w, const StopInfo& s);
bool decode(wire::Reader& r, StopInfo& s);

}  // namespace tc::debug
