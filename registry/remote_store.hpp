// The remote registry's store (config registry.remote, an s3:// URL),
// opened through bin/libtimecraft_s3.so, loaded with dlopen() on first use:
// bin/timecraft does not link libcurl, so a run without a remote starts
// without it. The library is looked for next to the running executable
// (and in its parent directory, for the test programs in bin/tests/), or
// at $TIMECRAFT_S3_LIBRARY.
#pragma once
#include <memory>
#include <string>

#include "interp/error.hpp"
#include "registry/object_store.hpp"

namespace tc::registry {

// Does not contact the server. Errors: one line (the library is missing
// or stale, the URL is not s3://bucket[/prefix], ...).
Expected<std::shared_ptr<ObjectStore>> open_remote_store(const std::string& url,
                                                         const std::string& endpoint,
                                                         const std::string& region);

}  // namespace tc::registry
