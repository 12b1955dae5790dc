// timecraft get [TYPE]: list registry resources as a table, JSON or YAML.
#include <boost/program_options.hpp>
#include <algorithm>
#include <chrono>
#include <iostream>
#include <nlohmann/json.hpp>

#include "registry/config.hpp"
#include "registry/process_meta.hpp"
#include "tools/cli.hpp"
#include "tools/format.hpp"
#include "tools/number_option.hpp"
#include "registry/remote.hpp"
#include "tools/process_list.hpp"
#include "tools/resources.hpp"

namespace tc::cli {

namespace po = boost::program_options;
using json = nlohmann::json;

namespace {
int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch()).count();
}

void emit(const json& j, OutputFormat f) {
  if (f == OutputFormat::Json) std::cout << j.dump(2, ' ', false, json::error_handler_t::replace) << "\n";
  else std::cout << to_yaml(j);
}

std::string broken_module(const registry::ModuleEntry& m) {
  return "broken: .json sidecar: " + m.broken;
}

}  // namespace

int cmd_get(const Args& args);

const CommandSpec& get_command() {
  static const CommandSpec spec = {
      "get", "list processes, modules, profiles or the configuration",
      "get [TYPE] [-o text|json|yaml] [-q]\n"
      "get ps [--failed] [--status S] [--module M] [--since 2h] [--sort KEY] [-n N]",
      "Lists the resources of a type, newest first; without TYPE lists the types.\n"
      "  process (processes, proc, ps)   PROCESS ID, MODULE, START, DURATION,\n"
      "                                  STATUS, SIZE (of the log)\n"
      "  module (modules, mod)           MODULE ID (sha256, 12 digits), NAME, SIZE\n"
      "  profile (profiles, prof)        PROFILE ID, PROCESS ID, TYPE, START, DURATION, SIZE\n"
      "  config (cfg)                    the effective configuration\n"
      "\n"
      "A process's STATUS: running, exited N, trapped, failed (it could not\n"
      "run), interrupted (SIGINT/SIGTERM), killed (it ended without storing its\n"
      "end: SIGKILL, a crash, a power cut), truncated (its recording stopped\n"
      "early, e.g. on a full disk).\n",
      {
          kOutputOption,
          {"quiet,q", Option::Flag, "", "only the ids, one per line"},
          {"failed", Option::Flag, "", "processes only: those that failed (a non-zero exit,\na trap, a failure, an interruption or a kill)"},
          {"status", Option::List, "S", "processes only: with status S (repeatable, or S,S)"},
          {"module", Option::Value, "M", "processes only: of module M (its name, or a\ndigest prefix of 4 digits or more)"},
          {"since", Option::Value, "AGE", "processes only: started within AGE (90s, 30m, 2h, 7d)"},
          {"sort", Option::Value, "KEY", "processes only: start (newest first), duration or\nsize (largest first)", "start"},
          {"limit,n", Option::Value, "N", "processes only: at most N"},
          {"remote", Option::Flag, "", "processes only: those of the remote registry\n(registry.remote in the config, or $TIMECRAFT_REMOTE)"},
          kRegistryOption,
      },
      {{"type"}},
      "Examples:\n"
      "  timecraft get ps --failed --since 1h\n"
      "  timecraft get ps --module app.wasm --sort duration -n 5 -o json\n",
      cmd_get};
  return spec;
}

int cmd_get(const Args& args) {
  po::variables_map vm;
  if (auto stop = parse_options(get_command(), args, vm)) return *stop;
  OutputFormat fmt;
  if (!parse_output_format(vm["output"].as<std::string>(), fmt))
    return usage_error("get", "-o must be text, json or yaml");
  if (!vm.count("type")) {
    std::cout << format_table({"TYPE", "ALIASES"},
                              {{"process", "processes, proc, ps"},
                               {"module", "modules, mod"},
                               {"profile", "profiles, prof"},
                               {"config", "cfg"}});
    return kExitOk;
  }
  auto type = parse_resource(vm["type"].as<std::string>(), "get",
                             {Resource::Process, Resource::Module, Resource::Config, Resource::Profile});
  if (!type) return kExitUsage;
  bool quiet = vm.count("quiet") > 0;

  if (*type != Resource::Process)
    for (const char* o : {"failed", "status", "module", "since", "limit", "remote"})
      if (vm.count(o)) return usage_error("get", std::string("--") + o + " only applies to processes (get ps)");
  if (*type == Resource::Config) {
    auto cfg = registry::load_config();
    if (!cfg) return fail(kExitError, cfg.error().to_string());
    if (fmt == OutputFormat::Text) std::cout << registry::config_to_yaml(*cfg);
    else emit(json{{"registry", {{"root", cfg->registry_root}, {"remote", cfg->remote},
                                 {"endpoint", cfg->endpoint}, {"region", cfg->region}}},
                   {"log", {{"batch-size", cfg->batch_records},
                            {"segment-size", cfg->segment_bytes},
                            {"segment-seconds", cfg->segment_seconds},
                            {"compression", cfg->compression}}},
                   {"module", {{"max-size", cfg->module_max_bytes}}}}, fmt);
    return kExitOk;
  }
  int64_t now = now_ns();
  std::shared_ptr<registry::ObjectStore> remote;
  if (vm.count("remote")) {
    auto r = require_remote("");
    if (!r) return fail(kExitError, r.error().message);
    remote = *r;
  }
  auto reg = remote ? Expected<registry::Registry>(make_error(ErrorKind::Usage, ""))
                    : open_registry(vm["registry"].as<std::string>());
  if (!remote && !reg) return fail(kExitError, reg.error().to_string());

  if (*type == Resource::Module) {
    auto mods = reg->list_modules();
    if (!mods) return fail(kExitError, mods.error().to_string());
    if (quiet) {
      for (const auto& m : *mods) std::cout << m.digest << "\n";
    } else if (fmt == OutputFormat::Text) {
      std::vector<std::vector<std::string>> rows;
      for (const auto& m : *mods)
        rows.push_back({m.digest.substr(0, 12), m.broken.empty() ? m.name : broken_module(m),
                        human_size(m.size)});
      std::cout << format_table({"MODULE ID", "MODULE NAME", "SIZE"}, rows);
    } else {
      json j = json::array();
      for (const auto& m : *mods) {
        json e = {{"id", "sha256:" + m.digest}, {"name", m.name}, {"size", m.size},
                  {"created", rfc3339(m.created_unix_ns)}};
        if (!m.broken.empty()) e["broken"] = broken_module(m);
        j.push_back(e);
      }
      emit(j, fmt);
    }
    return kExitOk;
  }

  if (*type == Resource::Profile) {
    auto profs = reg->list_profiles();
    if (!profs) return fail(kExitError, profs.error().to_string());
    if (quiet) {
      for (const auto& p : *profs) std::cout << p.id << "\n";
    } else if (fmt == OutputFormat::Text) {
      std::vector<std::vector<std::string>> rows;
      for (const auto& p : *profs)
        rows.push_back({p.id, p.broken.empty() ? p.process_id : "broken: " + p.broken, p.type,
                        p.start_unix_ns ? human_ago(p.start_unix_ns, now) : "unknown",
                        human_duration(p.duration_ns), human_size(p.size)});
      std::cout << format_table({"PROFILE ID", "PROCESS ID", "TYPE", "START", "DURATION", "SIZE"}, rows);
    } else {
      json j = json::array();
      for (const auto& p : *profs) {
        json e = {{"id", p.id}, {"process", p.process_id}, {"type", p.type}, {"start", rfc3339(p.start_unix_ns)},
                  {"start_unix_ns", p.start_unix_ns}, {"duration_ns", p.duration_ns}, {"size", p.size}};
        if (!p.broken.empty()) e["broken"] = p.broken;
        j.push_back(e);
      }
      emit(j, fmt);
    }
    return kExitOk;
  }

  ProcessQuery q;
  if (vm.count("status"))
    for (const auto& s : vm["status"].as<std::vector<std::string>>())
      for (size_t at = 0; at <= s.size();) {
        size_t comma = std::min(s.find(',', at), s.size());
        std::string word = s.substr(at, comma - at);
        const auto& known = process_statuses();
        if (std::find(known.begin(), known.end(), word) == known.end()) {
          std::string list;
          for (const auto& k : known) list += (list.empty() ? "" : ", ") + k;
          return usage_error("get", "--status " + word + ": not a status (" + list + ")");
        }
        q.statuses.push_back(word);
        at = comma + 1;
      }
  q.failed = vm.count("failed") > 0;
  if (vm.count("module")) q.module = vm["module"].as<std::string>();
  if (vm.count("since")) {
    auto age = parse_age_option("--since", vm["since"].as<std::string>());
    if (!age) return usage_error("get", age.error().message);
    q.since_ns = *age;
  }
  q.sort = vm["sort"].as<std::string>();
  if (q.sort != "start" && q.sort != "duration" && q.sort != "size")
    return usage_error("get", "--sort must be start, duration or size");
  if (vm.count("limit")) {
    auto n = parse_number_option("-n", vm["limit"].as<std::string>(), 0, UINT32_MAX);
    if (!n) return usage_error("get", n.error().message);
    q.limit = *n;
  }
  auto procs = remote ? registry::list_remote_processes(*remote) : reg->list_processes();
  if (!procs) return fail(kExitError, procs.error().to_string());
  auto shown = select_processes(std::move(*procs), q, now);
  if (quiet) {
    for (const auto& p : shown) std::cout << p.id << "\n";
  } else if (fmt == OutputFormat::Text) {
    std::cout << process_table(shown, now);
  } else {
    std::cout << process_objects(shown, now, fmt);
  }
  return kExitOk;
}

}  // namespace tc::cli
