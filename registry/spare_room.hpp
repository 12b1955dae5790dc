// Keeping a small file rewritable on a full disk. The final process.json
// of a run is written when the run ends, which may be because the disk
// filled up: then the atomic write (a new temporary file) has no room.
// Space reserved next to the file when it was first written lets it be
// rewritten in place instead.
#pragma once
#include <cstdint>
#include <string>

#include "interp/error.hpp"

namespace tc::registry {

// Allocates disk space for `path` up to `bytes` without changing its size
// (fallocate FALLOC_FL_KEEP_SIZE). Best effort: an error (e.g. the file
// system has no fallocate) only means no reservation.
Expected<void> reserve_file_space(const std::string& path, uint64_t bytes);

// Rewrites an existing file in place with one write at offset 0: not
// atomic, the last resort when write_file_atomic finds no room. A shorter
// `text` is padded with spaces to the old length (valid trailing
// whitespace for JSON or YAML), so a reader never sees a mix of old and
// new content followed by the old tail. Then fsync.
Expected<void> overwrite_file_in_place(const std::string& path, const std::string& text);

}  // namespace tc::registry
