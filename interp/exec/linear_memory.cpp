#include "interp/exec/linear_memory.hpp"

#include <sys/mman.h>

#include "interp/exec/guard_pages.hpp"

namespace tc::wasm {

namespace {

uint8_t* reserve(uint64_t bytes) {
  void* p = mmap(nullptr, bytes, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  return p == MAP_FAILED ? nullptr : static_cast<uint8_t*>(p);
}

}  // namespace

LinearMemory::~LinearMemory() {
  if (!data_) return;
  if (guarded_) guard_unregister(data_);
  munmap(data_, reserved_);
}

bool LinearMemory::init(uint64_t initial_pages, uint64_t max_pages, bool guarded, bool may_cap) {
  if (initial_pages > max_pages) return false;
  limit_ = max_pages * 65536;
  if (guarded && guard_pages_available()) {
    if (uint8_t* p = reserve(kGuardedReserve)) {
      if (guard_register(p)) {
        data_ = p;
        reserved_ = kGuardedReserve;
        guarded_ = true;
        return grow(initial_pages);
      }
      munmap(p, kGuardedReserve);
    }
  }
  reserved_ = limit_;
  if (reserved_ == 0) return true;  // data_ stays null, size 0
  uint8_t* p = reserve(reserved_);
  if (!p && initial_pages < max_pages && may_cap) {
    // Address space is limited (ulimit -v): reserve the initial size only;
    // memory.grow then returns -1.
    reserved_ = limit_ = initial_pages * 65536;
    capped_ = true;
    if (reserved_ == 0) return true;
    p = reserve(reserved_);
  }
  if (!p) { reserved_ = limit_ = 0; capped_ = false; return false; }
  data_ = p;
  return grow(initial_pages);
}

bool LinearMemory::grow(uint64_t delta_pages) {
  uint64_t bytes = delta_pages * 65536;
  if (delta_pages > limit_ / 65536 || size_ + bytes > limit_) return false;
  if (bytes == 0) return true;
  // Fresh anonymous pages are zero-filled by the kernel.
  if (mprotect(data_ + size_, bytes, PROT_READ | PROT_WRITE) != 0) return false;
  size_ += bytes;
  return true;
}

}  // namespace tc::wasm
