// The remote registry's index: what `get ps --remote` shows, read with
// LIST calls only (no GET per process). S3 has no append and no atomic
// read-modify-write, but LIST is sorted ascending by key and returns each
// key, so every fact is a small object whose KEY carries it (the body is
// empty), written once:
//
//   index/started/<~start>.<id>.<digest>.<module name>
//       with the "running" process.json; ~start = INT64_MAX - start_unix_ns
//       in 16 hex digits, so that a listing comes newest first;
//   index/ended/<id>.<end ns>.<status>.<exit code>.<log bytes>.<message>
//       with the final process.json (after it: the commit point);
//   index/alive/<id>.<beat ns>.<interval s>.<segments>.<log bytes>
//       the heartbeat of a run being recorded, a new key at each beat
//       (the previous one is then deleted): no end and no beat for a few
//       intervals means killed.
// Texts are percent-encoded (so '.' separates fields) and cut to keep keys
// well under S3's 1,024 bytes. A key that does not parse is ignored.
//
// The index is only ever a listing: it is never trusted for safety. An id
// prefix is resolved by listing processes/<prefix> (resolve_remote), and
// what is pulled is verified (digests, CRCs) whatever the index says.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "registry/object_store.hpp"
#include "registry/process_index.hpp"

namespace tc::registry {

constexpr char kStartedPrefix[] = "index/started/";
constexpr char kEndedPrefix[] = "index/ended/";
constexpr char kAlivePrefix[] = "index/alive/";

struct Heartbeat {
  std::string id;
  int64_t beat_unix_ns = 0;
  uint32_t interval_s = 0;
  uint64_t segments = 0, log_bytes = 0;
};

std::string started_key(const ProcessSummary& s);
std::string ended_key(const ProcessSummary& s);  // s.log_bytes: the whole log
std::string alive_key(const Heartbeat& h);

// Each fills only what its key carries; false if the key is not one.
bool parse_started_key(const std::string& key, ProcessSummary& out);
bool parse_ended_key(const std::string& key, ProcessSummary& out);
bool parse_alive_key(const std::string& key, Heartbeat& out);

// A run with no end record whose last beat (or start, without one) is
// older than this is shown "killed".
int64_t stale_after_ns(uint32_t interval_s);

// The listing, newest first, from three LIST calls (each paged).
Expected<std::vector<ProcessSummary>> list_remote_index(const ObjectStore& remote, int64_t now_unix_ns);

// Deletes id's heartbeat keys but `keep` (best effort).
void remove_heartbeats(ObjectStore& remote, const std::string& id, const std::string& keep = "");

}  // namespace tc::registry
