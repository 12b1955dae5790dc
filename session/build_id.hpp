// The running executable's GNU build id (hex), or "" when the linker did not
// record one. It names this exact engine build: the registry remembers
// which build validated a module, so that build can skip doing it again.
#pragma once
#include <string>

namespace tc::session {

const std::string& engine_build_id();

}  // namespace tc::session
