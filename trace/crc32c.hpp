// CRC32-C (Castagnoli), as used by the log's batch checksums.
#pragma once
#include <cstddef>
#include <cstdint>

namespace tc::trace {

uint32_t crc32c(const void* data, size_t size, uint32_t crc = 0);

}  // namespace tc::trace
