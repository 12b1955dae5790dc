// timecraft run: load a module, link WASI, run it, and record every host
// call into the registry (unless --no-record). Exit status: the guest's.
#include <boost/program_options.hpp>
#include <atomic>
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <random>

#include "registry/config.hpp"
#include "registry/remote.hpp"
#include "registry/sha256.hpp"
#include "session/build_id.hpp"
#include "session/recording.hpp"
#include "session/value_parse.hpp"
#include "tools/cli.hpp"
#include "tools/number_option.hpp"
#include "tools/trace_option.hpp"
#include "trace/recorder.hpp"
#include "wasi/abi.hpp"
#include "wasi/chaos_system.hpp"
#include "wasi/posix_system.hpp"
#include "wasi/program.hpp"

#ifndef TIMECRAFT_VERSION
#define TIMECRAFT_VERSION "0.1.0"
#endif

extern char** environ;

namespace tc::cli {

namespace po = boost::program_options;
using namespace tc::wasm;

namespace {

// --dir HOST, HOST:GUEST or HOST::GUEST (wasmtime's spelling).
wasi::PosixConfig::Dir parse_dir(const std::string& spec) {
  auto dd = spec.find("::");
  if (dd != std::string::npos) return {spec.substr(0, dd), spec.substr(dd + 2)};
  auto c = spec.rfind(':');
  if (c != std::string::npos && c > 0) return {spec.substr(0, c), spec.substr(c + 1)};
  return {spec, spec};
}

std::string base_name(const std::string& path) {
  auto s = path.find_last_of('/');
  return s == std::string::npos ? path : path.substr(s + 1);
}

// SIGINT/SIGTERM during a recorded run: the first one asks the run to stop
// cleanly (RecordingSpec::interrupt); a second one kills as usual (the
// log is still readable up to its last whole batch: the run shows as killed).
std::atomic<int> g_stop_signal{0};

void on_stop_signal(int sig) {
  if (g_stop_signal.load() != 0) {
    std::signal(sig, SIG_DFL);
    std::raise(sig);
    return;
  }
  g_stop_signal.store(sig);
}

void catch_stop_signals() {
  struct sigaction sa {};
  sa.sa_handler = on_stop_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;  // no SA_RESTART: a blocked read or poll returns EINTR
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

// The end of a run as an exit status (printing traps and failures).
int exit_status(const Expected<wasi::ProgramOutcome>& r, const std::string& path,
                const wasm::Module& module) {
  if (!r) return fail(kExitError, path + ": " + r.error().message);
  if (r->error) {
    const Error& e = *r->error;
    if (e.kind == ErrorKind::Trap || e.kind == ErrorKind::Exhaustion || e.kind == ErrorKind::Exception)
        return report_trap(e, &module);
    return fail(kExitError, e.to_string());
  }
  for (const auto& v : r->results) std::cout << session::format_value(v) << "\n";
  return r->exit_code;
}

// --chaotic RATE [--chaos-seed N] [--chaos KINDS]; nullopt without --chaotic.
Expected<std::optional<wasi::ChaosConfig>> chaos_options(const po::variables_map& vm) {
  if (!vm.count("chaotic")) {
    if (vm.count("chaos-seed") || vm.count("chaos"))
      return make_error(ErrorKind::Usage, "--chaos-seed and --chaos need --chaotic RATE");
    return std::optional<wasi::ChaosConfig>();
  }
  wasi::ChaosConfig c;
  auto rate = wasi::parse_chaos_rate(vm["chaotic"].as<std::string>());
  if (!rate) return rate.error();
  c.rate = *rate;
  if (vm.count("chaos-seed")) {
    auto seed = parse_number_option("--chaos-seed", vm["chaos-seed"].as<std::string>(), 0, UINT64_MAX);
    if (!seed) return seed.error();
    c.seed = *seed;
  } else {
    std::random_device rd;
    c.seed = uint64_t(rd()) << 32 | rd();
  }
  if (vm.count("chaos")) {
    auto kinds = wasi::parse_chaos_kinds(vm["chaos"].as<std::string>());
    if (!kinds) return kinds.error();
    c.kinds = *kinds;
  }
  return std::optional<wasi::ChaosConfig>(c);
}

// "timecraft: chaos: rate 0.1, seed 42, faults io,short" on stderr: the
// seed to run the same chaos again.
void print_chaos(const wasi::ChaosConfig& c, const std::string& rate) {
  std::string kinds;
  for (const auto& k : wasi::chaos_kind_names(c.kinds)) kinds += (kinds.empty() ? "" : ",") + k;
  std::cerr << "timecraft: chaos: rate " << rate << ", seed " << c.seed << ", faults " << kinds
            << std::endl;
}

}  // namespace

int cmd_run(const Args& args);

const CommandSpec& run_command() {
  static const CommandSpec spec = {
      "run", "run a WebAssembly module (recorded)",
      "run [options] [--] MODULE.wasm|MODULE.wat [ARGS...]",
      "Runs a WebAssembly module in timecraft's interpreter with a WASI preview1\n"
      "host (wasi_snapshot_preview1). A command module's _start is called with\n"
      "ARGS as its arguments (argv[0] is the module's file name). A reactor is\n"
      "run with --invoke: _initialize first (if exported), then NAME.\n"
      "\n"
      "The guest sees only what it is given: no host directory, environment\n"
      "variable or socket unless an option below grants it. Paths are confined\n"
      "to the preopened directories (\"..\", absolute paths and symlinks cannot\n"
      "leave them: EPERM).\n",
      {
          {"dir", Option::List, "HOST[:GUEST]",
           "preopen directory HOST, seen by the guest as GUEST\n(default: HOST); also HOST::GUEST. Repeatable."},
          {"env", Option::List, "NAME=VALUE",
           "set a guest environment variable; --env NAME copies\nthe host's value. Repeatable."},
          {"inherit-env", Option::Flag, "", "pass the whole host environment to the guest"},
          {"listen", Option::List, "ADDR:PORT",
           "preopen a listening TCP socket for sock_accept\n(after the directories); a sock_bind to ADDR:PORT gets\nit too. Repeatable."},
          {"dial", Option::List, "HOST:PORT",
           "let sock_connect / sock_send_to reach HOST:PORT (every\naddress HOST resolves to). Repeatable."},
          {"net", Option::List, "ALLOW-LIST",
           "let the guest connect to and bind the addresses of\nALLOW-LIST: rules HOST:PORT, comma-separated; HOST an\n"
           "IPv4 address, [IPv6], either with /PREFIX, or *;\nPORT a number, LO-HI or * (e.g. 127.0.0.1:8080,10.0.0.0/8:*).\n"
           "Without --dial/--listen/--net nothing is reachable\n(ENOTCAPABLE). Repeatable."},
          {"invoke", Option::Value, "NAME",
           "call the exported function NAME with ARGS converted\nto its parameter types; print its results, one per line"},
          {"max-call-depth", Option::Value, "N", "trap with \"call stack exhausted\" beyond N frames", "10000"},
          {"max-memory-pages", Option::Value, "N", "cap every memory at N 64 KiB pages", "65536"},
          {"fuel", Option::Value, "N",
           "stop with \"fuel exhausted\" after N units (one per\nfunction call and per loop iteration; 0 = no limit);\n"
           "only with --no-record (usage error otherwise)"},
          {"no-record", Option::Flag, "", "do not record (no registry entry, no process id)"},
          {"fly-blind", Option::Flag, "", "the same as --no-record"},
          {"chaotic", Option::Value, "RATE",
           "fault injection: each eligible host call fails or\nmisbehaves with probability RATE (0 to 1), below\n"
           "the recorder (the log holds what the program saw;\ninjected records are marked in `trace`)"},
          {"chaos-seed", Option::Value, "N",
           "the fault injection's seed (default: random; printed\nand recorded): the same seed on the same inputs\n"
           "injects the same faults"},
          {"chaos", Option::Value, "KINDS",
           "which faults (comma-separated; default all): io\n(EIO, ENOSPC, EINTR, EAGAIN where legal), short\n"
           "(short reads and writes), clock (clock jumps),\nrandom (low entropy), net (ECONNRESET, ECONNABORTED)"},
          {"record-batch-size", Option::Value, "N",
           "records per compressed log batch (default 4096,\nor log.batch-size in the config file)"},
          kTraceOption,
          kTraceFileOption,
          kRegistryOption,
      },
      {},
      "Every run is recorded: the module and the log of every host call go into\n"
      "the registry, and the first line on stderr is the process id, for\n"
      "`timecraft replay ID`, `logs`, `trace` and `describe process`.\n"
      "\n"
      "Examples:\n"
      "  timecraft run --dir .:/ --env HOME=/ app.wasm input.txt\n"
      "  timecraft run --no-record --invoke fac examples/fac.wat 20\n"
      "  timecraft run --chaotic 0.05 --chaos-seed 7 --chaos io,short app.wasm\n"
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
      "The module file may be at most module.max-size (config; default 1GiB).\n",
      cmd_run};
  return spec;
}

namespace {

// With a remote registry configured, the recorded run is pushed when it
// ends. A failure leaves the recording local (push it later) and does not
// change the exit status, which is the program's.
void upload_run(const registry::Registry& reg, const std::string& id,
                const Expected<std::shared_ptr<registry::ObjectStore>>& remote) {
  if (remote && !*remote) return;
  auto st = remote ? registry::push_process(reg, **remote, id) : Expected<registry::TransferStats>(remote.error());
  if (!st)
    std::cerr << "timecraft: warning: process " << id << " is recorded locally but not uploaded ("
              << st.error().message << "): timecraft push " << id << "\n";
}

}  // namespace

int cmd_run(const Args& args) {
  Args opt_args, rest;
  split_at_positional(run_command(), args, opt_args, rest);
  po::variables_map vm;
  if (auto stop = parse_options(run_command(), opt_args, vm)) return *stop;
  // Numbers are checked here: program_options would wrap "-1" silently.
  auto depth = parse_number_option("--max-call-depth", vm["max-call-depth"].as<std::string>(), 1,
                                   kMaxCallDepth);
  if (!depth) return usage_error("run", depth.error().message);
  auto pages = parse_number_option("--max-memory-pages", vm["max-memory-pages"].as<std::string>(),
                                   0, kMaxPages);
  if (!pages) return usage_error("run", pages.error().message);
  std::optional<uint32_t> batch_records;
  if (vm.count("record-batch-size")) {
    auto b = parse_number_option("--record-batch-size", vm["record-batch-size"].as<std::string>(),
                                 1, kMaxBatchRecords);
    if (!b) return usage_error("run", b.error().message);
    batch_records = uint32_t(*b);
  }
  if (vm.count("listen"))
    for (const auto& l : vm["listen"].as<std::vector<std::string>>())
      if (auto ok = check_listen_option(l); !ok) return usage_error("run", ok.error().message);
  if (vm.count("dial"))
    for (const auto& d : vm["dial"].as<std::vector<std::string>>())
      if (auto ok = wasi::parse_endpoint("--dial", d); !ok) return usage_error("run", ok.error().message);
  if (vm.count("net"))
    for (const auto& n : vm["net"].as<std::vector<std::string>>())
      if (auto ok = wasi::parse_net_rules(n); !ok) return usage_error("run", ok.error().message);
  auto chaos = chaos_options(vm);
  if (!chaos) return usage_error("run", chaos.error().message);
  if (rest.empty()) return usage_error("run", "no module given");
  auto live = open_live_trace(vm);  // before anything is stored: a bad FILE stops here
  if (!live) return fail(kExitError, live.error().message);

  const std::string path = rest[0];
  Args guest_args(rest.begin() + 1, rest.end());
  const bool invoking = vm.count("invoke") != 0;
  const bool record = !vm.count("no-record") && !vm.count("fly-blind");

  wasi::PosixConfig wcfg;
  wcfg.args.push_back(base_name(path));
  if (!invoking) wcfg.args.insert(wcfg.args.end(), guest_args.begin(), guest_args.end());
  if (vm.count("inherit-env"))
    for (char** e = environ; e && *e; ++e) wcfg.environ.push_back(*e);
  if (vm.count("env")) {
    for (const auto& kv : vm["env"].as<std::vector<std::string>>()) {
      std::string entry = kv;
      if (kv.find('=') == std::string::npos) {  // --env NAME: take the host's value
        const char* v = std::getenv(kv.c_str());
        if (!v) continue;
        entry = kv + "=" + v;
      }
      if (entry.front() == '=') return usage_error("run", "--env " + kv + ": empty name");
      wcfg.environ.push_back(entry);
    }
  }
  if (vm.count("dir"))
    for (const auto& d : vm["dir"].as<std::vector<std::string>>()) wcfg.dirs.push_back(parse_dir(d));
  if (vm.count("listen")) wcfg.listen = vm["listen"].as<std::vector<std::string>>();
  if (vm.count("dial")) wcfg.dial = vm["dial"].as<std::vector<std::string>>();
  if (vm.count("net")) wcfg.net = vm["net"].as<std::vector<std::string>>();

  // Recording opens the registry first: a module this engine build has
  // validated before (same sha256) is then only decoded.
  auto cfg = registry::load_config();
  if (!cfg) return fail(kExitError, cfg.error().to_string());
  auto bytes = read_module_bytes(path, cfg->module_max_bytes);
  if (!bytes) return fail(kExitError, bytes.error().to_string());
  std::optional<registry::Registry> reg;
  std::string digest;
  bool prevalidated = false;
  if (record) {
    auto r = open_registry(vm["registry"].as<std::string>(), true);
    if (!r) return fail(kExitError, r.error().to_string());
    reg.emplace(std::move(*r));
    digest = registry::sha256_hex(*bytes);
    prevalidated = reg->validated_by(digest, session::engine_build_id());
  }
  auto mod = load_module_bytes(path, std::move(*bytes), prevalidated);
  if (!mod) return fail(kExitError, mod.error().to_string());

  wasi::ProgramConfig pcfg;
  pcfg.engine.max_call_depth = uint32_t(*depth);
  pcfg.engine.max_memory_pages = uint32_t(*pages);
  if (vm.count("fuel")) {  // a replay could not honour it: not recorded
    if (record) return usage_error("run", "--fuel needs --no-record");
    auto f = parse_number_option("--fuel", vm["fuel"].as<std::string>(), 1, UINT64_MAX);
    if (!f) return usage_error("run", f.error().message);
    pcfg.engine.fuel = *f;
  }
  if (invoking) {
    pcfg.invoke = vm["invoke"].as<std::string>();
    // Find the export's type to convert the arguments.
    const Module& m = **mod;
    const FuncType* ft = nullptr;
    for (const auto& e : m.exports)
      if (e.kind == ExternKind::Func && e.name == *pcfg.invoke) ft = &m.func_type(e.index);
    if (!ft) return fail(kExitError, path + ": no exported function \"" + *pcfg.invoke + "\"");
    if (guest_args.size() != ft->params.size())
      return usage_error("run", "\"" + *pcfg.invoke + "\" takes " + std::to_string(ft->params.size()) +
                                    " argument(s), got " + std::to_string(guest_args.size()));
    for (size_t i = 0; i < ft->params.size(); ++i) {
      auto v = session::parse_value(guest_args[i], ft->params[i]);
      if (!v)
        return usage_error("run", "argument " + std::to_string(i + 1) + " \"" + guest_args[i] +
                                      "\" is not a valid " + valtype_name(ft->params[i]));
      pcfg.invoke_args.push_back(*v);
    }
  }

  // Nothing is stored for a module that cannot link: it never ran.
  if (auto linkable = wasi::check_linkable(**mod); !linkable)
    return fail(kExitError, path + ": " + linkable.error().message);
  if (record) wcfg.interrupt = &g_stop_signal;

  auto system = wasi::PosixSystem::create(wcfg);
  if (!system) {
    if (system.error().kind == ErrorKind::Usage) return usage_error("run", system.error().message);
    return fail(kExitError, system.error().message);
  }
  std::signal(SIGPIPE, SIG_IGN);  // a closed pipe is EPIPE for the guest, not death

  if (!record) {
    std::optional<wasi::ChaosSystem> chaotic;
    std::optional<trace::Recorder> tracer;  // no log: only the live trace
    wasi::System* sys = system->get();
    if (*chaos) {
      print_chaos(**chaos, vm["chaotic"].as<std::string>());
      sys = &chaotic.emplace(*sys, **chaos);
    }
    if (*live) sys = &tracer.emplace(*sys, (*live)->hook());
    int code = exit_status(wasi::run_program(*mod, *sys, pcfg), path, **mod);
    warn_if_trace_failed(live->get());
    return code;
  }

  // Recording: module and metadata into the registry, then the log.
  session::RecordingSpec spec;
  spec.module = *mod;
  spec.module_name = (*mod)->module_name.empty() ? base_name(path) : (*mod)->module_name;
  spec.digest = digest;
  spec.posix = wcfg;
  spec.program = pcfg;
  if (invoking) spec.invoke_args = guest_args;
  spec.log.batch_records = batch_records.value_or(cfg->batch_records);
  spec.log.segment_bytes = cfg->segment_bytes;
  spec.log.codec = cfg->compression == "none"   ? trace::Codec::None
                   : cfg->compression == "zlib" ? trace::Codec::Zlib
                                                : trace::Codec::Zstd;
  spec.codec_name = cfg->compression;
  spec.runtime_version = TIMECRAFT_VERSION;
  spec.interrupt = &g_stop_signal;
  if (*live) spec.on_record = (*live)->hook();
  spec.chaos = *chaos;
  // With a remote registry: the start (module, "running" metadata) is
  // uploaded once the process exists, each log segment as it is sealed,
  // the rest when the run ends (upload_run).
  auto remote = open_remote("");
  std::optional<Error> upload_error;  // reported after the id line
  if (remote && *remote) spec.log.segment_seconds = cfg->segment_seconds;  // visible as it runs
  if (remote && *remote)
    spec.wrap_log = [&](std::shared_ptr<trace::SegmentStore> local, const registry::ProcessMeta& m) {
      auto started = registry::push_process(*reg, **remote, m.id);
      if (!started) {
        upload_error = started.error();
        return local;
      }
      uint32_t beat = cfg->segment_seconds ? cfg->segment_seconds : registry::kDefaultSegmentSeconds;
      return registry::uploading_segments(std::move(local), *remote, m.id, beat, [id = m.id](const Error& e) {
        std::cerr << "timecraft: warning: uploading process " << id << "'s log: " << e.message << "\n";
      });
    };
  auto rec = session::RecordingSession::start(*reg, std::move(spec), **system);
  if (!rec) return fail(kExitError, rec.error().to_string());
  std::cerr << (*rec)->id() << std::endl;  // the first line on stderr: the process id
  if (upload_error) {
    std::cerr << "timecraft: warning: process " << (*rec)->id() << " is recorded locally but not uploaded ("
              << upload_error->message << "): timecraft push " << (*rec)->id() << "\n";
    remote = std::shared_ptr<registry::ObjectStore>();  // not tried again at the end
  }
  if (*chaos) print_chaos(**chaos, vm["chaotic"].as<std::string>());
  catch_stop_signals();

  session::RecordingEnd end = (*rec)->run();
  warn_if_trace_failed(live->get());
  const registry::ProcessMeta& meta = end.meta;
  if (!meta.log_error.empty())
    std::cerr << "timecraft: warning: recording stopped at record " << end.records_kept << ": "
              << meta.log_error << "; the log is readable up to there\n";
  int code;
  if (meta.status == "interrupted") {
    std::cerr << "timecraft: interrupted by " << meta.message << ": process " << meta.id
              << " is recorded, " << end.records_kept << " host call(s)\n";
    code = meta.exit_code;
  } else {
    code = exit_status(end.outcome, path, **mod);
  }
  if (end.store_error)
    return fail(kExitError, "cannot store how process " + meta.id + " ended (" + meta.status +
                                ", code " + std::to_string(meta.exit_code) +
                                "): " + end.store_error->to_string());
  rec->reset();  // releases the process's lock: the run is over
  upload_run(*reg, meta.id, remote);
  return code;
}

}  // namespace tc::cli
