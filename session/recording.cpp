#include "session/recording.hpp"

#include <chrono>

#include "interp/relaxed_simd.hpp"
#include "registry/spare_room.hpp"
#include "session/build_id.hpp"
#include "session/interrupt_gate.hpp"
#include "session/platform.hpp"
#include "trace/recorder.hpp"

namespace tc::session {

namespace {

int64_t now_unix_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch()).count();
}

// Room kept next to process.json for the end record (see store_end).
constexpr uint64_t kEndReserve = 16 << 10;

// The end of a recorded run into process.json, even on a full disk (in the
// room reserved when the run started).
Expected<void> store_end(registry::Registry& reg, const registry::ProcessMeta& meta) {
  return reg.write_process_end(meta);
}

}  // namespace

Expected<std::unique_ptr<RecordingSession>> RecordingSession::start(registry::Registry& reg,
                                                                    RecordingSpec spec,
                                                                    wasi::System& real) {
  std::unique_ptr<RecordingSession> s(new RecordingSession(reg, std::move(spec), real));
  const RecordingSpec& sp = s->spec_;
  // Shared with other runs, exclusive with a prune: held from storing the
  // module until process.json names it, so a prune cannot delete it between.
  auto registry_lock = reg.lock_registry(registry::FileLock::Mode::Shared);
  if (!registry_lock) return registry_lock.error();
  TC_TRY(reg.put_module(sp.module->bytes, sp.module_name, engine_build_id(), sp.digest));

  registry::ProcessMeta& meta = s->meta_;
  meta.id = registry::Registry::new_process_id();
  meta.start_unix_ns = now_unix_ns();
  meta.runtime_version = sp.runtime_version;
  meta.runtime_build = engine_build_id();
  meta.arch = this_platform().arch;
  meta.cpu_features = this_platform().cpu_features;
  meta.relaxed_simd = wasm::kRelaxedSimdSemantics;
  meta.module_digest = sp.digest;
  meta.module_name = sp.module_name;
  meta.module_size = sp.module->bytes.size();
  meta.args = sp.posix.args;
  meta.env = sp.posix.environ;
  for (const auto& d : sp.posix.dirs) meta.dirs.push_back({d.host_path, d.guest_path});
  meta.listen = sp.posix.listen;
  meta.dial = sp.posix.dial;
  meta.net = sp.posix.net;
  meta.invoke = sp.program.invoke;
  meta.invoke_args = sp.invoke_args;
  meta.max_call_depth = sp.program.engine.max_call_depth;
  meta.max_memory_pages = sp.program.engine.max_memory_pages;
  meta.batch_records = sp.log.batch_records;
  meta.segment_bytes = sp.log.segment_bytes;
  meta.codec = sp.codec_name;
  if (sp.chaos)
    meta.chaos = registry::ProcessMeta::Chaos{sp.chaos->rate, sp.chaos->seed,
                                              wasi::chaos_kind_names(sp.chaos->kinds)};
  // Held for the whole run (the session's life): while it is, the process
  // is running; once free, a process.json still saying "running" was killed.
  auto lock = reg.create_process(meta.id);
  if (!lock) return lock.error();
  s->lock_ = std::move(*lock);
  TC_TRY(reg.write_process_meta(meta, /*durable=*/false));
  registry_lock->release();
  (void)reg.index_process(meta);  // a cache: a listing reads process.json without it
  // Room to store the end even if the run fills the disk (see store_end).
  reg.reserve_process_end(meta, kEndReserve);
  auto segments = reg.log_segments(meta.id);
  if (sp.wrap_log) segments = sp.wrap_log(std::move(segments), meta);
  auto log = trace::LogWriter::create(std::move(segments), sp.log);
  if (!log) {  // the run ends before it began, and says so
    meta.end_unix_ns = now_unix_ns();
    meta.status = "failed";
    meta.message = log.error().message;
    if (store_end(reg, meta)) (void)reg.index_process(meta);
    return log.error();
  }
  s->log_ = std::move(*log);
  return s;
}

RecordingEnd RecordingSession::run() {
  std::optional<wasi::ChaosSystem> chaos;
  if (spec_.chaos) chaos.emplace(real_, *spec_.chaos);
  trace::Recorder recorder(chaos ? *chaos : real_, *log_, spec_.on_record);
  std::optional<InterruptGate> gate;
  wasi::System* system = &recorder;
  wasi::ProgramConfig pcfg = spec_.program;
  if (spec_.interrupt) {
    system = &gate.emplace(recorder, *spec_.interrupt);
    pcfg.engine.interrupt = spec_.interrupt;
  }
  pcfg.engine.on_memory_capped = [&](uint32_t index) {  // recorded at once: a replay needs it
    meta_.capped_memories.push_back(index);
    (void)reg_.write_process_meta(meta_, /*durable=*/false);
  };
  RecordingEnd end;
  end.outcome = wasi::run_program(spec_.module, *system, pcfg);

  auto closed = log_->close();
  end.records_kept = log_->stats().records;  // whole records on disk
  registry::ProcessMeta& meta = meta_;
  meta.end_unix_ns = now_unix_ns();
  if (recorder.log_error()) meta.log_error = recorder.log_error()->message;
  else if (!closed) meta.log_error = closed.error().message;
  if (!end.outcome) {
    meta.status = "failed";
    meta.message = end.outcome.error().message;
  } else if (end.outcome->error && end.outcome->error->kind == ErrorKind::Interrupted) {
    // A signal ended it (InterruptGate or the engine's poll): 128 + N, as a shell reports it.
    int sig = spec_.interrupt ? spec_.interrupt->load() : 0;
    meta.status = "interrupted";
    meta.message = signal_name(sig);
    meta.exit_code = 128 + sig;
  } else if (end.outcome->error) {
    meta.status = "trapped";
    meta.message = end.outcome->error->message;
    meta.exit_code = kTrapExitCode;
  } else {
    meta.status = "exited";
    meta.exit_code = end.outcome->exit_code;
  }
  // The run ended (exit code and message kept) but its log stops early.
  if (!meta.log_error.empty()) meta.status = "truncated";
  if (auto stored = store_end(reg_, meta); !stored) end.store_error = stored.error();
  else (void)reg_.index_process(meta);
  end.meta = meta;
  return end;
}

}  // namespace tc::session
