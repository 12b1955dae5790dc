// timecraft wast: the spec-test script runner, like `wasmtime wast`.
#include <algorithm>
#include <boost/filesystem.hpp>
#include <boost/program_options.hpp>
#include <iostream>

#include "spec-tests/wast_runner.hpp"
#include "tools/cli.hpp"
#include "tools/number_option.hpp"

namespace tc::cli {

namespace po = boost::program_options;
namespace fs = boost::filesystem;

int cmd_wast(const Args& args);

const CommandSpec& wast_command() {
  static const CommandSpec spec = {
      "wast", "run WebAssembly spec test scripts",
      "wast [options] PATH...",
      "Runs WebAssembly spec test scripts (.wast files, or directories of them)\n"
      "and prints one line per file and the totals over all commands:\n"
      "  N passed, N failed, N skipped\n"
      "Modules are read as WebAssembly 3.0, except in scripts under a directory\n"
      "named wasm-2.0, read as 2.0 (one memory, no memory64), whose answers\n"
      "those scripts check.\n",
      {
          {"expectations", Option::Value, "FILE",
           "accepted deviations: 'skip GLOB reason' and\n'fail FILE:LINE reason' lines"},
          {"verbose,v", Option::Flag, "", "also print passing files and accepted failures"},
          {"max-call-depth", Option::Value, "N", "call depth for assert_exhaustion", "10000"},
          {"check-counts", Option::Flag, "",
           "run with the debugger's counted tiers, and fail a\n"
           "command whose instruction count differs from the\n"
           "exact code's (TIMECRAFT_TIER=switch also moves\n"
           "frames between the tiers every few instructions)"},
      },
      {{"path", -1}},
      "Example:\n"
      "  timecraft wast ../shared/spec-testsuite/wasm-2.0/i32.wast\n",
      cmd_wast};
  return spec;
}

int cmd_wast(const Args& args) {
  po::variables_map vm;
  if (auto stop = parse_options(wast_command(), args, vm)) return *stop;
  auto depth = parse_number_option("--max-call-depth", vm["max-call-depth"].as<std::string>(), 1,
                                   kMaxCallDepth);
  if (!depth) return usage_error("wast", depth.error().message);
  if (!vm.count("path")) return usage_error("wast", "no .wast file or directory given");

  std::optional<spec::Expectations> ex;
  if (vm.count("expectations")) {
    auto loaded = spec::Expectations::load(vm["expectations"].as<std::string>());
    if (!loaded) return fail(kExitUsage, loaded.error().to_string());
    ex = std::move(*loaded);
  }
  spec::RunOptions opts;
  opts.expectations = ex ? &*ex : nullptr;
  opts.max_call_depth = uint32_t(*depth);
  opts.check_counts = vm.count("check-counts") > 0;
  bool verbose = vm.count("verbose") > 0;

  // Expand directories into their .wast files, sorted for a stable order.
  // A path that names no script is an error, not "0 files, 0 failed".
  std::vector<std::string> files;
  for (const auto& p : vm["path"].as<std::vector<std::string>>()) {
    boost::system::error_code ec;
    if (!fs::exists(p, ec)) return fail(kExitError, p + ": no such file or directory");
    if (fs::is_directory(p, ec)) {
      std::vector<std::string> in_dir;
      for (const auto& e : fs::directory_iterator(p, ec))
        if (e.path().extension() == ".wast") in_dir.push_back(e.path().string());
      if (ec) return fail(kExitError, p + ": cannot list the directory: " + ec.message());
      if (in_dir.empty()) return fail(kExitError, p + ": no .wast scripts in this directory");
      std::sort(in_dir.begin(), in_dir.end());
      files.insert(files.end(), in_dir.begin(), in_dir.end());
    } else {
      files.push_back(p);
    }
  }

  uint64_t passed = 0, failed = 0, skipped = 0;
  size_t files_failed = 0;
  for (const auto& f : files) {
    auto rep = spec::run_wast_file(f, opts);
    passed += rep.passed;
    failed += rep.failed;
    skipped += rep.skipped;
    if (!rep.skip_reason.empty()) {
      std::cout << "skipped " << rep.file << " (" << rep.skipped << " commands): "
                << rep.skip_reason << "\n";
      continue;
    }
    if (rep.failed) ++files_failed;
    if (rep.failed || verbose) {
      std::cout << (rep.failed ? "FAILED " : "passed ") << rep.file << ": " << rep.passed
                << " passed, " << rep.failed << " failed, " << rep.skipped << " skipped\n";
    } else {
      std::cout << "passed " << rep.file << " (" << rep.passed << ")\n";
    }
    for (const auto& m : rep.failures) std::cout << "  " << m << "\n";
    if (verbose)
      for (const auto& m : rep.notes) std::cout << "  " << m << "\n";
    else if (!rep.notes.empty())
      std::cout << "  (" << rep.notes.size() << " accepted/unsupported; -v lists them)\n";
  }
  std::cout << files.size() << " files, " << files_failed << " with failures\n";
  std::cout << passed << " passed, " << failed << " failed, " << skipped << " skipped\n";
  return failed ? kExitError : kExitOk;
}

}  // namespace tc::cli
