// A bundle: one recorded process as a single POSIX tar file, to replay it
// on another machine (`timecraft export bundle ID FILE`, `timecraft import
// FILE`). Its entries, in this order:
//
//   timecraft-bundle.json  the manifest: format version, process id, module
//                          digest, what LogReader made of the log, and the
//                          size and sha256 of each entry below
//   process.json           the process metadata, byte for byte
//   module.wasm            the module's bytes
//   log/log.000000 ...     the log's segment files, byte for byte
//
// `tar tf` lists it and `tar xf` extracts it. Import trusts nothing in it:
// every entry is checked against the manifest, the module against its
// digest, the log with LogReader, before anything becomes visible. The
// module's "validated" mark is never carried: the importing machine
// validates the module itself before its first use.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "interp/error.hpp"
#include "registry/registry.hpp"
#include "registry/tar.hpp"

namespace tc::registry {

constexpr int kBundleVersion = 1;
constexpr const char* kBundleManifestName = "timecraft-bundle.json";
constexpr uint64_t kMaxBundleManifest = 1u << 20;
constexpr uint64_t kMaxBundleProcessJson = 64u << 20;

struct BundleFile {
  std::string name;  // "process.json", "module.wasm", "log/log.000000", ...
  uint64_t size = 0;
  std::string sha256;
};

struct BundleManifest {
  int version = kBundleVersion;
  std::string process_id;
  std::string module_digest;
  uint64_t log_records = 0;             // records LogReader read
  std::optional<std::string> log_torn;  // its torn_tail() (a run cut short)
  std::vector<BundleFile> files;        // the entries after the manifest, in order
};

std::string to_json(const BundleManifest& m);
// Checks what import relies on: a known version, a UUID and a digest, and
// exactly the entries above (their names in order, sizes, sha256s; the
// module's sha256 is its digest). Errors name the field.
Expected<BundleManifest> bundle_manifest_from_json(const std::string& text);

// Writes process `id` (a full id) of `reg` to `sink` as a bundle. Fails
// if the log changes meanwhile (the process is still running).
Expected<BundleManifest> write_bundle(const Registry& reg, const std::string& id,
                                      const tar::Sink& sink);

struct ImportResult {
  BundleManifest manifest;
  bool already_imported = false;  // the same process (same bytes) was there
  bool module_new = false;        // the registry did not have the module
};

// Reads a bundle from `source` into `reg`. The process appears whole or
// not at all: it is assembled in processes/<id>.importing-<random>/ (a
// name Registry does not list) and renamed into place once verified; an
// import killed midway leaves only that directory (safe to delete).
// `module_max_bytes`: a larger module is refused before it is read.
Expected<ImportResult> import_bundle(Registry& reg, const tar::Source& source,
                                     uint64_t module_max_bytes);

}  // namespace tc::registry
