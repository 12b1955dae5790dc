// Transfers between the local registry and a remote one (an ObjectStore
// with the same layout, e.g. an S3 bucket prefix: remote_store.hpp).
//
// push: the module (modules/sha256/<hex>, put_if_absent) and its sidecar
// without the "validated_by" mark (that mark is only ever trusted locally),
// process.json as the run started ("running", if the remote has none), the
// sealed log segments (put_if_absent), then the final process.json last:
// the commit point, whoever sees it ended can fetch everything.
// pull: the reverse into the local registry, which is the cache: the module
// is checked against its digest, the segments are checked (every batch's
// CRC, by reading the whole log) before anything is written locally, and
// what is already there is never fetched again.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "interp/error.hpp"
#include "registry/object_store.hpp"
#include "registry/registry.hpp"
#include "trace/segment_store.hpp"

namespace tc::registry {

struct TransferStats {
  uint32_t objects = 0;   // transferred
  uint32_t skipped = 0;   // already on the other side
  uint64_t bytes = 0;     // transferred
};

// `id`: a full process id in `local`. A process still running gets its
// sealed segments and its "running" metadata only.
Expected<TransferStats> push_process(const Registry& local, ObjectStore& remote,
                                     const std::string& id);
// Full id in the remote for a unique prefix (a Usage error otherwise).
Expected<std::string> resolve_remote(ObjectStore& remote, const std::string& prefix);
// `id`: a full process id in `remote`.
Expected<TransferStats> pull_process(Registry& local, const ObjectStore& remote,
                                     const std::string& id);
// The remote's processes, newest first, from its index (remote_index.hpp:
// LIST calls only): running, killed (no end record, no recent heartbeat)
// or as they ended.
Expected<std::vector<ProcessSummary>> list_remote_processes(const ObjectStore& remote);

// `local` (a process's log in the local registry) with each segment, once
// sealed locally, also stored in `remote` under processes/<id>/log/, so
// that a long run is visible while it runs (and a killed one with what it
// sealed). While it lives, a heartbeat (remote_index.hpp) is stored every
// `heartbeat_seconds` (0: none) and after each upload, so that listings
// tell this run from a killed one. An upload failure never fails the
// recording: `on_error` hears of the first one, and no more are tried
// (push uploads what is missing).
std::shared_ptr<trace::SegmentStore> uploading_segments(
    std::shared_ptr<trace::SegmentStore> local, std::shared_ptr<ObjectStore> remote,
    const std::string& id, uint32_t heartbeat_seconds, std::function<void(const Error&)> on_error);

}  // namespace tc::registry
