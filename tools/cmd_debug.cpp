// timecraft debug ID: the time-travel debugger over a recorded process
// (debug/tcdb). Commands come from -x files, then from the terminal (line
// editing, history, completion) or, when stdin is not a terminal or with
// --batch, from stdin; the session ends at quit or the end of input.
// --timing: the wall time of the start-up and of each command, on stderr
// (bench/debug.sh).
#include <signal.h>
#include <unistd.h>

#include <boost/program_options.hpp>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>

#include "debug/tcdb/debugger.hpp"
#include "tools/cli.hpp"
#include "tools/debug_listen.hpp"
#include "tools/line_input.hpp"
#include "tools/number_option.hpp"

namespace tc::cli {

namespace po = boost::program_options;

namespace {

debug::Debugger* g_debugger = nullptr;

void on_sigint(int) {
  if (g_debugger) g_debugger->interrupt();
}

std::string history_file() {
  if (const char* h = std::getenv("TIMECRAFT_DEBUG_HISTORY")) return h;
  const char* home = std::getenv("HOME");
  return home ? std::string(home) + "/.timecraft_debug_history" : "";
}

}  // namespace

int cmd_debug(const Args& args);

const CommandSpec& debug_command() {
  static const CommandSpec spec = {
      "debug", "debug a recorded process: stop anywhere, step forwards and backwards",
      "debug [-x FILE]... [--batch] [--echo] [--timing] [-d DIR]... ID\n"
      "debug --listen ADDR:PORT ID",
      "Replays a recorded process under a time-travel debugger with gdb's\n"
      "commands (help lists them): breakpoints at functions, FILE:LINE or\n"
      "*OFFSET, watchpoints, step/next/finish/until, and their reverse-*\n"
      "forms; print, x, bt, info locals/args/frame/record/position; goto\n"
      "record N (just before host call N, numbered as `timecraft trace`).\n"
      "Source-level with DWARF (clang -g, rustc -g), else at the WebAssembly\n"
      "level with name-section names. Nothing touches the system: every host\n"
      "call is answered from the log, so each session is reproducible.\n"
      "With --listen, serves the GDB remote protocol instead (LLDB's\n"
      "WebAssembly dialect, reverse bc/bs too): `lldb x.wasm -o 'gdb-remote\n"
      "127.0.0.1:1234'`. One client; the session ends when it detaches or\n"
      "disconnects.\n",
      {
          {"command,x", Option::List, "FILE", "run the commands in FILE first"},
          {"batch", Option::Flag, "",
           "exit after the -x files (commands also come from stdin\n"
           "when it is not a terminal); status 1 if the last command failed"},
          {"echo", Option::Flag, "", "print each scripted command after the prompt"},
          {"timing", Option::Flag, "",
           "print the wall time of start-up and of each scripted\ncommand on stderr (timing: SECONDS s: COMMAND)"},
          {"directory,d", Option::List, "DIR", "look for source files in DIR too"},
          {"checkpoint-interval", Option::Value, "N", "instructions between automatic checkpoints (20000000)"},
          {"listen", Option::Value, "ADDR:PORT",
           "serve the GDB remote protocol on ADDR:PORT (e.g. 127.0.0.1:1234;\n"
           "port 0 picks one) and print \"listening on ADDR:PORT\" on stderr"},
          kRegistryOption,
      },
      {{"id"}},
      "",
      cmd_debug};
  return spec;
}

int cmd_debug(const Args& args) {
  po::variables_map vm;
  if (auto stop = parse_options(debug_command(), args, vm)) return *stop;
  if (!vm.count("id")) return usage_error("debug", "no process id given");
  debug::DebuggerOptions opts;
  if (vm.count("directory")) opts.source_dirs = vm["directory"].as<std::vector<std::string>>();
  if (vm.count("checkpoint-interval")) {
    auto n = parse_number_option("--checkpoint-interval", vm["checkpoint-interval"].as<std::string>(), 1000, UINT64_MAX);
    if (!n) return usage_error("debug", n.error().message);
    opts.checkpoint_interval = *n;
  }
  if (vm.count("listen")) {
    std::string spec = vm["listen"].as<std::string>();
    if (auto ok = check_listen_option(spec); !ok) return usage_error("debug", ok.error().message);
    if (vm.count("command") || vm.count("batch") || vm.count("echo") || vm.count("timing"))
      return usage_error("debug", "--listen serves a remote debugger: no -x, --batch, --echo or --timing with it");
    // A process only the remote registry has is pulled first, as below.
    auto opened = open_process(vm["registry"].as<std::string>(), vm["id"].as<std::string>());
    if (!opened) return fail(kExitError, opened.error().message);
    return debug_listen(opened->first, opened->second, spec, opts.checkpoint_interval);
  }
  std::vector<std::string> scripts;
  if (vm.count("command")) scripts = vm["command"].as<std::vector<std::string>>();
  std::vector<std::ifstream> files;
  for (const auto& s : scripts) {
    files.emplace_back(s);
    if (!files.back()) return fail(kExitError, "cannot read " + s + ": no such file or not readable");
  }

  using Clock = std::chrono::steady_clock;
  const bool timing = vm.count("timing") > 0;
  auto t0 = Clock::now();
  auto timed = [&](const std::string& what) {  // the time since t0, then t0 = now
    auto t1 = Clock::now();
    if (timing) std::fprintf(stderr, "timing: %.6f s: %s\n", std::chrono::duration<double>(t1 - t0).count(), what.c_str());
    t0 = t1;
  };
  // A process only the remote registry has is pulled first.
  auto opened = open_process(vm["registry"].as<std::string>(), vm["id"].as<std::string>());
  if (!opened) return fail(kExitError, opened.error().message);
  auto reg = &opened->first;
  auto d = debug::Debugger::open(*reg, opened->second, opts, stdout);
  if (!d) return fail(kExitError, d.error().message);
  g_debugger = d->get();
  struct sigaction sa{};
  sa.sa_handler = on_sigint;
  sa.sa_flags = SA_RESTART;
  sigaction(SIGINT, &sa, nullptr);

  const bool echo = vm.count("echo") > 0;
  const std::string prompt = "(tcdb) ";
  (*d)->banner();
  std::fflush(stdout);
  timed("(start)");
  bool go_on = true, failed = false;
  auto run = [&](const std::string& line) {
    if (echo) std::printf("%s%s\n", prompt.c_str(), line.c_str());
    t0 = Clock::now();
    go_on = (*d)->execute(line);
    failed = (*d)->last_failed();
    timed(line);
  };
  for (auto& f : files) {
    std::string line;
    while (go_on && std::getline(f, line)) run(line);
  }
  const bool batch = vm.count("batch") || !::isatty(0);
  if (go_on && !(batch && !files.empty() && vm.count("batch"))) {
    std::unique_ptr<LineInput> in;
    if (batch) in = LineInput::stream(std::cin, false);
    else in = LineInput::terminal([&](const std::string& l) { return (*d)->complete(l); }, history_file());
    while (go_on) {
      std::fflush(stdout);
      auto line = in->read(prompt);
      if (!line) break;
      if (batch) run(*line);
      else {
        go_on = (*d)->execute(*line);
        failed = (*d)->last_failed();
      }
    }
  }
  std::fflush(stdout);
  g_debugger = nullptr;
  t0 = Clock::now();
  d->reset();
  timed("(end)");
  return batch && failed ? 1 : 0;
}

}  // namespace tc::cli
