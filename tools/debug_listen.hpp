// timecraft debug --listen ADDR:PORT ID: a GDB remote protocol server
// (debug/gdbremote) over the replay, for LLDB's `gdb-remote ADDR:PORT`.
#pragma once
#include <cstdint>
#include <string>

#include "registry/registry.hpp"

namespace tc::cli {

// Listens (printing "listening on ADDR:PORT" on stderr, the port chosen
// when 0 was asked), serves one client until it detaches, kills or
// disconnects; the exit status.
int debug_listen(const registry::Registry& reg, const std::string& id, const std::string& listen,
                 uint64_t checkpoint_interval);

}  // namespace tc::cli
