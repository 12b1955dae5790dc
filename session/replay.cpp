#include "session/replay.hpp"

#include "interp/relaxed_simd.hpp"
#include "session/build_id.hpp"
#include "session/platform.hpp"
#include "session/value_parse.hpp"

namespace tc::session {

namespace {

Error about(const std::string& id, const Error& e, const std::string& what = "") {
  return make_error(e.kind, "process " + id + ": " + what + e.to_string());
}

std::string machine(const std::string& arch, const std::vector<std::string>& features) {
  std::string s = arch.empty() ? "unknown" : arch;
  for (size_t i = 0; i < features.size(); ++i) s += (i ? ", " : " (") + features[i];
  return features.empty() ? s : s + ")";
}

}  // namespace

Expected<std::unique_ptr<ReplaySession>> ReplaySession::open(
    const registry::Registry& reg, const std::string& id_prefix,
    std::shared_ptr<const wasm::Module> module) {
  auto id = reg.resolve(registry::ObjectKind::Process, id_prefix);
  if (!id) return make_error(id.error().kind, id.error().message);
  auto meta = reg.load_process_meta(*id);  // errors name the file
  if (!meta) return meta.error();
  std::unique_ptr<ReplaySession> s(new ReplaySession());
  s->reg_ = &reg;
  s->meta_ = std::move(*meta);
  s->meta_.id = *id;
  const registry::ProcessMeta& m = s->meta_;
  // Relaxed SIMD results are this engine's choice: another choice would
  // replay a different run.
  if (!m.relaxed_simd.empty() && m.relaxed_simd != wasm::kRelaxedSimdSemantics)
    return make_error(ErrorKind::Usage, "process " + *id + ": recorded with relaxed SIMD semantics \"" +
                                            m.relaxed_simd + "\", this build has \"" +
                                            wasm::kRelaxedSimdSemantics + "\"; it cannot replay it");

  if (module) {
    s->module_ = std::move(module);
  } else {
    auto bytes = reg.read_module(m.module_digest);
    if (!bytes) return about(*id, bytes.error());
    // Stored modules validated when they were recorded; the build that did it
    // (its mark under this user's key) need not validate them again.
    bool prevalidated = reg.validated_by(m.module_digest, engine_build_id());
    auto mod = prevalidated ? wasm::load_prevalidated_module(std::move(*bytes))
                            : wasm::load_module(std::move(*bytes));
    if (!mod) return about(*id, mod.error(), "stored module: ");
    s->module_ = *mod;
  }

  wasi::ProgramConfig& c = s->program_;
  c.engine.max_call_depth = m.max_call_depth;
  c.engine.max_memory_pages = m.max_memory_pages;
  // Memories that could not grow in the run cannot grow now, and any other
  // must be had whole.
  c.engine.capped_memories = m.capped_memories;
  c.engine.exact_memory_caps = true;
  if (m.invoke) {
    c.invoke = m.invoke;
    for (const auto& e : s->module_->exports) {
      if (e.kind != wasm::ExternKind::Func || e.name != *m.invoke) continue;
      const wasm::FuncType& ft = s->module_->func_type(e.index);
      for (size_t i = 0; i < ft.params.size() && i < m.invoke_args.size(); ++i)
        if (auto v = parse_value(m.invoke_args[i], ft.params[i])) c.invoke_args.push_back(*v);
    }
  }
  return s;
}

std::string ReplaySession::platform_differences() const {
  std::string why;
  const std::string& build = engine_build_id();
  if (!meta_.runtime_build.empty() && meta_.runtime_build != build)
    why = "recorded by engine build " + meta_.runtime_build + ", this is " +
          (build.empty() ? "an unknown build" : build);
  const Platform& here = this_platform();
  if (!meta_.arch.empty() && (meta_.arch != here.arch || meta_.cpu_features != here.cpu_features))
    why += (why.empty() ? "" : "; ") + std::string("recorded on ") +
           machine(meta_.arch, meta_.cpu_features) + ", this is " +
           machine(here.arch, here.cpu_features);
  return why;
}

ReplayEnd ReplaySession::run(const trace::ReplayOptions& opts, const Wrap& wrap) {
  Hooks hooks;
  hooks.wrap = wrap;
  return run(opts, hooks);
}

ReplayEnd ReplaySession::run(const trace::ReplayOptions& opts, const Hooks& hooks) {
  const Wrap& wrap = hooks.wrap;
  wasi::ProgramConfig program = program_;
  program.on_store = hooks.on_store;
  if (hooks.exact_tier) program.engine.exact_tier = true;
  if (hooks.exact_only) program.engine.exact_tier = program.engine.exact_only = true;
  if (hooks.profile) program.engine.exact_tier = program.engine.profile = true;
  program.on_end = hooks.on_end;
  ReplayEnd end;
  auto log = trace::LogReader::open(reg_->log_segments(meta_.id));
  if (!log) {
    end.kind = ReplayEnd::Kind::Failed;
    end.error = about(meta_.id, log.error());
    return end;
  }
  trace::ReplayOptions ropts = opts;
  const bool incomplete = meta_.status == "interrupted" || meta_.status == "killed";
  if (incomplete) ropts.end_after = log->stats().records;
  trace::Replayer replayer(*log, ropts);
  wasi::System& system = wrap ? wrap(replayer) : replayer;
  auto outcome = wasi::run_program(module_, system, program);
  end.records_replayed = replayer.replayed();

  auto diverged = [&](Error e) {
    if (meta_.status == "truncated")  // the log ends before the program did
      e.message += " (the recording stopped early: " + meta_.log_error + ")";
    end.kind = ReplayEnd::Kind::Diverged;
    end.error = std::move(e);
    return end;
  };
  // An interrupted or killed run's log just stops: reaching its end is
  // the replay's end, not a divergence.
  if (replayer.divergence() && replayer.ran_out() && incomplete) {
    end.kind = ReplayEnd::Kind::LogEnded;
    end.exit_code = meta_.exit_code;
    std::string how = meta_.status == "killed" ? "the run was killed"
                                               : "the run was interrupted by " + meta_.message;
    end.error = make_error(ErrorKind::Interrupted,
                           "the log ends at record " + std::to_string(replayer.replayed()) + " (" + how + ")");
    if (outcome && outcome->error) end.error->backtrace = outcome->error->backtrace;
    return end;
  }
  if (replayer.divergence()) {
    Error e = *replayer.divergence();
    if (outcome && outcome->error) e.backtrace = outcome->error->backtrace;
    return diverged(std::move(e));
  }
  if (!outcome) {
    end.kind = ReplayEnd::Kind::Failed;
    end.error = about(meta_.id, outcome.error());
    return end;
  }
  // The program ended: it must have consumed the whole log.
  if (!replayer.finished()) {
    Error e = *replayer.divergence();
    if (outcome->error) {  // say why it ended early (e.g. a memory it could not have)
      e.message += "; the program stopped: " + outcome->error->message;
      e.backtrace = outcome->error->backtrace;
    }
    return diverged(std::move(e));
  }
  end.exit_code = outcome->exit_code;
  end.results = std::move(outcome->results);
  if (outcome->error) {
    end.kind = ReplayEnd::Kind::Trapped;
    end.error = std::move(outcome->error);
  }
  return end;
}

}  // namespace tc::session
