// timecraft run: load a module, link WASI, run it, and record every host
// call into the registry (unless --no-record). Exit status: the guest's.
#include <boost/program_options.hpp>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <iostream>

#include "registry/config.hpp"
#include "registry/process_meta.hpp"
#include "registry/sha256.hpp"
#include "tools/build_id.hpp"
#include "tools/cli.hpp"
#include "tools/value_parse.hpp"
#include "trace/log_writer.hpp"
#include "trace/recorder.hpp"
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

bool run_takes_value(const std::string& opt) {
  return opt == "--invoke" || opt == "--max-call-depth" || opt == "--max-memory-pages" ||
         opt == "--dir" || opt == "--env" || opt == "--listen" || opt == "--registry" ||
         opt == "--record-batch-size" ||
         opt == "--fuel";
}

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

int64_t now_unix_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch()).count();
}

// The end of a run as an exit status (printing traps and failures).
int exit_status(const Expected<wasi::ProgramOutcome>& r, const std::string& path) {
  if (!r) return fail(kExitError, path + ": " + r.error().message);
  if (r->error) {
    const Error& e = *r->error;
    if (e.kind == ErrorKind::Trap || e.kind == ErrorKind::Exhaustion) return report_trap(e);
    return fail(kExitError, e.to_string());
  }
  for (const auto& v : r->results) std::cout << format_value(v) << "\n";
  return r->exit_code;
}

}  // namespace

int cmd_run(const Args& args) {
  Args opt_args, rest;
  split_at_positional(args, run_takes_value, opt_args, rest);

  po::options_description desc;
  desc.add_options()
      ("invoke", po::value<std::string>(), "")
      ("dir", po::value<std::vector<std::string>>()->composing(), "")
      ("env", po::value<std::vector<std::string>>()->composing(), "")
      ("inherit-env", "")
      ("listen", po::value<std::vector<std::string>>()->composing(), "")
      ("max-call-depth", po::value<uint32_t>()->default_value(10000), "")
      ("max-memory-pages", po::value<uint32_t>()->default_value(kMaxPages), "")
      ("no-record", "")
      ("fly-blind", "")
      ("fuel", po::value<uint64_t>(), "")
      ("record-batch-size", po::value<uint32_t>(), "")
      ("registry", po::value<std::string>()->default_value(""), "");
  po::variables_map vm;
  if (auto stop = parse_options("run", opt_args, desc, nullptr, vm)) return *stop;
  if (rest.empty()) return usage_error("run", "no module given");

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

  // Recording opens the registry first: a module this engine build has
  // validated before (same sha256) is then only decoded.
  auto bytes = read_module_bytes(path);
  if (!bytes) return fail(kExitError, bytes.error().to_string());
  std::optional<registry::Registry> reg;
  std::string digest;
  bool prevalidated = false;
  if (record) {
    auto r = open_registry(vm["registry"].as<std::string>());
    if (!r) return fail(kExitError, r.error().to_string());
    reg.emplace(std::move(*r));
    digest = registry::sha256_hex(*bytes);
    prevalidated = reg->validated_by(digest, engine_build_id());
  }
  auto mod = load_module_bytes(path, std::move(*bytes), prevalidated);
  if (!mod) return fail(kExitError, mod.error().to_string());

  wasi::ProgramConfig pcfg;
  pcfg.engine.max_call_depth = vm["max-call-depth"].as<uint32_t>();
  pcfg.engine.max_memory_pages = vm["max-memory-pages"].as<uint32_t>();
  if (vm.count("fuel")) {  // a replay could not honour it: not recorded
    if (record) return usage_error("run", "--fuel needs --no-record");
    pcfg.engine.fuel = vm["fuel"].as<uint64_t>();
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
      auto v = parse_value(guest_args[i], ft->params[i]);
      if (!v)
        return usage_error("run", "argument " + std::to_string(i + 1) + " \"" + guest_args[i] +
                                      "\" is not a valid " + valtype_name(ft->params[i]));
      pcfg.invoke_args.push_back(*v);
    }
  }

  auto system = wasi::PosixSystem::create(wcfg);
  if (!system) {
    if (system.error().kind == ErrorKind::Usage) return usage_error("run", system.error().message);
    return fail(kExitError, system.error().message);
  }
  std::signal(SIGPIPE, SIG_IGN);  // a closed pipe is EPIPE for the guest, not death

  if (!record) return exit_status(wasi::run_program(*mod, **system, pcfg), path);

  // Recording: module and metadata into the registry, then the log.
  auto cfg = registry::load_config();
  if (!cfg) return fail(kExitError, cfg.error().to_string());
  trace::LogOptions lopts;
  lopts.batch_records = vm.count("record-batch-size") ? vm["record-batch-size"].as<uint32_t>()
                                                      : cfg->batch_records;
  if (lopts.batch_records == 0) return usage_error("run", "--record-batch-size must be at least 1");
  lopts.segment_bytes = cfg->segment_bytes;
  lopts.codec = cfg->compression == "none" ? trace::Codec::None : trace::Codec::Zlib;

  const Module& m = **mod;
  std::string name = m.module_name.empty() ? base_name(path) : m.module_name;
  if (auto put = reg->put_module(m.bytes, name, engine_build_id(), digest); !put)
    return fail(kExitError, put.error().to_string());

  registry::ProcessMeta meta;
  meta.id = registry::Registry::new_process_id();
  meta.start_unix_ns = now_unix_ns();
  meta.runtime_version = TIMECRAFT_VERSION;
  meta.module_digest = digest;
  meta.module_name = name;
  meta.module_size = m.bytes.size();
  meta.args = wcfg.args;
  meta.env = wcfg.environ;
  for (const auto& d : wcfg.dirs) meta.dirs.push_back({d.host_path, d.guest_path});
  meta.listen = wcfg.listen;
  meta.invoke = pcfg.invoke;
  if (invoking) meta.invoke_args = guest_args;
  meta.max_call_depth = pcfg.engine.max_call_depth;
  meta.max_memory_pages = pcfg.engine.max_memory_pages;
  meta.batch_records = lopts.batch_records;
  meta.segment_bytes = lopts.segment_bytes;
  meta.codec = cfg->compression;
  if (auto r = reg->create_process(meta.id); !r) return fail(kExitError, r.error().to_string());
  if (auto r = reg->write_process_meta(meta.id, registry::to_json(meta), /*durable=*/false); !r)
    return fail(kExitError, r.error().to_string());
  auto log = trace::LogWriter::create(reg->log_dir(meta.id), lopts);
  if (!log) return fail(kExitError, log.error().to_string());
  std::cerr << meta.id << std::endl;  // the first line on stderr: the process id

  trace::Recorder recorder(**system, **log);
  auto outcome = wasi::run_program(*mod, recorder, pcfg);

  auto closed = (*log)->close();
  meta.end_unix_ns = now_unix_ns();
  if (recorder.log_error()) meta.log_error = recorder.log_error()->message;
  else if (!closed) meta.log_error = closed.error().message;
  if (!outcome) {
    meta.status = "failed";
    meta.message = outcome.error().message;
  } else if (outcome->error) {
    meta.status = "trapped";
    meta.message = outcome->error->message;
    meta.exit_code = kExitTrap;
  } else {
    meta.status = "exited";
    meta.exit_code = outcome->exit_code;
  }
  if (auto r = reg->write_process_meta(meta.id, registry::to_json(meta)); !r)
    std::cerr << "timecraft: warning: " << r.error().to_string() << "\n";
  if (!meta.log_error.empty())
    std::cerr << "timecraft: warning: recording stopped early: " << meta.log_error << "\n";
  return exit_status(outcome, path);
}

}  // namespace tc::cli
