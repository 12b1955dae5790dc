// The local registry (~/.timecraft by default):
//
//   modules/sha256/<hex>          module bytes, stored once per digest
//   modules/sha256/<hex>.json     {"name", "size", "created", "validated_by"}
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

namespace tc::registry {

struct ModuleEntry {
  std::string digest;  // full sha256 hex
  std::string name;
  uint64_t size = 0;
  int64_t created_unix_ns = 0;
};

struct ProcessEntry {
  std::string id;          // UUID
  std::string meta_json;   // process.json content ("" if not yet written)
  int64_t start_unix_ns = 0;
  uint64_t log_bytes = 0;  // total size of the log segment files
};

enum class ObjectKind { Module, Process };

class Registry {
 public:
  // Opens (creating on first use) the registry at `root`.
  static Expected<Registry> open(const std::string& root);
  // The root from --registry, else $TIMECRAFT_REGISTRY, else ~/.timecraft.
  static std::string default_root();

  const std::string& root() const { return root_; }

  // Stores a module (only ever one that validated) and returns its digest.
  // `validated_by`: the engine build that validated it, remembered so that
  // build can skip validating it again (validated_by()); `digest`: the
  // bytes' sha256 when the caller has it already.
  Expected<std::string> put_module(std::span<const uint8_t> bytes, const std::string& name,
                                   const std::string& validated_by = "",
                                   const std::string& digest = "");
  // Whether the stored module `digest` was validated by engine build `build`.
  bool validated_by(const std::string& digest, const std::string& build) const;
  Expected<std::vector<uint8_t>> read_module(const std::string& digest) const;
  Expected<std::vector<ModuleEntry>> list_modules() const;  // newest first

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
  Expected<std::string> read_process_meta(const std::string& id) const;
  Expected<std::vector<ProcessEntry>> list_processes() const;  // newest first

  // Full id for a unique prefix; errors list what matched (or nothing did).
  Expected<std::string> resolve(ObjectKind kind, const std::string& prefix) const;

 private:
  explicit Registry(std::string root) : root_(std::move(root)) {}
  std::string module_path(const std::string& digest) const;
  std::string root_;
};

}  // namespace tc::registry
