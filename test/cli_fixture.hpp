// A temporary registry and validation key for end-to-end tests of the CLI,
// with helpers to run bin/timecraft against it and edit what it stored.
// Paths: $TIMECRAFT_BIN (default bin/timecraft); test programs next to the
// test binary.
#pragma once
#include <boost/test/unit_test.hpp>
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
  fs::path key_file = root / "validation.key";  // never the user's own key
  std::string bin = fs::absolute(env_or("TIMECRAFT_BIN", "bin/timecraft")).string();
  fs::path programs =
      fs::path(boost::unit_test::framework::master_test_suite().argv[0]).parent_path();
  CliFixture() {
    fs::create_directories(root);
    ::setenv("TIMECRAFT_KEY_FILE", key_file.c_str(), 1);
  }
  ~CliFixture() {
    std::error_code ec;
    fs::remove_all(root, ec);
  }

  // bin/timecraft CMD --registry <ours> ARGS...
  ProcResult tc(std::vector<std::string> args, const std::string& stdin_path = "/dev/null") {
    args.insert(args.begin(), {bin});
    args.insert(args.begin() + 2, {"--registry", registry.string()});
    return run_process(args, 60, stdin_path);
  }
  fs::path process_json(const std::string& id) const {
    return registry / "processes" / id / "process.json";
  }
};

// The process id is the first line of a recorded run's stderr; removes it.
inline std::string take_id(std::string& err) {
  auto nl = err.find('\n');
  std::string id = err.substr(0, nl);
  err.erase(0, nl == std::string::npos ? err.size() : nl + 1);
  return id;
}

inline bool crashed(const ProcResult& r) {
  return r.timed_out || (r.exit_code >= 128 && r.exit_code != 134) ||
         r.err.find("Sanitizer") != std::string::npos || r.err.find("terminate") != std::string::npos;
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
