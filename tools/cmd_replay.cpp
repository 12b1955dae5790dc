// timecraft replay ID: re-execute a recorded process against its log. No
// system call is made on the guest's behalf; the program's stdout/stderr
// are echoed from the log; a divergence stops with exit status 3.
#include <boost/program_options.hpp>
#include <iostream>

#include "tools/cli.hpp"
#include "tools/recorded.hpp"
#include "tools/value_parse.hpp"
#include "trace/log_reader.hpp"
#include "trace/replayer.hpp"
#include "wasi/program.hpp"

namespace tc::cli {

namespace po = boost::program_options;
using namespace tc::wasm;

int cmd_replay(const Args& args) {
  po::options_description desc;
  desc.add_options()
      ("quiet,q", "")
      ("registry", po::value<std::string>()->default_value(""), "")
      ("id", po::value<std::string>(), "");
  po::positional_options_description pos;
  pos.add("id", 1);
  po::variables_map vm;
  if (auto stop = parse_options("replay", args, desc, &pos, vm)) return *stop;
  if (!vm.count("id")) return usage_error("replay", "no process id given");

  auto reg = open_registry(vm["registry"].as<std::string>());
  if (!reg) return fail(kExitError, reg.error().to_string());
  auto proc = load_process(*reg, vm["id"].as<std::string>());
  if (!proc) return fail(kExitError, proc.error().message);
  auto rerun = prepare_rerun(*reg, *proc);
  if (!rerun) return fail(kExitError, rerun.error().message);
  if (auto why = rerun_differences(proc->meta); !why.empty())
    std::cerr << "timecraft: warning: " << why
              << ": results may differ (NaN bit patterns, relaxed SIMD)\n";
  const std::string& id = proc->id;
  auto log = trace::LogReader::open(reg->log_dir(id));
  if (!log) return fail(kExitError, "process " + id + ": " + log.error().message);

  trace::ReplayOptions ropts;
  ropts.echo = !vm.count("quiet");
  trace::Replayer replayer(*log, ropts);
  auto outcome = wasi::run_program(rerun->module, replayer, rerun->config);
  std::cout.flush();

  auto diverged = [&](const Error& e) {
    std::cerr << "timecraft: " << e.message;
    if (proc->meta.status == "truncated")  // the log ends before the program did
      std::cerr << " (the recording stopped early: " << proc->meta.log_error << ")";
    std::cerr << "\n";
    if (!e.backtrace.empty()) {
      std::cerr << "wasm backtrace:\n";
      for (size_t i = 0; i < e.backtrace.size(); ++i)
        std::cerr << "  " << i << ": " << e.backtrace[i] << "\n";
    }
    return kExitDivergence;
  };
  if (replayer.divergence()) {
    Error e = *replayer.divergence();
    if (outcome && outcome->error) e.backtrace = outcome->error->backtrace;
    return diverged(e);
  }
  if (!outcome) return fail(kExitError, "process " + id + ": " + outcome.error().message);
  // The program ended: it must have consumed the whole log.
  if (!replayer.finished()) {
    Error e = *replayer.divergence();
    if (outcome->error) {  // say why it ended early (e.g. a memory it could not have)
      e.message += "; the program stopped: " + outcome->error->message;
      e.backtrace = outcome->error->backtrace;
    }
    return diverged(e);
  }
  if (outcome->error) {
    const Error& e = *outcome->error;
    if (e.kind == ErrorKind::Trap || e.kind == ErrorKind::Exhaustion) return report_trap(e);
    return fail(kExitError, e.to_string());
  }
  for (const auto& v : outcome->results) std::cout << format_value(v) << "\n";
  return outcome->exit_code;
}

}  // namespace tc::cli
