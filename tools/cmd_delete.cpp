// timecraft delete process ID... and timecraft prune: registry housekeeping.
// Both leave a running process alone (its lock is held: Registry).
#include <boost/program_options.hpp>
#include <chrono>
#include <iostream>

#include "tools/cli.hpp"
#include "tools/format.hpp"
#include "tools/number_option.hpp"
#include "tools/resources.hpp"

namespace tc::cli {

namespace po = boost::program_options;

int cmd_delete(const Args& args);
int cmd_prune(const Args& args);

const CommandSpec& delete_command() {
  static const CommandSpec spec = {
      "delete", "delete recorded processes (their logs and profiles)",
      "delete process ID...",
      "Deletes each process: its metadata, its log and its profiles. A process\n"
      "whose run is still going is not deleted (an error names it). The\n"
      "modules stay (prune removes those no process uses).\n",
      {kRegistryOption},
      {{"args", -1}},
      "Exit status: 0 if every process was deleted, else 1 (the others are\n"
      "still deleted).\n",
      cmd_delete};
  return spec;
}

const CommandSpec& prune_command() {
  static const CommandSpec spec = {
      "prune", "delete old processes, and the modules no process uses",
      "prune --older-than AGE [--keep-failed] [--dry-run]",
      "Deletes the processes that started more than AGE ago (90s, 30m, 2h, 7d,\n"
      "2w) and are not running, then the modules that no remaining process uses\n"
      "and that no run has used within AGE. Safe while other runs record: a\n"
      "running process is never deleted, nor a module a starting run uses.\n",
      {
          {"older-than", Option::Value, "AGE", "what to delete: processes that started before"},
          {"keep-failed", Option::Flag, "", "keep the processes that did not exit 0"},
          {"dry-run", Option::Flag, "", "only print what would be deleted"},
          kRegistryOption,
      },
      {},
      "Example:\n"
      "  timecraft prune --older-than 7d --keep-failed\n",
      cmd_prune};
  return spec;
}

int cmd_delete(const Args& args) {
  po::variables_map vm;
  if (auto stop = parse_options(delete_command(), args, vm)) return *stop;
  auto a = vm.count("args") ? vm["args"].as<std::vector<std::string>>() : std::vector<std::string>{};
  if (a.size() < 2) return usage_error("delete", "expected process and one or more IDs");
  if (!parse_resource(a[0], "delete", {Resource::Process})) return kExitUsage;
  auto reg = open_registry(vm["registry"].as<std::string>());
  if (!reg) return fail(kExitError, reg.error().to_string());
  int code = kExitOk;
  for (size_t i = 1; i < a.size(); ++i) {
    auto id = reg->resolve(registry::ObjectKind::Process, a[i]);
    if (!id) { code = fail(kExitError, id.error().message); continue; }
    if (auto d = reg->delete_process(*id); !d) { code = fail(kExitError, d.error().message); continue; }
    std::cout << "deleted process " << *id << "\n";
  }
  return code;
}

int cmd_prune(const Args& args) {
  po::variables_map vm;
  if (auto stop = parse_options(prune_command(), args, vm)) return *stop;
  if (!vm.count("older-than")) return usage_error("prune", "--older-than AGE is required");
  auto age = parse_age_option("--older-than", vm["older-than"].as<std::string>());
  if (!age) return usage_error("prune", age.error().message);
  auto reg = open_registry(vm["registry"].as<std::string>());
  if (!reg) return fail(kExitError, reg.error().to_string());
  int64_t now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                    std::chrono::system_clock::now().time_since_epoch()).count();
  bool dry = vm.count("dry-run") > 0;
  auto r = reg->prune(now - *age, vm.count("keep-failed") > 0, dry);
  if (!r) return fail(kExitError, r.error().message);
  const char* verb = dry ? "would delete" : "deleted";
  for (const auto& p : r->processes) std::cout << verb << " process " << p << "\n";
  for (const auto& m : r->modules) std::cout << verb << " module sha256:" << m << "\n";
  std::cout << (dry ? "would free " : "freed ") << human_size(r->bytes_freed) << " (" << r->processes.size()
            << " process(es), " << r->modules.size() << " module(s))\n";
  for (const auto& e : r->errors) fail(kExitError, e);
  return r->errors.empty() ? kExitOk : kExitError;
}

}  // namespace tc::cli
