// timecraft logs ID: the program's stdout and stderr, rebuilt from its log.
#include <boost/program_options.hpp>
#include <iostream>

#include "tools/cli.hpp"
#include "tools/number_option.hpp"
#include "trace/log_reader.hpp"
#include "trace/output.hpp"

namespace tc::cli {

namespace po = boost::program_options;

int cmd_logs(const Args& args);

const CommandSpec& logs_command() {
  static const CommandSpec spec = {
      "logs", "print a recorded program's stdout/stderr",
      "logs [-n N] ID",
      "Prints what a recorded program wrote to stdout and stderr, rebuilt from\n"
      "its log (fd_write on its stdout/stderr, following fd_renumber and\n"
      "fd_close); stdout goes to stdout and stderr to stderr.\n",
      {
          {"lines,n", Option::Value, "N", "only the last N lines"},
          kRegistryOption,
      },
      {{"id"}},
      "",
      cmd_logs};
  return spec;
}

int cmd_logs(const Args& args) {
  po::variables_map vm;
  if (auto stop = parse_options(logs_command(), args, vm)) return *stop;
  if (!vm.count("id")) return usage_error("logs", "no process id given");
  // A process only the remote registry has is pulled first.
  auto opened = open_process(vm["registry"].as<std::string>(), vm["id"].as<std::string>());
  if (!opened) return fail(kExitError, opened.error().message);
  auto reg = &opened->first;
  auto id = &opened->second;
  auto log = trace::LogReader::open(reg->log_segments(*id));
  if (!log) return fail(kExitError, log.error().message);
  auto out = trace::rebuild_output(*log);

  // -n N: only the last N lines (of stdout and stderr together).
  size_t skip_lines = 0;
  if (vm.count("lines")) {
    auto lines = parse_number_option("-n", vm["lines"].as<std::string>(), 0, UINT32_MAX);
    if (!lines) return usage_error("logs", lines.error().message);
    long n = long(*lines);
    size_t total = 0;
    for (const auto& c : out.chunks) total += size_t(std::count(c.bytes.begin(), c.bytes.end(), '\n'));
    bool partial = !out.chunks.empty() && !out.chunks.back().bytes.empty() &&
                   out.chunks.back().bytes.back() != '\n';
    total += partial;
    skip_lines = total > size_t(n) ? total - size_t(n) : 0;
  }
  for (const auto& c : out.chunks) {
    std::string_view b = c.bytes;
    while (skip_lines && !b.empty()) {
      auto nl = b.find('\n');
      if (nl == std::string_view::npos) { b = {}; break; }
      b.remove_prefix(nl + 1);
      --skip_lines;
    }
    (c.stream == 2 ? std::cerr : std::cout) << b;
  }
  std::cout.flush();
  if (out.problem) {
    std::cerr << "timecraft: warning: the log ends early: " << *out.problem << "\n";
    return kExitError;
  }
  return kExitOk;
}

}  // namespace tc::cli
