// The local registry (~/.timecraft by default):
//
//   modules/sha256/<hex>          module bytes, stored once per digest
//   modules/sha256/<hex>.json     {"name", "size", "created", "validated_by"}
//                                 ("validated_by": a mark, see validation_key.hpp)
//   processes/<uuid>/process.json process metadata (what the run depended on)
//   processes/<uuid>/log/         the run's log segments
//
// Every file is written atomically (temp + fsync + rename), so concurrent
// runs and readers never see a partial object.
#pragma once
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "interp/error.hpp"
#include "registry/process_meta.hpp"
#include "registry/validation_key.hpp"

namespace tc::registry {

// A metadata file that cannot be used is reported in its entry ("broken"),
// so that one bad file never hides the other entries.
struct ModuleEntry {
  std::string digest;  // full sha256 hex
  std::string name;
  uint64_t size = 0;
  int64_t created_unix_ns = 0;
  std::string broken;  // why the sidecar (<digest>.json) is unusable, else ""
};

struct ProcessEntry {
  std::string id;                   // UUID
  std::optional<ProcessMeta> meta;  // process.json, when it is usable
  std::string broken;               // else why not, e.g. "not a JSON object"
  int64_t start_unix_ns = 0;
  uint64_t log_bytes = 0;  // total size of the log segment files
};

// A stored profile (`timecraft profile`): profiles/<uuid>/profile.pb.gz
// (pprof's format) and profile.json.
struct ProfileEntry {
  std::string id;          // UUID
  std::string process_id;  // the profiled process
  std::string type = "cpu";
  int64_t start_unix_ns = 0;
  uint64_t duration_ns = 0;
  uint64_t size = 0;       // bytes of profile.pb.gz
  std::string summary;     // JSON text the profiler keeps with it (totals, top functions)
  std::string broken;      // why profile.json is unusable, else ""
};

enum class ObjectKind { Module, Process, Profile };

class Registry {
 public:
  // Opens (creating on first use) the registry at `root`.
  static Expected<Registry> open(const std::string& root);
  // Opens the registry at `root` for reading: never creates it; a Usage
  // error if there is none.
  static Expected<Registry> open_existing(const std::string& root);
  // The root from --registry, else $TIMECRAFT_REGISTRY, else ~/.timecraft.
  static std::string default_root();

  const std::string& root() const { return root_; }

  // Stores a module (only ever one that validated) and returns its digest.
  // `validated_by`: the engine build that validated it, remembered (as a
  // mark under this user's validation key) so that build can skip
  // validating it again (validated_by()); `digest`: the bytes' sha256 when
  // the caller has it already.
  Expected<std::string> put_module(std::span<const uint8_t> bytes, const std::string& name,
                                   const std::string& validated_by = "",
                                   const std::string& digest = "");
  // Whether the stored module `digest` carries this user's mark that engine
  // build `build` validated it. Never with no usable validation key, nor
  // for a mark made under another key, for another module or build.
  bool validated_by(const std::string& digest, const std::string& build) const;
  // The key for marks: by default ValidationKey::default_path()'s, loaded
  // (or created) when first needed; nullopt: none (nothing is trusted).
  void use_validation_key(std::optional<ValidationKey> key);
  Expected<std::vector<uint8_t>> read_module(const std::string& digest) const;
  Expected<std::vector<ModuleEntry>> list_modules() const;  // newest first
  // One module's entry; a broken sidecar is an error naming the file.
  Expected<ModuleEntry> module_entry(const std::string& digest) const;

  static std::string new_process_id();  // random UUID (v4)
  std::string process_dir(const std::string& id) const;
  std::string log_dir(const std::string& id) const;
  std::string process_meta_path(const std::string& id) const {
    return process_dir(id) + "/process.json";
  }
  // Creates processes/<id>/ (the log directory is created by the log writer).
  Expected<void> create_process(const std::string& id);
  // The metadata written at the start of a run need not be durable (the
  // final one, written when the run ends, is).
  Expected<void> write_process_meta(const std::string& id, const std::string& json,
                                    bool durable = true);
  Expected<std::string> read_process_meta(const std::string& id) const;  // the raw text
  // The parsed metadata; errors name the file ("<root>/processes/<id>/process.json: ...").
  Expected<ProcessMeta> load_process_meta(const std::string& id) const;
  Expected<std::vector<ProcessEntry>> list_processes() const;  // newest first

  // Profiles (profiles.cpp): stores one (a new id), lists them newest
  // first, reads one's pprof bytes.
  Expected<std::string> put_profile(const ProfileEntry& meta, std::span<const uint8_t> pprof);
  Expected<std::vector<ProfileEntry>> list_profiles() const;
  Expected<std::vector<uint8_t>> read_profile(const std::string& id) const;
  std::string profile_dir(const std::string& id) const { return root_ + "/profiles/" + id; }

  // Full id for a unique prefix; errors list what matched (or nothing did).
  Expected<std::string> resolve(ObjectKind kind, const std::string& prefix) const;

 private:
  explicit Registry(std::string root) : root_(std::move(root)) {}
  std::string module_path(const std::string& digest) const;
  ModuleEntry read_module_entry(const std::string& digest) const;
  const ValidationKey* validation_key() const;
  std::string root_;
  mutable bool key_loaded_ = false;
  mutable std::optional<ValidationKey> key_;
};

}  // namespace tc::registry
