// A recording session: a module run against the real system with every
// host call recorded into the registry. Owns what `timecraft run` does
// between parsing its options and printing the end: storing the module,
// the process metadata written at the start and the end (the end even on
// a full disk), the log writer and the Recorder.
#pragma once
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "registry/process_meta.hpp"
#include "registry/registry.hpp"
#include "trace/log_reader.hpp"
#include "trace/log_writer.hpp"
#include "wasi/chaos_system.hpp"
#include "wasi/posix_system.hpp"
#include "wasi/program.hpp"

namespace tc::session {

// The exit code recorded for a run that trapped (the CLI's exit status for
// a trap: 128 + SIGABRT, as wasmtime).
constexpr int kTrapExitCode = 134;

struct RecordingSpec {
  std::shared_ptr<const wasm::Module> module;
  std::string module_name;         // as stored in the registry
  std::string digest;              // the module bytes' sha256 (hex)
  wasi::PosixConfig posix;         // args, environment, preopens, sockets
  wasi::ProgramConfig program;     // limits and entry point
  std::vector<std::string> invoke_args;  // the reactor arguments as typed
  trace::LogOptions log;
  std::string codec_name;          // as the configuration names it ("zstd", "zlib", "none")
  std::string runtime_version;
  // Set to a signal number (by `run`'s SIGINT/SIGTERM handler) to end the
  // run cleanly: the program stops at its next host call, function entry
  // or loop iteration, the log is closed and the status is "interrupted".
  const std::atomic<int>* interrupt = nullptr;
  // Sees each record as it is made (`run -T`); what is recorded is the same.
  trace::RecordHook on_record;
  // Fault injection (`run --chaotic`), below the recorder: the log holds
  // what the program saw, injected records marked.
  std::optional<wasi::ChaosConfig> chaos;
  // Wraps the log's segments once the process id is known and its start
  // metadata stored (`run` with a remote registry: each segment uploaded
  // as it is sealed).
  std::function<std::shared_ptr<trace::SegmentStore>(std::shared_ptr<trace::SegmentStore>,
                                                     const registry::ProcessMeta&)>
      wrap_log;
};

// How a recorded run ended, as data: the program's outcome and what
// happened to its recording.
struct RecordingEnd {
  Expected<wasi::ProgramOutcome> outcome = wasi::ProgramOutcome{};
  registry::ProcessMeta meta;   // as stored (status, exit code, log error)
  uint64_t records_kept = 0;    // whole records in the log
  std::optional<Error> store_error;  // the end could not be stored
};

class RecordingSession {
 public:
  // Stores the module and the start metadata, creates the log. The process
  // id exists from here on (id()); nothing runs yet.
  static Expected<std::unique_ptr<RecordingSession>> start(registry::Registry& reg,
                                                           RecordingSpec spec,
                                                           wasi::System& real);
  const std::string& id() const { return meta_.id; }

  // Runs the program to its end, recording, and stores how it ended.
  RecordingEnd run();

 private:
  RecordingSession(registry::Registry& reg, RecordingSpec spec, wasi::System& real)
      : reg_(reg), spec_(std::move(spec)), real_(real) {}
  registry::Registry& reg_;
  RecordingSpec spec_;
  wasi::System& real_;
  registry::ProcessMeta meta_;
  registry::FileLock lock_;  // the process's: held while it runs (Registry::is_running)
  std::unique_ptr<trace::LogWriter> log_;
};

}  // namespace tc::session
