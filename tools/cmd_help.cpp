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
    "  --fuel N              stop with \"fuel exhausted\" after N units (one per\n"
    "                        function call and per loop iteration; 0 = no limit);\n"
    "                        only with --no-record (usage error otherwise)\n"
    "  --no-record, --fly-blind\n"
    "                        do not record (no registry entry, no process id)\n"
    "  --record-batch-size N records per compressed log batch (default 4096,\n"
    "                        or log.batch-size in the config file)\n"
    "  --registry DIR        registry location (default $TIMECRAFT_REGISTRY,\n"
    "                        the config file's registry.root, or ~/.timecraft)\n"
    "  -h, --help            this help\n"
    "\n"
    "Every run is recorded: the module and the log of every host call go into\n"
    "the registry, and the first line on stderr is the process id, for\n"
    "`timecraft replay ID`, `logs`, `trace` and `describe process`.\n"
    "\n"
    "Examples:\n"
    "  timecraft run --dir .:/ --env HOME=/ app.wasm input.txt\n"
    "  timecraft run --no-record --invoke fac examples/fac.wat 20\n"
    "\n"
    "Exit status: the guest's exit status (proc_exit, or 0 when _start returns);\n"
    "1 if the module cannot be loaded or linked, 2 for a usage error, 134 if the\n"
    "program trapped (the trap message and a WebAssembly backtrace, with names\n"
    "from the name section, go to stderr).\n"
    "\n"
    "If the log cannot be written (e.g. the disk is full) recording stops, the\n"
    "program runs on, a warning names the last record kept, and the process's\n"
    "status is \"truncated\"; the exit status is still the program's. If even\n"
    "the end of the run cannot be stored, the exit status is 1.\n"
    "The module file may be at most module.max-size (config; default 1GiB).\n";

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
    "  --check-counts        run with the debugger's counted tiers, and fail a\n"
    "                        command whose instruction count differs from the\n"
    "                        exact code's (TIMECRAFT_TIER=switch also moves\n"
    "                        frames between the tiers every few instructions)\n"
    "\n"
    "Example:\n"
    "  timecraft wast ../shared/spec-testsuite/wasm-2.0/i32.wast\n";

const char kReplayUsage[] =
    "Usage: timecraft replay [-q] [--registry DIR] ID\n"
    "\n"
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
    "Options:\n"
    "  -q, --quiet     do not write the program's output again\n"
    "\n"
    "Exit status: the recorded program's exit status; 3 if the replay\n"
    "diverged from the log; 134 if the program trapped (as it did when run).\n";

const char kDebugUsage[] =
    "Usage: timecraft debug [-x FILE]... [--batch] [--echo] [--timing] [-d DIR]... ID\n"
    "\n"
    "Replays a recorded process under a time-travel debugger with gdb's\n"
    "commands (help lists them): breakpoints at functions, FILE:LINE or\n"
    "*OFFSET, watchpoints, step/next/finish/until, and their reverse-*\n"
    "forms; print, x, bt, info locals/args/frame/record/position; goto\n"
    "record N (just before host call N, numbered as `timecraft trace`).\n"
    "Source-level with DWARF (clang -g, rustc -g), else at the WebAssembly\n"
    "level with name-section names. Nothing touches the system: every host\n"
    "call is answered from the log, so each session is reproducible.\n"
    "\n"
    "Options:\n"
    "  -x, --command FILE    run the commands in FILE first\n"
    "  --batch               exit after the -x files (commands also come from stdin\n"
    "                        when it is not a terminal); status 1 if the last command failed\n"
    "  --echo                print each scripted command after the prompt\n"
    "  --timing              print the wall time of start-up and of each scripted\n"
    "                        command on stderr (timing: SECONDS s: COMMAND)\n"
    "  -d, --directory DIR   look for source files in DIR too\n"
    "  --checkpoint-interval N  instructions between automatic checkpoints (20000000)\n";

const char kGetUsage[] =
    "Usage: timecraft get [TYPE] [-o text|json|yaml] [-q]\n"
    "\n"
    "Lists the resources of a type, newest first; without TYPE lists the types.\n"
    "  process (processes, proc, ps)   PROCESS ID, START, STATUS, SIZE (of the log)\n"
    "  module (modules, mod)           MODULE ID (sha256, 12 digits), NAME, SIZE\n"
    "  profile (profiles, prof)        PROFILE ID, PROCESS ID, TYPE, START, DURATION, SIZE\n"
    "  config (cfg)                    the effective configuration\n"
    "\n"
    "Options:\n"
    "  -o, --output F  text (a table), json or yaml\n"
    "  -q, --quiet     only the ids, one per line\n"
    "  --registry DIR  registry location\n"
    "\n"
    "Example:\n"
    "  timecraft get ps\n";

const char kDescribeUsage[] =
    "Usage: timecraft describe process|module|profile ID [-v] [-o text|json|yaml]\n"
    "\n"
    "process: id, start, runtime, status, module, args, env (with -v), limits,\n"
    "and the log: records, batches, segments, compressed/uncompressed sizes and\n"
    "ratio, a per-segment table (per-batch with -v), any torn tail.\n"
    "Status: running (no end recorded: still running, or killed), exited (code),\n"
    "trapped, failed, or truncated (the program ended with that code, but\n"
    "recording stopped early, e.g. on a full disk: the log holds the records\n"
    "before that point, and `Log error` says why).\n"
    "module: digest, name, size, imports and exports with their types in WAT\n"
    "form, memories and tables.\n"
    "profile: id, process, type, start, duration, size, instructions and the\n"
    "top functions.\n";

const char kExportUsage[] =
    "Usage: timecraft export module|process|log|profile ID FILE|-\n"
    "\n"
    "Writes a resource to FILE or to stdout (-):\n"
    "  module   the module's exact bytes\n"
    "  process  the process metadata (JSON)\n"
    "  log      the log: its segment files back to back\n"
    "  profile  a profile in pprof's format (go tool pprof FILE)\n"
    "\n"
    "A new FILE or a regular one is written atomically (a temporary file renamed\n"
    "over it: readers see the old or the new content). A device, FIFO or socket\n"
    "is opened and written in place, as a shell redirection would: it stays\n"
    "what it is, and a write error (e.g. ENOSPC on /dev/full) is reported.\n"
    "/dev/stdout and /dev/stderr are timecraft's own. A symbolic link is\n"
    "followed: a link to a regular file keeps the link and replaces the target\n"
    "atomically; a link to a device or FIFO is written through; a link to a\n"
    "missing file is refused (nothing is created).\n"
    "\n"
    "Exit status: 0, or 1 with one line on stderr if the resource or FILE\n"
    "cannot be read or written.\n";

const char kLogsUsage[] =
    "Usage: timecraft logs [-n N] ID\n"
    "\n"
    "Prints what a recorded program wrote to stdout and stderr, rebuilt from\n"
    "its log (fd_write on its stdout/stderr, following fd_renumber and\n"
    "fd_close); stdout goes to stdout and stderr to stderr.\n"
    "  -n, --lines N   only the last N lines\n";

const char kTraceUsage[] =
    "Usage: timecraft trace [-o text|json|yaml] ID\n"
    "\n"
    "Prints every recorded host call: record index, time since the start (s),\n"
    "the call with its inputs, the errno, its outputs and the bytes it wrote\n"
    "into guest memory.\n";

const char kConfigUsage[] =
    "Usage: timecraft config [--edit]\n"
    "\n"
    "Shows the configuration ($TIMECRAFT_CONFIG, else ~/.timecraft/config.yaml);\n"
    "--edit opens it in $VISUAL/$EDITOR and saves it only if it is valid.\n"
    "  registry.root     registry location (default ~/.timecraft)\n"
    "  log.batch-size    records per compressed batch (default 4096)\n"
    "  log.segment-size  roll over to a new segment past this (default 64MiB)\n"
    "  log.compression   zlib or none\n"
    "  module.max-size   `run` refuses a larger module file (default 1GiB)\n"
    "Sizes take a unit: B, KiB, MiB, GiB, TiB (or K, M, G, T).\n";

const char kProfileUsage[] =
    "Usage: timecraft profile [options] ID\n"
    "\n"
    "An exact profile of a recorded run, from one replay (no side effects; the\n"
    "same counts every time): per function the WebAssembly instructions it\n"
    "executed itself (SELF) and with its callees (TOTAL), its calls and its\n"
    "time. Host calls show as functions of their own, under their callers.\n"
    "\n"
    "Options:\n"
    "  -n, --top N               rows to show (default 20)\n"
    "  --lines                   per source line instead (needs DWARF: clang -g)\n"
    "  --export cpu:FILE         write pprof's format (go tool pprof FILE)\n"
    "  --flamegraph FILE.svg     write an interactive flame graph\n"
    "  --folded                  print folded stacks (flamegraph.pl, speedscope)\n"
    "  --metric instructions|time  what the flame graph and folded stacks count\n"
    "  --calls                   instead: per WASI call the count, errors, bytes\n"
    "                            in and out (from the log) and the replay's time\n"
    "                            split between WebAssembly and host calls\n"
    "  -o text|json|yaml         output format\n";

const char kHelpUsage[] = "Usage: timecraft help [COMMAND]\n";
const char kVersionUsage[] = "Usage: timecraft version\n";

}  // namespace

const std::vector<Command>& commands() {
  static const std::vector<Command> table = {
      {"run", "run a WebAssembly module", kRunUsage, cmd_run},
      {"replay", "re-execute a recorded process from its log", kReplayUsage, cmd_replay},
      {"debug", "debug a recorded process: stop anywhere, step forwards and backwards", kDebugUsage, cmd_debug},
      {"get", "list processes, modules, profiles or the configuration", kGetUsage, cmd_get},
      {"describe", "show one process, module or profile in detail", kDescribeUsage, cmd_describe},
      {"export", "write a module, process metadata, log or profile to a file", kExportUsage, cmd_export},
      {"logs", "print a recorded program's stdout/stderr", kLogsUsage, cmd_logs},
      {"trace", "print every recorded host call", kTraceUsage, cmd_trace},
      {"profile", "exact profile of a recorded run: functions, lines, pprof, flame graph", kProfileUsage, cmd_profile},
      {"config", "show or edit the configuration", kConfigUsage, cmd_config},
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
