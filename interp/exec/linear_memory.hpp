// Linear memory storage. The only place that knows how memory bytes are
// allocated: the address space for the largest possible size is reserved up
// front (PROT_NONE) and committed on grow, so the base never moves. A
// guarded memory reserves the whole 33-bit effective-address range instead
// (see guard_pages.hpp), so loads and stores need no explicit check.
#pragma once
#include <cstddef>
#include <cstdint>

namespace tc::wasm {

class LinearMemory {
 public:
  LinearMemory() = default;
  ~LinearMemory();
  LinearMemory(const LinearMemory&) = delete;
  LinearMemory& operator=(const LinearMemory&) = delete;

  // Reserves room for max_pages (the guarded range if `guarded` and it can
  // be had) and commits initial_pages (zeroed). When max_pages cannot be
  // reserved, `may_cap` reserves initial_pages only (capped()); else fails.
  bool init(uint64_t initial_pages, uint64_t max_pages, bool guarded = false, bool may_cap = true);
  // Commits delta more pages (zeroed); false when beyond max_pages.
  bool grow(uint64_t delta_pages);

  uint8_t* data() const { return data_; }
  uint64_t size_bytes() const { return size_; }
  uint64_t pages() const { return size_ / 65536; }
  // Accesses beyond size_bytes() fault inside the reservation.
  bool guarded() const { return guarded_; }
  // Growth is limited to the initial size: max_pages could not be reserved.
  bool capped() const { return capped_; }

 private:
  uint8_t* data_ = nullptr;
  uint64_t size_ = 0;      // committed bytes
  uint64_t limit_ = 0;     // bytes that may be committed
  uint64_t reserved_ = 0;  // reserved bytes
  bool guarded_ = false;
  bool capped_ = false;
};

}  // namespace tc::wasm
