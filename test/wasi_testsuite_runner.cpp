// Runs the official WASI test suite (WebAssembly/wasi-testsuite) through the
// timecraft CLI, following its doc/specification.md: every tests/*/testsuite/
// wasm32-wasip1/*.wasm with its .json (legacy keys or "operations"), stale
// *.cleanup files removed first, args/env/root passed, exit code and any
// expected stdout/stderr checked exactly.
//
//   wasi_testsuite_runner [--timecraft BIN] [--expectations FILE] [--chaotic RATE] [-v] [SUITE_DIR]
//
// SUITE_DIR defaults to $TIMECRAFT_WASI_SUITE, else ../shared/wasi-testsuite;
// BIN to $TIMECRAFT_BIN, else bin/timecraft. The `root` directory is copied to
// a fresh temporary directory (so the suite stays untouched and each test
// starts from the same files) and preopened there as "/". The expectations
// file lists "NAME reason" lines for tests expected to fail. The last line
// is "N passed, N failed". --chaotic RATE runs every test under fault
// injection at that rate (`run --chaotic RATE`; 0 checks it changes nothing).
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "test/wasi_proc.hpp"

namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

struct Spec {
  std::vector<std::string> args;
  std::vector<std::pair<std::string, std::string>> env;
  std::string root;  // relative to the test's directory; empty: none
  int exit_code = 0;
  std::map<std::string, std::string> reads;  // stream id -> expected payload
  std::string unsupported;                   // non-empty: an operation we cannot run
};

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void read_run(const json& j, Spec& s) {
  if (j.contains("args")) s.args = j["args"].get<std::vector<std::string>>();
  if (j.contains("env"))
    for (auto& [k, v] : j["env"].items()) s.env.emplace_back(k, v.get<std::string>());
  if (j.contains("root") && !j["root"].is_null()) s.root = j["root"].get<std::string>();
}

Spec parse_spec(const fs::path& json_path) {
  Spec s;
  if (!fs::exists(json_path)) return s;
  json j = json::parse(read_file(json_path));
  if (j.contains("operations")) {
    if (j.contains("proposals") && !j["proposals"].empty())
      s.unsupported = "proposals " + j["proposals"].dump();
    for (const auto& op : j["operations"]) {
      std::string type = op.value("type", "");
      if (type == "run") read_run(op, s);
      else if (type == "wait") s.exit_code = op.value("exit_code", 0);
      else if (type == "read") s.reads[op.value("id", "stdout")] += op.value("payload", "");
      else s.unsupported = "operation " + type;
    }
  } else {
    read_run(j, s);
    s.exit_code = j.value("exit_code", 0);
    if (j.contains("stdout") && !j["stdout"].is_null()) s.reads["stdout"] = j["stdout"];
    if (j.contains("stderr") && !j["stderr"].is_null()) s.reads["stderr"] = j["stderr"];
  }
  return s;
}

void remove_cleanup_files(const fs::path& dir) {
  std::error_code ec;
  std::vector<fs::path> stale;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::end(it); it.increment(ec))
    if (it->path().extension() == ".cleanup") stale.push_back(it->path());
  for (const auto& p : stale) fs::remove_all(p, ec);
}

// Copies `from` to a new temporary directory, adding owner write permission.
fs::path copy_root(const fs::path& from) {
  std::string tmpl = (fs::temp_directory_path() / "tc-wasi-root-XXXXXX").string();
  if (!mkdtemp(tmpl.data())) return {};
  fs::path to = tmpl;
  std::error_code ec;
  fs::copy(from, to, fs::copy_options::recursive | fs::copy_options::copy_symlinks, ec);
  for (auto it = fs::recursive_directory_iterator(to, ec); !ec && it != fs::end(it); it.increment(ec))
    if (!it->is_symlink())
      fs::permissions(it->path(), fs::perms::owner_write | fs::perms::owner_read, fs::perm_options::add, ec);
  fs::permissions(to, fs::perms::owner_all, fs::perm_options::add, ec);
  return to;
}

std::string show(const std::string& s) {
  std::string r;
  for (char c : s.substr(0, 200)) r += c == '\n' ? std::string("\\n") : std::string(1, c);
  return "\"" + r + (s.size() > 200 ? "...\"" : "\"");
}

}  // namespace

int main(int argc, char** argv) {
  std::string timecraft = std::getenv("TIMECRAFT_BIN") ? std::getenv("TIMECRAFT_BIN") : "bin/timecraft";
  std::string suite = std::getenv("TIMECRAFT_WASI_SUITE") ? std::getenv("TIMECRAFT_WASI_SUITE")
                                                          : "../shared/wasi-testsuite";
  std::string expectations, chaotic;
  bool verbose = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--timecraft" && i + 1 < argc) timecraft = argv[++i];
    else if (a == "--expectations" && i + 1 < argc) expectations = argv[++i];
    else if (a == "--chaotic" && i + 1 < argc) chaotic = argv[++i];
    else if (a == "-v") verbose = true;
    else suite = a;
  }
  std::map<std::string, std::string> xfail;
  if (!expectations.empty()) {
    std::ifstream in(expectations);
    for (std::string line; std::getline(in, line);) {
      if (line.empty() || line[0] == '#') continue;
      auto sp = line.find(' ');
      xfail[line.substr(0, sp)] = sp == std::string::npos ? "" : line.substr(sp + 1);
    }
  }
  timecraft = fs::absolute(timecraft).string();

  std::vector<fs::path> dirs;
  std::error_code ec;
  for (auto& lang : fs::directory_iterator(fs::path(suite) / "tests", ec)) {
    fs::path d = lang.path() / "testsuite" / "wasm32-wasip1";
    if (fs::is_directory(d)) dirs.push_back(d);
  }
  if (dirs.empty()) {
    std::cout << "no wasm32-wasip1 tests under " << suite << "/tests\n0 passed, 1 failed\n";
    return 1;
  }
  std::sort(dirs.begin(), dirs.end());
  int passed = 0, failed = 0;
  for (const auto& dir : dirs) {
    remove_cleanup_files(dir);
    std::vector<fs::path> wasms;
    for (auto& f : fs::directory_iterator(dir))
      if (f.path().extension() == ".wasm") wasms.push_back(f.path());
    std::sort(wasms.begin(), wasms.end());
    for (const auto& wasm : wasms) {
      std::string name = dir.parent_path().parent_path().filename().string() + "/" +
                         wasm.stem().string();
      Spec spec = parse_spec(fs::path(wasm).replace_extension(".json"));
      std::string why;
      if (!spec.unsupported.empty()) {
        why = "unsupported " + spec.unsupported;
      } else {
        std::vector<std::string> cmd = {timecraft, "run"};
        if (!chaotic.empty()) cmd.insert(cmd.end(), {"--chaotic", chaotic, "--chaos-seed", "1"});
        fs::path root;
        if (!spec.root.empty()) {
          root = copy_root(dir / spec.root);
          cmd.push_back("--dir");
          cmd.push_back(root.string() + "::/");
        }
        for (const auto& [k, v] : spec.env) cmd.push_back("--env=" + k + "=" + v);
        cmd.push_back("--");
        cmd.push_back(wasm.string());
        cmd.insert(cmd.end(), spec.args.begin(), spec.args.end());
        auto r = tc::test::run_process(cmd, 120);
        if (!root.empty()) fs::remove_all(root, ec);
        if (r.timed_out) why = "timed out";
        else if (r.exit_code != spec.exit_code)
          why = "exit code " + std::to_string(r.exit_code) + ", expected " +
                std::to_string(spec.exit_code) + "; stderr: " + show(r.err);
        else if (spec.reads.count("stdout") && r.out != spec.reads["stdout"])
          why = "stdout " + show(r.out) + ", expected " + show(spec.reads["stdout"]);
        else if (spec.reads.count("stderr") && r.err != spec.reads["stderr"])
          why = "stderr " + show(r.err) + ", expected " + show(spec.reads["stderr"]);
        if (verbose && why.empty()) std::cout << "  stdout: " << show(r.out) << "\n";
      }
      remove_cleanup_files(dir);
      auto x = xfail.find(name);
      if (why.empty() && x == xfail.end()) {
        ++passed;
        std::cout << "PASS " << name << "\n";
      } else if (!why.empty() && x != xfail.end()) {
        ++passed;
        std::cout << "XFAIL " << name << " (" << x->second << ")\n";
      } else {
        ++failed;
        std::cout << "FAIL " << name << ": " << (why.empty() ? "passed but listed as expected failure" : why)
                  << "\n";
      }
    }
  }
  std::cout << passed << " passed, " << failed << " failed\n";
  return failed == 0 ? 0 : 1;
}
