// `get ps`: which processes to list (filters, order, limit) and how to show
// them (a table, or typed JSON/YAML). Kept apart from cmd_get.cpp, which
// only parses the options.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "registry/registry.hpp"
#include "tools/format.hpp"

namespace tc::cli {

struct ProcessQuery {
  std::vector<std::string> statuses;  // --status (any of them), e.g. "exited", "trapped"
  bool failed = false;                // --failed: a non-zero exit, a trap, a failure, a kill
  std::string module;                 // --module NAME or digest prefix (sha256: optional)
  std::optional<int64_t> since_ns;    // --since: started within this long
  std::string sort = "start";         // start (newest first) | duration | size (largest first)
  std::optional<uint64_t> limit;      // -n
};

// The status words --status accepts (and get ps shows, before any code).
const std::vector<std::string>& process_statuses();

// "exited 0", "trapped", "interrupted (SIGINT)", "killed", ...
std::string status_text(const registry::ProcessSummary& p);
// How long it ran: end - start, or now - start while it runs; 0 if unknown.
int64_t duration_ns(const registry::ProcessSummary& p, int64_t now_ns);

std::vector<registry::ProcessSummary> select_processes(std::vector<registry::ProcessSummary> all,
                                                       const ProcessQuery& q, int64_t now_ns);

std::string process_table(const std::vector<registry::ProcessSummary>& ps, int64_t now_ns);
// One typed object per process (numbers as numbers, times as RFC 3339 and
// unix ns), as text in `fmt` (json or yaml).
std::string process_objects(const std::vector<registry::ProcessSummary>& ps, int64_t now_ns,
                            OutputFormat fmt);

}  // namespace tc::cli
