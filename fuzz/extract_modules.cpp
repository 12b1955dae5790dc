// Corpus tool (not a fuzzer): writes the binary encoding of every module in
// the given .wast files (text, quote and binary modules, including those of
// assert_invalid / assert_malformed / assert_trap ...) into OUTDIR, one file
// per distinct module, named by a hash of its bytes. fuzz/make_corpus.sh
// runs it over the spec suite and lets libFuzzer keep the useful ones.
//
//   extract_modules [--max-size BYTES] OUTDIR FILE.wast...
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <set>
#include <string>

#include "interp/text/script.hpp"

using namespace tc;

namespace {

uint64_t fnv1a(const std::vector<uint8_t>& b) {
  uint64_t h = 1469598103934665603ull;
  for (uint8_t c : b) h = (h ^ c) * 1099511628211ull;
  return h;
}

}  // namespace

int main(int argc, char** argv) {
  size_t max_size = 4096;
  int i = 1;
  if (argc > 2 && std::strcmp(argv[1], "--max-size") == 0) {
    max_size = std::strtoull(argv[2], nullptr, 10);
    i = 3;
  }
  if (argc - i < 2) {
    std::fprintf(stderr, "usage: extract_modules [--max-size BYTES] OUTDIR FILE.wast...\n");
    return 2;
  }
  std::string out = argv[i++];
  std::set<uint64_t> seen;
  size_t written = 0;
  for (; i < argc; ++i) {
    std::ifstream in(argv[i], std::ios::binary);
    std::string src((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto script = wast::parse_wast(src);
    if (!script) {
      std::fprintf(stderr, "%s: %s\n", argv[i], script.error().to_string().c_str());
      continue;
    }
    for (const auto& c : script->commands) {
      if (c.module.kind == wast::ModuleSource::Kind::Text && c.module.text.empty()) continue;
      auto bin = wast::module_source_to_binary(c.module);
      if (!bin || bin->empty() || bin->size() > max_size || !seen.insert(fnv1a(*bin)).second) continue;
      char name[32];
      std::snprintf(name, sizeof name, "/%016llx.wasm", static_cast<unsigned long long>(fnv1a(*bin)));
      std::ofstream f(out + name, std::ios::binary);
      f.write(reinterpret_cast<const char*>(bin->data()), std::streamsize(bin->size()));
      ++written;
    }
  }
  std::printf("%zu modules\n", written);
  return 0;
}
