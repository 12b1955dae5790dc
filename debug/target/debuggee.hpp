// The replaying side of the debugger: runs in a process of its own (a fork
// of the debugger), replays the recording in the exact tier and, each time
// the program stops, serves the debugger's requests (protocol.hpp) until
// told to resume. Checkpoints are fork()ed copies of this process, made at
// the debugger's request or every RunSpec::checkpoint_every instructions.
#pragma once
#include "debug/dwarf/debug_info.hpp"
#include "session/replay.hpp"

namespace tc::debug {

// Never returns: the process exits when the debugger closes the channel
// or sends Kill. `info` may be null (no DWARF: no source-line stepping).
// `echo`: write the program's stdout/stderr output (from the log) as the
// replay passes it for the first time.
[[noreturn]] void debuggee_main(session::ReplaySession& replay, const DebugInfo* info, int channel_fd,
                               bool echo);

}  // namespace tc::debug
