#include "interp/exec/linear_memory.hpp"

#include <sys/mman.h>

namespace tc::wasm {

LinearMemory::~LinearMemory() {
  if (data_) munmap(data_, reserved_);
}

bool LinearMemory::init(uint64_t initial_pages, uint64_t max_pages) {
  if (initial_pages > max_pages) return false;
  reserved_ = max_pages * 65536;
  if (reserved_ == 0) return true;  // data_ stays null, size 0
  void* p = mmap(nullptr, reserved_, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED && initial_pages < max_pages) {
    // Address space is limited (ulimit -v): reserve the initial size only;
    // memory.grow then returns -1.
    reserved_ = initial_pages * 65536;
    if (reserved_ == 0) return true;
    p = mmap(nullptr, reserved_, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  }
  if (p == MAP_FAILED) { reserved_ = 0; return false; }
  data_ = static_cast<uint8_t*>(p);
  return grow(initial_pages);
}

bool LinearMemory::grow(uint64_t delta_pages) {
  uint64_t bytes = delta_pages * 65536;
  if (delta_pages > reserved_ / 65536 || size_ + bytes > reserved_) return false;
  if (bytes == 0) return true;
  // Fresh anonymous pages are zero-filled by the kernel.
  if (mprotect(data_ + size_, bytes, PROT_READ | PROT_WRITE) != 0) return false;
  size_ += bytes;
  return true;
}

}  // namespace tc::wasm
