// Linear memory storage. The only place that knows how memory bytes are
// allocated: the address space for the largest possible size is reserved up
// front (PROT_NONE) and committed on grow, so the base never moves. A later
// guard-page scheme only has to enlarge the reservation and drop the
// explicit bounds checks in ops_memory.inc.
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

  // Reserves room for max_pages and commits initial_pages (zeroed).
  bool init(uint64_t initial_pages, uint64_t max_pages);
  // Commits delta more pages (zeroed); false when beyond the reservation.
  bool grow(uint64_t delta_pages);

  uint8_t* data() const { return data_; }
  uint64_t size_bytes() const { return size_; }
  uint64_t pages() const { return size_ / 65536; }

 private:
  uint8_t* data_ = nullptr;
  uint64_t size_ = 0;      // committed bytes
  uint64_t reserved_ = 0;  // reserved bytes
};

}  // namespace tc::wasm
