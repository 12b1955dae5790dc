// The bundle's manifest (timecraft-bundle.json), to and from JSON.
#include <algorithm>
#include <nlohmann/json.hpp>

#include "registry/bundle.hpp"
#include "registry/detail.hpp"
#include "registry/json_fields.hpp"
#include "trace/log_writer.hpp"

namespace tc::registry {

using json = nlohmann::json;

namespace {

constexpr const char* kFormat = "timecraft-bundle";

bool is_sha256(const std::string& s) {
  return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

// The entry that must come at `index` of the file list.
std::string expected_name(size_t index) {
  if (index == 0) return "process.json";
  if (index == 1) return "module.wasm";
  return trace::segment_path("log", uint32_t(index - 2));
}

Error bad(const std::string& why) { return make_error(ErrorKind::Io, kBundleManifestName + (": " + why)); }

}  // namespace

std::string to_json(const BundleManifest& m) {
  using json = nlohmann::ordered_json;  // "format" and "version" first, for a reader
  json files = json::array();
  for (const auto& f : m.files) files.push_back({{"name", f.name}, {"size", f.size}, {"sha256", f.sha256}});
  json j = {
      {"format", kFormat},
      {"version", m.version},
      {"process", {{"id", m.process_id}}},
      {"module", {{"digest", m.module_digest}}},
      {"log", {{"records", m.log_records}, {"torn", m.log_torn ? json(*m.log_torn) : json(nullptr)}}},
      {"files", files},
  };
  return j.dump(2) + "\n";
}

Expected<BundleManifest> bundle_manifest_from_json(const std::string& text) {
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded()) return bad("not valid JSON");
  BundleManifest m;
  std::string format;
  JsonFields f(j);
  f.str("format", format, true).integer("version", m.version, true);
  if (f.error()) return bad(*f.error());
  if (format != kFormat) return bad("not a timecraft bundle (format \"" + format + "\")");
  if (m.version > kBundleVersion)
    return bad("bundle format version " + std::to_string(m.version) +
               " is newer than this timecraft supports (" + std::to_string(kBundleVersion) + ")");
  if (m.version < 1) return bad("bad format version " + std::to_string(m.version));
  f.object("process", true).str("id", m.process_id, true);
  f.object("module", true).str("digest", m.module_digest, true);
  f.object("log", true).integer("records", m.log_records, true).opt_str("torn", m.log_torn);
  f.each("files", [&](JsonFields& e) {
    BundleFile file;
    e.str("name", file.name, true).integer("size", file.size, true).str("sha256", file.sha256, true);
    m.files.push_back(std::move(file));
  });
  if (f.error()) return bad(*f.error());
  if (!detail::is_uuid(m.process_id)) return bad("process id \"" + m.process_id + "\" is not a UUID");
  if (!is_sha256(m.module_digest)) return bad("module digest \"" + m.module_digest + "\" is not a sha256");
  // process.json, module.wasm and at least the first log segment.
  if (m.files.size() < 3) return bad("lists " + std::to_string(m.files.size()) + " files, fewer than a bundle holds");
  for (size_t i = 0; i < m.files.size(); ++i) {
    const auto& file = m.files[i];
    if (file.name != expected_name(i))
      return bad("file " + std::to_string(i) + " is \"" + file.name + "\", expected \"" + expected_name(i) + "\"");
    if (!is_sha256(file.sha256)) return bad(file.name + ": sha256 \"" + file.sha256 + "\" is not a sha256");
  }
  if (m.files[1].sha256 != m.module_digest)
    return bad("module.wasm's sha256 is not the module digest " + m.module_digest);
  return m;
}

}  // namespace tc::registry
