// timecraft push ID... / pull ID...: copy recorded processes to and from
// the remote registry (registry/remote.hpp says what moves, in what order,
// and what is checked).
#include <boost/program_options.hpp>
#include <iostream>

#include "registry/remote.hpp"
#include "tools/cli.hpp"

namespace tc::cli {

namespace po = boost::program_options;

int cmd_push(const Args& args);
int cmd_pull(const Args& args);

namespace {

const Option kRemoteUrlOption = {"remote", Option::Value, "URL",
                                 "the remote registry, s3://bucket[/prefix] (default\n"
                                 "$TIMECRAFT_REMOTE, the config's registry.remote)"};

std::string transfer_line(const char* what, const std::string& id,
                          const registry::TransferStats& st, const std::string& where) {
  return std::string(what) + " process " + id + " " + where + " (" + std::to_string(st.objects) + " objects, " + std::to_string(st.bytes) +
         " bytes; " + std::to_string(st.skipped) + " already there)";
}

}  // namespace

const CommandSpec& push_command() {
  static const CommandSpec spec = {
      "push", "upload recorded processes to the remote registry",
      "push ID...",
      "Uploads each process: its module (the local validation mark stays\n"
      "local), its metadata, its sealed log segments, then its end record\n"
      "last. What the remote has already is not uploaded again.\n",
      {kRemoteUrlOption, kRegistryOption},
      {{"args", -1}},
      "Exit status: 0 if every process was pushed, else 1.\n",
      cmd_push};
  return spec;
}

const CommandSpec& pull_command() {
  static const CommandSpec spec = {
      "pull", "fetch processes from the remote registry into the local one",
      "pull ID...",
      "Fetches each process into the local registry, its cache: the module is\n"
      "checked against its sha256 and the log's batches against their CRCs\n"
      "before anything is kept; what is cached already is not fetched again.\n"
      "A pulled process replays, traces and debugs offline.\n",
      {kRemoteUrlOption, kRegistryOption},
      {{"args", -1}},
      "Exit status: 0 if every process was pulled, else 1 (nothing of a\n"
      "process that failed to check is kept).\n",
      cmd_pull};
  return spec;
}

int cmd_push(const Args& args) {
  po::variables_map vm;
  if (auto stop = parse_options(push_command(), args, vm)) return *stop;
  auto ids = vm.count("args") ? vm["args"].as<std::vector<std::string>>() : std::vector<std::string>{};
  if (ids.empty()) return usage_error("push", "expected one or more process IDs");
  auto reg = open_registry(vm["registry"].as<std::string>());
  if (!reg) return fail(kExitError, reg.error().to_string());
  auto remote = require_remote(vm.count("remote") ? vm["remote"].as<std::string>() : "");
  if (!remote) return fail(kExitError, remote.error().message);
  int code = kExitOk;
  for (const auto& prefix : ids) {
    auto id = reg->resolve(registry::ObjectKind::Process, prefix);
    if (!id) { code = fail(kExitError, id.error().message); continue; }
    auto st = registry::push_process(*reg, **remote, *id);
    if (!st) { code = fail(kExitError, st.error().message); continue; }
    std::cout << transfer_line("pushed", *id, *st, "to " + (*remote)->describe()) << "\n";
  }
  return code;
}

int cmd_pull(const Args& args) {
  po::variables_map vm;
  if (auto stop = parse_options(pull_command(), args, vm)) return *stop;
  auto ids = vm.count("args") ? vm["args"].as<std::vector<std::string>>() : std::vector<std::string>{};
  if (ids.empty()) return usage_error("pull", "expected one or more process IDs");
  auto reg = open_registry(vm["registry"].as<std::string>(), true);
  if (!reg) return fail(kExitError, reg.error().to_string());
  auto remote = require_remote(vm.count("remote") ? vm["remote"].as<std::string>() : "");
  if (!remote) return fail(kExitError, remote.error().message);
  int code = kExitOk;
  for (const auto& prefix : ids) {
    auto id = registry::resolve_remote(**remote, prefix);
    if (!id) { code = fail(kExitError, id.error().message); continue; }
    auto st = registry::pull_process(*reg, **remote, *id);
    if (!st) { code = fail(kExitError, st.error().message); continue; }
    std::cout << transfer_line("pulled", *id, *st, "from " + (*remote)->describe()) << "\n";
  }
  return code;
}

}  // namespace tc::cli
