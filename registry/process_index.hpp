// The process index, processes/.index.jsonl: what a listing shows of each
// process, so that listing thousands reads one file, not every
// process.json. It is a cache, never the truth: a run appends a line when
// it starts and when it ends, a deletion appends a tombstone, and the
// latest valid line of an id wins. A torn or invalid line is skipped; an
// id with no line, whose line says "running" while no run holds its lock,
// or whose process.json is not the one the line was made from (its stamp),
// is read from its process.json (Registry::list_processes).
//
// Each line is appended with one write() on an O_APPEND file and kept
// under 4 KiB, so concurrent appenders never interleave within a line.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "interp/error.hpp"

namespace tc::registry {

// One process as a listing shows it.
struct ProcessSummary {
  std::string id;  // UUID
  int64_t start_unix_ns = 0;
  int64_t end_unix_ns = 0;  // 0 while running, or when killed
  std::string module_digest;
  std::string module_name;
  // As ProcessMeta::status ("running", "exited", ...), or "killed": its
  // metadata says "running" but no run holds its lock.
  std::string status;
  int exit_code = 0;
  std::string message;     // the trap or failure message, cut to kSummaryTextBytes
  uint64_t log_bytes = 0;  // total size of the log segment files
  std::string broken;      // why process.json is unusable, else "" (then only id is set)
};

// Longer module names and messages are cut (at a UTF-8 boundary).
constexpr size_t kSummaryTextBytes = 200;

struct IndexRecord {
  ProcessSummary summary;
  bool deleted = false;  // a tombstone: only summary.id is set
  // Which process.json the summary was made from ("inode:mtime_ns:size"),
  // so that one rewritten or edited since is read again.
  std::string meta_stamp;
};

// One line, "\n" included; the summary's texts are cut to fit.
std::string index_line(const IndexRecord& r);
// False for a line that is not a record (torn, edited, empty).
bool parse_index_line(std::string_view line, IndexRecord& out);

class ProcessIndex {
 public:
  explicit ProcessIndex(std::string path) : path_(std::move(path)) {}
  const std::string& path() const { return path_; }

  struct Contents {
    std::unordered_map<std::string, IndexRecord> latest;  // by id, tombstones included
    size_t lines = 0;                                     // non-empty lines, valid or not
  };
  // A missing or unreadable index reads as empty.
  Contents load() const;
  // One write() per record, in order.
  Expected<void> append(const std::vector<IndexRecord>& records) const;
  // Replaces the whole file atomically (compaction). A line appended
  // meanwhile by another process is lost, which costs that process a
  // read of its process.json at the next listing, nothing more.
  Expected<void> rewrite(const std::vector<IndexRecord>& records) const;

 private:
  std::string path_;
};

}  // namespace tc::registry
