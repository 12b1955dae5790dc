// Rebuilds what a recorded program wrote to stdout and stderr: fd_write on
// the guest fds that are (still) stdout/stderr, following fd_renumber and
// fd_close, in record order. Used by `timecraft logs`.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "interp/error.hpp"
#include "trace/log_reader.hpp"

namespace tc::trace {

struct OutputChunk {
  int stream = 1;  // 1 = stdout, 2 = stderr
  uint64_t record = 0;
  uint64_t time_ns = 0;
  std::string bytes;
};

struct RebuiltOutput {
  std::vector<OutputChunk> chunks;
  std::optional<std::string> problem;  // torn tail or corrupt record that ended it
};

RebuiltOutput rebuild_output(LogReader& log);

}  // namespace tc::trace
