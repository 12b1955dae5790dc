// Fuzz target: the CLI's configuration reader (registry::parse_config, the
// text behind load_config) and the process metadata reader
// (registry::process_meta_from_json). Both see the whole input. Metadata
// that reads must survive a round trip through to_json (the registry
// writes process.json with it and reads it back).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "registry/config.hpp"
#include "registry/process_meta.hpp"

using namespace tc;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  if (auto c = registry::parse_config(text)) (void)registry::config_to_yaml(*c);
  if (auto m = registry::process_meta_from_json(text)) {
    std::string json = registry::to_json(*m);
    auto again = registry::process_meta_from_json(json);
    if (!again || registry::to_json(*again) != json) {
      std::fprintf(stderr, "process metadata does not survive to_json/from_json:\n%s", json.c_str());
      std::abort();
    }
  }
  return 0;
}
