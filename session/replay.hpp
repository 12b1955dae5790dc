// A replay session: a recorded process re-executed against its log, with
// no system call on the guest's behalf. `replay`, `profile` and (later)
// `debug` all open one; how the replay ended is data (ReplayEnd) that each
// command formats its own way.
#pragma once
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "registry/process_meta.hpp"
#include "registry/registry.hpp"
#include "trace/log_reader.hpp"
#include "trace/replayer.hpp"
#include "wasi/program.hpp"

namespace tc::session {

struct ReplayEnd {
  enum class Kind {
    Exited,    // the program ended and consumed the whole log (exit_code)
    Trapped,   // ... by a trap or exhaustion, exactly as recorded (error)
    Diverged,  // the program did something else than the log says (error)
    Failed,    // the program could not be run at all (error: link, entry point)
    LogEnded,  // the run was interrupted or killed and the replay reached the
               // end of its log, as far as the run got (error: where, why)
  };
  Kind kind = Kind::Exited;
  int exit_code = 0;
  std::vector<wasm::Value> results;  // an invoked function's results
  // Trapped: the trap, with its backtrace. Diverged: the record index,
  // recorded vs observed, and where the program was (backtrace). Failed:
  // why.
  std::optional<Error> error;
  uint64_t records_replayed = 0;
};

class ReplaySession {
 public:
  // Resolves an id prefix, reads the metadata, the stored module (checked
  // against its digest; validated unless this build's mark says it did)
  // and opens the log. Errors name the process.
  // `module`, if given, replaces the stored one: another build of the
  // program, replayed against this log (`replay --module`) to see whether
  // it takes the recorded path.
  static Expected<std::unique_ptr<ReplaySession>> open(
      const registry::Registry& reg, const std::string& id_prefix,
      std::shared_ptr<const wasm::Module> module = nullptr);

  const std::string& id() const { return meta_.id; }
  const registry::ProcessMeta& meta() const { return meta_; }
  const std::shared_ptr<const wasm::Module>& module() const { return module_; }
  // The limits and entry point the run used.
  const wasi::ProgramConfig& program() const { return program_; }
  // Why re-running here may not give the recorded results ("" when the
  // engine build and the machine are the recorded ones, or unrecorded).
  std::string platform_differences() const;

  // Re-executes the program once against the log. `wrap`, if given, puts a
  // System between the program and the Replayer (e.g. for timing); it
  // returns the System to run against.
  using Wrap = std::function<wasi::System&(wasi::System& replayer)>;
  ReplayEnd run(const trace::ReplayOptions& opts, const Wrap& wrap = {});
  // The same, for a debugger: `on_store` sees the program's Store before
  // it runs (hooks), `exact_tier` runs it on the counted tiers for
  // stopping anywhere, and `exact_only` keeps every frame on the exact code.
  struct Hooks {
    Wrap wrap;
    std::function<void(wasm::Store&)> on_store;
    bool exact_tier = false;
    bool exact_only = false;
    // Counted tiers with the engine's profiler on; `on_end` sees the Store
    // when the program has ended.
    bool profile = false;
    std::function<void(wasm::Store&)> on_end;
  };
  ReplayEnd run(const trace::ReplayOptions& opts, const Hooks& hooks);

 private:
  ReplaySession() = default;
  const registry::Registry* reg_ = nullptr;
  registry::ProcessMeta meta_;
  std::shared_ptr<const wasm::Module> module_;
  wasi::ProgramConfig program_;
};

}  // namespace tc::session
