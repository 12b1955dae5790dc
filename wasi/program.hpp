// Runs a WASI program against any System (the real one, a Recorder or a
// Replayer): link wasi_snapshot_preview1, instantiate, then run _start
// (commands) or _initialize + an exported function (reactors). `run` and
// `replay` both go through here, so a replay takes exactly the same path.
#pragma once
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "interp/engine.hpp"
#include "wasi/system.hpp"

namespace tc::wasi {

struct ProgramConfig {
  wasm::EngineConfig engine;
  std::optional<std::string> invoke;  // reactor entry point; else _start
  std::vector<wasm::Value> invoke_args;
  // Called with the program's Store before anything runs in it (a debugger
  // sets its hooks there).
  std::function<void(wasm::Store&)> on_store;
  // Called with the Store when the program has ended, however it ended (a
  // profiler reads its results there).
  std::function<void(wasm::Store&)> on_end;
};

struct ProgramOutcome {
  // Exactly one of these describes the end: a normal return (exit_code 0
  // and the invoked function's results), proc_exit (exit_code), or an
  // error (trap, exhaustion, or a System fault).
  int exit_code = 0;
  std::vector<wasm::Value> results;
  std::optional<Error> error;
};

// Errors returned directly (not in the outcome): the module cannot be
// linked (Unlinkable, message names the missing import), a missing or
// ill-typed entry point (Usage).
Expected<ProgramOutcome> run_program(std::shared_ptr<const wasm::Module> module, System& system,
                                     const ProgramConfig& config);

}  // namespace tc::wasi
