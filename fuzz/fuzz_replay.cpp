// Fuzz target: replay of a fuzzed log against a fixed WASI program
// (test/replay/everything.c: args, env, stdin, clocks, random, poll, files,
// directories), through trace::Replayer exactly as `timecraft replay` does.
// Whatever the log says, the replay must end in success, a divergence or a
// clean error, never a crash.
//
// The input is the records themselves (what a batch holds after
// decompression: varint time delta, varint call id, varint length, payload,
// repeated); the harness wraps them into a valid uncompressed log so that
// every mutation reaches the replayer. The module is everything.wasm next
// to this executable, or $TIMECRAFT_FUZZ_MODULE.
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>

#include "fuzz/fuzz_log_files.hpp"
#include "interp/engine.hpp"
#include "trace/log_reader.hpp"
#include "trace/replayer.hpp"
#include "wasi/program.hpp"

using namespace tc;

namespace {

std::shared_ptr<const wasm::Module> load_program() {
  std::string path;
  if (const char* p = std::getenv("TIMECRAFT_FUZZ_MODULE"); p && *p) {
    path = p;
  } else {
    char exe[4096];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0) std::abort();
    path.assign(exe, size_t(n));
    path = path.substr(0, path.rfind('/') + 1) + "everything.wasm";
  }
  std::ifstream in(path, std::ios::binary);
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto m = wasm::load_module(std::move(bytes));
  if (!m) {
    std::fprintf(stderr, "fuzz_replay: cannot load %s: %s\n", path.c_str(), m.error().to_string().c_str());
    std::exit(1);
  }
  return *m;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const auto module = load_program();
  static const int devnull = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
  const std::string& dir = fuzz::scratch_dir();
  fuzz::write_segments(dir, {fuzz::segment_from_records({data, size}, 16)});
  auto log = trace::LogReader::open(dir);
  if (!log) return 0;
  trace::ReplayOptions opts;
  opts.stdout_fd = opts.stderr_fd = devnull;  // echo, but not onto the fuzzer's output
  trace::Replayer replayer(*log, opts);
  wasi::ProgramConfig config;
  config.engine.max_call_depth = 2000;
  config.engine.max_memory_pages = 1024;
  auto outcome = wasi::run_program(module, replayer, config);
  if (!replayer.divergence() && outcome) (void)replayer.finished();
  return 0;
}
