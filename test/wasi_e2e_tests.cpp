// End-to-end WASI tests: each program of test/wasi (compiled to wasm32-wasi
// during the build and installed next to this binary) runs through the real
// CLI, and its stdout and exit status must match exactly. Header comments in
// the source give the run: "// ARGS: a b", "// ENV: K=V", "// DIR: /"
// (preopen a fresh fixture directory under that guest name), "// EXIT: n".
// DIR tests also check that nothing outside the preopened directory changed.
//
// Paths: $TIMECRAFT_BIN (default bin/timecraft), $TIMECRAFT_WASI_PROGRAMS
// (default: this binary's directory), $TIMECRAFT_WASI_SOURCES (default test/wasi).
#define BOOST_TEST_MODULE wasi_e2e_tests
#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "test/wasi_proc.hpp"

namespace fs = std::filesystem;

namespace {

std::string env_or(const char* name, const std::string& dflt) {
  const char* v = std::getenv(name);
  return v && *v ? v : dflt;
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

fs::path programs_dir() {
  return env_or("TIMECRAFT_WASI_PROGRAMS",
                fs::path(boost::unit_test::framework::master_test_suite().argv[0]).parent_path().string());
}

struct Spec {
  std::vector<std::string> args, env;
  std::string dir;
  int exit_code = 0;
};

// Splits "one \"two words\" 3" into words, honouring double quotes.
std::vector<std::string> split_args(const std::string& s) {
  std::vector<std::string> out;
  std::string cur;
  bool quoted = false, any = false;
  for (char c : s) {
    if (c == '"') { quoted = !quoted; any = true; }
    else if (c == ' ' && !quoted) { if (any) out.push_back(cur); cur.clear(); any = false; }
    else { cur += c; any = true; }
  }
  if (any) out.push_back(cur);
  return out;
}

Spec read_spec(const fs::path& src) {
  Spec s;
  std::istringstream in(slurp(src));
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("// ", 0) != 0) break;
    auto field = [&](const char* key) -> const char* {
      size_t n = std::strlen(key);
      return line.compare(3, n, key) == 0 ? line.c_str() + 3 + n : nullptr;
    };
    if (auto v = field("ARGS: ")) s.args = split_args(v);
    else if (auto v = field("ENV: ")) s.env.push_back(v);
    else if (auto v = field("DIR: ")) s.dir = v;
    else if (auto v = field("EXIT: ")) s.exit_code = std::atoi(v);
  }
  return s;
}

void run_program(const std::string& name) {
  fs::path sources = env_or("TIMECRAFT_WASI_SOURCES", "test/wasi");
  fs::path src = sources / (name + ".c");
  if (!fs::exists(src)) src = sources / (name + ".cpp");
  fs::path wasm = programs_dir() / (name + ".wasm");
  BOOST_REQUIRE_MESSAGE(fs::exists(src), "missing source " << src);
  BOOST_REQUIRE_MESSAGE(fs::exists(wasm), "missing program " << wasm << " (built by b2 test)");
  Spec spec = read_spec(src);

  std::vector<std::string> cmd = {fs::absolute(env_or("TIMECRAFT_BIN", "bin/timecraft")).string(), "run"};
  fs::path tmp;
  if (!spec.dir.empty()) {
    std::string t = (fs::temp_directory_path() / "tc-wasi-e2e-XXXXXX").string();
    BOOST_REQUIRE(mkdtemp(t.data()));
    tmp = t;
    fs::create_directories(tmp / "root" / "sub");
    std::ofstream(tmp / "outside.txt") << "secret\n";
    std::ofstream(tmp / "root" / "data.txt") << "hello world\n";
    cmd.push_back("--dir");
    cmd.push_back((tmp / "root").string() + "::" + spec.dir);
  }
  for (const auto& e : spec.env) cmd.push_back("--env=" + e);
  cmd.push_back(wasm.string());
  cmd.insert(cmd.end(), spec.args.begin(), spec.args.end());

  setenv("TIMECRAFT_E2E_LEAK", "1", 1);  // must never reach a guest
  auto r = tc::test::run_process(cmd, 60);
  BOOST_TEST(!r.timed_out);
  BOOST_TEST(r.exit_code == spec.exit_code, name << ": exit " << r.exit_code << ", stderr: " << r.err);
  std::string expected = slurp(sources / (name + ".stdout"));
  BOOST_TEST(r.out == expected, name << ": stdout differs:\n--- got\n" << r.out << "--- expected\n" << expected);
  if (!tmp.empty()) {
    // The sandbox held: outside the preopen, exactly what the fixture made.
    std::vector<std::string> outside;
    for (auto& e : fs::directory_iterator(tmp)) outside.push_back(e.path().filename().string());
    std::sort(outside.begin(), outside.end());
    BOOST_TEST((outside == std::vector<std::string>{"outside.txt", "root"}), name << ": files appeared outside");
    BOOST_TEST(slurp(tmp / "outside.txt") == "secret\n");
    fs::remove_all(tmp);
  }
}

}  // namespace

BOOST_AUTO_TEST_CASE(args_env) { run_program("args_env"); }
BOOST_AUTO_TEST_CASE(files) { run_program("files"); }
BOOST_AUTO_TEST_CASE(sandbox) { run_program("sandbox"); }
BOOST_AUTO_TEST_CASE(fds) { run_program("fds"); }
BOOST_AUTO_TEST_CASE(clocks_random) { run_program("clocks_random"); }
BOOST_AUTO_TEST_CASE(bad_pointers) { run_program("bad_pointers"); }
BOOST_AUTO_TEST_CASE(exit_code) { run_program("exit_code"); }
BOOST_AUTO_TEST_CASE(trap) { run_program("trap"); }
BOOST_AUTO_TEST_CASE(hello_cpp) { run_program("hello_cpp"); }

// Every program in the source directory has a test case above.
BOOST_AUTO_TEST_CASE(all_programs_listed) {
  const std::vector<std::string> listed = {"args_env", "files", "sandbox", "fds", "clocks_random",
                                           "bad_pointers", "exit_code", "trap", "hello_cpp"};
  for (auto& e : fs::directory_iterator(env_or("TIMECRAFT_WASI_SOURCES", "test/wasi"))) {
    auto ext = e.path().extension();
    if (ext != ".c" && ext != ".cpp") continue;
    std::string n = e.path().stem().string();
    BOOST_TEST((std::find(listed.begin(), listed.end(), n) != listed.end()), n << " has no test case");
  }
}
