// Crash-safe file writes: temp file in the same directory, fsync, rename,
// fsync the directory. Readers see the old or the new content, never a mix.
#pragma once
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "interp/error.hpp"

namespace tc::registry {

Expected<void> write_file_atomic(const std::string& path, std::span<const uint8_t> data);
Expected<void> write_file_atomic(const std::string& path, const std::string& text);
Expected<std::vector<uint8_t>> read_file(const std::string& path);

}  // namespace tc::registry
