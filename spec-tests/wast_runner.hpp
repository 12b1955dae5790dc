// Runs .wast scripts against the engine, the way the reference interpreter
// does: every command is one check; failures name file:line, the command
// and why.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "interp/features.hpp"
#include "spec-tests/expectations.hpp"

namespace tc::spec {

struct RunOptions {
  const Expectations* expectations = nullptr;  // may be null
  uint32_t max_call_depth = 10000;
  // Runs each script first on the exact code alone, counting the
  // instructions each command executes, then as usual with counted tiers
  // (EngineConfig::exact_tier): a command whose count differs fails.
  bool check_counts = false;
  // What modules are read as; run_wast_file reads the scripts of a
  // directory named wasm-2.0 as WebAssembly 2.0 (Features::wasm2()).
  wasm::Features features;
};

struct FileReport {
  std::string file;  // base name, e.g. "i32.wast"
  uint64_t passed = 0, failed = 0, skipped = 0;
  std::string skip_reason;            // whole file skipped
  std::vector<std::string> failures;  // "file:line: command: why"
  std::vector<std::string> notes;     // accepted failures, with reasons
};

// Runs one script given its source text (display name for messages).
FileReport run_wast_source(const std::string& name, const std::string& source,
                           const RunOptions& opts);
// Reads `path` and runs it; an unreadable file is one failure.
FileReport run_wast_file(const std::string& path, const RunOptions& opts);

}  // namespace tc::spec
