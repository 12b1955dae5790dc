#include "registry/config.hpp"

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace tc::registry {

namespace {

std::string trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r"), e = s.find_last_not_of(" \t\r");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

}  // namespace

bool parse_size(const std::string& text, uint64_t& out) {
  std::string s = trim(text);
  size_t digits = 0;
  while (digits < s.size() && s[digits] >= '0' && s[digits] <= '9') ++digits;
  if (digits == 0 || digits > 19) return false;  // no sign; 19 digits fit 64 bits
  uint64_t v = std::stoull(s.substr(0, digits));
  std::string unit = trim(s.substr(digits));
  unsigned shift;
  if (unit.empty() || unit == "B") shift = 0;
  else if (unit == "KiB" || unit == "k" || unit == "K") shift = 10;
  else if (unit == "MiB" || unit == "M") shift = 20;
  else if (unit == "GiB" || unit == "G") shift = 30;
  else if (unit == "TiB" || unit == "T") shift = 40;
  else return false;
  if (shift && v > (UINT64_MAX >> shift)) return false;
  out = v << shift;
  return true;
}

std::string format_size(uint64_t bytes) {
  static const char* const units[] = {"TiB", "GiB", "MiB", "KiB"};
  for (unsigned i = 0; i < 4; ++i) {
    unsigned shift = 40 - 10 * i;
    if (bytes && bytes % (1ull << shift) == 0) return std::to_string(bytes >> shift) + units[i];
  }
  return std::to_string(bytes);
}

std::string expand_home(const std::string& path) {
  if (path.rfind("~/", 0) == 0 || path == "~") {
    const char* home = std::getenv("HOME");
    return std::string(home ? home : ".") + path.substr(1);
  }
  return path;
}

std::string config_path() {
  if (const char* p = std::getenv("TIMECRAFT_CONFIG"); p && *p) return p;
  return expand_home("~/.timecraft/config.yaml");
}

Expected<Config> parse_config(const std::string& text) {
  Config c;
  std::istringstream in(text);
  std::string line, section;
  for (int n = 1; std::getline(in, line); ++n) {
    auto hash = line.find('#');
    if (hash != std::string::npos) line.erase(hash);
    if (trim(line).empty()) continue;
    auto where = config_path() + ":" + std::to_string(n);
    bool indented = line[0] == ' ' || line[0] == '\t';
    auto colon = line.find(':');
    if (colon == std::string::npos)
      return make_error(ErrorKind::Usage, "expected \"key: value\"", where);
    std::string key = trim(line.substr(0, colon)), value = trim(line.substr(colon + 1));
    if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') &&
        value.back() == value.front())
      value = value.substr(1, value.size() - 2);
    if (!indented) {
      if (!value.empty()) return make_error(ErrorKind::Usage, "unknown setting \"" + key + "\"", where);
      if (key != "registry" && key != "log" && key != "module")
        return make_error(ErrorKind::Usage,
                          "unknown section \"" + key + "\" (registry, log, module)", where);
      section = key;
      continue;
    }
    if (section.empty()) return make_error(ErrorKind::Usage, "setting outside a section", where);
    std::string full = section + "." + key;
    if (full == "registry.root") {
      if (value.empty()) return make_error(ErrorKind::Usage, "registry.root is empty", where);
      c.registry_root = value;
    } else if (full == "registry.remote") {
      if (!value.empty() && value.rfind("s3://", 0) != 0)
        return make_error(ErrorKind::Usage, "registry.remote must be an s3://bucket[/prefix] URL", where);
      c.remote = value;
    } else if (full == "registry.endpoint") {
      if (!value.empty() && value.rfind("http://", 0) != 0 && value.rfind("https://", 0) != 0)
        return make_error(ErrorKind::Usage, "registry.endpoint must be an http:// or https:// URL", where);
      c.endpoint = value;
    } else if (full == "registry.region") {
      if (value.empty()) return make_error(ErrorKind::Usage, "registry.region is empty", where);
      c.region = value;
    } else if (full == "log.batch-size") {
      uint64_t v;
      if (!parse_size(value, v) || v == 0 || v > 1000000)
        return make_error(ErrorKind::Usage, "log.batch-size must be 1..1000000", where);
      c.batch_records = uint32_t(v);
    } else if (full == "log.segment-size") {
      uint64_t v;
      if (!parse_size(value, v) || v < kMinSegmentBytes || v > kMaxSegmentBytes)
        return make_error(ErrorKind::Usage, "log.segment-size must be a size from 4KiB to 1TiB",
                          where);
      c.segment_bytes = v;
    } else if (full == "log.segment-seconds") {
      uint64_t v;
      if (value.empty() || value.find_first_not_of("0123456789") != std::string::npos ||
          !parse_size(value, v) || v > kMaxSegmentSeconds)
        return make_error(ErrorKind::Usage, "log.segment-seconds must be 0..86400", where);
      c.segment_seconds = uint32_t(v);
    } else if (full == "module.max-size") {
      uint64_t v;
      if (!parse_size(value, v) || v < kMinModuleBytes || v > kMaxModuleBytes)
        return make_error(ErrorKind::Usage, "module.max-size must be a size from 1KiB to 1TiB",
                          where);
      c.module_max_bytes = v;
    } else if (full == "log.compression") {
      if (value != "zstd" && value != "zlib" && value != "none")
        return make_error(ErrorKind::Usage, "log.compression must be zstd, zlib or none", where);
      c.compression = value;
    } else {
      return make_error(ErrorKind::Usage, "unknown setting \"" + full + "\"", where);
    }
  }
  return c;
}

Expected<Config> load_config() {
  std::ifstream in(config_path());
  if (!in) return Config{};
  std::stringstream ss;
  ss << in.rdbuf();
  return parse_config(ss.str());
}

std::string config_to_yaml(const Config& c) {
  std::string remote;
  if (!c.remote.empty())
    remote = "\n  remote: " + c.remote + "\n  endpoint: " + c.endpoint + "\n  region: " + c.region;
  return "registry:\n  root: " + (c.registry_root.empty() ? "~/.timecraft" : c.registry_root) +
         remote + "\nlog:\n  batch-size: " + std::to_string(c.batch_records) +
         "\n  segment-size: " + format_size(c.segment_bytes) +
         (c.remote.empty() ? "" : "\n  segment-seconds: " + std::to_string(c.segment_seconds)) +
         "\n  compression: " + c.compression +
         "\nmodule:\n  max-size: " + format_size(c.module_max_bytes) + "\n";
}

}  // namespace tc::registry
