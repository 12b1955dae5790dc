// The user configuration: $TIMECRAFT_CONFIG, else ~/.timecraft/config.yaml.
//
//   registry:
//     root: ~/.timecraft
//   log:
//     batch-size: 4096        # records per compressed batch
//     segment-size: 64MiB     # a segment rolls over past this
//     compression: zlib       # zlib | none
//
// A small YAML subset (two levels of "key: value"); unknown keys and bad
// values are errors naming the line, so `config --edit` can refuse them.
#pragma once
#include <cstdint>
#include <string>

#include "interp/error.hpp"

namespace tc::registry {

struct Config {
  std::string registry_root;  // "" = default (~/.timecraft)
  uint32_t batch_records = 4096;
  uint64_t segment_bytes = 64ull << 20;
  std::string compression = "zlib";
};

std::string config_path();
std::string expand_home(const std::string& path);
Expected<Config> parse_config(const std::string& text);
// The file's config, or the defaults when there is no file.
Expected<Config> load_config();
std::string config_to_yaml(const Config& c);

}  // namespace tc::registry
