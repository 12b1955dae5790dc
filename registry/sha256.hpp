#pragma once
#include <cstdint>
#include <span>
#include <string>

namespace tc::registry {

// Lower-case hex sha256 of `data` (OpenSSL).
std::string sha256_hex(std::span<const uint8_t> data);

}  // namespace tc::registry
