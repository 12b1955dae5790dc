#include "profile/pprof.hpp"

namespace tc::profile {

std::vector<uint8_t> to_pprof(const Profile&) { return {}; }  // (being written)

}  // namespace tc::profile
