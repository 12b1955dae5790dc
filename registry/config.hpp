// The user configuration: $TIMECRAFT_CONFIG, else ~/.timecraft/config.yaml.
//
//   registry:
//     root: ~/.timecraft
//     remote: s3://runs/team-a   # a shared registry (optional): push, pull, get ps --remote
//     endpoint: http://127.0.0.1:7480   # its S3 server (required with remote)
//     region: us-east-1
//   log:
//     batch-size: 4096        # records per compressed batch
//     segment-size: 64MiB     # a segment rolls over past this
//     segment-seconds: 10     # with a remote: and this long after it opened (0: never)
//     compression: zstd       # zstd | zlib | none
//   module:
//     max-size: 1GiB          # refuse larger module files (run)
//
// Sizes: a decimal number with an optional unit B, KiB/K/k, MiB/M, GiB/G,
// TiB/T (powers of 1024).
// A small YAML subset (two levels of "key: value"); unknown keys and bad
// values are errors naming the line, so `config --edit` can refuse them.
#pragma once
#include <cstdint>
#include <string>

#include "interp/error.hpp"

namespace tc::registry {

struct Config {
  std::string registry_root;  // "" = default (~/.timecraft)
  std::string remote;         // "" = none; s3://bucket[/prefix]
  std::string endpoint;       // http(s)://host[:port]
  std::string region = "us-east-1";
  uint32_t batch_records = 4096;
  uint64_t segment_bytes = 64ull << 20;
  // With a remote, a segment is also sealed (and uploaded) this long after
  // it opened, and the run's heartbeat is refreshed as often (0: by size
  // only; the heartbeat then every kDefaultSegmentSeconds).
  uint32_t segment_seconds = 10;
  std::string compression = "zstd";
  uint64_t module_max_bytes = 1ull << 30;
};

// Bounds of the sizes above (the parser refuses anything outside them).
constexpr uint64_t kMinSegmentBytes = 4096, kMaxSegmentBytes = 1ull << 40;
constexpr uint32_t kDefaultSegmentSeconds = 10, kMaxSegmentSeconds = 86400;
constexpr uint64_t kMinModuleBytes = 1024, kMaxModuleBytes = 1ull << 40;

std::string config_path();
std::string expand_home(const std::string& path);
Expected<Config> parse_config(const std::string& text);
// The file's config, or the defaults when there is no file.
Expected<Config> load_config();
std::string config_to_yaml(const Config& c);
// "64MiB", "1GiB", "4097": the largest unit that divides the size exactly.
std::string format_size(uint64_t bytes);
// The inverse; false for anything that is not a size (or does not fit 64 bits).
bool parse_size(const std::string& text, uint64_t& bytes);

}  // namespace tc::registry
