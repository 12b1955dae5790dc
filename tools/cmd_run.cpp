// timecraft run: load a module, link it, run _start or an --invoke'd export.
#include <boost/program_options.hpp>
#include <iostream>

#include "tools/cli.hpp"
#include "tools/value_parse.hpp"

namespace tc::cli {

namespace po = boost::program_options;
using namespace tc::wasm;

namespace {

bool run_takes_value(const std::string& opt) {
  return opt == "--invoke" || opt == "--max-call-depth" || opt == "--max-memory-pages";
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

}  // namespace

int cmd_run(const Args& args) {
  Args opt_args, rest;
  split_at_positional(args, run_takes_value, opt_args, rest);

  po::options_description desc;
  desc.add_options()
      ("help,h", "")
      ("invoke", po::value<std::string>(), "")
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

  auto mod = load_module_file(path);
  if (!mod) return fail(kExitError, mod.error().to_string());

  EngineConfig cfg;
  cfg.max_call_depth = vm["max-call-depth"].as<uint32_t>();
  cfg.max_memory_pages = vm["max-memory-pages"].as<uint32_t>();
  Store store(cfg);

  std::string missing;
  ImportResolver resolver = [&](std::string_view m, std::string_view n) -> std::optional<ExternVal> {
    missing = std::string(m) + "::" + std::string(n);
    return std::nullopt;  // host modules (WASI) are linked here once they exist
  };
  auto inst = store.instantiate(*mod, resolver);
  if (!inst) {
    const Error& e = inst.error();
    if (e.kind == ErrorKind::Trap || e.kind == ErrorKind::Exhaustion) return report_trap(e);
    std::string what = path + ": " + e.message;
    if (e.kind == ErrorKind::Unlinkable && !missing.empty()) what += " " + missing;
    return fail(kExitError, what);
  }

  std::string entry = vm.count("invoke") ? vm["invoke"].as<std::string>() : "_start";
  auto ext = (*inst)->find_export(entry);
  if (!ext || ext->kind != ExternKind::Func) {
    if (!vm.count("invoke")) return kExitOk;  // a module without _start just instantiates
    return fail(kExitError, path + ": no exported function \"" + entry + "\"");
  }
  const FuncType& ft = Store::func_type(ext->func);
  if (!vm.count("invoke") && !guest_args.empty() && !ft.params.empty())
    return usage_error("run", "_start takes no arguments");
  std::vector<Value> values;
  if (vm.count("invoke")) {
    if (guest_args.size() != ft.params.size())
      return usage_error("run", "\"" + entry + "\" takes " + std::to_string(ft.params.size()) +
                                    " argument(s), got " + std::to_string(guest_args.size()));
    for (size_t i = 0; i < ft.params.size(); ++i) {
      auto v = parse_value(guest_args[i], ft.params[i]);
      if (!v)
        return usage_error("run", "argument " + std::to_string(i + 1) + " \"" + guest_args[i] +
                                      "\" is not a valid " + valtype_name(ft.params[i]));
      values.push_back(*v);
    }
  }
  auto results = store.invoke(ext->func, values);
  if (!results) {
    const Error& e = results.error();
    if (e.kind == ErrorKind::Exit) return e.code;
    if (e.kind == ErrorKind::Trap || e.kind == ErrorKind::Exhaustion) return report_trap(e);
    return fail(kExitError, e.to_string());
  }
  for (const auto& v : *results) std::cout << format_value(v) << "\n";
  return kExitOk;
}

}  // namespace tc::cli
