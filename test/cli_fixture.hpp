// Shared by the CLI robustness tests: a private directory, registry and
// configuration file per test, and bin/timecraft run as a child process.
// Paths: $TIMECRAFT_BIN (default bin/timecraft); test programs next to the
// test binary.
#pragma once
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <boost/test/unit_test.hpp>

#include "test/wasi_proc.hpp"

namespace tc::test {

inline std::string env_or(const char* name, const std::string& dflt) {
  const char* v = std::getenv(name);
  return v && *v ? v : dflt;
}

struct CliFixture {
  std::filesystem::path root = std::filesystem::temp_directory_path() /
                               ("tc_cli_" + std::to_string(::getpid()));
  std::filesystem::path registry = root / "registry";
  std::filesystem::path config = root / "config.yaml";
  std::string bin = std::filesystem::absolute(env_or("TIMECRAFT_BIN", "bin/timecraft")).string();
  std::filesystem::path programs = std::filesystem::path(
      boost::unit_test::framework::master_test_suite().argv[0]).parent_path();
  double seconds = 0;  // how long the last tc() took

  CliFixture() {
    std::filesystem::create_directories(root);
    ::setenv("TIMECRAFT_CONFIG", config.c_str(), 1);  // none yet: the defaults
    ::setenv("TIMECRAFT_REGISTRY", registry.c_str(), 1);
  }
  ~CliFixture() {
    std::error_code ec;
    std::filesystem::remove_all(root, ec);
  }

  ProcResult tc(std::vector<std::string> args, int timeout = 60,
                const std::string& stdin_path = "/dev/null") {
    args.insert(args.begin(), bin);
    auto t0 = std::chrono::steady_clock::now();
    auto r = run_process(args, timeout, stdin_path);
    seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return r;
  }

  std::filesystem::path write(const std::string& name, const std::string& text) {
    auto p = root / name;
    std::ofstream(p, std::ios::binary) << text;
    return p;
  }
};

inline size_t lines(const std::string& s) {
  size_t n = 0;
  for (char c : s) n += c == '\n';
  return n + (!s.empty() && s.back() != '\n');
}

// The process id is the first line of a recorded run's stderr.
inline std::string take_id(std::string& err) {
  auto nl = err.find('\n');
  std::string id = err.substr(0, nl);
  err.erase(0, nl == std::string::npos ? err.size() : nl + 1);
  return id;
}

inline bool contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

}  // namespace tc::test
