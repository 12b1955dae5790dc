#include "tools/resources.hpp"

#include <iostream>

#include "tools/cli.hpp"

namespace tc::cli {

const std::vector<ResourceName>& resource_names() {
  static const std::vector<ResourceName> names = {
      {Resource::Process, "process", {"processes", "proc", "procs", "ps"}},
      {Resource::Module, "module", {"modules", "mod", "mods"}},
      {Resource::Config, "config", {"configs", "cfg"}},
      {Resource::Log, "log", {"logs"}},
      {Resource::Profile, "profile", {"profiles", "prof"}},
      {Resource::Bundle, "bundle", {"bundles"}},
  };
  return names;
}

std::optional<Resource> parse_resource(const std::string& word, const std::string& cmd,
                                       const std::vector<Resource>& allowed) {
  std::vector<std::string> choices;
  for (const auto& r : resource_names()) {
    bool ok = false;
    for (auto a : allowed) ok |= a == r.type;
    if (!ok) continue;
    choices.push_back(r.name);
    if (word == r.name) return r.type;
    for (auto a : r.aliases) {
      if (word == a) return r.type;
      choices.push_back(a);
    }
  }
  std::cerr << "timecraft " << cmd << ": unknown resource type \"" << word << "\"";
  auto near = closest(word, choices);
  if (!near.empty()) std::cerr << "; did you mean \"" << near << "\"?";
  std::cerr << "\n";
  return std::nullopt;
}

}  // namespace tc::cli
