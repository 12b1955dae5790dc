// A private directory, registry, configuration file and validation key per
// test case, for end-to-end tests of the CLI, with helpers to run
// bin/timecraft against them and edit what it stored. The registry, config
// and key reach every command through the environment, so arguments are
// passed exactly as a user types them.
// Paths: $TIMECRAFT_BIN (default bin/timecraft); test programs next to the
// test binary.
#pragma once
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "test/wasi_proc.hpp"

namespace tc::test {

namespace fs = std::filesystem;

inline std::string env_or(const char* name, const std::string& dflt) {
  const char* v = std::getenv(name);
  return v && *v ? v : dflt;
}

struct CliFixture {
  fs::path root = fs::temp_directory_path() /
                  ("tc_cli_" + std::to_string(::getpid()) + "_" +
                   boost::unit_test::framework::current_test_case().p_name.get());
  fs::path registry = root / "registry";
  fs::path config = root / "config.yaml";       // none yet: the defaults
  fs::path key_file = root / "validation.key";  // never the user's own key
  std::string bin = fs::absolute(env_or("TIMECRAFT_BIN", "bin/timecraft")).string();
  fs::path programs =
      fs::path(boost::unit_test::framework::master_test_suite().argv[0]).parent_path();
  double seconds = 0;  // how long the last tc() took

  CliFixture() {
    fs::create_directories(root);
    ::setenv("TIMECRAFT_CONFIG", config.c_str(), 1);
    ::setenv("TIMECRAFT_REGISTRY", registry.c_str(), 1);
    ::setenv("TIMECRAFT_KEY_FILE", key_file.c_str(), 1);
  }
  ~CliFixture() {
    std::error_code ec;
    fs::remove_all(root, ec);
  }

  // bin/timecraft ARGS...
  ProcResult tc(std::vector<std::string> args, int timeout = 60,
                const std::string& stdin_path = "/dev/null") {
    args.insert(args.begin(), bin);
    auto t0 = std::chrono::steady_clock::now();
    auto r = run_process(args, timeout, stdin_path);
    seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return r;
  }
  fs::path write(const std::string& name, const std::string& text) {
    auto p = root / name;
    std::ofstream(p, std::ios::binary) << text;
    return p;
  }
  fs::path process_json(const std::string& id) const {
    return registry / "processes" / id / "process.json";
  }
};

inline size_t lines(const std::string& s) {
  size_t n = 0;
  for (char c : s) n += c == '\n';
  return n + (!s.empty() && s.back() != '\n');
}

// The process id is the first line of a recorded run's stderr; removes it.
inline std::string take_id(std::string& err) {
  auto nl = err.find('\n');
  std::string id = err.substr(0, nl);
  err.erase(0, nl == std::string::npos ? err.size() : nl + 1);
  return id;
}

inline bool contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

inline bool crashed(const ProcResult& r) {
  return r.timed_out || (r.exit_code >= 128 && r.exit_code != 134) ||
         contains(r.err, "Sanitizer") || contains(r.err, "terminate");
}

// One line on stderr: "timecraft: error: ...\n".
inline bool one_error_line(const ProcResult& r) {
  return r.err.rfind("timecraft: error: ", 0) == 0 && r.err.find('\n') == r.err.size() - 1;
}

inline std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}
inline void spit(const fs::path& p, const std::string& s) {
  std::ofstream(p, std::ios::binary | std::ios::trunc) << s;
}

}  // namespace tc::test
