// A log's segments in an ObjectStore: the trace::SegmentStore through which
// the log writer and reader reach a process's log in the registry
// (objects "<prefix>log.000000", ...; the prefix "processes/<id>/log/").
//
// A sealed segment is an immutable object. The open one differs by store:
//   - a LocalStore appends it in place, a file at its key (one writev per
//     batch, fsync when sealed): objects are immutable, but a local file
//     can be appended durably, and that is what keeps a recording's crash
//     safety (kill -9 loses at most the batch being written, a torn tail
//     reads up to its last whole batch, a full disk is cut back at once)
//     and the layout of existing registries (processes/<id>/log/log.NNNNNN);
//   - any other store buffers it in memory and stores it with
//     put_if_absent when sealed, so a reader only ever sees whole sealed
//     segments there (a remote registry uploads what a local one sealed).
#pragma once
#include <memory>
#include <string>

#include "registry/object_store.hpp"
#include "trace/segment_store.hpp"

namespace tc::registry {

std::shared_ptr<trace::SegmentStore> store_segments(std::shared_ptr<ObjectStore> store,
                                                    std::string prefix);

}  // namespace tc::registry
