// The list of accepted spec-test deviations. Every entry carries a reason:
//
//   skip  simd_*.wast        reason...   whole files not run (counted as skipped)
//   fail  names.wast:1234    reason...   one command whose failure is accepted
//
// '#' starts a comment. A listed failure that passes is itself a failure,
// so the list cannot silently go stale.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "interp/error.hpp"

namespace tc::spec {

class Expectations {
 public:
  static Expected<Expectations> load(const std::string& path);

  // Reason when the file (base name) is to be skipped.
  std::optional<std::string> skip_reason(const std::string& file) const;
  // Reason when the command at file:line may fail.
  std::optional<std::string> accepted_failure(const std::string& file, uint32_t line) const;

 private:
  struct Entry {
    bool skip = false;
    std::string pattern;  // file glob (skip) or file name (fail)
    uint32_t line = 0;
    std::string reason;
  };
  std::vector<Entry> entries_;
};

bool glob_match(const std::string& pattern, const std::string& text);

}  // namespace tc::spec
