#include "debug/dwarf/symbols.hpp"

namespace tc::debug {

const std::vector<uint8_t>* LocationDesc::at(uint64_t offset) const {
  switch (kind) {
    case Kind::Expr:
    case Kind::ConstValue: return &expr;
    case Kind::List:
      for (const auto& e : entries)
        if (e.range.contains(offset)) return &e.expr;
      return nullptr;
    case Kind::None: return nullptr;
  }
  return nullptr;
}

bool Scope::contains(uint64_t off) const {
  for (const auto& r : ranges)
    if (r.contains(off)) return true;
  return false;
}

}  // namespace tc::debug
