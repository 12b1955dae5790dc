// A profile from one replay: the engine's calling-context tree (exact
// instruction counts per path of calls, calls, time), named from DWARF or
// the name section, with source lines where DWARF has them.
#pragma once
#include "debug/dwarf/debug_info.hpp"
#include "profile/profile.hpp"
#include "session/replay.hpp"

namespace tc::profile {

struct ProfileRun {
  Profile profile;
  session::ReplayEnd end;
};

// `info` may be null (no DWARF): names from the name section, no lines.
ProfileRun profile_replay(session::ReplaySession& s, const debug::DebugInfo* info);

}  // namespace tc::profile
