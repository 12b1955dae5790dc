#include <iostream>

#include "tools/cli.hpp"

#ifndef TIMECRAFT_VERSION
#define TIMECRAFT_VERSION "0.1.0"
#endif

namespace tc::cli {

namespace {

const char kRunUsage[] =
    "Usage: timecraft run [options] [--] MODULE.wasm|MODULE.wat [ARGS...]\n"
    "\n"
    "Runs a WebAssembly module in timecraft's interpreter with a WASI preview1\n"
    "host (wasi_snapshot_preview1). A command module's _start is called with\n"
    "ARGS as its arguments (argv[0] is the module's file name). A reactor is\n"
    "run with --invoke: _initialize first (if exported), then NAME.\n"
    "\n"
    "The guest sees only what it is given: no host directory, environment\n"
    "variable or socket unless an option below grants it. Paths are confined\n"
    "to the preopened directories (\"..\", absolute paths and symlinks cannot\n"
    "leave them: EPERM).\n"
    "\n"
    "Options:\n"
    "  --dir HOST[:GUEST]    preopen directory HOST, seen by the guest as GUEST\n"
    "                        (default: HOST); also HOST::GUEST. Repeatable.\n"
    "  --env NAME=VALUE      set a guest environment variable; --env NAME copies\n"
    "                        the host's value. Repeatable.\n"
    "  --inherit-env         pass the whole host environment to the guest\n"
    "  --listen ADDR:PORT    preopen a listening TCP socket for sock_accept\n"
    "                        (after the directories). Repeatable.\n"
    "  --invoke NAME         call the exported function NAME with ARGS converted\n"
    "                        to its parameter types; print its results, one per line\n"
    "  --max-call-depth N    trap with \"call stack exhausted\" beyond N frames\n"
    "                        (default 10000)\n"
    "  --max-memory-pages N  cap every memory at N 64 KiB pages (default 65536)\n"
    "  -h, --help            this help\n"
    "\n"
    "Examples:\n"
    "  timecraft run --dir .:/ --env HOME=/ app.wasm input.txt\n"
    "  timecraft run --invoke fac examples/fac.wat 20\n"
    "\n"
    "Exit status: the guest's exit status (proc_exit, or 0 when _start returns);\n"
    "1 if the module cannot be loaded or linked, 2 for a usage error, 134 if the\n"
    "program trapped (the trap message and a WebAssembly backtrace, with names\n"
    "from the name section, go to stderr).\n";

const char kWastUsage[] =
    "Usage: timecraft wast [options] PATH...\n"
    "\n"
    "Runs WebAssembly spec test scripts (.wast files, or directories of them)\n"
    "and prints one line per file and the totals over all commands:\n"
    "  N passed, N failed, N skipped\n"
    "\n"
    "Options:\n"
    "  --expectations FILE   accepted deviations: 'skip GLOB reason' and\n"
    "                        'fail FILE:LINE reason' lines\n"
    "  -v, --verbose         also print passing files and accepted failures\n"
    "  --max-call-depth N    call depth for assert_exhaustion (default 10000)\n"
    "\n"
    "Example:\n"
    "  timecraft wast ../shared/spec-testsuite/wasm-2.0/i32.wast\n";

const char kHelpUsage[] = "Usage: timecraft help [COMMAND]\n";
const char kVersionUsage[] = "Usage: timecraft version\n";

}  // namespace

const std::vector<Command>& commands() {
  static const std::vector<Command> table = {
      {"run", "run a WebAssembly module", kRunUsage, cmd_run},
      {"wast", "run WebAssembly spec test scripts", kWastUsage, cmd_wast},
      {"version", "print the version", kVersionUsage, cmd_version},
      {"help", "show help for a command", kHelpUsage, cmd_help},
  };
  return table;
}

const Command* find_command(const std::string& name) {
  for (const auto& c : commands())
    if (name == c.name) return &c;
  return nullptr;
}

int cmd_version(const Args&) {
  std::cout << "timecraft " << TIMECRAFT_VERSION << "\n";
  return kExitOk;
}

int cmd_help(const Args& args) {
  if (!args.empty()) {
    const Command* c = find_command(args[0]);
    if (!c) {
      std::vector<std::string> names;
      for (const auto& x : commands()) names.push_back(x.name);
      std::cerr << "timecraft help: unknown command \"" << args[0] << "\"";
      auto near = closest(args[0], names);
      if (!near.empty()) std::cerr << "; did you mean \"" << near << "\"?";
      std::cerr << "\n";
      return kExitUsage;
    }
    std::cout << c->usage;
    return kExitOk;
  }
  std::cout << "timecraft - a WebAssembly runtime that records and replays\n\n"
               "Usage: timecraft COMMAND [options] [args]\n\nCommands:\n";
  for (const auto& c : commands()) {
    std::string n = c.name;
    n.resize(10, ' ');
    std::cout << "  " << n << c.summary << "\n";
  }
  std::cout << "\nRun 'timecraft help COMMAND' for a command's options.\n";
  return kExitOk;
}

}  // namespace tc::cli
