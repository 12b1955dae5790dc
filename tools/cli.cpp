#include "tools/cli.hpp"
#include "tools/format.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>

#include "registry/remote.hpp"
#include "registry/remote_store.hpp"


namespace tc::cli {

int fail(int code, const std::string& what) {
  std::cerr << "timecraft: error: " << what << "\n";
  return code;
}

int usage_error(const std::string& cmd, const std::string& what) {
  std::cerr << "timecraft " << cmd << ": " << what << "\n"
            << "Run 'timecraft help " << cmd << "' for usage.\n";
  return kExitUsage;
}

std::string closest(const std::string& word, const std::vector<std::string>& choices) {
  // Levenshtein distance; suggest only reasonably close words.
  std::string best;
  size_t best_d = std::max<size_t>(2, word.size() / 2) + 1;
  for (const auto& c : choices) {
    std::vector<size_t> prev(c.size() + 1), cur(c.size() + 1);
    for (size_t j = 0; j <= c.size(); ++j) prev[j] = j;
    for (size_t i = 1; i <= word.size(); ++i) {
      cur[0] = i;
      for (size_t j = 1; j <= c.size(); ++j)
        cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1,
                           prev[j - 1] + (word[i - 1] == c[j - 1] ? 0 : 1)});
      std::swap(prev, cur);
    }
    if (prev[c.size()] < best_d) { best_d = prev[c.size()]; best = c; }
  }
  return best;
}

Expected<std::shared_ptr<const wasm::Module>> load_module_bytes(const std::string& path,
                                                                std::vector<uint8_t> bytes,
                                                                bool prevalidated) {
  auto mod = prevalidated ? wasm::load_prevalidated_module(std::move(bytes))
                          : wasm::load_module(std::move(bytes));
  if (!mod) {
    auto e = mod.error();
    e.location = path + (e.location.empty() ? "" : ": " + e.location);
    return e;
  }
  return mod;
}

Expected<std::shared_ptr<const wasm::Module>> load_module_file(const std::string& path,
                                                               uint64_t max_bytes) {
  auto bytes = read_module_bytes(path, max_bytes);
  if (!bytes) return bytes.error();
  return load_module_bytes(path, std::move(*bytes), false);
}

}  // namespace tc::cli

namespace tc::cli {

int report_trap(const Error& e, const wasm::Module* module) {
  std::cerr << "timecraft: "
            << (e.kind == ErrorKind::Exhaustion ? "exhaustion" : e.kind == ErrorKind::Exception ? "exception" : "trap")
            << ": "
            << e.message << "\n";
  std::vector<TraceFrame> frames = e.backtrace;
  if (module) add_source_locations(frames, *module);
  std::cerr << format_backtrace(frames);
  return kExitTrap;
}

}  // namespace tc::cli

#include "registry/config.hpp"

namespace tc::cli {

Expected<registry::Registry> open_registry(const std::string& flag, bool create) {
  std::string root = flag;
  if (root.empty()) {
    if (const char* r = std::getenv("TIMECRAFT_REGISTRY"); r && *r) root = r;
  }
  if (root.empty()) {
    auto cfg = registry::load_config();
    if (!cfg) return cfg.error();
    root = cfg->registry_root;
  }
  if (root.empty()) root = registry::Registry::default_root();
  root = registry::expand_home(root);
  return create ? registry::Registry::open(root) : registry::Registry::open_existing(root);
}

Expected<std::shared_ptr<registry::ObjectStore>> open_remote(const std::string& flag) {
  auto cfg = registry::load_config();
  if (!cfg) return cfg.error();
  auto pick = [](const std::string& given, const char* env, const std::string& configured) {
    if (!given.empty()) return given;
    if (const char* v = std::getenv(env); v && *v) return std::string(v);
    return configured;
  };
  std::string url = pick(flag, "TIMECRAFT_REMOTE", cfg->remote);
  if (url.empty()) return std::shared_ptr<registry::ObjectStore>();
  std::string endpoint = pick("", "TIMECRAFT_REMOTE_ENDPOINT", cfg->endpoint);
  std::string region = pick("", "TIMECRAFT_REMOTE_REGION", cfg->region);
  if (endpoint.empty())
    return make_error(ErrorKind::Usage, url + ": no endpoint (registry.endpoint in " +
                                            registry::config_path() + ")");
  return registry::open_remote_store(url, endpoint, region);
}

Expected<std::shared_ptr<registry::ObjectStore>> require_remote(const std::string& flag) {
  auto r = open_remote(flag);
  if (r && !*r)
    return make_error(ErrorKind::Usage, "no remote registry (--remote URL, $TIMECRAFT_REMOTE or "
                                        "registry.remote in " + registry::config_path() + ")");
  return r;
}

Expected<std::optional<std::string>> pull_missing(const std::string& registry_flag,
                                                  const std::string& prefix) {
  auto remote = open_remote("");
  if (!remote) return remote.error();
  if (!*remote) return std::optional<std::string>();
  auto id = registry::resolve_remote(**remote, prefix);
  if (!id) return id.error();
  auto reg = open_registry(registry_flag, true);
  if (!reg) return reg.error();
  auto st = registry::pull_process(*reg, **remote, *id);
  if (!st) return st.error();
  std::cerr << "timecraft: pulled process " << *id << " from " << (*remote)->describe() << " ("
            << st->bytes << " bytes)\n";
  return std::optional<std::string>(*id);
}

Expected<std::pair<registry::Registry, std::string>> open_process(const std::string& registry_flag,
                                                                  const std::string& prefix) {
  auto reg = open_registry(registry_flag);
  Error local_error = make_error(ErrorKind::Usage, "");
  if (reg) {
    auto id = reg->resolve(registry::ObjectKind::Process, prefix);
    if (id) return std::make_pair(std::move(*reg), std::move(*id));
    local_error = id.error();
  } else {
    local_error = reg.error();
  }
  auto pulled = pull_missing(registry_flag, prefix);
  if (!pulled) return make_error(pulled.error().kind, local_error.message + "; " + pulled.error().message);
  if (!*pulled) return local_error;
  auto again = open_registry(registry_flag);
  if (!again) return again.error();
  return std::make_pair(std::move(*again), std::move(**pulled));
}

}  // namespace tc::cli
