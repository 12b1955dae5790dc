// Resource types of `get`, `describe` and `export`, with kubectl-style aliases.
#pragma once
#include <optional>
#include <string>
#include <vector>

namespace tc::cli {

enum class Resource { Process, Module, Config, Log, Profile, Bundle };

struct ResourceName {
  Resource type;
  const char* name;
  std::vector<const char*> aliases;
};

const std::vector<ResourceName>& resource_names();
// Resolves a name or alias; on failure prints the error (with a suggestion).
std::optional<Resource> parse_resource(const std::string& word, const std::string& cmd,
                                       const std::vector<Resource>& allowed);

}  // namespace tc::cli
