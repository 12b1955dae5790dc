// `describe process`: each id in turn, as text or typed JSON/YAML.
#pragma once
#include <string>
#include <vector>

#include "registry/registry.hpp"
#include "tools/format.hpp"

namespace tc::cli {

// One that does not resolve (or whose metadata is broken) is a one-line
// error, the others are still shown; the exit status is then 1.
int describe_processes(registry::Registry& reg, const std::vector<std::string>& prefixes,
                       OutputFormat fmt, bool verbose);

}  // namespace tc::cli
