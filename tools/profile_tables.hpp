// `timecraft profile`'s tables: the top functions (self and total
// instructions, calls, time) and the top source lines, as text, JSON or
// YAML.
#pragma once
#include <string>

#include "profile/profile.hpp"
#include "tools/format.hpp"

namespace tc::cli {

std::string function_table(const profile::Profile& p, size_t top, OutputFormat fmt);
std::string line_table(const profile::Profile& p, size_t top, OutputFormat fmt);
// What the registry keeps with a stored profile: totals and the top functions (JSON).
std::string profile_summary(const profile::Profile& p, size_t top);

}  // namespace tc::cli
