// timecraft replay ID: re-execute a recorded process against its log. No
// system call is made on the guest's behalf; the program's stdout/stderr
// are echoed from the log; a divergence stops with exit status 3.
#include <boost/program_options.hpp>
#include <iostream>

#include "session/replay.hpp"
#include "session/value_parse.hpp"
#include "tools/cli.hpp"
#include "tools/format.hpp"

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
  auto session = session::ReplaySession::open(*reg, vm["id"].as<std::string>());
  if (!session) return fail(kExitError, session.error().message);
  if (auto why = (*session)->platform_differences(); !why.empty())
    std::cerr << "timecraft: warning: " << why
              << ": results may differ (NaN bit patterns, relaxed SIMD)\n";

  trace::ReplayOptions ropts;
  ropts.echo = !vm.count("quiet");
  session::ReplayEnd end = (*session)->run(ropts);
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
      if (e.kind == ErrorKind::Trap || e.kind == ErrorKind::Exhaustion) return report_trap(e, (*session)->module().get());
      return fail(kExitError, e.to_string());
    }
    case session::ReplayEnd::Kind::Exited:
      break;
  }
  for (const auto& v : end.results) std::cout << session::format_value(v) << "\n";
  return end.exit_code;
}

}  // namespace tc::cli
