// POSIX ustar archives as streams, just what a bundle needs: regular files
// with short names, written and read front to back (never held in memory
// whole). 512-byte headers with octal fields and a checksum, data padded to
// 512 bytes, two zero blocks at the end; sizes too large for 11 octal
// digits (8 GiB and up) in the base-256 form GNU and BSD tar read.
#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>

#include "interp/error.hpp"

namespace tc::registry::tar {

constexpr size_t kBlock = 512;
constexpr size_t kMaxName = 100;  // no prefix field, no long-name extensions

// Where bytes go: all of them, or an error.
using Sink = std::function<Expected<void>(std::span<const uint8_t>)>;
// Where bytes come from: up to out.size() of them, 0 at the end.
using Source = std::function<Expected<size_t>(std::span<uint8_t> out)>;

class Writer {
 public:
  explicit Writer(Sink sink) : sink_(std::move(sink)) {}
  // A regular file of exactly `size` bytes, given next with write().
  Expected<void> begin_file(const std::string& name, uint64_t size, int64_t mtime_unix_s);
  Expected<void> write(std::span<const uint8_t> data);
  // The end-of-archive marker; the last entry must be complete.
  Expected<void> finish();

 private:
  Expected<void> pad();
  Sink sink_;
  uint64_t size_ = 0, left_ = 0;
  std::string name_;
};

struct Entry {
  std::string name;
  char type = '0';  // '0' (or '\0'): a regular file; see type_name()
  uint64_t size = 0;
};

// "a symbolic link", "a directory", ...: what a non-regular entry is.
std::string type_name(char type);

class Reader {
 public:
  explicit Reader(Source source) : source_(std::move(source)) {}
  // The next entry (skipping what is left of the current one); nullopt at
  // the end-of-archive marker. Errors: a truncated archive, a header that
  // is not ustar or fails its checksum, a field that is not a number.
  Expected<std::optional<Entry>> next();
  // Up to out.size() bytes of the current entry's data; 0 once all is read.
  Expected<size_t> read(std::span<uint8_t> out);
  // After the marker: only zero bytes (tar's record padding) may follow.
  Expected<void> expect_end();

 private:
  Expected<void> fill(uint8_t* p, size_t n, const std::string& what);
  Expected<size_t> read_some(uint8_t* p, size_t n);
  Source source_;
  std::string name_;
  uint64_t size_ = 0, left_ = 0, pad_ = 0;
  uint64_t entries_ = 0;
};

}  // namespace tc::registry::tar
