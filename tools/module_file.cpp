// Reading a module file for `run`: the header first, so that something that
// is not a module (/dev/zero, a 2 GB sparse file) is refused after 8 bytes,
// then the rest in one pre-sized read (regular files) or incrementally
// (pipes, devices), never past the size limit.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "interp/text/wat.hpp"
#include "tools/cli.hpp"

namespace tc::cli {

namespace {

struct Fd {
  int fd;
  ~Fd() { if (fd >= 0) ::close(fd); }
};

// Reads into [p, p + n) until full or EOF; the count read, or -1 (errno set).
ssize_t read_some(int fd, uint8_t* p, size_t n) {
  size_t got = 0;
  while (got < n) {
    ssize_t k = ::read(fd, p + got, n - got);
    if (k < 0 && errno == EINTR) continue;
    if (k < 0) return -1;
    if (k == 0) break;
    got += size_t(k);
  }
  return ssize_t(got);
}

// Printable ASCII, whitespace, or part of a UTF-8 sequence.
bool text_byte(uint8_t c) {
  return (c >= 0x20 && c != 0x7f) || c >= 0x80 || c == '\t' || c == '\n' || c == '\r' ||
         c == '\f' || c == '\v';
}

Error read_error(const std::string& path, int e) {
  return make_error(ErrorKind::Io, path + ": read error: " + std::strerror(e));
}

Error too_large(const std::string& path, uint64_t max_bytes) {
  return make_error(ErrorKind::Io, path + ": module is larger than the " +
                                       registry::format_size(max_bytes) +
                                       " limit (module.max-size)");
}

}  // namespace

Expected<std::vector<uint8_t>> read_module_bytes(const std::string& path, uint64_t max_bytes) {
  Fd f{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
  if (f.fd < 0) return make_error(ErrorKind::Io, path + ": cannot open file: " + std::strerror(errno));
  struct stat st {};
  if (::fstat(f.fd, &st) != 0) return read_error(path, errno);
  if (S_ISDIR(st.st_mode)) return make_error(ErrorKind::Io, path + ": is a directory");

  // The header: "\0asm" and the version, or the start of a text module.
  constexpr size_t kHead = 8;
  std::vector<uint8_t> bytes(kHead);
  ssize_t head = read_some(f.fd, bytes.data(), kHead);
  if (head < 0) return read_error(path, errno);
  size_t got = size_t(head);
  bytes.resize(got);
  bool binary = got >= 4 && std::memcmp(bytes.data(), "\0asm", 4) == 0;
  bool text_name = path.size() > 4 && (path.ends_with(".wat") || path.ends_with(".wast"));
  bool no_nul = std::find(bytes.begin(), bytes.end(), 0) == bytes.end();
  bool text = !binary && no_nul &&
              (text_name || (got > 0 && std::all_of(bytes.begin(), bytes.end(), text_byte)));
  // A bad magic or version fails here exactly as it would on the whole file.
  if (!text && got == kHead)
    if (auto m = load_module_bytes(path, bytes, false); !m) return m.error();
  if (S_ISREG(st.st_mode) && uint64_t(st.st_size) > max_bytes) return too_large(path, max_bytes);

  // The rest. One byte past the limit tells "larger than"; a regular file's
  // buffer is its size plus one, so its EOF needs no reallocation.
  const uint64_t limit = max_bytes + 1;
  uint64_t initial = S_ISREG(st.st_mode) ? uint64_t(st.st_size) + 1 : uint64_t(1) << 16;
  bytes.resize(size_t(std::clamp<uint64_t>(initial, got + 1, limit)));
  for (;;) {
    if (got == bytes.size()) {
      if (got >= limit) return too_large(path, max_bytes);
      bytes.resize(size_t(std::min<uint64_t>(limit, uint64_t(got) * 2)));
    }
    ssize_t n = ::read(f.fd, bytes.data() + got, bytes.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return read_error(path, errno);
    if (n == 0) break;
    got += size_t(n);
  }
  if (got > max_bytes) return too_large(path, max_bytes);
  bytes.resize(got);
  if (text) {
    auto enc = wat::wat_to_binary(
        std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
    if (!enc) {
      auto e = enc.error();
      e.location = path + (e.location.empty() ? "" : ":" + e.location);
      return e;
    }
    bytes = std::move(*enc);
  }
  return bytes;
}

}  // namespace tc::cli
