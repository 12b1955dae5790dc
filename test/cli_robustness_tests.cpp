// Bad input on the command line never crashes or misbehaves silently:
//  - every number an option takes is range-checked (a usage error, exit 2,
//    naming the option), and so are the config file's sizes;
//  - `wast` with a path that names no script is an error;
//  - a module file is checked from its header and bounded in size: /dev/zero,
//    a 2 GB sparse file or an endless pipe fail fast with one line, while a
//    module fed through a FIFO still runs.
#define BOOST_TEST_MODULE cli_robustness_tests
#include <boost/test/unit_test.hpp>

#include <csignal>
#include <fcntl.h>
#include <sys/stat.h>
#include <regex>
#include <sstream>
#include <thread>

#include "test/cli_fixture.hpp"

namespace fs = std::filesystem;
using namespace tc::test;

namespace {

const char kStart[] = "(module (func (export \"_start\")))\n";

// A text module of about `kib` KiB (a data segment).
std::string big_module(size_t kib) {
  return "(module (memory 16) (data (i32.const 0) \"" + std::string(kib << 10, 'x') +
         "\") (func (export \"_start\")))\n";
}

// Writes `data` into the FIFO `path` from a thread (then closes it); with
// `endless`, repeats zeros after it until the reader goes away.
std::thread feed_fifo(const fs::path& path, std::string data, bool endless = false) {
  return std::thread([path, data = std::move(data), endless] {
    // Wait (at most 30 s) for the reader: a run that never opens the FIFO
    // must fail the test, not hang it.
    int fd = -1;
    for (int i = 0; i < 3000 && fd < 0; ++i) {
      fd = ::open(path.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC);
      if (fd < 0) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    if (fd < 0) return;
    ::fcntl(fd, F_SETFL, 0);  // blocking writes from here
    bool ok = ::write(fd, data.data(), data.size()) == ssize_t(data.size());
    static const char zeros[65536] = {};
    while (ok && endless) ok = ::write(fd, zeros, sizeof zeros) > 0;
    ::close(fd);
  });
}

struct Fixture : CliFixture {
  Fixture() { std::signal(SIGPIPE, SIG_IGN); }  // a FIFO reader that stops is not our death
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(numbers, Fixture)

BOOST_AUTO_TEST_CASE(run_rejects_out_of_range_numbers) {
  auto mod = write("start.wat", kStart).string();
  const std::vector<std::vector<std::string>> cases = {
      {"--max-call-depth", "-1"},          {"--max-call-depth", "99999999999"},
      {"--max-call-depth", "0"},           {"--max-call-depth", "16777217"},
      {"--max-call-depth", "12abc"},       {"--max-call-depth=-1"},
      {"--max-memory-pages", "70000"},     {"--max-memory-pages", "65537"},
      {"--max-memory-pages", "-1"},        {"--record-batch-size", "0"},
      {"--record-batch-size", "1000001"},  {"--record-batch-size", "99999999999999999999"},
      {"--record-batch-size", "-1"},       {"--listen", "127.0.0.1:99999"},
      {"--listen", "127.0.0.1:65536"},     {"--listen", "host:abc"},
      {"--listen", "127.0.0.1:-1"},        {"--listen", "127.0.0.1"},
  };
  for (const auto& c : cases) {
    std::vector<std::string> args = {"run", "--no-record"};
    args.insert(args.end(), c.begin(), c.end());
    args.push_back(mod);
    auto r = tc(args);
    std::string option = c[0].substr(0, c[0].find('='));
    BOOST_TEST_CONTEXT(c[0] << " " << (c.size() > 1 ? c[1] : "")) {
      BOOST_TEST(r.exit_code == 2);
      BOOST_TEST(r.err.rfind("timecraft run: " + option, 0) == 0, r.err);
      BOOST_TEST(lines(r.err) == 2u, r.err);  // the message, then "Run 'timecraft help run'"
    }
  }
}

BOOST_AUTO_TEST_CASE(run_accepts_numbers_at_the_limits) {
  auto mod = write("start.wat", kStart).string();
  auto r = tc({"run", "--no-record", "--max-call-depth", "16777216", "--max-memory-pages", "65536",
               "--record-batch-size", "1000000", mod});
  BOOST_TEST(r.exit_code == 0, r.err);
  r = tc({"run", "--no-record", "--max-call-depth", "1", "--max-memory-pages", "0",
          "--record-batch-size", "1", "--listen", "127.0.0.1:0", mod});
  BOOST_TEST(r.exit_code == 0, r.err);
}

BOOST_AUTO_TEST_CASE(wast_rejects_out_of_range_call_depth) {
  auto script = write("ok.wast", kStart).string();
  for (std::string bad : {"-1", "0", "99999999999"}) {
    auto r = tc({"wast", "--max-call-depth", bad, script});
    BOOST_TEST(r.exit_code == 2);
    BOOST_TEST(r.err.rfind("timecraft wast: --max-call-depth: \"" + bad + "\"", 0) == 0, r.err);
  }
  BOOST_TEST(tc({"wast", "--max-call-depth", "16777216", script}).exit_code == 0);
}

BOOST_AUTO_TEST_CASE(config_rejects_out_of_range_sizes) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"log:\n  batch-size: -1\n", "log.batch-size"},
      {"log:\n  batch-size: 0\n", "log.batch-size"},
      {"log:\n  batch-size: 1000001\n", "log.batch-size"},
      {"log:\n  batch-size: 99999999999999999999\n", "log.batch-size"},
      {"log:\n  segment-size: -1\n", "log.segment-size"},
      {"log:\n  segment-size: 1k\n", "log.segment-size"},
      {"log:\n  segment-size: 2TiB\n", "log.segment-size"},
      {"log:\n  segment-size: 17179869185GiB\n", "log.segment-size"},  // wrapped to 1GiB before
      {"log:\n  segment-size: 18446744073709551615\n", "log.segment-size"},
      {"module:\n  max-size: 0\n", "module.max-size"},
      {"module:\n  max-size: -1\n", "module.max-size"},
      {"module:\n  max-size: 2TiB\n", "module.max-size"},
      {"module:\n  max-size: lots\n", "module.max-size"},
  };
  auto mod = write("start.wat", kStart).string();
  for (const auto& [text, key] : cases) {
    write("config.yaml", text);
    BOOST_TEST_CONTEXT(text) {
      auto r = tc({"config"});
      BOOST_TEST(r.exit_code == 1);
      BOOST_TEST(r.err.rfind("timecraft: error: " + config.string() + ":2: " + key, 0) == 0, r.err);
      BOOST_TEST(lines(r.err) == 1u, r.err);
      // A run refuses the bad configuration too, before running anything.
      BOOST_TEST(tc({"run", "--no-record", mod}).exit_code == 1);
    }
  }
}

BOOST_AUTO_TEST_CASE(config_shows_the_module_size_limit) {
  auto r = tc({"config"});
  BOOST_TEST(r.exit_code == 0);
  BOOST_TEST(contains(r.out, "module:\n  max-size: 1GiB\n"), r.out);
  write("config.yaml", "module:\n  max-size: 3MiB\nlog:\n  segment-size: 1TiB\n");
  r = tc({"config"});
  BOOST_TEST(contains(r.out, "module:\n  max-size: 3MiB\n"), r.out);
  BOOST_TEST(contains(r.out, "segment-size: 1TiB\n"), r.out);
  r = tc({"get", "config", "-o", "json"});
  BOOST_TEST(contains(r.out, "\"max-size\": 3145728"), r.out);
  BOOST_TEST(contains(r.out, "\"segment-seconds\": 10"), r.out);  // the default
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_FIXTURE_TEST_SUITE(wast_paths, Fixture)

BOOST_AUTO_TEST_CASE(a_path_without_scripts_is_an_error) {
  fs::create_directories(root / "empty");
  write("empty/notes.txt", "not a script\n");
  for (std::string p : {(root / "nonexistent").string(), (root / "empty").string()}) {
    auto r = tc({"wast", p});
    BOOST_TEST_CONTEXT(p) {
      BOOST_TEST(r.exit_code == 1);
      BOOST_TEST(r.err.rfind("timecraft: error: " + p + ": ", 0) == 0, r.err);
      BOOST_TEST(lines(r.err) == 1u, r.err);
      BOOST_TEST(!contains(r.out, "0 files"), r.out);
    }
  }
  // Even next to a good script.
  auto good = write("ok.wast", kStart).string();
  BOOST_TEST(tc({"wast", good, (root / "empty").string()}).exit_code == 1);
  BOOST_TEST(tc({"wast", good}).exit_code == 0);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_FIXTURE_TEST_SUITE(module_files, Fixture)

BOOST_AUTO_TEST_CASE(dev_zero_fails_fast) {
  auto r = tc({"run", "--no-record", "/dev/zero"}, 20);
  BOOST_TEST(!r.timed_out);
  BOOST_TEST(r.exit_code == 1);
  BOOST_TEST(r.err == "timecraft: error: /dev/zero: offset 0x0: magic header not detected\n");
  BOOST_TEST(seconds < 5.0);
}

BOOST_AUTO_TEST_CASE(a_2gb_sparse_file_fails_fast) {
  auto zeros = root / "zeros.wasm";
  { std::ofstream(zeros).flush(); }
  fs::resize_file(zeros, 2ull << 30);
  auto r = tc({"run", "--no-record", zeros.string()}, 20);
  BOOST_TEST(r.exit_code == 1);
  BOOST_TEST(r.err == "timecraft: error: " + zeros.string() + ": offset 0x0: magic header not detected\n");
  BOOST_TEST(seconds < 5.0);

  // A good header, then 2 GB: too large, said before reading it.
  auto big = root / "big.wasm";
  std::ofstream(big, std::ios::binary).write("\0asm\1\0\0\0", 8);
  fs::resize_file(big, 2ull << 30);
  r = tc({"run", "--no-record", big.string()}, 20);
  BOOST_TEST(r.exit_code == 1);
  BOOST_TEST(r.err == "timecraft: error: " + big.string() +
                          ": module is larger than the 1GiB limit (module.max-size)\n");
  BOOST_TEST(seconds < 5.0);
}

BOOST_AUTO_TEST_CASE(the_size_limit_comes_from_the_config) {
  auto big = write("big.wat", big_module(8));
  auto r = tc({"run", "--no-record", big.string()});
  BOOST_TEST(r.exit_code == 0, r.err);
  write("config.yaml", "module:\n  max-size: 4KiB\n");
  r = tc({"run", "--no-record", big.string()});
  BOOST_TEST(r.exit_code == 1);
  BOOST_TEST(r.err == "timecraft: error: " + big.string() +
                          ": module is larger than the 4KiB limit (module.max-size)\n");
  BOOST_TEST(tc({"run", "--no-record", write("start.wat", kStart).string()}).exit_code == 0);
}

BOOST_AUTO_TEST_CASE(a_fifo_feeding_a_module_still_works) {
  auto fifo = root / "module.fifo";
  BOOST_REQUIRE(::mkfifo(fifo.c_str(), 0644) == 0);
  // Binary: the guest runs (and, given no arguments, prints its usage: exit 2).
  std::ifstream in(programs / "storage_faults.wasm", std::ios::binary);
  std::string wasm{std::istreambuf_iterator<char>(in), {}};
  BOOST_REQUIRE(wasm.size() > 8);
  auto t = feed_fifo(fifo, wasm);
  auto r = tc({"run", "--no-record", fifo.string()}, 30);
  t.join();
  BOOST_TEST(r.exit_code == 2);
  BOOST_TEST(contains(r.err, "usage: storage_faults"), r.err);
  // Text, recognised by its content (the name has no .wat).
  t = feed_fifo(fifo, big_module(100));
  r = tc({"run", "--no-record", fifo.string()}, 30);
  t.join();
  BOOST_TEST(r.exit_code == 0, r.err);
}

BOOST_AUTO_TEST_CASE(an_endless_pipe_stops_at_the_limit) {
  write("config.yaml", "module:\n  max-size: 1MiB\n");
  auto fifo = root / "endless.fifo";
  BOOST_REQUIRE(::mkfifo(fifo.c_str(), 0644) == 0);
  auto t = feed_fifo(fifo, std::string("\0asm\1\0\0\0", 8), /*endless=*/true);
  auto r = tc({"run", "--no-record", fifo.string()}, 30);
  t.join();
  BOOST_TEST(r.exit_code == 1);
  BOOST_TEST(r.err == "timecraft: error: " + fifo.string() +
                          ": module is larger than the 1MiB limit (module.max-size)\n");
}

// The run reads its module file once (and stores that copy in the
// registry): a guest that truncates and rewrites its own module file
// while it runs changes neither the run nor its replay.
BOOST_AUTO_TEST_CASE(a_module_file_rewritten_while_it_runs) {
  const std::string wat = R"((module
  (import "wasi_snapshot_preview1" "path_open"
    (func $open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "self.wat")
  (data (i32.const 16) "\20\00\00\00\05\00\00\00")  ;; iovec: 5 bytes at 32
  (data (i32.const 32) "junk\n")
  (func (export "_start")
    ;; open self.wat in the preopened directory with O_TRUNC, write "junk\n"
    (if (call $open (i32.const 3) (i32.const 0) (i32.const 0) (i32.const 8) (i32.const 8)
                    (i64.const 64) (i64.const 0) (i32.const 0) (i32.const 48))
      (then unreachable))
    (if (call $write (i32.load (i32.const 48)) (i32.const 16) (i32.const 1) (i32.const 52))
      (then unreachable))
    (if (call $write (i32.const 1) (i32.const 16) (i32.const 1) (i32.const 52))
      (then unreachable))))
)";
  auto self = write("self.wat", wat);
  auto r = tc({"run", "--dir", root.string() + ":/", self.string()});
  BOOST_TEST(r.exit_code == 0, r.err);
  BOOST_TEST(r.out == "junk\n");
  std::ifstream in(self);
  BOOST_TEST(std::string(std::istreambuf_iterator<char>(in), {}) == "junk\n");  // the file was rewritten
  std::string id = take_id(r.err);
  auto rep = tc({"replay", id});
  BOOST_TEST(rep.exit_code == 0, rep.err);
  BOOST_TEST(rep.out == "junk\n");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_FIXTURE_TEST_SUITE(registry_paths, Fixture)

// Only `run` creates a registry: a read-only command pointed at none says
// so, exits non-zero, and leaves no directory behind.
BOOST_AUTO_TEST_CASE(read_only_commands_never_create_the_registry) {
  fs::path none = root / "no-registry";
  const std::vector<std::vector<std::string>> commands = {
      {"get", "ps"}, {"get", "mod"}, {"describe", "process", "abcd"}, {"replay", "abcd"},
      {"trace", "abcd"}, {"logs", "abcd"}, {"profile", "abcd"}, {"debug", "--batch", "abcd"},
      {"diff", "abcd", "abcd"},
  };
  for (auto args : commands) {
    std::string what = args[0] + " " + args[1];
    args.push_back("--registry");
    args.push_back(none.string());
    auto r = tc(args);
    BOOST_TEST(r.exit_code != 0, what);
    BOOST_TEST(r.err == "timecraft: error: no registry at " + none.string() +
                            " (nothing has been recorded there)\n", what << ": " << r.err);
    BOOST_TEST(!fs::exists(none), what);
  }
  // run makes it.
  auto r = tc({"run", "--registry", none.string(), (programs / "hello-g.wasm").string()});
  BOOST_TEST(r.exit_code == 0, r.err);
  BOOST_TEST(fs::is_directory(none / "processes"));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_FIXTURE_TEST_SUITE(option_tables, Fixture)

// Help and parsing come from one table per command: every option a
// command's help names is accepted by its parser (only "unrecognised
// option" would show a drift), and `-h` works for every command.
BOOST_AUTO_TEST_CASE(every_option_in_the_help_is_parsed) {
  auto list = tc({"help"});
  BOOST_TEST_REQUIRE(list.exit_code == 0);
  std::vector<std::string> cmds;
  std::istringstream in(list.out);
  for (std::string line; std::getline(in, line);)
    if (line.rfind("  ", 0) == 0 && line.size() > 2 && line[2] != ' ')
      cmds.push_back(line.substr(2, line.find(' ', 2) - 2));
  BOOST_TEST_REQUIRE(cmds.size() >= 13u);
  size_t checked = 0;
  for (const auto& cmd : cmds) {
    auto help = tc({"help", cmd});
    BOOST_TEST(help.exit_code == 0, cmd);
    BOOST_TEST(tc({cmd, "-h"}).out == help.out, cmd);
    auto opts_at = help.out.find("\nOptions:\n");
    BOOST_TEST(opts_at != std::string::npos, cmd);
    std::regex opt(R"(\n  (?:-[a-z], )?(--[a-z][a-z0-9-]*))");
    for (std::sregex_iterator it(help.out.begin() + long(opts_at), help.out.end(), opt), end; it != end; ++it) {
      std::string name = (*it)[1];
      if (name == "--help") continue;
      // A value after it, so that value-taking options do not complain of a missing one.
      auto r = tc({cmd, name, "1"}, 20);
      BOOST_TEST(r.err.find("unrecognised option") == std::string::npos, cmd << " " << name << ": " << r.err);
      ++checked;
    }
  }
  BOOST_TEST(checked > 40u);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_FIXTURE_TEST_SUITE(config_edit, Fixture)

// `config --edit` with an editor (a script) that writes a bad file: the
// error names the line, the configuration stays as it was; a good edit is
// saved.
BOOST_AUTO_TEST_CASE(a_bad_edit_names_the_line_and_changes_nothing) {
  auto bad = write("bad-editor.sh", "#!/bin/sh\nprintf 'log:\\n  compression: zlib\\n  batch-size: 0\\n' > \"$1\"\n");
  auto good = write("good-editor.sh", "#!/bin/sh\nprintf 'log:\\n  batch-size: 77\\n' > \"$1\"\n");
  fs::permissions(bad, fs::perms::owner_all);
  fs::permissions(good, fs::perms::owner_all);
  ::setenv("VISUAL", bad.c_str(), 1);
  auto r = tc({"config", "--edit"});
  BOOST_TEST(r.exit_code == 1);
  BOOST_TEST(r.err == "timecraft config: log.batch-size must be 1..1000000 (line 3)\n"
                      "timecraft: error: configuration unchanged\n", r.err);
  BOOST_TEST(!fs::exists(config));
  ::setenv("VISUAL", good.c_str(), 1);
  r = tc({"config", "--edit"});
  ::unsetenv("VISUAL");
  BOOST_TEST(r.exit_code == 0, r.err);
  BOOST_TEST(r.out == "saved " + config.string() + "\n");
  BOOST_TEST(contains(tc({"config"}).out, "batch-size: 77"));
}

BOOST_AUTO_TEST_SUITE_END()
