// timecraft replay ID: re-execute a recorded process against its log. No
// system call is made on the guest's behalf; the program's stdout/stderr
// are echoed from the log; a divergence stops with exit status 3.
#include <boost/program_options.hpp>
#include <iostream>

#include "registry/process_meta.hpp"
#include "tools/cli.hpp"
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
      ("help,h", "")
      ("quiet,q", "")
      ("registry", po::value<std::string>()->default_value(""), "")
      ("id", po::value<std::string>(), "");
  po::positional_options_description pos;
  pos.add("id", 1);
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(args).options(desc).positional(pos).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    return usage_error("replay", e.what());
  }
  if (vm.count("help")) return cmd_help({"replay"});
  if (!vm.count("id")) return usage_error("replay", "no process id given");

  auto reg = open_registry(vm["registry"].as<std::string>());
  if (!reg) return fail(kExitError, reg.error().to_string());
  auto id = reg->resolve(registry::ObjectKind::Process, vm["id"].as<std::string>());
  if (!id) return fail(kExitError, id.error().message);
  auto text = reg->read_process_meta(*id);
  if (!text) return fail(kExitError, "process " + *id + ": " + text.error().message);
  auto meta = registry::process_meta_from_json(*text);
  if (!meta) return fail(kExitError, "process " + *id + ": " + meta.error().message);
  auto bytes = reg->read_module(meta->module_digest);
  if (!bytes) return fail(kExitError, "process " + *id + ": " + bytes.error().message);
  auto mod = load_module(std::move(*bytes));
  if (!mod) return fail(kExitError, "process " + *id + ": stored module: " + mod.error().to_string());
  auto log = trace::LogReader::open(reg->log_dir(*id));
  if (!log) return fail(kExitError, "process " + *id + ": " + log.error().message);

  wasi::ProgramConfig pcfg;
  pcfg.engine.max_call_depth = meta->max_call_depth;
  pcfg.engine.max_memory_pages = meta->max_memory_pages;
  if (meta->invoke) {
    pcfg.invoke = meta->invoke;
    const Module& m = **mod;
    for (const auto& e : m.exports) {
      if (e.kind != ExternKind::Func || e.name != *meta->invoke) continue;
      const FuncType& ft = m.func_type(e.index);
      for (size_t i = 0; i < ft.params.size() && i < meta->invoke_args.size(); ++i)
        if (auto v = parse_value(meta->invoke_args[i], ft.params[i])) pcfg.invoke_args.push_back(*v);
    }
  }

  trace::ReplayOptions ropts;
  ropts.echo = !vm.count("quiet");
  trace::Replayer replayer(*log, ropts);
  auto outcome = wasi::run_program(*mod, replayer, pcfg);
  std::cout.flush();

  auto diverged = [&](const Error& e) {
    std::cerr << "timecraft: " << e.message << "\n";
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
  if (!outcome) return fail(kExitError, "process " + *id + ": " + outcome.error().message);
  // The program ended: it must have consumed the whole log.
  if (!replayer.finished()) return diverged(*replayer.divergence());
  if (outcome->error) {
    const Error& e = *outcome->error;
    if (e.kind == ErrorKind::Trap || e.kind == ErrorKind::Exhaustion) return report_trap(e);
    return fail(kExitError, e.to_string());
  }
  for (const auto& v : outcome->results) std::cout << format_value(v) << "\n";
  return outcome->exit_code;
}

}  // namespace tc::cli
