// pprof's profile.proto, gzipped: what `go tool pprof` reads.
#pragma once
#include <cstdint>
#include <vector>

#include "profile/profile.hpp"

namespace tc::profile {

// Sample types instructions/count and cpu/nanoseconds; one sample per node
// with its self values, its stack (leaf first) of one location per
// function (with file and line where known).
std::vector<uint8_t> to_pprof(const Profile& p);

}  // namespace tc::profile
