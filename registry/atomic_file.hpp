// Crash-safe file writes: temp file in the same directory, fsync, rename,
// fsync the directory. Readers see the old or the new content, never a mix.
#pragma once
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "interp/error.hpp"

namespace tc::registry {

// `durable` adds fsync of the file and its directory (survives power loss);
// without it the write is still atomic for every reader.
Expected<void> write_file_atomic(const std::string& path, std::span<const uint8_t> data,
                                 bool durable = true);
Expected<void> write_file_atomic(const std::string& path, const std::string& text,
                                 bool durable = true);
// The same for content too large to hold in memory: `produce` writes it
// into the temporary file's descriptor. Its error leaves `path` untouched
// (the temporary file is removed).
Expected<void> write_file_atomic_with(const std::string& path,
                                      const std::function<Expected<void>(int fd)>& produce,
                                      bool durable = true);
Expected<std::vector<uint8_t>> read_file(const std::string& path);

}  // namespace tc::registry
