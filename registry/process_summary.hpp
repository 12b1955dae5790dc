// The fields a listing shows of a process (ProcessSummary), taken from its
// metadata: one definition for the local listing (processes.cpp) and the
// remote one (remote.cpp).
#pragma once
#include "registry/process_index.hpp"
#include "registry/process_meta.hpp"

namespace tc::registry {

ProcessSummary summary_of(const ProcessMeta& m);

}  // namespace tc::registry
