// The local registry (~/.timecraft by default):
//
//   modules/sha256/<hex>          module bytes, stored once per digest
//   modules/sha256/<hex>.json     {"name", "size", "created", "validated_by"}
//                                 ("validated_by": a mark, see validation_key.hpp)
//   processes/<uuid>/process.json process metadata (what the run depended on)
//   processes/<uuid>/lock         held (flock) by the run while it runs
//   processes/<uuid>/log/         the run's log segments
//   processes/.index.jsonl        what listings show, a cache (process_index.hpp);
//                                 hidden: processes/ lists only processes
//   profiles/<uuid>/              profiles (profiles.cpp)
//   lock                          shared by a starting run, exclusive by prune
//
// Every file is written atomically (temp + fsync + rename), so concurrent
// runs and readers never see a partial object.
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "interp/error.hpp"
#include "registry/file_lock.hpp"
#include "registry/object_store.hpp"
#include "registry/process_index.hpp"
#include "registry/process_meta.hpp"
#include "registry/validation_key.hpp"
#include "trace/segment_store.hpp"

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

// list_processes' entries (the whole metadata: load_process_meta).
using ProcessEntry = ProcessSummary;

// What prune deleted (or, dry run, would delete).
struct PruneResult {
  std::vector<std::string> processes;  // ids
  std::vector<std::string> modules;    // digests
  uint64_t bytes_freed = 0;            // their files, profiles included
  std::vector<std::string> errors;     // what could not be deleted, and why (the rest was)
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
  // What it keeps its objects in (keys as in the layout above): today the
  // local directory (LocalStore over root()).
  const std::shared_ptr<ObjectStore>& store() const { return store_; }

  // Stores a module (only ever one that validated) and returns its digest.
  // `validated_by`: the engine build that validated it, remembered (as a
  // mark under this user's validation key) so that build can skip
  // validating it again (validated_by()); `digest`: the bytes' sha256 when
  // the caller has it already. Storing a module already stored refreshes
  // its sidecar's mtime: when a run last used it (prune keeps it).
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
  // The process's log, for trace::LogWriter::create and LogReader::open:
  // its segments in store() (registry/log_segments.hpp).
  std::shared_ptr<trace::SegmentStore> log_segments(const std::string& id) const;
  std::string process_dir(const std::string& id) const;
  std::string log_dir(const std::string& id) const;
  std::string process_meta_path(const std::string& id) const {
    return process_dir(id) + "/process.json";
  }
  // Creates processes/<id>/ and its lock, held by the returned FileLock
  // (exclusive) until it is released or this process dies: is_running's
  // answer. The lock exists before process.json does, so a process.json
  // that says "running" with a free lock was killed. (The log directory is
  // created by the log writer.)
  Expected<FileLock> create_process(const std::string& id);
  // Whether a run holds the process's lock.
  bool is_running(const std::string& id) const;
  // The metadata written at the start of a run need not be durable (the
  // final one, written when the run ends, is).
  Expected<void> write_process_meta(const std::string& id, const std::string& json,
                                    bool durable = true);
  // The same from typed metadata (process.json's format: to_json).
  Expected<void> write_process_meta(const ProcessMeta& meta, bool durable = true);
  // Keeps `extra` bytes of room beyond process.json's size for the end
  // record (write_process_end), even if the run fills the disk.
  void reserve_process_end(const ProcessMeta& meta, uint64_t extra);
  // The end of a run, durable: atomically, or, when a full disk leaves no
  // room for the atomic write's temporary file, rewritten in place in the
  // room reserve_process_end kept.
  Expected<void> write_process_end(const ProcessMeta& meta);
  Expected<std::string> read_process_meta(const std::string& id) const;  // the raw text
  // The parsed metadata; errors name the file ("<root>/processes/<id>/process.json: ...").
  // Its status is "killed" when the file says "running" but no run holds
  // the process's lock.
  Expected<ProcessMeta> load_process_meta(const std::string& id) const;
  std::string index_path() const { return root_ + "/processes/.index.jsonl"; }
  // Records the process in the index (process_index.hpp), as `meta` says:
  // when its run starts and when it ends. Only a cache: a failure costs
  // the next listing a read of process.json.
  Expected<void> index_process(const ProcessMeta& meta);
  // Newest first, from the index; statuses as load_process_meta's. Reads
  // the process.json of a process the index lacks, or has from another
  // process.json, and tells the index.
  Expected<std::vector<ProcessSummary>> list_processes() const;

  // Housekeeping (housekeeping.cpp). Deletes a process (a full id) and
  // its profiles; a Usage error if it is running ("process <id> is
  // running") or there is none. Waits for a prune to end.
  Expected<void> delete_process(const std::string& id);
  // Deletes the processes that started before `older_than_unix_ns` and are
  // not running (with `keep_failed`, only those that exited 0: trapped,
  // failed, killed, truncated, non-zero exits and broken ones are kept),
  // then the modules that no remaining process uses and that no run
  // stored (or found already stored) since the cutoff. `dry_run`: deletes
  // nothing, says what it would delete. Holds the registry lock exclusive.
  Expected<PruneResult> prune(int64_t older_than_unix_ns, bool keep_failed, bool dry_run);
  // The registry-wide lock (<root>/lock): a run holds it shared from
  // storing its module until its process.json exists, so that a prune
  // (exclusive) never deletes a module a starting run is about to use.
  Expected<FileLock> lock_registry(FileLock::Mode mode) const;

  // Profiles (profiles.cpp): stores one (a new id), lists them newest
  // first, reads one's pprof bytes.
  Expected<std::string> put_profile(const ProfileEntry& meta, std::span<const uint8_t> pprof);
  Expected<std::vector<ProfileEntry>> list_profiles() const;
  Expected<std::vector<uint8_t>> read_profile(const std::string& id) const;
  Expected<void> delete_profile(const std::string& id);
  std::string profile_dir(const std::string& id) const { return root_ + "/profiles/" + id; }

  // Full id for a unique prefix; errors list what matched (or nothing did).
  Expected<std::string> resolve(ObjectKind kind, const std::string& prefix) const;

 private:
  explicit Registry(std::string root);
  std::string module_path(const std::string& digest) const;
  Expected<std::vector<std::string>> process_ids() const;  // directory names only
  // One process's entry when the index cannot tell; adds a record to
  // `fixes` for the index.
  ProcessSummary summary_from_meta_file(const std::string& id, std::vector<IndexRecord>& fixes) const;
  // Rewrites the index with one record per existing process; the caller
  // holds the registry lock exclusive.
  Expected<void> compact_index() const;
  // Deletes a process and its profiles, holding its lock meanwhile: the
  // bytes freed, or nullopt when it is running (nothing deleted).
  Expected<std::optional<uint64_t>> remove_process(const std::string& id,
                                                   const std::vector<std::string>& profiles);
  ModuleEntry read_module_entry(const std::string& digest) const;
  const ValidationKey* validation_key() const;
  std::string root_;
  std::shared_ptr<ObjectStore> store_;
  mutable bool key_loaded_ = false;
  mutable std::optional<ValidationKey> key_;
};

}  // namespace tc::registry
