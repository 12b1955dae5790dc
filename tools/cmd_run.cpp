// timecraft run: load a module, link WASI, run _start (commands) or
// _initialize + an --invoke'd export (reactors). Exit status: the guest's.
#include <boost/program_options.hpp>
#include <csignal>
#include <cstdlib>
#include <iostream>

#include "tools/cli.hpp"
#include "tools/value_parse.hpp"
#include "wasi/abi.hpp"
#include "wasi/posix_system.hpp"

extern char** environ;

namespace tc::cli {

namespace po = boost::program_options;
using namespace tc::wasm;

namespace {

bool run_takes_value(const std::string& opt) {
  return opt == "--invoke" || opt == "--max-call-depth" || opt == "--max-memory-pages" ||
         opt == "--dir" || opt == "--env" || opt == "--listen";
}

// Prints a trap and its WebAssembly backtrace; returns the trap exit code.
int report_trap(const Error& e) {
  std::cerr << "timecraft: " << (e.kind == ErrorKind::Exhaustion ? "exhaustion" : "trap")
            << ": " << e.message << "\n";
  if (!e.backtrace.empty()) {
    std::cerr << "wasm backtrace:\n";
    for (size_t i = 0; i < e.backtrace.size(); ++i)
      std::cerr << "  " << i << ": " << e.backtrace[i] << "\n";
  }
  return kExitTrap;
}

// Maps an error from running guest code to the process exit status.
int finish(const Error& e) {
  if (e.kind == ErrorKind::Exit) return e.code;
  if (e.kind == ErrorKind::Trap || e.kind == ErrorKind::Exhaustion) return report_trap(e);
  return fail(kExitError, e.to_string());
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

}  // namespace

int cmd_run(const Args& args) {
  Args opt_args, rest;
  split_at_positional(args, run_takes_value, opt_args, rest);

  po::options_description desc;
  desc.add_options()
      ("help,h", "")
      ("invoke", po::value<std::string>(), "")
      ("dir", po::value<std::vector<std::string>>()->composing(), "")
      ("env", po::value<std::vector<std::string>>()->composing(), "")
      ("inherit-env", "")
      ("listen", po::value<std::vector<std::string>>()->composing(), "")
      ("max-call-depth", po::value<uint32_t>()->default_value(10000), "")
      ("max-memory-pages", po::value<uint32_t>()->default_value(kMaxPages), "");
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(opt_args).options(desc).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    return usage_error("run", e.what());
  }
  if (vm.count("help")) return cmd_help({"run"});
  if (rest.empty()) return usage_error("run", "no module given");

  const std::string path = rest[0];
  Args guest_args(rest.begin() + 1, rest.end());
  const bool invoking = vm.count("invoke") != 0;

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

  auto mod = load_module_file(path);
  if (!mod) return fail(kExitError, mod.error().to_string());

  auto system = wasi::PosixSystem::create(wcfg);
  if (!system) {
    if (system.error().kind == ErrorKind::Usage) return usage_error("run", system.error().message);
    return fail(kExitError, system.error().message);
  }
  std::signal(SIGPIPE, SIG_IGN);  // a closed pipe is EPIPE for the guest, not death

  EngineConfig cfg;
  cfg.max_call_depth = vm["max-call-depth"].as<uint32_t>();
  cfg.max_memory_pages = vm["max-memory-pages"].as<uint32_t>();
  Store store(cfg);
  wasi::WasiImports wasi_imports(store, **system);

  std::string missing;
  ImportResolver resolver = [&](std::string_view m, std::string_view n) -> std::optional<ExternVal> {
    if (auto v = wasi_imports.resolve(m, n)) return v;
    missing = std::string(m) + "::" + std::string(n);
    return std::nullopt;
  };
  auto inst = store.instantiate(*mod, resolver);
  if (!inst) {
    const Error& e = inst.error();
    if (e.kind == ErrorKind::Exit || e.kind == ErrorKind::Trap || e.kind == ErrorKind::Exhaustion)
      return finish(e);
    std::string what = path + ": " + e.message;
    if (e.kind == ErrorKind::Unlinkable && !missing.empty()) what += " " + missing;
    return fail(kExitError, what);
  }

  auto find_func = [&](const std::string& name) -> FuncInst* {
    auto ext = (*inst)->find_export(name);
    return ext && ext->kind == ExternKind::Func ? ext->func : nullptr;
  };

  if (!invoking) {
    FuncInst* start = find_func("_start");
    if (!start) return kExitOk;  // a module without _start just instantiates
    if (!Store::func_type(start).params.empty() || !Store::func_type(start).results.empty())
      return fail(kExitError, path + ": _start must have type [] -> []");
    auto r = store.invoke(start, {});
    if (!r) return finish(r.error());
    return kExitOk;
  }

  // Reactor: _initialize first (if exported), then the requested function.
  std::string entry = vm["invoke"].as<std::string>();
  FuncInst* func = find_func(entry);
  if (!func) return fail(kExitError, path + ": no exported function \"" + entry + "\"");
  const FuncType& ft = Store::func_type(func);
  if (guest_args.size() != ft.params.size())
    return usage_error("run", "\"" + entry + "\" takes " + std::to_string(ft.params.size()) +
                                  " argument(s), got " + std::to_string(guest_args.size()));
  std::vector<Value> values;
  for (size_t i = 0; i < ft.params.size(); ++i) {
    auto v = parse_value(guest_args[i], ft.params[i]);
    if (!v)
      return usage_error("run", "argument " + std::to_string(i + 1) + " \"" + guest_args[i] +
                                    "\" is not a valid " + valtype_name(ft.params[i]));
    values.push_back(*v);
  }
  if (FuncInst* init = find_func("_initialize"); init && entry != "_initialize") {
    auto r = store.invoke(init, {});
    if (!r) return finish(r.error());
  }
  auto results = store.invoke(func, values);
  if (!results) return finish(results.error());
  for (const auto& v : *results) std::cout << format_value(v) << "\n";
  return kExitOk;
}

}  // namespace tc::cli
