#include "profile/profile.hpp"

#include <algorithm>

namespace tc::profile {

void Profile::finish() {
  for (auto& n : nodes) {
    n.total_instructions = n.self_instructions;
    n.total_ns = n.self_ns;
  }
  for (size_t i = nodes.size(); i-- > 1;) {
    nodes[nodes[i].parent].total_instructions += nodes[i].total_instructions;
    nodes[nodes[i].parent].total_ns += nodes[i].total_ns;
  }
}

std::vector<uint32_t> Profile::path(uint32_t n) const {
  std::vector<uint32_t> out;
  for (; n != 0; n = nodes[n].parent) out.push_back(n);
  std::reverse(out.begin(), out.end());
  return out;
}

}  // namespace tc::profile
