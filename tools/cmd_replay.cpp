// timecraft replay ID: re-execute a recorded process against its log. No
// system call is made on the guest's behalf; the program's stdout/stderr
// are echoed from the log; a divergence stops with exit status 3.
#include <boost/program_options.hpp>
#include <iostream>

#include "session/replay.hpp"
#include "session/value_parse.hpp"
#include "wasi/abi.hpp"
#include "tools/cli.hpp"
#include "tools/format.hpp"
#include "tools/trace_option.hpp"

namespace tc::cli {

namespace po = boost::program_options;
using namespace tc::wasm;

int cmd_replay(const Args& args);

const CommandSpec& replay_command() {
  static const CommandSpec spec = {
      "replay", "re-execute a recorded process from its log",
      "replay [-q] [-T] [--trace-file FILE] [--module FILE] [--registry DIR] ID",
      "Re-executes a recorded process: the stored module runs again and every\n"
      "host call is answered from the log, with no real system call (no file,\n"
      "socket, clock or random source is touched). What the program wrote to\n"
      "stdout/stderr is written again. ID is a process id or a unique prefix.\n"
      "\n"
      "If the program does not make the recorded call with the recorded inputs\n"
      "(same call, fds, offsets, flags, paths, bytes written, buffer shapes) the\n"
      "replay stops with an error naming the record, the recorded call and the\n"
      "observed one.\n"
      "\n"
      "With --module, another build of the program (e.g. with a fix) runs\n"
      "against the log instead of the recorded module: either it follows the\n"
      "log to its end (\"follows the log to its end\" on stderr), or the replay\n"
      "shows where it leaves the recorded path, as above, with file:line from\n"
      "that build's DWARF.\n"
      "\n"
      "With -T each host call is printed as the replay consumes its record,\n"
      "the line `timecraft trace` prints for it (the recorded time included),\n"
      "so a replay's trace is the run's.\n",
      {
          {"quiet,q", Option::Flag, "", "do not write the program's output again"},
          kTraceOption,
          kTraceFileOption,
          {"module", Option::Value, "FILE", "replay this build (.wasm or .wat) instead of the recorded one"},
          kRegistryOption,
      },
      {{"id"}},
      "A run that was interrupted (SIGINT/SIGTERM) or killed replays as far as\n"
      "its log goes: \"the log ends at record N (the run was killed)\".\n"
      "\n"
      "Exit status: the recorded program's exit status; 3 if the replay\n"
      "diverged from the log; 134 if the program trapped (as it did when run);\n"
      "for an interrupted run 128 + the signal (as when run), for a killed\n"
      "one 4.\n",
      cmd_replay};
  return spec;
}

int cmd_replay(const Args& args) {
  po::variables_map vm;
  if (auto stop = parse_options(replay_command(), args, vm)) return *stop;
  if (!vm.count("id")) return usage_error("replay", "no process id given");

  // A process only the remote registry has is pulled first.
  auto opened = open_process(vm["registry"].as<std::string>(), vm["id"].as<std::string>());
  if (!opened) return fail(kExitError, opened.error().message);
  auto reg = &opened->first;
  std::shared_ptr<const wasm::Module> other;
  std::string other_path;
  if (vm.count("module")) {
    other_path = vm["module"].as<std::string>();
    auto m = load_module_file(other_path);
    if (!m) return fail(kExitError, m.error().to_string());
    if (auto linkable = wasi::check_linkable(**m); !linkable)
      return fail(kExitError, other_path + ": " + linkable.error().message);
    other = *m;
  }
  auto live = open_live_trace(vm);
  if (!live) return fail(kExitError, live.error().message);
  auto session = session::ReplaySession::open(*reg, opened->second, other);
  if (!session) return fail(kExitError, session.error().message);
  if (auto why = (*session)->platform_differences(); !why.empty())
    std::cerr << "timecraft: warning: " << why
              << ": results may differ (NaN bit patterns, relaxed SIMD)\n";

  trace::ReplayOptions ropts;
  ropts.echo = !vm.count("quiet");
  if (*live) ropts.on_record = (*live)->hook();
  session::ReplayEnd end = (*session)->run(ropts);
  warn_if_trace_failed(live->get());
  std::cout.flush();
  switch (end.kind) {
    case session::ReplayEnd::Kind::Failed:
      return fail(kExitError, end.error->message);
    case session::ReplayEnd::Kind::Diverged: {
      const Error& e = *end.error;
      std::vector<TraceFrame> frames = e.backtrace;
      add_source_locations(frames, *(*session)->module());
      std::cerr << "timecraft: " << e.message << "\n" << format_backtrace(frames);
      return kExitDivergence;
    }
    case session::ReplayEnd::Kind::Trapped: {
      const Error& e = *end.error;
      if (e.kind == ErrorKind::Trap || e.kind == ErrorKind::Exhaustion || e.kind == ErrorKind::Exception)
        return report_trap(e, (*session)->module().get());
      return fail(kExitError, e.to_string());
    }
    case session::ReplayEnd::Kind::LogEnded:  // as far as the run got
      std::cerr << "timecraft: " << end.error->message << "\n";
      return (*session)->meta().status == "killed" ? kExitLogEnded : end.exit_code;
    case session::ReplayEnd::Kind::Exited:
      break;
  }
  if (other)
    std::cerr << "timecraft: " << other_path << " follows the log of process " << (*session)->id()
              << " to its end (" << end.records_replayed << " records)\n";
  for (const auto& v : end.results) std::cout << session::format_value(v) << "\n";
  return end.exit_code;
}

}  // namespace tc::cli
