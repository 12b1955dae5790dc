// Process metadata: everything a recorded run depended on (module digest,
// args, env, preopens, limits, runtime version and build, machine, start
// time) plus how it ended. Stored as processes/<id>/process.json; fields
// added later are optional when read, so older metadata still loads.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "interp/error.hpp"

namespace tc::registry {

struct ProcessMeta {
  std::string id;
  int64_t start_unix_ns = 0;
  int64_t end_unix_ns = 0;  // 0 while running (or killed)
  std::string runtime = "timecraft";
  std::string runtime_version;
  std::string runtime_build;  // the engine's GNU build id ("" if unknown)
  // The machine: a few results depend on it and on the build (NaN bit
  // patterns, relaxed SIMD). Empty when recorded by an older version.
  std::string arch;                       // uname machine, e.g. "x86_64"
  std::vector<std::string> cpu_features;  // those the engine dispatches on
  // The engine's relaxed SIMD choices (wasm::kRelaxedSimdSemantics); replay
  // needs the same. Empty when recorded by a version without relaxed SIMD.
  std::string relaxed_simd;

  std::string module_digest;
  std::string module_name;
  uint64_t module_size = 0;

  std::vector<std::string> args;  // args[0] is the program name
  std::vector<std::string> env;   // NAME=VALUE
  struct Dir {
    std::string host, guest;
  };
  std::vector<Dir> dirs;
  std::vector<std::string> listen;
  std::vector<std::string> dial, net;  // run --dial / --net
  std::optional<std::string> invoke;
  std::vector<std::string> invoke_args;

  uint32_t max_call_depth = 0;
  uint32_t max_memory_pages = 0;
  // Memories (by their index in the store) whose growth was capped at their
  // initial size because their address space could not be reserved (ulimit
  // -v): memory.grow failed, and must fail the same way on replay.
  std::vector<uint32_t> capped_memories;
  // Fault injection (`run --chaotic`): the same rate, seed and kinds on the
  // same inputs inject the same faults again. Absent for a normal run.
  struct Chaos {
    double rate = 0;
    uint64_t seed = 0;
    std::vector<std::string> kinds;  // "io", "short", "clock", "random", "net"
  };
  std::optional<Chaos> chaos;
  uint32_t batch_records = 0;
  uint64_t segment_bytes = 0;
  std::string codec;

  // "running" until the end is known: "exited", "trapped", "failed",
  // "interrupted" (SIGINT/SIGTERM ended it cleanly: message names the
  // signal, exit_code is 128 + its number, the log is whole up to there), or
  // "truncated" (it ended, exit_code and message say how, but recording
  // stopped early: log_error says why; the log holds what came before).
  // A run killed outright never stores its end: it stays "running" on disk,
  // and readers that find no live run holding it call it "killed".
  std::string status = "running";
  int exit_code = 0;
  std::string message;    // trap or failure message
  std::string log_error;  // recording stopped early (e.g. disk full)
};

std::string to_json(const ProcessMeta& m);
// Never throws: text that is not a JSON object, a missing required field, a
// field of the wrong type or a number out of its range is an error naming
// the field (e.g. field "limits.max_call_depth" is out of range: ...).
Expected<ProcessMeta> process_meta_from_json(const std::string& text);

}  // namespace tc::registry
